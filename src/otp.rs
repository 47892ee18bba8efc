//! TOTP for IAM virtual devices: the seed (zeroized on drop, never printed), codes (RFC 6238: SHA1,
//! 6 digits, 30-second step), the otpauth URI for the QR code, and the local check of a code pair before it
//! is sent, so a stale or mistyped pair never leaves a device out of sync.

use std::fmt;

use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::Zeroizing;

use crate::clock::UnixSeconds;

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: usize = 6;
/// AWS seeds are 40 random bytes, 64 Base32 characters.
const GENERATED_SEED_BYTES: usize = 40;
/// How far back a code is still recognised, to tell "stale" from "typo" (ten windows: five minutes).
const STALE_LOOKBACK_WINDOWS: i64 = 10;

/// A TOTP seed as Base32 text. Zeroized on drop; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed {
    base32: Zeroizing<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    #[error("the secret key is empty")]
    Empty,
    #[error("the secret key may only hold the letters A to Z and the digits 2 to 7")]
    NotBase32,
}

impl Seed {
    /// Parses Base32 text as AWS returns it or a person types it: spaces, dashes and padding are ignored,
    /// lower case is accepted.
    pub fn from_base32(text: &str) -> Result<Self, SeedError> {
        let normalized: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !matches!(c, ' ' | '-' | '='))
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        if normalized.is_empty() {
            return Err(SeedError::Empty);
        }
        if !normalized
            .chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        {
            return Err(SeedError::NotBase32);
        }
        let seed = Self { base32: normalized };
        // Unpadded Base32 ends on a whole byte only at these lengths (mod 8).
        if !matches!(seed.base32.len() % 8, 0 | 2 | 4 | 5 | 7) || seed.secret().is_none() {
            return Err(SeedError::NotBase32);
        }
        Ok(seed)
    }

    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self {
            base32: Zeroizing::new(Secret::from(bytes).to_base32()),
        }
    }

    /// A fresh random seed of the size AWS uses.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; GENERATED_SEED_BYTES]);
        getrandom::getrandom(bytes.as_mut()).expect("the operating system has no random source");
        Self::from_bytes(bytes.as_ref())
    }

    pub fn as_base32(&self) -> &str {
        &self.base32
    }

    /// The secret in groups of four, as the console's "Show secret key" and as people type it.
    pub fn grouped(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(self.base32.len() * 5 / 4));
        for (i, c) in self.base32.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }

    fn secret(&self) -> Option<Secret> {
        Secret::try_from_base32(self.base32.as_str()).ok()
    }

    fn totp(&self) -> Totp {
        // `build_noncompliant`: AWS's 40-byte seeds pass any check, but RFC 6238's own 20-byte test secret
        // and seeds typed from other tools would be refused by totp-rs's 128-bit minimum.
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS as u8)
            .with_step_duration(STEP_SECONDS)
            .with_secret(self.secret().unwrap_or_else(|| Secret::from(Vec::new())))
            .build_noncompliant()
    }

    /// The code for the time step that contains `unix`.
    pub fn code_at(&self, unix: UnixSeconds) -> String {
        self.totp().generate(unix).to_string()
    }

    /// The code of a time-step index (`unix / 30`).
    pub fn code_for_window(&self, window: i64) -> String {
        self.code_at(window.max(0) as u64 * STEP_SECONDS)
    }

    /// The URI an authenticator app scans, as the console's QR code has it ([`UriForm::WithIssuer`]).
    pub fn otpauth_uri(&self, device_name: &str, account_name: &str) -> Zeroizing<String> {
        self.otpauth_uri_as(UriForm::WithIssuer, device_name, account_name)
    }

    /// The URI in either form AWS uses.
    pub fn otpauth_uri_as(
        &self,
        form: UriForm,
        device_name: &str,
        account_name: &str,
    ) -> Zeroizing<String> {
        let label = percent_encode(&format!("{device_name}@{account_name}"));
        let secret = self.as_base32();
        Zeroizing::new(match form {
            UriForm::WithIssuer => format!(
                "otpauth://totp/{ISSUER_ENCODED}:{label}?secret={secret}&issuer={ISSUER_ENCODED}"
            ),
            UriForm::Short => format!("otpauth://totp/{label}?secret={secret}"),
        })
    }
}

