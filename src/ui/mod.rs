//! Rendering: pure functions of `&App` onto a ratatui frame. No I/O, no state changes.

pub mod devices;
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

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use crate::app::{App, NoticeKind, Screen};
use widgets::KeyHint;

/// Draws the whole app: header, the screen on top, footer, and the help overlay when open.
pub fn render(frame: &mut Frame, app: &App) {
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
        Constraint::Length(1),
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
        Screen::UserDevices(state) => devices::hints(state),
        Screen::VirtualDevices(state) => virtual_devices::hints(state),
        Screen::MfaSession(state) => mfa_session::hints(state),
        Screen::Profiles(state) => profiles::hints(state),
    }
}

/// The footer shows a notice when there is one, else the screen's keys and the help key.
fn render_footer(frame: &mut Frame, area: Rect, app: &App) {
    let line = match app.notice() {
        Some(notice) => {
            let style = match notice.kind {
                NoticeKind::Info => theme::ok(),
                NoticeKind::Error => theme::error(),
            };
            Line::from(Span::styled(format!(" {}", notice.text), style))
        }
        None => {
            let mut hints = screen_hints(app.screen());
            hints.push(("?", "help"));
            let mut line = widgets::hints_line(&hints);
            line.spans.insert(0, Span::raw(" "));
            line
        }
    };
    frame.render_widget(line, area);
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

    #[tokio::test]
    async fn every_screen_draws_in_tiny_terminals_without_panicking() {
        // The main paths from the home screen: help, each wizard step (for sam.wilson), each list and
        // each of their dialogs.
        let paths = [
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
        for (cols, rows) in [(1, 1), (10, 4), (24, 8), (40, 12), (60, 16)] {
            for path in paths {
                let mut headless = Headless::demo(DemoIdentity::Admin, cols, rows).await;
                for key in keys(path) {
                    headless.press_code(key).await;
                    headless.render();
                }
            }
        }
    }
}
