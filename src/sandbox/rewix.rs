//! The Rewix "ghost" fake: stock with a reservation (lock / unlock / set), reservation status, dropshipping orders
//! with the documented quantity capping, order status by client key and by server key, and carriers.
//!
//! Authentication is HTTP Basic with the API key as user name (wrong: 401 `text/plain`). A body that cannot be
//! read answers 429 with a `text/plain` message: that is what the dropshipping-order document says Rewix does
//! ("If the request body contains errors ... the http status code 429 will be returned"). Bodies and answers are
//! JSON or XML (`rewix_xml`), from the same state.

use std::{
    collections::BTreeMap,
    io,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;

use super::{
    Faults,
    http::{Answer, Refusal, basic_credentials, lock, text},
    rewix_catalog::{Catalog, export_locales, export_products, export_tags},
    rewix_returns::{ReturnRow, request_return, returns_by_client_key, returns_by_server_key},
    rewix_xml::{parse_body, respond},
    server::{Api, Server},
};
use crate::rewix::generated::types as t;

const API_KEY: &str = "sbx-rewix-api-key-81c2";
const PASSWORD: &str = "sbx-rewix-password";
/// The id of the virtual order (status 5003 DROPSHIPPER GROWING) that holds the reservation.
const RESERVATION_ORDER_ID: i64 = 1000;
/// Rewix's date format, `2024/03/15 14:30:00 +0100`.
const DATE_FORMAT: &str = "%Y/%m/%d %H:%M:%S %z";

/// Stock of one model (size/colour variation) in the Rewix fake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StockLevel {
    /// Units free to reserve or order.
    pub available: i32,
    /// Units locked in this account's reservation.
    pub locked: i32,
}

/// A running fake of the Rewix ghost API on its own port; stops when dropped.
pub struct RewixSandbox {
    server: Arc<Server>,
    pub(crate) state: Arc<RewixState>,
}

impl std::fmt::Debug for RewixSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RewixSandbox")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl RewixSandbox {
    /// The API key (HTTP Basic user name).
    pub const API_KEY: &'static str = API_KEY;
    /// The account password (HTTP Basic password).
    pub const PASSWORD: &'static str = PASSWORD;

    /// Starts the fake on `127.0.0.1` with an ephemeral port, on the current tokio runtime.
    pub async fn start() -> io::Result<Self> {
        let listener = Server::listen(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let state = Arc::new(RewixState::default());
        let server = Server::spawn(listener, router(state.clone()), vec![Api::Rewix])?;
        Ok(Self::attach(Arc::new(server), state))
    }

    pub(crate) fn attach(server: Arc<Server>, state: Arc<RewixState>) -> Self {
        RewixSandbox { server, state }
    }

    /// The base URL a client uses as the spec's server URL: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// This server's fault injection.
    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    /// The stock of a model, or `None` for a stock id the catalog does not have.
    pub fn stock(&self, stock_id: i64) -> Option<StockLevel> {
        lock(&self.state.inner).stock.get(&stock_id).copied()
    }

    /// Sets the free stock of a model, adding the model if it is new (its locked units stay).
    pub fn set_available(&self, stock_id: i64, available: i32) {
        lock(&self.state.inner)
            .stock
            .entry(stock_id)
            .or_insert(StockLevel {
                available: 0,
                locked: 0,
            })
            .available = available.max(0);
        lock(&self.state.inner).catalog.touch(stock_id);
    }

    /// How many orders were created in total.
    pub fn order_count(&self) -> usize {
        lock(&self.state.inner).orders.len()
    }

    /// How many orders were created with this client `key` (more than one means a duplicate got through).
    pub fn orders_with_key(&self, key: &str) -> usize {
        lock(&self.state.inner)
            .orders
            .iter()
            .filter(|o| o.key == key)
            .count()
    }

    /// The units of each model in the order with this Rewix id (after capping), in request order.
    pub fn order_items(&self, order_id: i64) -> Option<Vec<(i64, i32)>> {
        lock(&self.state.inner)
            .orders
            .iter()
            .find(|o| o.order_id == order_id)
            .map(|o| o.items.clone())
    }

    /// Moves an order to 3 DISPATCHED with a DHL tracking code, as if the warehouse had shipped it. Returns false
    /// for an unknown order id.
    pub fn dispatch_order(&self, order_id: i64, tracking_code: &str) -> bool {
        let mut inner = lock(&self.state.inner);
        let Some(order) = inner.orders.iter_mut().find(|o| o.order_id == order_id) else {
            return false;
        };
        order.status = 3;
        order.carrier_name = Some("DHL".into());
        order.tracking_code = Some(tracking_code.into());
        order.last_update = Utc::now().fixed_offset();
        true
    }
}

