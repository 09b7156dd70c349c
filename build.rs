//! Generates the typed client of every enabled provider from `spec/<provider>.yaml` with progenitor.
//!
//! The specs keep the whole truth for every generator; what progenitor 0.15 cannot take is handled here by a
//! normalizing pass (see `spec/README.md`, "What the Rust generator does differently"):
//!
//! - an operation offering several request media types keeps only `application/json`;
//! - an operation whose request body is `multipart/form-data` is left out (the hand-written layer implements it);
//! - a response offering several media types keeps only `application/json` when it has it;
//! - `type: number, format: decimal` becomes `crate::Amount` (an exact `rust_decimal::Decimal`, never `f64`);
//! - validation keywords on strings and integers (`pattern`, `minLength`, `maxLength`, `minimum`, `maximum`) are
//!   dropped, so `CountryCode` stays a `String` and `Quantity` an `i32` (typify would make validated newtypes and
//!   `NonZeroU32`s); the sandbox and `cargo xtask check` enforce them instead;
//! - a `form`, `explode: false` array query parameter becomes a string (progenitor would repeat the key);
//! - where an object declares both `x` and `_x` (HAL `class`/`_class`, `links`/`_links`), `_x` is kept and
//!   `x` is accepted as a serde alias of it (`build/rust_only.rs`).
//!
//! Output, per provider, in `OUT_DIR`: `<provider>.rs` (the client) and `<provider>_schemas.rs` (a table from
//! component schema name to a serde round trip through its generated type, used by the example tests).

#[path = "build/api.rs"]
mod api;
#[path = "build/dispatch.rs"]
mod dispatch;
#[path = "build/rust_only.rs"]
mod rust_only;

use std::{env, fmt::Write as _, fs, path::PathBuf};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

/// Every provider: its cargo feature and its spec file share the name.
const PROVIDERS: &[&str] = &["gooten", "bootic", "rewix"];

const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");

    for provider in PROVIDERS {
        let spec_path = root.join("spec").join(format!("{provider}.yaml"));
        println!("cargo:rerun-if-changed={}", spec_path.display());
        let feature = format!("CARGO_FEATURE_{}", provider.to_uppercase());
        if env::var_os(feature).is_none() {
            continue;
        }
        let text = fs::read_to_string(&spec_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", spec_path.display()));
        let mut spec: OpenAPI = serde_norway::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "{} is not a valid OpenAPI 3.0 document: {e}",
                spec_path.display()
            )
        });
        let operations = operation_table(&spec);
        let methods = operation_methods(&spec);
        let schemas = schema_table(&spec);
        normalize(&mut spec);
        let left_out: Vec<String> = methods
            .iter()
            .map(|(id, _)| id.clone())
            .filter(|id| !operation_methods(&spec).iter().any(|(kept, _)| kept == id))
            .collect();
        let aliases = rust_only::normalize(&mut spec);
        let open_enums = open_enums(&mut spec);

        let client = generate(&spec, provider, &open_enums)
            .unwrap_or_else(|e| panic!("progenitor failed on {}: {e}", spec_path.display()));
        let generated = api::read(&client);
        dispatch::check_table(provider, &methods, &generated, &left_out);
        let id_of = |method: &str| {
            methods
                .iter()
                .find(|(_, m)| m == method)
                .map(|(id, _)| id.clone())
                .expect("check_table found every generated method in the table")
        };
        let wrappers: syn::File =
            syn::parse2(api::wrappers(&generated, &id_of)).expect("the wrappers are valid Rust");
        fs::write(
            out_dir.join(format!("{provider}_api.rs")),
            prettyplease::unparse(&wrappers),
        )
        .expect("write wrappers");
        fs::write(
            out_dir.join(format!("{provider}_dispatch.rs")),
            dispatch::dispatcher(&methods, &generated),
        )
        .expect("write dispatcher");
        fs::write(
            out_dir.join(format!("{provider}.rs")),
            rust_only::add_aliases(prettyplease::unparse(&client), &aliases),
        )
        .expect("write generated client");
        fs::write(out_dir.join(format!("{provider}_schemas.rs")), schemas)
            .expect("write schema table");
        fs::write(
            out_dir.join(format!("{provider}_operations.rs")),
            operations,
        )
        .expect("write operation table");
    }
}

