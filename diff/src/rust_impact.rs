//! The Rust impact: both specs through our own generation pipeline, the two generated APIs
//! compared item by item with `syn`, and the semver bump that follows.
//!
//! What is compared: `Client` methods (one per operation, named from the operationId, so a
//! renamed operationId is a removed method plus an added one), the builder of each method
//! (setters, whether a setter is required, `send()`'s result type), and the types of
//! `mod types` (structs and their fields, enums and their variants, aliases).
//!
//! Breaking for callers: anything removed or changed; a new required field (struct literals
//! stop compiling); a new variant of an exhaustive enum (exhaustive matches stop compiling); an
//! enum that becomes `#[non_exhaustive]` (matches need a wildcard arm); a new required builder
//! setter (calls that do not set it fail at `send()`). Additive: new methods, types, optional
//! setters and optional fields, and new variants of a `#[non_exhaustive]` enum (the generator's
//! open string enums: callers already match them with a wildcard arm). Whether an enum is open
//! is read from the generated code, never assumed.

use std::collections::BTreeMap;

use hyperspell_codegen::{Flavor, Options, ResourceMap, Spec, generate};
use quote::ToTokens;

use super::model::{Change, Level};

/// The semver bump a change set needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The next version of a crate at `current` (pre-1.0: a breaking change bumps the minor
    /// number, anything else the patch number, as Cargo's compatibility rules expect).
    pub fn next_version(self, current: &str) -> Option<String> {
        let mut parts = current.split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        Some(match (self, major) {
            (Bump::Major, 0) => format!("0.{}.0", minor + 1),
            (Bump::Minor | Bump::Patch, 0) => format!("0.{minor}.{}", patch + 1),
            (Bump::Major, _) => format!("{}.0.0", major + 1),
            (Bump::Minor, _) => format!("{major}.{}.0", minor + 1),
            (Bump::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
        })
    }
}

/// Items of one kind that appeared, disappeared or changed.
#[derive(Debug, Clone, Default)]
pub struct Delta {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// `(item, what changed)`.
    pub changed: Vec<(String, String)>,
}

impl Delta {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

#[derive(Debug, Clone, Default)]
pub struct RustImpact {
    /// Generation failed for a side: which and why. The API diff still stands.
    pub error: Option<String>,
    pub methods: Delta,
    pub setters: Delta,
    pub types: Delta,
    pub fields: Delta,
    pub variants: Delta,
    /// Why the change is breaking for Rust callers, one line each.
    pub breaking: Vec<String>,
}

impl RustImpact {
    pub fn bump(&self) -> Bump {
        if !self.breaking.is_empty() {
            Bump::Major
        } else if [
            &self.methods,
            &self.setters,
            &self.types,
            &self.fields,
            &self.variants,
        ]
        .iter()
        .any(|d| !d.is_empty())
        {
            Bump::Minor
        } else {
            Bump::Patch
        }
    }

