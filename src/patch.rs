//! Three-state fields for partial updates: absent, explicitly `null`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field of a partial update.
///
/// * [`Patch::Absent`]: the field is left out of the JSON body (the server keeps the value).
/// * [`Patch::Null`]: the field is sent as `null` (the server clears the value).
/// * [`Patch::Value`]: the field is sent with this value.
///
/// In a struct, mark the field `#[serde(default, skip_serializing_if = "Patch::is_absent")]`;
/// deserializing then gives back the same three states.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Patch<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }

    /// The value, if one is set.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Value(v) => Patch::Value(f(v)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl From<&str> for Patch<String> {
    fn from(value: &str) -> Self {
        Patch::Value(value.to_owned())
    }
}

/// `None` is an explicit `null`.
impl<T> From<Option<T>> for Patch<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Patch::Value(v),
            None => Patch::Null,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(v) => v.serialize(serializer),
            // `Absent` is normally skipped by `skip_serializing_if`; standing alone it can only
            // be written as null.
            Patch::Null | Patch::Absent => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize, Deserialize, Default, Debug, PartialEq)]
    struct Update {
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        title: Patch<String>,
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        collection: Patch<String>,
    }

    #[test]
    fn three_states_serialize_distinctly() {
        let u = Update {
            title: "t".to_owned().into(),
            collection: Patch::Null,
        };
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            json!({"title": "t", "collection": null})
        );
        assert_eq!(serde_json::to_value(Update::default()).unwrap(), json!({}));
    }

    #[test]
    fn three_states_deserialize_back() {
        let u: Update = serde_json::from_value(json!({"collection": null})).unwrap();
        assert_eq!(
            u,
            Update {
                title: Patch::Absent,
                collection: Patch::Null
            }
        );
        let u: Update = serde_json::from_value(json!({"title": "x"})).unwrap();
        assert_eq!(u.title, Patch::Value("x".to_owned()));
    }

    #[test]
    fn conversions() {
        assert_eq!(Patch::from(Some(1)), Patch::Value(1));
        assert_eq!(Patch::<i32>::from(None), Patch::Null);
        assert_eq!(Patch::Value(2).map(|v| v * 2).as_value(), Some(&4));
    }
}