const ISSUER: &str = "Amazon Web Services";
const ISSUER_ENCODED: &str = "Amazon%20Web%20Services";

/// The two payloads AWS uses for a virtual device's QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriForm {
    /// What the console's QR code holds: the label `Amazon Web Services:DEVICE@ACCOUNT` and the issuer,
    /// so that apps file the entry under "Amazon Web Services".
    WithIssuer,
    /// The shorter form AWS documents for CreateVirtualMFADevice,
    /// `otpauth://totp/DEVICE@ACCOUNT?secret=...`: 39 bytes fewer, one QR version smaller, but apps
    /// show the bare label, with no issuer.
    Short,
}

impl UriForm {
    /// What an authenticator app lists the entry as (Google Authenticator, Authy and 1Password show the
    /// issuer, when there is one, above or before the label).
    pub fn app_listing(self, device_name: &str, account_name: &str) -> String {
        match self {
            Self::WithIssuer => format!("{ISSUER} ({device_name}@{account_name})"),
            Self::Short => format!("{device_name}@{account_name}"),
        }
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Seed(<redacted>)")
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The index of the 30-second window that contains `unix`.
pub fn window(unix: UnixSeconds) -> i64 {
    (unix / STEP_SECONDS) as i64
}

/// Seconds until the current code changes (1 to 30).
pub fn seconds_left(unix: UnixSeconds) -> u64 {
    STEP_SECONDS - unix % STEP_SECONDS
}

/// True for exactly six ASCII digits, what IAM accepts as an authentication code.
pub fn is_code_format(code: &str) -> bool {
    code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

/// Which of the two code fields a problem belongs to, so the message appears where it was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeField {
    First,
    Second,
}

/// Why a pair of codes would not activate (or resync) the device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PairProblem {
    #[error("Authentication code 1 needs six digits")]
    Code1Format,
    #[error("Authentication code 2 needs six digits")]
    Code2Format,
    #[error(
        "Both codes are the same: wait for the app to show the next code and enter that as code 2"
    )]
    SameCode,
    #[error(
        "Code 1 is stale (from about {seconds_ago} seconds ago): enter the code shown now, then the next one"
    )]
    Code1Stale { seconds_ago: u64 },
    #[error(
        "Code 1 does not match this secret: check for a typo, and that the app holds this device's entry"
    )]
    Code1Typo,
    #[error("Code 2 does not match this secret: check for a typo")]
    Code2Typo,
    #[error("Code 2 must be the code that comes right after code 1")]
    NotConsecutive,
}

impl PairProblem {
    pub fn field(&self) -> CodeField {
        match self {
            Self::Code1Format | Self::Code1Stale { .. } | Self::Code1Typo => CodeField::First,
            Self::Code2Format | Self::SameCode | Self::Code2Typo | Self::NotConsecutive => {
                CodeField::Second
            }
        }
    }
}

/// Checks the format of both codes (all that can be checked without the seed).
pub fn check_pair_format(code1: &str, code2: &str) -> Result<(), PairProblem> {
    if !is_code_format(code1) {
        return Err(PairProblem::Code1Format);
    }
    if !is_code_format(code2) {
        return Err(PairProblem::Code2Format);
    }
    if code1 == code2 {
        return Err(PairProblem::SameCode);
    }
    Ok(())
}

