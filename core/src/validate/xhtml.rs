//! Narrative checks (txt-1, txt-2): the `div` is an XHTML `<div>` in the XHTML namespace that
//! uses only the basic formatting elements and attributes STU3 allows, and has content.

/// The XHTML namespace the root `div` must declare.
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Elements STU3 narrative allows (HTML 4.0 chapters 7-11 and 15, `a`, `img`).
const ALLOWED_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "b",
    "big",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "ul",
    "var",
    "u",
    "s",
    "strike",
    "center",
    "font",
    "map",
    "area",
    "bdo",
];

/// Why a narrative is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum XhtmlError {
    /// The root is not `<div xmlns="http://www.w3.org/1999/xhtml">`.
    Root,
    /// A tag is not well formed or tags do not nest.
    Malformed,
    /// An element outside the allowed list (`script`, `form`...).
    Element,
    /// An event handler attribute (`onclick`...).
    Attribute,
}

struct Tag<'s> {
    name: &'s str,
    attrs: &'s str,
    closing: bool,
    self_closing: bool,
}

/// Splits the next tag at `s` (which starts after `<`); returns it and the bytes consumed.
fn parse_tag(s: &str) -> Option<(Tag<'_>, usize)> {
    let end = s.find('>')?;
    let inner = &s[..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let (self_closing, inner) = match inner.strip_suffix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
    {
        return None;
    }
    Some((
        Tag {
            name,
            attrs: &inner[name_end..],
            closing,
            self_closing,
        },
        end + 1,
    ))
}

/// The `name="value"` pairs of a tag's attribute text.
fn attributes(mut s: &str) -> Result<Vec<(&str, &str)>, XhtmlError> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(out);
        }
        let eq = s.find('=').ok_or(XhtmlError::Malformed)?;
        let name = s[..eq].trim();
        let rest = s[eq + 1..].trim_start();
        let quote = rest
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or(XhtmlError::Malformed)?;
        let body = &rest[1..];
        let end = body.find(quote).ok_or(XhtmlError::Malformed)?;
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(XhtmlError::Malformed);
        }
        out.push((name, &body[..end]));
        s = &body[end + 1..];
    }
}

/// txt-1: root div in the XHTML namespace, only allowed elements, no event handlers,
/// tags well nested.
pub fn check_basic_html(div: &str) -> Result<(), XhtmlError> {
    let text = div.trim();
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = text;
    let mut first = true;
    while let Some(lt) = rest.find('<') {
        if !first && stack.is_empty() {
            return Err(XhtmlError::Malformed);
        }
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            let end = after.find("-->").ok_or(XhtmlError::Malformed)?;
            rest = &after[end + 3..];
            continue;
        }
        let (tag, used) = parse_tag(rest).ok_or(XhtmlError::Malformed)?;
        rest = &rest[used..];
        if first {
            let ns_ok = tag.attrs.contains(&format!("xmlns=\"{XHTML_NS}\""))
                || tag.attrs.contains(&format!("xmlns='{XHTML_NS}'"));
            if tag.name != "div" || tag.closing || !ns_ok {
                return Err(XhtmlError::Root);
            }
            first = false;
        }
        let local = tag
            .name
            .rsplit(':')
            .next()
            .unwrap_or(tag.name)
            .to_ascii_lowercase();
        if !ALLOWED_ELEMENTS.contains(&local.as_str()) {
            return Err(XhtmlError::Element);
        }
        for (name, value) in attributes(tag.attrs)? {
            let name = name.to_ascii_lowercase();
            if name.starts_with("on")
                || value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:")
            {
                return Err(XhtmlError::Attribute);
            }
        }
        if tag.closing {
            if stack.pop() != Some(tag.name) {
                return Err(XhtmlError::Malformed);
            }
        } else if !tag.self_closing {
            stack.push(tag.name);
        }
    }
    if first {
        return Err(XhtmlError::Root);
    }
    if !stack.is_empty() || !rest.trim().is_empty() {
        return Err(XhtmlError::Malformed);
    }
    Ok(())
}

/// txt-2: the narrative has some non-whitespace text (or an image).
pub fn has_content(div: &str) -> bool {
    let mut in_tag = false;
    let mut rest = div;
    while !rest.is_empty() {
        if in_tag {
            match rest.find('>') {
                Some(i) => {
                    let tag = &rest[..i];
                    if tag.trim_start().starts_with("img") {
                        return true;
                    }
                    rest = &rest[i + 1..];
                    in_tag = false;
                }
                None => return false,
            }
        } else {
            let i = rest.find('<').unwrap_or(rest.len());
            if !rest[..i].trim().is_empty() {
                return true;
            }
            rest = rest.get(i + 1..).unwrap_or("");
            in_tag = true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_basic_narrative() {
        let ok = r#"<div xmlns="http://www.w3.org/1999/xhtml"><p>A <b>b</b><br/></p><!-- c --><img src="x.png" alt="x"/></div>"#;
        assert_eq!(check_basic_html(ok), Ok(()));
        assert!(has_content(ok));
    }

    #[test]
    fn refuses_scripts_handlers_and_bad_roots() {
        let ns = r#"xmlns="http://www.w3.org/1999/xhtml""#;
        assert_eq!(check_basic_html("<p>x</p>"), Err(XhtmlError::Root));
        assert_eq!(check_basic_html("<div>x</div>"), Err(XhtmlError::Root));
        assert_eq!(
            check_basic_html(&format!("<div {ns}><script>x</script></div>")),
            Err(XhtmlError::Element)
        );
        assert_eq!(
            check_basic_html(&format!("<div {ns}><p onclick=\"x()\">x</p></div>")),
            Err(XhtmlError::Attribute)
        );
        assert_eq!(
            check_basic_html(&format!("<div {ns}><p>x</div>")),
            Err(XhtmlError::Malformed)
        );
        assert_eq!(
            check_basic_html(&format!("<div {ns}>x</div><p>y</p>")),
            Err(XhtmlError::Malformed)
        );
        assert_eq!(
            check_basic_html(&format!("<div {ns}><a href=\"javascript:x()\">x</a></div>")),
            Err(XhtmlError::Attribute)
        );
        assert_eq!(
            check_basic_html(&format!(
                "<div {ns}><img alt=\"an onion\" src='o.png'/></div>"
            )),
            Ok(())
        );
        assert!(!has_content(&format!("<div {ns}> <p> </p></div>")));
    }
}
