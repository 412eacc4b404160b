//! Structural diff of two schemas, keyword by keyword, with `$ref` cycle protection and a
//! cache keyed by the pair of schema nodes (a component referenced from a hundred operations is
//! compared once).
//!
//! The model follows oasdiff's schema diff: sub-schemas under `oneOf`/`anyOf`/`allOf` are paired
//! by `$ref` name, then inline ones by content and title; properties by name. On top of the raw
//! keyword diffs it recognises three transitions that are one change showing up as several:
//! list-of-types (`type: T` ↔ `oneOf: [{type: T}, {type: U}]`), oneOf wrapping (an object schema
//! wrapped into a `oneOf` of alternatives) and nullable wrapping (`X` → `oneOf: [{type: null}, X]`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use serde_json::{Map, Value};

use super::doc::{Doc, S};

/// A changed scalar keyword. `None` is "absent".
#[derive(Debug, Clone, PartialEq)]
pub struct ValDiff {
    pub from: Option<Value>,
    pub to: Option<Value>,
}

impl ValDiff {
    pub fn old_f64(&self) -> Option<f64> {
        self.from.as_ref().and_then(Value::as_f64)
    }
    pub fn new_f64(&self) -> Option<f64> {
        self.to.as_ref().and_then(Value::as_f64)
    }
    pub fn old_str(&self) -> &str {
        self.from.as_ref().and_then(Value::as_str).unwrap_or("")
    }
    pub fn new_str(&self) -> &str {
        self.to.as_ref().and_then(Value::as_str).unwrap_or("")
    }
    pub fn new_true(&self) -> bool {
        self.to.as_ref().and_then(Value::as_bool).unwrap_or(false)
    }
    pub fn old_true(&self) -> bool {
        self.from.as_ref().and_then(Value::as_bool).unwrap_or(false)
    }
}

/// Added and removed members of a set of strings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrDiff {
    pub added: Vec<String>,
    pub deleted: Vec<String>,
}

impl StrDiff {
    pub fn of<'x>(
        a: impl IntoIterator<Item = &'x str>,
        b: impl IntoIterator<Item = &'x str>,
    ) -> Option<StrDiff> {
        let a: Vec<&str> = a.into_iter().collect();
        let b: Vec<&str> = b.into_iter().collect();
        let mut diff = StrDiff::default();
        for item in &b {
            if !a.contains(item) && !diff.added.iter().any(|x| x == item) {
                diff.added.push((*item).to_owned());
            }
        }
        for item in &a {
            if !b.contains(item) && !diff.deleted.iter().any(|x| x == item) {
                diff.deleted.push((*item).to_owned());
            }
        }
        (!diff.added.is_empty() || !diff.deleted.is_empty()).then_some(diff)
    }
}

#[derive(Debug, Clone, Default)]
pub struct EnumDiff {
    /// The base had no `enum`, the revision has one.
    pub enum_added: bool,
    pub added: Vec<Value>,
    pub deleted: Vec<Value>,
}

/// A sub-schema of `oneOf`/`anyOf`/`allOf`/`prefixItems` that only one side has.
#[derive(Clone)]
pub struct Sub<'a> {
    pub index: usize,
    pub schema: S<'a>,
}

impl Sub<'_> {
    /// `#/components/schemas/X`, `subschema #2: Title` or `subschema #2`, as oasdiff names them.
    pub fn label(&self) -> String {
        subschema_label(self.index, &self.schema)
    }
}

pub fn subschema_label(index: usize, schema: &S) -> String {
    let title = schema.title();
    if !title.is_empty() {
        return format!("subschema #{}: {title}", index + 1);
    }
    if let Some(reference) = schema.reference {
        return reference.to_owned();
    }
    format!("subschema #{}", index + 1)
}

pub struct ModSub<'a> {
    pub base_index: usize,
    pub rev_index: usize,
    pub base: S<'a>,
    pub rev: S<'a>,
    pub diff: Rc<SchemaDiff<'a>>,
}

impl ModSub<'_> {
    pub fn label(&self) -> String {
        let a = subschema_label(self.base_index, &self.base);
        let b = subschema_label(self.rev_index, &self.rev);
        if a == b { a } else { format!("{a} -> {b}") }
    }
}

#[derive(Default)]
pub struct SubDiff<'a> {
    pub added: Vec<Sub<'a>>,
    pub deleted: Vec<Sub<'a>>,
    pub modified: Vec<ModSub<'a>>,
}

impl SubDiff<'_> {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.deleted.is_empty() && self.modified.is_empty()
    }
}

/// Named sub-schemas (`properties`, `patternProperties`, `dependentSchemas`).
#[derive(Default)]
pub struct MapDiff<'a> {
    pub added: Vec<String>,
    pub deleted: Vec<String>,
    pub modified: BTreeMap<String, Rc<SchemaDiff<'a>>>,
}

impl MapDiff<'_> {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.deleted.is_empty() && self.modified.is_empty()
    }
}

/// `x-*` extensions added, removed or changed.
#[derive(Debug, Clone, Default)]
pub struct ExtDiff {
    pub added: Vec<String>,
    pub deleted: Vec<String>,
    pub modified: Vec<String>,
}

