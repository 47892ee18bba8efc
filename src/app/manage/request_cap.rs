//! How many requests of one kind a screen lets out at once, stepping down while IAM pushes back:
//! additive increase, multiplicative decrease (as TCP does with its window). A Throttling answer halves
//! the cap; [`STEP_UP_AFTER`] answers in a row that were not throttled raise it by one, up to the
//! ceiling the screen starts at; it never goes below one, so the work always moves on.
//!
//! The answer the screen sees is the SDK's, after its own retries with backoff: a throttled answer
//! means the SDK's backoff was not enough, so sending fewer at once is what is left to do.

/// Answers in a row without Throttling before the cap goes up by one.
pub const STEP_UP_AFTER: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCap {
    current: usize,
    ceiling: usize,
    /// Answers without Throttling since the cap last changed or IAM last pushed back.
    calm: usize,
}

impl RequestCap {
    /// A cap that starts at `ceiling` (at least one).
    pub fn new(ceiling: usize) -> Self {
        let ceiling = ceiling.max(1);
        Self {
            current: ceiling,
            ceiling,
            calm: 0,
        }
    }

    /// The most requests to have out right now.
    pub fn get(&self) -> usize {
        self.current
    }

    /// An answer that was not Throttling (a success, or another error: neither says "slow down").
    pub fn on_answer(&mut self) {
        self.calm += 1;
        if self.calm >= STEP_UP_AFTER && self.current < self.ceiling {
            self.current += 1;
            self.calm = 0;
        }
    }

    /// A Throttling answer.
    pub fn on_throttled(&mut self) {
        self.current = (self.current / 2).max(1);
        self.calm = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_at_the_ceiling_and_halves_on_throttling_down_to_one() {
        let mut cap = RequestCap::new(8);
        assert_eq!(cap.get(), 8);
        let mut seen = Vec::new();
        for _ in 0..5 {
            cap.on_throttled();
            seen.push(cap.get());
        }
        assert_eq!(seen, [4, 2, 1, 1, 1]);
    }

    #[test]
    fn steps_up_by_one_after_a_run_of_calm_answers_never_past_the_ceiling() {
        let mut cap = RequestCap::new(3);
        cap.on_throttled();
        assert_eq!(cap.get(), 1);
        for _ in 0..STEP_UP_AFTER - 1 {
            cap.on_answer();
        }
        assert_eq!(cap.get(), 1, "not before the run is complete");
        cap.on_answer();
        assert_eq!(cap.get(), 2);
        for _ in 0..10 * STEP_UP_AFTER {
            cap.on_answer();
        }
        assert_eq!(cap.get(), 3, "the ceiling holds");
    }

    #[test]
    fn throttling_restarts_the_run() {
        let mut cap = RequestCap::new(8);
        cap.on_throttled();
        for _ in 0..STEP_UP_AFTER - 1 {
            cap.on_answer();
        }
        cap.on_throttled();
        assert_eq!(cap.get(), 2);
        for _ in 0..STEP_UP_AFTER - 1 {
            cap.on_answer();
        }
        assert_eq!(cap.get(), 2, "the earlier calm answers do not count");
    }

    #[test]
    fn a_ceiling_of_zero_is_one() {
        let mut cap = RequestCap::new(0);
        cap.on_throttled();
        assert_eq!(cap.get(), 1);
    }
}
