//! Changes to a placed order (shipping address, shipping method, item cancellation, status), its billing
//! breakdown, and partner prices.
//!
//! Gooten's update calls address an order by its numeric `GootenId` and its items by their `OrderItemId`; both
//! are on the order [`Client::get_order`] returns. Each change is allowed only while the order (or the item) has
//! not gone to production; Gooten refuses it otherwise with its error envelope, which surfaces as an
//! [`Error`](crate::Error) of kind [`ErrorKind::Validation`] whose [`field_errors`](crate::Error::field_errors)
//! carry Gooten's message. The changes are PUTs (idempotent), so the client retries them like reads.

use crate::{
    Provider,
    error::{Error, ErrorKind, Result},
};

use super::{Client, types};

/// How many items one cancellation may name (the spec's `maxItems`).
const MAX_CANCEL_IDS: usize = 100;

impl Client {
    /// Replaces the shipping address of the order whose `GootenId` is `gooten_id` (see
    /// [`types::OrderDetails::gooten_id`]). Needs the partner billing key.
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::gooten::Client, address: fulfillment_apis::gooten::types::ShipToAddress)
    /// # -> fulfillment_apis::Result<()> {
    /// let order = client.get_order("7-8c3e1f2a-4b5d-4e6f-8a9b-0c1d2e3f4a5b").await?;
    /// if let Some(gooten_id) = order.gooten_id {
    ///     client.update_shipping_address(gooten_id, address).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn update_shipping_address(
        &self,
        gooten_id: i64,
        address: types::ShipToAddress,
    ) -> Result<()> {
        self.api()
            .update_shipping_address()
            .order_id(gooten_id)
            .body(address)
            .await
            .map(drop)
    }

    /// Ships the items `item_ids` (their `OrderItemId`s) of the order `gooten_id` with `method`. Needs the
    /// partner billing key. The request body is a guess (see the spec's `updateShippingMethod`).
    pub async fn update_shipping_method(
        &self,
        gooten_id: i64,
        item_ids: impl IntoIterator<Item = i64>,
        method: types::ShipType,
    ) -> Result<()> {
        let item_ids = item_ids_between(item_ids, "updateShippingMethod", usize::MAX)?;
        self.api()
            .update_shipping_method()
            .order_id(gooten_id)
            .body(types::ShippingMethodChange {
                order_item_ids: item_ids,
                new_shipping_method: method,
            })
            .await
            .map(drop)
    }

    /// Cancels the items `item_ids` (their `OrderItemId`s, 1 to 100) of the order `gooten_id`. An item that is
    /// already cancelled stays so. Needs the partner billing key.
    ///
    /// No id, or more than 100, is refused with [`ErrorKind::InvalidRequest`] before anything is sent.
    pub async fn cancel_items(
        &self,
        gooten_id: i64,
        item_ids: impl IntoIterator<Item = i64>,
    ) -> Result<()> {
        let ids = item_ids_between(item_ids, "cancelOrderItems", MAX_CANCEL_IDS)?;
        self.api()
            .cancel_order_items()
            .order_id(gooten_id)
            .body(types::CancelItemsRequest { ids })
            .await
            .map(drop)
    }

    /// Sets the status of the order with this Safe Id (Cancelled, New, Test or Hold). Needs the partner billing
    /// key. Not retried: a POST.
    pub async fn set_status(
        &self,
        safe_id: &str,
        status: types::SetOrderStatusOrderStatusName,
    ) -> Result<()> {
        if safe_id.trim().is_empty() {
            return Err(Error::invalid_request("the order id is empty")
                .with_provider(Provider::Gooten)
                .with_operation("setOrderStatus"));
        }
        self.api()
            .set_order_status()
            .id(safe_id)
            .order_status_name(status)
            .await
            .map(drop)
    }

    /// What Gooten bills you for the order `gooten_id`: item costs, subtotal, shipping, discounts and total, in
    /// `currency` (a three-letter code) or the order's own currency. Needs the partner billing key.
    pub async fn order_billing(
        &self,
        gooten_id: i64,
        currency: Option<&str>,
    ) -> Result<types::OrderBilling> {
        let mut call = self.api().get_order_billing().orderid(gooten_id);
        if let Some(currency) = currency {
            call = call.currency(currency);
        }
        let answer = call.await?;
        answer.result.ok_or_else(|| {
            Error::new(ErrorKind::Decode)
                .with_provider(Provider::Gooten)
                .with_operation("getOrderBilling")
                .with_message("Gooten answered without the billing Result")
        })
    }

    /// The partner price (what Gooten charges you) and the customer price of each item of a potential order.
    /// A quote, retried like a read. `Payment.PartnerBillingKey` may be left empty: the client's billing key is
    /// filled in; without either the call is refused with [`ErrorKind::Configuration`] before anything is sent.
    pub async fn partner_prices(
        &self,
        request: types::PartnerPriceRequest,
    ) -> Result<types::PartnerPriceResponse> {
        if request.payment.partner_billing_key.trim().is_empty() && !self.has_billing_key() {
            return Err(Error::configuration(
                "getPartnerPrices needs the partner billing key: set it with ClientBuilder::with_billing_key",
            )
            .with_provider(Provider::Gooten)
            .with_operation("getPartnerPrices"));
        }
        self.api().get_partner_prices().body(request).await
    }
}

/// The item ids as a list of 1 to `max` entries, or an [`ErrorKind::InvalidRequest`] naming `operation`.
fn item_ids_between(
    ids: impl IntoIterator<Item = i64>,
    operation: &'static str,
    max: usize,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    let problem = if ids.is_empty() {
        "no order item id given".to_string()
    } else if ids.len() > max {
        format!(
            "{} order item ids given; at most {max} are allowed",
            ids.len()
        )
    } else {
        return Ok(ids);
    };
    Err(Error::invalid_request(problem)
        .with_provider(Provider::Gooten)
        .with_operation(operation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_are_one_to_max() {
        assert_eq!(item_ids_between([1, 2], "x", 2).unwrap(), vec![1, 2]);
        for bad in [vec![], vec![1, 2, 3]] {
            let error = item_ids_between(bad, "cancelOrderItems", 2).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            assert_eq!(error.operation(), Some("cancelOrderItems"));
        }
    }
}
