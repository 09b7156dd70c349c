//! Setup shared by the Bootic client tests (bootic_client*.rs): credentials, clients, a scripted fake Bootic.

use std::{
    sync::atomic::{AtomicUsize, Ordering::SeqCst},
    time::Duration,
};

use fulfillment_apis::{
    RetryPolicy, Secret,
    bootic::{self, Credentials, types},
};
use serde_json::json;

use super::{Recorded, Reply, ScriptedServer};

pub const CLIENT_ID: &str = "app-7a1f";

/// Has characters that change when URL-encoded.
pub const CLIENT_SECRET: &str = "cs+Xq/9z=K2v";

/// base64("app-7a1f:cs+Xq/9z=K2v"): the HTTP Basic credentials of the token request.
pub const BASIC: &str = "YXBwLTdhMWY6Y3MrWHEvOXo9SzJ2";

pub const TOKEN: &str = "at-5f0c9b2e71d4";

pub const SHOP: i64 = 29;

pub fn credentials() -> Credentials {
    Credentials::client_credentials(CLIENT_ID, Secret::new(CLIENT_SECRET))
}

pub fn client_at(api: String, token_url: String) -> bootic::Client {
    bootic::Client::builder(credentials())
        .with_environment(bootic::Environment::Custom(api))
        .with_token_url(token_url)
        .with_retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

/// A client whose API root is `/v1` and token endpoint `/oauth/token` on the scripted server.
pub fn client(server: &ScriptedServer) -> bootic::Client {
    client_at(server.url("/v1"), server.url("/oauth/token"))
}

pub fn order_json(code: &str, total: i64) -> serde_json::Value {
    json!({
        "id": 583085, "shop_id": SHOP, "code": code, "status": "checkout",
        "net_total": total, "total": total, "currency_code": "CLP",
        "created_on": "2013-10-19T11:06:18.000Z", "updated_on": "2013-10-19T11:20:14.000Z"
    })
}

pub fn new_order() -> types::OrderCreate {
    serde_json::from_value(json!({
        "line_items": [{"variant_id": 1234, "units": 3}],
        "contact": {"email": "joe@bloggs.com", "name": "Joe Bloggs", "phone_number": "12322222222"}
    }))
    .unwrap()
}

/// `/oauth/token` issues `tok-1-…`, `tok-2-…` (each living `expires_in` seconds); `api` answers every other
/// request, given the bearer token it carries.
pub fn fake_bootic(
    expires_in: u64,
    api: impl Fn(&Recorded, &str) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let issued = AtomicUsize::new(0);
    move |request| {
        if request.path() == "/oauth/token" {
            let n = issued.fetch_add(1, SeqCst) + 1;
            return Reply::json(
                200,
                json!({"access_token": token(n), "token_type": "bearer", "expires_in": expires_in}),
            );
        }
        let bearer = request
            .headers
            .get("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_string();
        if request.path().trim_end_matches('/') == "/v1" && request.method == "GET" {
            return Reply::json(200, root_json());
        }
        api(request, &bearer)
    }
}

/// An API root whose shop 29 advertises the recorded `btc:orders` template (underscore filter names).
pub fn root_json() -> serde_json::Value {
    json!({
        "_class": ["root"],
        "_embedded": {"shops": [{
            "_class": ["shop"], "id": "29",
            "_links": {"btc:orders": {"templated": true,
                "href": "/v1/shops/29/orders{?page,per_page,q,status,code,product_id,payment_method,created_on_gte,created_on_lte,updated_on_gte,updated_on_lte,total_gte,total_lte,lat_long,distance,sort}"}}
        }]}
    })
}

pub fn token(n: usize) -> String {
    format!("tok-{n}-9f8e7d6c5b4a")
}

pub fn hits(server: &ScriptedServer, path: &str) -> usize {
    server
        .recorded()
        .iter()
        .filter(|r| r.path() == path)
        .count()
}

pub fn unauthorized() -> Reply {
    Reply::json(
        401,
        json!({"_class": ["errors"], "message": "Unauthorized"}),
    )
}
