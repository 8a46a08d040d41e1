//! Library routines for the stdlib's rolling functions (see `crate::library`).
//! Rolling windows over the last axis with pandas semantics (`rolling_sum` ... `rolling_mad`).
//!
//! Semantics (pandas' `Series.rolling(window).<stat>()` with the default
//! `min_periods=window`, applied to every row of the last axis):
//! - the result has the input's shape and is float64 for every input dtype (integers,
//!   booleans and float32 are read as float64, as pandas does);
//! - output `j` is the statistic of the window `x[j-window+1 ..= j]`; the first
//!   `window-1` outputs of a row are NaN, and so is every output when `window` exceeds
//!   the row's length;
//! - a window holding a NaN or an infinity is NaN (pandas treats ±inf as missing in
//!   rolling aggregations);
//! - `rolling_var`/`rolling_std` divide by `window - ddof` (default ddof=1) and are NaN
//!   when `window <= ddof`; constant windows give exactly 0;
//! - `rolling_median` averages the two middle values of an even window; `rolling_mad`
//!   is the unscaled median absolute deviation `median(|x - median(x)|)` of the window.
//!
//! Algorithms: `window.rs` (Note [Rolling blocks]: sums, means, variances and extrema in
//! O(n) with no drift) and `order.rs` (Note [Rolling medians]: medians and MADs in
//! O(n log w) / O(n log² w)). Parallel work is described in Note [Rolling chunks].

mod order;
mod window;

use std::borrow::Cow;

use hpxl_grammar::Code;
use hpxl_runtime::{exec, pool, DType, Data, NdArray};

use super::{KernelError, LibraryFn};
use crate::interp::to_vec;

pub use order::{sorted_window_for, SORTED_MAX, SORTED_MAX_MAD};
pub use window::BlockStat;

/// Note [Rolling chunks]
/// Rows are independent, and a long row is cut into chunks of outputs; each chunk
/// re-reads the `window-1` inputs before it (its warm-up) and recomputes whatever state
/// it needs from them, so chunks are independent work items for `exec::for_blocks`.
/// Neither kernel's values depend on where a chunk starts — the block sums are aligned
/// to multiples of the window within the row (Note [Rolling blocks]) and the order
/// statistics are exact — so the results are bitwise the same for any thread count and
/// any chunk length. The chunk length (`chunk_len`) is a performance knob only: at least
/// a few windows long, so that the warm-up stays a small fraction of the work.
const MIN_CHUNK: usize = 1 << 14;

/// One rolling statistic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Sum,
    Mean,
    Var { ddof: u64 },
    Std { ddof: u64 },
    Min,
    Max,
    Median,
    Mad,
}

impl Stat {
    pub fn name(self) -> &'static str {
        match self {
            Stat::Sum => "rolling_sum",
            Stat::Mean => "rolling_mean",
            Stat::Var { .. } => "rolling_var",
            Stat::Std { .. } => "rolling_std",
            Stat::Min => "rolling_min",
            Stat::Max => "rolling_max",
            Stat::Median => "rolling_median",
            Stat::Mad => "rolling_mad",
        }
    }

    fn block(self) -> Option<BlockStat> {
        Some(match self {
            Stat::Sum => BlockStat::Sum,
            Stat::Mean => BlockStat::Mean,
            Stat::Var { ddof } => BlockStat::Var { ddof },
            Stat::Std { ddof } => BlockStat::Std { ddof },
            Stat::Min => BlockStat::Min,
            Stat::Max => BlockStat::Max,
            Stat::Median | Stat::Mad => return None,
        })
    }
}

/// The graph node's routine: `stat` over windows of `window` values along the last axis.
#[derive(Debug, Clone)]
pub struct Rolling {
    pub stat: Stat,
    pub window: usize,
}

impl LibraryFn for Rolling {
    fn name(&self) -> &'static str {
        self.stat.name()
    }

    fn describe(&self) -> String {
        match self.stat {
            Stat::Var { ddof } | Stat::Std { ddof } => format!("window={} ddof={ddof}", self.window),
            _ => format!("window={}", self.window),
        }
    }

    fn eval(&self, inputs: &[NdArray], dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        let [input] = inputs else {
            return Err(KernelError::new(Code::Internal, format!("{}: expected one input", self.stat.name())));
        };
        if dtype != DType::Float64 || input.shape[..] != *shape || shape.is_empty() || self.window == 0 {
            return Err(KernelError::new(
                Code::Internal,
                format!("{}: node {dtype}{shape:?} does not fit its input {:?}", self.stat.name(), input.shape),
            ));
        }
        let size = input.size();
        let x: Cow<[f64]> = to_vec::<f64>(input);
        let mut data = pool::take(DType::Float64, size).ok_or_else(|| {
            KernelError::new(
                Code::Alloc,
                format!("array of {size} float64 needs {}", crate::graph::human_bytes(size as u128 * 8)),
            )
        })?;
        let Data::Float64(out) = &mut data else {
            return Err(KernelError::new(Code::Internal, "rolling: the pool returned the wrong dtype"));
        };
        rolling(self.stat, &x, shape[shape.len() - 1], self.window, out);
        Ok(NdArray::from_data(data, shape.to_vec()))
    }
}

