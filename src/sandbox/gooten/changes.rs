//! The Gooten fake's order changes: shipping address, shipping method, item cancellation, the billing breakdown
//! of an order, and partner prices (`spec/gooten.yaml`: updateShippingAddress, updateShippingMethod,
//! cancelOrderItems, getOrderBilling, getPartnerPrices).
//!
//! Changes address an order by its numeric `GootenId` (`orderId`), as Gooten's update pages do, and are allowed
//! only while the order's items are in the statuses Gooten's pages list for each change; otherwise the change is
//! refused with Gooten's error envelope (HTTP 400). A change is stored: `getOrder` returns the new address, and a
//! cancelled item stays `Cancelled` (cancelling it again changes nothing, so a retried PUT is harmless).

use axum::{
    Router,
    body::Bytes,
    extract::{RawQuery, State},
    http::StatusCode,
    response::Response,
    routing::{get, post, put},
};
use rust_decimal::Decimal;
use serde_json::Value;

use super::{
    GState, GootenState, Inner, PARTNER_BILLING_KEY, SHIP_TO_REQUIRED, StoredOrder, authorize,
    body,
    catalog::{Catalog, CurrencyInfo},
    catalog_item, country_failure, currency_code, empty_message, envelope, failure, get_ci,
    invalid, invalid_one, is_blank, not_found, not_valid, resolve_offer, ship_to_address,
    status::{is_cancelled, status_name},
    typed,
};
use crate::gooten::types as t;
use crate::sandbox::http::{Answer, Query, Refusal, json, lock};

/// Statuses in which the shipping address or method may change (Gooten's page "Orders: update shipping address
/// and method for orders"; both spellings of ReadyForImageDI/Dl, since the spec's enum has both).
const ADDRESS_OR_METHOD_STATUSES: &[&str] = &[
    "New",
    "Hold",
    "Pending",
    "ReadyForAccounting",
    "ReadyForImageDI",
    "ReadyForImageDl",
    "NeedsCustomization",
    "NeedsManualApproval",
    "AccountingIssue",
    "AddressIssue",
    "PaymentIssue",
    "ImageIssue",
    "HoldByCIImageIssue",
];

/// Statuses in which an item may be cancelled (Gooten's page "Orders: cancel an order item in your order").
const CANCEL_STATUSES: &[&str] = &[
    "New",
    "Hold",
    "Pending",
    "ReadyForAccounting",
    "ReadyForImageDI",
    "ReadyForImageDl",
    "NeedsManualApproval",
    "NeedsPersonalization",
    "AccountingIssue",
    "AddressIssue",
    "ImageIssue",
    "HoldByCIImageIssue",
];

/// How many items one cancellation may name (the glama.ai MCP listing: 1 to 100; the spec's `maxItems`).
const MAX_CANCEL_IDS: usize = 100;

/// What the sandbox charges a partner: 70% of the customer price. Uncertain: Gooten publishes no ratio.
const PARTNER_SHARE: Decimal = Decimal::from_parts(70, 0, 0, false, 2);

/// Adds the routes of this file under one prefix (`path` builds `{prefix}/{name}`). Paths are lower-case: the
/// server lower-cases Gooten paths before routing, as Gooten's router ignores their case.
pub(super) fn routes(
    router: Router<std::sync::Arc<GootenState>>,
    path: &impl Fn(&str) -> String,
) -> Router<std::sync::Arc<GootenState>> {
    router
        .route(&path("shippingaddress"), put(update_shipping_address))
        .route(&path("shippingmethod"), put(update_shipping_method))
        .route(&path("ordercancel"), put(cancel_order_items))
        .route(&path("orderbilling"), get(get_order_billing))
        .route(&path("price"), post(get_partner_prices))
}

/// `{"HadError": false}`.
fn changed() -> Response {
    json(
        StatusCode::OK,
        &t::OrderChangeResponse {
            had_error: Some(false),
        },
    )
}

/// The numeric order id of an update call (`orderId`, any case of the name).
fn order_id(query: &Query, name: &str) -> Result<i64, Refusal> {
    match typed(query, name) {
        None | Some("") => Err(invalid_one(
            name,
            empty_message("OrderId"),
            Some(Value::String(String::new())),
        )),
        Some(raw) => raw.parse().map_err(|_| not_valid(name, raw)),
    }
}

/// The stored order with this GootenId, or Gooten's not-found envelope.
fn by_gooten_id<'a>(
    inner: &'a mut Inner,
    name: &str,
    id: i64,
) -> Result<&'a mut StoredOrder, Refusal> {
    inner.by_gooten_id_mut(id).ok_or_else(|| {
        not_found(
            name,
            format!("No order was found with the Id '{id}'."),
            &id.to_string(),
        )
    })
}

