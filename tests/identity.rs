//! Who is calling: the app's start-up detection (STS GetCallerIdentity, then the ListUsers probe) through
//! the real `AwsIam` adapter, against aws-smithy-mocks for every kind of caller and partition, and against
//! moto for an IAM user signing with their own access key.

mod support;

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_iam::Client as IamClient;
use aws_sdk_iam::operation::list_users::ListUsersOutput;
use aws_sdk_sts::Client as StsClient;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::retry::RetryConfig;
use iam_mfa::app::Loadable;
use iam_mfa::app::session::OTHERS_PROBE_USER;
use iam_mfa::clock::ManualClock;
use iam_mfa::headless::{FIXED_NOW, Headless};
use iam_mfa::iam::aws::AwsIam;
use iam_mfa::iam::{CallerMode, Iam, IamError, Partition, Principal};
use support::iam_answers::error_answer;

const ACCOUNT: &str = "123456789012";

/// Retries as the SDK does them, without the real back-off waits.
fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(1))
}

/// STS answers GetCallerIdentity with `arn`.
fn caller(arn: &'static str) -> Rule {
    mock!(StsClient::get_caller_identity).then_output(move || {
        GetCallerIdentityOutput::builder()
            .account(ACCOUNT)
            .arn(arn)
            .user_id("AIDAEXAMPLE")
            .build()
    })
}

/// IAM answers the ListUsers probe with an empty page.
fn may_list_users() -> Rule {
    mock!(IamClient::list_users).then_output(|| {
        ListUsersOutput::builder()
            .set_users(Some(Vec::new()))
            .is_truncated(false)
            .build()
            .expect("an empty page")
    })
}

/// The second probe (ListMFADevices of a user nobody has): an admin hears the user does not exist.
fn others_probe_no_such_user() -> Rule {
    mock!(IamClient::list_mfa_devices)
        .match_requests(|input| input.user_name() == Some(OTHERS_PROBE_USER))
        .then_http_response(error_answer(
            404,
            "NoSuchEntity",
            "The user with name iam-mfa-permission-probe cannot be found.",
        ))
}

/// The second probe denied, as AWS's self-manage policy (`user/${aws:username}` only) denies it.
fn others_probe_denied(arn: &str) -> Rule {
    let message = format!(
        "User: {arn} is not authorized to perform: iam:ListMFADevices on resource: user {OTHERS_PROBE_USER} because no identity-based policy allows the iam:ListMFADevices action"
    );
    mock!(IamClient::list_mfa_devices).then_http_response(error_answer(
        403,
        "AccessDenied",
        &message,
    ))
}

/// The probe denied, as the self-service policy denies it (explicitly, without an MFA session).
fn list_users_denied(arn: &str) -> Rule {
    let message = format!(
        "User: {arn} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{ACCOUNT}:user/ with an explicit deny in an identity-based policy"
    );
    mock!(IamClient::list_users).then_http_response(error_answer(403, "AccessDenied", &message))
}

fn list_users_failing(status: u16, code: &str, message: &str) -> Rule {
    mock!(IamClient::list_users).then_http_response(error_answer(status, code, message))
}

fn aws_iam(iam_rules: &[&Rule], sts_rules: &[&Rule]) -> AwsIam {
    let iam = mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        iam_rules.iter().copied(),
        |config| { config.retry_config(fast_retries()) }
    );
    let sts = mock_client!(
        aws_sdk_sts,
        RuleMode::MatchAny,
        sts_rules.iter().copied(),
        |config| { config.retry_config(fast_retries()) }
    );
    AwsIam::from_clients(iam, sts)
}

/// The app started against `iam`, its start-up requests answered.
async fn started(iam: AwsIam) -> Headless {
    Headless::new(Arc::new(iam), ManualClock::at(FIXED_NOW), false, 120, 30).await
}

