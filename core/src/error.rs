//! [`ErrorCode`]: the one list of error codes shared by the Rust API, the C ABI and every
//! binding. Numbers are fixed forever and never reused; new codes get new numbers.

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $num:literal, $name:literal; )*) => {
        /// A stable error code. `repr(u32)`: the C ABI returns these numbers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* $variant = $num, )*
        }

        impl ErrorCode {
            /// Every code, in number order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code's name in snake case (`http_not_found`), as bindings spell it.
            pub const fn name(self) -> &'static str {
                match self { $(ErrorCode::$variant => $name,)* }
            }

            /// What the code means (one line).
            pub const fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => concat!($($doc),*).trim_ascii(),)* }
            }

            /// The code with this number.
            pub fn from_u32(n: u32) -> Option<ErrorCode> {
                match n { $($num => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

error_codes! {
    /// No error.
    Ok = 0, "ok";
    /// A required argument is missing (a NULL pointer across the C ABI).
    NullArgument = 1, "null_argument";
    /// A text argument is not valid UTF-8.
    InvalidUtf8 = 2, "invalid_utf8";
    /// An argument is out of range or malformed (an unknown rule id, a bad option value).
    InvalidArgument = 3, "invalid_argument";
    /// pfhir panicked: a bug; the panic was caught at the boundary.
    Panic = 4, "panic";
    /// An internal failure: no randomness from the operating system, or a bug.
    Internal = 5, "internal";
    /// The client configuration is incomplete or wrong (URL, certificate, key...).
    Config = 10, "config";
    /// A PatientInput field is wrong (the message names it).
    Input = 11, "input";
    /// A JSON text could not be read.
    Json = 12, "json";
    /// The password of the client identity (a PKCS#12 file, an encrypted private key) is
    /// wrong: the file's integrity check or its decryption failed.
    WrongPassword = 13, "wrong_password";
    /// The Bundle failed local validation; nothing was sent (the outcome says why).
    Validation = 20, "validation";
    /// An update whose Bundle is not for the patient named by the id (v2: Patient.id; v1:
    /// the value of an identifier of an accepted authority); nothing was sent.
    UpdateTargetMismatch = 21, "update_target_mismatch";
    /// The TLS handshake failed (unknown CA, name mismatch, expired, client certificate refused).
    Tls = 30, "tls";
    /// The server could not be reached (refused, DNS); nothing was sent.
    Connect = 31, "connect";
    /// A timeout.
    Timeout = 32, "timeout";
    /// The connection failed after the request was sent: the platform may or may not have
    /// processed it. For a create the patient may exist: on v1 read `Patient/{business id}`
    /// to find out; re-sending with the same request id is safe only against a server that
    /// de-duplicates by it, which the guide does not promise.
    OutcomeUnknown = 33, "outcome_unknown";
    /// The platform answered `required`: a required element is missing.
    ServerRequired = 40, "server_required";
    /// The platform answered `structure`.
    ServerStructure = 41, "server_structure";
    /// The platform answered `invalid`.
    ServerInvalid = 42, "server_invalid";
    /// The platform answered `too-long`.
    ServerTooLong = 43, "server_too_long";
    /// The platform answered `timeout` (an internal timeout; transient).
    ServerTimeout = 44, "server_timeout";
    /// The platform answered `exception` (an unexpected internal error; transient).
    ServerException = 45, "server_exception";
    /// 403: the organization id or the client credentials were refused.
    Forbidden = 46, "forbidden";
    /// 404: no such patient.
    NotFound = 47, "not_found";
    /// The platform answered `not-supported` (e.g. a read without id).
    NotSupported = 48, "not_supported";
    /// 429: too many requests.
    RateLimited = 49, "rate_limited";
    /// 502, 503 or 504 without a FHIR answer: a gateway or the service is unavailable.
    Unavailable = 50, "unavailable";
    /// Another HTTP error status.
    HttpStatus = 51, "http_status";
    /// A success status with a body pfhir cannot use (not the expected resource, no ids).
    InvalidResponse = 60, "invalid_response";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(*c as u32), "{c} reuses a number");
            assert_eq!(ErrorCode::from_u32(*c as u32), Some(*c));
        }
        assert_eq!(ErrorCode::from_u32(9999), None);
    }
}
