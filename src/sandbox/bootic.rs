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
    Faults,
    gooten_catalog::fnv,
    http::{
        Answer, Query, Refusal, basic_credentials, bearer_token, from_json_strict,
        from_value_strict, json, lock,
    },
    server::{Api, Server},
};
use crate::bootic::generated::types as t;

#[path = "bootic_list.rs"]
mod list;
#[path = "bootic_products.rs"]
mod products;
use list::{ListFilters, sort_orders};

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

impl std::fmt::Debug for BooticSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BooticSandbox")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

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

    pub(crate) fn attach(server: Arc<Server>, state: Arc<BooticState>) -> Self {
        BooticSandbox { server, state }
    }

    /// The API root a client uses as the spec's server URL: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.server.addr())
    }

    /// The token endpoint: `http://127.0.0.1:PORT/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("http://{}/oauth/token", self.server.addr())
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// This server's fault injection.
    pub fn faults(&self) -> &Faults {
        self.server.faults()
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

// ---------------------------------------------------------------------------------------------------------------
// Errors

fn class(names: &[&str]) -> Option<t::ClassList> {
    Some(t::ClassList(names.iter().map(|n| n.to_string()).collect()))
}

fn error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        &t::Error {
            class: class(&["errors"]),
            message: Some(message.into()),
            embedded: None,
        },
    )
}

/// The 422 body: one entry per field, in first-seen order, with all its messages.
fn unprocessable(errors: Vec<(String, String)>) -> Refusal {
    let mut details: Vec<t::ErrorDetail> = Vec::new();
    for (field, message) in errors {
        match details.iter_mut().find(|d| d.field == field) {
            Some(detail) => detail.messages.push(message),
            None => details.push(t::ErrorDetail {
                class: class(&["error"]),
                field,
                messages: vec![message],
            }),
        }
    }
    let body = t::Error {
        class: class(&["errors"]),
        message: None,
        embedded: Some(t::ErrorEmbedded { errors: details }),
    };
    json(StatusCode::UNPROCESSABLE_ENTITY, &body).into()
}

fn unprocessable_one(field: &str, message: impl Into<String>) -> Refusal {
    unprocessable(vec![(field.into(), message.into())])
}

/// The answer of an injected 5xx fault.
pub(crate) fn server_error() -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// The answer for a path under `/v1` or `/oauth` that no route matches.
pub(crate) fn route_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Not found")
}

fn unauthorized(description: &str) -> Refusal {
    let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized");
    let challenge = format!(
        "Bearer realm=\"bootic\", error=\"invalid_token\", error_description=\"{description}\""
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response.into()
}

// ---------------------------------------------------------------------------------------------------------------
// OAuth2

/// The token endpoint's answer. The spec describes the token endpoint only as a security scheme (it is on another
/// host in production), so there is no generated type for it; the fields are RFC 6749's.
#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    scope: String,
}

#[derive(Serialize)]
struct OAuthError {
    error: &'static str,
    error_description: &'static str,
}

fn oauth_error(
    status: StatusCode,
    error: &'static str,
    error_description: &'static str,
) -> Response {
    let mut response = json(
        status,
        &OAuthError {
            error,
            error_description,
        },
    );
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"bootic\""),
        );
    }
    response
}

