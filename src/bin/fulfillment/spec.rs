//! The operations of each provider, read from the spec compiled into the binary: operationId, summary,
//! parameters and request body. Together with the library's generated dispatcher
//! (`<provider>::dispatchable()`, `Client::dispatch`) this is all the CLI knows about an operation, so an
//! operation added to a spec appears here with no hand-written code.

use serde_json::Value;

/// A provider the CLI serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Gooten,
    Bootic,
    Rewix,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Gooten, Provider::Bootic, Provider::Rewix];

    pub fn name(self) -> &'static str {
        match self {
            Provider::Gooten => "gooten",
            Provider::Bootic => "bootic",
            Provider::Rewix => "rewix",
        }
    }

    fn spec(self) -> &'static str {
        match self {
            Provider::Gooten => include_str!("../../../spec/gooten.yaml"),
            Provider::Bootic => include_str!("../../../spec/bootic.yaml"),
            Provider::Rewix => include_str!("../../../spec/rewix.yaml"),
        }
    }

    /// The operationIds the library's dispatcher runs.
    pub fn dispatchable(self) -> &'static [&'static str] {
        match self {
            Provider::Gooten => fulfillment_apis::gooten::dispatchable(),
            Provider::Bootic => fulfillment_apis::bootic::dispatchable(),
            Provider::Rewix => fulfillment_apis::rewix::dispatchable(),
        }
    }
}

/// One parameter of an operation.
#[derive(Clone, Debug)]
pub struct Param {
    /// The name in the spec (what the dispatcher takes).
    pub name: String,
    /// `query`, `path` or `header`.
    pub location: String,
    pub required: bool,
    /// The schema's `type` (`string` when the spec says nothing else).
    pub ty: String,
    /// For arrays, the items' `type`.
    pub item_ty: String,
    pub description: String,
}

/// One operation of a spec.
#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    /// The command name: the operationId in kebab case.
    pub name: String,
    pub summary: String,
    pub description: String,
    pub method: String,
    pub path: String,
    pub params: Vec<Param>,
    /// `Some(required)` when the operation takes a request body.
    pub body: Option<bool>,
}

/// `getOrdersByClientKey` -> `get-orders-by-client-key`; `CountryCode`, `tag_1`, `a.b` -> `country-code`,
/// `tag-1`, `a-b`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if matches!(c, '_' | '.' | ' ' | '-') {
            if !out.ends_with('-') {
                out.push('-');
            }
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    for _ in 0..8 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let pointer = reference.trim_start_matches('#');
        match spec.pointer(pointer) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn schema_type(spec: &Value, schema: &Value) -> String {
    let schema = resolve(spec, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some(ty) => ty.to_string(),
        None if schema.get("properties").is_some() => "object".into(),
        None => "string".into(),
    }
}

/// Every operation of the provider's spec, sorted by path.
pub fn operations(provider: Provider) -> Vec<Operation> {
    let spec: Value =
        serde_norway::from_str(provider.spec()).expect("the embedded spec is valid YAML");
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut params: Vec<Param> = Vec::new();
            let own = op
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for raw in own.iter().chain(shared.iter()) {
                let p = resolve(&spec, raw);
                let name = text(p, "name");
                if name.is_empty() || params.iter().any(|q| q.name == name) {
                    continue;
                }
                let schema = p.get("schema").cloned().unwrap_or(Value::Null);
                let items = resolve(&spec, &schema)
                    .get("items")
                    .cloned()
                    .unwrap_or(Value::Null);
                params.push(Param {
                    location: text(p, "in"),
                    required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                    ty: schema_type(&spec, &schema),
                    item_ty: schema_type(&spec, &items),
                    description: text(p, "description"),
                    name,
                });
            }
            let body = op.get("requestBody").map(|b| {
                resolve(&spec, b)
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            });
            out.push(Operation {
                id: id.to_string(),
                name: kebab(id),
                summary: text(op, "summary"),
                description: text(op, "description"),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                params,
                body,
            });
        }
    }
    out
}

/// A command-line value as the JSON the parameter's type wants: numbers and booleans parsed, arrays from
/// `a,b,c` or JSON, strings kept as they are.
pub fn json_value(param: Option<&Param>, raw: &str) -> Result<Value, String> {
    let scalar = |ty: &str, raw: &str| -> Result<Value, String> {
        match ty {
            "integer" | "number" | "boolean" | "object" => {
                serde_json::from_str(raw.trim()).map_err(|_| format!("{raw:?} is not a valid {ty}"))
            }
            _ => Ok(Value::String(raw.to_string())),
        }
    };
    match param {
        None => Ok(serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.into()))),
        Some(p) if p.ty == "array" => {
            if raw.trim_start().starts_with('[') {
                serde_json::from_str(raw).map_err(|e| format!("{raw:?} is not a JSON array: {e}"))
            } else {
                raw.split(',')
                    .map(|part| scalar(&p.item_ty, part.trim()))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array)
            }
        }
        Some(p) => scalar(&p.ty, raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_names() {
        assert_eq!(kebab("getOrdersByClientKey"), "get-orders-by-client-key");
        assert_eq!(kebab("CountryCode"), "country-code");
        assert_eq!(kebab("tag_1"), "tag-1");
        assert_eq!(kebab("SKU"), "sku");
    }

    #[test]
    fn every_spec_reads_and_every_dispatchable_operation_is_in_it() {
        for provider in Provider::ALL {
            let ops = operations(provider);
            assert!(!ops.is_empty());
            for id in provider.dispatchable() {
                assert!(ops.iter().any(|op| op.id == *id), "{id}");
            }
        }
    }
}
