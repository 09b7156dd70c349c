//! Operations: operationId, summary, description, one declared tag and the documented responses.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::{Findings, body_shape, is_success};
use crate::spec::{Location, Site, Spec, entries, has_text};

/// Every operation has a unique lowerCamelCase operationId, a summary, a description, exactly one
/// declared tag, a 2xx and a 4xx response, and one success body schema.
pub fn check(spec: &Spec, findings: &mut Findings) {
    let declared: HashSet<&str> = spec
        .doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| tag.get("name")?.as_str())
        .collect();
    let mut ids: HashMap<&str, Location> = HashMap::new();
    for operation in spec.operations() {
        let location = &operation.location;
        match operation.value.get("operationId").and_then(Value::as_str) {
            None => findings.push(location, "missing operationId"),
            Some(id) => {
                let at = location.child("operationId");
                if !is_lower_camel_case(id) {
                    findings.push(&at, format!("\"{id}\" is not lowerCamelCase"));
                }
                match ids.get(id) {
                    Some(first) => {
                        findings.push(&at, format!("\"{id}\" is already used by {first}"))
                    }
                    None => {
                        ids.insert(id, location.clone());
                    }
                }
            }
        }
        for key in ["summary", "description"] {
            if !has_text(operation.value, key) {
                findings.push(location, format!("missing {key}"));
            }
        }
        check_tags(&operation, &declared, findings);
        check_responses(spec, &operation, findings);
    }
}

/// Exactly one tag, declared in the top-level `tags` (the generated client is grouped by tag).
fn check_tags(operation: &Site<'_>, declared: &HashSet<&str>, findings: &mut Findings) {
    let tags = operation
        .value
        .get("tags")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if tags.len() != 1 {
        findings.push(
            &operation.location,
            format!("needs exactly one tag, has {}", tags.len()),
        );
    }
    for (index, tag) in tags.iter().enumerate() {
        if !tag.as_str().is_some_and(|name| declared.contains(name)) {
            let location = operation.location.child("tags").child(index);
            findings.push(
                &location,
                format!("tag {tag} is not declared in the top-level tags"),
            );
        }
    }
}

/// A 2xx and a 4xx response, and a single success body schema (progenitor panics on two).
fn check_responses(spec: &Spec, operation: &Site<'_>, findings: &mut Findings) {
    let location = operation.location.child("responses");
    let responses: Vec<(&String, &Value)> = operation
        .value
        .get("responses")
        .into_iter()
        .flat_map(entries)
        .collect();
    if !responses.iter().any(|(status, _)| is_success(status)) {
        findings.push(&location, "no 2xx success response");
    }
    if !responses.iter().any(|(status, _)| status.starts_with('4')) {
        findings.push(&location, "no 4xx error response");
    }
    let mut shapes = BTreeSet::new();
    for (status, response) in responses.iter().filter(|(status, _)| is_success(status)) {
        let Some(response) = spec.deref(response, &location.child(status)) else {
            continue;
        };
        for (_, media) in response.value.get("content").into_iter().flat_map(entries) {
            shapes.insert(body_shape(media));
        }
    }
    if shapes.len() > 1 {
        let shapes: Vec<String> = shapes.into_iter().collect();
        let message = format!(
            "success bodies must share one schema, found {}",
            shapes.join(", ")
        );
        findings.push(&location, message);
    }
}

/// `createOrder`, `getV2Orders`: a lower-case ASCII letter, then ASCII letters and digits.
fn is_lower_camel_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::is_lower_camel_case;
    use crate::rules::fixture::{assert_findings, at, valid};

    const POST: &str = "/paths/~1orders/post";

    #[test]
    fn lower_camel_case() {
        assert!(is_lower_camel_case("getOrdersByClientKey"));
        assert!(is_lower_camel_case("listV2"));
        for id in ["GetOrder", "get_order", "get-order", "", "1get", "getÖrder"] {
            assert!(!is_lower_camel_case(id), "{id}");
        }
    }

    #[test]
    fn operation_ids_are_present_lower_camel_case_and_unique() {
        let mut doc = valid();
        at(&mut doc, POST)
            .as_object_mut()
            .unwrap()
            .remove("operationId");
        assert_findings(doc, &["paths./orders.post: missing operationId"]);

        let mut doc = valid();
        at(&mut doc, POST)["operationId"] = json!("Create_order");
        assert_findings(
            doc,
            &[r#"paths./orders.post.operationId: "Create_order" is not lowerCamelCase"#],
        );

        let mut doc = valid();
        at(&mut doc, POST)["operationId"] = json!("getOrder");
        assert_findings(
            doc,
            &[
                r#"paths./orders/{id}.get.operationId: "getOrder" is already used by paths./orders.post"#,
            ],
        );
    }

    #[test]
    fn summary_and_description_are_required() {
        let mut doc = valid();
        let post = at(&mut doc, POST).as_object_mut().unwrap();
        post.remove("summary");
        post.insert("description".into(), json!(""));
        assert_findings(
            doc,
            &[
                "paths./orders.post: missing description",
                "paths./orders.post: missing summary",
            ],
        );
    }

    #[test]
    fn exactly_one_declared_tag() {
        let mut doc = valid();
        at(&mut doc, POST)["tags"] = json!([]);
        assert_findings(doc, &["paths./orders.post: needs exactly one tag, has 0"]);

        let mut doc = valid();
        at(&mut doc, POST)["tags"] = json!(["Orders", "Carts"]);
        assert_findings(
            doc,
            &[
                "paths./orders.post: needs exactly one tag, has 2",
                r#"paths./orders.post.tags.1: tag "Carts" is not declared in the top-level tags"#,
            ],
        );
    }

    #[test]
    fn a_success_and_a_client_error_response_are_required() {
        let mut doc = valid();
        let responses = at(&mut doc, "/paths/~1orders~1{id}/get/responses")
            .as_object_mut()
            .unwrap();
        // Kept as redirects, so the ETag header and the Error response stay in use.
        let ok = responses.remove("200").unwrap();
        let not_found = responses.remove("404").unwrap();
        responses.insert("302".into(), ok);
        responses.insert("303".into(), not_found);
        assert_findings(
            doc,
            &[
                "paths./orders/{id}.get.responses: no 2xx success response",
                "paths./orders/{id}.get.responses: no 4xx error response",
            ],
        );
    }

    #[test]
    fn one_success_schema() {
        let mut doc = valid();
        at(&mut doc, &format!("{POST}/responses"))["200"] = json!({
            "description": "Also.",
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {"message": "Also."}
            }}
        });
        assert_findings(
            doc,
            &[
                "paths./orders.post.responses: success bodies must share one schema, found \
               #/components/schemas/Error, #/components/schemas/Order",
            ],
        );
    }
}
