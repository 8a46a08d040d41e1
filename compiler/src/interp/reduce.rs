//! Reductions over a set of axes. The input is viewed with the kept axes first and the
//! reduced axes last, copied once into C order in the loop dtype, and each output
//! element reduces one contiguous row.
//!
//! Note [Summation order]: NumPy sums floats with `pairwise_sum` only inside its inner
//! loop, which covers the reduced axes that are trailing (and coalesced) in memory; it
//! accumulates those partial sums sequentially over the remaining reduced axes, starting
//! from the identity 0. We mirror that for C-ordered inputs: rows are split into chunks
//! of the trailing reduced extent, each chunk is summed pairwise, and the chunk sums are
//! added in order. When the input needs a cast NumPy reduces through 8192-element
//! buffers, so chunks are capped at that size. Results are bitwise equal to NumPy's for
//! contiguous inputs.

use super::num::{Float, Num};
use super::{check_axes, make, permuted, to_vec, with_type, KResult, KernelError, Ty};
use crate::ops::ReduceOp;
use hpxl_grammar::Code;
use hpxl_runtime::{DType, NdArray};

/// NumPy's buffer size: the longest run a casting reduction sums pairwise.
const NUMPY_BUFSIZE: usize = 8192;

/// The geometry of one reduction: `m` output elements, each reducing a row of `k`
/// elements, summed pairwise in chunks of `chunk` (see Note [Summation order]).
#[derive(Clone, Copy)]
pub(crate) struct Rows {
    pub m: usize,
    pub k: usize,
    pub chunk: usize,
    /// The chunk for data already in the loop dtype (no casting buffers).
    pub chunk_uncast: usize,
}

/// A reduction of an input of `shape` over `axes`: the permutation putting kept axes
/// first and reduced axes last, the result's shape, and the row geometry. Shared with
/// the fused path (`fuse::reduce`) so both fold in exactly the same order.
pub(crate) struct Geometry {
    pub perm: Vec<usize>,
    pub out_shape: Vec<usize>,
    pub rows: Rows,
}

/// See [`Geometry`]; `casting` is whether the input's dtype differs from the loop dtype
/// (NumPy then sums through buffers of `NUMPY_BUFSIZE`).
pub(crate) fn geometry(shape: &[usize], axes: &[usize], keepdims: bool, casting: bool) -> Geometry {
    let nd = shape.len();
    let kept: Vec<usize> = (0..nd).filter(|d| !axes.contains(d)).collect();
    let perm: Vec<usize> = kept.iter().chain(axes.iter()).copied().collect();
    let m: usize = kept.iter().map(|&d| shape[d]).product();
    let k: usize = axes.iter().map(|&d| shape[d]).product();
    let out_shape: Vec<usize> = if keepdims {
        (0..nd).map(|d| if axes.contains(&d) { 1 } else { shape[d] }).collect()
    } else {
        kept.iter().map(|&d| shape[d]).collect()
    };
    let mut chunk = 1usize;
    let mut next = nd;
    for &ax in axes.iter().rev() {
        if ax + 1 != next {
            break;
        }
        chunk *= shape[ax];
        next = ax;
    }
    let chunk_uncast = chunk.max(1);
    if casting {
        chunk = chunk.min(NUMPY_BUFSIZE);
    }
    Geometry { perm, out_shape, rows: Rows { m, k, chunk: chunk.max(1), chunk_uncast } }
}