impl ExtDiff {
    pub fn of(a: Option<&Map<String, Value>>, b: Option<&Map<String, Value>>) -> Option<ExtDiff> {
        let empty = Map::new();
        let a = a.unwrap_or(&empty);
        let b = b.unwrap_or(&empty);
        let mut diff = ExtDiff::default();
        for (key, value) in a.iter().filter(|(k, _)| k.starts_with("x-")) {
            match b.get(key) {
                None => diff.deleted.push(key.clone()),
                Some(other) if !values_equal(value, other) => diff.modified.push(key.clone()),
                _ => {}
            }
        }
        for key in b.keys().filter(|k| k.starts_with("x-")) {
            if !a.contains_key(key) {
                diff.added.push(key.clone());
            }
        }
        (!diff.added.is_empty() || !diff.deleted.is_empty() || !diff.modified.is_empty())
            .then_some(diff)
    }

    pub fn touches(&self, key: &str) -> bool {
        self.added
            .iter()
            .chain(&self.deleted)
            .chain(&self.modified)
            .any(|k| k == key)
    }
}

#[derive(Debug, Clone, Default)]
pub struct MappingDiff {
    pub added: Vec<String>,
    pub deleted: Vec<String>,
    /// `(key, from, to)`.
    pub modified: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct DiscriminatorDiff {
    pub added: bool,
    pub deleted: bool,
    pub property_name: Option<ValDiff>,
    pub mapping: Option<MappingDiff>,
}

#[derive(Debug, Clone, Default)]
pub struct DependentRequiredDiff {
    pub added: Vec<String>,
    pub deleted: Vec<String>,
    pub modified: Vec<String>,
}

/// A concrete object schema wrapped into a `oneOf` of object alternatives.
#[derive(Debug, Clone)]
pub struct OneOfWrapping {
    pub alternatives: usize,
    pub moved_properties: Vec<String>,
    pub original_preserved: bool,
}

/// The differences between two schemas. Every field is `None`/`false` when that keyword did not
/// change; a diff with nothing set is never built (see [`Ctx::diff`]).
#[derive(Default)]
pub struct SchemaDiff<'a> {
    pub base: Option<S<'a>>,
    pub rev: Option<S<'a>>,
    /// The schema exists only in the revision / only in the base.
    pub added: bool,
    pub deleted: bool,
    /// One side recurses here and the other does not.
    pub circular: bool,
    pub extensions: Option<ExtDiff>,
    pub one_of: Option<SubDiff<'a>>,
    pub any_of: Option<SubDiff<'a>>,
    pub all_of: Option<SubDiff<'a>>,
    pub prefix_items: Option<SubDiff<'a>>,
    pub not: Option<Rc<SchemaDiff<'a>>>,
    pub items: Option<Rc<SchemaDiff<'a>>>,
    pub additional_properties: Option<Rc<SchemaDiff<'a>>>,
    pub contains: Option<Rc<SchemaDiff<'a>>>,
    pub property_names: Option<Rc<SchemaDiff<'a>>>,
    pub unevaluated_items: Option<Rc<SchemaDiff<'a>>>,
    pub unevaluated_properties: Option<Rc<SchemaDiff<'a>>>,
    pub if_: Option<Rc<SchemaDiff<'a>>>,
    pub then_: Option<Rc<SchemaDiff<'a>>>,
    pub else_: Option<Rc<SchemaDiff<'a>>>,
    pub content_schema: Option<Rc<SchemaDiff<'a>>>,
    pub properties: Option<MapDiff<'a>>,
    pub pattern_properties: Option<MapDiff<'a>>,
    pub dependent_schemas: Option<MapDiff<'a>>,
    pub type_: Option<StrDiff>,
    pub required: Option<StrDiff>,
    pub enum_: Option<EnumDiff>,
    pub discriminator: Option<DiscriminatorDiff>,
    pub dependent_required: Option<DependentRequiredDiff>,
    pub title: Option<ValDiff>,
    pub description: Option<ValDiff>,
    pub format: Option<ValDiff>,
    pub default: Option<ValDiff>,
    pub example: Option<ValDiff>,
    pub examples: Option<ValDiff>,
    pub external_docs: Option<ValDiff>,
    pub comment: Option<ValDiff>,
    pub const_: Option<ValDiff>,
    pub additional_properties_allowed: Option<ValDiff>,
    pub unique_items: Option<ValDiff>,
    pub exclusive_min: Option<ValDiff>,
    pub exclusive_max: Option<ValDiff>,
    pub nullable: Option<ValDiff>,
    pub read_only: Option<ValDiff>,
    pub write_only: Option<ValDiff>,
    pub allow_empty_value: Option<ValDiff>,
    pub xml: Option<ValDiff>,
    pub deprecated: Option<ValDiff>,
    pub min: Option<ValDiff>,
    pub max: Option<ValDiff>,
    pub multiple_of: Option<ValDiff>,
    pub min_length: Option<ValDiff>,
    pub max_length: Option<ValDiff>,
    pub pattern: Option<ValDiff>,
    pub min_items: Option<ValDiff>,
    pub max_items: Option<ValDiff>,
    pub min_props: Option<ValDiff>,
    pub max_props: Option<ValDiff>,
    pub min_contains: Option<ValDiff>,
    pub max_contains: Option<ValDiff>,
    pub unevaluated_items_allowed: Option<ValDiff>,
    pub unevaluated_properties_allowed: Option<ValDiff>,
    pub content_media_type: Option<ValDiff>,
    pub content_encoding: Option<ValDiff>,
    pub schema_id: Option<ValDiff>,
    pub anchor: Option<ValDiff>,
    pub list_of_types: Option<StrDiff>,
    pub one_of_wrapping: Option<OneOfWrapping>,
    /// `Some(true)`: `X` became `oneOf`/`anyOf: [{type: null}, X]`; `Some(false)`: the reverse.
    pub nullable_wrapping: Option<bool>,
}

