//! The reservation: lock and unlock quantities, and reserve-then-send as the provider recommends.
//!
//! Rewix adds at most the available quantity of a model to an order, silently, and advises reserving the
//! quantities first. [`Client::reserve_and_send`] does that: it locks the order's quantities, sends the
//! order (exactly once), and gives back what it locked when the send fails with a definite error.
//!
//! `lock` and `unlock` are relative, so a `reserveStock` call is never repeated by the runtime (it is not
//! idempotent); what a lock added is read from the reservation before and after it.

use std::collections::BTreeMap;

use tracing::Instrument;

use crate::error::Result;

use super::{Client, DropshippingOrder, OrderItem, SentOrder, ShortItem, types};

impl Client {
    /// The current reservation: every reserved model with its locked and still available quantity.
    pub async fn reservation(&self) -> Result<types::Reservation> {
        self.get_reservation().await
    }

    /// Asks Rewix to lock these quantities in addition to what is locked. Rewix locks at most what is
    /// available; the answer is the whole reservation after the change. Sent once.
    pub async fn lock_stock(&self, items: &[OrderItem]) -> Result<types::Reservation> {
        self.change_reservation(types::ReservationOperationType::Lock, &merge(items))
            .await
    }

    /// Frees these locked quantities. Sent once.
    pub async fn unlock_stock(&self, items: &[OrderItem]) -> Result<types::Reservation> {
        self.change_reservation(types::ReservationOperationType::Unlock, &merge(items))
            .await
    }

    async fn change_reservation(
        &self,
        kind: types::ReservationOperationType,
        quantities: &BTreeMap<i64, u64>,
    ) -> Result<types::Reservation> {
        let models = quantities
            .iter()
            .filter(|(_, quantity)| **quantity > 0)
            .map(|(stock_id, quantity)| types::ReservationOperationModel {
                stock_id: stock_id.to_string(),
                quantity: quantity.to_string(),
            })
            .collect();
        let body = types::ReservationRequest {
            operations: vec![types::ReservationOperation {
                type_: kind,
                models,
            }],
        };
        self.post_reservation(body).await
    }

    /// Reserves the order's quantities, then sends the order, as the provider recommends:
    ///
    /// 1. reads the reservation and locks the order's quantities (Rewix locks at most what is available;
    ///    models it could not lock in full are reported in [`SentOrder::short_items`]);
    /// 2. sends the order exactly once, like [`Client::send_order`];
    /// 3. if the send fails with a definite error (nothing was created: a validation error, say), unlocks
    ///    the quantities step 1 locked, and returns the send's error. When the send's outcome is unknown
    ///    ([`Error::outcome_unknown`](crate::Error::outcome_unknown)), the quantities stay locked, since the
    ///    order may hold them.
    ///
    /// A failure of step 1 is returned as it is; nothing was sent. A lock whose answer was lost may have
    /// been applied: check [`Client::reservation`]. What step 1 locked is computed from the reservation before
    /// and after it, so other changes to the same account's reservation at the same moment can skew it.
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::rewix::Client, order: fulfillment_apis::rewix::DropshippingOrder)
    /// # -> fulfillment_apis::Result<()> {
    /// let sent = client.reserve_and_send(&order).await?;
    /// if !sent.short_items.is_empty() {
    ///     println!("{} models could not be reserved in full", sent.short_items.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn reserve_and_send(&self, order: &DropshippingOrder) -> Result<SentOrder> {
        // Refuse a bad order before touching the reservation.
        let request = order.to_request()?;
        let span = tracing::info_span!(
            "fulfillment_apis.rewix.reserve_and_send",
            items = order.items().len()
        );
        async {
            let wanted = order.requested_quantities();
            let before = self.reservation().await?;
            let after = self
                .change_reservation(types::ReservationOperationType::Lock, &wanted)
                .await?;
            let locked = locked_by_us(&wanted, &before, &after);
            let lock_short = lock_shortfalls(&wanted, &locked, &after);
            match self.send_exactly_once(order, request, false).await {
                Ok(mut sent) => {
                    merge_short(&mut sent.short_items, lock_short);
                    Ok(sent)
                }
                Err(error) if !error.outcome_unknown() => {
                    if locked.values().any(|q| *q > 0) {
                        match self
                            .change_reservation(types::ReservationOperationType::Unlock, &locked)
                            .await
                        {
                            Ok(_) => {
                                tracing::info!("order not created; reserved quantities unlocked")
                            }
                            Err(unlock) => tracing::warn!(
                                kind = %unlock.kind(),
                                "order not created, and unlocking the reserved quantities failed"
                            ),
                        }
                    }
                    Err(error)
                }
                Err(error) => Err(error),
            }
        }
        .instrument(span)
        .await
    }
}

