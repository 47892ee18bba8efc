//! How an operation's arguments are held and passed. A [`Request`](super::Request) owns its arguments
//! (it travels from the state machine to a task); the [`Iam`](super::Iam) methods borrow them, so that
//! tests and implementations write `iam.list_mfa_devices("alice")`. [`Arg`] links the two forms, so the
//! operation table names each argument once, by its owned type.

use zeroize::Zeroizing;

use crate::iam::NewVirtualDevice;

/// An argument type of the operation table, and the form the `Iam` methods take it in. (Small `Copy`
/// values, after the `;` of an entry, are passed as they are and need no `Arg`.)
pub trait Arg {
    /// `String` → `&str`, `Vec<T>` → `&[T]`, `Option<String>` → `Option<&str>`.
    type Borrowed<'a>
    where
        Self: 'a;

    fn borrowed(&self) -> Self::Borrowed<'_>;
}

/// How the `Iam` methods take an argument of type `T`: `Borrowed<'_, String>` is `&str`.
pub type Borrowed<'a, T> = <T as Arg>::Borrowed<'a>;

impl Arg for String {
    type Borrowed<'a> = &'a str;
    fn borrowed(&self) -> &str {
        self
    }
}

impl Arg for Option<String> {
    type Borrowed<'a> = Option<&'a str>;
    fn borrowed(&self) -> Option<&str> {
        self.as_deref()
    }
}

impl<T> Arg for Vec<T> {
    type Borrowed<'a>
        = &'a [T]
    where
        T: 'a;
    fn borrowed(&self) -> &[T] {
        self
    }
}

impl Arg for NewVirtualDevice {
    type Borrowed<'a> = &'a NewVirtualDevice;
    fn borrowed(&self) -> &NewVirtualDevice {
        self
    }
}

impl Arg for Code {
    type Borrowed<'a> = &'a str;
    fn borrowed(&self) -> &str {
        &self.0
    }
}

/// An authentication code on its way to IAM or STS. It opens a session or enables a device for as long
/// as its 30-second window lasts, so it is a secret: never in `Debug` (requests are logged and
/// printed in test failures), wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(Zeroizing<String>);

impl Code {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Code {
    fn from(code: &str) -> Self {
        Self(Zeroizing::new(code.to_string()))
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_never_shows_in_debug() {
        let code = Code::from("123456");
        assert_eq!(format!("{code:?}"), "Code(<redacted>)");
        assert_eq!(code.as_str(), "123456");
    }
}
