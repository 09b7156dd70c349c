//! The Rewix fake's dropshipping orders: send (checked whole before anything changes), get by the client's or
//! the server's key, and the carriers.

use super::*;

/// One order of `order_list`, checked before anything changes.
pub(super) struct Checked {
    key: String,
    items: Vec<(i64, i32)>,
    carrier: Option<i64>,
    confirm: bool,
}

pub(super) fn check_order(order: &t::DropshippingOrder) -> Result<Checked, Refusal> {
    if order.key.trim().is_empty() {
        return Err(malformed("Missing order key"));
    }
    if DateTime::parse_from_str(order.date.trim(), DATE_FORMAT).is_err() {
        return Err(malformed(format!(
            "Invalid date format: '{}' (expected yyyy/MM/dd HH:mm:ss Z)",
            order.date
        )));
    }
    let address = &order.recipient_details.address;
    // No address_number: Zero11's own client and BrandsSync never send it, Bdroppy sends it empty.
    let required = [
        ("recipient", order.recipient_details.recipient.as_str()),
        ("street_name", address.street_name.as_str()),
        ("zip", address.zip.as_str()),
        ("city", address.city.as_str()),
        ("province", address.province.as_str()),
        (
            "phone number",
            order.recipient_details.phone.number.as_str(),
        ),
    ];
    if let Some((name, _)) = required.iter().find(|(_, value)| value.trim().is_empty()) {
        return Err(malformed(format!("Missing {name}")));
    }
    let country = address.countrycode.trim();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(malformed(format!(
            "Invalid countrycode: '{}'",
            address.countrycode
        )));
    }
    if order.item_list.is_empty() {
        return Err(malformed("The order has no items"));
    }
    let mut items = Vec::new();
    for item in &order.item_list {
        let stock_id: i64 = number(&item.stock_id, "stock_id")?;
        let quantity: i32 = number(&item.quantity, "quantity")?;
        if quantity < 1 {
            return Err(malformed(format!("Invalid quantity: '{}'", item.quantity)));
        }
        items.push((stock_id, quantity));
    }
    let carrier = order
        .carrier_id
        .as_deref()
        .map(|c| number::<i64>(c, "carrierId"))
        .transpose()?;
    Ok(Checked {
        key: order.key.trim().into(),
        items,
        carrier,
        confirm: order.auto_confirm != Some(t::DropshippingOrderAutoConfirm::False),
    })
}

/// Creates the orders of `order_list`. Each item takes its quantity from the reservation, then from free stock;
/// what neither has is silently dropped (the document: "only the available quantity will be added and no error or
/// message will be returned"). An unknown stock id aborts that order with 404, after the items before it were
/// already moved into the reservation, as the document warns.
pub(super) async fn send_dropshipping_order(
    State(state): RState,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    authorize(&state, &headers)?;
    let request: t::DropshippingOrderRequest = parse(&headers, &body)?;
    if request.order_list.is_empty() {
        return Err(malformed("order_list is empty"));
    }
    let checked = request
        .order_list
        .iter()
        .map(check_order)
        .collect::<Result<Vec<_>, _>>()?;
    let mut inner = lock(&state.inner);
    if let Some(carrier) = checked.iter().find_map(|o| {
        o.carrier
            .filter(|c| !CARRIERS.iter().any(|(id, ..)| id == c))
    }) {
        return Err(text(
            StatusCode::PRECONDITION_FAILED,
            format!("Carrier {carrier} not valid for the order"),
        )
        .into());
    }
    let mut last_order_id = None;
    for order in checked {
        // First top the reservation up from free stock, model by model: an unknown model stops here, leaving
        // what was already added in the reservation (the order is not created).
        let mut wanted: BTreeMap<i64, i32> = BTreeMap::new();
        for &(stock_id, quantity) in &order.items {
            let total = wanted.entry(stock_id).or_default();
            // Saturating: quantities are sent as free-form numbers; two huge lines must not overflow.
            *total = total.saturating_add(quantity);
            let Some(level) = inner.stock.get_mut(&stock_id) else {
                return Err(text(
                    StatusCode::NOT_FOUND,
                    format!("Model {stock_id} not found; the order was not created"),
                )
                .into());
            };
            let topped_up = (wanted[&stock_id] - level.locked).clamp(0, level.available);
            level.locked += topped_up;
            level.available -= topped_up;
            inner.catalog.touch(stock_id);
        }
        // Then take the units out of the reservation: at most what it holds.
        let mut items = Vec::new();
        for (stock_id, quantity) in order.items {
            let level = inner
                .stock
                .get_mut(&stock_id)
                .expect("checked in the first pass");
            let taken = quantity.min(level.locked);
            level.locked -= taken;
            items.push((stock_id, taken));
        }
        let carrier_name = order
            .carrier
            .and_then(|c| CARRIERS.iter().find(|(id, ..)| *id == c))
            .map(|(_, name, _)| name.to_string());
        let order_id = inner.store_order(|order_id| OrderRecord {
            order_id,
            key: order.key,
            // 5 BOOKED is what the status table gives for orders "created by the Send Order API"; an order with
            // autoConfirm on is confirmed at once (the sandbox account has auto-confirmation enabled): 2 TO DISPATCH.
            status: if order.confirm { 2 } else { 5 },
            last_update: Utc::now().fixed_offset(),
            items,
            carrier_name,
            tracking_code: None,
        });
        last_order_id = Some(order_id);
    }
    let reservation = inner.reservation();
    Ok(respond(
        &headers,
        &t::DropshippingOrderResponse {
            models: reservation.models,
            order_id: last_order_id,
        },
    ))
}

pub(super) async fn get_orders_by_client_key(
    State(state): RState,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Answer {
    authorize(&state, &headers)?;
    let inner = lock(&state.inner);
    let orders: Vec<t::ClientOrder> = inner
        .by_key
        .get(key.as_str())
        .filter_map(|seq| inner.orders.get(seq))
        .map(Inner::client_order)
        .collect();
    if orders.is_empty() {
        return Err(text(StatusCode::NOT_FOUND, "Order not found").into());
    }
    Ok(respond(&headers, &t::OrderStatusList { orders }))
}

pub(super) async fn get_orders_by_server_key(
    State(state): RState,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    authorize(&state, &headers)?;
    let inner = lock(&state.inner);
    let order = order_id.parse::<i64>().ok().and_then(|id| inner.order(id));
    match order {
        Some(order) => Ok(respond(
            &headers,
            &t::OrderStatusList {
                orders: vec![Inner::client_order(order)],
            },
        )),
        None => Err(text(StatusCode::NOT_FOUND, "Order not found").into()),
    }
}

pub(super) async fn list_carriers(State(state): RState, headers: HeaderMap) -> Answer {
    authorize(&state, &headers)?;
    let carriers: Vec<t::Carrier> = CARRIERS
        .iter()
        .map(|&(id, name, cents)| t::Carrier {
            id,
            name: name.into(),
            cost: Some(Decimal::new(cents, 2).into()),
        })
        .collect();
    Ok(respond(&headers, &t::Carriers(carriers)))
}
