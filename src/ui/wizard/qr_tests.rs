//! The QR code as a phone in front of the terminal sees it, in every layout (the panel, the full-screen
//! view, full-size modules), at 80x24, 100x32 and 200x60, for device names of 1, 32 and 226 characters
//! (IAM's longest): the whole screen is photographed on the terminal's own dark background, then a light
//! one, with no margin added around it, and decoded with rqrr to the exact URI. Where a layout cannot
//! hold a whole code, no code is drawn and the window size it needs is said. Also: images (the bytes
//! sent in the escape sequence decode to the URI), snapshots of the new views, and `--redact`.

use crossterm::event::KeyCode;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::style::Color;

use crate::app::ctrl;
use crate::app::graphics::{CellPixels, Graphics, ImageProtocol};
use crate::app::wizard::tests::{press, to_name_step, wizard};
use crate::headless::Headless;
use crate::iam::demo::DemoIdentity;
use crate::otp::UriForm;
use crate::qr::camera::decode;
use crate::qr::raster::{Raster, luma};
use crate::ui::graphics::{iterm2, kitty, sixel};
use crate::ui::qr::shade;

/// The demo account's ID: the account label in the URI.
const ACCOUNT: &str = "210987654321";

// ----- the camera -----

/// A terminal theme: what the app leaves to it.
#[derive(Debug, Clone, Copy)]
struct Theme {
    background: u8,
    text: u8,
}

/// A dark theme's background is nearly as dark as the code's black: only the painted quiet zone tells
/// them apart, which is the point.
const DARK: Theme = Theme {
    background: 30,
    text: 200,
};
const LIGHT: Theme = Theme {
    background: 245,
    text: 40,
};

/// Pixels per module: a cell is one module wide and two tall (half blocks), so `UNIT` × 2·`UNIT` pixels.
const UNIT: usize = 3;

/// The whole screen as grey pixels: cells painted in the QR's black and white exactly as drawn, half by
/// half; every other cell in the theme's background with a stroke of text colour where it holds a glyph.
fn photograph(buffer: &Buffer, theme: Theme) -> Vec<Vec<u8>> {
    let area = buffer.area;
    let (width, height) = (
        usize::from(area.width) * UNIT,
        usize::from(area.height) * 2 * UNIT,
    );
    let mut pixels = vec![vec![theme.background; width]; height];
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            let (px, py) = (usize::from(x) * UNIT, usize::from(y) * 2 * UNIT);
            match (shade(cell.fg), shade(cell.bg)) {
                (Some(fg), Some(bg)) => {
                    let (top, bottom) = match cell.symbol() {
                        "▀" => (fg, bg),
                        "▄" => (bg, fg),
                        "█" => (fg, fg),
                        _ => (bg, bg),
                    };
                    for dy in 0..2 * UNIT {
                        let shade = if dy < UNIT { top } else { bottom };
                        pixels[py + dy][px..px + UNIT].fill(luma(shade));
                    }
                }
                _ if cell.symbol().trim().is_empty() => {}
                // A glyph: a vertical stroke in the middle of the cell.
                _ => (UNIT / 2 * 2..2 * UNIT - 1).for_each(|dy| {
                    pixels[py + dy][px + UNIT / 2] = theme.text;
                }),
            }
        }
    }
    pixels
}

/// Whether any cell is painted in the QR's colours.
fn draws_a_code(buffer: &Buffer) -> bool {
    buffer
        .content
        .iter()
        .any(|cell| shade(cell.fg).is_some() && shade(cell.bg).is_some())
}

// ----- driving the wizard -----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Panel,
    FullScreen,
    FullSizeModules,
}

/// A device name of `len` characters that the URI carries as they are (`+ = ,` would take three bytes
/// each, percent-encoded: the code grows with the bytes, and the size math follows).
fn device_name(len: usize) -> String {
    "ben.carter-phone_2026-11-23.work"
        .chars()
        .cycle()
        .take(len)
        .collect()
}

/// The demo app at `cols`×`rows`, on the QR step of a new device named `name`, in `layout`.
async fn qr_step(cols: u16, rows: u16, name: &str, layout: Layout) -> Headless {
    let mut h = Headless::demo(DemoIdentity::Admin, cols, rows).await;
    to_name_step(&mut h, "ben.c").await;
    h.press(ctrl('u')).await;
    h.type_text(name).await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Enter).await;
    assert!(
        wizard(&h).enrollment.is_some(),
        "no device created:\n{}",
        h.screen_text()
    );
    match layout {
        Layout::Panel => {}
        Layout::FullScreen => press(&mut h, KeyCode::Char('f')).await,
        Layout::FullSizeModules => press(&mut h, KeyCode::Char('m')).await,
    }
    h
}

