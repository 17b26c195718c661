//! Connection settings of `create`, `update` and `read`: flags, then `PFHIR_*` environment
//! variables, then a TOML file (`--config`), in that order of precedence. Secrets are read,
//! never printed. Passwords (of a PKCS#12 file, of an encrypted key) have no flag, because a
//! command line shows in `ps`: they come from `PFHIR_PKCS12_PASSWORD` / `PFHIR_KEY_PASSWORD`
//! or the file's `pkcs12_password` / `key_password`.

use crate::CliError;
use pfhir_core::client::{
    ApiVersion, Client, ClientConfig, ContentType, Pkcs12, RetryPolicy, Secret, Timeouts,
    TrustStore,
};
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

/// Connection settings as given on the command line or in the environment. Its `Debug`
/// hides the client secret.
#[derive(Default, Clone, clap::Args)]
pub struct ConnectArgs {
    /// TOML file with any of the settings below (snake_case keys).
    #[arg(long, env = "PFHIR_CONFIG")]
    pub config: Option<String>,
    /// Base URL, up to /partners/fhir/stu3/api/ (https; a host; an optional port).
    #[arg(long, env = "PFHIR_BASE_URL")]
    pub base_url: Option<String>,
    /// API version: v1 or v2.
    #[arg(long, env = "PFHIR_API_VERSION")]
    pub api_version: Option<String>,
    /// Organization OID (org_id header).
    #[arg(long, env = "PFHIR_ORG_ID")]
    pub org_id: Option<String>,
    /// Client id (client_id header).
    #[arg(long, env = "PFHIR_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Client secret (client_secret header); prefer the environment or the file.
    #[arg(long, env = "PFHIR_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,
    /// Client certificate chain (PEM file).
    #[arg(long, env = "PFHIR_CERT")]
    pub cert: Option<String>,
    /// Client private key (PEM file; an encrypted PKCS#8 key takes its password from
    /// PFHIR_KEY_PASSWORD or the file's key_password, never from a flag).
    #[arg(long, env = "PFHIR_KEY")]
    pub key: Option<String>,
    /// Client identity as a PKCS#12 file (.pfx/.p12) instead of --cert and --key; its
    /// password comes from PFHIR_PKCS12_PASSWORD or the file's pkcs12_password, never from a
    /// flag (a command line shows in `ps`).
    #[arg(long, env = "PFHIR_PKCS12", value_name = "FILE")]
    pub pkcs12: Option<String>,
    /// CA certificates to trust for the server (PEM file): exactly these, and --trust is not
    /// used.
    #[arg(long, env = "PFHIR_CA")]
    pub ca: Option<String>,
    /// Where the server's certificate is checked without --ca: system (the operating
    /// system's store, the default) or mozilla (the roots built into pfhir).
    #[arg(long, env = "PFHIR_TRUST", value_name = "system|mozilla")]
    pub trust: Option<String>,
    /// Connect timeout in seconds (TCP + TLS).
    #[arg(long, env = "PFHIR_CONNECT_TIMEOUT")]
    pub connect_timeout: Option<f64>,
    /// Timeout of one attempt in seconds.
    #[arg(long, env = "PFHIR_REQUEST_TIMEOUT")]
    pub request_timeout: Option<f64>,
    /// Attempts in all (1 = no retry).
    #[arg(long, env = "PFHIR_MAX_ATTEMPTS")]
    pub max_attempts: Option<u32>,
    /// Content-Type of the Bundles sent: application/json (the guide's default) or
    /// application/fhir+json.
    #[arg(long, env = "PFHIR_CONTENT_TYPE")]
    pub content_type: Option<String>,
    /// Accept one more identifier system as assigning authority in the local check before
    /// sending (repeatable; adds to the file's `authorities`).
    #[arg(long = "authority", value_name = "SYSTEM")]
    pub authorities: Vec<String>,
}

impl std::fmt::Debug for ConnectArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectArgs")
            .field("config", &self.config)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("org_id", &self.org_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("cert", &self.cert)
            .field("key", &self.key)
            .field("pkcs12", &self.pkcs12)
            .field("ca", &self.ca)
            .field("trust", &self.trust)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("content_type", &self.content_type)
            .field("authorities", &self.authorities)
            .finish()
    }
}

