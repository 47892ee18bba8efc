//! Drives a [`Collector`] against an [`Iam`]: at most [`MAX_IN_FLIGHT`] requests at a time, a pause
//! before asking again for a credential report that is not ready. The one place the collector meets I/O
//! outside the screens; it takes any `Iam`, so one run per account is one call.

use std::collections::VecDeque;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::coverage::{Collector, Need};
use crate::iam::Iam;

/// As the Users screen: enough to hide IAM's latency, few enough to stay clear of its throttling.
pub const MAX_IN_FLIGHT: usize = 8;

/// Collects until every answer is in.
pub async fn collect(iam: &dyn Iam, mut collector: Collector, first: Vec<Need>) -> Collector {
    let mut queue: VecDeque<Need> = first.into();
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < MAX_IN_FLIGHT
            && let Some(need) = queue.pop_front()
        {
            in_flight.push(async move {
                if let Some(pause) = need.pause() {
                    tokio::time::sleep(pause).await;
                }
                let result = need.request().send(iam).await;
                need.answer(result)
            });
        }
        let Some(answer) = in_flight.next().await else {
            break;
        };
        queue.extend(collector.fold(answer));
    }
    collector
}
