//! The Bootic fake's shop entity, products and order tracking (a child module of `bootic`): `GET /v1/shops/{id}`
//! (getShop), `GET /v1/products` (listProducts, HAL-paged, filtered by `shop_ids` as the shop's `btc:products`
//! link does), `GET /v1/products/{id}` (getProduct, by id or slug) and `PUT /v1/shops/{id}/orders/{code}/tracking`
//! (updateOrderTracking), and `GET /v1/shops/{id}/contacts` (listContacts: the contacts orders created, newest
//! first).
//!
//! The products are the sandbox catalog's variants grouped by product, so every variant id a product shows is one
//! `create_order` accepts. Tracking is stored on the order (`tracking_code`, `courier_name`, also under
//! `fulfillment`) and shown by every later read of it. Since the real body is not documented, the sandbox's rules
//! are its own: `tracking_code` is required, a `status` must be an allowed transition of the order, and an order
//! in `checkout` or `invalid` (unpaid or void) does not take a tracking code.

use axum::{
    Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    routing::{get, put},
};
use chrono::Utc;

use super::{
    Answer, BState, BooticState, Query, SHOP_ID, VARIANTS, Variant, authorize, authorize_shop,
    class, entity, error, from_value_strict, link, list, lock,
    paging::{Page, page_link},
    parse, status_name, t, transitions, unprocessable_one,
};

/// Products per page when `per_page` is not given (the products relation page shows 50).
const DEFAULT_PER_PAGE: usize = 50;

/// The variables of the shop's `btc:products` template after `shop_ids` (a subset of the recorded one; the
/// sandbox refuses any other query name, so a filter it does not apply never lists everything silently).
const PRODUCT_FILTERS: &[&str] = &["q", "page", "per_page", "status", "sku", "sort"];

/// The routes of this module.
pub(super) fn routes() -> Router<std::sync::Arc<BooticState>> {
    Router::new()
        .route("/v1/shops/{shop_id}", get(get_shop))
        .route("/v1/shops/{shop_id}/contacts", get(list_contacts))
        .route("/v1/products", get(list_products))
        .route("/v1/products/{product_id}", get(get_product))
        .route(
            "/v1/shops/{shop_id}/orders/{code}/tracking",
            put(update_order_tracking),
        )
}

/// The sandbox shop, as the API root embeds it and getShop answers it.
pub(super) fn shop(root: &str) -> t::Shop {
    let shop = format!("{root}/shops/{SHOP_ID}");
    let templated = |href: String, title: &str| t::HalLink {
        templated: Some(true),
        title: Some(title.into()),
        ..link(href)
    };
    t::Shop {
        class: class(&["shop"]),
        links: Some(t::ShopLinks {
            self_: Some(link(shop.clone())),
            btc_orders: Some(templated(
                format!("{shop}/orders{{?{}}}", list::TEMPLATE_VARIABLES.join(",")),
                "Orders for this shop",
            )),
            btc_order: Some(templated(format!("{shop}/orders/{{id}}"), "Order details")),
            btc_create_order: Some(t::HalLink {
                method: Some("post".into()),
                title: Some("Create a new order for this shop".into()),
                ..link(format!("{shop}/orders"))
            }),
            // As the recorded root: the product list filtered by this shop, with a `{&...}` continuation.
            btc_products: Some(templated(
                format!(
                    "{root}/products?shop_ids={SHOP_ID}{{&{}}}",
                    PRODUCT_FILTERS.join(",")
                ),
                "Products of this shop",
            )),
            btc_contacts: Some(templated(
                format!("{shop}/contacts{{?page,per_page,q,sort}}"),
                "Contacts of this shop",
            )),
            ..Default::default()
        }),
        // Real answers carry the shop id as a string (the recorded API root: `"id": "47"`).
        id: Some(t::ShopIdValue::String(SHOP_ID.to_string())),
        created_on: None,
        updated_on: None,
        asset_count: None,
        name: Some("Sandbox Wines".into()),
        subdomain: Some("sandbox".into()),
        url: Some("sandbox-shop.bootic.invalid".into()),
        description: Some("The fulfillment-apis sandbox shop".into()),
        locale: Some("es".into()),
        currency_code: Some("CLP".into()),
    }
}

