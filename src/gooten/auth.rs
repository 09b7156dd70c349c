//! Gooten credentials: the recipe id on every request, the partner billing key where the spec asks for it.

use crate::{
    Secret,
    error::{Error, Result},
    runtime::{Auth, BoxFuture, OperationMeta},
};

/// The spec's security scheme names (`components/securitySchemes` of `spec/gooten.yaml`).
const RECIPE_ID_SCHEME: &str = "recipeid";
const BILLING_KEY_SCHEME: &str = "partnerBillingKey";

/// The operation that takes the billing key in its body (`Payment.PartnerBillingKey`) instead of the query.
const SUBMIT_ORDER: &str = "submitOrder";

pub(super) struct GootenAuth {
    pub recipe_id: Secret,
    pub billing_key: Option<Secret>,
}

impl Auth for GootenAuth {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        op: &'a OperationMeta,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
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
                if let (true, Some(key)) = (needs_key, &self.billing_key) {
                    query.append_pair(BILLING_KEY_SCHEME, key.expose());
                }
            }
            if op.id == SUBMIT_ORDER
                && let Some(key) = &self.billing_key
            {
                fill_body_billing_key(request, key)?;
            }
            Ok(())
        })
    }
}

/// Sets `Payment.PartnerBillingKey` in a submitted order when the caller left it empty, so the key never has
/// to live in the caller's (Debug-printable) order value.
fn fill_body_billing_key(request: &mut reqwest::Request, key: &Secret) -> Result<()> {
    let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else {
        return Ok(());
    };
    let mut order: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::invalid_request("the order body is not JSON").with_source(e))?;
    let Some(root) = order.as_object_mut() else {
        return Ok(());
    };
    let payment = root
        .entry("Payment")
        .or_insert_with(|| serde_json::json!({}));
    let Some(payment) = payment.as_object_mut() else {
        return Ok(());
    };
    let empty = payment
        .get("PartnerBillingKey")
        .and_then(|v| v.as_str())
        .is_none_or(str::is_empty);
    if empty {
        payment.insert("PartnerBillingKey".into(), key.expose().into());
        let body = serde_json::to_vec(&order)
            .map_err(|e| Error::invalid_request("cannot encode the order").with_source(e))?;
        *request.body_mut() = Some(body.into());
    }
    Ok(())
}
