//! The QR code of an otpauth URI as terminal cells: pure, no ratatui, no I/O.
//!
//! Each cell shows two vertically stacked modules with a half-block character, so modules come out
//! square on a cell about twice as tall as wide. Every cell names both its colours ([`Shade`]) instead
//! of leaning on the terminal's default foreground and background: the code then scans on light and dark
//! themes alike, and [`Polarity`] can invert it for scanners that prefer light modules on dark.
//!
//! Error correction is level **L**: a code on a screen suffers no stains or tears, only the renderer's
//! precision, so L's 7 % recovery is enough, and it keeps a 64-character AWS seed URI at version 7
//! (45 modules, 49×25 cells with the quiet zone) where M would need version 8 (49 modules, 53×27 cells):
//! two rows fewer, which decides whether the code fits a small terminal.
//! The version is the smallest that holds the text (the `qrcode` crate picks it, with mixed segments).

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code. The standard asks for 4; 2 is what lets a code fit an 80×24
/// terminal more often, and phone scanners cope with it (the tests decode with 2).
pub const DEFAULT_QUIET_ZONE: usize = 2;

/// Error correction used for every code (see the module documentation for why L).
pub const EC_LEVEL: EcLevel = EcLevel::L;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the text is too long for a QR code")]
    TooLong,
    /// Any other refusal of the encoder; the message names the rule, never the data.
    #[error("the text cannot be encoded as a QR code: {0}")]
    Unencodable(String),
}

impl From<qrcode::types::QrError> for QrError {
    fn from(error: qrcode::types::QrError) -> Self {
        match error {
            qrcode::types::QrError::DataTooLong => Self::TooLong,
            other => Self::Unencodable(other.to_string()),
        }
    }
}

/// The plain module matrix, without quiet zone: `true` is a dark module.
#[derive(Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    modules: Vec<bool>,
}

impl QrMatrix {
    pub fn encode(text: &str) -> Result<Self, QrError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EC_LEVEL)?;
        let width = code.width();
        let modules = code
            .into_colors()
            .into_iter()
            .map(|color| color == Color::Dark)
            .collect();
        Ok(Self { width, modules })
    }

    /// Modules per side (21 for version 1, 4 more per version).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at column `x`, row `y` is dark; outside the code (the quiet zone) it is light.
    pub fn is_dark(&self, x: isize, y: isize) -> bool {
        let inside = |v: isize| (0..self.width as isize).contains(&v);
        inside(x) && inside(y) && self.modules[y as usize * self.width + x as usize]
    }

    /// Rows of modules with `quiet_zone` light modules on every side.
    pub fn with_quiet_zone(&self, quiet_zone: usize) -> Vec<Vec<bool>> {
        let side = self.width + 2 * quiet_zone;
        let offset = quiet_zone as isize;
        (0..side as isize)
            .map(|y| {
                (0..side as isize)
                    .map(|x| self.is_dark(x - offset, y - offset))
                    .collect()
            })
            .collect()
    }

    /// Terminal cells (columns, rows) the code takes with `quiet_zone`.
    pub fn cell_size(&self, quiet_zone: usize) -> (u16, u16) {
        let side = self.width + 2 * quiet_zone;
        // Versions stop at 177 modules, so this never saturates in practice.
        let to_u16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        (to_u16(side), to_u16(side.div_ceil(2)))
    }
}

/// Hides the modules: they carry the seed.
impl std::fmt::Debug for QrMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QrMatrix({0}×{0}, <redacted>)", self.width)
    }
}

/// One terminal cell: which of its two stacked modules are dark.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Cell {
    pub top_dark: bool,
    pub bottom_dark: bool,
}

/// Hides the module: a cell is a piece of the seed.
impl std::fmt::Debug for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cell(<redacted>)")
    }
}

/// Which colour dark modules are painted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Polarity {
    /// Black modules on white: what every scanner reads.
    #[default]
    DarkOnLight,
    /// White modules on black: for scanners that read inverted codes, or a glaring screen.
    LightOnDark,
}

impl Polarity {
    pub fn inverted(self) -> Self {
        match self {
            Self::DarkOnLight => Self::LightOnDark,
            Self::LightOnDark => Self::DarkOnLight,
        }
    }

