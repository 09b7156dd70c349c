//! The order list's filters (a child module of `bootic`): the names the shop's `btc:orders` template
//! advertises, with underscores as in the recorded API root (bootic-api-client-js@46ae0358
//! `test/response.json`), plus `contact_email` and `tags` from the search action of the JS client's
//! `test/fixtures/orders.json`. A name the template does not declare (the dotted `created_on.gte` of the old
//! relation page included) is refused with Bootic's 422 `_embedded.errors`, never ignored.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Inner, OrderRecord, Query, Refusal, t, unprocessable, unprocessable_one};

/// The variables of the sandbox's `btc:orders` template: the recorded template's, in its order, then the two
/// filters only the search action lists.
pub(super) const TEMPLATE_VARIABLES: &[&str] = &[
    "page",
    "per_page",
    "q",
    "status",
    "code",
    "product_id",
    "payment_method",
    "created_on_gte",
    "created_on_lte",
    "updated_on_gte",
    "updated_on_lte",
    "pending_on_gte",
    "pending_on_lte",
    "closed_on_gte",
    "closed_on_lte",
    "shipped_on_gte",
    "shipped_on_lte",
    "net_total_gte",
    "net_total_lte",
    "shipping_total_gte",
    "shipping_total_lte",
    "discount_total_gte",
    "discount_total_lte",
    "total_gte",
    "total_lte",
    "lat_long",
    "distance",
    "sort",
    "contact_email",
    "tags",
];

/// `per_page` when the query gives none (the API's documented default).
const DEFAULT_PER_PAGE: usize = 50;

/// The `.gte` and `.lte` bounds of a date filter.
type DateRange = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The list's filters, parsed. Only the names of [`TEMPLATE_VARIABLES`] are known: anything else is refused with
/// a 422, never ignored (an ignored filter would list every order).
pub(super) struct ListFilters {
    pub(super) page: usize,
    pub(super) per_page: usize,
    status: Vec<t::OrderStatusFilter>,
    pub(super) sort: t::OrderSort,
    q: Option<String>,
    contact_email: Option<String>,
    tags: Vec<String>,
    /// `payment_method`, or `lat_long`/`distance`, given: sandbox orders have no payment and no geocoded
    /// address, so they match none.
    unmatchable: bool,
    code: Option<String>,
    product_id: Option<i64>,
    created: DateRange,
    updated: DateRange,
    pending: DateRange,
    closed: DateRange,
    shipped: DateRange,
    total: (Option<i64>, Option<i64>),
    net_total: (Option<i64>, Option<i64>),
    shipping_total: (Option<i64>, Option<i64>),
    discount_total: (Option<i64>, Option<i64>),
}

/// A `type: string` filter: an empty value is the same as none.
fn param<'q>(query: &'q Query, name: &str) -> Option<&'q str> {
    typed(query, name).filter(|v| !v.is_empty())
}

/// A filter of another type (integer, enum): present with an empty value is refused like any value that does not
/// parse, since an empty string is no number or status (the spec does not allow empty values).
fn typed<'q>(query: &'q Query, name: &str) -> Option<&'q str> {
    query.get(name).map(str::trim)
}

/// A date (`2024-03-15`, the whole day) or an RFC 3339 timestamp; `end` picks the end of a date's day.
fn instant(query: &Query, name: &str, end: bool) -> Result<Option<DateTime<Utc>>, Refusal> {
    let Some(raw) = param(query, name) else {
        return Ok(None);
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| unprocessable_one(name, "must be an ISO 8601 date or timestamp"))?;
    let time = if end {
        date.and_hms_opt(23, 59, 59)
    } else {
        date.and_hms_opt(0, 0, 0)
    };
    Ok(time.map(|t| t.and_utc()))
}

/// An integer filter of the spec's type `T` (`i32` for `format: int32`, `i64` for `int64`): a value that is not an
/// integer, or does not fit the type, is refused.
pub(super) fn number<T: TryFrom<i128>>(query: &Query, name: &str) -> Result<Option<T>, Refusal> {
    typed(query, name)
        .map(|raw| match raw.parse::<i128>() {
            Ok(n) => T::try_from(n).map_err(|_| unprocessable_one(name, "is out of range")),
            Err(_) => Err(unprocessable_one(name, "is not a number")),
        })
        .transpose()
}

/// The `.gte` and `.lte` bounds of an integer filter.
fn number_range(query: &Query, name: &str) -> Result<(Option<i64>, Option<i64>), Refusal> {
    Ok((
        number(query, &format!("{name}_gte"))?,
        number(query, &format!("{name}_lte"))?,
    ))
}

/// Reads the bounds of a date filter.
fn instant_range(query: &Query, name: &str) -> Result<DateRange, Refusal> {
    Ok((
        instant(query, &format!("{name}_gte"), false)?,
        instant(query, &format!("{name}_lte"), true)?,
    ))
}

