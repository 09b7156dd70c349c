//! A spec as a JSON value, with what every rule needs: locations, local `$ref` resolution and the
//! places where operations, bodies and parameters are defined.

use std::{fmt, panic};

use serde_json::Value;

/// The operation keys of an OpenAPI 3.0 path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// At most this many `$ref`s are followed in a row, so a reference cycle cannot loop forever.
const MAX_REF_CHAIN: usize = 16;

/// A spec document, parsed from YAML into JSON (the rules need the raw document, including what
/// openapiv3's types drop, such as `nullable` next to a `$ref` or unknown keys).
pub struct Spec {
    pub doc: Value,
}

/// Where something is in a spec: the keys from the document root, printed dot-separated
/// (`paths./orders.post.responses.200`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location(Vec<String>);

/// A problem found in a spec.
#[derive(Debug)]
pub struct Finding {
    pub location: Location,
    pub message: String,
}

/// An object of the spec (an operation, a body, a parameter) and where it is defined.
pub struct Site<'a> {
    pub value: &'a Value,
    pub location: Location,
}

impl Location {
    /// The location of the document itself.
    pub fn root() -> Self {
        Self::default()
    }

    /// The location of member `key` (an object key or an array index) of this location.
    pub fn child(&self, key: impl fmt::Display) -> Self {
        let mut keys = self.0.clone();
        keys.push(key.to_string());
        Self(keys)
    }

    /// The location a local reference (`#/components/schemas/Order`) points to.
    pub fn of_ref(reference: &str) -> Self {
        let pointer = reference.strip_prefix('#').unwrap_or(reference);
        Self(
            pointer
                .split('/')
                .skip(1)
                .map(|key| key.replace("~1", "/").replace("~0", "~"))
                .collect(),
        )
    }

    /// The keys from the document root.
    pub fn keys(&self) -> &[String] {
        &self.0
    }

    /// True for the document itself.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

impl Spec {
    /// Parses YAML text; `Err` carries the parser's message.
    pub fn parse(text: &str) -> Result<Self, String> {
        // Through serde_norway's own `Value`, which refuses duplicate keys: deserializing straight
        // into JSON would keep the last one silently (and openapiv3 accepts such a document).
        let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| e.to_string())?;
        let doc =
            serde_json::to_value(yaml).map_err(|e| format!("not representable as JSON: {e}"))?;
        Ok(Self { doc })
    }

    /// The named entries of `components.<kind>` (`schemas`, `responses`, ...).
    pub fn components(&self, kind: &str) -> impl Iterator<Item = (&String, &Value)> {
        self.doc
            .pointer(&format!("/components/{kind}"))
            .into_iter()
            .flat_map(entries)
    }

    /// The value a local reference points to; `None` for a reference that is not local or does not
    /// resolve (the references rule reports those, so the other rules skip them silently).
    pub fn lookup(&self, reference: &str) -> Option<&Value> {
        self.doc.pointer(reference.strip_prefix('#')?)
    }

    /// Follows `$ref`s from `value` (found at `location`) to the object they name, with that
    /// object's location; `None` when a reference does not resolve.
    pub fn deref<'a>(&'a self, value: &'a Value, location: &Location) -> Option<Site<'a>> {
        let mut site = Site {
            value,
            location: location.clone(),
        };
        for _ in 0..MAX_REF_CHAIN {
            let Some(reference) = ref_of(site.value) else {
                return Some(site);
            };
            site = Site {
                value: self.lookup(reference)?,
                location: Location::of_ref(reference),
            };
        }
        None
    }

    /// Every operation, located at `paths.<path>.<method>` (a path item `$ref` is followed).
    pub fn operations(&self) -> Vec<Site<'_>> {
        let paths = Location::root().child("paths");
        let mut operations = Vec::new();
        for (path, item) in self.doc.get("paths").into_iter().flat_map(entries) {
            let Some(item) = self.deref(item, &paths.child(path)) else {
                continue;
            };
            for method in METHODS {
                if let Some(operation) = item.value.get(method) {
                    let location = paths.child(path).child(method);
                    operations.push(Site {
                        value: operation,
                        location,
                    });
                }
            }
        }
        operations
    }

    /// Every request body and response where it is defined: `components.requestBodies`,
    /// `components.responses` and the inline ones of operations (a `$ref` is not a definition).
    pub fn bodies(&self) -> Vec<Site<'_>> {
        let mut bodies = Vec::new();
        for kind in ["requestBodies", "responses"] {
            let location = Location::root().child("components").child(kind);
            for (name, body) in self.components(kind) {
                push_definition(&mut bodies, body, location.child(name));
            }
        }
        for operation in self.operations() {
            if let Some(body) = operation.value.get("requestBody") {
                push_definition(&mut bodies, body, operation.location.child("requestBody"));
            }
            let responses = operation.location.child("responses");
            for (status, response) in operation
                .value
                .get("responses")
                .into_iter()
                .flat_map(entries)
            {
                push_definition(&mut bodies, response, responses.child(status));
            }
        }
        bodies
    }

    /// Every parameter and header where it is defined: `components.parameters`,
    /// `components.headers`, path items, operations and the headers of responses.
    pub fn parameters(&self) -> Vec<Site<'_>> {
        let mut parameters = Vec::new();
        for kind in ["parameters", "headers"] {
            let location = Location::root().child("components").child(kind);
            for (name, parameter) in self.components(kind) {
                push_definition(&mut parameters, parameter, location.child(name));
            }
        }
        let paths = Location::root().child("paths");
        for (path, item) in self.doc.get("paths").into_iter().flat_map(entries) {
            push_list(
                &mut parameters,
                item.get("parameters"),
                paths.child(path).child("parameters"),
            );
        }
        for operation in self.operations() {
            let location = operation.location.child("parameters");
            push_list(&mut parameters, operation.value.get("parameters"), location);
        }
        for body in self.bodies() {
            let location = body.location.child("headers");
            for (name, header) in body.value.get("headers").into_iter().flat_map(entries) {
                push_definition(&mut parameters, header, location.child(name));
            }
        }
        parameters
    }
}

