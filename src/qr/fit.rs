//! How much of a terminal a code takes, and the quiet zone it gets in the room there is: pure size math.
//!
//! A code is drawn whole or not at all, so every layout asks [`QrMatrix::quiet_zone_in`] (cells) or
//! [`image_fit`] (pixels) first, and says [`QrMatrix::least_cells`] when the answer is no.

use super::QrMatrix;

/// The least quiet zone drawn. The standard asks for 4 light modules; phone scanners cope with 2, and 2
/// is what lets a code fit an 80×24 terminal.
pub const MIN_QUIET_ZONE: usize = 2;
/// The standard's quiet zone: where there is room, a code gets this much and no more.
pub const MAX_QUIET_ZONE: usize = 4;
/// The smallest module drawn as an image: below 3 pixels a phone at arm's length loses it.
pub const MIN_PIXELS_PER_MODULE: u32 = 3;

/// Columns and rows of terminal cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellSize {
    pub cols: u16,
    pub rows: u16,
}

impl CellSize {
    pub const fn new(cols: u16, rows: u16) -> Self {
        Self { cols, rows }
    }

    pub fn holds(self, other: CellSize) -> bool {
        other.cols <= self.cols && other.rows <= self.rows
    }
}

impl std::fmt::Display for CellSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{}", self.cols, self.rows)
    }
}

/// How modules map onto terminal cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModuleShape {
    /// Two modules stacked in one cell (`▀ ▄ █`): square on a cell about twice as tall as wide, but only
    /// where the terminal draws lines with no gap between them.
    #[default]
    HalfBlock,
    /// One module on two cells side by side (`█` and space): square on the same cells, and a gap between
    /// lines (line spacing) cuts between modules, not through them. Four times the area.
    FullSize,
}

impl ModuleShape {
    /// Cells a square of `side` modules takes.
    pub fn cells(self, side: usize) -> CellSize {
        // Versions stop at 177 modules, so this never saturates in practice.
        let to_u16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        match self {
            Self::HalfBlock => CellSize::new(to_u16(side), to_u16(side.div_ceil(2))),
            Self::FullSize => CellSize::new(to_u16(2 * side), to_u16(side)),
        }
    }
}

impl QrMatrix {
    /// Cells the code takes with `quiet_zone` light modules on every side.
    pub fn cells(&self, quiet_zone: usize, shape: ModuleShape) -> CellSize {
        shape.cells(self.width() + 2 * quiet_zone)
    }

    /// The room the code needs at the least: with [`MIN_QUIET_ZONE`].
    pub fn least_cells(&self, shape: ModuleShape) -> CellSize {
        self.cells(MIN_QUIET_ZONE, shape)
    }

    /// The widest quiet zone, from [`MIN_QUIET_ZONE`] to [`MAX_QUIET_ZONE`], with which the whole code
    /// fits `room`; `None` when it does not fit even with the least.
    pub fn quiet_zone_in(&self, shape: ModuleShape, room: CellSize) -> Option<usize> {
        (MIN_QUIET_ZONE..=MAX_QUIET_ZONE)
            .rev()
            .find(|&quiet_zone| room.holds(self.cells(quiet_zone, shape)))
    }
}

/// A terminal cell's size in pixels, as the terminal reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellPixels {
    pub width: u16,
    pub height: u16,
}

/// A code drawn as an image: whole pixels per module, on a light canvas of whole cells, so that no cell
/// is left half covered and the code is crisp at the terminal's own pixel size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageFit {
    pub quiet_zone: usize,
    pub pixels_per_module: u32,
    /// The cells the canvas covers.
    pub cells: CellSize,
    /// The canvas in pixels: `cells` at the terminal's cell size; the code sits in its middle.
    pub canvas_width: u32,
    pub canvas_height: u32,
}

