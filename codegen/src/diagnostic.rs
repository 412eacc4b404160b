//! The one error type of the pipeline: what went wrong, where, and what to do.
//!
//! Every stage (load, normalize, name, generate) reports through [`Diagnostic`] so that
//! `build.rs`, `xtask generate`, `sync-spec` and `diff-spec` print the same clear message.

use std::fmt;

/// A located, human-readable error about an OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the document came from (as the user named it).
    pub file: String,
    /// JSON pointer of the offending node, e.g. `/paths/~1memories~1add/post`.
    pub pointer: Option<String>,
    /// 1-based line and column in `file`, when known.
    pub line_col: Option<(usize, usize)>,
    /// `METHOD /path (operationId)` when the problem belongs to one operation.
    pub operation: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            pointer: None,
            line_col: None,
            operation: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn line_col(mut self, line: usize, col: usize) -> Self {
        self.line_col = Some((line, col));
        self
    }

    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": error: {}", self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, "\n  at: {pointer}")?;
        }
        if let Some(operation) = &self.operation {
            write!(f, "\n  operation: {operation}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Splits a JSON pointer into unescaped segments.
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// A non-fatal change or finding the pipeline wants the user to know about
/// (e.g. "dropped cookie parameter", "removed `default` typify cannot express").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub pointer: String,
    pub message: String,
    /// A part of the API generated less faithfully than the document describes it (a schema
    /// typed as `serde_json::Value`, a media type or an operation left out, a renamed
    /// operation). `--strict` turns these into errors; the others only say what was adapted.
    pub degraded: bool,
    /// 1-based line and column in the source, filled for degraded notes.
    pub line_col: Option<(usize, usize)>,
}

impl Note {
    /// A change that keeps what the document means (or only drops what the client never uses).
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Note {
            pointer: pointer.into(),
            message: message.into(),
            degraded: false,
            line_col: None,
        }
    }

    /// A part generated with a fallback: see [`Note::degraded`].
    pub fn fallback(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Note {
            degraded: true,
            ..Note::new(pointer, message)
        }
    }

    /// `file:line:col: degraded: message (at pointer)`, the form `build.rs` and `xtask` print.
    pub fn display_in(&self, file: &str) -> String {
        let place = match self.line_col {
            Some((line, col)) => format!("{file}:{line}:{col}"),
            None => file.to_owned(),
        };
        let kind = if self.degraded { "degraded" } else { "note" };
        format!("{place}: {kind}: {} (at {})", self.message, self.pointer)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}
