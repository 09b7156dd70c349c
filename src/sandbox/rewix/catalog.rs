//! The Rewix fake's catalog: products whose models are the stock ids of the reservation and order calls, with
//! their availability read from the same stock, and a change clock so that `since` returns only what changed.
//!
//! `GET /restful/export/api/products.json` answers the whole catalog in one page (`totalPages` 1, as the provider
//! documents), `lastUpdate` being the watermark of the next incremental export. A `since` older than
//! [`INCREMENTAL_WINDOW`] is refused with 412 "Incremental validity failed", as Zero11's client expects.

use std::collections::BTreeMap;

use axum::{
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::{Inner, RState, RewixSandbox, StockLevel, authorize, xml::respond};
use crate::rewix::{XmlDocument, types as t};
use crate::sandbox::http::{Answer, Query, json, lock, text, with_content_type};

/// How old a `since` may be (4 hours, as rewix-shopify-sync cites; Uncertain for real suppliers).
pub(crate) const INCREMENTAL_WINDOW: Duration = Duration::hours(4);

/// One product of the fake catalog.
pub(crate) struct ProductRecord {
    id: i64,
    code: String,
    name: String,
    brand: &'static str,
    category: &'static str,
    /// Cost in cents (VAT excluded).
    taxable_cents: i64,
    /// (stock id, size) of each model.
    models: Vec<(i64, String)>,
    changed: DateTime<Utc>,
}

/// The catalog and its change clock.
pub(crate) struct Catalog {
    products: Vec<ProductRecord>,
    /// Stock id → index in `products`.
    by_model: BTreeMap<i64, usize>,
    last_tick: DateTime<Utc>,
}

const BRANDS: &[&str] = &["Adidas", "Guess", "Calvin Klein", "Tommy Hilfiger"];
const CATEGORIES: &[&str] = &["shoes", "clothing", "bags", "accessories"];

impl Catalog {
    /// The default catalog: the stock ids of the provider's examples, grouped into three products.
    pub(crate) fn with_examples() -> Self {
        let mut catalog = Catalog {
            products: Vec::new(),
            by_model: BTreeMap::new(),
            last_tick: Utc::now(),
        };
        let groups: [(i64, &[i64]); 3] = [
            (100, &[55, 69]),
            (101, &[1567, 1578]),
            (102, &[148148, 148367]),
        ];
        for (product, models) in groups {
            catalog.add(product, models);
        }
        catalog
    }

    fn add(&mut self, id: i64, models: &[i64]) {
        let n = self.products.len();
        let sizes = ["S", "M", "L", "XL"];
        let record = ProductRecord {
            id,
            code: format!("SBX-{id}"),
            name: format!("Sandbox product {id}"),
            brand: BRANDS[n % BRANDS.len()],
            category: CATEGORIES[n % CATEGORIES.len()],
            taxable_cents: 1990 + i64::try_from(n % 50).unwrap_or(0) * 100,
            models: models
                .iter()
                .enumerate()
                .map(|(i, &m)| (m, sizes[i % sizes.len()].to_string()))
                .collect(),
            changed: self.last_tick,
        };
        for &m in models {
            self.by_model.insert(m, n);
        }
        self.products.push(record);
    }

    /// A strictly increasing instant (at least 1 ms after the last), so that two changes, or a change and an
    /// export, never share a timestamp.
    pub(crate) fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now().max(self.last_tick + Duration::milliseconds(1));
        self.last_tick = now;
        now
    }

    /// Marks the product of a model as changed (its stock moved).
    pub(crate) fn touch(&mut self, stock_id: i64) {
        if let Some(&index) = self.by_model.get(&stock_id) {
            let now = self.tick();
            self.products[index].changed = now;
        }
    }
}

impl RewixSandbox {
    /// Adds `count` generated products (three models each, 5 to 24 units per model) to the catalog, for sync
    /// tests at scale (`populate_catalog(5_000)`).
    pub fn populate_catalog(&self, count: usize) {
        lock(&self.state.inner).populate_catalog(count);
    }
}

