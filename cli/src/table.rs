//! The command table: `build.rs` writes what the spec says about every operation
//! (`$OUT_DIR/commands.json`), joined here with the library's operation metadata
//! (`hyperspell::operations::ALL`, by the operation's Rust name), so that the commands are
//! exactly the operations of the `hyperspell` crate this binary is built with.

use hyperspell::Operation;
use serde::Deserialize;
use serde_json::Value;

const COMMANDS: &str = include_str!(concat!(env!("OUT_DIR"), "/commands.json"));

/// Where an input goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    Path,
    Query,
    Body,
}

/// What an input's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// Objects and anything not one scalar kind: JSON text or `@file.json`.
    Json,
    /// A multipart file field: a path, streamed.
    File,
}

/// A path or query parameter or a top-level body field.
#[derive(Debug, Clone, Deserialize)]
pub struct Input {
    pub name: String,
    #[serde(rename = "in")]
    pub place: Place,
    pub required: bool,
    pub kind: Kind,
    /// Repeated flag.
    pub array: bool,
    /// The spec's values (open: others are accepted).
    #[serde(rename = "enum", default)]
    pub values: Option<Vec<Value>>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Body {
    /// `json` or `multipart`.
    pub media: String,
    pub required: bool,
    pub fields: Vec<Input>,
}

impl Body {
    pub fn is_multipart(&self) -> bool {
        self.media == "multipart"
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Entry {
    name: String,
    summary: Option<String>,
    description: Option<String>,
    #[serde(default)]
    deprecated: bool,
    params: Vec<Input>,
    body: Option<Body>,
    items: Option<String>,
}

/// One operation: the library's metadata and what the spec says about its inputs.
#[derive(Debug, Clone)]
pub struct Command {
    pub operation: &'static Operation,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Input>,
    pub body: Option<Body>,
    /// The items field of a cursor-paginated operation.
    pub items: Option<String>,
}

impl Command {
    /// `["integrations", "slack", "list"]`: the call, kebab case.
    pub fn words(&self) -> Vec<String> {
        self.operation.call.split('.').map(kebab).collect()
    }

    /// Every input: parameters, then body fields.
    pub fn inputs(&self) -> impl Iterator<Item = &Input> {
        self.params
            .iter()
            .chain(self.body.iter().flat_map(|b| b.fields.iter()))
    }
}

pub fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// Every operation of the library, with its inputs (an operation the table does not know,
/// which cannot happen when both come from the same spec, gets none: `--body` still works).
pub fn commands() -> Vec<Command> {
    let entries: Vec<Entry> =
        serde_json::from_str(COMMANDS).expect("build.rs writes a valid command table");
    hyperspell::operations::ALL
        .iter()
        .map(|operation| {
            let entry = entries.iter().find(|e| e.name == operation.name);
            Command {
                operation,
                summary: entry.and_then(|e| e.summary.clone()),
                description: entry.and_then(|e| e.description.clone()),
                deprecated: entry.is_some_and(|e| e.deprecated),
                params: entry.map(|e| e.params.clone()).unwrap_or_default(),
                body: entry.and_then(|e| e.body.clone()),
                items: entry.and_then(|e| e.items.clone()),
            }
        })
        .collect()
}

/// Operation names in the table (for the test that both sides agree).
#[cfg(test)]
fn table_names() -> Vec<String> {
    let entries: Vec<Entry> =
        serde_json::from_str(COMMANDS).expect("build.rs writes a valid command table");
    entries.into_iter().map(|e| e.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_and_the_library_name_the_same_operations() {
        let names = table_names();
        assert_eq!(names.len(), hyperspell::operations::ALL.len());
        for op in hyperspell::operations::ALL {
            assert!(
                names.iter().any(|n| n == op.name),
                "{} has no entry",
                op.name
            );
        }
        let commands = commands();
        let mut words: Vec<Vec<String>> = commands.iter().map(Command::words).collect();
        words.sort();
        words.dedup();
        assert_eq!(
            words.len(),
            commands.len(),
            "two operations share a command"
        );
    }

    #[test]
    fn inputs_are_typed_from_the_spec() {
        let commands = commands();
        let find = |call: &str| commands.iter().find(|c| c.operation.call == call).unwrap();
        let search = find("memories.search");
        let input = |c: &Command, name: &str| c.inputs().find(|i| i.name == name).unwrap().clone();
        let query = input(search, "query");
        assert!(query.required && query.kind == Kind::String && query.place == Place::Body);
        let sources = input(search, "sources");
        assert!(sources.array && !sources.required);
        assert!(
            sources
                .values
                .as_ref()
                .unwrap()
                .contains(&Value::from("vault"))
        );
        assert_eq!(input(search, "max_results").kind, Kind::Integer);
        assert_eq!(input(search, "answer").kind, Kind::Boolean);
        assert_eq!(input(search, "options").kind, Kind::Json);
        let list = find("memories.list");
        assert_eq!(list.items.as_deref(), Some("items"));
        assert_eq!(input(list, "cursor").place, Place::Query);
        let upload = find("memories.upload");
        assert!(upload.body.as_ref().unwrap().is_multipart());
        assert_eq!(input(upload, "file").kind, Kind::File);
        let get = find("memories.get");
        assert!(input(get, "resource_id").required);
        assert_eq!(input(get, "resource_id").place, Place::Path);
        assert!(find("auth.user_token").summary.as_deref() == Some("Get a user token"));
    }
}
