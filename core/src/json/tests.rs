use super::*;

fn doc(s: &str) -> Document<'_> {
    parse(s.as_bytes(), &Limits::default()).expect("valid JSON")
}

fn error(s: &[u8]) -> JsonError {
    parse(s, &Limits::default()).expect_err("invalid JSON")
}

#[test]
fn reads_members_items_and_offsets() {
    let d = doc(r#" {"a": [1, 2.50, {"b": null}], "c": "x\"y", "d": true} "#);
    let root = d.root();
    assert_eq!(root.kind(), Kind::Object);
    assert_eq!(root.len(), 3);
    let names: Vec<_> = root.members().map(|m| m.key.text().into_owned()).collect();
    assert_eq!(names, ["a", "c", "d"]);
    let a = root.get("a").expect("a");
    assert_eq!(a.len(), 3);
    let items: Vec<_> = a.items().map(|v| v.raw()).collect();
    assert_eq!(items, ["1", "2.50", r#"{"b": null}"#]);
    assert_eq!(
        a.item(2).and_then(|o| o.get("b")).map(|v| v.kind()),
        Some(Kind::Null)
    );
    assert_eq!(
        root.get("c").and_then(|v| v.as_str()).as_deref(),
        Some("x\"y")
    );
    assert_eq!(root.get("d").and_then(|v| v.as_bool()), Some(true));
    assert_eq!(root.get("c").map(|v| v.offset()), Some(36));
    assert!(root.get("zz").is_none());
}

#[test]
fn unescapes_strings_and_surrogate_pairs() {
    let d = doc(r#"["a\u00e9\n", "\ud83d\ude00", "\/"]"#);
    let texts: Vec<_> = d.root().items().map(|v| v.text().into_owned()).collect();
    assert_eq!(texts, ["aé\n", "😀", "/"]);
}

#[test]
fn reports_syntax_errors_with_offsets() {
    assert_eq!(error(b"").kind, JsonErrorKind::Empty);
    assert_eq!(error(b"  ").kind, JsonErrorKind::Empty);
    assert_eq!(error(b"{").kind, JsonErrorKind::UnexpectedEnd);
    assert_eq!(error(b"{\"a\" 1}").offset, 5);
    assert_eq!(error(b"[1,]").offset, 3);
    assert_eq!(error(b"[01]").offset, 2);
    assert_eq!(error(b"[1.]").offset, 3);
    assert_eq!(error(b"[1e]").offset, 3);
    assert_eq!(error(b"[tru]").offset, 1);
    assert_eq!(error(b"{} x").kind, JsonErrorKind::TrailingContent);
    assert_eq!(error(b"\"a\x01\"").offset, 2);
    assert_eq!(error(br#""\ud800""#).offset, 1);
    assert_eq!(error(br#""\x""#).offset, 1);
    assert_eq!(error(b"{\"a\":1,}").offset, 7);
}

#[test]
fn rejects_invalid_utf8_at_its_offset() {
    let e = error(b"{\"a\": \"\xff\"}");
    assert_eq!(e.kind, JsonErrorKind::InvalidUtf8);
    assert_eq!(e.offset, 7);
}

#[test]
fn size_limit_is_checked_before_parsing() {
    let big = vec![b'['; 2 * 1024 * 1024];
    let e = error(&big);
    assert!(matches!(e.kind, JsonErrorKind::TooLong { .. }));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut s = "[".repeat(100_000);
    s.push_str(&"]".repeat(100_000));
    let limits = Limits {
        max_bytes: 1 << 20,
        max_depth: 64,
    };
    let e = parse(s.as_bytes(), &limits).expect_err("too deep");
    assert_eq!(e.kind, JsonErrorKind::TooDeep { limit: 64 });
    assert_eq!(e.offset, 64);
    let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
    assert!(parse(ok.as_bytes(), &limits).is_ok());
}

#[test]
fn finds_duplicate_member_names() {
    let d = doc(r#"{"a": 1, "b": {"x": 1, "x": 2}, "a": 3}"#);
    let dups: Vec<_> = d
        .duplicates
        .iter()
        .map(|d| (d.name.as_str(), d.offset))
        .collect();
    assert_eq!(dups, [("x", 23), ("a", 32)]);
    let many: String = (0..40).map(|i| format!("\"k{i}\": 1, ")).collect();
    let text = format!("{{{many}\"k7\": 2}}");
    let d2 = doc(&text);
    assert_eq!(d2.duplicates.len(), 1);
    assert_eq!(d2.duplicates[0].name, "k7");
}

#[test]
fn skips_a_byte_order_mark() {
    let d = parse("\u{feff}{}".as_bytes(), &Limits::default()).expect("parses");
    assert!(d.had_bom);
    assert_eq!(d.root().kind(), Kind::Object);
}

/// The line and column of one offset, by a fresh cursor.
fn line_col_of(bytes: &[u8], offset: usize) -> (u32, u32) {
    PositionCursor::new(bytes).line_col(offset)
}

#[test]
fn line_and_column_count_characters() {
    let src = "{\n  \"é\": 1,\r\n\t\"b\": 2\r}";
    let mut cur = PositionCursor::new(src.as_bytes());
    assert_eq!(cur.line_col(0), (1, 1));
    let one = src.find('1').expect("1");
    assert_eq!(cur.line_col(one), (2, 8));
    let b = src.find("\"b\"").expect("b");
    assert_eq!(cur.line_col(b), (3, 2));
    assert_eq!(cur.line_col(src.len() - 1), (4, 1));
    // Going back restarts the pass: still right.
    assert_eq!(cur.line_col(one), (2, 8));
    let idx = LineIndex::new(src);
    assert_eq!(idx.line_text(2), "  \"é\": 1,");
    assert_eq!(idx.line_start(3), src.find('\t').expect("tab"));
    assert_eq!(line_col_of(b"ab\ncd\xff", 5), (2, 3));
    assert_eq!(line_col_of(b"a\rb\r\nc", 5), (3, 1));
    let bom = "\u{feff}{\"a\": 1}";
    assert_eq!(line_col_of(bom.as_bytes(), 3), (1, 1));
    assert_eq!(line_col_of(bom.as_bytes(), 0), (1, 1));
    assert_eq!(line_col_of(bom.as_bytes(), 4), (1, 2));
}

/// The positions of many issues on one very long line cost one pass: 200 000 offsets
/// spread over a 4 MB line. Quadratic counting (from the line start for every offset) would
/// take minutes here; the cursor counts each byte once.
#[test]
fn positions_on_one_long_line_are_linear() {
    let src = "é".repeat(2_000_000);
    let mut cur = PositionCursor::new(src.as_bytes());
    let mut last = (0, 0);
    for k in 0..200_000usize {
        let offset = k * 20;
        last = cur.line_col(offset);
        assert_eq!(last, (1, (offset / 2 + 1) as u32));
    }
    assert_eq!(last.0, 1);
}

/// `bytes_eq`, and the word-at-a-time comparison WebAssembly uses up to 64 bytes (run
/// natively here), against slice equality.
#[test]
fn bytes_eq_and_words_eq_agree_with_slice_equality_at_every_length_and_position() {
    type Eq = fn(&[u8], &[u8]) -> bool;
    let comparisons: [(&str, Eq); 2] = [("bytes_eq", bytes_eq), ("words_eq", words_eq)];
    for (name, eq) in comparisons {
        for n in 0..80usize {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(eq(&a, &a.clone()), "{name}: equal, length {n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!eq(&a, &b), "{name}: length {n}, differs at {at}");
            }
            let mut longer = a.clone();
            longer.push(b'z');
            assert!(!eq(&a, &longer), "{name}: lengths {n} and {}", n + 1);
        }
    }
}

#[test]
fn get_finds_escaped_names_and_the_first_of_repeated_ones() {
    let d = doc(r#"{"a\u0062": 1, "x": 2, "x": 3, "abc": 4}"#);
    let root = d.root();
    assert_eq!(root.get("ab").map(|v| v.raw()), Some("1"));
    assert_eq!(root.get("x").map(|v| v.raw()), Some("2"));
    assert_eq!(root.get("abc").map(|v| v.raw()), Some("4"));
    assert!(root.get("a").is_none());
    assert!(d.root().get("abcd").is_none());
    let arr = doc("[1]");
    assert!(arr.root().get("a").is_none());
}

#[test]
fn small_and_large_objects_find_the_same_duplicates() {
    // Every later occurrence is reported, whichever way the object is checked: in place (up
    // to 32 plain names), or unescaped (an escape, or more than 32 members).
    let small = doc(r#"{"x": 1, "y": 2, "x": 3, "x": 4}"#);
    let escaped = doc(r#"{"x": 1, "y": 2, "\u0078": 3, "x": 4}"#);
    let filler: String = (0..40).map(|i| format!("\"f{i}\": 0, ")).collect();
    let large_text = format!(r#"{{"x": 1, {filler}"x": 3, "x": 4}}"#);
    let large = doc(&large_text);
    for (d, what) in [(&small, "small"), (&escaped, "escaped"), (&large, "large")] {
        let names: Vec<_> = d.duplicates.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["x", "x"], "{what}");
        assert!(d.duplicates.windows(2).all(|w| w[0].offset < w[1].offset));
    }
    assert_eq!(small.duplicates[0].offset, 17);
    assert_eq!(escaped.duplicates[0].offset, 17);
}

#[test]
fn names_alike_in_length_and_ends_are_not_duplicates() {
    // "abxa" and "acya" pick the same bit (length 4, 'a' first and last): they are compared,
    // and differ. Thirty distinct names fill the bits up: none of them is a duplicate either.
    let alike = doc(r#"{"abxa": 1, "acya": 2, "abxa": 3}"#);
    let names: Vec<_> = alike.duplicates.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["abxa"]);
    // The shortest names: empty (its bit is read from its two quotes) and one byte.
    let short = doc(r#"{"": 1, "a": 2, "b": 3, "": 4, "a": 5}"#);
    let names: Vec<_> = short.duplicates.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["", "a"]);
    let distinct: String = (0..30).map(|i| format!("\"name{i}\": {i}, ")).collect();
    let text = format!("{{{distinct}\"last\": 0}}");
    let d = doc(&text);
    assert!(d.duplicates.is_empty(), "{:?}", d.duplicates);
}
