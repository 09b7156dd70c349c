//! Request and response bodies: a named schema and an example for every media type.

use serde_json::Value;

use super::Findings;
use crate::spec::{Location, Spec, entries, ref_of};

/// Every media type of every request body and response has a schema that is a `$ref` to a
/// `components/schemas` entry (stable generated type names; the example tests find the Rust type
/// of each example by that name) and at least one example.
pub fn check(spec: &Spec, findings: &mut Findings) {
    for body in spec.bodies() {
        for (media_type, media) in body.value.get("content").into_iter().flat_map(entries) {
            let location = body.location.child("content").child(media_type);
            match media.get("schema") {
                None => findings.push(&location, "no schema"),
                Some(schema) if !ref_of(schema).is_some_and(is_named_schema) => {
                    let message = "must be a $ref to a named components/schemas entry";
                    findings.push(&location.child("schema"), message);
                }
                Some(_) => {}
            }
            if !has_example(spec, media) {
                let message =
                    "no example (add `example` or `examples`, or an `example` on the schema)";
                findings.push(&location, message);
            }
        }
    }
}

/// `#/components/schemas/<name>`, not a member inside a schema.
fn is_named_schema(reference: &str) -> bool {
    reference
        .strip_prefix("#/components/schemas/")
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// The media type has `example`, a non-empty `examples`, or a schema with an `example`.
fn has_example(spec: &Spec, media: &Value) -> bool {
    let schema_example = || {
        let schema = spec.deref(media.get("schema")?, &Location::root())?;
        schema.value.get("example")
    };
    media.get("example").is_some()
        || media
            .get("examples")
            .and_then(Value::as_object)
            .is_some_and(|map| !map.is_empty())
        || schema_example().is_some()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::fixture::{assert_findings, at, valid};

    const REQUEST: &str = "/paths/~1orders/post/requestBody/content/application~1json";

    #[test]
    fn bodies_refer_to_named_schemas() {
        let mut doc = valid();
        at(&mut doc, REQUEST)["schema"] = json!({"type": "object"});
        assert_findings(
            doc,
            &[
                "paths./orders.post.requestBody.content.application/json.schema: must be a $ref to a \
               named components/schemas entry",
            ],
        );

        let mut doc = valid();
        at(&mut doc, REQUEST)["schema"] =
            json!({"$ref": "#/components/schemas/Order/properties/id"});
        at(&mut doc, REQUEST)["example"] = json!(1);
        assert_findings(
            doc,
            &[
                "paths./orders.post.requestBody.content.application/json.schema: must be a $ref to a \
               named components/schemas entry",
            ],
        );

        let mut doc = valid();
        at(&mut doc, REQUEST)
            .as_object_mut()
            .unwrap()
            .remove("schema");
        assert_findings(
            doc,
            &["paths./orders.post.requestBody.content.application/json: no schema"],
        );
    }

    #[test]
    fn bodies_have_an_example() {
        let mut doc = valid();
        at(&mut doc, REQUEST)
            .as_object_mut()
            .unwrap()
            .remove("example");
        // The schema example of Order counts, so this body still has one.
        assert_findings(doc.clone(), &[]);
        at(&mut doc, "/components/schemas/Order")
            .as_object_mut()
            .unwrap()
            .remove("example");
        assert_findings(
            doc,
            &[
                "paths./orders.post.requestBody.content.application/json: no example (add \
                 `example` or `examples`, or an `example` on the schema)",
                "paths./orders/{id}.get.responses.200.content.application/json: no example (add \
                 `example` or `examples`, or an `example` on the schema)",
            ],
        );

        let mut doc = valid();
        at(
            &mut doc,
            "/components/responses/Error/content/application~1json",
        )
        .as_object_mut()
        .unwrap()
        .remove("example");
        assert_findings(
            doc,
            &[
                "components.responses.Error.content.application/json: no example (add `example` or \
               `examples`, or an `example` on the schema)",
            ],
        );
    }
}
