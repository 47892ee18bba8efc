//! SDK shapes to our domain types and back. Nothing here talks to the network.

use aws_sdk_iam::types as sdk;
use aws_smithy_types::{Blob, DateTime};
use zeroize::Zeroizing;

use crate::iam::{
    AccountSummary, AssignmentFilter, CredentialReport, IamError, IamResult, MfaDevice,
    ReportState, Tag, Timestamp, User, VirtualMfaDevice,
};
use crate::otp::Seed;

pub(super) fn timestamp(date: &DateTime) -> Timestamp {
    Timestamp(date.secs())
}

pub(super) fn user(user: sdk::User) -> User {
    User {
        created: timestamp(&user.create_date),
        password_last_used: user.password_last_used.as_ref().map(timestamp),
        name: user.user_name,
        user_id: user.user_id,
        arn: user.arn,
        path: user.path,
    }
}

pub(super) fn mfa_device(device: sdk::MfaDevice) -> MfaDevice {
    MfaDevice {
        enabled_at: timestamp(&device.enable_date),
        user_name: device.user_name,
        serial: device.serial_number,
    }
}

pub(super) fn virtual_mfa_device(device: sdk::VirtualMfaDevice) -> VirtualMfaDevice {
    VirtualMfaDevice {
        user_arn: device.user.as_ref().map(|user| user.arn.clone()),
        user_name: device.user.map(|user| user.user_name),
        enabled_at: device.enable_date.as_ref().map(timestamp),
        serial: device.serial_number,
    }
}

pub(super) fn account_summary(
    map: std::collections::HashMap<sdk::SummaryKeyType, i32>,
) -> AccountSummary {
    let count = |key: sdk::SummaryKeyType| {
        map.get(&key)
            .and_then(|value| u32::try_from(*value).ok())
            .unwrap_or(0)
    };
    AccountSummary {
        root_mfa_enabled: count(sdk::SummaryKeyType::AccountMfaEnabled) > 0,
        users: count(sdk::SummaryKeyType::Users),
        mfa_devices: count(sdk::SummaryKeyType::MfaDevices),
        mfa_devices_in_use: count(sdk::SummaryKeyType::MfaDevicesInUse),
    }
}

pub(super) fn report_state(state: Option<&sdk::ReportStateType>) -> ReportState {
    match state {
        Some(sdk::ReportStateType::Complete) => ReportState::Complete,
        Some(sdk::ReportStateType::Inprogress) => ReportState::InProgress,
        // STARTED, or a state this SDK does not know yet: not ready, ask again.
        _ => ReportState::Started,
    }
}

pub(super) fn credential_report(
    output: aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput,
) -> IamResult<CredentialReport> {
    let unreadable = |message: String| IamError::Other {
        code: Some("UnreadableCredentialReport".to_string()),
        message,
    };
    let generated_at = output
        .generated_time
        .as_ref()
        .map(timestamp)
        .ok_or_else(|| unreadable("the credential report came without its GeneratedTime".into()))?;
    let content = output.content.map(Blob::into_inner).unwrap_or_default();
    CredentialReport::parse(&content, generated_at).map_err(unreadable)
}

pub(super) fn assignment_status(filter: AssignmentFilter) -> sdk::AssignmentStatusType {
    match filter {
        AssignmentFilter::Any => sdk::AssignmentStatusType::Any,
        AssignmentFilter::Assigned => sdk::AssignmentStatusType::Assigned,
        AssignmentFilter::Unassigned => sdk::AssignmentStatusType::Unassigned,
    }
}

pub(super) fn tag(tag: sdk::Tag) -> Tag {
    Tag {
        key: tag.key,
        value: tag.value,
    }
}

pub(super) fn sdk_tag(tag: &Tag) -> IamResult<sdk::Tag> {
    sdk::Tag::builder()
        .key(&tag.key)
        .value(&tag.value)
        .build()
        .map_err(|error| IamError::InvalidInput(format!("tag {:?}: {error}", tag.key)))
}

pub(super) fn sdk_tags(tags: &[Tag]) -> IamResult<Vec<sdk::Tag>> {
    tags.iter().map(sdk_tag).collect()
}

/// `Base32StringSeed` is a Blob holding the ASCII Base32 text. The raw bytes are wiped once parsed.
pub(super) fn seed(blob: Option<Blob>) -> IamResult<Seed> {
    let raw = Zeroizing::new(blob.map(Blob::into_inner).unwrap_or_default());
    let unreadable = |why: &str| IamError::Other {
        code: None,
        message: format!(
            "the new device's secret key could not be read ({why}); delete the device and try again"
        ),
    };
    let text = std::str::from_utf8(&raw).map_err(|_| unreadable("not text"))?;
    Seed::from_base32(text).map_err(|error| unreadable(&error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_from_the_base32_text_blob() {
        let seed = seed(Some(Blob::new(
            b"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".to_vec(),
        )))
        .unwrap();
        assert_eq!(seed, Seed::from_bytes(b"12345678901234567890"));
    }

    #[test]
    fn missing_or_bad_seed_is_an_error_without_the_bytes() {
        assert!(seed(None).is_err());
        let error = seed(Some(Blob::new(b"NOT BASE32 1!".to_vec()))).unwrap_err();
        assert!(!error.to_string().contains("BASE32 1"), "{error}");
        assert!(seed(Some(Blob::new(vec![0xff, 0xfe]))).is_err());
    }

    #[test]
    fn virtual_device_without_user_is_unassigned() {
        let device = sdk::VirtualMfaDevice::builder()
            .serial_number("arn:aws:iam::1:mfa/x")
            .build()
            .unwrap();
        let device = virtual_mfa_device(device);
        assert_eq!(device.user_name, None);
        assert!(!device.is_assigned());
    }

    #[test]
    fn dates_become_whole_seconds() {
        assert_eq!(
            timestamp(&DateTime::from_fractional_secs(1_700_000_000, 0.7)),
            Timestamp(1_700_000_000)
        );
    }
}
