//! XML documents of the returns, the carriers and the export's locales and tags (see [`super::xml`]).

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use super::{
    types,
    xml::{XmlDocument, decode_error, open_from, open_text, xml_document},
};

// ---------------------------------------------------------------------------------------------------------------
// requestReturn: <returnedGoodRequest orderId><returnedGoodRequestItem stockModelId quantity reasonCode notes
// requestExtRef/>…</returnedGoodRequest>

#[derive(Serialize, Deserialize)]
struct ReturnRoot {
    #[serde(rename = "@orderId")]
    order_id: i64,
    #[serde(rename = "returnedGoodRequestItem", default)]
    items: Vec<XReturnItem>,
}

#[derive(Serialize, Deserialize)]
struct XReturnItem {
    #[serde(rename = "@stockModelId")]
    stock_model_id: i64,
    #[serde(rename = "@quantity")]
    quantity: i32,
    #[serde(rename = "@reasonCode")]
    reason_code: String,
    #[serde(rename = "@notes", default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    #[serde(
        rename = "@requestExtRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    request_ext_ref: Option<String>,
}

xml_document!(types::ReturnRequest, ReturnRoot, "returnedGoodRequest");

impl From<&types::ReturnRequest> for ReturnRoot {
    fn from(r: &types::ReturnRequest) -> Self {
        ReturnRoot {
            order_id: r.order_id,
            items: r
                .returned_good_request_item
                .iter()
                .map(|i| XReturnItem {
                    stock_model_id: i.stock_model_id,
                    quantity: i.quantity,
                    reason_code: open_text(&i.reason_code),
                    notes: i.notes.clone(),
                    request_ext_ref: i.request_ext_ref.clone(),
                })
                .collect(),
        }
    }
}

