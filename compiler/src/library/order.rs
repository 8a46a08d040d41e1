//! Library routines for the stdlib's order functions (see `crate::library`): `sort` and
//! `argsort` along an axis, the selection-based order statistics (`median`,
//! `percentile`/`quantile` and their nan-variants, `mad`), and `unique`.
//!
//! Every routine first lays its input out as *lanes*: the axes it works along moved
//! innermost and made contiguous (a no-op for the common last-axis or flattened case),
//! so each lane is a slice. Lanes are processed in parallel in fixed groups; a single
//! long lane is sorted or searched in parallel by `radix` itself. Either way each
//! result depends only on its lane, so nothing depends on the thread count.

mod radix;
pub mod stats;

use super::{KernelError, LibraryFn};
use crate::interp::{permuted, to_vec, with_type, Ty};
use hpxl_grammar::Code;
use hpxl_runtime::{exec, DType, NdArray};
use radix::{Pair, SortKey};
pub use stats::{Method, QKind};

/// An element type the order routines handle: an order key, plus the arithmetic the
/// statistics need.
trait OrderNum: SortKey + Ty {
    const IS_FLOAT: bool;
    /// `b - a` in this type (integers wrap, as NumPy's subtraction does), as f64.
    fn diff(b: Self, a: Self) -> f64;
}

macro_rules! order_int {
    ($($t:ty),*) => {$(
        impl OrderNum for $t {
            const IS_FLOAT: bool = false;
            #[inline]
            fn diff(b: $t, a: $t) -> f64 {
                b.wrapping_sub(a) as f64
            }
        }
    )*};
}
order_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl OrderNum for bool {
    const IS_FLOAT: bool = false;
    fn diff(b: bool, a: bool) -> f64 {
        // Never used: NumPy refuses to subtract booleans, and the stdlib checks first.
        (b as i64 - a as i64) as f64
    }
}

impl OrderNum for f32 {
    const IS_FLOAT: bool = true;
    #[inline]
    fn diff(b: f32, a: f32) -> f64 {
        (b - a) as f64
    }
}

impl OrderNum for f64 {
    const IS_FLOAT: bool = true;
    #[inline]
    fn diff(b: f64, a: f64) -> f64 {
        b - a
    }
}

fn alloc_error(n: usize, dtype: DType) -> KernelError {
    KernelError::new(Code::Alloc, format!("cannot allocate an array of {n} {} elements for sorting", dtype.name()))
}

/// The input with `axes` (sorted) moved innermost, contiguous: `rows` lanes of `len`.
struct Lanes {
    data: NdArray,
    rows: usize,
    len: usize,
    perm: Vec<usize>,
}

fn lanes(x: &NdArray, axes: &[usize]) -> Lanes {
    let nd = x.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|a| !axes.contains(a)).collect();
    perm.extend_from_slice(axes);
    let len: usize = axes.iter().map(|&a| x.shape[a]).product();
    let rows: usize = (0..nd).filter(|a| !axes.contains(a)).map(|a| x.shape[a]).product();
    let identity = perm.iter().enumerate().all(|(i, &p)| i == p);
    let data = if identity { x.to_contiguous() } else { permuted(x, &perm).to_contiguous() };
    Lanes { data, rows, len, perm }
}

/// Runs `f(row, out_row)` for every lane, in parallel over fixed groups of lanes,
/// where `out` holds `per_row` outputs per lane.
fn for_rows<O: Copy + Send + Sync>(
    rows: usize,
    len: usize,
    per_row: usize,
    out: &mut [O],
    f: impl Fn(usize, &mut [O]) -> Result<(), KernelError> + Sync,
) -> Result<(), KernelError> {
    if out.is_empty() {
        return Ok(());
    }
    if rows == 1 {
        return f(0, out);
    }
    let group = (radix::PAR_MIN / len.max(1)).max(1);
    let groups = rows.div_ceil(group);
    let chunks: Vec<&mut [O]> = out.chunks_mut((group * per_row).max(1)).collect();
    let chunks: Vec<std::sync::Mutex<&mut [O]>> = chunks.into_iter().map(std::sync::Mutex::new).collect();
    let results = exec::map_indices(groups, |g| {
        let mut chunk = chunks[g].lock().unwrap_or_else(|e| e.into_inner());
        for (j, r) in (g * group..((g + 1) * group).min(rows)).enumerate() {
            f(r, &mut chunk[j * per_row..(j + 1) * per_row])?;
        }
        Ok(())
    });
    results.into_iter().collect()
}

/// A buffer of `n` elements of `T` from the memory pool.
fn take_vec<T: Ty>(n: usize) -> Result<Vec<T>, KernelError> {
    hpxl_runtime::pool::take(T::DTYPE, n).map(T::unwrap).ok_or_else(|| alloc_error(n, T::DTYPE))
}

