//! Byte offsets to 1-based line and column, computed only for what is reported.
//!
//! Every rule is the same in both tools here: `\n`, `\r\n` and a lone `\r` end a line;
//! columns count characters (Unicode scalar values), so a name with accents does not shift
//! the caret; a UTF-8 byte order mark on line 1 is not part of the text.

/// Turns ascending byte offsets into line and column in one forward pass over the text, so
/// the positions of all the issues of a document cost O(text + issues), however long its
/// lines are (a minified 1 MiB document is one line).
///
/// An offset below the previous one restarts the pass from the beginning: still correct,
/// only slower, so callers sort their offsets first.
#[derive(Debug, Clone)]
pub struct PositionCursor<'a> {
    bytes: &'a [u8],
    /// Bytes before this offset are counted.
    pos: usize,
    line: u32,
    col: u32,
    /// 3 when the text starts with a byte order mark (its bytes count as no character).
    bom: usize,
}

impl<'a> PositionCursor<'a> {
    /// A cursor at the start of `bytes`. Columns are exact for valid UTF-8; before an
    /// invalid byte (the only place it is asked for in invalid text) they are too.
    pub fn new(bytes: &'a [u8]) -> Self {
        PositionCursor {
            bytes,
            pos: 0,
            line: 1,
            col: 1,
            bom: if bytes.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            },
        }
    }

    /// The 1-based line and column of `offset` (clamped to the text's length).
    pub fn line_col(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.bytes.len());
        if offset < self.pos {
            *self = PositionCursor::new(self.bytes);
        }
        while self.pos < offset {
            let i = self.pos;
            let b = self.bytes[i];
            self.pos += 1;
            if i < self.bom {
                continue;
            }
            match b {
                b'\n' => self.new_line(),
                b'\r' if self.bytes.get(i + 1) != Some(&b'\n') => self.new_line(),
                // A UTF-8 continuation byte is part of the character before it.
                _ if b & 0xC0 == 0x80 => {}
                _ => self.col += 1,
            }
        }
        (self.line, self.col)
    }

    fn new_line(&mut self) {
        self.line += 1;
        self.col = 1;
    }
}

/// Start offsets of the lines of a text, for showing the line an issue is on.
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
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        LineIndex { src, starts }
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

    /// The byte offset where a 1-based line starts (the text's end for a line past it).
    pub fn line_start(&self, line: u32) -> usize {
        let i = (line as usize).saturating_sub(1);
        self.starts.get(i).copied().unwrap_or(self.src.len())
    }
}