async fn get_shop(State(state): BState, Path(shop_id): Path<String>, headers: HeaderMap) -> Answer {
    let scopes = authorize(&state, &headers, false)?;
    if shop_id.parse::<i64>().ok() != Some(SHOP_ID) {
        return Err(error(StatusCode::NOT_FOUND, "Not found").into());
    }
    let body = shop(&state.api_root(&headers));
    Ok(entity(
        StatusCode::OK,
        &body,
        Utc::now(),
        &scopes,
        headers.get(header::IF_NONE_MATCH),
    ))
}

/// The catalog's products: the variants grouped by product id, in catalog order.
fn products() -> Vec<Vec<&'static Variant>> {
    let mut out: Vec<Vec<&'static Variant>> = Vec::new();
    for variant in VARIANTS {
        match out
            .iter_mut()
            .find(|p| p[0].product_id == variant.product_id)
        {
            Some(product) => product.push(variant),
            None => out.push(vec![variant]),
        }
    }
    out
}

fn slug(title: &str) -> String {
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-")
}

fn render_product(variants: &[&'static Variant], root: &str, detail: bool) -> t::Product {
    let first = variants[0];
    let href = format!("{root}/products/{}", first.product_id);
    t::Product {
        class: class(&["product"]),
        links: Some(t::ProductLinks {
            self_: Some(link(href.clone())),
            btc_update_product: Some(t::HalLink {
                method: Some("put".into()),
                title: Some("Update this product".into()),
                ..link(format!(
                    "{root}/shops/{SHOP_ID}/products/{}",
                    first.product_id
                ))
            }),
            ..Default::default()
        }),
        id: Some(first.product_id.to_string()),
        slug: Some(slug(first.product_title)),
        title: Some(first.product_title.into()),
        description: detail.then(|| format!("{} (sandbox product)", first.product_title)),
        price: variants.iter().map(|v| v.unit_price).min(),
        has_multiple_prices: Some(variants.iter().any(|v| v.unit_price != first.unit_price)),
        status: Some("visible".into()),
        stock: Some(variants.iter().map(|v| v.stock).sum()),
        currency_code: Some("CLP".into()),
        embedded: Some(t::ProductEmbedded {
            shop: None,
            type_: Some(t::ProductType {
                id: Some(first.product_type.0.to_string()),
                name: Some(first.product_type.1.into()),
            }),
            variants: variants
                .iter()
                .map(|v| t::Variant {
                    class: class(&["variant"]),
                    // A string in list answers, as in the JS client's fixture.
                    id: Some(t::VariantIdValue::String(v.id.to_string())),
                    title: Some(v.title.into()),
                    stock: Some(v.stock),
                    available_if_no_stock: Some(false),
                    sku: Some(v.sku.into()),
                    weight_in_grams: Some(v.weight_in_grams),
                    price: Some(v.unit_price),
                    ..Default::default()
                })
                .collect(),
        }),
        ..Default::default()
    }
}

/// A positive `format: int32` query value (the spec's type: at most 2147483647), or Bootic's 422 naming it, with
/// the messages of the orders list.
fn positive(query: &Query, name: &str, default: usize) -> Result<usize, super::Refusal> {
    match list::number::<i32>(query, name)? {
        None => Ok(default),
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| unprocessable_one(name, "must be greater than 0")),
    }
}

