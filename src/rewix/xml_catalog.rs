//! The catalog export's XML document (`products.xml`, research notes section (d); see [`super::xml`]).
//!
//! The shape follows the two pieces of evidence in `tests/fixtures/real/rewix/`: a real Brandsdistribution
//! LEGACY export from 2019 (verbatim) and Zero11's TEAL client binding model (xroads `PageData`, `RewixProduct`,
//! `RewixModel`, …): `<page currentPage pageSize totalNumberOfElements totalPages lastUpdate><query/><items>
//! <item>…</item></items></page>`, one element per field inside an `<item>`, lists wrapped (`<pictures><image>`,
//! `<models><model>`, `<tags><tag>`).
//!
//! How the XML-only forms map onto the generated (JSON) types:
//! - the products of the page go to [`ProductPage::items`](types::ProductPage::items) (the spec's XML list);
//! - `<intra>` (both formats) is `hs`; `<pictures>` is `pictures` (an `images` list is written there too: the
//!   XML has one list of pictures);
//! - LEGACY `<descriptions><description><description>html</description><localecode>` is `descriptions`
//!   (locale → text), LEGACY `<value><translations><translation><description>…<localecode>` of a tag is the tag
//!   value's `translations` (locale → text);
//! - TEAL `<localevalue localecode urlKey>text</localevalue>` lists become `{locale: {"value", "urlKey"}}`: a tag
//!   value's are `localeValues`, an item's `<localizations>` are `productLocalizations` and a model's
//!   `modelLocalizations` (`{field: {locale: {…}}}`, the field named as the XML element names it);
//! - `<weight>` is a JSON number when its text is one (else the text).
//!
//! Elements the generated types have no field for are not kept (LEGACY: the item's `<description>`, `<online>`,
//! `<intangible>`, a tag's `<hidden>`, `<priority>`, its name's `<translations>`, a translation's `<urlKey>`;
//! TEAL also `<cost>`, `<catalogRuleId>`, `<vatClassId>`, an image's `<name>` and `<modelIds>`, a model's
//! `<option1..3>`, `<price…>`, `<minPrice>`, `<modelWeight>`, `<backorder>`, `<modeltags>`, `<merchantId>`, a
//! tag's `<nameI18N>`, its value's `<valueI18N>`, `<urlKey>`, `<totalCount>`). Elements come in any order. A
//! text is read without its leading and trailing whitespace (quick-xml trims it: the real description's final
//! newline is not kept).
//! Elements are written in the real export's order (alphabetical by property name; Zero11's TEAL binding fixes
//! none). Uncertain: `<sellPrice>` and `<lastUpdate>` of an item (seen only in the Bdroppy JSON) are written
//! with their JSON names.

use std::{collections::BTreeMap, str::FromStr};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    Amount, Provider,
    error::{Error, ErrorKind, Result},
};

use super::{
    types,
    xml::{XmlDocument, decode_error, read, sealed, write},
};

const WHAT: &str = "ProductPage";

#[derive(Serialize, Deserialize)]
struct PageRoot {
    #[serde(
        rename = "@currentPage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    current_page: Option<i32>,
    #[serde(rename = "@pageSize", default, skip_serializing_if = "Option::is_none")]
    page_size: Option<i32>,
    #[serde(
        rename = "@totalNumberOfElements",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    total_number_of_elements: Option<i32>,
    #[serde(
        rename = "@totalPages",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    total_pages: Option<i32>,
    #[serde(
        rename = "@lastUpdate",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    last_update: Option<String>,
    /// The query echo (`<query></query>` in the real export); not kept.
    #[serde(default)]
    query: String,
    #[serde(default)]
    items: XItems,
}

#[derive(Serialize, Deserialize, Default)]
struct XItems {
    #[serde(rename = "item", default)]
    items: Vec<XProduct>,
}

