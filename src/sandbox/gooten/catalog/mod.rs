//! The Gooten fake's catalog: a few products with variants, options, prices, templates and shipping rates, plus
//! the reference data (countries, currencies). Prices are kept in USD and converted at fixed rates.

mod data;

use std::sync::OnceLock;

use rust_decimal::Decimal;

use self::data::build;
use crate::{gooten::types as t, sandbox::http::fnv};

/// A shipping speed; ids and names as in Gooten's shipping-prices reference (MethodId 3, 5, 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Standard,
    Expedited,
    Overnight,
}

impl Method {
    fn method_id(self) -> i32 {
        match self {
            Method::Standard => 3,
            Method::Expedited => 5,
            Method::Overnight => 7,
        }
    }

    fn offset(self) -> i32 {
        match self {
            Method::Standard => 0,
            Method::Expedited => 1,
            Method::Overnight => 2,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Method::Standard => "Standard",
            Method::Expedited => "Expedited",
            Method::Overnight => "Overnight",
        }
    }

    pub(crate) fn from_ship_type(ship_type: t::ShipType) -> Method {
        match ship_type {
            t::ShipType::Standard => Method::Standard,
            t::ShipType::Expedited => Method::Expedited,
            t::ShipType::Overnight => Method::Overnight,
        }
    }

    fn method_type(self) -> t::ShipOptionMethodType {
        match self {
            Method::Standard => t::ShipOptionMethodType::Standard,
            Method::Expedited => t::ShipOptionMethodType::Expedited,
            Method::Overnight => t::ShipOptionMethodType::Overnight,
        }
    }
}

/// One shipping rate of a product: the first unit costs `base`, every further unit `extra`.
#[derive(Debug)]
pub(crate) struct ShipRate {
    pub method: Method,
    carrier: &'static str,
    base_usd: Decimal,
    extra_usd: Decimal,
    days: i32,
}

impl ShipRate {
    /// USD price of shipping `units` units together.
    pub(crate) fn price_usd(&self, units: i32) -> Decimal {
        self.base_usd + self.extra_usd * Decimal::from((units - 1).max(0))
    }
}

/// A ship option as offered for one destination: its id (the `ShipCarrierMethodId` of an order item) and rate.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShipOffer<'a> {
    pub id: i32,
    pub rate: &'a ShipRate,
}

impl ShipOffer<'_> {
    pub(crate) fn to_generated(self, units: i32, currency: &CurrencyInfo) -> t::ShipOption {
        t::ShipOption {
            id: Some(self.id),
            method_type: Some(self.rate.method.method_type()),
            method_id: Some(self.rate.method.method_id()),
            name: Some(self.rate.method.name().to_string()),
            carrier_name: Some(self.rate.carrier.to_string()),
            carrier_logo_url: Some(format!(
                "https://images.gooten.com/carriers/{}.png",
                self.rate.carrier.to_ascii_lowercase()
            )),
            price: Some(currency.price(self.rate.price_usd(units))),
            est_business_days_til_delivery: Some(self.rate.days),
            partner_price: None,
        }
    }
}

/// One value of one option of a variant (`Size` = `12x12`).
#[derive(Debug)]
pub(crate) struct OptionValue {
    option_id: &'static str,
    value_id: &'static str,
    name: &'static str,
    value: &'static str,
    cm_value: Option<&'static str>,
    sort: &'static str,
}

impl OptionValue {
    fn to_generated(&self) -> t::ProductOption {
        t::ProductOption {
            option_id: Some(self.option_id.into()),
            value_id: Some(self.value_id.into()),
            name: Some(self.name.into()),
            value: Some(self.value.into()),
            cm_value: self.cm_value.map(Into::into),
            sort_value: Some(self.sort.into()),
            ..Default::default()
        }
    }
}

/// How a product's templates look: one space per printable area.
#[derive(Clone, Copy, Debug)]
enum Layout {
    /// One image on the front (canvas, poster).
    Single,
    /// Front and back (t-shirt).
    FrontBack,
    /// One image wrapped around (mug).
    Wrap,
}

/// A variant (SKU) of a product.
#[derive(Debug)]
pub(crate) struct CatalogVariant {
    pub sku: &'static str,
    options: Vec<OptionValue>,
    pub price_usd: Decimal,
    /// Print file size in pixels of each space.
    print_px: (i32, i32),
}