/// Runs progenitor with the crate's settings.
fn generate(spec: &OpenAPI, provider: &str, open_enums: &[String]) -> Result<syn::File, String> {
    let mut settings = GenerationSettings::new();
    for name in open_enums {
        settings.with_replacement(
            open_name(name),
            format!("crate::OpenEnum<crate::{provider}::generated::types::{name}>"),
            std::iter::empty(),
        );
    }
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The hand-written runtime (auth, retries, tracing, error normalization) is the client's inner value,
        // and its `ClientHooks` impl is required, so a generated client can never bypass it.
        .with_inner_type(quote_tokens("crate::runtime::Runtime"))
        .with_hooks(HooksMode::Expected)
        .with_map_type("::std::collections::BTreeMap")
        .with_conversion(
            decimal_schema(),
            "crate::Amount",
            [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::Default].into_iter(),
        );
    let tokens = Generator::new(&settings)
        .generate_tokens(spec)
        .map_err(|e| e.to_string())?;
    syn::parse2(tokens).map_err(|e| e.to_string())
}

/// Every operation of the spec: its operationId and the method progenitor is expected to generate for it.
fn operation_methods(spec: &OpenAPI) -> Vec<(String, String)> {
    spec.operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .map(|id| {
            let method = snake_case(&id);
            (id, method)
        })
        .collect()
}

/// The component standing for "`name` or any value it does not list", replaced by `crate::OpenEnum<name>`.
fn open_name(name: &str) -> String {
    format!("{name}Open")
}

/// Enums marked `x-open-enum: true` (statuses: providers add values). Every property or array item of a
/// component schema that refers to one is pointed at a stand-in component, which `generate` replaces by
/// `crate::OpenEnum<..>`, so an unknown value decodes instead of failing the whole answer. The enum itself stays
/// a closed type for building requests and matching.
fn open_enums(spec: &mut OpenAPI) -> Vec<String> {
    let Some(components) = &mut spec.components else {
        return Vec::new();
    };
    let open: Vec<String> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            ReferenceOr::Item(schema)
                if schema
                    .schema_data
                    .extensions
                    .get("x-open-enum")
                    .and_then(|v| v.as_bool())
                    == Some(true) =>
            {
                Some(name.clone())
            }
            _ => None,
        })
        .collect();
    for name in &open {
        let from = format!("#/components/schemas/{name}");
        let to = format!("#/components/schemas/{}", open_name(name));
        for schema in components.schemas.values_mut() {
            if let ReferenceOr::Item(schema) = schema {
                retarget_refs(schema, &from, &to);
            }
        }
        let stand_in = Schema {
            schema_data: Default::default(),
            schema_kind: SchemaKind::Any(Default::default()),
        };
        components
            .schemas
            .insert(open_name(name), ReferenceOr::Item(stand_in));
    }
    open
}

/// Points every `$ref` to `from` below `schema` (properties, items, compositions) at `to`.
fn retarget_refs(schema: &mut Schema, from: &str, to: &str) {
    fn visit(node: &mut ReferenceOr<Schema>, from: &str, to: &str) {
        match node {
            ReferenceOr::Reference { reference } if reference == from => {
                *reference = to.to_string()
            }
            ReferenceOr::Reference { .. } => {}
            ReferenceOr::Item(schema) => retarget_refs(schema, from, to),
        }
    }
    fn visit_boxed(node: &mut ReferenceOr<Box<Schema>>, from: &str, to: &str) {
        match node {
            ReferenceOr::Reference { reference } if reference == from => {
                *reference = to.to_string()
            }
            ReferenceOr::Reference { .. } => {}
            ReferenceOr::Item(schema) => retarget_refs(schema, from, to),
        }
    }
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object
                .properties
                .values_mut()
                .for_each(|p| visit_boxed(p, from, to));
            if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                &mut object.additional_properties
            {
                visit(extra, from, to);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &mut array.items {
                visit_boxed(items, from, to);
            }
        }
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            list.iter_mut().for_each(|s| visit(s, from, to));
        }
        SchemaKind::Any(any) => {
            any.properties
                .values_mut()
                .for_each(|p| visit_boxed(p, from, to));
            if let Some(items) = &mut any.items {
                visit_boxed(items, from, to);
            }
        }
        SchemaKind::Not { .. } | SchemaKind::Type(_) => {}
    }
}

fn quote_tokens(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a valid Rust path")
}

/// The schema that `with_conversion` maps to `crate::Amount` (typify ignores metadata when matching).
fn decimal_schema() -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::Number.into()),
        format: Some("decimal".to_string()),
        ..Default::default()
    }
}

