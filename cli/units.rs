//! Dates and durations: the one notation every file uses.
//!
//! Dates are ISO 8601 calendar dates (`"2026-03-31"`). Durations are a whole number and a unit:
//! `m` minutes, `h` hours, `d` days, `w` weeks, `mo` months, `y` years (`"15m"`, `"4h"`, `"3mo"`).
//! Both are KDL strings, because a bare KDL value may not start with a digit.

use std::fmt;

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` exactly.
    pub fn parse(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. \"2026-03-31\""));
        }
        let year: i32 = s[0..4].parse().map_err(|_| "bad year".to_string())?;
        let month: u8 = s[5..7].parse().map_err(|_| "bad month".to_string())?;
        let day: u8 = s[8..10].parse().map_err(|_| "bad day".to_string())?;
        Date::new(year, month, day)
            .ok_or_else(|| format!("`{s}` is not a calendar date: month {month} of {year} has no day {day}"))
    }

    /// Days since 1970-01-01.
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        Date { year: (y + i64::from(m <= 2)) as i32, month: m, day: d }
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    /// Adds whole months, clamping the day to the end of the target month.
    pub fn add_months(self, months: i64) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = total.div_euclid(12) as i32;
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// This date moved forward by a duration (minutes and hours round up to whole days).
    pub fn plus(self, d: Duration) -> Date {
        match d.unit {
            Unit::Months => self.add_months(i64::from(d.count)),
            Unit::Years => self.add_months(i64::from(d.count) * 12),
            _ => self.add_days((d.minutes() + 1439) / 1440),
        }
    }

    /// The system clock's date in UTC.
    pub fn today_utc() -> Date {
        let secs =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        Date::from_days(secs.div_euclid(86_400))
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Minutes => "m",
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::Weeks => "w",
            Unit::Months => "mo",
            Unit::Years => "y",
        }
    }
}

/// A duration as written: a count and a unit. Comparison uses [`Duration::minutes`], where a
/// month counts as 30 days and a year as 365 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    pub count: u32,
    pub unit: Unit,
}

/// The message shown for anything that is not a duration.
pub const DURATION_HELP: &str =
    "write a whole number and a unit: m (minutes), h (hours), d (days), w (weeks), mo (months), y (years), e.g. \"15m\", \"4h\", \"3mo\"";

impl Duration {
    pub fn parse(s: &str) -> Result<Duration, String> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (num, unit) = s.split_at(digits);
        let unit = match unit {
            "m" => Unit::Minutes,
            "h" => Unit::Hours,
            "d" => Unit::Days,
            "w" => Unit::Weeks,
            "mo" => Unit::Months,
            "y" => Unit::Years,
            _ => return Err(format!("`{s}` is not a duration: {DURATION_HELP}")),
        };
        if num.is_empty() || (num.len() > 1 && num.starts_with('0')) || num.len() > 6 {
            return Err(format!("`{s}` is not a duration: {DURATION_HELP}"));
        }
        let count = num.parse().map_err(|_| format!("`{s}` is not a duration"))?;
        Ok(Duration { count, unit })
    }

    /// Length in minutes (month = 30 days, year = 365 days).
    pub fn minutes(self) -> i64 {
        let c = i64::from(self.count);
        match self.unit {
            Unit::Minutes => c,
            Unit::Hours => c * 60,
            Unit::Days => c * 1440,
            Unit::Weeks => c * 7 * 1440,
            Unit::Months => c * 30 * 1440,
            Unit::Years => c * 365 * 1440,
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.count, self.unit.suffix())
    }
}

impl PartialOrd for Duration {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Duration {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.minutes().cmp(&other.minutes())
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}
impl<'de> serde::Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Duration::parse(&s).map_err(serde::de::Error::custom)
    }
}
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_numbers() {
        for s in ["1970-01-01", "2000-02-29", "2026-12-31", "1999-03-01", "2400-02-29"] {
            let d = Date::parse(s).unwrap();
            assert_eq!(Date::from_days(d.to_days()), d);
            assert_eq!(d.to_string(), s);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().to_days(), 1);
    }

    #[test]
    fn invalid_dates_are_rejected_with_reason() {
        assert!(Date::parse("2026-02-29").unwrap_err().contains("no day 29"));
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("26-01-01").unwrap_err().contains("YYYY-MM-DD"));
        assert!(Date::parse("2026/01/01").is_err());
    }

    #[test]
    fn month_arithmetic_clamps() {
        let d = Date::parse("2026-01-31").unwrap();
        assert_eq!(d.add_months(1).to_string(), "2026-02-28");
        assert_eq!(d.add_months(-2).to_string(), "2025-11-30");
        assert_eq!(d.plus(Duration::parse("1y").unwrap()).to_string(), "2027-01-31");
        assert_eq!(d.plus(Duration::parse("2d").unwrap()).to_string(), "2026-02-02");
    }

    #[test]
    fn durations_parse_and_compare() {
        let p = |s| Duration::parse(s).unwrap();
        assert_eq!(p("15m").minutes(), 15);
        assert_eq!(p("4h").minutes(), 240);
        assert!(p("1d") > p("23h"));
        assert!(p("3mo") < p("1y"));
        assert_eq!(p("0m").minutes(), 0);
        for bad in ["", "h", "15", "15 m", "1.5h", "15min", "015m", "-1d", "4H"] {
            assert!(Duration::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
