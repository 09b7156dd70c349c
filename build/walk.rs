//! The one schema walker of the build: every inline schema of a document, depth first, children before their
//! parent. The normalizing passes (`build/normalize.rs`, `build/rust_only.rs`) are closures over it.

use openapiv3::{
    AdditionalProperties, Content, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr,
    Schema, SchemaKind, Type,
};

/// Calls `f` on every inline schema of the document (components, parameters, bodies, responses), depth first.
pub fn visit_schemas(spec: &mut OpenAPI, f: &mut dyn FnMut(&mut Schema)) {
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

/// Calls `f` on every inline schema of the component schemas only, depth first.
pub fn visit_component_schemas(spec: &mut OpenAPI, f: &mut dyn FnMut(&mut Schema)) {
    if let Some(components) = &mut spec.components {
        components.schemas.values_mut().for_each(|s| walk(s, f));
    }
}

/// Calls `f` on every reference among the direct children of `schema` (properties, additional properties,
/// items, and the members of a composition).
pub fn child_references(schema: &mut Schema, f: &mut dyn FnMut(&mut String)) {
    fn one<T>(node: &mut ReferenceOr<T>, f: &mut dyn FnMut(&mut String)) {
        if let ReferenceOr::Reference { reference } = node {
            f(reference);
        }
    }
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values_mut().for_each(|p| one(p, f));
            if let Some(AdditionalProperties::Schema(extra)) = &mut object.additional_properties {
                one(extra, f);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &mut array.items {
                one(items, f);
            }
        }
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => list.iter_mut().for_each(|s| one(s, f)),
        SchemaKind::Any(any) => {
            any.properties.values_mut().for_each(|p| one(p, f));
            if let Some(items) = &mut any.items {
                one(items, f);
            }
        }
        SchemaKind::Not { .. } | SchemaKind::Type(_) => {}
    }
}

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
            if let Some(AdditionalProperties::Schema(extra)) = &mut object.additional_properties {
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

fn walk_content(content: &mut Content, f: &mut dyn FnMut(&mut Schema)) {
    for media in content.values_mut() {
        if let Some(schema) = &mut media.schema {
            walk(schema, f);
        }
    }
}

fn walk_parameter(parameter: &mut ReferenceOr<Parameter>, f: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. },
    ) = parameter
        && let ParameterSchemaOrContent::Schema(schema) = &mut parameter_data.format
    {
        walk(schema, f);
    }
}
