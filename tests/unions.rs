//! Discriminated unions (the document trees) decode by their tag, keep unknown variants as
//! JSON, and serialize back with exactly one tag.

use hyperspell::types::{Callout, CalloutChildrenItem};
use serde_json::json;

fn callout() -> serde_json::Value {
    json!({
        "type": "callout",
        "title": "Note",
        "children": [
            {"type": "text", "text": "known"},
            {"type": "hologram", "frames": [1, 2, 3]},
            {"type": "callout", "children": [{"text": "nested", "type": "text"}]}
        ]
    })
}

#[test]
fn known_variants_decode_by_tag_and_unknown_ones_are_kept() {
    let parsed: Callout = serde_json::from_value(callout()).expect("decodes");
    let children = parsed.children.expect("children");
    assert!(matches!(&children[0], CalloutChildrenItem::Text(t) if t.text == "known"));
    match &children[1] {
        CalloutChildrenItem::Unknown(raw) => {
            assert_eq!(raw, &json!({"type": "hologram", "frames": [1, 2, 3]}))
        }
        other => panic!("an unknown type must be kept as JSON, got {other:?}"),
    }
    // The tag comes after other fields here: decoding must not depend on key order.
    let CalloutChildrenItem::Callout(nested) = &children[2] else {
        panic!("nested callout")
    };
    assert!(
        matches!(&nested.children.as_ref().unwrap()[0], CalloutChildrenItem::Text(t) if t.text == "nested")
    );
}

#[test]
fn serialization_writes_each_tag_once() {
    let parsed: Callout = serde_json::from_value(callout()).unwrap();
    let text = serde_json::to_string(&parsed).unwrap();
    assert_eq!(text.matches("\"type\":\"text\"").count(), 2, "{text}");
    assert_eq!(text.matches("\"type\":\"callout\"").count(), 2, "{text}");
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        back["children"][1],
        json!({"type": "hologram", "frames": [1, 2, 3]})
    );
}

#[test]
fn a_known_tag_with_a_body_that_no_longer_fits_is_kept_too() {
    // A tolerant reader: a node whose known variant changed shape (`text` is a string in the
    // spec) is kept as JSON instead of failing the whole document.
    let changed = json!({"type": "callout", "children": [{"type": "text", "text": 5}]});
    let parsed: Callout = serde_json::from_value(changed).expect("the document still decodes");
    let children = parsed.children.unwrap();
    assert!(matches!(&children[0], CalloutChildrenItem::Unknown(raw) if raw["text"] == 5));
}

#[test]
fn an_any_of_told_apart_by_tag_is_an_enum_not_a_struct_of_every_branch() {
    use hyperspell::types::{List, ListChildrenItem};
    let list: List = serde_json::from_value(json!({
        "type": "list",
        "children": [{"type": "list_item", "text": "first"}, {"type": "todo", "text": "second"}]
    }))
    .expect("decodes");
    assert!(matches!(&list.children[0], ListChildrenItem::ListItem(_)));
    assert!(matches!(&list.children[1], ListChildrenItem::ToDo(_)));
    let text = serde_json::to_string(&list).unwrap();
    assert_eq!(
        text.matches("\"type\":").count(),
        3,
        "one tag per node: {text}"
    );
}

#[test]
fn every_decoding_path_gives_the_same_tree() {
    // From bytes the outermost union buffers the JSON text once and decodes nested unions in
    // one pass; from a `Value` it goes through the value. A node that does not fit, deep
    // inside, sends the whole tree down the slow tolerant path: the result is the same.
    let tree = json!({
        "type": "callout",
        "children": [
            {"title": "tag not first", "type": "callout", "children": [
                {"type": "callout", "children": [{"type": "text", "text": 5}]},
                {"type": "text", "text": "fine"},
                "not an object",
                {"no": "tag"},
                {"type": 7},
            ]},
            {"type": "hologram", "frames": [1, 2, 3]},
        ]
    });
    let from_value: Callout = serde_json::from_value(tree.clone()).unwrap();
    let text = serde_json::to_string(&tree).unwrap();
    let from_str: Callout = serde_json::from_str(&text).unwrap();
    let from_slice: Callout = serde_json::from_slice(text.as_bytes()).unwrap();
    let from_reader: Callout = serde_json::from_reader(text.as_bytes()).unwrap();
    assert_eq!(from_str, from_value);
    assert_eq!(from_slice, from_value);
    assert_eq!(from_reader, from_value);
    assert_eq!(serde_json::to_value(&from_str).unwrap(), tree);

    let outer = from_str.children.unwrap();
    let CalloutChildrenItem::Callout(inner) = &outer[0] else {
        panic!("a tag after other fields still decodes: {:?}", outer[0])
    };
    let inner = inner.children.as_ref().unwrap();
    let CalloutChildrenItem::Callout(deepest) = &inner[0] else {
        panic!(
            "only the node that does not fit is kept as JSON: {:?}",
            inner[0]
        )
    };
    assert!(matches!(
        &deepest.children.as_ref().unwrap()[0],
        CalloutChildrenItem::Unknown(raw) if raw["text"] == 5
    ));
    assert!(matches!(&inner[1], CalloutChildrenItem::Text(t) if t.text == "fine"));
    for unknown in &inner[2..] {
        assert!(
            matches!(unknown, CalloutChildrenItem::Unknown(_)),
            "{unknown:?}"
        );
    }
    assert!(matches!(&outer[1], CalloutChildrenItem::Unknown(_)));
}
