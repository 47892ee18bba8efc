//! Step 4 for an authenticator app: the QR code, or the secret key in groups of four; the size the code
//! needs when the window is too small, and the full-screen view that may hold it; where a copy or a save
//! went; the save path being typed. The full-screen view itself is `qr_full_screen`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::qr_full_screen;
use crate::app::App;
use crate::app::wizard::{Enrollment, QrScreen, SecretViewMode, WizardState};
use crate::qr::{CellSize, ModuleShape};
use crate::ui::qr::{Drawing, Misfit, Placed};
use crate::ui::widgets::KeyHint;
use crate::ui::{field, qr, theme};

/// Rows the stacked layout spends around the QR code: the instructions, a blank line above and below the
/// code, and the status line.
const STACKED_CHROME_ROWS: u16 = 4;
/// Groups of four per line of the secret key (eight: 39 columns).
const GROUPS_PER_LINE: usize = 8;
/// Columns between the QR code and the words beside it, and the least room those words need.
const BESIDE_GAP: u16 = 2;
const BESIDE_MIN_WIDTH: u16 = 24;

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState, app: &App) {
    let Some(enrollment) = &state.enrollment else {
        return;
    };
    if let Some((code, code_area, text_area)) = qr_beside_text(area, state, app, enrollment) {
        return render_qr_beside_text(frame, &code, code_area, text_area, state, app);
    }
    let [intro_area, view_area, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Line::raw(intro_text(state.secret.mode)), intro_area);
    let view = view_area.inner(ratatui::layout::Margin::new(0, 1));
    if app.session.redact {
        render_hidden(frame, view, state.secret.mode);
    } else {
        match state.secret.mode {
            SecretViewMode::QrCode => render_qr(frame, view, state, app, enrollment),
            SecretViewMode::SecretKey => render_key(frame, view, enrollment),
        }
    }
    frame.render_widget(status_line(state, status_area, app), status_area);
    place_save_cursor(frame, status_area, state, app);
}

fn intro_text(mode: SecretViewMode) -> &'static str {
    match mode {
        SecretViewMode::QrCode => "Scan the QR code with the authenticator app, then press Enter.",
        SecretViewMode::SecretKey => {
            "Type this secret key into the app (time-based), then press Enter."
        }
    }
}

/// When the QR code does not fit under its line of instructions but does fit beside them (a window of
/// about 100x32), the code takes the panel's full height on the left and the words go on its right.
fn qr_beside_text(
    area: Rect,
    state: &WizardState,
    app: &App,
    enrollment: &Enrollment,
) -> Option<(Placed, Rect, Rect)> {
    if app.session.redact || state.secret.mode != SecretViewMode::QrCode {
        return None;
    }
    let uri = enrollment.otpauth_uri()?;
    let drawing = panel_drawing(app);
    if qr::fit(&uri, drawing, stacked_room(area)).is_ok() {
        return None;
    }
    let beside_room = CellSize::new(
        area.width.saturating_sub(BESIDE_GAP + BESIDE_MIN_WIDTH),
        area.height,
    );
    let code = qr::fit(&uri, drawing, beside_room).ok()?;
    let [code_area, _, text_area] = Layout::horizontal([
        Constraint::Length(code.size.cols),
        Constraint::Length(BESIDE_GAP),
        Constraint::Min(BESIDE_MIN_WIDTH),
    ])
    .areas(area);
    Some((code, code_area, text_area))
}

/// The room under the instructions, between the blank lines, above the status line.
fn stacked_room(area: Rect) -> CellSize {
    CellSize::new(area.width, area.height.saturating_sub(STACKED_CHROME_ROWS))
}

/// Half blocks, or an image where the terminal shows them (not under the help overlay: a Kitty image
/// would stay on top of it).
pub(super) fn panel_drawing(app: &App) -> Drawing {
    match app.session.graphics {
        Some(graphics) if !app.help_open => Drawing::Image(graphics),
        _ => Drawing::Cells(ModuleShape::HalfBlock),
    }
}