impl Inner {
    /// Adds `count` generated products with three models each (sizes S, M, L), 5 to 24 units available per
    /// model. Product ids start at 1 000 000 and stock ids at 2 000 000, clear of the example ids.
    pub(crate) fn populate_catalog(&mut self, count: usize) {
        let generated = self
            .catalog
            .products
            .iter()
            .filter(|p| p.id >= 1_000_000)
            .count();
        let first = i64::try_from(generated).unwrap_or(0);
        for n in 0..i64::try_from(count).unwrap_or(0) {
            let product = 1_000_000 + first + n;
            let models: Vec<i64> = (0..3).map(|s| 2_000_000 + (first + n) * 3 + s).collect();
            for (i, &m) in models.iter().enumerate() {
                let available = i32::try_from((n * 7 + i64::try_from(i).unwrap_or(0) * 3) % 20 + 5)
                    .unwrap_or(5);
                self.stock.insert(
                    m,
                    StockLevel {
                        available,
                        locked: 0,
                    },
                );
            }
            self.catalog.add(product, &models);
        }
    }

    fn product(&self, record: &ProductRecord, locales: &[&str]) -> t::Product {
        let price = Decimal::new(record.taxable_cents, 2);
        let street = Decimal::new(record.taxable_cents * 2, 2);
        let models: Vec<t::ProductModel> = record
            .models
            .iter()
            .map(|(id, size)| t::ProductModel {
                id: *id,
                code: Some(record.code.clone()),
                model: Some(size.clone()),
                size: Some(size.clone()),
                color: Some("black".into()),
                barcode: Some(format!("80{id:011}")),
                availability: self.stock.get(id).map(|s| s.available),
                taxable: Some(price.into()),
                best_taxable: Some(price.into()),
                street_price: Some(street.into()),
                suggested_price: Some(street.into()),
                last_update: Some(record.changed.to_rfc3339_opts(SecondsFormat::Millis, false)),
                model_localizations: serde_json::Map::new(),
            })
            .collect();
        let tag = |id: i32, name: &str, value: &str| t::ProductTag {
            id: Some(id),
            name: Some(name.into()),
            value: Some(t::ProductTagValue {
                value: Some(value.into()),
                locale_values: locales
                    .iter()
                    .map(|l| (l.to_string(), serde_json::json!({ "value": value })))
                    .collect(),
                translations: BTreeMap::new(),
            }),
        };
        t::Product {
            id: record.id,
            code: Some(record.code.clone()),
            name: Some(record.name.clone()),
            brand: Some(record.brand.into()),
            availability: Some(models.iter().filter_map(|m| m.availability).sum()),
            taxable: Some(price.into()),
            best_taxable: Some(price.into()),
            street_price: Some(street.into()),
            suggested_price: Some(street.into()),
            sell_price: None,
            currency: Some("EUR".into()),
            weight: Some(serde_json::json!(0.5)),
            madein: Some("IT".into()),
            hs: None,
            last_update: Some(record.changed.to_rfc3339_opts(SecondsFormat::Millis, false)),
            images: vec![t::ProductImage {
                id: Some(record.id),
                url: format!("/prod/stock_product_image_{}.jpg", record.id),
            }],
            pictures: Vec::new(),
            tags: vec![
                tag(1, "brand", record.brand),
                tag(4, "category", record.category),
            ],
            descriptions: BTreeMap::new(),
            product_localizations: serde_json::Map::new(),
            models,
        }
    }