/// The same settings in a TOML file (no `Debug`: it holds the client secret).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    base_url: Option<String>,
    api_version: Option<String>,
    org_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    cert: Option<String>,
    key: Option<String>,
    key_password: Option<String>,
    pkcs12: Option<String>,
    pkcs12_password: Option<String>,
    ca: Option<String>,
    trust: Option<String>,
    connect_timeout: Option<f64>,
    request_timeout: Option<f64>,
    max_attempts: Option<u32>,
    content_type: Option<String>,
    authorities: Option<Vec<String>>,
}

/// The keys of the TOML file, which an error may name (values never).
const FILE_KEYS: [&str; 17] = [
    "base_url",
    "api_version",
    "org_id",
    "client_id",
    "client_secret",
    "cert",
    "key",
    "key_password",
    "pkcs12",
    "pkcs12_password",
    "ca",
    "trust",
    "connect_timeout",
    "request_timeout",
    "max_attempts",
    "content_type",
    "authorities",
];

/// A configuration file error that names the file, the line and the key, and never echoes a
/// value (toml's messages quote wrong values, such as a client secret written as a number).
fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> CliError {
    let span = e.span().filter(|s| s.start <= s.end && s.end <= text.len());
    let mut at = String::new();
    if let Some(s) = &span {
        let line_start = text[..s.start].rfind('\n').map_or(0, |i| i + 1);
        let line_no = text[..s.start].matches('\n').count() + 1;
        at = format!(" line {line_no}");
        let key = text[line_start..]
            .split(['=', '\n'])
            .next()
            .unwrap_or("")
            .trim();
        if FILE_KEYS.contains(&key) {
            at.push_str(&format!(" ({key})"));
        }
    }
    let message = e.message();
    let message = pfhir_core::model::value_free_message(message).unwrap_or_else(|| {
        // toml's syntax messages are fixed texts; make sure this one quotes nothing.
        let quoted = span
            .map(|s| text[s].trim())
            .is_some_and(|v| v.len() > 1 && message.contains(v));
        if quoted {
            "not valid TOML".to_string()
        } else {
            message.to_string()
        }
    });
    CliError::Usage(format!("{path}{at}: {message}"))
}

fn read_text(what: &str, path: &str, base: &Path) -> Result<String, CliError> {
    let p = base.join(path);
    std::fs::read_to_string(&p).map_err(|e| CliError::Io(format!("{what} {}: {e}", p.display())))
}

fn read_bytes(what: &str, path: &str, base: &Path) -> Result<Vec<u8>, CliError> {
    let p = base.join(path);
    std::fs::read(&p).map_err(|e| CliError::Io(format!("{what} {}: {e}", p.display())))
}

/// A password from the environment variable `var`, else from the file (never a flag).
fn password(var: &str, file: &Option<String>) -> Option<Secret> {
    match std::env::var(var) {
        Ok(v) => Some(Secret::new(v)),
        Err(_) => file.as_deref().map(Secret::new),
    }
}

fn seconds(what: &str, v: f64) -> Result<Duration, CliError> {
    if v.is_finite() && v > 0.0 && v < 86_400.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(CliError::Usage(format!(
            "{what} must be a positive number of seconds"
        )))
    }
}

