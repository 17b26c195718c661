//! The committed identity fixtures (core/tests/fixtures/identity, made once by its gen.sh
//! with openssl, so that `cargo test` needs no openssl): a throw-away CA, a server
//! certificate for 127.0.0.1, and one RSA client identity in every form pfhir reads. Test
//! certificates, not secrets; the password of the encrypted forms is [`PASSWORD`].
#![allow(dead_code)]

use crate::client_support::Pki;

/// The password of every encrypted fixture (but `client-nopass.p12`, which has none).
pub const PASSWORD: &str = "pfhir-test-pw";
/// The fixture CA (PEM).
pub const CA_PEM: &str = include_str!("../fixtures/identity/ca.pem");
/// The client certificate (PEM).
pub const CLIENT_PEM: &str = include_str!("../fixtures/identity/client.pem");
/// The client key, PKCS#8 PEM in the clear.
pub const CLIENT_KEY_PEM: &str = include_str!("../fixtures/identity/client-key.pem");
/// The client key, encrypted PKCS#8 (PBES2, AES-256-CBC, PBKDF2-SHA256).
pub const CLIENT_KEY_AES_PEM: &str = include_str!("../fixtures/identity/client-key-aes.pem");
/// The client key, encrypted PKCS#8 (PBES2, AES-256-CBC, scrypt).
pub const CLIENT_KEY_SCRYPT_PEM: &str = include_str!("../fixtures/identity/client-key-scrypt.pem");
/// OpenSSL 3's default PKCS#12 (PBES2 AES-256-CBC + PBKDF2, MAC SHA-256), with the CA.
pub const CLIENT_P12: &[u8] = include_bytes!("../fixtures/identity/client.p12");
/// `openssl pkcs12 -export -legacy`: 3DES key bag, RC2-40 certificates, MAC SHA-1.
pub const CLIENT_LEGACY_P12: &[u8] = include_bytes!("../fixtures/identity/client-legacy.p12");
/// A PKCS#12 file exported with an empty password.
pub const CLIENT_NOPASS_P12: &[u8] = include_bytes!("../fixtures/identity/client-nopass.p12");

/// The fixture PKI, for the test server.
pub fn pki() -> Pki {
    Pki {
        ca_pem: CA_PEM.to_string(),
        server_pem: include_str!("../fixtures/identity/server.pem").to_string(),
        server_key_pem: include_str!("../fixtures/identity/server-key.pem").to_string(),
        client_pem: CLIENT_PEM.to_string(),
        client_key_pem: CLIENT_KEY_PEM.to_string(),
    }
}