/// Refuses an order-level change (`what`) unless every item that is not cancelled is in one of `allowed`.
fn check_order_status(
    order: &StoredOrder,
    allowed: &[&str],
    property: &str,
    what: &str,
) -> Result<(), Refusal> {
    let active: Vec<_> = order
        .details
        .items
        .iter()
        .filter(|i| !is_cancelled(i))
        .collect();
    let blocking = if active.is_empty() {
        Some("Cancelled".to_string())
    } else {
        active
            .iter()
            .map(|i| status_name(i))
            .find(|s| !allowed.contains(&s.as_str()))
    };
    match blocking {
        None => Ok(()),
        Some(status) => Err(invalid_one(
            property,
            format!("You cannot {what} of an order in the status '{status}'."),
            order.details.gooten_id.map(Value::from),
        )),
    }
}

/// Required fields of a JSON object body that are missing or empty, as `{root}.{Name}` failures.
fn missing(value: &Value, root: &str, required: &[&str]) -> Vec<t::ValidationFailure> {
    if !value.is_object() {
        return vec![failure(
            root,
            format!("'{root}' should not be empty."),
            None,
        )];
    }
    required
        .iter()
        .filter(|name| is_blank(get_ci(value, name)))
        .map(|name| {
            failure(
                &format!("{root}.{name}"),
                empty_message(name),
                Some(Value::Null),
            )
        })
        .collect()
}

/// A JSON object body read as `T` once its required fields are there: a missing one is answered with Gooten's
/// `{root}.{Name}` failures, as the service does, rather than with a decode error.
fn required_body<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    root: &str,
    required: &[&str],
) -> Result<T, Refusal> {
    let errors = missing(&json_body(bytes, root)?, root, required);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    body(bytes, root)
}

fn json_body(bytes: &[u8], root: &str) -> Result<Value, Refusal> {
    serde_json::from_slice(bytes).map_err(|e| {
        invalid_one(
            root,
            format!("The request body could not be read as {root}: {e}"),
            None,
        )
    })
}

async fn update_shipping_address(
    State(state): GState,
    RawQuery(q): RawQuery,
    bytes: Bytes,
) -> Answer {
    let query = authorize(q, "updateShippingAddress")?;
    let id = order_id(&query, "orderId")?;
    let address: t::ShipToAddress = required_body(&bytes, "ShippingAddress", SHIP_TO_REQUIRED)?;
    if let Some(failure) = country_failure("ShippingAddress.CountryCode", &address.country_code) {
        return Err(invalid(vec![failure]));
    }
    let mut inner = lock(&state.inner);
    let order = by_gooten_id(&mut inner, "orderId", id)?;
    check_order_status(
        order,
        ADDRESS_OR_METHOD_STATUSES,
        "orderId",
        "change the shipping address",
    )?;
    order.details.shipping_address = Some(ship_to_address(&address));
    Ok(changed())
}

