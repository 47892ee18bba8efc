//! The believable account `--demo` starts with: a dozen people in a few departments, devices of every
//! kind, one user at the 8-device limit, users with none, abandoned enrollments, and hardware tokens in the
//! drawer. Dates are relative to the clock; seeds are derived from device names, so a recording shows
//! the same codes every run (only devices created during the session get random seeds).

use super::derive;
use super::state::{AccountState, Owner};
use crate::clock::UnixSeconds;
use crate::iam::{IamResult, NewVirtualDevice, Tag};

pub(super) const ACCOUNT_ID: &str = "210987654321";
/// The administrator the `admin` identity signs in as.
pub(super) const ADMIN_USER: &str = "admin";
/// The self-service user: one virtual device already, under the current "manage your own MFA" policy.
pub(super) const SELF_SERVICE_USER: &str = "jordan.lee";
/// The self-service user under the older policy that pins the device name: no device yet.
pub(super) const PINNED_USER: &str = "priya.raman";
/// The name the console gives the root user's virtual device.
pub(super) const ROOT_DEVICE_NAME: &str = "root-account-mfa-device";
/// How old the account (and so its root user) is.
pub(super) const ACCOUNT_AGE_DAYS: u64 = 1_461;

const DAY: u64 = 86_400;

struct SeededUser {
    name: &'static str,
    path: &'static str,
    created_days_ago: u64,
    last_sign_in_days_ago: Option<u64>,
}

const fn user(
    name: &'static str,
    path: &'static str,
    created_days_ago: u64,
    last_sign_in_days_ago: Option<u64>,
) -> SeededUser {
    SeededUser {
        name,
        path,
        created_days_ago,
        last_sign_in_days_ago,
    }
}

const USERS: &[SeededUser] = &[
    user(ADMIN_USER, "/", 1_400, Some(0)),
    user("alice.nguyen", "/engineering/", 980, Some(1)),
    user("ben.carter", "/engineering/", 640, Some(3)),
    user("chloe.martin", "/finance/", 720, Some(2)),
    user("ci-deploy", "/service-accounts/", 800, None),
    user("diego.alvarez", "/finance/", 455, Some(6)),
    user("emma.schmidt", "/support/", 300, Some(12)),
    user("farah.haddad", "/engineering/platform/", 210, Some(0)),
    user("hannah.kim", "/marketing/", 150, Some(4)),
    user(SELF_SERVICE_USER, "/engineering/", 120, Some(0)),
    user("oliver.brown", "/engineering/", 90, Some(9)),
    user(PINNED_USER, "/finance/", 45, Some(1)),
    user("sam.wilson", "/support/", 20, None),
];

