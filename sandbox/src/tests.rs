//! Tests that need the crate's internals: a validation made slow with a test hook.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{agent, Req, GOOD_BUNDLE};
use serde_json::Value;

use crate::{Sandbox, SandboxConfig};

/// A minified Bundle of about 800 KB whose Patient has 400 000 given names of the wrong
/// type: hundreds of thousands of validation issues, as in issue #10 item 1.
fn big_invalid_bundle() -> String {
    let mut json: Value = serde_json::from_str(GOOD_BUNDLE).expect("fixture");
    json["entry"][1]["resource"]["name"][0]["given"] = Value::Array(vec![Value::from(1); 400_000]);
    json.to_string()
}

/// Issue #10: two big invalid POSTs validated at once (as many as the runtime has worker
/// threads) used to hold both workers, so that `GET /_sandbox/stats` waited for them. The
/// validations are made to take 8 s each (a blocking sleep standing for a slow validator);
/// stats must still answer within 4 s (it takes milliseconds when validation is off the
/// reactor, and the full 8 s when it is not).
#[test]
fn stats_answer_while_big_invalid_posts_are_validated() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let hook = &sb.state().validation.hook;
    hook.set_delay(Duration::from_secs(8));
    let body = big_invalid_bundle();
    assert!(body.len() > 700_000 && body.len() < 1024 * 1024);
    std::thread::scope(|s| {
        let posts: Vec<_> = (0..2)
            .map(|_| s.spawn(|| Req::with_body(&sb, "POST", "v2/Bundle", &body).ok(&agent(&sb))))
            .collect();
        let waiting = Instant::now();
        while hook.started() < 2 {
            assert!(waiting.elapsed() < Duration::from_secs(60), "no validation");
            std::thread::sleep(Duration::from_millis(10));
        }
        let start = Instant::now();
        let mut stats = agent(&sb)
            .get(format!("https://{}/_sandbox/stats", sb.addr()))
            .call()
            .expect("stats");
        let elapsed = start.elapsed();
        assert_eq!(stats.status(), 200);
        let stats: Value =
            serde_json::from_slice(&stats.body_mut().read_to_vec().expect("body")).expect("JSON");
        assert_eq!(stats["patients"], 0);
        assert!(elapsed < Duration::from_secs(4), "stats took {elapsed:?}");
        for post in posts {
            let answer = post.join().expect("POST thread");
            assert_eq!(answer.status, 400);
            assert!(answer.issue_codes().iter().any(|c| c == "structure"));
        }
    });
    assert_eq!(sb.stats().patients, 0);
}
