//! Radix sorting and selection over order-preserving `u64` keys: the engine behind
//! `sort`, `argsort`, `unique`, `median` and `percentile` (Note [Radix order]).
//!
//! Note [Radix order]: every element type maps to a `u64` key whose unsigned order is
//! NumPy's sort order: integers are offset by their type's minimum, floats have their
//! sign bit flipped (and every other bit too when negative), and every NaN maps to the
//! largest key of its type, so NaNs sort last. `-0.0` sorts just before `+0.0` under
//! `key`; `tie_key` makes the two equal, for the stable order of `argsort` and `unique`
//! (NumPy compares them equal). Sorting keys is then a most-significant-digit radix sort:
//! each level histograms one digit taken just below the bits all keys of the range
//! agree on (found from the range's minimum and maximum key, so a float64 array in
//! [0, 1) starts at the exponent's low bits, not at the sign), scatters stably into
//! buckets and recurses into each bucket; ranges of at most `LEAF` items are finished
//! with a comparison sort. Argsort sorts `(key, index)` pairs the same way: the scatter
//! is stable and pairs start in index order, so equal keys keep index order.
//!
//! Large inputs are sorted in parallel: one pass histograms a top digit per fixed-size
//! block, a second scatters every block into its buckets at offsets fixed by the
//! histograms, and the buckets are then sorted independently. Block boundaries depend
//! only on the length and the sorted order of a total order is unique, so the result is
//! the same for any thread count (Note [Deterministic blocks] in `runtime/src/exec.rs`).
//!
//! Selection (`select_keys`) finds the keys of given ranks without sorting: a histogram
//! of a 16-bit digit locates the bucket of each rank, one more pass gathers those
//! buckets, and the search continues inside them (with `select_nth_unstable` once they
//! are small). That is two or three streaming passes instead of a sort.

use hpxl_runtime::{exec, pool, DType, Data};
use std::marker::PhantomData;

/// An element type with an order-preserving key (Note [Radix order]).
pub(crate) trait SortKey: Copy + Send + Sync + 'static {
    /// The key every NaN maps to (the type's largest key); `None` for integer types.
    const NAN_KEY: Option<u64>;
    fn key(self) -> u64;
    /// `key`, except that `-0.0` and `+0.0` are equal.
    fn tie_key(self) -> u64 {
        self.key()
    }
    /// The value of a key made by `key` (NaN for the NaN key).
    fn from_key(k: u64) -> Self;
}

macro_rules! float_key {
    ($t:ty, $u:ty) => {
        impl SortKey for $t {
            const NAN_KEY: Option<u64> = Some(<$u>::MAX as u64);
            #[inline]
            fn key(self) -> u64 {
                const SIGN: $u = 1 << (<$u>::BITS - 1);
                let b = self.to_bits();
                let k = if b & SIGN != 0 { !b } else { b | SIGN };
                if self.is_nan() {
                    <$u>::MAX as u64
                } else {
                    k as u64
                }
            }
            #[inline]
            fn tie_key(self) -> u64 {
                if self == 0.0 {
                    (0.0 as $t).key()
                } else {
                    self.key()
                }
            }
            #[inline]
            fn from_key(k: u64) -> $t {
                const SIGN: $u = 1 << (<$u>::BITS - 1);
                let k = k as $u;
                if k == <$u>::MAX {
                    <$t>::NAN
                } else if k & SIGN != 0 {
                    <$t>::from_bits(k & !SIGN)
                } else {
                    <$t>::from_bits(!k)
                }
            }
        }
    };
}
float_key!(f64, u64);
float_key!(f32, u32);

macro_rules! signed_key {
    ($($t:ty),*) => {$(
        impl SortKey for $t {
            const NAN_KEY: Option<u64> = None;
            #[inline]
            fn key(self) -> u64 {
                (self as i64).wrapping_sub(<$t>::MIN as i64) as u64
            }
            #[inline]
            fn from_key(k: u64) -> $t {
                (k as i64).wrapping_add(<$t>::MIN as i64) as $t
            }
        }
    )*};
}
signed_key!(i8, i16, i32, i64);

macro_rules! unsigned_key {
    ($($t:ty),*) => {$(
        impl SortKey for $t {
            const NAN_KEY: Option<u64> = None;
            #[inline]
            fn key(self) -> u64 {
                self as u64
            }
            #[inline]
            fn from_key(k: u64) -> $t {
                k as $t
            }
        }
    )*};
}
unsigned_key!(u8, u16, u32, u64);

