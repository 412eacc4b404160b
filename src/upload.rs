//! Upload metadata: a typed map sent the way `POST /memories/upload` expects it, as a
//! JSON-encoded form field.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind};

/// Longest metadata key the API accepts.
pub const MAX_METADATA_KEY_LEN: usize = 64;

/// A metadata value: string, integer, number or boolean. The same generated type the JSON
/// operations' `metadata` maps hold (`types::MetadataValue`), converting from `&str`, `String`,
/// `i64`, `f64` and `bool`.
pub use crate::types::MetadataValue;

/// Whether `key` is a valid metadata key: ASCII letters, digits and `_`, 1 to 64 characters.
pub fn is_valid_metadata_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_METADATA_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Validates keys and values and encodes the map as the JSON object string the API takes.
pub fn encode_metadata<K, V>(entries: impl IntoIterator<Item = (K, V)>) -> Result<String, Error>
where
    K: Into<String>,
    V: Into<MetadataValue>,
{
    let mut map = BTreeMap::new();
    for (key, value) in entries {
        let key = key.into();
        if !is_valid_metadata_key(&key) {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "invalid metadata key `{key}`: use 1 to {MAX_METADATA_KEY_LEN} ASCII letters, \
                     digits or underscores"
                ),
            ));
        }
        let value = value.into();
        if let MetadataValue::Number(v) = value
            && !v.is_finite()
        {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!("metadata value of `{key}` is {v}, which JSON cannot encode"),
            ));
        }
        map.insert(key, value);
    }
    serde_json::to_string(&map).map_err(|e| Error::new(ErrorKind::InvalidRequest, e.to_string()))
}

impl<'a> crate::builder::Upload<'a> {
    /// Sets the upload's metadata from a typed map (keys: 1 to 64 ASCII letters, digits or
    /// underscores; values: string, number or boolean), sent as the JSON-encoded `metadata`
    /// form field the API expects. Fails on an invalid key or a non-finite number.
    ///
    /// ```no_run
    /// # async fn f(client: hyperspell::Client) -> Result<(), hyperspell::Error> {
    /// use hyperspell::{MetadataValue, multipart::FilePart};
    ///
    /// let status = client
    ///     .memories().upload()
    ///     .file(FilePart::path("report.pdf"))
    ///     .metadata_map([("team", MetadataValue::from("infra")), ("year", 2025.into())])?
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn metadata_map<K, V>(
        self,
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, Error>
    where
        K: Into<String>,
        V: Into<MetadataValue>,
    {
        Ok(self.metadata(encode_metadata(entries)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_json_object_string() {
        let json = encode_metadata([
            ("team", MetadataValue::from("infra")),
            ("priority", 3.into()),
            ("score", 0.5.into()),
            ("public", false.into()),
        ])
        .unwrap();
        assert_eq!(
            json,
            r#"{"priority":3,"public":false,"score":0.5,"team":"infra"}"#
        );
        assert_eq!(
            encode_metadata(Vec::<(String, MetadataValue)>::new()).unwrap(),
            "{}"
        );
    }

    #[test]
    fn keys_are_validated() {
        assert!(is_valid_metadata_key("a_Z_09"));
        assert!(is_valid_metadata_key(&"k".repeat(64)));
        for bad in [
            "",
            "with space",
            "dash-key",
            "dot.key",
            "ümlaut",
            &"k".repeat(65),
        ] {
            assert!(!is_valid_metadata_key(bad), "{bad}");
            let err = encode_metadata([(bad, 1)]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        }
    }

    #[test]
    fn non_finite_numbers_are_rejected() {
        let err = encode_metadata([("x", f64::NAN)]).unwrap_err();
        assert!(err.to_string().contains("NaN"), "{err}");
    }
}
