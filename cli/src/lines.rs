//! NDJSON input in batches of lines, every line capped so that memory stays bounded.
//!
//! Two ways in: [`Batches`] reads a stream (standard input, a pipe) as the threads take its
//! batches in turn; [`ChunkReader`] lets each thread read its own byte ranges of a
//! regular file with positional reads, so no thread copies lines for the others and the
//! reading is spread over every core. Both number lines within their batch (blank lines
//! counted); the caller adds the lines of the batches before.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};

/// Lines per batch at most: small enough that the threads share the work evenly, large enough
/// that handing a batch over costs next to nothing beside validating it.
pub const BATCH_LINES: usize = 64;
/// Bytes per batch before it is handed over (one longer line still goes whole).
pub const BATCH_BYTES: usize = 256 * 1024;
/// Bytes of a regular file per chunk: about 90 partner Bundles (under a millisecond of
/// work), enough to make a chunk's read and hand-over negligible, small enough that the
/// threads finish together (the last chunk of one is all the other may wait for).
pub const CHUNK_BYTES: u64 = 128 * 1024;

/// Non-blank lines of the input, their bytes back to back.
#[derive(Debug, Default)]
pub struct Batch {
    data: Vec<u8>,
    lines: Vec<(usize, usize, usize)>,
    /// Lines that started in this batch, blank ones included.
    count: usize,
}

impl Batch {
    /// Each line: its number within the batch (0-based, blank lines counted) and its bytes,
    /// without the line end (`\n` or `\r\n`), cut after `keep` bytes.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &[u8])> + '_ {
        self.lines
            .iter()
            .map(|&(n, start, end)| (n, &self.data[start..end]))
    }

    /// The number of non-blank lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// No non-blank line at all.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines that started in this batch, blank ones included: what the next batch's
    /// numbers start after.
    pub fn line_count(&self) -> usize {
        self.count
    }

    /// Takes the line [`read_line`] appended at `start` (nothing for a blank line), cut to
    /// `keep + 1` bytes, and counts it.
    fn push_line(&mut self, start: usize, keep: usize) {
        if start < self.data.len() {
            let keep_end = self
                .data
                .len()
                .min(start.saturating_add(keep).saturating_add(1));
            self.data.truncate(keep_end);
            self.lines.push((self.count, start, keep_end));
        }
        self.count += 1;
    }
}

/// The non-blank lines of a stream in batches, in order: reads `reader` as it is iterated,
/// to its end; a line longer than `keep` bytes is cut to `keep + 1` bytes (enough for a size
/// check to refuse it) and the rest of it is skipped, never held. A read error comes last.
pub struct Batches<R> {
    reader: R,
    keep: usize,
    /// A read error, given after the lines read before it.
    failed: Option<std::io::Error>,
    done: bool,
}

