//! A queue that lets at most `limit` requests be in flight: `push` adds, `take_turn` hands out the next one
//! while there is room, `done` frees a place.

use std::collections::VecDeque;

#[derive(Debug)]
pub struct Throttle<T> {
    limit: usize,
    waiting: VecDeque<T>,
    in_flight: usize,
    /// The most ever in flight at once (for the benchmark and its test).
    pub peak: usize,
}

impl<T> Throttle<T> {
    pub fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            waiting: VecDeque::new(),
            in_flight: 0,
            peak: 0,
        }
    }

    pub fn push(&mut self, item: T) {
        self.waiting.push_back(item);
    }

    /// The next item to send, if one waits and a place is free; it counts as in flight.
    pub fn take_turn(&mut self) -> Option<T> {
        if self.in_flight >= self.limit {
            return None;
        }
        let item = self.waiting.pop_front()?;
        self.in_flight += 1;
        self.peak = self.peak.max(self.in_flight);
        Some(item)
    }

    /// One in-flight item was answered.
    pub fn done(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    pub fn is_idle(&self) -> bool {
        self.in_flight == 0 && self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_the_limit_in_flight() {
        let mut throttle = Throttle::new(2);
        for i in 0..5 {
            throttle.push(i);
        }
        assert_eq!(throttle.take_turn(), Some(0));
        assert_eq!(throttle.take_turn(), Some(1));
        assert_eq!(throttle.take_turn(), None, "two in flight");
        throttle.done();
        assert_eq!(throttle.take_turn(), Some(2));
        assert_eq!(throttle.take_turn(), None);
        for _ in 0..3 {
            throttle.done();
            let _ = throttle.take_turn();
        }
        assert_eq!(throttle.peak, 2);
        throttle.done();
        throttle.done();
        assert!(throttle.is_idle());
    }
}
