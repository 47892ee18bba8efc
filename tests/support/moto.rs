//! The moto IAM stand-in that `scripts/test.sh` starts: its address, clients pointed at it with static
//! test credentials, and names that keep tests running in parallel on one server out of each other's way.

// Each test crate uses a different part.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use iam_mfa::iam::aws::AwsIam;

pub const ENDPOINT_VARIABLE: &str = "IAM_MFA_MOTO_ENDPOINT";
/// moto's fixed account.
pub const ACCOUNT_ID: &str = "123456789012";

/// The moto URL from the environment. Fails the test, never skips it, when moto is not running.
pub fn endpoint() -> String {
    let endpoint = std::env::var(ENDPOINT_VARIABLE).unwrap_or_else(|_| {
        panic!(
            "{ENDPOINT_VARIABLE} is not set: these tests need the moto server. Run scripts/test.sh, \
             which starts moto on a free loopback port and runs every test against it."
        )
    });
    // Tests talk to loopback only, never to real AWS.
    assert!(
        endpoint.starts_with("http://127.0.0.1:") || endpoint.starts_with("http://localhost:"),
        "{ENDPOINT_VARIABLE} must be a loopback URL, not {endpoint}"
    );
    endpoint
}

/// A config for moto built by hand: static test credentials and us-east-1, nothing read from the
/// environment or the shared config files.
pub fn sdk_config() -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "moto-tests",
        )))
        .build()
}

/// Our IAM layer pointed at moto.
pub fn aws_iam() -> AwsIam {
    AwsIam::from_sdk_config(&sdk_config())
}

/// A raw SDK client, for what our trait does not do (CreateUser) and to cross-check it.
pub fn raw_iam() -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk_config())
}

/// A name no other test (and no earlier run against the same server) uses: `prefix-<run>-<n>`.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or_default()
        ^ u64::from(std::process::id());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{:x}-{n}", run & 0xffff_ffff)
}

/// Creates an IAM user in moto (our trait has no CreateUser) and returns its name.
pub async fn create_user(prefix: &str) -> String {
    let name = unique_name(prefix);
    raw_iam()
        .create_user()
        .user_name(&name)
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "CreateUser {name} on moto: {}",
                aws_smithy_types::error::display::DisplayErrorContext(&e)
            )
        });
    name
}
