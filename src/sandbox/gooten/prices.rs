//! The Gooten fake's prices: shipping prices of a cart, and the price estimate of an order (items, shipping,
//! tax, coupons).

use super::*;

/// A priced cart line: product, ship option and units.
pub(super) struct ShipLine<'c> {
    pub(super) product: &'c CatalogProduct,
    pub(super) offer: ShipOffer<'c>,
    pub(super) units: i32,
}

/// Shipping in USD: lines of the same product shipped the same way go in one box (first unit at the base rate).
pub(super) fn shipping_usd(lines: &[ShipLine<'_>]) -> Decimal {
    let mut boxes: BTreeMap<(i32, i32), (i32, ShipOffer<'_>)> = BTreeMap::new();
    for line in lines {
        let entry = boxes
            .entry((line.product.id, line.offer.id))
            .or_insert((0, line.offer));
        // Saturating: quantities are int32 in the spec, and two large lines must not overflow the box.
        entry.0 = entry.0.saturating_add(line.units);
    }
    boxes
        .values()
        .map(|(units, offer)| offer.rate.price_usd(*units))
        .sum()
}

pub(super) async fn get_shipping_prices(RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "getShippingPrices")?;
    let request: t::ShippingPricesRequest = body(&bytes, "ShippingPricesRequest")?;
    let catalog = Catalog::get();
    let currency = currency_code(request.currency_code.as_deref(), "CurrencyCode")?;
    let mut errors = Vec::new();
    errors.extend(country_failure("ShipToCountry", &request.ship_to_country));
    if request.items.is_empty() {
        errors.push(failure("Items", empty_message("Items"), None));
    }
    // Group the SKUs by product: a product's variants ship together.
    let mut groups: Vec<(&CatalogProduct, Vec<String>, i32)> = Vec::new();
    for (i, item) in request.items.iter().enumerate() {
        if item.quantity < 1 {
            errors.push(failure(
                &format!("Items[{i}].Quantity"),
                "'Quantity' must be greater than '0'.",
                Some(item.quantity.into()),
            ));
        }
        match catalog.variant(&item.sku) {
            None => errors.push(failure(
                &format!("Items[{i}].SKU"),
                format!("'{}' is not a valid SKU.", item.sku),
                Some(item.sku.clone().into()),
            )),
            Some((product, variant)) => match groups.iter_mut().find(|g| g.0.id == product.id) {
                Some(group) => {
                    group.1.push(variant.sku.into());
                    group.2 = group.2.saturating_add(item.quantity);
                }
                None => groups.push((product, vec![variant.sku.into()], item.quantity)),
            },
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let result = groups
        .into_iter()
        .map(|(product, skus, units)| t::ShipGroup {
            sk_us: skus,
            ship_options: product
                .ship_offers(&request.ship_to_country)
                .into_iter()
                .map(|offer| offer.to_generated(units, currency))
                .collect(),
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::ShippingPricesResponse {
            result,
            had_error: Some(false),
        },
    ))
}

/// Checks one cart or order line (`property` is its path, e.g. `Order.Items[0]`): a positive quantity and a
/// SKU of the catalog, with Gooten's messages. Returns the SKU's product and variant when it exists.
pub(super) fn catalog_item<'c>(
    catalog: &'c Catalog,
    property: &str,
    sku: &str,
    quantity: i32,
    errors: &mut Vec<t::ValidationFailure>,
) -> Option<(&'c CatalogProduct, &'c CatalogVariant)> {
    if quantity < 1 {
        errors.push(failure(
            &format!("{property}.Quantity"),
            "'Quantity' must be greater than '0'.",
            Some(quantity.into()),
        ));
    }
    let found = catalog.variant(sku);
    if found.is_none() {
        errors.push(failure(
            &format!("{property}.SKU"),
            format!("'{sku}' is not a valid SKU."),
            Some(sku.into()),
        ));
    }
    found
}

/// Resolves an item's shipping: the ship option by id, or the one of the ship type, or standard.
pub(super) fn resolve_offer<'c>(
    product: &'c CatalogProduct,
    country: &str,
    method_id: Option<i32>,
    ship_type: Option<t::ShipType>,
    property: &str,
) -> Result<ShipOffer<'c>, t::ValidationFailure> {
    let offers = product.ship_offers(country);
    if let Some(id) = method_id {
        return offers.into_iter().find(|o| o.id == id).ok_or_else(|| {
            failure(
                &format!("{property}.ShipCarrierMethodId"),
                format!(
                    "Ship carrier method {id} is not available for this item shipping to {country}."
                ),
                Some(id.into()),
            )
        });
    }
    let method = ship_type
        .map(Method::from_ship_type)
        .unwrap_or(Method::Standard);
    offers
        .into_iter()
        .find(|o| o.rate.method == method)
        .ok_or_else(|| {
            failure(
                &format!("{property}.ShipType"),
                format!(
                    "Ship type '{}' is not available for this item shipping to {country}.",
                    method.name().to_lowercase()
                ),
                Some(method.name().to_lowercase().into()),
            )
        })
}

