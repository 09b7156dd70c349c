//! Order creation, lookup and updates, and the shops the token can reach.
//!
//! Bootic has no idempotency key and no way to find an order by a reference of ours, so an order creation is
//! sent **at most once** once it may have reached Bootic: after a timeout, a dropped connection or a 5xx
//! answer the error has [`Error::outcome_unknown`] set, and the order may exist. Only failures that surely
//! happened before Bootic saw the request (connection refused, 429) are retried.
//!
//! Amounts in the returned orders (`total`, `net_total`, `unit_price`, ...) are `i64` integers in the minor
//! unit of the order's `currency_code`, exactly as Bootic sends them; they are never converted to floats.

use tracing::Instrument;

use crate::{
    Provider,
    error::{Error, Result},
};

use super::{Client, types};

impl Client {
    /// The shops this client's token can access (`_embedded.shops` of the API root), with their ids.
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// for shop in client.shops().await? {
    ///     println!("{:?} {:?} ({:?})", shop.id, shop.subdomain, shop.currency_code);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn shops(&self) -> Result<Vec<types::Shop>> {
        let root = self.api().get_root().await?;
        Ok(root.embedded.map(|e| e.shops).unwrap_or_default())
    }

    /// Creates an order in the shop; it starts in the `checkout` status (see `spec/bootic.yaml`).
    ///
    /// **Sent at most once.** When the error has [`Error::outcome_unknown`] set (timeout, dropped connection,
    /// 5xx), Bootic may have created the order although no answer arrived: look for it (for example with
    /// [`Client::list_orders`]) before creating it again. Failures that surely reached nothing (connection
    /// refused, 429) are retried with the client's [`RetryPolicy`](crate::RetryPolicy). A refused body is an
    /// [`ErrorKind::Validation`](crate::ErrorKind::Validation) error with one field error per message.
    ///
    /// ```no_run
    /// use fulfillment_apis::bootic::types::{LineItemInput, OrderCreate};
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let order = OrderCreate {
    ///     line_items: vec![LineItemInput { variant_id: 1234, units: 3 }],
    ///     contact: None,
    ///     address: None,
    /// };
    /// match client.create_order(29, order).await {
    ///     Ok(created) => println!("order {} total {} (minor units)", created.code, created.total),
    ///     Err(err) if err.outcome_unknown() => eprintln!("the order may exist: check before retrying"),
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create_order(
        &self,
        shop_id: i64,
        order: types::OrderCreate,
    ) -> Result<types::Order> {
        let span = tracing::info_span!(
            "fulfillment_apis.bootic.create_order",
            shop_id,
            line_items = order.line_items.len()
        );
        self.create_at_most_once(shop_id, order)
            .instrument(span)
            .await
    }

    async fn create_at_most_once(
        &self,
        shop_id: i64,
        order: types::OrderCreate,
    ) -> Result<types::Order> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self
                .api()
                .create_order()
                .shop_id(shop_id)
                .body(order.clone())
                .await
            {
                Ok(created) => return Ok(created),
                Err(error) => error,
            };
            // The runtime sends a POST once; this loop adds retries only where Bootic surely saw nothing. With no
            // attempt at all (the token could not be had) there is nothing to resend: the token request was
            // already retried.
            let safe_to_resend =
                error.is_retryable() && !error.outcome_unknown() && error.attempts() > 0;
            if !safe_to_resend || attempt >= self.retry.max_attempts() {
                if error.outcome_unknown() {
                    tracing::warn!(attempt, kind = %error.kind(), "order creation outcome unknown; not sent again");
                }
                return Err(error.with_attempts(attempt));
            }
            let Some(delay) = self.retry.delay(attempt + 1, error.retry_after()) else {
                return Err(error.with_attempts(attempt));
            };
            tracing::warn!(attempt, kind = %error.kind(), delay_ms = delay.as_millis() as u64, "order not received; sending again");
            tokio::time::sleep(delay).await;
        }
    }

    /// Gets an order by its `code` (`R1C3964`), with its address, contact and line items.
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let order = client.get_order(29, "R1C3964").await?;
    /// println!("{:?}: {} {:?}", order.status, order.total, order.currency_code);
    /// # Ok(()) }
    /// ```
    pub async fn get_order(&self, shop_id: i64, code: &str) -> Result<types::Order> {
        let code = non_empty_code(code, "getOrder")?;
        self.api().get_order().shop_id(shop_id).code(code).await
    }

    /// Changes an order's line items, contact or address; Bootic allows it only while the order is in
    /// `checkout`. A PUT, so it is retried like any idempotent request.
    ///
    /// ```no_run
    /// use fulfillment_apis::bootic::types::{LineItemInput, OrderUpdate};
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let update = OrderUpdate {
    ///     line_items: vec![LineItemInput { variant_id: 1234, units: 1 }],
    ///     ..Default::default()
    /// };
    /// let order = client.update_order(29, "R1C3964", update).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_order(
        &self,
        shop_id: i64,
        code: &str,
        update: types::OrderUpdate,
    ) -> Result<types::Order> {
        let code = non_empty_code(code, "updateOrder")?;
        self.api()
            .update_order()
            .shop_id(shop_id)
            .code(code)
            .body(update)
            .await
    }

    /// Sets the status of several orders at once (ids are the orders' numeric `id`s). Orders whose status
    /// cannot make that transition come back in `invalid_items`, with their errors; check it. A POST, sent
    /// once (an error with [`Error::outcome_unknown`] means some orders may have changed).
    ///
    /// ```no_run
    /// use fulfillment_apis::bootic::types::OrdersUpdaterAdditionsStatus;
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let result = client.update_orders(29, [583085, 583086], OrdersUpdaterAdditionsStatus::Closed).await?;
    /// for refused in &result.embedded.invalid_items {
    ///     println!("{:?} not changed", refused.code);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn update_orders(
        &self,
        shop_id: i64,
        ids: impl IntoIterator<Item = i64>,
        status: types::OrdersUpdaterAdditionsStatus,
    ) -> Result<types::OrdersUpdaterResult> {
        let ids: Vec<i64> = ids.into_iter().collect();
        if ids.is_empty() {
            return Err(Error::invalid_request("no order id to update")
                .with_provider(Provider::Bootic)
                .with_operation("updateOrders"));
        }
        self.api()
            .update_orders()
            .shop_id(shop_id)
            .body(types::OrdersUpdater {
                ids,
                additions: types::OrdersUpdaterAdditions { status },
            })
            .await
    }
}

/// An order code must be non-empty: an empty one would address `/orders/`, which is not an order.
pub(super) fn non_empty_code(code: &str, operation: &'static str) -> Result<String> {
    let code = code.trim();
    if code.is_empty() {
        return Err(Error::invalid_request("the order code is empty")
            .with_provider(Provider::Bootic)
            .with_operation(operation));
    }
    Ok(code.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn create_order_is_not_idempotent_in_the_operation_table() {
        // The at-most-once promise rests on the runtime sending non-idempotent operations once.
        let op = super::super::operations::OPERATIONS
            .iter()
            .find(|op| op.id == "createOrder")
            .unwrap();
        assert!(!op.idempotent);
    }
}
