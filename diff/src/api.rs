//! The API diff: pairs paths, operations, parameters, bodies and responses of two documents
//! and runs the checks on each pair.
//!
//! Paths are matched ignoring the names of their template variables (`/a/{id}` ≡ `/a/{key}`),
//! parameters by location and name (path parameters through that renaming), responses by
//! status, media types by name and then by refinement (`application/json` ≡
//! `application/problem+json`). Path-level parameters apply to every operation of the path.

use std::rc::Rc;

use serde_json::{Map, Value};

use super::body::{self, Body, Dir, show};
use super::doc::{Doc, S};
use super::lifecycle::{self, Policy, Stability, show_day, sunset_date, today};
use super::model::Change;
use super::out::{self, Out};
use super::schema::{Ctx, ExtDiff, SchemaDiff, StrDiff, ValDiff, values_equal};

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Compares two documents and returns every change found, sorted (breaking first).
pub fn diff(base: &Doc, rev: &Doc, policy: Policy) -> Vec<Change> {
    let ctx = Ctx::new(base, rev);
    let mut out = Out::default();
    let api = Api {
        ctx: &ctx,
        base,
        rev,
        policy,
    };
    api.document(&mut out);
    api.paths(&mut out);
    let mut changes = out.changes;
    changes.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.operation.cmp(&b.operation))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.location.cmp(&b.location))
    });
    changes
}

struct Api<'a> {
    ctx: &'a Ctx<'a>,
    base: &'a Doc,
    rev: &'a Doc,
    policy: Policy,
}

struct PathPair<'a> {
    rev_path: String,
    base: &'a Value,
    rev: &'a Value,
    /// Base template variable name → revision name.
    renames: Vec<(String, String)>,
}

#[derive(Clone, Copy)]
struct Param<'a> {
    obj: &'a Value,
    name: &'a str,
    loc: &'a str,
    from_path_item: bool,
}

impl<'a> Param<'a> {
    fn required(&self) -> bool {
        self.obj
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
    fn deprecated(&self) -> bool {
        self.obj
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
    /// `schema`, or the schema of its (single) `content` entry.
    fn schema(&self) -> Option<&'a Value> {
        self.obj.get("schema").or_else(|| {
            self.obj
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("schema"))
        })
    }
    fn what(&self) -> String {
        format!("{} parameter `{}`", self.loc, self.name)
    }
}

impl<'a> Api<'a> {
    // ---------------------------------------------------------------- document level

