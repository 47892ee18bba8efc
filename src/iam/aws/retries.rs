//! The IAM client's retries: the SDK's standard mode (3 attempts, exponential backoff with jitter from
//! 1 s) with a retry budget that lasts through a burst of throttling.
//!
//! The SDK pays for each retry from a token bucket (500 tokens; 5 per retry of a throttled or 5xx
//! answer, 10 after a timeout; a retry that succeeds gives its tokens back, a call that succeeds at
//! once adds 1). The Users screen sends a ListMFADevices per user. With IAM throttling half the
//! attempts, a call loses about 1.9 tokens to retries that were throttled again and adds 0.5: the
//! default bucket is empty after some 350 calls, and from then on a throttled attempt is answered at
//! once, with no backoff, just when backing off matters most. So IAM gets its own retry partition whose
//! retries cost 1 token (2 after a timeout): the same half-throttled account loses about 0.4 a call and
//! adds 0.5, so the bucket holds; a long outage (every attempt failing) still empties it, as the bucket
//! is there to stop retry storms.
//!
//! Why not the adaptive mode: it adds a client-side rate limiter, shared by every call of the
//! process, that delays first attempts too, the wizard's Enable as much as the screen's listings,
//! and it cannot be seen or tested apart from the SDK. The Users screen slows itself down where it can
//! be seen and tested: it lowers its own number of calls out at once (`app::manage::request_cap`).

use aws_config::SdkConfig;
use aws_sdk_iam::config::retry::{RetryPartition, TokenBucket};

/// The partition's name; a name of its own keeps its bucket apart from other clients' in the process.
const PARTITION: &str = "iam-mfa-iam";
/// What a retry of a throttled or 5xx answer costs (the SDK's default is 5).
const RETRY_COST: u32 = 1;
/// What a retry after a timeout or dropped connection costs (the SDK's default is 10).
const TIMEOUT_RETRY_COST: u32 = 2;

/// The IAM client's config from `config`, with the retry budget above; a builder, so that a benchmark
/// can add its own interceptor and still measure the app's retries.
pub fn iam_client_config(config: &SdkConfig) -> aws_sdk_iam::config::Builder {
    aws_sdk_iam::config::Builder::from(config).retry_partition(partition())
}

fn partition() -> RetryPartition {
    let bucket = TokenBucket::builder()
        .retry_cost(RETRY_COST)
        .timeout_retry_cost(TIMEOUT_RETRY_COST)
        .build();
    RetryPartition::custom(PARTITION)
        .token_bucket(bucket)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iam_client_gets_its_own_retry_partition() {
        let config = SdkConfig::builder().build();
        let built = iam_client_config(&config).build();
        assert_eq!(
            built.retry_partition().map(ToString::to_string).as_deref(),
            Some(PARTITION)
        );
    }
}
