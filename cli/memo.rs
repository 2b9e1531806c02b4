//! Values derived from a list of texts, kept for the next run while the texts stay exactly the
//! same. The language server checks again on every keystroke, and what it derives from every
//! contact or system rarely changes. A kept value is keyed by its whole input, compared text for
//! text (never by a hash), so it is always the value the input gives.

use std::sync::{Arc, Mutex, PoisonError};

/// A value and the texts it was derived from.
type Kept<T> = (Vec<Box<str>>, Arc<T>);

/// The place of one kept value (`Slot::new` in a `static`).
pub struct Slot<T>(Mutex<Option<Kept<T>>>);

impl<T> Slot<T> {
    pub const fn new() -> Slot<T> {
        Slot(Mutex::new(None))
    }

    /// The value `make` derives from `key`: the one kept when the key is the same as last time,
    /// else made now and kept in its place.
    pub fn get<'k>(&self, key: impl Iterator<Item = &'k str>, make: impl FnOnce() -> T) -> Arc<T> {
        let key: Vec<&str> = key.collect();
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let same =
            |(k, _): &&(Vec<Box<str>>, Arc<T>)| k.len() == key.len() && k.iter().zip(&key).all(|(a, b)| **a == **b);
        if let Some((_, value)) = kept.as_ref().filter(same) {
            return value.clone();
        }
        let value = Arc::new(make());
        *kept = Some((key.into_iter().map(Box::from).collect(), value.clone()));
        value
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_only_for_the_same_texts() {
        let slot: Slot<String> = Slot::new();
        let made = std::cell::Cell::new(0);
        let get = |key: &[&str]| {
            slot.get(key.iter().copied(), || {
                made.set(made.get() + 1);
                key.join("+")
            })
        };
        let first = get(&["anna.schmidt", "dc-duty"]);
        assert!(Arc::ptr_eq(&first, &get(&["anna.schmidt", "dc-duty"])), "the same texts: the kept value");
        assert_eq!(made.get(), 1);
        // one text more, one less, or one different: made again
        assert_eq!(*get(&["anna.schmidt", "dc-duty", "x"]), "anna.schmidt+dc-duty+x");
        assert_eq!(*get(&["anna.schmidt"]), "anna.schmidt");
        assert_eq!(*get(&["anna.schmidt2"]), "anna.schmidt2");
        assert_eq!(*get(&[]), "");
        assert_eq!(made.get(), 5);
    }
}
