//! Shared helpers of the integration tests: a ureq 3 agent over mutual TLS, requests with
//! the partner headers, and partner Bundles built from the good fixture.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use pfhir_sandbox::{Certs, Sandbox, SandboxConfig};
use serde_json::Value;
use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig};
use ureq::Agent;

pub const GOOD_BUNDLE: &str = include_str!("../../../tests/fixtures/partner/good-bundle.json");
const FIXTURE_ID: &str = "AAAA1234567890";

/// A sandbox with the default configuration.
pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default()).expect("sandbox starts")
}

/// An agent trusting the sandbox CA and presenting `client` (cert, key) if given.
pub fn agent_with(ca: &Certs, client: Option<&Certs>, timeout: Option<Duration>) -> Agent {
    let root = Certificate::from_pem(ca.ca_pem.as_bytes()).expect("CA PEM");
    let mut tls = TlsConfig::builder().root_certs(RootCerts::new_with_certs(&[root]));
    if let Some(c) = client {
        let cert = Certificate::from_pem(c.client_pem.as_bytes()).expect("client PEM");
        let key = PrivateKey::from_pem(c.client_key_pem.as_bytes()).expect("key PEM");
        tls = tls.client_cert(Some(ClientCert::new_with_certs(&[cert], key)));
    }
    let config = Agent::config_builder()
        .tls_config(tls.build())
        .https_only(true)
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout.unwrap_or(Duration::from_secs(30))))
        .build();
    Agent::new_with_config(config)
}

/// An agent with the sandbox's own client certificate.
pub fn agent(sandbox: &Sandbox) -> Agent {
    agent_with(sandbox.certs(), Some(sandbox.certs()), None)
}

/// A fresh request id.
pub fn request_id() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "5109d51b-421e-4746-b673-{:012}",
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The good fixture with another identifier value.
pub fn bundle(identifier: &str) -> String {
    assert!(GOOD_BUNDLE.contains(FIXTURE_ID));
    GOOD_BUNDLE.replace(FIXTURE_ID, identifier)
}

/// A request with the partner headers, which a test may change before sending it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: &'static str,
    pub url: String,
    pub body: Option<Vec<u8>>,
    pub headers: Vec<(String, String)>,
}

/// An answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The issue codes of an OperationOutcome body, after checking it is valid STU3 and
    /// served as FHIR JSON.
    pub fn issue_codes(&self) -> Vec<String> {
        assert_eq!(self.header("content-type"), Some("application/fhir+json"));
        let outcome = pfhir_core::validate::Validator::base().validate(&self.body);
        assert!(
            !outcome.has_errors(),
            "invalid OperationOutcome: {}",
            outcome.to_json()
        );
        let json = self.json();
        assert_eq!(json["resourceType"], "OperationOutcome");
        json["issue"]
            .as_array()
            .expect("issues")
            .iter()
            .map(|i| i["code"].as_str().expect("code").to_string())
            .collect()
    }
}

impl Req {
    pub fn new(sandbox: &Sandbox, method: &'static str, path: &str) -> Req {
        let config = sandbox.config();
        Req {
            method,
            url: format!("{}{}", sandbox.base_url(), path),
            body: None,
            headers: vec![
                ("org_id".into(), config.org_id.clone()),
                ("client_id".into(), config.client_id.clone()),
                ("client_secret".into(), config.client_secret.clone()),
                ("x-origin-request-id".into(), request_id()),
            ],
        }
    }

    /// A POST or PUT of a JSON body.
    pub fn with_body(sandbox: &Sandbox, method: &'static str, path: &str, body: &str) -> Req {
        let mut r = Req::new(sandbox, method, path);
        r.body = Some(body.as_bytes().to_vec());
        r.set("content-type", "application/fhir+json")
    }

    /// Sets (or, with an empty value, removes) a header.
    pub fn set(mut self, name: &str, value: &str) -> Req {
        self.headers.retain(|(n, _)| n != name);
        if !value.is_empty() {
            self.headers.push((name.to_string(), value.to_string()));
        }
        self
    }

