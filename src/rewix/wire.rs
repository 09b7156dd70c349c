//! The ghost calls and the catalog export in the client's wire format: the generated JSON calls, or the same
//! requests in XML built by hand and sent through [`Runtime::call_raw`](crate::runtime::Runtime::call_raw), so
//! auth, retries, size limits and error mapping are the same for both.

use http::{
    Method,
    header::{ACCEPT, CONTENT_TYPE},
};

use crate::{
    Provider,
    error::{Error, ErrorKind, Result},
};

use super::{Client, WireFormat, XmlDocument, types};

const XML: &str = "application/xml";

impl Client {
    /// One call in XML: `body` written with [`XmlDocument::to_xml`], the answer read with
    /// [`XmlDocument::from_xml`]. `path` is already encoded; `query` is added as query parameters (encoded here).
    async fn call_xml<B: XmlDocument, A: XmlDocument>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        query: &[(&'static str, String)],
        body: Option<&B>,
    ) -> Result<A> {
        let with_operation = |e: Error| e.with_provider(Provider::Rewix).with_operation(operation);
        let url = format!("{}{path}", self.api().baseurl());
        let mut builder = self
            .runtime()
            .http()
            .request(method, url)
            .query(query)
            .header(ACCEPT, XML);
        if let Some(body) = body {
            let text = body.to_xml().map_err(with_operation)?;
            builder = builder.header(CONTENT_TYPE, XML).body(text);
        }
        let request = builder.build().map_err(|e| {
            with_operation(
                Error::new(ErrorKind::InvalidRequest)
                    .with_message("cannot build the XML request")
                    .with_source(e.without_url()),
            )
        })?;
        let (status, bytes) = self.runtime().call_raw(operation, request).await?;
        let decoded = match std::str::from_utf8(&bytes) {
            Ok(text) => A::from_xml(text),
            Err(e) => Err(super::xml::decode_error(A::ROOT, e)),
        };
        decoded.map_err(|e| with_operation(e).with_status(status).with_body(bytes))
    }

    /// `exportProductsXml`: one page of the catalog export as XML (`products.xml`), with these query parameters.
    pub(super) async fn export_products_xml(
        &self,
        query: &[(&'static str, String)],
    ) -> Result<types::ProductPage> {
        self.call_xml::<types::ProductPage, _>(
            "exportProductsXml",
            Method::GET,
            "/restful/export/api/products.xml",
            query,
            None,
        )
        .await
    }

    /// `sendDropshippingOrder` in the client's wire format. Sent once (the caller decides about retrying).
    pub(super) async fn post_order(
        &self,
        request: &types::DropshippingOrderRequest,
    ) -> Result<types::DropshippingOrderResponse> {
        match self.wire {
            WireFormat::Json => {
                self.api()
                    .send_dropshipping_order()
                    .body(request.clone())
                    .await
            }
            WireFormat::Xml => {
                self.call_xml(
                    "sendDropshippingOrder",
                    Method::POST,
                    "/restful/ghost/orders/0/dropshipping",
                    &[],
                    Some(request),
                )
                .await
            }
        }
    }

    /// `reserveStock` in the client's wire format.
    pub(super) async fn post_reservation(
        &self,
        request: types::ReservationRequest,
    ) -> Result<types::Reservation> {
        match self.wire {
            WireFormat::Json => self.api().reserve_stock().body(request).await,
            WireFormat::Xml => {
                self.call_xml(
                    "reserveStock",
                    Method::POST,
                    "/restful/ghost/orders/sold",
                    &[],
                    Some(&request),
                )
                .await
            }
        }
    }

    /// `getReservationStatus` in the client's wire format.
    pub(super) async fn get_reservation(&self) -> Result<types::Reservation> {
        match self.wire {
            WireFormat::Json => self.api().get_reservation_status().await,
            WireFormat::Xml => {
                self.call_xml::<types::Reservation, _>(
                    "getReservationStatus",
                    Method::GET,
                    "/restful/ghost/orders/dropshipping/locked",
                    &[],
                    None,
                )
                .await
            }
        }
    }

    /// `getOrdersByClientKey` in the client's wire format.
    pub(super) async fn get_orders_by_key(&self, key: &str) -> Result<types::OrderStatusList> {
        match self.wire {
            WireFormat::Json => self.api().get_orders_by_client_key().key(key).await,
            WireFormat::Xml => {
                let path = format!(
                    "/restful/ghost/clientorders/clientkey/{}",
                    progenitor_client::encode_path(key)
                );
                self.call_xml::<types::OrderStatusList, _>(
                    "getOrdersByClientKey",
                    Method::GET,
                    &path,
                    &[],
                    None,
                )
                .await
            }
        }
    }

    /// `getOrdersByServerKey` in the client's wire format.
    pub(super) async fn get_orders_by_id(&self, order_id: i64) -> Result<types::OrderStatusList> {
        match self.wire {
            WireFormat::Json => {
                self.api()
                    .get_orders_by_server_key()
                    .order_id(order_id)
                    .await
            }
            WireFormat::Xml => {
                let path = format!("/restful/ghost/clientorders/serverkey/{order_id}");
                self.call_xml::<types::OrderStatusList, _>(
                    "getOrdersByServerKey",
                    Method::GET,
                    &path,
                    &[],
                    None,
                )
                .await
            }
        }
    }

    /// `requestReturn` in the client's wire format.
    pub(super) async fn post_return(
        &self,
        request: types::ReturnRequest,
    ) -> Result<types::OperationResponse> {
        match self.wire {
            WireFormat::Json => self.api().request_return().body(request).await,
            WireFormat::Xml => {
                self.call_xml(
                    "requestReturn",
                    Method::POST,
                    "/restful/ghost/returnedgoods/request/new",
                    &[],
                    Some(&request),
                )
                .await
            }
        }
    }

    /// `getReturnsByClientKey` in the client's wire format.
    pub(super) async fn get_returns_by_key(&self, key: &str) -> Result<types::ReturnedGoods> {
        match self.wire {
            WireFormat::Json => self.api().get_returns_by_client_key().key(key).await,
            WireFormat::Xml => {
                let path = format!(
                    "/restful/ghost/returnedgoods/clientkey/{}",
                    progenitor_client::encode_path(key)
                );
                self.call_xml::<types::ReturnedGoods, _>(
                    "getReturnsByClientKey",
                    Method::GET,
                    &path,
                    &[],
                    None,
                )
                .await
            }
        }
    }

    /// `getReturnsByServerKey` in the client's wire format.
    pub(super) async fn get_returns_by_id(&self, order_id: i64) -> Result<types::ReturnedGoods> {
        match self.wire {
            WireFormat::Json => {
                self.api()
                    .get_returns_by_server_key()
                    .order_id(order_id)
                    .await
            }
            WireFormat::Xml => {
                let path = format!("/restful/ghost/returnedgoods/serverkey/{order_id}");
                self.call_xml::<types::ReturnedGoods, _>(
                    "getReturnsByServerKey",
                    Method::GET,
                    &path,
                    &[],
                    None,
                )
                .await
            }
        }
    }
}
