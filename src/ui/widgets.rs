//! Small pieces every screen uses: key hints, a framed panel, a loading/error line, the countdown bar,
//! and centring for dialogs. Text fields are `ui::field`, wrapping `ui::wrap`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::theme;
use crate::app::manage::list_cursor::ListCursor;
use crate::app::{Status, StatusKind};
use crate::iam::IamError;

/// A key and what it does, for the footer and dialogs.
pub type KeyHint = (&'static str, &'static str);

pub fn hints_line(hints: &[KeyHint]) -> Line<'static> {
    let mut spans = Vec::with_capacity(hints.len() * 3);
    for (i, (key, action)) in hints.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("  ", theme::dim()));
        }
        spans.push(Span::styled(*key, theme::key()));
        spans.push(Span::raw(format!(" {action}")));
    }
    Line::from(spans)
}

/// A status (a notice, the result of an action) in the style of its kind.
pub fn status_line(status: &Status) -> Line<'static> {
    let style = match status.kind {
        StatusKind::Info => theme::ok(),
        StatusKind::Warning => theme::warning(),
        StatusKind::Error => theme::error(),
    };
    Line::styled(status.text.clone(), style)
}

/// A rounded frame with a title.
pub fn panel(title: &str) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::border())
        .title(Span::styled(format!(" {title} "), theme::title()))
}

/// "Loading …" or an error with the retry hint, in place of content that is not there yet.
pub fn loading(frame: &mut Frame, area: Rect, what: &str) {
    frame.render_widget(Line::styled(format!("Loading {what}…"), theme::dim()), area);
}

pub fn failed(frame: &mut Frame, area: Rect, what: &str, error: &IamError) {
    let text = vec![
        Line::styled(format!("Could not load {what}."), theme::error()),
        Line::raw(error.to_string()),
        Line::from(vec![Span::styled("r", theme::key()), Span::raw(" retry")]),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// A bar that empties over the 30-second TOTP window, with the seconds left.
pub fn countdown_line(seconds_left: u64, width: u16) -> Line<'static> {
    let bar_width = width.saturating_sub(18).clamp(4, 30) as u64;
    let filled = (seconds_left * bar_width).div_ceil(crate::otp::STEP_SECONDS);
    let style = if seconds_left <= 5 {
        theme::warning()
    } else {
        theme::accent()
    };
    Line::from(vec![
        Span::raw("Code changes in "),
        Span::styled(format!("{seconds_left:>2}s "), style),
        Span::styled("█".repeat(filled as usize), style),
        Span::styled("░".repeat((bar_width - filled) as usize), theme::dim()),
    ])
}

/// How far a long job is, in the same words on every screen: "{what} {n} of {total}…".
pub fn progress_text(what: &str, n: usize, total: usize) -> String {
    format!("{what} {n} of {total}…")
}

/// `words` (see [`progress_text`]) and, where `width` leaves room, a bar filled `done` of `total`.
pub fn progress_line(words: String, done: usize, total: usize, width: u16) -> Line<'static> {
    const GAP: usize = 2;
    let room = usize::from(width).saturating_sub(words.chars().count() + GAP);
    let bar_width = room.min(30);
    let mut spans = vec![Span::raw(words)];
    if bar_width >= 4 && total > 0 {
        let filled = done.min(total) * bar_width / total;
        spans.push(Span::raw(" ".repeat(GAP)));
        spans.push(Span::styled("█".repeat(filled), theme::accent()));
        spans.push(Span::styled("░".repeat(bar_width - filled), theme::dim()));
    }
    Line::from(spans)
}

/// A rectangle of at most `width` x `height` centred in `area`, for dialogs.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// A dialog box over the screen: a title, lines of text, and key hints at the bottom.
pub fn dialog(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    hints: &[KeyHint],
) {
    let width = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(0)
        .max(hints_line(hints).width())
        .max(title.len() + 4) as u16
        + 4;
    let height = lines.len() as u16 + 4;
    let rect = centered(area, width.min(area.width.saturating_sub(2)), height);
    frame.render_widget(Clear, rect);
    let block = panel(title).border_style(theme::focused_border());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [body, _, footer] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    frame.render_widget(hints_line(hints), footer);
}

/// A table whose selected row and scroll position come from a [`ListCursor`], with the header and the
/// selection marker every list screen uses. Only the rows on screen are built (`row(index)` for
/// `index < len`): a list of thousands costs what a screenful does.
pub fn cursor_table<'a>(
    frame: &mut Frame,
    area: Rect,
    len: usize,
    row: impl FnMut(usize) -> Row<'a>,
    widths: impl IntoIterator<Item = Constraint>,
    header: Row<'a>,
    cursor: &ListCursor,
) {
    let window = visible_window(len, usize::from(area.height.saturating_sub(1)), cursor);
    let selected = cursor.selected.min(len.saturating_sub(1)) - window.start;
    let table = Table::new(window.map(row), widths)
        .header(header.style(theme::title()))
        .row_highlight_style(theme::selected())
        .highlight_symbol("› ");
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The rows on screen: from the cursor's first row, moved so that the selection is in view.
fn visible_window(len: usize, height: usize, cursor: &ListCursor) -> std::ops::Range<usize> {
    let height = height.max(1);
    let selected = cursor.selected.min(len.saturating_sub(1));
    let mut first = cursor.offset.min(selected);
    if selected >= first + height {
        first = selected + 1 - height;
    }
    first..len.min(first + height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_line_fills_its_bar_as_far_as_the_job_is_and_leaves_it_out_when_narrow() {
        let text = |line: Line| line.to_string();
        let words = || progress_text("Deleting", 3, 4);
        assert_eq!(words(), "Deleting 3 of 4…");
        assert_eq!(
            text(progress_line(words(), 2, 4, 30)),
            "Deleting 3 of 4…  ██████░░░░░░"
        );
        assert_eq!(
            text(progress_line(words(), 4, 4, 200)),
            format!("Deleting 3 of 4…  {}", "█".repeat(30))
        );
        assert_eq!(text(progress_line(words(), 0, 4, 21)), "Deleting 3 of 4…");
        assert_eq!(text(progress_line(words(), 0, 0, 80)), "Deleting 3 of 4…");
    }

    fn cursor(selected: usize, offset: usize) -> ListCursor {
        ListCursor { selected, offset }
    }

    #[test]
    fn the_window_keeps_the_selection_in_view() {
        assert_eq!(visible_window(1000, 10, &cursor(0, 0)), 0..10);
        assert_eq!(visible_window(1000, 10, &cursor(25, 20)), 20..30);
        assert_eq!(visible_window(1000, 10, &cursor(35, 20)), 26..36);
        assert_eq!(visible_window(1000, 10, &cursor(5, 20)), 5..15);
        assert_eq!(visible_window(3, 10, &cursor(2, 0)), 0..3);
        assert_eq!(visible_window(0, 10, &cursor(0, 0)), 0..0);
    }
}