fn merge(items: &[OrderItem]) -> BTreeMap<i64, u64> {
    let mut merged = BTreeMap::new();
    for item in items {
        *merged.entry(item.stock_id).or_insert(0) += u64::from(item.quantity);
    }
    merged
}

fn locked_quantity(reservation: &types::Reservation, stock_id: i64) -> u64 {
    reservation
        .models
        .iter()
        .filter(|m| m.stock_id == stock_id)
        .map(|m| u64::try_from(m.locked).unwrap_or(0))
        .sum()
}

/// What the lock added for each model: the growth of its locked quantity, at most what was asked.
fn locked_by_us(
    wanted: &BTreeMap<i64, u64>,
    before: &types::Reservation,
    after: &types::Reservation,
) -> BTreeMap<i64, u64> {
    wanted
        .iter()
        .map(|(&stock_id, &asked)| {
            let grew =
                locked_quantity(after, stock_id).saturating_sub(locked_quantity(before, stock_id));
            (stock_id, grew.min(asked))
        })
        .collect()
}

fn lock_shortfalls(
    wanted: &BTreeMap<i64, u64>,
    locked: &BTreeMap<i64, u64>,
    after: &types::Reservation,
) -> Vec<ShortItem> {
    wanted
        .iter()
        .filter_map(|(&stock_id, &asked)| {
            let granted = locked.get(&stock_id).copied().unwrap_or(0);
            (granted < asked).then(|| ShortItem {
                stock_id,
                requested: asked,
                granted,
                available: after
                    .models
                    .iter()
                    .find(|m| m.stock_id == stock_id)
                    .map_or(0, |m| i64::from(m.available)),
            })
        })
        .collect()
}

/// Adds the lock's shortfalls to the send's, keeping the smaller granted quantity per model.
fn merge_short(short: &mut Vec<ShortItem>, more: Vec<ShortItem>) {
    for item in more {
        match short.iter_mut().find(|s| s.stock_id == item.stock_id) {
            Some(existing) if item.granted < existing.granted => *existing = item,
            Some(_) => {}
            None => short.push(item),
        }
    }
    short.sort_by_key(|s| s.stock_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reservation(models: &[(i64, i32, i32)]) -> types::Reservation {
        types::Reservation {
            models: models
                .iter()
                .map(|&(stock_id, locked, available)| types::ReservedModel {
                    stock_id,
                    locked,
                    available,
                })
                .collect(),
            order_id: None,
        }
    }

    #[test]
    fn what_we_locked_is_the_growth_capped_at_what_we_asked() {
        let wanted = BTreeMap::from([(1, 5), (2, 4), (3, 2)]);
        // Model 1 already had 3 locked by someone else; model 2 had only 1 available; model 3 none.
        let before = reservation(&[(1, 3, 10)]);
        let after = reservation(&[(1, 8, 5), (2, 1, 0)]);
        let locked = locked_by_us(&wanted, &before, &after);
        assert_eq!(locked, BTreeMap::from([(1, 5), (2, 1), (3, 0)]));
        let short = lock_shortfalls(&wanted, &locked, &after);
        assert_eq!(
            short
                .iter()
                .map(|s| (s.stock_id, s.granted))
                .collect::<Vec<_>>(),
            [(2, 1), (3, 0)]
        );
    }
}