/// Moves the lanes of a result (shape `perm`-ed, contiguous) back to the input's axis order.
fn unpermute(r: NdArray, perm: &[usize]) -> NdArray {
    if perm.iter().enumerate().all(|(i, &p)| i == p) {
        return r;
    }
    let mut shape = vec![0; perm.len()];
    let mut strides = vec![0; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        shape[p] = r.shape[i];
        strides[p] = r.strides[i];
    }
    NdArray { data: r.data, shape: shape.into(), strides: strides.into(), offset: r.offset }.to_contiguous()
}

/// `sort` / `argsort` along one axis (stable; NaN last). `axis=None` is a flattened
/// input with `axis = 0`.
#[derive(Debug)]
pub struct SortFn {
    pub axis: usize,
    pub arg: bool,
}

impl LibraryFn for SortFn {
    fn name(&self) -> &'static str {
        if self.arg {
            "argsort"
        } else {
            "sort"
        }
    }

    fn describe(&self) -> String {
        format!("axis={}", self.axis)
    }

    fn eval(&self, inputs: &[NdArray], _dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        let x = inputs.first().ok_or_else(|| KernelError::new(Code::Internal, "sort: no input"))?;
        if self.axis >= x.ndim() || x.shape[..] != *shape {
            return Err(KernelError::new(Code::Internal, "sort: axis or shape does not match the input"));
        }
        let l = lanes(x, &[self.axis]);
        let r =
            with_type!(x.dtype(), T => if self.arg { sort_lanes::<T, true>(&l)? } else { sort_lanes::<T, false>(&l)? });
        Ok(unpermute(r, &l.perm))
    }
}

fn sort_lanes<T: OrderNum, const ARG: bool>(l: &Lanes) -> Result<NdArray, KernelError> {
    let src = to_vec::<T>(&l.data);
    let n = l.rows * l.len;
    let len = l.len;
    let shape = l.data.shape.clone();
    if ARG {
        let mut out = take_vec::<i64>(n)?;
        for_rows(l.rows, len, len, &mut out, |r, dst| {
            let row = &src[r * len..(r + 1) * len];
            radix::sort_into(len, &|i| Pair { key: row[i].tie_key(), index: i as u64 }, dst, &|p: Pair| p.index as i64)
                .map_err(|_| alloc_error(len, DType::Int64))
        })?;
        Ok(NdArray::from_data(i64::wrap(out), shape))
    } else {
        let mut out = take_vec::<T>(n)?;
        for_rows(l.rows, len, len, &mut out, |r, dst| {
            let row = &src[r * len..(r + 1) * len];
            radix::sort_into(len, &|i| row[i].key(), dst, &|k| T::from_key(k)).map_err(|_| alloc_error(len, T::DTYPE))
        })?;
        Ok(NdArray::from_data(T::wrap(out), shape))
    }
}

/// Which order statistic a `StatFn` computes.
#[derive(Debug, Clone)]
pub enum Stat {
    /// NumPy's `median` (mean of the middle pair).
    Median,
    /// `quantile`/`percentile`: `q` as fractions (rounded to float32 for a float32 `q`).
    Quantile { q: Vec<f64>, method: Method, kind: QKind },
    /// Median absolute deviation `median(|x - median(x)|) / scale`.
    Mad { scale: f64 },
}

/// An order statistic over `axes` (sorted). The output holds, for each `q` (one for
/// median and mad), the statistic of every lane: `q`'s dimensions lead, then the kept
/// axes (with keepdims' ones, which do not change the order).
#[derive(Debug)]
pub struct StatFn {
    pub stat: Stat,
    pub axes: Vec<usize>,
    /// nan-variants (`nanmedian`, `nanquantile`, mad with `nan_policy='omit'`): NaNs
    /// are left out instead of making the result NaN.
    pub omit_nan: bool,
}

