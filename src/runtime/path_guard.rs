//! Path parameters can never change which resource a request addresses.
//!
//! progenitor renders a path parameter with `encode_path`, which percent-encodes `/` but leaves `.` and `\`
//! alone, and the `url` crate then resolves dot segments (`..`, `.`, and per the URL standard `%2e%2e` too) and,
//! for `http(s)`, reads `\` as `/`. So `get_order(29, "../../../admin")` could address `/admin` with the
//! caller's credentials. Encoding alone cannot fix that; checking the finished URL can: every request's path
//! must be the client's base path followed by the operation's path template from the spec, segment for
//! segment, with each parameter segment a single, non-empty, non-dot value free of separators and control
//! characters. Run for every operation in the `pre` hook, before credentials are added and before anything is
//! sent.

use percent_encoding::percent_decode_str;

use crate::error::{Error, Result};

/// Checks that `path` (as the finished URL has it, percent-encoded) is `base_path` + `template` with every
/// `{param}` replaced by exactly one acceptable segment. `operation` names the call in the error.
pub(crate) fn check(base_path: &str, template: &str, path: &str, operation: &str) -> Result<()> {
    let refuse = |detail: String| {
        Err(Error::invalid_request(format!(
            "{operation}: {detail}; path parameters must be one path segment: not empty, not `.` or `..`, \
             and without `/`, `\\` or control characters (nothing was sent)"
        )))
    };
    let base_path = base_path.trim_end_matches('/');
    let Some(rest) = path.strip_prefix(base_path) else {
        return refuse(format!(
            "the request path {path:?} left the base path {base_path:?}"
        ));
    };
    // Without parameters the path is the template itself (the common case, and no segment to walk).
    if !template.contains('{') {
        if rest == template {
            return Ok(());
        }
        return refuse(format!(
            "the request path {path:?} does not match {template:?}"
        ));
    }
    let mut actual = rest.split('/');
    for want in template.split('/') {
        let param = want
            .strip_prefix('{')
            .and_then(|w| w.strip_suffix('}'))
            .filter(|_| want.len() > 2);
        let Some(got) = actual.next() else {
            return refuse(match param {
                Some(name) => format!("the value of `{name}` removed a path segment"),
                None => format!("the request path {path:?} does not match {template:?}"),
            });
        };
        match param {
            Some(name) => {
                let decoded = percent_decode_str(got).decode_utf8_lossy();
                if let Some(problem) = segment_problem(&decoded) {
                    return refuse(format!("the value of `{name}` {problem}"));
                }
            }
            None if got != want => {
                return refuse(format!(
                    "the request path {path:?} does not match {template:?}"
                ));
            }
            None => {}
        }
    }
    if actual.next().is_some() {
        return refuse(format!(
            "a path parameter added segments to the request path (expected {template:?})"
        ));
    }
    Ok(())
}

/// Why a decoded path parameter value cannot be sent as one segment, if it cannot.
fn segment_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("is empty")
    } else if value == "." || value == ".." {
        Some("is a dot segment")
    } else if value.contains(['/', '\\']) {
        Some("contains a path separator")
    } else if value.chars().any(char::is_control) {
        Some("contains a control character")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "/shops/{shop_id}/orders/{code}";

    /// The path a request for `code` ends up with: progenitor's encoding, then the URL parser.
    fn rendered(code: &str) -> String {
        let url = format!(
            "https://api.example.com/v1/shops/29/orders/{}",
            progenitor_client::encode_path(code)
        );
        url::Url::parse(&url).unwrap().path().to_string()
    }

    #[test]
    fn ordinary_values_pass_encoded_as_one_segment() {
        for code in [
            "R1C3964", "a b", "%2e%2e", "...", "ü-ñ", "a?b#c", "x.y", "é",
        ] {
            let path = rendered(code);
            check("/v1", TEMPLATE, &path, "getOrder").unwrap_or_else(|e| panic!("{code}: {e}"));
        }
    }

    #[test]
    fn values_that_would_move_the_request_are_refused() {
        for code in [
            "",
            ".",
            "..",
            "../../../admin",
            "a/b",
            "a\\b",
            "..\\..\\admin",
            "a\u{0}b",
            "line\nbreak",
            "tab\t",
            "%2e%2e/x",
        ] {
            let path = rendered(code);
            let err = check("/v1", TEMPLATE, &path, "getOrder")
                .expect_err(&format!("{code:?} rendered as {path:?} must be refused"));
            assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
            assert!(err.to_string().contains("nothing was sent"), "{err}");
        }
    }

    #[test]
    fn templates_without_parameters_and_the_root_match_exactly() {
        check("/api", "/orderstatus", "/api/orderstatus", "x").unwrap();
        check("", "/", "/", "getRoot").unwrap();
        check("/v1", "/", "/v1/", "getRoot").unwrap();
        assert!(check("/api", "/orderstatus", "/admin", "x").is_err());
        assert!(check("/api", "/orderstatus", "/api/orderstatus/x", "x").is_err());
    }
}
