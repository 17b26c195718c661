//! `cat!`: text and numbers joined into a new `String`, for the strings made per message
//! (HL7 trace paths, ids, the builder's field names): cheaper than `format!`, which goes
//! through `fmt::Arguments`.

/// Joins its arguments (`&str`, `String` or `usize`) into a new `String`.
macro_rules! cat {
    ($($part:expr),+ $(,)?) => {{
        let mut out = String::with_capacity(48);
        $( $crate::cat::Piece::push_to(&$part, &mut out); )+
        out
    }};
}

/// A part of a [`cat!`].
pub(crate) trait Piece {
    /// Appends itself to `out`.
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for usize {
    fn push_to(&self, out: &mut String) {
        let mut digits = [0u8; 20];
        let mut n = *self;
        let mut at = digits.len();
        loop {
            at -= 1;
            // n % 10 < 10: the cast cannot truncate.
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &digits[at..] {
            out.push(char::from(d));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cat_joins_text_and_numbers_like_format() {
        let s = String::from("Bundle");
        for n in [0usize, 7, 10, 99, 12_345, usize::MAX] {
            assert_eq!(cat!(s, ".entry[", n, "]"), format!("{s}.entry[{n}]"));
        }
        assert_eq!(cat!("a"), "a");
    }
}
