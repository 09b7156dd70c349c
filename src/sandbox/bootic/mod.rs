//! The Bootic fake: the OAuth2 client-credentials token endpoint (`POST /oauth/token`), the API root, and a shop's
//! orders (create, get, update while in `checkout`, list with HAL pagination links, bulk status changes).
//!
//! Every `/v1` call needs `Authorization: Bearer <token>` with a live token: a missing, unknown, revoked or expired
//! token answers 401 in the spec's error shape, a token without the `admin` scope 403 on the order calls.
//! Refused bodies answer 422 with `_embedded.errors[]` of `{field, messages}`, as the create_order document shows.

use std::{
    collections::HashMap,
    io,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{
    http::{
        Answer, Query, Refusal, basic_credentials, bearer_token, fnv, from_json_strict,
        from_value_strict, json, lock,
    },
    server::{Api, Server},
};
use crate::bootic::types as t;

mod errors;
mod list;
mod oauth;
mod orders;
mod paging;
mod products;
mod render;
mod root;

pub(crate) use self::errors::{route_not_found, server_error};
use self::{
    errors::*,
    list::{ListFilters, sort_orders},
    oauth::*,
    orders::*,
    render::*,
    root::*,
};

const CLIENT_ID: &str = "sbx-bootic-client";
const CLIENT_SECRET: &str = "sbx-bootic-secret-3f9a";
const SHOP_ID: i64 = 29;
/// The lifetime of new tokens until [`BooticSandbox::set_token_lifetime`]. Uncertain: Bootic's is not documented.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// A running fake of the Bootic API (and its token endpoint) on its own port; stops when dropped.
pub struct BooticSandbox {
    server: Arc<Server>,
    state: Arc<BooticState>,
}

super::server::sandbox_handle!(BooticSandbox, BooticState);

impl BooticSandbox {
    /// The OAuth2 client id the token endpoint accepts (HTTP Basic user).
    pub const CLIENT_ID: &'static str = CLIENT_ID;
    /// The OAuth2 client secret the token endpoint accepts (HTTP Basic password).
    pub const CLIENT_SECRET: &'static str = CLIENT_SECRET;
    /// The id of the sandbox's one shop (the `shop_id` of the order paths).
    pub const SHOP_ID: i64 = SHOP_ID;

    /// Starts the fake on `127.0.0.1` with an ephemeral port, on the current tokio runtime.
    pub async fn start() -> io::Result<Self> {
        let listener = Server::listen(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let state = Arc::new(BooticState::new(listener.local_addr()?));
        let server = Server::spawn(listener, router(state.clone()), vec![Api::Bootic])?;
        Ok(Self::attach(Arc::new(server), state))
    }

    /// The API root a client uses as the spec's server URL: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.server.addr())
    }

    /// The token endpoint: `http://127.0.0.1:PORT/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("http://{}/oauth/token", self.server.addr())
    }

    /// Sets the lifetime of tokens issued from now on (tokens already issued keep theirs).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.state.inner).token_lifetime = lifetime;
    }

    /// Revokes every issued token: the next API call with any of them answers 401.
    pub fn revoke_all_tokens(&self) {
        lock(&self.state.inner).tokens.clear();
    }

    /// How many tokens the token endpoint has issued so far (revoked and expired ones included).
    pub fn tokens_issued(&self) -> u64 {
        lock(&self.state.inner).tokens_issued
    }

    /// How many orders exist in the shop.
    pub fn order_count(&self) -> usize {
        lock(&self.state.inner).orders.len()
    }

    /// The status of the order with this code.
    pub fn order_status(&self, code: &str) -> Option<t::OrderStatus> {
        lock(&self.state.inner)
            .orders
            .iter()
            .find(|o| o.code == code)
            .map(|o| o.status)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// State

/// A variant of the sandbox shop's catalog.
struct Variant {
    id: i64,
    product_id: i64,
    product_title: &'static str,
    product_type: (i64, &'static str),
    title: &'static str,
    sku: &'static str,
    unit_price: i64,
    weight_in_grams: i32,
    /// Units in stock: a line asks for more and gets at most this many (`units` < `requested_units`).
    stock: i32,
}

const VARIANTS: &[Variant] = &[
    Variant {
        id: 1234,
        product_id: 31166,
        product_title: "130924 Tinto",
        product_type: (3, "Vinos"),
        title: "39",
        sku: "SXDD3",
        unit_price: 29990,
        weight_in_grams: 1400,
        stock: 100,
    },
    Variant {
        id: 1233,
        product_id: 31166,
        product_title: "130924 Tinto",
        product_type: (3, "Vinos"),
        title: "40",
        sku: "SXDD4",
        unit_price: 29990,
        weight_in_grams: 1400,
        stock: 100,
    },
    Variant {
        id: 3222,
        product_id: 55,
        product_title: "Game-ON",
        product_type: (9, "Audífonos"),
        title: "Game-ON",
        sku: "GAMEON-BLK",
        unit_price: 29000,
        weight_in_grams: 300,
        stock: 5,
    },
    Variant {
        id: 113,
        product_id: 54,
        product_title: "Pin-KA",
        product_type: (9, "Audífonos"),
        title: "Pin-KA",
        sku: "PINKA-1",
        unit_price: 33333,
        weight_in_grams: 100,
        stock: 1000,
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Admin,
    Public,
}

struct Token {
    expires: Instant,
    scopes: Vec<Scope>,
}

struct Line {
    variant: &'static Variant,
    requested: i32,
    units: i32,
}

struct Contact {
    id: i64,
    email: String,
    name: Option<String>,
    phone_number: Option<String>,
}

struct OrderRecord {
    id: i64,
    code: String,
    status: t::OrderStatus,
    lines: Vec<Line>,
    contact_id: Option<i64>,
    address: Option<t::Address>,
    created_on: DateTime<Utc>,
    updated_on: DateTime<Utc>,
    pending_on: Option<DateTime<Utc>>,
    closed_on: Option<DateTime<Utc>>,
    shipped_on: Option<DateTime<Utc>>,
    /// Set by updateOrderTracking (`products::update_order_tracking`).
    tracking_code: Option<String>,
    courier_name: Option<String>,
}

/// The fake's state: tokens, contacts, saved addresses and orders.
pub(crate) struct BooticState {
    /// The address links point to when a request has no `Host` header.
    addr: SocketAddr,
    inner: Mutex<Inner>,
}

struct Inner {
    tokens: HashMap<String, Token>,
    tokens_issued: u64,
    token_lifetime: Duration,
    orders: Vec<OrderRecord>,
    contacts: Vec<Contact>,
    addresses: Vec<t::Address>,
    next_order_id: i64,
    rng: fastrand::Rng,
}

impl BooticState {
    pub(crate) fn new(addr: SocketAddr) -> Self {
        // One contact and one saved address exist from the start (those of the create_order document), so
        // `contact.email` alone and `address.id` can be used right away.
        let contacts = vec![Contact {
            id: 1001,
            email: "joe@bloggs.com".into(),
            name: Some("Joe Bloggs".into()),
            phone_number: Some("12322222222".into()),
        }];
        let addresses = vec![t::Address {
            class: Some(t::ClassList(vec!["address".into()])),
            id: Some(35666),
            street: Some("Av. Brasil 20".into()),
            street_2: Some("4to piso".into()),
            locality_name: Some("Valparaiso".into()),
            region_name: Some("Valparaiso".into()),
            country_name: Some("Chile".into()),
            postal_code: None,
            country_code: Some("CL".into()),
            lat_long: Some(String::new()),
        }];
        BooticState {
            addr,
            inner: Mutex::new(Inner {
                tokens: HashMap::new(),
                tokens_issued: 0,
                token_lifetime: DEFAULT_TOKEN_LIFETIME,
                orders: Vec::new(),
                contacts,
                addresses,
                next_order_id: 583085,
                rng: fastrand::Rng::with_seed(0x00B0_071C),
            }),
        }
    }

    /// `http://HOST/v1`, from the request's `Host` header so links work whatever name the client used.
    fn api_root(&self, headers: &HeaderMap) -> String {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(String::from);
        format!(
            "http://{}/v1",
            host.unwrap_or_else(|| self.addr.to_string())
        )
    }
}

/// The router of `/oauth/token` and every `/v1` path.
pub(crate) fn router(state: Arc<BooticState>) -> Router {
    Router::new()
        .route("/oauth/token", post(issue_token))
        .route("/v1", get(get_root))
        .route(
            "/v1/shops/{shop_id}/orders",
            get(list_orders).post(create_order),
        )
        // A static segment wins over `{code}` in axum's router, so `updaters.json` is never read as an order code.
        .route(
            "/v1/shops/{shop_id}/orders/updaters.json",
            post(update_orders),
        )
        .route(
            "/v1/shops/{shop_id}/orders/{code}",
            get(get_order).put(update_order),
        )
        .merge(products::routes())
        .with_state(state)
}

type BState = State<Arc<BooticState>>;
