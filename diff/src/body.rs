//! Checks on request and response bodies, at the body's root and property by property.
//!
//! Requests and responses are judged in opposite directions: a request may accept more than
//! before (a client's old payload still validates), a response may return less (a client's old
//! parser still copes). Check ids follow oasdiff (`request-property-max-decreased`,
//! `response-body-type-generalized`, ...), built from the direction, the scope (body or
//! property) and the change, and emitted only where oasdiff defines that id.

use serde_json::Value;

use super::doc::{Doc, S};
use super::lifecycle::{Policy, Stability, show_day, sunset_date, today};
use super::out::{self, Out, Visit};
use super::schema::{SchemaDiff, StrDiff, ValDiff, is_annotation_only};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dir {
    Request,
    Response,
}

impl Dir {
    pub fn name(self) -> &'static str {
        match self {
            Dir::Request => "request",
            Dir::Response => "response",
        }
    }
}

/// Where a body is, for ids and messages.
pub struct Body<'x> {
    pub dir: Dir,
    /// `METHOD /path`.
    pub op: &'x str,
    /// `request body [application/json]` or `response 200 [application/json]`.
    pub place: String,
    pub media_type: &'x str,
    /// Deprecation policy and stability of the operation.
    pub policy: Policy,
    /// `x-stability-level` of the revision operation.
    pub op_stability: Option<String>,
    pub base_doc: &'x Doc,
    pub rev_doc: &'x Doc,
}

impl Body<'_> {
    fn strongly_typed(&self) -> bool {
        is_json(self.media_type)
    }

    fn loc(&self, path: &str) -> String {
        if path.is_empty() {
            self.place.clone()
        } else {
            format!("{} {path}", self.place)
        }
    }
}

pub fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Runs every schema check on one media type's schema diff (both sides present).
pub fn check(out: &mut Out, body: &Body, root: &SchemaDiff) {
    let dir = body.dir.name();
    root_only(out, body, root);
    out::walk(root, &mut |visit| {
        let is_root = visit.parent.is_none();
        let scope = if is_root { "body" } else { "property" };
        // Properties added to / removed from this node (the root included).
        added_removed_properties(out, body, visit);
        required_changes(out, body, visit);
        if is_root || (visit.node.base.is_some() && visit.node.rev.is_some()) {
            node_checks(out, body, visit, scope);
        }
        let _ = dir;
    });
}

/// Body-level checks that have no property-level twin.
fn root_only(out: &mut Out, body: &Body, root: &SchemaDiff) {
    let dir = body.dir.name();
    if let Some(wrapping) = &root.one_of_wrapping {
        out.emit_at(
            &format!("{dir}-body-wrapped-in-one-of"),
            body.op,
            body.loc(""),
            format!(
                "the {dir} body was wrapped into a oneOf of {} alternatives (properties {} moved into them){}",
                wrapping.alternatives,
                wrapping.moved_properties.join(", "),
                if wrapping.original_preserved { "; one alternative matches the old schema" } else { "" }
            ),
            Some(root),
        );
    }
    if let Some(enum_) = &root.enum_ {
        match body.dir {
            Dir::Request => {
                if enum_.enum_added {
                    out.emit_at(
                        "request-body-became-enum",
                        body.op,
                        body.loc(""),
                        "the request body became an enum",
                        Some(root),
                    );
                }
                for value in &enum_.deleted {
                    out.emit_at(
                        "request-body-enum-value-removed",
                        body.op,
                        body.loc(""),
                        format!("the request body enum value {} was removed", show(value)),
                        Some(root),
                    );
                }
            }
            Dir::Response => {
                for value in &enum_.deleted {
                    out.emit_at(
                        "response-mediatype-enum-value-removed",
                        body.op,
                        body.loc(""),
                        format!("the response body enum value {} was removed", show(value)),
                        Some(root),
                    );
                }
            }
        }
    }
}

fn prop_label(visit: &Visit) -> String {
    if visit.path.is_empty() {
        "the body".to_owned()
    } else {
        format!("`{}`", visit.path)
    }
}

