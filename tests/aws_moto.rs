//! Every IAM/STS operation moto implements, through the real aws-sdk-iam/sts clients of `AwsIam`, against
//! the moto server that `scripts/test.sh` starts (`IAM_MFA_MOTO_ENDPOINT`). moto checks almost no rule
//! (any code is accepted), so these tests prove the wire path: requests, responses, paging, error codes.
//! Each test makes its own users and devices, so they run in parallel on one server. Without the `moto`
//! feature (a plain `cargo test`) they are ignored; `scripts/test.sh` turns it on.

mod support;

use std::time::Duration;

use iam_mfa::iam::aws::{AwsIam, AwsSettings, ConnectError};
use iam_mfa::iam::{AssignmentFilter, DeviceKind, Iam, IamError, NewVirtualDevice, Tag};
use support::moto::{self, ACCOUNT_ID};

/// Creates a virtual device for a fresh user and enables it; returns (user, serial).
async fn enrolled_device(iam: &AwsIam, prefix: &str) -> (String, String) {
    let user = moto::create_user(prefix).await;
    let created = iam
        .create_virtual_mfa_device(&NewVirtualDevice {
            name: moto::unique_name(prefix),
            path: None,
            tags: vec![],
        })
        .await
        .expect("create");
    iam.enable_mfa_device(&user, &created.serial, "123456", "654321")
        .await
        .expect("enable");
    (user, created.serial)
}

