//! The base URL, parsed and checked (with the `url` crate) when the client is built.

use url::{ParseError, Url};

/// Parses and checks the base URL: `https`, a host, an optional port from 1 to 65535, no
/// user name, password, query or fragment; a path that ends in `/` (one is added when it is
/// missing). Returns the normalized URL (`https://Host.example:443/api` gives
/// `https://host.example/api/`). The error names the problem, never the URL itself (it might
/// hold a password).
pub fn parse(text: &str) -> Result<Url, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("base_url is required".into());
    }
    let mut url =
        Url::parse(text).map_err(|e| format!("base_url is not a valid URL: {}", why(e)))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            return Err("base_url must use https: the API is only reached over mutual TLS".into())
        }
        _ => return Err("base_url must start with https://".into()),
    }
    if url.host().is_none() {
        return Err("base_url has no host".into());
    }
    if url.port() == Some(0) {
        return Err("base_url has port 0, which is not a port (give 1 to 65535, or none)".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "base_url must not hold a user name or password (the credentials are client_id and client_secret)"
                .into(),
        );
    }
    if url.query().is_some() {
        return Err("base_url must not have a query (`?...`)".into());
    }
    if url.fragment().is_some() {
        return Err("base_url must not have a fragment (`#...`)".into());
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The `url` crate's reason, in the words of a configuration error.
fn why(e: ParseError) -> String {
    match e {
        ParseError::InvalidPort => "the port is not a number from 1 to 65535".into(),
        ParseError::EmptyHost => "it has no host".into(),
        ParseError::RelativeUrlWithoutBase => {
            "it is not an absolute URL (https://host/partners/fhir/stu3/api/)".into()
        }
        ParseError::InvalidDomainCharacter => {
            "the host name is not valid (a space, or another character a host name cannot hold?)"
                .into()
        }
        // pfhir builds `url` without its Unicode tables (idna_adapter 1.0): international
        // host names are given in their ASCII (punycode) form.
        ParseError::IdnaError => {
            "the host name is not valid (an international host name must be given in its ASCII form, xn--...)"
                .into()
        }
        ParseError::InvalidIpv4Address => "the host is not a valid IPv4 address".into(),
        ParseError::InvalidIpv6Address => "the host is not a valid IPv6 address".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #10 item 3: the base URL is parsed when the client is built; a bad one is a
    /// configuration error that names the problem (and never echoes the URL).
    #[test]
    fn base_urls_are_parsed_and_checked() {
        for (text, problem) in [
            (
                "https://127.0.0.1:99999/",
                "port is not a number from 1 to 65535",
            ),
            ("https://example.com:0/", "port 0"),
            ("https://exa mple.com/", "host name is not valid"),
            ("https://exa%mple.com/", "host name is not valid"),
            ("https://hospitál.example/", "ASCII form"),
            ("http://example.com/api/", "must use https"),
            ("ftp://example.com/", "must start with https://"),
            ("example.com/api", "not an absolute URL"),
            ("https://:8443/api", "no host"),
            (
                "https://user:pa55word@example.com/",
                "user name or password",
            ),
            ("https://example.com/api?x=1", "query"),
            ("https://example.com/api#top", "fragment"),
            ("https://[::1/", "IPv6"),
            ("   ", "required"),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.contains(problem), "{text}: {e}");
            assert!(!e.contains("pa55word") && !e.contains("example.com"), "{e}");
        }
        for (text, normalized) in [
            (
                "https://platform.example/partners/fhir/stu3/api/",
                "https://platform.example/partners/fhir/stu3/api/",
            ),
            (
                " https://Platform.Example:443/partners/fhir/stu3/api ",
                "https://platform.example/partners/fhir/stu3/api/",
            ),
            ("https://127.0.0.1:8443", "https://127.0.0.1:8443/"),
            ("https://[::1]:65535/api", "https://[::1]:65535/api/"),
        ] {
            assert_eq!(parse(text).expect(text).as_str(), normalized);
        }
    }
}
