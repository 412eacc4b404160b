//! Resources: where each operation is reached, `client.auth().user_token()`.
//!
//! Operations are grouped the way the official SDKs group them. The grouping is read from a
//! reviewed resource map (for the `hyperspell` crate, `spec/resources.yaml` beside the spec;
//! the role the SDK generator's config plays for the official SDKs):
//!
//! ```yaml
//! auth:
//!   user_token: post /auth/user_token     # method: "<http method> <path>"
//! integrations:
//!   list: get /integrations/list
//!   slack:                                # a mapping is a sub-resource
//!     list: get /integrations/slack/list
//! ```
//!
//! A map that names an operation the spec does not have, names one twice, or uses a name that
//! is not a snake-case Rust identifier is refused, with its line. An operation the map does not
//! mention gets a derived place, so a new spec never fails on naming:
//! - resource: its first tag in snake case (`Context Documents` → `context_documents`), else the
//!   first literal segment of its path, else `default`;
//! - method: its Rust name ([`crate::naming`]) without the words that repeat the resource
//!   (`get_latest_emotional_state` in `emotional_state` → `get_latest`; singular and plural
//!   match), unless nothing or a taken name would remain; a name still taken gets
//!   `_<http method>`, then a number.
//!
//! A top-level resource must not take the name of one of the client's own methods
//! ([`Options::reserved`]); a derived one that would gets `_api`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, escape_pointer_segment};
use crate::load::{locate, parse_text};
use crate::naming::{METHODS, Operation};

/// File name of the resource map, looked for beside the spec.
pub const RESOURCE_MAP_FILE: &str = "resources.yaml";

/// A parsed, not yet checked resource map.
#[derive(Debug, Clone)]
pub struct ResourceMap {
    file: String,
    text: String,
    entries: Vec<MapEntry>,
    /// Entries naming an operation the spec lacks are skipped, not refused ([`Self::lenient`]).
    lenient: bool,
}

#[derive(Debug, Clone)]
struct MapEntry {
    /// Resources, then the method.
    call: Vec<String>,
    /// Lower-case HTTP method and the path.
    method: String,
    path: String,
    /// Where the entry is in the map file.
    pointer: String,
}

impl ResourceMap {
    /// Parses the map text (YAML or JSON).
    pub fn parse(file: &str, text: &str) -> Result<ResourceMap, Diagnostic> {
        let value = parse_text(file, text)?;
        let mut map = ResourceMap {
            file: file.to_owned(),
            text: text.to_owned(),
            entries: Vec::new(),
            lenient: false,
        };
        match &value {
            Value::Object(_) => map.read(&value, &mut Vec::new(), "")?,
            Value::Null => {}
            _ => return Err(map.error("", "a resource map is a mapping of resource names")),
        }
        Ok(map)
    }

    /// Reads `<spec dir>/resources.yaml` if it exists.
    pub fn beside(spec: &Path) -> Result<Option<ResourceMap>, Diagnostic> {
        let path = spec
            .parent()
            .unwrap_or(Path::new("."))
            .join(RESOURCE_MAP_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Diagnostic::new(&file, format!("cannot read the resource map: {e}")))?;
        ResourceMap::parse(&file, &text).map(Some)
    }

    /// The same map, applied to any revision of the spec: entries naming an operation the
    /// document lacks are skipped (for comparing two revisions under one map).
    pub fn lenient(mut self) -> Self {
        self.lenient = true;
        self
    }

    /// The file the map was read from.
    pub fn file(&self) -> &str {
        &self.file
    }

