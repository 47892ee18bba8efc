//! Rendering: pure functions of `&App` onto a ratatui frame. No I/O, no state changes.

pub mod coverage;
pub mod devices;
pub mod field;
pub mod graphics;
pub mod header;
pub mod help;
pub mod home;
pub mod manage;
pub mod mfa_session;
pub mod profiles;
pub mod qr;
pub mod theme;
pub mod users;
pub mod virtual_devices;
pub mod widgets;
pub mod wizard;
pub mod wrap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;

use crate::app::{App, Screen};
use widgets::KeyHint;

/// Draws the whole app: header, the screen on top, footer, and the help overlay when open.
pub fn render(frame: &mut Frame, app: &App) {
    let _colours = theme::using(app.session.colours);
    if let Screen::Wizard(state) = app.screen()
        && wizard::render_full_screen(frame, state, app)
    {
        if app.help_open {
            help::render(frame, frame.area(), &screen_hints(app.screen()));
        }
        return;
    }
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(header::HEIGHT),
        Constraint::Min(1),
        Constraint::Length(footer_height(app)),
    ])
    .areas(frame.area());
    header::render(frame, header_area, &app.session, app.now);
    let body = body.inner(ratatui::layout::Margin::new(1, 0));
    render_screen(frame, body, app);
    render_footer(frame, footer_area, app);
    if app.help_open {
        help::render(frame, frame.area(), &screen_hints(app.screen()));
    }
}

fn render_screen(frame: &mut Frame, area: Rect, app: &App) {
    match app.screen() {
        Screen::Home(state) => home::render(frame, area, state, app),
        Screen::Wizard(state) => wizard::render(frame, area, state, app),
        Screen::Users(state) => users::render(frame, area, state, app),
        Screen::Coverage(state) => coverage::render(frame, area, state, app),
        Screen::UserDevices(state) => devices::render(frame, area, state, app),
        Screen::VirtualDevices(state) => virtual_devices::render(frame, area, state, app),
        Screen::MfaSession(state) => mfa_session::render(frame, area, state, app),
        Screen::Profiles(state) => profiles::render(frame, area, state, app),
    }
}

/// The keys of the screen on top, for the footer and the help overlay.
pub fn screen_hints(screen: &Screen) -> Vec<KeyHint> {
    match screen {
        Screen::Home(state) => home::hints(state),
        Screen::Wizard(state) => wizard::hints(state),
        Screen::Users(state) => users::hints(state),
        Screen::Coverage(state) => coverage::hints(state),
        Screen::UserDevices(state) => devices::hints(state),
        Screen::VirtualDevices(state) => virtual_devices::hints(state),
        Screen::MfaSession(state) => mfa_session::hints(state),
        Screen::Profiles(state) => profiles::hints(state),
    }
}

/// The footer: the screen's keys and the help key, with the notice, when there is one, on the line
/// above them (a notice never hides the keys).
fn footer_height(app: &App) -> u16 {
    if app.notice().is_some() { 2 } else { 1 }
}

fn render_footer(frame: &mut Frame, area: Rect, app: &App) {
    let mut lines = Vec::with_capacity(2);
    if let Some(notice) = app.notice() {
        let mut line = widgets::status_line(notice);
        line.spans.insert(0, Span::raw(" "));
        lines.push(line);
    }
    let mut hints = screen_hints(app.screen());
    hints.push(("?", "help"));
    let mut line = widgets::hints_line(&hints);
    line.spans.insert(0, Span::raw(" "));
    lines.push(line);
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use crate::headless::Headless;
    use crate::iam::demo::DemoIdentity;

    /// Keys as a script: a character is that key, `⏎` Enter, `⎋` Esc, `↓` Down.
    fn keys(script: &str) -> Vec<crossterm::event::KeyCode> {
        use crossterm::event::KeyCode;
        script
            .chars()
            .map(|c| match c {
                '⏎' => KeyCode::Enter,
                '⎋' => KeyCode::Esc,
                '↓' => KeyCode::Down,
                c => KeyCode::Char(c),
            })
            .collect()
    }

    /// The main paths from the home screen: help, each wizard step (for sam.wilson), each list and
    /// each of their dialogs.
    const PATHS: [&str; 16] = [
        "?",
        "a",
        "asam⏎",
        "asam⏎⏎⏎",
        "asam⏎⏎⏎s",
        "asam⏎⏎⏎⏎",
        "asam⏎⏎↓⏎",
        "asam⏎⏎⏎⎋",
        "u",
        "u⏎",
        "u⏎s",
        "u⏎d",
        "u⏎t",
        "u↓⏎o",
        "v",
        "vffud",
    ];

    #[tokio::test]
    async fn every_screen_draws_in_tiny_terminals_without_panicking() {
        for (cols, rows) in [(1, 1), (10, 4), (24, 8), (40, 12), (60, 16)] {
            for path in PATHS {
                let mut headless = Headless::demo(DemoIdentity::Admin, cols, rows).await;
                for key in keys(path) {
                    headless.press_code(key).await;
                    headless.render();
                }
            }
        }
    }

    /// Under `NO_COLOR` no cell of any main screen (QR step and full-screen views included) names a
    /// colour, so the terminal is sent none; with colours on, the same screens do use some.
    #[tokio::test]
    async fn no_color_leaves_every_cell_of_every_screen_in_the_terminals_colours() {
        use crate::app::Colours;
        use ratatui::style::Color;
        let paths = PATHS.iter().copied().chain(["asam⏎⏎⏎f", "asam⏎⏎⏎m"]);
        let mut coloured_with_colours_on = 0;
        for path in paths {
            for colours in [Colours::Off, Colours::On] {
                let mut headless = Headless::demo(DemoIdentity::Admin, 200, 60).await;
                headless.app.session.colours = colours;
                for key in keys(path) {
                    headless.press_code(key).await;
                    let buffer = headless.render_frame();
                    let coloured = buffer
                        .content
                        .iter()
                        .find(|cell| (cell.fg, cell.bg) != (Color::Reset, Color::Reset));
                    match colours {
                        Colours::Off => assert!(
                            coloured.is_none(),
                            "{path:?}: {coloured:?}\n{}",
                            headless.screen_text()
                        ),
                        Colours::On => coloured_with_colours_on += usize::from(coloured.is_some()),
                    }
                }
            }
        }
        assert!(coloured_with_colours_on > 20, "{coloured_with_colours_on}");
    }
}

#[cfg(test)]
mod redaction_tests;

#[cfg(test)]
mod feedback_tests;
