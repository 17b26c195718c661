//! Byte offsets to 1-based line and column, computed only for what is reported.

/// Start offsets of the lines of a text, for turning byte offsets into line and column.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `src` (`\n`, `\r\n` and lone `\r` end a line).
    pub fn new(src: &'a str) -> Self {
        let bytes = src.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { src, starts }
    }

    /// The 1-based line and column of a byte offset. Columns count characters (Unicode
    /// scalar values), so a name with accents does not shift the caret.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.src.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut start = self.starts[line];
        // A byte order mark is not part of the JSON text: columns of line 1 start after it.
        if line == 0 && self.src.starts_with('\u{feff}') && offset >= 3 {
            start = 3;
        }
        let prefix = self.src.get(start..offset).unwrap_or("");
        let col = prefix.chars().count() + 1;
        (line as u32 + 1, col as u32)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.src.len());
        self.src[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// The 1-based line and column of a byte offset in raw bytes that may not be valid UTF-8
/// (for errors found before or while parsing), with the same rules as [`LineIndex`]: `\n`,
/// `\r\n` and lone `\r` end lines; columns count characters, after a byte order mark on
/// line 1.
pub fn line_col_bytes(bytes: &[u8], offset: usize) -> (u32, u32) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let mut line = 1u32;
    let mut line_start = 0;
    for (i, &b) in before.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
    }
    if line == 1 && before.starts_with(b"\xef\xbb\xbf") {
        line_start = 3;
    }
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col as u32)
}
