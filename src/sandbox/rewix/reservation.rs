//! The Rewix fake's stock reservation: lock, unlock and set, and the reservation's status.

use super::*;

/// `lock` adds min(quantity, available), `unlock` frees min(quantity, locked), `set` moves towards the absolute
/// quantity (growing only as far as the stock allows). Operations apply in order; an unknown stock id refuses the
/// whole call before anything changes.
pub(super) async fn reserve_stock(State(state): RState, headers: HeaderMap, body: Bytes) -> Answer {
    authorize(&state, &headers)?;
    let request: t::ReservationRequest = parse(&headers, &body)?;
    // `operations` is required: in XML, at least one <operation>. An operation without <model> is read (its
    // `models` "may be empty", and Bdroppy's real document sends one: tests/real_rewix.rs).
    missing_xml_list(&headers, request.operations.is_empty(), "operation").map_err(malformed)?;
    let mut operations = Vec::new();
    for operation in &request.operations {
        for model in &operation.models {
            let stock_id: i64 = number(&model.stock_id, "stock_id")?;
            let quantity: i32 = number(&model.quantity, "quantity")?;
            if quantity < 0 {
                return Err(malformed(format!("Invalid quantity: '{}'", model.quantity)));
            }
            operations.push((operation.type_, stock_id, quantity));
        }
    }
    let mut inner = lock(&state.inner);
    if let Some((_, unknown, _)) = operations
        .iter()
        .find(|(_, id, _)| !inner.stock.contains_key(id))
    {
        return Err(malformed(format!("Unknown stock_id: {unknown}")));
    }
    for (kind, stock_id, quantity) in operations {
        let Some(level) = inner.stock.get_mut(&stock_id) else {
            continue;
        };
        let delta = match kind {
            t::ReservationOperationType::Lock => quantity.min(level.available),
            t::ReservationOperationType::Unlock => -quantity.min(level.locked),
            t::ReservationOperationType::Set => (quantity - level.locked).min(level.available),
        };
        level.locked += delta;
        level.available -= delta;
        inner.catalog.touch(stock_id);
    }
    Ok(respond(&headers, &inner.reservation()))
}

pub(super) async fn get_reservation_status(State(state): RState, headers: HeaderMap) -> Answer {
    authorize(&state, &headers)?;
    Ok(respond(&headers, &lock(&state.inner).reservation()))
}
