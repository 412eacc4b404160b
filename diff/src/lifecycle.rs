//! Deprecation, sunset dates (`x-sunset`) and stability levels (`x-stability-level`), as
//! oasdiff reads them.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// Stability levels, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stability {
    Draft,
    Alpha,
    Beta,
    Stable,
}

impl Stability {
    pub fn parse(text: &str) -> Option<Stability> {
        match text {
            "draft" => Some(Stability::Draft),
            "alpha" => Some(Stability::Alpha),
            "beta" => Some(Stability::Beta),
            "stable" => Some(Stability::Stable),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Stability::Draft => "draft",
            Stability::Alpha => "alpha",
            Stability::Beta => "beta",
            Stability::Stable => "stable",
        }
    }
}

/// The deprecation policy: minimum days between a deprecation and its sunset, and the lowest
/// stability level whose changes are reported.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub beta_days: i64,
    pub stable_days: i64,
    pub threshold: Stability,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            beta_days: 0,
            stable_days: 0,
            threshold: Stability::Beta,
        }
    }
}

impl Policy {
    /// Minimum sunset distance for an element of this stability.
    pub fn days_for(&self, stability: Option<Stability>) -> i64 {
        match stability {
            Some(Stability::Draft | Stability::Alpha) => 0,
            Some(Stability::Beta) => self.beta_days,
            Some(Stability::Stable) | None => self.stable_days,
        }
    }

    /// Whether an element of this stability (`None` = unmarked = stable) is reported.
    pub fn includes(&self, stability: Option<Stability>) -> bool {
        stability.unwrap_or(Stability::Stable) >= self.threshold
    }
}

/// `x-stability-level` of an object: `Ok(None)` when absent, `Err` when not one of the four.
pub fn stability(object: &Value) -> Result<Option<Stability>, String> {
    match object.get("x-stability-level") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Stability::parse(s).map(Some).ok_or_else(|| {
            format!("x-stability-level is not one of draft, alpha, beta or stable: {s:?}")
        }),
        Some(_) => Err("x-stability-level isn't a string".to_owned()),
    }
}

/// `x-sunset` of an object, if present.
pub fn sunset(object: &Value) -> Option<&Value> {
    object.get("x-sunset")
}

/// A civil date as days since 1970-01-01.
pub type Day = i64;

/// Parses an `x-sunset` value: `YYYY-MM-DD` or an RFC 3339 date-time.
pub fn sunset_date(value: &Value) -> Result<Day, String> {
    let Some(text) = value.as_str() else {
        return Err("sunset value isn't a string".to_owned());
    };
    parse_date(text).ok_or_else(|| format!("sunset date doesn't conform with RFC3339: {text}"))
}

fn parse_date(text: &str) -> Option<Day> {
    let date = if text.len() == 10 {
        text
    } else {
        // RFC 3339 date-time: the date part of `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
        let (date, time) = text.split_once(['T', 't'])?;
        let valid_time = time.len() >= 9
            && time.as_bytes()[2] == b':'
            && time.as_bytes()[5] == b':'
            && (time.ends_with(['Z', 'z']) || time[time.len() - 6..].starts_with(['+', '-']));
        if !valid_time {
            return None;
        }
        date
    };
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days-from-civil.
fn days_from_civil(y: i64, m: i64, d: i64) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub fn civil_from_days(z: Day) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn show_day(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn today() -> Day {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    secs.div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2025-01-01T10:00:00Z"), parse_date("2025-01-01"));
        assert_eq!(parse_date("invalid-date"), None);
        assert_eq!(show_day(parse_date("9999-08-10").unwrap()), "9999-08-10");
    }
}
