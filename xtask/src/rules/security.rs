//! Security: every operation is covered by a requirement on schemes that exist.

use serde_json::Value;

use super::Findings;
use crate::spec::{Location, Spec, entries};

/// Every operation has a non-empty `security` (its own or the top-level one), and every
/// requirement names schemes of `components.securitySchemes` (and, for OAuth2, declared scopes).
/// The one exception is an operation that issues the credentials (a login): its own `security: []`
/// is accepted when `x-security-none` says why in a non-empty string.
pub fn check(spec: &Spec, findings: &mut Findings) {
    let top = spec.doc.get("security");
    if let Some(requirements) = top {
        check_requirements(
            spec,
            requirements,
            &Location::root().child("security"),
            findings,
        );
    }
    for operation in spec.operations() {
        let own = operation.value.get("security");
        if let Some(requirements) = own {
            let location = operation.location.child("security");
            check_requirements(spec, requirements, &location, findings);
        }
        let covered = own
            .or(top)
            .and_then(Value::as_array)
            .is_some_and(|list| !list.is_empty());
        let explained = own.and_then(Value::as_array).is_some_and(Vec::is_empty)
            && operation
                .value
                .get("x-security-none")
                .and_then(Value::as_str)
                .is_some_and(|why| !why.trim().is_empty());
        if !covered && !explained {
            findings.push(
                &operation.location,
                "not covered by any security requirement",
            );
        }
    }
}

/// Checks a `security` list: alternatives, each a map from scheme name to scopes.
fn check_requirements(
    spec: &Spec,
    requirements: &Value,
    location: &Location,
    findings: &mut Findings,
) {
    let Some(requirements) = requirements.as_array() else {
        findings.push(location, "must be a list of security requirements");
        return;
    };
    for (index, requirement) in requirements.iter().enumerate() {
        let location = location.child(index);
        match requirement.as_object() {
            None => findings.push(&location, "a security requirement must be an object"),
            // `{}` is the OpenAPI way of saying "or no authentication at all".
            Some(schemes) if schemes.is_empty() => {
                findings.push(&location, "an empty requirement allows anonymous access");
            }
            Some(schemes) => {
                for (name, scopes) in schemes {
                    check_scheme(spec, name, scopes, &location.child(name), findings);
                }
            }
        }
    }
}

/// The scheme exists; an OAuth2 scheme declares every scope asked for in one of its flows.
fn check_scheme(
    spec: &Spec,
    name: &str,
    scopes: &Value,
    location: &Location,
    findings: &mut Findings,
) {
    let Some(scheme) = spec
        .components("securitySchemes")
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
    else {
        let message =
            format!("unknown security scheme \"{name}\" (not in components.securitySchemes)");
        findings.push(location, message);
        return;
    };
    if scheme.get("type").and_then(Value::as_str) != Some("oauth2") {
        return;
    }
    let flows: Vec<&Value> = scheme
        .get("flows")
        .into_iter()
        .flat_map(entries)
        .map(|(_, f)| f)
        .collect();
    for scope in scopes.as_array().into_iter().flatten() {
        let declared = scope.as_str().is_some_and(|scope| {
            flows
                .iter()
                .any(|flow| flow.get("scopes").and_then(|s| s.get(scope)).is_some())
        });
        if !declared {
            findings.push(
                location,
                format!("scope {scope} is not declared by the scheme's flows"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::fixture::{assert_findings, at, valid};

    #[test]
    fn every_operation_is_covered() {
        let mut doc = valid();
        doc.as_object_mut().unwrap().remove("security");
        at(&mut doc, "/paths/~1orders/post")["security"] = json!([{"apiKey": []}]);
        assert_findings(
            doc,
            &["paths./orders/{id}.get: not covered by any security requirement"],
        );

        let mut doc = valid();
        at(&mut doc, "/paths/~1orders/post")["security"] = json!([]);
        assert_findings(
            doc,
            &["paths./orders.post: not covered by any security requirement"],
        );
    }

    #[test]
    fn a_login_may_opt_out_with_a_reason() {
        let mut doc = valid();
        at(&mut doc, "/paths/~1orders/post")["security"] = json!([]);
        at(&mut doc, "/paths/~1orders/post")["x-security-none"] = json!("Issues the token.");
        assert_findings(doc, &[]);

        let mut doc = valid();
        at(&mut doc, "/paths/~1orders/post")["security"] = json!([]);
        at(&mut doc, "/paths/~1orders/post")["x-security-none"] = json!(" ");
        assert_findings(
            doc,
            &["paths./orders.post: not covered by any security requirement"],
        );
    }

    #[test]
    fn anonymous_alternatives_are_refused() {
        let mut doc = valid();
        doc["security"] = json!([{"apiKey": []}, {}]);
        assert_findings(
            doc,
            &["security.1: an empty requirement allows anonymous access"],
        );
    }

    #[test]
    fn schemes_and_scopes_must_exist() {
        let mut doc = valid();
        at(&mut doc, "/paths/~1orders/post")["security"] = json!([{"basic": []}]);
        assert_findings(
            doc,
            &[
                r#"paths./orders.post.security.0.basic: unknown security scheme "basic" (not in components.securitySchemes)"#,
            ],
        );

        let mut doc = valid();
        at(&mut doc, "/components/securitySchemes")["apiKey"] = json!({
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": "https://x/token", "scopes": {"admin": "All."}}}
        });
        doc["security"] = json!([{"apiKey": ["admin", "public"]}]);
        assert_findings(
            doc,
            &[r#"security.0.apiKey: scope "public" is not declared by the scheme's flows"#],
        );
    }
}
