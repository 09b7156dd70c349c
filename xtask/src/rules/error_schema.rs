//! One shared error schema per API: progenitor panics on operations whose error responses have
//! different shapes, and the runtime normalizes a single error type per provider.

use std::collections::{BTreeMap, HashMap};

use super::{Findings, body_shape, is_error};
use crate::spec::{Location, Spec, entries};

/// What an error response without content has, as a shape.
const NO_BODY: &str = "no body";

/// Every error response (4xx, 5xx, `default`) of every operation has the same body schema.
pub fn check(spec: &Spec, findings: &mut Findings) {
    // Keyed by where each body is defined, so a shared components/responses entry counts once,
    // however many operations use it.
    let mut shapes: BTreeMap<Location, String> = BTreeMap::new();
    for operation in spec.operations() {
        let responses = operation
            .value
            .get("responses")
            .into_iter()
            .flat_map(entries);
        for (status, response) in responses.filter(|(status, _)| is_error(status)) {
            let location = operation.location.child("responses").child(status);
            let Some(response) = spec.deref(response, &location) else {
                continue;
            };
            let content: Vec<_> = response
                .value
                .get("content")
                .into_iter()
                .flat_map(entries)
                .collect();
            for (media_type, media) in &content {
                let location = response.location.child("content").child(media_type);
                shapes.insert(location, body_shape(media));
            }
            if content.is_empty() {
                shapes.insert(response.location, NO_BODY.to_owned());
            }
        }
    }

    // The shape most places use is the shared one, so what gets reported is what differs from it
    // (on a tie, the first location's).
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for shape in shapes.values() {
        *counts.entry(shape).or_default() += 1;
    }
    let Some(&most) = counts.values().max() else {
        return;
    };
    let Some(shared) = shapes.values().find(|shape| counts[shape.as_str()] == most) else {
        return;
    };
    for (location, shape) in &shapes {
        if shape != shared {
            let message =
                format!("error response has {shape}, not the shared error schema {shared}");
            findings.push(location, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::fixture::{assert_findings, at, valid};

    #[test]
    fn error_responses_share_one_schema() {
        let mut doc = valid();
        at(&mut doc, "/paths/~1orders/post/responses")["409"] = json!({
            "description": "Conflict.",
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Order"},
                "example": {"id": 1}
            }}
        });
        at(&mut doc, "/paths/~1orders/post/responses")["500"] = json!({"description": "Oops."});
        assert_findings(
            doc,
            &[
                "paths./orders.post.responses.409.content.application/json: error response has \
                 #/components/schemas/Order, not the shared error schema #/components/schemas/Error",
                "paths./orders.post.responses.500: error response has no body, not the shared error \
                 schema #/components/schemas/Error",
            ],
        );
    }

    #[test]
    fn every_media_type_counts() {
        let mut doc = valid();
        at(&mut doc, "/components/responses/Error/content")["text/plain"] = json!({
            "schema": {"type": "string"},
            "example": "Bad"
        });
        assert_findings(
            doc,
            &[
                "components.responses.Error.content.text/plain: error response has an inline \
                 schema, not the shared error schema #/components/schemas/Error",
                "components.responses.Error.content.text/plain.schema: must be a $ref to a named \
                 components/schemas entry",
            ],
        );
    }
}
