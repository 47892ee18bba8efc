//! The QR code alone on the whole terminal (`f` on the QR step, `m` for full-size modules): no header, no
//! border, at most one line of words under the code; any key returns.
//!
//! The code keeps the payload the console's QR code has (`UriForm::WithIssuer`) when that fits; where it
//! does not (an 80×24 terminal), the shorter form AWS documents (`UriForm::Short`) often does, and then the
//! line under the code says what the authenticator app will list. Where neither fits, no code is drawn,
//! and the window size that would hold one is said.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::secret_step::panel_drawing;
use crate::app::App;
use crate::app::graphics::ImageProtocol;
use crate::app::wizard::{Enrollment, QrScreen, SecretViewMode, Step, WizardState};
use crate::otp::UriForm;
use crate::qr::{CellSize, ModuleShape};
use crate::ui::qr::{self, Drawing, Misfit, Placed};
use crate::ui::theme;

/// The line under the code.
const CAPTION_ROWS: u16 = 1;

/// The shape to show the code in, when the wizard is on the full-screen view with nothing above it.
pub fn shape(state: &WizardState, app: &App) -> Option<ModuleShape> {
    let QrScreen::FullScreen(shape) = state.secret.screen else {
        return None;
    };
    let on_view = state.step == Step::Secret
        && state.secret.mode == SecretViewMode::QrCode
        && state.dialog.is_none()
        && state.busy().is_none()
        && !app.session.redact;
    on_view.then_some(shape)
}

/// What the view draws: the code in the first form that fits, or the least window that would hold one.
struct Chosen {
    code: Placed,
    form: UriForm,
}

fn drawing(app: &App, shape: ModuleShape) -> Drawing {
    match shape {
        ModuleShape::HalfBlock => panel_drawing(app),
        // Full-size modules are for terminals whose half blocks fail: always cells.
        ModuleShape::FullSize => Drawing::Cells(shape),
    }
}

/// Rows the code may take with the console's form: all of them, but an image keeps the last row free (a
/// sixel image that reaches the bottom scrolls the screen).
fn rows_for_full_form(drawing: Drawing, terminal: CellSize) -> u16 {
    match drawing {
        Drawing::Image(graphics) if graphics.protocol == ImageProtocol::Sixel => {
            terminal.rows.saturating_sub(CAPTION_ROWS)
        }
        _ => terminal.rows,
    }
}

fn choose(enrollment: &Enrollment, drawing: Drawing, terminal: CellSize) -> Result<Chosen, Misfit> {
    let seed = enrollment.seed.as_ref().ok_or(Misfit::Needs(terminal))?;
    let uri = |form| seed.otpauth_uri_as(form, &enrollment.name, &enrollment.account_label);
    let full_room = CellSize::new(terminal.cols, rows_for_full_form(drawing, terminal));
    let full = qr::fit(&uri(UriForm::WithIssuer), drawing, full_room);
    if let Ok(code) = full {
        return Ok(Chosen {
            code,
            form: UriForm::WithIssuer,
        });
    }
    // The short form must say what the app will list: it always gets the caption row.
    let short_room = CellSize::new(terminal.cols, terminal.rows.saturating_sub(CAPTION_ROWS));
    match qr::fit(&uri(UriForm::Short), drawing, short_room) {
        Ok(code) => Ok(Chosen {
            code,
            form: UriForm::Short,
        }),
        Err(Misfit::Needs(needed)) => Err(Misfit::Needs(CellSize::new(
            needed.cols,
            needed.rows + CAPTION_ROWS,
        ))),
        Err(other) => Err(other),
    }
}

/// Whether a whole code would fit a terminal of this size in this shape.
pub fn fits(state: &WizardState, app: &App, shape: ModuleShape, terminal: CellSize) -> bool {
    state
        .enrollment
        .as_ref()
        .is_some_and(|enrollment| choose(enrollment, drawing(app, shape), terminal).is_ok())
}

pub fn render(frame: &mut Frame, state: &WizardState, app: &App, shape: ModuleShape) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let Some(enrollment) = &state.enrollment else {
        return;
    };
    let terminal = CellSize::new(area.width, area.height);
    match choose(enrollment, drawing(app, shape), terminal) {
        Ok(chosen) => render_code(frame, area, &chosen, enrollment, state),
        Err(Misfit::Needs(needed)) => render_too_small(frame, area, needed, state, app, shape),
        Err(Misfit::Unencodable(error)) => frame.render_widget(
            qr::unencodable_line(&error, "Press any key, then s for the secret key."),
            area,
        ),
    }
}

fn render_code(
    frame: &mut Frame,
    area: Rect,
    chosen: &Chosen,
    enrollment: &Enrollment,
    state: &WizardState,
) {
    let size = chosen.code.size;
    let spare_rows = area.height - size.rows;
    let caption = match chosen.form {
        UriForm::WithIssuer if spare_rows < CAPTION_ROWS => None,
        UriForm::WithIssuer => Some(Line::from(Span::styled(
            "Scan, then press any key to go back",
            theme::dim(),
        ))),
        UriForm::Short => Some(short_form_caption(enrollment, area.width)),
    };
    let caption_rows = if caption.is_some() { CAPTION_ROWS } else { 0 };
    let x = area.x + (area.width - size.cols) / 2;
    let y = area.y + (area.height - caption_rows - size.rows) / 2;
    chosen.code.draw(frame, x, y, state.secret.polarity);
    if let Some(caption) = caption {
        let caption_area = Rect::new(area.x, area.bottom() - CAPTION_ROWS, area.width, 1);
        frame.render_widget(Paragraph::new(caption).centered(), caption_area);
    }
}

/// What the authenticator app will list for the short form (no issuer), and the way back if it fits.
fn short_form_caption(enrollment: &Enrollment, width: u16) -> Line<'static> {
    let listing = UriForm::Short.app_listing(&enrollment.name, &enrollment.account_label);
    let mut line = Line::from(vec![
        Span::styled("Your app will show ", theme::dim()),
        Span::styled(format!("\"{listing}\""), theme::title()),
        Span::styled(", no issuer", theme::dim()),
    ]);
    const BACK: &str = " · any key: back";
    if line.width() + BACK.chars().count() <= usize::from(width) {
        line.push_span(Span::styled(BACK, theme::dim()));
    }
    line
}

fn render_too_small(
    frame: &mut Frame,
    area: Rect,
    needed: CellSize,
    state: &WizardState,
    app: &App,
    shape: ModuleShape,
) {
    let what = match shape {
        ModuleShape::HalfBlock => "The QR code",
        ModuleShape::FullSize => "The QR code in full-size modules",
    };
    let mut lines = vec![
        Line::styled(
            format!(
                "{what} needs a window of at least {needed}; this one is {}×{}.",
                area.width, area.height
            ),
            theme::warning(),
        ),
        Line::raw(""),
    ];
    let terminal = CellSize::new(area.width, area.height);
    if shape == ModuleShape::FullSize && fits(state, app, ModuleShape::HalfBlock, terminal) {
        lines.push(Line::raw(
            "Half-block modules fit: press any key, then f (they need a terminal without line spacing).",
        ));
    } else {
        lines.push(Line::raw("Make the window larger or the font smaller."));
    }
    lines.push(Line::raw(
        "Press any key to go back; s there shows the secret key to type in instead.",
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
