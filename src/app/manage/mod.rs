//! Pieces of the device-management screens (Users, a user's devices, virtual devices): a list cursor,
//! dialogs and forms small enough to test on their own.

pub mod confirm;
pub mod list_cursor;
pub mod request_cap;
pub mod resync;
pub mod tags;
pub mod user_mfa_summary;

#[cfg(test)]
pub mod testing;
