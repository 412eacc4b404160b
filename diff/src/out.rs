//! Collecting changes: levels from the catalogue, transition claims, de-duplication, and the
//! walk over a schema diff's nested properties that most schema checks share.

use std::collections::HashSet;
use std::rc::Rc;

use super::catalog;
use super::model::{Change, Kind};
use super::schema::SchemaDiff;

/// Where changes go. A change computed from a schema node is dropped when a recognised
/// transition at that node explains it (see [`claimed`]).
#[derive(Default)]
pub struct Out {
    pub changes: Vec<Change>,
    seen: HashSet<(String, String, String, String)>,
}

impl Out {
    /// Records change `id` (its level comes from the catalogue). Unknown ids are a bug.
    pub fn emit(
        &mut self,
        id: &str,
        operation: &str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.emit_at(id, operation, location, message, None);
    }

    pub fn emit_at(
        &mut self,
        id: &str,
        operation: &str,
        location: impl Into<String>,
        message: impl Into<String>,
        node: Option<&SchemaDiff>,
    ) {
        let Some((level, kind)) = catalog::lookup(id) else {
            debug_assert!(false, "unknown check id {id}");
            return;
        };
        if let Some(node) = node
            && claimed(node, id, kind)
        {
            return;
        }
        let location = location.into();
        let message = message.into();
        let key = (
            id.to_owned(),
            operation.to_owned(),
            location.clone(),
            message.clone(),
        );
        if !self.seen.insert(key) {
            return;
        }
        self.changes.push(Change {
            id: id.to_owned(),
            level,
            operation: operation.to_owned(),
            location,
            message,
        });
    }

    /// Emits `id` only if the catalogue has it (for ids built from a pattern, where some
    /// combinations do not exist in oasdiff, e.g. there is no `request-body-max-items-*`).
    pub fn try_emit_at(
        &mut self,
        id: &str,
        operation: &str,
        location: impl Into<String>,
        message: impl Into<String>,
        node: Option<&SchemaDiff>,
    ) -> bool {
        if !catalog::exists(id) {
            return false;
        }
        self.emit_at(id, operation, location, message, node);
        true
    }
}

const NULLABLE_REPORTERS: [&str; 12] = [
    "request-body-became-nullable",
    "request-property-became-nullable",
    "request-body-became-not-nullable",
    "request-property-became-not-nullable",
    "response-body-became-nullable",
    "response-property-became-nullable",
    "response-body-became-not-nullable",
    "response-property-became-not-nullable",
    "request-parameter-became-nullable",
    "request-parameter-became-not-nullable",
    "request-parameter-property-became-nullable",
    "request-parameter-property-became-not-nullable",
];

/// Whether change `id` at `node` is a mechanical echo of a transition recognised there: the
/// transition is reported once by its own check, its raw reflections (type read as changed,
/// enum read as removed, oneOf read as added, ...) are not.
pub fn claimed(node: &SchemaDiff, id: &str, kind: Kind) -> bool {
    if node.nullable_wrapping.is_some()
        && matches!(
            kind,
            Kind::Type
                | Kind::Values
                | Kind::Constraints
                | Kind::Structure
                | Kind::Existence
                | Kind::Requiredness
        )
        && !NULLABLE_REPORTERS.contains(&id)
    {
        return true;
    }
    if node.one_of_wrapping.is_some()
        && matches!(kind, Kind::Type | Kind::Structure)
        && !matches!(
            id,
            "request-body-wrapped-in-one-of"
                | "response-body-wrapped-in-one-of"
                | "request-property-one-of-added"
                | "response-property-one-of-added"
        )
    {
        return true;
    }
    if node.list_of_types.is_some()
        && matches!(kind, Kind::Type | Kind::Structure)
        && !id.contains("list-of-types")
    {
        return true;
    }
    if is_null_only_type_change(node) && kind == Kind::Type && !NULLABLE_REPORTERS.contains(&id) {
        return true;
    }
    false
}

/// `"null"` added to or removed from the type list, and nothing else about the type or format.
pub fn is_null_only_type_change(node: &SchemaDiff) -> bool {
    node.format.is_none()
        && node.type_.as_ref().is_some_and(|t| {
            t.added.iter().chain(&t.deleted).all(|x| x == "null")
                && (t.added.len() + t.deleted.len()) > 0
        })
}