/// An `<item>`. Elements are written in the real export's order: alphabetical by the provider's property name
/// (so `<pictures>`, the `images` property, comes after `<id>`), with the `xsi:type="product"` it carries.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct XProduct {
    #[serde(
        rename = "@xmlns:xsi",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    xsi_namespace: Option<&'static str>,
    #[serde(
        rename = "@xsi:type",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    xsi_type: Option<&'static str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    availability: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    best_taxable: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    descriptions: Option<XDescriptions>,
    id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pictures: Option<XPictures>,
    #[serde(
        rename = "intra",
        alias = "hs",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    hs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_update: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    localizations: Option<BTreeMap<String, XLocaleValues>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    madein: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    models: Option<XModels>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sell_price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    street_price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suggested_price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<XTags>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    taxable: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weight: Option<String>,
}

#[derive(Serialize, Deserialize, Default)]
struct XDescriptions {
    #[serde(rename = "description", default)]
    entries: Vec<XDescription>,
}

#[derive(Serialize, Deserialize)]
struct XDescription {
    #[serde(default)]
    description: String,
    localecode: String,
}

#[derive(Serialize, Deserialize, Default)]
struct XPictures {
    #[serde(rename = "image", default)]
    images: Vec<XImage>,
}

#[derive(Serialize, Deserialize)]
struct XImage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    url: String,
}

#[derive(Serialize, Deserialize, Default)]
struct XModels {
    #[serde(rename = "model", default)]
    models: Vec<XModel>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct XModel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    availability: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    barcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    best_taxable: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    color: Option<String>,
    id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_update: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    localizations: Option<BTreeMap<String, XLocaleValues>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    street_price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suggested_price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    taxable: Option<String>,
}

#[derive(Serialize, Deserialize, Default)]
struct XTags {
    #[serde(rename = "tag", default)]
    tags: Vec<XTag>,
}

#[derive(Serialize, Deserialize)]
struct XTag {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<XTagValue>,
}

#[derive(Serialize, Deserialize)]
struct XTagValue {
    #[serde(rename = "localevalue", default)]
    locale_values: Vec<XLocaleValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    translations: Option<XTranslations>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

#[derive(Serialize, Deserialize, Default)]
struct XTranslations {
    #[serde(rename = "translation", default)]
    entries: Vec<XDescription>,
}

#[derive(Serialize, Deserialize, Default)]
struct XLocaleValues {
    #[serde(rename = "localevalue", default)]
    values: Vec<XLocaleValue>,
}

#[derive(Serialize, Deserialize)]
struct XLocaleValue {
    #[serde(rename = "@localecode")]
    localecode: String,
    #[serde(rename = "@urlKey", default, skip_serializing_if = "Option::is_none")]
    url_key: Option<String>,
    #[serde(rename = "$text", default)]
    value: String,
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

fn amount(field: &str, text: Option<String>) -> Result<Option<Amount>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| Amount::from_str(t.trim()).map_err(|e| decode_error(field, e)))
        .transpose()
}

/// `<weight>`: a JSON number when the text is one, else the text.
fn weight(text: Option<String>) -> Option<Value> {
    text.map(|t| match serde_json::from_str::<Value>(t.trim()) {
        Ok(number @ Value::Number(_)) => number,
        _ => Value::String(t),
    })
}

fn locale_map(values: Vec<XLocaleValue>) -> Map<String, Value> {
    values
        .into_iter()
        .map(|v| {
            let mut entry = Map::new();
            entry.insert("value".into(), Value::String(v.value));
            if let Some(url_key) = v.url_key {
                entry.insert("urlKey".into(), Value::String(url_key));
            }
            (v.localecode, Value::Object(entry))
        })
        .collect()
}

fn localizations(fields: Option<BTreeMap<String, XLocaleValues>>) -> Map<String, Value> {
    fields
        .unwrap_or_default()
        .into_iter()
        .map(|(field, values)| (field, Value::Object(locale_map(values.values))))
        .collect()
}

fn texts(entries: Vec<XDescription>) -> BTreeMap<String, String> {
    entries
        .into_iter()
        .map(|d| (d.localecode, d.description))
        .collect()
}

fn images(pictures: Option<XPictures>) -> Vec<types::ProductImage> {
    pictures
        .unwrap_or_default()
        .images
        .into_iter()
        .map(|i| types::ProductImage {
            id: i.id,
            url: i.url,
        })
        .collect()
}

