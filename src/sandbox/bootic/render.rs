//! The Bootic fake's HAL rendering: links, entities, order documents and status transitions.

use super::*;

pub(super) fn link(href: String) -> t::HalLink {
    t::HalLink {
        href,
        method: None,
        name: None,
        templated: None,
        title: None,
        type_: None,
    }
}

pub(super) fn web_link(href: String, title: &str) -> t::HalLink {
    t::HalLink {
        type_: Some("text/html".into()),
        title: Some(title.into()),
        ..link(href)
    }
}

/// Statuses an order may move to from `status` (the JS client's fixture `transitions`).
pub(super) fn transitions(status: t::OrderStatus) -> &'static [t::OrderStatus] {
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

pub(super) fn status_name(status: t::OrderStatus) -> String {
    status.to_string()
}

impl Inner {
    pub(super) fn contact(&self, id: Option<i64>) -> Option<&Contact> {
        id.and_then(|id| self.contacts.iter().find(|c| c.id == id))
    }

    pub(super) fn order_links(&self, order: &OrderRecord, root: &str) -> t::OrderLinks {
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

    pub(super) fn render(&self, order: &OrderRecord, root: &str) -> t::Order {
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
pub(super) fn entity<T: Serialize>(
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