async fn virtual_serials(iam: &AwsIam, filter: AssignmentFilter) -> Vec<String> {
    iam.list_virtual_mfa_devices(filter)
        .await
        .expect("list virtual devices")
        .into_iter()
        .map(|device| device.serial)
        .collect()
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn caller_identity_is_moto_s_account() {
    let identity = moto::aws_iam()
        .caller_identity()
        .await
        .expect("caller identity");
    assert_eq!(identity.account, ACCOUNT_ID);
    assert!(identity.arn.starts_with("arn:aws:"), "{}", identity.arn);
    assert!(!identity.user_id.is_empty());
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn may_list_users_is_true_on_moto() {
    assert_eq!(moto::aws_iam().may_list_users().await, Ok(true));
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn list_users_returns_every_user() {
    let created = [
        moto::create_user("list-users").await,
        moto::create_user("list-users").await,
        moto::create_user("list-users").await,
    ];
    let users = moto::aws_iam().list_users().await.expect("list users");
    for name in &created {
        let user = users
            .iter()
            .find(|user| &user.name == name)
            .unwrap_or_else(|| panic!("{name} missing from ListUsers"));
        assert_eq!(user.arn, format!("arn:aws:iam::{ACCOUNT_ID}:user/{name}"));
        assert_eq!(user.path, "/");
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn get_user_by_name_and_missing_user() {
    let iam = moto::aws_iam();
    let name = moto::create_user("get-user").await;
    let user = iam.get_user(Some(&name)).await.expect("get user");
    assert_eq!(user.name, name);
    assert!(!user.user_id.is_empty());
    assert!(user.created.0 > 1_600_000_000, "{:?}", user.created);

    let missing = iam.get_user(Some("no-such-user-anywhere")).await;
    assert!(
        matches!(missing, Err(IamError::NoSuchEntity(_))),
        "{missing:?}"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn get_user_without_name_is_the_caller() {
    // moto answers for the access key's user, or its "default_user" for unknown keys.
    let user = moto::aws_iam().get_user(None).await.expect("get own user");
    assert!(!user.name.is_empty());
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn create_with_path_and_tags_returns_the_serial_and_a_64_character_seed() {
    let iam = moto::aws_iam();
    let name = moto::unique_name("create");
    let created = iam
        .create_virtual_mfa_device(&NewVirtualDevice {
            name: name.clone(),
            path: Some("/team/".into()),
            tags: vec![Tag::new("owner", "ops"), Tag::new("purpose", "test")],
        })
        .await
        .expect("create");
    assert_eq!(
        created.serial,
        format!("arn:aws:iam::{ACCOUNT_ID}:mfa/team/{name}")
    );
    let seed = created.seed.as_base32();
    assert_eq!(
        seed.len(),
        64,
        "AWS and moto seeds are 64 Base32 characters"
    );
    assert!(
        seed.chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
    );
    // The seed gives working TOTP codes.
    assert_eq!(created.seed.code_at(1_700_000_000).len(), 6);

    let unassigned = virtual_serials(&iam, AssignmentFilter::Unassigned).await;
    assert!(unassigned.contains(&created.serial));
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn creating_a_taken_name_is_entity_already_exists() {
    let iam = moto::aws_iam();
    let request = NewVirtualDevice {
        name: moto::unique_name("taken"),
        path: None,
        tags: vec![],
    };
    iam.create_virtual_mfa_device(&request)
        .await
        .expect("first create");
    let second = iam.create_virtual_mfa_device(&request).await;
    assert!(
        matches!(second, Err(IamError::EntityAlreadyExists(_))),
        "{second:?}"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn enable_then_list_by_user_and_by_each_filter() {
    let iam = moto::aws_iam();
    let (user, serial) = enrolled_device(&iam, "enable").await;

    let devices = iam.list_mfa_devices(&user).await.expect("list mfa devices");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].user_name, user);
    assert_eq!(devices[0].serial, serial);
    assert_eq!(devices[0].kind(), DeviceKind::Virtual);

    let any = iam
        .list_virtual_mfa_devices(AssignmentFilter::Any)
        .await
        .expect("list any");
    let listed = any
        .iter()
        .find(|device| device.serial == serial)
        .expect("device in Any");
    assert_eq!(listed.user_name.as_deref(), Some(user.as_str()));
    assert!(listed.enabled_at.is_some());

    assert!(
        virtual_serials(&iam, AssignmentFilter::Assigned)
            .await
            .contains(&serial)
    );
    assert!(
        !virtual_serials(&iam, AssignmentFilter::Unassigned)
            .await
            .contains(&serial)
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn deactivate_unassigns_and_delete_removes() {
    let iam = moto::aws_iam();
    let (user, serial) = enrolled_device(&iam, "deactivate").await;

    iam.deactivate_mfa_device(&user, &serial)
        .await
        .expect("deactivate");
    assert_eq!(iam.list_mfa_devices(&user).await, Ok(vec![]));
    assert!(
        virtual_serials(&iam, AssignmentFilter::Unassigned)
            .await
            .contains(&serial)
    );
    assert!(
        !virtual_serials(&iam, AssignmentFilter::Assigned)
            .await
            .contains(&serial)
    );

    iam.delete_virtual_mfa_device(&serial)
        .await
        .expect("delete");
    assert!(
        !virtual_serials(&iam, AssignmentFilter::Any)
            .await
            .contains(&serial)
    );

    let again = iam.delete_virtual_mfa_device(&serial).await;
    assert!(matches!(again, Err(IamError::NoSuchEntity(_))), "{again:?}");
    let deactivate_again = iam.deactivate_mfa_device(&user, &serial).await;
    assert!(
        matches!(deactivate_again, Err(IamError::NoSuchEntity(_))),
        "{deactivate_again:?}"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn mfa_session_switches_later_calls_to_its_credentials() {
    let iam = moto::aws_iam();
    let (user, serial) = enrolled_device(&iam, "session").await;
    assert_eq!(iam.mfa_session(), None);

    // moto ignores the code; AWS would check it against the device.
    let session = iam
        .start_mfa_session(&serial, "123456", Some(Duration::from_secs(3600)))
        .await
        .expect("start session");
    assert_eq!(session.serial, serial);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(session.expires_at.0 > now, "{session:?}");
    assert_eq!(iam.mfa_session(), Some(session));

    // Later calls are signed with the session credentials and still work.
    assert_eq!(
        iam.caller_identity().await.expect("identity").account,
        ACCOUNT_ID
    );
    let devices = iam.list_mfa_devices(&user).await.expect("list in session");
    assert_eq!(devices[0].serial, serial);
    iam.deactivate_mfa_device(&user, &serial)
        .await
        .expect("deactivate in session");
    iam.delete_virtual_mfa_device(&serial)
        .await
        .expect("delete in session");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn unimplemented_operations_are_not_implemented() {
    let iam = moto::aws_iam();
    let (user, serial) = enrolled_device(&iam, "resync").await;

    let resync = iam
        .resync_mfa_device(&user, &serial, "123456", "654321")
        .await;
    match resync {
        Err(IamError::NotImplemented { operation, message }) => {
            assert_eq!(operation, "ResyncMFADevice");
            assert!(!message.contains('\n'), "{message}");
        }
        other => panic!("expected NotImplemented, got {other:?}"),
    }
    let tags = iam.list_mfa_device_tags(&serial).await;
    assert!(
        matches!(&tags, Err(IamError::NotImplemented { operation, .. }) if operation == "ListMFADeviceTags"),
        "{tags:?}"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_device_made_with_the_raw_sdk_is_listed_with_the_same_serial_and_user() {
    let raw = moto::raw_iam();
    let user = moto::create_user("raw").await;
    let output = raw
        .create_virtual_mfa_device()
        .virtual_mfa_device_name(moto::unique_name("raw"))
        .send()
        .await
        .expect("raw create");
    let serial = output.virtual_mfa_device.expect("device").serial_number;
    raw.enable_mfa_device()
        .user_name(&user)
        .serial_number(&serial)
        .authentication_code1("111111")
        .authentication_code2("222222")
        .send()
        .await
        .expect("raw enable");

    let iam = moto::aws_iam();
    let listed = iam
        .list_virtual_mfa_devices(AssignmentFilter::Assigned)
        .await
        .expect("list");
    let device = listed
        .iter()
        .find(|device| device.serial == serial)
        .expect("raw device listed");
    assert_eq!(device.user_name.as_deref(), Some(user.as_str()));
    let by_user = iam.list_mfa_devices(&user).await.expect("list by user");
    assert_eq!(by_user.len(), 1);
    assert_eq!(by_user[0].serial, serial);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn a_missing_profile_is_refused_before_any_call() {
    // Through `connect`, as the binary does; the endpoint is moto, so nothing leaves loopback. The
    // message itself, with the profiles that do exist, is checked in tests/cli.rs.
    let result = AwsIam::connect(&AwsSettings {
        profile: Some("iam-mfa-test-no-such-profile".into()),
        region: Some("us-east-1".into()),
        endpoint_url: Some(moto::endpoint()),
    })
    .await;
    match result {
        Err(ConnectError::NoProfile { name, .. }) => {
            assert_eq!(name, "iam-mfa-test-no-such-profile")
        }
        other => panic!("expected no such profile, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_network_error_naming_it() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let endpoint = "http://127.0.0.1:1";
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("testing", "testing", None, None, "test"),
            ),
        )
        .build();
    let result = AwsIam::from_sdk_config(&config).list_users().await;
    match result {
        Err(IamError::Network(message)) => assert!(message.contains(endpoint), "{message}"),
        other => panic!("expected a network error, got {other:?}"),
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn login_profiles_summary_and_credential_report_on_moto() {
    let iam = moto::aws_iam();
    let person = moto::create_user("console").await;
    let service = moto::create_user("keys-only").await;
    moto::raw_iam()
        .create_login_profile()
        .user_name(&person)
        .password("Correct-Horse-9")
        .send()
        .await
        .expect("create login profile");
    let profile = iam.get_login_profile(&person).await.expect("get profile");
    assert_eq!(profile.map(|p| p.user_name), Some(person.clone()));
    assert_eq!(iam.get_login_profile(&service).await, Ok(None));

    // moto answers AccountMFAEnabled = 0 whatever root has; the call itself is what is proven here.
    let summary = iam.account_summary().await.expect("account summary");
    assert!(!summary.root_mfa_enabled);

    // moto's report: no root row, `not_supported` where AWS writes N/A, a fixed 2015 GeneratedTime.
    let mut state = iam.generate_credential_report().await.expect("generate");
    for _ in 0..20 {
        if state == iam_mfa::iam::ReportState::Complete {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        state = iam.generate_credential_report().await.expect("generate");
    }
    let report = iam.credential_report().await.expect("report");
    assert!(report.root().is_none(), "moto writes no root row");
    let row = report.user(&person).expect("the user is in the report");
    assert_eq!(row.password_enabled, Some(true));
    assert!(!row.mfa_active);
    assert!(
        report
            .user(&service)
            .is_some_and(|r| r.password_enabled == Some(false))
    );
}