/// The fake's state: stock and reservation per model, orders, carriers.
pub(crate) struct RewixState {
    pub(crate) inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    pub(crate) stock: BTreeMap<i64, StockLevel>,
    pub(crate) orders: Vec<OrderRecord>,
    next_order_id: i64,
    pub(crate) catalog: Catalog,
    pub(crate) returns: Vec<ReturnRow>,
}

pub(crate) struct OrderRecord {
    pub(crate) order_id: i64,
    key: String,
    status: i32,
    last_update: DateTime<FixedOffset>,
    pub(crate) items: Vec<(i64, i32)>,
    carrier_name: Option<String>,
    tracking_code: Option<String>,
}

/// The carriers of the sandbox account: id, name, cost in EUR.
const CARRIERS: &[(i64, &str, i64)] = &[(39, "TNT", 980), (10, "DHL", 1250), (20, "UPS", 1100)];

impl Default for RewixState {
    fn default() -> Self {
        // The stock ids of the provider's examples, with small quantities so capping is easy to reach.
        let stock = [
            (55, 21),
            (69, 8),
            (1567, 3),
            (1578, 2),
            (148148, 15),
            (148367, 10),
        ]
        .into_iter()
        .map(|(id, available)| {
            (
                id,
                StockLevel {
                    available,
                    locked: 0,
                },
            )
        })
        .collect();
        RewixState {
            inner: Mutex::new(Inner {
                stock,
                orders: Vec::new(),
                next_order_id: 130,
                catalog: Catalog::with_examples(),
                returns: Vec::new(),
            }),
        }
    }
}

/// The router of every Rewix path, under `/restful`.
pub(crate) fn router(state: Arc<RewixState>) -> Router {
    Router::new()
        .route(
            "/restful/ghost/orders/0/dropshipping",
            post(send_dropshipping_order),
        )
        .route("/restful/ghost/orders/sold", post(reserve_stock))
        .route(
            "/restful/ghost/orders/dropshipping/locked",
            get(get_reservation_status),
        )
        .route(
            "/restful/ghost/clientorders/clientkey/{key}",
            get(get_orders_by_client_key),
        )
        .route(
            "/restful/ghost/clientorders/serverkey/{order_id}",
            get(get_orders_by_server_key),
        )
        .route("/restful/export/carriers", get(list_carriers))
        .route("/restful/export/api/products.json", get(export_products))
        .route("/restful/export/api/products.xml", get(export_products))
        .route("/restful/export/locales", get(export_locales))
        .route("/restful/export/tags", get(export_tags))
        .route(
            "/restful/ghost/returnedgoods/request/new",
            post(request_return),
        )
        .route(
            "/restful/ghost/returnedgoods/clientkey/{key}",
            get(returns_by_client_key),
        )
        .route(
            "/restful/ghost/returnedgoods/serverkey/{order_id}",
            get(returns_by_server_key),
        )
        .with_state(state)
}

pub(crate) type RState = State<Arc<RewixState>>;

// ---------------------------------------------------------------------------------------------------------------
// Errors and checks

/// The answer of an injected 5xx fault.
pub(crate) fn server_error() -> Response {
    text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// The answer for a path under `/restful` that no route matches.
pub(crate) fn route_not_found() -> Response {
    text(StatusCode::NOT_FOUND, "Not Found")
}

pub(crate) fn malformed(message: impl Into<String>) -> Refusal {
    text(StatusCode::TOO_MANY_REQUESTS, message).into()
}

pub(crate) fn authorize(headers: &HeaderMap) -> Result<(), Refusal> {
    match basic_credentials(headers) {
        Some((user, password)) if user == API_KEY && password == PASSWORD => Ok(()),
        _ => {
            let mut response = text(StatusCode::UNAUTHORIZED, "Unauthorized");
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"rewix\""),
            );
            Err(response.into())
        }
    }
}

