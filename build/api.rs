//! The public face of a generated client: one wrapper per operation, written from progenitor's own output
//! (read back with `syn`), so names, setters and their generic signatures cannot drift from it.
//!
//! ```text
//! client.api()            -> api::Api<'_>        (one method per operation, documented from the spec)
//!     .get_order()        -> api::GetOrder<'_>   (progenitor's setters, forwarded)
//!     .id("7-abc")
//!     .await              -> crate::Result<types::OrderDetails>  (IntoFuture: the runtime's execute path)
//! ```
//!
//! progenitor's builders, `send()`, `Error`, `ResponseValue` and `ClientInfo` stay in the private `generated`
//! module: awaiting a wrapper is the one way to finish a call.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// What progenitor generated for one operation, read from its output.
pub struct Operation {
    /// The client method (`get_order`), which progenitor also reports as `OperationInfo::operation_id`.
    pub method: syn::Ident,
    /// The builder type (`GetOrder`).
    pub builder: syn::Ident,
    /// The method's documentation (summary, description, arguments), without progenitor's `.send()` example.
    pub doc: String,
    /// Every setter of the builder, as progenitor declared it.
    pub setters: Vec<syn::Signature>,
    /// `T` of `send`'s `Result<ResponseValue<T>, Error<E>>`.
    pub output: syn::Type,
}

impl Operation {
    /// Whether the answer is a byte stream (not JSON): the runtime does not decode it.
    pub fn streams(&self) -> bool {
        last_segment(&self.output).is_some_and(|name| name == "ByteStream")
    }

    /// Whether the runtime decodes the answer itself (JSON), rather than the generated code.
    fn decoded(&self) -> bool {
        !self.streams() && !matches!(&self.output, syn::Type::Tuple(t) if t.elems.is_empty())
    }

    /// Each setter with the type its `TryInto` bound names (those a JSON argument can fill).
    pub fn typed_setters(&self) -> Vec<(String, syn::Type)> {
        self.setters.iter().filter_map(try_into_target).collect()
    }
}

/// Every operation progenitor generated, in the order of its client's methods.
pub fn read(file: &syn::File) -> Vec<Operation> {
    let mut methods = Vec::new();
    let mut builders: Vec<(syn::Ident, Vec<syn::Signature>, Option<syn::Type>)> = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(block) if last_segment(&block.self_ty).as_deref() == Some("Client") => {
                for item in &block.items {
                    if let syn::ImplItem::Fn(method) = item
                        && let Some(builder) = returned_builder(&method.sig)
                    {
                        methods.push((method.sig.ident.clone(), builder, doc_of(&method.attrs)));
                    }
                }
            }
            syn::Item::Mod(module) if module.ident == "builder" => {
                for item in module.content.iter().flat_map(|(_, items)| items) {
                    let syn::Item::Impl(block) = item else {
                        continue;
                    };
                    if block.trait_.is_some() {
                        continue;
                    }
                    let Some(name) = last_segment(&block.self_ty) else {
                        continue;
                    };
                    let mut setters = Vec::new();
                    let mut output = None;
                    for item in &block.items {
                        let syn::ImplItem::Fn(f) = item else { continue };
                        match f.sig.ident.to_string().as_str() {
                            "new" => {}
                            "send" => output = send_output(&f.sig),
                            _ => setters.push(f.sig.clone()),
                        }
                    }
                    builders.push((format_ident!("{name}"), setters, output));
                }
            }
            _ => {}
        }
    }
    methods
        .into_iter()
        .map(|(method, builder, doc)| {
            let (_, setters, output) = builders
                .iter()
                .find(|(name, _, _)| *name == builder)
                .unwrap_or_else(|| {
                    panic!("progenitor generated no builder {builder} for {method}")
                });
            let output = output
                .clone()
                .unwrap_or_else(|| panic!("cannot read what {builder}::send returns"));
            Operation {
                method,
                builder,
                doc,
                setters: setters.clone(),
                output,
            }
        })
        .collect()
}

