//! Password-based decryption of a key or a PKCS#12 bag: PBES2 (AES or 3DES with PBKDF2 or
//! scrypt, through `pkcs5`) and the legacy PKCS#12 schemes (3-key and 2-key 3DES, RC2-128
//! and RC2-40, with the PKCS#12 key derivation over SHA-1), plus that derivation itself,
//! which the PKCS#12 MAC uses too. Every derived key and every plaintext is wiped when
//! dropped.

use super::der::{self, DerError, Reader};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, InnerIvInit, KeyInit};
use ring::digest;
use zeroize::Zeroizing;

/// PBES2 (1.2.840.113549.1.5.13).
const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
/// pkcs-12PbeIds (1.2.840.113549.1.12.1), followed by the scheme's number.
const PKCS12_PBE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];

/// The most iterations pfhir runs for one PKCS#12 key derivation: far above what exporters
/// use (2048 for OpenSSL, 10000 for Windows), low enough that a damaged or hostile file cannot
/// stall the client for long.
pub const MAX_ITERATIONS: u32 = 10_000_000;

/// Why a decryption failed (never a byte of the key, the data or the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PbeError {
    /// The password does not decrypt the data (its padding, or what it decrypts to, is wrong).
    WrongPassword,
    /// A scheme or parameter pfhir does not support (named).
    Unsupported(String),
    /// The algorithm's parameters are not well formed.
    Malformed(DerError),
}

impl From<DerError> for PbeError {
    fn from(e: DerError) -> Self {
        PbeError::Malformed(e)
    }
}

/// The password as PKCS#12 turns it into key material: UTF-16 big-endian with two zero
/// bytes at the end (an empty password is those two bytes).
pub fn bmp_password(password: &str) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(password.len() * 4 + 2));
    for unit in password.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out.extend_from_slice(&[0, 0]);
    out
}

/// What the PKCS#12 key derivation makes (RFC 7292 appendix B.3).
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    /// A cipher key (ID 1).
    Key = 1,
    /// A cipher's initial vector (ID 2).
    Iv = 2,
    /// A MAC key (ID 3).
    Mac = 3,
}

/// The PKCS#12 key derivation (RFC 7292 appendix B.2) with `alg`: `len` bytes for
/// `purpose` from the BMP password, the salt and the iteration count.
pub fn pkcs12_kdf(
    alg: &'static digest::Algorithm,
    bmp_password: &[u8],
    salt: &[u8],
    purpose: Purpose,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let (u, v) = (alg.output_len(), alg.block_len());
    let diversifier = vec![purpose as u8; v];
    // I = S || P, each repeated to a whole number of v-byte blocks.
    let fill = |src: &[u8], into: &mut Vec<u8>| {
        if !src.is_empty() {
            let n = v * src.len().div_ceil(v);
            into.extend((0..n).map(|k| src[k % src.len()]));
        }
    };
    let mut i = Zeroizing::new(Vec::with_capacity(
        v * (salt.len().div_ceil(v) + bmp_password.len().div_ceil(v)),
    ));
    fill(salt, &mut i);
    fill(bmp_password, &mut i);
    let mut out = Zeroizing::new(Vec::with_capacity(len + u));
    let mut b = Zeroizing::new(vec![0u8; v]);
    loop {
        let mut ctx = digest::Context::new(alg);
        ctx.update(&diversifier);
        ctx.update(&i);
        let mut a = ctx.finish();
        for _ in 1..iterations.max(1) {
            a = digest::digest(alg, a.as_ref());
        }
        out.extend_from_slice(a.as_ref());
        if out.len() >= len {
            out.truncate(len);
            return out;
        }
        for (k, byte) in b.iter_mut().enumerate() {
            *byte = a.as_ref()[k % u];
        }
        // Each v-byte block of I becomes (I_j + B + 1) mod 2^(8v).
        for block in i.chunks_mut(v) {
            let mut carry = 1u16;
            for k in (0..v).rev() {
                let sum = u16::from(block[k]) + u16::from(b[k]) + carry;
                block[k] = (sum & 0xff) as u8;
                carry = sum >> 8;
            }
        }
    }
}