/// Reduces `x` over `axes` (sorted, unique, valid; empty means "reduce nothing").
/// ArgMin/ArgMax/NanArgMin/NanArgMax take one axis or all axes (then the index is into
/// the flattened C-order array). `loop_dtype` is the accumulation dtype, `out_dtype` the
/// result dtype.
pub fn reduce(
    op: ReduceOp,
    x: &NdArray,
    axes: &[usize],
    keepdims: bool,
    loop_dtype: DType,
    out_dtype: DType,
) -> KResult {
    check_axes(axes, x.ndim(), "reduce")?;
    let Geometry { perm, out_shape, rows } = geometry(&x.shape, axes, keepdims, x.dtype() != loop_dtype);
    let view = permuted(x, &perm);
    let (m, k) = (rows.m, rows.k);
    use ReduceOp::*;
    match op {
        Any | All | CountNonzero => {
            let v = to_vec::<bool>(&view);
            let row = |i: usize| &v[i * k..(i + 1) * k];
            match op {
                Any => Ok(make((0..m).map(|i| row(i).iter().any(|&b| b)).collect(), out_shape, out_dtype)),
                All => Ok(make((0..m).map(|i| row(i).iter().all(|&b| b)).collect(), out_shape, out_dtype)),
                _ => Ok(make(
                    (0..m).map(|i| row(i).iter().filter(|&&b| b).count() as i64).collect(),
                    out_shape,
                    out_dtype,
                )),
            }
        }
        Mean | Var { .. } | Std { .. } | NanMean | NanVar { .. } | NanStd { .. } => match loop_dtype {
            DType::Float32 => moments::<f32>(op, &view, &rows, out_shape, out_dtype),
            DType::Float64 => moments::<f64>(op, &view, &rows, out_shape, out_dtype),
            other => Err(KernelError::new(
                Code::Internal,
                format!("interp reduce: {} needs a float loop dtype, got {other}", op.name()),
            )),
        },
        _ => with_type!(loop_dtype, T => reduce_typed::<T>(op, &view, &rows, out_shape, out_dtype)),
    }
}

/// Sum of each row (Note [Summation order]).
fn sum_rows<T: Num>(v: &[T], rows: &Rows) -> Vec<T> {
    let k = rows.k;
    (0..rows.m)
        .map(|i| {
            let row = &v[i * k..(i + 1) * k];
            if rows.chunk <= 1 {
                row.iter().fold(T::ZERO, |acc, &e| T::add(acc, e))
            } else {
                row.chunks(rows.chunk).fold(T::ZERO, |acc, c| T::add(acc, T::sum_slice(c)))
            }
        })
        .collect()
}

pub(crate) fn empty_error(op: ReduceOp) -> KernelError {
    use ReduceOp::*;
    let message = match op {
        ArgMin | NanArgMin => "attempt to get argmin of an empty sequence".to_string(),
        ArgMax | NanArgMax => "attempt to get argmax of an empty sequence".to_string(),
        _ => {
            // NumPy's nanmin/nanmax reduce with fmin/fmax for every dtype.
            let ufunc = match op {
                NanMin => "fmin",
                NanMax => "fmax",
                Min => "minimum",
                _ => "maximum",
            };
            format!("zero-size array to reduction operation {ufunc} which has no identity")
        }
    };
    KernelError::new(Code::Value, message)
}

/// Index of the first extreme element of a non-empty row; a NaN is the extreme.
fn arg_extreme<T: Num>(row: &[T], better: impl Fn(T, T) -> bool) -> i64 {
    let mut best = 0usize;
    for (j, &e) in row.iter().enumerate() {
        if T::is_nan(e) {
            return j as i64;
        }
        if better(e, row[best]) {
            best = j;
        }
    }
    best as i64
}

fn reduce_typed<T: Num>(op: ReduceOp, view: &NdArray, rows: &Rows, out_shape: Vec<usize>, out_dtype: DType) -> KResult {
    use ReduceOp::*;
    let (m, k) = (rows.m, rows.k);
    let v = to_vec::<T>(view);
    let row = |i: usize| &v[i * k..(i + 1) * k];
    let needs_elements = matches!(op, Min | Max | NanMin | NanMax | ArgMin | ArgMax | NanArgMin | NanArgMax);
    if needs_elements && k == 0 {
        return Err(empty_error(op));
    }
    let fold_from_first = |f: fn(T, T) -> T| -> Vec<T> {
        (0..m).map(|i| row(i)[1..].iter().fold(row(i)[0], |acc, &e| f(acc, e))).collect()
    };
    let out: Vec<T> = match op {
        Sum => sum_rows(&v, rows),
        NanSum => {
            let cleaned: Vec<T> = v.iter().map(|&e| if T::is_nan(e) { T::ZERO } else { e }).collect();
            sum_rows(&cleaned, rows)
        }
        Prod => (0..m).map(|i| row(i).iter().fold(T::ONE, |acc, &e| T::mul(acc, e))).collect(),
        NanProd => (0..m)
            .map(|i| row(i).iter().fold(T::ONE, |acc, &e| if T::is_nan(e) { acc } else { T::mul(acc, e) }))
            .collect(),
        Min => fold_from_first(T::minimum),
        Max => fold_from_first(T::maximum),
        NanMin => fold_from_first(T::fmin),
        NanMax => fold_from_first(T::fmax),
        ArgMin | ArgMax | NanArgMin | NanArgMax => {
            let mut idx = Vec::with_capacity(m);
            for i in 0..m {
                let r = row(i);
                let nan_variant = matches!(op, NanArgMin | NanArgMax);
                if nan_variant && r.iter().all(|&e| T::is_nan(e)) {
                    return Err(KernelError::new(Code::Value, "All-NaN slice encountered"));
                }
                let is_min = matches!(op, ArgMin | NanArgMin);
                let found = if nan_variant {
                    // NumPy replaces NaN by +inf (argmin) or -inf (argmax) and takes argmin/argmax.
                    let mut best: Option<usize> = None;
                    for (j, &e) in r.iter().enumerate() {
                        if T::is_nan(e) {
                            continue;
                        }
                        let better = match best {
                            None => true,
                            Some(b) => {
                                if is_min {
                                    e < r[b]
                                } else {
                                    e > r[b]
                                }
                            }
                        };
                        if better {
                            best = Some(j);
                        }
                    }
                    best.unwrap_or(0) as i64
                } else if is_min {
                    arg_extreme(r, |a, b| a < b)
                } else {
                    arg_extreme(r, |a, b| a > b)
                };
                idx.push(found);
            }
            return Ok(make(idx, out_shape, out_dtype));
        }
        _ => {
            return Err(KernelError::new(Code::Internal, format!("interp reduce: unexpected op {}", op.name())));
        }
    };
    Ok(make(out, out_shape, out_dtype))
}

