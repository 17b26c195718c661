//! The plaintext buffers of a TLS connection, wiped when the connection is dropped.
//!
//! ureq writes each request (its headers, `client_secret` included, and the Bundle) into the
//! output buffer and reads each answer into the input buffer; these buffers live as long as
//! the connection. ureq's own `LazyBuffers` free them as they are; these zero them first, and
//! copy by hand when the input has to grow, so that no reallocation leaves a copy behind.

use ureq::unversioned::transport::Buffers;
use zeroize::Zeroize;

/// Room kept for reading a request body (ureq reads it through the free input space).
const MIN_TMP: usize = 10 * 1024;

/// Input and output buffers that are zeroed when dropped. Same behaviour as ureq's
/// `LazyBuffers`: allocated on first use, input consumed from the front and shifted down.
pub struct WipedBuffers {
    input_size: usize,
    output_size: usize,
    input: Vec<u8>,
    filled: usize,
    consumed: usize,
    output: Vec<u8>,
    progress: bool,
}

impl std::fmt::Debug for WipedBuffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WipedBuffers")
            .field("input", &self.input.len())
            .field("output", &self.output.len())
            .finish()
    }
}

impl WipedBuffers {
    /// Buffers of these sizes (nothing is allocated yet).
    pub fn new(input_size: usize, output_size: usize) -> Self {
        WipedBuffers {
            input_size: input_size.max(1),
            output_size: output_size.max(1),
            input: Vec::new(),
            filled: 0,
            consumed: 0,
            output: Vec::new(),
            progress: false,
        }
    }

    fn ensure_allocation(&mut self) {
        if self.output.len() < self.output_size {
            grow(&mut self.output, self.output_size);
        }
        if self.input.len() < self.input_size {
            grow(&mut self.input, self.input_size);
        }
    }

    /// Moves unconsumed input to the front when that frees room (as ureq does).
    fn maybe_shift(&mut self) {
        if self.consumed == 0 {
            return;
        }
        if self.consumed == self.filled {
            self.consumed = 0;
            self.filled = 0;
        } else if self.filled > self.input.len() / 2 {
            self.input.copy_within(self.consumed..self.filled, 0);
            self.filled -= self.consumed;
            self.consumed = 0;
        }
    }
}

/// Grows `v` to `len` zero bytes through a fresh allocation, wiping the old one.
fn grow(v: &mut Vec<u8>, len: usize) {
    let mut bigger = Vec::with_capacity(len);
    bigger.extend_from_slice(v);
    bigger.resize(len, 0);
    v.zeroize();
    *v = bigger;
}

impl Buffers for WipedBuffers {
    fn output(&mut self) -> &mut [u8] {
        self.ensure_allocation();
        &mut self.output
    }

    fn input(&self) -> &[u8] {
        &self.input[self.consumed..self.filled]
    }

    fn input_append_buf(&mut self) -> &mut [u8] {
        self.ensure_allocation();
        self.maybe_shift();
        &mut self.input[self.filled..]
    }

    fn input_appended(&mut self, amount: usize) {
        self.filled = (self.filled + amount).min(self.input.len());
    }

    fn input_consume(&mut self, amount: usize) {
        self.progress = amount > 0;
        self.consumed = (self.consumed + amount).min(self.filled);
    }

    fn tmp_and_output(&mut self) -> (&mut [u8], &mut [u8]) {
        self.ensure_allocation();
        self.maybe_shift();
        let free = self.input.len() - self.filled;
        if free < MIN_TMP {
            grow(&mut self.input, self.filled + MIN_TMP);
        }
        (&mut self.input[self.filled..], &mut self.output)
    }

    fn can_use_input(&self) -> bool {
        self.consumed < self.filled && self.progress
    }
}

impl Drop for WipedBuffers {
    fn drop(&mut self) {
        self.input.zeroize();
        self.output.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_ureqs_buffers() {
        let mut b = WipedBuffers::new(16, 8);
        assert!(b.input().is_empty() && !b.can_use_input());
        assert_eq!(b.output().len(), 8);
        b.input_append_buf()[..5].copy_from_slice(b"hello");
        b.input_appended(5);
        assert_eq!(b.input(), b"hello");
        b.input_consume(2);
        assert!(b.can_use_input());
        assert_eq!(b.input(), b"llo");
        b.input_consume(3);
        assert_eq!(
            b.input_append_buf().len(),
            16,
            "consumed input is reclaimed"
        );
        let (tmp, out) = b.tmp_and_output();
        assert!(tmp.len() >= MIN_TMP && out.len() == 8);
    }
}
