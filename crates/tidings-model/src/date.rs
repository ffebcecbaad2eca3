//! Calendar dates: the one date type of the build step, the bundle's
//! index and the URL query. Every value of [`Date`] is a real day of the
//! Gregorian calendar (no `2024-02-31`), so whatever reaches the archive
//! links or an `<input type=date>` is a date the browser accepts.
//!
//! Front matter gives `YYYY-MM-DD`, a local date-time
//! (`2024-05-26T08:00:00`, also with a space) or RFC 3339 with an offset
//! ([`Date::parse`]); the URL query and the index use the bare day
//! ([`Date::parse_day`], [`Date::number`]).

/// A validated calendar date, written as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// The date, if it is a real day (years 1 to 9999).
    pub fn new(year: u32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Date {
            year: u16::try_from(year).ok()?,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        })
    }

    /// Parses a date or date-time; the time part, when present, is checked
    /// for shape and range but only the calendar date is kept.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let date = Date::parse_day(s.get(..10)?)?;
        let rest = &s[10..];
        (rest.is_empty() || valid_time(rest)).then_some(date)
    }

    /// Parses exactly `YYYY-MM-DD` (surrounding spaces allowed), as the URL
    /// query and `<input type=date>` write it.
    pub fn parse_day(s: &str) -> Option<Date> {
        let b = s.trim().as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::new(digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?)
    }

    /// The date from its `YYYYMMDD` number, as the index stores it.
    pub fn from_number(n: u32) -> Option<Date> {
        Date::new(n / 10000, n / 100 % 100, n % 100)
    }

    /// Days since 1970-01-01 (the proleptic Gregorian calendar), for
    /// differences between dates.
    pub fn days(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year()),
            i64::from(self.month()),
            i64::from(self.day()),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// `YYYYMMDD` as a number: dates compare as their numbers do.
    pub fn number(self) -> u32 {
        u32::from(self.year) * 10000 + u32::from(self.month) * 100 + u32::from(self.day)
    }

    pub fn year(self) -> u32 {
        u32::from(self.year)
    }

    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// The first and the last day of a month, if it is one.
    pub fn month_bounds(year: u32, month: u32) -> Option<(Date, Date)> {
        let first = Date::new(year, month, 1)?;
        let last = Date::new(year, month, days_in_month(year, month))?;
        Some((first, last))
    }

    /// The first and the last day of a year, if it is one.
    pub fn year_bounds(year: u32) -> Option<(Date, Date)> {
        Some((Date::new(year, 1, 1)?, Date::new(year, 12, 31)?))
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Days in a month of the Gregorian calendar (0 for a month that is not one).
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    }
}

/// `THH:MM[:SS[.fff]][Z|±HH:MM]` (`T` may be a space or `t`).
fn valid_time(rest: &str) -> bool {
    let b = rest.as_bytes();
    if !matches!(b.first(), Some(b'T' | b't' | b' ')) || b.len() < 6 || b[3] != b':' {
        return false;
    }
    let (Some(h), Some(m)) = (digits(&b[1..3]), digits(&b[4..6])) else {
        return false;
    };
    if h > 23 || m > 59 {
        return false;
    }
    let mut i = 6;
    if b.get(i) == Some(&b':') {
        match b.get(i + 1..i + 3).and_then(digits) {
            Some(sec) if sec <= 60 => i += 3,
            _ => return false,
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    match &rest[i..] {
        "" | "Z" | "z" => true,
        off => {
            let o = off.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[3] == b':'
                && digits(&o[1..3]).is_some_and(|h| h <= 23)
                && digits(&o[4..6]).is_some_and(|m| m <= 59)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_cross_months_and_leap_years() {
        let d = |s: &str| Date::parse_day(s).map(Date::days);
        assert_eq!(d("1970-01-01"), Some(0));
        assert_eq!(
            d("2024-03-01").zip(d("2024-02-28")).map(|(a, b)| a - b),
            Some(2)
        );
        assert_eq!(
            d("2024-05-26").zip(d("2023-05-26")).map(|(a, b)| a - b),
            Some(366)
        );
    }

    #[test]
    fn accepts_hugo_date_shapes() {
        let d = Date::new(2024, 5, 26);
        for s in [
            "2024-05-26",
            "2024-05-26T08:00:00",
            "2024-05-26 08:00",
            "2024-05-26T08:00:00Z",
            "2024-05-26T08:00:00.123+08:00",
            " 2024-05-26 ",
        ] {
            assert_eq!(Date::parse(s), d, "{s}");
        }
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
    }

    #[test]
    fn refuses_impossible_or_odd_dates() {
        for s in [
            "2024-13-40",
            "2023-02-29",
            "2024-04-31",
            "2024-5-26",
            "26/05/2024",
            "2024-05-26T25:00",
            "2024-05-26T08:00:00+8",
            "2024-05-26x",
            "",
            "yesterday",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
    }

    #[test]
    fn the_query_takes_only_bare_real_days() {
        assert_eq!(
            Date::parse_day("2024-05-26").map(Date::number),
            Some(2024_0526)
        );
        for s in [
            "2024-13-01",
            "2024-02-30",
            "2023-02-29",
            "2024-05-26T08:00",
            "yesterday",
        ] {
            assert_eq!(Date::parse_day(s), None, "{s}");
        }
        assert_eq!(
            Date::from_number(2024_0526)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2024-05-26")
        );
        assert_eq!(Date::from_number(2024_0231), None);
        assert_eq!(Date::from_number(0), None);
    }

    #[test]
    fn every_month_ends_on_its_last_day() {
        let last = |y, m| Date::month_bounds(y, m).map(|(a, b)| format!("{a}..{b}"));
        let leap: Vec<u32> = (1..=12).map(|m| days_in_month(2024, m)).collect();
        assert_eq!(leap, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
        let common: Vec<u32> = (1..=12).map(|m| days_in_month(2023, m)).collect();
        assert_eq!(common, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(last(2024, 2).as_deref(), Some("2024-02-01..2024-02-29"));
        assert_eq!(last(2023, 2).as_deref(), Some("2023-02-01..2023-02-28"));
        assert_eq!(last(2023, 13), None);
        for y in [2023, 2024] {
            for m in 1..=12 {
                let (first, end) = Date::month_bounds(y, m).expect("a month");
                assert_eq!(Date::parse_day(&first.to_string()), Some(first));
                assert_eq!(Date::parse_day(&end.to_string()), Some(end));
                assert_eq!(Date::new(y, m, end.day() + 1), None);
            }
        }
    }
}
