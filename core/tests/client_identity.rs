//! Issue #12 item 6: the client identity from a PKCS#12 file (OpenSSL 3's AES default, the
//! legacy 3DES/RC2 form, an empty password) and from encrypted PKCS#8 PEM keys (PBKDF2 and
//! scrypt), each used for real requests over mutual TLS; a wrong password is its own error
//! (`WrongPassword`), never a panic, and no password shows in any message or `Debug`.
#![cfg(feature = "client")]

mod client_support;
mod identity_fixtures;

use client_support::{client_config, start, ServerOptions, TestServer};
use identity_fixtures as fx;
use pfhir_core::client::{Client, ClientConfig, ClientError, Pkcs12, Secret};
use pfhir_core::ErrorCode;
use std::sync::atomic::Ordering;

/// Sets one identity form on a configuration.
type SetIdentity = Box<dyn Fn(&mut ClientConfig)>;

/// Every identity form of the fixture client, by name.
fn identities() -> Vec<(&'static str, SetIdentity)> {
    fn pem(key: &'static str, password: Option<&'static str>) -> SetIdentity {
        Box::new(move |c: &mut ClientConfig| {
            c.cert_pem = fx::CLIENT_PEM.into();
            c.key_pem = Secret::new(key);
            c.key_password = password.map(Secret::new);
        })
    }
    fn p12(file: &'static [u8], password: &'static str) -> SetIdentity {
        Box::new(move |c: &mut ClientConfig| {
            c.cert_pem.clear();
            c.key_pem = Secret::default();
            c.pkcs12 = Some(Pkcs12::new(file, password));
        })
    }
    vec![
        ("PEM key in the clear", pem(fx::CLIENT_KEY_PEM, None)),
        (
            "encrypted PKCS#8, AES-256-CBC + PBKDF2",
            pem(fx::CLIENT_KEY_AES_PEM, Some(fx::PASSWORD)),
        ),
        (
            "encrypted PKCS#8, AES-256-CBC + scrypt",
            pem(fx::CLIENT_KEY_SCRYPT_PEM, Some(fx::PASSWORD)),
        ),
        (
            "PKCS#12, AES-256 (OpenSSL 3 default)",
            p12(fx::CLIENT_P12, fx::PASSWORD),
        ),
        (
            "PKCS#12, legacy 3DES + RC2-40",
            p12(fx::CLIENT_LEGACY_P12, fx::PASSWORD),
        ),
        ("PKCS#12, empty password", p12(fx::CLIENT_NOPASS_P12, "")),
    ]
}

fn server() -> TestServer {
    start(&fx::pki(), ServerOptions::default())
}

fn config(server: &TestServer) -> ClientConfig {
    let pki = fx::pki();
    client_config(server, &pki, &pki.client_pem, &pki.client_key_pem)
}

#[test]
fn every_identity_form_authenticates_over_mutual_tls() {
    let server = server();
    for (name, set) in identities() {
        let mut c = config(&server);
        set(&mut c);
        let before = server.requests.load(Ordering::Relaxed);
        let client = Client::new(c).unwrap_or_else(|e| panic!("{name}: {e}"));
        let read = client.read("p1").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read.status, 200, "{name}");
        assert_eq!(
            server.requests.load(Ordering::Relaxed),
            before + 1,
            "{name}: the server answered one request"
        );
    }
}

/// The PKCS#12 file holds the CA too (OpenSSL puts it after the leaf or before it): the
/// certificate of the key is sent first whatever the file's order, so the server accepts it.
#[test]
fn the_leaf_of_a_pkcs12_file_is_the_certificate_of_its_key() {
    let server = server();
    let mut c = config(&server);
    c.cert_pem.clear();
    c.key_pem = Secret::default();
    c.pkcs12 = Some(Pkcs12::new(fx::CLIENT_P12, fx::PASSWORD));
    Client::new(c)
        .expect("client")
        .read("p1")
        .expect("accepted");
}

fn wrong_password(c: ClientConfig, name: &str, password: &str) -> ClientError {
    let debug = format!("{c:?}");
    assert!(
        password.is_empty() || !debug.contains(password),
        "{name}: config Debug shows the password"
    );
    let err = Client::new(c).expect_err(name);
    assert!(
        matches!(err, ClientError::WrongPassword(_)),
        "{name}: {err:?}"
    );
    assert_eq!(err.code(), ErrorCode::WrongPassword, "{name}");
    assert_eq!(err.code().name(), "wrong_password");
    assert!(err.request_id().is_none() && !err.retry_safe(), "{name}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(
            password.is_empty() || !text.contains(password),
            "{name}: {text}"
        );
        assert!(!text.contains(fx::PASSWORD), "{name}: {text}");
        assert!(text.contains("password"), "{name}: {text}");
    }
    err
}

