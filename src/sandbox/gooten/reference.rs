//! The Gooten fake's reference data and account endpoints: countries, currencies, languages, user info and
//! payment validation.

use super::*;

pub(super) async fn get_countries(RawQuery(q): RawQuery) -> Answer {
    authorize(q, "getCountries")?;
    let catalog = Catalog::get();
    let countries = catalog
        .countries
        .iter()
        .map(|c| catalog.country_to_generated(c))
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::CountriesResponse {
            countries,
            had_error: Some(false),
        },
    ))
}

pub(super) async fn get_currencies(RawQuery(q): RawQuery) -> Answer {
    authorize(q, "getCurrencies")?;
    let currencies = Catalog::get()
        .currencies
        .iter()
        .map(CurrencyInfo::to_generated)
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::CurrenciesResponse {
            currencies,
            had_error: Some(false),
        },
    ))
}

pub(super) async fn get_languages(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getLanguages")?;
    required(&query, "languageCode")?;
    let entries = [
        ("ShippingAddress", "Shipping address"),
        ("BillingAddress", "Billing address"),
        ("PlaceOrder", "Place order"),
        ("OrderTotal", "Order total"),
    ];
    let key = query.get_ci("key").map(str::trim).filter(|k| !k.is_empty());
    let values = entries
        .iter()
        .filter(|(k, _)| {
            key.is_none_or(|key| {
                key.eq_ignore_ascii_case("checkout") || key.eq_ignore_ascii_case(k)
            })
        })
        .map(|(k, v)| t::LanguageEntry {
            key: Some((*k).into()),
            value: Some((*v).into()),
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::LanguageDictionary {
            category: Some("checkout".into()),
            values,
        },
    ))
}

/// The sandbox has no IP geolocation: every caller is in the US.
pub(super) async fn get_user_info(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getUserInfo")?;
    let info = t::UserInfo {
        language_code: Some(
            query
                .get_ci("languageCode")
                .filter(|l| !l.is_empty())
                .unwrap_or("en")
                .into(),
        ),
        country_code: Some("US".into()),
        country_name: Some("United States".into()),
        currency_name: Some("US Dollar".into()),
        currency_code: Some("USD".into()),
        currency_format: Some("${1}".into()),
        had_error: Some(false),
    };
    Ok(json(StatusCode::OK, &info))
}

/// A PayPal key the sandbox accepts starts with `PAY-` (PayPal's payment id shape); a valid payment moves a
/// pre-submitted order to New.
pub(super) async fn validate_payment(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "validatePayment")?;
    let order_id = required(&query, "OrderId")?;
    let paypal_key = required(&query, "PayPalKey")?;
    let mut inner = lock(&state.inner);
    let Some(order) = inner.by_safe_id_mut(order_id) else {
        return Err(not_found(
            "OrderId",
            format!("No order was found with the Id '{order_id}'."),
            order_id,
        ));
    };
    let valid = order.pre_submit && paypal_key.starts_with("PAY-");
    if valid {
        order.pre_submit = false;
        for item in &mut order.details.items {
            item.status = Some(t::OrderItemStatus::New.into());
        }
    }
    Ok(json(
        StatusCode::OK,
        &t::PaymentValidationResponse {
            is_valid: Some(valid),
            had_error: Some(false),
        },
    ))
}
