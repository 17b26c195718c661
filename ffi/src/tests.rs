//! Rust-side checks of the ABI plumbing (the C programs in ffi/tests/c exercise it for real).

use super::*;
use pfhir_core::ErrorCode;
use std::ptr;

fn str_of(s: pfhir_str) -> String {
    if s.data.is_null() {
        return String::new();
    }
    // SAFETY: pfhir lends `len` valid bytes.
    let bytes = unsafe { std::slice::from_raw_parts(s.data.cast::<u8>(), s.len) };
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn codes_match_the_core_number_for_number() {
    for c in ErrorCode::ALL {
        assert_eq!(pfhir_code::from(*c) as u32, *c as u32);
        assert_eq!(str_of(pfhir_code_name(*c as u32)), c.name());
    }
    assert!(pfhir_code_name(9999).data.is_null());
}

#[test]
fn null_arguments_are_errors_not_crashes() {
    // SAFETY: every pointer passed is NULL, a live handle made here, or a live buffer.
    unsafe {
        let err = pfhir_validator_new(ptr::null(), ptr::null_mut());
        assert_eq!(pfhir_error_code(err), pfhir_code::PFHIR_CODE_NULL_ARGUMENT);
        assert!(str_of(pfhir_error_message(err)).contains("out"));
        pfhir_error_free(err);
        let mut out = ptr::null_mut();
        let err = pfhir_validate(ptr::null(), ptr::null(), 0, &mut out);
        assert_eq!(pfhir_error_code(err), pfhir_code::PFHIR_CODE_NULL_ARGUMENT);
        assert!(out.is_null(), "out-parameters are written only on success");
        pfhir_error_free(err);
        assert_eq!(pfhir_error_code(ptr::null()), pfhir_code::PFHIR_CODE_OK);
        pfhir_error_free(ptr::null_mut());
        pfhir_outcome_free(ptr::null_mut());
        pfhir_bytes_free(pfhir_bytes {
            data: ptr::null_mut(),
            len: 0,
        });
    }
}

#[test]
fn validates_and_exports_json() {
    // SAFETY: handles are made here and freed once; buffers outlive the calls.
    unsafe {
        let mut v = ptr::null_mut();
        assert!(pfhir_validator_new(ptr::null(), &mut v).is_null());
        let json = br#"{"resourceType":"Patient","birthDate":"1975-13-01"}"#;
        let mut o = ptr::null_mut();
        assert!(pfhir_validate(v, json.as_ptr(), json.len(), &mut o).is_null());
        assert!(pfhir_outcome_has_errors(o));
        let n = pfhir_outcome_issue_count(o);
        assert!(n >= 1);
        assert_eq!(str_of(pfhir_outcome_issue_code(o, 0)), "invalid");
        assert_eq!(
            str_of(pfhir_outcome_issue_code(o, n)),
            "",
            "out of range reads as empty"
        );
        let mut bytes = pfhir_bytes {
            data: ptr::null_mut(),
            len: 0,
        };
        assert!(pfhir_outcome_to_json(o, &mut bytes).is_null());
        let text = std::slice::from_raw_parts(bytes.data, bytes.len + 1);
        assert_eq!(text.last(), Some(&0), "NUL-terminated");
        assert!(text.starts_with(b"{\"resourceType\":\"OperationOutcome\""));
        pfhir_bytes_free(bytes);
        // A length beyond the limit is answered without reading the (tiny) buffer.
        let mut big = ptr::null_mut();
        assert!(pfhir_validate(v, json.as_ptr(), usize::MAX, &mut big).is_null());
        assert_eq!(str_of(pfhir_outcome_issue_code(big, 0)), "too-long");
        pfhir_outcome_free(big);
        pfhir_outcome_free(o);
        pfhir_validator_free(v);
    }
}

#[test]
fn invalid_utf8_arguments_are_refused() {
    // SAFETY: handles are made here and freed once; buffers outlive the calls.
    unsafe {
        let mut opts = ptr::null_mut();
        assert!(pfhir_validator_options_new(&mut opts).is_null());
        let bad = b"urn:oid:\xff";
        let err = pfhir_validator_options_add_authority(opts, bad.as_ptr(), bad.len());
        assert_eq!(pfhir_error_code(err), pfhir_code::PFHIR_CODE_INVALID_UTF8);
        pfhir_error_free(err);
        let rule = b"partner-meta-profile";
        let sev = b"loud";
        let err = pfhir_validator_options_set_rule(
            opts,
            rule.as_ptr(),
            rule.len(),
            sev.as_ptr(),
            sev.len(),
        );
        assert_eq!(
            pfhir_error_code(err),
            pfhir_code::PFHIR_CODE_INVALID_ARGUMENT
        );
        pfhir_error_free(err);
        pfhir_validator_options_free(opts);
    }
}

#[test]
fn set_retry_zero_keeps_each_value() {
    // SAFETY: the config is made here and freed once.
    unsafe {
        let mut cfg = ptr::null_mut();
        assert!(pfhir_client_config_new(&mut cfg).is_null());
        let defaults = (*cfg).inner.retry;
        assert!(pfhir_client_config_set_retry(cfg, 5, 0, 0, 0).is_null());
        let r = (*cfg).inner.retry;
        assert_eq!(r.max_attempts, 5);
        assert_eq!(
            (r.initial_backoff, r.max_backoff, r.total_timeout),
            (
                defaults.initial_backoff,
                defaults.max_backoff,
                defaults.total_timeout
            )
        );
        assert!(pfhir_client_config_set_retry(cfg, 0, 10, 0, 0).is_null());
        let r = (*cfg).inner.retry;
        assert_eq!((r.max_attempts, r.initial_backoff.as_millis()), (5, 10));
        pfhir_client_config_free(cfg);
    }
}
