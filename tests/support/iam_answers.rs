//! Raw IAM/STS answers for aws-smithy-mocks rules, so the SDK's own response parser runs in the tests.

// Each test crate uses a different part.
#![allow(dead_code)]

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

/// An error answer as IAM (and STS, same awsQuery shape) sends it.
pub fn error_answer(
    status: u16,
    code: &str,
    message: &str,
) -> impl Fn() -> HttpResponse + Send + Sync + 'static {
    let body = format!(
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
         <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
         <RequestId>4e5f8a3c-0000-4000-8000-000000000000</RequestId></ErrorResponse>"
    );
    move || {
        HttpResponse::new(
            StatusCode::try_from(status).unwrap(),
            SdkBody::from(body.clone()),
        )
    }
}