    /// The shade of a dark module (the "ink").
    pub fn ink(self) -> Shade {
        match self {
            Self::DarkOnLight => Shade::Black,
            Self::LightOnDark => Shade::White,
        }
    }

    /// The shade of a light module and of the quiet zone (the "paper").
    pub fn paper(self) -> Shade {
        match self {
            Self::DarkOnLight => Shade::White,
            Self::LightOnDark => Shade::Black,
        }
    }
}

/// The only two colours a code is painted in; the UI maps them to its colour type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    Black,
    White,
}

pub const UPPER_HALF: char = '▀';
pub const LOWER_HALF: char = '▄';
pub const FULL_BLOCK: char = '█';

/// What to draw in one cell: a symbol with explicit foreground and background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellPaint {
    pub symbol: char,
    pub fg: Shade,
    pub bg: Shade,
}

/// How a cell is painted. Full and empty cells get the same colour as foreground and background, so
/// the cell is solid whether the terminal draws the glyph edge to edge or leaves line spacing showing
/// the background.
pub fn paint(cell: Cell, polarity: Polarity) -> CellPaint {
    let (ink, paper) = (polarity.ink(), polarity.paper());
    let (symbol, fg, bg) = match (cell.top_dark, cell.bottom_dark) {
        (true, true) => (FULL_BLOCK, ink, ink),
        (true, false) => (UPPER_HALF, ink, paper),
        (false, true) => (LOWER_HALF, ink, paper),
        (false, false) => (' ', paper, paper),
    };
    CellPaint { symbol, fg, bg }
}

/// A code as rows of terminal cells, quiet zone included.
#[derive(Clone, PartialEq, Eq)]
pub struct QrCells {
    /// Columns (one module each).
    pub width: u16,
    /// Rows (two modules each; the last row's lower half is quiet zone when the side is odd).
    pub height: u16,
    pub rows: Vec<Vec<Cell>>,
}

/// Hides the cells: they carry the seed.
impl std::fmt::Debug for QrCells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QrCells({}×{}, <redacted>)", self.width, self.height)
    }
}

impl QrCells {
    pub fn from_matrix(matrix: &QrMatrix, quiet_zone: usize) -> Self {
        let modules = matrix.with_quiet_zone(quiet_zone);
        let light_row = vec![false; modules.len()];
        let rows: Vec<Vec<Cell>> = modules
            .chunks(2)
            .map(|pair| {
                let bottom = pair.get(1).unwrap_or(&light_row);
                pair[0]
                    .iter()
                    .zip(bottom)
                    .map(|(&top_dark, &bottom_dark)| Cell {
                        top_dark,
                        bottom_dark,
                    })
                    .collect()
            })
            .collect();
        let (width, height) = matrix.cell_size(quiet_zone);
        Self {
            width,
            height,
            rows,
        }
    }

    /// Every cell as it is to be drawn, row by row.
    pub fn painted_rows(&self, polarity: Polarity) -> Vec<Vec<CellPaint>> {
        self.rows
            .iter()
            .map(|row| row.iter().map(|&cell| paint(cell, polarity)).collect())
            .collect()
    }
}

/// The cells of `text`'s code with the default quiet zone.
pub fn render(text: &str) -> Result<QrCells, QrError> {
    Ok(QrCells::from_matrix(
        &QrMatrix::encode(text)?,
        DEFAULT_QUIET_ZONE,
    ))
}

/// Terminal cells (columns, rows) `text`'s code takes with the default quiet zone.
pub fn size_needed(text: &str) -> Result<(u16, u16), QrError> {
    Ok(QrMatrix::encode(text)?.cell_size(DEFAULT_QUIET_ZONE))
}

/// Whether the code fits the area; false as well when the text cannot be encoded at all.
pub fn fits(text: &str, available_cols: u16, available_rows: u16) -> bool {
    size_needed(text).is_ok_and(|(cols, rows)| cols <= available_cols && rows <= available_rows)
}

/// Test support shared by the QR tests here and the wizard's rendered-QR test: turning module rows into
/// the picture a camera would take, and reading it back with an independent decoder (rqrr).
#[cfg(test)]
pub(crate) mod camera {
    use super::Shade;