/// Reads a JSON or XML body into a generated type; a body that does not fit is a 429 with the reason.
fn parse<T: serde::de::DeserializeOwned + crate::rewix::XmlDocument>(
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<T, Refusal> {
    parse_body(headers, bytes).map_err(malformed)
}

/// A decimal string field (`"quantity": "10"`), as the document's JSON example sends numbers.
fn number<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, Refusal> {
    value
        .trim()
        .parse()
        .map_err(|_| malformed(format!("Invalid {what}: '{value}'")))
}

impl Inner {
    /// The reservation as the API returns it: every model with locked units, by stock id.
    fn reservation(&self) -> t::Reservation {
        let models = self
            .stock
            .iter()
            .filter(|(_, level)| level.locked > 0)
            .map(|(&stock_id, level)| t::ReservedModel {
                stock_id,
                locked: level.locked,
                available: level.available,
            })
            .collect();
        t::Reservation {
            models,
            order_id: Some(RESERVATION_ORDER_ID),
        }
    }

    fn client_order(order: &OrderRecord) -> t::ClientOrder {
        t::ClientOrder {
            order_id: order.order_id,
            ext_ref: Some(order.key.clone()),
            // Every status the sandbox sets is in the spec's enum.
            status: t::OrderStatus::try_from(order.status)
                .unwrap_or_else(|_| unreachable!("status {}", order.status))
                .into(),
            last_update: Some(order.last_update.format(DATE_FORMAT).to_string()),
            parsed_date: Some(order.last_update.timestamp_millis()),
            tracking_code: order.tracking_code.clone(),
            tracking_url: order
                .tracking_code
                .as_ref()
                .map(|code| format!("https://www.dhl.com/en/express/tracking.html?AWB={code}")),
            carrier_name: order.carrier_name.clone(),
            substatus: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers

/// `lock` adds min(quantity, available), `unlock` frees min(quantity, locked), `set` moves towards the absolute
/// quantity (growing only as far as the stock allows). Operations apply in order; an unknown stock id refuses the
/// whole call before anything changes.
async fn reserve_stock(State(state): RState, headers: HeaderMap, body: Bytes) -> Answer {
    authorize(&headers)?;
    let request: t::ReservationRequest = parse(&headers, &body)?;
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

async fn get_reservation_status(State(state): RState, headers: HeaderMap) -> Answer {
    authorize(&headers)?;
    Ok(respond(&headers, &lock(&state.inner).reservation()))
}

/// One order of `order_list`, checked before anything changes.
struct Checked {
    key: String,
    items: Vec<(i64, i32)>,
    carrier: Option<i64>,
    confirm: bool,
}

fn check_order(order: &t::DropshippingOrder) -> Result<Checked, Refusal> {
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
async fn send_dropshipping_order(State(state): RState, headers: HeaderMap, body: Bytes) -> Answer {
    authorize(&headers)?;
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
        let order_id = inner.next_order_id;
        inner.next_order_id += 1;
        inner.orders.push(OrderRecord {
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

async fn get_orders_by_client_key(
    State(state): RState,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Answer {
    authorize(&headers)?;
    let inner = lock(&state.inner);
    let orders: Vec<t::ClientOrder> = inner
        .orders
        .iter()
        .filter(|o| o.key == key)
        .map(Inner::client_order)
        .collect();
    if orders.is_empty() {
        return Err(text(StatusCode::NOT_FOUND, "Order not found").into());
    }
    Ok(respond(&headers, &t::OrderStatusList { orders }))
}

async fn get_orders_by_server_key(
    State(state): RState,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    authorize(&headers)?;
    let inner = lock(&state.inner);
    let order = order_id
        .parse::<i64>()
        .ok()
        .and_then(|id| inner.orders.iter().find(|o| o.order_id == id));
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

async fn list_carriers(headers: HeaderMap) -> Answer {
    authorize(&headers)?;
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