    /// The export: every product (or those changed after `since`) matching the tag filters.
    pub(crate) fn export(&mut self, query: &ExportQuery) -> Result<t::ProductPage, String> {
        let since = match query.since.as_deref() {
            None => None,
            Some(text) => Some(
                DateTime::parse_from_rfc3339(text.trim())
                    .map_err(|_| format!("Invalid since: '{text}'"))?
                    .with_timezone(&Utc),
            ),
        };
        let now = self.catalog.tick();
        if since.is_some_and(|s| now - s > INCREMENTAL_WINDOW) {
            return Err("Incremental validity failed".into());
        }
        let locales: Vec<&str> = query.acceptedlocales.split(',').map(str::trim).collect();
        let items: Vec<t::Product> = self
            .catalog
            .products
            .iter()
            .filter(|p| since.is_none_or(|s| p.changed > s))
            .filter(|p| {
                query
                    .tag_1
                    .as_deref()
                    .is_none_or(|b| b.eq_ignore_ascii_case(p.brand))
            })
            .filter(|p| {
                query
                    .tag_4
                    .as_deref()
                    .is_none_or(|c| c.eq_ignore_ascii_case(p.category))
            })
            .map(|p| self.product(p, &locales))
            .collect();
        let count = i32::try_from(items.len()).unwrap_or(i32::MAX);
        Ok(t::ProductPage {
            page_items: items,
            items: Vec::new(),
            last_update: Some(now.to_rfc3339_opts(SecondsFormat::Millis, false)),
            total_pages: Some(1),
            total_number_of_elements: Some(count),
            page_size: Some(count),
            current_page: Some(1),
        })
    }
}

/// The query of the export (unknown parameters such as `v`, `addtags` or `output-filetype` are ignored).
pub(crate) struct ExportQuery {
    acceptedlocales: String,
    since: Option<String>,
    tag_1: Option<String>,
    tag_4: Option<String>,
}

impl ExportQuery {
    fn parse(raw: Option<&str>) -> Self {
        let query = Query::parse(raw);
        let get = |name: &str| query.get(name).map(str::to_string);
        ExportQuery {
            acceptedlocales: get("acceptedlocales").unwrap_or_default(),
            since: get("since"),
            tag_1: get("tag_1"),
            tag_4: get("tag_4"),
        }
    }
}

/// `GET /restful/export/api/products.json`.
pub(crate) async fn export_products(
    state: RState,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    export(state, headers, raw, false)
}

/// `GET /restful/export/api/products.xml`: the same export, answered in XML (`application/xml`).
pub(crate) async fn export_products_xml(
    state: RState,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    export(state, headers, raw, true)
}

fn export(State(state): RState, headers: HeaderMap, raw: Option<String>, xml: bool) -> Answer {
    authorize(&state, &headers)?;
    let query = ExportQuery::parse(raw.as_deref());
    if query.acceptedlocales.trim().is_empty() {
        return Err(text(
            StatusCode::PRECONDITION_FAILED,
            "acceptedlocales is required",
        )
        .into());
    }
    let page = lock(&state.inner)
        .export(&query)
        .map_err(|message| text(StatusCode::PRECONDITION_FAILED, message))?;
    if !xml {
        return Ok(json(StatusCode::OK, &page));
    }
    // The client's own XML document of the page (`rewix::XmlDocument`), so the two sides agree.
    match page.to_xml() {
        Ok(body) => Ok(with_content_type(
            StatusCode::OK,
            "application/xml; charset=utf-8",
            body.into_bytes(),
        )),
        Err(e) => Err(text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sandbox serialization error: {e}"),
        )
        .into()),
    }
}

/// `GET /restful/export/locales`.
pub(crate) async fn export_locales(State(state): RState, headers: HeaderMap) -> Answer {
    authorize(&state, &headers)?;
    let values = [("it_IT", "Italiano"), ("en_US", "English")];
    Ok(respond(&headers, &values_of(&values)))
}

/// `GET /restful/export/tags`.
pub(crate) async fn export_tags(State(state): RState, headers: HeaderMap) -> Answer {
    authorize(&state, &headers)?;
    let values = [
        ("1", "Brand"),
        ("4", "Category"),
        ("11", "Season"),
        ("26", "Gender"),
    ];
    Ok(respond(&headers, &values_of(&values)))
}

fn values_of(values: &[(&str, &str)]) -> t::ExportValues {
    t::ExportValues(
        values
            .iter()
            .map(|(key, value)| t::ExportValue {
                key: (*key).into(),
                value: Some((*value).into()),
            })
            .collect(),
    )
}
