//! The client secret and the private key are wiped from memory pfhir frees (issue #10 item 7).
//!
//! This test binary's allocator searches every block freed by the test's own thread for the
//! secret and the key (no other thread's: the test server's copies are its own). The client
//! is built, makes two requests over mutual TLS and is dropped; nothing freed may then hold
//! the secret's tail, the key's private scalar (bare, or with the DER bytes before it) or a
//! line of the key's PEM text. Before the fix it found the secret 3 times (the header value
//! of each request, ureq's output buffer) and the key's DER and PEM twice.
//!
//! What this cannot see: memory still allocated (the caller's own strings), memory freed by
//! other threads, and ring's signing key, which holds the scalar in its own (Montgomery)
//! form, not as the bytes searched for, and is freed unwiped: out of pfhir's reach.
#![cfg(feature = "client")]

mod client_support;

use client_support::{client_config, pki, start, ServerOptions};
use pfhir_core::client::{Client, Secret};
use rustls::pki_types::pem::PemObject;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// What the allocator looks for, and how often it found each.
struct Needles {
    secret_tail: Vec<u8>,
    key_der: Vec<u8>,
    key_pem_line: Vec<u8>,
    scalar: Vec<u8>,
}

static NEEDLES: OnceLock<Needles> = OnceLock::new();
static HITS: [AtomicUsize; 4] = [const { AtomicUsize::new(0) }; 4];

thread_local! {
    static SCAN: Cell<bool> = const { Cell::new(false) };
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

struct Scanning;

// SAFETY: every call is forwarded to the system allocator; the scan only reads the block
// that is being freed, before it is freed, and allocates nothing.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if SCAN.with(Cell::get) {
            if let Some(n) = NEEDLES.get() {
                // SAFETY: the block is live until the call below, and `layout.size()` long.
                let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
                for (i, needle) in [&n.secret_tail, &n.key_der, &n.key_pem_line, &n.scalar]
                    .into_iter()
                    .enumerate()
                {
                    if contains(block, needle) {
                        HITS[i].fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

fn hits() -> [usize; 4] {
    [0, 1, 2, 3].map(|i| HITS[i].load(Ordering::Relaxed))
}

fn reset() {
    for h in &HITS {
        h.store(0, Ordering::Relaxed);
    }
}

/// The P-256 private scalar of a PKCS#8 key (after `02 01 01 04 20` in its ECPrivateKey).
fn scalar_of(pkcs8: &[u8]) -> Vec<u8> {
    let at = pkcs8
        .windows(5)
        .position(|w| w == [0x02, 0x01, 0x01, 0x04, 0x20])
        .expect("an ECPrivateKey")
        + 5;
    pkcs8[at..at + 32].to_vec()
}

fn base64_body(pem: &str) -> Vec<u8> {
    let line = pem
        .lines()
        .find(|l| l.len() >= 40 && !l.starts_with("-----"))
        .expect("a base64 line");
    line.as_bytes().to_vec()
}

#[test]
fn secrets_and_keys_are_wiped_from_freed_memory() {
    const SECRET: &str = "Sup3r-S3cret-Value-With-A-Tail-Qx7Zk";
    let ours = pki();
    let server = start(&ours, ServerOptions::default());
    let der = rustls::pki_types::PrivateKeyDer::from_pem_slice(ours.client_key_pem.as_bytes())
        .expect("the key");
    let key_der = der.secret_der().to_vec();
    let scalar = scalar_of(&key_der);
    let mut scalar_context = vec![0x04, 0x20];
    scalar_context.extend_from_slice(&scalar);
    let needles = Needles {
        secret_tail: SECRET.as_bytes()[SECRET.len() - 12..].to_vec(),
        key_der: scalar_context,
        key_pem_line: base64_body(&ours.client_key_pem),
        scalar,
    };
    if NEEDLES.set(needles).is_err() {
        panic!("one test per process");
    }
    let mut config = client_config(&server, &ours, &ours.client_pem, &ours.client_key_pem);
    config.client_secret = Secret::new(SECRET);
    // The test's own copies are dropped before the scan starts and after it ends.
    drop(der);
    drop(key_der);

    SCAN.with(|s| s.set(true));
    // The scanner finds what a plain Vec leaves behind.
    drop(SECRET.as_bytes().to_vec());
    assert_eq!(hits()[0], 1, "the scanner sees an unwiped copy");
    reset();

    let client = Client::new(config).expect("client");
    let read = client.read("p1").expect("a read over mutual TLS");
    drop(read);
    let second = client.read("p1").expect("a second read, same connection");
    drop(second);
    drop(client);
    SCAN.with(|s| s.set(false));

    let [secret_tail, key_der, key_pem_line, scalar] = hits();
    eprintln!(
        "freed blocks holding: secret tail {secret_tail}, key DER {key_der}, key PEM line \
         {key_pem_line}, bare scalar {scalar}"
    );
    assert_eq!(secret_tail, 0, "the client secret was freed unwiped");
    assert_eq!(key_der, 0, "the key's DER was freed unwiped");
    assert_eq!(key_pem_line, 0, "the key's PEM text was freed unwiped");
    assert_eq!(scalar, 0, "the bare private scalar was freed unwiped");
}