/// Decrypts `ciphertext`, encrypted with the algorithm `alg` (an AlgorithmIdentifier, DER)
/// and `password`. The plaintext is wiped when dropped.
pub fn decrypt(
    alg: &[u8],
    ciphertext: &[u8],
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    let mut outer = Reader::new(alg);
    let mut seq = outer.enter(der::SEQUENCE)?;
    let oid = seq.expect(der::OID)?.value;
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    if oid == PBES2 {
        let scheme = pkcs5::EncryptionScheme::try_from(alg).map_err(|e| {
            PbeError::Unsupported(format!("PBES2 parameters pfhir cannot read ({e})"))
        })?;
        let len = match scheme.decrypt_in_place(password.as_bytes(), &mut buf) {
            Ok(plain) => plain.len(),
            Err(pkcs5::Error::DecryptFailed) => return Err(PbeError::WrongPassword),
            Err(e) => return Err(PbeError::Unsupported(format!("PBES2: {e}"))),
        };
        buf.truncate(len);
        return Ok(buf);
    }
    let Some(&[scheme]) = oid.strip_prefix(PKCS12_PBE) else {
        return Err(PbeError::Unsupported(format!(
            "the encryption algorithm {} (pfhir reads PBES2 and the PKCS#12 3DES and RC2 schemes)",
            oid_text(oid)
        )));
    };
    let mut params = seq.enter(der::SEQUENCE)?;
    let salt = params.octets(None)?;
    let iterations = params.small_uint()?;
    if iterations > MAX_ITERATIONS {
        return Err(PbeError::Unsupported(format!(
            "an iteration count above {MAX_ITERATIONS}"
        )));
    }
    let (key_len, name) = match scheme {
        3 => (24, "3DES"),
        4 => (16, "2-key 3DES"),
        5 => (16, "RC2-128"),
        6 => (5, "RC2-40"),
        n => {
            return Err(PbeError::Unsupported(format!(
                "the PKCS#12 scheme 1.2.840.113549.1.12.1.{n} (RC4), which pfhir does not read"
            )))
        }
    };
    let bmp = bmp_password(password);
    let sha1 = &digest::SHA1_FOR_LEGACY_USE_ONLY;
    let key = pkcs12_kdf(sha1, &bmp, &salt, Purpose::Key, iterations, key_len);
    let iv = pkcs12_kdf(sha1, &bmp, &salt, Purpose::Iv, iterations, 8);
    let bad_key = || PbeError::Unsupported(format!("a {name} key pfhir cannot use"));
    let len = match scheme {
        3 => cbc_decrypt(
            des::TdesEde3::new_from_slice(&key).map_err(|_| bad_key())?,
            &iv,
            &mut buf,
        ),
        4 => cbc_decrypt(
            des::TdesEde2::new_from_slice(&key).map_err(|_| bad_key())?,
            &iv,
            &mut buf,
        ),
        _ => cbc_decrypt(
            rc2::Rc2::new_with_eff_key_len(&key, key_len * 8),
            &iv,
            &mut buf,
        ),
    }?;
    buf.truncate(len);
    Ok(buf)
}

/// CBC decryption in place with PKCS#7 padding; the plaintext's length.
fn cbc_decrypt<C: BlockCipherDecrypt>(
    cipher: C,
    iv: &[u8],
    buf: &mut [u8],
) -> Result<usize, PbeError> {
    let mode = cbc::Decryptor::<C>::inner_iv_slice_init(cipher, iv)
        .map_err(|_| PbeError::Unsupported("an initial vector of the wrong size".into()))?;
    mode.decrypt_padded::<Pkcs7>(buf)
        .map(<[u8]>::len)
        .map_err(|_| PbeError::WrongPassword)
}

/// An OID's dotted form (for messages).
pub fn oid_text(oid: &[u8]) -> String {
    let mut parts: Vec<u64> = Vec::new();
    let mut acc = 0u64;
    for (k, b) in oid.iter().enumerate() {
        acc = (acc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if k == 0 || parts.is_empty() {
                let first = (acc / 40).min(2);
                parts.push(first);
                parts.push(acc - first * 40);
            } else {
                parts.push(acc);
            }
            acc = 0;
        }
    }
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7292 has no vectors; these are OpenSSL's (`PKCS12_key_gen_uni`, test/pkcs12
    /// vectors from the BouncyCastle suite): password "smeg", salt 0A58CF64530D823F, 1
    /// iteration, SHA-1.
    #[test]
    fn the_pkcs12_kdf_matches_known_vectors() {
        let bmp = bmp_password("smeg");
        assert_eq!(&bmp[..], &[0, b's', 0, b'm', 0, b'e', 0, b'g', 0, 0]);
        let salt = [0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f];
        let sha1 = &digest::SHA1_FOR_LEGACY_USE_ONLY;
        let key = pkcs12_kdf(sha1, &bmp, &salt, Purpose::Key, 1, 24);
        assert_eq!(
            hex(&key),
            "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"
        );
        let iv = pkcs12_kdf(sha1, &bmp, &salt, Purpose::Iv, 1, 8);
        assert_eq!(hex(&iv), "79993dfe048d3b76");
    }

    #[test]
    fn oids_print_dotted() {
        assert_eq!(oid_text(PBES2), "1.2.840.113549.1.5.13");
        assert_eq!(oid_text(&[0x2b, 0x0e, 0x03, 0x02, 0x1a]), "1.3.14.3.2.26");
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}
