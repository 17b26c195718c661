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

/// Parses `Retry-After`: delta seconds, or an HTTP date (IMF-fixdate) relative to now.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let target = parse_http_date(v)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs() as i64;
    Some(Duration::from_secs(
        u64::try_from(target - now).unwrap_or(0),
    ))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` -> seconds since the epoch.
fn parse_http_date(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = MONTHS.iter().position(|x| x == month)? as i64 + 1;
    let d: i64 = day.parse().ok()?;
    let y: i64 = year.parse().ok()?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, se] = hms.as_slice() else {
        return None;
    };
    let days = crate::validate::primitives::days_from_civil(y, m, d);
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
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
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
