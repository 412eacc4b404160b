//! Output formats: text for terminals, markdown for a PR comment, JSON for tools, and GitHub
//! workflow annotations.

use std::fmt::Write as _;

use serde_json::{Value, json};

use hyperspell_codegen::diagnostic::escape_pointer_segment;

use super::DiffResult;
use super::model::{Change, Level};
use super::rust_impact::{Delta, RustImpact};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    Github,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

pub struct Context<'a> {
    /// The revision's file name, for annotations.
    pub revision_file: &'a str,
    /// The revision's text, to put annotations on the operation's line.
    pub revision_text: &'a str,
}

/// The marker the workflow uses to find (and update) its PR comment.
pub const MARKER: &str = "<!-- hyperspell-spec-diff -->";

pub fn render(result: &DiffResult, format: Format, context: &Context) -> String {
    match format {
        Format::Text => text(result),
        Format::Markdown => markdown(result),
        Format::Json => {
            let mut out = serde_json::to_string_pretty(&to_json(result)).unwrap_or_default();
            out.push('\n');
            out
        }
        Format::Github => github(result, context),
    }
}

fn counts(changes: &[Change]) -> (usize, usize, usize) {
    let count = |level| changes.iter().filter(|c| c.level == level).count();
    (
        count(Level::Error),
        count(Level::Warning),
        count(Level::Info),
    )
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn side(file: &str, version: &Option<String>) -> String {
    match version {
        Some(v) => format!("{file} (v{v})"),
        None => file.to_owned(),
    }
}

fn semver_line(result: &DiffResult) -> String {
    let bump = result.semver.as_str();
    match result
        .crate_version
        .as_deref()
        .and_then(|v| result.semver.next_version(v).map(|n| (v, n)))
    {
        Some((current, next)) => format!("{bump} (crate {current} → {next})"),
        None => bump.to_owned(),
    }
}

fn rust_line(rust: Option<&RustImpact>) -> String {
    match rust {
        None => "not computed (--no-rust)".to_owned(),
        Some(r) => match &r.error {
            Some(error) => format!(
                "could not be computed: {}",
                error.lines().next().unwrap_or(error)
            ),
            None => format!("{}, {}", r.summary(), r.bump().as_str()),
        },
    }
}

// ---------------------------------------------------------------- text

fn text(result: &DiffResult) -> String {
    let mut out = String::new();
    let (e, w, i) = counts(&result.changes);
    let _ = writeln!(
        out,
        "spec diff: {} → {}",
        side(&result.base_file, &result.base_version),
        side(&result.revision_file, &result.revision_version)
    );
    let _ = writeln!(
        out,
        "API changes: {}, {}, {i} info",
        plural(e, "error"),
        plural(w, "warning"),
    );
    let breaking: Vec<&Change> = result.changes.iter().filter(|c| c.is_breaking()).collect();
    let other: Vec<&Change> = result.changes.iter().filter(|c| !c.is_breaking()).collect();
    for (title, list) in [("breaking changes", &breaking), ("other changes", &other)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for c in list.iter() {
            let place = if c.location.is_empty() {
                String::new()
            } else {
                format!(" ({})", c.location)
            };
            let op = if c.operation.is_empty() {
                String::new()
            } else {
                format!("{}: ", c.operation)
            };
            let _ = writeln!(
                out,
                "  {:<7} [{}] {op}{}{place}",
                c.level.as_str(),
                c.id,
                c.message
            );
        }
    }
    let _ = writeln!(out, "\nRust impact: {}", rust_line(result.rust.as_ref()));
    if let Some(r) = result.rust.as_ref().filter(|r| r.error.is_none()) {
        for line in rust_details(r) {
            let _ = writeln!(out, "  {line}");
        }
        if !r.breaking.is_empty() {
            let _ = writeln!(out, "breaking for Rust callers:");
            for line in &r.breaking {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    let _ = writeln!(out, "semver: {}", semver_line(result));
    out
}

fn rust_details(r: &RustImpact) -> Vec<String> {
    let mut lines = Vec::new();
    for (delta, what) in [
        (&r.methods, "method"),
        (&r.setters, "builder setter"),
        (&r.types, "type"),
        (&r.fields, "field"),
        (&r.variants, "variant"),
    ] {
        for item in &delta.added {
            lines.push(format!("+ {what} {item}"));
        }
        for item in &delta.removed {
            lines.push(format!("- {what} {item}"));
        }
        for (item, change) in &delta.changed {
            lines.push(format!("~ {what} {item}: {change}"));
        }
    }
    lines
}

// ---------------------------------------------------------------- markdown

fn md_escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Most rows a markdown table shows (a PR comment is limited to 65 536 characters); the JSON
/// and text formats list everything.
const MD_MAX_ROWS: usize = 150;

fn md_table(out: &mut String, changes: &[&Change]) {
    // Changes of one check on one operation are one row (e.g. 30 enum values removed).
    let mut groups: Vec<(&Change, usize)> = Vec::new();
    for c in changes {
        match groups
            .iter_mut()
            .find(|(g, _)| g.id == c.id && g.operation == c.operation && g.level == c.level)
        {
            Some((_, count)) => *count += 1,
            None => groups.push((c, 1)),
        }
    }
    out.push_str("| level | check | operation | change |\n|---|---|---|---|\n");
    for (c, count) in groups.iter().take(MD_MAX_ROWS) {
        let icon = match c.level {
            Level::Error => "🔴 error",
            Level::Warning => "🟠 warning",
            Level::Info => "ℹ️ info",
        };
        let location = if c.location.is_empty() {
            String::new()
        } else {
            format!(" <sub>{}</sub>", md_escape(&c.location))
        };
        let more = if *count > 1 {
            format!(" (and {} more like it)", count - 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {icon} | `{}` | {} | {}{more}{location} |",
            c.id,
            if c.operation.is_empty() {
                "—".to_owned()
            } else {
                format!("`{}`", md_escape(&c.operation))
            },
            md_escape(&c.message)
        );
    }
    if groups.len() > MD_MAX_ROWS {
        let hidden: usize = groups.iter().skip(MD_MAX_ROWS).map(|(_, n)| n).sum();
        let _ = writeln!(
            out,
            "\n…and {hidden} more (run `cargo xtask diff-spec` for the full list)"
        );
    }
}

fn markdown(result: &DiffResult) -> String {
    let mut out = String::new();
    let (e, w, i) = counts(&result.changes);
    let _ = writeln!(out, "{MARKER}\n## OpenAPI spec diff\n");
    let _ = writeln!(
        out,
        "`{}` → `{}`\n",
        side(&result.base_file, &result.base_version),
        side(&result.revision_file, &result.revision_version)
    );
    let verdict = if e > 0 {
        "❌ **breaking changes for API clients**"
    } else if w > 0 {
        "⚠️ **changes that may break API clients**"
    } else if i > 0 {
        "✅ **no breaking change**"
    } else {
        "✅ **no API change**"
    };
    let _ = writeln!(
        out,
        "{verdict}: {}, {}, {i} info  ",
        plural(e, "error"),
        plural(w, "warning"),
    );
    let _ = writeln!(out, "**Rust API:** {}  ", rust_line(result.rust.as_ref()));
    let _ = writeln!(out, "**Semver bump:** {}\n", semver_line(result));

    let breaking: Vec<&Change> = result.changes.iter().filter(|c| c.is_breaking()).collect();
    if !breaking.is_empty() {
        let _ = writeln!(out, "### Breaking changes\n");
        md_table(&mut out, &breaking);
        out.push('\n');
    }
    if let Some(r) = result.rust.as_ref().filter(|r| r.error.is_none()) {
        let details = rust_details(r);
        if !details.is_empty() {
            let _ = writeln!(out, "### Generated Rust API\n");
            if !r.breaking.is_empty() {
                let _ = writeln!(out, "Breaking for Rust callers:\n");
                for reason in r.breaking.iter().take(MD_MAX_ROWS) {
                    let _ = writeln!(out, "- {}", md_escape(reason));
                }
                if r.breaking.len() > MD_MAX_ROWS {
                    let _ = writeln!(out, "- … and {} more", r.breaking.len() - MD_MAX_ROWS);
                }
                out.push('\n');
            }
            out.push_str("<details><summary>All Rust API changes</summary>\n\n```diff\n");
            for line in details.iter().take(MD_MAX_ROWS * 2) {
                let _ = writeln!(out, "{line}");
            }
            if details.len() > MD_MAX_ROWS * 2 {
                let _ = writeln!(out, "… and {} more", details.len() - MD_MAX_ROWS * 2);
            }
            out.push_str("```\n</details>\n\n");
        }
    }
    let other: Vec<&Change> = result.changes.iter().filter(|c| !c.is_breaking()).collect();
    if !other.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Other API changes ({})</summary>\n",
            other.len()
        );
        md_table(&mut out, &other);
        out.push_str("\n</details>\n");
    }
    out
}

// ---------------------------------------------------------------- json

fn delta_json(delta: &Delta) -> Value {
    json!({
        "added": delta.added,
        "removed": delta.removed,
        "changed": delta.changed.iter().map(|(item, change)| json!({"item": item, "change": change})).collect::<Vec<_>>(),
    })
}

pub fn to_json(result: &DiffResult) -> Value {
    let (e, w, i) = counts(&result.changes);
    let rust = match &result.rust {
        None => Value::Null,
        Some(r) => match &r.error {
            Some(error) => json!({"status": "error", "error": error}),
            None => json!({
                "status": "ok",
                "summary": r.summary(),
                "bump": r.bump().as_str(),
                "methods": delta_json(&r.methods),
                "builder_setters": delta_json(&r.setters),
                "types": delta_json(&r.types),
                "fields": delta_json(&r.fields),
                "variants": delta_json(&r.variants),
                "breaking": r.breaking,
            }),
        },
    };
    json!({
        "base": {"file": result.base_file, "version": result.base_version},
        "revision": {"file": result.revision_file, "version": result.revision_version},
        "summary": {"error": e, "warning": w, "info": i, "breaking": e + w > 0},
        "changes": result.changes.iter().map(|c| json!({
            "id": c.id,
            "level": c.level.as_str(),
            "operation": c.operation,
            "location": c.location,
            "message": c.message,
        })).collect::<Vec<_>>(),
        "rust": rust,
        "semver": result.semver.as_str(),
        "next_version": result.crate_version.as_deref().and_then(|v| result.semver.next_version(v)),
    })
}

// ---------------------------------------------------------------- github

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The line of the operation in the revision, when it is there.
fn operation_line(context: &Context, operation: &str) -> Option<usize> {
    let (method, path) = operation.split_once(' ')?;
    let pointer = format!(
        "/paths/{}/{}",
        escape_pointer_segment(path),
        method.to_ascii_lowercase()
    );
    hyperspell_codegen::load::locate(context.revision_text, &pointer).map(|(line, _)| line)
}

fn github(result: &DiffResult, context: &Context) -> String {
    let mut out = String::new();
    for c in &result.changes {
        let command = match c.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let mut props = format!("file={}", escape_property(context.revision_file));
        if let Some(line) = operation_line(context, &c.operation) {
            let _ = write!(props, ",line={line}");
        }
        let _ = write!(props, ",title={}", escape_property(&c.id));
        let op = if c.operation.is_empty() {
            String::new()
        } else {
            format!("{}: ", c.operation)
        };
        let _ = writeln!(
            out,
            "::{command} {props}::{}",
            escape_data(&format!("{op}{}", c.message))
        );
    }
    let (e, w, i) = counts(&result.changes);
    let _ = writeln!(
        out,
        "::notice title=spec diff::{}",
        escape_data(&format!(
            "{}, {}, {i} info; Rust API: {}; semver: {}",
            plural(e, "error"),
            plural(w, "warning"),
            rust_line(result.rust.as_ref()),
            semver_line(result)
        ))
    );
    out
}
