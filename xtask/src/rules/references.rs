//! References: every `$ref` resolves inside the document, and every component is used.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Findings;
use crate::spec::{Location, Spec, entries};

/// The component kinds of OpenAPI 3.0 (`securitySchemes` are used by name, not by `$ref`).
const REFERENCED_KINDS: [&str; 8] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
];

/// Keys whose value maps names chosen by the spec's author to objects: a member named like a
/// keyword (a property called `example`, the `default` response) must not be read as one.
const NAME_MAPS: [&str; 14] = [
    "paths",
    "properties",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "encoding",
    "variables",
];

/// Keys whose value is data, never a reference (an example may well hold a `$ref` key).
const DATA: [&str; 3] = ["example", "default", "enum"];

/// A reference found in the document.
struct Reference {
    /// The `$ref` value (a discriminator mapping to a bare name is made a `$ref`).
    target: String,
    location: Location,
}

/// What kind of object is being walked: in an Example Object, `value` is data.
#[derive(Clone, Copy, PartialEq)]
enum Object {
    Example,
    Other,
}

/// Every `$ref` resolves; every component is reachable from `paths` (schemes: from `security`).
pub fn check(spec: &Spec, findings: &mut Findings) {
    let mut all = Vec::new();
    collect(&spec.doc, Object::Other, &Location::root(), &mut all);
    for reference in &all {
        if !reference.target.starts_with('#') {
            let message = format!(
                "\"{}\" is not a local reference (bundle the spec)",
                reference.target
            );
            findings.push(&reference.location, message);
        } else if spec.lookup(&reference.target).is_none() {
            findings.push(
                &reference.location,
                format!("\"{}\" does not resolve", reference.target),
            );
        }
    }

    let used = used_components(spec);
    for kind in REFERENCED_KINDS {
        for (name, _) in spec.components(kind) {
            if !used.contains(&(kind.to_owned(), name.clone())) {
                let location = Location::root().child("components").child(kind).child(name);
                findings.push(
                    &location,
                    "unused component (nothing under `paths` refers to it)",
                );
            }
        }
    }
    let schemes = used_schemes(spec);
    for (name, _) in spec.components("securitySchemes") {
        if !schemes.contains(name.as_str()) {
            let location = Location::root()
                .child("components")
                .child("securitySchemes")
                .child(name);
            findings.push(
                &location,
                "unused security scheme (no `security` requirement names it)",
            );
        }
    }
}

/// The components (kind, name) referenced from `paths`, directly or through other components.
fn used_components(spec: &Spec) -> BTreeSet<(String, String)> {
    let mut pending = Vec::new();
    if let Some(paths) = spec.doc.get("paths") {
        let location = Location::root().child("paths");
        collect_member("paths", paths, &location, &mut pending);
    }
    let mut used = BTreeSet::new();
    while let Some(reference) = pending.pop() {
        let location = Location::of_ref(&reference.target);
        let [first, kind, name, ..] = location.keys() else {
            continue;
        };
        if first != "components" || !used.insert((kind.clone(), name.clone())) {
            continue;
        }
        let component = Location::root().child("components").child(kind).child(name);
        let Some(value) = spec
            .doc
            .get("components")
            .and_then(|c| c.get(kind)?.get(name))
        else {
            continue;
        };
        let object = if kind == "examples" {
            Object::Example
        } else {
            Object::Other
        };
        collect(value, object, &component, &mut pending);
    }
    used
}

/// The security schemes named by the top-level and the operations' `security`.
fn used_schemes(spec: &Spec) -> BTreeSet<&str> {
    let operations = spec.operations();
    let lists = operations
        .iter()
        .filter_map(|operation| operation.value.get("security"));
    let requirements = lists
        .chain(spec.doc.get("security"))
        .filter_map(Value::as_array)
        .flatten();
    requirements
        .flat_map(entries)
        .map(|(name, _)| name.as_str())
        .collect()
}

/// Collects the references in `value`, an object of kind `object` at `location`.
fn collect(value: &Value, object: Object, location: &Location, out: &mut Vec<Reference>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect(item, Object::Other, &location.child(index), out);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                let at = location.child(key);
                if key == "$ref" {
                    if let Some(target) = member.as_str() {
                        out.push(Reference {
                            target: target.to_owned(),
                            location: at,
                        });
                    }
                } else if DATA.contains(&key.as_str())
                    || (object == Object::Example && key == "value")
                {
                    continue;
                } else if key == "discriminator" {
                    collect_mapping(member, &at, out);
                } else {
                    collect_member(key, member, &at, out);
                }
            }
        }
        _ => {}
    }
}

