//! Exactly-once order submission and order lookup.
//!
//! An order must never be created twice because of a retry. Gooten offers one tool for that: an order's
//! `SourceId` with `IsPartnerSourceIdUnique=true` makes Gooten refuse a second order with the same SourceId,
//! and `GET orders?id=` finds an order by its SourceId. So:
//!
//! - with a SourceId, after a failure that may have reached Gooten (timeout, dropped connection, 5xx), the
//!   client looks the order up by SourceId before sending again, and returns the order that already exists;
//! - without a SourceId there is no way to tell, so such a failure is returned at once, with
//!   [`Error::outcome_unknown`](crate::Error::outcome_unknown) set: the order may exist.

use tracing::Instrument;

use crate::{
    Outcome,
    error::{Error, ErrorKind, Result},
    exactly_once::{self, Resolved},
};

use super::{Client, types};

/// How [`Client::submit_order`] ended: the crate's one [`Outcome`](crate::Outcome).
pub type SubmitOutcome = crate::Outcome;

/// An order Gooten has accepted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct SubmittedOrder {
    /// Gooten's Safe Id of the order.
    pub id: String,
    /// The order's SourceId, when it had one.
    pub source_id: Option<String>,
    /// Whether this call created it or found it.
    pub outcome: SubmitOutcome,
    /// How many times the order was sent.
    pub attempts: u32,
}

impl Client {
    /// Submits an order, exactly once.
    ///
    /// When `order.source_id` is set, `IsPartnerSourceIdUnique` is set too, and a submission whose answer was
    /// lost is resolved by looking the order up by its SourceId (see the module docs); failures that surely
    /// did not reach Gooten (connection refused, 429) are retried. `Payment.PartnerBillingKey` is filled from
    /// the client's billing key when left empty, so the key need not be in `order`.
    ///
    /// A SourceId that an *earlier call* already used is refused by Gooten with
    /// [`ErrorKind::Duplicate`]; look that order up with [`Client::get_order`].
    ///
    /// `order` is an [`OrderBuilder`](super::OrderBuilder) or the generated [`types::Order`].
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::gooten::Client, order: fulfillment_apis::gooten::OrderBuilder)
    /// # -> fulfillment_apis::Result<()> {
    /// let submitted = client.submit_order(order).await?;
    /// println!("order {} ({:?})", submitted.id, submitted.outcome);
    /// # Ok(()) }
    /// ```
    ///
    /// An item with neither or both of `ShipType` and `ShipCarrierMethodId` is refused with
    /// [`ErrorKind::InvalidRequest`] before anything is sent (the documents: "either one is required for each
    /// item", never both).
    pub async fn submit_order(&self, order: impl Into<types::Order>) -> Result<SubmittedOrder> {
        let mut order: types::Order = order.into();
        check_ship_choice(
            "submitOrder",
            order
                .items
                .iter()
                .map(|i| (i.ship_type.is_some(), i.ship_carrier_method_id.is_some())),
        )?;
        let source_id = order.source_id.clone().filter(|s| !s.trim().is_empty());
        if source_id.is_some() {
            order.is_partner_source_id_unique = Some(true);
        }
        let span = tracing::info_span!(
            "fulfillment_apis.gooten.submit_order",
            has_source_id = source_id.is_some()
        );
        self.submit_exactly_once(order, source_id)
            .instrument(span)
            .await
    }

    /// The exactly-once engine (src/exactly_once.rs) with Gooten's parts: send the order; look it up by
    /// SourceId (an order without one cannot be looked up).
    async fn submit_exactly_once(
        &self,
        order: types::Order,
        source_id: Option<String>,
    ) -> Result<SubmittedOrder> {
        let send = || async {
            let response = self.api().submit_order().body(order.clone()).await?;
            // Accepted, but without the Id: the order exists; the engine finds it rather than send it again.
            response.id.filter(|id| !id.is_empty()).ok_or_else(|| {
                Error::new(ErrorKind::Decode)
                    .with_provider(crate::Provider::Gooten)
                    .with_operation("submitOrder")
                    .with_status(http::StatusCode::OK)
                    .with_message("Gooten accepted the order but returned no Id")
                    .with_outcome_unknown(true)
            })
        };
        let look_up = source_id.as_deref().map(|source_id| {
            move || async move {
                match self.get_order(source_id).await {
                    Ok(found) => existing(found, source_id).map(Some).ok_or_else(|| {
                        Error::new(ErrorKind::Decode)
                            .with_provider(crate::Provider::Gooten)
                            .with_operation("getOrder")
                            .with_message(
                                "the order found by SourceId has no Id or another SourceId",
                            )
                    }),
                    Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
                    Err(error) => Err(error),
                }
            }
        });
        let resolved = exactly_once::submit(
            &self.retry,
            // Gooten refuses a second order with the same `SourceId` itself (`ErrorKind::Duplicate`).
            exactly_once::Submission {
                send,
                look_up,
                look_up_first: false,
            },
        )
        .await?;
        Ok(match resolved {
            Resolved::Created { answer, attempts } => SubmittedOrder {
                id: answer,
                source_id,
                outcome: Outcome::Created,
                attempts,
            },
            Resolved::Found {
                found,
                attempts,
                accepted,
            } => SubmittedOrder {
                id: found,
                source_id,
                outcome: if accepted {
                    Outcome::Created
                } else {
                    Outcome::AlreadyExisted
                },
                attempts,
            },
        })
    }

    /// Estimates the price of a potential order (items, shipping, tax, coupon savings). A partial address (only
    /// `CountryCode`) and no `Payment` are fine, as real checkouts send them.
    ///
    /// An item with neither or both of `ShipType` and `ShipCarrierMethodId` is refused with
    /// [`ErrorKind::InvalidRequest`] before anything is sent.
    pub async fn get_price_estimate(
        &self,
        request: types::PriceEstimateRequest,
    ) -> Result<types::PriceEstimateResponse> {
        check_ship_choice(
            "getPriceEstimate",
            request
                .items
                .iter()
                .map(|i| (i.ship_type.is_some(), i.ship_carrier_method_id.is_some())),
        )?;
        self.api().get_price_estimate().body(request).await
    }

    /// Gets an order by its Safe Id or by the SourceId it was submitted with.
    pub async fn get_order(&self, id: &str) -> Result<types::OrderDetails> {
        if id.trim().is_empty() {
            return Err(Error::invalid_request("the order id is empty")
                .with_provider(crate::Provider::Gooten));
        }
        self.api().get_order().id(id).await
    }
}

