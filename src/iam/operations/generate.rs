//! The macro behind the operation table in `operations.rs`. From one line per operation it writes
//! everything that used to be written by hand once per operation:
//!
//! - `op::<Operation>`: the request as a struct of owned arguments, and its [`Operation`] impl (the
//!   output type, the action, and `answer`, which takes a reply apart);
//! - the [`Iam`] trait, one typed `async fn` per operation (arguments borrowed, see `args.rs`), plus the
//!   three methods that are no call (`mfa_session`, `known_seed`, `describe`);
//! - [`Request`] and [`Reply`], the operations and their answers as data, `Request::action` and
//!   `Request::send` (the dispatch from data to the typed method);
//! - `impl Iam for Layered<L>`: every method forwarded to the backend below through `L::around`, so a
//!   wrapper ([`Layer`]) is written once, not once per operation.
//!
//! [`Operation`]: super::Operation
//! [`Iam`]: super::Iam
//! [`Request`]: super::Request
//! [`Reply`]: super::Reply
//! [`Layer`]: crate::iam::layer::Layer

/// One `op::` struct: a unit struct when the operation takes no argument (`op::ListUsers`).
macro_rules! operation_struct {
    ($(#[$meta:meta])* $name:ident {}) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name;
    };
    ($(#[$meta:meta])* $name:ident { $($field:ident: $Type:ty,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $(pub $field: $Type,)+
        }
    };
}

macro_rules! iam_operations {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident => fn $method:ident(
            $($arg:ident: $Arg:ty),* $(; $($value:ident: $Value:ty),+)?
        ) -> $Out:ty, calls $action:ident;
    )*) => {
        /// Each operation's request as a struct of its arguments: `ctx.call(op::ListMfaDevices { .. })`,
        /// and `op::ListMfaDevices::answer(result)` for its typed answer.
        pub mod op {
            #[allow(unused_imports)]
            use super::*;

            $(
                operation_struct!($(#[doc = $doc])* $name {
                    $($arg: $Arg,)* $($($value: $Value,)+)?
                });
            )*

            /// The seed of an existing device, where the backend knows it (the demo account does; AWS
            /// never returns a seed after creation). No call: answered by the backend at once.
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct KnownSeed {
                pub serial: String,
            }
        }

        /// The IAM layer: one method per operation of the table, with two implementations, the real AWS
        /// SDK ([`aws::AwsIam`](crate::iam::aws::AwsIam)) and the in-process demo account
        /// ([`demo::DemoAccount`](crate::iam::demo::DemoAccount)), and layers over either
        /// ([`Layered`](crate::iam::layer::Layered)).
        #[async_trait::async_trait]
        pub trait Iam: Send + Sync {
            $(
                $(#[doc = $doc])*
                async fn $method(
                    &self,
                    $($arg: Borrowed<'_, $Arg>,)*
                    $($($value: $Value,)+)?
                ) -> IamResult<$Out>;
            )*

            /// The MFA session in force, if any and not expired.
            fn mfa_session(&self) -> Option<MfaSession>;

            /// The seed of an existing device when this backend knows it (only the demo account does:
            /// AWS never returns a seed after creation). Lets resync check the code pair locally.
            fn known_seed(&self, _serial: &str) -> Option<Seed> {
                None
            }

            /// A short description of where calls go, for the header ("demo account", "AWS eu-west-1").
            fn describe(&self) -> String;
        }

        /// One IAM operation, as data: what the state machine asks the runtime to send.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Request {
            $( $(#[doc = $doc])* $name(op::$name), )*
            KnownSeed(op::KnownSeed),
        }

        /// The successful answer to a [`Request`], one variant per operation. Take it apart with the
        /// operation's [`Operation::answer`].
        #[derive(Debug)]
        pub enum Reply {
            $( $name($Out), )*
            KnownSeed(Option<Seed>),
        }

        $(
            impl From<op::$name> for Request {
                fn from(operation: op::$name) -> Self {
                    Self::$name(operation)
                }
            }

            impl Operation for op::$name {
                type Output = $Out;
                const ACTION: Option<Action> = Some(Action::$action);

                fn answer(result: IamResult<Reply>) -> IamResult<$Out> {
                    match result? {
                        Reply::$name(output) => Ok(output),
                        other => Err(mismatch(stringify!($name), &other)),
                    }
                }
            }
        )*

        impl From<op::KnownSeed> for Request {
            fn from(operation: op::KnownSeed) -> Self {
                Self::KnownSeed(operation)
            }
        }

        impl Operation for op::KnownSeed {
            type Output = Option<Seed>;
            const ACTION: Option<Action> = None;

            fn answer(result: IamResult<Reply>) -> IamResult<Option<Seed>> {
                match result? {
                    Reply::KnownSeed(seed) => Ok(seed),
                    other => Err(mismatch("KnownSeed", &other)),
                }
            }
        }

        impl Request {
            /// The IAM/STS action this request calls, as policies name it (`iam:EnableMFADevice`), for
            /// logs and messages; "KnownSeed" for the one that calls none. Typed: `Operation::ACTION`.
            pub fn action(&self) -> &'static str {
                match self {
                    $( Self::$name(_) => Action::$action.as_str(), )*
                    Self::KnownSeed(_) => "KnownSeed",
                }
            }

            /// Sends the request to `iam` through its typed method.
            pub async fn send(self, iam: &dyn Iam) -> IamResult<Reply> {
                Ok(match self {
                    $(
                        Self::$name(_operation) => Reply::$name(
                            iam.$method(
                                $(Arg::borrowed(&_operation.$arg),)*
                                $($(_operation.$value,)+)?
                            )
                            .await?,
                        ),
                    )*
                    Self::KnownSeed(operation) => Reply::KnownSeed(iam.known_seed(&operation.serial)),
                })
            }
        }

        impl Reply {
            /// The operation this answers, for the message of a mismatch.
            fn operation(&self) -> &'static str {
                match self {
                    $( Self::$name(_) => stringify!($name), )*
                    Self::KnownSeed(_) => "KnownSeed",
                }
            }
        }

        #[async_trait::async_trait]
        impl<L: $crate::iam::layer::Layer> Iam for $crate::iam::layer::Layered<L> {
            $(
                async fn $method(
                    &self,
                    $($arg: Borrowed<'_, $Arg>,)*
                    $($($value: $Value,)+)?
                ) -> IamResult<$Out> {
                    let call = self.below().$method($($arg,)* $($($value,)+)?);
                    self.layer().around(Action::$action, call).await
                }
            )*

            fn mfa_session(&self) -> Option<MfaSession> {
                self.below().mfa_session()
            }

            fn known_seed(&self, serial: &str) -> Option<Seed> {
                self.layer().known_seed(self.below(), serial)
            }

            fn describe(&self) -> String {
                self.below().describe()
            }
        }
    };
}
