//! The check catalogue: every check id oasdiff defines (same ids, same default levels), with the
//! kind of change it reports. Kinds drive which checks a schema node claims (`out.rs`).
//!
//! The data is `checks.tsv` (one check a line: id, level, kind), generated once from oasdiff's
//! rule list and parsed once on first use. Ids this tool never emits are kept so that levels and
//! kinds stay aligned with oasdiff's numbering of concepts.

use std::sync::LazyLock;

use super::model::{Kind, Level};

/// One check of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// oasdiff's id, e.g. `request-parameter-became-required`.
    pub id: &'static str,
    /// oasdiff's default level.
    pub level: Level,
    pub kind: Kind,
}

const TABLE: &str = include_str!("checks.tsv");

static CHECKS: LazyLock<Vec<Check>> =
    LazyLock::new(|| parse(TABLE).unwrap_or_else(|error| panic!("checks.tsv: {error}")));

/// Every check, sorted by id.
pub fn checks() -> &'static [Check] {
    &CHECKS
}

/// The catalogue entry of `id`.
pub fn lookup(id: &str) -> Option<(Level, Kind)> {
    let checks = checks();
    checks
        .binary_search_by(|probe| probe.id.cmp(id))
        .ok()
        .map(|index| (checks[index].level, checks[index].kind))
}

/// Whether `id` is a known check.
pub fn exists(id: &str) -> bool {
    lookup(id).is_some()
}

/// Parses the table: `#` lines are comments; every other line is `id<TAB>level<TAB>kind`, ids
/// strictly ascending. An error names the line.
fn parse(table: &'static str) -> Result<Vec<Check>, String> {
    let mut checks: Vec<Check> = Vec::new();
    for (index, line) in table.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let at = |what: String| format!("line {}: {what}", index + 1);
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [id, level, kind] = fields[..] else {
            return Err(at(format!(
                "expected 3 tab-separated fields (id, level, kind), found {}",
                fields.len()
            )));
        };
        let level = Level::parse(level).ok_or_else(|| at(format!("unknown level `{level}`")))?;
        let kind = Kind::parse(kind).ok_or_else(|| at(format!("unknown kind `{kind}`")))?;
        if let Some(previous) = checks.last()
            && previous.id >= id
        {
            return Err(at(format!(
                "`{id}` is not after `{}` (ids sorted, unique)",
                previous.id
            )));
        }
        checks.push(Check { id, level, kind });
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_sorted_and_unique() {
        let checks = parse(TABLE).unwrap();
        // oasdiff's rule list as generated: adding or dropping a line is a deliberate change.
        assert_eq!(checks.len(), 509);
        assert!(checks.windows(2).all(|pair| pair[0].id < pair[1].id));
    }

    #[test]
    fn lookups_read_level_and_kind() {
        assert_eq!(
            lookup("request-parameter-became-required"),
            Some((Level::Error, Kind::Requiredness))
        );
        assert_eq!(
            lookup("response-property-enum-value-added"),
            Some((Level::Warning, Kind::Values))
        );
        assert_eq!(
            lookup("endpoint-added"),
            Some((Level::Info, Kind::Existence))
        );
        assert_eq!(lookup("no-such-check"), None);
    }

    #[test]
    fn malformed_lines_are_errors_naming_the_line() {
        assert_eq!(
            parse("# c\nb-id\terror\ttype\na-id\tinfo\ttype\n").unwrap_err(),
            "line 3: `a-id` is not after `b-id` (ids sorted, unique)"
        );
        assert_eq!(
            parse("x\tfatal\ttype").unwrap_err(),
            "line 1: unknown level `fatal`"
        );
        assert_eq!(
            parse("x\terror\tcolour").unwrap_err(),
            "line 1: unknown kind `colour`"
        );
        assert!(
            parse("x error type")
                .unwrap_err()
                .contains("3 tab-separated fields")
        );
    }
}
