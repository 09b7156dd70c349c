//! The stored orders of a fake: kept in arrival order, at most `cap` of them (the oldest evicted first), each
//! with a sequence number that never changes, so an index (key -> sequence number) finds an order in O(1).
//!
//! What an evicted order looks like to a client: it is gone, as if never accepted (a lookup answers 404, a search
//! does not list it), its index entries are removed with it, and a `SourceId` (Gooten) or client key (Rewix) it
//! carried may be used again. Ids keep counting up: an id is never handed out twice.

use std::{
    collections::{HashMap, VecDeque, hash_map::Entry},
    hash::Hash,
};

/// How many orders each fake keeps when not told otherwise (`--max-orders`, `set_max_orders`).
pub const DEFAULT_MAX_ORDERS: usize = 100_000;

pub(crate) struct OrderStore<T> {
    orders: VecDeque<T>,
    /// The sequence number of `orders[0]`.
    first: u64,
    cap: usize,
}

impl<T> Default for OrderStore<T> {
    fn default() -> Self {
        OrderStore {
            orders: VecDeque::new(),
            first: 0,
            cap: DEFAULT_MAX_ORDERS,
        }
    }
}

impl<T> OrderStore<T> {
    /// How many orders are stored.
    pub(crate) fn len(&self) -> usize {
        self.orders.len()
    }

    /// The sequence number the next order gets (how many were ever stored).
    pub(crate) fn next_seq(&self) -> u64 {
        self.first + self.orders.len() as u64
    }

    /// Sets the cap (at least 1) and returns the orders evicted to meet it, oldest first.
    pub(crate) fn set_cap(&mut self, cap: usize) -> Vec<(u64, T)> {
        self.cap = cap.max(1);
        self.evict_to(self.cap)
    }

    /// Stores `order` under [`Self::next_seq`], first evicting the oldest orders so that, with it, at most `cap`
    /// are stored; returns the evicted ones, oldest first.
    pub(crate) fn push(&mut self, order: T) -> Vec<(u64, T)> {
        let evicted = self.evict_to(self.cap - 1);
        self.orders.push_back(order);
        evicted
    }

    fn evict_to(&mut self, keep: usize) -> Vec<(u64, T)> {
        let mut evicted = Vec::new();
        while self.orders.len() > keep {
            let order = self.orders.pop_front().expect("not empty");
            evicted.push((self.first, order));
            self.first += 1;
        }
        evicted
    }

    fn position(&self, seq: u64) -> Option<usize> {
        seq.checked_sub(self.first)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|&i| i < self.orders.len())
    }

    pub(crate) fn get(&self, seq: u64) -> Option<&T> {
        self.position(seq).map(|i| &self.orders[i])
    }

    pub(crate) fn get_mut(&mut self, seq: u64) -> Option<&mut T> {
        self.position(seq).map(|i| &mut self.orders[i])
    }

    /// The stored orders, oldest first.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.orders.iter()
    }
}

/// An index from a key to the sequence numbers of the stored orders carrying it, oldest first (a key may be
/// carried by several orders where the API allows it).
pub(crate) struct KeyIndex<K>(HashMap<K, Seqs>);

/// The sequence numbers of one key: nearly always one, which needs no allocation of its own.
enum Seqs {
    One(u64),
    Many(VecDeque<u64>),
}

impl<K> Default for KeyIndex<K> {
    fn default() -> Self {
        KeyIndex(HashMap::new())
    }
}

impl<K: Hash + Eq> KeyIndex<K> {
    pub(crate) fn insert(&mut self, key: K, seq: u64) {
        match self.0.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(Seqs::One(seq));
            }
            Entry::Occupied(mut slot) => {
                let seqs = slot.get_mut();
                match seqs {
                    Seqs::One(first) => *seqs = Seqs::Many(VecDeque::from([*first, seq])),
                    Seqs::Many(all) => all.push_back(seq),
                }
            }
        }
    }

    /// Removes an evicted order's entry: always the oldest of its key, since orders are evicted oldest first.
    pub(crate) fn remove_oldest<Q>(&mut self, key: &Q, seq: u64)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let empty = match self.0.get_mut(key) {
            None => return,
            Some(Seqs::One(only)) => *only == seq,
            Some(Seqs::Many(all)) => {
                if all.front() == Some(&seq) {
                    all.pop_front();
                } else {
                    all.retain(|s| *s != seq);
                }
                all.is_empty()
            }
        };
        if empty {
            self.0.remove(key);
        }
    }

    /// The sequence numbers of the orders with this key, oldest first.
    pub(crate) fn get<Q>(&self, key: &Q) -> impl DoubleEndedIterator<Item = u64> + '_
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (one, many) = match self.0.get(key) {
            None => (None, None),
            Some(Seqs::One(seq)) => (Some(*seq), None),
            Some(Seqs::Many(all)) => (None, Some(all.iter().copied())),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// How many keys the index holds.
    #[cfg(test)]
    pub(crate) fn keys(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_evicts_oldest_first_and_keeps_sequence_numbers() {
        let mut store = OrderStore::default();
        assert!(store.set_cap(2).is_empty());
        assert!(store.push("a").is_empty());
        assert!(store.push("b").is_empty());
        assert_eq!(store.push("c"), [(0, "a")]);
        assert_eq!((store.len(), store.next_seq()), (2, 3));
        assert_eq!(
            (store.get(0), store.get(1), store.get(2), store.get(3)),
            (None, Some(&"b"), Some(&"c"), None)
        );
        assert_eq!(store.set_cap(0), [(1, "b")], "a cap of 0 keeps one");
        assert_eq!(store.iter().collect::<Vec<_>>(), [&"c"]);
    }

    #[test]
    fn the_key_index_forgets_evicted_orders() {
        let mut index = KeyIndex::default();
        index.insert("k".to_string(), 0);
        index.insert("k".to_string(), 3);
        index.insert("j".to_string(), 1);
        assert_eq!(index.get("k").collect::<Vec<_>>(), [0, 3]);
        index.remove_oldest("k", 0);
        assert_eq!(index.get("k").collect::<Vec<_>>(), [3]);
        index.remove_oldest("j", 1);
        assert_eq!((index.keys(), index.get("j").count()), (1, 0));
        // Back to one, then none; newest first from the back.
        index.insert("k".to_string(), 5);
        assert_eq!(index.get("k").next_back(), Some(5));
        index.remove_oldest("k", 3);
        index.remove_oldest("k", 5);
        assert_eq!((index.keys(), index.get("k").count()), (0, 0));
    }
}
