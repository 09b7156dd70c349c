//! Examples are valid against their schemas: media-type `example` and `examples` (including
//! `components/examples` behind a `$ref`), parameter and header examples, and the `example` of
//! every schema, inline properties included.
//!
//! An XML media type's `example` may be a literal XML document (a string, as the provider documents it): no
//! JSON Schema can check that, so it is only required to look like one XML document; the crate's tests
//! round-trip such documents through the XML types.

use std::collections::HashSet;

use serde_json::Value;

use super::Findings;
use crate::{
    schema::{ExampleValidator, SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS},
    spec::{Location, Spec, entries, ref_of},
};

/// Validates every example of `spec`; returns how many were checked.
pub fn check(spec: &Spec, findings: &mut Findings) -> usize {
    let validator = ExampleValidator::new(spec);
    let mut checker = Checker {
        spec,
        validator,
        findings,
        checked: 0,
        uncompiled: HashSet::new(),
    };
    let schemas = Location::root().child("components").child("schemas");
    for (name, schema) in spec.components("schemas") {
        checker.schema(schema, &schemas.child(name));
    }
    for body in spec.bodies() {
        checker.content(body.value, &body.location);
    }
    for parameter in spec.parameters() {
        let schema = parameter.value.get("schema");
        checker.holder(parameter.value, schema, &parameter.location);
        if let Some(schema) = schema {
            checker.schema(schema, &parameter.location.child("schema"));
        }
        // A parameter may describe its value with `content` instead of `schema`.
        checker.content(parameter.value, &parameter.location);
    }
    checker.checked
}

/// The state of one spec's example check.
struct Checker<'a> {
    spec: &'a Spec,
    validator: ExampleValidator,
    findings: &'a mut Findings,
    checked: usize,
    /// The schema compilation errors already reported.
    uncompiled: HashSet<String>,
}

impl Checker<'_> {
    /// The examples of every media type of `owner.content` and of their inline schemas.
    fn content(&mut self, owner: &Value, location: &Location) {
        for (media_type, media) in owner.get("content").into_iter().flat_map(entries) {
            let location = location.child("content").child(media_type);
            let schema = media.get("schema");
            if is_xml(media_type)
                && let Some(Value::String(document)) = media.get("example")
            {
                self.checked += 1;
                if let Err(problem) = looks_like_xml(document) {
                    self.findings.push(
                        &location.child("example"),
                        format!("invalid XML example: {problem}"),
                    );
                }
                if let Some(schema) = schema {
                    self.schema(schema, &location.child("schema"));
                }
                continue;
            }
            self.holder(media, schema, &location);
            if let Some(schema) = schema {
                self.schema(schema, &location.child("schema"));
            }
        }
    }

    /// The `example` and `examples` of a media type, parameter or header, against its `schema`.
    fn holder(&mut self, holder: &Value, schema: Option<&Value>, location: &Location) {
        // Without a schema there is nothing to validate against (the bodies rule reports that).
        let Some(schema) = schema else { return };
        if let Some(example) = holder.get("example") {
            self.validate(schema, example, &location.child("example"));
        }
        let examples = location.child("examples");
        for (name, example) in holder.get("examples").into_iter().flat_map(entries) {
            let location = examples.child(name);
            // `externalValue` examples live outside the spec and are not checked.
            let value = self
                .spec
                .deref(example, &location)
                .and_then(|site| site.value.get("value"));
            if let Some(value) = value {
                self.validate(schema, value, &location);
            }
        }
    }

    /// The `example` of an inline schema and of its inline subschemas. A `$ref` is not followed:
    /// its target is checked where it is defined.
    fn schema(&mut self, schema: &Value, location: &Location) {
        if ref_of(schema).is_some() {
            return;
        }
        if let Some(example) = schema.get("example") {
            self.validate(schema, example, &location.child("example"));
        }
        let properties = location.child("properties");
        for (name, property) in schema.get("properties").into_iter().flat_map(entries) {
            self.schema(property, &properties.child(name));
        }
        for keyword in SCHEMA_KEYWORDS {
            if let Some(subschema) = schema.get(keyword).filter(|s| s.is_object()) {
                self.schema(subschema, &location.child(keyword));
            }
        }
        for keyword in SCHEMA_LIST_KEYWORDS {
            let list = schema
                .get(keyword)
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            for (index, subschema) in list.enumerate() {
                self.schema(subschema, &location.child(keyword).child(index));
            }
        }
    }

    /// Validates one example and reports each error.
    fn validate(&mut self, schema: &Value, example: &Value, location: &Location) {
        self.checked += 1;
        match self.validator.problems(schema, example) {
            Ok(problems) => {
                for problem in problems {
                    self.findings
                        .push(location, format!("invalid example: {problem}"));
                }
            }
            // A broken schema (often a `$ref` the references rule reports) breaks every example
            // that reaches it: say so once, where it is first met.
            Err(error) => {
                if self.uncompiled.insert(error.clone()) {
                    let message = format!(
                        "cannot validate the example, the schema does not compile: {error}"
                    );
                    self.findings.push(location, message);
                }
            }
        }
    }
}