fn node_checks(out: &mut Out, body: &Body, visit: &Visit, scope: &str) {
    let node = visit.node;
    let dir = body.dir.name();
    let (Some(base), Some(rev)) = (node.base, node.rev) else {
        return;
    };
    let loc = body.loc(&visit.path);
    let what = prop_label(visit);
    let is_property = scope == "property";

    // Type and format.
    if node.type_.is_some() || node.format.is_some() {
        let suffix = match body.dir {
            Dir::Request => request_type_verdict(node, body.strongly_typed()),
            Dir::Response => response_type_verdict(node, body.strongly_typed()),
        };
        out.emit_at(
            &format!("{dir}-{scope}-type-{suffix}"),
            body.op,
            loc.clone(),
            format!(
                "the type/format of {what} changed from {} to {}",
                type_format(&base),
                type_format(&rev)
            ),
            Some(node),
        );
    }

    // Nullability, in every spelling.
    if let Some(nullable) = nullability_change(node) {
        let id = format!(
            "{dir}-{scope}-became-{}",
            if nullable { "nullable" } else { "not-nullable" }
        );
        out.emit_at(
            &id,
            body.op,
            loc.clone(),
            format!(
                "{what} became {}",
                if nullable { "nullable" } else { "not nullable" }
            ),
            Some(node),
        );
    }

    // Enum values (property level; the body level is in `root_only`).
    if is_property && let Some(enum_) = &node.enum_ {
        match body.dir {
            Dir::Request => {
                if enum_.enum_added {
                    out.emit_at(
                        "request-property-became-enum",
                        body.op,
                        loc.clone(),
                        format!("{what} became an enum"),
                        Some(node),
                    );
                }
                for value in &enum_.deleted {
                    let id = if rev.read_only() {
                        "request-read-only-property-enum-value-removed"
                    } else {
                        "request-property-enum-value-removed"
                    };
                    out.emit_at(
                        id,
                        body.op,
                        loc.clone(),
                        format!("enum value {} was removed from {what}", show(value)),
                        Some(node),
                    );
                }
                for value in &enum_.added {
                    out.emit_at(
                        "request-property-enum-value-added",
                        body.op,
                        loc.clone(),
                        format!("enum value {} was added to {what}", show(value)),
                        Some(node),
                    );
                }
            }
            Dir::Response => {
                for value in &enum_.added {
                    let id = if rev.write_only() {
                        "response-write-only-property-enum-value-added"
                    } else {
                        "response-property-enum-value-added"
                    };
                    out.emit_at(
                        id,
                        body.op,
                        loc.clone(),
                        format!("enum value {} was added to {what}", show(value)),
                        Some(node),
                    );
                }
                for value in &enum_.deleted {
                    out.emit_at(
                        "response-property-enum-value-removed",
                        body.op,
                        loc.clone(),
                        format!("enum value {} was removed from {what}", show(value)),
                        Some(node),
                    );
                }
            }
        }
    }

    // x-extensible-enum values removed (request only: a client may still send them).
    if body.dir == Dir::Request && is_property {
        for value in extensible_enum_removed(&base, &rev) {
            out.emit_at(
                "request-property-x-extensible-enum-value-removed",
                body.op,
                loc.clone(),
                format!(
                    "x-extensible-enum value {} was removed from {what}",
                    show(&value)
                ),
                Some(node),
            );
        }
    }

    // default and const.
    if let Some(d) = &node.default {
        let action = added_removed_changed(d);
        out.emit_at(
            &format!("{dir}-{scope}-default-value-{action}"),
            body.op,
            loc.clone(),
            format!("the default value of {what} {}", describe_change(d)),
            Some(node),
        );
    }
    if let Some(d) = &node.const_ {
        let action = added_removed_changed(d);
        out.emit_at(
            &format!("{dir}-{scope}-const-{action}"),
            body.op,
            loc.clone(),
            format!("the const value of {what} {}", describe_change(d)),
            Some(node),
        );
    }

    // Numeric and size constraints.
    for (key, keyword, d, min_like) in [
        ("max", "maximum", &node.max, false),
        (
            "exclusive-max",
            "exclusiveMaximum",
            &node.exclusive_max,
            false,
        ),
        ("max-length", "maxLength", &node.max_length, false),
        ("min", "minimum", &node.min, true),
        (
            "exclusive-min",
            "exclusiveMinimum",
            &node.exclusive_min,
            true,
        ),
        ("min-length", "minLength", &node.min_length, true),
        ("min-items", "minItems", &node.min_items, true),
        ("min-contains", "minContains", &node.min_contains, true),
        ("max-contains", "maxContains", &node.max_contains, false),
    ] {
        if let Some(d) = d {
            constraint(
                out, body, scope, key, keyword, d, min_like, &rev, &loc, &what, node,
            );
        }
    }

    // pattern (properties only, as in oasdiff).
    if is_property && let Some(d) = &node.pattern {
        let (id, message) = if d.new_str().is_empty() {
            (
                format!("{dir}-property-pattern-removed"),
                format!("the pattern `{}` was removed from {what}", d.old_str()),
            )
        } else if d.old_str().is_empty() {
            (
                format!("{dir}-property-pattern-added"),
                format!("the pattern `{}` was added to {what}", d.new_str()),
            )
        } else if body.dir == Dir::Request && d.new_str() == ".*" {
            (
                "request-property-pattern-generalized".to_owned(),
                format!(
                    "the pattern of {what} was generalized from `{}` to `.*`",
                    d.old_str()
                ),
            )
        } else {
            (
                format!("{dir}-property-pattern-changed"),
                format!(
                    "the pattern of {what} changed from `{}` to `{}`",
                    d.old_str(),
                    d.new_str()
                ),
            )
        };
        out.emit_at(&id, body.op, loc.clone(), message, Some(node));
    }

    // Discriminator.
    if let Some(d) = &node.discriminator {
        let prefix = format!("{dir}-{scope}-discriminator");
        if d.added {
            out.emit_at(
                &format!("{prefix}-added"),
                body.op,
                loc.clone(),
                format!("a discriminator was added to {what}"),
                Some(node),
            );
        } else if d.deleted {
            out.emit_at(
                &format!("{prefix}-removed"),
                body.op,
                loc.clone(),
                format!("the discriminator of {what} was removed"),
                Some(node),
            );
        } else {
            if let Some(name) = &d.property_name {
                out.emit_at(
                    &format!("{prefix}-property-name-changed"),
                    body.op,
                    loc.clone(),
                    format!(
                        "the discriminator property of {what} changed from {} to {}",
                        opt(&name.from),
                        opt(&name.to)
                    ),
                    Some(node),
                );
            }
            if let Some(mapping) = &d.mapping {
                if !mapping.added.is_empty() {
                    out.emit_at(
                        &format!("{prefix}-mapping-added"),
                        body.op,
                        loc.clone(),
                        format!(
                            "discriminator mapping keys {} were added to {what}",
                            mapping.added.join(", ")
                        ),
                        Some(node),
                    );
                }
                if !mapping.deleted.is_empty() {
                    out.emit_at(
                        &format!("{prefix}-mapping-deleted"),
                        body.op,
                        loc.clone(),
                        format!(
                            "discriminator mapping keys {} were removed from {what}",
                            mapping.deleted.join(", ")
                        ),
                        Some(node),
                    );
                }
                for (key, from, to) in &mapping.modified {
                    out.emit_at(
                        &format!("{prefix}-mapping-changed"),
                        body.op,
                        loc.clone(),
                        format!("discriminator mapping `{key}` of {what} changed from `{from}` to `{to}`"),
                        Some(node),
                    );
                }
            }
        }
    }

    // allOf / anyOf / oneOf members.
    if let Some(all_of) = &node.all_of {
        let (added, added_annotation): (Vec<_>, Vec<_>) = all_of
            .added
            .iter()
            .partition(|s| !is_annotation_only(&s.schema));
        let (deleted, deleted_annotation): (Vec<_>, Vec<_>) = all_of
            .deleted
            .iter()
            .partition(|s| !is_annotation_only(&s.schema));
        for (list, id) in [
            (added, format!("{dir}-{scope}-all-of-added")),
            (
                added_annotation,
                format!("{dir}-{scope}-all-of-added-annotation-only"),
            ),
            (deleted, format!("{dir}-{scope}-all-of-removed")),
            (
                deleted_annotation,
                format!("{dir}-{scope}-all-of-removed-annotation-only"),
            ),
        ] {
            if !list.is_empty() {
                let names: Vec<String> = list.iter().map(|s| s.label()).collect();
                out.emit_at(
                    &id,
                    body.op,
                    loc.clone(),
                    format!("allOf of {what}: {} ({})", names.join(", "), verb(&id)),
                    Some(node),
                );
            }
        }
    }
    for (keyword, subs) in [("any-of", &node.any_of), ("one-of", &node.one_of)] {
        let Some(subs) = subs else { continue };
        for (list, action) in [(&subs.added, "added"), (&subs.deleted, "removed")] {
            if !list.is_empty() {
                let names: Vec<String> = list.iter().map(|s| s.label()).collect();
                out.emit_at(
                    &format!("{dir}-{scope}-{keyword}-{action}"),
                    body.op,
                    loc.clone(),
                    format!(
                        "{} of {what}: {} {action}",
                        keyword.replace('-', ""),
                        names.join(", ")
                    ),
                    Some(node),
                );
            }
        }
    }

    // List of types (`oneOf: [{type: a}, {type: b}]`).
    if let Some(types) = &node.list_of_types {
        list_of_types(
            out,
            &format!("{dir}-{scope}"),
            body.op,
            &loc,
            &what,
            types,
            node,
        );
    }

    // readOnly / writeOnly of a property.
    if is_property && let (Some(name), Some(parent)) = (visit.name, visit.parent) {
        mutability(out, body, name, parent, node, &loc, &what);
    }

    // Deprecation and stability of a property.
    if is_property {
        property_deprecation(out, body, node, &loc, &what);
        property_stability(out, body, node, &loc, &what);
    }

    // JSON Schema 2020-12 keywords.
    json_schema_2020(out, body, scope, node, &base, &rev, &loc, &what);
}

