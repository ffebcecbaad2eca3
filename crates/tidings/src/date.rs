//! Dates as front matter gives them: `YYYY-MM-DD`, a local date-time
//! (`2024-05-26T08:00:00`, also with a space) or RFC 3339 with an offset.

/// A validated calendar date, written back as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Parses a date or date-time; the time part, when present, is checked for
/// shape and range but only the calendar date is kept.
pub fn parse(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let rest = &s[10..];
    if !rest.is_empty() && !valid_time(rest) {
        return None;
    }
    Some(Date {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    })
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
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
    fn accepts_hugo_date_shapes() {
        let d = Date {
            year: 2024,
            month: 5,
            day: 26,
        };
        for s in [
            "2024-05-26",
            "2024-05-26T08:00:00",
            "2024-05-26 08:00",
            "2024-05-26T08:00:00Z",
            "2024-05-26T08:00:00.123+08:00",
            " 2024-05-26 ",
        ] {
            assert_eq!(parse(s), Some(d), "{s}");
        }
        assert_eq!(
            parse("2024-02-29").map(|d| d.to_string()).as_deref(),
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
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
