//! The client's key and certificates from PEM. The private key is decoded here, not by a
//! library, so that every copy pfhir makes of it (the base64 text, the DER bytes, the
//! decrypted key) lives in a buffer that is wiped when dropped. An encrypted PKCS#8 key is
//! decrypted with its password; a legacy encrypted key (`Proc-Type: 4,ENCRYPTED`) is refused
//! by name.

use super::config::Secret;
use super::der::{self, Reader};
use super::error::ClientError;
use super::pbe::{self, PbeError};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use rustls_pki_types::{PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};
use zeroize::Zeroizing;

/// Which container the DER of a private key is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `PRIVATE KEY`
    Pkcs8,
    /// `RSA PRIVATE KEY`
    Pkcs1,
    /// `EC PRIVATE KEY`
    Sec1,
}

/// A private key's DER bytes, wiped when dropped.
pub struct KeyDer {
    kind: KeyKind,
    der: Zeroizing<Vec<u8>>,
}

impl KeyDer {
    /// A PKCS#8 key (from a PKCS#12 file or a decrypted key).
    pub fn pkcs8(der: Zeroizing<Vec<u8>>) -> Self {
        KeyDer {
            kind: KeyKind::Pkcs8,
            der,
        }
    }

    /// The key as rustls borrows it (no copy).
    pub fn borrow(&self) -> PrivateKeyDer<'_> {
        match self.kind {
            KeyKind::Pkcs8 => PrivatePkcs8KeyDer::from(&self.der[..]).into(),
            KeyKind::Pkcs1 => PrivatePkcs1KeyDer::from(&self.der[..]).into(),
            KeyKind::Sec1 => PrivateSec1KeyDer::from(&self.der[..]).into(),
        }
    }
}

fn config_error(what: &str) -> ClientError {
    ClientError::Config(what.to_string())
}

/// The first private key of `key_pem`. Sections of other kinds (an `EC PARAMETERS` block
/// before an `EC PRIVATE KEY`, a certificate) are skipped. An `ENCRYPTED PRIVATE KEY` is
/// decrypted with `password` (none: a configuration error; a wrong one:
/// [`ClientError::WrongPassword`]); a legacy encrypted key (`Proc-Type: 4,ENCRYPTED`) is
/// refused with its own message.
pub fn private_key(key_pem: &Secret, password: Option<&Secret>) -> Result<KeyDer, ClientError> {
    let mut lines = key_pem.expose().lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let kind = match label {
            "PRIVATE KEY" => KeyKind::Pkcs8,
            "RSA PRIVATE KEY" => KeyKind::Pkcs1,
            "EC PRIVATE KEY" => KeyKind::Sec1,
            "ENCRYPTED PRIVATE KEY" => KeyKind::Pkcs8,
            _ => continue,
        };
        let encrypted = label == "ENCRYPTED PRIVATE KEY";
        let end = format!("-----END {label}-----");
        let mut body = Zeroizing::new(String::new());
        // The base64 lines, without headers; the exact capacity first, so that no
        // reallocation leaves a copy behind.
        let section: Vec<&str> = lines.by_ref().take_while(|l| *l != end).collect();
        for l in &section {
            if let Some((name, value)) = l.split_once(':') {
                if name.trim().eq_ignore_ascii_case("Proc-Type")
                    && value.to_ascii_uppercase().contains("ENCRYPTED")
                {
                    return Err(config_error(
                        "key_pem is a legacy encrypted private key (Proc-Type: 4,ENCRYPTED), \
                         which pfhir does not decrypt: convert it to encrypted PKCS#8 \
                         (`openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-p8.pem`) \
                         and give key_password, or use a PKCS#12 file",
                    ));
                }
            }
        }
        let base64_lines = section.iter().filter(|l| !l.contains(':'));
        body.reserve_exact(base64_lines.clone().map(|l| l.len()).sum());
        for l in base64_lines {
            body.push_str(l);
        }
        let der = decode_base64(body.as_bytes())
            .ok_or_else(|| config_error("key_pem is not valid PEM: the key's base64 is broken"))?;
        if der.is_empty() {
            return Err(config_error("key_pem holds an empty private key"));
        }
        if encrypted {
            return decrypt_pkcs8(&der, password);
        }
        return Ok(KeyDer { kind, der });
    }
    Err(config_error(
        "key_pem holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
    ))
}

/// Decrypts an EncryptedPrivateKeyInfo (DER) with `password`.
fn decrypt_pkcs8(der_bytes: &[u8], password: Option<&Secret>) -> Result<KeyDer, ClientError> {
    let Some(password) = password else {
        return Err(config_error(
            "key_pem is an encrypted private key (BEGIN ENCRYPTED PRIVATE KEY): give its \
             password as key_password",
        ));
    };
    let broken = |e: der::DerError| {
        config_error(&format!(
            "key_pem is not a valid encrypted private key: {e}"
        ))
    };
    let mut outer = Reader::new(der_bytes);
    let mut info = outer.enter(der::SEQUENCE).map_err(broken)?;
    let alg = info.expect(der::SEQUENCE).map_err(broken)?.raw;
    let encrypted = info.octets(None).map_err(broken)?;
    let wrong = || {
        ClientError::WrongPassword(
            "key_password does not decrypt the private key of key_pem".into(),
        )
    };
    match pbe::decrypt(alg, &encrypted, password.expose()) {
        Ok(plain) if der::is_one_sequence(&plain) => Ok(KeyDer::pkcs8(plain)),
        Ok(_) | Err(PbeError::WrongPassword) => Err(wrong()),
        Err(PbeError::Unsupported(what)) => {
            Err(config_error(&format!("key_pem is encrypted with {what}")))
        }
        Err(PbeError::Malformed(e)) => Err(broken(e)),
    }
}