async fn update_shipping_method(
    State(state): GState,
    RawQuery(q): RawQuery,
    bytes: Bytes,
) -> Answer {
    let query = authorize(q, "updateShippingMethod")?;
    let id = order_id(&query, "orderId")?;
    let change: t::ShippingMethodChange = required_body(
        &bytes,
        "ShippingMethodChange",
        &["OrderItemIds", "NewShippingMethod"],
    )?;
    let mut inner = lock(&state.inner);
    let order = by_gooten_id(&mut inner, "orderId", id)?;
    let country = order
        .details
        .shipping_address
        .as_ref()
        .and_then(|a| a.country_code.clone())
        .unwrap_or_default();
    let mut errors = Vec::new();
    for (i, item_id) in change.order_item_ids.iter().enumerate() {
        let property = format!("OrderItemIds[{i}]");
        let Some(item) = order
            .details
            .items
            .iter()
            .find(|item| item.order_item_id == Some(*item_id))
        else {
            errors.push(not_an_item(&property, *item_id, id));
            continue;
        };
        let status = status_name(item);
        if !ADDRESS_OR_METHOD_STATUSES.contains(&status.as_str()) {
            errors.push(failure(
                &property,
                format!(
                    "You cannot change the shipping method of an item in the status '{status}'."
                ),
                Some((*item_id).into()),
            ));
            continue;
        }
        let product = item
            .sku
            .as_deref()
            .and_then(|sku| Catalog::get().variant(sku))
            .map(|(product, _)| product);
        if let Some(product) = product
            && let Err(e) = resolve_offer(
                product,
                &country,
                None,
                Some(change.new_shipping_method),
                "NewShippingMethod",
            )
        {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(changed())
    } else {
        Err(invalid(errors))
    }
}

fn not_an_item(property: &str, item_id: i64, order_id: i64) -> t::ValidationFailure {
    failure(
        property,
        format!("'{item_id}' is not an item of order '{order_id}'."),
        Some(item_id.into()),
    )
}

async fn cancel_order_items(State(state): GState, RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    let query = authorize(q, "cancelOrderItems")?;
    let id = order_id(&query, "orderId")?;
    let request: t::CancelItemsRequest = required_body(&bytes, "CancelItems", &["Ids"])?;
    if request.ids.len() > MAX_CANCEL_IDS {
        return Err(invalid_one(
            "CancelItems.Ids",
            format!(
                "'Ids' must contain at most {MAX_CANCEL_IDS} items. You entered {}.",
                request.ids.len()
            ),
            None,
        ));
    }
    let mut inner = lock(&state.inner);
    let order = by_gooten_id(&mut inner, "orderId", id)?;
    let mut errors = Vec::new();
    for (i, item_id) in request.ids.iter().enumerate() {
        let property = format!("CancelItems.Ids[{i}]");
        match order
            .details
            .items
            .iter()
            .find(|item| item.order_item_id == Some(*item_id))
        {
            None => errors.push(not_an_item(&property, *item_id, id)),
            Some(item) if is_cancelled(item) => {}
            Some(item) => {
                let status = status_name(item);
                if !CANCEL_STATUSES.contains(&status.as_str()) {
                    errors.push(failure(
                        &property,
                        format!("You cannot cancel an item in the status '{status}'."),
                        Some((*item_id).into()),
                    ));
                }
            }
        }
    }
    if !errors.is_empty() {
        // Nothing is cancelled when one id is refused.
        return Err(invalid(errors));
    }
    for item in &mut order.details.items {
        if item.order_item_id.is_some_and(|i| request.ids.contains(&i)) {
            item.status = Some(t::OrderItemStatus::Cancelled.into());
        }
    }
    // The order total covers the items still to be made.
    let currency = order_currency(&order.details);
    let total = order
        .details
        .items
        .iter()
        .filter(|i| !is_cancelled(i))
        .map(item_cost)
        .sum();
    order.details.total = Some(currency.amount(total));
    Ok(changed())
}

/// What an item costs after any discount, in the order's currency.
fn item_cost(item: &t::OrderDetailsItem) -> Decimal {
    item.discount_amount
        .as_ref()
        .or(item.price.as_ref())
        .and_then(|p| p.price)
        .unwrap_or_default()
        .get()
}

fn order_currency(order: &t::OrderDetails) -> &'static CurrencyInfo {
    let catalog = Catalog::get();
    order
        .total
        .as_ref()
        .and_then(|p| p.currency_code.as_deref())
        .and_then(|code| catalog.currency(code))
        .unwrap_or(catalog.usd())
}

async fn get_order_billing(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getOrderBilling")?;
    let id = order_id(&query, "orderid")?;
    let target = query
        .get_ci("currency")
        .map(|code| currency_code(Some(code), "currency"))
        .transpose()?;
    let mut inner = lock(&state.inner);
    let order = by_gooten_id(&mut inner, "orderid", id)?;
    let from = order_currency(&order.details);
    let to = target.unwrap_or(from);
    let convert = |amount: Decimal| to.amount(amount / from.per_usd * to.per_usd);
    let items: Vec<_> = order
        .details
        .items
        .iter()
        .filter(|i| !is_cancelled(i))
        .collect();
    let subtotal: Decimal = items.iter().map(|i| item_cost(i)).sum();
    let discounts: Decimal = items
        .iter()
        .map(|i| {
            i.price
                .as_ref()
                .and_then(|p| p.price)
                .unwrap_or_default()
                .get()
                - item_cost(i)
        })
        .sum();
    let shipping = if items.is_empty() {
        Decimal::ZERO
    } else {
        order
            .details
            .shipping_total
            .as_ref()
            .and_then(|p| p.price)
            .unwrap_or_default()
            .get()
    };
    let billing = t::OrderBilling {
        order_subtotal: Some(convert(subtotal)),
        shipping_total: Some(convert(shipping)),
        discounts: (discounts > Decimal::ZERO).then(|| convert(discounts)),
        order_total: Some(convert(subtotal + shipping)),
        items: items
            .iter()
            .map(|item| t::OrderBillingItem {
                order_item_id: item.order_item_id,
                sku: item.sku.clone(),
                quantity: item.quantity,
                product_cost: Some(convert(item_cost(item))),
                shipping_cost: None,
            })
            .collect(),
        ..Default::default()
    };
    Ok(json(
        StatusCode::OK,
        &t::OrderBillingResponse {
            had_error: Some(false),
            result: Some(billing),
        },
    ))
}