impl<'a> SchemaDiff<'a> {
    /// Whether any keyword changed.
    pub fn is_empty(&self) -> bool {
        !self.has_validation_change(false)
    }

    /// Whether something other than annotations (title, description, default, examples,
    /// externalDocs, comments) changed; `annotations = true` counts those too.
    fn has_validation_change(&self, annotations_only_ignored: bool) -> bool {
        let ann = !annotations_only_ignored;
        let sub = |d: &Option<Rc<SchemaDiff>>| {
            d.as_ref()
                .is_some_and(|d| d.has_validation_change(annotations_only_ignored))
        };
        let subs = |d: &Option<SubDiff>| {
            d.as_ref().is_some_and(|d| {
                !d.added.is_empty()
                    || !d.deleted.is_empty()
                    || d.modified
                        .iter()
                        .any(|m| m.diff.has_validation_change(annotations_only_ignored))
            })
        };
        let map = |d: &Option<MapDiff>| {
            d.as_ref().is_some_and(|d| {
                !d.added.is_empty()
                    || !d.deleted.is_empty()
                    || d.modified
                        .values()
                        .any(|m| m.has_validation_change(annotations_only_ignored))
            })
        };
        self.added
            || self.deleted
            || self.circular
            || self.extensions.is_some()
            || subs(&self.one_of)
            || subs(&self.any_of)
            || subs(&self.all_of)
            || subs(&self.prefix_items)
            || sub(&self.not)
            || sub(&self.items)
            || sub(&self.additional_properties)
            || sub(&self.contains)
            || sub(&self.property_names)
            || sub(&self.unevaluated_items)
            || sub(&self.unevaluated_properties)
            || sub(&self.if_)
            || sub(&self.then_)
            || sub(&self.else_)
            || sub(&self.content_schema)
            || map(&self.properties)
            || map(&self.pattern_properties)
            || map(&self.dependent_schemas)
            || self.type_.is_some()
            || self.required.is_some()
            || self.enum_.is_some()
            || self.discriminator.is_some()
            || self.dependent_required.is_some()
            || (ann
                && (self.title.is_some()
                    || self.description.is_some()
                    || self.default.is_some()
                    || self.example.is_some()
                    || self.examples.is_some()
                    || self.external_docs.is_some()
                    || self.comment.is_some()))
            || self.format.is_some()
            || self.const_.is_some()
            || self.additional_properties_allowed.is_some()
            || self.unique_items.is_some()
            || self.exclusive_min.is_some()
            || self.exclusive_max.is_some()
            || self.nullable.is_some()
            || self.read_only.is_some()
            || self.write_only.is_some()
            || self.allow_empty_value.is_some()
            || self.xml.is_some()
            || self.deprecated.is_some()
            || self.min.is_some()
            || self.max.is_some()
            || self.multiple_of.is_some()
            || self.min_length.is_some()
            || self.max_length.is_some()
            || self.pattern.is_some()
            || self.min_items.is_some()
            || self.max_items.is_some()
            || self.min_props.is_some()
            || self.max_props.is_some()
            || self.min_contains.is_some()
            || self.max_contains.is_some()
            || self.unevaluated_items_allowed.is_some()
            || self.unevaluated_properties_allowed.is_some()
            || self.content_media_type.is_some()
            || self.content_encoding.is_some()
            || self.schema_id.is_some()
            || self.anchor.is_some()
            || self.list_of_types.is_some()
            || self.one_of_wrapping.is_some()
            || self.nullable_wrapping.is_some()
    }
}

/// Identity of a (base, revision) pair of schema nodes.
type PairKey = ((usize, usize), (usize, usize));

/// Compares schemas of two documents.
pub struct Ctx<'a> {
    pub base: &'a Doc,
    pub rev: &'a Doc,
    cache: RefCell<HashMap<PairKey, Option<Rc<SchemaDiff<'a>>>>>,
    visiting_base: RefCell<Vec<&'a str>>,
    visiting_rev: RefCell<Vec<&'a str>>,
}

