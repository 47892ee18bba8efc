//! DEC Sixel for a two-colour image: colour 0 black, colour 1 white, each band of six pixel rows written
//! once per colour with run-length encoding. A QR code's long runs of one colour make this small: an
//! AWS code at 8 pixels a module is about 13 KB (its PNG, 19 KB).

use std::fmt::Write;

use crate::qr::raster::Raster;

/// `ESC P 0;1;0 q`: aspect 1:1 (P1 0 with the raster attributes below), P2 1: pixels not set keep what is
/// under them (the last band's rows past the image's height).
const START: &str = "\x1bP0;1;0q";
const END: &str = "\x1b\\";
/// Pixel rows per sixel character.
const BAND: u32 = 6;
/// The shortest run worth `!count`: shorter runs are written out.
const MIN_RUN: usize = 4;

/// The image as one sixel sequence; pixels below 128 are black, the rest white.
pub fn encode(raster: &Raster) -> String {
    let (width, height) = (raster.width, raster.height);
    let mut out = String::with_capacity((width * height / 16) as usize);
    out.push_str(START);
    // Raster attributes: 1:1 pixels, the image's size; then the two colour registers (RGB, percent).
    let _ = write!(out, "\"1;1;{width};{height}#0;2;0;0;0#1;2;100;100;100");
    let mut band_top = 0;
    while band_top < height {
        let rows = (height - band_top).min(BAND);
        for colour in [0u8, 1] {
            let sixels: Vec<u8> = (0..width)
                .map(|x| {
                    let bits = (0..rows)
                        .filter(|&dy| is_colour(raster.at(x, band_top + dy), colour))
                        .fold(0u8, |bits, dy| bits | (1 << dy));
                    b'?' + bits
                })
                .collect();
            if sixels.iter().all(|&c| c == b'?') {
                continue;
            }
            let _ = write!(out, "#{colour}");
            push_runs(&mut out, &sixels);
            // Graphics carriage return: the next colour paints the same band.
            out.push('$');
        }
        // Graphics new line: the next band.
        out.push('-');
        band_top += rows;
    }
    out.push_str(END);
    out
}

fn is_colour(luma: u8, colour: u8) -> bool {
    (luma >= 128) == (colour == 1)
}

fn push_runs(out: &mut String, sixels: &[u8]) {
    let mut i = 0;
    while i < sixels.len() {
        let c = sixels[i];
        let run = sixels[i..].iter().take_while(|&&d| d == c).count();
        if run >= MIN_RUN {
            let _ = write!(out, "!{run}{}", c as char);
        } else {
            (0..run).for_each(|_| out.push(c as char));
        }
        i += run;
    }
}

/// Test support: the pixels a terminal would paint from [`encode`]'s output (two colours, `!` runs,
/// `$` and `-`), unset pixels white. Enough to read back what the app sends.
#[cfg(test)]
pub fn decode(sequence: &str) -> Raster {
    let body = sequence
        .strip_prefix(START)
        .and_then(|s| s.strip_suffix(END))
        .expect("a sixel sequence");
    let attributes_end = body.find('#').expect("colour registers");
    let size: Vec<u32> = body[1..attributes_end]
        .split(';')
        .map(|n| n.parse().unwrap())
        .collect();
    let (width, height) = (size[2], size[3]);
    let mut pixels = vec![255u8; (width * height) as usize];
    let mut chars = body[attributes_end..].chars().peekable();
    let (mut x, mut band_top, mut colour) = (0u32, 0u32, 0u8);
    let number = |chars: &mut std::iter::Peekable<std::str::Chars>| {
        let mut n = 0u32;
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            n = n * 10 + d;
            chars.next();
        }
        n
    };
    while let Some(c) = chars.next() {
        let mut paint = |c: char, count: u32, x: &mut u32| {
            let bits = c as u32 - '?' as u32;
            for _ in 0..count {
                for dy in 0..BAND {
                    let y = band_top + dy;
                    if bits & (1 << dy) != 0 && y < height && *x < width {
                        pixels[(y * width + *x) as usize] = if colour == 1 { 255 } else { 0 };
                    }
                }
                *x += 1;
            }
        };
        match c {
            '#' => {
                colour = number(&mut chars) as u8;
                // A colour definition (`#n;2;r;g;b`): skip its parameters.
                while chars.peek() == Some(&';') {
                    chars.next();
                    number(&mut chars);
                }
            }
            '!' => {
                let count = number(&mut chars);
                let c = chars.next().unwrap();
                paint(c, count, &mut x);
            }
            '$' => x = 0,
            '-' => {
                x = 0;
                band_top += BAND;
            }
            '?'..='~' => paint(c, 1, &mut x),
            other => panic!("unexpected {other:?} in sixel data"),
        }
    }
    Raster {
        width,
        height,
        pixels: zeroize::Zeroizing::new(pixels),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::{Polarity, QrMatrix};

    #[test]
    fn a_code_survives_encoding_pixel_for_pixel() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        // 25 modules × 3 pixels = 75: not a multiple of 6, so the last band is partial.
        let raster = Raster::of(&matrix, 2, 3, (80, 77), Polarity::DarkOnLight);
        let sequence = encode(&raster);
        assert!(sequence.starts_with("\x1bP0;1;0q\"1;1;80;77#0;2;0;0;0#1;2;100;100;100"));
        assert_eq!(decode(&sequence), raster);
    }

    #[test]
    fn runs_are_compressed() {
        let mut out = String::new();
        push_runs(&mut out, b"???~~~~~~A");
        assert_eq!(out, "???!6~A");
    }
}