impl SortKey for bool {
    const NAN_KEY: Option<u64> = None;
    #[inline]
    fn key(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_key(k: u64) -> bool {
        k != 0
    }
}

/// What the radix sort moves: a bare key, or a key with its index for argsort. `Ord`
/// must order by key first (pairs: then by index, which makes the sort stable).
///
/// # Safety
/// The type must consist of exactly `WORDS` `u64`s with alignment 8, every bit pattern
/// being a valid value (it lives in pooled `u64` storage, see `Scratch`).
pub(crate) unsafe trait Item: Copy + Send + Sync + Ord + Default {
    const WORDS: usize;
    fn rkey(&self) -> u64;
}

// SAFETY: a u64 is one u64.
unsafe impl Item for u64 {
    const WORDS: usize = 1;
    #[inline]
    fn rkey(&self) -> u64 {
        *self
    }
}

/// A key and the index of its element (argsort); ordered by key, then index.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pair {
    pub key: u64,
    pub index: u64,
}

// SAFETY: `repr(C)` of two u64s: 16 bytes, alignment 8, any bits valid.
unsafe impl Item for Pair {
    const WORDS: usize = 2;
    #[inline]
    fn rkey(&self) -> u64 {
        self.key
    }
}

/// The allocation of a large buffer failed.
#[derive(Debug)]
pub(crate) struct OutOfMemory;

/// `n` items of scratch storage from the buffer pool (large buffers are recycled, so
/// repeated sorts do not pay the first-touch page faults of fresh memory again).
pub(crate) struct Scratch<I> {
    data: Data,
    len: usize,
    _item: PhantomData<I>,
}

impl<I: Item> Scratch<I> {
    pub(crate) fn new(len: usize) -> Result<Scratch<I>, OutOfMemory> {
        let words = len.checked_mul(I::WORDS).ok_or(OutOfMemory)?;
        let data = pool::take(DType::UInt64, words).ok_or(OutOfMemory)?;
        Ok(Scratch { data, len, _item: PhantomData })
    }

    pub(crate) fn items(&mut self) -> &mut [I] {
        match &mut self.data {
            // SAFETY: the storage holds `len * WORDS` initialised u64s, which is `len`
            // valid items by the contract of `Item`; the borrow of `self` guards it.
            Data::UInt64(v) => unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr() as *mut I, self.len) },
            _ => &mut [],
        }
    }
}

/// Ranges this short are finished with an insertion sort.
const LEAF: usize = 16;
/// Inputs at least this long are sorted (selected) in parallel.
pub(crate) const PAR_MIN: usize = 1 << 17;
/// Elements per block of the parallel passes (fixed: Note [Deterministic blocks]).
const BLOCK: usize = 1 << 16;
/// Digit width of the top level of a large sort (2^11 buckets: wider scatters from
/// memory thrash the TLB and the write-combining buffers).
const TOP_BITS: u32 = 11;
/// Widest digit of the in-cache levels.
const MAX_BITS: u32 = 14;
/// Digit width of selection (2^16 buckets).
const SELECT_BITS: u32 = 16;
/// Elements per block of the selection passes (fewer, larger blocks: each carries a
/// 2^16-entry histogram).
const SELECT_BLOCK: usize = 1 << 20;

/// Digit width for a range of `n` items: buckets of about 4 items on average, so that
/// most buckets are finished by a short insertion sort.
fn bits_for(n: usize) -> u32 {
    if n > 1 << 20 {
        return TOP_BITS;
    }
    let per = (n / 4).max(2);
    (usize::BITS - (per - 1).leading_zeros()).clamp(1, MAX_BITS)
}

fn min_max<I: Item>(v: &[I]) -> (u64, u64) {
    v.iter().fold((u64::MAX, 0), |(lo, hi), x| (lo.min(x.rkey()), hi.max(x.rkey())))
}

