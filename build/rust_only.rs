//! Normalizing steps for the Rust generator only (the spec keeps the whole truth for other generators): HAL
//! `x`/`_x` property pairs and `explode: false` array query parameters.

use std::collections::BTreeSet;

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, SchemaKind, Type,
};

/// Turns `explode: false` array query parameters into strings (progenitor ignores
/// `explode: false` and would repeat the key). Merges `x` into `_x`, and reads `x-aliases`; returns the
/// `(kept, alias)` pairs.
pub fn normalize(spec: &mut OpenAPI) -> BTreeSet<(String, String)> {
    let mut aliases = BTreeSet::new();
    crate::walk::visit_schemas(spec, &mut |schema| {
        // `x-aliases: {kept: alias}` on an object: other spellings of a property the documents use.
        if let Some(serde_json::Value::Object(listed)) =
            schema.schema_data.extensions.get("x-aliases")
        {
            for (kept, alias) in listed {
                if let Some(alias) = alias.as_str() {
                    aliases.insert((kept.clone(), alias.to_string()));
                }
            }
        }
        if let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind {
            let doubled: Vec<String> = object
                .properties
                .keys()
                .filter(|k| !k.starts_with('_') && object.properties.contains_key(&format!("_{k}")))
                .cloned()
                .collect();
            for key in doubled {
                object.properties.shift_remove(&key);
                aliases.insert((format!("_{key}"), key));
            }
        }
    });
    for (_, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
        ];
        for op in operations.into_iter().flatten() {
            for parameter in &mut op.parameters {
                if let ReferenceOr::Item(Parameter::Query {
                    parameter_data,
                    style: QueryStyle::Form,
                    ..
                }) = parameter
                    && parameter_data.explode == Some(false)
                    && let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
                        &mut parameter_data.format
                    && matches!(schema.schema_kind, SchemaKind::Type(Type::Array(_)))
                {
                    schema.schema_kind = SchemaKind::Type(Type::String(Default::default()));
                }
            }
        }
    }
    aliases
}

/// Adds `alias = "x"` to every field renamed `_x` in the generated code.
pub fn add_aliases(mut code: String, aliases: &BTreeSet<(String, String)>) -> String {
    for (kept, alias) in aliases {
        code = code.replace(
            &format!("rename = \"{kept}\""),
            &format!("rename = \"{kept}\", alias = \"{alias}\""),
        );
    }
    code
}
