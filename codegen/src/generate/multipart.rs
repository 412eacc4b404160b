//! `multipart/form-data` operations, which progenitor cannot generate.
//!
//! They are taken out of the document before progenitor runs and generated here from the
//! spec, as builders shaped like progenitor's (same hooks, same `Error`, same decoding), so a
//! future multipart operation appears by itself. File fields take a [`FilePart`] that is
//! re-opened on every `send`, which is what lets a retry rebuild a streamed body.
//!
//! [`FilePart`]: for the `hyperspell` crate, its hand-written `hyperspell::multipart::FilePart`
//! (`src/file_part.rs`), re-exported by the `multipart` module this emits; a standalone crate
//! has no runtime to take it from, so it gets its own copy ([`standalone_file_part`]).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{Flavor, ref_type};
use crate::diagnostic::Diagnostic;
use crate::load::Spec;
use crate::naming::Operation;

const MULTIPART: &str = "multipart/form-data";

/// A multipart operation taken out of the document before progenitor sees it.
#[derive(Debug, Clone)]
pub struct MultipartOperation {
    pub operation: Operation,
    /// The operation object as it was in the normalized document.
    pub object: Value,
    /// Parameters of the path item, which apply to the operation too.
    pub path_parameters: Vec<Value>,
}

/// Removes the operations whose only request body is `multipart/form-data` and returns them.
pub fn take_multipart_operations(
    _spec: &Spec,
    doc: &mut Value,
    operations: &[Operation],
) -> Result<Vec<MultipartOperation>, Diagnostic> {
    let mut taken = Vec::new();
    for operation in operations {
        let Some(object) = doc.pointer(&operation.pointer) else {
            continue;
        };
        let Some(body) = object.get("requestBody").map(|b| resolve(doc, b).clone()) else {
            continue;
        };
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            continue;
        };
        if !content.contains_key(MULTIPART) || content.keys().any(|k| k != MULTIPART) {
            continue;
        }
        let (item_pointer, method) = operation.pointer.rsplit_once('/').unwrap_or_default();
        let path_parameters = doc
            .pointer(item_pointer)
            .and_then(|item| item.get("parameters"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let object = object.clone();
        if let Some(item) = doc.pointer_mut(item_pointer).and_then(Value::as_object_mut) {
            item.remove(method);
        }
        taken.push(MultipartOperation {
            operation: operation.clone(),
            object,
            path_parameters,
        });
    }
    Ok(taken)
}

/// Builder structs and `Client` methods for the multipart operations, plus the `multipart`
/// support module. The builder items are returned as `mod builder { .. }` and merged into
/// progenitor's module by the caller.
pub fn generate(
    spec: &Spec,
    doc: &Value,
    operations: &[MultipartOperation],
    type_space: &typify::TypeSpace,
    flavor: Flavor,
) -> Result<TokenStream, Diagnostic> {
    if operations.is_empty() {
        return Ok(TokenStream::new());
    }
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for operation in operations {
        let (method, builder) = operation_code(spec, doc, operation, type_space)?;
        methods.push(method);
        builders.push(builder);
    }
    let support = support_module(flavor);
    Ok(quote! {
        impl Client {
            #(#methods)*
        }
        pub mod builder {
            #(#builders)*
        }
        #support
    })
}

/// How one form field is sent.
enum FieldKind {
    /// A file: `FilePart`.
    File,
    /// Several files under one name.
    Files,
    /// A text value.
    Text,
    /// Several text values under one name.
    Texts,
    /// Anything else: JSON text.
    Json,
}

struct Field {
    name: String,
    ident: syn::Ident,
    kind: FieldKind,
    required: bool,
    doc: Option<String>,
}

enum ParamLocation {
    Path,
    Query,
    Header,
}

struct Param {
    name: String,
    ident: syn::Ident,
    location: ParamLocation,
    required: bool,
}

fn operation_code(
    spec: &Spec,
    doc: &Value,
    multipart: &MultipartOperation,
    type_space: &typify::TypeSpace,
) -> Result<(TokenStream, TokenStream), Diagnostic> {
    let operation = &multipart.operation;
    let object = &multipart.object;
    let fields = form_fields(spec, doc, multipart)?;
    let params = parameters(doc, multipart);
    let method_ident = format_ident!("{}", operation.rust_name);
    let builder_ident = format_ident!("{}", operation.rust_name.to_upper_camel_case());
    let rust_name = &operation.rust_name;

    let description = [object.get("summary"), object.get("description")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join("\n\n");
    let method_doc = format!(
        "{description}\n\nSends a `{}` request to `{}` (`multipart/form-data`).",
        operation.method, operation.path
    );

    let mut struct_fields = Vec::new();
    let mut initializers = Vec::new();
    let mut setters = Vec::new();
    let mut unpack = Vec::new();
    let mut form_parts = Vec::new();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut path_args = Vec::new();

    for param in &params {
        let ident = &param.ident;
        let name = &param.name;
        struct_fields.push(quote! { #ident: Result<Option<String>, String> });
        initializers.push(quote! { #ident: Ok(None) });
        let setter_doc = format!("Sets the `{name}` parameter.");
        setters.push(quote! {
            #[doc = #setter_doc]
            pub fn #ident<V: std::fmt::Display>(mut self, value: V) -> Self {
                self.#ident = Ok(Some(value.to_string()));
                self
            }
        });
        unpack.push(required_or_optional(ident, name, param.required));
        match param.location {
            ParamLocation::Path => path_args.push(quote! { encode_path(&#ident) }),
            ParamLocation::Query => query.push(quote! {
                .query(&progenitor_client::QueryParam::new(#name, &#ident))
            }),
            ParamLocation::Header => headers.push(quote! {
                if let Some(value) = &#ident {
                    request = request.header(#name, value);
                }
            }),
        }
    }

    for field in &fields {
        let ident = &field.ident;
        let name = &field.name;
        let setter_doc = field
            .doc
            .clone()
            .unwrap_or_else(|| format!("Sets the `{name}` form field."));
        let (ty, setter) = match field.kind {
            FieldKind::File => (
                quote! { super::multipart::FilePart },
                quote! {
                    #[doc = #setter_doc]
                    pub fn #ident(mut self, value: impl Into<super::multipart::FilePart>) -> Self {
                        self.#ident = Ok(Some(value.into()));
                        self
                    }
                },
            ),
            FieldKind::Files => (
                quote! { Vec<super::multipart::FilePart> },
                quote! {
                    #[doc = #setter_doc]
                    pub fn #ident<I>(mut self, values: I) -> Self
                    where
                        I: IntoIterator,
                        I::Item: Into<super::multipart::FilePart>,
                    {
                        self.#ident = Ok(Some(values.into_iter().map(Into::into).collect()));
                        self
                    }
                },
            ),
            FieldKind::Text => (
                quote! { String },
                quote! {
                    #[doc = #setter_doc]
                    pub fn #ident(mut self, value: impl Into<String>) -> Self {
                        self.#ident = Ok(Some(value.into()));
                        self
                    }
                },
            ),
            FieldKind::Texts => (
                quote! { Vec<String> },
                quote! {
                    #[doc = #setter_doc]
                    pub fn #ident<I>(mut self, values: I) -> Self
                    where
                        I: IntoIterator,
                        I::Item: std::fmt::Display,
                    {
                        self.#ident = Ok(Some(values.into_iter().map(|v| v.to_string()).collect()));
                        self
                    }
                },
            ),
            FieldKind::Json => (
                quote! { String },
                quote! {
                    #[doc = #setter_doc]
                    pub fn #ident<V: serde::Serialize>(mut self, value: V) -> Self {
                        self.#ident = serde_json::to_string(&value)
                            .map(Some)
                            .map_err(|e| format!("cannot encode `{}` as JSON: {e}", #name));
                        self
                    }
                },
            ),
        };
        struct_fields.push(quote! { #ident: Result<Option<#ty>, String> });
        initializers.push(quote! { #ident: Ok(None) });
        setters.push(setter);
        unpack.push(required_or_optional(ident, name, field.required));
        let add = match field.kind {
            FieldKind::File => quote! { form = form.part(#name, part(value).await?); },
            FieldKind::Files => quote! {
                for value in value {
                    form = form.part(#name, part(value).await?);
                }
            },
            FieldKind::Text | FieldKind::Json => quote! { form = form.text(#name, value); },
            FieldKind::Texts => quote! {
                for value in value {
                    form = form.text(#name, value);
                }
            },
        };
        form_parts.push(if field.required {
            quote! { { let value = #ident; #add } }
        } else {
            quote! { if let Some(value) = #ident { #add } }
        });
    }

    let names: Vec<&syn::Ident> = params
        .iter()
        .map(|p| &p.ident)
        .chain(fields.iter().map(|f| &f.ident))
        .collect();
    let url_format = format!("{{}}{}", path_template(&operation.path));
    let http_method = format_ident!("{}", operation.method.to_lowercase());
    let (success, error, arms) = responses(doc, object, type_space);

    let method = quote! {
        #[doc = #method_doc]
        pub fn #method_ident(&self) -> builder::#builder_ident<'_> {
            builder::#builder_ident::new(self)
        }
    };
    let builder_doc = format!("Builder for [`Client::{rust_name}`](super::Client::{rust_name})");
    let builder = quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        pub struct #builder_ident<'a> {
            client: &'a super::Client,
            #(#struct_fields,)*
        }

        impl<'a> #builder_ident<'a> {
            pub fn new(client: &'a super::Client) -> Self {
                Self { client, #(#initializers,)* }
            }

            #(#setters)*

            #[doc = "Sends the request: one attempt, the form rebuilt from its parts."]
            pub async fn send(self) -> Result<ResponseValue<#success>, Error<#error>> {
                let Self { client, #(#names,)* } = self;
                #(#unpack)*
                async fn part<E>(file: super::multipart::FilePart) -> Result<reqwest::multipart::Part, Error<E>> {
                    file.to_part().await.map_err(|e| Error::InvalidRequest(e.to_string()))
                }
                #[allow(unused_mut)]
                let mut form = reqwest::multipart::Form::new();
                #(#form_parts)*
                let url = format!(#url_format, client.baseurl, #(#path_args,)*);
                #[allow(unused_mut)]
                let mut request = client
                    .client
                    .#http_method(url)
                    .header(
                        reqwest::header::ACCEPT,
                        reqwest::header::HeaderValue::from_static("application/json"),
                    )
                    // What progenitor sends with every operation it generates.
                    .header(
                        reqwest::header::HeaderName::from_static("api-version"),
                        reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                    )
                    #(#query)*;
                #(#headers)*
                let mut request = request.multipart(form).build()?;
                let info = OperationInfo { operation_id: #rust_name };
                client.pre(&mut request, &info).await?;
                let result = client.exec(request, &info).await;
                client.post(&result, &info).await?;
                let response = result?;
                match response.status().as_u16() {
                    #(#arms)*
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        }
    };
    Ok((method, builder))
}

fn required_or_optional(ident: &syn::Ident, name: &str, required: bool) -> TokenStream {
    if required {
        let missing = format!("`{name}` is required");
        quote! {
            let #ident = #ident
                .map_err(Error::InvalidRequest)?
                .ok_or_else(|| Error::InvalidRequest(#missing.to_string()))?;
        }
    } else {
        quote! { let #ident = #ident.map_err(Error::InvalidRequest)?; }
    }
}

/// `/a/{id}/b` → `/a/{}/b` for `format!`.
fn path_template(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

fn parameters(doc: &Value, multipart: &MultipartOperation) -> Vec<Param> {
    let own = multipart
        .object
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut params: Vec<Param> = Vec::new();
    // Operation parameters override path-item parameters of the same name and location.
    for raw in own.iter().chain(&multipart.path_parameters) {
        let param = resolve(doc, raw);
        let (Some(name), Some(location)) = (
            param.get("name").and_then(Value::as_str),
            param.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let location = match location {
            "path" => ParamLocation::Path,
            "query" => ParamLocation::Query,
            "header" => ParamLocation::Header,
            _ => continue,
        };
        if params
            .iter()
            .any(|p| p.name == name && same_location(&p.location, &location))
        {
            continue;
        }
        let required = matches!(location, ParamLocation::Path)
            || param.get("required") == Some(&Value::Bool(true));
        params.push(Param {
            ident: field_ident(name),
            name: name.to_owned(),
            location,
            required,
        });
    }
    // Path parameters in the order they appear in the path.
    let path = &multipart.operation.path;
    params.sort_by_key(|p| match p.location {
        ParamLocation::Path => path.find(&format!("{{{}}}", p.name)).unwrap_or(0),
        _ => usize::MAX,
    });
    params
}

fn same_location(a: &ParamLocation, b: &ParamLocation) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn form_fields(
    spec: &Spec,
    doc: &Value,
    multipart: &MultipartOperation,
) -> Result<Vec<Field>, Diagnostic> {
    let operation = &multipart.operation;
    let body = multipart
        .object
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .cloned()
        .unwrap_or_default();
    let schema = body
        .pointer("/content/multipart~1form-data/schema")
        .map(|s| resolve(doc, s))
        .cloned()
        .unwrap_or_default();
    let schema = merged_all_of(doc, &schema);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Err(spec
            .error_at(
                &format!("{}/requestBody", operation.pointer),
                "a multipart/form-data body must be an object schema with `properties`",
            )
            .operation(operation.label())
            .help("describe the form fields as properties of an object schema"));
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Ok(properties
        .iter()
        .map(|(name, property)| {
            let property = resolve(doc, property);
            Field {
                name: name.clone(),
                ident: field_ident(name),
                kind: field_kind(doc, property),
                required: required.contains(&name.as_str()),
                doc: property
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }
        })
        .collect())
}

/// `allOf` parts merged into one object schema (properties and required lists).
fn merged_all_of(doc: &Value, schema: &Value) -> Value {
    let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
        return schema.clone();
    };
    let mut merged = schema.clone();
    let object = merged
        .as_object_mut()
        .expect("schema with allOf is an object");
    object.remove("allOf");
    for part in parts {
        let part = merged_all_of(doc, resolve(doc, part));
        for key in ["properties"] {
            if let Some(Value::Object(extra)) = part.get(key) {
                let entry = object
                    .entry(key)
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Value::Object(target) = entry {
                    target.extend(extra.clone());
                }
            }
        }
        if let Some(Value::Array(extra)) = part.get("required") {
            let entry = object
                .entry("required")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(target) = entry {
                target.extend(extra.clone());
            }
        }
    }
    merged
}

fn field_kind(doc: &Value, schema: &Value) -> FieldKind {
    let schema = single_branch(doc, schema);
    if is_binary(schema) {
        return FieldKind::File;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = schema
                .get("items")
                .map(|i| single_branch(doc, resolve(doc, i)));
            match items {
                Some(items) if is_binary(items) => FieldKind::Files,
                Some(items) if is_scalar(items) => FieldKind::Texts,
                _ => FieldKind::Json,
            }
        }
        Some("string") => FieldKind::Text,
        _ if is_scalar(schema) => FieldKind::Text,
        _ => FieldKind::Json,
    }
}

/// `allOf: [X]` / `anyOf: [X]` / `oneOf: [X]` with one branch → X.
fn single_branch<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some([only]) = schema.get(key).and_then(Value::as_array).map(Vec::as_slice) {
            return single_branch(doc, resolve(doc, only));
        }
    }
    schema
}

fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && (schema.get("format").and_then(Value::as_str) == Some("binary")
            || schema.get("contentMediaType").is_some()
            || schema.get("contentEncoding").and_then(Value::as_str) == Some("binary"))
}

fn is_scalar(schema: &Value) -> bool {
    matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    )
}

fn field_ident(name: &str) -> syn::Ident {
    let mut ident = name.to_snake_case();
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if matches!(
        ident.as_str(),
        "client" | "self" | "form" | "request" | "url" | "info" | "result" | "response"
    ) || syn::parse_str::<syn::Ident>(&ident).is_err()
    {
        ident.push('_');
    }
    format_ident!("{ident}")
}

/// Success type, error type and the `match` arms on the status code.
fn responses(
    doc: &Value,
    object: &Value,
    type_space: &typify::TypeSpace,
) -> (TokenStream, TokenStream, Vec<TokenStream>) {
    let Some(responses) = object.get("responses").and_then(Value::as_object) else {
        return (
            quote! { () },
            quote! { () },
            vec![quote! { 200u16..=299u16 => Ok(ResponseValue::empty(response)), }],
        );
    };
    let json_type = |response: &Value| -> Option<Option<TokenStream>> {
        let response = resolve(doc, response);
        let content = response.get("content").and_then(Value::as_object);
        match content {
            None => Some(None),
            Some(content) if content.is_empty() => Some(None),
            Some(content) => {
                let schema = content
                    .iter()
                    .find(|(media, _)| media.contains("json"))
                    .and_then(|(_, media)| media.get("schema"))?;
                match schema.get("$ref").and_then(Value::as_str) {
                    Some(reference) => ref_type(type_space, reference).map(Some),
                    None => Some(Some(quote! { serde_json::Value })),
                }
            }
        }
    };

    let mut arms = Vec::new();
    let mut success: Option<TokenStream> = None;
    for (code, response) in responses.iter().filter(|(code, _)| code.starts_with('2')) {
        let Ok(status) = code.parse::<u16>() else {
            continue;
        };
        match json_type(response) {
            Some(Some(ty))
                if success
                    .as_ref()
                    .is_none_or(|s| s.to_string() == ty.to_string()) =>
            {
                success = Some(ty);
                arms.push(quote! { #status => ResponseValue::from_response(response).await, });
            }
            Some(None) if success.is_none() => {
                success = Some(quote! { () });
                arms.push(quote! { #status => Ok(ResponseValue::empty(response)), });
            }
            _ => {}
        }
    }
    let success = success.unwrap_or_else(|| {
        arms.push(quote! { 200u16..=299u16 => Ok(ResponseValue::stream(response)), });
        quote! { ByteStream }
    });

    let error_types: Vec<(u16, TokenStream)> = responses
        .iter()
        .filter_map(|(code, response)| {
            let status = code.parse::<u16>().ok().filter(|s| *s >= 400)?;
            Some((status, json_type(response)??))
        })
        .collect();
    let distinct: std::collections::BTreeSet<String> =
        error_types.iter().map(|(_, ty)| ty.to_string()).collect();
    let error = if distinct.len() == 1 {
        for (status, _) in &error_types {
            arms.push(quote! {
                #status => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
            });
        }
        error_types[0].1.clone()
    } else {
        quote! { () }
    };
    (success, error, arms)
}

use crate::refs::resolve;

/// The `multipart` module: `FilePart`, a file form field that can be sent again.
fn support_module(flavor: Flavor) -> TokenStream {
    match flavor {
        Flavor::Hyperspell => quote! {
            /// Files for `multipart/form-data` operations.
            pub mod multipart {
                pub use crate::file_part::FilePart;
            }
        },
        Flavor::Standalone => standalone_file_part(),
    }
}

/// `FilePart` for a standalone crate (`xtask generate --out`), which depends on no runtime of
/// ours: a plain copy of the `hyperspell` crate's `src/file_part.rs` without its `Content-Type`
/// guessing (a standalone crate's dependencies do not include `mime_guess`).
fn standalone_file_part() -> TokenStream {
    quote! {
        /// Files for `multipart/form-data` operations.
        pub mod multipart {
            use std::path::PathBuf;
            use std::pin::Pin;
            use std::sync::{Arc, Mutex};

            type BoxedReader = Pin<Box<dyn tokio::io::AsyncRead + Send + Sync>>;

            /// Read size for streamed files: 256 KiB reads upload about 20x faster than the
            /// 4 KiB default for 1.6 MiB more memory (measured by `benches/upload_rss.rs`).
            const CHUNK: usize = 256 * 1024;
            type ReaderFactory = Arc<dyn Fn() -> BoxedReader + Send + Sync>;

            /// A file to upload. Paths, bytes and reader factories are re-read for every
            /// attempt, so a retried request sends the whole file again; a plain reader can be
            /// sent only once.
            #[derive(Clone)]
            pub struct FilePart {
                source: Source,
                file_name: Option<String>,
                mime_type: Option<String>,
            }

            #[derive(Clone)]
            enum Source {
                Bytes(bytes::Bytes),
                Path(PathBuf),
                Factory(ReaderFactory),
                Once(Arc<Mutex<Option<BoxedReader>>>),
            }

            impl std::fmt::Debug for FilePart {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    let source = match &self.source {
                        Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
                        Source::Path(path) => format!("path {}", path.display()),
                        Source::Factory(_) => "reader factory".to_owned(),
                        Source::Once(_) => "reader".to_owned(),
                    };
                    f.debug_struct("FilePart")
                        .field("source", &source)
                        .field("file_name", &self.file_name)
                        .field("mime_type", &self.mime_type)
                        .finish()
                }
            }

            impl PartialEq for FilePart {
                fn eq(&self, other: &Self) -> bool {
                    let same_source = match (&self.source, &other.source) {
                        (Source::Bytes(a), Source::Bytes(b)) => a == b,
                        (Source::Path(a), Source::Path(b)) => a == b,
                        (Source::Factory(a), Source::Factory(b)) => Arc::ptr_eq(a, b),
                        (Source::Once(a), Source::Once(b)) => Arc::ptr_eq(a, b),
                        _ => false,
                    };
                    same_source && self.file_name == other.file_name && self.mime_type == other.mime_type
                }
            }

            impl FilePart {
                fn new(source: Source) -> Self {
                    FilePart { source, file_name: None, mime_type: None }
                }

                /// In-memory content.
                pub fn bytes(content: impl Into<bytes::Bytes>) -> Self {
                    Self::new(Source::Bytes(content.into()))
                }

                /// A file on disk, opened and streamed (in constant memory) on every attempt.
                /// Its file name is sent unless [`FilePart::file_name`] sets another.
                pub fn path(path: impl Into<PathBuf>) -> Self {
                    let path = path.into();
                    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                    FilePart { file_name, ..Self::new(Source::Path(path)) }
                }

                /// A reader made anew for every attempt.
                pub fn reader_fn<F, R>(make_reader: F) -> Self
                where
                    F: Fn() -> R + Send + Sync + 'static,
                    R: tokio::io::AsyncRead + Send + Sync + 'static,
                {
                    Self::new(Source::Factory(Arc::new(move || Box::pin(make_reader()) as BoxedReader)))
                }

                /// A reader that can be sent once: a retry after it was consumed fails with
                /// `Error::InvalidRequest`. Use [`FilePart::reader_fn`] to make retries possible.
                pub fn reader(reader: impl tokio::io::AsyncRead + Send + Sync + 'static) -> Self {
                    Self::new(Source::Once(Arc::new(Mutex::new(Some(Box::pin(reader))))))
                }

                /// The file name sent in the part's `Content-Disposition`.
                pub fn file_name(mut self, name: impl Into<String>) -> Self {
                    self.file_name = Some(name.into());
                    self
                }

                /// The part's `Content-Type` (default: none is sent).
                pub fn mime_type(mut self, mime: impl Into<String>) -> Self {
                    self.mime_type = Some(mime.into());
                    self
                }

                /// Whether sending this part again sends the same content.
                pub fn is_repeatable(&self) -> bool {
                    !matches!(self.source, Source::Once(_))
                }

                /// Builds the form part for one attempt.
                pub async fn to_part(&self) -> std::io::Result<reqwest::multipart::Part> {
                    let part = match &self.source {
                        Source::Bytes(content) => reqwest::multipart::Part::stream_with_length(
                            reqwest::Body::from(content.clone()),
                            content.len() as u64,
                        ),
                        Source::Path(path) => {
                            let file = tokio::fs::File::open(path).await.map_err(|e| {
                                std::io::Error::new(e.kind(), format!("cannot open {}: {e}", path.display()))
                            })?;
                            let length = file.metadata().await?.len();
                            let stream = tokio_util::io::ReaderStream::with_capacity(file, CHUNK);
                            reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), length)
                        }
                        Source::Factory(make_reader) => {
                            let stream = tokio_util::io::ReaderStream::with_capacity(make_reader(), CHUNK);
                            reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stream))
                        }
                        Source::Once(slot) => {
                            let reader = slot.lock().ok().and_then(|mut slot| slot.take()).ok_or_else(|| {
                                std::io::Error::other(
                                    "this reader was already sent once; use FilePart::reader_fn for requests that may be retried",
                                )
                            })?;
                            let stream = tokio_util::io::ReaderStream::with_capacity(reader, CHUNK);
                            reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stream))
                        }
                    };
                    let part = match &self.file_name {
                        Some(name) => part.file_name(name.clone()),
                        None => part.file_name("file"),
                    };
                    match &self.mime_type {
                        Some(mime) => part.mime_str(mime).map_err(|e| {
                            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("invalid MIME type {mime:?}: {e}"))
                        }),
                        None => Ok(part),
                    }
                }
            }

            impl From<PathBuf> for FilePart {
                fn from(path: PathBuf) -> Self {
                    FilePart::path(path)
                }
            }

            impl From<&std::path::Path> for FilePart {
                fn from(path: &std::path::Path) -> Self {
                    FilePart::path(path)
                }
            }

            impl From<Vec<u8>> for FilePart {
                fn from(content: Vec<u8>) -> Self {
                    FilePart::bytes(content)
                }
            }

            impl From<bytes::Bytes> for FilePart {
                fn from(content: bytes::Bytes) -> Self {
                    FilePart::bytes(content)
                }
            }
        }
    }
}
