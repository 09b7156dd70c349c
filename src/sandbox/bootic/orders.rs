//! The Bootic fake's orders: create, get, update one or many, and list.

use super::{paging::Page, *};

/// Resolves line inputs against the catalog: unknown variants and non-positive units are field errors.
pub(super) fn lines(inputs: &[t::LineItemInput], errors: &mut Vec<(String, String)>) -> Vec<Line> {
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
    pub(super) fn resolve_contact(
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
    pub(super) fn copy_address(
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

    pub(super) fn new_code(&mut self) -> String {
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

pub(super) fn upper_alnum(rng: &mut fastrand::Rng) -> char {
    let c = rng.alphanumeric();
    c.to_ascii_uppercase()
}

/// Parses a JSON body into a generated type; a body that is not JSON or does not fit is one 422 field error.
pub(super) fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Refusal> {
    from_json_strict(bytes)
        .map_err(|e| unprocessable_one("base", format!("the request body is invalid: {e}")))
}

pub(super) async fn create_order(
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

pub(super) async fn get_order(
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

pub(super) async fn update_order(
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
pub(super) async fn update_orders(
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

pub(super) async fn list_orders(
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
    let page = Page::new(filters.page, filters.per_page, matching.len());
    let last_page = page.last;
    let items: Vec<t::Order> = page.of(&matching).map(|o| inner.render(o, &root)).collect();
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
        per_page: page.size_i32(),
        page: page.number_i32(),
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
