//! The operations of the API, from the method and the path relative to the base.

use hyper::http::request::Parts;
use hyper::Method;

use crate::api::BASE_PATH;
use crate::operations::{Version, Write};

/// An operation of the API, from the method and the path relative to the base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    Write(Write),
    Read(String),
    /// `GET Patient/`, `PUT Bundle/`: the id is missing.
    MissingId,
    NotFound,
}

impl Route {
    pub fn parse(method: &Method, relative: &str) -> Route {
        let segments: Vec<&str> = relative.split('/').collect();
        match (method, segments.as_slice()) {
            (&Method::POST, ["Bundle"]) => Route::Write(Write::Create(Version::V1)),
            (&Method::POST, ["v2", "Bundle"]) => Route::Write(Write::Create(Version::V2)),
            (&Method::PUT, ["Bundle", ""]) | (&Method::PUT, ["v2", "Bundle", ""]) => {
                Route::MissingId
            }
            (&Method::PUT, ["Bundle", i]) => match percent_decode(i) {
                Some(id) => Route::Write(Write::Update(Version::V1, id)),
                None => Route::NotFound,
            },
            (&Method::PUT, ["v2", "Bundle", i]) => match percent_decode(i) {
                Some(id) => Route::Write(Write::Update(Version::V2, id)),
                None => Route::NotFound,
            },
            (&Method::PUT, ["Bundle"]) | (&Method::PUT, ["v2", "Bundle"]) => Route::MissingId,
            (&Method::GET, ["Patient"]) => Route::MissingId,
            (&Method::GET, ["Patient", ""]) => Route::MissingId,
            (&Method::GET, ["Patient", i]) => match percent_decode(i) {
                Some(id) => Route::Read(id),
                None => Route::NotFound,
            },
            _ => Route::NotFound,
        }
    }
}

/// Decodes the `%XX` escapes of a path segment; `None` if they are malformed or the result
/// is not UTF-8. (A v1 business id is an opaque string, so clients escape it.)
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A name of the request for logs, without ids (a v1 id is a patient identifier).
pub(crate) fn route_name(parts: &Parts) -> &'static str {
    let Some(relative) = parts.uri.path().strip_prefix(BASE_PATH) else {
        return "(outside the API)";
    };
    match Route::parse(&parts.method, relative) {
        Route::Write(Write::Create(Version::V1)) => "Bundle",
        Route::Write(Write::Create(Version::V2)) => "v2/Bundle",
        Route::Write(Write::Update(Version::V1, _)) => "Bundle/{id}",
        Route::Write(Write::Update(Version::V2, _)) => "v2/Bundle/{id}",
        Route::Read(_) => "Patient/{id}",
        Route::MissingId => "(id missing)",
        Route::NotFound => "(unknown operation)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let put = |p: &str| Route::parse(&Method::PUT, p);
        let get = |p: &str| Route::parse(&Method::GET, p);
        assert_eq!(
            put("Bundle/A%20B%2F1"),
            Route::Write(Write::Update(Version::V1, "A B/1".to_string()))
        );
        assert_eq!(
            put("v2/Bundle/Bj6.1Lq-hvb-28"),
            Route::Write(Write::Update(Version::V2, "Bj6.1Lq-hvb-28".to_string()))
        );
        assert_eq!(put("v2/Bundle/"), Route::MissingId);
        assert_eq!(put("Bundle/a/b"), Route::NotFound);
        assert_eq!(put("Bundle/%zz"), Route::NotFound);
        assert_eq!(get("Patient/"), Route::MissingId);
        assert_eq!(get("Patient"), Route::MissingId);
        assert_eq!(get("Patient/x"), Route::Read("x".to_string()));
        assert_eq!(get("Bundle"), Route::NotFound);
        assert_eq!(Route::parse(&Method::DELETE, "Patient/x"), Route::NotFound);
        assert_eq!(
            Route::parse(&Method::POST, "v2/Bundle"),
            Route::Write(Write::Create(Version::V2))
        );
    }
}