/// `a / count` computed as NumPy does (dividing by an intp count in float64, then cast).
pub(crate) fn div_count<T: Ty>(a: T, count: i64) -> T {
    T::from_f64(a.to_f64() / count as f64)
}

/// Mean, variance and standard deviation (and their NaN-ignoring forms) with NumPy's
/// two-pass algorithm.
fn moments<T: Float>(op: ReduceOp, view: &NdArray, rows: &Rows, out_shape: Vec<usize>, out_dtype: DType) -> KResult {
    use ReduceOp::*;
    let (m, k) = (rows.m, rows.k);
    let v = to_vec::<T>(view);
    // NumPy's nan-functions fall back to mean/var/std for inputs that cannot hold NaN.
    let nan_variant = matches!(op, NanMean | NanVar { .. } | NanStd { .. }) && view.dtype().is_float();
    let (data, counts): (std::borrow::Cow<[T]>, Vec<i64>) = if nan_variant {
        let cleaned: Vec<T> = v.iter().map(|&e| if T::is_nan(e) { T::ZERO } else { e }).collect();
        let counts = (0..m).map(|i| v[i * k..(i + 1) * k].iter().filter(|&&e| !T::is_nan(e)).count() as i64).collect();
        (std::borrow::Cow::Owned(cleaned), counts)
    } else {
        (std::borrow::Cow::Borrowed(&v[..]), vec![k as i64; m])
    };
    let sums = sum_rows(&data, rows);
    let means: Vec<T> = sums.iter().zip(&counts).map(|(&s, &c)| div_count(s, c)).collect();
    if matches!(op, Mean | NanMean) {
        return Ok(make(means, out_shape, out_dtype));
    }
    let ddof = match op {
        Var { ddof } | Std { ddof } | NanVar { ddof } | NanStd { ddof } => ddof as i64,
        _ => 0,
    };
    let mut sq = Vec::with_capacity(m * k);
    for i in 0..m {
        for j in 0..k {
            let e = v[i * k + j];
            let d = if nan_variant && T::is_nan(e) { T::ZERO } else { T::sub(e, means[i]) };
            sq.push(T::mul(d, d));
        }
    }
    // The squared deviations are already in the loop dtype: no casting buffers.
    let sq_rows = Rows { m, k, chunk: rows.chunk_uncast, chunk_uncast: rows.chunk_uncast };
    let ss = sum_rows(&sq, &sq_rows);
    let mut out: Vec<T> = Vec::with_capacity(m);
    for i in 0..m {
        let dof = counts[i] - ddof;
        let var = if nan_variant {
            if dof <= 0 {
                T::from_f64(f64::NAN)
            } else {
                div_count(ss[i], dof)
            }
        } else {
            div_count(ss[i], dof.max(0))
        };
        out.push(if matches!(op, Std { .. } | NanStd { .. }) { T::sqrt(var) } else { var });
    }
    Ok(make(out, out_shape, out_dtype))
}