    fn read(
        &mut self,
        value: &Value,
        resources: &mut Vec<String>,
        pointer: &str,
    ) -> Result<(), Diagnostic> {
        let Value::Object(object) = value else {
            unreachable!("read is only called on mappings")
        };
        for (name, entry) in object {
            let here = format!("{pointer}/{}", escape_pointer_segment(name));
            self.check_name(name, &here)?;
            match entry {
                Value::String(endpoint) => {
                    if resources.is_empty() {
                        return Err(self.error(
                            &here,
                            format!("`{name}: {endpoint}` is a method outside any resource"),
                        ));
                    }
                    let (method, path) = self.endpoint(endpoint, &here)?;
                    let mut call = resources.clone();
                    call.push(name.clone());
                    self.entries.push(MapEntry {
                        call,
                        method,
                        path,
                        pointer: here,
                    });
                }
                Value::Object(_) => {
                    resources.push(name.clone());
                    self.read(entry, resources, &here)?;
                    resources.pop();
                }
                _ => {
                    return Err(self.error(
                        &here,
                        format!(
                            "`{name}` must be a method (`<http method> <path>`) or a \
                             mapping (a sub-resource)"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_name(&self, name: &str, pointer: &str) -> Result<(), Diagnostic> {
        let valid = name.to_snake_case() == name
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && syn::parse_str::<syn::Ident>(name).is_ok();
        if valid {
            Ok(())
        } else {
            Err(self
                .error(
                    pointer,
                    format!("`{name}` is not a snake-case Rust identifier"),
                )
                .help("resource and method names are used as Rust method names as written"))
        }
    }

    fn endpoint(&self, endpoint: &str, pointer: &str) -> Result<(String, String), Diagnostic> {
        let mut words = endpoint.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(method), Some(path), None)
                if METHODS.contains(&method.to_lowercase().as_str()) && path.starts_with('/') =>
            {
                Ok((method.to_lowercase(), path.to_owned()))
            }
            _ => Err(self
                .error(
                    pointer,
                    format!("`{endpoint}` is not an operation: expected `<http method> <path>`"),
                )
                .help("for example `post /auth/user_token`")),
        }
    }

    fn error(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(&self.file, message).at(pointer);
        if let Some((line, col)) = locate(&self.text, pointer) {
            diagnostic = diagnostic.line_col(line, col);
        }
        diagnostic
    }
}

/// Where the operations are reached; see the module doc.
///
/// `reserved` are the client's own method names, which no top-level resource may take.
pub fn assign(
    operations: &mut [Operation],
    doc: &Value,
    map: Option<&ResourceMap>,
    reserved: &[&str],
) -> Result<(), Diagnostic> {
    let mut taken = Taken::default();
    let mut mapped = vec![false; operations.len()];
    if let Some(map) = map {
        let mut seen: BTreeMap<(String, String), &MapEntry> = BTreeMap::new();
        for entry in &map.entries {
            let key = (entry.method.clone(), entry.path.clone());
            if let Some(first) = seen.insert(key, entry) {
                return Err(map.error(
                    &entry.pointer,
                    format!(
                        "{} {} is mapped twice: also at {}",
                        entry.method.to_uppercase(),
                        entry.path,
                        first.pointer
                    ),
                ));
            }
            let Some(index) = operations
                .iter()
                .position(|o| o.method.eq_ignore_ascii_case(&entry.method) && o.path == entry.path)
            else {
                if map.lenient {
                    continue;
                }
                return Err(map
                    .error(
                        &entry.pointer,
                        format!(
                            "the spec has no operation {} {}",
                            entry.method.to_uppercase(),
                            entry.path
                        ),
                    )
                    .help(
                        "remove or correct this entry; operations the map does not name get a \
                         derived place",
                    ));
            };
            if reserved.contains(&entry.call[0].as_str()) {
                return Err(map.error(
                    &entry.pointer,
                    format!(
                        "the resource `{}` would hide the client's own method of that name",
                        entry.call[0]
                    ),
                ));
            }
            if let Err(clash) = taken.claim(&entry.call) {
                return Err(map.error(&entry.pointer, clash));
            }
            operations[index].call = entry.call.clone();
            mapped[index] = true;
        }
    }
    // Derived places: resources first (so a method never takes a resource's name), then methods.
    let mut derived: Vec<(usize, Vec<String>)> = Vec::new();
    for (index, operation) in operations.iter().enumerate() {
        if mapped[index] {
            continue;
        }
        let mut resource = derived_resource(doc, operation);
        if reserved.contains(&resource.as_str()) {
            resource.push_str("_api");
        }
        taken.claim_resource(std::slice::from_ref(&resource));
        derived.push((index, vec![resource]));
    }
    for (index, resources) in derived {
        let operation = &operations[index];
        let stripped = strip_resource_words(&operation.rust_name, &resources[0]);
        let method = operation.method.to_lowercase();
        let candidates = [
            stripped.clone(),
            operation.rust_name.clone(),
            format!("{stripped}_{method}"),
            format!("{}_{method}", operation.rust_name),
        ];
        let name = candidates
            .into_iter()
            .chain((2..).map(|n| format!("{}_{n}", operation.rust_name)))
            .find(|name| {
                let mut call = resources.clone();
                call.push(name.clone());
                !taken.is_taken(&call)
            })
            .expect("an unbounded sequence");
        let mut call = resources;
        call.push(name);
        taken
            .claim(&call)
            .expect("a free name was just found for it");
        operations[index].call = call;
    }
    Ok(())
}

/// The resource paths and method paths already given out.
#[derive(Default)]
struct Taken {
    resources: BTreeSet<Vec<String>>,
    methods: BTreeSet<Vec<String>>,
}

impl Taken {
    fn is_taken(&self, call: &[String]) -> bool {
        self.methods.contains(call) || self.resources.contains(call)
    }

    fn claim_resource(&mut self, resources: &[String]) {
        for end in 1..=resources.len() {
            self.resources.insert(resources[..end].to_vec());
        }
    }

    /// Claims a method path (and its resources); an error says what it clashes with.
    fn claim(&mut self, call: &[String]) -> Result<(), String> {
        let (_, resources) = call.split_last().expect("a call has a method");
        for end in 1..=resources.len() {
            if self.methods.contains(&resources[..end]) {
                return Err(format!(
                    "`{}` is a method and cannot also be a resource",
                    resources[..end].join(".")
                ));
            }
        }
        if self.resources.contains(call) {
            return Err(format!(
                "`{}` is a resource and cannot also be a method",
                call.join(".")
            ));
        }
        if !self.methods.insert(call.to_vec()) {
            return Err(format!("`{}` names two operations", call.join(".")));
        }
        self.claim_resource(resources);
        Ok(())
    }
}

fn derived_resource(doc: &Value, operation: &Operation) -> String {
    let tag = doc
        .pointer(&operation.pointer)
        .and_then(|o| o.get("tags"))
        .and_then(Value::as_array)
        .and_then(|tags| tags.first())
        .and_then(Value::as_str)
        .map(identifier_words)
        .filter(|name| !name.is_empty());
    let segment = || {
        operation
            .path
            .split('/')
            .find(|s| !s.is_empty() && !s.starts_with('{'))
            .map(identifier_words)
            .filter(|name| !name.is_empty())
    };
    let name = tag.or_else(segment).unwrap_or_else(|| "default".to_owned());
    if name.starts_with(|c: char| c.is_ascii_digit())
        || syn::parse_str::<syn::Ident>(&name).is_err()
    {
        format!("{name}_")
    } else {
        name
    }
}

/// `text` as snake-case words of ASCII letters and digits.
fn identifier_words(text: &str) -> String {
    text.to_snake_case()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// `name` without the words of `resource` (singular and plural alike); `name` itself when
/// nothing would remain.
fn strip_resource_words(name: &str, resource: &str) -> String {
    let resource: BTreeSet<String> = resource.split('_').map(singular).collect();
    let kept: Vec<&str> = name
        .split('_')
        .filter(|w| !w.is_empty() && !resource.contains(&singular(w)))
        .collect();
    if kept.is_empty() || kept[0].starts_with(|c: char| c.is_ascii_digit()) {
        return name.to_owned();
    }
    let stripped = kept.join("_");
    if syn::parse_str::<syn::Ident>(&stripped).is_err() {
        return name.to_owned();
    }
    stripped
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") {
        word.to_owned()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_owned()
    }
}

/// The Rust type of a resource handle: `integrations.slack` → `IntegrationsSlack`.
pub fn resource_type_name(resources: &[String]) -> String {
    resources.join("_").to_upper_camel_case()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::name_operations;
    use serde_json::json;

    fn doc() -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {
            "/auth/user_token": {"post": {"operationId": "generate_user_token_auth_user_token_post", "tags": ["Authentication"]}},
            "/emotional-state": {
                "get": {"operationId": "get_latest_emotional_state", "tags": ["Emotional State"]},
                "post": {"operationId": "store_emotional_state", "tags": ["Emotional State"]},
                "delete": {"operationId": "emotional_state", "tags": ["Emotional State"]}
            },
            "/entities/{id}": {"get": {"operationId": "get_entity", "tags": ["entities"]}},
            "/entities": {"get": {"operationId": "list_entities", "tags": ["entities"]}},
            "/pets": {"get": {"operationId": "listPets"}},
            "/{id}": {"get": {"operationId": "client"}}
        }})
    }

    fn calls(map: Option<&str>) -> Result<Vec<String>, Diagnostic> {
        let doc = doc();
        let (mut operations, _) = name_operations(&doc);
        let map = map
            .map(|text| ResourceMap::parse("resources.yaml", text))
            .transpose()?;
        assign(&mut operations, &doc, map.as_ref(), &["client"])?;
        Ok(operations.iter().map(|o| o.call.join(".")).collect())
    }

    #[test]
    fn derived_places_do_not_repeat_the_resource() {
        assert_eq!(
            calls(None).unwrap(),
            [
                "authentication.generate_user_token",
                "emotional_state.get_latest",
                "emotional_state.store",
                "emotional_state.emotional_state",
                "entities.get",
                "entities.list",
                "pets.list",
                "default.client",
            ]
        );
    }

    #[test]
    fn mapped_places_win_and_the_rest_is_derived() {
        let map = "auth:\n  user_token: post /auth/user_token\nemotional_state:\n  latest:\n    get: GET /emotional-state\n";
        assert_eq!(
            calls(Some(map)).unwrap(),
            [
                "auth.user_token",
                "emotional_state.latest.get",
                "emotional_state.store",
                "emotional_state.emotional_state",
                "entities.get",
                "entities.list",
                "pets.list",
                "default.client",
            ]
        );
    }

    #[test]
    fn a_derived_method_never_takes_a_mapped_name() {
        // `store` is taken by the map: the derived one falls back to its full name.
        let map = "emotional_state:\n  store: delete /emotional-state\n";
        let calls = calls(Some(map)).unwrap();
        assert_eq!(calls[2], "emotional_state.store_emotional_state");
        assert_eq!(calls[3], "emotional_state.store");
    }

    #[test]
    fn a_reserved_top_level_name_is_suffixed_when_derived_and_refused_when_mapped() {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {
            "/x": {"get": {"operationId": "list_x", "tags": ["client"]}}
        }});
        let (mut operations, _) = name_operations(&doc);
        assign(&mut operations, &doc, None, &["client"]).unwrap();
        assert_eq!(operations[0].call, ["client_api", "list_x"]);

        let map = ResourceMap::parse("resources.yaml", "client:\n  list: get /x\n").unwrap();
        let error = assign(&mut operations, &doc, Some(&map), &["client"]).unwrap_err();
        assert!(
            error.message.contains("would hide the client's own method"),
            "{error}"
        );
    }

