//! The catalog's contents: the sandbox's products, variants, options, prices and shipping rates.

use super::*;

pub(super) fn usd(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

pub(super) fn rate(
    method: Method,
    carrier: &'static str,
    base: i64,
    extra: i64,
    days: i32,
) -> ShipRate {
    ShipRate {
        method,
        carrier,
        base_usd: usd(base),
        extra_usd: usd(extra),
        days,
    }
}

pub(super) fn option(
    option_id: &'static str,
    name: &'static str,
    value_id: &'static str,
    value: &'static str,
    cm_value: Option<&'static str>,
    sort: &'static str,
) -> OptionValue {
    OptionValue {
        option_id,
        value_id,
        name,
        value,
        cm_value,
        sort,
    }
}

pub(super) fn build() -> Catalog {
    let size = |value_id, value, cm, sort| option("14", "Size", value_id, value, Some(cm), sort);
    let wrap = |value_id, value, sort| option("22", "Wrap", value_id, value, None, sort);
    let shirt_size = |value_id, value, sort| option("31", "Size", value_id, value, None, sort);
    let color = |value_id, value, sort| option("32", "Color", value_id, value, None, sort);
    let capacity = |value_id, value, sort| option("40", "Capacity", value_id, value, None, sort);
    let products = vec![
        CatalogProduct {
            id: 43,
            uid: "2f1c6a9e-3b1d-4c0e-9a55-6d8e2f7b1c04",
            name: "Canvas Wraps",
            short_description: "Gallery-wrapped canvas on a 1.5 inch wooden frame.",
            features: &["1.5 inch deep frame", "Ready to hang"],
            in_recipe: true,
            featured_index: Some(1),
            category: (12, "Wall Decor"),
            max_zoom: 2,
            retail_usd: usd(7450),
            layout: Layout::Single,
            variants: vec![
                CatalogVariant {
                    sku: "CanvsWrp-BlkWrp-12x12",
                    options: vec![
                        size("208", "12x12", "30x30", "3"),
                        wrap("311", "Black Wrap", "1"),
                    ],
                    price_usd: usd(3999),
                    print_px: (3900, 3900),
                },
                CatalogVariant {
                    sku: "CanvsWrp-WhtWrp-12x12",
                    options: vec![
                        size("208", "12x12", "30x30", "3"),
                        wrap("312", "White Wrap", "2"),
                    ],
                    price_usd: usd(3999),
                    print_px: (3900, 3900),
                },
                CatalogVariant {
                    sku: "CanvsWrp-BlkWrp-16x20",
                    options: vec![
                        size("214", "16x20", "40x50", "5"),
                        wrap("311", "Black Wrap", "1"),
                    ],
                    price_usd: usd(5999),
                    print_px: (5100, 6300),
                },
            ],
            ship_id_base: 1834,
            domestic: vec![
                rate(Method::Standard, "USPS", 895, 300, 6),
                rate(Method::Expedited, "UPS", 1950, 500, 4),
                rate(Method::Overnight, "UPS", 3900, 1000, 2),
            ],
            international: vec![
                rate(Method::Standard, "DHL", 2450, 800, 12),
                rate(Method::Expedited, "DHL", 4500, 1200, 7),
            ],
        },
        CatalogProduct {
            id: 57,
            uid: "6a0d3f1e-8b2c-4d7e-9f10-2b3c4d5e6f70",
            name: "Premium T-Shirts",
            short_description: "Soft ring-spun cotton tee, printed direct to garment.",
            features: &["100% ring-spun cotton", "Front and back print areas"],
            in_recipe: true,
            featured_index: Some(2),
            category: (20, "Apparel"),
            max_zoom: 1,
            retail_usd: usd(2800),
            layout: Layout::FrontBack,
            variants: vec![
                CatalogVariant {
                    sku: "PremTee-Blk-M",
                    options: vec![shirt_size("402", "M", "2"), color("510", "Black", "1")],
                    price_usd: usd(1450),
                    print_px: (4200, 4800),
                },
                CatalogVariant {
                    sku: "PremTee-Blk-L",
                    options: vec![shirt_size("403", "L", "3"), color("510", "Black", "1")],
                    price_usd: usd(1450),
                    print_px: (4200, 4800),
                },
                CatalogVariant {
                    sku: "PremTee-Wht-M",
                    options: vec![shirt_size("402", "M", "2"), color("511", "White", "2")],
                    price_usd: usd(1350),
                    print_px: (4200, 4800),
                },
                CatalogVariant {
                    sku: "PremTee-Wht-XL",
                    options: vec![shirt_size("404", "XL", "4"), color("511", "White", "2")],
                    price_usd: usd(1550),
                    print_px: (4200, 4800),
                },
            ],
            ship_id_base: 2210,
            // No overnight shipping for apparel: ordering it with ShipType "overnight" is refused.
            domestic: vec![
                rate(Method::Standard, "USPS", 450, 150, 5),
                rate(Method::Expedited, "UPS", 1200, 200, 3),
            ],
            international: vec![rate(Method::Standard, "DHL", 1100, 300, 10)],
        },
        CatalogProduct {
            id: 68,
            uid: "9c8b7a65-4321-4fed-8cba-0987654321ab",
            name: "Coffee Mugs",
            short_description: "Glossy ceramic mug, dishwasher and microwave safe.",
            features: &["Ceramic", "Dishwasher safe", "Wrap-around print"],
            in_recipe: true,
            featured_index: None,
            category: (31, "Home & Living"),
            max_zoom: 2,
            retail_usd: usd(1800),
            layout: Layout::Wrap,
            variants: vec![
                CatalogVariant {
                    sku: "Mug-11oz-Wht",
                    options: vec![capacity("601", "11oz", "1")],
                    price_usd: usd(799),
                    print_px: (2700, 1100),
                },
                CatalogVariant {
                    sku: "Mug-15oz-Wht",
                    options: vec![capacity("602", "15oz", "2")],
                    price_usd: usd(999),
                    print_px: (2900, 1250),
                },
            ],
            ship_id_base: 2530,
            domestic: vec![
                rate(Method::Standard, "USPS", 595, 250, 6),
                rate(Method::Expedited, "UPS", 1495, 400, 4),
                rate(Method::Overnight, "FedEx", 2995, 800, 2),
            ],
            international: vec![
                rate(Method::Standard, "DHL", 1495, 500, 12),
                rate(Method::Expedited, "DHL", 2995, 900, 7),
            ],
        },
        CatalogProduct {
            id: 71,
            uid: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
            name: "Framed Posters",
            short_description: "Archival poster in a black wooden frame (not turned on in the sandbox recipe).",
            features: &["Archival matte paper", "Black wood frame"],
            in_recipe: false,
            featured_index: None,
            category: (12, "Wall Decor"),
            max_zoom: 2,
            retail_usd: usd(6500),
            layout: Layout::Single,
            variants: vec![CatalogVariant {
                sku: "FramedPstr-Blk-12x18",
                options: vec![size("220", "12x18", "30x45", "4")],
                price_usd: usd(3499),
                print_px: (3600, 5400),
            }],
            ship_id_base: 2840,
            domestic: vec![
                rate(Method::Standard, "USPS", 995, 400, 6),
                rate(Method::Expedited, "UPS", 2195, 600, 4),
            ],
            international: vec![rate(Method::Standard, "DHL", 2695, 900, 12)],
        },
    ];
    let currency = |code, name, format, per_usd| CurrencyInfo {
        code,
        name,
        format,
        per_usd,
    };
    let currencies = vec![
        currency("USD", "US Dollar", "${1}", Decimal::ONE),
        currency("EUR", "Euro", "{1} €", Decimal::new(92, 2)),
        currency("GBP", "Pound Sterling", "£{1}", Decimal::new(79, 2)),
        currency("CAD", "Canadian Dollar", "C${1}", Decimal::new(136, 2)),
    ];
    let country = |code, name, supported, metric, currency| CountryInfo {
        code,
        name,
        supported,
        metric,
        currency,
    };
    let countries = vec![
        country("US", "United States", true, false, "USD"),
        country("CA", "Canada", true, true, "CAD"),
        country("GB", "United Kingdom", true, true, "GBP"),
        country("DE", "Germany", true, true, "EUR"),
        country("FR", "France", true, true, "EUR"),
        country("IT", "Italy", true, true, "EUR"),
        country("BR", "Brazil", false, true, "USD"),
    ];
    Catalog {
        products,
        currencies,
        countries,
    }
}
