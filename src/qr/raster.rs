//! A code as greyscale pixels, for the saved PNG and for terminals that show images.

use zeroize::Zeroizing;

use super::{Polarity, QrMatrix, Shade};

/// The grey value of a shade.
pub fn luma(shade: Shade) -> u8 {
    match shade {
        Shade::Black => 0,
        Shade::White => 255,
    }
}

/// Greyscale pixels, row by row, one byte each. Zeroized on drop: they carry the seed.
#[derive(Clone, PartialEq, Eq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub pixels: Zeroizing<Vec<u8>>,
}

impl Raster {
    /// The code with `quiet_zone` modules around it, `scale` pixels a module, in the middle of a canvas
    /// of `canvas` pixels (at least the code's size) painted in the polarity's paper.
    pub fn of(
        matrix: &QrMatrix,
        quiet_zone: usize,
        scale: u32,
        canvas: (u32, u32),
        polarity: Polarity,
    ) -> Self {
        let scale = scale.max(1) as usize;
        let side = (matrix.width() + 2 * quiet_zone) * scale;
        let width = canvas.0.max(side as u32) as usize;
        let height = canvas.1.max(side as u32) as usize;
        let (left, top) = ((width - side) / 2, (height - side) / 2);
        let (ink, paper) = (luma(polarity.ink()), luma(polarity.paper()));
        let offset = (quiet_zone * scale) as isize;
        let mut pixels = Zeroizing::new(vec![paper; width * height]);
        for y in 0..side {
            let module_y = (y as isize - offset).div_euclid(scale as isize);
            let row = &mut pixels[(top + y) * width + left..][..side];
            for (x, pixel) in row.iter_mut().enumerate() {
                let module_x = (x as isize - offset).div_euclid(scale as isize);
                if matrix.is_dark(module_x, module_y) {
                    *pixel = ink;
                }
            }
        }
        Self {
            width: width as u32,
            height: height as u32,
            pixels,
        }
    }

    pub fn at(&self, x: u32, y: u32) -> u8 {
        self.pixels[(y * self.width + x) as usize]
    }

    /// The pixels as an 8-bit greyscale PNG (in memory: the caller decides where it goes).
    pub fn png(&self) -> Result<Zeroizing<Vec<u8>>, png::EncodingError> {
        let mut out = Zeroizing::new(Vec::new());
        let mut encoder = png::Encoder::new(&mut *out, self.width, self.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.pixels)?;
        writer.finish()?;
        Ok(out)
    }
}

/// Hides the pixels.
impl std::fmt::Debug for Raster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Raster({}×{}, <redacted>)", self.width, self.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_sits_in_the_middle_of_a_paper_canvas() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        // 21 modules + 2×2 quiet zone = 25 modules, 3 pixels each: 75 pixels, on a 100×80 canvas.
        let raster = Raster::of(&matrix, 2, 3, (100, 80), Polarity::DarkOnLight);
        assert_eq!((raster.width, raster.height), (100, 80));
        let (left, top) = (12, 2);
        // The finder pattern's corner module is dark: 3×3 pixels at the code's origin.
        for d in 0..3 {
            assert_eq!(raster.at(left + 6 + d, top + 6 + d), 0);
        }
        // Quiet zone and canvas are white.
        assert_eq!(raster.at(left + 5, top + 6), 255);
        assert_eq!(raster.at(0, 0), 255);
        assert_eq!(raster.at(99, 79), 255);
        let inverted = Raster::of(&matrix, 2, 3, (100, 80), Polarity::LightOnDark);
        assert_eq!(inverted.at(0, 0), 0);
        assert_eq!(inverted.at(left + 6, top + 6), 255);
        assert_eq!(format!("{raster:?}"), "Raster(100×80, <redacted>)");
    }

    #[test]
    fn a_small_canvas_grows_to_the_code() {
        let matrix = QrMatrix::encode("HELLO").unwrap();
        let raster = Raster::of(&matrix, 2, 2, (0, 0), Polarity::DarkOnLight);
        assert_eq!((raster.width, raster.height), (50, 50));
    }
}
