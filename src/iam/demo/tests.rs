//! The demo account through the `Iam` trait: identities, policy and state together, and MFA sessions.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::clock::{Clock, ManualClock};
use crate::iam::{DeviceKind, MAX_DEVICES_PER_USER, Principal};
use crate::otp::window;

/// 15 seconds into a 30-second window.
const START: UnixSeconds = 1_800_000_015;
const JORDAN_DEVICE: &str = "arn:aws:iam::210987654321:mfa/jordan.lee-pixel";

fn account(identity: DemoIdentity) -> (DemoAccount, ManualClock) {
    let clock = ManualClock::at(START);
    (DemoAccount::new(identity, Arc::new(clock.clone())), clock)
}

fn current_code(demo: &DemoAccount, serial: &str, now: UnixSeconds) -> String {
    demo.known_seed(serial).unwrap().code_at(now)
}

/// The previous and the current code: what a person types into the two fields.
fn code_pair(seed: &Seed, now: UnixSeconds) -> (String, String) {
    let w = window(now);
    (seed.code_for_window(w - 1), seed.code_for_window(w))
}

fn new_device(name: &str) -> NewVirtualDevice {
    NewVirtualDevice {
        name: name.into(),
        path: None,
        tags: vec![],
    }
}

async fn open_session(demo: &DemoAccount, serial: &str, now: UnixSeconds) -> MfaSession {
    demo.start_mfa_session(serial, &current_code(demo, serial, now), None)
        .await
        .unwrap()
}

#[tokio::test]
async fn identities_say_who_is_calling() {
    for (identity, arn, principal) in [
        (
            DemoIdentity::Admin,
            "arn:aws:iam::210987654321:user/admin",
            Principal::IamUser {
                user_name: "admin".into(),
            },
        ),
        (
            DemoIdentity::SelfService,
            "arn:aws:iam::210987654321:user/engineering/jordan.lee",
            Principal::IamUser {
                user_name: "jordan.lee".into(),
            },
        ),
        (
            DemoIdentity::SelfServicePinned,
            "arn:aws:iam::210987654321:user/finance/priya.raman",
            Principal::IamUser {
                user_name: "priya.raman".into(),
            },
        ),
        (
            DemoIdentity::Root,
            "arn:aws:iam::210987654321:root",
            Principal::Root,
        ),
    ] {
        let (demo, _) = account(identity);
        let me = demo.caller_identity().await.unwrap();
        assert_eq!(me.account, "210987654321");
        assert_eq!(me.arn, arn);
        assert_eq!(me.principal(), principal);
        if identity == DemoIdentity::Root {
            assert_eq!(me.user_id, "210987654321");
        } else {
            assert!(
                me.user_id.starts_with("AIDA") && me.user_id.len() == 21,
                "{}",
                me.user_id
            );
        }
        assert!(demo.describe().starts_with("demo account 210987654321"));
    }
}

#[tokio::test]
async fn only_admin_and_root_may_list_users() {
    for (identity, may) in [
        (DemoIdentity::Admin, true),
        (DemoIdentity::Root, true),
        (DemoIdentity::SelfService, false),
        (DemoIdentity::SelfServicePinned, false),
    ] {
        let (demo, _) = account(identity);
        assert_eq!(demo.may_list_users().await, Ok(may), "{identity:?}");
        match demo.list_users().await {
            Ok(users) => assert!(users.len() >= 10),
            Err(error) => {
                assert_eq!(error.code(), "AccessDenied");
                assert!(!error.needs_mfa_session(), "a plain denial: {error}");
            }
        }
    }
}

#[tokio::test]
async fn get_user_without_a_name_is_the_caller() {
    let (demo, _) = account(DemoIdentity::SelfService);
    assert_eq!(demo.get_user(None).await.unwrap().name, "jordan.lee");
    let error = demo.get_user(Some("alice.nguyen")).await.unwrap_err();
    assert_eq!(error.code(), "AccessDenied");

    let (root, _) = account(DemoIdentity::Root);
    let me = root.get_user(None).await.unwrap();
    assert_eq!(me.arn, "arn:aws:iam::210987654321:root");
    assert_eq!(me.name, ROOT_LABEL);
    assert!(me.created.0 < START as i64);
    assert_eq!(
        root.get_user(Some("alice.nguyen")).await.unwrap().path,
        "/engineering/"
    );
    assert_eq!(
        root.get_user(Some("nobody")).await.unwrap_err().code(),
        "NoSuchEntity"
    );
}

