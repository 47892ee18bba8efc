//! QR codes as images, for terminals that show them, written by hand: a two-colour image needs little
//! of what a general image library does (see the README's "QR codes and terminals" for the measurements
//! behind this choice).
//!
//! The escape sequence goes into the first cell of the area and the other cells are skipped: ratatui sends
//! the sequence with the cursor on that cell whenever the cell changes, and draws nothing over the image.
//! The sequence is a pure function of the code and the cells, so an unchanged frame sends nothing again.

pub mod iterm2;
pub mod kitty;
pub mod sixel;

use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;

use crate::app::graphics::{Graphics, ImageProtocol};
use crate::qr::CellSize;
use crate::qr::raster::Raster;

/// The sequence counts as one cell wide for ratatui: the image's own cells are skipped.
const ONE_CELL: CellDiffOption = CellDiffOption::ForcedWidth(NonZeroU16::MIN);

/// The image of `raster` on `cells` in the terminal's protocol.
pub fn sequence(
    raster: &Raster,
    cells: CellSize,
    graphics: &Graphics,
) -> Result<String, png::EncodingError> {
    Ok(match graphics.protocol {
        ImageProtocol::Kitty => kitty::encode(&raster.png()?, cells.cols, cells.rows),
        ImageProtocol::Iterm2 => iterm2::encode(&raster.png()?, cells.cols, cells.rows),
        ImageProtocol::Sixel => sixel::encode(raster),
    })
}

/// Puts `sequence` on the area's first cell and keeps ratatui off the rest of it.
pub fn place(buf: &mut Buffer, area: Rect, sequence: &str) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            cell.reset();
            if (x, y) == (area.x, area.y) {
                cell.set_symbol(sequence).set_diff_option(ONE_CELL);
            } else {
                cell.set_diff_option(CellDiffOption::Skip);
            }
        }
    }
}

/// Whether any cell of a drawn frame holds this app's Kitty image: the runtime deletes the image once a
/// frame no longer does, since Kitty keeps a placement on screen until told otherwise.
pub fn holds_kitty_image(buf: &Buffer) -> bool {
    buf.content
        .iter()
        .any(|cell| kitty::is_image(cell.symbol()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_takes_the_first_cell_and_the_rest_is_skipped() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 5));
        place(&mut buf, Rect::new(2, 1, 3, 2), "\x1b_Gimage\x1b\\");
        assert_eq!(buf[(2, 1)].symbol(), "\x1b_Gimage\x1b\\");
        assert_eq!(buf[(2, 1)].diff_option, ONE_CELL);
        assert_eq!(buf[(3, 1)].diff_option, CellDiffOption::Skip);
        assert_eq!(buf[(4, 2)].diff_option, CellDiffOption::Skip);
        assert_eq!(buf[(5, 1)].diff_option, CellDiffOption::None);
        assert!(!holds_kitty_image(&buf));
        place(
            &mut buf,
            Rect::new(0, 0, 1, 1),
            &kitty::encode(b"png", 1, 1),
        );
        assert!(holds_kitty_image(&buf));
    }
}