/// The target of `value` when it is a Reference Object (`{"$ref": "..."}`).
pub fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()
}

/// The members of an object (nothing for any other value).
pub fn entries(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    value.as_object().into_iter().flatten()
}

/// True when `value` has `key` with a non-blank string.
pub fn has_text(value: &Value, key: &str) -> bool {
    value
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|text| !text.trim().is_empty())
}

/// Adds `value` unless it is a `$ref` (then it is defined, and visited, elsewhere).
fn push_definition<'a>(sites: &mut Vec<Site<'a>>, value: &'a Value, location: Location) {
    if ref_of(value).is_none() {
        sites.push(Site { value, location });
    }
}

/// Adds the definitions of a `parameters` list.
fn push_list<'a>(sites: &mut Vec<Site<'a>>, list: Option<&'a Value>, location: Location) {
    let items = list.and_then(Value::as_array).into_iter().flatten();
    for (index, value) in items.enumerate() {
        push_definition(sites, value, location.child(index));
    }
}

/// Why openapiv3 (the parser build.rs and progenitor use) rejects the text, or `None` when it
/// accepts it as an OpenAPI 3.0 document.
pub fn openapiv3_error(text: &str) -> Option<String> {
    let parse = || serde_norway::from_str::<openapiv3::OpenAPI>(text).map_err(|e| e.to_string());
    match without_panic(parse) {
        Ok(_) => None,
        Err(Failure::Error(error)) => Some(format!(
            "not a valid OpenAPI 3.0 document (openapiv3): {error}"
        )),
        Err(Failure::Panic(message)) => Some(format!(
            "openapiv3 panicked while parsing the document: {message}"
        )),
    }
}

/// How a parse that may panic failed.
#[derive(Debug, PartialEq)]
enum Failure {
    Error(String),
    Panic(String),
}

/// Runs `parse`, turning a panic into a [`Failure::Panic`] with the panic's message: openapiv3 2.2
/// panics on some malformed input instead of returning an error, and that must become a finding,
/// not abort the whole check.
fn without_panic<T>(
    parse: impl FnOnce() -> Result<T, String> + panic::UnwindSafe,
) -> Result<T, Failure> {
    match panic::catch_unwind(parse) {
        Ok(result) => result.map_err(Failure::Error),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "(no message)".to_owned());
            Err(Failure::Panic(message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_print_dot_separated_and_unescape_pointers() {
        let location = Location::of_ref("#/paths/~1orders~1{id}/get");
        assert_eq!(location.to_string(), "paths./orders/{id}.get");
        assert_eq!(Location::root().child("a").child(0).to_string(), "a.0");
    }

    #[test]
    fn deref_follows_chains_and_stops_on_cycles() {
        let spec =
            Spec::parse("a: {$ref: '#/b'}\nb: {$ref: '#/c'}\nc: {x: 1}\nloop: {$ref: '#/loop'}\n")
                .unwrap();
        let start = spec.doc.get("a").unwrap();
        let site = spec.deref(start, &Location::root().child("a")).unwrap();
        assert_eq!(site.location.to_string(), "c");
        assert_eq!(site.value["x"], 1);
        let cycle = spec.doc.get("loop").unwrap();
        assert!(spec.deref(cycle, &Location::root()).is_none());
    }

    #[test]
    fn yaml_becomes_json_with_string_keys_and_without_duplicates() {
        let spec = Spec::parse("responses:\n  200: {description: OK}\nn: 9.80\n").unwrap();
        assert_eq!(
            spec.doc,
            serde_json::json!({"responses": {"200": {"description": "OK"}}, "n": 9.8})
        );
        let error = Spec::parse("a:\n  b: 1\n  b: 2\n").err().unwrap();
        assert!(error.contains("duplicate entry with key \"b\""), "{error}");
    }

    #[test]
    fn openapiv3_rejects_what_is_not_openapi() {
        assert!(
            openapiv3_error("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
                .is_none()
        );
        let error = openapiv3_error("openapi: 3.0.3\npaths: {}\n").unwrap();
        assert!(error.contains("info"), "{error}");
    }

    #[test]
    fn a_panicking_parse_becomes_a_failure() {
        let parsed: Result<(), _> = without_panic(|| panic!("bad {}", "input"));
        assert_eq!(parsed, Err(Failure::Panic("bad input".into())));
        let parsed: Result<(), _> = without_panic(|| panic!("static"));
        assert_eq!(parsed, Err(Failure::Panic("static".into())));
        assert_eq!(
            without_panic(|| Err::<(), _>("no".into())),
            Err(Failure::Error("no".into()))
        );
        assert_eq!(without_panic(|| Ok(1)), Ok(1));
    }
}
