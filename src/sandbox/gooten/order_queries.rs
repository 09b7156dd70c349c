//! The Gooten fake's order queries: get by Safe Id or SourceId, search, and status changes.

use super::*;

pub(super) async fn get_order(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getOrder")?;
    let id = required(&query, "id")?;
    let with_images = flag(&query, "withImages")?;
    match lock(&state.inner).find(id) {
        Some(order) if with_images => {
            let mut details = order.details.clone();
            for (item, images) in details.items.iter_mut().zip(&order.images) {
                item.images.clone_from(images);
            }
            Ok(json(StatusCode::OK, &details))
        }
        Some(order) => Ok(json(StatusCode::OK, &order.details)),
        None => Err(not_found(
            "id",
            format!("No order was found with the Id or SourceId '{id}'."),
            id,
        )),
    }
}

pub(super) fn matches_text(order: &t::OrderDetails, needle: &str) -> bool {
    let needle = needle.to_lowercase();
    let contains = |s: &Option<String>| {
        s.as_deref()
            .is_some_and(|s| s.to_lowercase().contains(&needle))
    };
    let address = |a: &Option<t::Address>| {
        a.as_ref().is_some_and(|a| {
            [
                &a.first_name,
                &a.last_name,
                &a.line1,
                &a.line2,
                &a.city,
                &a.state,
                &a.postal_code,
                &a.phone,
                &a.email,
            ]
            .into_iter()
            .any(contains)
        })
    };
    contains(&order.id)
        || contains(&order.nice_id)
        || contains(&order.source_id)
        || contains(&order.discount_code)
        || address(&order.shipping_address)
        || address(&order.billing_address)
        || order
            .meta
            .as_ref()
            .is_some_and(|m| m.0.values().any(|v| v.to_lowercase().contains(&needle)))
}

pub(super) fn date_param(query: &Query, name: &str) -> Result<Option<NaiveDate>, Refusal> {
    match typed(query, name) {
        None => Ok(None),
        Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                invalid_one(
                    name,
                    format!("'{raw}' is not a valid date; use the format yyyy-mm-dd."),
                    Some(raw.into()),
                )
            }),
    }
}

/// A positive `int32` query parameter (pages start at 1, a page holds at least one order).
pub(super) fn positive_param(query: &Query, name: &str, default: usize) -> Result<usize, Refusal> {
    match int32_param(query, name)? {
        None => Ok(default),
        Some(n) => usize::try_from(n).ok().filter(|&n| n >= 1).ok_or_else(|| {
            invalid_one(
                name,
                format!("'{}' must be greater than '0'.", upper_first(name)),
                Some(n.into()),
            )
        }),
    }
}

pub(super) async fn search_orders(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "searchOrders")?;
    let start = date_param(&query, "startDate")?;
    let end = date_param(&query, "endDate")?;
    let page_size = positive_param(&query, "pageSize", DEFAULT_PAGE_SIZE)?;
    let page = positive_param(&query, "page", 1)?;
    // Checked for its type only: the sandbox records no partner ids (nor user ids) to filter on.
    int32_param(&query, "partnerId")?;
    let text = |name| query.get_ci(name).map(str::trim).filter(|v| !v.is_empty());
    let (generic, last_name, email, postal_code) = (
        text("genericValues"),
        text("lastName"),
        text("email"),
        text("postalCode"),
    );
    let same =
        |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(b));
    let inner = lock(&state.inner);
    // Newest first. `uniqueUserId` and `partnerId` are accepted but not filtered on: the sandbox records neither.
    let matching: Vec<&StoredOrder> = inner
        .orders
        .iter()
        .rev()
        .filter(|o| {
            let d = &o.details;
            let addresses = [&d.shipping_address, &d.billing_address];
            let date = o.created.date_naive();
            generic.is_none_or(|g| matches_text(d, g))
                && last_name.is_none_or(|n| {
                    addresses
                        .iter()
                        .any(|a| a.as_ref().is_some_and(|a| same(&a.last_name, n)))
                })
                && email.is_none_or(|e| {
                    addresses
                        .iter()
                        .any(|a| a.as_ref().is_some_and(|a| same(&a.email, e)))
                })
                && postal_code.is_none_or(|p| {
                    addresses
                        .iter()
                        .any(|a| a.as_ref().is_some_and(|a| same(&a.postal_code, p)))
                })
                && start.is_none_or(|s| date >= s)
                && end.is_none_or(|e| date <= e)
        })
        .collect();
    let total_pages = matching.len().div_ceil(page_size);
    let orders = matching
        .into_iter()
        .skip((page - 1).saturating_mul(page_size))
        .take(page_size)
        .map(|o| t::OrderDetails {
            had_error: None,
            ..o.details.clone()
        })
        .collect();
    let response = t::OrderSearchResponse {
        orders,
        page: Some(i32::try_from(page).unwrap_or(i32::MAX)),
        total_pages: Some(i32::try_from(total_pages).unwrap_or(i32::MAX)),
        had_error: Some(false),
    };
    Ok(json(StatusCode::OK, &response))
}

pub(super) async fn set_order_status(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "setOrderStatus")?;
    let id = required(&query, "id")?;
    let name = required(&query, "orderStatusName")?;
    let Ok(target) = name.parse::<t::SetOrderStatusOrderStatusName>() else {
        return Err(invalid_one(
            "orderStatusName",
            format!("'{name}' is not a status you can set; use Cancelled, New, Test or Hold."),
            Some(name.into()),
        ));
    };
    let status = match target {
        t::SetOrderStatusOrderStatusName::Cancelled => t::OrderItemStatus::Cancelled,
        t::SetOrderStatusOrderStatusName::New => t::OrderItemStatus::New,
        t::SetOrderStatusOrderStatusName::Test => t::OrderItemStatus::Test,
        t::SetOrderStatusOrderStatusName::Hold => t::OrderItemStatus::Hold,
    };
    let mut inner = lock(&state.inner);
    let Some(order) = inner.by_safe_id_mut(id) else {
        return Err(not_found(
            "id",
            format!("No order was found with the Id '{id}'."),
            id,
        ));
    };
    super::status::check_set_status(&order.details, target, name)?;
    for item in &mut order.details.items {
        item.status = Some(status.into());
    }
    Ok(json(
        StatusCode::OK,
        &t::OrderStatusUpdateResponse {
            had_error: Some(false),
        },
    ))
}