    /// `1 method added, 2 types added, 1 field removed`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (delta, one, many) in [
            (&self.methods, "method", "methods"),
            (&self.setters, "builder setter", "builder setters"),
            (&self.types, "type", "types"),
            (&self.fields, "field", "fields"),
            (&self.variants, "variant", "variants"),
        ] {
            for (count, verb) in [
                (delta.added.len(), "added"),
                (delta.removed.len(), "removed"),
                (delta.changed.len(), "changed"),
            ] {
                if count > 0 {
                    parts.push(format!(
                        "{count} {} {verb}",
                        if count == 1 { one } else { many }
                    ));
                }
            }
        }
        if parts.is_empty() {
            "no change to the generated Rust API".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// The bump the crate needs: from the Rust impact when both sides generated, else from the API
/// changes (breaking → major, any change → minor, none → patch).
pub fn bump(rust: Option<&RustImpact>, changes: &[Change]) -> Bump {
    match rust {
        Some(r) if r.error.is_none() => r.bump(),
        _ => {
            if changes.iter().any(|c| c.level >= Level::Warning) {
                Bump::Major
            } else if changes.is_empty() {
                Bump::Patch
            } else {
                Bump::Minor
            }
        }
    }
}

/// Both specs generated with the same resource map (applied leniently: an entry naming an
/// operation one side lacks is skipped), so an operation keeps its call on both sides.
pub fn compare(base: &Spec, revision: &Spec, resources: Option<&ResourceMap>) -> RustImpact {
    let options = Options {
        flavor: Flavor::Standalone,
        mock: false,
        contract: false,
        resources: resources.cloned().map(ResourceMap::lenient),
    };
    let generated = |spec: &Spec, side: &str| -> Result<Surface, String> {
        let code = generate(spec, &options)
            .map_err(|d| format!("the {side} spec does not generate: {d}"))?;
        Surface::parse(&code.code)
            .map_err(|e| format!("the {side} spec's generated code does not parse: {e}"))
    };
    let (a, b) = match (generated(base, "base"), generated(revision, "revision")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return RustImpact {
                error: Some(e),
                ..Default::default()
            };
        }
    };
    compare_surfaces(&a, &b)
}

/// The public surface of one generated client.
#[derive(Debug, Default)]
struct Surface {
    /// Client method → signature.
    methods: BTreeMap<String, String>,
    /// Client method → builder struct name.
    builder_of: BTreeMap<String, String>,
    /// Builder struct → setter → (argument type, required).
    setters: BTreeMap<String, BTreeMap<String, (String, bool)>>,
    /// Builder struct → `send()` signature.
    send: BTreeMap<String, String>,
    types: BTreeMap<String, TypeShape>,
}

#[derive(Debug, PartialEq)]
enum TypeShape {
    /// Field → (type, optional).
    Struct(BTreeMap<String, (String, bool)>),
    Enum {
        /// Variant → its fields, as written.
        variants: BTreeMap<String, String>,
        /// `#[non_exhaustive]`: a new variant does not break callers' matches.
        non_exhaustive: bool,
    },
    Alias(String),
}

impl TypeShape {
    fn kind(&self) -> &'static str {
        match self {
            TypeShape::Struct(_) => "struct",
            TypeShape::Enum { .. } => "enum",
            TypeShape::Alias(_) => "type alias",
        }
    }
}

