//! The IAM layer on the real AWS SDK (aws-sdk-iam, aws-sdk-sts). PLACEHOLDER: being written.

use super::*;

/// Where to find credentials and the endpoint: the standard chain plus the CLI's overrides.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

pub struct AwsIam {}

impl AwsIam {
    /// Loads the shared config (env, profiles, SSO) with the overrides applied.
    pub async fn connect(_settings: &AwsSettings) -> IamResult<Self> {
        Err(IamError::Other {
            code: None,
            message: "not yet".into(),
        })
    }
}