/// A catalog product.
#[derive(Debug)]
pub(crate) struct CatalogProduct {
    pub id: i32,
    uid: &'static str,
    pub name: &'static str,
    short_description: &'static str,
    features: &'static [&'static str],
    /// Turned on in the sandbox recipe; the others appear only with `all=true`.
    in_recipe: bool,
    featured_index: Option<i32>,
    category: (i32, &'static str),
    max_zoom: i32,
    retail_usd: Decimal,
    layout: Layout,
    pub variants: Vec<CatalogVariant>,
    ship_id_base: i32,
    domestic: Vec<ShipRate>,
    international: Vec<ShipRate>,
}

impl CatalogProduct {
    fn lowest_price_usd(&self) -> Decimal {
        self.variants
            .iter()
            .map(|v| v.price_usd)
            .min()
            .unwrap_or_default()
    }

    /// The ship options of this product to `country` (domestic means the US, where Gooten's network sits).
    pub(crate) fn ship_offers(&self, country: &str) -> Vec<ShipOffer<'_>> {
        let domestic = country.eq_ignore_ascii_case("US");
        let (rates, shift) = if domestic {
            (&self.domestic, 0)
        } else {
            (&self.international, 10)
        };
        rates
            .iter()
            .map(|rate| ShipOffer {
                id: self.ship_id_base + shift + rate.method.offset(),
                rate,
            })
            .collect()
    }

    pub(crate) fn to_generated(&self, currency: &CurrencyInfo) -> t::Product {
        let slug = self.name.to_ascii_lowercase().replace(' ', "-");
        t::Product {
            id: Some(self.id),
            u_id: Some(self.uid.into()),
            name: Some(self.name.into()),
            short_description: Some(self.short_description.into()),
            has_available_product_variants: Some(!self.variants.is_empty()),
            has_product_templates: Some(true),
            featured_index: self.featured_index,
            is_featured: Some(self.featured_index.is_some()),
            is_coming_soon: Some(false),
            max_zoom: Some(f64::from(self.max_zoom)),
            retail_price: Some(currency.price(self.retail_usd)),
            info: vec![
                t::ProductInfo {
                    content_type: Some(t::ProductInfoContentType::Text),
                    content: vec![self.short_description.into()],
                    key: Some("Description".into()),
                    index: Some(0),
                },
                t::ProductInfo {
                    content_type: Some(t::ProductInfoContentType::List),
                    content: self.features.iter().map(|f| f.to_string()).collect(),
                    key: Some("Features".into()),
                    index: Some(1),
                },
            ],
            product_image: vec![t::ProductImage {
                url: Some(format!(
                    "https://images.gooten.com/products/{slug}/main.jpg"
                )),
                description: Some(self.name.into()),
                id: Some(format!("{slug}-main")),
                index: Some(0),
                image_types: vec!["WebImg".into()],
            }],
            price_info: Some(currency.price(self.lowest_price_usd())),
            categories: vec![t::Category {
                id: Some(self.category.0),
                name: Some(self.category.1.into()),
            }],
            ..Default::default()
        }
    }

    pub(crate) fn variant_to_generated(
        &self,
        variant: &CatalogVariant,
        currency: &CurrencyInfo,
    ) -> t::ProductVariant {
        t::ProductVariant {
            sku: Some(variant.sku.into()),
            max_images: Some(self.spaces().len() as i32),
            has_templates: Some(true),
            options: variant
                .options
                .iter()
                .map(OptionValue::to_generated)
                .collect(),
            price_info: Some(currency.price(variant.price_usd)),
            ..Default::default()
        }
    }

    /// Option groups (name and values) over `variants`, in first-seen order.
    pub(crate) fn option_groups<'a>(
        variants: impl Iterator<Item = &'a CatalogVariant>,
    ) -> Vec<t::ProductOptionGroup> {
        let mut groups: Vec<t::ProductOptionGroup> = Vec::new();
        for option in variants.flat_map(|v| v.options.iter()) {
            let index = match groups
                .iter()
                .position(|g| g.name.as_deref() == Some(option.name))
            {
                Some(index) => index,
                None => {
                    groups.push(t::ProductOptionGroup {
                        name: Some(option.name.into()),
                        values: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[index];
            if !group
                .values
                .iter()
                .any(|v| v.value_id.as_deref() == Some(option.value_id))
            {
                group.values.push(option.to_generated());
            }
        }
        groups
    }

    fn spaces(&self) -> &'static [&'static str] {
        match self.layout {
            Layout::Single => &["Front"],
            Layout::FrontBack => &["Front", "Back"],
            Layout::Wrap => &["Wrap"],
        }
    }

    /// The templates of `variant`: the basic "Single" one (every space) and, for multi-space products, one per
    /// space.
    pub(crate) fn templates(&self, variant: &CatalogVariant) -> Vec<t::ProductTemplate> {
        let slug = variant.sku.to_ascii_lowercase();
        let spaces: Vec<t::TemplateSpace> = self
            .spaces()
            .iter()
            .enumerate()
            .map(|(i, name)| space(variant, i as i32, name))
            .collect();
        let mut templates = vec![t::ProductTemplate {
            name: Some("Single".into()),
            image_url: Some(format!(
                "https://images.gooten.com/templates/{slug}-single.png"
            )),
            is_default: Some(true),
            is_partner_specific: Some(false),
            spaces: spaces.clone(),
            category: None,
        }];
        if spaces.len() > 1 {
            for space in spaces {
                let name = space.description.clone().unwrap_or_default();
                templates.push(t::ProductTemplate {
                    name: Some(format!("{name} Only")),
                    image_url: Some(format!(
                        "https://images.gooten.com/templates/{slug}-{}.png",
                        name.to_lowercase()
                    )),
                    is_default: Some(true),
                    is_partner_specific: Some(false),
                    spaces: vec![space],
                    category: None,
                });
            }
        }
        templates
    }
}

/// A template space with a background design layer, the image layer and an overlay; ids are stable per SKU.
fn space(variant: &CatalogVariant, index: i32, description: &str) -> t::TemplateSpace {
    let (w, h) = variant.print_px;
    let id = |salt: &str| {
        format!(
            "{:08X}",
            fnv(&format!("{}/{description}/{salt}", variant.sku)) as u32
        )
    };
    let slug = variant.sku.to_ascii_lowercase();
    let design = |z: i32, background: bool| t::TemplateLayer {
        id: Some(id(if background { "background" } else { "overlay" })),
        type_: Some(t::TemplateLayerType::Design),
        z_index: Some(z),
        x1: Some(0),
        x2: Some(w),
        y1: Some(0),
        y2: Some(h),
        background_image_url: background
            .then(|| format!("https://images.gooten.com/templates/{slug}-bg.png")),
        overlay_image_url: (!background)
            .then(|| format!("https://images.gooten.com/templates/{slug}-overlay.png")),
        ..Default::default()
    };
    let bleed = w / 26;
    t::TemplateSpace {
        id: Some(id("space")),
        index: Some(index),
        default_rotation: Some(0),
        description: Some(description.into()),
        final_x1: Some(bleed),
        final_x2: Some(w - bleed),
        final_y1: Some(bleed),
        final_y2: Some(h - bleed),
        layers: vec![
            design(0, true),
            t::TemplateLayer {
                id: Some(id("image")),
                type_: Some(t::TemplateLayerType::Image),
                z_index: Some(1),
                x1: Some(bleed),
                x2: Some(w - bleed),
                y1: Some(bleed),
                y2: Some(h - bleed),
                ..Default::default()
            },
            design(2, false),
        ],
    }
}

/// A supported currency and its fixed conversion rate from USD.
#[derive(Debug)]
pub(crate) struct CurrencyInfo {
    pub code: &'static str,
    name: &'static str,
    format: &'static str,
    pub(super) per_usd: Decimal,
}

impl CurrencyInfo {
    /// `usd` converted to this currency as a Gooten price object (rounded to cents, formatted).
    pub(crate) fn price(&self, usd: Decimal) -> t::Price {
        self.amount(self.convert(usd))
    }

    pub(crate) fn convert(&self, usd: Decimal) -> Decimal {
        (usd * self.per_usd).round_dp(2)
    }

    /// A price object for an amount already in this currency.
    pub(crate) fn amount(&self, amount: Decimal) -> t::Price {
        let amount = amount.round_dp(2);
        t::Price {
            price: Some(amount.normalize().into()),
            currency_code: Some(self.code.into()),
            formatted_price: Some(self.format.replace("{1}", &format!("{amount:.2}"))),
            currency_format: Some(self.format.into()),
            currency_digits: Some(2),
        }
    }

    pub(crate) fn to_generated(&self) -> t::Currency {
        t::Currency {
            name: Some(self.name.into()),
            code: Some(self.code.into()),
            format: Some(self.format.into()),
        }
    }
}

/// A country of the reference data.
#[derive(Debug)]
pub(crate) struct CountryInfo {
    pub code: &'static str,
    name: &'static str,
    pub supported: bool,
    metric: bool,
    pub currency: &'static str,
}

/// Everything the Gooten fake sells and knows.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub products: Vec<CatalogProduct>,
    pub currencies: Vec<CurrencyInfo>,
    pub countries: Vec<CountryInfo>,
}

impl Catalog {
    pub(crate) fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(build)
    }

    /// The product and variant of `sku` (SKUs compare ignoring case, as Gooten's do).
    pub(crate) fn variant(&self, sku: &str) -> Option<(&CatalogProduct, &CatalogVariant)> {
        self.products.iter().find_map(|p| {
            p.variants
                .iter()
                .find(|v| v.sku.eq_ignore_ascii_case(sku))
                .map(|v| (p, v))
        })
    }

    pub(crate) fn product(&self, id: i32) -> Option<&CatalogProduct> {
        self.products.iter().find(|p| p.id == id)
    }

    /// Products visible to the sandbox recipe (all public ones with `all`).
    pub(crate) fn visible_products(&self, all: bool) -> impl Iterator<Item = &CatalogProduct> {
        self.products.iter().filter(move |p| all || p.in_recipe)
    }

    pub(crate) fn currency(&self, code: &str) -> Option<&CurrencyInfo> {
        self.currencies
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
    }

    pub(crate) fn usd(&self) -> &CurrencyInfo {
        &self.currencies[0]
    }

    pub(crate) fn country(&self, code: &str) -> Option<&CountryInfo> {
        self.countries
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
    }

    /// A supported ship-to country.
    pub(crate) fn ships_to(&self, code: &str) -> bool {
        self.country(code).is_some_and(|c| c.supported)
    }

    pub(crate) fn country_to_generated(&self, country: &CountryInfo) -> t::Country {
        t::Country {
            name: Some(country.name.into()),
            code: Some(country.code.into()),
            is_supported: Some(country.supported),
            measurement_code: Some(if country.metric {
                t::CountryMeasurementCode::Cm
            } else {
                t::CountryMeasurementCode::Inch
            }),
            flag_url: Some(format!(
                "https://images.gooten.com/flags/{}.png",
                country.code.to_ascii_lowercase()
            )),
            default_currency: self
                .currency(country.currency)
                .map(CurrencyInfo::to_generated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_convert_and_format() {
        let catalog = Catalog::get();
        let eur = catalog.currency("eur").unwrap();
        let price = eur.price(Decimal::new(3999, 2));
        assert_eq!(price.price, Some(Decimal::new(3679, 2).into()));
        assert_eq!(price.formatted_price.as_deref(), Some("36.79 €"));
        assert_eq!(
            catalog
                .usd()
                .price(Decimal::new(745, 1))
                .formatted_price
                .as_deref(),
            Some("$74.50")
        );
    }

    #[test]
    fn skus_and_ship_ids_are_unique() {
        let catalog = Catalog::get();
        let mut skus: Vec<_> = catalog
            .products
            .iter()
            .flat_map(|p| p.variants.iter().map(|v| v.sku))
            .collect();
        let n = skus.len();
        skus.sort_unstable();
        skus.dedup();
        assert_eq!(skus.len(), n);
        let mut ids: Vec<_> = catalog
            .products
            .iter()
            .flat_map(|p| {
                p.ship_offers("US")
                    .into_iter()
                    .chain(p.ship_offers("DE"))
                    .map(|o| o.id)
                    .collect::<Vec<_>>()
            })
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
