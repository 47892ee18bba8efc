use super::*;
use crate::iam::demo::DemoIdentity;
use crate::iam::demo::derive;
use crate::iam::demo::state::{AccountState, Owner};
use crate::iam::{AssignmentFilter, DeviceKind, MAX_DEVICES_PER_USER, Tag};

const NOW: UnixSeconds = 1_800_000_000;

// ----- the built-in account -----

fn builtin() -> Seeded {
    Source::builtin()
        .load(NOW)
        .expect("the built-in file follows IAM's rules")
}

fn seeded() -> AccountState {
    builtin().state
}

fn device_counts(state: &AccountState) -> Vec<(String, usize)> {
    state
        .users()
        .iter()
        .map(|u| (u.name.clone(), state.mfa_devices(&u.name).unwrap().len()))
        .collect()
}

#[test]
fn the_builtin_account_loads_with_its_identities_and_root() {
    let seeded = builtin();
    assert_eq!(seeded.state.account_id(), "210987654321");
    let user = |identity| seeded.identities.user(identity);
    assert_eq!(user(DemoIdentity::Admin), Some("admin"));
    assert_eq!(user(DemoIdentity::SelfService), Some("jordan.lee"));
    assert_eq!(user(DemoIdentity::SelfServicePinned), Some("priya.raman"));
    assert_eq!(user(DemoIdentity::Root), None);
    assert_eq!(seeded.root.created_days_ago, 1_461);
    assert_eq!(seeded.root.password_last_used_days_ago, Some(2));
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
    assert_eq!(count("jordan.lee"), 1);
    assert_eq!(count("priya.raman"), 0);
    assert!(count("admin") >= 1, "admin can open an MFA session");
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
    let stock = ["GAHT60192320", "GAHT60192322", "GAHT60192323"];
    assert_eq!(state.hardware_stock(), stock);
    for serial in stock {
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
    assert_eq!(a.seed("GAHT60192320"), Some(derive::seed("GAHT60192320")));
    assert_eq!(a.users(), b.users());
}

#[test]
fn the_root_device_is_assigned_to_root() {
    let state = seeded();
    let serial = state.virtual_serial(None, "ops-shared-phone");
    assert_eq!(state.owner_of(&serial), Some(&Owner::Root));
    // The device named as the console once named root's belongs to a user.
    let users = state.virtual_serial(None, "root-account-mfa-device");
    assert_eq!(
        state.owner_of(&users),
        Some(&Owner::User("farah.haddad".into()))
    );
    assert!(state.seed_of_owned(&Owner::Root, &serial).is_some());
}

#[test]
fn seeded_tags_are_on_their_devices_in_the_files_order() {
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
    let reversed = with_user(
        r#"mfa_devices = [{ virtual = "p", enabled_days_ago = 1, tags = { team = "a", owner = "b" } }]"#,
    );
    let state = load(&reversed).unwrap().state;
    let tags = state.tags(&state.virtual_serial(None, "p")).unwrap();
    assert_eq!(tags, [Tag::new("team", "a"), Tag::new("owner", "b")]);
}

// ----- other files -----

/// The smallest valid file: one user who is every identity. Lines 13 to 15 are that user.
const BASE: &str = r#"[account]
id = "123456789012"

[account.identities]
admin = "ada"
self-service = "ada"
self-service-pinned = "ada"

[account.root]
created_days_ago = 100

[[account.users]]
name = "ada"
created_days_ago = 50
"#;

fn load(text: &str) -> Result<Seeded, DemoDataError> {
    let source = Source {
        origin: "company.toml".into(),
        text: text.into(),
    };
    source.load(NOW)
}

/// The base file with `lines` added to its user (they start at line 15).
fn with_user(lines: &str) -> String {
    format!("{BASE}{lines}\n")
}

/// The base file with an `[account.unassigned]` table (its keys start at line 16).
fn with_unassigned(lines: &str) -> String {
    format!("{BASE}[account.unassigned]\n{lines}\n")
}

fn device(fields: &str) -> String {
    with_user(&format!("mfa_devices = [{{ {fields} }}]"))
}

#[test]
fn the_base_file_loads() {
    let seeded = load(BASE).unwrap();
    assert_eq!(seeded.state.users().len(), 1);
    assert_eq!(
        seeded.identities.user(DemoIdentity::SelfService),
        Some("ada")
    );
    assert_eq!(seeded.root.password_last_used_days_ago, None);
    let devices = with_user(
        r#"mfa_devices = [
    { virtual = "ada-phone", enabled_days_ago = 40, tags = { team = "ops" } },
    { hardware = "GAHT12345678", enabled_days_ago = 30 },
    { passkey = "yubikey", enabled_days_ago = 20 },
]
[account.unassigned]
virtual_devices = ["old-phone"]
hardware_tokens = ["GAHT87654321"]"#,
    );
    let state = load(&devices).unwrap().state;
    assert_eq!(state.mfa_devices("ada").unwrap().len(), 3);
    assert_eq!(state.virtual_devices(AssignmentFilter::Unassigned).len(), 1);
    assert_eq!(state.hardware_stock(), ["GAHT87654321"]);
}

