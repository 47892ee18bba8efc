//! Demo mode only: the "virtual authenticator" that plays the phone, so a flow can be done and recorded
//! without one. It shows the current and the next code of the device being set up.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::App;
use crate::app::wizard::WizardState;
use crate::otp;
use crate::ui::{field, theme, widgets};

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState, app: &App) {
    let (Some(seed), Some(enrollment)) = (state.authenticator_seed(), &state.enrollment) else {
        return;
    };
    let window = otp::window(app.now);
    let shown = |code: String| {
        let (first, last) = code.split_at(3);
        format!(
            "{} {}",
            field::shown_code(first, &app.session),
            field::shown_code(last, &app.session)
        )
    };
    let lines = vec![
        Line::styled(enrollment.name.clone(), theme::dim()),
        Line::from(vec![
            Span::styled("Now   ", theme::dim()),
            Span::styled(shown(seed.code_for_window(window)), theme::title()),
            Span::styled(
                format!("  {:>2}s", otp::seconds_left(app.now)),
                theme::accent(),
            ),
        ]),
        Line::from(vec![
            Span::styled("Next  ", theme::dim()),
            Span::raw(shown(seed.code_for_window(window + 1))),
        ]),
    ];
    let block = widgets::panel("Demo authenticator").border_style(theme::focused_border());
    let inner = block.inner(area).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
}
