//! NDJSON input in batches of lines, every line capped so that memory stays bounded.

use std::io::{BufRead, Read};

/// Lines per batch at most: small enough that the threads share the work evenly, large enough
/// that handing a batch over costs next to nothing beside validating it.
pub const BATCH_LINES: usize = 64;
/// Bytes per batch before it is handed over (one longer line still goes whole).
pub const BATCH_BYTES: usize = 256 * 1024;

/// Non-blank lines of the input, their bytes back to back.
#[derive(Debug, Default)]
pub struct Batch {
    data: Vec<u8>,
    lines: Vec<(usize, usize, usize)>,
}

impl Batch {
    /// Each line: its number (0-based, blank lines counted) and its bytes, without the line
    /// end (`\n` or `\r\n`), cut after `keep` bytes.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &[u8])> + '_ {
        self.lines
            .iter()
            .map(|&(n, start, end)| (n, &self.data[start..end]))
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// No line at all.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Reads `reader` to its end and emits its non-blank lines in batches, in order; a line
/// longer than `keep` bytes is cut to `keep + 1` bytes (enough for a size check to refuse it)
/// and the rest of it is skipped, never held. A read error is emitted last. Stops when `emit`
/// returns `false`.
pub fn read_batches<R: BufRead>(
    mut reader: R,
    keep: usize,
    emit: &mut dyn FnMut(std::io::Result<Batch>) -> bool,
) {
    // Keep one byte past the limit, and one more for a `\r` before the `\n`.
    let cap = keep.saturating_add(2);
    let mut batch = Batch::default();
    let mut number = 0usize;
    loop {
        match read_line(&mut reader, cap, &mut batch.data) {
            Ok(None) => break,
            Ok(Some(start)) => {
                if start < batch.data.len() {
                    let keep_end = batch
                        .data
                        .len()
                        .min(start.saturating_add(keep).saturating_add(1));
                    batch.data.truncate(keep_end);
                    batch.lines.push((number, start, keep_end));
                }
                number += 1;
                let full = batch.lines.len() >= BATCH_LINES || batch.data.len() >= BATCH_BYTES;
                if full && !emit(Ok(std::mem::take(&mut batch))) {
                    return;
                }
            }
            Err(e) => {
                if !batch.is_empty() && !emit(Ok(std::mem::take(&mut batch))) {
                    return;
                }
                emit(Err(e));
                return;
            }
        }
    }
    if !batch.is_empty() {
        emit(Ok(batch));
    }
}

/// Appends the next line to `data` without its line end and returns where it starts, or
/// `None` at the end of the input. A blank line (only ASCII whitespace) appends nothing. At
/// most `cap` bytes of a line are kept; the rest is read and dropped.
fn read_line<R: BufRead>(
    reader: &mut R,
    cap: usize,
    data: &mut Vec<u8>,
) -> std::io::Result<Option<usize>> {
    let start = data.len();
    let got = reader.by_ref().take(cap as u64).read_until(b'\n', data)?;
    if got == 0 {
        return Ok(None);
    }
    let mut rest_blank = true;
    if data.last() == Some(&b'\n') {
        data.pop();
    } else if got == cap {
        rest_blank = skip_line(reader)?;
    }
    if data.last() == Some(&b'\r') {
        data.pop();
    }
    if rest_blank && data[start..].iter().all(u8::is_ascii_whitespace) {
        data.truncate(start);
    }
    Ok(Some(start))
}

/// Reads up to and including the next `\n` (or to the end), keeping nothing; says whether
/// what it skipped was all ASCII whitespace.
fn skip_line<R: BufRead>(reader: &mut R) -> std::io::Result<bool> {
    let mut blank = true;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(blank);
        }
        let (part, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], i + 1),
            None => (buf, 0),
        };
        blank &= part.iter().all(u8::is_ascii_whitespace);
        let used = if done > 0 { done } else { buf.len() };
        reader.consume(used);
        if done > 0 {
            return Ok(blank);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], keep: usize) -> Vec<(usize, Vec<u8>)> {
        let mut out = Vec::new();
        read_batches(input, keep, &mut |b| {
            let b = b.expect("no read error");
            assert!(!b.is_empty() && b.len() <= BATCH_LINES);
            out.extend(b.lines().map(|(n, l)| (n, l.to_vec())));
            true
        });
        out
    }

    #[test]
    fn lines_are_numbered_with_blank_ones_counted_and_line_ends_dropped() {
        let got = all(b"a\r\n\n  \t\nbc\nd", 100);
        assert_eq!(
            got,
            vec![(0, b"a".to_vec()), (3, b"bc".to_vec()), (4, b"d".to_vec())]
        );
        assert!(all(b"", 100).is_empty());
        assert!(all(b"\n\n \r\n", 100).is_empty());
    }

    #[test]
    fn a_long_line_is_cut_after_one_byte_past_the_limit_and_the_next_line_is_intact() {
        let mut input = vec![b'x'; 10_000];
        input.extend_from_slice(b"\nshort\n");
        input.extend(std::iter::repeat_n(b' ', 5000));
        input.extend_from_slice(b"\n   ");
        input.extend(std::iter::repeat_n(b' ', 5000));
        input.extend_from_slice(b"y\nexact\r\n");
        let got = all(&input, 5);
        assert_eq!(got[0], (0, b"xxxxxx".to_vec()));
        assert_eq!(got[1], (1, b"short".to_vec()));
        // A long blank line is blank; a long one with something after the cut is not.
        assert_eq!(got[2], (3, b"      ".to_vec()));
        assert_eq!(got[3], (4, b"exact".to_vec()));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn many_lines_come_in_several_batches_in_order() {
        let input: String = (0..1000).map(|i| format!("{i}\n")).collect();
        let got = all(input.as_bytes(), 100);
        assert_eq!(got.len(), 1000);
        for (i, (n, l)) in got.iter().enumerate() {
            assert_eq!((*n, l.as_slice()), (i, i.to_string().as_bytes()));
        }
    }
}
