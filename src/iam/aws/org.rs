//! [`Organization`] on the SDK: sts:AssumeRole into `arn:<partition>:iam::<member>:role/<name>`, signed
//! with the clients in use (the MFA session's while it lasts), and an [`AwsIam`] on the temporary
//! credentials, which stay inside it.

use std::sync::Arc;

use async_trait::async_trait;

use super::AwsIam;
use crate::iam::org::{Organization, RoleMfa, role_arn};
use crate::iam::{Action, Iam, IamResult};

/// Shows in CloudTrail of the member account as the session name: who did it, through which tool.
const ROLE_SESSION_NAME: &str = "iam-mfa";
const PROVIDER_NAME: &str = "iam-mfa-member-account";

/// The partition of the region the clients sign in ("cn-north-1" is aws-cn, "us-gov-west-1" aws-us-gov).
fn partition_of(region: Option<&str>) -> &'static str {
    match region {
        Some(region) if region.starts_with("cn-") => "aws-cn",
        Some(region) if region.starts_with("us-gov-") => "aws-us-gov",
        _ => "aws",
    }
}

#[async_trait]
impl Organization for AwsIam {
    async fn assume_role(
        &self,
        account_id: &str,
        role_name: &str,
        mfa: Option<RoleMfa>,
    ) -> IamResult<Arc<dyn Iam>> {
        let clients = self.clients();
        let region = clients.sts.config().region().map(|r| r.to_string());
        let arn = role_arn(partition_of(region.as_deref()), account_id, role_name);
        let mut request = clients
            .sts
            .assume_role()
            .role_arn(&arn)
            .role_session_name(ROLE_SESSION_NAME);
        if let Some(mfa) = &mfa {
            request = request
                .serial_number(&mfa.serial)
                .token_code(mfa.code.as_str());
        }
        let output = request
            .send()
            .await
            .map_err(|e| self.fail(Action::AssumeRole, e))?;
        let credentials =
            super::temporary_credentials(output.credentials, "AssumeRole", PROVIDER_NAME)?;
        let description = format!("account {account_id} as role {role_name}");
        Ok(Arc::new(AwsIam::new(
            self.base.with_credentials(credentials),
            description,
            self.endpoint.clone(),
            None,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_is_in_the_partition_of_the_region() {
        assert_eq!(partition_of(Some("eu-west-1")), "aws");
        assert_eq!(partition_of(Some("cn-north-1")), "aws-cn");
        assert_eq!(partition_of(Some("us-gov-west-1")), "aws-us-gov");
        assert_eq!(partition_of(None), "aws");
        assert_eq!(
            role_arn("aws", "111122223333", "OrganizationAccountAccessRole"),
            "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"
        );
    }
}