/// A stable insertion sort, for short ranges.
#[inline]
fn insertion_sort<I: Item>(v: &mut [I]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && x < v[j - 1] {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

/// Sorts `v`, using `tmp` (same length) as scratch. Pairs must start in index order.
pub(crate) fn sort_seq<I: Item>(v: &mut [I], tmp: &mut [I]) {
    if v.len() <= LEAF {
        insertion_sort(v);
        return;
    }
    let (lo, hi) = min_max(v);
    if lo != hi {
        sort_rec(v, tmp, 64 - (lo ^ hi).leading_zeros());
    }
}

/// Sorts `v` whose keys all agree on the bits from `top` up (see `sort_seq`).
///
/// One level scatters by a digit wide enough for about `PER_BUCKET` items per bucket,
/// recurses into the rare buckets longer than `LEAF`, and finishes with one insertion
/// sort over the whole range: every item is then at most a few places from its final
/// position, so that pass is linear, and it has none of the per-bucket branches that a
/// sort of each tiny bucket would mispredict.
fn sort_rec<I: Item>(v: &mut [I], tmp: &mut [I], mut top: u32) {
    let n = v.len();
    loop {
        if n <= LEAF {
            insertion_sort(v);
            return;
        }
        if top == 0 {
            // All keys are equal, and pairs are in index order already.
            return;
        }
        let bits = bits_for(n).min(top);
        let shift = top - bits;
        let mask = (1u64 << bits) - 1;
        let mut count = vec![0u32; 1 << bits];
        for x in v.iter() {
            count[((x.rkey() >> shift) & mask) as usize] += 1;
        }
        if count.iter().any(|&c| c as usize == n) {
            // One digit value: nothing to scatter, look at the next digit.
            top = shift;
            continue;
        }
        let mut next = count.clone();
        let mut sum = 0u32;
        for c in next.iter_mut() {
            let here = *c;
            *c = sum;
            sum += here;
        }
        for x in v.iter() {
            let d = ((x.rkey() >> shift) & mask) as usize;
            tmp[next[d] as usize] = *x;
            next[d] += 1;
        }
        v.copy_from_slice(tmp);
        for (d, &c) in count.iter().enumerate() {
            if c as usize > LEAF {
                let e = next[d] as usize;
                let s = e - c as usize;
                sort_rec(&mut v[s..e], &mut tmp[s..e], shift);
            }
        }
        insertion_sort(v);
        return;
    }
}

thread_local! {
    /// Per-thread scratch for sorting the buckets of a large sort: reused, so it stays
    /// in cache instead of streaming a second input-sized buffer through memory.
    static SCRATCH: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on `len` items of this thread's scratch (a fresh buffer if it is in use).
fn with_scratch<I: Item, R>(len: usize, f: impl FnOnce(&mut [I]) -> R) -> R {
    let run = |words: &mut Vec<u64>| {
        if words.len() < len * I::WORDS {
            words.resize(len * I::WORDS, 0);
        }
        // SAFETY: `words` holds at least `len * WORDS` initialised u64s, which are `len`
        // valid items by the contract of `Item`; the slice lives only during `f`.
        let items = unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr() as *mut I, len) };
        f(items)
    };
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut words) => run(&mut words),
        Err(_) => run(&mut Vec::new()),
    })
}

/// A raw pointer that parallel tasks write through at disjoint positions.
#[derive(Clone, Copy)]
struct SyncPtr<T>(*mut T);
// SAFETY: every user writes disjoint index ranges from different tasks and reads only
// after the parallel section that wrote them has finished.
unsafe impl<T: Send> Send for SyncPtr<T> {}
unsafe impl<T: Send> Sync for SyncPtr<T> {}

impl<T> SyncPtr<T> {
    /// SAFETY: `i` is within the allocation and no other task touches it.
    unsafe fn write(&self, i: usize, v: T) {
        *self.0.add(i) = v;
    }

    /// SAFETY: `start + len` is within the allocation, and no other live reference
    /// covers the range.
    #[allow(clippy::mut_from_ref)]
    unsafe fn slice(&self, start: usize, len: usize) -> &mut [T] {
        std::slice::from_raw_parts_mut(self.0.add(start), len)
    }
}

