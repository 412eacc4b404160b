//! A typed partial update of a memory, where every field can be left out, cleared or set.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::patch::Patch;
use crate::types;
use crate::upload::MetadataValue;

/// The body of `POST /memories/update/{source}/{resource_id}` with typed fields.
///
/// The spec gives each field three states (FastAPI's unset sentinel); the generated
/// [`types::UpdateRequest`] keeps them only as `Option<serde_json::Value>` (`None` absent,
/// `Some(Value::Null)` null). This type says the same with [`Patch`] and real field types,
/// and converts into the generated one, so it goes straight into the builder's `body`:
///
/// ```no_run
/// # async fn f(client: hyperspell::Client) -> Result<(), hyperspell::Error> {
/// use hyperspell::{MemoryUpdate, Patch};
///
/// client
///     .memories().update()
///     .source("vault")
///     .resource_id("doc-1")
///     .body(MemoryUpdate::new().title("Q3 notes").collection(Patch::Null)) // text, date, metadata untouched
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemoryUpdate {
    /// Full text; a new value re-indexes the document.
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub text: Patch<String>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub title: Patch<String>,
    /// Deprecated by the API: put the collection in metadata. `Null` removes it.
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub collection: Patch<String>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub date: Patch<DateTime<Utc>>,
    /// Merged into the existing metadata; a `None` value removes that key.
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub metadata: Patch<BTreeMap<String, Option<MetadataValue>>>,
}

impl MemoryUpdate {
    /// Nothing changed (every field absent).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `text` to a value, or to `null` with `Patch::Null`.
    pub fn text(mut self, text: impl Into<Patch<String>>) -> Self {
        self.text = text.into();
        self
    }

    pub fn title(mut self, title: impl Into<Patch<String>>) -> Self {
        self.title = title.into();
        self
    }

    pub fn collection(mut self, collection: impl Into<Patch<String>>) -> Self {
        self.collection = collection.into();
        self
    }

    pub fn date(mut self, date: impl Into<Patch<DateTime<Utc>>>) -> Self {
        self.date = date.into();
        self
    }

    pub fn metadata<K, V>(mut self, entries: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<Option<MetadataValue>>,
    {
        let map = entries
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.metadata = Patch::Value(map);
        self
    }

    /// Sends `metadata: null`.
    pub fn clear_metadata(mut self) -> Self {
        self.metadata = Patch::Null;
        self
    }
}

fn field<T: Serialize>(patch: Patch<T>) -> Option<serde_json::Value> {
    match patch {
        Patch::Absent => None,
        Patch::Null => Some(serde_json::Value::Null),
        Patch::Value(v) => Some(serde_json::to_value(v).unwrap_or(serde_json::Value::Null)),
    }
}

impl From<MemoryUpdate> for types::UpdateRequest {
    fn from(update: MemoryUpdate) -> Self {
        types::UpdateRequest {
            text: field(update.text),
            title: field(update.title),
            collection: field(update.collection),
            date: field(update.date),
            metadata: field(update.metadata),
            extra_fields: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_into_the_generated_type_keeping_three_states() {
        let update = MemoryUpdate::new()
            .title("t")
            .collection(Patch::Null)
            .metadata([("team", Some(MetadataValue::from("infra"))), ("old", None)]);
        let json =
            json!({"title": "t", "collection": null, "metadata": {"team": "infra", "old": null}});
        assert_eq!(serde_json::to_value(&update).unwrap(), json);
        let generated: types::UpdateRequest = update.into();
        assert_eq!(serde_json::to_value(&generated).unwrap(), json);
        assert_eq!(
            serde_json::to_value(types::UpdateRequest::from(MemoryUpdate::new())).unwrap(),
            json!({})
        );
    }
}