/// The normalizing pass: see the module documentation.
fn normalize(spec: &mut OpenAPI) {
    for (_, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for slot in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ] {
            let Some(op) = slot else { continue };
            if let Some(ReferenceOr::Item(body)) = &mut op.request_body {
                if body.content.contains_key(MULTIPART) && !body.content.contains_key(JSON) {
                    *slot = None;
                    continue;
                }
                if body.content.len() > 1 && body.content.contains_key(JSON) {
                    body.content.retain(|media, _| media == JSON);
                }
            }
            op.responses.responses.values_mut().for_each(keep_only_json);
        }
    }
    if let Some(components) = &mut spec.components {
        components.responses.values_mut().for_each(keep_only_json);
    }
    visit_schemas(spec, &mut canonical_decimal);
    visit_schemas(spec, &mut drop_validation_keywords);
}

/// Drops the validation keywords of string and integer schemas, which typify turns into validated newtypes
/// (`pattern`, `minLength`, `maxLength`) and `NonZero`/unsigned integers (`minimum`); the generated types stay
/// plain `String`/`i32` and the constraint is checked by the sandbox and documented in the spec.
fn drop_validation_keywords(schema: &mut Schema) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => {
            string.pattern = None;
            string.min_length = None;
            string.max_length = None;
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            integer.minimum = None;
            integer.maximum = None;
            integer.exclusive_minimum = false;
            integer.exclusive_maximum = false;
            integer.multiple_of = None;
        }
        _ => {}
    }
}

/// A response offering JSON among other media types keeps only JSON (progenitor picks one shape per status).
fn keep_only_json(response: &mut ReferenceOr<openapiv3::Response>) {
    if let ReferenceOr::Item(response) = response
        && response.content.len() > 1
        && response.content.contains_key(JSON)
    {
        response.content.retain(|media, _| media == JSON);
    }
}

/// Reduces a `number`/`decimal` schema to exactly what `with_conversion` matches (validation keywords and
/// extensions would otherwise make typify fall back to `f64`); the description is kept.
fn canonical_decimal(schema: &mut Schema) {
    if let SchemaKind::Type(Type::Number(number)) = &mut schema.schema_kind
        && matches!(&number.format, openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal")
    {
        *number = openapiv3::NumberType {
            format: openapiv3::VariantOrUnknownOrEmpty::Unknown("decimal".into()),
            ..Default::default()
        };
        schema.schema_data.extensions.clear();
        schema.schema_data.nullable = false;
    }
}

/// Calls `f` on every inline schema of the document, depth first.
fn visit_schemas(spec: &mut OpenAPI, f: &mut dyn FnMut(&mut Schema)) {
    fn walk(schema: &mut ReferenceOr<Schema>, f: &mut dyn FnMut(&mut Schema)) {
        if let ReferenceOr::Item(schema) = schema {
            walk_schema(schema, f);
        }
    }
    fn walk_boxed(schema: &mut ReferenceOr<Box<Schema>>, f: &mut dyn FnMut(&mut Schema)) {
        if let ReferenceOr::Item(schema) = schema {
            walk_schema(schema, f);
        }
    }
    fn walk_schema(schema: &mut Schema, f: &mut dyn FnMut(&mut Schema)) {
        match &mut schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                object
                    .properties
                    .values_mut()
                    .for_each(|p| walk_boxed(p, f));
                if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                    &mut object.additional_properties
                {
                    walk(extra, f);
                }
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &mut array.items {
                    walk_boxed(items, f);
                }
            }
            SchemaKind::OneOf { one_of: list }
            | SchemaKind::AllOf { all_of: list }
            | SchemaKind::AnyOf { any_of: list } => {
                list.iter_mut().for_each(|s| walk(s, f));
            }
            SchemaKind::Not { not } => walk(not, f),
            SchemaKind::Any(any) => {
                any.properties.values_mut().for_each(|p| walk_boxed(p, f));
                if let Some(items) = &mut any.items {
                    walk_boxed(items, f);
                }
                for list in [&mut any.one_of, &mut any.all_of, &mut any.any_of] {
                    list.iter_mut().for_each(|s| walk(s, f));
                }
            }
            SchemaKind::Type(_) => {}
        }
        f(schema);
    }
    fn walk_content(content: &mut openapiv3::Content, f: &mut dyn FnMut(&mut Schema)) {
        for media in content.values_mut() {
            if let Some(schema) = &mut media.schema {
                walk(schema, f);
            }
        }
    }
    fn walk_parameter(
        parameter: &mut ReferenceOr<openapiv3::Parameter>,
        f: &mut dyn FnMut(&mut Schema),
    ) {
        use openapiv3::Parameter as P;
        if let ReferenceOr::Item(
            P::Query { parameter_data, .. }
            | P::Header { parameter_data, .. }
            | P::Path { parameter_data, .. }
            | P::Cookie { parameter_data, .. },
        ) = parameter
            && let openapiv3::ParameterSchemaOrContent::Schema(schema) = &mut parameter_data.format
        {
            walk(schema, f);
        }
    }

    if let Some(components) = &mut spec.components {
        components.schemas.values_mut().for_each(|s| walk(s, f));
        components
            .parameters
            .values_mut()
            .for_each(|p| walk_parameter(p, f));
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                walk_content(&mut body.content, f);
            }
        }
        for response in components.responses.values_mut() {
            if let ReferenceOr::Item(response) = response {
                walk_content(&mut response.content, f);
            }
        }
    }
    for (_, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        item.parameters
            .iter_mut()
            .for_each(|p| walk_parameter(p, f));
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for op in operations.into_iter().flatten() {
            op.parameters.iter_mut().for_each(|p| walk_parameter(p, f));
            if let Some(ReferenceOr::Item(body)) = &mut op.request_body {
                walk_content(&mut body.content, f);
            }
            for (_, response) in op.responses.responses.iter_mut() {
                if let ReferenceOr::Item(response) = response {
                    walk_content(&mut response.content, f);
                }
            }
        }
    }
}