/// Sorts the `n` items `make(0..n)` and stores `conv(item)` of the sorted sequence in
/// `out` (length `n`). Parallel above `PAR_MIN`; the result does not depend on it.
pub(crate) fn sort_into<I, O, M, C>(n: usize, make: &M, out: &mut [O], conv: &C) -> Result<(), OutOfMemory>
where
    I: Item,
    O: Copy + Send + Sync,
    M: Fn(usize) -> I + Sync + ?Sized,
    C: Fn(I) -> O + Sync,
{
    if n <= LEAF {
        let mut v: Vec<I> = (0..n).map(|i| make(i)).collect();
        insertion_sort(&mut v);
        for (o, x) in out.iter_mut().zip(v.iter()) {
            *o = conv(*x);
        }
        return Ok(());
    }
    if n < PAR_MIN {
        with_scratch(2 * n, |both: &mut [I]| {
            let (v, tmp) = both.split_at_mut(n);
            for (i, x) in v.iter_mut().enumerate() {
                *x = make(i);
            }
            sort_seq(v, tmp);
            for (o, x) in out.iter_mut().zip(v.iter()) {
                *o = conv(*x);
            }
        });
        return Ok(());
    }
    let split = Splitter::new(n, &|i| make(i).rkey());
    let nb = split.buckets();
    let nblocks = n.div_ceil(BLOCK);
    let block = |b: usize| b * BLOCK..((b + 1) * BLOCK).min(n);
    let hists: Vec<Vec<u32>> = exec::map_indices(nblocks, |b| {
        let mut h = vec![0u32; nb];
        for i in block(b) {
            h[split.bucket(make(i).rkey())] += 1;
        }
        h
    });
    // Bucket k of block b starts at start[k] + (items of bucket k in blocks before b).
    let mut start = vec![0usize; nb + 1];
    for h in &hists {
        for (k, &c) in h.iter().enumerate() {
            start[k + 1] += c as usize;
        }
    }
    for k in 0..nb {
        start[k + 1] += start[k];
    }
    let mut offsets: Vec<Vec<usize>> = Vec::with_capacity(nblocks);
    let mut run = start[..nb].to_vec();
    for h in &hists {
        offsets.push(run.clone());
        for (r, &c) in run.iter_mut().zip(h.iter()) {
            *r += c as usize;
        }
    }
    drop(hists);
    let mut buf = Scratch::<I>::new(n)?;
    let bp = SyncPtr(buf.items().as_mut_ptr());
    exec::map_indices(nblocks, |b| {
        let mut off = offsets[b].clone();
        for i in block(b) {
            let x = make(i);
            let k = split.bucket(x.rkey());
            // SAFETY: the offsets of block b cover exactly its items' slots, disjoint
            // from every other block's, and lie below n.
            unsafe { bp.write(off[k], x) };
            off[k] += 1;
        }
    });
    let op = SyncPtr(out.as_mut_ptr());
    let failed = exec::map_indices(nb, |k| {
        let (s, e) = (start[k], start[k + 1]);
        if s == e {
            return false;
        }
        // SAFETY: bucket ranges are disjoint and within n; each task takes only its own.
        let (seg, dst) = unsafe { (bp.slice(s, e - s), op.slice(s, e - s)) };
        if e - s >= PAR_MIN && e - s < n {
            // A bucket holding a large share of the input (clustered keys) is sorted in
            // parallel itself. Its keys span a narrower range, so the recursion ends.
            let seg: &[I] = seg;
            let from_seg: &(dyn Fn(usize) -> I + Sync) = &|i| seg[i];
            return sort_into(e - s, from_seg, dst, conv).is_err();
        }
        with_scratch(e - s, |tmp: &mut [I]| sort_seq(seg, tmp));
        for (o, x) in dst.iter_mut().zip(seg.iter()) {
            *o = conv(*x);
        }
        false
    });
    if failed.contains(&true) {
        return Err(OutOfMemory);
    }
    Ok(())
}

/// Items per bucket the top level of a large sort aims at (a bucket then sorts in L2).
const BUCKET_TARGET: usize = 1 << 15;
/// Keys sampled to place the top level's bucket boundaries.
const SAMPLES: usize = 1 << 16;

/// The top level of a large sort: maps a key to one of `buckets()` ordered buckets of
/// roughly equal size (Note [Balanced top level]).
///
/// Note [Balanced top level]: a fixed digit makes very uneven buckets for real data —
/// half of a float64 array in [0, 1) shares one exponent — so the top level instead
/// reads a 16-bit digit just below the bits a sample of the keys agrees on and maps it
/// through a table, built from the sample's digit histogram, that groups consecutive
/// digit values into buckets of about `BUCKET_TARGET` items. Keys outside the sample's
/// common prefix go to a first or last bucket. The sample positions depend only on the
/// length, so the buckets (and everything else) do not depend on the thread count.
struct Splitter {
    shift: u32,
    mask: u64,
    /// The smallest and largest key with the sample's common prefix.
    low: u64,
    high: u64,
    /// Bucket (from 1) of each digit value.
    table: Box<[u16; 1 << 16]>,
    middle: usize,
}

