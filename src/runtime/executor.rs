//! Carries out one [`Request`] against the IAM layer. Shared by the terminal runtime and the headless
//! driver, so tests exercise the same path as the app.

use crate::app::{Reply, Request};
use crate::iam::{Iam, IamResult};

pub async fn execute(iam: &dyn Iam, request: Request) -> IamResult<Reply> {
    request.send(iam).await
}