impl LibraryFn for StatFn {
    fn name(&self) -> &'static str {
        match (&self.stat, self.omit_nan) {
            (Stat::Median, false) => "median",
            (Stat::Median, true) => "nanmedian",
            (Stat::Quantile { .. }, false) => "quantile",
            (Stat::Quantile { .. }, true) => "nanquantile",
            (Stat::Mad { .. }, _) => "mad",
        }
    }

    fn describe(&self) -> String {
        let axes = format!("axes={:?}", self.axes);
        match &self.stat {
            Stat::Median => axes,
            Stat::Quantile { q, method, .. } => format!("{axes} q={q:?} method={}", method.name()),
            Stat::Mad { scale } => format!("{axes} scale={scale:?} omit_nan={}", self.omit_nan),
        }
    }

    fn eval(&self, inputs: &[NdArray], dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        let x = inputs.first().ok_or_else(|| KernelError::new(Code::Internal, "order statistic: no input"))?;
        if self.axes.iter().any(|&a| a >= x.ndim()) {
            return Err(KernelError::new(Code::Internal, "order statistic: axis out of range"));
        }
        let l = lanes(x, &self.axes);
        let nq = match &self.stat {
            Stat::Quantile { q, .. } => q.len(),
            _ => 1,
        };
        if nq * l.rows != hpxl_runtime::shape_size(shape) {
            return Err(KernelError::new(Code::Internal, "order statistic: output shape does not match"));
        }
        let values = with_type!(x.dtype(), T => stat_lanes::<T>(self, &l, nq, dtype)?);
        Ok(values.reshape(shape))
    }
}

/// Per-lane results before they become an array.
enum Values {
    Float(Vec<f64>, DType),
    Keys(Vec<u64>, DType),
}

impl Values {
    fn reshape(self, shape: &[usize]) -> NdArray {
        match self {
            Values::Float(v, dtype) => NdArray::from_data(hpxl_runtime::cast_slice(&v, dtype), shape.to_vec()),
            Values::Keys(v, dtype) => {
                let data = with_type!(dtype, T => T::wrap(v.iter().map(|&k| <T as SortKey>::from_key(k)).collect()));
                NdArray::from_data(data, shape.to_vec())
            }
        }
    }
}

/// The keys of the given ranks of a lane (`ranks` ascending), and the lane's NaN count.
fn select<T: OrderNum>(row: &[T], ranks: &[usize]) -> (Vec<u64>, usize) {
    radix::select_keys(row.len(), &|i| row[i].key(), ranks, T::NAN_KEY)
}

fn stat_lanes<T: OrderNum>(f: &StatFn, l: &Lanes, nq: usize, dtype: DType) -> Result<Values, KernelError> {
    let src = to_vec::<T>(&l.data);
    let len = l.len;
    let out_f32 = dtype == DType::Float32;
    let picks = matches!(&f.stat, Stat::Quantile { method, kind, .. } if method.picks(kind.integer));
    // Results lane-major (`nq` per lane), transposed to q-major below.
    let mut per_lane = vec![0u64; l.rows * nq];
    let nan_bits = if out_f32 { (f32::NAN as f64).to_bits() } else { f64::NAN.to_bits() };
    for_rows(l.rows, len, nq, &mut per_lane, |r, dst| {
        let row = &src[r * len..(r + 1) * len];
        // The NaN count decides the usable length of nan-variants, so it comes first
        // for them; otherwise it is a by-product of the selection.
        let nans = if f.omit_nan && T::IS_FLOAT {
            row.iter().filter(|x| x.key() == T::NAN_KEY.unwrap_or(0)).count()
        } else {
            0
        };
        let m = len - nans;
        if m == 0 {
            dst.fill(if picks { T::NAN_KEY.unwrap_or(0) } else { nan_bits });
            return Ok(());
        }
        match &f.stat {
            Stat::Median => {
                let ranks: Vec<usize> = if m % 2 == 1 { vec![m / 2] } else { vec![m / 2 - 1, m / 2] };
                let (keys, row_nans) = select(row, &ranks);
                let value = if !f.omit_nan && row_nans > 0 {
                    f64::NAN
                } else {
                    let a = T::from_key(keys[0]).to_f64();
                    stats::middle_mean(a, keys.get(1).map(|&k| T::from_key(k).to_f64()), out_f32)
                };
                dst[0] = value.to_bits();
            }
            Stat::Quantile { q, method, kind } => {
                let picked: Vec<stats::Pick> = q.iter().map(|&qv| stats::pick(*method, qv, *kind, m)).collect();
                let mut ranks: Vec<usize> = Vec::new();
                for p in &picked {
                    match *p {
                        stats::Pick::Take(i) => ranks.push(i),
                        stats::Pick::Lerp { prev, next, .. } => ranks.extend([prev, next]),
                    }
                }
                ranks.sort_unstable();
                ranks.dedup();
                let (keys, row_nans) = select(row, &ranks);
                let has_nan = !f.omit_nan && row_nans > 0;
                let at = |i: usize| -> u64 { keys[ranks.binary_search(&i).unwrap_or(0)] };
                for (d, p) in dst.iter_mut().zip(picked.iter()) {
                    *d = match *p {
                        _ if has_nan && picks => T::NAN_KEY.unwrap_or(0),
                        _ if has_nan => nan_bits,
                        stats::Pick::Take(i) => at(i),
                        stats::Pick::Lerp { prev, next, gamma } => {
                            let (a, b) = (T::from_key(at(prev)), T::from_key(at(next)));
                            stats::lerp(a.to_f64(), b.to_f64(), T::diff(b, a), gamma, *kind, out_f32).to_bits()
                        }
                    };
                }
            }
            Stat::Mad { scale } => {
                dst[0] = mad_lane(row, m, f.omit_nan, out_f32, *scale).to_bits();
            }
        }
        Ok(())
    })?;
    // Lane-major to q-major.
    let mut out = vec![0u64; per_lane.len()];
    for r in 0..l.rows {
        for j in 0..nq {
            out[j * l.rows + r] = per_lane[r * nq + j];
        }
    }
    Ok(if picks {
        Values::Keys(out, dtype)
    } else {
        Values::Float(out.into_iter().map(f64::from_bits).collect(), dtype)
    })
}