fn verb(id: &str) -> &'static str {
    if id.contains("added") {
        "added"
    } else {
        "removed"
    }
}

#[allow(clippy::too_many_arguments)]
fn constraint(
    out: &mut Out,
    body: &Body,
    scope: &str,
    key: &str,
    keyword: &str,
    d: &ValDiff,
    min_like: bool,
    rev: &S,
    loc: &str,
    what: &str,
    node: &SchemaDiff,
) {
    let dir = body.dir.name();
    let action = match (d.old_f64(), d.new_f64()) {
        (Some(from), Some(to)) if to > from => "increased",
        (Some(from), Some(to)) if to < from => "decreased",
        (None, Some(_)) => "set",
        (Some(_), None) => "unset",
        _ => return,
    };
    if body.dir == Dir::Request && scope == "property" && action == "set" && rev.read_only() {
        return;
    }
    // A tightening of a property the client never sends (readOnly) is informational.
    let tightening = if min_like {
        action == "increased"
    } else {
        action == "decreased"
    };
    let message = format!("{keyword} of {what} {action}{}", from_to(d));
    if body.dir == Dir::Request && scope == "property" && tightening && rev.read_only() {
        let id = format!("request-read-only-property-{key}-{action}");
        if out.try_emit_at(&id, body.op, loc, message.clone(), Some(node)) {
            return;
        }
    }
    out.try_emit_at(
        &format!("{dir}-{scope}-{key}-{action}"),
        body.op,
        loc,
        message,
        Some(node),
    );
}