/// Collects the references in the member `key` of an object.
fn collect_member(key: &str, member: &Value, location: &Location, out: &mut Vec<Reference>) {
    if NAME_MAPS.contains(&key) && member.is_object() {
        let object = if key == "examples" {
            Object::Example
        } else {
            Object::Other
        };
        for (name, value) in entries(member) {
            collect(value, object, &location.child(name), out);
        }
    } else {
        collect(member, Object::Other, location, out);
    }
}

/// A discriminator's `mapping` refers to schemas by `$ref` or by bare component name.
fn collect_mapping(discriminator: &Value, location: &Location, out: &mut Vec<Reference>) {
    let mapping = discriminator.get("mapping").into_iter().flat_map(entries);
    for (value, target) in mapping {
        let Some(target) = target.as_str() else {
            continue;
        };
        let target = if target.contains('/') {
            target.to_owned()
        } else {
            format!("#/components/schemas/{target}")
        };
        out.push(Reference {
            target,
            location: location.child("mapping").child(value),
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::fixture::{assert_findings, at, valid};

    #[test]
    fn references_must_resolve_locally() {
        let mut doc = valid();
        at(&mut doc, "/components/schemas/Order/properties/id")["$ref"] =
            json!("#/components/schemas/Nope");
        at(&mut doc, "/components/schemas/Order/properties/note")["$ref"] =
            json!("common.yaml#/Note");
        assert_findings(
            doc,
            &[
                // Reported once, at the first example that reaches the broken schema.
                "components.schemas.Order.example: cannot validate the example, the schema does \
                 not compile: Resource 'common.yaml#/Note' is not present in a registry and \
                 retrieving it failed: No base URI is available",
                r##"components.schemas.Order.properties.id.$ref: "#/components/schemas/Nope" does not resolve"##,
                r##"components.schemas.Order.properties.note.$ref: "common.yaml#/Note" is not a local reference (bundle the spec)"##,
            ],
        );
    }

    #[test]
    fn unused_components_are_reported() {
        let mut doc = valid();
        let components = at(&mut doc, "/components");
        components["schemas"]["Orphan"] = json!({"type": "object", "properties": {
            "child": {"$ref": "#/components/schemas/OrphanChild"}
        }});
        components["schemas"]["OrphanChild"] = json!({"type": "string"});
        components["examples"]["Spare"] = json!({"value": {"id": 1}});
        components["securitySchemes"]["basic"] = json!({"type": "http", "scheme": "basic"});
        assert_findings(
            doc,
            &[
                "components.examples.Spare: unused component (nothing under `paths` refers to it)",
                "components.schemas.Orphan: unused component (nothing under `paths` refers to it)",
                "components.schemas.OrphanChild: unused component (nothing under `paths` refers to it)",
                "components.securitySchemes.basic: unused security scheme (no `security` requirement names it)",
            ],
        );
    }

    #[test]
    fn uses_are_followed_through_components_but_not_through_data() {
        let mut doc = valid();
        let schemas = at(&mut doc, "/components/schemas");
        // Used only through Order (a component that paths use), by a property named `example`.
        schemas["Note"] = json!({"type": "string", "example": "n"});
        schemas["Order"]["properties"]["example"] = json!({"$ref": "#/components/schemas/Note"});
        // Named only inside example data, which is not a use.
        schemas["Data"] = json!({"type": "string", "example": "d"});
        schemas["Order"]["example"] = json!({"id": 3, "$ref": "#/components/schemas/Data"});
        assert_findings(
            doc,
            &["components.schemas.Data: unused component (nothing under `paths` refers to it)"],
        );
    }

    #[test]
    fn discriminator_mappings_are_uses() {
        let mut doc = valid();
        let schemas = at(&mut doc, "/components/schemas");
        schemas["Card"] = json!({"type": "object", "properties": {"kind": {"type": "string"}}});
        schemas["Order"]["properties"]["payment"] = json!({
            "oneOf": [{"type": "object"}],
            "discriminator": {"propertyName": "kind", "mapping": {"card": "Card", "cash": "Cash"}}
        });
        assert_findings(
            doc,
            &[
                r##"components.schemas.Order.properties.payment.discriminator.mapping.cash: "#/components/schemas/Cash" does not resolve"##,
            ],
        );
    }
}
