//! What [`super::AwsIam::connect`] checks before the first call, because aws-config accepts it and the
//! SDK then panics or misleads: an empty or malformed endpoint URL (from `--endpoint-url`,
//! `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_IAM` / `_STS` or a config file; an empty one panics inside the
//! SDK), and a profile that does not exist (the credential chain would fall through to instance metadata
//! and report that instead).

use std::borrow::Cow;

use aws_config::SdkConfig;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::service_config::ServiceConfigKey;

/// The example every endpoint message gives.
const EXAMPLE_URL: &str = "http://127.0.0.1:5000";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error("{origin} is empty: give a URL such as {EXAMPLE_URL}, or {remedy}")]
    EmptyEndpoint {
        /// Where the URL came from: `--endpoint-url`, an environment variable, a config file.
        origin: String,
        /// How to stop setting it.
        remedy: &'static str,
    },
    #[error("{origin} {value:?} is not an http:// or https:// URL ({why}); e.g. {EXAMPLE_URL}")]
    BadEndpoint {
        origin: String,
        value: String,
        why: String,
    },
    #[error("no profile {name} in {files}; {}", profiles_there(known))]
    NoProfile {
        name: String,
        /// The files looked in, as the user knows them.
        files: String,
        /// Every profile those files define, sorted.
        known: Vec<String>,
    },
}

fn profiles_there(known: &[String]) -> String {
    if known.is_empty() {
        "they define no profiles".into()
    } else {
        format!("the profiles there: {}", known.join(", "))
    }
}

/// The `--endpoint-url` flag, before aws-config sees it.
pub fn endpoint_flag(url: &str) -> Result<(), ConnectError> {
    endpoint_url("--endpoint-url", "leave the option out", url)
}

/// The endpoints IAM and STS will use when they come from the environment or a config file, resolved as
/// the generated clients resolve them (`From<&SdkConfig>` for their config builders).
pub fn configured_endpoints(config: &SdkConfig) -> Result<(), ConnectError> {
    if config.get_origin("endpoint_url").is_client_config() {
        // The flag: checked by `endpoint_flag`, and it overrides the rest.
        return Ok(());
    }
    for service in ["IAM", "STS"] {
        let key = ServiceConfigKey::builder()
            .service_id(service)
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .expect("every field is set");
        let resolved = config
            .service_config()
            .and_then(|services| services.load_config(key))
            .or_else(|| config.endpoint_url().map(str::to_string));
        if let Some(url) = resolved {
            let (origin, remedy) = origin_of(service, &url);
            endpoint_url(&origin, remedy, &url)?;
        }
    }
    Ok(())
}

/// Names the setting that holds `url`: the service's variable, the global one, else a config file.
fn origin_of(service: &str, url: &str) -> (String, &'static str) {
    let service_variable = format!("AWS_ENDPOINT_URL_{service}");
    let holds = |name: &str| std::env::var_os(name).is_some_and(|value| value == url);
    if holds(&service_variable) {
        (service_variable, "unset it")
    } else if holds("AWS_ENDPOINT_URL") {
        ("AWS_ENDPOINT_URL".into(), "unset it")
    } else {
        (
            format!("endpoint_url for {service} in {}", config_file()),
            "remove the setting",
        )
    }
}

fn endpoint_url(origin: &str, remedy: &'static str, url: &str) -> Result<(), ConnectError> {
    if url.trim().is_empty() {
        return Err(ConnectError::EmptyEndpoint {
            origin: origin.into(),
            remedy,
        });
    }
    let bad = |why: String| ConnectError::BadEndpoint {
        origin: origin.into(),
        value: url.into(),
        why,
    };
    // The parser the SDK applies to the URL, so what passes here does not fail there.
    let uri: http::Uri = url.parse().map_err(|error: http::uri::InvalidUri| {
        bad(if url.trim() == url {
            error.to_string()
        } else {
            "spaces around it".into()
        })
    })?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(other) => return Err(bad(format!("scheme {other}"))),
        None => return Err(bad("no scheme".into())),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("no host".into()));
    }
    Ok(())
}

/// Fails when `name` is not a profile of the shared config or credentials file. Files that cannot be
/// read or parsed pass: aws-config reports those on the first call, with its own detail.
pub async fn profile_exists(name: &str) -> Result<(), ConnectError> {
    let files = EnvConfigFiles::default();
    let Ok(profiles) = aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &files,
        Some(Cow::Owned(name.to_string())),
    )
    .await
    else {
        return Ok(());
    };
    if profiles.get_profile(name).is_some() {
        return Ok(());
    }
    let mut known: Vec<String> = profiles.profiles().map(str::to_string).collect();
    known.sort();
    Err(ConnectError::NoProfile {
        name: name.into(),
        files: format!("{} or {}", config_file(), credentials_file()),
        known,
    })
}

fn config_file() -> String {
    file_from("AWS_CONFIG_FILE", "~/.aws/config")
}

fn credentials_file() -> String {
    file_from("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
}

fn file_from(variable: &str, default: &str) -> String {
    std::env::var(variable)
        .ok()
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| default.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(url: &str) -> String {
        endpoint_flag(url).map_or_else(|error| error.to_string(), |()| "ok".into())
    }

    #[test]
    fn endpoint_urls_need_a_scheme_and_a_host() {
        for good in [
            "http://127.0.0.1:5000",
            "https://iam.amazonaws.com",
            "http://[::1]:4566/",
            "http://localhost",
        ] {
            assert_eq!(flag(good), "ok", "{good}");
        }
        assert_eq!(
            flag(""),
            "--endpoint-url is empty: give a URL such as http://127.0.0.1:5000, or leave the option out"
        );
        assert_eq!(flag("  "), flag(""));
        for (bad, why) in [
            ("127.0.0.1:5000", "no scheme"),
            ("notaurl", "no scheme"),
            ("ftp://127.0.0.1", "scheme ftp"),
            (" http://127.0.0.1:1", "spaces around it"),
            ("http://", "empty string"),
            ("http://[::1", "invalid authority"),
        ] {
            assert_eq!(
                flag(bad),
                format!(
                    "--endpoint-url {bad:?} is not an http:// or https:// URL ({why}); e.g. http://127.0.0.1:5000"
                ),
            );
        }
    }

    #[test]
    fn a_missing_profile_lists_the_profiles_there() {
        let error = ConnectError::NoProfile {
            name: "nosuch".into(),
            files: "~/.aws/config or ~/.aws/credentials".into(),
            known: vec!["admin".into(), "ci".into()],
        };
        assert_eq!(
            error.to_string(),
            "no profile nosuch in ~/.aws/config or ~/.aws/credentials; the profiles there: admin, ci"
        );
        let none = ConnectError::NoProfile {
            name: "nosuch".into(),
            files: "~/.aws/config or ~/.aws/credentials".into(),
            known: Vec::new(),
        };
        assert!(none.to_string().ends_with("; they define no profiles"));
    }
}