async fn get_partner_prices(RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "getPartnerPrices")?;
    const ROOT: &str = "PartnerPriceRequest";
    let raw = json_body(&bytes, ROOT)?;
    let mut errors = missing(&raw, ROOT, &["ShipToAddress", "Items", "Payment"]);
    if let Some(Value::Array(items)) = get_ci(&raw, "Items") {
        for (i, item) in items.iter().enumerate() {
            errors.extend(missing(
                item,
                &format!("{ROOT}.Items[{i}]"),
                &["SKU", "Quantity", "ShipType"],
            ));
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let request: t::PartnerPriceRequest = body(&bytes, ROOT)?;
    // The key is never echoed back (no AttemptedValue): it is a secret.
    let key = request.payment.partner_billing_key.trim();
    if key != PARTNER_BILLING_KEY {
        let message = if key.is_empty() {
            empty_message("PartnerBillingKey")
        } else {
            "Invalid PartnerBillingKey.".to_string()
        };
        return Err(envelope(
            StatusCode::FORBIDDEN,
            vec![failure(
                &format!("{ROOT}.Payment.PartnerBillingKey"),
                message,
                None,
            )],
        )
        .into());
    }
    let currency = currency_code(
        request.payment.currency_code.as_deref(),
        &format!("{ROOT}.Payment.CurrencyCode"),
    )?;
    let country = request.ship_to_address.country_code.as_str();
    let catalog = Catalog::get();
    let mut errors: Vec<_> = country_failure(&format!("{ROOT}.ShipToAddress.CountryCode"), country)
        .into_iter()
        .collect();
    let mut prices = Vec::new();
    for (i, item) in request.items.iter().enumerate() {
        let property = format!("{ROOT}.Items[{i}]");
        let Some((product, variant)) =
            catalog_item(catalog, &property, &item.sku, item.quantity, &mut errors)
        else {
            continue;
        };
        if errors.is_empty()
            && let Err(e) = resolve_offer(product, country, None, Some(item.ship_type), &property)
        {
            errors.push(e);
        }
        let customer = currency.convert(variant.price_usd) * Decimal::from(item.quantity.max(1));
        prices.push(t::PartnerItemPrice {
            sku: Some(variant.sku.into()),
            partner_price: Some(currency.amount(customer * PARTNER_SHARE)),
            customer_price: Some(currency.amount(customer)),
        });
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    Ok(json(
        StatusCode::OK,
        &t::PartnerPriceResponse {
            items_price: Some(t::PartnerItemsPrice { items: prices }),
            had_error: Some(false),
        },
    ))
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;

    use super::*;

    /// The `(PropertyName, ErrorMessage)` pairs of a refused body's 400 answer.
    async fn failures(refusal: Refusal) -> Vec<(String, String)> {
        let response = refusal.into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let answer: t::Error = serde_json::from_slice(&body).unwrap();
        assert_eq!(answer.had_error, Some(true));
        answer
            .errors
            .into_iter()
            .map(|f| (f.property_name.unwrap(), f.error_message.unwrap()))
            .collect()
    }

    #[tokio::test]
    async fn a_body_with_its_required_fields_decodes_and_one_without_is_refused_by_name() {
        let required = &["OrderItemIds", "NewShippingMethod"];
        let change: t::ShippingMethodChange = required_body(
            br#"{"orderitemids": [7], "NewShippingMethod": "expedited"}"#,
            "ShippingMethodChange",
            required,
        )
        .unwrap();
        assert_eq!(change.order_item_ids, [7]);

        let refused = required_body::<t::ShippingMethodChange>(
            br#"{"OrderItemIds": [7], "NewShippingMethod": ""}"#,
            "ShippingMethodChange",
            required,
        );
        assert_eq!(
            failures(refused.err().unwrap()).await,
            [(
                "ShippingMethodChange.NewShippingMethod".to_string(),
                "'New Shipping Method' should not be empty.".to_string()
            )]
        );

        // Not an object, and not JSON at all: refused as a whole, never decoded.
        let refused = required_body::<t::CancelItemsRequest>(b"[1, 2]", "CancelItems", &["Ids"]);
        assert_eq!(
            failures(refused.err().unwrap()).await,
            [(
                "CancelItems".to_string(),
                "'CancelItems' should not be empty.".to_string()
            )]
        );
        let refused = required_body::<t::CancelItemsRequest>(b"{", "CancelItems", &["Ids"]);
        let failures = failures(refused.err().unwrap()).await;
        assert_eq!(failures[0].0, "CancelItems");
        assert!(
            failures[0]
                .1
                .starts_with("The request body could not be read as CancelItems")
        );
    }
}
