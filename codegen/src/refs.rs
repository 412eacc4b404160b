//! The one `$ref` resolver and the one media-type parser of the pipeline: every stage that
//! follows a reference or compares a media type goes through here, so they agree on hop
//! limits, percent-decoding and parameters.

use serde_json::Value;

/// How many references a chain may have before it counts as a cycle.
pub const MAX_REF_HOPS: usize = 64;

/// The JSON pointer of a local `$ref` (`#/components/schemas/A%20B` → `/components/schemas/A B`),
/// percent-decoded as URI fragments are; `None` for an external reference.
pub fn local_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    Some(percent_decode(fragment))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// The value `value` stands for in `doc`: its chain of local `$ref`s followed to the end.
///
/// Stops at the first value that is no reference, or at a reference that cannot be followed
/// (external, dangling, or the [`MAX_REF_HOPS`]th of a cycle), which is returned as it is:
/// reporting those is the normalizer's job (`normalize/refs.rs`), done before any caller
/// needs this.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_REF_HOPS {
        let Some(target) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(local_pointer)
            .and_then(|pointer| doc.pointer(&pointer))
        else {
            return current;
        };
        current = target;
    }
    current
}

/// A media type's essence: without parameters, trimmed, lower case
/// (`Application/JSON; charset=utf-8` → `application/json`).
pub fn media_type_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON: `application/json`, or any `+json` / `/json` type.
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type_essence(media_type);
    essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
}

/// The value of `content` (a Media Types map) for `essence`, whatever the key's case or
/// parameters.
pub fn media_type_entry<'a>(
    content: &'a serde_json::Map<String, Value>,
    essence: &str,
) -> Option<&'a Value> {
    content
        .iter()
        .find(|(key, _)| media_type_essence(key) == essence)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn local_pointers_are_percent_decoded() {
        assert_eq!(local_pointer("#/a/b%20c").as_deref(), Some("/a/b c"));
        assert_eq!(
            local_pointer("#/a%41").as_deref(),
            Some("/aA"),
            "at the very end too"
        );
        assert_eq!(
            local_pointer("#/a%4").as_deref(),
            Some("/a%4"),
            "cut short: kept"
        );
        assert_eq!(
            local_pointer("#/a%zz").as_deref(),
            Some("/a%zz"),
            "not hex: kept"
        );
        assert_eq!(local_pointer("#").as_deref(), Some(""));
        assert_eq!(local_pointer("other.yaml#/a"), None);
    }

    #[test]
    fn chains_are_followed_to_the_end() {
        let doc = json!({
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B%20C"},
                "B C": {"$ref": "#/components/schemas/D"},
                "D": {"type": "string"},
            }}
        });
        let start = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&doc, &start), &json!({"type": "string"}));
        let plain = json!({"type": "integer"});
        assert_eq!(resolve(&doc, &plain), &plain);
    }

    #[test]
    fn what_cannot_be_followed_is_returned_as_it_is() {
        let doc = json!({"components": {"schemas": {
            "Loop": {"$ref": "#/components/schemas/Loop"},
            "Dangling": {"$ref": "#/components/schemas/Nowhere"},
        }}});
        let dangling = json!({"$ref": "#/components/schemas/Nowhere"});
        assert_eq!(resolve(&doc, &dangling), &dangling);
        let external = json!({"$ref": "other.yaml#/A"});
        assert_eq!(resolve(&doc, &external), &external);
        let cycle = json!({"$ref": "#/components/schemas/Loop"});
        assert_eq!(
            resolve(&doc, &cycle),
            &json!({"$ref": "#/components/schemas/Loop"}),
            "a cycle ends after MAX_REF_HOPS"
        );
    }

    #[test]
    fn media_types_are_compared_by_essence() {
        assert_eq!(
            media_type_essence(" Application/JSON ; charset=utf-8"),
            "application/json"
        );
        assert!(is_json_media_type("application/problem+json"));
        assert!(is_json_media_type("text/json"));
        assert!(!is_json_media_type("application/jsonl"));
        assert!(!is_json_media_type("multipart/form-data"));
        let content = json!({"Multipart/Form-Data; boundary=x": {"schema": {}}});
        assert!(media_type_entry(content.as_object().unwrap(), "multipart/form-data").is_some());
        assert!(media_type_entry(content.as_object().unwrap(), "application/json").is_none());
    }
}