/// The value of one base64 character, computed without a table indexed by secret data.
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes standard base64 (padding optional, ASCII whitespace ignored) into a buffer that
/// is wiped when dropped and never reallocated.
fn decode_base64(text: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let digits = text
        .iter()
        .filter(|c| !c.is_ascii_whitespace() && **c != b'=')
        .count();
    let padding = text.iter().filter(|c| **c == b'=').count();
    if digits % 4 == 1 || padding > 2 {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(digits * 3 / 4));
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut seen_padding = false;
    for &c in text {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            seen_padding = true;
            continue;
        }
        if seen_padding {
            return None;
        }
        acc = (acc << 6) | u32::from(sextet(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The client's certificate chain (leaf first).
pub fn certificate_chain(cert_pem: &str) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|_| config_error("cert_pem is not a PEM certificate chain"))?;
    if chain.is_empty() {
        return Err(config_error("cert_pem holds no certificate"));
    }
    Ok(chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(pem: &str) -> Result<KeyDer, String> {
        private_key(&Secret::new(pem), None).map_err(|e| e.to_string())
    }

    #[test]
    fn base64_decodes_like_the_standard() {
        for (text, bytes) in [
            ("", &b""[..]),
            ("Zg==", b"f"),
            ("Zm8=", b"fo"),
            ("Zm9v", b"foo"),
            ("Zm9v\r\nYmFy", b"foobar"),
            ("Zm9vYg", b"foob"),
            ("+/+/", &[0xfb, 0xff, 0xbf]),
        ] {
            assert_eq!(
                decode_base64(text.as_bytes()).as_deref().map(|v| &v[..]),
                Some(bytes),
                "{text}"
            );
        }
        for bad in ["Z", "Zm9v!", "Zg==Zg", "Zg==="] {
            assert!(decode_base64(bad.as_bytes()).is_none(), "{bad}");
        }
    }

    #[test]
    fn key_kinds_and_sections() {
        let k =
            key("-----BEGIN PRIVATE KEY-----\nAAEC\n-----END PRIVATE KEY-----\n").expect("pkcs8");
        assert_eq!((k.kind, &k.der[..]), (KeyKind::Pkcs8, &[0u8, 1, 2][..]));
        let k = key(
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n\
             -----BEGIN EC PRIVATE KEY-----\r\nAAEC\r\n-----END EC PRIVATE KEY-----\r\n",
        )
        .expect("sec1 after parameters");
        assert_eq!((k.kind, &k.der[..]), (KeyKind::Sec1, &[0u8, 1, 2][..]));
        let k = key("-----BEGIN RSA PRIVATE KEY-----\nAAEC\n-----END RSA PRIVATE KEY-----")
            .expect("pkcs1");
        assert_eq!(k.kind, KeyKind::Pkcs1);
        for (pem, says) in [
            ("not a key", "holds no PEM private key"),
            (
                "-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----",
                "holds no PEM private key",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nAA*C\n-----END PRIVATE KEY-----",
                "base64 is broken",
            ),
        ] {
            let e = key(pem).err().expect(pem);
            assert!(e.contains(says), "{e}");
        }
    }

    /// Issue #10 item 9, issue #12 item 6: an encrypted PKCS#8 key without a password asks
    /// for key_password; a legacy encrypted key is refused with the way to convert it.
    #[test]
    fn encrypted_private_keys_need_a_password_or_a_conversion() {
        let pkcs8 = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n\
                     MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhvZWVmb2VmAgIIADAM\n\
                     -----END ENCRYPTED PRIVATE KEY-----\n";
        let e = key(pkcs8).err().expect("refused");
        assert!(e.contains("give its password as key_password"), "{e}");
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\n\
                      Proc-Type: 4,ENCRYPTED\n\
                      DEK-Info: AES-256-CBC,4B6E1E9D0C2A58C3A1F0D2B7C9E8F6A5\n\
                      \n\
                      q2V5IHRleHQgdGhhdCBpcyBub3QgcmVhbGx5IGEga2V5Cg==\n\
                      -----END RSA PRIVATE KEY-----\n";
        let legacy_ec = legacy.replace("RSA PRIVATE", "EC PRIVATE");
        for pem in [legacy, &legacy_ec] {
            let e = key(pem).err().expect("refused");
            assert!(
                e.contains("legacy encrypted private key (Proc-Type: 4,ENCRYPTED)")
                    && e.contains("openssl pkcs8 -topk8"),
                "{e}"
            );
        }
        // With a password, a truncated encrypted key is reported as broken, not decrypted.
        let e = private_key(&Secret::new(pkcs8), Some(&Secret::new("pw")))
            .err()
            .expect("broken")
            .to_string();
        assert!(e.contains("not a valid encrypted private key"), "{e}");
    }
}
