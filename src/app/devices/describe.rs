//! How a device is named in the screen's sentences.

use crate::iam::{DeviceKind, MfaDevice, device_name_from_serial};

/// "virtual device alice-phone" / "hardware TOTP token GAHT…" / "passkey/security key yubikey-…".
pub fn describe(device: &MfaDevice) -> String {
    match device.kind() {
        DeviceKind::Virtual => {
            format!("virtual device {}", device_name_from_serial(&device.serial))
        }
        DeviceKind::Hardware => format!("hardware TOTP token {}", device.serial),
        DeviceKind::Passkey => {
            format!(
                "passkey/security key {}",
                device_name_from_serial(&device.serial)
            )
        }
        DeviceKind::Sms => format!("SMS device {}", device.serial),
    }
}
