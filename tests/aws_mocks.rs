//! `AwsIam` against aws-smithy-mocks: what moto does not implement (resync, tags), paging, the MFA
//! session switch, and every documented error code. Errors are fed as the raw XML answers IAM and STS
//! send, so the SDK's own parser runs as it would against AWS.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_sdk_iam::Client as IamClient;
use aws_sdk_iam::operation::create_virtual_mfa_device::CreateVirtualMfaDeviceOutput;
use aws_sdk_iam::operation::list_mfa_device_tags::ListMfaDeviceTagsOutput;
use aws_sdk_iam::operation::list_users::ListUsersOutput;
use aws_sdk_iam::operation::list_virtual_mfa_devices::ListVirtualMfaDevicesOutput;
use aws_sdk_iam::operation::resync_mfa_device::ResyncMfaDeviceOutput;
use aws_sdk_iam::operation::tag_mfa_device::TagMfaDeviceOutput;
use aws_sdk_iam::operation::untag_mfa_device::UntagMfaDeviceOutput;
use aws_sdk_iam::types as iam_types;
use aws_sdk_sts::Client as StsClient;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_sdk_sts::operation::get_session_token::GetSessionTokenOutput;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::{Blob, DateTime};
use iam_mfa::iam::aws::AwsIam;
use iam_mfa::iam::{Action, Iam, IamError, IamResult, NewVirtualDevice, Tag};
use iam_mfa::otp::Seed;
use support::iam_answers::error_answer;

const SERIAL: &str = "arn:aws:iam::123456789012:mfa/alice-phone";
const USER: &str = "alice";
/// The access key of the test-default credentials of a mocked client.
const BASE_ACCESS_KEY: &str = "ANOTREAL";
const SESSION_ACCESS_KEY: &str = "ASIASESSIONKEY";
/// Retries as the SDK does them, without the real back-off waits.
const ATTEMPTS: u32 = 2;

// ---- mocked clients -------------------------------------------------------------------------------

/// Records the access key each request was signed with (from the SigV4 Authorization header).
#[derive(Debug, Clone, Default)]
struct SignedWith(Arc<Mutex<Vec<String>>>);

impl SignedWith {
    fn keys(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl Intercept for SignedWith {
    fn name(&self) -> &'static str {
        "SignedWith"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // "AWS4-HMAC-SHA256 Credential=AKID/20090213/us-east-1/iam/aws4_request, ..."
        let authorization = context
            .request()
            .headers()
            .get("authorization")
            .unwrap_or_default();
        let key = authorization
            .split("Credential=")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default();
        self.0.lock().unwrap().push(key.to_string());
        Ok(())
    }
}

fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(1))
}

/// `AwsIam` over mocked clients; rules repeat as often as they match.
fn mocked(iam_rules: &[&Rule], sts_rules: &[&Rule], signed_with: &SignedWith) -> AwsIam {
    let recorder = signed_with.clone();
    let iam = mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        iam_rules.iter().copied(),
        move |config| config
            .retry_config(fast_retries())
            .interceptor(recorder.clone())
    );
    let recorder = signed_with.clone();
    let sts = mock_client!(
        aws_sdk_sts,
        RuleMode::MatchAny,
        sts_rules.iter().copied(),
        move |config| config
            .retry_config(fast_retries())
            .interceptor(recorder.clone())
    );
    AwsIam::from_clients(iam, sts)
}

fn mocked_iam(rules: &[&Rule]) -> AwsIam {
    mocked(rules, &[], &SignedWith::default())
}

fn mocked_sts(rules: &[&Rule]) -> AwsIam {
    mocked(&[], rules, &SignedWith::default())
}

fn iam_user(name: &str) -> iam_types::User {
    iam_types::User::builder()
        .user_name(name)
        .user_id(format!("AIDA{}", name.to_uppercase()))
        .arn(format!("arn:aws:iam::123456789012:user/{name}"))
        .path("/")
        .create_date(DateTime::from_secs(1_700_000_000))
        .build()
        .unwrap()
}

