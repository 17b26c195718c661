//! The sandbox bounds its clients (issue #10 item 6): body and header read timeouts, a cap
//! on open connections. (That validation runs off the reactor is tested in src/tests.rs.)

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{agent, agent_with, raw_head, raw_tls, sandbox, Req};
use pfhir_sandbox::{Sandbox, SandboxConfig};

/// Reads until the server closes the connection; the error when it is a read timeout.
fn read_until_closed(stream: &mut impl Read) -> Result<Vec<u8>, std::io::Error> {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Ok(received),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(e)
            }
            // A reset or a close without close_notify: closed all the same.
            Err(_) => return Ok(received),
        }
    }
}

/// Before: a client announcing `Content-Length: 1000` and sending 15 bytes held its
/// connection (and its request) for as long as it liked; 90 s and more were observed.
#[test]
fn short_body_gets_408_at_the_body_read_timeout() {
    let sb = Sandbox::start(SandboxConfig {
        body_read_timeout: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    let mut tls = raw_tls(&sb, Duration::from_secs(30));
    let head = raw_head(&sb, "POST", "v2/Bundle");
    let start = Instant::now();
    write!(
        tls,
        "{head}content-type: application/fhir+json\r\ncontent-length: 1000\r\n\r\n{{\"resourceType\""
    )
    .expect("write");
    tls.flush().expect("flush");
    let answer = read_until_closed(&mut tls).expect("the sandbox answers and closes");
    let elapsed = start.elapsed();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"timeout\""), "{text}");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    assert_eq!(sb.stats().patients, 0);
    // Other clients are served normally.
    assert_eq!(
        Req::new(&sb, "GET", "Patient/x").ok(&agent(&sb)).status,
        404
    );
}

/// The header read timeout is the configured one (it was a fixed 60 s).
#[test]
fn unfinished_headers_are_cut_at_the_header_read_timeout() {
    let sb = Sandbox::start(SandboxConfig {
        header_read_timeout: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    let mut tls = raw_tls(&sb, Duration::from_secs(30));
    let start = Instant::now();
    tls.write_all(b"GET /partners/fhir/stu3/api/Patient/x HTTP/1.1\r\nhost: 127.0.0.1\r\n")
        .expect("write");
    tls.flush().expect("flush");
    read_until_closed(&mut tls).expect("the sandbox closes the connection");
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

/// Before: no cap; every connection was accepted and served.
#[test]
fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let sb = Sandbox::start(SandboxConfig {
        max_connections: 1,
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    // A silent connection takes the only slot (for up to the 10 s handshake timeout).
    let silent = TcpStream::connect(sb.addr()).expect("connect");
    let impatient = agent_with(sb.certs(), Some(sb.certs()), Some(Duration::from_secs(2)));
    assert!(Req::new(&sb, "GET", "Patient/x").send(&impatient).is_err());
    assert_eq!(sb.stats().tls_handshakes, 0);
    assert_eq!(sb.stats().requests, 0);
    // Once it closes, the waiting connections are served.
    drop(silent);
    let answer = Req::new(&sb, "GET", "Patient/x").ok(&agent(&sb));
    assert_eq!(answer.status, 404);
    assert_eq!(sb.stats().tls_handshakes, 1);
}

/// A connection that never starts its handshake gives its slot back after the handshake
/// timeout.
#[test]
fn a_silent_connection_holds_its_slot_at_most_the_handshake_timeout() {
    let sb = Sandbox::start(SandboxConfig {
        max_connections: 1,
        handshake_timeout: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    let _silent = TcpStream::connect(sb.addr()).expect("connect");
    let start = Instant::now();
    let answer = Req::new(&sb, "GET", "Patient/x").ok(&agent(&sb));
    assert_eq!(answer.status, 404);
    assert!(start.elapsed() < Duration::from_secs(10));
}

/// Zero limits are refused at start.
#[test]
fn zero_limits_do_not_start() {
    let err = Sandbox::start(SandboxConfig {
        max_connections: 0,
        ..SandboxConfig::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("max_connections"), "{err}");
    // The defaults start.
    drop(sandbox());
}