impl ConnectArgs {
    /// Merges flags, environment and file into a client configuration.
    pub fn client_config(&self) -> Result<ClientConfig, CliError> {
        let (file, file_dir) = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| CliError::Io(format!("{path}: {e}")))?;
                let settings: FileSettings =
                    toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
                let dir = Path::new(path)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                (settings, dir)
            }
            None => (FileSettings::default(), Default::default()),
        };
        let pick =
            |flag: &Option<String>, file: &Option<String>| flag.clone().or_else(|| file.clone());
        let required = |name: &str, v: Option<String>| {
            v.ok_or_else(|| {
                CliError::Usage(format!(
                    "{name} is not set (flag --{}, environment PFHIR_{}, or the config file)",
                    name.replace('_', "-"),
                    name.to_uppercase()
                ))
            })
        };
        let base_url = required("base_url", pick(&self.base_url, &file.base_url))?;
        let api_version = match pick(&self.api_version, &file.api_version) {
            Some(v) => ApiVersion::parse(&v)
                .ok_or_else(|| CliError::Usage("api_version must be v1 or v2".into()))?,
            None => ApiVersion::V2,
        };
        let pkcs12_path = pick(&self.pkcs12, &file.pkcs12);
        let (cert, key) = (pick(&self.cert, &file.cert), pick(&self.key, &file.key));
        if pkcs12_path.is_some() && (cert.is_some() || key.is_some()) {
            return Err(CliError::Usage(
                "give the client identity as pkcs12 or as cert + key, not both".into(),
            ));
        }
        // Paths from the file are relative to the file; paths from flags to the working dir.
        let dir_of = |flag: &Option<String>| {
            if flag.is_some() {
                Path::new("")
            } else {
                file_dir.as_path()
            }
        };
        let mut config = ClientConfig::new(base_url);
        config.api_version = api_version;
        config.org_id = required("org_id", pick(&self.org_id, &file.org_id))?;
        config.client_id = required("client_id", pick(&self.client_id, &file.client_id))?;
        config.client_secret = Secret::new(required(
            "client_secret",
            pick(&self.client_secret, &file.client_secret),
        )?);
        if let Some(p12) = pkcs12_path {
            let der = read_bytes("pkcs12", &p12, dir_of(&self.pkcs12))?;
            let pw = password("PFHIR_PKCS12_PASSWORD", &file.pkcs12_password).ok_or_else(|| {
                CliError::Usage(
                    "the pkcs12 password is not set (environment PFHIR_PKCS12_PASSWORD or \
                     pkcs12_password in the config file; empty for a file without one)"
                        .into(),
                )
            })?;
            config.pkcs12 = Some(Pkcs12::new(der, pw));
        } else {
            let cert_path = required("cert", cert)?;
            let key_path = required("key", key)?;
            config.cert_pem = read_text("cert", &cert_path, dir_of(&self.cert))?;
            config.key_pem = Secret::new(read_text("key", &key_path, dir_of(&self.key))?);
            config.key_password = password("PFHIR_KEY_PASSWORD", &file.key_password);
        }
        if let Some(ca) = pick(&self.ca, &file.ca) {
            config.ca_pem = Some(read_text("ca", &ca, dir_of(&self.ca))?);
        }
        if let Some(t) = pick(&self.trust, &file.trust) {
            config.trust_store = TrustStore::parse(&t)
                .ok_or_else(|| CliError::Usage("trust must be system or mozilla".into()))?;
        }
        let mut timeouts = Timeouts::default();
        if let Some(s) = self.connect_timeout.or(file.connect_timeout) {
            timeouts.connect = seconds("connect_timeout", s)?;
        }
        if let Some(s) = self.request_timeout.or(file.request_timeout) {
            timeouts.request = seconds("request_timeout", s)?;
        }
        config.timeouts = timeouts;
        if let Some(n) = self.max_attempts.or(file.max_attempts) {
            config.retry = RetryPolicy {
                max_attempts: n.max(1),
                ..RetryPolicy::default()
            };
        }
        if let Some(ct) = pick(&self.content_type, &file.content_type) {
            config.content_type = ContentType::parse(&ct).ok_or_else(|| {
                CliError::Usage(
                    "content_type must be application/json or application/fhir+json".into(),
                )
            })?;
        }
        for a in file.authorities.iter().flatten().chain(&self.authorities) {
            config
                .validation
                .add_authority(a)
                .map_err(|e| CliError::Usage(format!("authority: {e}")))?;
        }
        Ok(config)
    }

    /// Builds the client.
    pub fn client(&self) -> Result<Client, CliError> {
        Client::new(self.client_config()?).map_err(|e| CliError::Usage(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error of a configuration file holding `toml_text`, its random folder written as
    /// `<dir>` (the folder's UUID could hold any digits a test looks for: "1979" once did).
    fn config_error(toml_text: &str) -> String {
        let dir = std::env::temp_dir().join(format!(
            "pfhir-connect-{}-{}",
            std::process::id(),
            pfhir_core::build::uuid_v4().expect("random")
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("pfhir.toml");
        std::fs::write(&path, toml_text).expect("write");
        let args = ConnectArgs {
            config: Some(path.to_string_lossy().into_owned()),
            ..Default::default()
        };
        let err = args.client_config().expect_err("a bad file");
        let _ = std::fs::remove_dir_all(&dir);
        err.to_string().replace(&*dir.to_string_lossy(), "<dir>")
    }

    /// Issue #10 item 2: a configuration error names the line and the key, never the value.
    #[test]
    fn config_file_errors_never_echo_values() {
        let m = config_error("base_url = \"https://x/\"\nclient_secret = 98765432109876\n");
        assert!(!m.contains("98765432109876"), "{m}");
        assert!(m.contains("line 2 (client_secret)"), "{m}");
        assert!(
            m.contains("wrong type: found a number, expected a string"),
            "{m}"
        );
        for (text, value) in [
            ("max_attempts = \"SECRETX\"", "SECRETX"),
            ("max_attempts = 99999999999", "99999999999"),
            ("client_secret = SECRETX", "SECRETX"),
            ("client_secret = \"SECRETX\" junk", "SECRETX"),
            ("client_secret = [\"SECRETX\"]", "SECRETX"),
            ("client_secret = 1979-05-27T07:32:00Z", "1979"),
        ] {
            let m = config_error(text);
            assert!(!m.contains(value), "{text}: {m}");
            assert!(m.contains("pfhir.toml line 1"), "{text}: {m}");
        }
        let m = config_error("client_secrett = \"x\"");
        assert!(m.contains("unknown field, expected one of"), "{m}");
    }

    /// Issue #10 item 2: `Debug` of the settings never shows the client secret.
    #[test]
    fn connect_args_debug_hides_the_secret() {
        let args = ConnectArgs {
            client_secret: Some("Sup3r-S3cret".into()),
            org_id: Some("2.16.724.4.2".into()),
            ..Default::default()
        };
        let text = format!("{args:?}");
        assert!(!text.contains("Sup3r-S3cret"), "{text}");
        assert!(
            text.contains("<redacted>") && text.contains("2.16.724.4.2"),
            "{text}"
        );
    }

    fn write_config(toml_text: &str) -> (std::path::PathBuf, ConnectArgs) {
        let dir = std::env::temp_dir().join(format!(
            "pfhir-connect-{}-{}",
            std::process::id(),
            pfhir_core::build::uuid_v4().expect("random")
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("pfhir.toml");
        std::fs::write(&path, toml_text).expect("write");
        let args = ConnectArgs {
            config: Some(path.to_string_lossy().into_owned()),
            ..Default::default()
        };
        (dir, args)
    }

    const BASE: &str = "base_url = \"https://127.0.0.1:1/\"\norg_id = \"1.2\"\nclient_id = \"c\"\nclient_secret = \"s\"\n";

    /// Issue #12: the trust store and a PKCS#12 identity from the file; the password is a
    /// file key (or an environment variable), and both identities at once are refused.
    #[test]
    fn trust_and_pkcs12_from_the_file() {
        let (dir, args) = write_config(&format!(
            "{BASE}pkcs12 = \"id.p12\"\npkcs12_password = \"pw-123\"\ntrust = \"mozilla\"\n"
        ));
        std::fs::write(dir.join("id.p12"), [0x30u8, 0x00]).expect("write");
        let config = args.client_config().expect("config");
        assert_eq!(config.trust_store, TrustStore::Mozilla);
        let p12 = config.pkcs12.as_ref().expect("pkcs12");
        assert_eq!(p12.der(), &[0x30, 0x00]);
        assert!(config.cert_pem.is_empty() && config.key_pem.is_empty());
        assert!(!format!("{config:?}").contains("pw-123"));
        let _ = std::fs::remove_dir_all(&dir);

        let (dir, args) = write_config(&format!("{BASE}pkcs12 = \"id.p12\"\ncert = \"c.pem\"\n"));
        let m = args.client_config().expect_err("both").to_string();
        assert!(m.contains("not both"), "{m}");
        let _ = std::fs::remove_dir_all(&dir);

        let (dir, args) = write_config(&format!(
            "{BASE}trust = \"webpki\"\ncert = \"c.pem\"\nkey = \"k.pem\"\n"
        ));
        std::fs::write(dir.join("c.pem"), "x").expect("write");
        std::fs::write(dir.join("k.pem"), "x").expect("write");
        let m = args.client_config().expect_err("bad trust").to_string();
        assert!(m.contains("trust must be system or mozilla"), "{m}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
