//! Dates as herald shows them.

/// ISO 8601 dates read as `2026-11-19 11:30`; anything else is shown as the site gave it.
pub fn display_date(date: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(date)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_read_as_day_and_minute_and_others_stay_as_given() {
        assert_eq!(display_date("2026-11-19T11:30:00Z"), "2026-11-19 11:30");
        assert_eq!(display_date("yesterday"), "yesterday");
    }
}