#[tokio::test]
async fn list_mfa_devices_of_an_unknown_user_is_no_such_entity() {
    let (demo, _) = account(DemoIdentity::Admin);
    let error = demo.list_mfa_devices("nobody").await.unwrap_err();
    assert_eq!(error.code(), "NoSuchEntity");
    let error = demo.list_mfa_devices("bad name").await.unwrap_err();
    assert_eq!(error.code(), "InvalidInput");
    assert!(
        demo.list_mfa_devices("emma.schmidt")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_whole_enrollment_with_a_fresh_seed() {
    let (demo, clock) = account(DemoIdentity::Admin);
    let created = demo
        .create_virtual_mfa_device(&new_device("emma.schmidt-iphone"))
        .await
        .unwrap();
    assert_eq!(
        created.serial,
        "arn:aws:iam::210987654321:mfa/emma.schmidt-iphone"
    );
    assert_eq!(created.seed.as_base32().len(), 64);
    assert_eq!(demo.known_seed(&created.serial), Some(created.seed.clone()));

    clock.advance(20); // the user reads the codes off the phone
    let (c1, c2) = code_pair(&created.seed, clock.now());
    demo.enable_mfa_device("emma.schmidt", &created.serial, &c1, &c2)
        .await
        .unwrap();
    let devices = demo.list_mfa_devices("emma.schmidt").await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].kind(), DeviceKind::Virtual);
}

#[tokio::test]
async fn a_seeded_device_is_one_too_many_for_alice() {
    let (demo, _) = account(DemoIdentity::Admin);
    assert_eq!(
        demo.list_mfa_devices("alice.nguyen").await.unwrap().len(),
        MAX_DEVICES_PER_USER
    );
    let serial = demo.hardware_stock()[0].clone();
    let seed = demo.known_seed(&serial).unwrap();
    let (c1, c2) = code_pair(&seed, START);
    let error = demo
        .enable_mfa_device("alice.nguyen", &serial, &c1, &c2)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "LimitExceeded");
    // The same token is fine for someone else, and leaves the stock.
    demo.enable_mfa_device("sam.wilson", &serial, &c1, &c2)
        .await
        .unwrap();
    assert!(!demo.hardware_stock().contains(&serial));
}

#[tokio::test]
async fn seeded_passkeys_cannot_be_resynced() {
    let (demo, _) = account(DemoIdentity::Admin);
    let passkey = demo
        .list_mfa_devices("chloe.martin")
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.kind() == DeviceKind::Passkey)
        .unwrap();
    assert!(demo.known_seed(&passkey.serial).is_none());
    let error = demo
        .resync_mfa_device("chloe.martin", &passkey.serial, "123456", "234567")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InvalidInput");
}

#[tokio::test]
async fn orphans_keep_their_names_until_deleted() {
    let (demo, _) = account(DemoIdentity::Admin);
    let orphans = demo
        .list_virtual_mfa_devices(AssignmentFilter::Unassigned)
        .await
        .unwrap();
    assert!(orphans.iter().any(|d| d.name() == "emma.schmidt"));
    let error = demo
        .create_virtual_mfa_device(&new_device("emma.schmidt"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "EntityAlreadyExists");
    let orphan = orphans.iter().find(|d| d.name() == "emma.schmidt").unwrap();
    demo.delete_virtual_mfa_device(&orphan.serial)
        .await
        .unwrap();
    demo.create_virtual_mfa_device(&new_device("emma.schmidt"))
        .await
        .unwrap();
}

#[tokio::test]
async fn self_service_rollback_of_a_failed_enrollment_needs_no_session() {
    let (demo, _) = account(DemoIdentity::SelfService);
    let created = demo
        .create_virtual_mfa_device(&new_device("jordan.lee-ipad"))
        .await
        .unwrap();
    demo.delete_virtual_mfa_device(&created.serial)
        .await
        .unwrap();
    assert!(demo.known_seed(&created.serial).is_none());
    // Someone else's device is out of reach.
    let error = demo
        .delete_virtual_mfa_device("arn:aws:iam::210987654321:mfa/alice.nguyen-iphone")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "AccessDenied");
    assert!(!error.needs_mfa_session());
}

#[tokio::test]
async fn self_service_lists_and_resyncs_its_own_device_without_a_session() {
    let (demo, clock) = account(DemoIdentity::SelfService);
    let mine = demo.list_mfa_devices("jordan.lee").await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].serial, JORDAN_DEVICE);
    assert!(
        demo.list_virtual_mfa_devices(AssignmentFilter::Any)
            .await
            .unwrap()
            .len()
            > 10
    );
    clock.advance(3_600);
    let seed = demo.known_seed(JORDAN_DEVICE).unwrap();
    let (c1, c2) = code_pair(&seed, clock.now());
    demo.resync_mfa_device("jordan.lee", JORDAN_DEVICE, &c1, &c2)
        .await
        .unwrap();
    let error = demo
        .resync_mfa_device("jordan.lee", JORDAN_DEVICE, &c2, &c1)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InvalidAuthenticationCode");
    let error = demo.list_mfa_devices("alice.nguyen").await.unwrap_err();
    assert_eq!(error.code(), "AccessDenied");
    assert!(!error.needs_mfa_session());
}