fn uri(h: &Headless, form: UriForm) -> String {
    let enrollment = wizard(h).enrollment.as_ref().unwrap();
    let seed = enrollment.seed.as_ref().unwrap();
    assert_eq!(enrollment.account_label, ACCOUNT);
    seed.otpauth_uri_as(form, &enrollment.name, ACCOUNT)
        .to_string()
}

// ----- every layout, size and name -----

/// What a case shows: a code of this form, or no code and these words.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Scans(UriForm),
    Says(&'static str),
}
use Expect::{Says, Scans};
use Layout::{FullScreen, FullSizeModules, Panel};
use UriForm::{Short, WithIssuer};

/// The size math of `crate::qr` on screen. Codes (half blocks, least quiet zone): a 1-character name is
/// version 7 (49×25 cells) with the issuer, 5 (41×21) without; 32 characters: 8 (53×27), 6 (45×23);
/// 226: 12 (69×35), 11 (65×33). The panel leaves 74×13 at 80x24, 94×25 (beside the words) at 100x32.
/// Full screen gives the short form one line for its caption. Full-size modules take 2 columns and 1 row.
const CASES: [(Layout, (u16, u16), usize, Expect); 27] = [
    (
        Panel,
        (80, 24),
        1,
        Says("needs 49×25 characters; this window leaves 74×13"),
    ),
    (
        Panel,
        (80, 24),
        32,
        Says("needs 53×27 characters; this window leaves 74×13"),
    ),
    (
        Panel,
        (80, 24),
        226,
        Says("needs 69×35 characters; this window leaves 74×13"),
    ),
    (Panel, (100, 32), 1, Scans(WithIssuer)),
    (
        Panel,
        (100, 32),
        32,
        Says("needs 53×27 characters; this window leaves 94×21"),
    ),
    (
        Panel,
        (100, 32),
        226,
        Says("needs 69×35 characters; this window leaves 94×21"),
    ),
    (Panel, (200, 60), 1, Scans(WithIssuer)),
    (Panel, (200, 60), 32, Scans(WithIssuer)),
    (Panel, (200, 60), 226, Scans(WithIssuer)),
    (FullScreen, (80, 24), 1, Scans(Short)),
    (FullScreen, (80, 24), 32, Scans(Short)),
    (
        FullScreen,
        (80, 24),
        226,
        Says("needs a window of at least 65×34; this one is 80×24"),
    ),
    (FullScreen, (100, 32), 1, Scans(WithIssuer)),
    (FullScreen, (100, 32), 32, Scans(WithIssuer)),
    (
        FullScreen,
        (100, 32),
        226,
        Says("needs a window of at least 65×34; this one is 100×32"),
    ),
    (FullScreen, (200, 60), 1, Scans(WithIssuer)),
    (FullScreen, (200, 60), 32, Scans(WithIssuer)),
    (FullScreen, (200, 60), 226, Scans(WithIssuer)),
    (
        FullSizeModules,
        (80, 24),
        1,
        Says("needs a window of at least 82×42; this one is 80×24"),
    ),
    (
        FullSizeModules,
        (80, 24),
        32,
        Says("needs a window of at least 90×46; this one is 80×24"),
    ),
    (
        FullSizeModules,
        (80, 24),
        226,
        Says("needs a window of at least 130×66; this one is 80×24"),
    ),
    (
        FullSizeModules,
        (100, 32),
        1,
        Says("needs a window of at least 82×42; this one is 100×32"),
    ),
    (
        FullSizeModules,
        (100, 32),
        32,
        Says("needs a window of at least 90×46; this one is 100×32"),
    ),
    (
        FullSizeModules,
        (100, 32),
        226,
        Says("needs a window of at least 130×66; this one is 100×32"),
    ),
    (FullSizeModules, (200, 60), 1, Scans(WithIssuer)),
    (FullSizeModules, (200, 60), 32, Scans(WithIssuer)),
    (
        FullSizeModules,
        (200, 60),
        226,
        Says("needs a window of at least 130×66; this one is 200×60"),
    ),
];

