//! Our own rules for the specs: the conventions of `spec/README.md` that the linters (Redocly,
//! Spectral) do not check, or check only in part. Each module is one concern.

mod bodies;
mod constraints;
mod document;
mod error_schema;
mod examples;
mod operations;
mod references;
mod security;

use serde_json::Value;

use crate::spec::{Finding, Location, Spec, ref_of};

/// The findings of the rules on one spec.
#[derive(Default)]
pub struct Findings(Vec<Finding>);

/// What the rules looked at, for the summary line.
pub struct Checked {
    pub operations: usize,
    pub schemas: usize,
    pub examples: usize,
}

impl Findings {
    /// Records a problem at `location`.
    pub fn push(&mut self, location: &Location, message: impl Into<String>) {
        self.0.push(Finding {
            location: location.clone(),
            message: message.into(),
        });
    }
}

/// Runs every rule on `spec`; the findings come sorted by location.
pub fn check(spec: &Spec) -> (Vec<Finding>, Checked) {
    let mut findings = Findings::default();
    document::check(spec, &mut findings);
    operations::check(spec, &mut findings);
    security::check(spec, &mut findings);
    references::check(spec, &mut findings);
    error_schema::check(spec, &mut findings);
    bodies::check(spec, &mut findings);
    constraints::check(spec, &mut findings);
    let examples = examples::check(spec, &mut findings);
    let checked = Checked {
        operations: spec.operations().len(),
        schemas: spec.components("schemas").count(),
        examples,
    };
    let mut findings = findings.0;
    findings.sort_by(|a, b| (&a.location, &a.message).cmp(&(&b.location, &b.message)));
    (findings, checked)
}

/// True for a success status (`200`, `2XX`).
fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// True for an error status: 4xx, 5xx or `default`.
fn is_error(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5') || status == "default"
}

/// What a Media Type Object's body is, to compare bodies: the `$ref` of its schema, or a
/// description of what it has instead.
fn body_shape(media: &Value) -> String {
    match media.get("schema") {
        Some(schema) => ref_of(schema).map_or_else(|| "an inline schema".to_owned(), str::to_owned),
        None => "no schema".to_owned(),
    }
}

#[cfg(test)]
pub mod fixture {
    //! A tiny spec that follows every rule, for the rule tests to break one rule at a time.

    use serde_json::Value;

    use crate::spec::Spec;

    const VALID: &str = r##"
openapi: 3.0.3
info:
  title: Test API
  version: '1'
  description: A tiny API.
  contact: {name: Test}
  license: {name: MIT}
security:
  - apiKey: []
tags:
  - name: Orders
    description: Orders.
paths:
  /orders:
    post:
      operationId: createOrder
      summary: Create an order
      description: Creates an order.
      tags: [Orders]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Order'}
            example: {id: 1}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
              examples:
                created: {$ref: '#/components/examples/Created'}
        '400': {$ref: '#/components/responses/Error'}
  /orders/{id}:
    parameters:
      - $ref: '#/components/parameters/Id'
    get:
      operationId: getOrder
      summary: Get an order
      description: Returns an order.
      tags: [Orders]
      responses:
        '200':
          description: The order.
          headers:
            ETag: {$ref: '#/components/headers/ETag'}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
        '404': {$ref: '#/components/responses/Error'}
        default: {$ref: '#/components/responses/Error'}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: query, name: key}
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: integer}, example: 7}
  headers:
    ETag: {schema: {type: string}, example: '"abc"'}
  examples:
    Created: {value: {id: 2, note: null}}
  responses:
    Error:
      description: An error.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
          example: {message: Bad}
  schemas:
    Order:
      type: object
      required: [id]
      properties:
        id: {type: integer, example: 1}
        note: {type: string, nullable: true}
      example: {id: 3}
    Error:
      type: object
      properties:
        message: {type: string}
"##;

    /// The valid spec as JSON, to be broken by a test.
    pub fn valid() -> Value {
        Spec::parse(VALID).expect("the fixture is YAML").doc
    }

    /// The member at JSON pointer `pointer`, which must exist.
    pub fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
        doc.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("the fixture has {pointer}"))
    }

    /// Every finding of every rule on `doc`, as `location: message` lines.
    pub fn findings(doc: Value) -> Vec<String> {
        let (findings, _) = super::check(&Spec { doc });
        findings
            .iter()
            .map(|f| format!("{}: {}", f.location, f.message))
            .collect()
    }

    /// Asserts that the findings on `doc` are exactly `expected`.
    #[track_caller]
    pub fn assert_findings(doc: Value, expected: &[&str]) {
        assert_eq!(findings(doc), expected);
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::{findings, valid};
    use crate::spec::Spec;

    #[test]
    fn the_fixture_follows_every_rule() {
        assert_eq!(findings(valid()), Vec::<String>::new());
    }

    #[test]
    fn the_summary_counts_operations_schemas_and_examples() {
        let (_, checked) = super::check(&Spec { doc: valid() });
        assert_eq!(checked.operations, 2);
        assert_eq!(checked.schemas, 2);
        // Media: createOrder request, its 201 `examples.created`, the Error response; schemas:
        // Order and Order.id; parameters: Id; headers: ETag.
        assert_eq!(checked.examples, 7);
    }
}
