//! Wrappers around a backend without a method per operation. A [`Layer`] says what happens around one
//! call; [`Layered`] is the `Iam` that puts it around every call of the backend below (its `impl Iam`
//! is generated with the trait, in `operations/generate.rs`). The recording layer (`recording.rs`) and
//! the fault layer (`faults.rs`) are built this way, and layers stack: `Layered` is an `Iam` itself.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use super::{Action, Iam, IamResult};
use crate::otp::Seed;

/// One call to the backend below, not started yet: futures do nothing until awaited, so a layer may
/// answer without it (the call is never made), await it and change its answer, or never answer.
pub type Call<'a, T> = Pin<Box<dyn Future<Output = IamResult<T>> + Send + 'a>>;

pub trait Layer: Send + Sync {
    /// Runs around every call: `action` is the IAM/STS action it calls, `call` the backend's answer
    /// (whatever its type; a layer only passes it on, replaces it, or drops it).
    fn around<'a, T: Send + 'a>(&'a self, action: Action, call: Call<'a, T>) -> Call<'a, T>;

    /// What `known_seed` answers (no call: a layer may only pass it on or hide it).
    fn known_seed(&self, below: &dyn Iam, serial: &str) -> Option<Seed> {
        below.known_seed(serial)
    }
}

/// A backend with a layer around every call. Derefs to the layer, so its own methods (counts, rules)
/// are called on the wrapped backend directly.
pub struct Layered<L> {
    below: Arc<dyn Iam>,
    layer: L,
}

impl<L: Layer> Layered<L> {
    pub fn wrap(below: Arc<dyn Iam>, layer: L) -> Self {
        Self { below, layer }
    }

    pub fn layer(&self) -> &L {
        &self.layer
    }

    /// The backend the layer wraps.
    pub fn below(&self) -> &dyn Iam {
        self.below.as_ref()
    }
}

impl<L> Deref for Layered<L> {
    type Target = L;

    fn deref(&self) -> &L {
        &self.layer
    }
}
