//! Load an OpenAPI document (YAML or JSON) from bytes into a `serde_json::Value`,
//! keeping the text so that JSON pointers can be mapped back to lines.

use std::path::Path;

use granit_parser::{Event, Parser};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, pointer_segments};

/// A loaded document and where it came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file name used in messages.
    pub file: String,
    /// The document's text, exactly as read.
    pub text: String,
    /// The parsed document.
    pub doc: Value,
}

impl Spec {
    /// Builds a [`Diagnostic`] located at `pointer`, with its line and column when found.
    pub fn error_at(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(&self.file, message).at(pointer);
        if let Some((line, col)) = locate(&self.text, pointer) {
            diagnostic = diagnostic.line_col(line, col);
        }
        diagnostic
    }

    /// `info.version`, if present.
    pub fn version(&self) -> Option<&str> {
        self.doc.pointer("/info/version").and_then(Value::as_str)
    }

    /// The `openapi` (or `swagger`) version string.
    pub fn openapi_version(&self) -> Option<&str> {
        self.doc.get("openapi").and_then(Value::as_str)
    }
}

/// Reads and parses a spec file.
pub fn load_file(path: &Path) -> Result<Spec, Diagnostic> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(&file, format!("cannot read the spec: {e}"))
            .help("check the path (or HYPERSPELL_SPEC) and the file's permissions")
    })?;
    load_bytes(&file, &bytes)
}

/// Parses a spec from bytes; `file` is only used in messages.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<Spec, Diagnostic> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| {
            Diagnostic::new(file, format!("the spec is not UTF-8 text: {e}"))
                .help("an OpenAPI document must be YAML or JSON text")
        })?
        .to_owned();
    let doc = parse_text(file, &text)?;
    check_is_openapi(file, &text, &doc)?;
    Ok(Spec {
        file: file.to_owned(),
        text,
        doc,
    })
}

pub(crate) fn parse_text(file: &str, text: &str) -> Result<Value, Diagnostic> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(text).map_err(|e| {
            Diagnostic::new(file, format!("invalid JSON: {e}"))
                .line_col(e.line(), e.column())
                .help("fix the JSON syntax at that place")
        });
    }
    if trimmed.starts_with('<') {
        return Err(
            Diagnostic::new(file, "this is HTML or XML, not an OpenAPI document")
                .help("a login page or an error page was probably saved instead of the spec"),
        );
    }
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        let mut diagnostic = Diagnostic::new(file, format!("invalid YAML: {}", first_line(&e)))
            .help("fix the YAML syntax at that place");
        if let Some((line, col)) = yaml_error_location(text) {
            diagnostic = diagnostic.line_col(line, col);
        }
        diagnostic
    })
}

fn first_line(e: &impl std::fmt::Display) -> String {
    let text = e.to_string();
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// Re-scans YAML with the event parser to find where a syntax error is.
fn yaml_error_location(text: &str) -> Option<(usize, usize)> {
    for event in Parser::new_from_str(text) {
        if let Err(e) = event {
            let marker = e.marker();
            return Some((marker.line(), marker.col() + 1));
        }
    }
    None
}

fn check_is_openapi(file: &str, text: &str, doc: &Value) -> Result<(), Diagnostic> {
    let Some(object) = doc.as_object() else {
        return Err(
            Diagnostic::new(file, "the document is not a mapping (object) at its top")
                .help("an OpenAPI document starts with `openapi: 3.x.y`"),
        );
    };
    if object.contains_key("swagger") {
        return Err(
            Diagnostic::new(file, "Swagger 2.0 documents are not supported")
                .at("/swagger")
                .help("convert it to OpenAPI 3 first (e.g. with swagger2openapi)"),
        );
    }
    match object.get("openapi") {
        Some(Value::String(version)) if version.starts_with("3.") => Ok(()),
        Some(other) => {
            let mut diagnostic = Diagnostic::new(
                file,
                format!("unsupported OpenAPI version {other}: only 3.0.x and 3.1.x are supported"),
            )
            .at("/openapi");
            if let Some((line, col)) = locate(text, "/openapi") {
                diagnostic = diagnostic.line_col(line, col);
            }
            Err(diagnostic)
        }
        None => Err(
            Diagnostic::new(file, "this is not an OpenAPI document: no `openapi` field")
                .at("/openapi")
                .help("an OpenAPI document starts with `openapi: 3.x.y`"),
        ),
    }
}

/// Finds the 1-based line and column of the node a JSON pointer names, in YAML or JSON text.
///
/// Only used on error paths, so it re-parses instead of keeping a map for every node.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    locate_all(text, &[pointer]).pop().flatten()
}

