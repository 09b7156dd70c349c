//! Validation of examples: OpenAPI 3.0 Schema Objects converted to JSON Schema (draft 7) and
//! checked with the `jsonschema` crate.
//!
//! OpenAPI 3.0 schemas are an extended subset of JSON Schema draft wright-00 (draft 5). The
//! differences the conversion handles:
//!
//! - `nullable: true` allows `null` (draft 7 has no `nullable`);
//! - boolean `exclusiveMinimum`/`exclusiveMaximum` (draft 4/5) become draft 7's numeric bounds;
//! - `$ref` replaces the whole object, siblings included (as in OpenAPI 3.0);
//! - OpenAPI-only keywords and `x-` extensions are dropped: `example` (data, not a constraint),
//!   `xml`, `discriminator` (the `oneOf`/`anyOf` it annotates still applies), `externalDocs`,
//!   `deprecated`, and `readOnly`/`writeOnly` (annotations: they would only matter for a required
//!   read-only property left out of a request example, which no spec of ours has).
//!
//! References stay JSON pointers into the document: the converted `components.schemas` are
//! attached next to every schema that is validated, so `#/components/schemas/X` resolves.
//! Formats draft 7 knows (`date`, `date-time`, `email`, `uri`, ...) are checked; the others
//! (`int32`, `int64`, `decimal`, `binary`, ...) are annotations.

use std::collections::HashMap;

use jsonschema::Validator;
use serde_json::{Map, Value, json};

use crate::spec::{Spec, entries};

/// Keywords whose value is a schema.
pub const SCHEMA_KEYWORDS: [&str; 3] = ["items", "not", "additionalProperties"];
/// Keywords whose value is a list of schemas.
pub const SCHEMA_LIST_KEYWORDS: [&str; 3] = ["allOf", "anyOf", "oneOf"];
/// Keywords that OpenAPI adds to JSON Schema and that constrain nothing a validator checks.
const OPENAPI_ONLY: [&str; 8] = [
    "nullable",
    "example",
    "xml",
    "discriminator",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Checks examples against the schemas of one spec; validators are built once per schema.
pub struct ExampleValidator {
    /// The spec's `components`, reduced to the converted `schemas` every `$ref` points into.
    components: Value,
    /// Compiled validators (or why the schema does not compile), keyed by the converted schema.
    cache: HashMap<String, Result<Validator, String>>,
}

impl ExampleValidator {
    /// A validator for the examples of `spec`.
    pub fn new(spec: &Spec) -> Self {
        let schemas: Map<String, Value> = spec
            .components("schemas")
            .map(|(name, schema)| (name.clone(), convert(schema)))
            .collect();
        Self {
            components: json!({ "schemas": schemas }),
            cache: HashMap::new(),
        }
    }

    /// Why `example` is not valid against the OpenAPI `schema` (one message per error, prefixed
    /// with the JSON pointer of the offending value); empty when it is valid. `Err` says why the
    /// schema does not compile.
    pub fn problems(&mut self, schema: &Value, example: &Value) -> Result<Vec<String>, String> {
        let converted = convert(schema);
        let key = converted.to_string();
        let components = &self.components;
        let validator = self
            .cache
            .entry(key)
            .or_insert_with(|| compile(converted, components));
        let validator = validator.as_ref().map_err(String::clone)?;
        let problems = validator.iter_errors(example).map(|error| {
            let path = error.instance_path().to_string();
            let at = if path.is_empty() {
                "(root)"
            } else {
                path.as_str()
            };
            format!("{at}: {error}")
        });
        Ok(problems.collect())
    }
}

/// Compiles a converted schema with the spec's components attached, so `$ref`s resolve.
fn compile(mut schema: Value, components: &Value) -> Result<Validator, String> {
    if let Value::Object(map) = &mut schema {
        map.insert("components".into(), components.clone());
    }
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|error| error.to_string())
}

/// Converts an OpenAPI 3.0 Schema Object to JSON Schema draft 7 (see the module documentation).
pub fn convert(schema: &Value) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    if let Some(reference) = object.get("$ref") {
        return json!({ "$ref": reference });
    }
    let mut out = Map::new();
    for (key, value) in object {
        let key = key.as_str();
        let converted = if key == "properties" {
            Value::Object(
                entries(value)
                    .map(|(name, s)| (name.clone(), convert(s)))
                    .collect(),
            )
        } else if SCHEMA_KEYWORDS.contains(&key) {
            convert(value)
        } else if SCHEMA_LIST_KEYWORDS.contains(&key) {
            value
                .as_array()
                .map_or_else(|| value.clone(), |list| list.iter().map(convert).collect())
        } else if OPENAPI_ONLY.contains(&key)
            || key.starts_with("x-")
            || matches!(key, "exclusiveMinimum" | "exclusiveMaximum")
        {
            continue;
        } else {
            value.clone()
        };
        out.insert(key.to_owned(), converted);
    }
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        if object.get(exclusive) == Some(&Value::Bool(true))
            && let Some(limit) = out.remove(bound)
        {
            out.insert(exclusive.to_owned(), limit);
        }
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        return allow_null(out);
    }
    Value::Object(out)
}

