//! The QR code of an otpauth URI as terminal cells: pure, no ratatui, no I/O.
//!
//! Each cell shows two vertically stacked modules with a half-block character, so modules come out
//! square on a cell about twice as tall as wide (or, for terminals with line spacing, one module on two
//! whole cells: see [`fit::ModuleShape`]). Every cell names both its colours ([`Shade`]) instead of leaning
//! on the terminal's default foreground and background: the code then scans on light and dark themes
//! alike, and [`Polarity`] can invert it for scanners that prefer light modules on dark.
//!
//! The version is the smallest that holds the text at level **L**, split into the segments that take the
//! fewest bits ([`segments`]: the Base32 seed goes in alphanumeric mode, 5.5 bits a character instead of
//! 8; the rest mostly in byte mode). A code
//! on a screen suffers no stains or tears, only the renderer's precision, so L's 7 % recovery is enough,
//! and it keeps a 64-character AWS seed URI at version 7 (45 modules) where M would need version 8 (49):
//! two rows fewer, which decides whether the code fits a small terminal. When a stronger level still
//! fits that same version, it costs no room, and the strongest such level is used.
//! [`fit`] says how many cells a code takes and whether it fits; [`raster`] turns it into pixels.

pub mod fit;
pub mod raster;
mod segments;

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

pub use fit::{CellSize, ModuleShape};

/// The level the smallest version is found at (see the module documentation for why L).
pub const EC_LEVEL: EcLevel = EcLevel::L;
/// Levels that may replace L when the text still fits the same version, strongest first.
const STRONGER_LEVELS: [EcLevel; 3] = [EcLevel::H, EcLevel::Q, EcLevel::M];

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
    version: i16,
    ec_level: EcLevel,
    modules: Vec<bool>,
}

impl QrMatrix {
    /// The smallest version that holds `text` (segments split for the fewest bits), at the strongest
    /// error correction that still fits that version.
    pub fn encode(text: &str) -> Result<Self, QrError> {
        let data = text.as_bytes();
        let (version, bits) = smallest_version(data)?;
        let stronger = STRONGER_LEVELS.iter().find_map(|&level| {
            let bits = bits_at(data, version, level)?;
            QrCode::with_bits(bits, level).ok()
        });
        let code = match stronger {
            Some(code) => code,
            None => QrCode::with_bits(bits, EC_LEVEL)?,
        };
        let width = code.width();
        let ec_level = code.error_correction_level();
        let version = match code.version() {
            Version::Normal(v) | Version::Micro(v) => v,
        };
        let modules = code
            .into_colors()
            .into_iter()
            .map(|color| color == Color::Dark)
            .collect();
        Ok(Self {
            width,
            version,
            ec_level,
            modules,
        })
    }

    /// The QR version (1 to 40): the side is 17 + 4 × version modules.
    pub fn version(&self) -> i16 {
        self.version
    }

