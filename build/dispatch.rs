//! From what progenitor generated for each operation (read back by `build/api.rs`): a dispatcher that runs
//! any operation by operationId with JSON arguments, and the check that fails the **build** when the operation
//! table of the spec and the generated methods disagree (instead of a panic at run time).

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::api::Operation;

/// Checks that every operation of the table that the generator was given has a generated method, and that
/// no generated method lacks an operation: a disagreement fails the build.
pub fn check_table(
    provider: &str,
    table: &[(String, String)],
    generated: &[Operation],
    left_out: &[String],
) {
    let generated: Vec<String> = generated.iter().map(|op| op.method.to_string()).collect();
    for (id, method) in table {
        if !generated.contains(method) && !left_out.contains(id) {
            panic!(
                "{provider}: operation {id} is expected as method `{method}` but progenitor generated no such \
                 method (generated: {:?})",
                generated
            );
        }
    }
    for method in &generated {
        if !table.iter().any(|(_, m)| m == method) {
            panic!(
                "{provider}: progenitor generated `{method}`, which no operation of the table names"
            );
        }
    }
}

/// `dispatch(client, operation, args)`: runs any operation whose answer is not a byte stream from JSON arguments (one
/// per parameter, plus `body`) and returns the answer as JSON. An argument's name matches a parameter
/// whatever its case and `_`, `-` or `.` separators (`CountryCode`, `country_code`, `country-code`), so the spec's
/// names and Rust's both work. Unknown operations and unknown or mistyped arguments are `InvalidRequest`
/// errors before anything is sent.
pub fn dispatcher(table: &[(String, String)], generated: &[Operation]) -> String {
    let mut arms = Vec::new();
    let mut listed = Vec::new();
    for (id, method) in table {
        let Some(operation) = generated.iter().find(|op| op.method == method) else {
            continue;
        };
        // A byte stream is not an answer a JSON caller can take.
        if operation.streams() {
            continue;
        }
        let method_ident = Ident::new(method, Span::call_site());
        let setters = operation.typed_setters();
        let names: Vec<String> = setters.iter().map(|(n, _)| argument_key(n)).collect();
        let sets = setters.iter().map(|(name, ty)| {
            let ident = Ident::new(name, Span::call_site());
            let key = argument_key(name);
            quote! {
                if let Some(value) = args.get(#key) {
                    request = request.#ident(argument::<#ty>(#id, #name, value)?);
                }
            }
        });
        arms.push(quote! {
            #id => {
                known_arguments(#id, &args, &[#(#names),*])?;
                #[allow(unused_mut)]
                let mut request = client.#method_ident();
                #(#sets)*
                let output = request.await?;
                answer(#id, &output)
            }
        });
        listed.push(id.clone());
    }
    let tokens: TokenStream = quote! {
        /// Every operationId [`dispatch`] can run.
        #[allow(dead_code)]
        pub(crate) static DISPATCHABLE: &[&str] = &[#(#listed),*];

        /// Runs `operation` with JSON `args` (parameters by their spec name, and `body`), returning the answer
        /// as JSON.
        #[allow(dead_code)]
        pub(crate) async fn dispatch(
            client: api::Api<'_>,
            operation: &str,
            args: &::serde_json::Map<String, ::serde_json::Value>,
        ) -> crate::Result<::serde_json::Value> {
            let args: ::std::collections::BTreeMap<String, &::serde_json::Value> = args
                .iter()
                .map(|(name, value)| {
                    let key: String = name
                        .chars()
                        .filter(|c| !matches!(c, '_' | '-' | '.'))
                        .flat_map(char::to_lowercase)
                        .collect();
                    (key, value)
                })
                .collect();
            fn argument<T: ::serde::de::DeserializeOwned>(
                operation: &'static str,
                name: &str,
                value: &::serde_json::Value,
            ) -> crate::Result<T> {
                T::deserialize(value).map_err(|e| {
                    crate::Error::from(crate::ErrorKind::InvalidRequest)
                        .with_provider(PROVIDER)
                        .with_operation(operation)
                        .with_message(format!("argument `{name}`: {e}"))
                })
            }
            fn known_arguments(
                operation: &'static str,
                args: &::std::collections::BTreeMap<String, &::serde_json::Value>,
                known: &[&str],
            ) -> crate::Result<()> {
                match args.keys().find(|k| !known.contains(&k.as_str())) {
                    None => Ok(()),
                    Some(unknown) => Err(crate::Error::from(crate::ErrorKind::InvalidRequest)
                        .with_provider(PROVIDER)
                        .with_operation(operation)
                        .with_message(format!("unknown argument `{unknown}` (known: {known:?})"))),
                }
            }
            fn answer<T: ::serde::Serialize>(
                operation: &'static str,
                output: &T,
            ) -> crate::Result<::serde_json::Value> {
                ::serde_json::to_value(output).map_err(|e| {
                    crate::Error::from(crate::ErrorKind::Decode)
                        .with_provider(PROVIDER)
                        .with_operation(operation)
                        .with_message(format!("cannot render the answer as JSON: {e}"))
                })
            }
            match operation {
                #(#arms)*
                other => Err(crate::Error::from(crate::ErrorKind::InvalidRequest)
                    .with_provider(PROVIDER)
                    .with_message(format!("no operation {other:?} can be dispatched"))),
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).expect("the dispatcher is valid Rust");
    prettyplease::unparse(&file)
}

/// The key an argument is looked up by: the name in lower case without separators.
fn argument_key(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}