impl Splitter {
    fn new(n: usize, key_at: &(impl Fn(usize) -> u64 + ?Sized)) -> Splitter {
        let count = SAMPLES.min(n);
        let sample: Vec<u64> = (0..count).map(|j| key_at((j as u128 * n as u128 / count as u128) as usize)).collect();
        let lo = sample.iter().copied().min().unwrap_or(0);
        let hi = sample.iter().copied().max().unwrap_or(0);
        let top = 64 - (lo ^ hi).leading_zeros();
        let bits = 16.min(top);
        let shift = top - bits;
        let mask = (1u64 << bits) - 1;
        let middle = (n / BUCKET_TARGET).clamp(1, 2048);
        let mut hist = vec![0usize; 1 << bits];
        for &k in &sample {
            hist[((k >> shift) & mask) as usize] += 1;
        }
        let mut table = Box::new([0u16; 1 << 16]);
        let mut below = 0usize;
        for (t, &c) in table.iter_mut().zip(hist.iter()) {
            *t = 1 + (below * middle / count).min(middle - 1) as u16;
            below += c;
        }
        let span = if top == 64 { u64::MAX } else { (1u64 << top) - 1 };
        Splitter { shift, mask, low: lo & !span, high: lo | span, table, middle }
    }

    fn buckets(&self) -> usize {
        self.middle + 2
    }

    #[inline]
    fn bucket(&self, k: u64) -> usize {
        if k < self.low {
            0
        } else if k > self.high {
            self.middle + 1
        } else {
            self.table[((k >> self.shift) & self.mask) as u16 as usize] as usize
        }
    }
}

/// The keys of ranks `ranks` (ascending, each below `n`) among `key_at(0..n)`, and how
/// many keys equal `special` (the NaN key, so that callers learn whether there is a NaN
/// from the same passes).
pub(crate) fn select_keys<K>(n: usize, key_at: &K, ranks: &[usize], special: Option<u64>) -> (Vec<u64>, usize)
where
    K: Fn(usize) -> u64 + Sync + ?Sized,
{
    if n < PAR_MIN {
        let mut v: Vec<u64> = (0..n).map(|i| key_at(i)).collect();
        let specials = special.map_or(0, |sp| v.iter().filter(|&&k| k == sp).count());
        return (select_in(&mut v, ranks), specials);
    }
    if let Some(found) = select_by_sample(n, key_at, ranks, special) {
        return found;
    }
    // Buckets: 0 and nb - 1 for keys outside the sample's common prefix, else 1 + the
    // 16-bit digit below that prefix (as in `Splitter`, without the balancing table).
    let count = SAMPLES.min(n);
    let (lo, hi) = (0..count)
        .map(|j| key_at((j as u128 * n as u128 / count as u128) as usize))
        .fold((u64::MAX, 0u64), |(lo, hi), k| (lo.min(k), hi.max(k)));
    let top = 64 - (lo ^ hi).leading_zeros();
    let bits = SELECT_BITS.min(top);
    let shift = top - bits;
    let mask = (1u64 << bits) - 1;
    let span = if top == 64 { u64::MAX } else { (1u64 << top) - 1 };
    let (low, high) = (lo & !span, lo | span);
    let nb = (1usize << bits) + 2;
    let bucket = |k: u64| -> usize {
        if k < low {
            0
        } else if k > high {
            nb - 1
        } else {
            1 + ((k >> shift) & mask) as usize
        }
    };
    let nblocks = n.div_ceil(SELECT_BLOCK);
    let block = |b: usize| b * SELECT_BLOCK..((b + 1) * SELECT_BLOCK).min(n);
    let sp = special.unwrap_or(0);
    let hists: Vec<(Vec<u32>, usize)> = exec::map_indices(nblocks, |b| {
        let mut h = vec![0u32; nb];
        let mut specials = 0usize;
        for i in block(b) {
            let k = key_at(i);
            h[bucket(k)] += 1;
            specials += (k == sp) as usize;
        }
        (h, specials)
    });
    let specials = if special.is_some() { hists.iter().map(|(_, s)| s).sum() } else { 0 };
    let mut counts = vec![0usize; nb];
    for (h, _) in &hists {
        for (c, &x) in counts.iter_mut().zip(h.iter()) {
            *c += x as usize;
        }
    }
    drop(hists);
    // The bucket of each rank and the rank within it.
    let mut located = Vec::with_capacity(ranks.len());
    let (mut d, mut below) = (0usize, 0usize);
    for &r in ranks {
        while below + counts[d] <= r {
            below += counts[d];
            d += 1;
        }
        located.push((d, r - below));
    }
    let mut wanted = vec![false; nb];
    for &(d, _) in &located {
        wanted[d] = true;
    }
    let gathered: Vec<Vec<u64>> = exec::map_indices(nblocks, |b| {
        let mut v = Vec::new();
        for i in block(b) {
            let k = key_at(i);
            if wanted[bucket(k)] {
                v.push(k);
            }
        }
        v
    });
    let gathered: Vec<u64> = gathered.concat();
    let mut out = Vec::with_capacity(ranks.len());
    let mut i = 0;
    while i < located.len() {
        let d = located[i].0;
        let mut j = i;
        while j < located.len() && located[j].0 == d {
            j += 1;
        }
        let members: Vec<u64> = gathered.iter().copied().filter(|&k| bucket(k) == d).collect();
        let local: Vec<usize> = located[i..j].iter().map(|&(_, r)| r).collect();
        if members.len() == n {
            // No progress (the sample missed the spread of the keys): select directly.
            let mut members = members;
            out.extend(select_in(&mut members, &local));
        } else {
            let from_members: &(dyn Fn(usize) -> u64 + Sync) = &|t| members[t];
            out.extend(select_keys(members.len(), from_members, &local, None).0);
        }
        i = j;
    }
    (out, specials)
}

