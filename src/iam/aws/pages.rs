//! IAM's Marker/IsTruncated pagination, followed to the end. Guarded against endpoints that never stop:
//! moto answers `MaxItems=0` with IsTruncated=true forever, so a marker seen before ends the walk.

use std::collections::HashSet;
use std::future::Future;

use crate::iam::IamResult;

/// One page of a list call.
pub(super) struct Page<T> {
    pub items: Vec<T>,
    /// The marker for the next page; `None` when this page was the last (IsTruncated false).
    pub next_marker: Option<String>,
}

impl<T> Page<T> {
    /// IAM sends a marker only with IsTruncated=true; an empty marker cannot fetch anything.
    pub fn new(items: Vec<T>, is_truncated: bool, marker: Option<String>) -> Self {
        let next_marker = marker.filter(|m| is_truncated && !m.is_empty());
        Self { items, next_marker }
    }
}

/// Calls `fetch` with no marker, then with each next marker, and returns every item in order.
pub(super) async fn collect_all<T, F, Fut>(mut fetch: F) -> IamResult<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = IamResult<Page<T>>>,
{
    let mut items = Vec::new();
    let mut seen_markers = HashSet::new();
    let mut marker = None;
    loop {
        let page = fetch(marker).await?;
        items.extend(page.items);
        match page.next_marker {
            Some(next) if seen_markers.insert(next.clone()) => marker = Some(next),
            // Last page, or a marker we already followed: stop rather than loop forever.
            _ => return Ok(items),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::iam::IamError;

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn follows_markers_to_the_last_page() {
        let asked = RefCell::new(Vec::new());
        let items = run(collect_all(|marker: Option<String>| {
            asked.borrow_mut().push(marker.clone());
            let page = match marker.as_deref() {
                None => Page::new(vec![1, 2], true, Some("m1".into())),
                Some("m1") => Page::new(vec![3], true, Some("m2".into())),
                Some(_) => Page::new(vec![4], false, None),
            };
            async { Ok(page) }
        }))
        .unwrap();
        assert_eq!(items, [1, 2, 3, 4]);
        assert_eq!(
            asked.into_inner(),
            [None, Some("m1".into()), Some("m2".into())]
        );
    }

    #[test]
    fn a_repeated_marker_ends_the_walk() {
        let calls = RefCell::new(0);
        let items = run(collect_all(|_marker| {
            *calls.borrow_mut() += 1;
            async { Ok(Page::new(vec!['x'], true, Some("same".into()))) }
        }))
        .unwrap();
        assert_eq!(items, ['x', 'x']);
        assert_eq!(calls.into_inner(), 2);
    }

    #[test]
    fn truncated_without_marker_or_marker_without_truncation_is_the_last_page() {
        assert!(Page::new(vec![1], true, None).next_marker.is_none());
        assert!(
            Page::new(vec![1], true, Some(String::new()))
                .next_marker
                .is_none()
        );
        assert!(
            Page::new(vec![1], false, Some("m".into()))
                .next_marker
                .is_none()
        );
    }

    #[test]
    fn an_error_on_any_page_is_returned() {
        let result: IamResult<Vec<u8>> = run(collect_all(|marker: Option<String>| async move {
            match marker {
                None => Ok(Page::new(vec![1], true, Some("m".into()))),
                Some(_) => Err(IamError::ServiceFailure("boom".into())),
            }
        }));
        assert_eq!(result, Err(IamError::ServiceFailure("boom".into())));
    }
}
