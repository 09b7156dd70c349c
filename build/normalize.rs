//! The normalizing pass: what progenitor 0.15 cannot take, changed in the Rust generator's copy of the spec only
//! (see the documentation of `build.rs`). Every schema-level step is a closure over `walk::visit_schemas`.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use crate::walk::{child_references, visit_component_schemas, visit_schemas};

const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";

/// Media types, multipart operations, decimals and validation keywords: see the module documentation.
pub fn normalize(spec: &mut OpenAPI) {
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

/// The component standing for "`name` or any value it does not list", replaced by `crate::OpenEnum<name>`.
pub fn open_name(name: &str) -> String {
    format!("{name}Open")
}

/// Enums marked `x-open-enum: true` (statuses: providers add values). Every property or array item of a
/// component schema that refers to one is pointed at a stand-in component, which the generator replaces by
/// `crate::OpenEnum<..>`, so an unknown value decodes instead of failing the whole answer. The enum itself stays
/// a closed type for building requests and matching.
pub fn open_enums(spec: &mut OpenAPI) -> Vec<String> {
    let Some(components) = &spec.components else {
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
        visit_component_schemas(spec, &mut |schema| {
            child_references(schema, &mut |reference| {
                if *reference == from {
                    *reference = to.clone();
                }
            })
        });
        let stand_in = Schema {
            schema_data: Default::default(),
            schema_kind: SchemaKind::Any(Default::default()),
        };
        if let Some(components) = &mut spec.components {
            components
                .schemas
                .insert(open_name(name), ReferenceOr::Item(stand_in));
        }
    }
    open
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
