//! The enrollment-in-progress marker. The wizard tags the virtual device it creates with
//! [`MARKER_KEY`] = the creation time (RFC 3339, UTC), so that another run of the app (its orphan sweep,
//! its wizard's offer to free a name) can tell a device someone is enrolling right now from an abandoned
//! one: both are unassigned, and ListVirtualMFADevices returns no tags, so the others read them with
//! ListMFADeviceTags. The value is also how a run recognises its own device after a lost create answer.
//!
//! A device whose marker is younger than [`IN_PROGRESS_FOR`] is left alone unless the user insists.
//! Without the marker (a caller who may not tag, a device made by another tool) nothing tells the two
//! apart, and the device counts as abandoned, as before.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::clock::UnixSeconds;
use crate::iam::{Tag, Timestamp};

/// The tag key; the value is the time the enrollment started.
pub const MARKER_KEY: &str = "iam-mfa:enrollment-started";

/// How long a marked device counts as an enrollment in progress: 15 minutes. Scanning the QR code and
/// typing two consecutive codes takes one to three minutes; a slow one (finding the phone, an MFA-session
/// prompt, a code AWS rejected, a wait for the next 30-second step) stays well under ten. Past 15 minutes
/// the enrollment is almost surely abandoned, and an abandoned device keeps its name blocked no longer.
pub const IN_PROGRESS_FOR: u64 = 15 * 60;

/// The marker for an enrollment that starts at `now`.
pub fn marker(now: UnixSeconds) -> Tag {
    Tag::new(MARKER_KEY, timestamp(now).rfc3339())
}

/// When the enrollment marked in `tags` started, if a readable marker is there.
pub fn started_at(tags: &[Tag]) -> Option<Timestamp> {
    let tag = tags.iter().find(|tag| tag.key == MARKER_KEY)?;
    let parsed = OffsetDateTime::parse(&tag.value, &Rfc3339).ok()?;
    Some(Timestamp(parsed.unix_timestamp()))
}

/// What the tags of an unassigned device say about it at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Marked less than [`IN_PROGRESS_FOR`] ago: someone is enrolling it.
    InProgress { since: Timestamp },
    /// Marked longer ago, or not marked: nothing says anyone still wants it.
    Abandoned { since: Option<Timestamp> },
}

impl Standing {
    pub fn of(tags: &[Tag], now: UnixSeconds) -> Self {
        match started_at(tags) {
            Some(since) if age(since, now) < IN_PROGRESS_FOR => Self::InProgress { since },
            since => Self::Abandoned { since },
        }
    }

    pub fn in_progress(self) -> bool {
        matches!(self, Self::InProgress { .. })
    }
}

/// "enrollment in progress since 14:02 UTC by another run", for the screens that skip such a device.
pub fn in_progress_reason(since: Timestamp) -> String {
    format!(
        "enrollment in progress since {} by another run",
        clock_time(since)
    )
}

/// `14:02 UTC`.
pub fn clock_time(at: Timestamp) -> String {
    let text = at.to_string();
    // Display is `YYYY-MM-DD HH:MM UTC`.
    text.split_once(' ')
        .map_or(text.clone(), |(_, time)| time.to_string())
}

fn age(since: Timestamp, now: UnixSeconds) -> u64 {
    u64::try_from(timestamp(now).0.saturating_sub(since.0)).unwrap_or(0)
}

fn timestamp(now: UnixSeconds) -> Timestamp {
    Timestamp(i64::try_from(now).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixSeconds = 1_795_000_000;

    #[test]
    fn the_marker_reads_back_as_its_time() {
        let tag = marker(NOW);
        assert_eq!(tag.key, "iam-mfa:enrollment-started");
        assert!(tag.value.ends_with('Z'), "{}", tag.value);
        assert_eq!(started_at(&[tag]), Some(Timestamp(NOW as i64)));
    }

    #[test]
    fn young_markers_are_in_progress_and_old_or_missing_ones_are_not() {
        let tags = [Tag::new("team", "ops"), marker(NOW)];
        let since = Timestamp(NOW as i64);
        assert_eq!(
            Standing::of(&tags, NOW + IN_PROGRESS_FOR - 1),
            Standing::InProgress { since }
        );
        assert_eq!(
            Standing::of(&tags, NOW + IN_PROGRESS_FOR),
            Standing::Abandoned { since: Some(since) }
        );
        assert_eq!(Standing::of(&[], NOW), Standing::Abandoned { since: None });
        let garbled = [Tag::new(MARKER_KEY, "yesterday")];
        assert_eq!(
            Standing::of(&garbled, NOW),
            Standing::Abandoned { since: None }
        );
    }

    #[test]
    fn the_reason_names_the_clock_time() {
        // FIXED_NOW is 2026-11-23 14:14:00 UTC.
        let at = Timestamp(crate::headless::FIXED_NOW as i64 + 59);
        assert_eq!(
            in_progress_reason(at),
            "enrollment in progress since 14:14 UTC by another run"
        );
    }
}
