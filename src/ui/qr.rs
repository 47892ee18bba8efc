//! A QR code on screen: fitted whole into the room a layout has ([`fit`]) or not drawn at all, then drawn
//! as cells or as an image ([`Placed::draw`]). Every cell names its foreground and background
//! explicitly, in the 256-colour palette's pure black (16) and pure white (231), which themes leave alone
//! (unlike the 16 basic colours), so the code scans on light and dark terminals alike. Under `NO_COLOR`
//! the cells name no colour: the terminal's text colour is the black, its background the white, with
//! reverse video where a cell needs them the other way round.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::Colours;
use crate::app::graphics::Graphics;
use crate::qr::fit::{self, ImageFit};
use crate::qr::raster::Raster;
use crate::qr::{CellPaint, CellSize, ModuleShape, Polarity, QrCells, QrError, QrMatrix, Shade};
use crate::ui::theme;

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
    match theme::colours() {
        Colours::On => Span::styled(
            paint.symbol.to_string(),
            Style::new().fg(color(paint.fg)).bg(color(paint.bg)),
        ),
        Colours::Off => {
            let (symbol, style) = without_colours(paint);
            Span::styled(symbol.to_string(), style)
        }
    }
}

/// A cell in the terminal's own two colours (`NO_COLOR`): black is its text colour, white its
/// background, and reverse video swaps them where a cell needs text colour behind. Solid cells are a
/// space on the right background, so line spacing cannot show through them. On a dark terminal this
/// is light modules on dark, which the polarity key turns round.
fn without_colours(paint: CellPaint) -> (char, Style) {
    let reversed = |yes: bool| {
        if yes {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        }
    };
    if paint.fg == paint.bg {
        (' ', reversed(paint.bg == Shade::Black))
    } else {
        (paint.symbol, reversed(paint.fg == Shade::White))
    }
}

/// One line per cell row, quiet zone included.
pub fn lines(cells: &QrCells, polarity: Polarity) -> Vec<Line<'static>> {
    cells
        .painted_rows(polarity)
        .into_iter()
        .map(|row| Line::from(row.into_iter().map(span).collect::<Vec<_>>()))
        .collect()
}

/// How a code is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawing {
    Cells(ModuleShape),
    Image(Graphics),
}

/// Why no code is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    Unencodable(QrError),
    /// The room the code needs at the least.
    Needs(CellSize),
}

/// A code that fits its room whole, ready to draw.
pub struct Placed {
    matrix: QrMatrix,
    how: How,
    /// The cells it covers, quiet zone included.
    pub size: CellSize,
}

enum How {
    Cells {
        quiet_zone: usize,
        shape: ModuleShape,
    },
    Image {
        fit: ImageFit,
        graphics: Graphics,
    },
}

/// `text`'s code as large as `room` allows (the widest quiet zone, the most pixels a module), or why not.
pub fn fit(text: &str, drawing: Drawing, room: CellSize) -> Result<Placed, Misfit> {
    let matrix = QrMatrix::encode(text).map_err(Misfit::Unencodable)?;
    match drawing {
        Drawing::Cells(shape) => {
            let Some(quiet_zone) = matrix.quiet_zone_in(shape, room) else {
                return Err(Misfit::Needs(matrix.least_cells(shape)));
            };
            let size = matrix.cells(quiet_zone, shape);
            Ok(Placed {
                matrix,
                how: How::Cells { quiet_zone, shape },
                size,
            })
        }
        Drawing::Image(graphics) => {
            let Some(fit) = fit::image_fit(matrix.width(), graphics.cell, room) else {
                return Err(Misfit::Needs(fit::image_least_cells(
                    matrix.width(),
                    graphics.cell,
                )));
            };
            Ok(Placed {
                matrix,
                how: How::Image { fit, graphics },
                size: fit.cells,
            })
        }
    }
}

/// The line shown instead of a code the encoder refused, with the way to the secret key.
pub fn unencodable_line(error: &QrError, then: &str) -> Line<'static> {
    Line::styled(
        format!("No QR code: {error}. {then}"),
        crate::ui::theme::error(),
    )
}

impl Placed {
    /// Draws the code with its top left corner at `(x, y)`.
    pub fn draw(&self, frame: &mut Frame, x: u16, y: u16, polarity: Polarity) {
        let area = Rect::new(x, y, self.size.cols, self.size.rows);
        match &self.how {
            How::Cells { quiet_zone, shape } => {
                let cells = QrCells::from_matrix(&self.matrix, *quiet_zone, *shape);
                frame.render_widget(Paragraph::new(lines(&cells, polarity)), area);
            }
            How::Image { fit, graphics } => {
                let raster = Raster::of(
                    &self.matrix,
                    fit.quiet_zone,
                    fit.pixels_per_module,
                    (fit.canvas_width, fit.canvas_height),
                    polarity,
                );
                match super::graphics::sequence(&raster, self.size, graphics) {
                    Ok(sequence) => super::graphics::place(frame.buffer_mut(), area, &sequence),
                    // Encoding into memory does not fail in practice; never draw half a code if it does.
                    Err(error) => tracing::warn!(%error, "the QR image could not be encoded"),
                }
            }
        }
    }

    pub fn is_image(&self) -> bool {
        matches!(self.how, How::Image { .. })
    }

    /// The QR version and error-correction level, for the words beside the code.
    pub fn matrix(&self) -> &QrMatrix {
        &self.matrix
    }
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
