//! iTerm2's inline images (OSC 1337 File): the PNG itself, which the terminal scales to the cells named.

use base64::Engine;

/// The image on `cols` × `rows` cells, the cursor left where it was.
pub fn encode(png: &[u8], cols: u16, rows: u16) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(png);
    format!(
        "\x1b]1337;File=inline=1;size={};width={cols};height={rows};preserveAspectRatio=0;doNotMoveCursor=1:{data}\x07",
        png.len()
    )
}

/// Test support: the PNG bytes inside [`encode`]'s output.
#[cfg(test)]
pub fn payload(sequence: &str) -> Vec<u8> {
    let data = sequence
        .strip_prefix("\x1b]1337;File=")
        .and_then(|s| s.split_once(':'))
        .and_then(|(_, data)| data.strip_suffix('\x07'))
        .expect("an iTerm2 image sequence");
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("base64")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_cells_and_carries_the_png() {
        let sequence = encode(b"\x89PNG fake", 45, 23);
        assert!(sequence.starts_with("\x1b]1337;File=inline=1;size=9;width=45;height=23;"));
        assert_eq!(payload(&sequence), b"\x89PNG fake");
    }
}
