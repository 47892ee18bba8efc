//! Deterministic "random-looking" material for the demo account: seeds of seeded devices, user IDs and
//! passkey serials are derived from a label, so that a demo recording shows the same codes and IDs run
//! after run. Not cryptography: the demo's seeds are public by design (the demo shows them on screen).

use zeroize::Zeroizing;

use crate::otp::Seed;

/// Bytes of a derived seed: the size AWS uses (64 Base32 characters).
const SEED_BYTES: usize = 40;

/// The characters of IAM unique IDs (AIDA...): upper-case letters and digits.
const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// FNV-1a: a stable 64-bit hash of the label (std's hasher is not stable across releases).
fn fnv1a(label: &str) -> u64 {
    label.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// An endless byte stream determined by the label (splitmix64 seeded with the label's hash).
fn byte_stream(label: &str) -> impl Iterator<Item = u8> {
    let mut state = fnv1a(label);
    std::iter::repeat_with(move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
    .flat_map(u64::to_le_bytes)
}

/// The TOTP seed of a seeded device, derived from its label (the device name or hardware serial).
pub(super) fn seed(label: &str) -> Seed {
    let bytes: Zeroizing<Vec<u8>> = Zeroizing::new(byte_stream(label).take(SEED_BYTES).collect());
    Seed::from_bytes(&bytes)
}

/// `prefix` followed by `len` ID characters derived from the label, e.g. `AIDA` + 17 for a user ID.
pub(super) fn id(prefix: &str, label: &str, len: usize) -> String {
    let tail = byte_stream(label)
        .take(len)
        .map(|byte| char::from(ID_ALPHABET[usize::from(byte) % ID_ALPHABET.len()]));
    prefix.chars().chain(tail).collect()
}

/// A number below `bound` derived from the label, to spread seeded dates over the hours of a day.
pub(super) fn below(label: &str, bound: u64) -> u64 {
    fnv1a(label) % bound.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_aws_sized_deterministic_and_distinct() {
        let a = seed("alice.nguyen-iphone");
        assert_eq!(a.as_base32().len(), 64);
        assert_eq!(a, seed("alice.nguyen-iphone"));
        assert_ne!(a, seed("alice.nguyen-ipad"));
    }

    #[test]
    fn ids_have_the_iam_shape() {
        let user_id = id("AIDA", "jordan.lee", 17);
        assert_eq!(user_id.len(), 21);
        assert!(user_id.starts_with("AIDA"));
        assert!(
            user_id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_eq!(user_id, id("AIDA", "jordan.lee", 17));
        assert_ne!(user_id, id("AIDA", "alice.nguyen", 17));
    }

    #[test]
    fn below_stays_in_range() {
        for label in ["a", "b", "admin", "jordan.lee"] {
            assert!(below(label, 3600) < 3600);
        }
        assert_eq!(below("x", 0), 0);
    }
}
