//! The Gooten fake's order submission: the spec's required fields checked on the raw JSON, duplicate
//! protection by SourceId, and the stored order as `getOrder` returns it.

use super::*;

/// The `required` lists of the spec's order schemas, checked on the raw JSON so that a missing or empty field
/// becomes Gooten's per-field validation error rather than a deserialization failure. A unit test compares them
/// with `spec/gooten.yaml`.
pub(super) const ORDER_REQUIRED: &[&str] = &["ShipToAddress", "BillingAddress", "Items"];
pub(super) const SHIP_TO_REQUIRED: &[&str] = &[
    "FirstName",
    "LastName",
    "Line1",
    "City",
    "CountryCode",
    "PostalCode",
    "Phone",
    "Email",
];
pub(super) const BILLING_REQUIRED: &[&str] =
    &["FirstName", "LastName", "PostalCode", "CountryCode"];
pub(super) const ITEM_REQUIRED: &[&str] = &["SKU", "Quantity"];
pub(super) const IMAGE_REQUIRED: &[&str] = &["Url"];

/// A property of a JSON object, its name matched ignoring ASCII case (the server binds names that way).
pub(super) fn get_ci<'v>(object: &'v Value, name: &str) -> Option<&'v Value> {
    object
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

pub(super) fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// Missing or empty required fields of an order body, as `Order.ShipToAddress.PostalCode`-style failures.
pub(super) fn missing_fields(order: &Value) -> Vec<t::ValidationFailure> {
    fn check(object: &Value, path: &str, required: &[&str], out: &mut Vec<t::ValidationFailure>) {
        for name in required {
            let value = get_ci(object, name);
            if is_blank(value) {
                let attempted = value
                    .cloned()
                    .filter(|v| v.is_string() || v.is_array())
                    .or(Some(Value::Null));
                out.push(failure(
                    &format!("{path}.{name}"),
                    empty_message(name),
                    attempted,
                ));
            }
        }
    }
    let mut out = Vec::new();
    if !order.is_object() {
        out.push(failure("Order", "'Order' should not be empty.", None));
        return out;
    }
    check(order, "Order", ORDER_REQUIRED, &mut out);
    if let Some(address) = get_ci(order, "ShipToAddress").filter(|v| v.is_object()) {
        check(address, "Order.ShipToAddress", SHIP_TO_REQUIRED, &mut out);
    }
    if let Some(address) = get_ci(order, "BillingAddress").filter(|v| v.is_object()) {
        check(address, "Order.BillingAddress", BILLING_REQUIRED, &mut out);
    }
    if let Some(Value::Array(items)) = get_ci(order, "Items") {
        for (i, item) in items.iter().enumerate() {
            let path = format!("Order.Items[{i}]");
            check(item, &path, ITEM_REQUIRED, &mut out);
            if let Some(Value::Array(images)) = get_ci(item, "Images") {
                for (j, image) in images.iter().enumerate() {
                    check(
                        image,
                        &format!("{path}.Images[{j}]"),
                        IMAGE_REQUIRED,
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

pub(super) fn ship_to_address(a: &t::ShipToAddress) -> t::Address {
    t::Address {
        first_name: Some(a.first_name.clone()),
        last_name: Some(a.last_name.clone()),
        line1: Some(a.line1.clone()),
        line2: a.line2.clone(),
        city: Some(a.city.clone()),
        state: a.state.clone(),
        country_code: Some(a.country_code.clone()),
        postal_code: Some(a.postal_code.clone()),
        is_business_address: a.is_business_address,
        phone: Some(a.phone.clone()),
        email: Some(a.email.clone()),
    }
}

pub(super) fn billing_address(a: &t::BillingAddress) -> t::Address {
    t::Address {
        first_name: Some(a.first_name.clone()),
        last_name: Some(a.last_name.clone()),
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        country_code: Some(a.country_code.clone()),
        postal_code: Some(a.postal_code.clone()),
        is_business_address: a.is_business_address,
        phone: a.phone.clone(),
        email: a.email.clone(),
    }
}

pub(super) async fn submit_order(
    State(state): GState,
    RawQuery(q): RawQuery,
    bytes: Bytes,
) -> Answer {
    // The billing key travels in the body here, so only the recipe id is checked in the query.
    authorize(q, "submitOrder")?;
    let raw: Value = match serde_json::from_slice(&bytes) {
        Ok(raw) => raw,
        Err(e) => {
            return Err(invalid_one(
                "Order",
                format!("The request body is not valid JSON: {e}"),
                None,
            ));
        }
    };
    let errors = missing_fields(&raw);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let order: t::Order = match from_value_aspnet(&raw) {
        Ok(order) => order,
        Err(e) => {
            return Err(invalid_one(
                "Order",
                format!("The request body could not be read as an Order: {e}"),
                None,
            ));
        }
    };
    // Checked and stored under one lock, so two concurrent submissions of one SourceId cannot both pass. The
    // orders the store evicted to make room are dropped after the lock is released.
    let accepted = lock(&state.inner).accept_evicting(order);
    match accepted {
        Ok((id, _evicted)) => Ok(json(
            StatusCode::OK,
            &t::SubmitOrderResponse {
                id: Some(id),
                had_error: Some(false),
            },
        )),
        Err(errors) => Err(invalid(errors)),
    }
}

impl Inner {
    /// Validates `order` against the catalog, the billing key and earlier orders; stores it and returns its Safe
    /// Id.
    #[cfg(test)]
    pub(super) fn accept(&mut self, order: t::Order) -> Result<String, Vec<t::ValidationFailure>> {
        self.accept_evicting(order).map(|(id, _)| id)
    }

    /// [`Self::accept`], also returning the orders evicted to make room, for the caller to drop outside the lock.
    pub(super) fn accept_evicting(
        &mut self,
        order: t::Order,
    ) -> Result<(String, Evicted), Vec<t::ValidationFailure>> {
        let catalog = Catalog::get();
        let mut errors = Vec::new();
        let pre_submit = order.is_pre_submit == Some(true);
        // PayPal orders (IsPreSubmit) are paid later and Braintree orders carry their card data (the documents'
        // Braintree fields; gooten-js, android and iOS core send them), so neither needs a billing key; every
        // other order is on credit.
        let braintree = order.payment.as_ref().is_some_and(|p| {
            [&p.braintree_encrypted_cc_number, &p.braintree_payment_nonce]
                .into_iter()
                .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
        });
        if !pre_submit && !braintree {
            let key = order
                .payment
                .as_ref()
                .and_then(|p| p.partner_billing_key.as_deref())
                .unwrap_or("");
            if key.trim().is_empty() {
                errors.push(failure(
                    "Order.Payment.PartnerBillingKey",
                    empty_message("PartnerBillingKey"),
                    None,
                ));
            } else if key != PARTNER_BILLING_KEY {
                // Never echo a secret back: no AttemptedValue.
                errors.push(failure(
                    "Order.Payment.PartnerBillingKey",
                    "Invalid PartnerBillingKey.",
                    None,
                ));
            }
        }
        let currency_code = order
            .payment
            .as_ref()
            .and_then(|p| p.currency_code.as_deref());
        let currency = match currency_code {
            Some(code) if catalog.currency(code).is_none() => {
                errors.push(failure(
                    "Order.Payment.CurrencyCode",
                    format!("'{code}' is not a supported currency."),
                    Some(code.into()),
                ));
                catalog.usd()
            }
            Some(code) => catalog.currency(code).unwrap_or(catalog.usd()),
            None => catalog.usd(),
        };
        let country = order.ship_to_address.country_code.as_str();
        errors.extend(country_failure("Order.ShipToAddress.CountryCode", country));
        errors.extend(code_format(
            "Order.BillingAddress.CountryCode",
            &order.billing_address.country_code,
            2,
        ));
        let mut lines = Vec::new();
        let mut items = Vec::new();
        for (i, item) in order.items.iter().enumerate() {
            let property = format!("Order.Items[{i}]");
            let Some((product, variant)) =
                catalog_item(catalog, &property, &item.sku, item.quantity, &mut errors)
            else {
                continue;
            };
            if item.ship_type.is_none() && item.ship_carrier_method_id.is_none() {
                errors.push(failure(
                    &format!("{property}.ShipType"),
                    "Either 'ShipType' or 'ShipCarrierMethodId' must be set.",
                    Some(Value::Null),
                ));
            } else if catalog.ships_to(country) {
                match resolve_offer(
                    product,
                    country,
                    item.ship_carrier_method_id,
                    item.ship_type,
                    &property,
                ) {
                    Ok(offer) => lines.push(ShipLine {
                        product,
                        offer,
                        units: item.quantity.max(1),
                    }),
                    Err(e) => errors.push(e),
                }
            }
            items.push((product, variant, item));
        }
        let source_id = order
            .source_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let (Some(source_id), Some(true)) = (source_id, order.is_partner_source_id_unique)
            && self.by_source_id.get(source_id).next().is_some()
        {
            errors.push(failure(
                "Order.SourceId",
                format!("An order with SourceId '{source_id}' already exists."),
                Some(source_id.into()),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let coupon = order
            .coupon_code
            .iter()
            .chain(&order.coupon_codes)
            .map(|c| c.trim())
            .find(|c| c.eq_ignore_ascii_case(COUPON_50_OFF));
        let status = if pre_submit {
            t::OrderItemStatus::PrePayment
        } else if order.is_in_test_mode == Some(true) {
            t::OrderItemStatus::Test
        } else {
            t::OrderItemStatus::New
        };
        let mut total = Decimal::ZERO;
        let mut discount = Decimal::ZERO;
        let first_item_id = self.next_item_id;
        let images = items
            .iter()
            .map(|(_, _, item)| {
                item.images
                    .iter()
                    .map(|image| t::OrderDetailsImage {
                        source_url: Some(image.url.clone()),
                        space_id: image.space_id.clone(),
                        thumbnail_url: image.thumbnail_url.clone(),
                    })
                    .collect()
            })
            .collect();
        let details_items = items
            .into_iter()
            .map(|(product, variant, item)| {
                let line = currency.convert(variant.price_usd) * Decimal::from(item.quantity);
                let after = if coupon.is_some() {
                    (line / Decimal::TWO).round_dp(2)
                } else {
                    line
                };
                total += after;
                discount += line - after;
                t::OrderDetailsItem {
                    sku: Some(variant.sku.into()),
                    product_id: Some(product.id),
                    product: Some(product.name.into()),
                    quantity: Some(item.quantity),
                    status: Some(status.into()),
                    price: Some(currency.amount(line)),
                    discount_amount: coupon.map(|_| currency.amount(after)),
                    source_id: item.source_id.clone(),
                    meta: item.meta.clone(),
                    shipments: Vec::new(),
                    ..Default::default()
                }
            })
            .enumerate()
            .map(|(i, mut item)| {
                item.order_item_id = Some(first_item_id + i as i64);
                item
            })
            .collect();
        let uuid = uuid_like(&mut self.rng);
        let seq = self.orders.next_seq();
        let id = format!("{}-{uuid}", seq + 1);
        let last_group = uuid.rsplit('-').next().unwrap_or(&uuid);
        let details = t::OrderDetails {
            id: Some(id.clone()),
            gooten_id: Some(FIRST_GOOTEN_ID + seq as i64),
            nice_id: Some(format!(
                "{}-{}",
                order.ship_to_address.last_name,
                last_group[..6].to_uppercase()
            )),
            source_id: source_id.map(Into::into),
            items: details_items,
            total: Some(currency.amount(total)),
            shipping_total: Some(currency.price(shipping_usd(&lines))),
            discount_amount: coupon.map(|_| currency.amount(discount)),
            discount_code: coupon.map(|_| COUPON_50_OFF.into()),
            shipping_address: Some(ship_to_address(&order.ship_to_address)),
            billing_address: Some(billing_address(&order.billing_address)),
            meta: order.meta.clone(),
            had_error: Some(false),
            ship_to_address: None,
        };
        self.next_item_id += details.items.len() as i64;
        self.by_safe_id.insert(id.clone(), seq);
        if let Some(source_id) = &details.source_id {
            self.by_source_id.insert(source_id.clone(), seq);
        }
        let evicted = self.orders.push(StoredOrder {
            details,
            created: Utc::now(),
            pre_submit,
            images,
        });
        let evicted = self.unindex(evicted);
        Ok((id, evicted))
    }

    /// Removes evicted orders from the indexes and hands them back.
    fn unindex(&mut self, evicted: Evicted) -> Evicted {
        for (seq, order) in &evicted {
            let seq = *seq;
            if let Some(id) = &order.details.id {
                self.by_safe_id.remove_oldest(id.as_str(), seq);
            }
            if let Some(source_id) = &order.details.source_id {
                self.by_source_id.remove_oldest(source_id.as_str(), seq);
            }
        }
        evicted
    }

    pub(super) fn set_max_orders(&mut self, max: usize) -> Evicted {
        let evicted = self.orders.set_cap(max);
        self.unindex(evicted)
    }

    pub(super) fn by_safe_id(&self, id: &str) -> Option<&StoredOrder> {
        let seq = self.by_safe_id.get(id).next_back()?;
        self.orders.get(seq)
    }

    pub(super) fn by_safe_id_mut(&mut self, id: &str) -> Option<&mut StoredOrder> {
        let seq = self.by_safe_id.get(id).next_back()?;
        self.orders.get_mut(seq)
    }

    /// The order with this GootenId: its sequence number is the id less `FIRST_GOOTEN_ID`.
    pub(super) fn by_gooten_id_mut(&mut self, id: i64) -> Option<&mut StoredOrder> {
        let seq = u64::try_from(id.checked_sub(FIRST_GOOTEN_ID)?).ok()?;
        self.orders.get_mut(seq)
    }

    /// By Safe Id, else by SourceId (the newest order with it).
    pub(super) fn find(&self, id: &str) -> Option<&StoredOrder> {
        self.by_safe_id(id).or_else(|| {
            let seq = self.by_source_id.get(id).next_back()?;
            self.orders.get(seq)
        })
    }
}