fn model(m: XModel) -> Result<types::ProductModel> {
    Ok(types::ProductModel {
        id: m.id,
        code: m.code,
        model: m.model,
        size: m.size,
        color: m.color,
        barcode: m.barcode,
        availability: m.availability,
        taxable: amount("ProductModel.taxable", m.taxable)?,
        best_taxable: amount("ProductModel.bestTaxable", m.best_taxable)?,
        street_price: amount("ProductModel.streetPrice", m.street_price)?,
        suggested_price: amount("ProductModel.suggestedPrice", m.suggested_price)?,
        last_update: m.last_update,
        model_localizations: localizations(m.localizations),
    })
}

fn tag(t: XTag) -> types::ProductTag {
    types::ProductTag {
        id: t.id,
        name: t.name,
        value: t.value.map(|v| types::ProductTagValue {
            value: v.value,
            translations: texts(v.translations.unwrap_or_default().entries),
            locale_values: locale_map(v.locale_values),
        }),
    }
}

fn product(p: XProduct) -> Result<types::Product> {
    Ok(types::Product {
        id: p.id,
        code: p.code,
        name: p.name,
        brand: p.brand,
        availability: p.availability,
        taxable: amount("Product.taxable", p.taxable)?,
        best_taxable: amount("Product.bestTaxable", p.best_taxable)?,
        street_price: amount("Product.streetPrice", p.street_price)?,
        suggested_price: amount("Product.suggestedPrice", p.suggested_price)?,
        sell_price: amount("Product.sellPrice", p.sell_price)?,
        currency: p.currency,
        weight: weight(p.weight),
        madein: p.madein,
        hs: p.hs,
        last_update: p.last_update,
        images: Vec::new(),
        pictures: images(p.pictures),
        tags: p
            .tags
            .unwrap_or_default()
            .tags
            .into_iter()
            .map(tag)
            .collect(),
        descriptions: texts(p.descriptions.unwrap_or_default().entries),
        product_localizations: localizations(p.localizations),
        models: p
            .models
            .unwrap_or_default()
            .models
            .into_iter()
            .map(model)
            .collect::<Result<_>>()?,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

fn unwritable(what: &str) -> Error {
    Error::new(ErrorKind::InvalidRequest)
        .with_provider(Provider::Rewix)
        .with_message(format!(
            "cannot write the XML document: {what} is not `{{locale: {{\"value\": text}}}}`"
        ))
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn x_locale_values(what: &str, locales: &Map<String, Value>) -> Result<Vec<XLocaleValue>> {
    locales
        .iter()
        .map(|(locale, entry)| {
            let entry = entry.as_object().ok_or_else(|| unwritable(what))?;
            if entry.keys().any(|k| k != "value" && k != "urlKey") {
                return Err(unwritable(what));
            }
            Ok(XLocaleValue {
                localecode: locale.clone(),
                url_key: text_of(entry.get("urlKey")),
                value: text_of(entry.get("value")).unwrap_or_default(),
            })
        })
        .collect()
}

fn x_localizations(
    what: &str,
    fields: &Map<String, Value>,
) -> Result<Option<BTreeMap<String, XLocaleValues>>> {
    if fields.is_empty() {
        return Ok(None);
    }
    fields
        .iter()
        .map(|(field, locales)| {
            let locales = locales.as_object().ok_or_else(|| unwritable(what))?;
            let values = x_locale_values(what, locales)?;
            Ok((field.clone(), XLocaleValues { values }))
        })
        .collect::<Result<_>>()
        .map(Some)
}

fn x_texts(texts: &BTreeMap<String, String>) -> Vec<XDescription> {
    texts
        .iter()
        .map(|(locale, text)| XDescription {
            description: text.clone(),
            localecode: locale.clone(),
        })
        .collect()
}

fn x_amount(value: Option<&Amount>) -> Option<String> {
    value.map(ToString::to_string)
}

fn x_model(m: &types::ProductModel) -> Result<XModel> {
    Ok(XModel {
        id: m.id,
        model: m.model.clone(),
        code: m.code.clone(),
        barcode: m.barcode.clone(),
        color: m.color.clone(),
        size: m.size.clone(),
        taxable: x_amount(m.taxable.as_ref()),
        best_taxable: x_amount(m.best_taxable.as_ref()),
        street_price: x_amount(m.street_price.as_ref()),
        suggested_price: x_amount(m.suggested_price.as_ref()),
        availability: m.availability,
        localizations: x_localizations("modelLocalizations", &m.model_localizations)?,
        last_update: m.last_update.clone(),
    })
}

fn x_tag(t: &types::ProductTag) -> Result<XTag> {
    let value = t
        .value
        .as_ref()
        .map(|v| {
            Ok::<_, Error>(XTagValue {
                value: v.value.clone(),
                translations: (!v.translations.is_empty()).then(|| XTranslations {
                    entries: x_texts(&v.translations),
                }),
                locale_values: x_locale_values("localeValues", &v.locale_values)?,
            })
        })
        .transpose()?;
    Ok(XTag {
        id: t.id,
        name: t.name.clone(),
        value,
    })
}

fn x_product(p: &types::Product) -> Result<XProduct> {
    let weight = match &p.weight {
        None | Some(Value::Null) => None,
        Some(value) => Some(text_of(Some(value)).ok_or_else(|| {
            Error::new(ErrorKind::InvalidRequest)
                .with_provider(Provider::Rewix)
                .with_message(
                    "cannot write the XML document: a weight that is not a number or text",
                )
        })?),
    };
    let pictures: Vec<XImage> = p
        .images
        .iter()
        .chain(&p.pictures)
        .map(|i| XImage {
            id: i.id,
            url: i.url.clone(),
        })
        .collect();
    Ok(XProduct {
        xsi_namespace: Some("http://www.w3.org/2001/XMLSchema-instance"),
        xsi_type: Some("product"),
        id: p.id,
        name: p.name.clone(),
        code: p.code.clone(),
        brand: p.brand.clone(),
        taxable: x_amount(p.taxable.as_ref()),
        best_taxable: x_amount(p.best_taxable.as_ref()),
        street_price: x_amount(p.street_price.as_ref()),
        suggested_price: x_amount(p.suggested_price.as_ref()),
        sell_price: x_amount(p.sell_price.as_ref()),
        currency: p.currency.clone(),
        weight,
        availability: p.availability,
        madein: p.madein.clone(),
        hs: p.hs.clone(),
        last_update: p.last_update.clone(),
        descriptions: (!p.descriptions.is_empty()).then(|| XDescriptions {
            entries: x_texts(&p.descriptions),
        }),
        pictures: (!pictures.is_empty()).then_some(XPictures { images: pictures }),
        models: (!p.models.is_empty())
            .then(|| {
                Ok::<_, Error>(XModels {
                    models: p.models.iter().map(x_model).collect::<Result<_>>()?,
                })
            })
            .transpose()?,
        tags: (!p.tags.is_empty())
            .then(|| {
                Ok::<_, Error>(XTags {
                    tags: p.tags.iter().map(x_tag).collect::<Result<_>>()?,
                })
            })
            .transpose()?,
        localizations: x_localizations("productLocalizations", &p.product_localizations)?,
    })
}

impl sealed::Sealed for types::ProductPage {}

impl XmlDocument for types::ProductPage {
    const ROOT: &'static str = "page";

    fn from_xml(text: &str) -> Result<Self> {
        let root: PageRoot = read(WHAT, text)?;
        Ok(types::ProductPage {
            current_page: root.current_page,
            page_size: root.page_size,
            total_number_of_elements: root.total_number_of_elements,
            total_pages: root.total_pages,
            last_update: root.last_update,
            page_items: Vec::new(),
            items: root
                .items
                .items
                .into_iter()
                .map(product)
                .collect::<Result<_>>()?,
        })
    }

    fn to_xml(&self) -> Result<String> {
        let root = PageRoot {
            current_page: self.current_page,
            page_size: self.page_size,
            total_number_of_elements: self.total_number_of_elements,
            total_pages: self.total_pages,
            last_update: self.last_update.clone(),
            query: String::new(),
            items: XItems {
                items: self.products().map(x_product).collect::<Result<_>>()?,
            },
        };
        write(Self::ROOT, &root)
    }
}
