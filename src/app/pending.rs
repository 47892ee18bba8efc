//! The requests a screen has out, each with what it is for. A screen keeps one `Pending<P>`, `P` being
//! its own small enum of purposes; an answer is taken out by its ticket, and the purpose says what to do
//! with it. An answer whose ticket is no longer here (a reload forgot it) is stale: `take` says `None`.

use super::{Ctx, Request, Ticket};

#[derive(Debug)]
pub struct Pending<P> {
    out: Vec<(Ticket, P)>,
}

impl<P> Default for Pending<P> {
    fn default() -> Self {
        Self { out: Vec::new() }
    }
}

impl<P> Pending<P> {
    /// Sends an IAM request for `purpose`.
    pub fn call(&mut self, ctx: &mut Ctx, request: impl Into<Request>, purpose: P) -> Ticket {
        let ticket = ctx.call(request);
        self.add(ticket, purpose);
        ticket
    }

    /// Waits for an answer under a ticket from elsewhere (a copy to the clipboard, a saved file).
    pub fn add(&mut self, ticket: Ticket, purpose: P) {
        self.out.push((ticket, purpose));
    }

    /// What the answer under `ticket` is for; `None` when nothing waits for it (any more).
    pub fn take(&mut self, ticket: Ticket) -> Option<P> {
        let index = self.out.iter().position(|(t, _)| *t == ticket)?;
        Some(self.out.remove(index).1)
    }

    /// Forgets the requests for which `stale` holds: their answers, when they come, are dropped.
    pub fn forget(&mut self, mut stale: impl FnMut(&P) -> bool) {
        self.out.retain(|(_, purpose)| !stale(purpose));
    }

    /// Gives the requests for which `change` returns a purpose that one instead (e.g. to mark the
    /// requests of an earlier load as stale while still counting them).
    pub fn repurpose(&mut self, mut change: impl FnMut(&P) -> Option<P>) {
        for (_, purpose) in &mut self.out {
            if let Some(new) = change(purpose) {
                *purpose = new;
            }
        }
    }

    pub fn any(&self, mut test: impl FnMut(&P) -> bool) -> bool {
        self.out.iter().any(|(_, purpose)| test(purpose))
    }

    pub fn count(&self, mut test: impl FnMut(&P) -> bool) -> usize {
        self.out.iter().filter(|(_, purpose)| test(purpose)).count()
    }

    /// The purposes waiting, oldest first.
    pub fn purposes(&self) -> impl Iterator<Item = &P> {
        self.out.iter().map(|(_, purpose)| purpose)
    }
}

impl<P: PartialEq> Pending<P> {
    pub fn waits_for(&self, purpose: &P) -> bool {
        self.any(|p| p == purpose)
    }

    /// Sends a request for `purpose` in place of any earlier one for the same purpose, whose answer
    /// becomes stale (a reload, a new probe).
    pub fn replace(&mut self, ctx: &mut Ctx, request: impl Into<Request>, purpose: P) -> Ticket {
        self.forget(|p| *p == purpose);
        self.call(ctx, request, purpose)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(n: u64) -> Ticket {
        Ticket(n)
    }

    #[test]
    fn answers_are_taken_once_and_forgotten_ones_are_stale() {
        let mut pending = Pending::default();
        pending.add(ticket(1), "users");
        pending.add(ticket(2), "devices");
        pending.add(ticket(3), "devices");
        assert_eq!(pending.count(|p| *p == "devices"), 2);
        assert_eq!(pending.take(ticket(2)), Some("devices"));
        assert_eq!(pending.take(ticket(2)), None, "taken already");
        pending.forget(|p| *p == "users");
        assert_eq!(pending.take(ticket(1)), None, "forgotten: stale");
        assert!(pending.waits_for(&"devices"));
        pending.repurpose(|p| (*p == "devices").then_some("stale"));
        assert_eq!(pending.take(ticket(3)), Some("stale"));
        assert_eq!(pending.purposes().count(), 0);
    }
}