/// `pub mod api`, to be included in the provider's `generated` module: the [`Operation`]s' wrappers.
/// `ids` gives each method's operationId (for the runtime's call record and errors).
pub fn wrappers(operations: &[Operation], ids: &dyn Fn(&str) -> String) -> TokenStream {
    let methods = operations.iter().map(|op| {
        let Operation {
            method, builder, ..
        } = op;
        let doc = &op.doc;
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #builder<'a> {
                #builder(self.0.#method())
            }
        }
    });
    let builders = operations.iter().map(|op| {
        let Operation {
            method,
            builder,
            output,
            ..
        } = op;
        let id = ids(&method.to_string());
        // A byte stream is handed over as the whole body, which the runtime has already read within its size
        // limit: progenitor's `ByteStream` is not a type a user of this crate can name.
        let output: syn::Type = if op.streams() {
            syn::parse_quote!(::bytes::Bytes)
        } else {
            output.clone()
        };
        let answer = quote!(#output).to_string().replace(' ', "");
        let answer = match answer.strip_prefix("types::") {
            Some(name) => format!("[`{name}`](types::{name})"),
            None if answer == "()" => "nothing".to_string(),
            None if op.streams() => "the answer's bytes".to_string(),
            None => format!("`{answer}`"),
        };
        let summary = format!(
            "A `{id}` request: set its parameters, then `.await` it for {answer} or the crate's \
             [`Error`](crate::Error).\n\nStarted by [`Api::{method}`]."
        );
        let run = if op.decoded() {
            quote!(execute_decoded)
        } else if op.streams() {
            quote!(execute_bytes)
        } else {
            quote!(execute)
        };
        let setters = op.setters.iter().map(|sig| {
            let mut sig = sig.clone();
            let doc = setter_doc(&op.doc, &sig.ident.to_string());
            let mut args = Vec::new();
            for input in sig.inputs.iter_mut() {
                match input {
                    syn::FnArg::Receiver(receiver) => receiver.mutability = None,
                    syn::FnArg::Typed(typed) => {
                        if let syn::Pat::Ident(pat) = &*typed.pat {
                            args.push(pat.ident.clone());
                        }
                    }
                }
            }
            let name = &sig.ident;
            quote! {
                #[doc = #doc]
                pub #sig {
                    Self(self.0.#name(#(#args),*))
                }
            }
        });
        quote! {
            #[doc = #summary]
            #[derive(Debug, Clone)]
            #[must_use = "a request does nothing until it is awaited"]
            pub struct #builder<'a>(builder::#builder<'a>);

            impl<'a> #builder<'a> {
                #(#setters)*
            }

            impl<'a> ::std::future::IntoFuture for #builder<'a> {
                type Output = crate::Result<#output>;
                type IntoFuture =
                    ::std::pin::Pin<Box<dyn ::std::future::Future<Output = Self::Output> + Send + 'a>>;
                /// Sends the request (authenticated, retried when idempotent, traced) and maps any failure into
                /// [`crate::Error`].
                fn into_future(self) -> Self::IntoFuture {
                    Box::pin(crate::runtime::#run(PROVIDER, #id, self.0.send()))
                }
            }
        }
    });
    quote! {
        /// Every operation of the spec: [`Api`](api::Api) (from the client's `api()`) starts a request, its setters fill
        /// it in, and `.await` sends it with the client's auth, retries and tracing, returning
        /// [`crate::Result`].
        pub mod api {
            #[allow(unused_imports)]
            use super::*;

            /// Every operation of the spec, one method each, on the client it came from.
            #[derive(Debug, Clone, Copy)]
            pub struct Api<'a>(&'a super::Client);

            impl<'a> Api<'a> {
                pub(crate) fn new(client: &'a super::Client) -> Self {
                    Api(client)
                }

                /// The base URL every request starts with (for the hand-written calls).
                #[allow(dead_code)]
                pub(crate) fn baseurl(&self) -> &'a str {
                    &self.0.baseurl
                }

                #(#methods)*
            }

            #(#builders)*
        }
    }
}

/// The documentation of a progenitor method, without its example (which calls `.send()`).
fn doc_of(attrs: &[syn::Attribute]) -> String {
    let mut doc = String::new();
    for attr in attrs {
        if let syn::Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &nv.value
        {
            if !doc.is_empty() {
                doc.push('\n');
            }
            doc.push_str(&text.value());
        }
    }
    let doc = match doc.find("```ignore") {
        Some(at) => &doc[..at],
        None => &doc,
    };
    doc.trim_end().to_string()
}

/// A setter's documentation: its line of the method's "Arguments:" list, else a plain sentence.
fn setter_doc(method_doc: &str, setter: &str) -> String {
    let marker = format!("- `{setter}`: ");
    let mut lines = method_doc
        .lines()
        .skip_while(|line| !line.starts_with(&marker));
    if let Some(first) = lines.next() {
        let mut text = first[marker.len()..].to_string();
        for line in lines.take_while(|line| !line.starts_with("- `") && !line.trim().is_empty()) {
            text.push('\n');
            text.push_str(line);
        }
        return text;
    }
    match setter {
        "body" => "The request body.".to_string(),
        "body_map" => "Changes the request body with its builder.".to_string(),
        other => format!("Sets `{other}`."),
    }
}

fn last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `builder::X<'_>` as a method's return type -> `X`.
fn returned_builder(sig: &syn::Signature) -> Option<syn::Ident> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [module, builder] if module.ident == "builder" => Some(builder.ident.clone()),
        _ => None,
    }
}

/// The first type argument of a path type's last segment (`Result<T, E>` -> `T`).
fn first_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// `-> Result<ResponseValue<T>, Error<E>>` -> `T`.
fn send_output(sig: &syn::Signature) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    first_argument(first_argument(ty)?).cloned()
}

/// `fn name<V>(mut self, value: V) -> Self where V: std::convert::TryInto<T>` -> `(name, T)`.
fn try_into_target(sig: &syn::Signature) -> Option<(String, syn::Type)> {
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
