//! A client identity from a PKCS#12 file (RFC 7292): the MAC is checked with the password
//! (a mismatch is a wrong password), then the certificate bags and the key bag are read,
//! decrypting what is encrypted (see [`super::pbe`]). Certificates are returned in file
//! order; the caller picks the leaf that matches the key.

use super::der::{self, Reader};
use super::pbe::{self, PbeError, Purpose};
use ring::{digest, hmac};
use std::borrow::Cow;
use zeroize::Zeroizing;

const PKCS7_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const PKCS7_ENCRYPTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];
const BAG: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01];
const X509_CERTIFICATE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x16, 0x01];
const SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
const SHA2: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
const PBMAC1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0e];

/// Why a PKCS#12 file cannot be used (never a byte of it, nor the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pkcs12Error {
    /// The password does not open the file.
    WrongPassword,
    /// The file is not a PKCS#12 file pfhir can read: what is wrong.
    Invalid(String),
}

impl From<der::DerError> for Pkcs12Error {
    fn from(e: der::DerError) -> Self {
        Pkcs12Error::Invalid(format!("not a DER PKCS#12 file: {e}"))
    }
}

impl From<PbeError> for Pkcs12Error {
    fn from(e: PbeError) -> Self {
        match e {
            PbeError::WrongPassword => Pkcs12Error::WrongPassword,
            PbeError::Unsupported(what) => Pkcs12Error::Invalid(what),
            PbeError::Malformed(e) => e.into(),
        }
    }
}

/// What a PKCS#12 file holds: its certificates (file order) and its private key (PKCS#8
/// DER, wiped when dropped).
pub struct Contents {
    /// Every certificate (DER), in file order.
    pub certificates: Vec<Vec<u8>>,
    /// The private key, PKCS#8 DER.
    pub key: Zeroizing<Vec<u8>>,
}

/// Opens `file` with `password`.
pub fn open(file: &[u8], password: &str) -> Result<Contents, Pkcs12Error> {
    let mut outer = Reader::new(file);
    let mut pfx = outer.enter(der::SEQUENCE)?;
    if pfx.small_uint()? != 3 {
        return Err(Pkcs12Error::Invalid(
            "a PKCS#12 version other than 3".into(),
        ));
    }
    let auth_safe = data_content(&mut pfx.enter(der::SEQUENCE)?)?;
    if let Some(mac) = pfx.optional(der::SEQUENCE)? {
        check_mac(mac.value, &auth_safe, password)?;
    }
    let mut certificates = Vec::new();
    let mut key = None;
    let mut infos = Reader::new(&auth_safe).enter(der::SEQUENCE)?;
    while !infos.is_empty() {
        let mut info = infos.enter(der::SEQUENCE)?;
        let kind = info.expect(der::OID)?.value;
        // Decrypted contents live in a buffer that is wiped when dropped, also on an error.
        let plain: Zeroizing<Vec<u8>>;
        let data: Cow<'_, [u8]>;
        let contents: &[u8] = if kind == PKCS7_DATA {
            data = info.enter(der::CONTEXT_0)?.octets(None)?;
            &data
        } else if kind == PKCS7_ENCRYPTED_DATA {
            let mut encrypted_data = info.enter(der::CONTEXT_0)?.enter(der::SEQUENCE)?;
            encrypted_data.small_uint()?;
            let mut content = encrypted_data.enter(der::SEQUENCE)?;
            content.expect(der::OID)?;
            let alg = content.expect(der::SEQUENCE)?.raw;
            let encrypted = content.octets(Some((der::CONTEXT_0_PRIMITIVE, der::CONTEXT_0)))?;
            plain = pbe::decrypt(alg, &encrypted, password)?;
            if !der::is_one_sequence(&plain) {
                return Err(Pkcs12Error::WrongPassword);
            }
            &plain
        } else {
            // Enveloped data (public-key encrypted) and other kinds need more than a password.
            return Err(Pkcs12Error::Invalid(format!(
                "content of type {} (pfhir reads password-protected files only)",
                pbe::oid_text(kind)
            )));
        };
        read_bags(contents, password, &mut certificates, &mut key)?;
    }
    let key = key.ok_or_else(|| Pkcs12Error::Invalid("the file holds no private key".into()))?;
    if certificates.is_empty() {
        return Err(Pkcs12Error::Invalid("the file holds no certificate".into()));
    }
    Ok(Contents { certificates, key })
}