fn render_qr_beside_text(
    frame: &mut Frame,
    code: &Placed,
    code_area: Rect,
    text_area: Rect,
    state: &WizardState,
    app: &App,
) {
    code.draw(frame, code_area.x, code_area.y, state.secret.polarity);
    let [intro_area, status_area] =
        Layout::vertical([Constraint::Length(4), Constraint::Min(1)]).areas(text_area);
    frame.render_widget(
        Paragraph::new(intro_text(state.secret.mode)).wrap(Wrap { trim: true }),
        intro_area,
    );
    frame.render_widget(
        Paragraph::new(status_line(state, status_area, app)).wrap(Wrap { trim: true }),
        status_area,
    );
    place_save_cursor(frame, status_area, state, app);
}

/// The room the save path has after its label on the status line.
fn save_path_width(status_area: Rect, state: &WizardState) -> u16 {
    status_area
        .width
        .saturating_sub(save_label(state.secret.mode).chars().count() as u16)
}

/// While a save path is typed, the cursor stands in it on the status line.
fn place_save_cursor(frame: &mut Frame, status_area: Rect, state: &WizardState, app: &App) {
    if let Some(input) = &state.secret.save_path {
        let width = save_path_width(status_area, state);
        let (_, cursor) = field::inline_value(input, &app.session, width);
        let x = status_area.x + save_label(state.secret.mode).chars().count() as u16 + cursor;
        frame.set_cursor_position((x.min(status_area.right().saturating_sub(1)), status_area.y));
    }
}

fn save_label(mode: SecretViewMode) -> &'static str {
    match mode {
        SecretViewMode::QrCode => "Save the QR code (PNG) to: ",
        SecretViewMode::SecretKey => "Save the secret (text) to: ",
    }
}

fn render_hidden(frame: &mut Frame, area: Rect, mode: SecretViewMode) {
    let what = match mode {
        SecretViewMode::QrCode => "The QR code",
        SecretViewMode::SecretKey => "The secret key",
    };
    let text = format!(
        "{what} is hidden (secrets hidden). c copies the secret key; w saves it to a file."
    );
    frame.render_widget(
        Paragraph::new(Line::styled(text, theme::warning())).wrap(Wrap { trim: true }),
        area,
    );
}

fn render_qr(
    frame: &mut Frame,
    area: Rect,
    state: &WizardState,
    app: &App,
    enrollment: &Enrollment,
) {
    let Some(uri) = enrollment.otpauth_uri() else {
        return;
    };
    let room = CellSize::new(area.width, area.height);
    match qr::fit(&uri, panel_drawing(app), room) {
        Ok(code) => {
            let x = area.x + (area.width - code.size.cols) / 2;
            code.draw(frame, x, area.y, state.secret.polarity);
        }
        Err(Misfit::Needs(needed)) => render_too_small(frame, area, needed, state, app),
        Err(Misfit::Unencodable(error)) => frame.render_widget(
            qr::unencodable_line(&error, "Press s to show the secret key."),
            area,
        ),
    }
}