    #[test]
    fn bad_maps_are_refused_with_their_place() {
        let cases = [
            (
                "auth:\n  user_token: post /auth/nope\n",
                "the spec has no operation POST /auth/nope",
                2,
            ),
            (
                "auth:\n  a: post /auth/user_token\n  b: post /auth/user_token\n",
                "POST /auth/user_token is mapped twice",
                3,
            ),
            (
                "auth:\n  userToken: post /auth/user_token\n",
                "`userToken` is not a snake-case Rust identifier",
                2,
            ),
            (
                "auth:\n  user_token: /auth/user_token\n",
                "expected `<http method> <path>`",
                2,
            ),
            (
                "user_token: post /auth/user_token\n",
                "outside any resource",
                1,
            ),
        ];
        for (map, message, line) in cases {
            let error = calls(Some(map)).unwrap_err();
            assert!(error.message.contains(message), "{map}: {error}");
            assert_eq!(error.line_col.map(|(l, _)| l), Some(line), "{map}: {error}");
        }
    }

    #[test]
    fn a_method_and_a_resource_cannot_share_a_path() {
        // YAML keys are unique, so only nested entries can clash: `auth.me` and `auth.me.x`.
        let doc = doc();
        let (mut operations, _) = name_operations(&doc);
        let entry = |call: &[&str], method: &str, path: &str| MapEntry {
            call: call.iter().map(|s| s.to_string()).collect(),
            method: method.into(),
            path: path.into(),
            pointer: format!("/{}", call.join("/")),
        };
        let map = ResourceMap {
            file: "resources.yaml".into(),
            text: String::new(),
            lenient: false,
            entries: vec![
                entry(&["auth", "me"], "post", "/auth/user_token"),
                entry(&["auth", "me", "x"], "get", "/pets"),
            ],
        };
        let error = assign(&mut operations, &doc, Some(&map), &[]).unwrap_err();
        assert!(
            error
                .message
                .contains("`auth.me` is a method and cannot also be a resource"),
            "{error}"
        );
    }

    #[test]
    fn singular_and_plural_match() {
        assert_eq!(strip_resource_words("get_entity", "entities"), "get");
        assert_eq!(strip_resource_words("list_entities", "entities"), "list");
        assert_eq!(
            strip_resource_words("get_recent_emotional_states", "emotional_state"),
            "get_recent"
        );
        assert_eq!(strip_resource_words("address", "addresses"), "address");
        assert_eq!(strip_resource_words("entities", "entities"), "entities");
    }

    #[test]
    fn type_names_join_the_path() {
        assert_eq!(
            resource_type_name(&["integrations".into(), "slack".into()]),
            "IntegrationsSlack"
        );
    }
}