impl<'a> Ctx<'a> {
    pub fn new(base: &'a Doc, rev: &'a Doc) -> Ctx<'a> {
        Ctx {
            base,
            rev,
            cache: RefCell::new(HashMap::new()),
            visiting_base: RefCell::new(Vec::new()),
            visiting_rev: RefCell::new(Vec::new()),
        }
    }

    /// The diff of two raw schema values (either may be absent). `None` when they are the same.
    pub fn diff_values(
        &self,
        a: Option<&'a Value>,
        b: Option<&'a Value>,
    ) -> Option<Rc<SchemaDiff<'a>>> {
        let a = a.map(|v| self.base.schema(v));
        let b = b.map(|v| self.rev.schema(v));
        self.diff(a, b)
    }

    pub fn diff(&self, a: Option<S<'a>>, b: Option<S<'a>>) -> Option<Rc<SchemaDiff<'a>>> {
        let (a, b) = match (a, b) {
            (None, None) => return None,
            (None, Some(b)) => {
                return Some(Rc::new(SchemaDiff {
                    rev: Some(b),
                    added: true,
                    ..Default::default()
                }));
            }
            (Some(a), None) => {
                return Some(Rc::new(SchemaDiff {
                    base: Some(a),
                    deleted: true,
                    ..Default::default()
                }));
            }
            (Some(a), Some(b)) => (a, b),
        };
        let key = (a.key(), b.key());
        if let Some(cached) = self.cache.borrow().get(&key) {
            return cached.clone();
        }
        let result = self.diff_uncached(a, b);
        self.cache.borrow_mut().insert(key, result.clone());
        result
    }

    fn diff_uncached(&self, a: S<'a>, b: S<'a>) -> Option<Rc<SchemaDiff<'a>>> {
        // $ref cycles: a reference already being compared on its side.
        if let (Some(ra), Some(rb)) = (a.reference, b.reference) {
            let seen_a = self.visiting_base.borrow().contains(&ra);
            let seen_b = self.visiting_rev.borrow().contains(&rb);
            if seen_a && seen_b {
                return None;
            }
            if seen_a != seen_b {
                return Some(Rc::new(SchemaDiff {
                    base: Some(a),
                    rev: Some(b),
                    circular: true,
                    ..Default::default()
                }));
            }
        } else if a
            .reference
            .is_some_and(|r| self.visiting_base.borrow().contains(&r))
            || b.reference
                .is_some_and(|r| self.visiting_rev.borrow().contains(&r))
        {
            // Recursion on one side only, reached through an inline schema on the other.
            return Some(Rc::new(SchemaDiff {
                base: Some(a),
                rev: Some(b),
                circular: true,
                ..Default::default()
            }));
        }
        if let Some(r) = a.reference {
            self.visiting_base.borrow_mut().push(r);
        }
        if let Some(r) = b.reference {
            self.visiting_rev.borrow_mut().push(r);
        }
        let diff = self.compute(a, b);
        if a.reference.is_some() {
            self.visiting_base.borrow_mut().pop();
        }
        if b.reference.is_some() {
            self.visiting_rev.borrow_mut().pop();
        }
        (!diff.is_empty()).then(|| Rc::new(diff))
    }

    fn child(&self, a: &S<'a>, b: &S<'a>, key: &str) -> Option<Rc<SchemaDiff<'a>>> {
        let a = a
            .get(key)
            .filter(|v| is_schema(v))
            .map(|v| self.base.schema(v));
        let b = b
            .get(key)
            .filter(|v| is_schema(v))
            .map(|v| self.rev.schema(v));
        self.diff(a, b)
    }

    fn compute(&self, a: S<'a>, b: S<'a>) -> SchemaDiff<'a> {
        let mut d = SchemaDiff {
            base: Some(a),
            rev: Some(b),
            ..Default::default()
        };
        if a.is_bool() || b.is_bool() {
            if !values_equal(a.value, b.value) {
                d.type_ = StrDiff::of(bool_schema_types(&a), bool_schema_types(&b));
                if d.type_.is_none() {
                    d.not = Some(Rc::new(SchemaDiff {
                        base: Some(a),
                        rev: Some(b),
                        added: true,
                        ..Default::default()
                    }));
                }
            }
            return d;
        }
        d.extensions = ExtDiff::of(
            object_with_siblings(&a).as_ref(),
            object_with_siblings(&b).as_ref(),
        );
        d.one_of = self.subschemas(a.array("oneOf"), b.array("oneOf"));
        d.any_of = self.subschemas(a.array("anyOf"), b.array("anyOf"));
        d.all_of = self.subschemas(a.array("allOf"), b.array("allOf"));
        d.not = self.child(&a, &b, "not");
        d.type_ = StrDiff::of(a.types(), b.types());
        d.list_of_types = list_of_types_diff(&a, &b, self);
        d.one_of_wrapping = self.one_of_wrapping(&a, &b);
        d.nullable_wrapping = if self.null_wrapped(&a, &b, true) {
            Some(true)
        } else if self.null_wrapped(&b, &a, false) {
            Some(false)
        } else {
            None
        };
        d.title = val(a.get("title"), b.get("title"));
        d.format = val_str(a.get("format"), b.get("format"));
        d.description = val(a.get("description"), b.get("description"));
        d.enum_ = enum_diff(a.get("enum"), b.get("enum"));
        d.default = val(a.get("default"), b.get("default"));
        d.example = val(a.get("example"), b.get("example"));
        d.examples = val(a.get("examples"), b.get("examples"));
        d.external_docs = val(a.get("externalDocs"), b.get("externalDocs"));
        d.comment = val(a.get("$comment"), b.get("$comment"));
        d.additional_properties_allowed = val(
            a.get("additionalProperties").filter(|v| v.is_boolean()),
            b.get("additionalProperties").filter(|v| v.is_boolean()),
        );
        d.unique_items = val_bool(a.get("uniqueItems"), b.get("uniqueItems"));
        d.exclusive_min = val_bound(a.get("exclusiveMinimum"), b.get("exclusiveMinimum"));
        d.exclusive_max = val_bound(a.get("exclusiveMaximum"), b.get("exclusiveMaximum"));
        d.nullable = val_bool(a.get("nullable"), b.get("nullable"));
        d.read_only = val_bool(a.get("readOnly"), b.get("readOnly"));
        d.write_only = val_bool(a.get("writeOnly"), b.get("writeOnly"));
        d.allow_empty_value = val_bool(a.get("allowEmptyValue"), b.get("allowEmptyValue"));
        d.xml = val(a.get("xml"), b.get("xml"));
        d.deprecated = val_bool(a.get("deprecated"), b.get("deprecated"));
        d.min = val_num(a.get("minimum"), b.get("minimum"));
        d.max = val_num(a.get("maximum"), b.get("maximum"));
        d.multiple_of = val_num(a.get("multipleOf"), b.get("multipleOf"));
        d.min_length = val_num_default_zero(a.get("minLength"), b.get("minLength"));
        d.max_length = val_num(a.get("maxLength"), b.get("maxLength"));
        d.pattern = val_str(a.get("pattern"), b.get("pattern"));
        d.min_items = val_num(a.get("minItems"), b.get("minItems"));
        d.max_items = val_num(a.get("maxItems"), b.get("maxItems"));
        d.items = self.child(&a, &b, "items");
        d.required = StrDiff::of(a.required(), b.required());
        d.properties = self.named(a.object("properties"), b.object("properties"));
        d.min_props = val_num_default_zero(a.get("minProperties"), b.get("minProperties"));
        d.max_props = val_num(a.get("maxProperties"), b.get("maxProperties"));
        d.additional_properties = self.child(&a, &b, "additionalProperties");
        d.discriminator = discriminator_diff(a.get("discriminator"), b.get("discriminator"));
        d.const_ = val(a.get("const"), b.get("const"));
        d.prefix_items = self.subschemas(a.array("prefixItems"), b.array("prefixItems"));
        d.contains = self.child(&a, &b, "contains");
        d.min_contains = val_num(a.get("minContains"), b.get("minContains"));
        d.max_contains = val_num(a.get("maxContains"), b.get("maxContains"));
        d.pattern_properties =
            self.named(a.object("patternProperties"), b.object("patternProperties"));
        d.dependent_schemas =
            self.named(a.object("dependentSchemas"), b.object("dependentSchemas"));
        d.property_names = self.child(&a, &b, "propertyNames");
        d.unevaluated_items_allowed = val(
            a.get("unevaluatedItems").filter(|v| v.is_boolean()),
            b.get("unevaluatedItems").filter(|v| v.is_boolean()),
        );
        d.unevaluated_items = self.child(&a, &b, "unevaluatedItems");
        d.unevaluated_properties_allowed = val(
            a.get("unevaluatedProperties").filter(|v| v.is_boolean()),
            b.get("unevaluatedProperties").filter(|v| v.is_boolean()),
        );
        d.unevaluated_properties = self.child(&a, &b, "unevaluatedProperties");
        d.if_ = self.child(&a, &b, "if");
        d.then_ = self.child(&a, &b, "then");
        d.else_ = self.child(&a, &b, "else");
        d.dependent_required =
            dependent_required_diff(a.object("dependentRequired"), b.object("dependentRequired"));
        d.content_media_type = val(a.get("contentMediaType"), b.get("contentMediaType"));
        d.content_encoding = val(a.get("contentEncoding"), b.get("contentEncoding"));
        d.content_schema = self.child(&a, &b, "contentSchema");
        d.schema_id = val(a.get("$id"), b.get("$id"));
        d.anchor = val(a.get("$anchor"), b.get("$anchor"));
        d
    }

    fn named(
        &self,
        a: Option<&'a Map<String, Value>>,
        b: Option<&'a Map<String, Value>>,
    ) -> Option<MapDiff<'a>> {
        if a.is_none() && b.is_none() {
            return None;
        }
        let empty = &*EMPTY_MAP;
        let a = a.unwrap_or(empty);
        let b = b.unwrap_or(empty);
        let mut diff = MapDiff::default();
        for (name, value) in a {
            match b.get(name) {
                None => diff.deleted.push(name.clone()),
                Some(other) => {
                    if let Some(d) =
                        self.diff(Some(self.base.schema(value)), Some(self.rev.schema(other)))
                    {
                        diff.modified.insert(name.clone(), d);
                    }
                }
            }
        }
        for name in b.keys() {
            if !a.contains_key(name) {
                diff.added.push(name.clone());
            }
        }
        (!diff.is_empty()).then_some(diff)
    }

    /// Pairs sub-schemas: by `$ref`, then inline ones by identical content, by title, and a
    /// single remaining untitled pair; then inline ↔ `$ref` refactors that validate the same.
    fn subschemas(&self, a: &'a [Value], b: &'a [Value]) -> Option<SubDiff<'a>> {
        if a.is_empty() && b.is_empty() {
            return None;
        }
        let sa: Vec<S<'a>> = a.iter().map(|v| self.base.schema(v)).collect();
        let sb: Vec<S<'a>> = b.iter().map(|v| self.rev.schema(v)).collect();
        let mut diff = SubDiff::default();

        // 1. By $ref.
        let mut used_b = vec![false; sb.len()];
        for (i, x) in sa.iter().enumerate() {
            let Some(r) = x.reference else { continue };
            let found = sb
                .iter()
                .enumerate()
                .position(|(j, y)| !used_b[j] && y.reference == Some(r));
            match found {
                Some(j) => {
                    used_b[j] = true;
                    if let Some(d) = self.diff(Some(*x), Some(sb[j])) {
                        diff.modified.push(ModSub {
                            base_index: i,
                            rev_index: j,
                            base: *x,
                            rev: sb[j],
                            diff: d,
                        });
                    }
                }
                None => diff.deleted.push(Sub {
                    index: i,
                    schema: *x,
                }),
            }
        }
        for (j, y) in sb.iter().enumerate() {
            let Some(r) = y.reference else { continue };
            if !sa.iter().any(|x| x.reference == Some(r)) {
                diff.added.push(Sub {
                    index: j,
                    schema: *y,
                });
            }
        }

        // 2. Inline: identical ones match; then by title; then a single untitled pair.
        let not_contained = |from: &[S<'a>], to: &[S<'a>], forward: bool| -> Vec<usize> {
            let mut matched = vec![false; to.len()];
            let mut out = Vec::new();
            for (i, x) in from.iter().enumerate() {
                if x.reference.is_some() {
                    continue;
                }
                let hit = to.iter().enumerate().position(|(j, y)| {
                    !matched[j] && y.reference.is_none() && {
                        let d = if forward {
                            self.diff(Some(*x), Some(*y))
                        } else {
                            self.diff(Some(*y), Some(*x))
                        };
                        d.is_none()
                    }
                });
                match hit {
                    Some(j) => matched[j] = true,
                    None => out.push(i),
                }
            }
            out
        };
        let mut added_idx = not_contained(&sb, &sa, false);
        let mut deleted_idx = not_contained(&sa, &sb, true);
        let mut matched_titles: HashSet<&str> = HashSet::new();
        let mut pairs = Vec::new();
        for &j in &added_idx {
            let title = sb[j].title();
            if title.is_empty() || matched_titles.contains(title) {
                continue;
            }
            if let Some(&i) = deleted_idx.iter().find(|&&i| sa[i].title() == title) {
                matched_titles.insert(title);
                pairs.push((i, j));
            }
        }
        for &(i, j) in &pairs {
            added_idx.retain(|&x| x != j);
            deleted_idx.retain(|&x| x != i);
        }
        if added_idx.len() == 1
            && deleted_idx.len() == 1
            && sa[deleted_idx[0]].title().is_empty()
            && sb[added_idx[0]].title().is_empty()
        {
            pairs.push((deleted_idx[0], added_idx[0]));
            added_idx.clear();
            deleted_idx.clear();
        }
        for (i, j) in pairs {
            if let Some(d) = self.diff(Some(sa[i]), Some(sb[j])) {
                diff.modified.push(ModSub {
                    base_index: i,
                    rev_index: j,
                    base: sa[i],
                    rev: sb[j],
                    diff: d,
                });
            }
        }
        diff.added.extend(added_idx.into_iter().map(|j| Sub {
            index: j,
            schema: sb[j],
        }));
        diff.deleted.extend(deleted_idx.into_iter().map(|i| Sub {
            index: i,
            schema: sa[i],
        }));

        // 3. Inline <-> $ref refactors that validate the same are not changes.
        let mut used_added = vec![false; diff.added.len()];
        let mut keep_deleted = Vec::new();
        for deleted in std::mem::take(&mut diff.deleted) {
            let hit = diff.added.iter().enumerate().position(|(k, added)| {
                !used_added[k]
                    && (deleted.schema.reference.is_none() != added.schema.reference.is_none())
                    && self.validation_equivalent(deleted.schema, added.schema)
            });
            match hit {
                Some(k) => used_added[k] = true,
                None => keep_deleted.push(deleted),
            }
        }
        diff.deleted = keep_deleted;
        let mut index = 0;
        diff.added.retain(|_| {
            index += 1;
            !used_added[index - 1]
        });
        diff.added.sort_by_key(|s| s.index);
        diff.deleted.sort_by_key(|s| s.index);
        (!diff.is_empty()).then_some(diff)
    }

    /// Whether two schemas accept the same values (annotation-only differences ignored),
    /// compared in a fresh context so the caller's cycle state does not interfere.
    pub fn validation_equivalent(&self, a: S<'a>, b: S<'a>) -> bool {
        let fresh = Ctx::new(self.base, self.rev);
        match fresh.diff(Some(a), Some(b)) {
            None => true,
            Some(d) => !d.has_validation_change(true),
        }
    }

    fn one_of_wrapping(&self, a: &S<'a>, b: &S<'a>) -> Option<OneOfWrapping> {
        let base_props = a.object("properties")?;
        if !a.array("oneOf").is_empty() || base_props.is_empty() {
            return None;
        }
        let alternatives = b.array("oneOf");
        if alternatives.is_empty()
            || b.object("properties").is_some_and(|p| !p.is_empty())
            || !b.types().is_empty()
        {
            return None;
        }
        let alts: Vec<S<'a>> = alternatives.iter().map(|v| self.rev.schema(v)).collect();
        let mut moved: Vec<String> = base_props
            .keys()
            .filter(|name| alts.iter().any(|alt| alt.property(name).is_some()))
            .cloned()
            .collect();
        if moved.is_empty() {
            return None;
        }
        moved.sort();
        let original_preserved = alts.iter().any(|alt| self.validation_equivalent(*a, *alt));
        Some(OneOfWrapping {
            alternatives: alts.len(),
            moved_properties: moved,
            original_preserved,
        })
    }

    /// Whether `wrapper` is `plain` made nullable by a two-branch `oneOf`/`anyOf` with a bare
    /// null branch. `forward`: `plain` is the base side (else the revision side).
    fn null_wrapped(&self, plain: &S<'a>, wrapper: &S<'a>, forward: bool) -> bool {
        if !plain.array("oneOf").is_empty()
            || !plain.array("anyOf").is_empty()
            || !plain.array("allOf").is_empty()
            || plain.has("not")
            || plain.accepts_null()
        {
            return false;
        }
        let wrapper_doc = if forward { self.rev } else { self.base };
        for keyword in ["oneOf", "anyOf"] {
            let branches = wrapper.array(keyword);
            if branches.len() != 2 || !only_keys(wrapper, &[keyword]) {
                continue;
            }
            let mut payload = None;
            let mut nulls = 0;
            for branch in branches {
                let s = wrapper_doc.schema(branch);
                if is_bare_null(&s) {
                    nulls += 1;
                } else {
                    payload = Some(s);
                }
            }
            if nulls == 1
                && let Some(payload) = payload
            {
                let equivalent = if forward {
                    self.validation_equivalent(*plain, payload)
                } else {
                    self.validation_equivalent(payload, *plain)
                };
                if equivalent {
                    return true;
                }
            }
        }
        false
    }
}