fn sdk_tag(key: &str, value: &str) -> iam_types::Tag {
    iam_types::Tag::builder()
        .key(key)
        .value(value)
        .build()
        .unwrap()
}

// ---- operations moto does not implement ------------------------------------------------------------

#[tokio::test]
async fn resync_sends_user_serial_and_both_codes() {
    let rule = mock!(IamClient::resync_mfa_device)
        .match_requests(|input| {
            input.user_name() == Some(USER)
                && input.serial_number() == Some(SERIAL)
                && input.authentication_code1() == Some("123456")
                && input.authentication_code2() == Some("654321")
        })
        .then_output(|| ResyncMfaDeviceOutput::builder().build());
    let iam = mocked_iam(&[&rule]);
    iam.resync_mfa_device(USER, SERIAL, "123456", "654321")
        .await
        .expect("resync");
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn tag_and_untag_send_the_tags_and_keys() {
    let tag = mock!(IamClient::tag_mfa_device)
        .match_requests(|input| {
            input.serial_number() == Some(SERIAL)
                && input.tags() == [sdk_tag("owner", "ops"), sdk_tag("team", "blue")]
        })
        .then_output(|| TagMfaDeviceOutput::builder().build());
    let untag = mock!(IamClient::untag_mfa_device)
        .match_requests(|input| {
            input.serial_number() == Some(SERIAL) && input.tag_keys() == ["owner".to_string()]
        })
        .then_output(|| UntagMfaDeviceOutput::builder().build());
    let iam = mocked_iam(&[&tag, &untag]);
    iam.tag_mfa_device(
        SERIAL,
        &[Tag::new("owner", "ops"), Tag::new("team", "blue")],
    )
    .await
    .expect("tag");
    iam.untag_mfa_device(SERIAL, &["owner".to_string()])
        .await
        .expect("untag");
    assert_eq!((tag.num_calls(), untag.num_calls()), (1, 1));
}

#[tokio::test]
async fn list_tags_follows_every_page() {
    let first = mock!(IamClient::list_mfa_device_tags)
        .match_requests(|input| {
            input.serial_number() == Some(SERIAL)
                && input.marker().is_none()
                && input.max_items() == Some(1000)
        })
        .then_output(|| {
            ListMfaDeviceTagsOutput::builder()
                .tags(sdk_tag("a", "1"))
                .tags(sdk_tag("b", "2"))
                .is_truncated(true)
                .marker("page-2")
                .build()
                .unwrap()
        });
    let second = mock!(IamClient::list_mfa_device_tags)
        .match_requests(|input| input.marker() == Some("page-2"))
        .then_output(|| {
            ListMfaDeviceTagsOutput::builder()
                .tags(sdk_tag("c", "3"))
                .is_truncated(false)
                .build()
                .unwrap()
        });
    let iam = mocked_iam(&[&first, &second]);
    let tags = iam.list_mfa_device_tags(SERIAL).await.expect("list tags");
    assert_eq!(
        tags,
        [Tag::new("a", "1"), Tag::new("b", "2"), Tag::new("c", "3")]
    );
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}

#[tokio::test]
async fn list_users_follows_markers_and_stops_on_a_repeated_one() {
    let first = mock!(IamClient::list_users)
        .match_requests(|input| input.marker().is_none() && input.max_items() == Some(1000))
        .then_output(|| {
            ListUsersOutput::builder()
                .users(iam_user("alice"))
                .is_truncated(true)
                .marker("m1")
                .build()
                .unwrap()
        });
    // A broken endpoint that hands out the same marker again must not loop forever.
    let repeating = mock!(IamClient::list_users)
        .match_requests(|input| input.marker() == Some("m1"))
        .then_output(|| {
            ListUsersOutput::builder()
                .users(iam_user("bob"))
                .is_truncated(true)
                .marker("m1")
                .build()
                .unwrap()
        });
    let iam = mocked_iam(&[&first, &repeating]);
    let names: Vec<String> = iam
        .list_users()
        .await
        .expect("list users")
        .into_iter()
        .map(|user| user.name)
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!((first.num_calls(), repeating.num_calls()), (1, 1));
}

#[tokio::test]
async fn users_and_virtual_devices_keep_their_fields() {
    let users = mock!(IamClient::list_users).then_output(|| {
        ListUsersOutput::builder()
            .users(
                iam_types::User::builder()
                    .user_name("carol")
                    .user_id("AIDACAROL")
                    .arn("arn:aws:iam::123456789012:user/ops/carol")
                    .path("/ops/")
                    .create_date(DateTime::from_secs(1_700_000_000))
                    .password_last_used(DateTime::from_secs(1_700_000_600))
                    .build()
                    .unwrap(),
            )
            .is_truncated(false)
            .build()
            .unwrap()
    });
    let devices = mock!(IamClient::list_virtual_mfa_devices)
        .match_requests(|input| {
            input.assignment_status() == Some(&iam_types::AssignmentStatusType::Unassigned)
        })
        .then_output(|| {
            ListVirtualMfaDevicesOutput::builder()
                .virtual_mfa_devices(
                    iam_types::VirtualMfaDevice::builder()
                        .serial_number(SERIAL)
                        .build()
                        .unwrap(),
                )
                .is_truncated(false)
                .build()
                .unwrap()
        });
    let iam = mocked_iam(&[&users, &devices]);
    let user = &iam.list_users().await.unwrap()[0];
    assert_eq!(
        (user.name.as_str(), user.path.as_str(), user.created.0),
        ("carol", "/ops/", 1_700_000_000)
    );
    assert_eq!(user.password_last_used.map(|t| t.0), Some(1_700_000_600));
    let unassigned = iam
        .list_virtual_mfa_devices(iam_mfa::iam::AssignmentFilter::Unassigned)
        .await
        .unwrap();
    assert_eq!(unassigned.len(), 1);
    assert_eq!(unassigned[0].name(), "alice-phone");
    assert!(!unassigned[0].is_assigned());
}

#[tokio::test]
async fn create_sends_path_and_tags_and_reads_the_base32_seed() {
    const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let rule = mock!(IamClient::create_virtual_mfa_device)
        .match_requests(|input| {
            input.virtual_mfa_device_name() == Some("alice-phone")
                && input.path() == Some("/team/")
                && input.tags() == [sdk_tag("owner", "alice")]
        })
        .then_output(|| {
            CreateVirtualMfaDeviceOutput::builder()
                .virtual_mfa_device(
                    iam_types::VirtualMfaDevice::builder()
                        .serial_number("arn:aws:iam::123456789012:mfa/team/alice-phone")
                        .base32_string_seed(Blob::new(SEED.as_bytes().to_vec()))
                        .qr_code_png(Blob::new(b"\x89PNG not read".to_vec()))
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let iam = mocked_iam(&[&rule]);
    let created = iam
        .create_virtual_mfa_device(&NewVirtualDevice {
            name: "alice-phone".into(),
            path: Some("/team/".into()),
            tags: vec![Tag::new("owner", "alice")],
        })
        .await
        .expect("create");
    assert_eq!(
        created.serial,
        "arn:aws:iam::123456789012:mfa/team/alice-phone"
    );
    assert_eq!(created.seed, Seed::from_base32(SEED).unwrap());
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn create_without_tags_sends_none() {
    let rule = mock!(IamClient::create_virtual_mfa_device)
        .match_requests(|input| input.tags.is_none() && input.path().is_none())
        .then_output(|| {
            CreateVirtualMfaDeviceOutput::builder()
                .virtual_mfa_device(
                    iam_types::VirtualMfaDevice::builder()
                        .serial_number(SERIAL)
                        .base32_string_seed(Blob::new(b"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".to_vec()))
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let iam = mocked_iam(&[&rule]);
    let request = NewVirtualDevice {
        name: "alice-phone".into(),
        path: None,
        tags: vec![],
    };
    iam.create_virtual_mfa_device(&request)
        .await
        .expect("create");
    assert_eq!(rule.num_calls(), 1);
}

// ---- the MFA session ----------------------------------------------------------------------------

fn session_token_rule(expiration: SystemTime) -> Rule {
    mock!(StsClient::get_session_token)
        .match_requests(|input| {
            input.serial_number() == Some(SERIAL)
                && input.token_code() == Some("123456")
                // 60 seconds is below STS's minimum: clamped to 900.
                && input.duration_seconds() == Some(900)
        })
        .then_output(move || {
            GetSessionTokenOutput::builder()
                .credentials(
                    aws_sdk_sts::types::Credentials::builder()
                        .access_key_id(SESSION_ACCESS_KEY)
                        .secret_access_key("session-secret")
                        .session_token("session-token")
                        .expiration(DateTime::from(expiration))
                        .build()
                        .unwrap(),
                )
                .build()
        })
}

fn caller_identity_rule() -> Rule {
    mock!(StsClient::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder()
            .account("123456789012")
            .arn("arn:aws:iam::123456789012:user/alice")
            .user_id("AIDAALICE")
            .build()
    })
}

fn empty_devices_rule() -> Rule {
    mock!(IamClient::list_mfa_devices).then_output(|| {
        aws_sdk_iam::operation::list_mfa_devices::ListMfaDevicesOutput::builder()
            .set_mfa_devices(Some(vec![]))
            .is_truncated(false)
            .build()
            .unwrap()
    })
}

#[tokio::test]
async fn an_mfa_session_signs_every_later_call_with_its_credentials() {
    let expiration = SystemTime::now() + Duration::from_secs(900);
    let token = session_token_rule(expiration);
    let identity = caller_identity_rule();
    let devices = empty_devices_rule();
    let signed_with = SignedWith::default();
    let iam = mocked(&[&devices], &[&token, &identity], &signed_with);

    iam.caller_identity().await.expect("identity before");
    let session = iam
        .start_mfa_session(SERIAL, "123456", Some(Duration::from_secs(60)))
        .await
        .expect("session");
    assert_eq!(session.serial, SERIAL);
    assert_eq!(
        session.expires_at.0,
        DateTime::from(expiration).secs(),
        "expiry as STS sent it"
    );
    assert_eq!(iam.mfa_session(), Some(session));
    iam.caller_identity().await.expect("identity in session");
    iam.list_mfa_devices(USER)
        .await
        .expect("iam call in session");

    assert_eq!(
        signed_with.keys(),
        [
            BASE_ACCESS_KEY,    // GetCallerIdentity before
            BASE_ACCESS_KEY,    // GetSessionToken, always with the long-term credentials
            SESSION_ACCESS_KEY, // GetCallerIdentity after
            SESSION_ACCESS_KEY, // ListMFADevices after
        ]
    );
}

#[tokio::test]
async fn an_expired_session_is_dropped_and_the_base_credentials_return() {
    let token = session_token_rule(SystemTime::now() - Duration::from_secs(1));
    let identity = caller_identity_rule();
    let signed_with = SignedWith::default();
    let iam = mocked(&[], &[&token, &identity], &signed_with);

    iam.start_mfa_session(SERIAL, "123456", Some(Duration::from_secs(60)))
        .await
        .expect("session");
    assert_eq!(iam.mfa_session(), None);
    iam.caller_identity().await.expect("identity");
    assert_eq!(signed_with.keys(), [BASE_ACCESS_KEY, BASE_ACCESS_KEY]);
}

#[tokio::test]
async fn a_wrong_session_code_is_an_invalid_code_and_opens_no_session() {
    // Both wordings STS has been seen to use.
    for message in [
        "MultiFactorAuthentication failed, unable to validate MFA code",
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    ] {
        let rule = mock!(StsClient::get_session_token).then_http_response(error_answer(
            403,
            "AccessDenied",
            message,
        ));
        let iam = mocked_sts(&[&rule]);
        let result = iam.start_mfa_session(SERIAL, "000000", None).await;
        assert_eq!(
            result,
            Err(IamError::InvalidAuthenticationCode(message.into()))
        );
        assert_eq!(iam.mfa_session(), None);
    }
}

#[tokio::test]
async fn other_session_denials_name_sts_get_session_token() {
    let rule = mock!(StsClient::get_session_token).then_http_response(error_answer(
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:GetSessionToken",
    ));
    let iam = mocked_sts(&[&rule]);
    let error = iam
        .start_mfa_session(SERIAL, "123456", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, IamError::AccessDenied { action, .. } if *action == Action::GetSessionToken),
        "{error:?}"
    );
}

// ---- may_list_users --------------------------------------------------------------------------------

#[tokio::test]
async fn may_list_users_asks_for_one_user_and_reads_access_denied_as_no() {
    let allowed = mock!(IamClient::list_users)
        .match_requests(|input| input.max_items() == Some(1))
        .then_output(|| {
            ListUsersOutput::builder()
                .set_users(Some(vec![]))
                .is_truncated(false)
                .build()
                .unwrap()
        });
    assert_eq!(mocked_iam(&[&allowed]).may_list_users().await, Ok(true));

    let denied = mock!(IamClient::list_users).then_http_response(error_answer(
        403,
        "AccessDenied",
        "not authorized to perform: iam:ListUsers",
    ));
    assert_eq!(mocked_iam(&[&denied]).may_list_users().await, Ok(false));

    let expired = mock!(IamClient::list_users).then_http_response(error_answer(
        403,
        "ExpiredToken",
        "The security token included in the request is expired",
    ));
    assert!(matches!(
        mocked_iam(&[&expired]).may_list_users().await,
        Err(IamError::ExpiredCredentials(_))
    ));
}

// ---- every documented error code ---------------------------------------------------------------------

/// The operations with documented error lists (DESIGN.md section 2).
#[derive(Debug, Clone, Copy)]
enum Operation {
    Enable,
    Create,
    Delete,
    Deactivate,
    Resync,
}

impl Operation {
    fn action(self) -> Action {
        match self {
            Self::Enable => Action::EnableMfaDevice,
            Self::Create => Action::CreateVirtualMfaDevice,
            Self::Delete => Action::DeleteVirtualMfaDevice,
            Self::Deactivate => Action::DeactivateMfaDevice,
            Self::Resync => Action::ResyncMfaDevice,
        }
    }

    /// A rule that answers this operation with `answer`.
    fn failing(self, answer: impl Fn() -> HttpResponse + Send + Sync + 'static) -> Rule {
        match self {
            Self::Enable => mock!(IamClient::enable_mfa_device).then_http_response(answer),
            Self::Create => mock!(IamClient::create_virtual_mfa_device).then_http_response(answer),
            Self::Delete => mock!(IamClient::delete_virtual_mfa_device).then_http_response(answer),
            Self::Deactivate => mock!(IamClient::deactivate_mfa_device).then_http_response(answer),
            Self::Resync => mock!(IamClient::resync_mfa_device).then_http_response(answer),
        }
    }

    async fn call(self, iam: &AwsIam) -> IamResult<()> {
        match self {
            Self::Enable => {
                iam.enable_mfa_device(USER, SERIAL, "123456", "654321")
                    .await
            }
            Self::Create => iam
                .create_virtual_mfa_device(&NewVirtualDevice {
                    name: "alice-phone".into(),
                    path: None,
                    tags: vec![],
                })
                .await
                .map(drop),
            Self::Delete => iam.delete_virtual_mfa_device(SERIAL).await,
            Self::Deactivate => iam.deactivate_mfa_device(USER, SERIAL).await,
            Self::Resync => {
                iam.resync_mfa_device(USER, SERIAL, "123456", "654321")
                    .await
            }
        }
    }

    /// Calls the operation against an endpoint that answers with `status`, `code` and `message`.
    async fn fail_with(self, status: u16, code: &str, message: &str) -> (IamError, usize) {
        let rule = self.failing(error_answer(status, code, message));
        let iam = mocked_iam(&[&rule]);
        let error = self
            .call(&iam)
            .await
            .expect_err("the mocked endpoint always fails");
        (error, rule.num_calls())
    }
}

type Variant = fn(String) -> IamError;
/// An error code, the HTTP status IAM sends it with, and the variant it must become.
type DocumentedError = (&'static str, u16, Variant);

/// DESIGN.md section 2: the errors each operation documents.
const DOCUMENTED: &[(Operation, &[DocumentedError])] = &[
    (
        Operation::Enable,
        &[
            ("EntityAlreadyExists", 409, IamError::EntityAlreadyExists),
            (
                "EntityTemporarilyUnmodifiable",
                409,
                IamError::EntityTemporarilyUnmodifiable,
            ),
            (
                "InvalidAuthenticationCode",
                403,
                IamError::InvalidAuthenticationCode,
            ),
            ("LimitExceeded", 409, IamError::LimitExceeded),
            ("NoSuchEntity", 404, IamError::NoSuchEntity),
            ("ServiceFailure", 500, IamError::ServiceFailure),
            (
                "ConcurrentModification",
                409,
                IamError::ConcurrentModification,
            ),
        ],
    ),
    (
        Operation::Create,
        &[
            ("LimitExceeded", 409, IamError::LimitExceeded),
            ("InvalidInput", 400, IamError::InvalidInput),
            ("EntityAlreadyExists", 409, IamError::EntityAlreadyExists),
            (
                "ConcurrentModification",
                409,
                IamError::ConcurrentModification,
            ),
            ("ServiceFailure", 500, IamError::ServiceFailure),
        ],
    ),
    (
        Operation::Delete,
        &[
            ("NoSuchEntity", 404, IamError::NoSuchEntity),
            ("DeleteConflict", 409, IamError::DeleteConflict),
            ("LimitExceeded", 409, IamError::LimitExceeded),
            ("ServiceFailure", 500, IamError::ServiceFailure),
            (
                "ConcurrentModification",
                409,
                IamError::ConcurrentModification,
            ),
        ],
    ),
    (
        Operation::Deactivate,
        &[
            (
                "EntityTemporarilyUnmodifiable",
                409,
                IamError::EntityTemporarilyUnmodifiable,
            ),
            ("NoSuchEntity", 404, IamError::NoSuchEntity),
            ("LimitExceeded", 409, IamError::LimitExceeded),
            ("ServiceFailure", 500, IamError::ServiceFailure),
            (
                "ConcurrentModification",
                409,
                IamError::ConcurrentModification,
            ),
        ],
    ),
    (
        Operation::Resync,
        &[
            (
                "InvalidAuthenticationCode",
                403,
                IamError::InvalidAuthenticationCode,
            ),
            ("NoSuchEntity", 404, IamError::NoSuchEntity),
            ("LimitExceeded", 409, IamError::LimitExceeded),
            ("ServiceFailure", 500, IamError::ServiceFailure),
            (
                "ConcurrentModification",
                409,
                IamError::ConcurrentModification,
            ),
        ],
    ),
];

const ALL_OPERATIONS: [Operation; 5] = [
    Operation::Enable,
    Operation::Create,
    Operation::Delete,
    Operation::Deactivate,
    Operation::Resync,
];

#[tokio::test]
async fn every_documented_error_code_becomes_its_variant_with_the_message() {
    for (operation, codes) in DOCUMENTED {
        for &(code, status, variant) in *codes {
            let message = format!("{code} from {operation:?}: the details");
            let (error, _) = operation.fail_with(status, code, &message).await;
            assert_eq!(error, variant(message.clone()), "{operation:?} {code}");
            assert_eq!(error.code(), code, "{operation:?}");
            let shown = error.to_string();
            assert!(shown.contains(&message), "{shown}");
            assert!(!shown.contains('\n'), "{shown}");
        }
    }
}

#[tokio::test]
async fn access_denied_names_the_action_of_each_operation() {
    for operation in ALL_OPERATIONS {
        let message = "User: arn:aws:iam::123456789012:user/bob is not authorized to perform this";
        let (error, _) = operation.fail_with(403, "AccessDenied", message).await;
        assert_eq!(
            error,
            IamError::access_denied(operation.action(), message),
            "{operation:?}"
        );
        assert!(!error.needs_mfa_session());
        assert!(
            error
                .to_string()
                .contains(&format!("not allowed to call {}", operation.action())),
            "{error}"
        );
    }
}

#[tokio::test]
async fn an_explicit_deny_asks_for_an_mfa_session() {
    let message = "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: \
                   iam:DeactivateMFADevice on resource: user alice with an explicit deny in an \
                   identity-based policy";
    let (error, _) = Operation::Deactivate
        .fail_with(403, "AccessDenied", message)
        .await;
    assert!(error.needs_mfa_session(), "{error:?}");
    assert!(
        error.to_string().contains(&format!(
            "{} without an MFA session",
            Action::DeactivateMfaDevice
        )),
        "{error}"
    );
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk_then_reported() {
    let (error, calls) = Operation::Enable
        .fail_with(400, "Throttling", "Rate exceeded")
        .await;
    assert_eq!(error, IamError::Throttled("Rate exceeded".into()));
    assert_eq!(calls, ATTEMPTS as usize, "the SDK retried before giving up");
    assert!(error.is_transient());
}

#[tokio::test]
async fn expired_and_rejected_credentials() {
    for code in ["ExpiredToken", "RequestExpired"] {
        let (error, _) = Operation::Delete
            .fail_with(403, code, "token expired")
            .await;
        assert_eq!(error, IamError::ExpiredCredentials("token expired".into()));
    }
    for code in ["InvalidClientTokenId", "SignatureDoesNotMatch"] {
        let (error, _) = Operation::Delete
            .fail_with(
                403,
                code,
                "The security token included in the request is invalid",
            )
            .await;
        assert!(
            matches!(error, IamError::Credentials(_)),
            "{code}: {error:?}"
        );
        assert!(error.to_string().contains("--profile"), "{error}");
    }
}

#[tokio::test]
async fn an_unknown_code_keeps_its_code_and_a_one_line_message() {
    let (error, _) = Operation::Enable
        .fail_with(400, "SomethingNew", "line one\n   line two")
        .await;
    assert_eq!(
        error,
        IamError::Other {
            code: Some("SomethingNew".into()),
            message: "line one line two".into()
        }
    );
}

#[tokio::test]
async fn an_html_500_is_not_implemented() {
    // moto's answer to operations it does not implement.
    let rule = Operation::Resync.failing(|| {
        HttpResponse::new(
            StatusCode::try_from(500).unwrap(),
            SdkBody::from("<!doctype html>\n<html><title>500 Internal Server Error</title></html>"),
        )
    });
    let error = Operation::Resync
        .call(&mocked_iam(&[&rule]))
        .await
        .unwrap_err();
    match &error {
        IamError::NotImplemented { operation, message } => {
            assert_eq!(operation, "ResyncMFADevice");
            assert!(!message.contains('\n'), "{message}");
            assert!(!message.contains("<html"), "{message}");
        }
        other => panic!("expected NotImplemented, got {other:?}"),
    }
}

// ---- MFA coverage: what moto answers differently from AWS ------------------------------------------

#[tokio::test]
async fn no_login_profile_is_no_console_password_and_other_errors_stay_errors() {
    use aws_sdk_iam::operation::get_login_profile::GetLoginProfileOutput;
    let has = mock!(IamClient::get_login_profile)
        .match_requests(|input| input.user_name() == Some("alice"))
        .then_output(|| {
            GetLoginProfileOutput::builder()
                .login_profile(
                    iam_types::LoginProfile::builder()
                        .user_name("alice")
                        .create_date(DateTime::from_secs(1_700_000_000))
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let none = mock!(IamClient::get_login_profile)
        .match_requests(|input| input.user_name() == Some("ci"))
        .then_http_response(error_answer(
            404,
            "NoSuchEntity",
            "Login Profile for User ci cannot be found.",
        ));
    let denied = mock!(IamClient::get_login_profile)
        .match_requests(|input| input.user_name() == Some("bob"))
        .then_http_response(error_answer(
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/x is not authorized to perform: iam:GetLoginProfile",
        ));
    let iam = mocked_iam(&[&has, &none, &denied]);
    let alice = iam.get_login_profile("alice").await.unwrap().unwrap();
    assert_eq!(alice.created.0, 1_700_000_000);
    assert_eq!(iam.get_login_profile("ci").await, Ok(None));
    let error = iam.get_login_profile("bob").await.unwrap_err();
    assert!(
        matches!(
            error,
            IamError::AccessDenied {
                action: Action::GetLoginProfile,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn account_summary_reads_account_mfa_enabled() {
    use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput;
    // moto always answers 0; AWS answers 1 when root has a device.
    let rule = mock!(IamClient::get_account_summary).then_output(|| {
        GetAccountSummaryOutput::builder()
            .summary_map(iam_types::SummaryKeyType::AccountMfaEnabled, 1)
            .summary_map(iam_types::SummaryKeyType::Users, 12)
            .summary_map(iam_types::SummaryKeyType::MfaDevicesInUse, 9)
            .summary_map(iam_types::SummaryKeyType::AccountAccessKeysPresent, 0)
            .build()
    });
    let summary = mocked_iam(&[&rule]).account_summary().await.unwrap();
    assert!(summary.root_mfa_enabled);
    assert_eq!((summary.users, summary.mfa_devices_in_use), (12, 9));
}

#[tokio::test]
async fn credential_report_as_aws_writes_it_with_roots_row() {
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
    // The columns and values as the IAM User Guide documents them: N/A for root's password, not_supported
    // for root's password dates.
    const CSV: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,2026-11-20T10:00:00+00:00,not_supported,not_supported,true,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2021-01-01T00:00:00+00:00,true,2026-11-22T09:30:00+00:00,2021-01-01T00:00:00+00:00,N/A,false,false,N/A\n\
ci,arn:aws:iam::123456789012:user/ci,2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2021-01-01T00:00:00+00:00\n";
    let generate = mock!(IamClient::generate_credential_report).then_output(|| {
        GenerateCredentialReportOutput::builder()
            .state(iam_types::ReportStateType::Inprogress)
            .build()
    });
    let get = mock!(IamClient::get_credential_report).then_output(|| {
        GetCredentialReportOutput::builder()
            .content(Blob::new(CSV.as_bytes().to_vec()))
            .report_format(iam_types::ReportFormatType::TextCsv)
            .generated_time(DateTime::from_secs(1_795_400_000))
            .build()
    });
    let iam = mocked_iam(&[&generate, &get]);
    assert_eq!(
        iam.generate_credential_report().await,
        Ok(iam_mfa::iam::ReportState::InProgress)
    );
    let report = iam.credential_report().await.unwrap();
    assert_eq!(report.generated_at.0, 1_795_400_000);
    assert!(report.root().unwrap().mfa_active);
    assert_eq!(report.user("alice").unwrap().password_enabled, Some(true));
    assert_eq!(report.user("ci").unwrap().password_enabled, Some(false));
}

#[tokio::test]
async fn a_missing_report_keeps_iams_code() {
    let rule = mock!(IamClient::get_credential_report).then_http_response(error_answer(
        410,
        "ReportNotPresent",
        "Credential report not present. Call GenerateCredentialReport first.",
    ));
    let error = mocked_iam(&[&rule]).credential_report().await.unwrap_err();
    assert_eq!(error.code(), "ReportNotPresent");
}