impl<R: BufRead> Batches<R> {
    /// The batches of `reader`, lines cut after `keep` bytes.
    pub fn new(reader: R, keep: usize) -> Batches<R> {
        Batches {
            reader,
            keep,
            failed: None,
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Batches<R> {
    type Item = std::io::Result<Batch>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        if self.done {
            return None;
        }
        // Keep one byte past the limit, and one more for a `\r` before the `\n`.
        let cap = self.keep.saturating_add(2);
        let mut batch = Batch::default();
        loop {
            match read_line(&mut self.reader, cap, &mut batch.data) {
                Ok(None) => {
                    self.done = true;
                    break;
                }
                Ok(Some(start)) => {
                    batch.push_line(start, self.keep);
                    if batch.lines.len() >= BATCH_LINES || batch.data.len() >= BATCH_BYTES {
                        break;
                    }
                }
                Err(e) => {
                    self.done = true;
                    if batch.count == 0 {
                        return Some(Err(e));
                    }
                    self.failed = Some(e);
                    break;
                }
            }
        }
        (batch.count > 0).then_some(Ok(batch))
    }
}

/// A byte range of a regular file: it owns the lines that start in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// The first byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

/// The chunks of a file of `len` bytes, in order, [`CHUNK_BYTES`] each (the last one less).
pub fn chunks(len: u64) -> impl Iterator<Item = Chunk> {
    chunks_of(len, CHUNK_BYTES)
}

fn chunks_of(len: u64, size: u64) -> impl Iterator<Item = Chunk> {
    (0..len.div_ceil(size)).map(move |i| Chunk {
        start: i * size,
        end: ((i + 1) * size).min(len),
    })
}

/// Bytes read at a time past a chunk's end: enough for the rest of a line (a partner
/// Bundle is about 1.5 KB), not a chunk's worth read and thrown away.
const TAIL_READ: usize = 4 * 1024;

/// Reads chunks of one file, each as a batch of lines, on one thread, with one buffer and one
/// batch reused from chunk to chunk: after the first chunk, no allocation, no zeroing and no
/// page faults; and the file is read once (past a chunk's end only what its last line needs).
pub struct ChunkReader<'f> {
    reader: BufReader<At<'f>>,
    batch: Batch,
}

impl<'f> ChunkReader<'f> {
    /// A reader of `file`.
    pub fn new(file: &'f File) -> ChunkReader<'f> {
        let capacity = usize::try_from(CHUNK_BYTES).unwrap_or(1 << 20) + 1;
        ChunkReader {
            reader: BufReader::with_capacity(
                capacity,
                At {
                    file,
                    pos: 0,
                    end: 0,
                },
            ),
            batch: Batch::default(),
        }
    }

    /// The lines of the file that start in `chunk`, like [`Batches`] gives them (each
    /// line whole, even where it runs past the chunk's end; cut after `keep` bytes). A line
    /// that began in an earlier chunk is skipped, but only up to this chunk's end: a line
    /// longer than a chunk is read once, by the chunk it starts in.
    pub fn read(&mut self, chunk: Chunk, keep: usize) -> std::io::Result<&Batch> {
        let reader = &mut self.reader;
        let buffered = reader.buffer().len();
        reader.consume(buffered);
        let from = chunk.start.saturating_sub(1);
        *reader.get_mut() = At {
            file: reader.get_ref().file,
            pos: from,
            end: chunk.end,
        };
        let batch = &mut self.batch;
        batch.data.clear();
        batch.lines.clear();
        batch.count = 0;
        if chunk.start > 0 {
            // Byte `start - 1` is read too: when it is a line end, a line starts at `start`.
            skip_line(&mut (&mut *reader).take(chunk.end - from))?;
        }
        let cap = keep.saturating_add(2);
        while position(reader) < chunk.end {
            match read_line(reader, cap, &mut batch.data)? {
                Some(start) => batch.push_line(start, keep),
                None => break,
            }
        }
        Ok(&self.batch)
    }
}

/// Where the next byte `reader` gives comes from in the file.
fn position(reader: &BufReader<At<'_>>) -> u64 {
    reader.get_ref().pos - reader.buffer().len() as u64
}

/// Reads a file from a position of its own (positional reads: threads share the file); up
/// to `end` in as large reads as asked, then [`TAIL_READ`] bytes at a time.
struct At<'f> {
    file: &'f File,
    pos: u64,
    end: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = match usize::try_from(self.end.saturating_sub(self.pos)) {
            Ok(0) => TAIL_READ,
            Ok(before_end) => before_end,
            Err(_) => buf.len(),
        };
        let len = buf.len().min(want);
        let n = read_at(self.file, &mut buf[..len], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, pos)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, pos)
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<usize> {
    Err(std::io::ErrorKind::Unsupported.into())
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
    let got = read_until_newline(reader, cap, data)?;
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

/// `take(cap).read_until(b'\n', data)`.
fn read_until_newline<R: BufRead>(
    reader: &mut R,
    cap: usize,
    data: &mut Vec<u8>,
) -> std::io::Result<usize> {
    line_parts(reader, cap, |part| data.extend_from_slice(part))
}

/// Reads up to and including the next `\n` (or to the end), keeping nothing; says whether
/// what it skipped was all ASCII whitespace.
fn skip_line<R: BufRead>(reader: &mut R) -> std::io::Result<bool> {
    let mut blank = true;
    line_parts(reader, usize::MAX, |part| {
        blank &= part.iter().all(u8::is_ascii_whitespace);
    })?;
    Ok(blank)
}

/// Reads the rest of the current line, its `\n` included, at most `cap` bytes, handing
/// `part` each piece as the reader's buffer holds it; returns the bytes read. The line end
/// is found by `memchr` (SIMD): std's `read_until` searches a word at a time, about one
/// instruction per byte (3% of the instructions of `validate --ndjson` on partner Bundles).
fn line_parts<R: BufRead>(
    reader: &mut R,
    cap: usize,
    mut part: impl FnMut(&[u8]),
) -> std::io::Result<usize> {
    let mut got = 0;
    while got < cap {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let room = &buf[..buf.len().min(cap - got)];
        if room.is_empty() {
            break;
        }
        let (used, done) = match memchr::memchr(b'\n', room) {
            Some(i) => (i + 1, true),
            None => (room.len(), false),
        };
        part(&room[..used]);
        reader.consume(used);
        got += used;
        if done {
            break;
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every non-blank line with its number in the input, as the validator's consumer sees
    /// them: each batch's numbers shifted by the lines of the batches before.
    fn all(input: &[u8], keep: usize) -> Vec<(usize, Vec<u8>)> {
        let mut out = Vec::new();
        let mut base = 0;
        for b in Batches::new(input, keep) {
            let b = b.expect("no read error");
            assert!(b.line_count() > 0 && b.len() <= BATCH_LINES);
            out.extend(b.lines().map(|(n, l)| (base + n, l.to_vec())));
            base += b.line_count();
        }
        out
    }

    /// The same through a [`ChunkReader`] (one, reused) over chunks of `size` bytes of a file holding `input`.
    fn by_chunks(input: &[u8], keep: usize, size: u64) -> Vec<(usize, Vec<u8>)> {
        let path = std::env::temp_dir().join(format!(
            "pfhir-lines-{}-{size}-{keep}-{}.ndjson",
            std::process::id(),
            input.len()
        ));
        std::fs::write(&path, input).expect("write the temporary file");
        let file = File::open(&path).expect("open the temporary file");
        let mut reader = ChunkReader::new(&file);
        let mut out = Vec::new();
        let mut base = 0;
        for chunk in chunks_of(input.len() as u64, size) {
            let b = reader.read(chunk, keep).expect("no read error");
            out.extend(b.lines().map(|(n, l)| (base + n, l.to_vec())));
            base += b.line_count();
        }
        drop(file);
        let _ = std::fs::remove_file(&path);
        out
    }

    #[test]
    fn chunks_of_a_file_give_the_lines_of_the_stream_whatever_their_size() {
        let mut long = vec![b'x'; 3000];
        long.extend_from_slice(b"\n\n  \r\nab\r\n");
        long.extend(std::iter::repeat_n(b' ', 700));
        long.extend_from_slice(b"z\n\nlast");
        let inputs: [&[u8]; 6] = [
            b"",
            b"\n",
            b"a\r\n\n  \t\nbc\nd",
            b"one\ntwo\nthree\n",
            b"{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}",
            &long,
        ];
        for input in inputs {
            for keep in [4, 100, 10_000] {
                let want = all(input, keep);
                for size in [1, 2, 3, 5, 8, 64, 1000, 1 << 20] {
                    assert_eq!(
                        by_chunks(input, keep, size),
                        want,
                        "{} bytes, keep {keep}, chunks of {size}",
                        input.len()
                    );
                }
            }
        }
        assert!(chunks(0).next().is_none());
        let parts: Vec<Chunk> = chunks(CHUNK_BYTES * 2 + 1).collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            parts[2],
            Chunk {
                start: 2 * CHUNK_BYTES,
                end: 2 * CHUNK_BYTES + 1
            }
        );
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

    /// Gives `data`, then fails.
    struct FailsAfter<'d>(&'d [u8]);

    impl Read for FailsAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("the disk went away"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_comes_after_the_lines_read_before_it_and_ends_the_batches() {
        let mut batches = Batches::new(BufReader::new(FailsAfter(b"a\nb\nc")), 100);
        let first = batches.next().expect("a batch").expect("no error yet");
        let lines: Vec<&[u8]> = first.lines().map(|(_, l)| l).collect();
        assert_eq!(lines, [b"a".as_slice(), b"b".as_slice()]);
        let err = batches.next().expect("the error").expect_err("an error");
        assert_eq!(err.to_string(), "the disk went away");
        assert!(batches.next().is_none());
        let mut at_once = Batches::new(BufReader::new(FailsAfter(b"")), 100);
        assert!(matches!(at_once.next(), Some(Err(_))));
        assert!(at_once.next().is_none());
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

#[cfg(test)]
mod read_until_tests {
    use super::*;

    #[test]
    fn read_until_newline_reads_what_take_and_read_until_read() {
        let input: &[u8] = b"ab\ncdefghij\n\nklmnopqrstuvwxyz\r\nend";
        for buffer in 1..9 {
            for cap in 0..20 {
                let mut ours = BufReader::with_capacity(buffer, input);
                let mut std_reader = BufReader::with_capacity(buffer, input);
                loop {
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    let got = read_until_newline(&mut ours, cap, &mut a).expect("reads");
                    let want = std_reader
                        .by_ref()
                        .take(cap as u64)
                        .read_until(b'\n', &mut b)
                        .expect("reads");
                    assert_eq!((got, &a), (want, &b), "buffer {buffer}, cap {cap}");
                    if got == 0 {
                        break;
                    }
                }
            }
        }
    }
}
