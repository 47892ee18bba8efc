//! Reaching a member account through the real SDK against moto: sts:AssumeRole into
//! `arn:aws:iam::<member>:role/OrganizationAccountAccessRole` gives an `Iam` acting in that account only
//! (moto keeps each account's IAM apart for assumed credentials). moto's AssumeRole never fails, so a
//! missing role is tested elsewhere (aws-smithy-mocks). Gated like tests/aws_moto.rs.

mod support;

use iam_mfa::iam::org::Organization;
use iam_mfa::iam::{AssignmentFilter, Iam, NewVirtualDevice};
use iam_mfa::org::DEFAULT_ORG_ROLE;
use support::moto::{self, ACCOUNT_ID};

#[tokio::test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
async fn an_assumed_member_account_is_its_own_account() {
    let management = moto::aws_iam();
    let member_id = "222233334444";
    let member = management
        .assume_role(member_id, DEFAULT_ORG_ROLE, None)
        .await
        .expect("assume role into the member");
    let identity = member.caller_identity().await.expect("member identity");
    assert_eq!(identity.account, member_id);
    assert!(
        identity
            .arn
            .contains(&format!("assumed-role/{DEFAULT_ORG_ROLE}/")),
        "{}",
        identity.arn
    );
    assert_ne!(identity.account, ACCOUNT_ID);
    let name = moto::unique_name("member-orphan");
    let created = member
        .create_virtual_mfa_device(&NewVirtualDevice {
            name: name.clone(),
            path: None,
            tags: vec![],
        })
        .await
        .expect("create in the member");
    assert!(
        created.serial.contains(&format!("::{member_id}:mfa/")),
        "{}",
        created.serial
    );
    let in_member = member
        .list_virtual_mfa_devices(AssignmentFilter::Unassigned)
        .await
        .expect("list in the member");
    assert!(in_member.iter().any(|d| d.serial == created.serial));
    let in_management = management
        .list_virtual_mfa_devices(AssignmentFilter::Any)
        .await
        .expect("list in the management account");
    assert!(
        !in_management.iter().any(|d| d.serial == created.serial),
        "the device exists in the member account only"
    );
    member
        .delete_virtual_mfa_device(&created.serial)
        .await
        .expect("clean up");
}