#[tokio::test]
async fn every_layout_scans_on_dark_and_light_terminals_or_says_the_size_it_needs() {
    for (layout, (cols, rows), name_len, expect) in CASES {
        let what = format!("{layout:?} at {cols}x{rows}, {name_len}-character name");
        let mut h = qr_step(cols, rows, &device_name(name_len), layout).await;
        let buffer = h.render().buffer().clone();
        let text = h.screen_text();
        match expect {
            Scans(form) => {
                let expected = uri(&h, form);
                for theme in [DARK, LIGHT] {
                    let decoded = decode(&photograph(&buffer, theme), false);
                    assert_eq!(
                        decoded,
                        vec![expected.clone()],
                        "{what}, {theme:?}:\n{text}"
                    );
                }
                if form == Short {
                    let listing = Short.app_listing(&device_name(name_len), ACCOUNT);
                    assert!(
                        text.contains(&format!("Your app will show \"{listing}\", no issuer")),
                        "{what}: the short form is not explained:\n{text}"
                    );
                }
            }
            Says(words) => {
                assert!(!draws_a_code(&buffer), "{what}: a code is drawn:\n{text}");
                // Words may wrap: compare with the lines joined.
                let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    joined.contains(words),
                    "{what}: not said {words:?}:\n{text}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_panel_offers_the_full_screen_view_when_that_holds_the_code() {
    let mut h = qr_step(80, 24, &device_name(32), Panel).await;
    assert!(
        h.screen_text()
            .contains("Press f to show it alone on the whole window")
    );
    let mut h = qr_step(80, 24, &device_name(226), Panel).await;
    let text = h.screen_text();
    assert!(!text.contains("Press f"), "{text}");
    assert!(text.contains("Make the window larger"), "{text}");
}

#[tokio::test]
async fn any_key_returns_from_the_full_screen_view() {
    let mut h = qr_step(80, 24, &device_name(10), FullScreen).await;
    assert!(!h.screen_text().contains("Set up the authenticator app"));
    press(&mut h, KeyCode::Esc).await;
    let text = h.screen_text();
    assert!(text.contains("Set up the authenticator app"), "{text}");
    // Esc went back from the view, not out of the wizard.
    assert!(wizard(&h).dialog.is_none());
}

#[tokio::test]
async fn a_resize_redraws_the_code_whole_or_not_at_all() {
    let mut h = qr_step(100, 32, &device_name(32), FullScreen).await;
    let expected = uri(&h, WithIssuer);
    let buffer = h.render().buffer().clone();
    assert_eq!(decode(&photograph(&buffer, DARK), false), vec![expected]);
    // Smaller: the short form; smaller still: no code.
    h.resize(80, 24);
    let buffer = h.render().buffer().clone();
    assert_eq!(
        decode(&photograph(&buffer, DARK), false),
        vec![uri(&h, Short)]
    );
    h.resize(60, 20);
    let buffer = h.render().buffer().clone();
    assert!(!draws_a_code(&buffer), "{}", h.screen_text());
    assert!(h.screen_text().contains("needs a window of at least 45×24"));
}

// ----- images -----

const CELL: CellPixels = CellPixels {
    width: 10,
    height: 20,
};

fn graphics(protocol: ImageProtocol) -> Graphics {
    Graphics {
        protocol,
        cell: CELL,
    }
}

/// The one cell that holds an image sequence, and the cells the image covers (the skipped ones too).
fn image_in(buffer: &Buffer) -> Option<(String, u16, u16)> {
    let first = buffer
        .content
        .iter()
        .position(|cell| matches!(cell.diff_option, CellDiffOption::ForcedWidth(_)))?;
    let width = usize::from(buffer.area.width);
    let (x0, y0) = (first % width, first / width);
    let skipped =
        |x: usize, y: usize| buffer.content[y * width + x].diff_option == CellDiffOption::Skip;
    let cols = 1 + (x0 + 1..width).take_while(|&x| skipped(x, y0)).count();
    let rows = 1
        + (y0 + 1..usize::from(buffer.area.height))
            .take_while(|&y| skipped(x0, y))
            .count();
    Some((
        buffer.content[first].symbol().to_string(),
        cols as u16,
        rows as u16,
    ))
}

/// The pixels the app sends, read back from the sequence it puts on screen.
fn sent_pixels(protocol: ImageProtocol, sequence: &str) -> Raster {
    let png = match protocol {
        ImageProtocol::Sixel => return sixel::decode(sequence),
        ImageProtocol::Kitty => kitty::payload(sequence),
        ImageProtocol::Iterm2 => iterm2::payload(sequence),
    };
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a small image")];
    let info = reader.next_frame(&mut pixels).expect("PNG pixels");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    pixels.truncate(info.buffer_size());
    Raster {
        width: info.width,
        height: info.height,
        pixels: zeroize::Zeroizing::new(pixels),
    }
}

fn rows_of(raster: &Raster) -> Vec<Vec<u8>> {
    raster
        .pixels
        .chunks(raster.width as usize)
        .map(<[u8]>::to_vec)
        .collect()
}

#[tokio::test]
async fn images_decode_to_the_uri_and_cover_whole_cells() {
    let protocols = [
        ImageProtocol::Kitty,
        ImageProtocol::Iterm2,
        ImageProtocol::Sixel,
    ];
    // At 80x24 an image fits where half blocks do not: the panel keeps the console's payload.
    let layouts = [(Panel, WithIssuer), (FullScreen, WithIssuer)];
    for protocol in protocols {
        for (layout, form) in layouts {
            let what = format!("{protocol:?}, {layout:?} at 80x24");
            let mut h = Headless::demo(DemoIdentity::Admin, 80, 24).await;
            h.app.session.graphics = Some(graphics(protocol));
            to_name_step(&mut h, "ben.c").await;
            press(&mut h, KeyCode::Enter).await;
            press(&mut h, KeyCode::Enter).await;
            if layout == FullScreen {
                press(&mut h, KeyCode::Char('f')).await;
            }
            let buffer = h.render_frame();
            let (sequence, cols, rows) = image_in(&buffer)
                .unwrap_or_else(|| panic!("{what}: no image:\n{}", h.screen_text()));
            assert!(!draws_a_code(&buffer), "{what}: half blocks as well");
            let raster = sent_pixels(protocol, &sequence);
            assert_eq!(
                (raster.width, raster.height),
                (u32::from(cols) * 10, u32::from(rows) * 20),
                "{what}: the image covers whole cells"
            );
            assert_eq!(
                decode(&rows_of(&raster), false),
                vec![uri(&h, form)],
                "{what}"
            );
            if protocol == ImageProtocol::Sixel {
                assert!(
                    usize::from(rows) < 24,
                    "{what}: a sixel image never reaches the last row"
                );
            }
        }
    }
}

#[tokio::test]
async fn full_size_modules_stay_cells_on_image_terminals() {
    let mut h = Headless::demo(DemoIdentity::Admin, 200, 60).await;
    h.app.session.graphics = Some(graphics(ImageProtocol::Kitty));
    to_name_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Char('m')).await;
    assert!(image_in(&h.render_frame()).is_none());
    let buffer = h.render().buffer().clone();
    assert_eq!(
        decode(&photograph(&buffer, DARK), false),
        vec![uri(&h, WithIssuer)]
    );
}

#[tokio::test]
async fn the_help_overlay_takes_the_image_away() {
    let mut h = Headless::demo(DemoIdentity::Admin, 80, 24).await;
    h.app.session.graphics = Some(graphics(ImageProtocol::Kitty));
    to_name_step(&mut h, "ben.c").await;
    press(&mut h, KeyCode::Enter).await;
    press(&mut h, KeyCode::Enter).await;
    assert!(crate::ui::graphics::holds_kitty_image(&h.render_frame()));
    press(&mut h, KeyCode::Char('?')).await;
    assert!(!crate::ui::graphics::holds_kitty_image(&h.render_frame()));
}

// ----- snapshots and redaction -----

/// The screen as text with an image's sequence shown as `▣` and its skipped cells blank: the sequence
/// carries the seed and would fill the snapshot.
fn screen_with_images(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    buffer
        .content
        .chunks(width)
        .map(|row| {
            row.iter()
                .map(|cell| match cell.diff_option {
                    CellDiffOption::ForcedWidth(_) => "▣",
                    CellDiffOption::Skip => " ",
                    _ => cell.symbol(),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn snapshots_of_the_full_screen_views() {
    // The demo's seeds are deterministic in tests: the codes are the same every run.
    for (cols, rows) in [(80, 24), (120, 40)] {
        let mut h = qr_step(cols, rows, "ben.carter", FullScreen).await;
        insta::assert_snapshot!(format!("qr_full_screen_{cols}x{rows}"), h.render());
        let mut h = qr_step(cols, rows, "ben.carter", FullSizeModules).await;
        insta::assert_snapshot!(format!("qr_full_size_modules_{cols}x{rows}"), h.render());
    }
    let mut h = qr_step(200, 60, "ben.carter", FullSizeModules).await;
    insta::assert_snapshot!("qr_full_size_modules_200x60", h.render());
    for (cols, rows) in [(80, 24), (120, 40)] {
        let mut h = Headless::demo(DemoIdentity::Admin, cols, rows).await;
        h.app.session.graphics = Some(graphics(ImageProtocol::Sixel));
        to_name_step(&mut h, "ben.c").await;
        press(&mut h, KeyCode::Enter).await;
        press(&mut h, KeyCode::Enter).await;
        let panel = screen_with_images(&h.render_frame());
        insta::assert_snapshot!(format!("qr_image_panel_{cols}x{rows}"), panel);
        press(&mut h, KeyCode::Char('f')).await;
        let full = screen_with_images(&h.render_frame());
        insta::assert_snapshot!(format!("qr_image_full_screen_{cols}x{rows}"), full);
    }
}

#[tokio::test]
async fn redact_never_shows_the_code_in_any_view() {
    for graphics in [None, Some(graphics(ImageProtocol::Kitty))] {
        for key in ['f', 'm', 'i'] {
            let mut h = Headless::demo(DemoIdentity::Admin, 200, 60).await;
            h.app.session.redact = true;
            h.app.session.graphics = graphics;
            to_name_step(&mut h, "ben.c").await;
            press(&mut h, KeyCode::Enter).await;
            press(&mut h, KeyCode::Enter).await;
            press(&mut h, KeyCode::Char(key)).await;
            let buffer = h.render_frame();
            let text = h.screen_text();
            assert!(text.contains("The QR code is hidden"), "{key}: {text}");
            assert!(!text.contains(['▀', '▄', '█']), "{key}: {text}");
            assert!(!draws_a_code(&buffer), "{key}");
            assert!(image_in(&buffer).is_none(), "{key}");
        }
    }
}

// ----- NO_COLOR -----

/// The screen under `NO_COLOR` as a phone sees it: every cell in the theme's own text colour on its
/// background, swapped where the cell is in reverse video.
fn photograph_without_colours(buffer: &Buffer, theme: Theme) -> Vec<Vec<u8>> {
    let area = buffer.area;
    let (width, height) = (
        usize::from(area.width) * UNIT,
        usize::from(area.height) * 2 * UNIT,
    );
    let mut pixels = vec![vec![theme.background; width]; height];
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            let (mut fg, mut bg) = (theme.text, theme.background);
            if cell.modifier.contains(ratatui::style::Modifier::REVERSED) {
                (fg, bg) = (bg, fg);
            }
            let (top, bottom) = match cell.symbol() {
                "▀" => (fg, bg),
                "▄" => (bg, fg),
                "█" => (fg, fg),
                " " => (bg, bg),
                // Any other glyph is words, not code: a stroke like `photograph`'s.
                _ => {
                    let (px, py) = (usize::from(x) * UNIT, usize::from(y) * 2 * UNIT);
                    (UNIT / 2 * 2..2 * UNIT - 1).for_each(|dy| pixels[py + dy][px + UNIT / 2] = fg);
                    continue;
                }
            };
            let (px, py) = (usize::from(x) * UNIT, usize::from(y) * 2 * UNIT);
            for dy in 0..2 * UNIT {
                pixels[py + dy][px..px + UNIT].fill(if dy < UNIT { top } else { bottom });
            }
        }
    }
    pixels
}

#[tokio::test]
async fn under_no_color_every_layout_scans_in_the_terminals_own_colours() {
    for (layout, (cols, rows), name_len, expect) in CASES {
        let Scans(form) = expect else { continue };
        for inverted in [false, true] {
            let what = format!("{layout:?} at {cols}x{rows}, {name_len} characters, i: {inverted}");
            let mut h = qr_step(cols, rows, &device_name(name_len), Layout::Panel).await;
            h.app.session.colours = crate::app::Colours::Off;
            if inverted {
                press(&mut h, KeyCode::Char('i')).await;
            }
            match layout {
                Panel => {}
                FullScreen => press(&mut h, KeyCode::Char('f')).await,
                FullSizeModules => press(&mut h, KeyCode::Char('m')).await,
            }
            let buffer = h.render().buffer().clone();
            let coloured: Vec<_> = buffer
                .content
                .iter()
                .filter(|cell| (cell.fg, cell.bg) != (Color::Reset, Color::Reset))
                .collect();
            assert!(coloured.is_empty(), "{what}: {:?}", coloured.first());
            let expected = vec![uri(&h, form)];
            // Dark on light where the terminal is light; on a dark terminal the same cells are light
            // on dark, read by scanners that take inverted codes, and `i` turns them round.
            for (theme, invert) in [(LIGHT, inverted), (DARK, !inverted)] {
                let decoded = decode(&photograph_without_colours(&buffer, theme), invert);
                assert_eq!(decoded, expected, "{what}, {theme:?}:\n{}", h.screen_text());
            }
        }
    }
}
