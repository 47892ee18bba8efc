//! Helpers shared by the integration tests. Every test crate includes all of them with `mod support;`
//! and uses the part it needs:
//!
//! - `moto`: the moto server `scripts/test.sh` starts, clients pointed at it, unique names;
//! - `pty`: the real binary in a pseudo-terminal, read through a terminal emulator;
//! - `iam_answers`: raw IAM/STS answers for aws-smithy-mocks rules;
//! - `fault_proxy`: faulty endpoints of the loopback fault proxy in front of moto;
//! - `slow_iam`: a loopback IAM endpoint that answers `list` after a delay (no moto needed).
//!
//! Each test crate uses a different part, so each helper file allows dead code itself.

pub mod fault_proxy;
pub mod iam_answers;
pub mod moto;
pub mod pty;
pub mod slow_iam;