    fn document(&self, out: &mut Out) {
        let (b, r) = (&self.base.root, &self.rev.root);
        security_requirements(
            out,
            "",
            "security",
            b.get("security"),
            r.get("security"),
            true,
        );
        self.security_schemes(out);
        let empty: &'static Map<String, Value> = &EMPTY;
        let schemas = |doc: &'a Value| {
            doc.pointer("/components/schemas")
                .and_then(Value::as_object)
                .unwrap_or(empty)
        };
        for name in schemas(b).keys() {
            if !schemas(r).contains_key(name) {
                out.emit(
                    "api-schema-removed",
                    "",
                    format!("components.schemas.{name}"),
                    format!("the schema `{name}` was removed from the components"),
                );
            }
        }
        let webhooks = |doc: &'a Value| {
            doc.get("webhooks")
                .and_then(Value::as_object)
                .unwrap_or(empty)
        };
        for name in webhooks(b).keys() {
            if !webhooks(r).contains_key(name) {
                out.emit(
                    "webhook-removed",
                    "",
                    format!("webhooks.{name}"),
                    format!("the webhook `{name}` was removed"),
                );
            }
        }
        for name in webhooks(r).keys() {
            if !webhooks(b).contains_key(name) {
                out.emit(
                    "webhook-added",
                    "",
                    format!("webhooks.{name}"),
                    format!("the webhook `{name}` was added"),
                );
            }
        }
    }

    fn security_schemes(&self, out: &mut Out) {
        let empty: &'static Map<String, Value> = &EMPTY;
        let schemes = |doc: &'a Doc| {
            doc.root
                .pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .unwrap_or(empty)
        };
        let (a, b) = (schemes(self.base), schemes(self.rev));
        for name in a.keys() {
            if !b.contains_key(name) {
                out.emit(
                    "api-security-component-removed",
                    "",
                    format!("components.securitySchemes.{name}"),
                    format!("the security scheme `{name}` was removed"),
                );
            }
        }
        for (name, scheme) in b {
            let loc = format!("components.securitySchemes.{name}");
            let Some(old) = a.get(name) else {
                out.emit(
                    "api-security-component-added",
                    "",
                    loc,
                    format!("the security scheme `{name}` was added"),
                );
                continue;
            };
            let (old, new) = (self.base.object(old), self.rev.object(scheme));
            if old.get("type") != new.get("type") {
                out.emit(
                    "api-security-component-type-changed",
                    "",
                    loc.clone(),
                    format!(
                        "the type of security scheme `{name}` changed from {} to {}",
                        text(old.get("type")),
                        text(new.get("type"))
                    ),
                );
            }
            let flows = |s: &'a Value| s.get("flows").and_then(Value::as_object).unwrap_or(empty);
            for (flow, new_flow) in flows(new) {
                let Some(old_flow) = flows(old).get(flow) else {
                    continue;
                };
                for (key, id) in [
                    (
                        "authorizationUrl",
                        "api-security-component-oauth-url-changed",
                    ),
                    ("tokenUrl", "api-security-component-oauth-token-url-changed"),
                ] {
                    if old_flow.get(key) != new_flow.get(key) {
                        out.emit(
                            id,
                            "",
                            format!("{loc}.flows.{flow}.{key}"),
                            format!(
                                "the {key} of security scheme `{name}` ({flow}) changed from {} to {}",
                                text(old_flow.get(key)),
                                text(new_flow.get(key))
                            ),
                        );
                    }
                }
                let scopes =
                    |f: &'a Value| f.get("scopes").and_then(Value::as_object).unwrap_or(empty);
                for (scope, description) in scopes(old_flow) {
                    match scopes(new_flow).get(scope) {
                        None => out.emit(
                            "api-security-component-oauth-scope-removed",
                            "",
                            format!("{loc}.flows.{flow}.scopes.{scope}"),
                            format!("the OAuth scope `{scope}` was removed from security scheme `{name}`"),
                        ),
                        Some(other) if other != description => out.emit(
                            "api-security-component-oauth-scope-changed",
                            "",
                            format!("{loc}.flows.{flow}.scopes.{scope}"),
                            format!("the OAuth scope `{scope}` of security scheme `{name}` changed"),
                        ),
                        _ => {}
                    }
                }
                for scope in scopes(new_flow).keys() {
                    if !scopes(old_flow).contains_key(scope) {
                        out.emit(
                            "api-security-component-oauth-scope-added",
                            "",
                            format!("{loc}.flows.{flow}.scopes.{scope}"),
                            format!(
                                "the OAuth scope `{scope}` was added to security scheme `{name}`"
                            ),
                        );
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- paths and operations

    fn paths(&self, out: &mut Out) {
        let items = |doc: &'a Doc| -> Vec<(String, &'a Value)> {
            let mut list: Vec<(String, &'a Value)> = doc
                .root
                .get("paths")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.starts_with('/'))
                .map(|(k, v)| (k.clone(), doc.object(v)))
                .collect();
            // Webhooks are checked like paths; only their addition or removal is special.
            if let Some(hooks) = doc.root.get("webhooks").and_then(Value::as_object) {
                list.extend(
                    hooks
                        .iter()
                        .map(|(k, v)| (format!("webhook:{k}"), doc.object(v))),
                );
            }
            list
        };
        let base_items = items(self.base);
        let rev_items = items(self.rev);

        let mut pairs = Vec::new();
        let mut rev_matched = vec![false; rev_items.len()];
        for (path, item) in &base_items {
            let found = rev_items
                .iter()
                .position(|(p, _)| p == path)
                .map(|i| (i, Vec::new()))
                .or_else(|| {
                    rev_items.iter().enumerate().find_map(|(i, (p, _))| {
                        (!rev_matched[i])
                            .then(|| template_match(path, p))
                            .flatten()
                            .map(|renames| (i, renames))
                    })
                });
            match found {
                Some((i, renames)) => {
                    rev_matched[i] = true;
                    pairs.push(PathPair {
                        rev_path: rev_items[i].0.clone(),
                        base: item,
                        rev: rev_items[i].1,
                        renames,
                    });
                }
                None if path.starts_with("webhook:") => {}
                None => self.path_removed(out, path, item),
            }
        }
        for (i, (path, item)) in rev_items.iter().enumerate() {
            if !rev_matched[i] && !path.starts_with("webhook:") {
                for method in METHODS {
                    if item.get(method).is_some() {
                        let label = op_label(method, path);
                        out.emit(
                            "endpoint-added",
                            &label,
                            "",
                            format!("the endpoint {label} was added"),
                        );
                    }
                }
            }
        }
        for pair in &pairs {
            self.path_pair(out, pair);
        }
    }

    fn path_removed(&self, out: &mut Out, path: &str, item: &'a Value) {
        let ops: Vec<(&str, &Value)> = METHODS
            .iter()
            .filter_map(|m| item.get(*m).map(|op| (*m, op)))
            .collect();
        for &(method, op) in &ops {
            let label = op_label(method, path);
            if let Err(error) = lifecycle::stability(op) {
                out.emit(
                    "api-invalid-stability-level",
                    &label,
                    "x-stability-level",
                    error,
                );
            }
        }
        let kept = ops
            .iter()
            .any(|(_, op)| lifecycle::stability(op).is_ok_and(|s| self.policy.includes(s)));
        if !kept {
            return;
        }
        for (method, op) in ops {
            match lifecycle::stability(op) {
                Ok(s) if self.policy.includes(s) => {}
                _ => continue,
            }
            self.removal(out, &op_label(method, path), op, true);
        }
    }

    /// A removed operation: breaking unless deprecated and past its sunset.
    fn removal(&self, out: &mut Out, label: &str, op: &Value, whole_path: bool) {
        let (without, with, before) = if whole_path {
            (
                "api-path-removed-without-deprecation",
                "api-path-removed-with-deprecation",
                "api-path-removed-before-sunset",
            )
        } else {
            (
                "api-removed-without-deprecation",
                "api-removed-with-deprecation",
                "api-removed-before-sunset",
            )
        };
        let deprecated = op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !deprecated {
            out.emit(
                without,
                label,
                "",
                format!("{label} was removed without deprecation"),
            );
            return;
        }
        let Some(sunset) = lifecycle::sunset(op) else {
            out.emit(
                with,
                label,
                "",
                format!("{label} was removed after its deprecation"),
            );
            return;
        };
        match sunset_date(sunset) {
            Err(error) => out.emit(
                "api-path-sunset-parse",
                label,
                "x-sunset",
                format!("{label}: {error}"),
            ),
            Ok(date) if today() < date => out.emit(
                before,
                label,
                "",
                format!(
                    "{label} was removed before its sunset date {}",
                    show_day(date)
                ),
            ),
            Ok(_) => {}
        }
    }

    fn path_pair(&self, out: &mut Out, pair: &PathPair<'a>) {
        let base_path_params = path_level_params(self.base, pair.base);
        let rev_path_params = path_level_params(self.rev, pair.rev);
        for method in METHODS {
            let label = op_label(method, &pair.rev_path);
            match (pair.base.get(method), pair.rev.get(method)) {
                (None, None) => {}
                (None, Some(_)) => out.emit(
                    "endpoint-added",
                    &label,
                    "",
                    format!("the endpoint {label} was added"),
                ),
                (Some(op), None) => match lifecycle::stability(op) {
                    Err(error) => out.emit(
                        "api-invalid-stability-level",
                        &label,
                        "x-stability-level",
                        error,
                    ),
                    Ok(s) if self.policy.includes(s) => self.removal(out, &label, op, false),
                    Ok(_) => {}
                },
                (Some(a), Some(b)) => {
                    let base_params = merge_params(self.base, &base_path_params, a);
                    let rev_params = merge_params(self.rev, &rev_path_params, b);
                    self.operation(out, &label, a, b, &base_params, &rev_params, &pair.renames);
                }
            }
        }
        // Parameters added at path level to an existing path: reported once per operation.
        for param in &rev_path_params {
            if param.loc == "path" {
                continue;
            }
            let existed = base_path_params.iter().any(|p| same_param(p, param, &[]));
            if existed {
                continue;
            }
            for method in METHODS {
                let Some(op) = pair.rev.get(method) else {
                    continue;
                };
                let label = op_label(method, &pair.rev_path);
                let had_it = pair.base.get(method).is_some_and(|base_op| {
                    op_level_params(self.base, base_op)
                        .iter()
                        .any(|p| same_param(p, param, &[]))
                });
                if had_it
                    || op_level_params(self.rev, op)
                        .iter()
                        .any(|p| same_param(p, param, &[]))
                {
                    continue;
                }
                let id = if param.required() {
                    "new-required-request-default-parameter-to-existing-path"
                } else {
                    "new-optional-request-default-parameter-to-existing-path"
                };
                out.emit(
                    id,
                    &label,
                    format!("parameters {}.{}", param.loc, param.name),
                    format!("the path-level {} was added", param.what()),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &self,
        out: &mut Out,
        label: &str,
        a: &'a Value,
        b: &'a Value,
        base_params: &[Param<'a>],
        rev_params: &[Param<'a>],
        renames: &[(String, String)],
    ) {
        // Stability: invalid levels, changes, and operations below the reported threshold.
        let base_stability = lifecycle::stability(a);
        let rev_stability = lifecycle::stability(b);
        let before = out.changes.len();
        if let (Ok(from), Ok(to)) = (&base_stability, &rev_stability) {
            let (from, to) = (
                from.unwrap_or(Stability::Stable),
                to.unwrap_or(Stability::Stable),
            );
            if from != to && self.policy.includes(Some(from)) {
                let id = if to < from {
                    "api-stability-decreased"
                } else {
                    "api-stability-increased"
                };
                out.emit(
                    id,
                    label,
                    "x-stability-level",
                    format!(
                        "the stability of {label} changed from {} to {}",
                        from.name(),
                        to.name()
                    ),
                );
            }
        }
        let included = !matches!(rev_stability, Ok(to) if !self.policy.includes(to));
        if included {
            let op_stability = rev_stability.clone().ok().flatten();
            self.operation_meta(out, label, a, b, op_stability);
            self.parameters(out, label, base_params, rev_params, renames, op_stability);
            self.request_body(out, label, a, b, op_stability);
            self.responses(out, label, a, b, op_stability);
        }
        // An invalid level is reported on operations that changed (as oasdiff, which only
        // looks at modified operations).
        let changed = out.changes.len() > before || !values_equal(a, b);
        if changed {
            for error in [&base_stability, &rev_stability]
                .into_iter()
                .filter_map(|s| s.as_ref().err())
            {
                out.emit(
                    "api-invalid-stability-level",
                    label,
                    "x-stability-level",
                    error.clone(),
                );
            }
        }
    }

    fn operation_meta(
        &self,
        out: &mut Out,
        label: &str,
        a: &'a Value,
        b: &'a Value,
        stability: Option<Stability>,
    ) {
        // operationId
        let (id_a, id_b) = (str_of(a.get("operationId")), str_of(b.get("operationId")));
        if id_a != id_b {
            if id_a.is_empty() {
                out.emit(
                    "api-operation-id-added",
                    label,
                    "operationId",
                    format!("operationId `{id_b}` was added"),
                );
            } else if id_b.is_empty() {
                out.emit(
                    "api-operation-id-removed",
                    label,
                    "operationId",
                    format!("operationId `{id_a}` was removed"),
                );
            } else {
                out.emit(
                    "api-operation-id-removed",
                    label,
                    "operationId",
                    format!("operationId changed from `{id_a}` to `{id_b}`"),
                );
            }
        }
        // tags
        let tags = |op: &'a Value| -> Vec<&'a str> {
            op.get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect()
        };
        let (tags_a, tags_b) = (tags(a), tags(b));
        if let Some(d) = StrDiff::of(tags_a, tags_b) {
            for tag in &d.deleted {
                out.emit(
                    "api-tag-removed",
                    label,
                    "tags",
                    format!("tag `{tag}` was removed"),
                );
            }
            for tag in &d.added {
                out.emit(
                    "api-tag-added",
                    label,
                    "tags",
                    format!("tag `{tag}` was added"),
                );
            }
        }
        // security
        security_requirements(
            out,
            label,
            "security",
            a.get("security"),
            b.get("security"),
            false,
        );
        // deprecation
        let deprecated = |op: &Value| {
            op.get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        if deprecated(a) != deprecated(b) {
            if !deprecated(b) {
                out.emit(
                    "endpoint-reactivated",
                    label,
                    "deprecated",
                    format!("{label} is no longer deprecated"),
                );
            } else if lifecycle::stability(b).is_ok() {
                let days = self.policy.days_for(stability);
                match lifecycle::sunset(b) {
                    None if days > 0 => out.emit(
                        "api-deprecated-sunset-missing",
                        label,
                        "deprecated",
                        format!("{label} was deprecated without an x-sunset date (the policy asks for {days} days)"),
                    ),
                    None => out.emit("endpoint-deprecated", label, "deprecated", format!("{label} was deprecated")),
                    Some(sunset) => match sunset_date(sunset) {
                        Err(error) => out.emit("api-deprecated-sunset-parse", label, "x-sunset", format!("{label}: {error}")),
                        Ok(date) if date - today() < days => out.emit(
                            "api-sunset-date-too-small",
                            label,
                            "x-sunset",
                            format!("{label} was deprecated with sunset {} (less than {days} days away)", show_day(date)),
                        ),
                        Ok(date) => out.emit(
                            "endpoint-deprecated-with-sunset",
                            label,
                            "deprecated",
                            format!("{label} was deprecated, sunset {}", show_day(date)),
                        ),
                    },
                }
            }
        }
        // sunset changed on a deprecated operation
        if deprecated(b) {
            self.sunset_changed(
                out,
                label,
                a,
                b,
                stability,
                "sunset-deleted",
                "api-sunset-date-changed-too-small",
                "api-path-sunset-parse",
                "",
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn sunset_changed(
        &self,
        out: &mut Out,
        label: &str,
        a: &Value,
        b: &Value,
        stability: Option<Stability>,
        deleted_id: &str,
        too_small_id: &str,
        parse_id: &str,
        what: &str,
    ) {
        let subject = if what.is_empty() {
            label.to_owned()
        } else {
            what.to_owned()
        };
        let Some(ext) = ExtDiff::of(a.as_object(), b.as_object()) else {
            return;
        };
        if ext.deleted.iter().any(|k| k == "x-sunset") {
            out.emit(
                deleted_id,
                label,
                "x-sunset",
                format!("the x-sunset of deprecated {subject} was removed"),
            );
            return;
        }
        if !ext.modified.iter().any(|k| k == "x-sunset") {
            return;
        }
        let (Some(old), Some(new)) = (lifecycle::sunset(a), lifecycle::sunset(b)) else {
            return;
        };
        let new = match sunset_date(new) {
            Ok(d) => d,
            Err(error) => {
                return out.emit(parse_id, label, "x-sunset", format!("{subject}: {error}"));
            }
        };
        let old = match sunset_date(old) {
            Ok(d) => d,
            Err(error) => {
                return out.emit(parse_id, label, "x-sunset", format!("{subject}: {error}"));
            }
        };
        let days = self.policy.days_for(stability);
        if old > new && new - today() < days {
            out.emit(
                too_small_id,
                label,
                "x-sunset",
                format!(
                    "the sunset of {subject} moved from {} to {}, less than {days} days away",
                    show_day(old),
                    show_day(new)
                ),
            );
        }
    }

    // ---------------------------------------------------------------- parameters

    fn parameters(
        &self,
        out: &mut Out,
        label: &str,
        base: &[Param<'a>],
        rev: &[Param<'a>],
        renames: &[(String, String)],
        stability: Option<Stability>,
    ) {
        for p in base {
            if let Some(q) = rev.iter().find(|q| same_param(p, q, renames)) {
                self.parameter(out, label, p, q, stability);
            } else if let Some(q) = rev.iter().find(|q| exploded_member(p, q)) {
                // Separate parameters folded into one exploded object parameter
                // (`?a=1&b=2` either way): compare each with its property.
                let property = q.schema().and_then(|s| self.rev.schema(s).property(p.name));
                if let Some(d) = self.ctx.diff_values(p.schema(), property)
                    && !d.added
                    && !d.deleted
                {
                    let loc = format!("parameters {}.{}", p.loc, p.name);
                    self.parameter_schema(out, label, p, q, &d, &loc, &p.what());
                }
            } else {
                self.parameter_removed(out, label, p);
            }
        }
        let inverse: Vec<(String, String)> = renames
            .iter()
            .map(|(a, b)| (b.clone(), a.clone()))
            .collect();
        for q in rev {
            if base.iter().any(|p| {
                same_param(q, p, &inverse) || exploded_member(p, q) || exploded_member(q, p)
            }) {
                continue;
            }
            // A parameter added at path level is reported by the path-level check.
            if q.from_path_item {
                continue;
            }
            let loc = format!("parameters {}.{}", q.loc, q.name);
            if q.loc == "path" {
                out.emit(
                    "new-request-path-parameter",
                    label,
                    loc,
                    format!("a new path parameter `{}` was added", q.name),
                );
            } else if q.required() {
                out.emit(
                    "new-required-request-parameter",
                    label,
                    loc,
                    format!("a new required {} was added", q.what()),
                );
            } else {
                out.emit(
                    "new-optional-request-parameter",
                    label,
                    loc,
                    format!("a new optional {} was added", q.what()),
                );
            }
        }
    }

    fn parameter_removed(&self, out: &mut Out, label: &str, p: &Param) {
        let loc = format!("parameters {}.{}", p.loc, p.name);
        if !p.deprecated() {
            out.emit(
                "request-parameter-removed",
                label,
                loc,
                format!("the {} was removed", p.what()),
            );
            return;
        }
        let Some(sunset) = lifecycle::sunset(p.obj) else {
            out.emit(
                "request-parameter-removed-with-deprecation",
                label,
                loc,
                format!("the deprecated {} was removed", p.what()),
            );
            return;
        };
        match sunset_date(sunset) {
            Err(error) => out.emit(
                "request-parameter-sunset-parse",
                label,
                loc,
                format!("{}: {error}", p.what()),
            ),
            Ok(date) if today() < date => out.emit(
                "request-parameter-removed-before-sunset",
                label,
                loc,
                format!(
                    "the {} was removed before its sunset date {}",
                    p.what(),
                    show_day(date)
                ),
            ),
            Ok(_) => {}
        }
    }

    fn parameter(
        &self,
        out: &mut Out,
        label: &str,
        p: &Param<'a>,
        q: &Param<'a>,
        stability: Option<Stability>,
    ) {
        let loc = format!("parameters {}.{}", p.loc, p.name);
        let what = p.what();
        // required
        if p.required() != q.required() {
            let id = if q.required() {
                "request-parameter-became-required"
            } else {
                "request-parameter-became-optional"
            };
            out.emit(
                id,
                label,
                loc.clone(),
                format!(
                    "the {what} became {}",
                    if q.required() { "required" } else { "optional" }
                ),
            );
        }
        // deprecation
        if p.deprecated() != q.deprecated() {
            if !q.deprecated() {
                out.emit(
                    "request-parameter-reactivated",
                    label,
                    loc.clone(),
                    format!("the {what} is no longer deprecated"),
                );
            } else {
                let days = self.policy.days_for(stability);
                match lifecycle::sunset(q.obj) {
                    None if days > 0 => out.emit(
                        "request-parameter-deprecated-sunset-missing",
                        label,
                        loc.clone(),
                        format!("the {what} was deprecated without an x-sunset date"),
                    ),
                    None => out.emit("request-parameter-deprecated", label, loc.clone(), format!("the {what} was deprecated")),
                    Some(sunset) => match sunset_date(sunset) {
                        Err(error) => out.emit("request-parameter-sunset-parse", label, loc.clone(), format!("{what}: {error}")),
                        Ok(date) if date - today() < days => out.emit(
                            "request-parameter-sunset-date-too-small",
                            label,
                            loc.clone(),
                            format!("the {what} was deprecated with sunset {} (less than {days} days away)", show_day(date)),
                        ),
                        Ok(date) => out.emit(
                            "request-parameter-deprecated",
                            label,
                            loc.clone(),
                            format!("the {what} was deprecated, sunset {}", show_day(date)),
                        ),
                    },
                }
            }
        }
        if q.deprecated() {
            self.sunset_changed(
                out,
                label,
                p.obj,
                q.obj,
                stability,
                "request-parameter-sunset-deleted",
                "request-parameter-sunset-date-changed-too-small",
                "request-parameter-sunset-parse",
                &format!("the {what}"),
            );
        }
        // schema
        let Some(d) = self.ctx.diff_values(p.schema(), q.schema()) else {
            return;
        };
        if d.added || d.deleted {
            return;
        }
        self.parameter_schema(out, label, p, q, &d, &loc, &what);
    }

    #[allow(clippy::too_many_arguments)]
    fn parameter_schema(
        &self,
        out: &mut Out,
        label: &str,
        p: &Param<'a>,
        q: &Param<'a>,
        d: &SchemaDiff,
        loc: &str,
        what: &str,
    ) {
        let (Some(base), Some(rev)) = (d.base, d.rev) else {
            return;
        };
        let node = Some(d);
        // type / format
        if d.type_.is_some() || d.format.is_some() {
            let breaking = body::type_or_format_breaking(d, false);
            let id = if breaking && !scalar_to_form_explode_array(self.rev, q, d) {
                "request-parameter-type-changed"
            } else {
                "request-parameter-type-generalized"
            };
            out.emit_at(
                id,
                label,
                loc,
                format!(
                    "the type/format of the {what} changed from {} to {}",
                    body::type_format(&base),
                    body::type_format(&rev)
                ),
                node,
            );
        }
        // nullability
        if let Some(nullable) = body::nullability_change(d) {
            let id = if nullable {
                "request-parameter-became-nullable"
            } else {
                "request-parameter-became-not-nullable"
            };
            out.emit_at(
                id,
                label,
                loc,
                format!(
                    "the {what} became {}",
                    if nullable { "nullable" } else { "not nullable" }
                ),
                node,
            );
        }
        // enum
        if let Some(e) = &d.enum_ {
            if e.enum_added {
                out.emit_at(
                    "request-parameter-became-enum",
                    label,
                    loc,
                    format!("the {what} became an enum"),
                    node,
                );
                if p.loc == "header" {
                    out.emit_at(
                        "request-header-property-became-enum",
                        label,
                        loc,
                        format!("the {what} became an enum"),
                        node,
                    );
                }
            }
            for v in &e.deleted {
                out.emit_at(
                    "request-parameter-enum-value-removed",
                    label,
                    loc,
                    format!("enum value {} was removed from the {what}", show(v)),
                    node,
                );
            }
            for v in &e.added {
                out.emit_at(
                    "request-parameter-enum-value-added",
                    label,
                    loc,
                    format!("enum value {} was added to the {what}", show(v)),
                    node,
                );
            }
        }
        for v in body::extensible_enum_removed(&base, &rev) {
            out.emit_at(
                "request-parameter-x-extensible-enum-value-removed",
                label,
                loc,
                format!(
                    "x-extensible-enum value {} was removed from the {what}",
                    show(&v)
                ),
                node,
            );
        }
        // default (optional parameters only)
        if !p.required()
            && !q.required()
            && let Some(def) = &d.default
        {
            let (id, message) = match (&def.from, &def.to) {
                (None, Some(v)) => (
                    "request-parameter-default-value-added",
                    format!("a default value {} was added", show(v)),
                ),
                (Some(v), None) => (
                    "request-parameter-default-value-removed",
                    format!("the default value {} was removed", show(v)),
                ),
                (Some(a), Some(b)) => (
                    "request-parameter-default-value-changed",
                    format!("the default value changed from {} to {}", show(a), show(b)),
                ),
                _ => ("", String::new()),
            };
            if !id.is_empty() {
                out.emit_at(id, label, loc, format!("{message} for the {what}"), node);
            }
        }
        // constraints
        let max_items = d
            .max_items
            .as_ref()
            .or_else(|| d.items.as_ref().and_then(|i| i.max_items.as_ref()));
        for (key, keyword, v, min_like) in [
            ("max-items", "maxItems", max_items, false),
            ("max-length", "maxLength", d.max_length.as_ref(), false),
            ("max", "maximum", d.max.as_ref(), false),
            (
                "exclusive-max",
                "exclusiveMaximum",
                d.exclusive_max.as_ref(),
                false,
            ),
            ("min-items", "minItems", d.min_items.as_ref(), true),
            ("min-length", "minLength", d.min_length.as_ref(), true),
            ("min", "minimum", d.min.as_ref(), true),
            (
                "exclusive-min",
                "exclusiveMinimum",
                d.exclusive_min.as_ref(),
                true,
            ),
        ] {
            let Some(v) = v else { continue };
            let _ = min_like;
            let action = match (v.old_f64(), v.new_f64()) {
                (Some(a), Some(b)) if b > a => "increased",
                (Some(a), Some(b)) if b < a => "decreased",
                (None, Some(_)) => "set",
                _ => continue,
            };
            out.try_emit_at(
                &format!("request-parameter-{key}-{action}"),
                label,
                loc,
                format!("{keyword} of the {what} {action}{}", from_to(v)),
                node,
            );
        }
        // pattern
        if let Some(pat) = &d.pattern {
            let (id, message) = if pat.new_str().is_empty() {
                (
                    "request-parameter-pattern-removed",
                    format!("the pattern `{}` was removed", pat.old_str()),
                )
            } else if pat.old_str().is_empty() {
                (
                    "request-parameter-pattern-added",
                    format!("the pattern `{}` was added", pat.new_str()),
                )
            } else if pat.new_str() == ".*" {
                (
                    "request-parameter-pattern-generalized",
                    format!("the pattern `{}` was generalized to `.*`", pat.old_str()),
                )
            } else {
                (
                    "request-parameter-pattern-changed",
                    format!(
                        "the pattern changed from `{}` to `{}`",
                        pat.old_str(),
                        pat.new_str()
                    ),
                )
            };
            out.emit_at(id, label, loc, format!("{message} on the {what}"), node);
        }
        // list of types
        if let Some(types) = &d.list_of_types {
            body::list_of_types(
                out,
                "request-parameter",
                label,
                loc,
                &format!("the {what}"),
                types,
                d,
            );
        }
        // properties of an object parameter
        out::walk(d, &mut |visit| {
            let n = visit.node;
            let is_root = visit.parent.is_none();
            let path = &visit.path;
            let ploc = if is_root {
                loc.to_owned()
            } else {
                format!("{loc} {path}")
            };
            // header parameters: properties added as required / became required
            if p.loc == "header" {
                if let (Some(props), Some(nrev)) = (&n.properties, n.rev) {
                    for name in &props.added {
                        let schema = nrev.property(name).map(|v| self.rev.schema(v));
                        if schema.is_some_and(|s| !s.read_only()) && nrev.is_required(name) {
                            out.emit_at(
                                "new-required-request-header-property",
                                label,
                                format!("{loc} {}", out::join(path, name)),
                                format!(
                                    "a required property `{}` was added to the {what}",
                                    out::join(path, name)
                                ),
                                Some(n),
                            );
                        }
                    }
                }
                if let (Some(req), Some(nbase), Some(nrev)) = (&n.required, n.base, n.rev) {
                    for name in &req.added {
                        let Some(prop) = nrev.property(name).map(|v| self.rev.schema(v)) else {
                            continue;
                        };
                        if prop.read_only() || nbase.property(name).is_none() {
                            continue;
                        }
                        out.emit_at(
                            "request-header-property-became-required",
                            label,
                            format!("{loc} {}", out::join(path, name)),
                            format!(
                                "the property `{}` of the {what} became required",
                                out::join(path, name)
                            ),
                            Some(n),
                        );
                    }
                }
            }
            if is_root || n.base.is_none() || n.rev.is_none() {
                return;
            }
            if p.loc == "header" && n.enum_.as_ref().is_some_and(|e| e.enum_added) {
                out.emit_at(
                    "request-header-property-became-enum",
                    label,
                    ploc.clone(),
                    format!("the property `{path}` of the {what} became an enum"),
                    Some(n),
                );
            }
            if n.type_.is_some() || n.format.is_some() {
                let strong = body::type_or_format_breaking(n, true);
                let weak = body::type_or_format_breaking(n, false);
                let id = if strong != weak {
                    "request-parameter-property-type-changed"
                } else if strong {
                    "request-parameter-property-type-specialized"
                } else {
                    "request-parameter-property-type-generalized"
                };
                let (Some(nb), Some(nr)) = (n.base, n.rev) else {
                    return;
                };
                out.emit_at(
                    id,
                    label,
                    ploc.clone(),
                    format!(
                        "the type/format of property `{path}` of the {what} changed from {} to {}",
                        body::type_format(&nb),
                        body::type_format(&nr)
                    ),
                    Some(n),
                );
            }
            if let Some(nullable) = body::nullability_change(n) {
                let id = if nullable {
                    "request-parameter-property-became-nullable"
                } else {
                    "request-parameter-property-became-not-nullable"
                };
                out.emit_at(
                    id,
                    label,
                    ploc.clone(),
                    format!(
                        "property `{path}` of the {what} became {}",
                        if nullable { "nullable" } else { "not nullable" }
                    ),
                    Some(n),
                );
            }
            if let Some(e) = &n.enum_ {
                for v in &e.deleted {
                    out.emit_at(
                        "request-parameter-property-enum-value-removed",
                        label,
                        ploc.clone(),
                        format!(
                            "enum value {} was removed from property `{path}` of the {what}",
                            show(v)
                        ),
                        Some(n),
                    );
                }
                for v in &e.added {
                    out.emit_at(
                        "request-parameter-property-enum-value-added",
                        label,
                        ploc.clone(),
                        format!(
                            "enum value {} was added to property `{path}` of the {what}",
                            show(v)
                        ),
                        Some(n),
                    );
                }
            }
            if let Some(types) = &n.list_of_types {
                body::list_of_types(
                    out,
                    "request-parameter-property",
                    label,
                    &ploc,
                    &format!("property `{path}` of the {what}"),
                    types,
                    n,
                );
            }
        });
    }

    // ---------------------------------------------------------------- request body

    fn request_body(
        &self,
        out: &mut Out,
        label: &str,
        a: &'a Value,
        b: &'a Value,
        stability: Option<Stability>,
    ) {
        let body_a = a.get("requestBody").map(|v| self.base.object(v));
        let body_b = b.get("requestBody").map(|v| self.rev.object(v));
        let required = |body: &Value| {
            body.get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        match (body_a, body_b) {
            (None, None) => {}
            (None, Some(body)) => {
                let (id, kind) = if required(body) {
                    ("request-body-added-required", "required")
                } else {
                    ("request-body-added-optional", "optional")
                };
                out.emit(
                    id,
                    label,
                    "request body",
                    format!("a {kind} request body was added"),
                );
            }
            (Some(_), None) => out.emit(
                "request-body-removed",
                label,
                "request body",
                "the request body was removed",
            ),
            (Some(x), Some(y)) => {
                if required(x) != required(y) {
                    let id = if required(y) {
                        "request-body-became-required"
                    } else {
                        "request-body-became-optional"
                    };
                    out.emit(
                        id,
                        label,
                        "request body",
                        format!(
                            "the request body became {}",
                            if required(y) { "required" } else { "optional" }
                        ),
                    );
                }
                let content = self.content(x.get("content"), y.get("content"));
                for media in &content.added {
                    out.emit(
                        "request-body-media-type-added",
                        label,
                        format!("request body [{media}]"),
                        format!("media type `{media}` was added to the request body"),
                    );
                }
                for media in &content.deleted {
                    out.emit(
                        "request-body-media-type-removed",
                        label,
                        format!("request body [{media}]"),
                        format!("media type `{media}` was removed from the request body"),
                    );
                }
                for m in &content.modified {
                    let place = format!("request body [{}]", m.rev_name);
                    if let Some(d) = &m.schema {
                        if d.added {
                            out.emit(
                                "request-body-media-type-schema-added",
                                label,
                                place,
                                format!(
                                    "a schema was added to request body media type `{}`",
                                    m.rev_name
                                ),
                            );
                            continue;
                        }
                        if d.deleted {
                            out.emit(
                                "request-body-media-type-schema-removed",
                                label,
                                place,
                                format!(
                                    "the schema of request body media type `{}` was removed",
                                    m.rev_name
                                ),
                            );
                            continue;
                        }
                        let body = Body {
                            dir: Dir::Request,
                            op: label,
                            place,
                            media_type: &m.rev_name,
                            policy: self.policy,
                            op_stability: stability.map(|s| s.name().to_owned()),
                            base_doc: self.base,
                            rev_doc: self.rev,
                        };
                        body::check(out, &body, d);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- responses

    fn responses(
        &self,
        out: &mut Out,
        label: &str,
        a: &'a Value,
        b: &'a Value,
        stability: Option<Stability>,
    ) {
        let empty: &'static Map<String, Value> = &EMPTY;
        let ra = a
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(empty);
        let rb = b
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(empty);
        let success = |status: &str| status.parse::<u16>().ok().map(|s| (200..300).contains(&s));
        for status in ra.keys() {
            if rb.contains_key(status) {
                continue;
            }
            match success(status) {
                Some(true) => out.emit(
                    "response-success-status-removed",
                    label,
                    format!("response {status}"),
                    format!("the success response status {status} was removed"),
                ),
                Some(false) => out.emit(
                    "response-non-success-status-removed",
                    label,
                    format!("response {status}"),
                    format!("the response status {status} was removed"),
                ),
                None => {}
            }
        }
        for status in rb.keys() {
            if ra.contains_key(status) {
                continue;
            }
            match success(status) {
                Some(true) => out.emit(
                    "response-success-status-added",
                    label,
                    format!("response {status}"),
                    format!("the success response status {status} was added"),
                ),
                Some(false) => out.emit(
                    "response-non-success-status-added",
                    label,
                    format!("response {status}"),
                    format!("the response status {status} was added"),
                ),
                None => {}
            }
        }
        for (status, x) in ra {
            let Some(y) = rb.get(status) else { continue };
            let (x, y) = (self.base.object(x), self.rev.object(y));
            self.response_headers(out, label, status, x, y);
            let content = self.content(x.get("content"), y.get("content"));
            for media in &content.deleted {
                out.emit(
                    "response-media-type-removed",
                    label,
                    format!("response {status} [{media}]"),
                    format!("media type `{media}` was removed from response {status}"),
                );
            }
            for media in &content.added {
                out.emit(
                    "response-media-type-added",
                    label,
                    format!("response {status} [{media}]"),
                    format!("media type `{media}` was added to response {status}"),
                );
            }
            for m in &content.modified {
                let place = format!("response {status} [{}]", m.rev_name);
                if m.base_name != m.rev_name {
                    let id = if super::media::contained(&m.base_name, &m.rev_name) {
                        "response-media-type-name-specialized"
                    } else if super::media::contained(&m.rev_name, &m.base_name) {
                        "response-media-type-name-generalized"
                    } else {
                        "response-media-type-name-changed"
                    };
                    out.emit(
                        id,
                        label,
                        place.clone(),
                        format!(
                            "media type of response {status} changed from `{}` to `{}`",
                            m.base_name, m.rev_name
                        ),
                    );
                }
                let Some(d) = &m.schema else { continue };
                if d.added {
                    out.emit(
                        "response-body-media-type-schema-added",
                        label,
                        place,
                        format!(
                            "a schema was added to response {status} media type `{}`",
                            m.rev_name
                        ),
                    );
                    continue;
                }
                if d.deleted {
                    out.emit(
                        "response-body-media-type-schema-removed",
                        label,
                        place,
                        format!(
                            "the schema of response {status} media type `{}` was removed",
                            m.rev_name
                        ),
                    );
                    continue;
                }
                let body = Body {
                    dir: Dir::Response,
                    op: label,
                    place,
                    media_type: &m.rev_name,
                    policy: self.policy,
                    op_stability: stability.map(|s| s.name().to_owned()),
                    base_doc: self.base,
                    rev_doc: self.rev,
                };
                body::check(out, &body, d);
            }
        }
    }

    fn response_headers(
        &self,
        out: &mut Out,
        label: &str,
        status: &str,
        x: &'a Value,
        y: &'a Value,
    ) {
        let empty: &'static Map<String, Value> = &EMPTY;
        let ha = x.get("headers").and_then(Value::as_object).unwrap_or(empty);
        let hb = y.get("headers").and_then(Value::as_object).unwrap_or(empty);
        let find = |map: &'a Map<String, Value>, name: &str| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        let required = |h: &Value| h.get("required").and_then(Value::as_bool).unwrap_or(false);
        for (name, header) in ha {
            let loc = format!("response {status} header {name}");
            let header = self.base.object(header);
            let Some(other) = find(hb, name) else {
                let id = if required(header) {
                    "required-response-header-removed"
                } else {
                    "optional-response-header-removed"
                };
                out.emit(
                    id,
                    label,
                    loc,
                    format!("the response header `{name}` of status {status} was removed"),
                );
                continue;
            };
            let other = self.rev.object(other);
            if required(header) && !required(other) {
                out.emit(
                    "response-header-became-optional",
                    label,
                    loc.clone(),
                    format!("the response header `{name}` of status {status} became optional"),
                );
            }
            let schema = |h: &'a Value| {
                h.get("schema").or_else(|| {
                    h.get("content")
                        .and_then(Value::as_object)
                        .and_then(|c| c.values().next())
                        .and_then(|m| m.get("schema"))
                })
            };
            let Some(d) = self.ctx.diff_values(schema(header), schema(other)) else {
                continue;
            };
            let (Some(sa), Some(sb)) = (d.base, d.rev) else {
                continue;
            };
            if d.type_.is_some() || d.format.is_some() {
                let id = format!(
                    "response-header-type-{}",
                    body::response_type_verdict(&d, false)
                );
                out.emit_at(
                    &id,
                    label,
                    loc.clone(),
                    format!(
                        "the type of response header `{name}` (status {status}) changed from {} to {}",
                        body::type_format(&sa),
                        body::type_format(&sb)
                    ),
                    Some(&d),
                );
            }
            if let Some(nullable) = body::nullability_change(&d) {
                let id = if nullable {
                    "response-header-became-nullable"
                } else {
                    "response-header-became-not-nullable"
                };
                out.emit_at(
                    id,
                    label,
                    loc.clone(),
                    format!(
                        "the response header `{name}` (status {status}) became {}",
                        if nullable { "nullable" } else { "not nullable" }
                    ),
                    None,
                );
            }
        }
        for name in hb.keys() {
            if find(ha, name).is_none() {
                out.emit(
                    "response-header-added",
                    label,
                    format!("response {status} header {name}"),
                    format!("the response header `{name}` was added to status {status}"),
                );
            }
        }
    }

    /// Pairs the media types of two `content` objects.
    fn content(&self, a: Option<&'a Value>, b: Option<&'a Value>) -> Content<'a> {
        let empty = &*EMPTY;
        let a = a.and_then(Value::as_object).unwrap_or(empty);
        let b = b.and_then(Value::as_object).unwrap_or(empty);
        let mut content = Content::default();
        let mut deleted: Vec<&String> = Vec::new();
        let mut added: Vec<&String> = Vec::new();
        for (name, media) in a {
            match b.get(name) {
                Some(other) => content
                    .modified
                    .push(self.media_pair(name, name, media, other)),
                None => deleted.push(name),
            }
        }
        for name in b.keys() {
            if !a.contains_key(name) {
                added.push(name);
            }
        }
        let mut paired = vec![false; deleted.len()];
        for name in added {
            let hit = deleted.iter().enumerate().position(|(i, old)| {
                !paired[i]
                    && (super::media::contained(old, name) || super::media::contained(name, old))
            });
            match hit {
                Some(i) => {
                    paired[i] = true;
                    content.modified.push(self.media_pair(
                        deleted[i],
                        name,
                        &a[deleted[i].as_str()],
                        &b[name.as_str()],
                    ));
                }
                None => content.added.push(name.clone()),
            }
        }
        content.deleted = deleted
            .iter()
            .zip(&paired)
            .filter(|(_, p)| !**p)
            .map(|(n, _)| (*n).clone())
            .collect();
        content
    }

    fn media_pair(
        &self,
        base_name: &str,
        rev_name: &str,
        a: &'a Value,
        b: &'a Value,
    ) -> MediaPair<'a> {
        let schema = self.ctx.diff_values(a.get("schema"), b.get("schema"));
        MediaPair {
            base_name: base_name.to_owned(),
            rev_name: rev_name.to_owned(),
            schema,
        }
    }
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

#[derive(Default)]
struct Content<'a> {
    added: Vec<String>,
    deleted: Vec<String>,
    modified: Vec<MediaPair<'a>>,
}

struct MediaPair<'a> {
    base_name: String,
    rev_name: String,
    schema: Option<Rc<SchemaDiff<'a>>>,
}

fn op_label(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_uppercase())
}

fn str_of(value: Option<&Value>) -> &str {
    value.and_then(Value::as_str).unwrap_or("")
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => format!("`{s}`"),
        Some(other) => format!("`{other}`"),
        None => "(none)".to_owned(),
    }
}

fn from_to(d: &ValDiff) -> String {
    match (&d.from, &d.to) {
        (Some(a), Some(b)) => format!(" from {} to {}", show(a), show(b)),
        (None, Some(b)) => format!(" to {}", show(b)),
        _ => String::new(),
    }
}

/// Matches `/a/{x}/b` with `/a/{y}/b`: the renames of template variables, or `None`.
fn template_match(a: &str, b: &str) -> Option<Vec<(String, String)>> {
    let sa: Vec<&str> = a.split('/').collect();
    let sb: Vec<&str> = b.split('/').collect();
    if sa.len() != sb.len() {
        return None;
    }
    let mut renames = Vec::new();
    for (x, y) in sa.iter().zip(&sb) {
        let (nx, vx) = normalize_segment(x);
        let (ny, vy) = normalize_segment(y);
        if nx != ny || vx.len() != vy.len() {
            return None;
        }
        for (p, q) in vx.into_iter().zip(vy) {
            renames.push((p, q));
        }
    }
    Some(renames)
}

/// `{id}.json` → (`{}.json`, [`id`]).
fn normalize_segment(segment: &str) -> (String, Vec<String>) {
    let mut normalized = String::new();
    let mut names = Vec::new();
    let mut rest = segment;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        normalized.push_str(&rest[..start]);
        normalized.push_str("{}");
        names.push(rest[start + 1..start + end].to_owned());
        rest = &rest[start + end + 1..];
    }
    normalized.push_str(rest);
    (normalized, names)
}

fn path_level_params<'a>(doc: &'a Doc, item: &'a Value) -> Vec<Param<'a>> {
    params_of(doc, item, true)
}

fn op_level_params<'a>(doc: &'a Doc, op: &'a Value) -> Vec<Param<'a>> {
    params_of(doc, op, false)
}

fn params_of<'a>(doc: &'a Doc, owner: &'a Value, from_path_item: bool) -> Vec<Param<'a>> {
    owner
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|raw| {
            let obj = doc.object(raw);
            Some(Param {
                obj,
                name: obj.get("name")?.as_str()?,
                loc: obj.get("in")?.as_str()?,
                from_path_item,
            })
        })
        .collect()
}

/// Path-level parameters overridden by operation-level ones of the same location and name.
fn merge_params<'a>(doc: &'a Doc, path_params: &[Param<'a>], op: &'a Value) -> Vec<Param<'a>> {
    let own = op_level_params(doc, op);
    let mut merged: Vec<Param<'a>> = path_params
        .iter()
        .filter(|p| !own.iter().any(|o| same_param(p, o, &[])))
        .copied()
        .collect();
    merged.extend(own);
    merged
}

fn same_param(p: &Param, q: &Param, renames: &[(String, String)]) -> bool {
    if p.loc != q.loc {
        return false;
    }
    match p.loc {
        "path" => {
            let mapped = renames
                .iter()
                .find(|(a, _)| a == p.name)
                .map_or(p.name, |(_, b)| b.as_str());
            mapped == q.name
        }
        "header" => p.name.eq_ignore_ascii_case(q.name),
        _ => p.name == q.name,
    }
}

/// Whether the simple parameter `p` is a property of `q`, an exploded (`style: form`,
/// `explode: true`) object parameter in the same location.
fn exploded_member(p: &Param, q: &Param) -> bool {
    if p.loc != q.loc || p.loc == "path" {
        return false;
    }
    let explode = q.obj.get("explode").and_then(Value::as_bool) == Some(true);
    let form = q
        .obj
        .get("style")
        .and_then(Value::as_str)
        .is_none_or(|s| s.is_empty() || s == "form");
    let Some(schema) = q.obj.get("schema") else {
        return false;
    };
    let object = schema
        .get("type")
        .is_some_and(|t| t == "object" || *t == serde_json::json!(["object"]));
    explode
        && form
        && object
        && schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty())
        && schema
            .pointer(&format!(
                "/properties/{}",
                p.name.replace('~', "~0").replace('/', "~1")
            ))
            .is_some()
}

/// oasdiff's form/explode exception: a scalar query parameter that became an array of the same
/// values accepts every request it accepted (`?x=1` is a one-element array).
fn scalar_to_form_explode_array(rev_doc: &Doc, q: &Param, d: &SchemaDiff) -> bool {
    let (Some(base), Some(rev), Some(types)) = (d.base, d.rev, &d.type_) else {
        return false;
    };
    let added: Vec<&String> = types.added.iter().filter(|t| *t != "null").collect();
    let base_types: Vec<&str> = base.types().into_iter().filter(|t| *t != "null").collect();
    if added.len() != 1 || added[0] != "array" || base_types.is_empty() {
        return false;
    }
    let style = q
        .obj
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or(match q.loc {
            "query" | "cookie" => "form",
            _ => "simple",
        });
    let explode = q
        .obj
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    if style != "form" || !explode {
        return false;
    }
    let Some(items) = d
        .items
        .as_ref()
        .and_then(|i| i.rev)
        .or_else(|| rev.get("items").map(|v| rev_doc.schema(v)))
    else {
        return false;
    };
    let item_types: Vec<&str> = items.types().into_iter().filter(|t| *t != "null").collect();
    let contained = base_types.iter().all(|t| {
        item_types
            .iter()
            .any(|i| i == t || (*t == "integer" && *i == "number"))
    }) || (item_types.len() == 1 && item_types[0] == "string");
    if !contained {
        return false;
    }
    // No other constraint on the item that the scalar did not have.
    let ignored = [
        "type",
        "nullable",
        "title",
        "description",
        "example",
        "examples",
        "default",
        "$comment",
    ];
    let keys = |s: &S| -> Vec<(String, Value)> {
        s.value
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| !ignored.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let (kb, ki) = (keys(&base), keys(&items));
    kb.len() == ki.len()
        && kb
            .iter()
            .all(|(k, v)| ki.iter().any(|(k2, v2)| k == k2 && values_equal(v, v2)))
}

/// One security requirement: its key (`a AND b`) and each scheme's scopes.
type Requirement = (String, Vec<(String, Vec<String>)>);

/// Security requirements of an operation (or the document when `global`).
fn security_requirements(
    out: &mut Out,
    label: &str,
    loc: &str,
    a: Option<&Value>,
    b: Option<&Value>,
    global: bool,
) {
    let reqs = |v: Option<&Value>| -> Vec<Requirement> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|req| {
                let mut schemes: Vec<(String, Vec<String>)> = req
                    .iter()
                    .map(|(k, v)| {
                        let scopes = v
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect();
                        (k.clone(), scopes)
                    })
                    .collect();
                schemes.sort();
                let key = schemes
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" AND ");
                (key, schemes)
            })
            .collect()
    };
    let (ra, rb) = (reqs(a), reqs(b));
    let prefix = if global {
        "api-global-security"
    } else {
        "api-security"
    };
    let scope_word = if global {
        "the global security"
    } else {
        "the security"
    };
    // Identical alternatives match first; then alternatives of the same schemes pair in order
    // (changed scopes); the rest were removed or added.
    let mut used_b = vec![false; rb.len()];
    let mut unmatched_a = Vec::new();
    for (i, x) in ra.iter().enumerate() {
        match rb
            .iter()
            .enumerate()
            .position(|(j, y)| !used_b[j] && y == x)
        {
            Some(j) => used_b[j] = true,
            None => unmatched_a.push(i),
        }
    }
    for i in unmatched_a {
        let (key, schemes) = &ra[i];
        if key.is_empty() {
            continue;
        }
        match rb
            .iter()
            .enumerate()
            .position(|(j, (k, _))| !used_b[j] && k == key)
        {
            None => out.emit(
                &format!("{prefix}-removed"),
                label,
                loc,
                format!("{scope_word} requirement `{key}` was removed"),
            ),
            Some(j) => {
                used_b[j] = true;
                let other = &rb[j].1;
                for (scheme, scopes) in schemes {
                    let Some((_, new_scopes)) = other.iter().find(|(s, _)| s == scheme) else {
                        continue;
                    };
                    for scope in scopes.iter().filter(|s| !new_scopes.contains(s)) {
                        out.emit(
                            &format!("{prefix}-scope-removed"),
                            label,
                            loc,
                            format!(
                                "scope `{scope}` was removed from {scope_word} scheme `{scheme}`"
                            ),
                        );
                    }
                    for scope in new_scopes.iter().filter(|s| !scopes.contains(s)) {
                        out.emit(
                            &format!("{prefix}-scope-added"),
                            label,
                            loc,
                            format!("scope `{scope}` was added to {scope_word} scheme `{scheme}`"),
                        );
                    }
                }
            }
        }
    }
    for (j, (key, _)) in rb.iter().enumerate() {
        if !used_b[j] && !key.is_empty() {
            out.emit(
                &format!("{prefix}-added"),
                label,
                loc,
                format!("{scope_word} requirement `{key}` was added"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_ignoring_names() {
        assert_eq!(
            template_match("/a/{id}/b", "/a/{key}/b"),
            Some(vec![("id".into(), "key".into())])
        );
        assert_eq!(template_match("/a/{id}", "/a/b"), None);
        assert_eq!(
            template_match("/a/{id}.json", "/a/{x}.json").map(|r| r.len()),
            Some(1)
        );
    }
}
