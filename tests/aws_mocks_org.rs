//! AssumeRole into a member account through the real `AwsIam` adapter against aws-smithy-mocks: a role
//! that is missing (or that an SCP denies) is AccessDenied naming sts:AssumeRole, on that account only;
//! a role that requires MFA gets the serial and code in the request. Answers shaped as STS documents
//! them.

mod support;

use aws_sdk_sts::Client as StsClient;
use aws_sdk_sts::operation::assume_role::AssumeRoleOutput;
use aws_sdk_sts::types::Credentials as StsCredentials;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use iam_mfa::iam::aws::AwsIam;
use iam_mfa::iam::org::{Organization, RoleMfa};
use iam_mfa::iam::{Action, Code, IamError};
use support::iam_answers::error_answer;

const MEMBER: &str = "444455556666";
const SERIAL: &str = "arn:aws:iam::123456789012:mfa/admin";

/// `AwsIam` whose STS answers by `rules` (IAM is not called).
fn with_sts(rules: &[&aws_smithy_mocks::Rule]) -> AwsIam {
    let iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[]);
    let sts = mock_client!(aws_sdk_sts, RuleMode::MatchAny, rules.iter().copied());
    AwsIam::from_clients(iam, sts)
}

#[tokio::test]
async fn a_missing_role_is_access_denied_naming_assume_role() {
    let message = "User: arn:aws:iam::123456789012:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/OrganizationAccountAccessRole";
    let rule = mock!(StsClient::assume_role).then_http_response(error_answer(
        403,
        "AccessDenied",
        message,
    ));
    let management = with_sts(&[&rule]);
    let Err(error) = management
        .assume_role(MEMBER, "OrganizationAccountAccessRole", None)
        .await
    else {
        panic!("a denied AssumeRole must fail");
    };
    assert!(
        matches!(&error, IamError::AccessDenied { action, .. } if *action == Action::AssumeRole),
        "{error:?}"
    );
    assert!(error.to_string().contains("sts:AssumeRole"), "{error}");
}

#[tokio::test]
async fn a_role_that_requires_mfa_gets_the_serial_and_code() {
    let rule = mock!(StsClient::assume_role)
        .match_requests(|input| {
            input.role_arn() == Some("arn:aws:iam::444455556666:role/OrganizationAccountAccessRole")
                && input.serial_number() == Some(SERIAL)
                && input.token_code() == Some("123456")
        })
        .then_output(|| {
            AssumeRoleOutput::builder()
                .credentials(
                    StsCredentials::builder()
                        .access_key_id("ASIAEXAMPLE")
                        .secret_access_key("secret")
                        .session_token("token")
                        .expiration(DateTime::from_secs(4_102_444_800))
                        .build()
                        .expect("credentials"),
                )
                .build()
        });
    let management = with_sts(&[&rule]);
    let member = management
        .assume_role(
            MEMBER,
            "OrganizationAccountAccessRole",
            Some(RoleMfa {
                serial: SERIAL.into(),
                code: Code::from("123456"),
            }),
        )
        .await;
    let Ok(member) = member else {
        panic!("the request with serial and code did not match the rule");
    };
    assert_eq!(
        member.describe(),
        "account 444455556666 as role OrganizationAccountAccessRole"
    );
    assert_eq!(rule.num_calls(), 1);
}
