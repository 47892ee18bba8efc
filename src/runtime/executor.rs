//! Carries out one [`Request`] against the IAM layer. Shared by the terminal runtime and the headless
//! driver, so tests exercise the same path as the app.

use crate::app::{Reply, Request};
use crate::iam::{Iam, IamResult};

pub async fn execute(iam: &dyn Iam, request: Request) -> IamResult<Reply> {
    Ok(match request {
        Request::CallerIdentity => Reply::Identity(iam.caller_identity().await?),
        Request::MayListUsers => Reply::MayListUsers(iam.may_list_users().await?),
        Request::ListUsers => Reply::Users(iam.list_users().await?),
        Request::GetUser { user_name } => Reply::User(iam.get_user(user_name.as_deref()).await?),
        Request::ListMfaDevices { user_name } => {
            Reply::MfaDevices(iam.list_mfa_devices(&user_name).await?)
        }
        Request::ListVirtualMfaDevices { filter } => {
            Reply::VirtualMfaDevices(iam.list_virtual_mfa_devices(filter).await?)
        }
        Request::CreateVirtualMfaDevice(new_device) => {
            Reply::Created(iam.create_virtual_mfa_device(&new_device).await?)
        }
        Request::EnableMfaDevice {
            user_name,
            serial,
            code1,
            code2,
        } => {
            iam.enable_mfa_device(&user_name, &serial, &code1, &code2)
                .await?;
            Reply::Done
        }
        Request::DeactivateMfaDevice { user_name, serial } => {
            iam.deactivate_mfa_device(&user_name, &serial).await?;
            Reply::Done
        }
        Request::ResyncMfaDevice {
            user_name,
            serial,
            code1,
            code2,
        } => {
            iam.resync_mfa_device(&user_name, &serial, &code1, &code2)
                .await?;
            Reply::Done
        }
        Request::DeleteVirtualMfaDevice { serial } => {
            iam.delete_virtual_mfa_device(&serial).await?;
            Reply::Done
        }
        Request::TagMfaDevice { serial, tags } => {
            iam.tag_mfa_device(&serial, &tags).await?;
            Reply::Done
        }
        Request::UntagMfaDevice { serial, keys } => {
            iam.untag_mfa_device(&serial, &keys).await?;
            Reply::Done
        }
        Request::ListMfaDeviceTags { serial } => {
            Reply::Tags(iam.list_mfa_device_tags(&serial).await?)
        }
        Request::StartMfaSession {
            serial,
            code,
            duration,
        } => Reply::Session(iam.start_mfa_session(&serial, &code, duration).await?),
        Request::KnownSeed { serial } => Reply::KnownSeed(iam.known_seed(&serial)),
    })
}
