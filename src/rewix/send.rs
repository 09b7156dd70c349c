//! Exactly-once order sending, and the report of quantities Rewix silently capped.
//!
//! Rewix has no idempotency key and does not refuse a second order with the same `key`, but it can list the
//! orders sent with a key (`getOrdersByClientKey`). So after a failure that may have reached Rewix (a
//! timeout, a dropped connection, a 5xx), the client looks the key up before sending again: if the order is
//! there, it is returned (outcome [`SendOutcome::AlreadyExisted`]); if the lookup says "not there" (404 or an
//! empty list) the order is sent again, within the client's [`RetryPolicy`](crate::RetryPolicy); if the
//! lookup itself fails, the original error is returned with
//! [`Error::outcome_unknown`](crate::Error::outcome_unknown) set, and nothing is sent again.
//!
//! Rewix adds at most the available quantity of each model, silently. [`SentOrder::short_items`] lists the
//! models whose quantity in the answer is below what was asked while no stock is left. Uncertain: the
//! document calls the answer's `models` "the models remaining in your reservation"; its example shows an
//! ordered model with `locked` equal to the ordered quantity, so `locked` is read as what the order got.
//! Models the answer does not mention are listed in [`SentOrder::unreported_items`].

use std::collections::BTreeMap;

use tracing::Instrument;

use crate::{
    error::{ErrorKind, Result},
    exactly_once::{self, Resolved},
};

use super::{Client, DropshippingOrder, types};

/// The order status of the virtual order that holds the reservation (5003 DROPSHIPPER GROWING): never an
/// order sent with a key.
const DROPSHIPPER_GROWING: i32 = 5003;

/// How an order send ended: the crate's one [`Outcome`](crate::Outcome).
pub type SendOutcome = crate::Outcome;

/// A model Rewix added in a smaller quantity than asked (it adds at most the available quantity, with no
/// error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ShortItem {
    /// The model id.
    pub stock_id: i64,
    /// The quantity asked for (items of the same model added together).
    pub requested: u64,
    /// The quantity Rewix reported for the model (`locked`).
    pub granted: u64,
    /// The quantity Rewix reported as still available.
    pub available: i64,
}

/// An order Rewix has accepted.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct SentOrder {
    /// Your platform's order id (the order's `key`).
    pub key: String,
    /// The Rewix order id, when Rewix gave one (the answer's `order_id`, or the `order_id` of the order found
    /// by key). `None` for a missing or 0 id (the document's JSON example shows 0).
    pub order_id: Option<i64>,
    /// Whether this call created the order or found it.
    pub outcome: SendOutcome,
    /// How many times the order was sent.
    pub attempts: u32,
    /// Models that got less than asked. From [`Client::reserve_and_send`], every model the reservation could
    /// not lock in full (the reservation's answer is documented); from the order's answer too, read as
    /// described in the module docs (uncertain). Always empty for [`SendOutcome::AlreadyExisted`] with
    /// [`Client::send_order`] (the lost answer held the quantities).
    pub short_items: Vec<ShortItem>,
    /// Requested models the answer does not mention, so nothing can be said of their quantity. Uncertain:
    /// the document describes the answer's `models` only as "the models remaining in your reservation".
    pub unreported_items: Vec<i64>,
    /// The answer's `models` (empty for [`SendOutcome::AlreadyExisted`]).
    pub models: Vec<types::ReservedModel>,
    /// The status of the order, when it was found by key: always for [`SendOutcome::AlreadyExisted`], and for
    /// an order Rewix accepted with an answer that could not be read.
    pub status: Option<types::ClientOrder>,
}

impl SentOrder {
    /// Whether every model was reported in full: no short item and no unreported one.
    pub fn is_complete(&self) -> bool {
        self.short_items.is_empty() && self.unreported_items.is_empty()
    }

    fn created(
        order: &DropshippingOrder,
        response: types::DropshippingOrderResponse,
        attempts: u32,
    ) -> SentOrder {
        let (short_items, unreported_items) =
            shortfalls(&order.requested_quantities(), &response.models);
        if !short_items.is_empty() {
            // Counts only: stock ids are not personal, but the event need not list them.
            tracing::warn!(
                short = short_items.len(),
                "Rewix added less than asked for some models"
            );
        }
        SentOrder {
            key: order.key().to_string(),
            order_id: response.order_id.filter(|id| *id > 0),
            outcome: crate::Outcome::Created,
            attempts,
            short_items,
            unreported_items,
            models: response.models,
            status: None,
        }
    }