#[test]
fn a_wrong_password_is_its_own_error_in_every_form() {
    let server = server();
    for (name, set) in identities().into_iter().skip(1) {
        for bad in ["not-the-password", "pfhir-test-pW", ""] {
            let mut c = config(&server);
            set(&mut c);
            if let Some(p12) = c.pkcs12.take() {
                if bad.is_empty() && p12.password().is_empty() {
                    continue;
                }
                let wrong = if p12.password().is_empty() {
                    "wrong-pw-7391"
                } else {
                    bad
                };
                c.pkcs12 = Some(Pkcs12::new(p12.der().to_vec(), wrong));
                let err = wrong_password(c, name, wrong);
                assert!(err.to_string().contains("pkcs12 password"), "{err}");
            } else {
                c.key_password = Some(Secret::new(bad));
                let err = wrong_password(c, name, bad);
                assert!(err.to_string().contains("key_password"), "{err}");
            }
        }
    }
    assert_eq!(
        server.requests.load(Ordering::Relaxed),
        0,
        "nothing was sent"
    );
}

#[test]
fn identity_mistakes_are_configuration_errors() {
    let server = server();
    let config_error = |c: ClientConfig, says: &str| {
        let err = Client::new(c).expect_err(says);
        assert_eq!(err.code(), ErrorCode::Config, "{err}");
        assert!(err.to_string().contains(says), "{err}");
    };
    // an encrypted key without its password
    let mut c = config(&server);
    c.key_pem = Secret::new(fx::CLIENT_KEY_AES_PEM);
    config_error(c, "give its password as key_password");
    // both forms at once
    let mut c = config(&server);
    c.pkcs12 = Some(Pkcs12::new(fx::CLIENT_P12, fx::PASSWORD));
    config_error(c, "either as pkcs12 or as cert_pem + key_pem");
    // not a PKCS#12 file: a PEM file, a truncated file, nothing
    for (bytes, says) in [
        (fx::CLIENT_PEM.as_bytes(), "not a DER PKCS#12 file"),
        (&fx::CLIENT_P12[..200], "not a DER PKCS#12 file"),
        (&[][..], "not a DER PKCS#12 file"),
    ] {
        let mut c = config(&server);
        c.cert_pem.clear();
        c.key_pem = Secret::default();
        c.pkcs12 = Some(Pkcs12::new(bytes, fx::PASSWORD));
        config_error(c, says);
    }
    // a key that is not the certificate's
    let mut c = config(&server);
    c.cert_pem = client_support::pki().client_pem;
    c.key_pem = Secret::new(fx::CLIENT_KEY_AES_PEM);
    c.key_password = Some(Secret::new(fx::PASSWORD));
    config_error(c, "does not match the certificate");
    assert_eq!(server.requests.load(Ordering::Relaxed), 0);
}

/// Every byte of the file flipped in turn (a sample): an error, never a panic, and never a
/// success with a broken MAC.
#[test]
fn a_damaged_pkcs12_file_is_an_error_never_a_panic() {
    let server = server();
    for at in (0..fx::CLIENT_LEGACY_P12.len()).step_by(7) {
        let mut bytes = fx::CLIENT_LEGACY_P12.to_vec();
        bytes[at] ^= 0x5a;
        let mut c = config(&server);
        c.cert_pem.clear();
        c.key_pem = Secret::default();
        c.pkcs12 = Some(Pkcs12::new(bytes, fx::PASSWORD));
        let e = Client::new(c).expect_err("a damaged file is refused");
        assert!(
            matches!(e.code(), ErrorCode::Config | ErrorCode::WrongPassword),
            "byte {at}: {e}"
        );
    }
}

#[test]
fn pkcs12_debug_hides_the_file_and_the_password() {
    let p = Pkcs12::new(fx::CLIENT_P12, fx::PASSWORD);
    let debug = format!("{p:?}");
    assert!(!debug.contains(fx::PASSWORD), "{debug}");
    assert!(
        debug.contains("<redacted>") && debug.contains("bytes"),
        "{debug}"
    );
    let mut c = ClientConfig::new("https://127.0.0.1/");
    c.pkcs12 = Some(p);
    c.key_password = Some(Secret::new(fx::PASSWORD));
    let debug = format!("{c:?}");
    assert!(!debug.contains(fx::PASSWORD), "{debug}");
}