fn tokens(item: &impl ToTokens) -> String {
    let text = item.to_token_stream().to_string();
    // `Option < String >` → `Option<String>`.
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            if matches!(prev, '<' | '&' | ':' | '(' | '[')
                || matches!(next, '<' | '>' | ',' | ':' | ')' | ']' | '(')
            {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

impl Surface {
    fn parse(code: &str) -> Result<Surface, syn::Error> {
        let file: syn::File = syn::parse_str(code)?;
        let mut surface = Surface::default();
        let resources = resource_methods(&file);
        for item in &file.items {
            match item {
                syn::Item::Impl(imp)
                    if imp.trait_.is_none() && is_named(&imp.self_ty, "Client") =>
                {
                    for item in &imp.items {
                        let syn::ImplItem::Fn(f) = item else { continue };
                        if !matches!(f.vis, syn::Visibility::Public(_)) {
                            continue;
                        }
                        let name = f.sig.ident.to_string();
                        if let Some(resource) = resource_handle(&f.sig.output) {
                            surface.add_resource(&resources, &name, &resource, 0);
                            continue;
                        }
                        let inputs: Vec<String> = f.sig.inputs.iter().map(tokens).collect();
                        let output = tokens(&f.sig.output);
                        if let syn::ReturnType::Type(_, ty) = &f.sig.output
                            && let Some(builder) = last_segment(ty)
                        {
                            surface.builder_of.insert(name.clone(), builder);
                        }
                        surface
                            .methods
                            .insert(name, format!("({}) {output}", inputs.join(", ")));
                    }
                }
                syn::Item::Mod(m) if m.ident == "builder" => surface.parse_builders(m),
                syn::Item::Mod(m) if m.ident == "types" => surface.parse_types(m),
                _ => {}
            }
        }
        Ok(surface)
    }

    /// The operations under a resource handle, keyed by their call (`auth().user_token`).
    fn add_resource(
        &mut self,
        resources: &BTreeMap<String, Vec<(String, syn::ReturnType)>>,
        prefix: &str,
        resource: &str,
        depth: usize,
    ) {
        // Handles nest as deep as the resource map; a cycle would be a generator bug.
        if depth > 16 {
            return;
        }
        for (name, output) in resources.get(resource).into_iter().flatten() {
            let call = format!("{prefix}().{name}");
            if let syn::ReturnType::Type(_, ty) = output
                && let Some(last) = last_segment(ty)
            {
                if resources.contains_key(&last) {
                    self.add_resource(resources, &call, &last, depth + 1);
                    continue;
                }
                self.builder_of.insert(call.clone(), last);
            }
            self.methods
                .insert(call, format!("(&self) {}", tokens(output)));
        }
    }

    fn parse_builders(&mut self, module: &syn::ItemMod) {
        let Some((_, items)) = &module.content else {
            return;
        };
        let mut required: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
        for item in items {
            if let syn::Item::Struct(s) = item {
                let fields = required.entry(s.ident.to_string()).or_default();
                for field in &s.fields {
                    let Some(ident) = &field.ident else { continue };
                    let ty = tokens(&field.ty);
                    fields.insert(ident.to_string(), !ty.starts_with("Result<Option<"));
                }
            }
        }
        for item in items {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Some(name) = last_segment(&imp.self_ty) else {
                continue;
            };
            for item in &imp.items {
                let syn::ImplItem::Fn(f) = item else { continue };
                let method = f.sig.ident.to_string();
                match method.as_str() {
                    "new" => {}
                    "send" | "stream" => {
                        self.send
                            .insert(format!("{name}::{method}"), tokens(&f.sig.output));
                    }
                    _ => {
                        let arg = f
                            .sig
                            .generics
                            .where_clause
                            .as_ref()
                            .map(tokens)
                            .or_else(|| f.sig.inputs.iter().nth(1).map(tokens))
                            .unwrap_or_default();
                        let is_required = required
                            .get(&name)
                            .and_then(|f| f.get(&method))
                            .copied()
                            .unwrap_or(false);
                        self.setters
                            .entry(name.clone())
                            .or_default()
                            .insert(method, (arg, is_required));
                    }
                }
            }
        }
    }

    fn parse_types(&mut self, module: &syn::ItemMod) {
        let Some((_, items)) = &module.content else {
            return;
        };
        for item in items {
            match item {
                syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                    let mut fields = BTreeMap::new();
                    for (index, field) in s.fields.iter().enumerate() {
                        let name = field
                            .ident
                            .as_ref()
                            .map_or_else(|| index.to_string(), ToString::to_string);
                        let ty = tokens(&field.ty);
                        let optional = ty.starts_with("Option<")
                            || ty.starts_with("::std::option::Option<")
                            || field.attrs.iter().any(|a| {
                                a.path().is_ident("serde") && tokens(a).contains("default")
                            });
                        fields.insert(name, (ty, optional));
                    }
                    self.types
                        .insert(s.ident.to_string(), TypeShape::Struct(fields));
                }
                syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| (v.ident.to_string(), tokens(&v.fields)))
                        .collect();
                    let non_exhaustive =
                        e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
                    self.types.insert(
                        e.ident.to_string(),
                        TypeShape::Enum {
                            variants,
                            non_exhaustive,
                        },
                    );
                }
                syn::Item::Type(t) if matches!(t.vis, syn::Visibility::Public(_)) => {
                    self.types
                        .insert(t.ident.to_string(), TypeShape::Alias(tokens(&t.ty)));
                }
                _ => {}
            }
        }
    }
}

fn is_named(ty: &syn::Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|s| s == name)
}

