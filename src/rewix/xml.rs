//! The XML wire format of the ghost calls and the catalog export (research notes, section (d)): the documents
//! every public Rewix integration sends and reads (Zero11's xroads, BrandsSync, Bdroppy), read and written with
//! quick-xml and serde (the catalog's `products.xml` in [`super::xml_catalog`]).
//!
//! Progenitor cannot produce XML bodies, so the XML form lives here: private mirror types give the element
//! names, attribute-vs-element choices and element order of the provider's documents, and [`XmlDocument`]
//! converts them to and from the generated types, so the rest of the client works on one set of types
//! whatever the wire format.
//!
//! Reading is lenient where the evidence shows real clients differ from the spec: elements come in any
//! order, unknown elements (Bdroppy's `ref_id`, `price_total`, Zero11's `parsedDate` in an order) are
//! ignored, and a missing `phone/prefix` or `address/address_number` (BrandsSync and xroads omit them) reads
//! as empty. Writing follows the provider document's element order.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{
    OpenEnum, Provider,
    error::{Error, ErrorKind, Result},
};

use super::types;

/// The declaration every documented XML body starts with.
pub(super) const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// The format of the bodies the client sends and asks for on the ghost calls and the catalog export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireFormat {
    /// `application/json`, the shapes of `spec/rewix.yaml` (the default).
    #[default]
    Json,
    /// `application/xml`, the documents of the provider's pages and of the suppliers' own tools.
    Xml,
}

/// A generated type that has a Rewix XML document form.
///
/// ```
/// use fulfillment_apis::rewix::{XmlDocument, types::Reservation};
///
/// let xml = r#"<root order_id="1000"><model stock_id="148148" locked="10" available="5"/></root>"#;
/// let reservation = Reservation::from_xml(xml)?;
/// assert_eq!(reservation.models[0].locked, 10);
/// assert!(reservation.to_xml()?.contains(r#"<root order_id="1000">"#));
/// # Ok::<(), fulfillment_apis::Error>(())
/// ```
pub trait XmlDocument: Sized + sealed::Sealed {
    /// The name of the document's root element.
    const ROOT: &'static str;

    /// Reads the document (the root element's name is not checked). A document that does not fit is an
    /// [`ErrorKind::Decode`] error.
    fn from_xml(text: &str) -> Result<Self>;

    /// Writes the document, with the XML declaration the provider's examples carry.
    fn to_xml(&self) -> Result<String>;
}

pub(super) mod sealed {
    /// Only the crate implements [`super::XmlDocument`].
    pub trait Sealed {}
}

pub(super) fn decode_error(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Decode)
        .with_provider(Provider::Rewix)
        .with_message(format!("the XML does not match {what}: {detail}"))
}

pub(super) fn read<M: DeserializeOwned>(what: &str, text: &str) -> Result<M> {
    quick_xml::de::from_str(text).map_err(|e| decode_error(what, e))
}

pub(super) fn write<M: Serialize>(root: &str, mirror: &M) -> Result<String> {
    let body = quick_xml::se::to_string_with_root(root, mirror).map_err(|e| {
        Error::new(ErrorKind::InvalidRequest)
            .with_provider(Provider::Rewix)
            .with_message(format!("cannot write the XML document: {e}"))
    })?;
    Ok(format!("{DECLARATION}\n{body}"))
}

/// An open enum's wire value (a number, or whatever unknown value was received) as text.
pub(super) fn open_text<T: Serialize>(value: &OpenEnum<T>) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// An open enum from its XML text: a number when it is one (so known codes are recognised).
pub(super) fn open_from<T: for<'a> Deserialize<'a>>(what: &str, text: &str) -> Result<OpenEnum<T>> {
    let text = text.trim();
    let value = match text.parse::<i64>() {
        Ok(number) => serde_json::Value::from(number),
        Err(_) => serde_json::Value::String(text.to_string()),
    };
    serde_json::from_value(value).map_err(|e| decode_error(what, e))
}