/// The content of a ContentInfo of type data.
fn data_content<'a>(info: &mut Reader<'a>) -> Result<Cow<'a, [u8]>, Pkcs12Error> {
    if info.expect(der::OID)?.value != PKCS7_DATA {
        return Err(Pkcs12Error::Invalid(
            "a file signed with a public key (pfhir reads password-protected files only)".into(),
        ));
    }
    Ok(info.enter(der::CONTEXT_0)?.octets(None)?)
}

/// Checks the file's MAC with `password`: a mismatch means a wrong password.
fn check_mac(mac_data: &[u8], auth_safe: &[u8], password: &str) -> Result<(), Pkcs12Error> {
    let mut mac_data = Reader::new(mac_data);
    let mut digest_info = mac_data.enter(der::SEQUENCE)?;
    let mut alg = digest_info.enter(der::SEQUENCE)?;
    let oid = alg.expect(der::OID)?.value;
    let expected = digest_info.octets(None)?;
    let salt = mac_data.octets(None)?;
    let iterations = if mac_data.peek_tag() == Some(der::INTEGER) {
        mac_data.small_uint()?
    } else {
        1
    };
    if iterations > pbe::MAX_ITERATIONS {
        return Err(Pkcs12Error::Invalid(format!(
            "a MAC iteration count above {}",
            pbe::MAX_ITERATIONS
        )));
    }
    let (hash, mac): (&'static digest::Algorithm, hmac::Algorithm) = match oid {
        SHA1 => (
            &digest::SHA1_FOR_LEGACY_USE_ONLY,
            hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        ),
        [prefix @ .., 1] if prefix == SHA2 => (&digest::SHA256, hmac::HMAC_SHA256),
        [prefix @ .., 2] if prefix == SHA2 => (&digest::SHA384, hmac::HMAC_SHA384),
        [prefix @ .., 3] if prefix == SHA2 => (&digest::SHA512, hmac::HMAC_SHA512),
        PBMAC1 => return Err(Pkcs12Error::Invalid(
            "a PBMAC1 integrity check, which pfhir does not read yet (export with the default MAC)"
                .into(),
        )),
        other => {
            return Err(Pkcs12Error::Invalid(format!(
                "a MAC with the digest {}, which pfhir does not read",
                pbe::oid_text(other)
            )))
        }
    };
    // An empty password is encoded as two zero bytes or as nothing, depending on the
    // exporter (OpenSSL tries both too).
    let bmp = pbe::bmp_password(password);
    let candidates: &[&[u8]] = if password.is_empty() {
        &[&bmp[..], &[]]
    } else {
        &[&bmp[..]]
    };
    for candidate in candidates {
        let key = pbe::pkcs12_kdf(
            hash,
            candidate,
            &salt,
            Purpose::Mac,
            iterations,
            hash.output_len(),
        );
        if hmac::verify(&hmac::Key::new(mac, &key), auth_safe, &expected).is_ok() {
            return Ok(());
        }
    }
    Err(Pkcs12Error::WrongPassword)
}

/// Reads the bags of one SafeContents: certificates and the (first) private key.
fn read_bags(
    safe_contents: &[u8],
    password: &str,
    certificates: &mut Vec<Vec<u8>>,
    key: &mut Option<Zeroizing<Vec<u8>>>,
) -> Result<(), Pkcs12Error> {
    let mut bags = Reader::new(safe_contents).enter(der::SEQUENCE)?;
    while !bags.is_empty() {
        let mut bag = bags.enter(der::SEQUENCE)?;
        let id = bag.expect(der::OID)?.value;
        let mut value = bag.enter(der::CONTEXT_0)?;
        let Some(&[kind]) = id.strip_prefix(BAG) else {
            continue;
        };
        match kind {
            // keyBag: a PrivateKeyInfo in the clear
            1 if key.is_none() => {
                *key = Some(Zeroizing::new(value.expect(der::SEQUENCE)?.raw.to_vec()));
            }
            // pkcs8ShroudedKeyBag: an EncryptedPrivateKeyInfo
            2 if key.is_none() => {
                let mut info = value.enter(der::SEQUENCE)?;
                let alg = info.expect(der::SEQUENCE)?.raw;
                let encrypted = info.octets(None)?;
                let plain = pbe::decrypt(alg, &encrypted, password)?;
                if !der::is_one_sequence(&plain) {
                    return Err(Pkcs12Error::WrongPassword);
                }
                *key = Some(plain);
            }
            // certBag holding an X.509 certificate
            3 => {
                let mut cert_bag = value.enter(der::SEQUENCE)?;
                if cert_bag.expect(der::OID)?.value == X509_CERTIFICATE {
                    let cert = cert_bag.enter(der::CONTEXT_0)?.octets(None)?;
                    certificates.push(cert.into_owned());
                }
            }
            _ => {}
        }
    }
    Ok(())
}