/// Makes a converted schema accept `null` as well.
fn allow_null(mut schema: Map<String, Value>) -> Value {
    // An `enum` lists every allowed value, so it must list null too.
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match schema.get_mut("type") {
        Some(Value::String(name)) => {
            let name = std::mem::take(name);
            schema.insert("type".into(), json!([name, "null"]));
            Value::Object(schema)
        }
        // Without a single `type` (only `allOf`, `oneOf`, ...), null is one more alternative.
        _ => json!({ "anyOf": [{ "type": "null" }, schema] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validator(yaml: &str) -> ExampleValidator {
        ExampleValidator::new(&Spec::parse(yaml).unwrap())
    }

    fn errors(validator: &mut ExampleValidator, schema: &Value, example: &Value) -> Vec<String> {
        validator
            .problems(schema, example)
            .expect("the schema compiles")
    }

    #[test]
    fn nullable_allows_null_and_nothing_else() {
        let mut v = validator("components: {schemas: {}}");
        let schema = json!({"type": "string", "nullable": true});
        assert!(errors(&mut v, &schema, &Value::Null).is_empty());
        assert!(errors(&mut v, &schema, &json!("x")).is_empty());
        assert_eq!(errors(&mut v, &schema, &json!(1)).len(), 1);
        assert_eq!(
            errors(&mut v, &json!({"type": "string"}), &Value::Null).len(),
            1
        );
        let enumeration = json!({"type": "string", "enum": ["a"], "nullable": true});
        assert!(errors(&mut v, &enumeration, &Value::Null).is_empty());
        let composed = json!({"allOf": [{"type": "integer"}], "nullable": true});
        assert!(errors(&mut v, &composed, &Value::Null).is_empty());
        assert_eq!(errors(&mut v, &composed, &json!("x")).len(), 1);
    }

    #[test]
    fn refs_resolve_into_the_converted_components() {
        let mut v = validator(
            "components:\n  schemas:\n    Id: {type: integer, nullable: true}\n    \
             Order:\n      type: object\n      required: [id]\n      \
             properties: {id: {$ref: '#/components/schemas/Id'}}\n",
        );
        let order = json!({"$ref": "#/components/schemas/Order"});
        assert!(errors(&mut v, &order, &json!({"id": 1})).is_empty());
        assert!(errors(&mut v, &order, &json!({"id": null})).is_empty());
        let problems = errors(&mut v, &order, &json!({"id": "1"}));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("/id: "), "{problems:?}");
        assert_eq!(
            errors(&mut v, &order, &json!({})),
            vec![r#"(root): "id" is a required property"#]
        );
    }

    #[test]
    fn openapi_keywords_are_dropped_and_bounds_converted() {
        let schema = json!({
            "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 9,
            "exclusiveMaximum": false, "format": "decimal", "example": "not a number",
            "xml": {"name": "n"}, "x-rust-type": "Decimal", "readOnly": true
        });
        assert_eq!(
            convert(&schema),
            json!({"type": "number", "exclusiveMinimum": 0, "maximum": 9, "format": "decimal"})
        );
        let mut v = validator("{}");
        assert_eq!(errors(&mut v, &schema, &json!(0)).len(), 1);
        assert!(errors(&mut v, &schema, &json!(9)).is_empty());
    }

    #[test]
    fn known_formats_are_checked_and_unknown_ones_ignored() {
        let mut v = validator("{}");
        let date = json!({"type": "string", "format": "date-time"});
        assert!(errors(&mut v, &date, &json!("2013-10-19T11:06:18.000Z")).is_empty());
        assert_eq!(errors(&mut v, &date, &json!("19/10/2013")).len(), 1);
        assert!(
            errors(
                &mut v,
                &json!({"type": "number", "format": "decimal"}),
                &json!(9.8)
            )
            .is_empty()
        );
    }

    #[test]
    fn schemas_that_do_not_compile_are_an_error() {
        let mut v = validator("{}");
        let error = v
            .problems(&json!({"type": "strin"}), &json!("x"))
            .unwrap_err();
        assert!(error.contains("strin"), "{error}");
        let error = v
            .problems(&json!({"$ref": "#/components/schemas/Nope"}), &json!(1))
            .unwrap_err();
        assert!(error.contains("Nope"), "{error}");
    }

    #[test]
    fn property_names_are_not_mistaken_for_keywords() {
        let schema = json!({"type": "object", "properties": {"example": {"type": "string"}}});
        assert_eq!(convert(&schema), schema);
    }
}