impl TryFrom<ReturnRoot> for types::ReturnRequest {
    type Error = Error;
    fn try_from(root: ReturnRoot) -> Result<Self> {
        let returned_good_request_item = root
            .items
            .into_iter()
            .map(|i| {
                Ok(types::ReturnRequestItem {
                    stock_model_id: i.stock_model_id,
                    quantity: i.quantity,
                    reason_code: open_from("ReturnRequestItem.reasonCode", &i.reason_code)?,
                    notes: i.notes,
                    request_ext_ref: i.request_ext_ref,
                })
            })
            .collect::<Result<_>>()?;
        Ok(types::ReturnRequest {
            order_id: root.order_id,
            returned_good_request_item,
        })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Return lookups: the same root, with the state of each row, attributes in the document's order.

#[derive(Serialize, Deserialize)]
struct ReturnedRoot {
    #[serde(rename = "@orderId")]
    order_id: i64,
    #[serde(rename = "returnedGoodRequestItem", default)]
    items: Vec<XReturnedItem>,
}

#[derive(Serialize, Deserialize)]
struct XReturnedItem {
    #[serde(
        rename = "@requestExtRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    request_ext_ref: Option<String>,
    #[serde(rename = "@pdfLink", default, skip_serializing_if = "Option::is_none")]
    pdf_link: Option<String>,
    #[serde(
        rename = "@returnCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    return_code: Option<String>,
    #[serde(
        rename = "@refundStatus",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    refund_status: Option<i32>,
    #[serde(rename = "@status")]
    status: String,
    #[serde(rename = "@notes", default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    #[serde(rename = "@quantity", default, skip_serializing_if = "Option::is_none")]
    quantity: Option<i32>,
    #[serde(rename = "@stockModelId")]
    stock_model_id: i64,
}

xml_document!(types::ReturnedGoods, ReturnedRoot, "returnedGoodRequest");

impl From<&types::ReturnedGoods> for ReturnedRoot {
    fn from(r: &types::ReturnedGoods) -> Self {
        ReturnedRoot {
            order_id: r.order_id,
            items: r
                .returned_good_request_item
                .iter()
                .map(|i| XReturnedItem {
                    request_ext_ref: i.request_ext_ref.clone(),
                    pdf_link: i.pdf_link.clone(),
                    return_code: i.return_code.clone(),
                    refund_status: i.refund_status,
                    status: open_text(&i.status),
                    notes: i.notes.clone(),
                    quantity: i.quantity,
                    stock_model_id: i.stock_model_id,
                })
                .collect(),
        }
    }
}

impl TryFrom<ReturnedRoot> for types::ReturnedGoods {
    type Error = Error;
    fn try_from(root: ReturnedRoot) -> Result<Self> {
        let returned_good_request_item = root
            .items
            .into_iter()
            .map(|i| {
                Ok(types::ReturnedGoodsItem {
                    request_ext_ref: i.request_ext_ref,
                    pdf_link: i.pdf_link,
                    return_code: i.return_code,
                    refund_status: i.refund_status,
                    status: open_from("ReturnedGoodsItem.status", &i.status)?,
                    notes: i.notes,
                    quantity: i.quantity,
                    stock_model_id: i.stock_model_id,
                })
            })
            .collect::<Result<_>>()?;
        Ok(types::ReturnedGoods {
            order_id: root.order_id,
            returned_good_request_item,
        })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Zero11's OperationResponseBean: <response message code status><id>…</id></response>

#[derive(Serialize, Deserialize)]
struct ResponseRoot {
    #[serde(rename = "@message", default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(rename = "@code", default, skip_serializing_if = "Option::is_none")]
    code: Option<i32>,
    #[serde(rename = "@status")]
    status: bool,
    #[serde(rename = "id", default)]
    ids: Vec<i64>,
}

xml_document!(types::OperationResponse, ResponseRoot, "response");

impl From<&types::OperationResponse> for ResponseRoot {
    fn from(r: &types::OperationResponse) -> Self {
        ResponseRoot {
            message: r.message.clone(),
            code: r.code,
            status: r.status,
            ids: r.ids.clone(),
        }
    }
}

impl TryFrom<ResponseRoot> for types::OperationResponse {
    type Error = Error;
    fn try_from(root: ResponseRoot) -> Result<Self> {
        Ok(types::OperationResponse {
            message: root.message,
            code: root.code,
            status: root.status,
            ids: root.ids,
        })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// listCarriers: <collection><carrier id name [cost]/>…</collection> (xroads binds `cost` as an attribute)

#[derive(Serialize, Deserialize)]
struct CarriersRoot {
    #[serde(rename = "carrier", default)]
    carriers: Vec<XCarrier>,
}

#[derive(Serialize, Deserialize)]
struct XCarrier {
    #[serde(rename = "@id")]
    id: i64,
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@cost", default, skip_serializing_if = "Option::is_none")]
    cost: Option<String>,
}

xml_document!(types::Carriers, CarriersRoot, "collection");

impl From<&types::Carriers> for CarriersRoot {
    fn from(c: &types::Carriers) -> Self {
        CarriersRoot {
            carriers: c
                .iter()
                .map(|c| XCarrier {
                    id: c.id,
                    name: c.name.clone(),
                    cost: c.cost.map(|d| d.to_string()),
                })
                .collect(),
        }
    }
}

impl TryFrom<CarriersRoot> for types::Carriers {
    type Error = Error;
    fn try_from(root: CarriersRoot) -> Result<Self> {
        let carriers = root
            .carriers
            .into_iter()
            .map(|c| {
                let cost = c
                    .cost
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| Decimal::from_str(s.trim()))
                    .transpose()
                    .map_err(|e| decode_error("Carrier.cost", e))?;
                Ok(types::Carrier {
                    id: c.id,
                    name: c.name,
                    cost: cost.map(Into::into),
                })
            })
            .collect::<Result<_>>()?;
        Ok(types::Carriers(carriers))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// exportLocales / exportTags: <wrapper><value key="…">text</value>…</wrapper> (root name Uncertain: it is
// the name of Zero11's client class)

#[derive(Serialize, Deserialize)]
struct ValuesRoot {
    #[serde(rename = "value", default)]
    values: Vec<XValue>,
}

#[derive(Serialize, Deserialize)]
struct XValue {
    #[serde(rename = "@key")]
    key: String,
    #[serde(rename = "$text", default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

xml_document!(types::ExportValues, ValuesRoot, "wrapper");

impl From<&types::ExportValues> for ValuesRoot {
    fn from(v: &types::ExportValues) -> Self {
        ValuesRoot {
            values: v
                .iter()
                .map(|v| XValue {
                    key: v.key.clone(),
                    value: v.value.clone(),
                })
                .collect(),
        }
    }
}

impl TryFrom<ValuesRoot> for types::ExportValues {
    type Error = Error;
    fn try_from(root: ValuesRoot) -> Result<Self> {
        Ok(types::ExportValues(
            root.values
                .into_iter()
                .map(|v| types::ExportValue {
                    key: v.key,
                    value: v.value,
                })
                .collect(),
        ))
    }
}