fn from_to(d: &ValDiff) -> String {
    match (&d.from, &d.to) {
        (Some(a), Some(b)) => format!(" from {} to {}", show(a), show(b)),
        (None, Some(b)) => format!(" to {}", show(b)),
        (Some(a), None) => format!(" (was {})", show(a)),
        _ => String::new(),
    }
}

fn mutability(
    out: &mut Out,
    body: &Body,
    name: &str,
    parent: &SchemaDiff,
    node: &SchemaDiff,
    loc: &str,
    what: &str,
) {
    let dir = body.dir.name();
    let Some(parent_rev) = parent.rev else { return };
    if parent_rev.property(name).is_none() {
        return;
    }
    let required = parent.base.is_some_and(|b| b.is_required(name));
    let kind = if required { "required" } else { "optional" };
    for (d, flag) in [
        (&node.write_only, "write-only"),
        (&node.read_only, "read-only"),
    ] {
        let Some(d) = d else { continue };
        let became = if d.new_true() {
            flag.to_owned()
        } else {
            format!("not-{flag}")
        };
        out.emit_at(
            &format!("{dir}-{kind}-property-became-{became}"),
            body.op,
            loc,
            format!("{what} became {}", became.replace('-', " ")),
            Some(node),
        );
    }
}

/// Properties that appear or disappear in the node's `properties`.
fn added_removed_properties(out: &mut Out, body: &Body, visit: &Visit) {
    let node = visit.node;
    let Some(properties) = &node.properties else {
        return;
    };
    let (Some(base), Some(rev)) = (node.base, node.rev) else {
        return;
    };
    let moved: &[String] = node
        .one_of_wrapping
        .as_ref()
        .map_or(&[], |w| &w.moved_properties);
    for name in &properties.deleted {
        if moved.contains(name) {
            continue;
        }
        let Some(schema) = base.property(name).map(|v| body.base_doc.schema(v)) else {
            continue;
        };
        let path = out::join(&visit.path, name);
        let loc = body.loc(&path);
        match body.dir {
            Dir::Request => {
                if !schema.read_only() {
                    out.emit_at(
                        "request-property-removed",
                        body.op,
                        loc,
                        format!("the request property `{path}` was removed"),
                        Some(node),
                    );
                }
            }
            Dir::Response => {
                let required = base.is_required(name);
                let id = match (required, schema.write_only()) {
                    (true, false) => "response-required-property-removed",
                    (true, true) => "response-required-write-only-property-removed",
                    (false, false) => "response-optional-property-removed",
                    (false, true) => "response-optional-write-only-property-removed",
                };
                out.emit_at(
                    id,
                    body.op,
                    loc,
                    format!(
                        "the {} response property `{path}` was removed",
                        if required { "required" } else { "optional" }
                    ),
                    Some(node),
                );
            }
        }
    }
    for name in &properties.added {
        let Some(schema) = rev.property(name).map(|v| body.rev_doc.schema(v)) else {
            continue;
        };
        let path = out::join(&visit.path, name);
        let loc = body.loc(&path);
        let required = rev.is_required(name);
        match body.dir {
            Dir::Request => {
                if schema.read_only() {
                    continue;
                }
                let (id, message) = if !required {
                    (
                        "new-optional-request-property",
                        format!("an optional request property `{path}` was added"),
                    )
                } else if schema.has("default") {
                    (
                        "new-required-request-property-with-default",
                        format!("a required request property `{path}` (with a default) was added"),
                    )
                } else {
                    (
                        "new-required-request-property",
                        format!("a required request property `{path}` was added"),
                    )
                };
                out.emit_at(id, body.op, loc, message, Some(node));
            }
            Dir::Response => {
                let id = match (required, schema.write_only()) {
                    (true, false) => "response-required-property-added",
                    (true, true) => "response-required-write-only-property-added",
                    (false, false) => "response-optional-property-added",
                    (false, true) => "response-optional-write-only-property-added",
                };
                out.emit_at(
                    id,
                    body.op,
                    loc,
                    format!(
                        "{} response property `{path}` was added",
                        if required {
                            "a required"
                        } else {
                            "an optional"
                        }
                    ),
                    Some(node),
                );
            }
        }
    }
}