/// The largest image of a code `width` modules wide that fits `room`: the most pixels per module first
/// (a bigger module scans from further away), then the widest quiet zone at that scale. `None` when not
/// even [`MIN_PIXELS_PER_MODULE`] with [`MIN_QUIET_ZONE`] fits.
pub fn image_fit(width: usize, cell: CellPixels, room: CellSize) -> Option<ImageFit> {
    let (cell_w, cell_h) = (u32::from(cell.width), u32::from(cell.height));
    if cell_w == 0 || cell_h == 0 {
        return None;
    }
    let room_px = (u32::from(room.cols) * cell_w).min(u32::from(room.rows) * cell_h);
    let side = |quiet_zone: usize| (width + 2 * quiet_zone) as u32;
    let pixels_per_module = room_px / side(MIN_QUIET_ZONE);
    if pixels_per_module < MIN_PIXELS_PER_MODULE {
        return None;
    }
    let quiet_zone = (MIN_QUIET_ZONE..=MAX_QUIET_ZONE)
        .rev()
        .find(|&qz| side(qz) * pixels_per_module <= room_px)?;
    let side_px = side(quiet_zone) * pixels_per_module;
    let cells = CellSize::new(
        side_px.div_ceil(cell_w) as u16,
        side_px.div_ceil(cell_h) as u16,
    );
    Some(ImageFit {
        quiet_zone,
        pixels_per_module,
        cells,
        canvas_width: u32::from(cells.cols) * cell_w,
        canvas_height: u32::from(cells.rows) * cell_h,
    })
}

/// The room an image of a code `width` modules wide needs at the least.
pub fn image_least_cells(width: usize, cell: CellPixels) -> CellSize {
    let side_px = (width + 2 * MIN_QUIET_ZONE) as u32 * MIN_PIXELS_PER_MODULE;
    CellSize::new(
        side_px.div_ceil(u32::from(cell.width.max(1))) as u16,
        side_px.div_ceil(u32::from(cell.height.max(1))) as u16,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> QrMatrix {
        QrMatrix::encode("HELLO").unwrap()
    }

    #[test]
    fn shapes_take_these_cells() {
        assert_eq!(ModuleShape::HalfBlock.cells(25), CellSize::new(25, 13));
        assert_eq!(ModuleShape::HalfBlock.cells(24), CellSize::new(24, 12));
        assert_eq!(ModuleShape::FullSize.cells(25), CellSize::new(50, 25));
        assert_eq!(
            hello().least_cells(ModuleShape::HalfBlock),
            CellSize::new(25, 13)
        );
        assert_eq!(
            hello().least_cells(ModuleShape::FullSize),
            CellSize::new(50, 25)
        );
    }

    #[test]
    fn quiet_zone_grows_with_the_room_up_to_four() {
        let code = hello();
        let half = ModuleShape::HalfBlock;
        assert_eq!(code.quiet_zone_in(half, CellSize::new(24, 13)), None);
        assert_eq!(code.quiet_zone_in(half, CellSize::new(25, 13)), Some(2));
        assert_eq!(code.quiet_zone_in(half, CellSize::new(27, 14)), Some(3));
        assert_eq!(code.quiet_zone_in(half, CellSize::new(200, 60)), Some(4));
        // The rows decide as much as the columns.
        assert_eq!(code.quiet_zone_in(half, CellSize::new(200, 12)), None);
    }

    #[test]
    fn images_take_the_most_pixels_per_module_then_the_widest_quiet_zone() {
        let cell = CellPixels {
            width: 10,
            height: 20,
        };
        // 80×24 cells of 10×20 pixels: 480 pixels high. 21 modules + 4 = 25: 19 pixels a module.
        let fit = image_fit(21, cell, CellSize::new(80, 24)).unwrap();
        assert_eq!(fit.pixels_per_module, 19);
        // 29 × 19 = 551 > 480; 27 × 19 = 513 > 480; so the quiet zone stays 2: 475 pixels.
        assert_eq!(fit.quiet_zone, 2);
        assert_eq!(fit.cells, CellSize::new(48, 24));
        assert_eq!((fit.canvas_width, fit.canvas_height), (480, 480));
        // Too small for 3 pixels a module.
        assert_eq!(image_fit(21, cell, CellSize::new(7, 3)), None);
        assert_eq!(image_least_cells(21, cell), CellSize::new(8, 4));
        assert!(image_fit(21, cell, CellSize::new(8, 4)).is_some());
        assert_eq!(
            image_fit(
                21,
                CellPixels {
                    width: 0,
                    height: 0
                },
                CellSize::new(80, 24)
            ),
            None
        );
    }
}
