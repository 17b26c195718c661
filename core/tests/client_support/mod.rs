//! For the client's tests: a test PKI (rcgen) and a small HTTPS server on std threads and
//! rustls whose TLS behaviour can be set (session tickets or none, a verdict on the client
//! certificate that comes late, cipher suites the client does not have).
#![allow(dead_code)]

use pfhir_core::build::{build_bundle, IdsInput, PatientInput, PhoneInput};
use pfhir_core::client::{ApiVersion, ClientConfig, RetryPolicy, Secret};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A CA, a server certificate for 127.0.0.1 and a client certificate (PEM).
pub struct Pki {
    pub ca_pem: String,
    pub server_pem: String,
    pub server_key_pem: String,
    pub client_pem: String,
    pub client_key_pem: String,
}

fn issue(ca: &CertifiedIssuer<'_, KeyPair>, mut p: CertificateParams) -> (String, String) {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    p.use_authority_key_identifier_extension = true;
    let cert = p.signed_by(&key, ca).expect("signed");
    (cert.pem(), key.serialize_pem())
}

/// A fresh PKI (its CA has a name of its own: a certificate of another PKI is then from an
/// unknown issuer, not one with a bad signature).
pub fn pki() -> Pki {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut ca = CertificateParams::default();
    ca.distinguished_name
        .push(DnType::CommonName, format!("pfhir test CA {n}"));
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("key");
    let ca = CertifiedIssuer::self_signed(ca, ca_key).expect("CA");
    let mut server = CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let (server_pem, server_key_pem) = issue(&ca, server);
    let mut client = CertificateParams::default();
    client
        .distinguished_name
        .push(DnType::CommonName, "pfhir test client");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let (client_pem, client_key_pem) = issue(&ca, client);
    Pki {
        ca_pem: ca.pem(),
        server_pem,
        server_key_pem,
        client_pem,
        client_key_pem,
    }
}

/// How the test server behaves.
#[derive(Clone)]
pub struct ServerOptions {
    /// Send TLS 1.3 session tickets after the handshake (rustls's default).
    pub tickets: bool,
    /// Wait this long after sending the server's handshake flight before reading the
    /// client's (so that the verdict on the client certificate comes late).
    pub verdict_delay: Duration,
    /// TLS 1.2 only, with cipher suites that cannot be used with the server's ECDSA key: the
    /// handshake fails with `handshake_failure` before any certificate is requested.
    pub no_usable_suite: bool,
    /// The body of every 200 answer.
    pub answer: String,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            tickets: true,
            verdict_delay: Duration::ZERO,
            no_usable_suite: false,
            answer: r#"{"resourceType":"Patient","id":"p1"}"#.to_string(),
        }
    }
}

/// A running test server (its threads live until the test process ends).
pub struct TestServer {
    /// `https://127.0.0.1:PORT/`
    pub base_url: String,
    /// Requests answered.
    pub requests: Arc<AtomicUsize>,
}

fn server_config(pki: &Pki, opts: &ServerOptions) -> Arc<ServerConfig> {
    let mut provider = rustls::crypto::ring::default_provider();
    let versions: &[&rustls::SupportedProtocolVersion] = if opts.no_usable_suite {
        provider.cipher_suites =
            vec![rustls::crypto::ring::cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256];
        &[&rustls::version::TLS12]
    } else {
        rustls::ALL_VERSIONS
    };
    let provider = Arc::new(provider);
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(pki.ca_pem.as_bytes()) {
        roots.add(c.expect("CA")).expect("root");
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .expect("verifier");
    let chain = CertificateDer::pem_slice_iter(pki.server_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("chain");
    let key = PrivateKeyDer::from_pem_slice(pki.server_key_pem.as_bytes()).expect("key");
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .expect("server config");
    config.send_tls13_tickets = if opts.tickets { 2 } else { 0 };
    Arc::new(config)
}

/// Starts a server with the PKI's server certificate, trusting the PKI's CA for clients.
pub fn start(pki: &Pki, opts: ServerOptions) -> TestServer {
    let config = server_config(pki, &opts);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let (config, opts, counter) = (config.clone(), opts.clone(), counter.clone());
            std::thread::spawn(move || serve(tcp, config, &opts, &counter));
        }
    });
    TestServer {
        base_url: format!("https://127.0.0.1:{port}/"),
        requests,
    }
}

