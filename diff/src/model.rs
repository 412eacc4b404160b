//! What the API diff reports: one [`Change`] per finding, with oasdiff's check id and level.

use std::fmt;

/// How much a change matters to existing clients (oasdiff's ERR / WARN / INFO).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text.to_ascii_lowercase().as_str() {
            "info" => Some(Level::Info),
            "warning" | "warn" => Some(Level::Warning),
            "error" | "err" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family of schema/contract field a check reads (oasdiff's rule kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Existence,
    Lifecycle,
    Constraints,
    Mutability,
    Requiredness,
    Structure,
    Type,
    Values,
}

impl Kind {
    /// The lowercase name (`existence`, `values`, ...), as the catalogue spells it.
    pub fn parse(text: &str) -> Option<Kind> {
        Some(match text {
            "existence" => Kind::Existence,
            "lifecycle" => Kind::Lifecycle,
            "constraints" => Kind::Constraints,
            "mutability" => Kind::Mutability,
            "requiredness" => Kind::Requiredness,
            "structure" => Kind::Structure,
            "type" => Kind::Type,
            "values" => Kind::Values,
            _ => return None,
        })
    }
}

/// One reported API change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// oasdiff's check id, e.g. `request-parameter-became-required`.
    pub id: String,
    pub level: Level,
    /// `METHOD /path`, or empty for document-wide changes (security schemes, global security).
    pub operation: String,
    /// Where in the operation (or document) the change is.
    pub location: String,
    /// One human sentence.
    pub message: String,
}

impl Change {
    /// Whether the change breaks existing clients (`error`) or may (`warning`).
    pub fn is_breaking(&self) -> bool {
        self.level >= Level::Warning
    }
}