    /// This call created the order, but the answer could not be read: the order was found by key, and the
    /// quantities are unknown.
    fn unreadable_answer(
        order: &DropshippingOrder,
        found: types::ClientOrder,
        attempts: u32,
    ) -> SentOrder {
        SentOrder {
            key: order.key().to_string(),
            order_id: Some(found.order_id).filter(|id| *id > 0),
            outcome: crate::Outcome::Created,
            attempts,
            short_items: Vec::new(),
            unreported_items: order.requested_quantities().into_keys().collect(),
            models: Vec::new(),
            status: Some(found),
        }
    }

    fn existing(order: &DropshippingOrder, found: types::ClientOrder, attempts: u32) -> SentOrder {
        tracing::info!(attempts, "order already existed; not sent again");
        SentOrder {
            key: order.key().to_string(),
            order_id: Some(found.order_id).filter(|id| *id > 0),
            outcome: crate::Outcome::AlreadyExisted,
            attempts,
            short_items: Vec::new(),
            unreported_items: Vec::new(),
            models: Vec::new(),
            status: Some(found),
        }
    }
}

/// Compares the asked quantities with the answer's models: a model reported with `locked` below the asked
/// quantity and nothing left `available` is short; a model not reported is listed apart.
///
/// Uncertain: the document calls the answer's `models` "the models remaining in your reservation", and its
/// example shows an ordered model with `locked` equal to the ordered quantity; `locked` is read here as what
/// the order got of the model. Rewix caps only when the stock runs out, so a model still `available` was
/// not capped whatever `locked` means; that check keeps the other reading (units of the reservation left
/// over after the order) from reporting a full model as short.
pub(super) fn shortfalls(
    requested: &BTreeMap<i64, u64>,
    models: &[types::ReservedModel],
) -> (Vec<ShortItem>, Vec<i64>) {
    let mut short = Vec::new();
    let mut unreported = Vec::new();
    for (&stock_id, &wanted) in requested {
        match models.iter().find(|m| m.stock_id == stock_id) {
            Some(model) => {
                let granted = u64::try_from(model.locked).unwrap_or(0);
                if granted < wanted && model.available <= 0 {
                    short.push(ShortItem {
                        stock_id,
                        requested: wanted,
                        granted,
                        available: i64::from(model.available),
                    });
                }
            }
            None => unreported.push(stock_id),
        }
    }
    (short, unreported)
}

