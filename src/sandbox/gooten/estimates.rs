//! The Gooten fake's estimates: the shipping price range of a product (`getShipPriceEstimate`) and currency
//! conversion (`convertCurrency`), from the static catalog's ship rates and fixed currency rates.

use std::sync::Arc;

use axum::{Router, extract::RawQuery, http::StatusCode, routing::get};
use rust_decimal::Decimal;

use super::{
    GootenState, authorize,
    catalog::{Catalog, Method},
    code_param, currency_code, currency_param, int32_param, invalid_one, not_found, not_valid,
    required, ship_to_country,
};
use crate::gooten::types as t;
use crate::sandbox::http::{Answer, json};

/// The country every sandbox product ships from. Uncertain: Gooten routes to many vendors.
const VENDOR_COUNTRY: &str = "US";

/// Adds the routes of this file under one prefix (lower-case paths, as the server routes them).
pub(super) fn routes(
    router: Router<Arc<GootenState>>,
    path: &impl Fn(&str) -> String,
) -> Router<Arc<GootenState>> {
    router
        .route(&path("shippriceestimate"), get(get_ship_price_estimate))
        .route(&path("currencyconversion"), get(convert_currency))
}

async fn get_ship_price_estimate(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getShipPriceEstimate")?;
    let country = ship_to_country(&query)?;
    let currency = currency_param(&query)?;
    required(&query, "productId")?;
    let id = int32_param(&query, "productId")?.unwrap_or_default();
    let Some(product) = Catalog::get().product(id) else {
        return Err(not_found(
            "productId",
            format!("Product '{id}' does not exist."),
            &id.to_string(),
        ));
    };
    let options: Vec<t::ShipOption> = product
        .ship_offers(country)
        .into_iter()
        .map(|offer| offer.to_generated(1, currency))
        .collect();
    let price = |o: &&t::ShipOption| o.price.as_ref().and_then(|p| p.price).unwrap_or_default();
    let min = options.iter().min_by_key(price);
    let max = options.iter().max_by_key(price);
    let expedited = product
        .ship_offers(country)
        .iter()
        .any(|o| o.rate.method != Method::Standard);
    Ok(json(
        StatusCode::OK,
        &t::ShipPriceEstimate {
            vendor_country_code: Some(VENDOR_COUNTRY.into()),
            can_ship_expedited: Some(expedited),
            est_ship_days: min.and_then(|o| o.est_business_days_til_delivery),
            min_price: min.and_then(|o| o.price.clone()),
            max_price: max.and_then(|o| o.price.clone()),
            had_error: Some(false),
        },
    ))
}

async fn convert_currency(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "convertCurrency")?;
    let from = currency_code(
        Some(code_param(&query, "fromCurrencyCode", 3)?),
        "fromCurrencyCode",
    )?;
    let to = currency_code(
        Some(code_param(&query, "toCurrencyCode", 3)?),
        "toCurrencyCode",
    )?;
    let raw = required(&query, "amount")?;
    let amount: Decimal = raw.parse().map_err(|_| not_valid("amount", raw))?;
    if amount.is_sign_negative() {
        return Err(invalid_one(
            "amount",
            "'Amount' must be greater than or equal to '0'.",
            Some(raw.into()),
        ));
    }
    Ok(json(
        StatusCode::OK,
        &to.amount(amount / from.per_usd * to.per_usd),
    ))
}
