//! What the relay's integration tests share: an ADT message template, fresh business ids
//! and folders (the client configuration is `Sandbox::client_config`).

#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;

const A04: &str = "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||ADT^A04^ADT_A01|CTRL|P|2.5.1\rEVN|A04|20240315103000\rPID|1||PATIENTID^^^CIP^JHN||FAMILY^MARIA^JOSE||19750616|F|||CALLE MAYOR 1^^MADRID^MADRID^28013^ES^H\rDG1|1||E11^Type 2 diabetes mellitus^I10||20100501|F\r";

/// An ADT message of `event` (A04 or A08) with control id `ctrl`, patient `pid` and family
/// name `family`.
pub fn adt(event: &str, ctrl: &str, pid: &str, family: &str) -> Vec<u8> {
    A04.replace("ADT^A04", &format!("ADT^{event}"))
        .replace("EVN|A04", &format!("EVN|{event}"))
        .replace("|CTRL|", &format!("|{ctrl}|"))
        .replace("PATIENTID", pid)
        .replace("FAMILY", family)
        .into_bytes()
}

/// A fresh CIP-shaped business id: the four letters `prefix`, then ten digits.
pub fn unique_pid(prefix: &str) -> String {
    let u = pfhir_core::build::uuid_v4().expect("random");
    let digits: String = u
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|b| char::from(b'0' + b % 10))
        .take(10)
        .collect();
    format!("{prefix}{digits}")
}

/// A fresh, empty folder path under the temp dir (not created).
pub fn tempdir(kind: &str, name: &str) -> PathBuf {
    let u = pfhir_core::build::uuid_v4().expect("random");
    let dir = std::env::temp_dir().join(format!("pfhir-{kind}-{name}-{}", &u[..8]));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
