//! Constraints as keywords: a field the documents constrain (a two-letter country code, a three-letter currency
//! code, a quantity of at least one) carries the constraint as a schema keyword, not only in prose.
//!
//! Data-driven: a field is recognised by its property or parameter name (exactly as spelled), so another
//! provider's field is one more row of [`CONSTRAINTS`] (Bootic's `units` and Rewix's dates are).

use serde_json::Value;

use super::Findings;
use crate::spec::{Location, Spec, ref_of};

/// What a constrained field's schema must state.
#[derive(Clone, Copy)]
enum Keyword {
    /// A `pattern`, or `minLength` = `maxLength` = the length.
    Length(u64),
    /// `minimum` of at least this.
    Minimum(i64),
    /// A `pattern` (a format the documents spell out, such as Rewix's `yyyy/MM/dd HH:mm:ss Z` dates).
    Pattern,
}

/// One kind of constrained field: its names and the keyword it needs.
struct Constraint {
    what: &'static str,
    names: &'static [&'static str],
    keyword: Keyword,
    /// `(component schema, field)` pairs where a field of that name is something else, with the evidence.
    exempt: &'static [(&'static str, &'static str, &'static str)],
}

const CONSTRAINTS: &[Constraint] = &[
    Constraint {
        what: "a country code",
        names: &["CountryCode", "countryCode", "ShipToCountry"],
        keyword: Keyword::Length(2),
        exempt: &[],
    },
    Constraint {
        what: "a currency code",
        names: &["CurrencyCode", "currencyCode"],
        keyword: Keyword::Length(3),
        exempt: &[],
    },
    Constraint {
        what: "a quantity",
        names: &["Quantity", "units"],
        keyword: Keyword::Minimum(1),
        exempt: &[(
            "Order",
            "units",
            "Bootic's order-level `units` is a total over line items, 0 for an empty cart in recorded answers \
             (bootic/bootic-api-client-js test/response.json)",
        )],
    },
    Constraint {
        what: "a Rewix date (`yyyy/MM/dd HH:mm:ss Z`)",
        names: &["date", "last_update"],
        keyword: Keyword::Pattern,
        exempt: &[],
    },
];

/// Every property (of any schema, at any depth) and every parameter named in [`CONSTRAINTS`] states its
/// constraint as a keyword. Enums need none: they list the allowed values.
pub fn check(spec: &Spec, findings: &mut Findings) {
    walk(spec, &spec.doc, &Location::root(), findings);
}

fn walk(spec: &Spec, node: &Value, location: &Location, findings: &mut Findings) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for (name, schema) in properties {
                    check_field(
                        spec,
                        name,
                        schema,
                        &location.child("properties").child(name),
                        findings,
                    );
                }
            }
            let is_parameter = map.get("in").is_some_and(Value::is_string);
            if let (true, Some(Value::String(name)), Some(schema)) =
                (is_parameter, map.get("name"), map.get("schema"))
            {
                check_field(spec, name, schema, &location.child("schema"), findings);
            }
            for (key, value) in map {
                // Examples are data, not schemas.
                if key != "example" && key != "examples" {
                    walk(spec, value, &location.child(key), findings);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(spec, item, &location.child(i), findings);
            }
        }
        _ => {}
    }
}

fn check_field(
    spec: &Spec,
    name: &str,
    schema: &Value,
    location: &Location,
    findings: &mut Findings,
) {
    let Some(constraint) = CONSTRAINTS.iter().find(|c| c.names.contains(&name)) else {
        return;
    };
    let at = location.to_string();
    if constraint.exempt.iter().any(|(schema, field, _)| {
        *field == name && at.contains(&format!("schemas.{schema}.properties.{field}"))
    }) {
        return;
    }
    let schema = ref_of(schema)
        .and_then(|r| spec.lookup(r))
        .unwrap_or(schema);
    if schema.get("enum").is_some() || satisfied(schema, constraint.keyword) {
        return;
    }
    let needs = match constraint.keyword {
        Keyword::Length(n) => format!("`pattern` or `minLength`/`maxLength` {n}"),
        Keyword::Minimum(n) => format!("`minimum: {n}`"),
        Keyword::Pattern => "`pattern`".to_string(),
    };
    findings.push(
        location,
        format!(
            "{name} is {} but its schema has no {needs}",
            constraint.what
        ),
    );
}

fn satisfied(schema: &Value, keyword: Keyword) -> bool {
    match keyword {
        Keyword::Length(n) => {
            schema.get("pattern").is_some_and(Value::is_string)
                || (schema.get("minLength").and_then(Value::as_u64) == Some(n)
                    && schema.get("maxLength").and_then(Value::as_u64) == Some(n))
        }
        Keyword::Minimum(n) => schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| m >= n as f64),
        Keyword::Pattern => schema.get("pattern").is_some_and(Value::is_string),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::fixture::{assert_findings, at, valid};

    #[test]
    fn constrained_fields_need_their_keyword() {
        let mut doc = valid();
        let properties = &mut at(&mut doc, "/components/schemas/Order")["properties"];
        properties["CountryCode"] = json!({"type": "string"});
        properties["CurrencyCode"] = json!({"type": "string", "minLength": 3});
        properties["Quantity"] = json!({"type": "integer", "minimum": 0});
        // Exempt: an order's `units` is a total (see CONSTRAINTS); a line's is not.
        properties["units"] = json!({"type": "integer", "minimum": 0});
        properties["date"] = json!({"type": "string"});
        at(&mut doc, "/components/schemas/Error")["properties"]["units"] =
            json!({"type": "integer"});
        assert_findings(
            doc,
            &[
                "components.schemas.Error.properties.units: units is a quantity but its schema has no `minimum: 1`",
                "components.schemas.Order.properties.CountryCode: CountryCode is a country code but its schema has no `pattern` or `minLength`/`maxLength` 2",
                "components.schemas.Order.properties.CurrencyCode: CurrencyCode is a currency code but its schema has no `pattern` or `minLength`/`maxLength` 3",
                "components.schemas.Order.properties.Quantity: Quantity is a quantity but its schema has no `minimum: 1`",
                "components.schemas.Order.properties.date: date is a Rewix date (`yyyy/MM/dd HH:mm:ss Z`) but its schema has no `pattern`",
            ],
        );
    }

    #[test]
    fn keywords_enums_and_examples_satisfy_or_escape_the_rule() {
        let mut doc = valid();
        let properties = &mut at(&mut doc, "/components/schemas/Order")["properties"];
        properties["CountryCode"] = json!({"type": "string", "pattern": "^[A-Z]{2}$"});
        properties["CurrencyCode"] = json!({"type": "string", "minLength": 3, "maxLength": 3});
        properties["Quantity"] = json!({"type": "integer", "minimum": 1});
        properties["ShipToCountry"] = json!({"type": "string", "enum": ["US", "CA"]});
        at(&mut doc, "/components/schemas/Order")["example"] =
            json!({"id": 3, "properties": {"Quantity": {"type": "integer"}}});
        assert_findings(doc, &[]);
    }

    #[test]
    fn parameters_are_checked_by_name() {
        let mut doc = valid();
        at(&mut doc, "/components/parameters")["Country"] = json!({"name": "countryCode", "in": "query", "schema": {"type": "string"}, "example": "US"});
        at(&mut doc, "/paths/~1orders~1{id}/get")["parameters"] =
            json!([{"$ref": "#/components/parameters/Country"}]);
        assert_findings(
            doc,
            &[
                "components.parameters.Country.schema: countryCode is a country code but its schema has no `pattern` or `minLength`/`maxLength` 2",
            ],
        );
    }
}