#[test]
fn bad_files_are_refused_naming_the_line_column_and_rule() {
    let nine_devices: String = (1..=9)
        .map(|i| format!("    {{ virtual = \"ada-{i}\", enabled_days_ago = 1 }},\n"))
        .collect();
    let fifty_one_tags: String = (0..51).map(|i| format!("k{i} = \"v\", ")).collect();
    let cases: Vec<(String, &str)> = vec![
        // TOML itself, and the shape.
        (
            BASE.replace(r#"name = "ada""#, r#"name = "ada"#),
            "13:12: invalid basic string, expected `\"`",
        ),
        (String::new(), "1:1: missing field `account`"),
        (
            format!("{BASE}[acount]\n"),
            "15:2: unknown field `acount`, expected `account`",
        ),
        (
            with_user(r#"nmae = "x""#),
            "15:1: unknown field `nmae`, expected one of `name`, `path`, `created_days_ago`, `password_last_used_days_ago`, `login_profile`, `mfa_devices`",
        ),
        (
            device(r#"virtual = "p", enabled = 1"#),
            "15:33: unknown field `enabled`, expected one of `virtual`, `hardware`, `passkey`, `enabled_days_ago`, `enabled_hours_ago`, `tags`",
        ),
        (
            BASE.replace("created_days_ago = 50\n", ""),
            "12:1: missing field `created_days_ago`",
        ),
        (
            BASE.replace("= 50", r#"= "ten""#),
            "14:20: invalid type: string \"ten\", expected u64",
        ),
        (
            BASE.replace("= 50", "= -1"),
            "14:20: invalid value: integer `-1`, expected u64",
        ),
        (
            with_user(r#""a\u001bb" = 1"#),
            "15:1: unknown field `a\\u{1b}b`, expected one of `name`, `path`, `created_days_ago`, `password_last_used_days_ago`, `login_profile`, `mfa_devices`",
        ),
        // The account and its identities.
        (
            BASE.replace("123456789012", "1234"),
            "2:6: an AWS account ID is 12 digits, not \"1234\"",
        ),
        (
            BASE.replace(r#"self-service = "ada""#, r#"self-service = "bob""#),
            "6:16: --demo-as self-service signs in as \"bob\", who is not in [[account.users]]",
        ),
        // Users.
        (
            BASE.replace(r#"name = "ada""#, r#"name = "a b""#),
            "13:8: A user name may not contain ' ': use letters, digits and + = , . @ _ -",
        ),
        (
            BASE.replace(r#"name = "ada""#, r#"name = """#),
            "13:8: the user name is empty",
        ),
        (
            BASE.replace(
                r#"name = "ada""#,
                &format!("name = \"{}\"", "a".repeat(129)),
            ),
            "13:8: A user name has at most 128 characters",
        ),
        (
            with_user(r#"path = "engineering""#),
            "15:8: A path starts and ends with / (for example /division/)",
        ),
        (
            format!("{BASE}\n[[account.users]]\nname = \"ADA\"\ncreated_days_ago = 5\n"),
            "17:8: the user \"ADA\" is defined twice (first at line 13): IAM user names are unique, ignoring case",
        ),
        // Dates.
        (
            BASE.replace("= 50", "= 101"),
            "14:20: 101 days ago is before the account was created (100 days ago)",
        ),
        (
            with_user("password_last_used_days_ago = 60"),
            "15:31: 60 days ago is before the user was created (50 days ago)",
        ),
        (
            device(r#"virtual = "p", enabled_days_ago = 51"#),
            "15:52: 51 days ago is before \"ada\" was created (50 days ago)",
        ),
        (
            BASE.replace("= 100", "= 99999"),
            "10:20: 99999 days ago is further back than 36500 days (100 years)",
        ),
        // Devices.
        (
            with_user(&format!("mfa_devices = [\n{nine_devices}]")),
            "24:5: with this one \"ada\" has 9 MFA devices: IAM allows at most 8 per user",
        ),
        (
            device(r#"virtual = "a", passkey = "b", enabled_days_ago = 1"#),
            "15:16: a device has exactly one of the keys virtual (a name), hardware (a serial) and passkey (a label)",
        ),
        (
            device("enabled_days_ago = 1"),
            "15:16: a device has exactly one of the keys virtual (a name), hardware (a serial) and passkey (a label)",
        ),
        (
            device(r#"virtual = "my phone", enabled_days_ago = 1"#),
            "15:28: A device name may not contain ' ': use letters, digits and + = , . @ _ -",
        ),
        (
            with_unassigned(&format!("virtual_devices = [\"{}\"]", "d".repeat(227))),
            "16:20: A device name has at most 226 characters",
        ),
        (
            with_user(
                "mfa_devices = [{ virtual = \"phone\", enabled_days_ago = 1 }]\n[account.unassigned]\nvirtual_devices = [\"Phone\"]",
            ),
            "17:20: a virtual MFA device named \"Phone\" is already in the account (first at line 15): device names are unique, ignoring case",
        ),
        (
            with_user(
                "mfa_devices = [{ hardware = \"GAHT12345678\", enabled_days_ago = 1 }]\n[account.unassigned]\nhardware_tokens = [\"GAHT12345678\"]",
            ),
            "17:20: the hardware token \"GAHT12345678\" is listed twice (first at line 15): serial numbers are unique",
        ),
        (
            with_unassigned(r#"hardware_tokens = ["GAHT1"]"#),
            "16:20: A serial number has 9 to 256 characters (this has 5)",
        ),
        (
            with_unassigned(r#"hardware_tokens = ["arn:aws:iam::123456789012:mfa/x"]"#),
            "16:20: \"arn:aws:iam::123456789012:mfa/x\" is no hardware token's serial (an ARN names a virtual device or passkey): use the serial printed on the token",
        ),
        (
            with_user(
                r#"mfa_devices = [{ passkey = "key", enabled_days_ago = 1 }, { passkey = "key", enabled_days_ago = 2 }]"#,
            ),
            "15:71: the passkey \"key\" is registered twice on \"ada\" (first at line 15)",
        ),
        (
            BASE.replace(
                "= 100",
                "= 100\nmfa_device = { passkey = \"key\", enabled_days_ago = 1 }",
            ),
            "11:26: the demo has no passkeys for root: give root a virtual device or a hardware token",
        ),
        // Tags.
        (
            device(r#"hardware = "GAHT12345678", enabled_days_ago = 1, tags = { a = "b" }"#),
            "15:74: only virtual devices have tags: IAM tags no hardware token or passkey",
        ),
        (
            device(r#"virtual = "p", enabled_days_ago = 1, tags = { "aws:team" = "b" }"#),
            "15:64: Tag keys starting with aws: are reserved for AWS",
        ),
        (
            device(r#"virtual = "p", enabled_days_ago = 1, tags = { Team = "a", team = "b" }"#),
            "15:76: The tag key \"team\" appears twice",
        ),
        (
            device(&format!(
                "virtual = \"p\", enabled_days_ago = 1, tags = {{ team = \"{}\" }}",
                "v".repeat(257)
            )),
            "15:71: A tag value has at most 256 characters",
        ),
        (
            device(&format!(
                "virtual = \"p\", enabled_days_ago = 1, tags = {{ {fifty_one_tags} }}"
            )),
            "15:604: At most 50 tags per device (this has 51)",
        ),
    ];
    for (text, expected) in cases {
        let error = load(&text).err().map(|error| error.to_string());
        assert_eq!(
            error.as_deref(),
            Some(format!("company.toml:{expected}").as_str()),
            "for the file:\n{text}"
        );
    }
}

#[test]
fn unreadable_files_are_named_with_the_reason() {
    let scratch = tempfile::tempdir().unwrap();
    let missing = scratch.path().join("missing.toml");
    let error = Source::read(&missing).err().unwrap().to_string();
    assert_eq!(
        error,
        format!(
            "cannot read the demo data {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
    let error = Source::read(scratch.path()).err().unwrap().to_string();
    assert!(error.ends_with("Is a directory (os error 21)"), "{error}");
    let huge = scratch.path().join("huge.toml");
    std::fs::write(&huge, "#".repeat(MAX_FILE_BYTES as usize + 1)).unwrap();
    let error = Source::read(&huge).err().unwrap().to_string();
    assert!(
        error.ends_with("it is larger than 1024 KiB, more than any demo account needs"),
        "{error}"
    );
    let exactly = scratch.path().join("comment.toml");
    std::fs::write(&exactly, "#".repeat(MAX_FILE_BYTES as usize)).unwrap();
    assert!(Source::read(&exactly).is_ok());
}

#[test]
fn the_readme_example_loads() {
    let readme = include_str!("../../../../README.md");
    let section = readme
        .split_once("### Your own demo company")
        .expect("the README's --demo-data section")
        .1;
    let example = section
        .split_once("```toml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("a TOML example in it")
        .0;
    let seeded = load(example).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(seeded.state.account_id(), "555566667777");
    assert_eq!(seeded.state.mfa_devices("lena.fischer").unwrap().len(), 3);
    assert_eq!(seeded.state.hardware_stock(), ["ACME00000043"]);
}