/// Note [Sampled selection]: the keys of a few ranks of a large input in one pass.
/// A sample of `SAMPLE_SELECT` keys at evenly spaced positions predicts where each
/// wanted rank `r` lies: the sample's ranks `r·s/n ∓ δ` give a key interval that holds
/// rank `r` of the whole input unless the sample misrepresents the input badly (δ is
/// `SAMPLE_MARGIN` standard deviations of a sample quantile's rank, √(s/4)). One
/// parallel pass over fixed blocks then counts, per interval, the keys below it and
/// collects the keys inside it (about 2δ/s of the input), and the ranks are selected
/// among the collected keys. The counts prove the answer: if a rank does not fall in its
/// interval (a sample that misses the spread, heavy duplicates filling an interval) the
/// pass reports failure and `select_keys` falls back to its digit histograms, so the
/// result is exact either way and does not depend on the blocks or the thread count.
/// One pass at about 1.5 ns per key instead of two histogram passes.
const SAMPLE_SELECT: usize = 1 << 15;
const SAMPLE_MARGIN: usize = 5;
/// Largest number of disjoint intervals a pass tracks (each costs two compares per key).
const SAMPLE_MAX_INTERVALS: usize = 8;

fn select_by_sample<K>(n: usize, key_at: &K, ranks: &[usize], special: Option<u64>) -> Option<(Vec<u64>, usize)>
where
    K: Fn(usize) -> u64 + Sync + ?Sized,
{
    let s = SAMPLE_SELECT.min(n);
    let mut sample: Vec<u64> = (0..s).map(|j| key_at((j as u128 * n as u128 / s as u128) as usize)).collect();
    sample.sort_unstable();
    let delta = SAMPLE_MARGIN * (s as f64 / 4.0).sqrt() as usize + 1;
    // Intervals [lo, hi] of keys (inclusive), one per rank, merged where they overlap.
    let mut intervals: Vec<(u64, u64)> = Vec::new();
    for &r in ranks {
        let t = (r as u128 * s as u128 / n as u128) as usize;
        let lo = if t >= delta { sample[t - delta] } else { 0 };
        let hi = if t + delta < s { sample[t + delta] } else { u64::MAX };
        match intervals.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => intervals.push((lo, hi)),
        }
    }
    if intervals.len() > SAMPLE_MAX_INTERVALS {
        return None;
    }
    let nblocks = n.div_ceil(SELECT_BLOCK);
    // A block gives up when it collects more than a quarter of its keys.
    let cap = SELECT_BLOCK / 4;
    let sp = special.unwrap_or(0);
    let m = intervals.len();
    let parts: Vec<Option<(Vec<usize>, Vec<Vec<u64>>, usize)>> = exec::map_indices(nblocks, |b| {
        let range = b * SELECT_BLOCK..((b + 1) * SELECT_BLOCK).min(n);
        let mut specials = 0usize;
        if let [(lo, hi)] = intervals[..] {
            // One interval (a median, a single quantile): the tight loop.
            let (mut below, mut inside, width) = (0usize, Vec::new(), hi - lo);
            for i in range {
                let k = key_at(i);
                specials += (k == sp) as usize;
                below += (k < lo) as usize;
                if k.wrapping_sub(lo) <= width {
                    inside.push(k);
                    if inside.len() > cap {
                        return None;
                    }
                }
            }
            return Some((vec![below], vec![inside], specials));
        }
        let mut below = vec![0usize; m];
        let mut inside: Vec<Vec<u64>> = vec![Vec::new(); m];
        let mut collected = 0usize;
        for i in range {
            let k = key_at(i);
            specials += (k == sp) as usize;
            for (j, &(lo, hi)) in intervals.iter().enumerate() {
                below[j] += (k < lo) as usize;
                if k.wrapping_sub(lo) <= hi - lo {
                    inside[j].push(k);
                    collected += 1;
                }
            }
            if collected > cap {
                return None;
            }
        }
        Some((below, inside, specials))
    });
    let mut below = vec![0usize; m];
    let mut inside: Vec<Vec<u64>> = vec![Vec::new(); m];
    let mut specials = 0usize;
    for part in parts {
        let (b, ins, sps) = part?;
        for j in 0..m {
            below[j] += b[j];
            inside[j].extend_from_slice(&ins[j]);
        }
        specials += sps;
    }
    let mut out = Vec::with_capacity(ranks.len());
    let mut i = 0;
    for (j, keys) in inside.iter_mut().enumerate() {
        let mut local = Vec::new();
        while i < ranks.len() && ranks[i] < below[j] + keys.len() {
            if ranks[i] < below[j] {
                return None;
            }
            local.push(ranks[i] - below[j]);
            i += 1;
        }
        out.extend(select_in(keys, &local));
    }
    (i == ranks.len()).then_some((out, if special.is_some() { specials } else { 0 }))
}