/// [`locate`] for several pointers in one pass over the text (for the notes of one document).
/// A pointer to a node that does not exist gets its deepest existing parent.
pub fn locate_all(text: &str, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
    let targets: Vec<Vec<String>> = pointers.iter().map(|p| pointer_segments(p)).collect();
    // Per target: (depth matched, place).
    let mut best: Vec<Option<(usize, (usize, usize))>> = vec![None; targets.len()];
    let mut exact = 0;
    walk_nodes(text, |path, line, col| {
        for (target, best) in targets.iter().zip(best.iter_mut()) {
            if path.len() > target.len() || path.iter().zip(target).any(|(a, b)| a != b) {
                continue;
            }
            if best.is_none_or(|(depth, _)| path.len() > depth) {
                *best = Some((path.len(), (line, col)));
                if path.len() == target.len() {
                    exact += 1;
                }
            }
        }
        exact == targets.len()
    });
    best.into_iter().map(|b| b.map(|(_, at)| at)).collect()
}

/// Calls `visit(path, line, col)` for every node (and every mapping key, with the key's own
/// path) in document order, until it returns `true`.
fn walk_nodes(text: &str, mut visit: impl FnMut(&[String], usize, usize) -> bool) {
    // A stack of containers: for mappings, the pending key (None while expecting a key);
    // for sequences, the next index.
    enum Frame {
        Map {
            key: Option<String>,
            expecting_key: bool,
        },
        Seq {
            index: usize,
        },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<String> = Vec::new();

    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        let (line, col) = (span.start.line(), span.start.col() + 1);
        // A node starts: compute its path.
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(..)
        );
        if is_node {
            match stack.last_mut() {
                Some(Frame::Map { key, expecting_key }) if *expecting_key => {
                    if let Event::Scalar(value, ..) = &event {
                        *key = Some(value.to_string());
                        *expecting_key = false;
                        path.push(value.to_string());
                        if visit(&path, line, col) {
                            return;
                        }
                        path.pop();
                        continue;
                    }
                    *expecting_key = false;
                    *key = Some(String::new());
                }
                _ => {}
            }
            let segment = match stack.last_mut() {
                Some(Frame::Map { key, .. }) => key.clone(),
                Some(Frame::Seq { index }) => {
                    let segment = index.to_string();
                    *index += 1;
                    Some(segment)
                }
                None => None,
            };
            if let Some(segment) = &segment {
                path.push(segment.clone());
                if visit(&path, line, col) {
                    return;
                }
            }
            match event {
                Event::MappingStart(..) => stack.push(Frame::Map {
                    key: None,
                    expecting_key: true,
                }),
                Event::SequenceStart(..) => stack.push(Frame::Seq { index: 0 }),
                _ => {
                    if segment.is_some() {
                        path.pop();
                    }
                    if let Some(Frame::Map { expecting_key, .. }) = stack.last_mut() {
                        *expecting_key = true;
                    }
                }
            }
            continue;
        }
        if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
            stack.pop();
            if !stack.is_empty() {
                path.pop();
            }
            if let Some(Frame::Map { expecting_key, .. }) = stack.last_mut() {
                *expecting_key = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a/{id}:\n    get:\n      operationId: get_a\n      tags:\n      - x\n      - y\n";

    #[test]
    fn locates_yaml_keys_and_sequence_items() {
        assert_eq!(locate(YAML, "/info/version"), Some((4, 3)));
        assert_eq!(
            locate(YAML, "/paths/~1a~1{id}/get/operationId"),
            Some((8, 7))
        );
        assert_eq!(locate(YAML, "/paths/~1a~1{id}/get/tags/1"), Some((11, 9)));
    }

    #[test]
    fn locates_json() {
        let json = "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\n    \"/x\": {}\n  }\n}";
        assert_eq!(locate(json, "/paths/~1x"), Some((4, 5)));
    }

    #[test]
    fn missing_node_falls_back_to_deepest_parent() {
        assert_eq!(locate(YAML, "/paths/~1a~1{id}/get/responses"), Some((7, 5)));
    }

    #[test]
    fn invalid_yaml_is_located() {
        let err = load_bytes("bad.yaml", b"openapi: 3.1.0\ninfo: [a\npaths: {}\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{err}");
        assert!(err.line_col.is_some(), "{err}");
    }

    #[test]
    fn html_is_refused() {
        let err = load_bytes("x.yaml", b"<!doctype html><html></html>").unwrap_err();
        assert!(err.message.contains("HTML"), "{err}");
    }

    #[test]
    fn swagger_2_is_refused() {
        let err = load_bytes("x.json", br#"{"swagger": "2.0"}"#).unwrap_err();
        assert!(err.message.contains("Swagger 2.0"), "{err}");
    }
}
