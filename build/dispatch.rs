//! Reads progenitor's output back (with `syn`) to learn what it generated for each operation: the client
//! method, its builder type, and every setter with the type it takes. From that it writes a dispatcher that
//! runs any operation by operationId with JSON arguments, and it fails the **build** when the operation table
//! of the spec and the generated methods disagree (instead of a panic at run time).

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// What progenitor generated for one operation.
pub struct GeneratedOperation {
    /// Each setter of the builder (parameters and `body`) with the type its `TryInto` bound names.
    pub setters: Vec<(String, syn::Type)>,
}

/// The generated client's methods, by method name.
pub fn generated_operations(file: &syn::File) -> BTreeMap<String, GeneratedOperation> {
    let mut methods = BTreeMap::new();
    let mut setters: BTreeMap<String, Vec<(String, syn::Type)>> = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(block) if is_type(&block.self_ty, "Client") => {
                for item in &block.items {
                    if let syn::ImplItem::Fn(method) = item
                        && let Some(builder) = returned_builder(&method.sig)
                    {
                        methods.insert(method.sig.ident.to_string(), builder);
                    }
                }
            }
            syn::Item::Mod(module) if module.ident == "builder" => {
                for item in module.content.iter().flat_map(|(_, items)| items) {
                    let syn::Item::Impl(block) = item else {
                        continue;
                    };
                    let Some(name) = type_name(&block.self_ty) else {
                        continue;
                    };
                    let found = block.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(method) => setter(&method.sig),
                        _ => None,
                    });
                    setters.entry(name).or_default().extend(found);
                }
            }
            _ => {}
        }
    }
    methods
        .into_iter()
        .map(|(method, builder)| {
            let setters = setters.remove(&builder).unwrap_or_default();
            (method, GeneratedOperation { setters })
        })
        .collect()
}

/// Checks that every operation of the table that the generator was given has a generated method, and that
/// no generated method lacks an operation: a disagreement fails the build.
pub fn check_table(
    provider: &str,
    table: &[(String, String)],
    generated: &BTreeMap<String, GeneratedOperation>,
    left_out: &[String],
) {
    for (id, method) in table {
        if !generated.contains_key(method) && !left_out.contains(id) {
            panic!(
                "{provider}: operation {id} is expected as method `{method}` but progenitor generated no such \
                 method (generated: {:?})",
                generated.keys().collect::<Vec<_>>()
            );
        }
    }
    for method in generated.keys() {
        if !table.iter().any(|(_, m)| m == method) {
            panic!(
                "{provider}: progenitor generated `{method}`, which no operation of the table names"
            );
        }
    }
}

/// `dispatch(client, operation, args)`: runs any operation with an `Execute` impl from JSON arguments (one
/// per parameter, plus `body`) and returns the answer as JSON. An argument's name matches a parameter
/// whatever its case and `_`, `-` or `.` separators (`CountryCode`, `country_code`, `country-code`), so the spec's
/// names and Rust's both work. Unknown operations and unknown or mistyped arguments are `InvalidRequest`
/// errors before anything is sent.
pub fn dispatcher(
    table: &[(String, String)],
    generated: &BTreeMap<String, GeneratedOperation>,
    executable: &[String],
) -> String {
    let mut arms = Vec::new();
    let mut listed = Vec::new();
    for (id, method) in table {
        let Some(operation) = generated.get(method) else {
            continue;
        };
        if !executable.contains(id) {
            continue;
        }
        let method_ident = Ident::new(method, Span::call_site());
        let names: Vec<String> = operation
            .setters
            .iter()
            .map(|(n, _)| argument_key(n))
            .collect();
        let sets = operation.setters.iter().map(|(name, ty)| {
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
                let output = crate::Execute::execute(request).await?;
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
            client: &Client,
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

fn is_type(ty: &syn::Type, name: &str) -> bool {
    type_name(ty).is_some_and(|n| n == name)
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `builder::X<'_>` as a method's return type -> `X`.
fn returned_builder(sig: &syn::Signature) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [module, builder] if module.ident == "builder" => Some(builder.ident.to_string()),
        _ => None,
    }
}

/// `fn name<V>(mut self, value: V) -> Self where V: std::convert::TryInto<T>` -> `(name, T)`.
fn setter(sig: &syn::Signature) -> Option<(String, syn::Type)> {
    let predicates = &sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(bound) = predicate else {
            return None;
        };
        bound.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else {
                return None;
            };
            let last = t.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(ty) => Some((sig.ident.to_string(), ty.clone())),
                _ => None,
            }
        })
    })
}