enum SeededDevice {
    /// A virtual device (name) enabled on the user.
    Virtual(&'static str),
    /// A hardware TOTP token (serial) enabled on the user.
    Hardware(&'static str),
    /// A passkey or security key registered in the console (label of the key).
    Passkey(&'static str),
}

use SeededDevice::{Hardware, Passkey, Virtual};

/// Who has which device, and how many days ago it was enabled.
const ASSIGNED: &[(&str, SeededDevice, u64)] = &[
    (ADMIN_USER, Virtual("admin-iphone"), 1_390),
    (ADMIN_USER, Hardware("GAHT60192318"), 1_200),
    // alice.nguyen is at the 8-device limit: a ninth is refused.
    ("alice.nguyen", Virtual("alice.nguyen-iphone"), 970),
    ("alice.nguyen", Virtual("alice.nguyen-ipad"), 900),
    ("alice.nguyen", Hardware("GAHT60192319"), 650),
    ("alice.nguyen", Virtual("alice.nguyen-pixel"), 700),
    ("alice.nguyen", Virtual("alice.nguyen-1password"), 500),
    ("alice.nguyen", Virtual("alice.nguyen-bitwarden"), 360),
    ("alice.nguyen", Virtual("alice.nguyen-laptop"), 200),
    ("alice.nguyen", Passkey("yubikey-5c"), 120),
    ("ben.carter", Virtual("ben.carter-android"), 630),
    ("chloe.martin", Virtual("chloe.martin-iphone"), 710),
    ("chloe.martin", Passkey("yubikey-5-nfc"), 700),
    ("diego.alvarez", Hardware("GAHT60192321"), 450),
    ("farah.haddad", Virtual("farah.haddad-pixel"), 205),
    ("hannah.kim", Virtual("hannah.kim-iphone"), 148),
    (SELF_SERVICE_USER, Virtual("jordan.lee-pixel"), 118),
    ("oliver.brown", Virtual("oliver.brown-authy"), 80),
];

/// Abandoned enrollments: created, never enabled (or deactivated and never deleted). Their names stay
/// taken, the classic cause of "EntityAlreadyExists".
const ORPHANS: &[&str] = &["ben.carter-iphone", "emma.schmidt", "hannah.kim-new-phone"];

/// Hardware tokens in the drawer, ready to be enabled on anyone.
pub(super) const HARDWARE_STOCK: &[&str] = &["GAHT60192320", "GAHT60192322", "GAHT60192323"];

const TAGS: &[(&str, &[(&str, &str)])] = &[
    ("admin-iphone", &[("purpose", "break-glass")]),
    (
        "alice.nguyen-iphone",
        &[("owner", "alice.nguyen"), ("team", "platform")],
    ),
    ("jordan.lee-pixel", &[("team", "payments")]),
];

/// A moment `days` ago, at a time of day that differs from entry to entry.
fn days_ago(now: UnixSeconds, days: u64, label: &str) -> UnixSeconds {
    now.saturating_sub(days * DAY + derive::below(label, 10 * 3_600))
}

fn tags_of(device_name: &str) -> Vec<Tag> {
    TAGS.iter()
        .filter(|(name, _)| *name == device_name)
        .flat_map(|(_, tags)| tags.iter().map(|(k, v)| Tag::new(*k, *v)))
        .collect()
}

fn add_virtual(state: &mut AccountState, name: &str) -> IamResult<String> {
    let request = NewVirtualDevice {
        name: name.to_string(),
        path: None,
        tags: tags_of(name),
    };
    state.create_virtual(&request, derive::seed(name))
}

/// Fills an empty account with the demo's users and devices.
pub(super) fn populate(state: &mut AccountState, now: UnixSeconds) -> IamResult<()> {
    for u in USERS {
        state.add_user(
            u.name,
            u.path,
            days_ago(now, u.created_days_ago, u.name),
            u.last_sign_in_days_ago
                .map(|days| days_ago(now, days, u.name)),
        )?;
    }
    for (user_name, device, days) in ASSIGNED {
        let owner = Owner::User((*user_name).to_string());
        match device {
            Virtual(name) => {
                let serial = add_virtual(state, name)?;
                state.assign_unchecked(&serial, owner, days_ago(now, *days, name))?;
            }
            Hardware(serial) => {
                state.stock_hardware_token(serial, derive::seed(serial))?;
                state.assign_unchecked(serial, owner, days_ago(now, *days, serial))?;
            }
            Passkey(label) => {
                state.register_passkey(user_name, label, days_ago(now, *days, label))?;
            }
        }
    }
    for name in ORPHANS {
        add_virtual(state, name)?;
    }
    for serial in HARDWARE_STOCK {
        state.stock_hardware_token(serial, derive::seed(serial))?;
    }
    // Enabled in the console long ago: root MFA cannot be enabled through the API.
    let root_device = add_virtual(state, ROOT_DEVICE_NAME)?;
    state.assign_unchecked(
        &root_device,
        Owner::Root,
        days_ago(now, ACCOUNT_AGE_DAYS - 1, ROOT_DEVICE_NAME),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{AssignmentFilter, DeviceKind, MAX_DEVICES_PER_USER};

    const NOW: UnixSeconds = 1_800_000_000;

    fn seeded() -> AccountState {
        let mut state = AccountState::new(ACCOUNT_ID);
        populate(&mut state, NOW).expect("the seed data follows IAM's rules");
        state
    }

    fn device_counts(state: &AccountState) -> Vec<(String, usize)> {
        state
            .users()
            .iter()
            .map(|u| (u.name.clone(), state.mfa_devices(&u.name).unwrap().len()))
            .collect()
    }

    #[test]
    fn about_a_dozen_users_in_departments() {
        let state = seeded();
        let users = state.users();
        assert!((10..=15).contains(&users.len()));
        assert!(users.iter().any(|u| u.path == "/engineering/"));
        assert!(users.iter().any(|u| u.path == "/finance/"));
        for u in &users {
            assert!(
                u.created.0 < NOW as i64,
                "{} is created in the past",
                u.name
            );
        }
        for name in [ADMIN_USER, SELF_SERVICE_USER, PINNED_USER] {
            assert!(state.user(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn one_user_at_the_limit_and_several_with_none() {
        let counts = device_counts(&seeded());
        assert!(counts.iter().any(|(_, n)| *n == MAX_DEVICES_PER_USER));
        assert!(counts.iter().filter(|(_, n)| *n == 0).count() >= 3);
        assert!(counts.iter().all(|(_, n)| *n <= MAX_DEVICES_PER_USER));
    }

    #[test]
    fn the_identities_start_where_their_story_needs() {
        let counts = device_counts(&seeded());
        let count = |name: &str| counts.iter().find(|(n, _)| n == name).unwrap().1;
        assert_eq!(count(SELF_SERVICE_USER), 1);
        assert_eq!(count(PINNED_USER), 0);
        assert!(count(ADMIN_USER) >= 1, "admin can open an MFA session");
    }

    #[test]
    fn every_kind_of_device_is_present() {
        let state = seeded();
        let kinds: Vec<DeviceKind> = state
            .users()
            .iter()
            .flat_map(|u| state.mfa_devices(&u.name).unwrap())
            .map(|d| d.kind())
            .collect();
        for kind in [
            DeviceKind::Virtual,
            DeviceKind::Hardware,
            DeviceKind::Passkey,
        ] {
            assert!(kinds.contains(&kind), "{kind:?}");
        }
        let passkey = state
            .mfa_devices("chloe.martin")
            .unwrap()
            .into_iter()
            .find(|d| d.kind() == DeviceKind::Passkey)
            .unwrap();
        assert!(
            passkey
                .serial
                .starts_with("arn:aws:iam::210987654321:u2f/user/chloe.martin/yubikey-5-nfc-"),
            "{}",
            passkey.serial
        );
    }

    #[test]
    fn a_few_orphans_and_a_stock_of_hardware_tokens() {
        let state = seeded();
        let orphans = state.virtual_devices(AssignmentFilter::Unassigned);
        assert!((2..=3).contains(&orphans.len()), "{orphans:?}");
        assert_eq!(state.hardware_stock(), HARDWARE_STOCK);
        for serial in HARDWARE_STOCK {
            assert!(state.seed(serial).is_some());
        }
    }

    #[test]
    fn seeds_of_seeded_devices_are_the_same_every_run() {
        let (a, b) = (seeded(), seeded());
        let serial = "arn:aws:iam::210987654321:mfa/jordan.lee-pixel";
        assert_eq!(a.seed(serial), b.seed(serial));
        assert_eq!(a.seed(serial), Some(derive::seed("jordan.lee-pixel")));
        assert_eq!(a.seed("GAHT60192320"), b.seed("GAHT60192320"));
        assert_eq!(a.users(), b.users());
    }

    #[test]
    fn the_root_device_is_assigned_to_root() {
        let state = seeded();
        let serial = state.virtual_serial(None, ROOT_DEVICE_NAME);
        assert_eq!(state.owner_of(&serial), Some(&Owner::Root));
        assert!(state.seed_of_owned(&Owner::Root, &serial).is_some());
    }

    #[test]
    fn seeded_tags_are_on_their_devices() {
        let state = seeded();
        let tags = state
            .tags("arn:aws:iam::210987654321:mfa/alice.nguyen-iphone")
            .unwrap();
        assert_eq!(
            tags,
            [
                Tag::new("owner", "alice.nguyen"),
                Tag::new("team", "platform")
            ]
        );
    }
}
