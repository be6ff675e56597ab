//! One stable sort for the whole app. `slice::sort_by` is compiled anew for every call site
//! (each comparator is its own type), about 3 KB of wasm each; here every call sorts indices
//! with the one compiled sort and a comparator behind a pointer, then puts the items in that
//! order. Stable, as `sort_by` is; the lists sorted here are a screen's, not the book's hot path.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order (as `slice::sort_by`).
pub fn by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` by `key` (as `slice::sort_by_key`).
pub fn by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their own order (as `slice::sort`).
pub fn all<T: Ord>(items: &mut Vec<T>) {
    by(items, |a, b| a.cmp(b));
}

#[inline(never)]
fn sort_indices(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

#[cfg(test)]
mod tests {
    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut items: Vec<(u8, usize)> =
            [3u8, 1, 2, 1, 3, 0, 2].iter().copied().zip(0..).collect();
        let mut expected = items.clone();
        expected.sort_by_key(|(k, _)| *k);
        super::by_key(&mut items, |(k, _)| *k);
        assert_eq!(items, expected, "equal keys keep their order");
    }
}
