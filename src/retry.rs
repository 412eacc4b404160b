//! The retry policy of the official SDKs, as pure functions.
//!
//! * Retried: connection errors, timeouts, 408, 409, 429 and every status ≥ 500.
//! * A response header `x-should-retry: true|false` overrides the status rule.
//! * The delay before retry *n* (0-based) is `retry-after-ms` (milliseconds), else
//!   `Retry-After` (seconds, fractional allowed, or an HTTP date), when that is more than 0 and
//!   at most 60 s; otherwise `min(0.5 s × 2ⁿ, 8 s)` minus up to 25 % jitter.
//! * 2 retries by default.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Retries after the first attempt, unless configured otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// First backoff delay.
pub const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
/// Largest backoff delay.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(8);
/// Largest server-requested delay that is honoured; longer ones fall back to the backoff.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether a response with this status and these headers should be retried.
pub fn should_retry_response(status: StatusCode, headers: &HeaderMap) -> bool {
    match should_retry_header(headers) {
        Some(explicit) => explicit,
        None => is_retryable_status(status),
    }
}

/// The status rule alone: 408, 409, 429, ≥ 500.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// `x-should-retry: true|false`, when present and one of those two values.
pub fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get("x-should-retry")?.to_str().ok()?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The delay the server asks for (`retry-after-ms`, else `Retry-After`), if any and in range.
pub fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let from_ms = header("retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(|ms| seconds_to_duration(ms / 1000.0));
    let delay = match from_ms {
        Some(delay) => Some(delay),
        None => header("retry-after").and_then(|v| match v.parse::<f64>() {
            Ok(seconds) => seconds_to_duration(seconds),
            Err(_) => httpdate::parse_http_date(v)
                .ok()
                .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO)),
        }),
    }?;
    (!delay.is_zero() && delay <= MAX_RETRY_AFTER).then_some(delay)
}

fn seconds_to_duration(seconds: f64) -> Option<Duration> {
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(1e9)))
}

/// The backoff before retry `retry` (0 for the first retry) without jitter:
/// `min(0.5 s × 2ⁿ, 8 s)`.
pub fn backoff(retry: u32) -> Duration {
    let factor = 2u32.saturating_pow(retry.min(16));
    INITIAL_RETRY_DELAY
        .saturating_mul(factor)
        .min(MAX_RETRY_DELAY)
}

/// The backoff minus `jitter` × 25 % (`jitter` in `[0, 1)`).
pub fn backoff_with_jitter(retry: u32, jitter: f64) -> Duration {
    let jitter = jitter.clamp(0.0, 1.0);
    backoff(retry).mul_f64(1.0 - 0.25 * jitter)
}

/// The delay before retry `retry` (0-based) after a response with `headers` (none for
/// connection errors and timeouts).
pub fn retry_delay(retry: u32, headers: Option<&HeaderMap>, now: SystemTime) -> Duration {
    headers
        .and_then(|h| server_delay(h, now))
        .unwrap_or_else(|| backoff_with_jitter(retry, fastrand::f64()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retryable_statuses() {
        for code in [408, 409, 429, 500, 502, 503, 504, 599] {
            assert!(
                is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 410, 413, 422] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }

    #[test]
    fn should_retry_header_overrides() {
        let yes = headers(&[("x-should-retry", "true")]);
        let no = headers(&[("x-should-retry", "false")]);
        let junk = headers(&[("x-should-retry", "maybe")]);
        assert!(should_retry_response(StatusCode::BAD_REQUEST, &yes));
        assert!(!should_retry_response(StatusCode::SERVICE_UNAVAILABLE, &no));
        assert!(should_retry_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &junk
        ));
        assert!(!should_retry_response(StatusCode::BAD_REQUEST, &junk));
        assert!(should_retry_response(
            StatusCode::TOO_MANY_REQUESTS,
            &HeaderMap::new()
        ));
    }

    #[test]
    fn backoff_doubles_and_caps_at_8s() {
        let ms: Vec<u128> = (0..7).map(|n| backoff(n).as_millis()).collect();
        assert_eq!(ms, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(backoff(u32::MAX), MAX_RETRY_DELAY);
    }

    #[test]
    fn jitter_takes_off_at_most_a_quarter() {
        assert_eq!(backoff_with_jitter(0, 0.0), Duration::from_millis(500));
        assert_eq!(backoff_with_jitter(0, 1.0), Duration::from_millis(375));
        assert_eq!(backoff_with_jitter(4, 0.5), Duration::from_millis(7000));
        for _ in 0..200 {
            let d = retry_delay(3, None, SystemTime::now());
            assert!(
                d <= Duration::from_secs(4) && d >= Duration::from_secs(3),
                "{d:?}"
            );
        }
    }

    #[test]
    fn retry_after_ms_wins() {
        let now = SystemTime::now();
        let h = headers(&[("retry-after-ms", "1500"), ("retry-after", "7")]);
        assert_eq!(server_delay(&h, now), Some(Duration::from_millis(1500)));
        let h = headers(&[("retry-after-ms", "12.5")]);
        assert_eq!(server_delay(&h, now), Some(Duration::from_micros(12500)));
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            server_delay(&headers(&[("retry-after", "3")]), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "0.25")]), now),
            Some(Duration::from_millis(250))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(
            server_delay(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(5))
        );
        // unparsable retry-after-ms falls through to retry-after
        let h = headers(&[("retry-after-ms", "soon"), ("retry-after", "2")]);
        assert_eq!(server_delay(&h, now), Some(Duration::from_secs(2)));
    }

    #[test]
    fn out_of_range_server_delays_fall_back_to_backoff() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for value in ["0", "-1", "61", "nonsense", "inf", "NaN"] {
            assert_eq!(
                server_delay(&headers(&[("retry-after", value)]), now),
                None,
                "{value}"
            );
        }
        let past = httpdate::fmt_http_date(now - Duration::from_secs(5));
        assert_eq!(server_delay(&headers(&[("retry-after", &past)]), now), None);
        assert_eq!(
            server_delay(&headers(&[("retry-after-ms", "60001")]), now),
            None
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "60")]), now),
            Some(Duration::from_secs(60))
        );
        let d = retry_delay(1, Some(&headers(&[("retry-after", "3600")])), now);
        assert!(
            d <= Duration::from_secs(1) && d >= Duration::from_millis(750),
            "{d:?}"
        );
    }
}
