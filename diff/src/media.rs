//! Media type names: parsing and refinement (`application/json` ⊇ `application/problem+json`).

/// `(type, subtype, suffixes)` of a media type name, parameters ignored.
fn parse(name: &str) -> Option<(String, String, Vec<String>)> {
    let essence = name.split(';').next()?.trim().to_ascii_lowercase();
    let (kind, sub) = essence.split_once('/')?;
    let (kind, sub) = (kind.trim(), sub.trim());
    if kind.is_empty() || sub.is_empty() {
        return None;
    }
    let mut parts = sub.split('+').map(str::trim);
    let subtype = parts.next()?.to_owned();
    let suffixes: Vec<String> = parts.map(str::to_owned).collect();
    if subtype.is_empty() || suffixes.iter().any(String::is_empty) {
        return None;
    }
    Some((kind.to_owned(), subtype, suffixes))
}

/// Whether `b` is `a` or a refinement of it (a client expecting `a` can read `b`):
/// `application/json` contains `application/problem+json`, `image/png+json` contains
/// `image/png+json+xml`.
pub fn contained(a: &str, b: &str) -> bool {
    let (Some((ta, sa, xa)), Some((tb, sb, xb))) = (parse(a), parse(b)) else {
        return false;
    };
    if ta != tb {
        return false;
    }
    if xa.is_empty() && xb.last() == Some(&sa) {
        return true;
    }
    sa == sb && xb.len() >= xa.len() && xa.iter().zip(&xb).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::contained;

    #[test]
    fn refinements() {
        assert!(contained("application/json", "application/problem+json"));
        assert!(!contained("application/problem+json", "application/json"));
        assert!(contained("image/png+json", "image/png+json+xml"));
        assert!(!contained("text/plain", "application/json"));
        assert!(contained(
            "application/json",
            "application/json; charset=utf-8"
        ));
    }
}
