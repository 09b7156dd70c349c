//! Return requests: [`ReturnRequest`] as a caller writes it, and the three returns calls on [`Client`].

use std::fmt;

use crate::{OpenEnum, error::Result};

use super::{Client, types};

/// A return request for units of one Rewix order (`requestReturn`).
///
/// ```
/// use fulfillment_apis::rewix::{ReturnRequest, types::ReturnReason};
/// let request = ReturnRequest::new(912120)
///     .add_item(182179, 1, ReturnReason::try_from(2).unwrap(), "R-123")
///     .set_notes("the item was damaged");
/// assert_eq!(request.to_request().returned_good_request_item[0].stock_model_id, 182179);
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ReturnRequest {
    order_id: i64,
    items: Vec<types::ReturnRequestItem>,
}

impl ReturnRequest {
    /// A request for the Rewix order `order_id` (the `order_id` of the order status calls), with no items yet.
    pub fn new(order_id: i64) -> Self {
        ReturnRequest {
            order_id,
            items: Vec::new(),
        }
    }
    /// Returns `quantity` units of model `stock_id` for `reason`, under your reference `request_ext_ref` (the
    /// key of [`Client::returns_by_key`]).
    pub fn add_item(
        mut self,
        stock_id: i64,
        quantity: i32,
        reason: types::ReturnReason,
        request_ext_ref: impl Into<String>,
    ) -> Self {
        self.items.push(types::ReturnRequestItem {
            stock_model_id: stock_id,
            quantity,
            reason_code: reason.into(),
            notes: None,
            request_ext_ref: Some(request_ext_ref.into()),
        });
        self
    }
    /// Notes on the last added item.
    pub fn set_notes(mut self, notes: impl Into<String>) -> Self {
        if let Some(last) = self.items.last_mut() {
            last.notes = Some(notes.into());
        }
        self
    }
    /// The request body.
    pub fn to_request(&self) -> types::ReturnRequest {
        types::ReturnRequest {
            order_id: self.order_id,
            returned_good_request_item: self.items.clone(),
        }
    }
}

/// The provider's label of each reason code.
const REASONS: &[&str] = &[
    "Other",
    "Purchased by mistake",
    "Damaged item",
    "Wrong item",
    "Defective",
    "Unordered",
    "Not my size",
    "Don't like product",
    "Missing",
];

impl fmt::Display for types::ReturnReason {
    /// `2 Damaged item`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = **self;
        let label = usize::try_from(code)
            .ok()
            .and_then(|i| REASONS.get(i))
            .unwrap_or(&"?");
        write!(f, "{code} {label}")
    }
}

impl fmt::Display for types::ReturnStatus {
    /// `2 AUTHORIZED` (names from a third-party analysis; Uncertain).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = **self;
        let name = match code {
            0 => "PENDING",
            1 => "AUTHORIZED_C",
            2 => "AUTHORIZED",
            3 => "RECEIVED_OK",
            4 => "RECEIVED_NOK",
            5 => "NOT_RECEIVED",
            7 => "REFUSED",
            9 => "COMPLETED",
            _ => "?",
        };
        write!(f, "{code} {name}")
    }
}

impl types::ReturnedGoodsItem {
    /// Whether the supplier authorized the return (status 1 or 2; the label is then in `pdf_link`).
    pub fn is_authorized(&self) -> bool {
        matches!(&self.status, OpenEnum::Known(s) if **s == 1 || **s == 2)
    }
}

impl Client {
    /// Sends a return request (`requestReturn`). Rewix answers `status` false, with a message, when it refuses
    /// it; that answer is returned as is.
    pub async fn request_return(
        &self,
        request: &ReturnRequest,
    ) -> Result<types::OperationResponse> {
        self.post_return(request.to_request()).await
    }

    /// The return rows sent with your reference `request_ext_ref` (`getReturnsByClientKey`).
    pub async fn returns_by_key(&self, request_ext_ref: &str) -> Result<types::ReturnedGoods> {
        self.get_returns_by_key(request_ext_ref).await
    }

    /// The return rows of a Rewix order (`getReturnsByServerKey`).
    pub async fn returns_by_order(&self, order_id: i64) -> Result<types::ReturnedGoods> {
        self.get_returns_by_id(order_id).await
    }
}
