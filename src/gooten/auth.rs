//! Gooten credentials: the recipe id on every request, the partner billing key where the spec asks for it.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use crate::{
    Secret,
    error::{Error, Result},
    runtime::{Auth, OperationMeta},
};

/// The spec's security scheme names (`components/securitySchemes` of `spec/gooten.yaml`).
const RECIPE_ID_SCHEME: &str = "recipeid";
const BILLING_KEY_SCHEME: &str = "partnerBillingKey";

/// The operations that take the billing key in their body (`Payment.PartnerBillingKey`) instead of the query:
/// submitting an order and asking for partner prices.
const BODY_KEY_OPERATIONS: &[&str] = &["submitOrder", "getPartnerPrices"];

/// The operations whose spec `security` offers the billing key as an optional second alternative (partner
/// pricing): the key is sent when the client has one, and the call works without it. The operation table only
/// lists the first (required) alternative, so this list is kept here; a unit test compares it with the spec.
const PARTNER_PRICING: &[&str] = &["getProductVariants", "getProducts", "getShippingPrices"];

pub(super) struct GootenAuth {
    pub recipe_id: Secret,
    pub billing_key: Option<Secret>,
}

impl Auth for GootenAuth {
    fn add(&self, request: &mut reqwest::Request, op: &OperationMeta) -> Result<()> {
        let needs_key = op.security.contains(&BILLING_KEY_SCHEME);
        if needs_key && self.billing_key.is_none() {
            return Err(Error::configuration(format!(
                "{} needs the partner billing key: set it with ClientBuilder::with_billing_key",
                op.id
            )));
        }
        {
            // query_pairs_mut URL-encodes, as the documents ask for the billing key.
            let mut query = request.url_mut().query_pairs_mut();
            if op.security.contains(&RECIPE_ID_SCHEME) {
                query.append_pair(RECIPE_ID_SCHEME, self.recipe_id.expose());
            }
            let wants_key = needs_key || PARTNER_PRICING.contains(&op.id);
            if let (true, Some(key)) = (wants_key, &self.billing_key) {
                query.append_pair(BILLING_KEY_SCHEME, key.expose());
            }
        }
        if BODY_KEY_OPERATIONS.contains(&op.id)
            && let Some(key) = &self.billing_key
        {
            fill_body_billing_key(request, key)?;
        }
        Ok(())
    }
}

/// Sets `Payment.PartnerBillingKey` in a submitted order (or a partner-price request) when the caller left it
/// empty, so the key never has to live in the caller's (Debug-printable) value.
///
/// Every other value is kept as its raw JSON text: a `serde_json::Value` would turn the order's amounts into
/// `f64`s and could change their digits.
fn fill_body_billing_key(request: &mut reqwest::Request, key: &Secret) -> Result<()> {
    type Object = BTreeMap<String, Box<RawValue>>;
    let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else {
        return Ok(());
    };
    let mut order: Object = match serde_json::from_slice(bytes) {
        Ok(order) => order,
        // JSON, but not an object: nothing to fill.
        Err(e) if e.is_data() => return Ok(()),
        Err(e) => {
            return Err(Error::invalid_request("the order body is not JSON").with_source(e));
        }
    };
    let mut payment: Object = match order.get("Payment") {
        None => Object::new(),
        Some(raw) => match serde_json::from_str(raw.get()) {
            Ok(payment) => payment,
            Err(_) => return Ok(()),
        },
    };
    let empty = payment
        .get("PartnerBillingKey")
        .is_none_or(|raw| serde_json::from_str::<String>(raw.get()).map_or(true, |k| k.is_empty()));
    if empty {
        let encode = |e| Error::invalid_request("cannot encode the order").with_source(e);
        let key = serde_json::value::to_raw_value(key.expose()).map_err(encode)?;
        payment.insert("PartnerBillingKey".into(), key);
        let payment = serde_json::value::to_raw_value(&payment).map_err(encode)?;
        order.insert("Payment".into(), payment);
        let body = serde_json::to_vec(&order).map_err(encode)?;
        *request.body_mut() = Some(body.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::PARTNER_PRICING;

    /// The partner-pricing operations must stay those whose spec `security` has a later alternative with
    /// `partnerBillingKey`.
    #[test]
    fn partner_pricing_operations_match_the_spec() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/gooten.yaml"))
                .unwrap();
        let spec: serde_json::Value = serde_norway::from_str(&text).unwrap();
        let mut theirs = Vec::new();
        for item in spec["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                let Some(alternatives) = op.get("security").and_then(|s| s.as_array()) else {
                    continue;
                };
                if alternatives
                    .iter()
                    .skip(1)
                    .any(|a| a.get("partnerBillingKey").is_some())
                {
                    theirs.push(op["operationId"].as_str().unwrap());
                }
            }
        }
        theirs.sort_unstable();
        assert_eq!(theirs, PARTNER_PRICING);
    }
}
