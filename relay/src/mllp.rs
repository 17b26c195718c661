//! MLLP framing: a message is `0x0B` + bytes + `0x1C 0x0D`. [`FrameReader`] reads many
//! frames from one stream with a maximum size and an idle timeout; [`write_frame`] frames an
//! answer.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Start of block.
pub const START: u8 = 0x0B;
/// End of block (followed by [`CR`]).
pub const END: u8 = 0x1C;
/// Carriage return closing a frame.
pub const CR: u8 = 0x0D;

/// A framing failure (the connection is closed after it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MllpError {
    /// A frame is larger than the limit.
    #[error("an MLLP frame is larger than {0} bytes")]
    TooLarge(usize),
    /// Bytes outside a frame that are not whitespace.
    #[error("bytes outside an MLLP frame (expected 0x0B)")]
    OutsideFrame,
    /// `0x1C` not followed by `0x0D`.
    #[error("0x1C not followed by 0x0D in an MLLP frame")]
    BadEnd,
    /// The peer sent nothing for the idle timeout.
    #[error("idle for longer than {0:?}")]
    Idle(Duration),
    /// The stream ended inside a frame.
    #[error("the connection closed inside an MLLP frame")]
    Truncated,
    /// Reading failed.
    #[error("reading: {0}")]
    Io(#[from] io::Error),
}

/// Reads MLLP frames from a stream whose read timeout is short (the poll interval), so that
/// the idle timeout and a stop request are noticed.
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    max_bytes: usize,
    idle: Duration,
}

impl<R: Read> FrameReader<R> {
    /// A reader of frames of at most `max_bytes` (content), closing after `idle` without data.
    pub fn new(inner: R, max_bytes: usize, idle: Duration) -> Self {
        FrameReader {
            inner,
            buf: Vec::with_capacity(8192),
            start: 0,
            max_bytes,
            idle,
        }
    }

    /// The stream (to write answers on the same stream, e.g. a TLS session).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The next frame's content; `Ok(None)` when the stream ended (or `stop` was set) between
    /// frames.
    pub fn next_frame(&mut self, stop: &AtomicBool) -> Result<Option<Vec<u8>>, MllpError> {
        let mut last_data = Instant::now();
        loop {
            if let Some(frame) = self.take_frame()? {
                return Ok(Some(frame));
            }
            let in_frame = self.start < self.buf.len();
            if stop.load(Ordering::Relaxed) && !in_frame {
                return Ok(None);
            }
            if last_data.elapsed() >= self.idle {
                return if in_frame {
                    Err(MllpError::Idle(self.idle))
                } else {
                    Ok(None)
                };
            }
            let mut chunk = [0u8; 8192];
            match self.inner.read(&mut chunk) {
                Ok(0) => {
                    return if in_frame {
                        Err(MllpError::Truncated)
                    } else {
                        Ok(None)
                    }
                }
                Ok(n) => {
                    last_data = Instant::now();
                    if self.start > 0 {
                        self.buf.drain(..self.start);
                        self.start = 0;
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(MllpError::Io(e)),
            }
        }
    }

    /// A complete frame from the buffer, if there is one.
    fn take_frame(&mut self) -> Result<Option<Vec<u8>>, MllpError> {
        // Whitespace between frames (some senders add a newline) is skipped.
        while self.start < self.buf.len() && matches!(self.buf[self.start], b'\r' | b'\n') {
            self.start += 1;
        }
        let Some(&first) = self.buf.get(self.start) else {
            return Ok(None);
        };
        if first != START {
            return Err(MllpError::OutsideFrame);
        }
        let body = self.start + 1;
        match self.buf[body..].iter().position(|&b| b == END) {
            Some(pos) => {
                if pos > self.max_bytes {
                    return Err(MllpError::TooLarge(self.max_bytes));
                }
                let end = body + pos;
                match self.buf.get(end + 1) {
                    None => Ok(None),
                    Some(&CR) => {
                        let frame = self.buf[body..end].to_vec();
                        self.start = end + 2;
                        Ok(Some(frame))
                    }
                    Some(_) => Err(MllpError::BadEnd),
                }
            }
            None if self.buf.len() - body > self.max_bytes => {
                Err(MllpError::TooLarge(self.max_bytes))
            }
            None => Ok(None),
        }
    }
}

/// Writes `content` as one MLLP frame.
pub fn write_frame(w: &mut impl Write, content: &[u8]) -> io::Result<()> {
    let mut out = Vec::with_capacity(content.len() + 3);
    out.push(START);
    out.extend_from_slice(content);
    out.extend_from_slice(&[END, CR]);
    w.write_all(&out)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], max: usize) -> Result<Vec<Vec<u8>>, MllpError> {
        let stop = AtomicBool::new(false);
        let mut r = FrameReader::new(input, max, Duration::from_secs(5));
        let mut out = Vec::new();
        while let Some(f) = r.next_frame(&stop)? {
            out.push(f);
        }
        Ok(out)
    }

    #[test]
    fn reads_many_frames_and_skips_newlines_between() {
        let got = frames(b"\x0bA|1\x1c\r\n\x0bB|2\r\x1c\r", 100).expect("frames");
        assert_eq!(got, vec![b"A|1".to_vec(), b"B|2\r".to_vec()]);
    }

    #[test]
    fn a_frame_split_across_reads_is_joined() {
        struct Drip<'a>(&'a [u8]);
        impl Read for Drip<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = b;
                self.0 = rest;
                Ok(1)
            }
        }
        let stop = AtomicBool::new(false);
        let mut r = FrameReader::new(Drip(b"\x0bMSH|x\x1c\r"), 100, Duration::from_secs(5));
        assert_eq!(r.next_frame(&stop).expect("frame"), Some(b"MSH|x".to_vec()));
        assert_eq!(r.next_frame(&stop).expect("end"), None);
    }

    #[test]
    fn limits_and_errors() {
        assert!(matches!(
            frames(b"\x0b0123456789\x1c\r", 5),
            Err(MllpError::TooLarge(5))
        ));
        assert!(matches!(
            frames(b"\x0b0123456789", 5),
            Err(MllpError::TooLarge(5))
        ));
        assert!(matches!(frames(b"MSH", 5), Err(MllpError::OutsideFrame)));
        assert!(matches!(frames(b"\x0bAB\x1cX", 5), Err(MllpError::BadEnd)));
        assert!(matches!(frames(b"\x0bAB", 5), Err(MllpError::Truncated)));
    }

    #[test]
    fn write_frame_frames() {
        let mut out = Vec::new();
        write_frame(&mut out, b"MSA|AA").expect("write");
        assert_eq!(out, b"\x0bMSA|AA\x1c\r");
    }
}