/// Tax the sandbox charges: a flat 7% of the items for US addresses, none elsewhere (VAT is in the prices).
pub(super) fn tax_usd(country: &str, items_usd: Decimal) -> Decimal {
    if country.eq_ignore_ascii_case("US") {
        (items_usd * Decimal::new(7, 2)).round_dp(2)
    } else {
        Decimal::ZERO
    }
}

pub(super) async fn get_price_estimate(RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "getPriceEstimate")?;
    let request: t::PriceEstimateRequest = body(&bytes, "PriceEstimateRequest")?;
    let catalog = Catalog::get();
    // Real clients leave Payment out (gooten-js tests): the estimate is then in USD.
    let currency = currency_code(
        request.payment.as_ref().map(|p| p.currency_code.as_str()),
        "Payment.CurrencyCode",
    )?;
    let country = request.ship_to_address.country_code.as_str();
    let mut errors = Vec::new();
    errors.extend(country_failure("ShipToAddress.CountryCode", country));
    let mut items_usd = Decimal::ZERO;
    let mut lines = Vec::new();
    for (i, item) in request.items.iter().enumerate() {
        let property = format!("Items[{i}]");
        let Some((product, variant)) =
            catalog_item(catalog, &property, &item.sku, item.quantity, &mut errors)
        else {
            continue;
        };
        items_usd += variant.price_usd * Decimal::from(item.quantity.max(0));
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
    if request.items.is_empty() {
        errors.push(failure("Items", empty_message("Items"), None));
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let coupon = request
        .coupon_code
        .as_deref()
        .filter(|c| c.eq_ignore_ascii_case(COUPON_50_OFF));
    let listed = request
        .coupon_codes
        .iter()
        .any(|c| c.trim().eq_ignore_ascii_case(COUPON_50_OFF));
    let savings_usd = if coupon.is_some() || listed {
        (items_usd / Decimal::TWO).round_dp(2)
    } else {
        Decimal::ZERO
    };
    let coupons = coupon_applications(&request.coupon_codes, currency, savings_usd);
    let response = t::PriceEstimateResponse {
        items: Some(currency.price(items_usd)),
        shipping: Some(currency.price(shipping_usd(&lines))),
        tax: Some(currency.price(tax_usd(country, items_usd - savings_usd))),
        coupon_savings: coupon.map(|_| currency.price(savings_usd)),
        coupon_type: coupon.map(|_| "PercentOff".into()),
        coupon_used: coupon.map(|_| COUPON_50_OFF.into()),
        had_coupon_apply: Some(coupon.is_some() || listed),
        dollars_off: coupon.map(|_| savings_usd.into()),
        percent_off: coupon.map(|_| 50.into()),
        had_error: Some(false),
        coupons,
        coupon_info: None,
    };
    Ok(json(StatusCode::OK, &response))
}

/// One `Coupons[]` entry per non-empty code of `CouponCodes`, shaped like the recorded answer (gooten-js README):
/// the sandbox's one coupon (`50OFF`) applies, any other code does not.
pub(super) fn coupon_applications(
    codes: &[String],
    currency: &CurrencyInfo,
    savings_usd: Decimal,
) -> Vec<t::CouponApplication> {
    codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .map(|code| {
            let applies = code.eq_ignore_ascii_case(COUPON_50_OFF);
            t::CouponApplication {
                coupon_savings: applies.then(|| currency.price(savings_usd)),
                coupon_info: applies.then(|| t::CouponInfo {
                    coupon_code: Some(COUPON_50_OFF.into()),
                    coupon_type: Some("PercentOff".into()),
                    percent_off: Some(50.into()),
                    is_coupon_single_use: Some(false),
                    ..Default::default()
                }),
                had_coupon_apply: Some(applies),
            }
        })
        .collect()
}
