//! Contract-test calls: Rust source that calls every operation of the spec through the
//! generated typed builders, once with only the required inputs and once with every optional
//! input set, with values synthesized from the normalized schemas.
//!
//! The output is meant to be `include!`d by a test (for this workspace,
//! `contract-tests/tests/contract.rs`, whose `build.rs` writes it), which sends the calls to a
//! validating mock server (Steady). Only such a test asks for it (cargo feature `contract`): a
//! client's own build never runs this module. It names no client crate; it expects these
//! items in scope where it is included:
//!
//! * `client_crate`, the generated client crate (e.g. `use my_client as client_crate;`), and
//!   `types` (= `client_crate::types`);
//! * `enum Failure { Generator(String), Input(String), Api(client_crate::Error) }`;
//! * `fn input<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, Failure>`,
//!   which deserializes a synthesized JSON value into a parameter or body type (a value our
//!   own types refuse is an `Input` failure: the synthesizer and the types disagree).
//!
//! It defines:
//!
//! * `pub static OPERATIONS: &[(&str, &str, &str)]`: (Rust name, METHOD, path) of every call;
//! * `pub async fn call(client, name, all) -> Result<(u16, reqwest::header::HeaderMap), Failure>`:
//!   sends one call (`all`: every optional input set) and returns the status and headers;
//! * `pub fn decode_full_responses()`: every JSON success response synthesized with all its
//!   optional properties, decoded into the operation's success type through
//!   `fn decode_sample<T: DeserializeOwned + Serialize>(json: &str) -> Result<(), String>`
//!   (also expected in scope). Steady's mock bodies hold only required properties; this
//!   covers the rest;
//! * `pub fn decode_component_samples()`: the same for every component schema, into its own
//!   type (every variant of every union gets decoded on its own this way).
//!
//! How a builder field is set is read from the generated builder (its field type and setter
//! signature), so that what the test sends is exactly what a user of the client can send:
//! progenitor's `TryInto<T>` setters get a `T` deserialized from JSON (bodies: `types::X`,
//! which `types::builder::X` is made from), multipart setters get a `FilePart`, a `String` or
//! a JSON value as their signature says.
//!
//! Values are valid for their schema: `enum`/`const` take their first value; strings honour
//! `format` (date-time, date, uuid, email, uri, binary, byte...) and `minLength`/`maxLength`;
//! numbers honour `minimum`/`maximum` (exclusive or not); arrays have one item (two for query
//! arrays in "all" mode, so the array style shows) within `minItems`/`maxItems`; objects have
//! their required properties (and, in "all" mode, the optional ones and one
//! `additionalProperties` entry); `oneOf`/`anyOf` take their first non-null branch, with the
//! discriminator's tag; in "required" mode a required nullable property is sent as `null`.
//! Recursive schemas fall back to required-only below a depth limit.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};
use serde_json::{Map, Value, json};
use syn::{Fields, ImplItem, Item, Type};

use super::builder_name;
use super::multipart::MultipartOperation;
use crate::naming::Operation;

/// Below this many nested objects, "all" mode sets only required properties.
const FULL_DEPTH: usize = 5;
/// Below this, values are cut short (`null`, `[]`, `{}`): a recursion guard.
const MAX_DEPTH: usize = 24;

