//! Date and date-time setters take what callers have: a `chrono` value, a `SystemTime`, or a
//! string (RFC 3339 for date-times, `YYYY-MM-DD` for dates), parsed when the setter is called.
//! A string that does not parse makes the request fail with
//! [`ErrorKind::InvalidRequest`](crate::ErrorKind) naming the field, before anything is sent.

use std::fmt;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

/// A value a date (`NaiveDate`) or date-time (`DateTime<Utc>`) setter accepts. Generated
/// setters of `format: date-time` / `format: date` fields take `impl IntoDateTime<_>`.
///
/// ```
/// # use hyperspell::IntoDateTime;
/// use hyperspell::chrono::{DateTime, Utc};
/// let at: DateTime<Utc> = "2026-07-01T09:30:00+02:00".into_date_time().unwrap();
/// assert_eq!(at.to_rfc3339(), "2026-07-01T07:30:00+00:00");
/// ```
pub trait IntoDateTime<T> {
    fn into_date_time(self) -> Result<T, DateTimeError>;
}

/// A string that is not an RFC 3339 date-time (or `YYYY-MM-DD` date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError {
    input: String,
    expected: &'static str,
    reason: String,
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not {} ({})",
            self.input, self.expected, self.reason
        )
    }
}

impl std::error::Error for DateTimeError {}

const RFC_3339: &str = "an RFC 3339 date-time like 2026-07-01T09:30:00Z";
const ISO_DATE: &str = "a date like 2026-07-01";

impl<Tz: TimeZone> IntoDateTime<DateTime<Utc>> for DateTime<Tz> {
    fn into_date_time(self) -> Result<DateTime<Utc>, DateTimeError> {
        Ok(self.with_timezone(&Utc))
    }
}

impl IntoDateTime<DateTime<Utc>> for SystemTime {
    fn into_date_time(self) -> Result<DateTime<Utc>, DateTimeError> {
        Ok(self.into())
    }
}

impl IntoDateTime<DateTime<Utc>> for &str {
    fn into_date_time(self) -> Result<DateTime<Utc>, DateTimeError> {
        DateTime::parse_from_rfc3339(self.trim())
            .map(|at| at.with_timezone(&Utc))
            .map_err(|e| DateTimeError {
                input: self.to_owned(),
                expected: RFC_3339,
                reason: e.to_string(),
            })
    }
}

impl IntoDateTime<NaiveDate> for NaiveDate {
    fn into_date_time(self) -> Result<NaiveDate, DateTimeError> {
        Ok(self)
    }
}

impl IntoDateTime<NaiveDate> for &str {
    fn into_date_time(self) -> Result<NaiveDate, DateTimeError> {
        NaiveDate::parse_from_str(self.trim(), "%Y-%m-%d").map_err(|e| DateTimeError {
            input: self.to_owned(),
            expected: ISO_DATE,
            reason: e.to_string(),
        })
    }
}

/// `String` and `&String` parse as their `&str`.
macro_rules! owned_strings {
    ($($target:ty),*) => {$(
        impl IntoDateTime<$target> for String {
            fn into_date_time(self) -> Result<$target, DateTimeError> {
                self.as_str().into_date_time()
            }
        }
        impl IntoDateTime<$target> for &String {
            fn into_date_time(self) -> Result<$target, DateTimeError> {
                self.as_str().into_date_time()
            }
        }
    )*};
}
owned_strings!(DateTime<Utc>, NaiveDate);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_3339_strings_become_utc_date_times() {
        let at: DateTime<Utc> = "2026-07-01T09:30:00.5+02:00".into_date_time().unwrap();
        assert_eq!(at.to_rfc3339(), "2026-07-01T07:30:00.500+00:00");
        let owned: DateTime<Utc> = String::from("2026-07-01T07:30:00.5Z")
            .into_date_time()
            .unwrap();
        assert_eq!(owned, at);
    }

    #[test]
    fn a_bad_string_says_what_was_expected() {
        let error = IntoDateTime::<DateTime<Utc>>::into_date_time("yesterday").unwrap_err();
        assert!(
            error.to_string().starts_with(
                "`yesterday` is not an RFC 3339 date-time like 2026-07-01T09:30:00Z ("
            ),
            "{error}"
        );
        let error = IntoDateTime::<NaiveDate>::into_date_time("2026-13-01").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("`2026-13-01` is not a date like 2026-07-01")
        );
    }

    #[test]
    fn chrono_values_and_system_time_pass_through() {
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 7, 30, 0).unwrap();
        let offset = at.with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap());
        assert_eq!(offset.into_date_time(), Ok(at));
        let system: SystemTime = at.into();
        assert_eq!(system.into_date_time(), Ok(at));
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!("2026-07-01".into_date_time(), Ok(day));
    }
}