/// One node reached by [`walk`]: a property (`name` set) or another sub-schema (`items`,
/// `allOf[...]`, ...), with the path from the body root (`/a/items/b`).
pub struct Visit<'d, 'a> {
    pub path: String,
    pub name: Option<&'d str>,
    pub node: &'d SchemaDiff<'a>,
    pub parent: Option<&'d SchemaDiff<'a>>,
}

/// Visits `root` and every modified sub-schema below it once (a schema reached through several
/// paths is visited at the first), in oasdiff's order.
pub fn walk<'d, 'a>(root: &'d SchemaDiff<'a>, f: &mut dyn FnMut(&Visit<'d, 'a>)) {
    let mut seen = HashSet::new();
    walk_inner(String::new(), None, root, None, &mut seen, f);
}

fn walk_inner<'d, 'a>(
    path: String,
    name: Option<&'d str>,
    node: &'d SchemaDiff<'a>,
    parent: Option<&'d SchemaDiff<'a>>,
    seen: &mut HashSet<usize>,
    f: &mut dyn FnMut(&Visit<'d, 'a>),
) {
    if !seen.insert(node as *const SchemaDiff as usize) {
        return;
    }
    f(&Visit {
        path: path.clone(),
        name,
        node,
        parent,
    });
    let child = |segment: &str| format!("{path}/{segment}");
    let rc = |d: &'d Option<Rc<SchemaDiff<'a>>>| d.as_deref();
    if let Some(all_of) = &node.all_of {
        for m in &all_of.modified {
            walk_inner(
                child(&format!("allOf[{}]", m.label())),
                None,
                &m.diff,
                Some(node),
                seen,
                f,
            );
        }
    }
    if let Some(any_of) = &node.any_of {
        for m in &any_of.modified {
            walk_inner(
                child(&format!("anyOf[{}]", m.label())),
                None,
                &m.diff,
                Some(node),
                seen,
                f,
            );
        }
    }
    if let Some(one_of) = &node.one_of {
        for m in &one_of.modified {
            walk_inner(
                child(&format!("oneOf[{}]", m.label())),
                None,
                &m.diff,
                Some(node),
                seen,
                f,
            );
        }
    }
    if let Some(items) = rc(&node.items) {
        walk_inner(child("items"), None, items, Some(node), seen, f);
    }
    if let Some(properties) = &node.properties {
        for (prop, diff) in &properties.modified {
            walk_inner(child(prop), Some(prop.as_str()), diff, Some(node), seen, f);
        }
    }
    if let Some(d) = rc(&node.additional_properties) {
        walk_inner(child("additionalProperties"), None, d, Some(node), seen, f);
    }
    if let Some(prefix) = &node.prefix_items {
        for m in &prefix.modified {
            walk_inner(
                child(&format!("prefixItems[{}]", m.label())),
                None,
                &m.diff,
                Some(node),
                seen,
                f,
            );
        }
    }
    for (segment, d) in [
        ("contains", &node.contains),
        ("propertyNames", &node.property_names),
        ("unevaluatedItems", &node.unevaluated_items),
        ("unevaluatedProperties", &node.unevaluated_properties),
        ("if", &node.if_),
        ("then", &node.then_),
        ("else", &node.else_),
        ("not", &node.not),
        ("contentSchema", &node.content_schema),
    ] {
        if let Some(d) = rc(d) {
            walk_inner(child(segment), None, d, Some(node), seen, f);
        }
    }
    if let Some(pattern) = &node.pattern_properties {
        for (key, d) in &pattern.modified {
            walk_inner(
                child(&format!("patternProperties[{key}]")),
                None,
                d,
                Some(node),
                seen,
                f,
            );
        }
    }
    if let Some(dependent) = &node.dependent_schemas {
        for (key, d) in &dependent.modified {
            walk_inner(
                child(&format!("dependentSchemas[{key}]")),
                None,
                d,
                Some(node),
                seen,
                f,
            );
        }
    }
}

/// `path` + `/name` for a property of the node at `path`.
pub fn join(path: &str, name: &str) -> String {
    format!("{path}/{name}")
}