impl ListFilters {
    pub(super) fn parse(query: &Query) -> Result<Self, Refusal> {
        let unknown: Vec<(String, String)> = query
            .pairs()
            .filter(|(name, _)| !TEMPLATE_VARIABLES.contains(name))
            .map(|(name, _)| {
                (
                    name.to_string(),
                    "is not a known filter of this list (see the shop's btc:orders link)"
                        .to_string(),
                )
            })
            .collect();
        if !unknown.is_empty() {
            return Err(unprocessable(unknown));
        }
        // `format: int32` in the spec; pages start at 1 and a page holds at least one order.
        let positive = |name: &str, default: usize| -> Result<usize, Refusal> {
            match number::<i32>(query, name)? {
                None => Ok(default),
                Some(n) => usize::try_from(n)
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| unprocessable_one(name, "must be greater than 0")),
            }
        };
        let page = positive("page", 1)?;
        let per_page = positive("per_page", DEFAULT_PER_PAGE)?;
        // A comma-separated list (`closed,shipped`), as the JS client's examples send it.
        let status = typed(query, "status")
            .map(|raw| {
                raw.split(',')
                    .map(|one| {
                        one.trim()
                            .parse::<t::OrderStatusFilter>()
                            .map_err(|_| unprocessable_one("status", "is not a known status"))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let sort = typed(query, "sort")
            .map(|raw| {
                raw.parse::<t::OrderSort>()
                    .map_err(|_| unprocessable_one("sort", "is not a known sort order"))
            })
            .transpose()?
            .unwrap_or(t::OrderSort::CreatedOnDesc);
        Ok(ListFilters {
            page,
            per_page,
            status,
            sort,
            q: param(query, "q").map(str::to_lowercase),
            contact_email: param(query, "contact_email").map(str::to_lowercase),
            tags: param(query, "tags")
                .map(|raw| {
                    raw.split(',')
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            unmatchable: ["payment_method", "lat_long", "distance"]
                .iter()
                .any(|name| param(query, name).is_some()),
            code: param(query, "code").map(String::from),
            product_id: number(query, "product_id")?,
            created: instant_range(query, "created_on")?,
            updated: instant_range(query, "updated_on")?,
            pending: instant_range(query, "pending_on")?,
            closed: instant_range(query, "closed_on")?,
            shipped: instant_range(query, "shipped_on")?,
            total: number_range(query, "total")?,
            net_total: number_range(query, "net_total")?,
            shipping_total: number_range(query, "shipping_total")?,
            discount_total: number_range(query, "discount_total")?,
        })
    }

    pub(super) fn matches(&self, inner: &Inner, order: &OrderRecord) -> bool {
        use t::OrderStatus as S;
        let in_range = |value: DateTime<Utc>, (low, high): DateRange| {
            low.is_none_or(|l| value >= l) && high.is_none_or(|h| value <= h)
        };
        // An order that never reached a state matches no bound on that state's date.
        let reached = |value: Option<DateTime<Utc>>, range: DateRange| match value {
            Some(value) => in_range(value, range),
            None => range == (None, None),
        };
        let amount_in = |value: i64, (low, high): (Option<i64>, Option<i64>)| {
            low.is_none_or(|l| value >= l) && high.is_none_or(|h| value <= h)
        };
        let total: i64 = order
            .lines
            .iter()
            .map(|l| l.variant.unit_price * i64::from(l.units))
            .sum();
        let one_status = |filter: &t::OrderStatusFilter| match filter {
            t::OrderStatusFilter::All => true,
            t::OrderStatusFilter::Successful => matches!(
                order.status,
                S::Pending | S::Closed | S::Shipped | S::Delivered
            ),
            filter => filter.to_string() == order.status.to_string(),
        };
        let status_ok = self.status.is_empty() || self.status.iter().any(one_status);
        let email_ok = self.contact_email.as_deref().is_none_or(|wanted| {
            inner
                .contact(order.contact_id)
                .is_some_and(|c| c.email.to_lowercase() == wanted)
        });
        // Sandbox orders carry no tags, so a tag filter matches none of them.
        let tags_ok = self.tags.is_empty();
        let text_ok = self.q.as_deref().is_none_or(|q| {
            let contact = inner.contact(order.contact_id);
            order.code.to_lowercase().contains(q)
                || contact.is_some_and(|c| {
                    c.email.to_lowercase().contains(q)
                        || c.name
                            .as_deref()
                            .is_some_and(|n| n.to_lowercase().contains(q))
                })
        });
        !self.unmatchable
            && status_ok
            && email_ok
            && tags_ok
            && text_ok
            && self.code.as_deref().is_none_or(|c| c == order.code)
            && self
                .product_id
                .is_none_or(|p| order.lines.iter().any(|l| l.variant.product_id == p))
            && in_range(order.created_on, self.created)
            && in_range(order.updated_on, self.updated)
            && reached(order.pending_on, self.pending)
            && reached(order.closed_on, self.closed)
            && reached(order.shipped_on, self.shipped)
            // The sandbox has no discounts and no shipping (chosen at the web checkout, see `render`): the net
            // total is the total, the discount total is 0, and the missing shipping total filters as 0.
            && amount_in(total, self.total)
            && amount_in(total, self.net_total)
            && amount_in(0, self.shipping_total)
            && amount_in(0, self.discount_total)
    }
}

pub(super) fn sort_orders(orders: &mut [&OrderRecord], sort: t::OrderSort) {
    use t::OrderSort as O;
    let total = |o: &OrderRecord| -> i64 {
        o.lines
            .iter()
            .map(|l| l.variant.unit_price * i64::from(l.units))
            .sum()
    };
    // Ties keep creation order (ids grow), so pages are stable.
    orders.sort_by(|a, b| {
        let ordering = match sort {
            O::CreatedOnAsc | O::CreatedOnDesc => a.created_on.cmp(&b.created_on),
            O::UpdatedOnAsc | O::UpdatedOnDesc => a.updated_on.cmp(&b.updated_on),
            O::PendingOnAsc | O::PendingOnDesc => a.pending_on.cmp(&b.pending_on),
            O::ClosedOnAsc | O::ClosedOnDesc => a.closed_on.cmp(&b.closed_on),
            O::ShippedOnAsc | O::ShippedOnDesc => a.shipped_on.cmp(&b.shipped_on),
            O::NetTotalAsc | O::NetTotalDesc => total(a).cmp(&total(b)),
        }
        .then(a.id.cmp(&b.id));
        if sort.to_string().ends_with(".desc") {
            ordering.reverse()
        } else {
            ordering
        }
    });
}