/// Outputs per work item for `stat` over windows of `w` (Note [Rolling chunks]).
fn chunk_len(stat: Stat, w: usize) -> usize {
    match stat {
        Stat::Median | Stat::Mad if sorted_window_for(w, stat == Stat::Mad) => (w * 16).max(MIN_CHUNK / 2),
        _ => (w * 4).max(MIN_CHUNK),
    }
}

/// A raw output pointer shared by work items that write disjoint ranges.
#[derive(Clone, Copy)]
struct OutPtr(*mut f64);
// SAFETY: every work item writes its own range of the buffer (Note [Rolling chunks]).
unsafe impl Send for OutPtr {}
unsafe impl Sync for OutPtr {}

/// `stat` over every row of `x` (rows of `n` values, row-major) into `out` (same
/// length), windows of `w >= 1` values; runs on `exec`'s pool.
pub fn rolling(stat: Stat, x: &[f64], n: usize, w: usize, out: &mut [f64]) {
    rolling_chunked(stat, x, n, w, out, chunk_len(stat, w))
}

/// `rolling` with work items of `chunk >= 1` outputs. The values do not depend on
/// `chunk` (Note [Rolling chunks]); tests check that bit for bit.
pub fn rolling_chunked(stat: Stat, x: &[f64], n: usize, w: usize, out: &mut [f64], chunk: usize) {
    assert!(
        w >= 1 && chunk >= 1 && x.len() == out.len(),
        "rolling: window {w}, chunk {chunk}, {} inputs, {} outputs",
        x.len(),
        out.len()
    );
    if n == 0 || x.is_empty() {
        return;
    }
    let rows = x.len() / n;
    if w > n {
        out.fill(f64::NAN);
        return;
    }
    let outputs = n + 1 - w; // per row, ends w-1 ..= n-1
    let per_row = outputs.div_ceil(chunk);
    let ptr = OutPtr(out.as_mut_ptr());
    let item = |row: usize, k: usize| {
        let c0 = w - 1 + k * chunk;
        let c1 = (c0 + chunk).min(n);
        let xr = &x[row * n..(row + 1) * n];
        let ptr = ptr;
        // SAFETY: items (row, k) cover disjoint ranges of `out`, which outlives them.
        let o = unsafe { std::slice::from_raw_parts_mut(ptr.0.add(row * n + c0), c1 - c0) };
        if k == 0 {
            // SAFETY: as above; the row's first w-1 outputs belong to its first item.
            unsafe { std::slice::from_raw_parts_mut(ptr.0.add(row * n), w - 1) }.fill(f64::NAN);
        }
        chunk_outputs(stat, xr, w, c0, c1, o);
    };
    if per_row > 1 {
        exec::for_blocks(rows * per_row, 1, |s, e| (s..e).for_each(|i| item(i / per_row, i % per_row)));
    } else {
        let rows_per_item = (chunk / n).max(1);
        exec::for_blocks(rows, rows_per_item, |s, e| (s..e).for_each(|r| item(r, 0)));
    }
}

/// The outputs `c0..c1` of one row (`c0 >= w-1`).
fn chunk_outputs(stat: Stat, row: &[f64], w: usize, c0: usize, c1: usize, out: &mut [f64]) {
    let lo = c0 + 1 - w;
    let src = &row[lo..c1];
    let Some(block) = stat.block() else {
        return order::medians(src, lo, w, c0, c1, out, stat == Stat::Mad);
    };
    if src.iter().all(|v| v.is_finite()) {
        return window::blocks(block, src, lo, w, c0, c1, out);
    }
    // Missing values: compute on a copy where they are neutral, then mask every window
    // that holds one (its output is NaN, pandas' min_periods=window).
    let neutral = block.neutral();
    let clean: Vec<f64> = src.iter().map(|&v| if v.is_finite() { v } else { neutral }).collect();
    window::blocks(block, &clean, lo, w, c0, c1, out);
    let mut last_bad: Option<usize> = None;
    for (i, &v) in src.iter().enumerate() {
        if !v.is_finite() {
            last_bad = Some(i);
        }
        // Window of output lo + i covers src[i+1-w ..= i].
        if i + 1 >= w {
            if let Some(b) = last_bad {
                if b + w > i {
                    out[i + 1 - w] = f64::NAN;
                }
            }
        }
    }
}