fn last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `mod resources`: handle type → its public methods and what they return.
fn resource_methods(file: &syn::File) -> BTreeMap<String, Vec<(String, syn::ReturnType)>> {
    let mut methods: BTreeMap<String, Vec<(String, syn::ReturnType)>> = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        let (true, Some((_, items))) = (m.ident == "resources", &m.content) else {
            continue;
        };
        for item in items {
            let syn::Item::Impl(imp) = item else { continue };
            let (None, Some(ty)) = (&imp.trait_, last_segment(&imp.self_ty)) else {
                continue;
            };
            for item in &imp.items {
                if let syn::ImplItem::Fn(f) = item
                    && matches!(f.vis, syn::Visibility::Public(_))
                {
                    methods
                        .entry(ty.clone())
                        .or_default()
                        .push((f.sig.ident.to_string(), f.sig.output.clone()));
                }
            }
        }
    }
    methods
}

/// `X` when a `Client` method returns `resources::X<'_>`.
fn resource_handle(output: &syn::ReturnType) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(p) = ty.as_ref() else {
        return None;
    };
    let segments: Vec<_> = p.path.segments.iter().collect();
    match segments.as_slice() {
        [module, handle] if module.ident == "resources" => Some(handle.ident.to_string()),
        _ => None,
    }
}

