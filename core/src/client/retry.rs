//! Backoff with jitter, and `Retry-After`.

use super::config::RetryPolicy;
use std::time::Duration;

/// A random fraction in [0, 1) (for jitter; falls back to 0.5 without randomness).
fn random_fraction() -> f64 {
    let mut b = [0u8; 8];
    match getrandom::getrandom(&mut b) {
        Ok(()) => (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

/// The delay before retry number `retry` (1 = the first retry): exponential, capped, with
/// "equal jitter" (half fixed, half random) so that clients do not retry in lockstep.
/// A server's `Retry-After` wins, capped by `max_backoff`.
pub fn delay(policy: &RetryPolicy, retry: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(ra) = retry_after {
        return ra.min(policy.max_backoff);
    }
    let exp = policy
        .initial_backoff
        .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
    let capped = exp.min(policy.max_backoff);
    let half = capped / 2;
    half + half.mul_f64(random_fraction())
}

/// Parses `Retry-After`: delta seconds, or an HTTP date relative to now (IMF-fixdate, and the
/// obsolete RFC 850 and asctime forms, through `httpdate`). Never overflows: a number of
/// seconds too large for a `u64` reads as [`Duration::MAX`], a date too far ahead as the
/// distance to it, a date in the past as zero, and anything else (such as an hour of
/// `9223372036854775807`) as no `Retry-After` at all. [`delay`] caps the result.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let target = httpdate::parse_http_date(v).ok()?;
    Some(
        target
            .duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            total_timeout: Duration::from_secs(60),
        };
        for retry in 1..=8u32 {
            let d = delay(&p, retry, None);
            let full =
                Duration::from_millis(100 * (1u64 << (retry - 1))).min(Duration::from_millis(1000));
            assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
        }
        assert_eq!(
            delay(&p, 1, Some(Duration::from_secs(2))),
            Duration::from_millis(1000)
        );
        assert_eq!(
            delay(&p, 1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:37 1994"),
            Some(Duration::ZERO)
        );
        let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
        let d = parse_retry_after(&soon).expect("a date");
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-5"), None);
        assert_eq!(parse_retry_after(""), None);
    }

    /// Issue #10 item 5: a hostile `Retry-After` neither panics (debug) nor wraps (release),
    /// and whatever it says is capped by `max_backoff`.
    #[test]
    fn retry_after_never_overflows() {
        let p = RetryPolicy {
            max_backoff: Duration::from_secs(10),
            ..RetryPolicy::default()
        };
        for hostile in [
            "Sun, 06 Nov 1994 9223372036854775807:0:0 GMT",
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 9223372036854775807 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 -9223372036854775808:0:0 GMT",
        ] {
            assert_eq!(parse_retry_after(hostile), None, "{hostile}");
        }
        for (far, at_least) in [
            (
                "Fri, 31 Dec 9999 23:59:59 GMT",
                Duration::from_secs(200 * 365 * 86_400),
            ),
            ("99999999999999999999999999", Duration::MAX),
            ("18446744073709551615", Duration::from_secs(u64::MAX)),
        ] {
            let d = parse_retry_after(far).expect(far);
            assert!(d >= at_least, "{far}: {d:?}");
            assert_eq!(delay(&p, 1, Some(d)), p.max_backoff, "{far}");
        }
    }
}
