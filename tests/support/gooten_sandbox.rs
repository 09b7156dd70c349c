//! The Gooten sandbox catalog as the end-to-end tests use it: product ids and SKUs, read through the client.

use fulfillment_apis::gooten;

/// The ids of the catalog's products (shipping to the US).
pub async fn product_ids(client: &gooten::Client) -> Vec<i32> {
    let products = client
        .api()
        .get_products()
        .country_code("US")
        .await
        .unwrap();
    products.products.iter().filter_map(|p| p.id).collect()
}

/// At least `n` SKUs: the variants of the first products, in catalog order.
pub async fn skus(client: &gooten::Client, n: usize) -> Vec<String> {
    let mut skus = Vec::new();
    for product_id in product_ids(client).await {
        let variants = client
            .api()
            .get_product_variants()
            .country_code("US")
            .product_id(product_id)
            .await
            .unwrap();
        skus.extend(
            variants
                .product_variants
                .iter()
                .filter_map(|v| v.sku.clone()),
        );
        if skus.len() >= n {
            break;
        }
    }
    assert!(skus.len() >= n, "the catalog has {n} SKUs");
    skus
}
