//! The Users screen: the filter line, the table of users with their MFA columns, and the progress of the
//! per-user details.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme;
use super::widgets::{self, KeyHint};
use crate::app::App;
use crate::app::users::UsersState;
use crate::app::{Loadable, manage::user_mfa_summary::MfaRank};

/// Wide terminals also show the user's path.
const PATH_MIN_WIDTH: u16 = 100;

pub fn render(frame: &mut Frame, area: Rect, state: &UsersState, _app: &App) {
    let block = widgets::panel("Users");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [filter_area, table_area, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(filter_line(state), filter_area);
    let rows = match &state.rows {
        Loadable::Loading => return widgets::loading(frame, table_area, "users"),
        Loadable::Failed(error) => return widgets::failed(frame, table_area, "the users", error),
        Loadable::Loaded(rows) => rows,
    };
    if rows.is_empty() {
        frame.render_widget(
            Line::styled("The account has no IAM users.", theme::dim()),
            table_area,
        );
    } else if state.shown.is_empty() {
        frame.render_widget(
            Line::styled(
                format!("No user matches {:?}.", state.filter.value()),
                theme::dim(),
            ),
            table_area,
        );
    } else {
        let wide = table_area.width >= PATH_MIN_WIDTH;
        let table_row = |n: usize| {
            let row = &rows[state.shown[n]];
            let count_style = match row.mfa.rank() {
                MfaRank::Known(0) => theme::warning(),
                MfaRank::Known(_) => ratatui::style::Style::new(),
                MfaRank::AtLeast(_) | MfaRank::Unknown => theme::dim(),
            };
            let mut cells = vec![Cell::from(row.user.name.clone())];
            if wide {
                cells.push(Cell::from(Span::styled(
                    row.user.path.clone(),
                    theme::dim(),
                )));
            }
            cells.push(Cell::from(Span::styled(row.mfa.count_text(), count_style)));
            let kinds_style = if row.mfa.failed.is_some() {
                theme::error()
            } else {
                count_style
            };
            cells.push(Cell::from(Span::styled(row.mfa.kinds_text(), kinds_style)));
            Row::new(cells)
        };
        let mut widths = vec![Constraint::Min(18)];
        let mut header = vec!["User"];
        if wide {
            widths.push(Constraint::Length(24));
            header.push("Path");
        }
        widths.extend([Constraint::Length(8), Constraint::Min(24)]);
        header.extend(["MFA", "Devices"]);
        widgets::cursor_table(
            frame,
            table_area,
            state.shown.len(),
            table_row,
            widths,
            Row::new(header),
            &state.cursor,
        );
    }
    frame.render_widget(status_line(state, rows.len()), status_area);
}

fn filter_line(state: &UsersState) -> Line<'static> {
    let sort = Span::styled(format!("   sorted by {}", state.sort.label()), theme::dim());
    if state.filtering || !state.filter.is_empty() {
        let style = if state.filtering {
            theme::accent()
        } else {
            ratatui::style::Style::new()
        };
        let cursor = if state.filtering { "▏" } else { "" };
        Line::from(vec![
            Span::styled("Filter: ", theme::title()),
            Span::styled(format!("{}{cursor}", state.filter.value()), style),
            sort,
        ])
    } else {
        Line::from(vec![
            Span::styled("/", theme::key()),
            Span::styled(" to filter", theme::dim()),
            sort,
        ])
    }
}

fn status_line(state: &UsersState, total: usize) -> Line<'static> {
    let mut spans = vec![Span::raw(if state.shown.len() == total {
        format!("{total} users")
    } else {
        format!("{} of {total} users", state.shown.len())
    })];
    if state.details_loading() {
        spans.push(Span::styled(
            format!(
                "  · {}",
                widgets::progress_text(
                    "loading MFA details",
                    state.details_done,
                    state.details_needed
                )
            ),
            theme::accent(),
        ));
    } else if let Some(rows) = state.rows.loaded().filter(|rows| !rows.is_empty()) {
        let without = rows
            .iter()
            .filter(|r| r.mfa.rank() == MfaRank::Known(0))
            .count();
        spans.push(Span::styled(
            format!("  · {without} without MFA"),
            theme::dim(),
        ));
    }
    if state.details_failed > 0 {
        spans.push(Span::styled(
            format!("  · {} could not be read (r retries)", state.details_failed),
            theme::error(),
        ));
    }
    if let Some(error) = &state.virtual_error {
        spans.push(Span::styled(
            format!("  · virtual device listing failed ({})", error.code()),
            theme::warning(),
        ));
    }
    Line::from(spans)
}

pub fn hints(state: &UsersState) -> Vec<KeyHint> {
    if state.filtering {
        return vec![("type", "filter"), ("Enter", "keep"), ("Esc", "clear")];
    }
    let mut hints = vec![
        ("↑↓", "move"),
        ("Enter", "devices"),
        ("/", "filter"),
        ("s", "sort"),
    ];
    if state.details_failed > 0 {
        hints.extend([("r", "retry failed"), ("R", "refresh")]);
    } else {
        hints.push(("r", "refresh"));
    }
    hints.push(("Esc", "back"));
    hints
}