#[tokio::test]
async fn a_second_device_and_removal_need_an_mfa_session() {
    let (demo, clock) = account(DemoIdentity::SelfService);
    let created = demo
        .create_virtual_mfa_device(&new_device("jordan.lee-iphone"))
        .await
        .unwrap();
    let (c1, c2) = code_pair(&created.seed, clock.now());
    let error = demo
        .enable_mfa_device("jordan.lee", &created.serial, &c1, &c2)
        .await
        .unwrap_err();
    assert!(error.needs_mfa_session(), "{error}");
    assert!(
        matches!(
            error,
            IamError::AccessDenied {
                action: Action::EnableMfaDevice,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("explicit deny"));
    let error = demo
        .deactivate_mfa_device("jordan.lee", JORDAN_DEVICE)
        .await
        .unwrap_err();
    assert!(error.needs_mfa_session(), "{error}");

    // A wrong code opens nothing, and does not read as "open a session".
    let right = current_code(&demo, JORDAN_DEVICE, clock.now());
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    let error = demo
        .start_mfa_session(JORDAN_DEVICE, &wrong, None)
        .await
        .unwrap_err();
    // The error the AWS adapter makes of STS's AccessDenied "MultiFactorAuthentication failed".
    assert_eq!(
        error,
        IamError::InvalidAuthenticationCode(session::MFA_FAILED.into())
    );
    assert!(!error.needs_mfa_session());
    assert!(demo.mfa_session().is_none());

    let session = open_session(&demo, JORDAN_DEVICE, clock.now()).await;
    assert_eq!(demo.mfa_session(), Some(session));
    demo.enable_mfa_device("jordan.lee", &created.serial, &c1, &c2)
        .await
        .unwrap();
    demo.deactivate_mfa_device("jordan.lee", JORDAN_DEVICE)
        .await
        .unwrap();
    assert_eq!(demo.list_mfa_devices("jordan.lee").await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_session_expires_and_the_gate_closes_again() {
    let (demo, clock) = account(DemoIdentity::SelfService);
    let session = demo
        .start_mfa_session(
            JORDAN_DEVICE,
            &current_code(&demo, JORDAN_DEVICE, START),
            Some(Duration::from_secs(900)),
        )
        .await
        .unwrap();
    assert_eq!(session.expires_at, Timestamp(START as i64 + 900));
    let tags = [Tag::new("team", "payments")];
    demo.tag_mfa_device(JORDAN_DEVICE, &tags).await.unwrap();

    clock.advance(899);
    assert!(demo.mfa_session().is_some());
    clock.advance(1);
    assert!(demo.mfa_session().is_none());
    let error = demo.tag_mfa_device(JORDAN_DEVICE, &tags).await.unwrap_err();
    assert!(error.needs_mfa_session(), "{error}");
    let error = demo
        .deactivate_mfa_device("jordan.lee", JORDAN_DEVICE)
        .await
        .unwrap_err();
    assert!(error.needs_mfa_session(), "{error}");
}

#[tokio::test]
async fn a_session_takes_the_previous_code_but_not_an_older_one() {
    let (demo, _) = account(DemoIdentity::SelfService);
    let seed = demo.known_seed(JORDAN_DEVICE).unwrap();
    let w = window(START);
    let older = seed.code_for_window(w - 2);
    let error = demo
        .start_mfa_session(JORDAN_DEVICE, &older, None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InvalidAuthenticationCode");
    let session = demo
        .start_mfa_session(JORDAN_DEVICE, &seed.code_for_window(w - 1), None)
        .await
        .unwrap();
    assert_eq!(session.expires_at, Timestamp(START as i64 + 43_200));
    assert_eq!(session.serial, JORDAN_DEVICE);
}

#[tokio::test]
async fn a_session_needs_one_of_the_callers_own_devices() {
    let (demo, _) = account(DemoIdentity::SelfService);
    let alice = "arn:aws:iam::210987654321:mfa/alice.nguyen-iphone";
    let error = demo
        .start_mfa_session(alice, &current_code(&demo, alice, START), None)
        .await
        .unwrap_err();
    // STS says "MultiFactorAuthentication failed" for a serial that is not the caller's too.
    assert_eq!(error.code(), "InvalidAuthenticationCode");
    let stock = demo.hardware_stock()[0].clone();
    let error = demo
        .start_mfa_session(&stock, &current_code(&demo, &stock, START), None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InvalidAuthenticationCode");
    let error = demo
        .start_mfa_session(JORDAN_DEVICE, "12345", None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InvalidInput");
}

#[tokio::test]
async fn admin_and_root_may_open_sessions_too() {
    let (admin, _) = account(DemoIdentity::Admin);
    let serial = "arn:aws:iam::210987654321:mfa/admin-iphone";
    let session = admin
        .start_mfa_session(
            serial,
            &current_code(&admin, serial, START),
            Some(Duration::from_secs(200_000)),
        )
        .await
        .unwrap();
    assert_eq!(session.expires_at, Timestamp(START as i64 + 129_600));
    // The admin's hardware token works as well.
    open_session(&admin, "GAHT60192318", START).await;

    let (root, _) = account(DemoIdentity::Root);
    let serial = "arn:aws:iam::210987654321:mfa/ops-shared-phone";
    let session = open_session(&root, serial, START).await;
    assert_eq!(session.expires_at, Timestamp(START as i64 + 3_600));
}

#[tokio::test]
async fn root_manages_iam_users_devices() {
    let (root, _) = account(DemoIdentity::Root);
    let stock = root.hardware_stock()[0].clone();
    let seed = root.known_seed(&stock).unwrap();
    let (c1, c2) = code_pair(&seed, START);
    root.enable_mfa_device("emma.schmidt", &stock, &c1, &c2)
        .await
        .unwrap();
    root.deactivate_mfa_device("emma.schmidt", &stock)
        .await
        .unwrap();
    assert!(root.hardware_stock().contains(&stock));
    let listed = root
        .list_virtual_mfa_devices(AssignmentFilter::Assigned)
        .await
        .unwrap();
    let root_device = listed.iter().find(|d| d.is_roots()).unwrap();
    assert_eq!(root_device.name(), "ops-shared-phone");
    assert_eq!(root_device.user_name.as_deref(), Some(ROOT_LABEL));
}

#[tokio::test]
async fn pinned_policy_allows_only_the_user_name_as_device_name() {
    let (demo, clock) = account(DemoIdentity::SelfServicePinned);
    let error = demo
        .create_virtual_mfa_device(&new_device("priya-phone"))
        .await
        .unwrap_err();
    assert!(!error.needs_mfa_session(), "{error}");
    let text = error.to_string();
    assert!(
        text.contains(Action::CreateVirtualMfaDevice.as_str()),
        "{text}"
    );
    assert!(
        text.contains("arn:aws:iam::210987654321:mfa/priya-phone"),
        "{text}"
    );

    let created = demo
        .create_virtual_mfa_device(&new_device("priya.raman"))
        .await
        .unwrap();
    // No device yet: the first one needs no session.
    let (c1, c2) = code_pair(&created.seed, clock.now());
    demo.enable_mfa_device("priya.raman", &created.serial, &c1, &c2)
        .await
        .unwrap();
}

#[tokio::test]
async fn self_service_tags_at_creation_need_a_session() {
    let (demo, clock) = account(DemoIdentity::SelfService);
    let tagged = NewVirtualDevice {
        tags: vec![Tag::new("team", "payments")],
        ..new_device("jordan.lee-ipad")
    };
    let error = demo.create_virtual_mfa_device(&tagged).await.unwrap_err();
    assert!(error.needs_mfa_session(), "{error}");
    assert!(
        matches!(
            error,
            IamError::AccessDenied {
                action: Action::TagMfaDevice,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        demo.known_seed("arn:aws:iam::210987654321:mfa/jordan.lee-ipad")
            .is_none()
    );
    open_session(&demo, JORDAN_DEVICE, clock.now()).await;
    let created = demo.create_virtual_mfa_device(&tagged).await.unwrap();
    assert_eq!(
        demo.list_mfa_device_tags(&created.serial).await.unwrap(),
        tagged.tags
    );
}

#[tokio::test]
async fn input_is_validated_before_anything_else() {
    let (demo, _) = account(DemoIdentity::SelfServicePinned);
    let error = demo
        .create_virtual_mfa_device(&new_device("bad name"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InvalidInput");
    let error = demo.get_user(Some("bad name")).await.unwrap_err();
    assert_eq!(error.code(), "InvalidInput");
    let error = demo.list_mfa_device_tags("short").await.unwrap_err();
    assert_eq!(error.code(), "InvalidInput");
}

#[tokio::test]
async fn the_empty_account_holds_only_the_caller() {
    let clock = ManualClock::at(START);
    let demo = DemoAccount::empty(DemoIdentity::Admin, Arc::new(clock.clone()));
    let users = demo.list_users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].name, "admin");
    assert!(
        demo.list_virtual_mfa_devices(AssignmentFilter::Any)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(demo.hardware_stock().is_empty());

    demo.add_user("dana", "/ops/").unwrap();
    let serial = demo
        .add_assigned_virtual_device("dana", "dana-phone")
        .unwrap();
    assert_eq!(
        demo.list_mfa_devices("dana").await.unwrap()[0].serial,
        serial
    );
    assert!(demo.known_seed(&serial).is_some());
    let seed = Seed::generate();
    demo.stock_hardware_token("GAHT00000001", seed.clone())
        .unwrap();
    assert_eq!(demo.known_seed("GAHT00000001"), Some(seed));
    let passkey = demo.register_passkey("dana", "titan-key").unwrap();
    assert_eq!(DeviceKind::from_serial(&passkey), DeviceKind::Passkey);

    let root = DemoAccount::empty(DemoIdentity::Root, Arc::new(clock));
    assert!(root.list_users().await.unwrap().is_empty());
}

#[tokio::test]
async fn login_profiles_summary_and_credential_report() {
    let (demo, clock) = account(DemoIdentity::Admin);
    assert_eq!(demo.get_login_profile("ci-deploy").await, Ok(None));
    let profile = demo.get_login_profile("sam.wilson").await.unwrap().unwrap();
    assert_eq!(profile.user_name, "sam.wilson");
    assert_eq!(
        demo.get_login_profile("nobody").await.unwrap_err().code(),
        "NoSuchEntity"
    );
    assert!(demo.account_summary().await.unwrap().root_mfa_enabled);

    // The seeded report, 3 hours old: oliver.brown enrolled an hour ago, after it.
    let report = demo.credential_report().await.unwrap();
    assert_eq!(report.generated_at, Timestamp(START as i64 - 3 * 3_600));
    assert!(report.root().unwrap().mfa_active);
    assert!(!report.user("oliver.brown").unwrap().mfa_active);
    assert_eq!(
        report.user("ci-deploy").unwrap().password_enabled,
        Some(false)
    );
    // Younger than 4 hours: IAM keeps it.
    assert_eq!(
        demo.generate_credential_report().await,
        Ok(ReportState::Complete)
    );
    // A user created since is not in it, until IAM writes the next one (STARTED, then COMPLETE).
    demo.add_user("new.hire", "/").unwrap();
    demo.add_login_profile("new.hire").unwrap();
    assert!(
        demo.credential_report()
            .await
            .unwrap()
            .user("new.hire")
            .is_none()
    );
    clock.advance(2 * 3_600);
    assert_eq!(
        demo.generate_credential_report().await,
        Ok(ReportState::Started)
    );
    let report = demo.credential_report().await.unwrap();
    assert!(report.user("oliver.brown").unwrap().mfa_active);
    assert_eq!(
        report.user("new.hire").unwrap().password_enabled,
        Some(true)
    );

    let empty = DemoAccount::empty(DemoIdentity::Admin, Arc::new(ManualClock::at(START)));
    let missing = empty.credential_report().await.unwrap_err();
    assert_eq!(missing.code(), "ReportNotPresent");
}

#[tokio::test]
async fn roots_virtual_device_carries_the_root_arn() {
    let (demo, _) = account(DemoIdentity::Admin);
    let devices = demo
        .list_virtual_mfa_devices(AssignmentFilter::Assigned)
        .await
        .unwrap();
    let roots: Vec<_> = devices.iter().filter(|d| d.is_roots()).collect();
    assert_eq!(roots.len(), 1);
    assert_eq!(
        roots[0].user_arn.as_deref(),
        Some("arn:aws:iam::210987654321:root")
    );
    let admin = devices.iter().find(|d| d.name() == "admin-iphone").unwrap();
    assert_eq!(
        admin.user_arn.as_deref(),
        Some("arn:aws:iam::210987654321:user/admin")
    );
}

#[tokio::test]
async fn self_service_may_not_read_the_account_summary_or_report() {
    let (demo, _) = account(DemoIdentity::SelfService);
    assert_eq!(
        demo.account_summary().await.unwrap_err().code(),
        "AccessDenied"
    );
    assert_eq!(
        demo.generate_credential_report().await.unwrap_err().code(),
        "AccessDenied"
    );
}
