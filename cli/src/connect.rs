//! Connection settings of `create`, `update` and `read`: flags, then `PFHIR_*` environment
//! variables, then a TOML file (`--config`), in that order of precedence. Secrets are read,
//! never printed.

use crate::CliError;
use pfhir_core::client::{ApiVersion, Client, ClientConfig, RetryPolicy, Secret, Timeouts};
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

/// Connection settings as given on the command line or in the environment.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ConnectArgs {
    /// TOML file with any of the settings below (snake_case keys).
    #[arg(long, env = "PFHIR_CONFIG")]
    pub config: Option<String>,
    /// Base URL, up to /partners/fhir/stu3/api/.
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
    /// Client private key (PEM file).
    #[arg(long, env = "PFHIR_KEY")]
    pub key: Option<String>,
    /// CA certificates to trust instead of the system roots (PEM file).
    #[arg(long, env = "PFHIR_CA")]
    pub ca: Option<String>,
    /// Connect timeout in seconds (TCP + TLS).
    #[arg(long, env = "PFHIR_CONNECT_TIMEOUT")]
    pub connect_timeout: Option<f64>,
    /// Timeout of one attempt in seconds.
    #[arg(long, env = "PFHIR_REQUEST_TIMEOUT")]
    pub request_timeout: Option<f64>,
    /// Attempts in all (1 = no retry).
    #[arg(long, env = "PFHIR_MAX_ATTEMPTS")]
    pub max_attempts: Option<u32>,
}

/// The same settings in a TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    base_url: Option<String>,
    api_version: Option<String>,
    org_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    cert: Option<String>,
    key: Option<String>,
    ca: Option<String>,
    connect_timeout: Option<f64>,
    request_timeout: Option<f64>,
    max_attempts: Option<u32>,
}

fn read_text(what: &str, path: &str, base: &Path) -> Result<String, CliError> {
    let p = base.join(path);
    std::fs::read_to_string(&p).map_err(|e| CliError::Io(format!("{what} {}: {e}", p.display())))
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
                let settings: FileSettings = toml::from_str(&text)
                    .map_err(|e| CliError::Usage(format!("{path}: {}", e.message())))?;
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
        let cert_path = required("cert", pick(&self.cert, &file.cert))?;
        let key_path = required("key", pick(&self.key, &file.key))?;
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
        config.cert_pem = read_text("cert", &cert_path, dir_of(&self.cert))?;
        config.key_pem = Secret::new(read_text("key", &key_path, dir_of(&self.key))?);
        if let Some(ca) = pick(&self.ca, &file.ca) {
            config.ca_pem = Some(read_text("ca", &ca, dir_of(&self.ca))?);
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
        Ok(config)
    }

    /// Builds the client.
    pub fn client(&self) -> Result<Client, CliError> {
        Client::new(self.client_config()?).map_err(|e| CliError::Usage(e.to_string()))
    }
}
