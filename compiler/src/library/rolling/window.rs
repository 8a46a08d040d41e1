//! Block kernels for the rolling sums, means, variances and extrema: every window is
//! one suffix of a fixed block plus one prefix of the next (Note [Rolling blocks]).
//!
//! The kernels work on finite `f64` values only: the driver (`super`) replaces missing
//! values by a neutral element and masks the windows that held one.

/// Note [Rolling blocks]
/// Cut the row into blocks of `w` (the window) elements at multiples of `w`:
/// block `b` is `[b·w, (b+1)·w)`. The window that ends at `j` (in block `b`, at offset
/// `t = j - b·w`) is `[j-w+1, j]`: the suffix of block `b-1` that starts at offset
/// `t+1`, followed by the prefix of block `b` that ends at offset `t` (at `t = w-1` the
/// suffix is empty and the window is block `b` itself). So with, per block, the running
/// prefix folds (left to right) and suffix folds (right to left), each window is one
/// combination of two partial results — the van Herk/Gil-Werman scheme for extrema,
/// used here for every associative fold:
///
/// - cost: every element is folded twice (once into a prefix, once into a suffix) plus
///   one combination per output, O(n) whatever `w`, with no data-dependent branches.
///   The prefix chain of block `b` and the suffix chain of block `b` (needed by block
///   `b+1`) are computed in the same loop, so two independent dependency chains overlap.
/// - accuracy: each partial sum folds at most `w` values starting from nothing, so
///   there is no running `+x[j] - x[j-w]` whose rounding errors accumulate over the
///   row: the error of every output is that of summing its own `w` values, however
///   long the series (no drift over 10M values, `tests/rolling_kernels.rs`).
/// - variance: a partial result is (anchor `K`, Σ(x-K), Σ(x-K)²) with `K` a value of the
///   block that lies in every partial range it anchors (the block's first value for
///   prefixes, its last for suffixes). Then `M2 = Σ(x-K)² - (Σ(x-K))²/n` loses no more
///   than a factor `Σ(x-K)²/M2 ≤ 2n` (the spread of the range bounds |x-K|), instead of
///   the factor `mean²/variance` of raw power sums; two parts combine with Chan et al.'s
///   `M2 = M2a + M2b + δ²·na·nb/w`, δ the difference of their means.
/// - determinism: blocks are aligned to multiples of `w` in the row, so an output does
///   not depend on where the driver cut the row into chunks, nor on the thread count.
///   A chunk that starts inside a block recomputes the previous block's suffix and the
///   current block's prefix from their beginnings.
///
/// Windows of constant values give exactly 0 variance (every `x-K` is 0), as pandas does.

/// What `blocks` computes per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockStat {
    Sum,
    Mean,
    Var { ddof: u64 },
    Std { ddof: u64 },
    Min,
    Max,
}

impl BlockStat {
    /// The value that replaces a missing input so that it cannot change a window's
    /// result (windows holding one are masked afterwards).
    pub fn neutral(self) -> f64 {
        match self {
            BlockStat::Min => f64::INFINITY,
            BlockStat::Max => f64::NEG_INFINITY,
            _ => 0.0,
        }
    }
}

/// A partial fold over a range of one block.
trait Fold: Copy {
    /// The empty fold of a range anchored at `anchor` (a value of the range).
    fn empty(anchor: f64) -> Self;
    fn push(self, x: f64) -> Self;
}

#[derive(Clone, Copy)]
struct Sum(f64);

impl Fold for Sum {
    #[inline(always)]
    fn empty(_: f64) -> Self {
        Sum(0.0)
    }
    #[inline(always)]
    fn push(self, x: f64) -> Self {
        Sum(self.0 + x)
    }
}

#[derive(Clone, Copy)]
struct Max(f64);

impl Fold for Max {
    #[inline(always)]
    fn empty(_: f64) -> Self {
        Max(f64::NEG_INFINITY)
    }
    #[inline(always)]
    fn push(self, x: f64) -> Self {
        // Inputs are never NaN here, so this is a plain `maxsd`.
        Max(if x > self.0 { x } else { self.0 })
    }
}

#[derive(Clone, Copy)]
struct Min(f64);

impl Fold for Min {
    #[inline(always)]
    fn empty(_: f64) -> Self {
        Min(f64::INFINITY)
    }
    #[inline(always)]
    fn push(self, x: f64) -> Self {
        Min(if x < self.0 { x } else { self.0 })
    }
}

/// Shifted power sums: anchor `k`, Σ(x-k), Σ(x-k)².
#[derive(Clone, Copy)]
struct Moments {
    k: f64,
    s1: f64,
    s2: f64,
}

