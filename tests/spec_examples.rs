//! Every example in every spec deserializes into its generated type and serializes back without losing or
//! changing a field. This keeps the spec's examples, its schemas and the generated Rust types in agreement.

use serde_json::Value;

/// An example and the component schema it illustrates.
struct Example {
    location: String,
    schema: String,
    value: Value,
}

fn load(spec: &str) -> Value {
    let path = format!("{}/spec/{spec}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_norway::from_str(&text).unwrap()
}

fn schema_name(schema: &Value) -> Option<String> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or(value),
        None => value,
    }
}

/// The examples of a media type object (`example` and every `examples[*].value`).
fn media_examples(spec: &Value, media: &Value, location: &str, out: &mut Vec<Example>) {
    let Some(schema) = media.get("schema").and_then(schema_name) else {
        return;
    };
    if let Some(value) = media.get("example") {
        out.push(Example {
            location: format!("{location}.example"),
            schema: schema.clone(),
            value: value.clone(),
        });
    }
    for (name, example) in media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(value) = resolve(spec, example).get("value") {
            out.push(Example {
                location: format!("{location}.examples.{name}"),
                schema: schema.clone(),
                value: value.clone(),
            });
        }
    }
}

/// Every JSON example of request bodies, responses and component schemas.
fn examples(spec: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let location = format!("paths.{path}.{method}");
            if let Some(content) = op
                .get("requestBody")
                .map(|b| resolve(spec, b))
                .and_then(|b| b.get("content"))
            {
                for (media_type, media) in content.as_object().unwrap() {
                    if media_type.contains("json") {
                        media_examples(
                            spec,
                            media,
                            &format!("{location}.requestBody.{media_type}"),
                            &mut out,
                        );
                    }
                }
            }
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let response = resolve(spec, response);
                for (media_type, media) in response
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if media_type.contains("json") {
                        media_examples(
                            spec,
                            media,
                            &format!("{location}.responses.{status}.{media_type}"),
                            &mut out,
                        );
                    }
                }
            }
        }
    }
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if let Some(value) = schema.get("example") {
            out.push(Example {
                location: format!("components.schemas.{name}.example"),
                schema: name.clone(),
                value: value.clone(),
            });
        }
    }
    out
}

/// Whether the round trip kept every field. Numbers must keep their value (a `Value` holds an `f64`: the crate
/// does not switch on serde_json's `arbitrary_precision`; exact digits are tested in `src/amount_tests.rs` and
/// `tests/gooten_money.rs`). Two representation changes
/// of the generated types are accepted because they carry the same information: an optional empty array or map
/// is left out (typify's `skip_serializing_if`), and an RFC 3339 timestamp may be re-rendered (`.000Z` → `Z`)
/// as long as it is the same instant.
fn same(spec: &Value, back: &Value) -> bool {
    let empty = |v: Option<&Value>| match v {
        None => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(_) => false,
    };
    match (spec, back) {
        (Value::Object(a), Value::Object(b)) => {
            a.keys()
                .chain(b.keys())
                .all(|k| match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => same(x, y),
                    (x, y) => empty(x) && empty(y),
                })
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::String(a), Value::String(b)) if a != b => {
            match (
                chrono::DateTime::parse_from_rfc3339(a),
                chrono::DateTime::parse_from_rfc3339(b),
            ) {
                (Ok(x), Ok(y)) => x == y,
                _ => false,
            }
        }
        _ => spec == back,
    }
}

fn check(spec_name: &str, roundtrip: fn(&str, Value) -> Option<Result<Value, String>>) {
    let spec = load(spec_name);
    let examples = examples(&spec);
    assert!(!examples.is_empty(), "{spec_name} has examples");
    let mut failures = Vec::new();
    for example in &examples {
        match roundtrip(&example.schema, example.value.clone()) {
            None => failures.push(format!(
                "{}: no generated type for schema {}",
                example.location, example.schema
            )),
            Some(Err(e)) => failures.push(format!(
                "{}: does not deserialize into {}: {e}",
                example.location, example.schema
            )),
            Some(Ok(back)) if !same(&example.value, &back) => failures.push(format!(
                "{}: changed by the round trip through {}\n  spec: {}\n  back: {}",
                example.location, example.schema, example.value, back
            )),
            Some(Ok(_)) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples in spec/{spec_name}.yaml failed:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
    println!(
        "spec/{spec_name}.yaml: {} examples round-trip unchanged",
        examples.len()
    );
}

#[cfg(feature = "gooten")]
mod gooten {
    use fulfillment_apis::gooten::types;
    include!(concat!(env!("OUT_DIR"), "/gooten_schemas.rs"));

    #[test]
    fn every_gooten_example_round_trips() {
        super::check("gooten", roundtrip);
    }
}

#[cfg(feature = "bootic")]
mod bootic {
    use fulfillment_apis::bootic::types;
    include!(concat!(env!("OUT_DIR"), "/bootic_schemas.rs"));

    #[test]
    fn every_bootic_example_round_trips() {
        super::check("bootic", roundtrip);
    }
}

#[cfg(feature = "rewix")]
mod rewix {
    use fulfillment_apis::rewix::types;
    include!(concat!(env!("OUT_DIR"), "/rewix_schemas.rs"));

    #[test]
    fn every_rewix_example_round_trips() {
        super::check("rewix", roundtrip);
    }
}

#[test]
fn the_comparison_catches_lost_and_changed_fields() {
    use serde_json::json;
    let parse = |s: &str| -> Value { serde_json::from_str(s).unwrap() };
    assert!(same(
        &parse(r#"{"Price": 74.50}"#),
        &parse(r#"{"Price": 74.50}"#)
    ));
    assert!(
        !same(&parse(r#"{"Price": 74.50}"#), &parse(r#"{"Price": 74.51}"#)),
        "a changed number"
    );
    assert!(
        !same(
            &parse(r#"{"Price": 74.50}"#),
            &parse(r#"{"Price": "74.50"}"#)
        ),
        "a number stays a number"
    );
    assert!(
        !same(&json!({"a": 1, "b": "x"}), &json!({"a": 1})),
        "a lost field"
    );
    assert!(
        same(&json!({"a": 1, "b": []}), &json!({"a": 1})),
        "an empty optional array"
    );
    assert!(same(
        &json!({"t": "2013-10-19T11:06:18.000Z"}),
        &json!({"t": "2013-10-19T11:06:18Z"})
    ));
    assert!(!same(
        &json!({"t": "2013-10-19T11:06:18Z"}),
        &json!({"t": "2013-10-19T11:06:19Z"})
    ));
}