/// The Id of the order a SourceId lookup found, if the answer really is that order (an Id, and our SourceId
/// when the answer names one); `None` means the lookup cannot be trusted to say the order exists.
fn existing(order: types::OrderDetails, source_id: &str) -> Option<String> {
    let id = order.id.filter(|id| !id.is_empty())?;
    let other = order
        .source_id
        .as_deref()
        .is_some_and(|found| found != source_id);
    (!other).then_some(id)
}

/// Each item needs exactly one of `ShipType` and `ShipCarrierMethodId` (`(has_ship_type, has_method_id)` per item).
fn check_ship_choice(
    operation: &'static str,
    items: impl Iterator<Item = (bool, bool)>,
) -> Result<()> {
    for (i, choice) in items.enumerate() {
        let problem = match choice {
            (true, false) | (false, true) => continue,
            (false, false) => "has neither ShipType nor ShipCarrierMethodId (one is required)",
            (true, true) => "has both ShipType and ShipCarrierMethodId (give only one)",
        };
        return Err(Error::invalid_request(format!("item {i} {problem}"))
            .with_provider(crate::Provider::Gooten)
            .with_operation(operation));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_shipping_choice_per_item() {
        assert!(
            check_ship_choice("submitOrder", [(true, false), (false, true)].into_iter()).is_ok()
        );
        for bad in [(false, false), (true, true)] {
            let error = check_ship_choice("getPriceEstimate", [(true, false), bad].into_iter())
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidRequest);
            assert!(error.to_string().contains("item 1"), "{error}");
        }
    }
}