/// Properties that became required or optional in the node's `required`.
fn required_changes(out: &mut Out, body: &Body, visit: &Visit) {
    let node = visit.node;
    let Some(required) = &node.required else {
        return;
    };
    let (Some(base), Some(rev)) = (node.base, node.rev) else {
        return;
    };
    for (names, became_required) in [(&required.added, true), (&required.deleted, false)] {
        for name in names {
            let (Some(base_prop), Some(rev_prop)) = (base.property(name), rev.property(name))
            else {
                continue;
            };
            let rev_prop = body.rev_doc.schema(rev_prop);
            let base_prop = body.base_doc.schema(base_prop);
            let path = out::join(&visit.path, name);
            let loc = body.loc(&path);
            match body.dir {
                Dir::Request => {
                    if rev_prop.read_only() {
                        continue;
                    }
                    let id = if !became_required {
                        "request-property-became-optional"
                    } else if rev_prop.has("default") {
                        "request-property-became-required-with-default"
                    } else {
                        "request-property-became-required"
                    };
                    out.emit_at(
                        id,
                        body.op,
                        loc,
                        format!(
                            "the request property `{path}` became {}",
                            if became_required {
                                "required"
                            } else {
                                "optional"
                            }
                        ),
                        Some(node),
                    );
                }
                Dir::Response => {
                    let write_only = if became_required {
                        rev_prop.write_only()
                    } else {
                        base_prop.write_only()
                    };
                    let id = match (became_required, write_only) {
                        (false, false) => "response-property-became-optional",
                        (false, true) => "response-write-only-property-became-optional",
                        (true, false) => "response-property-became-required",
                        (true, true) => "response-write-only-property-became-required",
                    };
                    out.emit_at(
                        id,
                        body.op,
                        loc,
                        format!(
                            "the response property `{path}` became {}",
                            if became_required {
                                "required"
                            } else {
                                "optional"
                            }
                        ),
                        Some(node),
                    );
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn json_schema_2020(
    out: &mut Out,
    body: &Body,
    scope: &str,
    node: &SchemaDiff,
    base: &S,
    rev: &S,
    loc: &str,
    what: &str,
) {
    let dir = body.dir.name();
    let prefix = format!("{dir}-{scope}");
    let mut presence = |id_stem: &str, keyword: &str, d: Option<&SchemaDiff>| {
        if let Some(d) = d {
            if d.added {
                out.try_emit_at(
                    &format!("{prefix}-{id_stem}-added"),
                    body.op,
                    loc,
                    format!("`{keyword}` was added to {what}"),
                    Some(node),
                );
            } else if d.deleted {
                out.try_emit_at(
                    &format!("{prefix}-{id_stem}-removed"),
                    body.op,
                    loc,
                    format!("`{keyword}` was removed from {what}"),
                    Some(node),
                );
            }
        }
    };
    presence("if", "if", node.if_.as_deref());
    presence("then", "then", node.then_.as_deref());
    presence("else", "else", node.else_.as_deref());
    presence("contains", "contains", node.contains.as_deref());
    presence(
        "property-names",
        "propertyNames",
        node.property_names.as_deref(),
    );
    presence(
        "unevaluated-items",
        "unevaluatedItems",
        node.unevaluated_items.as_deref(),
    );
    presence(
        "unevaluated-properties",
        "unevaluatedProperties",
        node.unevaluated_properties.as_deref(),
    );
    presence(
        "content-schema",
        "contentSchema",
        node.content_schema.as_deref(),
    );
    // `unevaluatedProperties: false` and friends.
    for (stem, keyword, d) in [
        (
            "unevaluated-items",
            "unevaluatedItems",
            &node.unevaluated_items_allowed,
        ),
        (
            "unevaluated-properties",
            "unevaluatedProperties",
            &node.unevaluated_properties_allowed,
        ),
    ] {
        if let Some(d) = d {
            let action = if d.from.is_none() && !base.has(keyword) {
                "added"
            } else if d.to.is_none() && !rev.has(keyword) {
                "removed"
            } else {
                continue;
            };
            out.try_emit_at(
                &format!("{prefix}-{stem}-{action}"),
                body.op,
                loc,
                format!("`{keyword}` was {action} on {what}"),
                Some(node),
            );
        }
    }
    if let Some(prefix_items) = &node.prefix_items {
        if !prefix_items.added.is_empty() {
            out.try_emit_at(
                &format!("{prefix}-prefix-items-added"),
                body.op,
                loc,
                format!("prefixItems were added to {what}"),
                Some(node),
            );
        }
        if !prefix_items.deleted.is_empty() {
            out.try_emit_at(
                &format!("{prefix}-prefix-items-removed"),
                body.op,
                loc,
                format!("prefixItems were removed from {what}"),
                Some(node),
            );
        }
    }
    if let Some(d) = &node.dependent_required {
        for (keys, action) in [
            (&d.added, "added"),
            (&d.deleted, "removed"),
            (&d.modified, "changed"),
        ] {
            for key in keys {
                out.try_emit_at(
                    &format!("{prefix}-dependent-required-{action}"),
                    body.op,
                    loc,
                    format!("dependentRequired `{key}` of {what} {action}"),
                    Some(node),
                );
            }
        }
    }
    for (map, stem, keyword) in [
        (
            &node.dependent_schemas,
            "dependent-schema",
            "dependentSchemas",
        ),
        (
            &node.pattern_properties,
            "pattern-property",
            "patternProperties",
        ),
    ] {
        if let Some(map) = map {
            for (keys, action) in [(&map.added, "added"), (&map.deleted, "removed")] {
                for key in keys {
                    out.try_emit_at(
                        &format!("{prefix}-{stem}-{action}"),
                        body.op,
                        loc,
                        format!("{keyword} `{key}` of {what} {action}"),
                        Some(node),
                    );
                }
            }
        }
    }
    for (d, stem, keyword) in [
        (
            &node.content_media_type,
            "content-media-type-changed",
            "contentMediaType",
        ),
        (
            &node.content_encoding,
            "content-encoding-changed",
            "contentEncoding",
        ),
    ] {
        if let Some(d) = d {
            out.try_emit_at(
                &format!("{prefix}-{stem}"),
                body.op,
                loc,
                format!("{keyword} of {what} changed{}", from_to(d)),
                Some(node),
            );
        }
    }
}

/// `Some(true)`: the node became nullable; `Some(false)`: it no longer accepts null.
pub fn nullability_change(node: &SchemaDiff) -> Option<bool> {
    if let Some(d) = &node.nullable {
        if d.old_true() {
            return Some(false);
        }
        if d.new_true() {
            return Some(true);
        }
    }
    if let Some(t) = &node.type_ {
        if t.deleted.iter().any(|x| x == "null") {
            return Some(false);
        }
        if t.added.iter().any(|x| x == "null") {
            return Some(true);
        }
    }
    node.nullable_wrapping
}

pub fn list_of_types(
    out: &mut Out,
    prefix: &str,
    op: &str,
    loc: &str,
    what: &str,
    types: &StrDiff,
    node: &SchemaDiff,
) {
    if !types.added.is_empty() {
        out.emit_at(
            &format!("{prefix}-list-of-types-widened"),
            op,
            loc,
            format!(
                "types {} were added to the list of types of {what}",
                types.added.join(", ")
            ),
            Some(node),
        );
    }
    if !types.deleted.is_empty() {
        out.emit_at(
            &format!("{prefix}-list-of-types-narrowed"),
            op,
            loc,
            format!(
                "types {} were removed from the list of types of {what}",
                types.deleted.join(", ")
            ),
            Some(node),
        );
    }
}

pub fn extensible_enum_removed(base: &S, rev: &S) -> Vec<Value> {
    let (Some(a), Some(b)) = (
        base.get("x-extensible-enum").and_then(Value::as_array),
        rev.get("x-extensible-enum").and_then(Value::as_array),
    ) else {
        return Vec::new();
    };
    a.iter().filter(|v| !b.contains(v)).cloned().collect()
}

fn added_removed_changed(d: &ValDiff) -> &'static str {
    match (&d.from, &d.to) {
        (None, _) => "added",
        (_, None) => "removed",
        _ => "changed",
    }
}

fn describe_change(d: &ValDiff) -> String {
    match (&d.from, &d.to) {
        (None, Some(b)) => format!("was set to {}", show(b)),
        (Some(a), None) => format!("was removed (was {})", show(a)),
        (Some(a), Some(b)) => format!("changed from {} to {}", show(a), show(b)),
        _ => String::new(),
    }
}

pub fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn opt(value: &Option<Value>) -> String {
    value.as_ref().map_or_else(|| "(none)".to_owned(), show)
}

pub fn type_format(s: &S) -> String {
    let types = s.types();
    let t = if types.is_empty() {
        "any".to_owned()
    } else {
        types.join("|")
    };
    match s.str("format") {
        Some(f) if !f.is_empty() => format!("`{t}/{f}`"),
        _ => format!("`{t}`"),
    }
}

// --- type/format verdicts (oasdiff's check_types.go) ---

fn is_subtype(sub: &str, sup: &str) -> bool {
    sub == sup || (sub == "integer" && sup == "number")
}

fn covered_by(t: &str, set: &[&str]) -> bool {
    set.iter().any(|s| is_subtype(t, s))
}

fn is_type_set_subset(sub: &[&str], sup: &[&str]) -> bool {
    !sub.is_empty() && sub.iter().all(|t| covered_by(t, sup))
}

fn is_type_contained(to: &[String], from: &[String], strongly_typed: bool) -> bool {
    if to.len() == 1 && from.len() == 1 && is_subtype(&from[0], &to[0]) {
        return true;
    }
    if !strongly_typed {
        return to.is_empty() || (to.len() == 1 && to[0] == "string");
    }
    false
}

fn is_format_contained(to_types: &[&str], to: &str, from: &str) -> bool {
    if to.is_empty() {
        return true;
    }
    if to_types.len() != 1 {
        return false;
    }
    match to_types[0] {
        "number" => to == "double" && from == "float",
        "integer" => matches!(
            (to, from),
            ("int64", "int32") | ("bigint", "int32") | ("bigint", "int64")
        ),
        "string" => matches!((to, from), ("date-time", "date") | ("date-time", "time")),
        _ => false,
    }
}

/// Whether a type/format change toward `to_types` breaks. `added`/`deleted` are the type
/// diff seen from the side being protected.
fn type_format_breaking(
    types: Option<(&[String], &[String])>,
    format: Option<(&str, &str)>,
    strongly_typed: bool,
    to_types: &[&str],
) -> bool {
    if types.is_some() && to_types.is_empty() {
        return false;
    }
    let type_breaking =
        types.is_some_and(|(added, deleted)| !is_type_contained(added, deleted, strongly_typed));
    let format_breaking = format.is_some_and(|(to, from)| !is_format_contained(to_types, to, from));
    type_breaking || format_breaking
}

/// oasdiff's `typeOrFormatBreaking` toward the revision type (parameters, where the
/// wire format is text unless `strongly_typed`).
pub fn type_or_format_breaking(node: &SchemaDiff, strongly_typed: bool) -> bool {
    let rt = node.rev.map(|s| s.types()).unwrap_or_default();
    let type_breaking = node
        .type_
        .as_ref()
        .is_some_and(|t| !is_type_contained(&t.added, &t.deleted, strongly_typed));
    let format_breaking = node
        .format
        .as_ref()
        .is_some_and(|f| !is_format_contained(&rt, f.new_str(), f.old_str()));
    type_breaking || format_breaking
}

pub fn request_type_verdict(node: &SchemaDiff, strongly_typed: bool) -> &'static str {
    let (Some(base), Some(rev)) = (node.base, node.rev) else {
        return "changed";
    };
    let (bt, rt) = (base.types(), rev.types());
    let widened = node.type_.is_some() && is_type_set_subset(&bt, &rt);
    let types = node
        .type_
        .as_ref()
        .filter(|_| !widened)
        .map(|t| (t.added.as_slice(), t.deleted.as_slice()));
    let format = node.format.as_ref().map(|f| (f.new_str(), f.old_str()));
    if type_format_breaking(types, format, strongly_typed, &rt) {
        return "changed";
    }
    if node.type_.is_some() && !bt.is_empty() && !rt.is_empty() && !widened {
        return "compatible";
    }
    "generalized"
}

pub fn response_type_verdict(node: &SchemaDiff, strongly_typed: bool) -> &'static str {
    let (Some(base), Some(rev)) = (node.base, node.rev) else {
        return "changed";
    };
    let (bt, rt) = (base.types(), rev.types());
    let narrowed = node.type_.is_some() && is_type_set_subset(&rt, &bt);
    let widened = node.type_.is_some() && is_type_set_subset(&bt, &rt);
    // Reversed: seen from the client, the old type must contain the new one.
    let types = node
        .type_
        .as_ref()
        .filter(|_| !narrowed)
        .map(|t| (t.deleted.as_slice(), t.added.as_slice()));
    let format = node.format.as_ref().map(|f| (f.old_str(), f.new_str()));
    if type_format_breaking(types, format, strongly_typed, &bt) {
        return if widened { "generalized" } else { "changed" };
    }
    if node.type_.is_some() && !bt.is_empty() && !rt.is_empty() && !narrowed {
        return "compatible";
    }
    "specialized"
}
/// Deprecation of a body property (`deprecated` changed on the property schema).
pub fn property_deprecation(out: &mut Out, body: &Body, node: &SchemaDiff, loc: &str, what: &str) {
    let Some(d) = &node.deprecated else { return };
    let Some(rev) = node.rev else { return };
    let dir = body.dir.name();
    if !d.new_true() {
        out.emit(
            &format!("{dir}-property-reactivated"),
            body.op,
            loc,
            format!("{what} is no longer deprecated"),
        );
        return;
    }
    let op_stability = body.op_stability.as_deref().and_then(Stability::parse);
    let days = body.policy.days_for(op_stability);
    let Some(sunset) = rev.get("x-sunset") else {
        if days > 0 {
            out.emit(
                &format!("{dir}-property-deprecated-sunset-missing"),
                body.op,
                loc,
                format!("{what} was deprecated without an x-sunset date (the policy asks for {days} days)"),
            );
        } else {
            out.emit(
                &format!("{dir}-property-deprecated"),
                body.op,
                loc,
                format!("{what} was deprecated"),
            );
        }
        return;
    };
    match sunset_date(sunset) {
        Err(error) => out.emit(
            &format!("{dir}-property-deprecated-sunset-invalid"),
            body.op,
            loc,
            format!("{what} was deprecated with an invalid x-sunset: {error}"),
        ),
        Ok(date) if date - today() < days => out.emit(
            &format!("{dir}-property-sunset-date-too-small"),
            body.op,
            loc,
            format!(
                "{what} was deprecated with sunset {} (less than {days} days away)",
                show_day(date)
            ),
        ),
        Ok(date) => out.emit(
            &format!("{dir}-property-deprecated-with-sunset"),
            body.op,
            loc,
            format!("{what} was deprecated, sunset {}", show_day(date)),
        ),
    }
}

/// `x-stability-level` of a body property changed.
pub fn property_stability(out: &mut Out, body: &Body, node: &SchemaDiff, loc: &str, what: &str) {
    let Some(ext) = &node.extensions else { return };
    if !ext.touches("x-stability-level") {
        return;
    }
    let (Some(base), Some(rev)) = (node.base, node.rev) else {
        return;
    };
    let read = |s: &S| match s.get("x-stability-level") {
        None => Ok(None),
        Some(Value::String(text)) => Stability::parse(text)
            .map(Some)
            .ok_or_else(|| format!("invalid x-stability-level {text:?}")),
        Some(_) => Err("x-stability-level isn't a string".to_owned()),
    };
    let (from, to) = match (read(&base), read(&rev)) {
        (Ok(from), Ok(to)) => (
            from.unwrap_or(Stability::Stable),
            to.unwrap_or(Stability::Stable),
        ),
        (Err(error), _) | (_, Err(error)) => {
            out.emit(
                "api-invalid-stability-level",
                body.op,
                loc,
                format!("{what}: {error}"),
            );
            return;
        }
    };
    if from == to || !body.policy.includes(Some(from)) {
        return;
    }
    let dir = body.dir.name();
    let (id, change) = if to < from {
        (format!("{dir}-property-stability-decreased"), "decreased")
    } else {
        (format!("{dir}-property-stability-increased"), "increased")
    };
    out.emit(
        &id,
        body.op,
        loc,
        format!(
            "the stability of {what} {change} from {} to {}",
            from.name(),
            to.name()
        ),
    );
}