static EMPTY_MAP: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

const ANNOTATIONS: [&str; 7] = [
    "title",
    "description",
    "default",
    "example",
    "examples",
    "externalDocs",
    "$comment",
];

/// Whether the schema has no keywords but `allowed` and annotations.
fn only_keys(s: &S, allowed: &[&str]) -> bool {
    let keys = |v: Option<&Value>| {
        v.and_then(Value::as_object).is_none_or(|m| {
            m.keys().all(|k| {
                allowed.contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str()) || k == "$ref"
            })
        })
    };
    s.reference.is_none() && keys(Some(s.value)) && keys(s.sibling)
}

fn is_bare_null(s: &S) -> bool {
    s.types() == ["null"] && only_keys(s, &["type"])
}

/// Whether a schema has only annotations (it constrains nothing): an annotation-only `allOf`
/// member.
pub fn is_annotation_only(s: &S) -> bool {
    s.value.as_object().is_some_and(|m| {
        m.keys()
            .all(|k| ANNOTATIONS.contains(&k.as_str()) || k == "deprecated")
    }) && s.sibling.is_none_or(|v| {
        v.as_object().is_some_and(|m| {
            m.keys()
                .all(|k| ANNOTATIONS.contains(&k.as_str()) || k == "$ref")
        })
    })
}

