//! The Rewix fake's returns: return requests against the orders of the same state, one row per returned unit
//! (the provider: "if multiple quantities need to be returned you will find multiple lines"), created in 0
//! PENDING; [`RewixSandbox::authorize_return`](super::RewixSandbox::authorize_return) moves them to 2 AUTHORIZED
//! with a label link, as the provider's example shows.

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
};

use super::{
    Inner, RState, RewixSandbox, authorize, malformed,
    xml::{missing_xml_list, parse_body, respond},
};
use crate::rewix::types as t;
use crate::sandbox::http::{Answer, lock, text};

/// One returned unit.
pub(crate) struct ReturnRow {
    pub(crate) order_id: i64,
    pub(crate) stock_id: i64,
    pub(crate) ext_ref: Option<String>,
    pub(crate) notes: Option<String>,
    pub(crate) status: i32,
    pub(crate) return_code: Option<String>,
}

impl ReturnRow {
    fn item(&self) -> t::ReturnedGoodsItem {
        t::ReturnedGoodsItem {
            request_ext_ref: self.ext_ref.clone(),
            pdf_link: self.return_code.as_ref().map(|code| {
                format!("https://sandbox.invalid/restful/returnedgoods/print/{code}.pdf")
            }),
            return_code: self.return_code.clone(),
            refund_status: Some(0),
            status: t::ReturnStatus::try_from(self.status)
                .map_or_else(|_| crate::OpenEnum::Unknown(self.status.into()), Into::into),
            notes: Some(self.notes.clone().unwrap_or_default()),
            quantity: Some(1),
            stock_model_id: self.stock_id,
        }
    }
}

impl RewixSandbox {
    /// Moves the pending return rows with this `requestExtRef` to 2 AUTHORIZED with a label link, as the
    /// supplier would; returns how many rows moved.
    pub fn authorize_return(&self, request_ext_ref: &str) -> usize {
        lock(&self.state.inner).authorize_return(request_ext_ref)
    }
}

impl Inner {
    /// Creates the rows of a return request; a refusal is an `OperationResponse` with `status` false.
    fn request_return(&mut self, request: &t::ReturnRequest) -> t::OperationResponse {
        let refuse = |code: i32, message: String| t::OperationResponse {
            status: false,
            code: Some(code),
            message: Some(message),
            ids: Vec::new(),
        };
        let Some(order) = self.order(request.order_id) else {
            return refuse(1, format!("Order {} not found", request.order_id));
        };
        if request.returned_good_request_item.is_empty() {
            return refuse(2, "No items to return".into());
        }
        for item in &request.returned_good_request_item {
            let ordered: i32 = order
                .items
                .iter()
                .filter(|(id, _)| *id == item.stock_model_id)
                .map(|(_, q)| q)
                .sum();
            let returned = self
                .returns
                .iter()
                .filter(|r| r.order_id == order.order_id && r.stock_id == item.stock_model_id)
                .count();
            let asked = request
                .returned_good_request_item
                .iter()
                .filter(|i| i.stock_model_id == item.stock_model_id)
                .map(|i| i.quantity)
                .sum::<i32>();
            if item.quantity < 1
                || i64::from(asked) + i64::try_from(returned).unwrap_or(0) > i64::from(ordered)
            {
                return refuse(
                    3,
                    format!(
                        "Model {} cannot be returned in quantity {}",
                        item.stock_model_id, item.quantity
                    ),
                );
            }
        }
        let first = self.returns.len();
        for item in &request.returned_good_request_item {
            for _ in 0..item.quantity {
                self.returns.push(ReturnRow {
                    order_id: request.order_id,
                    stock_id: item.stock_model_id,
                    ext_ref: item.request_ext_ref.clone(),
                    notes: item.notes.clone(),
                    status: 0,
                    return_code: None,
                });
            }
        }
        t::OperationResponse {
            status: true,
            code: Some(0),
            message: Some(String::new()),
            ids: (first..self.returns.len())
                .map(|i| i64::try_from(i).unwrap_or(0) + 1)
                .collect(),
        }
    }

    /// Authorizes every pending row with this `requestExtRef`; returns how many.
    pub(crate) fn authorize_return(&mut self, ext_ref: &str) -> usize {
        let mut n = 0;
        for (i, row) in self.returns.iter_mut().enumerate() {
            if row.ext_ref.as_deref() == Some(ext_ref) && row.status == 0 {
                row.status = 2;
                row.return_code = Some(format!("sbx{i:06}"));
                n += 1;
            }
        }
        n
    }

    fn returned_goods(&self, order_id: i64, rows: impl Iterator<Item = usize>) -> t::ReturnedGoods {
        t::ReturnedGoods {
            order_id,
            returned_good_request_item: rows.map(|i| self.returns[i].item()).collect(),
        }
    }
}

/// `POST /restful/ghost/returnedgoods/request/new`.
pub(crate) async fn request_return(
    State(state): RState,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    authorize(&state, &headers)?;
    let request: t::ReturnRequest = parse_body(&headers, &body).map_err(malformed)?;
    missing_xml_list(
        &headers,
        request.returned_good_request_item.is_empty(),
        "returnedGoodRequestItem",
    )
    .map_err(malformed)?;
    // `reasonCode` is an open enum of `type: integer, format: int32`: any int32 is read, anything else refused.
    for item in &request.returned_good_request_item {
        let code = serde_json::to_value(&item.reason_code).unwrap_or_default();
        if code.as_i64().and_then(|n| i32::try_from(n).ok()).is_none() {
            return Err(malformed(format!(
                "Invalid request body: reasonCode {code} is not an int32"
            )));
        }
    }
    let answer = lock(&state.inner).request_return(&request);
    Ok(respond(&headers, &answer))
}

/// `GET /restful/ghost/returnedgoods/clientkey/{key}`: the rows with this `requestExtRef` (of the first order
/// that has one).
pub(crate) async fn returns_by_client_key(
    State(state): RState,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Answer {
    authorize(&state, &headers)?;
    let inner = lock(&state.inner);
    let rows: Vec<usize> = (0..inner.returns.len())
        .filter(|&i| inner.returns[i].ext_ref.as_deref() == Some(key.as_str()))
        .collect();
    let Some(&first) = rows.first() else {
        return Err(text(StatusCode::NOT_FOUND, "Return request not found").into());
    };
    let order_id = inner.returns[first].order_id;
    let goods = inner.returned_goods(
        order_id,
        rows.into_iter()
            .filter(|&i| inner.returns[i].order_id == order_id),
    );
    Ok(respond(&headers, &goods))
}

/// `GET /restful/ghost/returnedgoods/serverkey/{order_id}`: the rows of a known order (possibly none).
pub(crate) async fn returns_by_server_key(
    State(state): RState,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    authorize(&state, &headers)?;
    let inner = lock(&state.inner);
    let Some(order_id) = order_id
        .parse::<i64>()
        .ok()
        .filter(|id| inner.order(*id).is_some())
    else {
        return Err(text(StatusCode::NOT_FOUND, "Order not found").into());
    };
    let goods = inner.returned_goods(
        order_id,
        (0..inner.returns.len()).filter(|&i| inner.returns[i].order_id == order_id),
    );
    Ok(respond(&headers, &goods))
}
