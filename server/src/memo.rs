//! [`TextMemo`]: the process-wide memo tables keyed by text (shell parses, the facts of
//! RUN scripts, highlight captures, ShellCheck results) with a bound on their memory, not
//! only on their number of entries.
//!
//! Bounded by entries alone, a table kept every version of a large RUN that was being
//! edited: a 2 MB RUN line took 100 MB per keystroke and the server grew past 2 GB after
//! 20 edits (tests/reliability). Here a key longer than [`MAX_KEY`] is not remembered
//! (it is worked out again when needed), and a table whose keys pass [`MAX_KEYS_BYTES`]
//! in all is emptied, as it is when it passes its number of entries.

use std::collections::HashMap;

/// The longest text remembered.
pub const MAX_KEY: usize = 256 << 10;

/// The most key bytes one table holds before it is emptied.
pub const MAX_KEYS_BYTES: usize = 4 << 20;

/// A memo by text of at most `ENTRIES` entries and [`MAX_KEYS_BYTES`] of keys.
#[derive(Debug)]
pub struct TextMemo<V, const ENTRIES: usize> {
    map: HashMap<String, V>,
    key_bytes: usize,
}

impl<V, const ENTRIES: usize> Default for TextMemo<V, ENTRIES> {
    fn default() -> Self {
        TextMemo {
            map: HashMap::new(),
            key_bytes: 0,
        }
    }
}

impl<V, const ENTRIES: usize> TextMemo<V, ENTRIES> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    /// Remembers `value` for `key`, emptying the table first when it is full; a key
    /// longer than [`MAX_KEY`] is not remembered.
    pub fn insert(&mut self, key: &str, value: V) {
        if key.len() > MAX_KEY {
            return;
        }
        if self.map.len() >= ENTRIES || self.key_bytes + key.len() > MAX_KEYS_BYTES {
            self.clear();
        }
        if self.map.insert(key.to_owned(), value).is_none() {
            self.key_bytes += key.len();
        }
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.map.shrink_to_fit();
        self.key_bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_bounded_by_entries_and_by_key_bytes() {
        let mut memo: TextMemo<u32, 3> = TextMemo::default();
        for (i, key) in ["a", "b", "c", "d"].into_iter().enumerate() {
            memo.insert(key, i as u32);
        }
        assert_eq!((memo.len(), memo.get("d")), (1, Some(&3)));

        let mut memo: TextMemo<u32, 1000> = TextMemo::default();
        memo.insert(&"x".repeat(MAX_KEY + 1), 1);
        assert!(memo.is_empty(), "a key past MAX_KEY is not remembered");
        let big = MAX_KEY;
        for i in 0..(MAX_KEYS_BYTES / big) {
            let id = i.to_string();
            memo.insert(&format!("{id}{}", "k".repeat(big - id.len())), i as u32);
        }
        assert_eq!(memo.len(), MAX_KEYS_BYTES / big);
        memo.insert(&"y".repeat(big), 9);
        assert_eq!(
            memo.len(),
            1,
            "the key bytes passed the bound: emptied first"
        );
        assert_eq!(memo.get(&"y".repeat(big)), Some(&9));
    }
}
