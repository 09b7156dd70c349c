//! The Gooten fake's print-ready (PRP) catalog: `listPrintReadyProducts` and `listPrintReadyVariants`, paged from
//! 1 with `PageCount`, served from the sandbox recipe's catalog products (their variants' SKUs can be ordered,
//! priced and shipped, as Gooten's page says of print-ready SKUs).
//!
//! The pages are small on purpose ([`PRODUCTS_PER_PAGE`], [`VARIANTS_PER_PAGE`]) so that a client's paging shows
//! with the few catalog products. Uncertain: Gooten's page size is not documented.

use std::sync::Arc;

use axum::{Router, extract::RawQuery, http::StatusCode, routing::get};
use serde_json::Value;

use super::{
    GootenState, authorize,
    catalog::{Catalog, CatalogProduct},
    int32_param, invalid_one,
};
use crate::gooten::types as t;
use crate::sandbox::http::{Answer, Query, Refusal, json};

/// Print-ready products per page.
pub(crate) const PRODUCTS_PER_PAGE: usize = 2;
/// Print-ready variants per page.
pub(crate) const VARIANTS_PER_PAGE: usize = 3;

/// Adds the routes of this file under one prefix (lower-case paths, as the server routes them).
pub(super) fn routes(
    router: Router<Arc<GootenState>>,
    path: &impl Fn(&str) -> String,
) -> Router<Arc<GootenState>> {
    router
        .route(&path("prpproducts"), get(list_print_ready_products))
        .route(&path("prpvariants"), get(list_print_ready_variants))
}

/// The `page` parameter: from 1 (absent: 1); anything else is refused with Gooten's envelope.
fn page(query: &Query) -> Result<usize, Refusal> {
    match int32_param(query, "page")? {
        None => Ok(1),
        Some(n) if n >= 1 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        Some(n) => Err(invalid_one(
            "page",
            "'Page' must be greater than '0'.",
            Some(Value::from(n)),
        )),
    }
}

/// Page `page` of `all` with `size` per page, with the page count.
fn slice<T: Clone>(all: &[T], page: usize, size: usize) -> (Vec<T>, i32) {
    let count = all.len().div_ceil(size);
    let items = all
        .iter()
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .cloned()
        .collect();
    (items, i32::try_from(count).unwrap_or(i32::MAX))
}

fn as_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn recipe_products() -> impl Iterator<Item = &'static CatalogProduct> {
    Catalog::get().visible_products(false)
}

async fn list_print_ready_products(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "listPrintReadyProducts")?;
    let page = page(&query)?;
    let all: Vec<t::PrintReadyProduct> = recipe_products()
        .map(|product| t::PrintReadyProduct {
            product_name: Some(product.name.into()),
            number_of_variants: Some(as_i32(product.variants.len())),
        })
        .collect();
    let (products, page_count) = slice(&all, page, PRODUCTS_PER_PAGE);
    Ok(json(
        StatusCode::OK,
        &t::PrintReadyProductsResponse {
            products,
            page: Some(as_i32(page)),
            page_count: Some(page_count),
            had_error: Some(false),
        },
    ))
}

async fn list_print_ready_variants(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "listPrintReadyVariants")?;
    let page = page(&query)?;
    let name = query
        .get_ci("productName")
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let usd = Catalog::get().usd();
    let all: Vec<t::PrintReadyVariant> = recipe_products()
        .filter(|product| name.is_none_or(|n| product.name.eq_ignore_ascii_case(n)))
        .flat_map(|product| {
            product.variants.iter().map(move |variant| {
                let options = product.variant_to_generated(variant, usd).options;
                let label: Vec<String> = options.into_iter().filter_map(|o| o.value).collect();
                let slug = variant.sku.to_ascii_lowercase();
                t::PrintReadyVariant {
                    product_name: Some(product.name.into()),
                    sku: Some(variant.sku.into()),
                    name: Some(label.join(", ")),
                    image_url: Some(format!("https://images.gooten.com/prp/{slug}/preview.jpg")),
                }
            })
        })
        .collect();
    // An unknown product name is an empty page, not an error (Uncertain, see the spec).
    let (variants, page_count) = slice(&all, page, VARIANTS_PER_PAGE);
    Ok(json(
        StatusCode::OK,
        &t::PrintReadyVariantsResponse {
            variants,
            page: Some(as_i32(page)),
            page_count: Some(page_count),
            had_error: Some(false),
        },
    ))
}
