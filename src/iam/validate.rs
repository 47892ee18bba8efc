//! IAM's input rules (API reference), checked before a call so that bad input gets its message where it
//! was typed. The demo account enforces the same rules, as real IAM would.

use super::{MAX_TAG_KEY_LEN, MAX_TAG_VALUE_LEN, MAX_TAGS, Tag};

/// `\w` in IAM's patterns is `[A-Za-z0-9_]`.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

fn check_chars(
    what: &str,
    text: &str,
    allowed: impl Fn(char) -> bool,
    rule: &str,
) -> Result<(), String> {
    match text.chars().find(|c| !allowed(*c)) {
        Some(bad) => Err(format!("{what} may not contain {bad:?}: use {rule}")),
        None => Ok(()),
    }
}

const NAME_RULE: &str = "letters, digits and + = , . @ _ -";

/// VirtualMFADeviceName: 1 to 226 characters of `[\w+=,.@-]`.
pub fn device_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Enter a device name".into());
    }
    if name.chars().count() > 226 {
        return Err("A device name has at most 226 characters".into());
    }
    check_chars("A device name", name, is_name_char, NAME_RULE)
}

/// UserName: 1 to 64 characters of `[\w+=,.@-]` (128 for existing users; 64 is the creation limit).
pub fn user_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Enter a user name".into());
    }
    if name.chars().count() > 128 {
        return Err("A user name has at most 128 characters".into());
    }
    check_chars("A user name", name, is_name_char, NAME_RULE)
}

/// SerialNumber: 9 to 256 characters of `[\w+=/:,.@-]` (a hardware token's serial, or a device ARN).
pub fn serial_number(serial: &str) -> Result<(), String> {
    let len = serial.chars().count();
    if len == 0 {
        return Err("Enter the serial number from the back of the token".into());
    }
    if !(9..=256).contains(&len) {
        return Err(format!(
            "A serial number has 9 to 256 characters (this has {len})"
        ));
    }
    check_chars(
        "A serial number",
        serial,
        |c| is_name_char(c) || matches!(c, '/' | ':'),
        "letters, digits and + = / : , . @ _ -",
    )
}