/// The contract-call source for `operations` (see the module documentation).
///
/// `doc` is the normalized document progenitor saw (multipart operations taken out: they are
/// in `multipart`); `file` is the generated client, whose `builder` module is read.
pub fn calls(
    doc: &Value,
    operations: &[Operation],
    multipart: &[MultipartOperation],
    file: &syn::File,
) -> String {
    let builders = Builders::read(file);
    let mut functions = Vec::new();
    let mut table = Vec::new();
    let mut arms = Vec::new();
    let mut samples = Vec::new();
    let mut decoders = Vec::new();
    let components = component_samples(doc, file);
    for operation in operations {
        if let Some(ty) = success_type(operation, &builders) {
            let name = &operation.rust_name;
            decoders.push(quote! { #name => Some(decode_sample::<#ty>(json)), });
        }
        if let Some(sample) = response_sample(doc, operation, multipart, &builders) {
            samples.push(sample);
        }
        let function = format_ident!("call_{}", operation.rust_name.trim_start_matches('_'));
        let body = match operation_calls(doc, operation, multipart, &builders) {
            Ok(body) => body,
            Err(problem) => {
                let problem = format!("{}: {problem}", operation.label());
                quote! { Err(Failure::Generator(#problem.to_owned())) }
            }
        };
        let doc_line = format!("`{} {}`", operation.method, operation.path);
        functions.push(quote! {
            #[doc = #doc_line]
            #[allow(unused_mut, unused_variables, clippy::let_and_return)]
            async fn #function(
                client: &client_crate::Client,
                all: bool,
            ) -> Result<(u16, reqwest::header::HeaderMap), Failure> {
                #body
            }
        });
        let (name, method, path) = (&operation.rust_name, &operation.method, &operation.path);
        table.push(quote! { (#name, #method, #path) });
        arms.push(quote! { #name => #function(client, all).await, });
    }
    let tokens = quote! {
        /// (Rust name, METHOD, path) of every operation, in the spec's order.
        pub static OPERATIONS: &[(&str, &str, &str)] = &[#(#table),*];

        /// Sends the contract call for operation `name`; `all`: with every optional input.
        pub async fn call(
            client: &client_crate::Client,
            name: &str,
            all: bool,
        ) -> Result<(u16, reqwest::header::HeaderMap), Failure> {
            match name {
                #(#arms)*
                other => Err(Failure::Generator(format!("no contract call for `{other}`"))),
            }
        }

        /// Decodes, for every operation with a JSON success response, a body synthesized with
        /// every optional property set into the operation's success type, and re-encodes it:
        /// (Rust name, status, the error or the first difference between what was decoded and
        /// re-encoded).
        pub fn decode_full_responses() -> Vec<(&'static str, &'static str, Result<(), String>)> {
            vec![#(#samples),*]
        }

        /// Decodes `json` into operation `name`'s success type and re-encodes it (`None`: no
        /// such operation, or no JSON success type): for bodies made from another revision of
        /// the spec.
        pub fn decode_response(name: &str, json: &str) -> Option<Result<(), String>> {
            match name {
                #(#decoders)*
                _ => None,
            }
        }

        /// Every component schema whose type decodes and encodes, synthesized with every
        /// optional property set, decoded into its type and re-encoded: (schema name, the
        /// error or the first difference).
        pub fn decode_component_samples() -> Vec<(&'static str, Result<(), String>)> {
            vec![#(#components),*]
        }

        #(#functions)*
    };
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

/// `(schema, decode_sample::<types::T>(json))` for every component schema whose generated
/// type (typify's name for it) is both `Serialize` and `Deserialize`.
fn component_samples(doc: &Value, file: &syn::File) -> Vec<TokenStream> {
    let codable = codable_types(file);
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let synth = Synth { doc, rotation: 0 };
    schemas
        .keys()
        .filter_map(|name| {
            let type_name = crate::naming::typify_type_name(name);
            if !codable.contains(&type_name) {
                return None;
            }
            let reference = json!({ "$ref": format!("#/components/schemas/{}", crate::diagnostic::escape_pointer_segment(name)) });
            let value = synth.value(&reference, Mode::All, 0, &mut Vec::new(), false);
            let json = Literal::string(&value.to_string());
            let ty = format_ident!("{}", type_name);
            Some(quote! { (#name, decode_sample::<types::#ty>(#json)) })
        })
        .collect()
}

/// Names of the items of `mod types` that implement both `Serialize` and `Deserialize`
/// (derived or by hand).
fn codable_types(file: &syn::File) -> std::collections::BTreeSet<String> {
    let Some(items) = file.items.iter().find_map(|item| match item {
        Item::Mod(module) if module.ident == "types" => {
            module.content.as_ref().map(|(_, items)| items)
        }
        _ => None,
    }) else {
        return Default::default();
    };
    let mut serialize = std::collections::BTreeSet::new();
    let mut deserialize = std::collections::BTreeSet::new();
    for item in items {
        let (name, attrs) = match item {
            Item::Struct(s) if s.generics.params.is_empty() => (s.ident.to_string(), &s.attrs),
            Item::Enum(e) if e.generics.params.is_empty() => (e.ident.to_string(), &e.attrs),
            Item::Impl(block) => {
                if let (Some((_, path, _)), Type::Path(self_ty)) = (&block.trait_, &*block.self_ty)
                    && let (Some(tr), Some(ty)) =
                        (path.segments.last(), self_ty.path.segments.last())
                {
                    match tr.ident.to_string().as_str() {
                        "Serialize" => serialize.insert(ty.ident.to_string()),
                        "Deserialize" => deserialize.insert(ty.ident.to_string()),
                        _ => false,
                    };
                }
                continue;
            }
            _ => continue,
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let text = attr.meta.to_token_stream().to_string().replace(' ', "");
            if text.contains("Serialize") {
                serialize.insert(name.clone());
            }
            if text.contains("Deserialize") {
                deserialize.insert(name.clone());
            }
        }
    }
    serialize.intersection(&deserialize).cloned().collect()
}

/// `(name, status, decode_sample::<T>(json))` for the operation's first JSON success
/// response, when its builder's `send` returns a decodable type.
fn response_sample(
    doc: &Value,
    operation: &Operation,
    multipart: &[MultipartOperation],
    builders: &Builders,
) -> Option<TokenStream> {
    let object = match multipart
        .iter()
        .find(|m| m.operation.pointer == operation.pointer)
    {
        Some(m) => m.object.clone(),
        None => doc.pointer(&operation.pointer)?.clone(),
    };
    let synth = Synth { doc, rotation: 0 };
    let responses = object.get("responses")?.as_object()?;
    let (status, response) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    let schema = synth
        .resolve(response)
        .get("content")?
        .as_object()?
        .iter()
        .find(|(media, _)| media.contains("json"))?
        .1
        .get("schema")?;
    let ty = success_type(operation, builders)?;
    let value = synth.value(schema, Mode::All, 0, &mut Vec::new(), false);
    let json = Literal::string(&value.to_string());
    let name = &operation.rust_name;
    Some(quote! { (#name, #status, decode_sample::<#ty>(#json)) })
}

/// The operation's JSON success type as the test names it (`None` for no body or a stream).
fn success_type(operation: &Operation, builders: &Builders) -> Option<TokenStream> {
    let ty = builders.0.get(&builder_name(operation))?.success.clone()?;
    let text = quote! { #ty }.to_string().replace(' ', "");
    if text == "()" || text.ends_with("ByteStream") {
        return None;
    }
    Some(test_side_type(&ty))
}

/// For every operation of `doc` (a normalized document) with a JSON success response:
/// (METHOD, path, a body synthesized with every property set and each `enum`'s
/// `rotation`-th value). Bodies a client built from another revision must decode.
pub fn response_samples(doc: &Value, rotation: usize) -> Vec<(String, String, Value)> {
    let synth = Synth { doc, rotation };
    let mut samples = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return samples;
    };
    for (path, item) in paths {
        for method in crate::naming::METHODS {
            let Some(responses) = item.pointer(&format!("/{method}/responses")) else {
                continue;
            };
            let schema = responses.as_object().and_then(|responses| {
                let (_, response) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
                synth
                    .resolve(response)
                    .get("content")?
                    .as_object()?
                    .iter()
                    .find(|(media, _)| media.contains("json"))?
                    .1
                    .get("schema")
                    .cloned()
            });
            if let Some(schema) = schema {
                let value = synth.value(&schema, Mode::All, 0, &mut Vec::new(), false);
                samples.push((method.to_uppercase(), path.clone(), value));
            }
        }
    }
    samples
}

/// One operation's inputs as data, synthesized as for the contract calls: for clients driven
/// by data rather than by typed builders (the `hyperspell` command line's contract test).
#[derive(Debug, Clone, PartialEq)]
pub struct InputSample {
    /// Upper-case HTTP method.
    pub method: String,
    pub path: String,
    /// (name, `path` or `query`, value) of every parameter set.
    pub params: Vec<(String, String, Value)>,
    /// The body's top-level fields (JSON or multipart form), if a body is sent.
    pub body: Option<Value>,
    /// The body is `multipart/form-data` (binary fields are strings: the file's content).
    pub multipart: bool,
}

/// [`InputSample`]s of every operation of `doc` (a normalized document), in document order:
/// only the required inputs, or (`all`) every input.
pub fn input_samples(doc: &Value, all: bool) -> Vec<InputSample> {
    let synth = Synth { doc, rotation: 0 };
    let mode = if all { Mode::All } else { Mode::Required };
    let (operations, _) = crate::naming::name_operations(doc);
    let mut samples = Vec::new();
    for operation in &operations {
        let Some(object) = doc.pointer(&operation.pointer) else {
            continue;
        };
        let item_parameters = operation
            .pointer
            .rsplit_once('/')
            .and_then(|(item, _)| doc.pointer(item))
            .and_then(|item| item.get("parameters"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut params = Vec::new();
        for parameter in parameters(doc, object, &item_parameters) {
            let name = parameter["name"].as_str().unwrap_or_default().to_owned();
            let location = parameter["in"].as_str().unwrap_or_default().to_owned();
            let required = location == "path" || parameter["required"] == true;
            let schema = parameter.get("schema").cloned().unwrap_or(json!({}));
            if required {
                params.push((name, location, synth.param(&schema, Mode::Required, false)));
            } else if all {
                let two = location == "query" && synth.is_array(&schema);
                params.push((name, location, synth.param(&schema, Mode::All, two)));
            }
        }
        let mut body = None;
        let mut multipart = false;
        if let Some(request_body) = object.get("requestBody").map(|b| synth.resolve(b)) {
            let body_required = request_body["required"] == true;
            let content = request_body.get("content").and_then(Value::as_object);
            if let Some((media, entry)) = content.and_then(|c| c.iter().next()) {
                multipart = media.starts_with("multipart/form-data");
                let schema = entry.get("schema").cloned().unwrap_or(json!({}));
                if body_required || all {
                    body = Some(synth.value(&schema, mode, 0, &mut Vec::new(), !all));
                }
            }
        }
        samples.push(InputSample {
            method: operation.method.clone(),
            path: operation.path.clone(),
            params,
            body,
            multipart,
        });
    }
    samples
}

/// The statements of one operation's call function.
fn operation_calls(
    doc: &Value,
    operation: &Operation,
    multipart: &[MultipartOperation],
    builders: &Builders,
) -> Result<TokenStream, String> {
    let taken = multipart
        .iter()
        .find(|m| m.operation.pointer == operation.pointer);
    let (object, item_parameters) = match taken {
        Some(m) => (m.object.clone(), m.path_parameters.clone()),
        None => {
            let object = doc
                .pointer(&operation.pointer)
                .cloned()
                .ok_or("the operation is not in the normalized document")?;
            let item = operation
                .pointer
                .rsplit_once('/')
                .and_then(|(item, _)| doc.pointer(item));
            let parameters = item
                .and_then(|i| i.get("parameters"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            (object, parameters)
        }
    };
    let builder_ident = builder_name(operation);
    let builder = builders
        .0
        .get(&builder_ident)
        .ok_or_else(|| format!("no generated builder `builder::{builder_ident}`"))?;
    let synth = Synth { doc, rotation: 0 };
    let call = operation.call.iter().map(|name| format_ident!("{}", name));

    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut used = Vec::new();

    for parameter in parameters(doc, &object, &item_parameters) {
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let location = parameter
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if location == "cookie" {
            return Err(format!("cookie parameter `{name}` is not supported"));
        }
        let is_required =
            location == "path" || parameter.get("required") == Some(&Value::Bool(true));
        let schema = parameter.get("schema").cloned().unwrap_or(json!({}));
        let field = builder.field(name).ok_or_else(|| {
            format!("no builder field for {location} parameter `{name}` in `{builder_ident}`")
        })?;
        used.push(field.ident.clone());
        let query_array = location == "query" && synth.is_array(&schema);
        if is_required {
            let value = synth.param(&schema, Mode::Required, false);
            required.push(field.set(&value, name)?);
        } else {
            let value = synth.param(&schema, Mode::All, query_array);
            optional.push(field.set(&value, name)?);
        }
    }

    let mut body_required = Vec::new();
    let mut body_all = Vec::new();
    if let Some(body) = object.get("requestBody") {
        let body = synth.resolve(body);
        let content = body
            .get("content")
            .and_then(Value::as_object)
            .ok_or("request body without content")?;
        let body_is_required = body.get("required") == Some(&Value::Bool(true));
        if let Some(media) = crate::refs::media_type_entry(content, "multipart/form-data")
            .filter(|_| taken.is_some())
        {
            let schema = synth.flatten(media.get("schema").unwrap_or(&json!({})));
            let required_names = schema
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let properties = schema
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            for (name, property) in &properties {
                let field = builder.field(name).ok_or_else(|| {
                    format!("no builder field for form field `{name}` in `{builder_ident}`")
                })?;
                used.push(field.ident.clone());
                let is_required = required_names.iter().any(|r| r == name.as_str());
                if is_required {
                    let value = synth.value(property, Mode::Required, 0, &mut Vec::new(), true);
                    required.push(field.set(&value, name)?);
                } else {
                    let value = synth.value(property, Mode::All, 0, &mut Vec::new(), false);
                    optional.push(field.set(&value, name)?);
                }
            }
        } else {
            let (media_type, media) = content
                .iter()
                .find(|(media, _)| media.contains("json"))
                .ok_or_else(|| {
                    let types: Vec<&String> = content.keys().collect();
                    format!("no JSON request body (content types: {types:?})")
                })?;
            let schema = media.get("schema").cloned().unwrap_or(json!({}));
            let field = builder
                .field("body")
                .ok_or_else(|| format!("no `body` field in `{builder_ident}` for {media_type}"))?;
            used.push(field.ident.clone());
            let minimal = synth.value(&schema, Mode::Required, 0, &mut Vec::new(), true);
            let full = synth.value(&schema, Mode::All, 0, &mut Vec::new(), false);
            if body_is_required {
                body_required.push(field.set(&minimal, "body")?);
                body_all.push(field.set(&full, "body")?);
            } else {
                body_all.push(field.set(&full, "body")?);
            }
        }
    }

    if let Some(unset) = builder.fields.iter().find(|f| !used.contains(&f.ident)) {
        return Err(format!(
            "builder field `{}` of `{builder_ident}` matches no parameter or body",
            unset.ident
        ));
    }

    let optional_statements = if optional.is_empty() {
        quote! {}
    } else {
        quote! {
            if all {
                #(request = #optional;)*
            }
        }
    };
    let body_statements = match (body_required.is_empty(), body_all.is_empty()) {
        (_, true) => quote! {},
        (true, false) => quote! {
            if all {
                #(request = #body_all;)*
            }
        },
        (false, false) => quote! {
            if all {
                #(request = #body_all;)*
            } else {
                #(request = #body_required;)*
            }
        },
    };
    Ok(quote! {
        let mut request = client #(.#call())*;
        #(request = #required;)*
        #optional_statements
        #body_statements
        let response = request.send().await.map_err(Failure::Api)?;
        Ok((response.status().as_u16(), response.headers().clone()))
    })
}

/// The operation's parameters with the path item's (not overridden) after them, resolved.
fn parameters(doc: &Value, object: &Value, item_parameters: &[Value]) -> Vec<Value> {
    let synth = Synth { doc, rotation: 0 };
    let own: Vec<Value> = object
        .get("parameters")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(|p| synth.resolve(p).clone()).collect())
        .unwrap_or_default();
    let mut all = own.clone();
    for parameter in item_parameters.iter().map(|p| synth.resolve(p)) {
        let overridden = own
            .iter()
            .any(|o| o.get("name") == parameter.get("name") && o.get("in") == parameter.get("in"));
        if !overridden {
            all.push(parameter.clone());
        }
    }
    all
}

/// The generated builders: struct fields and how their setters take values.
struct Builders(BTreeMap<String, Builder>);

struct Builder {
    fields: Vec<BuilderField>,
    /// `T` of `send(self) -> Result<ResponseValue<T>, _>`.
    success: Option<Type>,
}

struct BuilderField {
    ident: String,
    /// The value type (`T` of `Result<T, String>` or `Result<Option<T>, String>`).
    ty: Type,
    setter: Setter,
}

/// What a setter takes, read from its signature.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Setter {
    /// progenitor's `V: TryInto<T>`: a `T`.
    Typed,
    /// `impl Into<FilePart>`.
    File,
    /// `IntoIterator<Item: Into<FilePart>>`.
    Files,
    /// `V: Serialize`: any JSON value.
    Json,
    /// `impl Into<String>` / `V: Display`: text.
    Text,
    /// `IntoIterator<Item: Display>`.
    Texts,
    Unknown,
}

impl Builders {
    fn read(file: &syn::File) -> Self {
        let mut builders = BTreeMap::new();
        let Some(items) = file.items.iter().find_map(|item| match item {
            Item::Mod(module) if module.ident == "builder" => {
                module.content.as_ref().map(|(_, items)| items)
            }
            _ => None,
        }) else {
            return Builders(builders);
        };
        let mut setters: BTreeMap<(String, String), Setter> = BTreeMap::new();
        let mut successes: BTreeMap<String, Type> = BTreeMap::new();
        for item in items {
            let Item::Impl(block) = item else { continue };
            if block.trait_.is_some() {
                continue;
            }
            let Type::Path(self_ty) = &*block.self_ty else {
                continue;
            };
            let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            for item in &block.items {
                let ImplItem::Fn(function) = item else {
                    continue;
                };
                let signature = &function.sig;
                if signature.ident == "send"
                    && matches!(function.vis, syn::Visibility::Public(_))
                    && let syn::ReturnType::Type(_, output) = &signature.output
                    && let Some(response) = generic_argument(&future_output(output), "Result")
                    && let Some(success) = generic_argument(&response, "ResponseValue")
                {
                    successes.insert(name.clone(), success);
                }
                let text = quote! { #signature }.to_string().replace(' ', "");
                let setter = if text.contains("TryInto<") {
                    Setter::Typed
                } else if text.contains("IntoIterator") && text.contains("FilePart") {
                    Setter::Files
                } else if text.contains("FilePart") {
                    Setter::File
                } else if text.contains("IntoIterator") && text.contains("Display") {
                    Setter::Texts
                } else if text.contains("Serialize") {
                    Setter::Json
                } else if text.contains("Into<String>") || text.contains("Display") {
                    Setter::Text
                } else {
                    Setter::Unknown
                };
                setters.insert((name.clone(), signature.ident.to_string()), setter);
            }
        }
        for item in items {
            let Item::Struct(structure) = item else {
                continue;
            };
            let Fields::Named(named) = &structure.fields else {
                continue;
            };
            let name = structure.ident.to_string();
            let fields = named
                .named
                .iter()
                .filter_map(|field| {
                    let ident = field.ident.as_ref()?.to_string();
                    if ident == "client" {
                        return None;
                    }
                    let ty = value_type(&field.ty)?;
                    let setter = setters
                        .get(&(name.clone(), ident.clone()))
                        .copied()
                        .unwrap_or(Setter::Unknown);
                    Some(BuilderField { ident, ty, setter })
                })
                .collect();
            let success = successes.get(&name).cloned();
            builders.insert(name, Builder { fields, success });
        }
        Builders(builders)
    }
}

impl Builder {
    /// The field for a spec name (`type` ↔ `type_`, `X-Foo` ↔ `x_foo`).
    fn field(&self, name: &str) -> Option<&BuilderField> {
        let key = field_key(name);
        self.fields.iter().find(|f| field_key(&f.ident) == key)
    }
}

fn field_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `Result<T, String>` → `T`; `Result<Option<T>, String>` → `T`.
fn value_type(ty: &Type) -> Option<Type> {
    let inner = generic_argument(ty, "Result")?;
    Some(generic_argument(&inner, "Option").unwrap_or(inner))
}

/// `R` of `impl Future<Output = R>` (what `send` returns), else the type itself.
fn future_output(ty: &Type) -> Type {
    let Type::ImplTrait(bounds) = ty else {
        return ty.clone();
    };
    bounds
        .bounds
        .iter()
        .find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::AssocType(output) if output.ident == "Output" => {
                    Some(output.ty.clone())
                }
                _ => None,
            })
        })
        .unwrap_or_else(|| ty.clone())
}

fn generic_argument(ty: &Type, wrapper: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    })
}

impl BuilderField {
    /// `request.<field>(<value>)` for a synthesized JSON value.
    fn set(&self, value: &Value, what: &str) -> Result<TokenStream, String> {
        let setter = format_ident!("{}", self.ident);
        let json = Literal::string(&value.to_string());
        let argument = match self.setter {
            Setter::Typed => {
                let ty = test_side_type(&self.ty);
                quote! { input::<#ty>(#what, #json)? }
            }
            Setter::Json => quote! { input::<serde_json::Value>(#what, #json)? },
            Setter::Text => {
                let text = Literal::string(&as_text(value));
                quote! { #text }
            }
            Setter::Texts => {
                let texts = items(value)
                    .into_iter()
                    .map(|v| Literal::string(&as_text(&v)));
                quote! { [#(#texts),*] }
            }
            Setter::File => file_part(),
            Setter::Files => {
                let part = file_part();
                quote! { [#part] }
            }
            Setter::Unknown => {
                return Err(format!(
                    "the setter of `{}` takes a value of a kind this generator does not know",
                    self.ident
                ));
            }
        };
        Ok(quote! { request.#setter(#argument) })
    }
}

fn file_part() -> TokenStream {
    quote! {
        client_crate::multipart::FilePart::bytes(&b"contract test file\n"[..])
            .file_name("contract.txt")
            .mime_type("text/plain")
    }
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn items(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

/// A builder field type as the test names it: `super::x` → `client_crate::x`, a body's
/// `types::builder::X` → `types::X` (the setter converts).
fn test_side_type(ty: &Type) -> TokenStream {
    let mut ty = ty.clone();
    if let Type::Path(path) = &mut ty {
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if segments.len() == 3 && segments[0] == "types" && segments[1] == "builder" {
            let last = path.path.segments.last().cloned();
            path.path.segments = syn::punctuated::Punctuated::new();
            path.path.segments.push(format_ident!("types").into());
            if let Some(last) = last {
                path.path.segments.push(last);
            }
        } else if segments.first().is_some_and(|s| s == "super") {
            path.path.leading_colon = None;
            path.path.segments[0] = format_ident!("client_crate").into();
        }
    }
    quote! { #ty }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// Only what is required.
    Required,
    /// Every optional property too.
    All,
}

/// Synthesizes JSON values that are valid for a schema of the normalized document.
struct Synth<'a> {
    doc: &'a Value,
    /// Which value of each `enum` to take: the `rotation`-th (modulo its length), so that a
    /// few samples cover every value.
    rotation: usize,
}

impl Synth<'_> {
    /// Follows local `$ref`s.
    fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        crate::refs::resolve(self.doc, value)
    }

    fn is_array(&self, schema: &Value) -> bool {
        let schema = self.flatten(schema);
        type_of(&schema) == Some("array")
    }

    /// A parameter value (never `null`: a query or path value cannot be null).
    fn param(&self, schema: &Value, mode: Mode, two_items: bool) -> Value {
        let mut value = self.value(schema, mode, 0, &mut Vec::new(), false);
        if value.is_null() {
            value = self.value(&self.non_null(schema), mode, 0, &mut Vec::new(), false);
        }
        if two_items
            && let Value::Array(items) = &mut value
            && items.len() == 1
        {
            let max = self.flatten(schema).get("maxItems").and_then(Value::as_u64);
            if max.is_none_or(|max| max >= 2) {
                let mut second = items[0].clone();
                if let Value::String(s) = &mut second {
                    s.push('2');
                }
                if second != items[0] {
                    items.push(second);
                }
            }
        }
        value
    }

    /// `schema` without its `nullable`.
    fn non_null(&self, schema: &Value) -> Value {
        let mut flat = self.flatten(schema);
        if let Some(object) = flat.as_object_mut() {
            object.remove("nullable");
        }
        flat
    }

    /// Resolves `$ref` and merges `allOf` into one schema (properties, required, the rest of
    /// the first part that has it).
    fn flatten(&self, schema: &Value) -> Value {
        let schema = self.resolve(schema);
        let Some(object) = schema.as_object() else {
            return schema.clone();
        };
        let Some(parts) = object.get("allOf").and_then(Value::as_array) else {
            return schema.clone();
        };
        let mut merged: Map<String, Value> = object.clone();
        merged.remove("allOf");
        for part in parts {
            let part = self.flatten(part);
            let Some(part) = part.as_object() else {
                continue;
            };
            for (key, value) in part {
                match (key.as_str(), merged.get_mut(key)) {
                    ("properties", Some(Value::Object(target))) => {
                        if let Value::Object(extra) = value {
                            for (k, v) in extra {
                                target.entry(k.clone()).or_insert_with(|| v.clone());
                            }
                        }
                    }
                    ("required", Some(Value::Array(target))) => {
                        if let Value::Array(extra) = value {
                            target.extend(extra.iter().cloned());
                        }
                    }
                    // The outer schema's own keywords (nullable, description) win.
                    (_, Some(_)) => {}
                    (_, None) => {
                        merged.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        Value::Object(merged)
    }

    /// A value valid for `schema`. `null_ok`: a nullable schema may give `null` (required
    /// mode, required property).
    fn value(
        &self,
        schema: &Value,
        mode: Mode,
        depth: usize,
        refs: &mut Vec<String>,
        null_ok: bool,
    ) -> Value {
        // Recursion guard: the same `$ref` three times on the way down → minimal from here.
        let reference = schema
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(reference) = &reference {
            refs.push(reference.clone());
        }
        let repeated = reference
            .as_ref()
            .is_some_and(|r| refs.iter().filter(|x| *x == r).count() > 2);
        let mode = if depth > FULL_DEPTH || repeated {
            Mode::Required
        } else {
            mode
        };
        let value = self.value_inner(schema, mode, depth, refs, null_ok);
        if reference.is_some() {
            refs.pop();
        }
        value
    }

    fn value_inner(
        &self,
        schema: &Value,
        mode: Mode,
        depth: usize,
        refs: &mut Vec<String>,
        null_ok: bool,
    ) -> Value {
        let schema = self.flatten(schema);
        let Some(object) = schema.as_object() else {
            // `true` or an unknown shape: anything goes.
            return json!("value");
        };
        let nullable = object.get("nullable") == Some(&Value::Bool(true))
            || matches!(object.get("type"), Some(Value::Array(types)) if types.iter().any(|t| t == "null"));
        if null_ok && nullable && mode == Mode::Required {
            return Value::Null;
        }
        if depth > MAX_DEPTH && nullable {
            return Value::Null;
        }
        if let Some(constant) = object.get("const") {
            return constant.clone();
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if values.is_empty() {
                return Value::Null;
            }
            return values[self.rotation % values.len()].clone();
        }
        for key in ["oneOf", "anyOf"] {
            let Some(branches) = object.get(key).and_then(Value::as_array) else {
                continue;
            };
            return self.branch(object, branches, mode, depth, refs);
        }
        match type_of(&schema) {
            Some("object") => self.object(object, mode, depth, refs),
            Some("array") => self.array(object, mode, depth, refs),
            Some("string") => string(object),
            Some("integer") => integer(object),
            Some("number") => number(object),
            Some("boolean") => json!(true),
            Some("null") => Value::Null,
            _ if object.contains_key("properties") => self.object(object, mode, depth, refs),
            _ if object.contains_key("items") => self.array(object, mode, depth, refs),
            // No type at all: any value; a string is the most widely accepted.
            _ => json!("value"),
        }
    }

    /// The first non-null branch; with a discriminator, its tag set as the mapping says.
    fn branch(
        &self,
        object: &Map<String, Value>,
        branches: &[Value],
        mode: Mode,
        depth: usize,
        refs: &mut Vec<String>,
    ) -> Value {
        let chosen = branches.iter().find(|branch| {
            let flat = self.flatten(branch);
            !(type_of(&flat) == Some("null")
                || flat
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.iter().all(Value::is_null)))
        });
        let Some(chosen) = chosen else {
            return Value::Null;
        };
        let mut value = self.value(chosen, mode, depth, refs, false);
        if let Some(discriminator) = object.get("discriminator")
            && let Some(property) = discriminator.get("propertyName").and_then(Value::as_str)
            && let Value::Object(fields) = &mut value
        {
            let reference = chosen.get("$ref").and_then(Value::as_str);
            let tag = discriminator
                .get("mapping")
                .and_then(Value::as_object)
                .and_then(|mapping| {
                    mapping
                        .iter()
                        .find(|(_, target)| target.as_str() == reference)
                        .map(|(tag, _)| tag.clone())
                })
                .or_else(|| {
                    reference
                        .and_then(|r| r.rsplit('/').next())
                        .map(str::to_owned)
                });
            if let Some(tag) = tag
                && !fields.get(property).is_some_and(Value::is_string)
            {
                fields.insert(property.to_owned(), Value::String(tag));
            }
        }
        value
    }

    fn object(
        &self,
        object: &Map<String, Value>,
        mode: Mode,
        depth: usize,
        refs: &mut Vec<String>,
    ) -> Value {
        let mut out = Map::new();
        if depth > MAX_DEPTH {
            return Value::Object(out);
        }
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = object.get("properties").and_then(Value::as_object);
        for (name, property) in properties.into_iter().flatten() {
            let is_required = required.contains(&name.as_str());
            let read_only = self.flatten(property).get("readOnly") == Some(&Value::Bool(true));
            // A discriminator-like tag (`enum` of one value) is always sent.
            let is_tag = self
                .flatten(property)
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.len() == 1);
            if is_required || (mode == Mode::All && !read_only) || is_tag {
                let value = self.value(property, mode, depth + 1, refs, is_required);
                // An optional property cut short by the depth limit (`[]`, `{}`) is left out:
                // it says nothing more than its absence.
                let empty = matches!(&value, Value::Array(a) if a.is_empty())
                    || matches!(&value, Value::Object(o) if o.is_empty());
                if is_required || is_tag || !empty {
                    out.insert(name.clone(), value);
                }
            }
        }
        if mode == Mode::All && out.is_empty() {
            match object.get("additionalProperties") {
                Some(additional) if additional.is_object() => {
                    let value = self.value(additional, mode, depth + 1, refs, false);
                    out.insert("key".to_owned(), value);
                }
                // A free-form object (no properties, anything allowed): one entry.
                None | Some(Value::Bool(true)) if properties.is_none_or(Map::is_empty) => {
                    out.insert("key".to_owned(), json!("value"));
                }
                _ => {}
            }
        }
        let min = object
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let mut extra = 0;
        while (out.len() as u64) < min {
            extra += 1;
            out.insert(format!("key{extra}"), json!("value"));
        }
        Value::Object(out)
    }

    fn array(
        &self,
        object: &Map<String, Value>,
        mode: Mode,
        depth: usize,
        refs: &mut Vec<String>,
    ) -> Value {
        let min = object.get("minItems").and_then(Value::as_u64).unwrap_or(0);
        let max = object.get("maxItems").and_then(Value::as_u64);
        let wanted = if depth > FULL_DEPTH { min } else { min.max(1) };
        let count = max.map_or(wanted, |max| wanted.min(max));
        let items = object.get("items").cloned().unwrap_or(json!({}));
        let unique = object.get("uniqueItems") == Some(&Value::Bool(true));
        let mut out = Vec::new();
        for index in 0..count {
            let mut value = self.value(&items, mode, depth + 1, refs, false);
            if unique && index > 0 {
                match &mut value {
                    Value::String(s) => s.push_str(&index.to_string()),
                    Value::Number(_) => value = json!(index + 1),
                    _ => {}
                }
            }
            out.push(value);
        }
        Value::Array(out)
    }
}

/// The schema's single non-null type, if any.
fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

fn string(object: &Map<String, Value>) -> Value {
    let format = object
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let base = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "user@example.com",
        "uri" | "url" | "iri" => "https://example.com/contract",
        "uri-reference" => "/contract",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c3RyaW5n",
        "duration" => "P1D",
        _ => "string",
    };
    let mut text = base.to_owned();
    let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = object.get("maxLength").and_then(Value::as_u64);
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = max
        && text.chars().count() > max as usize
    {
        text = text.chars().take(max as usize).collect();
    }
    Value::String(text)
}

/// The bounds of a number schema (`exclusive*` as 3.0 booleans or 3.1 numbers).
fn bounds(object: &Map<String, Value>, step: f64) -> (Option<f64>, Option<f64>) {
    let mut low = object.get("minimum").and_then(Value::as_f64);
    let mut high = object.get("maximum").and_then(Value::as_f64);
    match object.get("exclusiveMinimum") {
        Some(Value::Bool(true)) => low = low.map(|l| l + step),
        Some(Value::Number(n)) => low = n.as_f64().map(|n| n + step),
        _ => {}
    }
    match object.get("exclusiveMaximum") {
        Some(Value::Bool(true)) => high = high.map(|h| h - step),
        Some(Value::Number(n)) => high = n.as_f64().map(|n| n - step),
        _ => {}
    }
    (low, high)
}

fn integer(object: &Map<String, Value>) -> Value {
    let (low, high) = bounds(object, 1.0);
    let mut value = 1.0_f64;
    if let Some(low) = low {
        value = value.max(low.ceil());
    }
    if let Some(high) = high {
        value = value.min(high.floor());
    }
    if let Some(multiple) = object.get("multipleOf").and_then(Value::as_f64)
        && multiple > 0.0
    {
        value = (value / multiple).ceil() * multiple;
    }
    json!(value as i64)
}

fn number(object: &Map<String, Value>) -> Value {
    let (low, high) = bounds(object, 0.5);
    let mut value = 1.5_f64;
    if let Some(low) = low {
        value = value.max(low);
    }
    if let Some(high) = high {
        value = value.min(high);
    }
    json!(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synth(doc: &Value, schema: Value, mode: Mode) -> Value {
        Synth { doc, rotation: 0 }.value(&schema, mode, 0, &mut Vec::new(), true)
    }

    #[test]
    fn input_samples_set_required_inputs_or_all() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {"/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": "integer", "minimum": 3}}],
                "post": {
                    "operationId": "make_thing",
                    "parameters": [{"name": "tags", "in": "query",
                                    "schema": {"type": "array", "items": {"type": "string"}}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["name"],
                        "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}
                    }}}}
                },
                "get": {"operationId": "get_thing"}
            }}
        });
        let required = input_samples(&doc, false);
        let all = input_samples(&doc, true);
        assert_eq!(required.len(), 2);
        let post = required.iter().find(|s| s.method == "POST").unwrap();
        assert_eq!(post.path, "/things/{id}");
        assert_eq!(post.params, vec![("id".into(), "path".into(), json!(3))]);
        assert_eq!(post.body, Some(json!({"name": "string"})));
        assert!(!post.multipart);
        let post = all.iter().find(|s| s.method == "POST").unwrap();
        let tags = post.params.iter().find(|p| p.0 == "tags").unwrap();
        assert_eq!(
            tags.2,
            json!(["string", "string2"]),
            "two items show the array style"
        );
        assert_eq!(post.body.as_ref().unwrap()["size"], json!(1));
        let get = all.iter().find(|s| s.method == "GET").unwrap();
        assert_eq!(get.body, None);
        assert_eq!(get.params.len(), 1, "the path item's parameter");
    }

    #[test]
    fn strings_honour_format_and_length() {
        let doc = json!({});
        assert_eq!(
            synth(
                &doc,
                json!({"type": "string", "format": "date-time"}),
                Mode::All
            ),
            "2024-01-02T03:04:05Z"
        );
        assert_eq!(
            synth(&doc, json!({"type": "string", "maxLength": 3}), Mode::All),
            "str"
        );
        assert_eq!(
            synth(&doc, json!({"type": "string", "minLength": 8}), Mode::All),
            "stringxx"
        );
        assert_eq!(
            synth(
                &doc,
                json!({"type": "string", "enum": ["a", "b"]}),
                Mode::All
            ),
            "a"
        );
    }

    #[test]
    fn numbers_honour_bounds() {
        let doc = json!({});
        assert_eq!(
            synth(
                &doc,
                json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true}),
                Mode::All
            ),
            1
        );
        assert_eq!(
            synth(&doc, json!({"type": "integer", "minimum": 5}), Mode::All),
            5
        );
        assert_eq!(
            synth(&doc, json!({"type": "integer", "maximum": 0}), Mode::All),
            0
        );
        assert_eq!(
            synth(
                &doc,
                json!({"type": "number", "exclusiveMinimum": 2}),
                Mode::All
            ),
            2.5
        );
    }

    #[test]
    fn objects_by_mode_and_nullable_required_is_null_in_required_mode() {
        let doc = json!({});
        let schema = json!({
            "type": "object",
            "required": ["a", "n"],
            "properties": {
                "a": {"type": "string"},
                "n": {"type": "string", "nullable": true},
                "o": {"type": "integer"}
            }
        });
        assert_eq!(
            synth(&doc, schema.clone(), Mode::Required),
            json!({"a": "string", "n": null})
        );
        assert_eq!(
            synth(&doc, schema, Mode::All),
            json!({"a": "string", "n": "string", "o": 1})
        );
    }

    #[test]
    fn discriminated_one_of_takes_the_first_variant_with_its_tag() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"kind": {"type": "string"}, "x": {"type": "integer"}}, "required": ["x"]},
            "B": {"type": "object", "properties": {"kind": {"type": "string"}}}
        }}});
        let schema = json!({
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
            "discriminator": {"propertyName": "kind", "mapping": {"a-tag": "#/components/schemas/A", "b": "#/components/schemas/B"}}
        });
        assert_eq!(
            synth(&doc, schema, Mode::Required),
            json!({"x": 1, "kind": "a-tag"})
        );
    }

    #[test]
    fn recursion_stops() {
        let doc = json!({"components": {"schemas": {
            "Node": {"type": "object", "required": ["children"], "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }}
        }}});
        let value = synth(
            &doc,
            json!({"$ref": "#/components/schemas/Node"}),
            Mode::All,
        );
        assert!(value.to_string().len() < 10_000, "{value}");
    }

    #[test]
    fn query_arrays_get_two_items() {
        let doc = json!({});
        let value = Synth {
            doc: &doc,
            rotation: 0,
        }
        .param(
            &json!({"type": "array", "items": {"type": "string"}}),
            Mode::All,
            true,
        );
        assert_eq!(value, json!(["string", "string2"]));
    }
}
