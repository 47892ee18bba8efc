//! Helpers shared by the integration tests.

pub mod fault_proxy;
pub mod moto;