macro_rules! xml_document {
    ($type:ty, $mirror:ty, $root:literal) => {
        impl $crate::rewix::xml::sealed::Sealed for $type {}
        impl XmlDocument for $type {
            const ROOT: &'static str = $root;
            fn from_xml(text: &str) -> Result<Self> {
                let mirror: $mirror = $crate::rewix::xml::read(stringify!($type), text)?;
                mirror.try_into()
            }
            fn to_xml(&self) -> Result<String> {
                $crate::rewix::xml::write(Self::ROOT, &<$mirror>::from(self))
            }
        }
    };
}
pub(super) use xml_document;

// ---------------------------------------------------------------------------------------------------------------
// sendDropshippingOrder request: <root><order_list><order>…</order></order_list></root>

#[derive(Serialize, Deserialize)]
struct OrderRoot {
    /// Acenda's webhook sends the growing order's id here; the spec has no such field, so it is not kept.
    #[serde(default, skip_serializing)]
    #[allow(dead_code)]
    order_id: Option<String>,
    order_list: OrderList,
}

#[derive(Serialize, Deserialize)]
struct OrderList {
    #[serde(default)]
    order: Vec<XOrder>,
}

#[derive(Serialize, Deserialize)]
struct XOrder {
    key: String,
    date: String,
    #[serde(rename = "carrierId", default, skip_serializing_if = "Option::is_none")]
    carrier_id: Option<String>,
    recipient_details: XRecipient,
    item_list: XItems,
    #[serde(
        rename = "autoConfirm",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    auto_confirm: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct XRecipient {
    recipient: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    careof: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cfpiva: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    address: XAddress,
    phone: XPhone,
}

#[derive(Serialize, Deserialize)]
struct XAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    street_type: Option<String>,
    street_name: String,
    #[serde(default)]
    address_number: String,
    zip: String,
    city: String,
    province: String,
    countrycode: String,
}

#[derive(Serialize, Deserialize)]
struct XPhone {
    #[serde(default)]
    prefix: String,
    number: String,
}

#[derive(Serialize, Deserialize)]
struct XItems {
    #[serde(default)]
    item: Vec<XItem>,
}

#[derive(Serialize, Deserialize)]
struct XItem {
    stock_id: String,
    quantity: String,
}

xml_document!(types::DropshippingOrderRequest, OrderRoot, "root");

impl From<&types::DropshippingOrderRequest> for OrderRoot {
    fn from(request: &types::DropshippingOrderRequest) -> Self {
        let order = request
            .order_list
            .iter()
            .map(|o| {
                let r = &o.recipient_details;
                XOrder {
                    key: o.key.clone(),
                    date: o.date.clone(),
                    carrier_id: o.carrier_id.clone(),
                    recipient_details: XRecipient {
                        recipient: r.recipient.clone(),
                        careof: r.careof.clone(),
                        cfpiva: r.cfpiva.clone(),
                        customer_key: r.customer_key.clone(),
                        notes: r.notes.clone(),
                        address: XAddress {
                            street_type: r.address.street_type.clone(),
                            street_name: r.address.street_name.clone(),
                            address_number: r.address.address_number.clone(),
                            zip: r.address.zip.clone(),
                            city: r.address.city.clone(),
                            province: r.address.province.clone(),
                            countrycode: r.address.countrycode.clone(),
                        },
                        phone: XPhone {
                            prefix: r.phone.prefix.clone(),
                            number: r.phone.number.clone(),
                        },
                    },
                    item_list: XItems {
                        item: o
                            .item_list
                            .iter()
                            .map(|i| XItem {
                                stock_id: i.stock_id.clone(),
                                quantity: i.quantity.clone(),
                            })
                            .collect(),
                    },
                    auto_confirm: o.auto_confirm.map(|a| a.to_string()),
                }
            })
            .collect();
        OrderRoot {
            order_id: None,
            order_list: OrderList { order },
        }
    }
}

