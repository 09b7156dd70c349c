//! The Rewix "ghost" fake: stock with a reservation (lock / unlock / set), reservation status, dropshipping orders
//! with the documented quantity capping, order status by client key and by server key, and carriers.
//!
//! Authentication is HTTP Basic with the API key as user name, or the bearer token of the Bdroppy login
//! (`login.rs`); wrong or expired: 401 `text/plain`. A body that cannot be
//! read answers 429 with a `text/plain` message: that is what the dropshipping-order document says Rewix does
//! ("If the request body contains errors ... the http status code 429 will be returned"). Bodies and answers are
//! JSON or XML (`xml`), from the same state.

mod catalog;
mod login;
mod orders;
mod reservation;
mod returns;
mod xml;

use std::{
    collections::BTreeMap,
    io,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;

use self::{
    catalog::{Catalog, export_locales, export_products, export_products_xml, export_tags},
    login::{Tokens, login},
    orders::*,
    reservation::*,
    returns::{ReturnRow, request_return, returns_by_client_key, returns_by_server_key},
    xml::{missing_xml_list, parse_body, respond},
};
use super::{
    http::{Answer, Refusal, lock, text},
    server::{Api, Server},
    store::{KeyIndex, OrderStore},
};
use crate::rewix::types as t;

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

super::server::sandbox_handle!(RewixSandbox, RewixState);

impl RewixSandbox {
    /// The API key (HTTP Basic user name, and the e-mail of the Bdroppy login).
    pub const API_KEY: &'static str = API_KEY;
    /// The account password (HTTP Basic password, and the password of the Bdroppy login).
    pub const PASSWORD: &'static str = PASSWORD;

    /// Starts the fake on `127.0.0.1` with an ephemeral port, on the current tokio runtime.
    pub async fn start() -> io::Result<Self> {
        let listener = Server::listen(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let state = Arc::new(RewixState::default());
        let server = Server::spawn(listener, router(state.clone()), vec![Api::Rewix])?;
        Ok(Self::attach(Arc::new(server), state))
    }

    /// The base URL a client uses as the spec's server URL: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// How long bearer tokens issued from now on live (default one hour).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.state.inner).tokens.set_lifetime(lifetime);
    }

    /// Ends every live bearer token now: the next call with one is refused with 401, as after an expiry.
    pub fn expire_tokens(&self) {
        lock(&self.state.inner).tokens.expire_all();
    }

    /// How many successful Bdroppy logins (`POST /api/auth/login`) the fake has answered.
    pub fn logins(&self) -> u64 {
        lock(&self.state.inner).tokens.logins()
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

    /// Keeps at most `max` orders (at least 1; [`DEFAULT_MAX_ORDERS`](super::DEFAULT_MAX_ORDERS) when not set),
    /// evicting the oldest first, now and whenever a new order would pass the cap. An evicted order is gone: a
    /// lookup by its client key or order id answers 404 (its return rows stay, but no new return can be
    /// requested against it), and its key may be used again. Order ids keep counting up.
    pub fn set_max_orders(&self, max: usize) {
        lock(&self.state.inner).set_max_orders(max);
    }

    /// How many orders are stored (created and not evicted: see [`Self::set_max_orders`]).
    pub fn order_count(&self) -> usize {
        lock(&self.state.inner).orders.len()
    }

    /// How many orders were created with this client `key` (more than one means a duplicate got through).
    pub fn orders_with_key(&self, key: &str) -> usize {
        lock(&self.state.inner).by_key.get(key).count()
    }

    /// The units of each model in the order with this Rewix id (after capping), in request order.
    pub fn order_items(&self, order_id: i64) -> Option<Vec<(i64, i32)>> {
        lock(&self.state.inner)
            .order(order_id)
            .map(|o| o.items.clone())
    }

    /// Moves an order to 3 DISPATCHED with a DHL tracking code, as if the warehouse had shipped it. Returns false
    /// for an unknown order id.
    pub fn dispatch_order(&self, order_id: i64, tracking_code: &str) -> bool {
        let mut inner = lock(&self.state.inner);
        let Some(order) = inner.order_mut(order_id) else {
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
    /// Oldest first, at most the cap; an order's id is `FIRST_ORDER_ID` + its sequence number.
    pub(crate) orders: OrderStore<OrderRecord>,
    by_key: KeyIndex<String>,
    pub(crate) catalog: Catalog,
    pub(crate) returns: Vec<ReturnRow>,
    tokens: Tokens,
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

/// The id of the first order (later ones count up from it).
const FIRST_ORDER_ID: i64 = 130;

impl Inner {
    /// The stored order with this id, in O(1).
    pub(crate) fn order(&self, order_id: i64) -> Option<&OrderRecord> {
        let seq = u64::try_from(order_id.checked_sub(FIRST_ORDER_ID)?).ok()?;
        self.orders.get(seq)
    }

    fn order_mut(&mut self, order_id: i64) -> Option<&mut OrderRecord> {
        let seq = u64::try_from(order_id.checked_sub(FIRST_ORDER_ID)?).ok()?;
        self.orders.get_mut(seq)
    }

    /// Stores an order under the next id, evicting the oldest past the cap; returns the id.
    fn store_order(&mut self, order: impl FnOnce(i64) -> OrderRecord) -> i64 {
        let seq = self.orders.next_seq();
        let order_id = FIRST_ORDER_ID + seq as i64;
        let record = order(order_id);
        self.by_key.insert(record.key.clone(), seq);
        let evicted = self.orders.push(record);
        self.unindex(evicted);
        order_id
    }

    fn set_max_orders(&mut self, max: usize) {
        let evicted = self.orders.set_cap(max);
        self.unindex(evicted);
    }

    fn unindex(&mut self, evicted: Vec<(u64, OrderRecord)>) {
        for (seq, order) in evicted {
            self.by_key.remove_oldest(order.key.as_str(), seq);
        }
    }
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
                orders: OrderStore::default(),
                by_key: KeyIndex::default(),
                catalog: Catalog::with_examples(),
                returns: Vec::new(),
                tokens: Tokens::default(),
            }),
        }
    }
}

/// The router of every Rewix path, under `/restful`.
pub(crate) fn router(state: Arc<RewixState>) -> Router {
    Router::new()
        .route("/api/auth/login", post(login))
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
        .route("/restful/export/api/products.xml", get(export_products_xml))
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

pub(crate) use login::authorize;

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