impl Fold for Moments {
    #[inline(always)]
    fn empty(anchor: f64) -> Self {
        Moments { k: anchor, s1: 0.0, s2: 0.0 }
    }
    #[inline(always)]
    fn push(self, x: f64) -> Self {
        let y = x - self.k;
        Moments { k: self.k, s1: self.s1 + y, s2: self.s2 + y * y }
    }
}

/// Computes `stat` over the windows ending at `c0..c1` of a row whose element `i` is
/// `x[i - base]`, into `out[j - c0]`. Requires `1 <= w <= c0 + 1`, `c0 < c1`,
/// `base <= c0 + 1 - w` and `x` covering the row up to `c1`; every value finite.
pub fn blocks(stat: BlockStat, x: &[f64], base: usize, w: usize, c0: usize, c1: usize, out: &mut [f64]) {
    debug_assert!(w >= 1 && c0 + 1 >= w && c0 < c1 && base + w <= c0 + 1);
    debug_assert!(x.len() + base >= c1 && out.len() == c1 - c0);
    match stat {
        BlockStat::Sum => scan::<Sum>(x, base, w, c0, c1, out, |_, a, b| a.0 + b.0),
        BlockStat::Mean => {
            let wf = w as f64;
            scan::<Sum>(x, base, w, c0, c1, out, |_, a, b| (a.0 + b.0) / wf)
        }
        BlockStat::Max => scan::<Max>(x, base, w, c0, c1, out, |_, a, b| if a.0 > b.0 { a.0 } else { b.0 }),
        BlockStat::Min => scan::<Min>(x, base, w, c0, c1, out, |_, a, b| if a.0 < b.0 { a.0 } else { b.0 }),
        BlockStat::Var { ddof } | BlockStat::Std { ddof } => {
            let sqrt = matches!(stat, BlockStat::Std { .. });
            // pandas: NaN when the window has no more values than ddof. A multiplication
            // by the reciprocal rather than a division: the divider is this loop's
            // bottleneck, and the result differs by at most an ulp from the division.
            let inv_denom = if (w as u64) > ddof { 1.0 / (w as u64 - ddof) as f64 } else { f64::NAN };
            // inv[n] = 1/n for the mean of n values; coef[t] = na·nb/w at offset t.
            let inv: Vec<f64> = (0..=w).map(|n| if n == 0 { 0.0 } else { 1.0 / n as f64 }).collect();
            let coef: Vec<f64> = (0..w).map(|t| ((w - 1 - t) as f64 * (t + 1) as f64) / w as f64).collect();
            scan::<Moments>(x, base, w, c0, c1, out, |t, a, b| {
                let nb = t + 1;
                let mb = b.s1 * inv[nb];
                let m2b = b.s2 - b.s1 * mb;
                let m2 = if nb == w {
                    m2b
                } else {
                    let na = w - nb;
                    let ma = a.s1 * inv[na];
                    let m2a = a.s2 - a.s1 * ma;
                    let d = (b.k - a.k) + (mb - ma);
                    m2a + m2b + d * d * coef[t]
                };
                let var = if m2 > 0.0 { m2 } else { 0.0 } * inv_denom;
                if sqrt {
                    var.sqrt()
                } else {
                    var
                }
            })
        }
    }
}

/// The block scan of Note [Rolling blocks]: `emit(t, suffix of the previous block from
/// offset t+1, prefix of this block to offset t)` gives the output at offset `t`.
///
/// A long chunk is scanned as two halves in lockstep (cut at a block boundary): the
/// prefix and suffix chains of both halves make four independent dependency chains per
/// loop iteration instead of two, which is what bounds the speed of these loops (a
/// floating-point add or max waits for the previous one of its chain).
#[inline(always)]
fn scan<S: Fold>(
    x: &[f64],
    base: usize,
    w: usize,
    c0: usize,
    c1: usize,
    out: &mut [f64],
    emit: impl Fn(usize, S, S) -> f64,
) {
    let blocks = (c1 - 1) / w - c0 / w + 1;
    if blocks < 8 {
        let mut a = Stream::new(x, base, w, c0, c1);
        while !a.done() {
            a.step(out, &emit);
        }
        return;
    }
    let mid = (c0 + c1) / 2 / w * w;
    let (out_a, out_b) = out.split_at_mut(mid - c0);
    let mut a = Stream::new(x, base, w, c0, mid);
    let mut b = Stream::new(x, base, w, mid, c1);
    while !a.done() && !a.at_middle() {
        a.step(out_a, &emit);
    }
    while a.at_middle() && b.at_middle() {
        step_pair(&mut a, out_a, &mut b, out_b, &emit);
    }
    while !a.done() {
        a.step(out_a, &emit);
    }
    while !b.done() {
        b.step(out_b, &emit);
    }
}