    pub fn ec_level(&self) -> EcLevel {
        self.ec_level
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
}

/// The first version, at [`EC_LEVEL`], whose capacity holds `data` split into its shortest segments.
fn smallest_version(data: &[u8]) -> Result<(i16, Bits), QrError> {
    // The shortest split only changes where the count fields widen: versions 10 and 27.
    for range in [1..=9, 10..=26, 27..=40] {
        let (_, needed) = segments::shortest(data, *range.start());
        let fits = |&version: &i16| {
            Bits::new(Version::Normal(version))
                .max_len(EC_LEVEL)
                .is_ok_and(|capacity| needed <= capacity)
        };
        if let Some(version) = range.clone().find(fits) {
            let bits = bits_at(data, version, EC_LEVEL).ok_or(QrError::TooLong)?;
            return Ok((version, bits));
        }
    }
    Err(QrError::TooLong)
}

/// `data` in its shortest segments for `version`, terminated for `level`; `None` if it does not fit.
fn bits_at(data: &[u8], version: i16, level: EcLevel) -> Option<Bits> {
    let (segments, _) = segments::shortest(data, version);
    let mut bits = Bits::new(Version::Normal(version));
    bits.push_segments(data, segments.into_iter()).ok()?;
    bits.push_terminator(level).ok()?;
    Some(bits)
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
    /// The code with `quiet_zone` light modules around it, in cells of `shape`.
    pub fn from_matrix(matrix: &QrMatrix, quiet_zone: usize, shape: ModuleShape) -> Self {
        let modules = matrix.with_quiet_zone(quiet_zone);
        let rows: Vec<Vec<Cell>> = match shape {
            ModuleShape::HalfBlock => {
                let light_row = vec![false; modules.len()];
                modules
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
                    .collect()
            }
            // A whole cell per half module: both halves the same, so it paints as `█` or a space.
            ModuleShape::FullSize => modules
                .iter()
                .map(|row| {
                    row.iter()
                        .flat_map(|&dark| {
                            let cell = Cell {
                                top_dark: dark,
                                bottom_dark: dark,
                            };
                            [cell, cell]
                        })
                        .collect()
                })
                .collect(),
        };
        let size = matrix.cells(quiet_zone, shape);
        Self {
            width: size.cols,
            height: size.rows,
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

/// The cells of `text`'s code in half blocks with the least quiet zone.
pub fn render(text: &str) -> Result<QrCells, QrError> {
    Ok(QrCells::from_matrix(
        &QrMatrix::encode(text)?,
        fit::MIN_QUIET_ZONE,
        ModuleShape::HalfBlock,
    ))
}

/// Test support shared by the QR tests here and the wizard's rendered-QR test: turning module rows into
/// the picture a camera would take, and reading it back with an independent decoder (rqrr).
#[cfg(test)]
pub(crate) mod camera {
    pub use super::raster::luma;

    const PIXELS_PER_MODULE: usize = 4;

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
        assert_eq!((matrix.version(), matrix.ec_level()), (7, EcLevel::L));
        assert_eq!(matrix.width(), 45);
        let half = ModuleShape::HalfBlock;
        assert_eq!(matrix.least_cells(half), CellSize::new(49, 25));
        assert_eq!(matrix.quiet_zone_in(half, CellSize::new(80, 24)), None);
        assert_eq!(matrix.quiet_zone_in(half, CellSize::new(49, 25)), Some(2));
        assert_eq!(matrix.quiet_zone_in(half, CellSize::new(48, 25)), None);
    }

    #[test]
    fn level_m_would_cost_a_version_more() {
        let uri = aws_sized_uri();
        let m = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M).unwrap();
        assert_eq!(m.width(), 49);
    }

    #[test]
    fn a_stronger_level_is_taken_when_it_fits_the_same_version() {
        // "HELLO" fits version 1 even at H.
        let matrix = QrMatrix::encode("HELLO").unwrap();
        assert_eq!((matrix.version(), matrix.ec_level()), (1, EcLevel::H));
    }

    /// The size math of the issue: AWS seeds (64 Base32 characters), the 12-digit account ID, device
    /// names of 1, 32 and 226 characters (IAM's longest), in both URI forms. Each row: the version, the
    /// level, and the half-block cells with the least quiet zone (full-size modules: twice the columns,
    /// as many rows as modules).
    #[test]
    fn aws_codes_take_these_versions_and_cells() {
        use crate::otp::UriForm::{Short, WithIssuer};
        let seed = Seed::from_base32(&"JBSWY3DPEHPK3PXP".repeat(4)).unwrap();
        let half = ModuleShape::HalfBlock;
        let full = ModuleShape::FullSize;
        let expected = [
            (1, WithIssuer, 7, EcLevel::L, (49, 25)),
            (1, Short, 5, EcLevel::M, (41, 21)),
            (32, WithIssuer, 8, EcLevel::L, (53, 27)),
            (32, Short, 6, EcLevel::L, (45, 23)),
            (226, WithIssuer, 12, EcLevel::L, (69, 35)),
            (226, Short, 11, EcLevel::L, (65, 33)),
        ];
        for (name_len, form, version, level, (cols, rows)) in expected {
            let name = "d".repeat(name_len);
            let uri = seed.otpauth_uri_as(form, &name, "123456789012");
            let matrix = QrMatrix::encode(&uri).unwrap();
            let what = format!("{name_len}-character name, {form:?}");
            assert_eq!(matrix.version(), version, "{what}");
            assert_eq!(matrix.ec_level(), level, "{what}");
            assert_eq!(
                matrix.least_cells(half),
                CellSize::new(cols, rows),
                "{what}"
            );
            assert_eq!(
                matrix.least_cells(full),
                CellSize::new(2 * cols, cols),
                "{what}"
            );
        }
    }

    #[test]
    fn full_size_modules_take_two_cells_each() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        let cells = QrCells::from_matrix(&matrix, 2, ModuleShape::FullSize);
        assert_eq!((cells.width, cells.height), (50, 25));
        assert!(cells.rows.iter().all(|row| row.len() == 50));
        // Module (0, 0) of the code is the finder's dark corner: cells 4 and 5 of row 2.
        let corner = cells.rows[2][4];
        assert_eq!(corner, cells.rows[2][5]);
        assert!(corner.top_dark && corner.bottom_dark);
        for row in &cells.rows {
            for cell in row {
                assert_eq!(cell.top_dark, cell.bottom_dark, "a whole cell per module");
            }
        }
    }

    #[test]
    fn size_follows_the_quiet_zone() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        assert_eq!(matrix.width(), 21);
        let half = ModuleShape::HalfBlock;
        assert_eq!(matrix.cells(0, half), CellSize::new(21, 11));
        assert_eq!(matrix.cells(2, half), CellSize::new(25, 13));
        assert_eq!(matrix.cells(4, half), CellSize::new(29, 15));
        let cells = QrCells::from_matrix(&matrix, 4, half);
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
        let cells = QrCells::from_matrix(&matrix, 2, ModuleShape::HalfBlock);
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
        assert_eq!(QrMatrix::encode(&huge), Err(QrError::TooLong));
        assert_eq!(render(&huge), Err(QrError::TooLong));
    }

    #[test]
    fn debug_hides_the_modules() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        assert_eq!(format!("{matrix:?}"), "QrMatrix(21×21, <redacted>)");
        let cells = QrCells::from_matrix(&matrix, 0, ModuleShape::HalfBlock);
        assert_eq!(format!("{cells:?}"), "QrCells(21×11, <redacted>)");
    }
}