/// `median(|x - median(x)|) / scale` of one lane with `m` usable (non-NaN when
/// omitting) values, in the result precision (float32 for float32 input).
fn mad_lane<T: OrderNum>(row: &[T], m: usize, omit_nan: bool, out_f32: bool, scale: f64) -> f64 {
    let ranks: Vec<usize> = if m % 2 == 1 { vec![m / 2] } else { vec![m / 2 - 1, m / 2] };
    let (keys, nans) = select(row, &ranks);
    if !omit_nan && nans > 0 {
        return f64::NAN;
    }
    let center =
        stats::middle_mean(T::from_key(keys[0]).to_f64(), keys.get(1).map(|&k| T::from_key(k).to_f64()), out_f32);
    // Deviations as keys of the result type; NaNs (only present when omitted) stay NaN
    // and so sort last, beyond the ranks asked for.
    let dev = |x: T| -> f64 { stats::round_to((stats::round_to(x.to_f64(), out_f32) - center).abs(), out_f32) };
    let keys = if out_f32 {
        radix::select_keys(row.len(), &|i| (dev(row[i]) as f32).key(), &ranks, None).0
    } else {
        radix::select_keys(row.len(), &|i| dev(row[i]).key(), &ranks, None).0
    };
    let value = |k: u64| if out_f32 { f32::from_key(k) as f64 } else { f64::from_key(k) };
    let mad = stats::middle_mean(value(keys[0]), keys.get(1).map(|&k| value(k)), out_f32);
    stats::round_to(mad / scale, out_f32)
}

/// What `unique` returns besides the values.
#[derive(Clone, Copy, Debug, Default)]
pub struct UniqueWants {
    pub index: bool,
    pub inverse: bool,
    pub counts: bool,
    /// NaNs collapse into one value (NumPy's `equal_nan=True`).
    pub equal_nan: bool,
}

/// `unique` of a realised array (flattened): the sorted distinct values, then the
/// first index, the inverse (in the input's shape) and the counts as asked for.
pub fn unique(x: &NdArray, wants: UniqueWants) -> Result<Vec<NdArray>, KernelError> {
    let flat = x.to_contiguous();
    with_type!(flat.dtype(), T => unique_typed::<T>(&flat, x.shape.to_vec(), wants))
}

fn unique_typed<T: OrderNum>(x: &NdArray, shape: Vec<usize>, wants: UniqueWants) -> Result<Vec<NdArray>, KernelError> {
    let src = to_vec::<T>(x);
    let n = src.len();
    let mut order = take_vec::<i64>(n)?;
    radix::sort_into(n, &|i| Pair { key: src[i].tie_key(), index: i as u64 }, &mut order, &|p: Pair| p.index as i64)
        .map_err(|_| alloc_error(n, DType::Int64))?;
    let nan_key = T::NAN_KEY;
    let (mut values, mut first, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    let mut inverse = if wants.inverse { vec![0i64; n] } else { Vec::new() };
    let mut prev: Option<u64> = None;
    for &i in order.iter() {
        let v = src[i as usize];
        let k = v.tie_key();
        let same = prev == Some(k) && (wants.equal_nan || Some(k) != nan_key);
        if !same {
            values.push(v);
            first.push(i);
            counts.push(0i64);
            prev = Some(k);
        }
        if let Some(c) = counts.last_mut() {
            *c += 1;
        }
        if wants.inverse {
            inverse[i as usize] = values.len() as i64 - 1;
        }
    }
    let k = values.len();
    let mut out = vec![NdArray::from_data(T::wrap(values), vec![k])];
    if wants.index {
        out.push(NdArray::from_data(i64::wrap(first), vec![k]));
    }
    if wants.inverse {
        out.push(NdArray::from_data(i64::wrap(inverse), shape));
    }
    if wants.counts {
        out.push(NdArray::from_data(i64::wrap(counts), vec![k]));
    }
    Ok(out)
}