impl Client {
    /// Sends a dropshipping order, exactly once (see the module docs of [`rewix`](super)).
    ///
    /// Failures that surely did not reach Rewix (connection refused, a 429 with `Retry-After`) are retried;
    /// failures that may have reached it are resolved by looking the order up by its key first. Validation
    /// errors (Rewix's 429 or 412 with a text message) are returned at once.
    ///
    /// The order is sent with the quantities Rewix has available; to be sure of them, use
    /// [`Client::reserve_and_send`]. Either way, check [`SentOrder::short_items`].
    ///
    /// If this returns an error with [`Error::outcome_unknown`](crate::Error::outcome_unknown), the order may
    /// exist: send it again with [`Client::send_order_if_new`], which looks the key up first (a new
    /// `send_order` call sends at once, without a lookup).
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::rewix::Client, order: fulfillment_apis::rewix::DropshippingOrder)
    /// # -> fulfillment_apis::Result<()> {
    /// let sent = client.send_order(&order).await?;
    /// for short in &sent.short_items {
    ///     println!("model {} : {} of {}", short.stock_id, short.granted, short.requested);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send_order(&self, order: &DropshippingOrder) -> Result<SentOrder> {
        self.send_keyed(order, false).await
    }

    /// [`Client::send_order`] for an order that an earlier call may have sent already: looks its key up
    /// first, and sends it only when Rewix has no order with that key (outcome
    /// [`SendOutcome::AlreadyExisted`] with `attempts == 0` when it has). Use it to send again after a
    /// restart, or after an error with [`Error::outcome_unknown`](crate::Error::outcome_unknown): Rewix does
    /// not refuse a second order with the same key, so a plain `send_order` would create one. It costs one
    /// lookup more. Two calls with the same key *at the same time* can still both find nothing and both send:
    /// send each key from one place at a time.
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::rewix::Client, order: fulfillment_apis::rewix::DropshippingOrder)
    /// # -> fulfillment_apis::Result<()> {
    /// let sent = client.send_order_if_new(&order).await?;
    /// if sent.outcome == fulfillment_apis::rewix::SendOutcome::AlreadyExisted {
    ///     println!("order {} was already there: {:?}", sent.key, sent.order_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send_order_if_new(&self, order: &DropshippingOrder) -> Result<SentOrder> {
        self.send_keyed(order, true).await
    }

    /// [`Client::send_order`] and [`Client::send_order_if_new`]: the order's request, in one span.
    async fn send_keyed(
        &self,
        order: &DropshippingOrder,
        look_up_first: bool,
    ) -> Result<SentOrder> {
        let request = order.to_request()?;
        let span = tracing::info_span!(
            "fulfillment_apis.rewix.send_order",
            items = order.items().len(),
            look_up_first
        );
        self.send_exactly_once(order, request, look_up_first)
            .instrument(span)
            .await
    }

    /// The exactly-once engine (src/exactly_once.rs) with Rewix's parts: send the order; look it up by its
    /// key (Rewix does not refuse a second order with the same key, so the lookup is the only guard).
    pub(super) async fn send_exactly_once(
        &self,
        order: &DropshippingOrder,
        request: types::DropshippingOrderRequest,
        look_up_first: bool,
    ) -> Result<SentOrder> {
        // In the client's wire format (JSON or XML).
        let send = || self.post_order(&request);
        let look_up = Some(|| self.find_order(order.key()));
        let submission = exactly_once::Submission {
            send,
            look_up,
            look_up_first,
        };
        let resolved = exactly_once::submit(&self.retry, submission).await?;
        Ok(match resolved {
            Resolved::Created { answer, attempts } => SentOrder::created(order, answer, attempts),
            // Rewix answered 2xx, so this call created the order; only the answer was unreadable.
            Resolved::Found {
                found,
                attempts,
                accepted: true,
            } => SentOrder::unreadable_answer(order, found, attempts),
            Resolved::Found {
                found, attempts, ..
            } => SentOrder::existing(order, found, attempts),
        })
    }

    /// The order sent with `key`, if Rewix has one: `None` when the lookup answers 404 or lists no such
    /// order. The reservation's virtual order (status 5003) is never returned.
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::rewix::Client) -> fulfillment_apis::Result<()> {
    /// if let Some(order) = client.find_order("2357").await? {
    ///     println!("order {} status {:?}", order.order_id, order.status.known().map(|code| **code));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn find_order(&self, key: &str) -> Result<Option<types::ClientOrder>> {
        let orders = self.orders_by_key(key).await?;
        Ok(orders.into_iter().find(|order| {
            order
                .status
                .known()
                .is_none_or(|status| **status != DROPSHIPPER_GROWING)
                && order
                    .ext_ref
                    .as_deref()
                    .is_none_or(|r| r.trim() == key.trim())
        }))
    }

    /// Every order sent with `key` (status and tracking); empty when Rewix answers 404.
    pub async fn orders_by_key(&self, key: &str) -> Result<Vec<types::ClientOrder>> {
        if key.trim().is_empty() {
            return Err(crate::Error::invalid_request("the order key is empty")
                .with_provider(crate::Provider::Rewix)
                .with_operation("getOrdersByClientKey"));
        }
        match self.get_orders_by_key(key).await {
            Ok(list) => Ok(list.orders),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(Vec::new()),
            Err(error) => Err(error),
        }
    }

    /// The order with this Rewix order id (`getOrdersByServerKey`), or `None` when Rewix answers 404.
    pub async fn order(&self, order_id: i64) -> Result<Option<types::ClientOrder>> {
        match self.get_orders_by_id(order_id).await {
            Ok(list) => Ok(list.orders.into_iter().find(|o| o.order_id == order_id)),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(stock_id: i64, locked: i32, available: i32) -> types::ReservedModel {
        types::ReservedModel {
            stock_id,
            locked,
            available,
        }
    }

    #[test]
    fn models_below_the_asked_quantity_are_short_and_missing_ones_unreported() {
        let requested = BTreeMap::from([(1, 10), (2, 15), (3, 4), (4, 8)]);
        // Model 4: fewer locked than asked, but stock is left, so Rewix did not cap it.
        let (short, unreported) = shortfalls(
            &requested,
            &[model(1, 10, 5), model(2, 6, 0), model(4, 3, 12)],
        );
        assert_eq!(
            short,
            [ShortItem {
                stock_id: 2,
                requested: 15,
                granted: 6,
                available: 0
            }]
        );
        assert_eq!(unreported, [3]);
    }
}
