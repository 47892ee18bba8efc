//! The Kitty graphics protocol: the PNG sent in chunks and placed at the cursor on the cells named.
//!
//! A placement stays on screen until deleted, whatever text is drawn over it, so the runtime deletes it
//! ([`DELETE`]) when a frame no longer holds the image ([`is_image`]). Every transmission first deletes
//! the previous image under the same id, so a resize never leaves the old size behind.

use base64::Engine;

/// The image id this app uses; one QR code is on screen at a time.
const IMAGE_ID: u32 = 0x4D_46_41; // "MFA"
/// Base64 characters per chunk: the protocol's limit.
const CHUNK: usize = 4096;

/// Deletes the app's image and frees its data; `q=2`: the terminal answers nothing.
pub const DELETE: &str = "\x1b_Ga=d,d=I,i=5064257,q=2\x1b\\";

/// The image on `cols` × `rows` cells at the cursor, the cursor left where it was (`C=1`).
pub fn encode(png: &[u8], cols: u16, rows: u16) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(png);
    let mut out = String::with_capacity(data.len() + data.len() / CHUNK * 24 + 96);
    out.push_str(DELETE);
    let chunks: Vec<&str> = data
        .as_bytes()
        .chunks(CHUNK)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let more = u8::from(i + 1 < chunks.len());
        if i == 0 {
            out.push_str(&format!(
                "\x1b_Ga=T,f=100,t=d,i={IMAGE_ID},c={cols},r={rows},C=1,q=2,m={more};{chunk}\x1b\\"
            ));
        } else {
            out.push_str(&format!("\x1b_Gm={more},q=2;{chunk}\x1b\\"));
        }
    }
    out
}

/// Whether a cell's symbol holds this app's Kitty image.
pub fn is_image(symbol: &str) -> bool {
    symbol.starts_with(DELETE) && symbol.len() > DELETE.len()
}

/// Test support: the PNG bytes inside [`encode`]'s output, chunks joined.
#[cfg(test)]
pub fn payload(sequence: &str) -> Vec<u8> {
    let data: String = sequence
        .split("\x1b_G")
        .filter_map(|command| command.strip_suffix("\x1b\\"))
        .filter(|command| !command.starts_with("a=d"))
        .filter_map(|command| command.split_once(';').map(|(_, data)| data))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("base64")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delete_names_the_image_id() {
        assert!(DELETE.contains(&format!("i={IMAGE_ID},")));
    }

    #[test]
    fn long_images_go_in_chunks_and_come_back_whole() {
        let png: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let sequence = encode(&png, 40, 20);
        assert!(sequence.starts_with(DELETE));
        assert!(is_image(&sequence));
        assert!(!is_image(DELETE));
        assert!(sequence.contains("a=T,f=100,t=d,i=5064257,c=40,r=20,C=1,q=2,m=1;"));
        // 10,000 bytes are 13,336 base64 characters: four chunks, the last one closing.
        assert_eq!(sequence.matches("\x1b_G").count(), 5);
        assert!(sequence.ends_with("\x1b\\") && sequence.contains("\x1b_Gm=0,q=2;"));
        assert_eq!(payload(&sequence), png);
    }
}
