//! Keyset (cursor) pagination: a page holds `items` and an opaque `next_cursor` that encodes the
//! sort key of its last item. Unlike offsets, a cursor stays correct while rows are inserted.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Serialize, de::DeserializeOwned};

/// Page sizes every list endpoint accepts.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in order: the extra row only tells that
    /// there is more, and the cursor is the key of the last row kept.
    pub fn from_rows<K: Serialize>(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> K) -> Self {
        let limit = limit as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode(&key(last)))
        } else {
            None
        };
        Self { items: rows, next_cursor }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

/// A cursor that is not one we issued (or was issued for another list).
#[derive(Debug, thiserror::Error)]
#[error("the cursor is not valid for this list")]
pub struct InvalidCursor;

/// What a list request asks for: a page size and, after the first page, a cursor.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub limit: u32,
    pub cursor: Option<String>,
}

impl PageRequest {
    pub fn first(limit: u32) -> Self {
        Self { limit, cursor: None }
    }

    /// The decoded sort key to continue after, if any.
    pub fn after<K: DeserializeOwned>(&self) -> Result<Option<K>, InvalidCursor> {
        self.cursor.as_deref().map(decode).transpose()
    }

    /// What to `limit` the query to: one more row than the page, to learn whether there is more.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// `key` as an opaque cursor ([`PageRequest::after`] reads it back).
pub fn encode<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).expect("cursor keys serialize"))
}

fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, InvalidCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| InvalidCursor)?;
    serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_points_after_the_last_item_of_a_full_page() {
        let page = Page::from_rows(vec![5, 4, 3], 2, |n| *n);
        assert_eq!(page.items, [5, 4]);
        let next = PageRequest { limit: 2, cursor: page.next_cursor };
        assert_eq!(next.after::<i32>().unwrap(), Some(4));

        let last = Page::from_rows(vec![1], 2, |n| *n);
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn foreign_cursors_are_rejected() {
        let request = PageRequest { limit: 2, cursor: Some("not a cursor".into()) };
        assert!(request.after::<i32>().is_err());
        let wrong_shape = PageRequest { limit: 2, cursor: Some(encode(&"text")) };
        assert!(wrong_shape.after::<i32>().is_err());
    }
}