/// The header's two lines.
fn header(headless: &mut Headless) -> String {
    headless
        .screen_text()
        .lines()
        .take(2)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn root_is_detected_from_the_arn() {
    let arn = "arn:aws:iam::123456789012:root";
    let probe = others_probe_no_such_user();
    let mut headless = started(aws_iam(&[&may_list_users(), &probe], &[&caller(arn)])).await;
    assert_eq!(probe.num_calls(), 0, "root needs no second probe");
    assert_eq!(headless.app.session.principal(), Some(Principal::Root));
    assert_eq!(headless.app.session.mode, Some(CallerMode::Root));
    let header = header(&mut headless);
    assert!(header.contains("root"), "{header}");
    assert!(
        header.contains("root user  account 123456789012  arn:aws:iam::123456789012:root"),
        "{header}"
    );
    let screen = headless.screen_text();
    assert!(
        screen.contains("https://console.aws.amazon.com/iam/"),
        "{screen}"
    );
}

#[tokio::test]
async fn an_iam_user_who_may_list_users_is_an_admin() {
    let arn = "arn:aws:iam::123456789012:user/ops/alice";
    let probe = others_probe_no_such_user();
    let mut headless = started(aws_iam(&[&may_list_users(), &probe], &[&caller(arn)])).await;
    assert_eq!(probe.num_calls(), 1);
    assert_eq!(headless.app.session.mode, Some(CallerMode::Admin));
    assert_eq!(
        headless.app.session.own_user_name().as_deref(),
        Some("alice")
    );
    let header = header(&mut headless);
    assert!(header.contains("admin"), "{header}");
    assert!(
        header
            .contains("user alice  account 123456789012  arn:aws:iam::123456789012:user/ops/alice"),
        "{header}"
    );
}

#[tokio::test]
async fn an_iam_user_denied_list_users_is_self_service() {
    let arn = "arn:aws:iam::123456789012:user/jordan";
    let probe = list_users_denied(arn);
    let mut headless = started(aws_iam(&[&probe], &[&caller(arn)])).await;
    assert_eq!(probe.num_calls(), 1);
    assert_eq!(headless.app.session.mode, Some(CallerMode::SelfService));
    assert!(headless.app.session.is_self_service());
    let header = header(&mut headless);
    assert!(header.contains("self-service"), "{header}");
}

/// AWS's documented self-manage policy allows ListUsers: the second probe tells the user apart.
#[tokio::test]
async fn a_user_who_may_list_users_but_not_manage_them_is_self_service() {
    let arn = "arn:aws:iam::123456789012:user/jordan";
    let probe = others_probe_denied(arn);
    let mut headless = started(aws_iam(&[&may_list_users(), &probe], &[&caller(arn)])).await;
    assert_eq!(probe.num_calls(), 1);
    assert_eq!(headless.app.session.mode, Some(CallerMode::SelfService));
    assert!(header(&mut headless).contains("self-service"));
}

#[tokio::test]
async fn a_probe_failing_for_another_reason_does_not_make_a_self_service_user() {
    let arn = "arn:aws:iam::123456789012:user/alice";
    let second_probe_failing = mock!(IamClient::list_mfa_devices).then_http_response(error_answer(
        500,
        "ServiceFailure",
        "Internal failure",
    ));
    let cases: [&[&Rule]; 2] = [
        &[&list_users_failing(400, "Throttling", "Rate exceeded")],
        &[&may_list_users(), &second_probe_failing],
    ];
    for rules in cases {
        let mut headless = started(aws_iam(rules, &[&caller(arn)])).await;
        assert_eq!(headless.app.session.mode, None);
        let problem = headless
            .app
            .session
            .mode_problem()
            .cloned()
            .expect("the reason is kept");
        assert!(
            matches!(
                problem,
                IamError::Throttled(_) | IamError::ServiceFailure(_)
            ),
            "{problem:?}"
        );
        let header = header(&mut headless);
        assert!(header.contains("mode unknown"), "{header}");
        assert!(!header.contains("self-service"), "{header}");
        let notice = headless
            .app
            .notice()
            .expect("the failure is told")
            .text
            .clone();
        assert!(
            notice.contains("Could not tell whether you manage other users"),
            "{notice}"
        );
    }
}

#[tokio::test]
async fn an_assumed_role_is_a_role_session_whatever_it_may_list() {
    let arn =
        "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123abcd/alice@example.com";
    for probe in [may_list_users(), list_users_denied(arn)] {
        let second = others_probe_no_such_user();
        let mut headless = started(aws_iam(&[&probe, &second], &[&caller(arn)])).await;
        assert_eq!(second.num_calls(), 0, "a role needs no second probe");
        assert_eq!(headless.app.session.mode, Some(CallerMode::Role));
        assert_eq!(headless.app.session.own_user_name(), None);
        let header = header(&mut headless);
        assert!(header.contains("role session"), "{header}");
        assert!(
            header.contains("role AWSReservedSSO_Admin_0123abcd (session alice@example.com)"),
            "{header}"
        );
    }
}

#[tokio::test]
async fn a_federated_user_is_a_role_session() {
    let arn = "arn:aws:sts::123456789012:federated-user/carol";
    let mut headless = started(aws_iam(&[&may_list_users()], &[&caller(arn)])).await;
    assert_eq!(headless.app.session.mode, Some(CallerMode::Role));
    assert!(header(&mut headless).contains("federated user carol"));
}

#[tokio::test]
async fn china_and_govcloud_arns_keep_their_partition() {
    let cases = [
        (
            "arn:aws-cn:iam::123456789012:user/wang.li",
            Partition::AwsCn,
            CallerMode::Admin,
        ),
        (
            "arn:aws-us-gov:iam::123456789012:root",
            Partition::AwsUsGov,
            CallerMode::Root,
        ),
        (
            "arn:aws-us-gov:sts::123456789012:assumed-role/Ops/bob",
            Partition::AwsUsGov,
            CallerMode::Role,
        ),
    ];
    for (arn, partition, mode) in cases {
        let rules = [&may_list_users(), &others_probe_no_such_user()];
        let mut headless = started(aws_iam(&rules, &[&caller(arn)])).await;
        let identity = headless
            .app
            .session
            .identity
            .loaded()
            .cloned()
            .expect("identity");
        assert_eq!(identity.partition(), partition, "{arn}");
        assert_eq!(headless.app.session.mode, Some(mode), "{arn}");
        let header = header(&mut headless);
        assert!(
            header.contains(&format!("account 123456789012 ({})", partition.as_str())),
            "{header}"
        );
        assert!(header.contains(arn), "{header}");
        if mode == CallerMode::Root {
            let screen = headless.screen_text();
            assert!(screen.contains(partition.console_url()), "{screen}");
        }
    }
}

#[tokio::test]
async fn a_failed_identity_is_shown_and_sets_no_mode() {
    let sts = mock!(StsClient::get_caller_identity).then_http_response(error_answer(
        403,
        "ExpiredToken",
        "The security token included in the request is expired",
    ));
    let mut headless = started(aws_iam(&[&may_list_users()], &[&sts])).await;
    assert!(matches!(
        headless.app.session.identity,
        Loadable::Failed(IamError::ExpiredCredentials(_))
    ));
    assert_eq!(headless.app.session.mode, None);
    let header = header(&mut headless);
    assert!(header.contains("The credentials have expired"), "{header}");
}

/// moto: an IAM user signing with their own access key is that user, and (moto checks no policy) an admin.
#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn moto_iam_user_caller() {
    let user = support::moto::create_user("identity").await;
    let key = support::moto::raw_iam()
        .create_access_key()
        .user_name(&user)
        .send()
        .await
        .expect("CreateAccessKey on moto")
        .access_key
        .expect("an access key");
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(support::moto::endpoint())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            key.access_key_id(),
            key.secret_access_key(),
            None,
            None,
            "moto-identity-test",
        )))
        .build();
    let iam = AwsIam::from_sdk_config(&config);
    let identity = iam.caller_identity().await.expect("GetCallerIdentity");
    assert_eq!(
        identity.arn,
        format!("arn:aws:iam::{}:user/{user}", support::moto::ACCOUNT_ID)
    );

    let mut headless = started(iam).await;
    assert_eq!(headless.app.session.own_user_name(), Some(user.clone()));
    assert_eq!(headless.app.session.mode, Some(CallerMode::Admin));
    let header = header(&mut headless);
    assert!(header.contains(&format!("user {user}")), "{header}");
}
