//! Rolling order statistics: the median and the median absolute deviation of every
//! window, over a sorted window (small windows) or a Fenwick tree over ranks (large
//! ones). See Note [Rolling medians].

/// Note [Rolling medians]
/// Both structures keep the window's finite values in sorted order as the window
/// slides (a missing value is counted, not stored: a window with one is NaN).
///
/// - Small windows (`sorted_window_for`): a sorted `Vec`. Sliding removes the value
///   that leaves and inserts the one that enters with two branch-free binary searches
///   and one `copy_within` of the values between the two positions: O(log w) compares
///   plus a memmove of O(w) contiguous values, which for these sizes costs less than the
///   pointer-chasing of a heap or a skiplist (bottleneck's double heap, pandas'
///   skiplist). The median is then an index: O(1).
/// - Larger windows: the chunk's values are sorted once (O(L log L) for a chunk of
///   `L = O(w)` values, see `chunk_len`) and the window is a 0/1 Fenwick tree over their
///   ranks; entering and leaving are O(log L) updates and the value of a given rank in
///   the window is an O(log L) descent (`select`). So O(n log w) overall.
///
/// MAD (`median(|x - median(x)|)`, unscaled, over the same window): with the sorted
/// values v[0..w) and the median m, split at c = w/2: the deviations of the left part,
/// m - v[c-1], m - v[c-2], ..., and those of the right part, v[c] - m, v[c+1] - m, ...,
/// are two ascending sequences (v[c-1] <= m <= v[c]). The k-th smallest deviation is the
/// k-th element of their merge, found by a binary search on how many of the k+1
/// smallest come from the left part (the classic k-th of two sorted arrays): O(log w)
/// probes of the sorted structure — O(log w) per window over a sorted `Vec`, O(log w ·
/// log L) over the Fenwick tree. The even-length median's neighbour is one more O(1)
/// step of the same merge.
///
/// The switch points are measured crossovers (1M float64 values, one thread): a sorted
/// `Vec` is faster up to about 1,500 values for medians, and up to about 20,000 for MADs,
/// whose O(log w · log L) Fenwick probes cost more than the memmove until then.
pub const SORTED_MAX: usize = 1024;
/// `SORTED_MAX` for MADs.
pub const SORTED_MAX_MAD: usize = 16384;

/// Whether windows of `w` values use the sorted `Vec`.
pub fn sorted_window_for(w: usize, mad: bool) -> bool {
    w <= if mad { SORTED_MAX_MAD } else { SORTED_MAX }
}

/// The median (or MAD) of each window ending at `c0..c1` of a row whose element `i` is
/// `x[i - base]`, into `out[j - c0]`. Requires `1 <= w <= c0 + 1`, `c0 < c1` and
/// `base <= c0 + 1 - w`. Non-finite values make their windows NaN (pandas' rule).
pub fn medians(x: &[f64], base: usize, w: usize, c0: usize, c1: usize, out: &mut [f64], mad: bool) {
    debug_assert!(w >= 1 && c0 + 1 >= w && c0 < c1 && base + w <= c0 + 1);
    debug_assert!(x.len() + base >= c1 && out.len() == c1 - c0);
    let vals = &x[c0 + 1 - w - base..c1 - base];
    if sorted_window_for(w, mad) {
        sorted_window(vals, w, out, mad)
    } else {
        fenwick_window(vals, w, out, mad)
    }
}

