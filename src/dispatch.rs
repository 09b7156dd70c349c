#![allow(unused_macros, unused_imports)]
//! Running an operation by its operationId with JSON arguments, for tools such as the `fulfillment` command
//! line (feature `cli`): the one public door to the dispatcher `build.rs` generates from each spec. Typed code
//! should use the clients' methods and `Client::api()` instead.

/// Adds `dispatchable()` and `Client::dispatch` to a provider module.
macro_rules! public_dispatch {
    () => {
        /// Every operationId [`Client::dispatch`] can run, in the order of the spec. An operation the dispatcher
        /// cannot run (a multipart or XML-only one) is left out; its typed method is on the client.
        pub fn dispatchable() -> &'static [&'static str] {
            generated::DISPATCHABLE
        }

        impl Client {
            /// Runs the operation `operation_id` with JSON `args` (each parameter by its spec name, in any case
            /// and with `_`, `-` or `.` separators, and `body` for the request body) and returns the answer as
            /// JSON, with the client's auth, retries and error mapping. An unknown operation, an unknown
            /// argument or one of the wrong type is an [`InvalidRequest`](crate::ErrorKind::InvalidRequest)
            /// error before anything is sent.
            ///
            /// This is for tools (the `fulfillment` command line, scripts); typed code should call
            /// [`Client::api`] or the client's own methods.
            pub async fn dispatch(
                &self,
                operation_id: &str,
                args: &::serde_json::Map<String, ::serde_json::Value>,
            ) -> crate::Result<::serde_json::Value> {
                generated::dispatch(self.api(), operation_id, args).await
            }
        }
    };
}
pub(crate) use public_dispatch;
