//! Stable sorting through one sort routine.
//!
//! Each `sort_by` call site instantiates the standard library's stable sort
//! (about 4 kB of wasm) for its own element type and comparator. The app
//! sorts in six places, so [`sort_by`] sorts positions (`u32`) with the
//! comparator behind a `dyn` reference, one instantiation for all of them,
//! and then moves the elements into that order.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stable: equal elements keep their order.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let order = positions(v.len(), &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots[i as usize].take()));
}

/// Sorts `v` by `key`, stable.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Removes repeats from `v`, keeping each value where it first occurs.
pub fn dedup_stable<T: Ord>(v: &mut Vec<T>) {
    let order = positions(v.len(), &|a, b| v[a].cmp(&v[b]));
    let mut repeat = vec![false; v.len()];
    // Equal values sort together, their first occurrence first.
    for pair in order.windows(2) {
        let (a, b) = (pair[0] as usize, pair[1] as usize);
        if v[a] == v[b] {
            repeat[b] = true;
        }
    }
    let mut at = 0;
    v.retain(|_| {
        at += 1;
        !repeat[at - 1]
    });
}

/// `0..n` in the order `cmp` gives (stable), for any `n` a `Vec` holds:
/// positions past `u32::MAX` are not made (no list here comes near).
fn positions(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..u32::try_from(n).unwrap_or(u32::MAX)).collect();
    order.sort_by(|&a, &b| cmp(a as usize, b as usize));
    order
}

/// For a keyed list going from the keys `old` to `new`: per new row, the
/// old row it takes over (`Some(i)`) or none (a row to make). Each old
/// row goes to at most one new row, the first with its key; old rows that
/// no new row takes are the ones to remove.
pub fn reuse(old: &[&str], new: &[&str]) -> Vec<Option<usize>> {
    let mut free: Vec<bool> = vec![true; old.len()];
    new.iter()
        .map(|key| {
            let i = old.iter().zip(&free).position(|(k, f)| *f && k == key)?;
            free[i] = false;
            Some(i)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_taken_over_by_key_once() {
        assert_eq!(
            reuse(&["a", "b", "c"], &["c", "x", "a"]),
            [Some(2), None, Some(0)]
        );
        // A key twice: the second occurrence is made anew.
        assert_eq!(
            reuse(&["a", "b"], &["a", "a", "b"]),
            [Some(0), None, Some(1)]
        );
        assert_eq!(reuse(&["a", "a"], &["a", "a"]), [Some(0), Some(1)]);
        assert_eq!(reuse(&[], &["a"]), [None]);
        assert!(reuse(&["a"], &[]).is_empty());
    }

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // Pairs with many equal keys, so stability shows.
        let mut seed = 7u32;
        let v: Vec<(u32, u32)> = (0..500)
            .map(|i| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                ((seed >> 16) % 13, i)
            })
            .collect();
        let mut ours = v.clone();
        let mut std_sorted = v.clone();
        sort_by_key(&mut ours, |p| p.0);
        std_sorted.sort_by_key(|p| p.0);
        assert_eq!(ours, std_sorted);

        let mut ours = v.clone();
        let mut std_sorted = v;
        sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
        std_sorted.sort_by_key(|b| std::cmp::Reverse(b.0));
        assert_eq!(ours, std_sorted);
    }

    #[test]
    fn repeats_go_and_first_occurrences_keep_their_order() {
        let mut v = vec!["b", "a", "b", "c", "a", "b"];
        dedup_stable(&mut v);
        assert_eq!(v, ["b", "a", "c"]);
        let mut seed = 11u32;
        let v: Vec<u32> = (0..400)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 16) % 37
            })
            .collect();
        let mut ours = v.clone();
        dedup_stable(&mut ours);
        let mut seen = std::collections::HashSet::new();
        let expected: Vec<u32> = v.into_iter().filter(|x| seen.insert(*x)).collect();
        assert_eq!(ours, expected);
        let mut empty: Vec<u32> = Vec::new();
        dedup_stable(&mut empty);
        assert!(empty.is_empty());
    }

    #[test]
    fn empty_and_single() {
        let mut v: Vec<String> = Vec::new();
        sort_by_key(&mut v, |s| s.len());
        assert!(v.is_empty());
        let mut v = vec!["one".to_string()];
        sort_by_key(&mut v, |s| s.len());
        assert_eq!(v, ["one"]);
    }
}
