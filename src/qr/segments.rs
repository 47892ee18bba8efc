//! The shortest split of a text into numeric, alphanumeric and byte segments.
//!
//! The `qrcode` crate's own optimizer merges segments greedily; on an otpauth URI whose device name holds
//! a few digits ("phone-2026") it can come out longer than plain byte mode and cost a whole version.
//! This is the exact minimum, by dynamic programming over the characters: the cost of every way to end
//! at each character in each mode, kept in sixths of a bit so that numeric (10 bits per 3 digits) and
//! alphanumeric (11 bits per 2 characters) runs add up exactly, rounded up when a segment closes.

use qrcode::optimize::Segment;
use qrcode::types::Mode;

/// The modes a URI may use (kanji never applies).
const MODES: [Mode; 3] = [Mode::Numeric, Mode::Alphanumeric, Mode::Byte];

/// Bits of a segment's header: the 4-bit mode indicator and the character count, whose width depends on
/// the version range.
fn header_bits(mode: Mode, version: i16) -> usize {
    let range = match version {
        ..=9 => 0,
        10..=26 => 1,
        _ => 2,
    };
    let count_bits = match mode {
        Mode::Numeric => [10, 12, 14],
        Mode::Alphanumeric => [9, 11, 13],
        _ => [8, 16, 16],
    };
    4 + count_bits[range]
}

/// Sixths of a bit one character costs in `mode`, if `mode` can hold it.
fn sixths_per_char(mode: Mode, byte: u8) -> Option<usize> {
    let alphanumeric =
        byte.is_ascii_digit() || byte.is_ascii_uppercase() || b" $%*+-./:".contains(&byte);
    match mode {
        Mode::Numeric if byte.is_ascii_digit() => Some(20),
        Mode::Alphanumeric if alphanumeric => Some(33),
        Mode::Byte => Some(48),
        _ => None,
    }
}

fn index(mode: Mode) -> usize {
    MODES.iter().position(|&m| m == mode).unwrap_or(2)
}

/// The segments of `data` with the fewest bits in `version`'s range, and that number of bits.
pub fn shortest(data: &[u8], version: i16) -> (Vec<Segment>, usize) {
    if data.is_empty() {
        return (Vec::new(), 0);
    }
    let close = |sixths: usize| sixths.div_ceil(6) * 6;
    // cost[m]: the least sixths for the characters so far with the last segment, still open, in MODES[m];
    // came_from[i][m]: the mode of character i - 1 on that way.
    let mut cost: [Option<usize>; 3] = [None; 3];
    let mut came_from: Vec<[usize; 3]> = Vec::with_capacity(data.len());
    for (i, &byte) in data.iter().enumerate() {
        let mut next: [Option<usize>; 3] = [None; 3];
        let mut from = [0; 3];
        for (m, &mode) in MODES.iter().enumerate() {
            let Some(per_char) = sixths_per_char(mode, byte) else {
                continue;
            };
            let opening = header_bits(mode, version) * 6;
            let mut best: Option<(usize, usize)> = None;
            if i == 0 {
                best = Some((opening, m));
            }
            for (k, previous) in cost.iter().enumerate() {
                let Some(previous) = *previous else { continue };
                let total = if k == m {
                    previous
                } else {
                    close(previous) + opening
                };
                if best.is_none_or(|(b, _)| total < b) {
                    best = Some((total, k));
                }
            }
            if let Some((total, k)) = best {
                next[m] = Some(total + per_char);
                from[m] = k;
            }
        }
        cost = next;
        came_from.push(from);
    }
    let (last, sixths) = cost
        .iter()
        .enumerate()
        .filter_map(|(m, c)| c.map(|c| (m, close(c))))
        .min_by_key(|&(_, c)| c)
        .expect("byte mode holds every character");
    // Walk back: the mode of each character, then runs of one mode as segments.
    let mut modes = vec![0; data.len()];
    let mut mode = last;
    for i in (0..data.len()).rev() {
        modes[i] = mode;
        mode = came_from[i][mode];
    }
    let mut segments: Vec<Segment> = Vec::new();
    for (i, &m) in modes.iter().enumerate() {
        match segments.last_mut() {
            Some(segment) if index(segment.mode) == m => segment.end = i + 1,
            _ => segments.push(Segment {
                mode: MODES[m],
                begin: i,
                end: i + 1,
            }),
        }
    }
    (segments, sixths / 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modes(data: &str, version: i16) -> Vec<(Mode, &str)> {
        shortest(data.as_bytes(), version)
            .0
            .into_iter()
            .map(|s| (s.mode, &data[s.begin..s.end]))
            .collect()
    }

    #[test]
    fn a_base32_seed_goes_in_alphanumeric_mode() {
        let uri = "otpauth://totp/d@123456789012?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let segments = modes(uri, 5);
        assert_eq!(
            segments.last(),
            Some(&(Mode::Alphanumeric, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))
        );
    }

    #[test]
    fn short_digit_runs_stay_in_byte_mode() {
        // Switching to numeric for "2026" and back costs more than the 32 bits it takes as bytes.
        assert_eq!(
            modes("phone-2026-x", 12),
            vec![(Mode::Byte, "phone-2026-x")]
        );
        let (_, bits) = shortest(b"phone-2026-x", 12);
        assert_eq!(bits, 4 + 16 + 12 * 8);
    }

    #[test]
    fn counts_bits_exactly() {
        // 5 digits: 4 + 10 + 10 (3 digits) + 7 (2 digits).
        assert_eq!(shortest(b"12345", 1).1, 31);
        // 3 alphanumeric characters: 4 + 9 + 11 + 6.
        assert_eq!(shortest(b"AB:", 1).1, 30);
        assert_eq!(shortest(b"", 1), (Vec::new(), 0));
    }

    #[test]
    fn never_longer_than_the_crates_optimizer() {
        use qrcode::bits::Bits;
        use qrcode::optimize::{Optimizer, Parser};
        let texts = [
            "otpauth://totp/Amazon%20Web%20Services:ben.carter-phone_2026-11-23.work@210987654321?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services",
            "a1b22c333d4444e55555FFFFFF666666",
            "HELLO world 12345678901234567890",
        ];
        for text in texts {
            for version in [1, 10, 27] {
                let theirs: Vec<Segment> = Optimizer::new(
                    Parser::new(text.as_bytes()),
                    qrcode::Version::Normal(version),
                )
                .collect();
                let mut bits = Bits::new(qrcode::Version::Normal(version));
                bits.push_segments(text.as_bytes(), theirs.into_iter())
                    .unwrap();
                let (ours, our_bits) = shortest(text.as_bytes(), version);
                let mut check = Bits::new(qrcode::Version::Normal(version));
                check
                    .push_segments(text.as_bytes(), ours.into_iter())
                    .unwrap();
                assert_eq!(check.len(), our_bits, "{text}, version {version}");
                assert!(
                    our_bits <= bits.len(),
                    "{text}: {our_bits} > {}",
                    bits.len()
                );
            }
        }
    }
}