impl TryFrom<OrderRoot> for types::DropshippingOrderRequest {
    type Error = Error;
    fn try_from(root: OrderRoot) -> Result<Self> {
        let order_list = root
            .order_list
            .order
            .into_iter()
            .map(|o| {
                let auto_confirm = o
                    .auto_confirm
                    .map(|a| {
                        a.trim()
                            .parse::<types::DropshippingOrderAutoConfirm>()
                            .map_err(|e| decode_error("DropshippingOrderRequest", e))
                    })
                    .transpose()?;
                let r = o.recipient_details;
                Ok(types::DropshippingOrder {
                    key: o.key,
                    date: o.date,
                    carrier_id: o.carrier_id,
                    auto_confirm,
                    recipient_details: types::RecipientDetails {
                        recipient: r.recipient,
                        careof: r.careof,
                        cfpiva: r.cfpiva,
                        customer_key: r.customer_key,
                        notes: r.notes,
                        address: types::RecipientAddress {
                            street_type: r.address.street_type,
                            street_name: r.address.street_name,
                            address_number: r.address.address_number,
                            zip: r.address.zip,
                            city: r.address.city,
                            province: r.address.province,
                            countrycode: r.address.countrycode,
                        },
                        phone: types::RecipientPhone {
                            prefix: r.phone.prefix,
                            number: r.phone.number,
                        },
                    },
                    item_list: o
                        .item_list
                        .item
                        .into_iter()
                        .map(|i| types::DropshippingOrderItem {
                            stock_id: i.stock_id,
                            quantity: i.quantity,
                        })
                        .collect(),
                })
            })
            .collect::<Result<_>>()?;
        Ok(types::DropshippingOrderRequest { order_list })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The reservation and the order's answer: <root order_id="N"><model stock_id locked available/>…</root>

#[derive(Serialize, Deserialize)]
struct ReservationRoot {
    #[serde(rename = "@order_id", default, skip_serializing_if = "Option::is_none")]
    order_id: Option<i64>,
    #[serde(rename = "model", default)]
    models: Vec<XModel>,
}

#[derive(Serialize, Deserialize)]
struct XModel {
    #[serde(rename = "@stock_id")]
    stock_id: i64,
    #[serde(rename = "@locked")]
    locked: i32,
    #[serde(rename = "@available")]
    available: i32,
}

fn xmodels(models: &[types::ReservedModel]) -> Vec<XModel> {
    models
        .iter()
        .map(|m| XModel {
            stock_id: m.stock_id,
            locked: m.locked,
            available: m.available,
        })
        .collect()
}

fn models(models: Vec<XModel>) -> Vec<types::ReservedModel> {
    models
        .into_iter()
        .map(|m| types::ReservedModel {
            stock_id: m.stock_id,
            locked: m.locked,
            available: m.available,
        })
        .collect()
}

xml_document!(types::Reservation, ReservationRoot, "root");
xml_document!(types::DropshippingOrderResponse, ReservationRoot, "root");

impl From<&types::Reservation> for ReservationRoot {
    fn from(r: &types::Reservation) -> Self {
        ReservationRoot {
            order_id: r.order_id,
            models: xmodels(&r.models),
        }
    }
}

impl TryFrom<ReservationRoot> for types::Reservation {
    type Error = Error;
    fn try_from(root: ReservationRoot) -> Result<Self> {
        Ok(types::Reservation {
            order_id: root.order_id,
            models: models(root.models),
        })
    }
}

impl From<&types::DropshippingOrderResponse> for ReservationRoot {
    fn from(r: &types::DropshippingOrderResponse) -> Self {
        ReservationRoot {
            order_id: r.order_id,
            models: xmodels(&r.models),
        }
    }
}

impl TryFrom<ReservationRoot> for types::DropshippingOrderResponse {
    type Error = Error;
    fn try_from(root: ReservationRoot) -> Result<Self> {
        Ok(types::DropshippingOrderResponse {
            order_id: root.order_id,
            models: models(root.models),
        })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// reserveStock request: <root><operation type="lock"><model stock_id quantity/>…</operation>…</root>

#[derive(Serialize, Deserialize)]
struct OperationsRoot {
    #[serde(rename = "operation", default)]
    operations: Vec<XOperation>,
}

#[derive(Serialize, Deserialize)]
struct XOperation {
    #[serde(rename = "@type")]
    kind: String,
    #[serde(rename = "model", default)]
    models: Vec<XOperationModel>,
}

#[derive(Serialize, Deserialize)]
struct XOperationModel {
    #[serde(rename = "@stock_id")]
    stock_id: String,
    #[serde(rename = "@quantity")]
    quantity: String,
}

xml_document!(types::ReservationRequest, OperationsRoot, "root");

impl From<&types::ReservationRequest> for OperationsRoot {
    fn from(r: &types::ReservationRequest) -> Self {
        OperationsRoot {
            operations: r
                .operations
                .iter()
                .map(|o| XOperation {
                    kind: o.type_.to_string(),
                    models: o
                        .models
                        .iter()
                        .map(|m| XOperationModel {
                            stock_id: m.stock_id.clone(),
                            quantity: m.quantity.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl TryFrom<OperationsRoot> for types::ReservationRequest {
    type Error = Error;
    fn try_from(root: OperationsRoot) -> Result<Self> {
        let operations = root
            .operations
            .into_iter()
            .map(|o| {
                Ok(types::ReservationOperation {
                    type_: o
                        .kind
                        .trim()
                        .parse()
                        .map_err(|e| decode_error("ReservationRequest", e))?,
                    models: o
                        .models
                        .into_iter()
                        .map(|m| types::ReservationOperationModel {
                            stock_id: m.stock_id,
                            quantity: m.quantity,
                        })
                        .collect(),
                })
            })
            .collect::<Result<_>>()?;
        Ok(types::ReservationRequest { operations })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Order lookups: <root><order_list><order>…</order></order_list></root>, elements in alphabetical order as the
// provider's example has them.

#[derive(Serialize, Deserialize)]
struct StatusRoot {
    order_list: StatusList,
}

#[derive(Serialize, Deserialize)]
struct StatusList {
    #[serde(default)]
    order: Vec<XStatus>,
}

#[derive(Serialize, Deserialize)]
struct XStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    carrier_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ext_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_update: Option<String>,
    order_id: i64,
    /// xsd:dateTime in XML (epoch milliseconds in JSON).
    #[serde(
        rename = "parsedDate",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    parsed_date: Option<String>,
    status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    substatus: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tracking_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tracking_url: Option<String>,
}

xml_document!(types::OrderStatusList, StatusRoot, "root");

/// The offset of a `yyyy/MM/dd HH:mm:ss Z` date, so `parsedDate` is written in the same zone.
fn offset_of(last_update: Option<&str>) -> FixedOffset {
    last_update
        .and_then(|d| DateTime::parse_from_str(d.trim(), "%Y/%m/%d %H:%M:%S %z").ok())
        .map_or(FixedOffset::east_opt(0).expect("UTC"), |d| *d.offset())
}

impl From<&types::OrderStatusList> for StatusRoot {
    fn from(list: &types::OrderStatusList) -> Self {
        let order = list
            .orders
            .iter()
            .map(|o| XStatus {
                carrier_name: o.carrier_name.clone(),
                ext_ref: o.ext_ref.clone(),
                last_update: o.last_update.clone(),
                order_id: o.order_id,
                parsed_date: o
                    .parsed_date
                    .and_then(DateTime::from_timestamp_millis)
                    .map(|d| {
                        d.with_timezone(&offset_of(o.last_update.as_deref()))
                            .to_rfc3339_opts(SecondsFormat::AutoSi, false)
                    }),
                status: open_text(&o.status),
                substatus: o.substatus.map(|s| s.to_string()),
                tracking_code: o.tracking_code.clone(),
                tracking_url: o.tracking_url.clone(),
            })
            .collect();
        StatusRoot {
            order_list: StatusList { order },
        }
    }
}

impl TryFrom<StatusRoot> for types::OrderStatusList {
    type Error = Error;
    fn try_from(root: StatusRoot) -> Result<Self> {
        let orders = root
            .order_list
            .order
            .into_iter()
            .map(|o| {
                Ok(types::ClientOrder {
                    carrier_name: o.carrier_name,
                    ext_ref: o.ext_ref,
                    last_update: o.last_update,
                    order_id: o.order_id,
                    // An xsd:dateTime; one that does not parse is dropped (last_update says the same).
                    parsed_date: o
                        .parsed_date
                        .and_then(|d| DateTime::parse_from_rfc3339(d.trim()).ok())
                        .map(|d| d.timestamp_millis()),
                    status: open_from("ClientOrder.status", &o.status)?,
                    substatus: o
                        .substatus
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| s.trim().parse::<i32>())
                        .transpose()
                        .map_err(|e| decode_error("ClientOrder.substatus", e))?,
                    tracking_code: o.tracking_code,
                    tracking_url: o.tracking_url,
                })
            })
            .collect::<Result<_>>()?;
        Ok(types::OrderStatusList { orders })
    }
}