/// One connection: the handshake (late verdict if asked), then HTTP/1.1 keep-alive.
fn serve(
    mut tcp: TcpStream,
    config: Arc<ServerConfig>,
    opts: &ServerOptions,
    counter: &AtomicUsize,
) {
    let Ok(mut conn) = ServerConnection::new(config) else {
        return;
    };
    if !opts.verdict_delay.is_zero() {
        // ClientHello in, the server's flight out, then a pause before the client's flight.
        while !conn.wants_write() {
            match conn.read_tls(&mut tcp) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    if conn.process_new_packets().is_err() {
                        let _ = conn.write_tls(&mut tcp);
                        return;
                    }
                }
            }
        }
        while conn.wants_write() {
            if conn.write_tls(&mut tcp).is_err() {
                return;
            }
        }
        std::thread::sleep(opts.verdict_delay);
    }
    // A refusal: complete_io writes the alert, then the socket is dropped (closed).
    if conn.complete_io(&mut tcp).is_err() {
        return;
    }
    let mut stream = StreamOwned::new(conn, tcp);
    let _ = stream.flush();
    let mut pending = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        while let Some(len) = request_len(&pending) {
            pending.drain(..len);
            counter.fetch_add(1, Ordering::Relaxed);
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/fhir+json\r\ncontent-length: {}\r\n\r\n{}",
                opts.answer.len(),
                opts.answer
            );
            if stream
                .write_all(answer.as_bytes())
                .and_then(|()| stream.flush())
                .is_err()
            {
                return;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The length of the first complete request in `buf` (head and body), if there is one.
fn request_len(buf: &[u8]) -> Option<usize> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let body = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    (buf.len() >= head_end + body).then_some(head_end + body)
}

/// A client configuration for `server`, with the given client certificate and key.
pub fn client_config(
    server: &TestServer,
    pki: &Pki,
    client_pem: &str,
    client_key_pem: &str,
) -> ClientConfig {
    let mut c = ClientConfig::new(server.base_url.clone());
    c.api_version = ApiVersion::V2;
    c.org_id = "2.16.724.4.2".into();
    c.client_id = "1234567890".into();
    c.client_secret = Secret::new("test-secret");
    c.cert_pem = client_pem.to_string();
    c.key_pem = Secret::new(client_key_pem);
    c.ca_pem = Some(pki.ca_pem.clone());
    c.retry = RetryPolicy::none();
    c
}

/// The Patient.id of [`bundle`]'s Bundles: the logical id the tests update.
pub const LOGICAL_ID: &str = "p1";

/// A valid partner message Bundle (JSON) for the business id `patient_id`; its Patient.id is
/// [`LOGICAL_ID`], so it can be sent as the update of that patient.
pub fn bundle(patient_id: &str) -> Vec<u8> {
    let input = PatientInput {
        authority: "cip".into(),
        patient_id: patient_id.into(),
        family_name: Some("Test".into()),
        given_names: vec!["Given".into()],
        gender: Some("female".into()),
        birth_date: Some("1980-01-02".into()),
        phones: vec![PhoneInput {
            value: "123456789".into(),
            use_: Some("home".into()),
        }],
        diabetes: Some("type1".into()),
        onset: Some("2010-05-01".into()),
        organization_oid: "2.16.724.4.2".into(),
        software_name: Some("pfhir-test".into()),
        ids: IdsInput {
            patient: Some(LOGICAL_ID.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    pfhir_core::model::to_vec(&build_bundle(&input).expect("a valid input"))
}
