//! Multi-file specs: `$ref`s to other files (`./schemas/pet.yaml`, `common.yaml#/Pet`) are
//! loaded and bundled into the document under `x-oasdiff-external`, with the references
//! rewritten to local ones, so the rest of the diff sees one self-contained document.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

/// Where bundled files are kept in the document.
pub const EXTERNAL_KEY: &str = "x-oasdiff-external";

/// Reads a referenced file (relative to the repository or the file system) into a document.
pub type Reader<'r> = dyn Fn(&Path) -> Option<Value> + 'r;

/// Bundles every file the document references. `dir` is the directory of the document; `read`
/// loads a referenced file. References that cannot be read are left as they are (they resolve
/// to an empty schema).
pub fn bundle(root: &mut Value, dir: &Path, read: &Reader) {
    let mut state = State {
        ids: HashMap::new(),
        docs: Vec::new(),
    };
    rewrite(root, dir, None, &mut state, read);
    // Files reached from bundled files are appended while walking, so walk by index.
    let mut index = 0;
    while index < state.docs.len() {
        let (path, mut doc) =
            std::mem::replace(&mut state.docs[index], (PathBuf::new(), Value::Null));
        let file_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        rewrite(&mut doc, &file_dir, Some(index), &mut state, read);
        state.docs[index] = (path, doc);
        index += 1;
    }
    if state.docs.is_empty() {
        return;
    }
    let externals: Map<String, Value> = state
        .docs
        .into_iter()
        .enumerate()
        .map(|(i, (_, doc))| (i.to_string(), doc))
        .collect();
    if let Some(object) = root.as_object_mut() {
        object.insert(EXTERNAL_KEY.to_owned(), Value::Object(externals));
    }
}

struct State {
    ids: HashMap<PathBuf, usize>,
    docs: Vec<(PathBuf, Value)>,
}

fn rewrite(value: &mut Value, dir: &Path, this: Option<usize>, state: &mut State, read: &Reader) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(new) = rewritten(reference, dir, this, state, read)
            {
                *reference = new;
            }
            for (key, child) in map.iter_mut() {
                if key != "$ref" {
                    rewrite(child, dir, this, state, read);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite(item, dir, this, state, read);
            }
        }
        _ => {}
    }
}

fn rewritten(
    reference: &str,
    dir: &Path,
    this: Option<usize>,
    state: &mut State,
    read: &Reader,
) -> Option<String> {
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if file.is_empty() {
        // A local reference inside a bundled file points into that file.
        return this.map(|id| format!("#/{EXTERNAL_KEY}/{id}{fragment}"));
    }
    if file.contains("://") {
        return None;
    }
    let path = normalize(&dir.join(file));
    let id = match state.ids.get(&path) {
        Some(id) => *id,
        None => {
            let doc = read(&path)?;
            let id = state.docs.len();
            state.ids.insert(path.clone(), id);
            state.docs.push((path, doc));
            id
        }
    };
    Some(format!("#/{EXTERNAL_KEY}/{id}{fragment}"))
}

/// `a/./b/../c` → `a/c`, without touching the file system (paths may be inside git).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Parses a referenced file: JSON or YAML.
pub fn parse(bytes: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).ok()
    } else {
        serde_saphyr::from_str(text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bundles_relative_files_and_their_local_refs() {
        let mut root = json!({"paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"$ref": "./schemas/pet.yaml"}
        }}}}}}}});
        let read = |path: &Path| -> Option<Value> {
            match path.to_str()? {
                "spec/schemas/pet.yaml" => Some(
                    json!({"type": "object", "properties": {"tag": {"$ref": "#/$defs/Tag"}}, "$defs": {"Tag": {"type": "string"}}}),
                ),
                _ => None,
            }
        };
        bundle(&mut root, Path::new("spec"), &read);
        let schema = root
            .pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref")
            .unwrap();
        assert_eq!(schema, "#/x-oasdiff-external/0");
        assert_eq!(
            root.pointer("/x-oasdiff-external/0/properties/tag/$ref")
                .unwrap(),
            "#/x-oasdiff-external/0/$defs/Tag"
        );
    }
}
