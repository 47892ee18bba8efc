//! The selected row of a list and the first row on screen, moved by the usual keys.

use crossterm::event::{KeyCode, KeyEvent};

/// Rows the header, footer and a screen's own chrome take from the terminal height; what is left is
/// the page a list scrolls by. An estimate: the renderer keeps the selection visible in any case.
const CHROME_ROWS: u16 = 9;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    /// The first row shown.
    pub offset: usize,
}

impl ListCursor {
    /// How many rows of a list fit in a terminal of `rows` lines.
    pub fn page_for(rows: u16) -> usize {
        usize::from(rows.saturating_sub(CHROME_ROWS).max(1))
    }

    /// Moves for a navigation key; false when the key is not one.
    pub fn handle_key(&mut self, key: KeyEvent, len: usize, page: usize) -> bool {
        let last = len.saturating_sub(1);
        self.selected = match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => (self.selected + 1).min(last),
            KeyCode::PageUp => self.selected.saturating_sub(page),
            KeyCode::PageDown => (self.selected + page).min(last),
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => last,
            _ => return false,
        };
        self.keep_visible(len, page);
        true
    }

    /// Clamps to a list of `len` rows and scrolls so the selection is on screen.
    pub fn keep_visible(&mut self, len: usize, page: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page.min(len)));
    }

    /// The rows on screen, as a range of list positions.
    pub fn visible(&self, len: usize, page: usize) -> std::ops::Range<usize> {
        let start = self.offset.min(len);
        start..(start + page).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::key;

    #[test]
    fn moving_scrolls_the_page() {
        let mut cursor = ListCursor::default();
        for _ in 0..12 {
            cursor.handle_key(key(KeyCode::Down), 20, 5);
        }
        assert_eq!(
            cursor,
            ListCursor {
                selected: 12,
                offset: 8
            }
        );
        cursor.handle_key(key(KeyCode::End), 20, 5);
        assert_eq!((cursor.selected, cursor.offset), (19, 15));
        cursor.handle_key(key(KeyCode::PageUp), 20, 5);
        assert_eq!((cursor.selected, cursor.offset), (14, 14));
        assert_eq!(cursor.visible(20, 5), 14..19);
        assert!(!cursor.handle_key(key(KeyCode::Char('x')), 20, 5));
    }

    #[test]
    fn a_shorter_list_pulls_the_cursor_back() {
        let mut cursor = ListCursor {
            selected: 15,
            offset: 12,
        };
        cursor.keep_visible(3, 5);
        assert_eq!(
            cursor,
            ListCursor {
                selected: 2,
                offset: 0
            }
        );
        cursor.keep_visible(0, 5);
        assert_eq!(cursor, ListCursor::default());
    }
}