/// The scan of the outputs `c0..c1`, one block at a time.
struct Stream<'a, S> {
    x: &'a [f64],
    base: usize,
    w: usize,
    c0: usize,
    /// The next block to scan, and the last one.
    b: usize,
    b_last: usize,
    end: usize,
    /// prev[k]: the fold of the previous block from offset k to its end (prev[w] is
    /// empty); next[k]: the same for the current block, filled while it is scanned.
    prev: Vec<S>,
    next: Vec<S>,
}

impl<'a, S: Fold> Stream<'a, S> {
    fn new(x: &'a [f64], base: usize, w: usize, c0: usize, c1: usize) -> Self {
        let mut prev = vec![S::empty(0.0); w + 1];
        let next = prev.clone();
        let b_first = c0 / w;
        let first_start = b_first * w;
        // The suffixes of the block before the first one that the windows use.
        let need = c0 + 1 - w;
        if need < first_start {
            let mut s = S::empty(x[first_start - 1 - base]);
            for i in (need..first_start).rev() {
                s = s.push(x[i - base]);
                prev[i + w - first_start] = s;
            }
        }
        Stream { x, base, w, c0, b: b_first, b_last: (c1 - 1) / w, end: c1, prev, next }
    }

    fn done(&self) -> bool {
        self.b > self.b_last
    }

    /// Whether the next block is whole, wholly in the outputs, and not the last.
    fn at_middle(&self) -> bool {
        self.b < self.b_last && self.b * self.w >= self.c0
    }

    /// Scans the next block (`out` holds the outputs `c0..end`).
    #[inline(always)]
    fn step(&mut self, out: &mut [f64], emit: &impl Fn(usize, S, S) -> f64) {
        let (w, base, c0) = (self.w, self.base, self.c0);
        let start = self.b * w;
        let end = (start + w).min(self.end);
        let xb = &self.x[start - base..end - base];
        let t_lo = c0.saturating_sub(start);
        let o = &mut out[start + t_lo - c0..end - c0];
        let mut p = S::empty(xb[0]);
        if self.b < self.b_last {
            // A whole block: its suffixes are needed by the next one.
            let xb = &xb[..w];
            let pv = &self.prev[..w + 1];
            let nx = &mut self.next[..w + 1];
            let mut s = S::empty(xb[w - 1]);
            for t in 0..t_lo {
                p = p.push(xb[t]);
                let u = w - 1 - t;
                s = s.push(xb[u]);
                nx[u] = s;
            }
            for (t, o) in (t_lo..w).zip(o.iter_mut()) {
                p = p.push(xb[t]);
                *o = emit(t, pv[t + 1], p);
                let u = w - 1 - t;
                s = s.push(xb[u]);
                nx[u] = s;
            }
            std::mem::swap(&mut self.prev, &mut self.next);
        } else {
            for &v in &xb[..t_lo] {
                p = p.push(v);
            }
            let pv = &self.prev[t_lo + 1..xb.len() + 1];
            for (((t, &v), o), &a) in (t_lo..).zip(&xb[t_lo..]).zip(o.iter_mut()).zip(pv) {
                p = p.push(v);
                *o = emit(t, a, p);
            }
        }
        self.b += 1;
    }
}

/// `a.step(out_a)` and `b.step(out_b)` in one loop; both streams are `at_middle`.
#[inline(always)]
fn step_pair<S: Fold>(
    a: &mut Stream<S>,
    out_a: &mut [f64],
    b: &mut Stream<S>,
    out_b: &mut [f64],
    emit: &impl Fn(usize, S, S) -> f64,
) {
    let w = a.w;
    let (start_a, start_b) = (a.b * w, b.b * w);
    let xa = &a.x[start_a - a.base..start_a - a.base + w];
    let xb = &b.x[start_b - b.base..start_b - b.base + w];
    let oa = &mut out_a[start_a - a.c0..start_a - a.c0 + w];
    let ob = &mut out_b[start_b - b.c0..start_b - b.c0 + w];
    let (pa, na) = (&a.prev[..w + 1], &mut a.next[..w + 1]);
    let (pb, nb) = (&b.prev[..w + 1], &mut b.next[..w + 1]);
    let (mut p1, mut s1) = (S::empty(xa[0]), S::empty(xa[w - 1]));
    let (mut p2, mut s2) = (S::empty(xb[0]), S::empty(xb[w - 1]));
    for t in 0..w {
        p1 = p1.push(xa[t]);
        p2 = p2.push(xb[t]);
        oa[t] = emit(t, pa[t + 1], p1);
        ob[t] = emit(t, pb[t + 1], p2);
        let u = w - 1 - t;
        s1 = s1.push(xa[u]);
        s2 = s2.push(xb[u]);
        na[u] = s1;
        nb[u] = s2;
    }
    std::mem::swap(&mut a.prev, &mut a.next);
    std::mem::swap(&mut b.prev, &mut b.next);
    a.b += 1;
    b.b += 1;
}