/// The values of ranks `ranks` (ascending, each below `v.len()`) of `v`, reordering `v`.
pub(crate) fn select_in(v: &mut [u64], ranks: &[usize]) -> Vec<u64> {
    let mut out = Vec::with_capacity(ranks.len());
    let mut lo = 0;
    for &r in ranks {
        if r >= lo {
            v[lo..].select_nth_unstable(r - lo);
            lo = r + 1;
        }
        out.push(v[r]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `select_keys` against a full sort, on inputs chosen to defeat the sampled pass
    /// (Note [Sampled selection]) in each of its ways, so that both it and the digit
    /// histograms it falls back to are checked.
    #[test]
    fn selection_matches_sorting() {
        let n = 3 * PAR_MIN + 17;
        let lcg = |i: usize| (i as u64).wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 11;
        let inputs: Vec<(&str, Vec<u64>)> = vec![
            ("random", (0..n).map(lcg).collect()),
            ("all equal", vec![42; n]),
            ("two values", (0..n).map(|i| (lcg(i) % 2) * 1000).collect()),
            // Periodic with the sample's stride: every sampled position holds 0.
            ("aliased", (0..n).map(|i| if (i * SAMPLE_SELECT) % n < SAMPLE_SELECT { 0 } else { 1 + lcg(i) % 1000 }).collect()),
            ("sorted", (0..n as u64).collect()),
            ("many NaN keys", (0..n).map(|i| if i % 3 == 0 { u64::MAX } else { lcg(i) }).collect()),
        ];
        for (what, keys) in inputs {
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            let specials = keys.iter().filter(|&&k| k == u64::MAX).count();
            for ranks in [vec![n / 2], vec![n / 2 - 1, n / 2], vec![0, 1, n / 4, n / 2, 3 * n / 4, n - 1], (0..12).map(|j| j * n / 12).collect()] {
                let (got, sp) = select_keys(n, &|i| keys[i], &ranks, Some(u64::MAX));
                let want: Vec<u64> = ranks.iter().map(|&r| sorted[r]).collect();
                assert_eq!(got, want, "{what}, ranks {ranks:?}");
                assert_eq!(sp, specials, "{what}");
                if let Some((sampled, _)) = select_by_sample(n, &|i| keys[i], &ranks, None) {
                    assert_eq!(sampled, want, "{what} (sampled), ranks {ranks:?}");
                }
            }
        }
    }
}