fn object_with_siblings<'a>(s: &S<'a>) -> Option<Map<String, Value>> {
    let mut map: Map<String, Value> = s
        .value
        .as_object()?
        .iter()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(sibling) = s.sibling.and_then(Value::as_object) {
        for (k, v) in sibling.iter().filter(|(k, _)| k.starts_with("x-")) {
            map.insert(k.clone(), v.clone());
        }
    }
    Some(map)
}

fn bool_schema_types<'a>(s: &S<'a>) -> Vec<&'a str> {
    match s.value {
        Value::Bool(true) if s.sibling.is_none() => Vec::new(),
        Value::Bool(false) if s.sibling.is_none() => vec!["never"],
        _ => s.types(),
    }
}

fn is_schema(v: &Value) -> bool {
    v.is_object() || v.is_boolean()
}

/// JSON equality where `1` and `1.0` are the same number.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => a == b,
    }
}

fn val(a: Option<&Value>, b: Option<&Value>) -> Option<ValDiff> {
    let same = match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => values_equal(x, y),
        _ => false,
    };
    (!same).then(|| ValDiff {
        from: a.cloned(),
        to: b.cloned(),
    })
}

/// A string keyword where absent and `""` are the same.
fn val_str(a: Option<&Value>, b: Option<&Value>) -> Option<ValDiff> {
    fn norm(v: Option<&Value>) -> Option<&Value> {
        v.filter(|v| v.as_str() != Some(""))
    }
    val(norm(a), norm(b))
}