/// The statistic of a window given access to its sorted values.
#[inline(always)]
fn statistic(w: usize, at: impl Fn(usize) -> f64, mad: bool) -> f64 {
    let c = w / 2;
    let med = if w % 2 == 1 { at(c) } else { (at(c - 1) + at(c)) / 2.0 };
    if !mad {
        return med;
    }
    if !med.is_finite() {
        // Only when the two middle values overflow: every deviation is infinite.
        return f64::INFINITY;
    }
    // Deviations: left[i] = med - v[c-1-i] (i < c), right[j] = v[c+j] - med (j < w-c).
    let left = |i: usize| med - at(c - 1 - i);
    let right = |j: usize| at(c + j) - med;
    let (nl, nr) = (c, w - c);
    // The k-th smallest deviation (0-based), k = (w-1)/2; for even w also the next one.
    let k = (w - 1) / 2;
    // i = how many of the k+1 smallest deviations are left ones: the smallest i in
    // [lo, hi] with left[i] >= right[k-i] (or i == hi).
    let mut lo = (k + 1).saturating_sub(nr);
    let mut hi = (k + 1).min(nl);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if left(mid) >= right(k - mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let i = lo;
    let kth = match (i > 0, i <= k) {
        (true, true) => left(i - 1).max(right(k - i)),
        (true, false) => left(i - 1),
        _ => right(k - i),
    };
    if w % 2 == 1 {
        return kth;
    }
    // The (k+1)-th: the smaller of the next left and the next right deviation.
    let next_left = if i < nl { left(i) } else { f64::INFINITY };
    let next_right = if k + 1 - i < nr { right(k + 1 - i) } else { f64::INFINITY };
    (kth + next_left.min(next_right)) / 2.0
}

/// First index of sorted `v` whose value is not below `x` (branch-free).
#[inline(always)]
fn lower_bound(v: &[f64], x: f64) -> usize {
    if v.is_empty() {
        return 0;
    }
    let mut base = 0usize;
    let mut size = v.len();
    while size > 1 {
        let half = size / 2;
        let mid = base + half;
        base = if v[mid] < x { mid } else { base };
        size -= half;
    }
    base + (v[base] < x) as usize
}

/// `vals` holds the chunk's first window (`w` values) followed by one entering value
/// per further output.
fn sorted_window(vals: &[f64], w: usize, out: &mut [f64], mad: bool) {
    let mut win: Vec<f64> = vals[..w].iter().copied().filter(|v| v.is_finite()).collect();
    win.sort_unstable_by(|a, b| a.total_cmp(b));
    let stat = |win: &[f64]| if win.len() == w { statistic(w, |i| win[i], mad) } else { f64::NAN };
    out[0] = stat(&win);
    for (j, o) in out.iter_mut().enumerate().skip(1) {
        let old = vals[j - 1];
        let new = vals[j + w - 1];
        match (old.is_finite(), new.is_finite()) {
            (true, true) => {
                let p = lower_bound(&win, old);
                if new > old {
                    let q = p + 1 + lower_bound(&win[p + 1..], new);
                    win.copy_within(p + 1..q, p);
                    win[q - 1] = new;
                } else if new < old {
                    let q = lower_bound(&win[..p], new);
                    win.copy_within(q..p, q + 1);
                    win[q] = new;
                } else {
                    win[p] = new;
                }
            }
            (true, false) => {
                let p = lower_bound(&win, old);
                win.remove(p);
            }
            (false, true) => {
                let q = lower_bound(&win, new);
                win.insert(q, new);
            }
            (false, false) => {}
        }
        *o = stat(&win);
    }
}

/// A Fenwick tree of 0/1 counts over `size` (a power of two) ranks.
struct Fenwick {
    tree: Vec<u32>,
}

impl Fenwick {
    fn new(ranks: usize) -> Fenwick {
        Fenwick { tree: vec![0; ranks.next_power_of_two() + 1] }
    }

    #[inline]
    fn add(&mut self, rank: usize, delta: i32) {
        let mut i = rank + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add_signed(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// The rank of the k-th (0-based) present element; `k` must be below the count.
    #[inline]
    fn select(&self, k: usize) -> usize {
        let size = self.tree.len() - 1;
        let mut pos = 0usize;
        let mut rem = k as u32 + 1;
        let mut step = size;
        while step > 0 {
            let next = pos + step;
            if next <= size && self.tree[next] < rem {
                pos = next;
                rem -= self.tree[next];
            }
            step >>= 1;
        }
        pos
    }
}

fn fenwick_window(vals: &[f64], w: usize, out: &mut [f64], mad: bool) {
    // Rank the chunk's finite values once; equal values get distinct, adjacent ranks.
    let mut order: Vec<u32> = (0..vals.len() as u32).filter(|&i| vals[i as usize].is_finite()).collect();
    order.sort_unstable_by(|&a, &b| vals[a as usize].total_cmp(&vals[b as usize]).then(a.cmp(&b)));
    let mut rank = vec![u32::MAX; vals.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    let sorted: Vec<f64> = order.iter().map(|&i| vals[i as usize]).collect();
    drop(order);
    let mut tree = Fenwick::new(sorted.len().max(1));
    let mut count = 0usize;
    for &r in &rank[..w] {
        if r != u32::MAX {
            tree.add(r as usize, 1);
            count += 1;
        }
    }
    for (j, o) in out.iter_mut().enumerate() {
        if j > 0 {
            let (old, new) = (rank[j - 1], rank[j + w - 1]);
            if old != u32::MAX {
                tree.add(old as usize, -1);
                count -= 1;
            }
            if new != u32::MAX {
                tree.add(new as usize, 1);
                count += 1;
            }
        }
        *o = if count == w { statistic(w, |k| sorted[tree.select(k)], mad) } else { f64::NAN };
    }
}
