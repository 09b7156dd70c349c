//! Rewix timestamps: `yyyy/MM/dd HH:mm:ss Z` (`2024/03/15 14:30:00 +0100`), not RFC 3339.

use std::{fmt, str::FromStr};

use chrono::{DateTime, FixedOffset, TimeZone, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// The `chrono` format of the documented `yyyy/MM/dd HH:mm:ss Z` (Java `SimpleDateFormat` letters):
/// `%z` is the RFC 822 numeric offset with its sign (`+0100`).
const FORMAT: &str = "%Y/%m/%d %H:%M:%S %z";

/// A Rewix timestamp: an order's `date`, a status's `last_update`.
///
/// It keeps the offset it was given (the provider reads the offset, so `14:30 +0100` stays `14:30 +0100`)
/// and whole seconds (the format has no fractions; they are dropped).
///
/// ```
/// use chrono::{FixedOffset, TimeZone};
/// use fulfillment_apis::rewix::OrderDate;
///
/// let date = OrderDate::new(FixedOffset::east_opt(3600).unwrap().with_ymd_and_hms(2024, 3, 15, 14, 30, 0).unwrap());
/// assert_eq!(date.to_string(), "2024/03/15 14:30:00 +0100");
/// assert_eq!(OrderDate::parse("2024/03/15 14:30:00 +0100")?, date);
/// # Ok::<(), fulfillment_apis::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderDate(DateTime<FixedOffset>);

impl OrderDate {
    /// A timestamp at the given instant and offset (sub-second precision is dropped).
    pub fn new<Tz: TimeZone>(at: DateTime<Tz>) -> Self {
        let at = at.fixed_offset();
        OrderDate(at.with_nanosecond(0).unwrap_or(at))
    }

    /// The current time, in UTC (`+0000`).
    pub fn now() -> Self {
        OrderDate::new(Utc::now())
    }

    /// Parses the documented format, e.g. `2021/02/03 14:36:55 +0000` (a `ClientOrder`'s `last_update`).
    ///
    /// Fails with [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when `text` is not in it.
    pub fn parse(text: &str) -> Result<Self> {
        DateTime::parse_from_str(text.trim(), FORMAT)
            .map(OrderDate)
            .map_err(|e| {
                Error::invalid_request(format!(
                    "{text:?} is not a Rewix date (yyyy/MM/dd HH:mm:ss Z): {e}"
                ))
            })
    }

    /// The timestamp in the documented format, e.g. `2024/03/15 14:30:00 +0100`.
    pub fn format(&self) -> String {
        self.to_string()
    }

    /// The timestamp as a `chrono` value.
    pub fn as_datetime(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// Whether the format can write it: the format has exactly four year digits.
    pub(super) fn is_representable(&self) -> bool {
        use chrono::Datelike;
        (0..=9999).contains(&self.0.year())
    }
}

impl fmt::Display for OrderDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(FORMAT))
    }
}

impl FromStr for OrderDate {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        OrderDate::parse(text)
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for OrderDate {
    fn from(at: DateTime<Tz>) -> Self {
        OrderDate::new(at)
    }
}

impl From<OrderDate> for DateTime<FixedOffset> {
    fn from(date: OrderDate) -> Self {
        date.0
    }
}

impl Serialize for OrderDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OrderDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        OrderDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_offsets_and_midnight_keep_their_digits() {
        let offset = FixedOffset::west_opt(5 * 3600 + 30 * 60).unwrap();
        let date = OrderDate::new(offset.with_ymd_and_hms(2017, 1, 1, 0, 5, 9).unwrap());
        assert_eq!(date.to_string(), "2017/01/01 00:05:09 -0530");
        assert_eq!(OrderDate::parse(&date.to_string()).unwrap(), date);
    }

    #[test]
    fn other_formats_are_refused() {
        for bad in [
            "2024-03-15T14:30:00+01:00",
            "2024/03/15 14:30:00",
            "15/03/2024 14:30:00 +0100",
            "",
        ] {
            assert!(OrderDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fractions_of_a_second_are_dropped() {
        let at = Utc.with_ymd_and_hms(2024, 3, 15, 13, 30, 0).unwrap()
            + chrono::Duration::milliseconds(750);
        assert_eq!(OrderDate::new(at).to_string(), "2024/03/15 13:30:00 +0000");
    }
}