/// A boolean keyword where absent and `false` are the same; reported as `false` → `true`.
fn val_bool(a: Option<&Value>, b: Option<&Value>) -> Option<ValDiff> {
    let x = a.and_then(Value::as_bool).unwrap_or(false);
    let y = b.and_then(Value::as_bool).unwrap_or(false);
    (x != y).then(|| ValDiff {
        from: Some(Value::Bool(x)),
        to: Some(Value::Bool(y)),
    })
}

fn val_num(a: Option<&Value>, b: Option<&Value>) -> Option<ValDiff> {
    fn norm(v: Option<&Value>) -> Option<&Value> {
        v.filter(|v| v.is_number())
    }
    val(norm(a), norm(b))
}

fn val_num_default_zero(a: Option<&Value>, b: Option<&Value>) -> Option<ValDiff> {
    let zero = Value::from(0);
    let norm = |v: Option<&Value>| {
        Some(
            v.filter(|v| v.is_number())
                .cloned()
                .unwrap_or_else(|| zero.clone()),
        )
    };
    let (x, y) = (norm(a), norm(b));
    val(x.as_ref(), y.as_ref())
}

/// `exclusiveMinimum`: a number (3.1) or a flag on `minimum` (3.0); `false` is absent.
fn val_bound(a: Option<&Value>, b: Option<&Value>) -> Option<ValDiff> {
    fn norm(v: Option<&Value>) -> Option<&Value> {
        v.filter(|v| v.as_bool() != Some(false))
    }
    val(norm(a), norm(b))
}

fn enum_diff(a: Option<&Value>, b: Option<&Value>) -> Option<EnumDiff> {
    let a = a.and_then(Value::as_array);
    let b = b.and_then(Value::as_array);
    let mut diff = EnumDiff {
        enum_added: a.is_none() && b.is_some(),
        ..Default::default()
    };
    let empty = Vec::new();
    let (xa, xb) = (a.unwrap_or(&empty), b.unwrap_or(&empty));
    for v in xa {
        if !xb.iter().any(|w| values_equal(v, w)) {
            diff.deleted.push(v.clone());
        }
    }
    for v in xb {
        if !xa.iter().any(|w| values_equal(v, w)) {
            diff.added.push(v.clone());
        }
    }
    (!diff.added.is_empty() || !diff.deleted.is_empty()).then_some(diff)
}