/// What the runtime needs to know of every operation (including those left out of the generated client):
/// whether it is idempotent (GET/HEAD/PUT/DELETE/OPTIONS, or `x-idempotent: true`) and which security schemes
/// it requires.
fn operation_table(spec: &OpenAPI) -> String {
    let mut out = String::from(
        "// Generated by build.rs from the spec: every operation, its idempotency and its security schemes.\n\
         pub(crate) static OPERATIONS: &[crate::runtime::OperationMeta] = &[\n",
    );
    for (path, method, op) in spec.operations() {
        let id = op
            .operation_id
            .as_deref()
            .expect("every operation has an operationId (cargo xtask check)");
        let marked = op
            .extensions
            .get("x-idempotent")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let idempotent = marked || matches!(method, "get" | "head" | "put" | "delete" | "options");
        let success: Vec<String> = op
            .responses
            .responses
            .keys()
            .flat_map(|status| match status {
                openapiv3::StatusCode::Code(code @ 200..=299) => *code..=*code,
                openapiv3::StatusCode::Range(2) => 200..=299,
                #[allow(clippy::reversed_empty_ranges)]
                _ => 1..=0,
            })
            .map(|code| code.to_string())
            .collect();
        let security = op.security.as_ref().or(spec.security.as_ref());
        let schemes: Vec<String> = security
            .and_then(|alternatives| alternatives.first())
            .map(|requirement| requirement.keys().map(|k| format!("{k:?}")).collect())
            .unwrap_or_default();
        writeln!(
            out,
            "    crate::runtime::OperationMeta {{ id: {id:?}, method: {:?}, path: {path:?}, success: &[{}], idempotent: {idempotent}, security: &[{}] }},",
            snake_case(id),
            success.join(", "),
            schemes.join(", ")
        )
        .unwrap();
    }
    out.push_str("];\n");
    out
}

/// The name progenitor gives an operation's method (and reports in `OperationInfo::operation_id`).
fn snake_case(id: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = id.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' || c == '.' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// A `match` from component schema name to a serde round trip through the generated type, for the tests that
/// check every example of the spec against the generated code.
fn schema_table(spec: &OpenAPI) -> String {
    let mut out = String::from(
        "// Generated by build.rs: component schema name -> serde round trip through its generated type.\n\
         /// Deserializes `value` into the generated type of schema `name` and serializes it back.\n\
         /// `None` when the spec has no component of that name.\n\
         #[allow(dead_code)]\n\
         pub fn roundtrip(name: &str, value: ::serde_json::Value) -> Option<Result<::serde_json::Value, String>> {\n\
         \x20   fn through<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(value: ::serde_json::Value) -> Result<::serde_json::Value, String> {\n\
         \x20       let typed: T = ::serde_json::from_value(value).map_err(|e| e.to_string())?;\n\
         \x20       ::serde_json::to_value(&typed).map_err(|e| e.to_string())\n\
         \x20   }\n\
         \x20   Some(match name {\n",
    );
    let names = spec.components.iter().flat_map(|c| c.schemas.keys());
    for name in names {
        let valid_ident = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if valid_ident {
            writeln!(out, "        {name:?} => through::<types::{name}>(value),").unwrap();
        }
    }
    out.push_str("        _ => return None,\n    })\n}\n");
    out
}