/// The rule for a pair at time `now`: code 1 is the code of the current window or the one before, and
/// code 2 is the code of the window right after code 1's.
pub fn check_pair(
    seed: &Seed,
    code1: &str,
    code2: &str,
    now: UnixSeconds,
) -> Result<(), PairProblem> {
    check_pair_format(code1, code2)?;
    let current = window(now);
    let find = |code: &str| {
        (-STALE_LOOKBACK_WINDOWS..=1)
            .rev()
            .find(|offset| seed.code_for_window(current + offset) == code)
    };
    let offset1 = find(code1).ok_or(PairProblem::Code1Typo)?;
    if offset1 < -1 {
        let seconds_ago = (now % STEP_SECONDS) + (-offset1 as u64 - 1) * STEP_SECONDS;
        return Err(PairProblem::Code1Stale { seconds_ago });
    }
    if seed.code_for_window(current + offset1 + 1) == code2 {
        return Ok(());
    }
    match find(code2) {
        None => Err(PairProblem::Code2Typo),
        Some(_) => Err(PairProblem::NotConsecutive),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA1 rows: the secret is the ASCII text "12345678901234567890";
    /// IAM's codes are the last six digits of the eight-digit values.
    fn rfc_seed() -> Seed {
        Seed::from_bytes(b"12345678901234567890")
    }

    #[test]
    fn rfc6238_sha1_vectors() {
        let seed = rfc_seed();
        for (time, eight_digits) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(seed.code_at(time), eight_digits[2..], "at {time}");
        }
    }

    #[test]
    fn base32_is_normalized_and_checked() {
        let seed = Seed::from_base32("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq==").unwrap();
        assert_eq!(seed.as_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(seed, rfc_seed());
        assert_eq!(Seed::from_base32("  "), Err(SeedError::Empty));
        assert_eq!(Seed::from_base32("ABC1"), Err(SeedError::NotBase32));
        assert_eq!(Seed::from_base32("A"), Err(SeedError::NotBase32));
    }

    #[test]
    fn generated_seed_is_aws_sized_and_random() {
        let a = Seed::generate();
        assert_eq!(a.as_base32().len(), 64);
        assert_ne!(a, Seed::generate());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let seed = rfc_seed();
        let shown = format!("{seed:?}");
        assert!(!shown.contains("GEZD"), "{shown}");
    }

    #[test]
    fn grouped_in_fours() {
        assert_eq!(
            rfc_seed().grouped().as_str(),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
    }

    #[test]
    fn short_uri_is_the_documented_form() {
        let seed = rfc_seed();
        assert_eq!(
            seed.otpauth_uri_as(UriForm::Short, "alice phone", "123456789012")
                .as_str(),
            "otpauth://totp/alice%20phone@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(
            UriForm::Short.app_listing("alice", "123456789012"),
            "alice@123456789012"
        );
        assert_eq!(
            UriForm::WithIssuer.app_listing("alice", "123456789012"),
            "Amazon Web Services (alice@123456789012)"
        );
    }

    #[test]
    fn otpauth_uri_carries_label_secret_and_issuer() {
        let uri = rfc_seed().otpauth_uri("alice phone", "123456789012");
        assert_eq!(
            uri.as_str(),
            "otpauth://totp/Amazon%20Web%20Services:alice%20phone@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services"
        );
    }

    #[test]
    fn countdown() {
        assert_eq!(seconds_left(59), 1);
        assert_eq!(seconds_left(60), 30);
        assert_eq!(window(59), 1);
        assert_eq!(window(60), 2);
    }

    // Code-pair rules at RFC 6238 window edges. Window 37 037 036 starts at 1 111 111 080 and holds
    // 1 111 111 109 (code 081804); the next window starts at 1 111 111 110 (code 050471).
    const EDGE_LAST_SECOND: u64 = 1_111_111_109;
    const EDGE_FIRST_SECOND: u64 = 1_111_111_110;

    fn codes_around(now: u64) -> impl Fn(i64) -> String {
        let seed = rfc_seed();
        move |offset| seed.code_for_window(window(now) + offset)
    }

    #[test]
    fn pair_of_previous_and_current_is_accepted_on_both_sides_of_an_edge() {
        let seed = rfc_seed();
        assert_eq!(seed.code_at(EDGE_LAST_SECOND), "081804");
        assert_eq!(seed.code_at(EDGE_FIRST_SECOND), "050471");
        // Typed 081804 in the last second, then 050471 in the first second of the next window.
        assert_eq!(
            check_pair(&seed, "081804", "050471", EDGE_FIRST_SECOND),
            Ok(())
        );
        // Checked the instant the second code appeared, or with code 2 taken from the "next" panel.
        assert_eq!(
            check_pair(&seed, "081804", "050471", EDGE_LAST_SECOND),
            Ok(())
        );
    }

    #[test]
    fn pair_from_two_windows_back_is_stale() {
        let seed = rfc_seed();
        let code = codes_around(EDGE_FIRST_SECOND);
        let now = EDGE_FIRST_SECOND + 2 * STEP_SECONDS; // two windows later
        assert_eq!(
            check_pair(&seed, &code(-1), &code(0), now),
            Err(PairProblem::Code1Stale { seconds_ago: 60 })
        );
    }

    #[test]
    fn one_window_too_late_is_still_fine_but_two_is_not() {
        let seed = rfc_seed();
        let code = codes_around(EDGE_FIRST_SECOND);
        // code1 = previous window, code2 = current: fine until the window ends.
        assert!(check_pair(&seed, &code(-1), &code(0), EDGE_FIRST_SECOND + 29).is_ok());
        // A second later code1 is two windows back.
        assert!(matches!(
            check_pair(&seed, &code(-1), &code(0), EDGE_FIRST_SECOND + 30),
            Err(PairProblem::Code1Stale { .. })
        ));
    }

    #[test]
    fn same_code_twice() {
        let seed = rfc_seed();
        let code = codes_around(EDGE_FIRST_SECOND);
        assert_eq!(
            check_pair(&seed, &code(0), &code(0), EDGE_FIRST_SECOND),
            Err(PairProblem::SameCode)
        );
    }

    #[test]
    fn not_consecutive_and_reversed() {
        let seed = rfc_seed();
        let code = codes_around(EDGE_FIRST_SECOND);
        assert_eq!(
            check_pair(&seed, &code(-1), &code(1), EDGE_FIRST_SECOND),
            Err(PairProblem::NotConsecutive)
        );
        assert_eq!(
            check_pair(&seed, &code(0), &code(-1), EDGE_FIRST_SECOND),
            Err(PairProblem::NotConsecutive)
        );
    }

    #[test]
    fn typos_are_told_apart_by_field() {
        let seed = rfc_seed();
        let code = codes_around(EDGE_FIRST_SECOND);
        let typo = |c: String| {
            let mut b = c.into_bytes();
            b[5] = if b[5] == b'9' { b'0' } else { b[5] + 1 };
            String::from_utf8(b).unwrap()
        };
        let e = check_pair(&seed, &typo(code(-1)), &code(0), EDGE_FIRST_SECOND).unwrap_err();
        assert_eq!(
            (e.clone(), e.field()),
            (PairProblem::Code1Typo, CodeField::First)
        );
        let e = check_pair(&seed, &code(-1), &typo(code(0)), EDGE_FIRST_SECOND).unwrap_err();
        assert_eq!(
            (e.clone(), e.field()),
            (PairProblem::Code2Typo, CodeField::Second)
        );
    }

    #[test]
    fn format_is_checked_first() {
        let seed = rfc_seed();
        assert_eq!(
            check_pair(&seed, "12345", "123456", 0),
            Err(PairProblem::Code1Format)
        );
        assert_eq!(
            check_pair(&seed, "123456", "12a456", 0),
            Err(PairProblem::Code2Format)
        );
        assert_eq!(check_pair_format("123456", "654321"), Ok(()));
    }
}
