//! Redis's partial quicksort (`pqsort`, the BSD `qsort` of Bentley and McIlroy that
//! skips partitions outside a range of ranks). GEORADIUS and GEOSEARCH with COUNT use
//! it to order only the first results; it is not stable, so members at the same
//! distance come out in its own order, which this port reproduces step for step.

use std::cmp::Ordering;

/// Sorts `items` with `compare` so that ranks `first..=last` hold what a full sort
/// would put there, exactly as Redis's `pqsort(a, n, es, cmp, first, last)` leaves the
/// array (elsewhere the order is whatever the partitioning left).
pub fn partial_sort<T>(
    items: &mut [T],
    first: usize,
    last: usize,
    compare: &impl Fn(&T, &T) -> Ordering,
) {
    sort_range(items, 0, items.len(), first, last, compare);
}

/// The median of three positions by `compare`, as BSD's `med3`.
fn median_of_three<T>(
    items: &[T],
    a: usize,
    b: usize,
    c: usize,
    compare: &impl Fn(&T, &T) -> Ordering,
) -> usize {
    let less = |x: usize, y: usize| compare(&items[x], &items[y]) == Ordering::Less;
    let greater = |x: usize, y: usize| compare(&items[x], &items[y]) == Ordering::Greater;
    if less(a, b) {
        if less(b, c) {
            b
        } else if less(a, c) {
            c
        } else {
            a
        }
    } else if greater(b, c) {
        b
    } else if less(a, c) {
        a
    } else {
        c
    }
}

/// Swaps the `count` items from `a` with the `count` items from `b`, pairwise.
fn swap_blocks<T>(items: &mut [T], a: usize, b: usize, count: usize) {
    for i in 0..count {
        items.swap(a + i, b + i);
    }
}

/// True when the partition `start..start + len` holds none of the ranks wanted.
fn outside(start: usize, len: usize, first: usize, last: usize) -> bool {
    let end = start + len - 1;
    (first < start && last < start) || (first > end && last > end)
}

/// Sorts the `n` items from `start` (BSD's `_pqsort` loop, with offsets for pointers).
fn sort_range<T>(
    items: &mut [T],
    mut start: usize,
    mut n: usize,
    first: usize,
    last: usize,
    compare: &impl Fn(&T, &T) -> Ordering,
) {
    loop {
        if n < 7 {
            // Insertion sort.
            for m in start + 1..start + n {
                let mut l = m;
                while l > start && compare(&items[l - 1], &items[l]) == Ordering::Greater {
                    items.swap(l, l - 1);
                    l -= 1;
                }
            }
            return;
        }
        let mut pm = start + n / 2;
        if n > 7 {
            let mut pl = start;
            let mut pn = start + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = median_of_three(items, pl, pl + d, pl + 2 * d, compare);
                pm = median_of_three(items, pm - d, pm, pm + d, compare);
                pn = median_of_three(items, pn - 2 * d, pn - d, pn, compare);
            }
            pm = median_of_three(items, pl, pm, pn, compare);
        }
        items.swap(start, pm);
        let (mut pa, mut pb) = (start + 1, start + 1);
        let (mut pc, mut pd) = (start + n - 1, start + n - 1);
        loop {
            while pb <= pc {
                let order = compare(&items[pb], &items[start]);
                if order == Ordering::Greater {
                    break;
                }
                if order == Ordering::Equal {
                    items.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let order = compare(&items[pc], &items[start]);
                if order == Ordering::Less {
                    break;
                }
                if order == Ordering::Equal {
                    items.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            items.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = start + n;
        let r = (pa - start).min(pb - pa);
        swap_blocks(items, start, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        swap_blocks(items, pb, pn - r, r);
        let r = pb - pa;
        if r > 1 && !outside(start, r, first, last) {
            sort_range(items, start, r, first, last, compare);
        }
        let r = pd - pc;
        if r <= 1 {
            return;
        }
        // Iterate rather than recurse on the right part.
        start = pn - r;
        n = r;
        if outside(start, n, first, last) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic sequence of small numbers with many repeats.
    fn sample(len: usize, seed: u64) -> Vec<(u32, usize)> {
        let mut state = seed;
        (0..len)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (((state >> 33) % 50) as u32, i)
            })
            .collect()
    }

    #[test]
    fn the_ranks_asked_for_are_sorted() {
        let by_key = |a: &(u32, usize), b: &(u32, usize)| a.0.cmp(&b.0);
        for len in [1, 5, 7, 8, 40, 41, 100, 1000] {
            for last in [0, len / 3, len - 1] {
                let mut items = sample(len, len as u64 + last as u64);
                let mut sorted = items.clone();
                sorted.sort_by(by_key);
                partial_sort(&mut items, 0, last, &by_key);
                let keys = |v: &[(u32, usize)]| v.iter().map(|p| p.0).collect::<Vec<_>>();
                assert_eq!(keys(&items[..=last]), keys(&sorted[..=last]), "len {len}");
                let mut all: Vec<usize> = items.iter().map(|p| p.1).collect();
                all.sort_unstable();
                assert_eq!(all, (0..len).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn equal_keys_move_as_bsd_qsort_moves_them() {
        // Six items sort by insertion, which keeps equal keys in order.
        let by_key = |a: &(u32, usize), b: &(u32, usize)| a.0.cmp(&b.0);
        let mut items = vec![(1, 0), (0, 1), (1, 2), (0, 3), (1, 4), (0, 5)];
        partial_sort(&mut items, 0, 5, &by_key);
        assert_eq!(items, vec![(0, 1), (0, 3), (0, 5), (1, 0), (1, 2), (1, 4)]);
        // Eight items partition around a median-of-three pivot: not stable.
        let mut items: Vec<(u32, usize)> = (0..8).map(|i| ((i % 2) as u32, i)).collect();
        partial_sort(&mut items, 0, 7, &by_key);
        assert_eq!(
            items.iter().map(|p| p.0).collect::<Vec<_>>(),
            [0, 0, 0, 0, 1, 1, 1, 1]
        );
    }
}