fn discriminator_diff(a: Option<&Value>, b: Option<&Value>) -> Option<DiscriminatorDiff> {
    match (a, b) {
        (None, None) => None,
        (None, Some(_)) => Some(DiscriminatorDiff {
            added: true,
            ..Default::default()
        }),
        (Some(_), None) => Some(DiscriminatorDiff {
            deleted: true,
            ..Default::default()
        }),
        (Some(a), Some(b)) => {
            let mut diff = DiscriminatorDiff {
                property_name: val(a.get("propertyName"), b.get("propertyName")),
                ..Default::default()
            };
            let empty = Map::new();
            let ma = a
                .get("mapping")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let mb = b
                .get("mapping")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let mut mapping = MappingDiff::default();
            for (k, v) in ma {
                match mb.get(k) {
                    None => mapping.deleted.push(k.clone()),
                    Some(w) if v != w => mapping.modified.push((
                        k.clone(),
                        v.as_str().unwrap_or_default().to_owned(),
                        w.as_str().unwrap_or_default().to_owned(),
                    )),
                    _ => {}
                }
            }
            for k in mb.keys() {
                if !ma.contains_key(k) {
                    mapping.added.push(k.clone());
                }
            }
            if !mapping.added.is_empty()
                || !mapping.deleted.is_empty()
                || !mapping.modified.is_empty()
            {
                diff.mapping = Some(mapping);
            }
            let ext = ExtDiff::of(a.as_object(), b.as_object());
            (diff.property_name.is_some() || diff.mapping.is_some() || ext.is_some())
                .then_some(diff)
        }
    }
}

fn dependent_required_diff(
    a: Option<&Map<String, Value>>,
    b: Option<&Map<String, Value>>,
) -> Option<DependentRequiredDiff> {
    let empty = Map::new();
    let a = a.unwrap_or(&empty);
    let b = b.unwrap_or(&empty);
    let mut diff = DependentRequiredDiff::default();
    for (k, v) in a {
        match b.get(k) {
            None => diff.deleted.push(k.clone()),
            Some(w) if !values_equal(v, w) => diff.modified.push(k.clone()),
            _ => {}
        }
    }
    for k in b.keys() {
        if !a.contains_key(k) {
            diff.added.push(k.clone());
        }
    }
    (!diff.added.is_empty() || !diff.deleted.is_empty() || !diff.modified.is_empty())
        .then_some(diff)
}

/// The "list of types" a schema stands for: its `type`, or the types of a `oneOf`/`anyOf` of
/// plain single-type schemas. `(types, from a list)`.
fn type_pattern<'a>(s: &S<'a>, doc: &'a Doc) -> Option<(Vec<&'a str>, bool)> {
    if s.has("not")
        || !s.array("allOf").is_empty()
        || s.object("properties").is_some_and(|p| !p.is_empty())
    {
        return None;
    }
    let types = s.types();
    if let Some(first) = types.first() {
        return Some((vec![*first], false));
    }
    let list = |key: &str| -> Option<Vec<&'a str>> {
        let items = s.get(key)?.as_array()?;
        let mut out = Vec::new();
        for item in items {
            let item = doc.schema(item);
            let t = item.types();
            if t.len() != 1
                || item.object("properties").is_some_and(|p| !p.is_empty())
                || !item.array("oneOf").is_empty()
                || !item.array("anyOf").is_empty()
                || !item.array("allOf").is_empty()
            {
                return None;
            }
            out.push(t[0]);
        }
        Some(out)
    };
    // oneOf takes precedence over anyOf; an empty (or absent) list is not a list of types.
    list("oneOf")
        .filter(|o| !o.is_empty())
        .or_else(|| list("anyOf").filter(|a| !a.is_empty()))
        .map(|types| (types, true))
}

fn list_of_types_diff<'a>(a: &S<'a>, b: &S<'a>, ctx: &Ctx<'a>) -> Option<StrDiff> {
    let pa = type_pattern(a, ctx.base);
    let pb = type_pattern(b, ctx.rev);
    let set = |p: &Option<(Vec<&'a str>, bool)>| -> Vec<&'a str> {
        let mut v = p.as_ref().map(|(t, _)| t.clone()).unwrap_or_default();
        v.sort();
        v.dedup();
        v
    };
    let equal = match (&pa, &pb) {
        (None, None) => true,
        (Some((x, _)), Some((y, _))) => x.len() == y.len() && set(&pa) == set(&pb),
        _ => false,
    };
    if equal {
        return None;
    }
    let has_list = pa.as_ref().is_some_and(|p| p.1) || pb.as_ref().is_some_and(|p| p.1);
    if !has_list {
        return None;
    }
    StrDiff::of(set(&pa), set(&pb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn docs(a: Value, b: Value) -> (Doc, Doc) {
        (Doc::new(a), Doc::new(b))
    }

    #[test]
    fn recursive_schemas_terminate() {
        let spec = |extra: Value| {
            json!({"openapi": "3.0.3", "components": {"schemas": {
                "Node": {"type": "object", "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "name": extra
                }}
            }}})
        };
        let (a, b) = docs(
            spec(json!({"type": "string"})),
            spec(json!({"type": "integer"})),
        );
        let ctx = Ctx::new(&a, &b);
        let r = json!({"$ref": "#/components/schemas/Node"});
        let d = ctx
            .diff(Some(a.schema(&r)), Some(b.schema(&r)))
            .expect("a diff");
        let props = d.properties.as_ref().unwrap();
        assert!(props.modified.contains_key("name"));
    }

    #[test]
    fn nullable_wrapping_is_recognised() {
        let (a, b) = docs(
            json!({"openapi": "3.1.0", "components": {"schemas": {"E": {"type": "string", "enum": ["a"]}}}}),
            json!({"openapi": "3.1.0", "components": {"schemas": {"E": {"type": "string", "enum": ["a"]}}}}),
        );
        let ctx = Ctx::new(&a, &b);
        let x = json!({"$ref": "#/components/schemas/E"});
        let y = json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/E"}]});
        let d = ctx.diff(Some(a.schema(&x)), Some(b.schema(&y))).unwrap();
        assert_eq!(d.nullable_wrapping, Some(true));
    }
}
