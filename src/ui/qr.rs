//! A QR code (`crate::qr` cells) as ratatui lines. Every cell names its foreground and background
//! explicitly, in the 256-colour palette's pure black (16) and pure white (231), which themes leave alone
//! (unlike the 16 basic colours), so the code scans on light and dark terminals alike.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::qr::{CellPaint, Polarity, QrCells, Shade};

pub const BLACK: Color = Color::Indexed(16);
pub const WHITE: Color = Color::Indexed(231);

pub fn color(shade: Shade) -> Color {
    match shade {
        Shade::Black => BLACK,
        Shade::White => WHITE,
    }
}

/// The shade a drawn colour stands for (the inverse of [`color`]), for tests that read a buffer back.
pub fn shade(color: Color) -> Option<Shade> {
    match color {
        BLACK => Some(Shade::Black),
        WHITE => Some(Shade::White),
        _ => None,
    }
}

fn span(paint: CellPaint) -> Span<'static> {
    Span::styled(
        paint.symbol.to_string(),
        Style::new().fg(color(paint.fg)).bg(color(paint.bg)),
    )
}

/// One line per cell row, quiet zone included.
pub fn lines(cells: &QrCells, polarity: Polarity) -> Vec<Line<'static>> {
    cells
        .painted_rows(polarity)
        .into_iter()
        .map(|row| Line::from(row.into_iter().map(span).collect::<Vec<_>>()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_has_explicit_black_or_white() {
        let cells = crate::qr::render("HELLO").unwrap();
        for polarity in [Polarity::DarkOnLight, Polarity::LightOnDark] {
            let lines = lines(&cells, polarity);
            assert_eq!(lines.len(), usize::from(cells.height));
            for line in &lines {
                assert_eq!(line.width(), usize::from(cells.width));
                for span in &line.spans {
                    assert!(span.style.fg.and_then(shade).is_some(), "{span:?}");
                    assert!(span.style.bg.and_then(shade).is_some(), "{span:?}");
                }
            }
        }
    }

    #[test]
    fn quiet_zone_is_paper_coloured() {
        let cells = crate::qr::render("HELLO").unwrap();
        let first = &lines(&cells, Polarity::DarkOnLight)[0].spans[0];
        assert_eq!((first.style.fg, first.style.bg), (Some(WHITE), Some(WHITE)));
        let first = &lines(&cells, Polarity::LightOnDark)[0].spans[0];
        assert_eq!((first.style.fg, first.style.bg), (Some(BLACK), Some(BLACK)));
    }
}