    pub fn send(&self, agent: &Agent) -> Result<Answer, ureq::Error> {
        let mut response = match self.method {
            "GET" | "DELETE" => {
                let mut r = if self.method == "GET" {
                    agent.get(&self.url)
                } else {
                    agent.delete(&self.url)
                };
                for (n, v) in &self.headers {
                    r = r.header(n, v);
                }
                r.call()?
            }
            _ => {
                let mut r = if self.method == "PUT" {
                    agent.put(&self.url)
                } else {
                    agent.post(&self.url)
                };
                for (n, v) in &self.headers {
                    r = r.header(n, v);
                }
                r.send(self.body.clone().unwrap_or_default())?
            }
        };
        let body = response
            .body_mut()
            .with_config()
            .limit(16 << 20)
            .read_to_vec()?;
        Ok(Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body,
        })
    }

    pub fn ok(&self, agent: &Agent) -> Answer {
        self.send(agent)
            .expect("request succeeds at the transport level")
    }
}

/// Creates a patient (v1 or v2) and returns the assigned id.
pub fn create(sandbox: &Sandbox, agent: &Agent, v2: bool, identifier: &str) -> String {
    let path = if v2 { "v2/Bundle" } else { "Bundle" };
    let answer = Req::with_body(sandbox, "POST", path, &bundle(identifier)).ok(agent);
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()["id"].as_str().expect("Bundle.id").to_string()
}

/// `body` (a Bundle) with the Patient's id (entry 1) set to `id`, and the Condition's
/// subject (entry 2) pointing to it; with `None`, without a Patient id nor a Condition.
pub fn with_patient_id(body: &str, id: Option<&str>) -> String {
    let mut json: Value = serde_json::from_str(body).expect("JSON Bundle");
    let patient = json["entry"][1]["resource"]
        .as_object_mut()
        .expect("a Patient in entry 1");
    assert_eq!(patient["resourceType"], "Patient");
    match id {
        Some(id) => {
            patient.insert("id".into(), Value::from(id));
            let condition = &mut json["entry"][2]["resource"];
            assert_eq!(condition["resourceType"], "Condition");
            condition["subject"]["reference"] = Value::from(format!("Patient/{id}"));
        }
        None => {
            patient.remove("id");
            let entries = json["entry"].as_array_mut().expect("entries");
            entries.truncate(2);
        }
    }
    json.to_string()
}

/// A raw TLS connection to the sandbox with its client certificate, for requests that
/// an HTTP client would not send (a body shorter than its Content-Length, say). Reads time
/// out after `read_timeout`.
pub fn raw_tls(
    sandbox: &Sandbox,
    read_timeout: Duration,
) -> rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    let certs = sandbox.certs();
    let mut roots = rustls::RootCertStore::empty();
    for ca in CertificateDer::pem_slice_iter(certs.ca_pem.as_bytes()) {
        roots.add(ca.expect("CA PEM")).expect("CA");
    }
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(certs.client_pem.as_bytes())
            .map(|c| c.expect("client PEM"))
            .collect();
    let key = PrivateKeyDer::from_pem_slice(certs.client_key_pem.as_bytes()).expect("key PEM");
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .expect("client certificate");
    let name = ServerName::try_from("127.0.0.1").expect("server name");
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name).expect("TLS");
    let tcp = std::net::TcpStream::connect(sandbox.addr()).expect("connect");
    tcp.set_read_timeout(Some(read_timeout)).expect("timeout");
    rustls::StreamOwned::new(conn, tcp)
}

/// The partner headers of a request to `path` (relative to the API base), as raw HTTP/1.1
/// text without the final empty line.
pub fn raw_head(sandbox: &Sandbox, method: &str, path: &str) -> String {
    let config = sandbox.config();
    format!(
        "{method} /partners/fhir/stu3/api/{path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\
         org_id: {}\r\nclient_id: {}\r\nclient_secret: {}\r\nx-origin-request-id: {}\r\n",
        config.org_id,
        config.client_id,
        config.client_secret,
        request_id()
    )
}