fn compare_surfaces(a: &Surface, b: &Surface) -> RustImpact {
    let mut r = RustImpact::default();
    // Client methods.
    for (name, sig) in &a.methods {
        match b.methods.get(name) {
            None => {
                r.methods.removed.push(name.clone());
                r.breaking.push(format!("method `client.{name}()` removed"));
            }
            Some(other) if other != sig => {
                r.methods
                    .changed
                    .push((name.clone(), format!("`{sig}` → `{other}`")));
                r.breaking
                    .push(format!("method `client.{name}()` changed signature"));
            }
            _ => {}
        }
    }
    for name in b.methods.keys() {
        if !a.methods.contains_key(name) {
            r.methods.added.push(name.clone());
        }
    }
    // Builders of methods present on both sides.
    for (method, builder_a) in &a.builder_of {
        let Some(builder_b) = b.builder_of.get(method) else {
            continue;
        };
        let empty = BTreeMap::new();
        let sa = a.setters.get(builder_a).unwrap_or(&empty);
        let sb = b.setters.get(builder_b).unwrap_or(&empty);
        for (setter, (ty, required)) in sa {
            let label = format!("{method}().{setter}()");
            match sb.get(setter) {
                None => {
                    r.setters.removed.push(label.clone());
                    r.breaking.push(format!("builder setter `{label}` removed"));
                }
                Some((other, other_required)) => {
                    if other != ty {
                        r.setters
                            .changed
                            .push((label.clone(), format!("`{ty}` → `{other}`")));
                        r.breaking.push(format!(
                            "builder setter `{label}` changed its argument type"
                        ));
                    }
                    if *other_required && !required {
                        r.setters
                            .changed
                            .push((label.clone(), "became required".to_owned()));
                        r.breaking.push(format!(
                            "builder setter `{label}` became required (send() fails without it)"
                        ));
                    }
                }
            }
        }
        for (setter, (_, required)) in sb {
            if sa.contains_key(setter) {
                continue;
            }
            let label = format!("{method}().{setter}()");
            if *required {
                r.setters.added.push(format!("{label} (required)"));
                r.breaking.push(format!(
                    "new required builder setter `{label}` (send() fails without it)"
                ));
            } else {
                r.setters.added.push(label);
            }
        }
        for verb in ["send", "stream"] {
            let (x, y) = (
                a.send.get(&format!("{builder_a}::{verb}")),
                b.send.get(&format!("{builder_b}::{verb}")),
            );
            if let (Some(x), Some(y)) = (x, y)
                && x != y
            {
                r.methods
                    .changed
                    .push((format!("{method}().{verb}()"), format!("`{x}` → `{y}`")));
                r.breaking
                    .push(format!("`{method}().{verb}()` returns a different type"));
            }
        }
    }
    // Types.
    for (name, shape) in &a.types {
        let Some(other) = b.types.get(name) else {
            r.types.removed.push(name.clone());
            r.breaking.push(format!("type `types::{name}` removed"));
            continue;
        };
        match (shape, other) {
            (TypeShape::Struct(fa), TypeShape::Struct(fb)) => {
                for (field, (ty, _)) in fa {
                    let label = format!("{name}.{field}");
                    match fb.get(field) {
                        None => {
                            r.fields.removed.push(label.clone());
                            r.breaking.push(format!("field `{label}` removed"));
                        }
                        Some((other_ty, _)) if other_ty != ty => {
                            r.fields
                                .changed
                                .push((label.clone(), format!("`{ty}` → `{other_ty}`")));
                            r.breaking.push(format!("field `{label}` changed type"));
                        }
                        _ => {}
                    }
                }
                for (field, (_, optional)) in fb {
                    if fa.contains_key(field) {
                        continue;
                    }
                    let label = format!("{name}.{field}");
                    if *optional {
                        r.fields.added.push(label);
                    } else {
                        r.fields.added.push(format!("{label} (required)"));
                        r.breaking.push(format!(
                            "new required field `{label}` (struct literals must set it)"
                        ));
                    }
                }
            }
            (
                TypeShape::Enum {
                    variants: va,
                    non_exhaustive: open_a,
                },
                TypeShape::Enum {
                    variants: vb,
                    non_exhaustive: open_b,
                },
            ) => {
                if open_b != open_a {
                    let (change, breaking) = if *open_b {
                        ("became #[non_exhaustive]", true)
                    } else {
                        ("is no longer #[non_exhaustive]", false)
                    };
                    r.types.changed.push((name.clone(), change.to_owned()));
                    if breaking {
                        r.breaking.push(format!(
                            "enum `types::{name}` became #[non_exhaustive] (matches need a wildcard arm)"
                        ));
                    }
                }
                for (variant, fields) in va {
                    let label = format!("{name}::{variant}");
                    match vb.get(variant) {
                        None => {
                            r.variants.removed.push(label.clone());
                            r.breaking.push(format!("variant `{label}` removed"));
                        }
                        Some(other) if other != fields => {
                            r.variants
                                .changed
                                .push((label.clone(), format!("`{fields}` → `{other}`")));
                            r.breaking.push(format!("variant `{label}` changed"));
                        }
                        _ => {}
                    }
                }
                for variant in vb.keys() {
                    if !va.contains_key(variant) {
                        let label = format!("{name}::{variant}");
                        r.variants.added.push(label.clone());
                        // Matches on a #[non_exhaustive] base enum already have a wildcard
                        // arm; one that became #[non_exhaustive] is reported above.
                        if !open_a && !open_b {
                            r.breaking.push(format!(
                                "new variant `{label}` (exhaustive matches must handle it)"
                            ));
                        }
                    }
                }
            }
            (TypeShape::Alias(x), TypeShape::Alias(y)) if x != y => {
                r.types
                    .changed
                    .push((name.clone(), format!("`{x}` → `{y}`")));
                r.breaking
                    .push(format!("type alias `types::{name}` changed"));
            }
            (x, y) if x.kind() != y.kind() => {
                r.types
                    .changed
                    .push((name.clone(), format!("{} → {}", x.kind(), y.kind())));
                r.breaking.push(format!(
                    "type `types::{name}` changed from a {} to a {}",
                    x.kind(),
                    y.kind()
                ));
            }
            _ => {}
        }
    }
    for name in b.types.keys() {
        if !a.types.contains_key(name) {
            r.types.added.push(name.clone());
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = r#"
        pub mod types {
            pub struct Pet { pub id: i64, pub tag: Option<String> }
            pub enum Kind { Cat, Dog }
        }
        pub struct Client;
        impl Client {
            pub fn list_pets(&self) -> builder::ListPets<'_> { todo!() }
            pub fn old_name(&self) -> builder::OldName<'_> { todo!() }
        }
        pub mod builder {
            pub struct ListPets<'a> { client: &'a super::Client, limit: Result<Option<u32>, String> }
            impl<'a> ListPets<'a> {
                pub fn limit<V>(mut self, value: V) -> Self where V: TryInto<u32> { self }
                pub async fn send(self) -> Result<types::Pet, ()> { todo!() }
            }
            pub struct OldName<'a> { client: &'a super::Client }
        }
    "#;

    #[test]
    fn compares_surfaces() {
        let b = A
            .replace("pub tag: Option<String> }", "pub tag: Option<String>, pub name: String }")
            .replace("Cat, Dog", "Cat, Dog, Bird")
            .replace("old_name", "new_name")
            .replace("OldName", "NewName")
            .replace(
                "limit: Result<Option<u32>, String> }",
                "limit: Result<Option<u32>, String>, owner: Result<String, String> }",
            )
            .replace(
                "pub async fn send",
                "pub fn owner<V>(mut self, value: V) -> Self where V: TryInto<String> { self }\n pub async fn send",
            );
        let r = compare_surfaces(&Surface::parse(A).unwrap(), &Surface::parse(&b).unwrap());
        assert_eq!(r.methods.added, ["new_name"]);
        assert_eq!(r.methods.removed, ["old_name"]);
        assert_eq!(r.fields.added, ["Pet.name (required)"]);
        assert_eq!(r.variants.added, ["Kind::Bird"]);
        assert_eq!(r.setters.added, ["list_pets().owner() (required)"]);
        assert_eq!(r.bump(), Bump::Major);
    }

    #[test]
    fn additions_only_are_minor() {
        let b = A.replace(
            "pub mod types {",
            "pub mod types { pub struct Extra { pub x: Option<i64> }",
        );
        let r = compare_surfaces(&Surface::parse(A).unwrap(), &Surface::parse(&b).unwrap());
        assert_eq!(r.bump(), Bump::Minor);
        assert_eq!(r.summary(), "1 type added");
    }

    #[test]
    fn new_variants_of_a_non_exhaustive_enum_are_additive() {
        let open = A.replace("pub enum Kind", "#[non_exhaustive] pub enum Kind");
        let gained = open.replace("Cat, Dog", "Cat, Dog, Bird");
        let r = compare_surfaces(
            &Surface::parse(&open).unwrap(),
            &Surface::parse(&gained).unwrap(),
        );
        assert_eq!(r.variants.added, ["Kind::Bird"]);
        assert!(r.breaking.is_empty(), "{:?}", r.breaking);
        assert_eq!(r.bump(), Bump::Minor);

        let lost = open.replace("Cat, Dog", "Cat");
        let r = compare_surfaces(
            &Surface::parse(&open).unwrap(),
            &Surface::parse(&lost).unwrap(),
        );
        assert_eq!(r.breaking, ["variant `Kind::Dog` removed"]);
        assert_eq!(r.bump(), Bump::Major);
    }

    #[test]
    fn an_enum_that_becomes_non_exhaustive_breaks_matches() {
        let open = A
            .replace("pub enum Kind", "#[non_exhaustive] pub enum Kind")
            .replace("Cat, Dog", "Cat, Dog, Unknown(String)");
        let r = compare_surfaces(&Surface::parse(A).unwrap(), &Surface::parse(&open).unwrap());
        assert_eq!(
            r.breaking,
            ["enum `types::Kind` became #[non_exhaustive] (matches need a wildcard arm)"]
        );
        assert_eq!(r.variants.added, ["Kind::Unknown"]);
        assert_eq!(r.bump(), Bump::Major);
        // The other way round breaks nothing: every match already has a wildcard arm.
        let r = compare_surfaces(&Surface::parse(&open).unwrap(), &Surface::parse(A).unwrap());
        assert_eq!(r.breaking, ["variant `Kind::Unknown` removed"]);
        assert_eq!(
            r.types.changed,
            [(
                "Kind".to_owned(),
                "is no longer #[non_exhaustive]".to_owned()
            )]
        );
    }

    #[test]
    fn next_versions() {
        assert_eq!(Bump::Major.next_version("0.1.0").as_deref(), Some("0.2.0"));
        assert_eq!(Bump::Minor.next_version("0.1.0").as_deref(), Some("0.1.1"));
        assert_eq!(Bump::Major.next_version("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Minor.next_version("1.2.3").as_deref(), Some("1.3.0"));
    }
}
