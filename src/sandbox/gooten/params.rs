//! The Gooten fake's request reading: the recipe id and partner billing key, and the query and body
//! parameters typed and checked as the spec declares them.

use super::*;

/// The operations whose `security` in the spec includes `partnerBillingKey` (in the query string); a unit test
/// compares this list with `spec/gooten.yaml`. `submitOrder` takes the key in its body instead.
pub(super) const BILLING_KEY_OPERATIONS: &[&str] = &[
    "cancelOrderItems",
    "customizeOrder",
    "getOrderBilling",
    "searchOrders",
    "setOrderStatus",
    "updateShippingAddress",
    "updateShippingMethod",
];

/// Checks the credentials `operation` (its operationId) needs: the recipe id always, the billing key where the
/// spec asks for it.
pub(super) fn authorize(raw_query: Option<String>, operation: &str) -> Result<Query, Refusal> {
    let query = Query::parse(raw_query.as_deref());
    if query.get_ci("recipeid") != Some(RECIPE_ID) {
        let body = t::Error {
            message: Some(
                "Authorization has been denied for this request. Invalid recipeId.".into(),
            ),
            ..Default::default()
        };
        return Err(json(StatusCode::UNAUTHORIZED, &body).into());
    }
    if BILLING_KEY_OPERATIONS.contains(&operation) {
        // The key is never echoed back (no AttemptedValue): it is a secret.
        let message = match query.get_ci("partnerbillingkey") {
            Some(key) if key == PARTNER_BILLING_KEY => return Ok(query),
            None | Some("") => "'Partner Billing Key' should not be empty.",
            Some(_) => "Invalid partnerBillingKey. Check it and URL-encode it in the query string.",
        };
        return Err(envelope(
            StatusCode::FORBIDDEN,
            vec![failure("partnerBillingKey", message, None)],
        )
        .into());
    }
    Ok(query)
}

/// A required query parameter (non-empty).
pub(super) fn required<'q>(query: &'q Query, name: &str) -> Result<&'q str, Refusal> {
    match query.get_ci(name).map(str::trim) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(invalid_one(
            name,
            empty_message(&upper_first(name)),
            Some(Value::String(String::new())),
        )),
    }
}

pub(super) fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// A required code query parameter (a country or currency code): present, non-empty and matching the spec's
/// `pattern` (`len` letters) as sent, untrimmed — `"US "` is not two letters.
pub(super) fn code_param<'q>(query: &'q Query, name: &str, len: usize) -> Result<&'q str, Refusal> {
    required(query, name)?;
    let raw = query.get_ci(name).unwrap_or_default();
    match code_format(name, raw, len) {
        None => Ok(raw),
        Some(failure) => Err(invalid(vec![failure])),
    }
}

pub(super) fn ship_to_country(query: &Query) -> Result<&str, Refusal> {
    let country = code_param(query, "countryCode", 2)?;
    match country_failure("countryCode", country) {
        None => Ok(country),
        Some(failure) => Err(invalid(vec![failure])),
    }
}

/// The spec's `pattern` of a country code (`^[A-Za-z]{2}$`) or a currency code (`^[A-Za-z]{3}$`), with the
/// wording of Gooten's validator (FluentValidation's exact-length message).
pub(super) fn code_format(property: &str, code: &str, len: usize) -> Option<t::ValidationFailure> {
    if code.len() == len && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let name = property.rsplit('.').next().unwrap_or(property);
    Some(failure(
        property,
        format!(
            "'{}' must be {len} letters in length. You entered {} characters.",
            display_name(&upper_first(name)),
            code.chars().count()
        ),
        Some(code.into()),
    ))
}

/// A ship-to country: two letters (the spec's pattern), and one Gooten ships to.
pub(super) fn country_failure(property: &str, country: &str) -> Option<t::ValidationFailure> {
    code_format(property, country, 2).or_else(|| {
        (!Catalog::get().ships_to(country)).then(|| {
            failure(
                property,
                format!("'{country}' is not a country Gooten ships to."),
                Some(country.into()),
            )
        })
    })
}

pub(super) fn currency_param(query: &Query) -> Result<&'static CurrencyInfo, Refusal> {
    currency_code(query.get_ci("currencyCode"), "currencyCode")
}

pub(super) fn currency_code(
    code: Option<&str>,
    property: &str,
) -> Result<&'static CurrencyInfo, Refusal> {
    let catalog = Catalog::get();
    // Absent: USD. Present, the spec's pattern applies as sent: an empty or padded code is refused.
    match code {
        None => Ok(catalog.usd()),
        Some(code) if code_format(property, code, 3).is_some() => Err(invalid(
            code_format(property, code, 3).into_iter().collect(),
        )),
        Some(code) => catalog.currency(code).ok_or_else(|| {
            invalid_one(
                property,
                format!("'{code}' is not a supported currency."),
                Some(code.into()),
            )
        }),
    }
}

/// A typed (not `type: string`) query parameter: present with an empty value is not absent, since an empty string
/// is no boolean, integer or date (the spec does not allow empty values).
pub(super) fn typed<'q>(query: &'q Query, name: &str) -> Option<&'q str> {
    query.get_ci(name).map(str::trim)
}

/// A `type: boolean` query parameter: `true` or `false` in any case (absent: false); anything else is refused, as
/// the server's model binding refuses a value it cannot convert.
pub(super) fn flag(query: &Query, name: &str) -> Result<bool, Refusal> {
    match typed(query, name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(raw) => Err(not_valid(name, raw)),
    }
}

/// A `type: integer, format: int32` query parameter (absent: `None`); a value that is not an int32 is refused.
pub(super) fn int32_param(query: &Query, name: &str) -> Result<Option<i32>, Refusal> {
    match typed(query, name) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| not_valid(name, raw)),
    }
}

/// ASP.NET's wording for a query value its model binding cannot convert.
pub(super) fn not_valid(name: &str, raw: &str) -> Refusal {
    invalid_one(
        name,
        format!("The value '{raw}' is not valid for {}.", upper_first(name)),
        Some(raw.into()),
    )
}

/// Parses a JSON body into a generated type as the real service (ASP.NET) binds it: property names and enum
/// values in any case, numbers and booleans also as strings; a failure is a 400 envelope naming `root`.
pub(super) fn body<T: serde::de::DeserializeOwned>(bytes: &[u8], root: &str) -> Result<T, Refusal> {
    serde_json::from_slice(bytes)
        .and_then(|value| from_value_aspnet(&value))
        .map_err(|e| {
            invalid_one(
                root,
                format!("The request body could not be read as {root}: {e}"),
                None,
            )
        })
}
