//! Printing responses: formats, colors on a terminal, and `--transform` (jq, by jaq).

use std::io::{self, Write};

use serde_json::Value;

/// How values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Indented JSON.
    Json,
    /// One compact JSON value per line.
    Jsonl,
    Yaml,
    /// Indented JSON, colored on a terminal.
    Pretty,
    /// Strings without quotes, anything else as compact JSON.
    Raw,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format, String> {
        Ok(match text {
            "json" => Format::Json,
            "jsonl" => Format::Jsonl,
            "yaml" => Format::Yaml,
            "pretty" => Format::Pretty,
            "raw" => Format::Raw,
            other => {
                return Err(format!(
                    "invalid value `{other}` for --format: one of json, jsonl, yaml, pretty, raw"
                ));
            }
        })
    }
}

/// The output settings.
pub struct Printer {
    format: Format,
    color: bool,
    transform: Option<Transform>,
    /// Whether a YAML document was written (the next one starts with `---`).
    yaml_started: std::cell::Cell<bool>,
}

impl Printer {
    /// `format` as given (`None`: pretty on a terminal, compact when piped); `tty`: whether
    /// stdout is a terminal.
    pub fn new(format: Option<Format>, tty: bool, transform: Option<Transform>) -> Printer {
        let format = format.unwrap_or(if tty { Format::Pretty } else { Format::Jsonl });
        let color = tty && format == Format::Pretty && std::env::var_os("NO_COLOR").is_none();
        Printer {
            format,
            color,
            transform,
            yaml_started: std::cell::Cell::new(false),
        }
    }

    /// Writes `value` (each output of the transform, when there is one).
    pub fn print(&self, out: &mut impl Write, value: Value) -> Result<(), String> {
        let values = match &self.transform {
            Some(transform) => transform.run(value)?,
            None => vec![value],
        };
        for value in values {
            self.write(out, &value)
                .map_err(|e| format!("cannot write the output: {e}"))?;
        }
        Ok(())
    }

    fn write(&self, out: &mut impl Write, value: &Value) -> io::Result<()> {
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, value)?;
                writeln!(out)
            }
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, value)?;
                writeln!(out)
            }
            Format::Pretty if self.color => {
                let mut text = String::new();
                colored(&mut text, value, 0);
                writeln!(out, "{text}")
            }
            Format::Pretty => {
                serde_json::to_writer_pretty(&mut *out, value)?;
                writeln!(out)
            }
            Format::Raw => match value {
                Value::String(s) => writeln!(out, "{s}"),
                other => writeln!(out, "{other}"),
            },
            Format::Yaml => {
                let text = serde_saphyr::to_string(value).map_err(io::Error::other)?;
                if self.yaml_started.replace(true) {
                    writeln!(out, "---")?;
                }
                out.write_all(text.as_bytes())?;
                if !text.ends_with('\n') {
                    writeln!(out)?;
                }
                Ok(())
            }
        }
    }
}

const KEY: &str = "\x1b[34;1m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const LITERAL: &str = "\x1b[35m";
const RESET: &str = "\x1b[0m";

/// Indented JSON with ANSI colors (keys blue, strings green, numbers cyan, literals magenta).
fn colored(out: &mut String, value: &Value, depth: usize) {
    let pad = |out: &mut String, depth: usize| out.extend(std::iter::repeat_n("  ", depth));
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str("{\n");
            for (i, (key, value)) in map.iter().enumerate() {
                pad(out, depth + 1);
                out.push_str(KEY);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push_str(RESET);
                out.push_str(": ");
                colored(out, value, depth + 1);
                if i + 1 < map.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            pad(out, depth);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(out, depth + 1);
                colored(out, item, depth + 1);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            pad(out, depth);
            out.push(']');
        }
        Value::String(_) => {
            out.push_str(STRING);
            out.push_str(&value.to_string());
            out.push_str(RESET);
        }
        Value::Number(_) => {
            out.push_str(NUMBER);
            out.push_str(&value.to_string());
            out.push_str(RESET);
        }
        other => {
            out.push_str(LITERAL);
            out.push_str(&other.to_string());
            out.push_str(RESET);
        }
    }
}

/// A compiled jq filter.
pub struct Transform {
    filter: jaq_core::Filter<jaq_core::data::JustLut<jaq_json::Val>>,
}

impl Transform {
    pub fn compile(code: &str) -> Result<Transform, String> {
        use jaq_core::load::{Arena, File, Loader};
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let program = File { code, path: () };
        let modules = loader.load(&arena, program).map_err(|errors| {
            format!(
                "invalid --transform expression `{code}`: {} error(s) parsing it",
                errors.len()
            )
        })?;
        let filter = jaq_core::Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let names: Vec<String> = errors
                    .iter()
                    .flat_map(|(_, errs)| errs.iter().map(|(name, _)| name.to_string()))
                    .collect();
                format!(
                    "invalid --transform expression `{code}`: undefined {}",
                    names.join(", ")
                )
            })?;
        Ok(Transform { filter })
    }

    /// Every output of the filter for `input`.
    pub fn run(&self, input: Value) -> Result<Vec<Value>, String> {
        use jaq_core::{Ctx, Vars, data, unwrap_valr};
        let text = serde_json::to_vec(&input).map_err(|e| e.to_string())?;
        let input = jaq_json::read::parse_single(&text)
            .map_err(|e| format!("--transform cannot read the value: {e:?}"))?;
        let ctx = Ctx::<data::JustLut<jaq_json::Val>>::new(&self.filter.lut, Vars::new([]));
        let mut values = Vec::new();
        for output in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let output = output.map_err(|e| format!("--transform failed: {e}"))?;
            let text = output.to_string();
            let value = serde_json::from_str(&text)
                .map_err(|e| format!("--transform gave a value that is not JSON ({e}): {text}"))?;
            values.push(value);
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn transform_runs_jq() {
        let t = Transform::compile(".items[] | select(.n > 1) | .n").unwrap();
        let out = t
            .run(json!({"items": [{"n": 1}, {"n": 2}, {"n": 3}]}))
            .unwrap();
        assert_eq!(out, vec![json!(2), json!(3)]);
        let t = Transform::compile("{token} | keys").unwrap();
        assert_eq!(
            t.run(json!({"token": "x"})).unwrap(),
            vec![json!(["token"])]
        );
        assert!(Transform::compile(".[").is_err_and(|m| m.contains("--transform")));
        match Transform::compile("nosuchfn") {
            Err(message) => assert!(message.contains("nosuchfn"), "{message}"),
            Ok(_) => panic!("an undefined name compiles"),
        }
    }

    #[test]
    fn formats() {
        let value = json!({"a": [1, "x"], "b": null});
        let text = |format, tty| {
            let mut out = Vec::new();
            Printer::new(format, tty, None)
                .print(&mut out, value.clone())
                .unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(text(None, false), "{\"a\":[1,\"x\"],\"b\":null}\n");
        assert!(text(None, true).contains("\x1b[34;1m\"a\"\x1b[0m"));
        assert_eq!(
            text(Some(Format::Json), true),
            "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": null\n}\n"
        );
        assert!(text(Some(Format::Yaml), false).starts_with("a:\n"));
        let mut out = Vec::new();
        let yaml = Printer::new(Some(Format::Yaml), false, None);
        yaml.print(&mut out, json!({"count": 1})).unwrap();
        yaml.print(&mut out, json!({"count": 2})).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "count: 1\n---\ncount: 2\n");
        let mut out = Vec::new();
        Printer::new(Some(Format::Raw), false, None)
            .print(&mut out, json!("plain"))
            .unwrap();
        assert_eq!(out, b"plain\n");
    }
}