/// `application/xml`, `text/xml` or a `+xml` media type (parameters after `;` ignored).
fn is_xml(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/xml")
        || essence.eq_ignore_ascii_case("text/xml")
        || essence.to_ascii_lowercase().ends_with("+xml")
}

/// A literal XML document, checked coarsely: one root element after an optional declaration, tags that open
/// and close in order. Well-formedness in full is the parser's job in the crate's tests.
fn looks_like_xml(document: &str) -> Result<(), String> {
    let mut rest = document.trim();
    if let Some(after) = rest.strip_prefix("<?xml") {
        rest = after
            .split_once("?>")
            .ok_or("an unterminated XML declaration")?
            .1
            .trim_start();
    }
    if !rest.starts_with('<') {
        return Err("no root element".into());
    }
    let mut open: Vec<&str> = Vec::new();
    let mut roots = 0;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').ok_or("an unterminated tag")? + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(opened) if opened == name.trim() => {}
                other => return Err(format!("</{}> closes {other:?}", name.trim())),
            }
            continue;
        }
        if open.is_empty() {
            roots += 1;
        }
        let name = tag
            .split([' ', '\t', '\n', '\r', '/'])
            .next()
            .unwrap_or_default();
        if name.is_empty() {
            return Err("a tag without a name".into());
        }
        if !tag.ends_with('/') {
            open.push(name);
        }
    }
    match (roots, open.last()) {
        (1, None) => Ok(()),
        (_, Some(name)) => Err(format!("<{name}> is never closed")),
        (n, None) => Err(format!("{n} root elements")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::fixture::{assert_findings, at, valid};

    #[test]
    fn an_xml_example_may_be_a_literal_document() {
        let mut doc = valid();
        let media = at(&mut doc, "/paths/~1orders/post/requestBody/content");
        media["application/xml"] = media["application/json"].clone();
        media["application/xml"]["example"] =
            json!("<?xml version=\"1.0\"?>\n<root a=\"1\">\n<id>1</id><empty /></root>\n");
        assert_findings(doc.clone(), &[]);
        at(&mut doc, "/paths/~1orders/post/requestBody/content")["application/xml"]["example"] =
            json!("<root><id>1</root>");
        assert_findings(
            doc,
            &[
                r#"paths./orders.post.requestBody.content.application/xml.example: invalid XML example: </root> closes Some("id")"#,
            ],
        );
    }

    #[test]
    fn media_examples_are_validated() {
        let mut doc = valid();
        at(
            &mut doc,
            "/paths/~1orders/post/requestBody/content/application~1json",
        )["example"] = json!({"id": "1"});
        assert_findings(
            doc,
            &[
                r#"paths./orders.post.requestBody.content.application/json.example: invalid example: /id: "1" is not of type "integer""#,
            ],
        );
    }

    #[test]
    fn named_examples_are_validated_through_their_ref() {
        let mut doc = valid();
        at(&mut doc, "/components/examples/Created")["value"] = json!({"note": 5});
        assert_findings(
            doc,
            &[
                r#"paths./orders.post.responses.201.content.application/json.examples.created: invalid example: (root): "id" is a required property"#,
                r#"paths./orders.post.responses.201.content.application/json.examples.created: invalid example: /note: 5 is not of types "null", "string""#,
            ],
        );
    }

    #[test]
    fn schema_and_property_examples_are_validated() {
        let mut doc = valid();
        let order = at(&mut doc, "/components/schemas/Order");
        order["example"] = json!({"id": 3, "note": null});
        order["properties"]["id"]["example"] = json!(1.5);
        order["properties"]["note"]["example"] = json!(["x"]);
        assert_findings(
            doc,
            &[
                "components.schemas.Order.properties.id.example: invalid example: (root): 1.5 is \
                 not of type \"integer\"",
                "components.schemas.Order.properties.note.example: invalid example: (root): [\"x\"] \
                 is not of types \"null\", \"string\"",
            ],
        );
    }

    #[test]
    fn parameter_and_header_examples_are_validated() {
        let mut doc = valid();
        at(&mut doc, "/components/parameters/Id")["example"] = json!("seven");
        at(&mut doc, "/components/headers/ETag")["examples"] = json!({"strong": {"value": 1}});
        assert_findings(
            doc,
            &[
                r#"components.headers.ETag.examples.strong: invalid example: (root): 1 is not of type "string""#,
                r#"components.parameters.Id.example: invalid example: (root): "seven" is not of type "integer""#,
            ],
        );
    }

    #[test]
    fn error_response_examples_are_validated() {
        let mut doc = valid();
        at(
            &mut doc,
            "/components/responses/Error/content/application~1json",
        )["example"] = json!({"message": false});
        assert_findings(
            doc,
            &[
                r#"components.responses.Error.content.application/json.example: invalid example: /message: false is not of type "string""#,
            ],
        );
    }
}