/// Path: `/`, or `/` + printable ASCII + `/`, at most 512 characters.
pub fn path(path: &str) -> Result<(), String> {
    if path.len() > 512 {
        return Err("A path has at most 512 characters".into());
    }
    if path == "/" {
        return Ok(());
    }
    if path.len() < 2 || !path.starts_with('/') || !path.ends_with('/') {
        return Err("A path starts and ends with / (for example /division/)".into());
    }
    check_chars(
        "A path",
        path,
        |c| ('!'..='~').contains(&c),
        "printable ASCII without spaces",
    )
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || c.is_whitespace()
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

const TAG_RULE: &str = "letters, digits, spaces and _ . : / = + - @";

pub fn tag_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("A tag needs a key".into());
    }
    if key.chars().count() > MAX_TAG_KEY_LEN {
        return Err(format!(
            "A tag key has at most {MAX_TAG_KEY_LEN} characters"
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err("Tag keys starting with aws: are reserved for AWS".into());
    }
    check_chars("A tag key", key, is_tag_char, TAG_RULE)
}

pub fn tag_value(value: &str) -> Result<(), String> {
    if value.chars().count() > MAX_TAG_VALUE_LEN {
        return Err(format!(
            "A tag value has at most {MAX_TAG_VALUE_LEN} characters"
        ));
    }
    check_chars("A tag value", value, is_tag_char, TAG_RULE)
}

/// A set of tags as one request would carry it: each valid, at most 50, keys unique ignoring case
/// (IAM treats `Team` and `team` as the same key).
pub fn tags(tags: &[Tag]) -> Result<(), String> {
    if tags.len() > MAX_TAGS {
        return Err(format!(
            "At most {MAX_TAGS} tags per device (this has {})",
            tags.len()
        ));
    }
    for (i, tag) in tags.iter().enumerate() {
        tag_key(&tag.key)?;
        tag_value(&tag.value)?;
        if tags[..i]
            .iter()
            .any(|t| t.key.eq_ignore_ascii_case(&tag.key))
        {
            return Err(format!("The tag key {:?} appears twice", tag.key));
        }
    }
    Ok(())
}

/// Parses `key=value` (the value may be empty or hold `=`); a bare `key` has an empty value.
pub fn parse_tag(text: &str) -> Result<Tag, String> {
    let (key, value) = text.split_once('=').unwrap_or((text, ""));
    let tag = Tag::new(key.trim(), value.trim());
    tag_key(&tag.key)?;
    tag_value(&tag.value)?;
    Ok(tag)
}

/// Parses a comma-separated list of `key=value` tags, as typed in the wizard's tag field.
pub fn parse_tag_list(text: &str) -> Result<Vec<Tag>, String> {
    let parsed = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(parse_tag)
        .collect::<Result<Vec<_>, _>>()?;
    tags(&parsed)?;
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn device_names() {
        assert!(device_name("alice").is_ok());
        assert!(device_name("alice+phone=2,x.y@z_w-v").is_ok());
        assert!(device_name("").is_err());
        assert!(device_name("alice phone").unwrap_err().contains("' '"));
        assert!(device_name("ålice").is_err());
        assert!(device_name(&"a".repeat(227)).is_err());
    }

    #[test]
    fn serials() {
        assert!(serial_number("GAHT12345678").is_ok());
        assert!(serial_number("arn:aws:iam::123456789012:mfa/alice").is_ok());
        assert!(serial_number("SHORT").unwrap_err().contains("9 to 256"));
        assert!(serial_number("GAHT 1234567").is_err());
    }

    #[test]
    fn paths() {
        assert!(path("/").is_ok());
        assert!(path("/division/team/").is_ok());
        assert!(path("division/").is_err());
        assert!(path("/a b/").is_err());
    }

    #[test]
    fn tag_rules() {
        assert_eq!(parse_tag("team = ops").unwrap(), Tag::new("team", "ops"));
        assert_eq!(parse_tag("k=a=b").unwrap(), Tag::new("k", "a=b"));
        assert!(parse_tag("aws:owner=x").is_err());
        assert!(parse_tag("=x").is_err());
        assert!(parse_tag_list("a=1, A=2").unwrap_err().contains("twice"));
        assert_eq!(parse_tag_list(" a=1 ,, b=2 ").unwrap().len(), 2);
        let many: Vec<Tag> = (0..51).map(|i| Tag::new(format!("k{i}"), "")).collect();
        assert!(tags(&many).is_err());
        assert!(tags(&many[..50]).is_ok());
        assert!(tag_key(&"k".repeat(129)).is_err());
        assert!(tag_value(&"v".repeat(257)).is_err());
        assert!(tag_value(&"v".repeat(256)).is_ok());
    }

    proptest! {
        #[test]
        fn any_name_of_allowed_chars_is_valid(name in "[A-Za-z0-9_+=,.@-]{1,226}") {
            prop_assert!(device_name(&name).is_ok());
        }

        #[test]
        fn a_name_with_any_other_char_is_refused(
            prefix in "[a-z]{0,5}",
            bad in "[^A-Za-z0-9_+=,.@-]",
            suffix in "[a-z]{0,5}",
        ) {
            let name = format!("{prefix}{bad}{suffix}");
            prop_assert!(device_name(&name).is_err());
        }

        #[test]
        fn parsed_tags_round_trip(key in "[A-Za-z][A-Za-z0-9_.:/+@-]{0,20}", value in "[A-Za-z0-9_.:/=+@-]{0,30}") {
            prop_assume!(!key.to_ascii_lowercase().starts_with("aws:"));
            let tag = parse_tag(&format!("{key}={value}")).unwrap();
            prop_assert_eq!(tag, Tag::new(key, value));
        }
    }
}