/// The exact size the code needs, and the view that may hold it: the whole terminal.
fn render_too_small(
    frame: &mut Frame,
    area: Rect,
    needed: CellSize,
    state: &WizardState,
    app: &App,
) {
    let mut lines = vec![
        Line::styled(
            format!(
                "The QR code needs {needed} characters; this window leaves {}×{} for it.",
                area.width, area.height
            ),
            theme::warning(),
        ),
        Line::raw(""),
    ];
    let terminal = CellSize::new(app.size.0, app.size.1);
    let full_screen = qr_full_screen::fits(state, app, ModuleShape::HalfBlock, terminal);
    lines.push(if full_screen {
        Line::from(vec![
            Span::raw("Press "),
            Span::styled("f", theme::key()),
            Span::raw(" to show it alone on the whole window, where it fits."),
        ])
    } else {
        Line::raw("Make the window larger (or the font smaller).")
    });
    lines.push(Line::from(vec![
        Span::raw("Or press "),
        Span::styled("s", theme::key()),
        Span::raw(" to show the secret key instead."),
    ]));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

fn render_key(frame: &mut Frame, area: Rect, enrollment: &Enrollment) {
    let Some(seed) = &enrollment.seed else {
        return;
    };
    // Lines borrow the zeroized text rather than copy it.
    let grouped = seed.grouped();
    // Each group is four Base32 characters and a space.
    let line_len = GROUPS_PER_LINE * 5;
    let mut lines: Vec<Line> = (0..grouped.len())
        .step_by(line_len)
        .map(|start| {
            let end = (start + line_len - 1).min(grouped.len());
            Line::from(vec![
                Span::raw("  "),
                Span::styled(&grouped[start..end], theme::title()),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Account  ", theme::dim()),
        Span::raw(enrollment.account_label.as_str()),
    ]));
    lines.push(Line::from(vec![
        Span::styled("Device   ", theme::dim()),
        Span::raw(enrollment.serial.as_str()),
    ]));
    lines.push(Line::styled(
        "Type: time-based (TOTP), SHA1, 6 digits, every 30 seconds",
        theme::dim(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn status_line(state: &WizardState, status_area: Rect, app: &App) -> Line<'static> {
    if let Some(path) = &state.secret.overwrite {
        return Line::from(vec![
            Span::styled(
                format!("{} already exists. ", path.display()),
                theme::warning(),
            ),
            Span::styled(
                "Overwrite it? y overwrites, n changes the name",
                theme::title(),
            ),
        ]);
    }
    if let Some(input) = &state.secret.save_path {
        let width = save_path_width(status_area, state);
        let (value, _) = field::inline_value(input, &app.session, width);
        return Line::from(vec![
            Span::styled(save_label(state.secret.mode), theme::title()),
            Span::styled(value, theme::accent()),
        ]);
    }
    let mut spans = Vec::new();
    if state.replaced_lost > 0 {
        spans.push(Span::styled(
            "IAM lost the answer to the first create, so nobody had that device's secret: it was deleted and this one created. ",
            theme::warning(),
        ));
    }
    if let Some(place) = &state.secret.copied_to {
        spans.push(Span::styled(format!("Copied to the {place} "), theme::ok()));
        let after = crate::clipboard::CLEAR_AFTER.as_secs();
        spans.push(Span::styled(
            format!("(cleared after {after} s)"),
            theme::dim(),
        ));
    }
    if let Some(path) = &state.secret.saved_to {
        if !spans.is_empty() {
            spans.push(Span::styled("  ·  ", theme::dim()));
        }
        spans.push(Span::styled(
            format!("Saved to {} (owner-only)", path.display()),
            theme::ok(),
        ));
    }
    Line::from(spans)
}

pub fn hints(state: &WizardState) -> Vec<KeyHint> {
    if state.secret.overwrite.is_some() {
        return vec![("y", "overwrite"), ("n", "another name")];
    }
    if state.secret.save_path.is_some() {
        return vec![("Enter", "save here"), ("Esc", "cancel")];
    }
    if state.secret.screen != QrScreen::Panel {
        return vec![("any key", "back")];
    }
    let toggle = match state.secret.mode {
        SecretViewMode::QrCode => ("s", "key"),
        SecretViewMode::SecretKey => ("s", "QR"),
    };
    let mut hints = vec![
        toggle,
        ("i", "invert"),
        ("c", "copy"),
        ("w", "save"),
        ("Enter", "next"),
        ("Esc", "cancel"),
    ];
    // Last, so that a narrow footer cuts these rather than Esc; the panel names f when it is needed.
    if state.secret.mode == SecretViewMode::QrCode {
        hints.extend([("f", "full screen"), ("m", "big modules")]);
    }
    hints
}