/// `POST /oauth/token` with `grant_type=client_credentials&scope=admin`, the client authenticated with HTTP Basic.
async fn issue_token(State(state): BState, headers: HeaderMap, body: Bytes) -> Answer {
    match basic_credentials(&headers) {
        Some((id, secret)) if id == CLIENT_ID && secret == CLIENT_SECRET => {}
        _ => {
            return Err(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed.",
            )
            .into());
        }
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        None => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is missing.",
            )
            .into());
        }
        // The other grants Bootic supports (authorization code, password, JWT assertion) are not faked.
        Some(_) => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The sandbox supports client_credentials only.",
            )
            .into());
        }
    }
    let requested = form.get("scope").map(String::as_str).unwrap_or("admin");
    let mut scopes = Vec::new();
    for name in requested.split([' ', ',']).filter(|s| !s.is_empty()) {
        let scope = match name {
            "admin" => Scope::Admin,
            "public" => Scope::Public,
            _ => {
                return Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "Known scopes are admin and public.",
                )
                .into());
            }
        };
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        scopes.push(Scope::Admin);
    }
    let mut inner = lock(&state.inner);
    let token: String = (0..40).map(|_| inner.rng.alphanumeric()).collect();
    let lifetime = inner.token_lifetime;
    let scope = scope_string(&scopes, " ");
    inner.tokens.insert(
        token.clone(),
        Token {
            expires: Instant::now() + lifetime,
            scopes,
        },
    );
    inner.tokens_issued += 1;
    let expires_in = lifetime.as_secs() + u64::from(lifetime.subsec_nanos() > 0);
    let mut response = json(
        StatusCode::OK,
        &TokenResponse {
            access_token: token,
            token_type: "bearer",
            expires_in,
            scope,
        },
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn scope_string(scopes: &[Scope], separator: &str) -> String {
    let names: Vec<&str> = scopes
        .iter()
        .map(|s| {
            if *s == Scope::Admin {
                "admin"
            } else {
                "public"
            }
        })
        .collect();
    names.join(separator)
}

/// The scopes of the request's live bearer token, or the 401/403 answer.
fn authorize(
    state: &BooticState,
    headers: &HeaderMap,
    needs_admin: bool,
) -> Result<Vec<Scope>, Refusal> {
    let Some(token) = bearer_token(headers) else {
        return Err(unauthorized("The access token is missing."));
    };
    let mut inner = lock(&state.inner);
    let scopes = match inner.tokens.get(token) {
        None => return Err(unauthorized("The access token is invalid or was revoked.")),
        Some(live) if live.expires <= Instant::now() => {
            inner.tokens.remove(token);
            return Err(unauthorized("The access token expired."));
        }
        Some(live) => live.scopes.clone(),
    };
    if needs_admin && !scopes.contains(&Scope::Admin) {
        return Err(error(StatusCode::FORBIDDEN, "Forbidden").into());
    }
    Ok(scopes)
}

/// Checks the token (admin scope) and the shop id of an order path.
fn authorize_shop(
    state: &BooticState,
    headers: &HeaderMap,
    shop_id: &str,
) -> Result<Vec<Scope>, Refusal> {
    let scopes = authorize(state, headers, true)?;
    if shop_id.parse::<i64>().ok() != Some(SHOP_ID) {
        return Err(error(StatusCode::NOT_FOUND, "Not found").into());
    }
    Ok(scopes)
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

fn link(href: String) -> t::HalLink {
    t::HalLink {
        href,
        method: None,
        name: None,
        templated: None,
        title: None,
        type_: None,
    }
}

fn web_link(href: String, title: &str) -> t::HalLink {
    t::HalLink {
        type_: Some("text/html".into()),
        title: Some(title.into()),
        ..link(href)
    }
}

/// Statuses an order may move to from `status` (the JS client's fixture `transitions`).
fn transitions(status: t::OrderStatus) -> &'static [t::OrderStatus] {
    use t::OrderStatus as S;
    match status {
        S::Checkout => &[S::Pending, S::Invalid],
        S::Pending => &[S::Closed, S::Invalid],
        S::Closed => &[S::Shipped, S::Pending, S::Invalid],
        S::Shipped => &[S::Delivered, S::Pending, S::Invalid],
        S::Invalid => &[S::Pending],
        S::Delivered => &[],
    }
}

fn status_name(status: t::OrderStatus) -> String {
    status.to_string()
}

impl Inner {
    fn contact(&self, id: Option<i64>) -> Option<&Contact> {
        id.and_then(|id| self.contacts.iter().find(|c| c.id == id))
    }

    fn order_links(&self, order: &OrderRecord, root: &str) -> t::OrderLinks {
        let href = format!("{root}/shops/{SHOP_ID}/orders/{}", order.code);
        t::OrderLinks {
            self_: Some(link(href.clone())),
            // Present only while the order can still be updated.
            btc_update_order: (order.status == t::OrderStatus::Checkout).then(|| t::HalLink {
                method: Some("put".into()),
                ..link(href.clone())
            }),
            btc_web_cart: Some(web_link(
                format!("https://sandbox-shop.bootic.invalid/cart/{}", order.code),
                "Web cart page to manually edit this order",
            )),
            btc_web_checkout: Some(web_link(
                format!("https://checkout.bootic.invalid/orders/{}", order.code),
                "Web checkout page for this order",
            )),
            // On every order in every status, as in the JS client's fixture (30 of 30 orders).
            btc_update_order_tracking: Some(t::HalLink {
                method: Some("put".into()),
                title: Some("Update order tracking and status. EXPERIMENTAL.".into()),
                ..link(format!("{href}/tracking"))
            }),
            ..Default::default()
        }
    }

    fn render(&self, order: &OrderRecord, root: &str) -> t::Order {
        let line_items: Vec<t::LineItem> = order
            .lines
            .iter()
            .map(|line| {
                let v = line.variant;
                let net = v.unit_price * i64::from(line.units);
                t::LineItem {
                    class: class(&["lineItem"]),
                    links: Some(t::LineItemLinks {
                        btc_product: Some(link(format!("{root}/products/{}", v.product_id))),
                        product: None,
                    }),
                    product_id: Some(v.product_id),
                    product_title: Some(v.product_title.into()),
                    product_type_id: Some(v.product_type.0),
                    product_type_name: Some(v.product_type.1.into()),
                    unit_price: Some(v.unit_price),
                    units: Some(line.units),
                    requested_units: Some(line.requested),
                    discount_total: Some(0),
                    net_total: Some(net),
                    total: Some(net),
                    product_weight_in_grams: Some(v.weight_in_grams),
                    weight_in_grams: Some(v.weight_in_grams * line.units),
                    variant_id: Some(v.id),
                    variant_title: Some(v.title.into()),
                    variant_sku: Some(v.sku.into()),
                    embedded: None,
                }
            })
            .collect();
        let net_total: i64 = order
            .lines
            .iter()
            .map(|l| l.variant.unit_price * i64::from(l.units))
            .sum();
        let contact = self.contact(order.contact_id).map(|c| t::Contact {
            class: class(&["contact"]),
            id: Some(c.id),
            name: c.name.clone(),
            email: Some(c.email.clone()),
            phone_number: c.phone_number.clone(),
        });
        let mut allowed = vec![order.status];
        allowed.extend_from_slice(transitions(order.status));
        t::Order {
            class: class(&["order"]),
            links: Some(self.order_links(order, root)),
            id: order.id,
            shop_id: SHOP_ID,
            code: order.code.clone(),
            status: order.status.into(),
            net_total,
            discount_total: Some(0),
            // Shipping is chosen at the web checkout, which the sandbox does not have.
            shipping_total: None,
            shipping_discount: None,
            total: net_total,
            currency_code: Some("CLP".into()),
            units: Some(order.lines.iter().map(|l| l.units).sum()),
            created_on: order.created_on,
            updated_on: order.updated_on,
            pending_on: order.pending_on,
            closed_on: order.closed_on,
            shipped_on: order.shipped_on,
            shipping_description: Some(String::new()),
            tracking_code: order.tracking_code.clone(),
            courier_name: order.courier_name.clone(),
            shipped_email_sent: Some(false),
            closed_email_sent: Some(false),
            total_weight_in_grams: Some(
                order
                    .lines
                    .iter()
                    .map(|l| l.variant.weight_in_grams * l.units)
                    .sum(),
            ),
            tags: Vec::new(),
            fulfillment: Some(t::Fulfillment {
                fulfillment_method: Some("shipping".into()),
                method: Some("shipping".into()),
                tracking_code: order.tracking_code.clone(),
                courier_name: order.courier_name.clone(),
            }),
            payment_info: None,
            allowed_statuses: allowed.into_iter().map(Into::into).collect(),
            embedded: Some(t::OrderEmbedded {
                address: order.address.clone(),
                contact,
                promotion: None,
                discounts: Vec::new(),
                line_items,
            }),
        }
    }
}

/// A JSON answer with the headers Bootic sends on entities (ETag, Last-Modified, X-OAuth-Scopes); a GET whose
/// `If-None-Match` matches the ETag answers 304, as the official clients' caching expects.
fn entity<T: Serialize>(
    status: StatusCode,
    value: &T,
    updated: DateTime<Utc>,
    scopes: &[Scope],
    if_none_match: Option<&HeaderValue>,
) -> Response {
    let mut response = json(status, value);
    let etag = match serde_json::to_vec(value) {
        Ok(bytes) => format!("\"{:016x}\"", fnv(&String::from_utf8_lossy(&bytes))),
        Err(_) => return response,
    };
    if if_none_match
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag))
    {
        response = Response::new(axum::body::Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(updated.into())) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    if let Ok(value) = HeaderValue::from_str(&scope_string(scopes, ",")) {
        headers.insert("x-oauth-scopes", value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("must-revalidate, private, max-age=0"),
    );
    response
}

// ---------------------------------------------------------------------------------------------------------------
// Root

async fn get_root(State(state): BState, headers: HeaderMap) -> Answer {
    let scopes = authorize(&state, &headers, false)?;
    let root = state.api_root(&headers);
    let templated = |href: String, title: &str| t::HalLink {
        templated: Some(true),
        title: Some(title.into()),
        ..link(href)
    };
    let body = t::Root {
        class: class(&["root"]),
        links: Some(t::RootLinks {
            curies: Some(t::Curies(vec![t::HalLink {
                name: Some("btc".into()),
                templated: Some(true),
                ..link("https://developers.bootic.net/rels/{rel}".into())
            }])),
            btc_all_products: Some(templated(
                format!("{root}/products{{?q,page,per_page,status,shop_subdomains,shop_ids,sort}}"),
                "All products, with search and filters",
            )),
            btc_product: Some(templated(
                format!("{root}/products/{{id}}"),
                "Product details",
            )),
            btc_shop: Some(templated(format!("{root}/shops/{{id}}"), "Shop details")),
            btc_docs: Some(web_link(
                "https://developers.bootic.net".into(),
                "API Documentation site",
            )),
        }),
        user_name: Some("sandbox".into()),
        role: Some("admin".into()),
        provider: Some("bootic".into()),
        scopes: Some(scope_string(&scopes, ",")),
        uid: None,
        email: None,
        last_logged_on: None,
        embedded: Some(t::RootEmbedded {
            shops: vec![products::shop(&root)],
        }),
    };
    let updated = Utc::now();
    Ok(entity(StatusCode::OK, &body, updated, &scopes, None))
}

// ---------------------------------------------------------------------------------------------------------------
// Orders

/// Resolves line inputs against the catalog: unknown variants and non-positive units are field errors.
fn lines(inputs: &[t::LineItemInput], errors: &mut Vec<(String, String)>) -> Vec<Line> {
    let mut lines = Vec::new();
    for input in inputs {
        let Some(variant) = VARIANTS.iter().find(|v| v.id == input.variant_id) else {
            // The create_order document's exact message.
            errors.push((
                "variant.id".into(),
                format!("Variant {} does not exist in this shop", input.variant_id),
            ));
            continue;
        };
        if input.units < 1 {
            errors.push(("units".into(), "must be greater than 0".into()));
            continue;
        }
        lines.push(Line {
            variant,
            requested: input.units,
            units: input.units.min(variant.stock),
        });
    }
    lines
}

impl Inner {
    /// Finds or creates the contact of `input` (looked up by email; extra attributes update it, also on other
    /// orders that share it); a new contact needs email, name and phone_number.
    fn resolve_contact(
        &mut self,
        input: &t::ContactInput,
        errors: &mut Vec<(String, String)>,
    ) -> Option<i64> {
        let email = input.email.trim();
        if email.is_empty() || !email.contains('@') {
            errors.push(("contact.email".into(), "is invalid".into()));
            return None;
        }
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
        if let Some(contact) = self
            .contacts
            .iter_mut()
            .find(|c| c.email.eq_ignore_ascii_case(email))
        {
            if !blank(&input.name) {
                contact.name = input.name.clone();
            }
            if !blank(&input.phone_number) {
                contact.phone_number = input.phone_number.clone();
            }
            return Some(contact.id);
        }
        if blank(&input.name) {
            errors.push(("contact.name".into(), "can't be blank".into()));
        }
        if blank(&input.phone_number) {
            errors.push(("contact.phone_number".into(), "can't be blank".into()));
        }
        if !errors.is_empty() {
            return None;
        }
        let id = self.contacts.iter().map(|c| c.id).max().unwrap_or(1000) + 1;
        self.contacts.push(Contact {
            id,
            email: email.into(),
            name: input.name.clone(),
            phone_number: input.phone_number.clone(),
        });
        Some(id)
    }

    /// A copy of the saved address `id`, with a new id (the order owns its copy).
    fn copy_address(
        &mut self,
        reference: &t::AddressRef,
        errors: &mut Vec<(String, String)>,
    ) -> Option<t::Address> {
        let Some(saved) = self
            .addresses
            .iter()
            .find(|a| a.id == Some(reference.id))
            .cloned()
        else {
            errors.push((
                "address.id".into(),
                format!("Address {} does not exist in this shop", reference.id),
            ));
            return None;
        };
        let id = self
            .addresses
            .iter()
            .filter_map(|a| a.id)
            .max()
            .unwrap_or(0)
            + 1;
        let copy = t::Address {
            id: Some(id),
            ..saved
        };
        self.addresses.push(copy.clone());
        Some(copy)
    }

    fn new_code(&mut self) -> String {
        loop {
            let code: String = (0..7)
                .map(|i| {
                    if i == 0 {
                        self.rng.uppercase()
                    } else {
                        upper_alnum(&mut self.rng)
                    }
                })
                .collect();
            if !self.orders.iter().any(|o| o.code == code) {
                return code;
            }
        }
    }
}

fn upper_alnum(rng: &mut fastrand::Rng) -> char {
    let c = rng.alphanumeric();
    c.to_ascii_uppercase()
}

/// Parses a JSON body into a generated type; a body that is not JSON or does not fit is one 422 field error.
fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Refusal> {
    from_json_strict(bytes)
        .map_err(|e| unprocessable_one("base", format!("the request body is invalid: {e}")))
}

async fn create_order(
    State(state): BState,
    Path(shop_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let scopes = authorize_shop(&state, &headers, &shop_id)?;
    // `line_items` is checked on the raw JSON first so that a missing list reads like Bootic's validation error
    // rather than a deserialization failure.
    let raw: serde_json::Value = parse(&body)?;
    if raw
        .get("line_items")
        .and_then(|v| v.as_array())
        .is_none_or(|items| items.is_empty())
    {
        return Err(unprocessable_one("line_items", "can't be blank"));
    }
    let input: t::OrderCreate = match from_value_strict(&raw) {
        Ok(input) => input,
        Err(e) => {
            return Err(unprocessable_one(
                "base",
                format!("the request body is invalid: {e}"),
            ));
        }
    };
    let mut inner = lock(&state.inner);
    let mut errors = Vec::new();
    let lines = lines(&input.line_items, &mut errors);
    let contact_id = input
        .contact
        .as_ref()
        .and_then(|c| inner.resolve_contact(c, &mut errors));
    let address = input
        .address
        .as_ref()
        .and_then(|a| inner.copy_address(a, &mut errors));
    if !errors.is_empty() {
        return Err(unprocessable(errors));
    }
    let now = Utc::now();
    let order = OrderRecord {
        id: inner.next_order_id,
        code: inner.new_code(),
        status: t::OrderStatus::Checkout,
        lines,
        contact_id,
        address,
        created_on: now,
        updated_on: now,
        pending_on: None,
        closed_on: None,
        shipped_on: None,
        tracking_code: None,
        courier_name: None,
    };
    inner.next_order_id += 1;
    let root = state.api_root(&headers);
    let body = inner.render(&order, &root);
    inner.orders.push(order);
    let mut response = entity(StatusCode::CREATED, &body, now, &scopes, None);
    if let Some(Ok(location)) = body
        .links
        .as_ref()
        .and_then(|l| l.self_.as_ref())
        .map(|l| HeaderValue::from_str(&l.href))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn get_order(
    State(state): BState,
    Path((shop_id, code)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let scopes = authorize_shop(&state, &headers, &shop_id)?;
    let inner = lock(&state.inner);
    let Some(order) = inner.orders.iter().find(|o| o.code == code) else {
        return Err(error(StatusCode::NOT_FOUND, "Not found").into());
    };
    let body = inner.render(order, &state.api_root(&headers));
    Ok(entity(
        StatusCode::OK,
        &body,
        order.updated_on,
        &scopes,
        headers.get(header::IF_NONE_MATCH),
    ))
}

async fn update_order(
    State(state): BState,
    Path((shop_id, code)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let scopes = authorize_shop(&state, &headers, &shop_id)?;
    let input: t::OrderUpdate = parse(&body)?;
    let mut inner = lock(&state.inner);
    let Some(index) = inner.orders.iter().position(|o| o.code == code) else {
        return Err(error(StatusCode::NOT_FOUND, "Not found").into());
    };
    let status = inner.orders[index].status;
    if status != t::OrderStatus::Checkout {
        return Err(unprocessable_one(
            "status",
            format!(
                "order is {} and can only be updated in checkout",
                status_name(status)
            ),
        ));
    }
    let mut errors = Vec::new();
    let new_lines = (!input.line_items.is_empty()).then(|| lines(&input.line_items, &mut errors));
    let contact_id = input
        .contact
        .as_ref()
        .and_then(|c| inner.resolve_contact(c, &mut errors));
    let address = input
        .address
        .as_ref()
        .and_then(|a| inner.copy_address(a, &mut errors));
    if !errors.is_empty() {
        return Err(unprocessable(errors));
    }
    let now = Utc::now();
    let order = &mut inner.orders[index];
    if let Some(lines) = new_lines {
        order.lines = lines;
    }
    if contact_id.is_some() {
        order.contact_id = contact_id;
    }
    if address.is_some() {
        order.address = address;
    }
    order.updated_on = now;
    let body = inner.render(&inner.orders[index], &state.api_root(&headers));
    Ok(entity(StatusCode::OK, &body, now, &scopes, None))
}

/// Bulk status change through the transition table; each order lands in `valid_items` or `invalid_items`.
async fn update_orders(
    State(state): BState,
    Path(shop_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    authorize_shop(&state, &headers, &shop_id)?;
    let input: t::OrdersUpdater = parse(&body)?;
    let ids_sent = input.ids.clone();
    let additions_sent = input.additions.clone();
    if input.ids.is_empty() {
        return Err(unprocessable_one("ids", "can't be blank"));
    }
    let target = match input.additions.status {
        t::OrdersUpdaterAdditionsStatus::Pending => t::OrderStatus::Pending,
        t::OrdersUpdaterAdditionsStatus::Closed => t::OrderStatus::Closed,
        t::OrdersUpdaterAdditionsStatus::Shipped => t::OrderStatus::Shipped,
        t::OrdersUpdaterAdditionsStatus::Invalid => t::OrderStatus::Invalid,
    };
    let root = state.api_root(&headers);
    let mut inner = lock(&state.inner);
    let now = Utc::now();
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    for id in input.ids {
        let item_error = |field: &str, message: String| {
            Some(t::ErrorEmbedded {
                errors: vec![t::ErrorDetail {
                    class: class(&["error"]),
                    field: field.into(),
                    messages: vec![message],
                }],
            })
        };
        let Some(index) = inner.orders.iter().position(|o| o.id == id) else {
            invalid.push(t::OrdersUpdaterItem {
                id: Some(id),
                embedded: item_error("id", format!("order {id} not found")),
                ..Default::default()
            });
            continue;
        };
        let current = inner.orders[index].status;
        if !transitions(current).contains(&target) {
            let order = &inner.orders[index];
            invalid.push(t::OrdersUpdaterItem {
                id: Some(id),
                code: Some(order.code.clone()),
                status: Some(current.into()),
                links: None,
                embedded: item_error(
                    "status",
                    format!(
                        "cannot transition from {} to {}",
                        status_name(current),
                        status_name(target)
                    ),
                ),
            });
            continue;
        }
        let order = &mut inner.orders[index];
        order.status = target;
        order.updated_on = now;
        match target {
            t::OrderStatus::Pending => order.pending_on = order.pending_on.or(Some(now)),
            t::OrderStatus::Closed => order.closed_on = Some(now),
            t::OrderStatus::Shipped => order.shipped_on = Some(now),
            _ => {}
        }
        let order = &inner.orders[index];
        valid.push(t::OrdersUpdaterItem {
            id: Some(id),
            code: Some(order.code.clone()),
            status: Some(target.into()),
            links: Some(inner.order_links(order, &root)),
            embedded: None,
        });
    }
    let result = t::OrdersUpdaterResult {
        // The update-orders relation page's answer echoes the request at the top level.
        ids: ids_sent,
        additions: Some(additions_sent),
        removals: serde_json::Map::new(),
        embedded: t::OrdersUpdaterResultEmbedded {
            valid_items: valid,
            invalid_items: invalid,
        },
    };
    Ok(json(StatusCode::OK, &result))
}

async fn list_orders(
    State(state): BState,
    Path(shop_id): Path<String>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Answer {
    let scopes = authorize_shop(&state, &headers, &shop_id)?;
    let query = Query::parse(raw_query.as_deref());
    let filters = ListFilters::parse(&query)?;
    let root = state.api_root(&headers);
    let inner = lock(&state.inner);
    let mut matching: Vec<&OrderRecord> = inner
        .orders
        .iter()
        .filter(|o| filters.matches(&inner, o))
        .collect();
    sort_orders(&mut matching, filters.sort);
    let totals: Vec<i64> = matching
        .iter()
        .map(|o| {
            o.lines
                .iter()
                .map(|l| l.variant.unit_price * i64::from(l.units))
                .sum()
        })
        .collect();
    let last_page = matching.len().div_ceil(filters.per_page).max(1);
    let items: Vec<t::Order> = matching
        .iter()
        .skip((filters.page - 1).saturating_mul(filters.per_page))
        .take(filters.per_page)
        .map(|o| inner.render(o, &root))
        .collect();
    // Every link keeps the caller's filters; only page and per_page change.
    let page_link = |page: usize| {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("page", &page.to_string())
            .append_pair("per_page", &filters.per_page.to_string());
        for (k, v) in query
            .pairs()
            .filter(|(k, _)| *k != "page" && *k != "per_page")
        {
            form.append_pair(k, v);
        }
        link(format!("{root}/shops/{SHOP_ID}/orders?{}", form.finish()))
    };
    let sum: i64 = totals.iter().sum();
    let body = t::OrderList {
        class: class(&["results", "orders"]),
        links: t::OrderListLinks {
            curies: None,
            self_: Some(page_link(filters.page)),
            btc_shop: Some(link(format!("{root}/shops/{SHOP_ID}"))),
            next: (filters.page < last_page).then(|| page_link(filters.page + 1)),
            prev: (filters.page > 1).then(|| page_link((filters.page - 1).min(last_page))),
            last: Some(page_link(last_page)),
        },
        total_items: matching.len() as i64,
        per_page: i32::try_from(filters.per_page).unwrap_or(i32::MAX),
        page: i32::try_from(filters.page).unwrap_or(i32::MAX),
        totals: Some(t::OrderListTotals {
            total: Some(sum),
            // The spec's `number` maps to Amount (a Decimal) here; the mean is kept to 2 decimals rather than f64's noise.
            mean: Some(
                if totals.is_empty() {
                    Decimal::ZERO
                } else {
                    (Decimal::from(sum) / Decimal::from(totals.len())).round_dp(2)
                }
                .into(),
            ),
            min: Some(totals.iter().copied().min().unwrap_or(0)),
            max: Some(totals.iter().copied().max().unwrap_or(0)),
        }),
        embedded: t::OrderListEmbedded { items },
    };
    let updated = matching
        .iter()
        .map(|o| o.updated_on)
        .max()
        .unwrap_or_else(Utc::now);
    Ok(entity(
        StatusCode::OK,
        &body,
        updated,
        &scopes,
        headers.get(header::IF_NONE_MATCH),
    ))
}