    const PIXELS_PER_MODULE: usize = 4;

    pub fn luma(shade: Shade) -> u8 {
        match shade {
            Shade::Black => 0,
            Shade::White => 255,
        }
    }

    /// Frames rows of module lumas with `surround` modules of `background` and scales every module to a
    /// square of pixels.
    pub fn picture(module_rows: Vec<Vec<u8>>, surround: usize, background: u8) -> Vec<Vec<u8>> {
        let side = module_rows[0].len() + 2 * surround;
        let mut framed = vec![vec![background; side]; surround];
        for row in module_rows {
            let mut line = vec![background; surround];
            line.extend(row);
            line.resize(side, background);
            framed.push(line);
        }
        framed.resize(framed.len() + surround, vec![background; side]);
        framed
            .into_iter()
            .flat_map(|row| {
                let wide: Vec<u8> = row
                    .into_iter()
                    .flat_map(|v| std::iter::repeat_n(v, PIXELS_PER_MODULE))
                    .collect();
                std::iter::repeat_n(wide, PIXELS_PER_MODULE)
            })
            .collect()
    }

    /// Every code rqrr finds and decodes; `invert` reads light-on-dark codes as scanners that handle them do.
    pub fn decode(pixels: &[Vec<u8>], invert: bool) -> Vec<String> {
        let (w, h) = (pixels[0].len(), pixels.len());
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
            if invert {
                255 - pixels[y][x]
            } else {
                pixels[y][x]
            }
        });
        image
            .detect_grids()
            .into_iter()
            .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::camera::{decode, luma, picture};
    use super::*;
    use crate::otp::Seed;

    /// A fixed AWS-sized seed: the version the encoder picks depends on how the Base32 text splits into
    /// alphanumeric and numeric segments, so size assertions need the same text every run.
    fn aws_sized_uri() -> zeroize::Zeroizing<String> {
        let seed = Seed::from_base32(&"JBSWY3DPEHPK3PXP".repeat(4)).unwrap();
        seed.otpauth_uri("alice-phone", "123456789012")
    }

    #[test]
    fn random_aws_seeds_scan() {
        for _ in 0..5 {
            let uri = Seed::generate().otpauth_uri("alice-phone", "123456789012");
            assert_scans(&uri, Polarity::DarkOnLight);
        }
    }

    /// What a camera sees: rebuilt from the painted symbols and colours alone, one grey value per pixel.
    /// `surround` modules of `terminal` colour frame the code, as the rest of a themed terminal would.
    fn photograph(painted: &[Vec<CellPaint>], surround: usize, terminal: Shade) -> Vec<Vec<u8>> {
        let mut module_rows: Vec<Vec<u8>> = Vec::new();
        for row in painted {
            let halves = |covers: &[char]| -> Vec<u8> {
                row.iter()
                    .map(|p| {
                        luma(if covers.contains(&p.symbol) {
                            p.fg
                        } else {
                            p.bg
                        })
                    })
                    .collect()
            };
            module_rows.push(halves(&[UPPER_HALF, FULL_BLOCK]));
            module_rows.push(halves(&[LOWER_HALF, FULL_BLOCK]));
        }
        picture(module_rows, surround, luma(terminal))
    }

    fn assert_scans(uri: &str, polarity: Polarity) {
        let cells = render(uri).unwrap();
        // A terminal themed against the code: dark around black-on-white, light around white-on-black,
        // so only our own quiet zone separates the code from its surroundings.
        let pixels = photograph(&cells.painted_rows(polarity), 3, polarity.ink());
        let invert = polarity == Polarity::LightOnDark;
        assert_eq!(
            decode(&pixels, invert),
            vec![uri.to_string()],
            "{polarity:?}"
        );
    }

    #[test]
    fn aws_sized_uri_scans_dark_on_light() {
        let uri = aws_sized_uri();
        assert!(uri.contains("secret=") && uri.len() > 160);
        assert_scans(&uri, Polarity::DarkOnLight);
    }

    #[test]
    fn aws_sized_uri_scans_light_on_dark() {
        assert_scans(&aws_sized_uri(), Polarity::LightOnDark);
    }

    #[test]
    fn short_seed_scans_in_both_polarities() {
        let uri = Seed::from_bytes(b"12345678901234567890").otpauth_uri("d", "1");
        assert_scans(&uri, Polarity::DarkOnLight);
        assert_scans(&uri, Polarity::LightOnDark);
    }

    #[test]
    fn inverted_code_does_not_scan_without_inverting() {
        // Guards the test harness itself: the light-on-dark image really is inverted.
        let uri = aws_sized_uri();
        let cells = render(&uri).unwrap();
        let pixels = photograph(&cells.painted_rows(Polarity::LightOnDark), 3, Shade::White);
        assert!(decode(&pixels, false).is_empty());
    }

    #[test]
    fn aws_sized_uri_is_version_7_at_level_l() {
        let uri = aws_sized_uri();
        let matrix = QrMatrix::encode(&uri).unwrap();
        assert_eq!(matrix.width(), 45);
        assert_eq!(size_needed(&uri), Ok((49, 25)));
        assert!(!fits(&uri, 80, 24));
        assert!(fits(&uri, 49, 25));
        assert!(!fits(&uri, 48, 25));
    }

    #[test]
    fn level_m_would_cost_a_version_more() {
        let uri = aws_sized_uri();
        let m = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M).unwrap();
        assert_eq!(m.width(), 49);
    }

    #[test]
    fn size_follows_the_quiet_zone() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        assert_eq!(matrix.width(), 21);
        assert_eq!(matrix.cell_size(0), (21, 11));
        assert_eq!(matrix.cell_size(2), (25, 13));
        assert_eq!(matrix.cell_size(4), (29, 15));
        let cells = QrCells::from_matrix(&matrix, 4);
        assert_eq!((cells.width, cells.height), (29, 15));
        assert_eq!(cells.rows.len(), 15);
        assert!(cells.rows.iter().all(|row| row.len() == 29));
    }

    #[test]
    fn quiet_zone_is_light_and_odd_side_pads_the_last_half_row() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        let modules = matrix.with_quiet_zone(2);
        assert_eq!(modules.len(), 25);
        for (y, row) in modules.iter().enumerate() {
            for (x, &dark) in row.iter().enumerate() {
                if !(2..23).contains(&x) || !(2..23).contains(&y) {
                    assert!(!dark, "quiet zone module ({x}, {y}) is dark");
                }
            }
        }
        // Finder pattern corner: dark at the code's origin.
        assert!(modules[2][2]);
        let cells = QrCells::from_matrix(&matrix, 2);
        assert!(cells.rows[12].iter().all(|cell| !cell.bottom_dark));
        assert_eq!(
            cells.rows[1][2],
            Cell {
                top_dark: true,
                bottom_dark: true
            }
        );
    }

    #[test]
    fn painting_names_both_colours() {
        let cell = |top_dark, bottom_dark| Cell {
            top_dark,
            bottom_dark,
        };
        let p = |symbol, fg, bg| CellPaint { symbol, fg, bg };
        use Shade::{Black, White};
        let light = Polarity::DarkOnLight;
        assert_eq!(paint(cell(true, true), light), p('█', Black, Black));
        assert_eq!(paint(cell(true, false), light), p('▀', Black, White));
        assert_eq!(paint(cell(false, true), light), p('▄', Black, White));
        assert_eq!(paint(cell(false, false), light), p(' ', White, White));
        let dark = Polarity::LightOnDark;
        assert_eq!(paint(cell(true, false), dark), p('▀', White, Black));
        assert_eq!(paint(cell(false, false), dark), p(' ', Black, Black));
        assert_eq!(Polarity::default(), light);
        assert_eq!(light.inverted(), dark);
        assert_eq!(dark.inverted(), light);
    }

    #[test]
    fn too_long_text_is_an_error_and_does_not_fit() {
        let huge = "x".repeat(4000);
        assert_eq!(size_needed(&huge), Err(QrError::TooLong));
        assert!(!fits(&huge, u16::MAX, u16::MAX));
    }

    #[test]
    fn debug_hides_the_modules() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        assert_eq!(format!("{matrix:?}"), "QrMatrix(21×21, <redacted>)");
        let cells = QrCells::from_matrix(&matrix, 0);
        assert_eq!(format!("{cells:?}"), "QrCells(21×11, <redacted>)");
    }
}