async fn list_products(
    State(state): BState,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Answer {
    let scopes = authorize(&state, &headers, false)?;
    let query = Query::parse(raw.as_deref());
    if let Some((name, _)) = query
        .pairs()
        .find(|(name, _)| *name != "shop_ids" && !PRODUCT_FILTERS.contains(name))
    {
        return Err(unprocessable_one(name, "is not a filter of this list"));
    }
    let page = positive(&query, "page", 1)?;
    let per_page = positive(&query, "per_page", DEFAULT_PER_PAGE)?;
    let status = query.get("status").unwrap_or("visible");
    if !["visible", "hidden", "all"].contains(&status) {
        return Err(unprocessable_one(
            "status",
            "must be visible, hidden or all",
        ));
    }
    let in_shop = query
        .get("shop_ids")
        .is_none_or(|ids| ids.split(',').any(|id| id.trim() == SHOP_ID.to_string()));
    let q = query.get("q").map(str::to_lowercase);
    let skus: Vec<&str> = query
        .get("sku")
        .map(|s| s.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let mut matching: Vec<_> = products()
        .into_iter()
        .filter(|_| in_shop && status != "hidden")
        .filter(|p| {
            q.as_deref()
                .is_none_or(|q| p[0].product_title.to_lowercase().contains(q))
        })
        .filter(|p| skus.is_empty() || p.iter().any(|v| skus.contains(&v.sku)))
        .collect();
    match query.get("sort") {
        None | Some("created_on.desc" | "created_on.asc") => {}
        Some("title.asc") => matching.sort_by_key(|p| p[0].product_title),
        Some("title.desc") => matching.sort_by_key(|p| std::cmp::Reverse(p[0].product_title)),
        Some("price.asc") => matching.sort_by_key(|p| p[0].unit_price),
        Some("price.desc") => matching.sort_by_key(|p| std::cmp::Reverse(p[0].unit_price)),
        Some(_) => {
            return Err(unprocessable_one(
                "sort",
                "is not a sort order of this list",
            ));
        }
    }
    let root = state.api_root(&headers);
    let page = Page::new(page, per_page, matching.len());
    let page_url = |n: usize| page_link(&root, "products", &query, n);
    let items = page
        .of(&matching)
        .map(|p| render_product(p, &root, false))
        .collect();
    let body = t::ProductList {
        class: class(&["results", "products"]),
        links: Some(t::ProductListLinks {
            self_: Some(page_url(page.number)),
            next: (page.number < page.last).then(|| page_url(page.number + 1)),
            last: Some(page_url(page.last)),
            ..Default::default()
        }),
        total_items: matching.len() as i64,
        per_page: page.size_i32(),
        page: page.number_i32(),
        embedded: Some(t::ProductListEmbedded {
            items,
            facets: None,
        }),
    };
    Ok(entity(StatusCode::OK, &body, Utc::now(), &scopes, None))
}

async fn get_product(
    State(state): BState,
    Path(product_id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let scopes = authorize(&state, &headers, false)?;
    let Some(variants) = products().into_iter().find(|p| {
        p[0].product_id.to_string() == product_id || slug(p[0].product_title) == product_id
    }) else {
        return Err(error(StatusCode::NOT_FOUND, "Not found").into());
    };
    let body = render_product(&variants, &state.api_root(&headers), true);
    Ok(entity(
        StatusCode::OK,
        &body,
        Utc::now(),
        &scopes,
        headers.get(header::IF_NONE_MATCH),
    ))
}

async fn update_order_tracking(
    State(state): BState,
    Path((shop_id, code)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let scopes = authorize_shop(&state, &headers, &shop_id)?;
    let raw: serde_json::Value = parse(&body)?;
    if raw
        .get("tracking_code")
        .and_then(|v| v.as_str())
        .is_none_or(|s| s.trim().is_empty())
    {
        return Err(unprocessable_one("tracking_code", "can't be blank"));
    }
    let input: t::OrderTracking = from_value_strict(&raw)
        .map_err(|e| unprocessable_one("base", format!("the request body is invalid: {e}")))?;
    let mut inner = lock(&state.inner);
    let Some(index) = inner.orders.iter().position(|o| o.code == code) else {
        return Err(error(StatusCode::NOT_FOUND, "Not found").into());
    };
    let current = inner.orders[index].status;
    let target = match &input.status {
        None => current,
        Some(status) => *status.known().ok_or_else(|| {
            unprocessable_one("status", format!("{status} is not an order status"))
        })?,
    };
    if target != current && !transitions(current).contains(&target) {
        return Err(unprocessable_one(
            "status",
            format!(
                "cannot transition from {} to {}",
                status_name(current),
                status_name(target)
            ),
        ));
    }
    if matches!(target, t::OrderStatus::Checkout | t::OrderStatus::Invalid) {
        return Err(unprocessable_one(
            "tracking_code",
            format!(
                "an order in {} cannot carry a tracking code",
                status_name(target)
            ),
        ));
    }
    let now = Utc::now();
    let order = &mut inner.orders[index];
    order.tracking_code = Some(input.tracking_code.trim().to_string());
    if input.courier_name.is_some() {
        order.courier_name = input.courier_name;
    }
    if target != current {
        order.status = target;
        match target {
            t::OrderStatus::Pending => order.pending_on = order.pending_on.or(Some(now)),
            t::OrderStatus::Closed => order.closed_on = Some(now),
            t::OrderStatus::Shipped => order.shipped_on = Some(now),
            _ => {}
        }
    }
    order.updated_on = now;
    let order = &inner.orders[index];
    let body = inner.render(order, &state.api_root(&headers));
    Ok(entity(StatusCode::OK, &body, now, &scopes, None))
}

async fn list_contacts(
    State(state): BState,
    Path(shop_id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Answer {
    let scopes = authorize_shop(&state, &headers, &shop_id)?;
    let query = Query::parse(raw.as_deref());
    if let Some((name, _)) = query
        .pairs()
        .find(|(name, _)| !["page", "per_page", "q", "sort"].contains(name))
    {
        return Err(unprocessable_one(name, "is not a filter of this list"));
    }
    let page = positive(&query, "page", 1)?;
    let per_page = positive(&query, "per_page", DEFAULT_PER_PAGE)?;
    if let Some(sort) = query.get("sort").filter(|s| *s != "created_on.desc") {
        return Err(unprocessable_one(
            "sort",
            format!("{sort} is not a sort order of this list"),
        ));
    }
    let q = query.get("q").map(str::to_lowercase);
    let root = state.api_root(&headers);
    let inner = lock(&state.inner);
    let matching: Vec<_> = inner
        .contacts
        .iter()
        .rev()
        .filter(|c| {
            q.as_deref().is_none_or(|q| {
                c.email.to_lowercase().contains(q)
                    || c.name
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase().contains(q))
            })
        })
        .collect();
    let page = Page::new(page, per_page, matching.len());
    let contacts_path = format!("shops/{SHOP_ID}/contacts");
    let page_url = |n: usize| page_link(&root, &contacts_path, &query, n);
    let items = page
        .of(&matching)
        .map(|c| t::ContactSummary {
            class: class(&["contact"]),
            id: Some(c.id),
            name: c.name.clone(),
            email: Some(c.email.clone()),
            phone_number: c.phone_number.clone(),
            opt_in: Some(false),
            available_orders_count: Some(
                inner
                    .orders
                    .iter()
                    .filter(|o| o.contact_id == Some(c.id))
                    .count() as i64,
            ),
            ..Default::default()
        })
        .collect();
    let body = t::ContactList {
        class: class(&["results", "contacts"]),
        links: Some(t::ContactListLinks {
            btc_shop: Some(link(format!("{root}/shops/{SHOP_ID}"))),
            self_: Some(page_url(page.number)),
            next: (page.number < page.last).then(|| page_url(page.number + 1)),
            last: Some(page_url(page.last)),
            curies: None,
        }),
        total_items: matching.len() as i64,
        per_page: page.size_i32(),
        page: page.number_i32(),
        embedded: Some(t::ContactListEmbedded { items }),
    };
    Ok(entity(StatusCode::OK, &body, Utc::now(), &scopes, None))
}
