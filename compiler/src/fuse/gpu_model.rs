//! The GPU's reduction orders in Rust, for the fake device (`gpu::cpu_executor`): the
//! two passes of Note [Deterministic GPU reductions] and the row reductions of Note [GPU
//! row reductions] (`ptx/rows.rs`), step for step — which thread folds which element,
//! the block tree, the same element operations as the PTX (the interp's `Num`, which the
//! code generators match) in the value dtype — so the fake device computes the bits a GPU
//! computes. The `split_*` functions are the passes of Note [Split GPU row reductions]
//! (`ptx/split.rs`).

use crate::interp::{self, div_count, Float, Num, Ty};
use crate::ptx::{GpuReduce, Layout, RowOp, REDUCE_BLOCK, REDUCE_CHUNK};
use hpxl_runtime::{DType, Data};

/// Folds positions `0..k` of a row as the layout's threads do (`step(state, j)`), then
/// merges the threads' states by the block tree.
fn fold_row<S: Copy>(k: usize, layout: Layout, init: S, step: impl Fn(S, usize) -> S, merge: impl Fn(S, S) -> S) -> S {
    match layout {
        Layout::Threads => (0..k).fold(init, &step),
        Layout::Blocks => {
            let block = REDUCE_BLOCK as usize;
            let mut v: Vec<S> = (0..block).map(|t| (t..k).step_by(block).fold(init, &step)).collect();
            let mut s = block / 2;
            while s > 0 {
                for t in 0..s {
                    v[t] = merge(v[t], v[t + s]);
                }
                s /= 2;
            }
            v[0]
        }
    }
}

/// The identity and the element operation of a fold (`ptx/rows.rs`'s `identity`).
fn fold_parts<T: Num>(op: RowOp) -> (T, fn(T, T) -> T) {
    use RowOp::*;
    let float = T::DTYPE.is_float();
    let bool_ = T::DTYPE == DType::Bool;
    // `from_f64` saturates: ±inf give an integer dtype's extremes.
    let ident = match op {
        Prod | NanProd | All => T::ONE,
        Min | NanMin if bool_ => T::ONE,
        Max | NanMax if bool_ => T::ZERO,
        NanMin | NanMax if float => T::from_f64(f64::NAN),
        Min | NanMin => T::from_f64(f64::INFINITY),
        Max | NanMax => T::from_f64(f64::NEG_INFINITY),
        _ => T::ZERO,
    };
    let f: fn(T, T) -> T = match op {
        Prod | NanProd | All => T::mul,
        Min => T::minimum,
        Max => T::maximum,
        NanMin => T::fmin,
        NanMax => T::fmax,
        _ => T::add,
    };
    (ident, f)
}

fn folds<T: Num>(op: RowOp, layout: Layout, x: &[T], m: usize, k: usize) -> Vec<T> {
    let (ident, f) = fold_parts::<T>(op);
    let clean = |e: T| match op {
        RowOp::NanSum if T::is_nan(e) => T::ZERO,
        RowOp::NanProd if T::is_nan(e) => T::ONE,
        _ => e,
    };
    (0..m)
        .map(|i| {
            let row = &x[i * k..(i + 1) * k];
            fold_row(k, layout, ident, |a, j| f(a, clean(row[j])), f)
        })
        .collect()
}

/// "`(vb, ib)` comes before `(va, ia)`" for argmin/argmax (`ptx/rows.rs`'s `arg_better`).
fn arg_better<T: Num>(is_min: bool, vb: T, ib: i64, va: T, ia: i64) -> bool {
    let (na, nb) = (T::is_nan(va), T::is_nan(vb));
    let by_value = (if is_min { vb < va } else { vb > va }) || (vb == va && ib < ia);
    // A NaN beats every number, the earlier of two NaNs wins; `by_value` is false for a NaN `vb`.
    (nb && (ib < ia || !na)) || (!na && by_value)
}

fn args<T: Num>(is_min: bool, layout: Layout, x: &[T], m: usize, k: usize) -> Vec<i64> {
    (0..m)
        .map(|i| {
            let row = &x[i * k..(i + 1) * k];
            let step = |(v, idx): (T, i64), j: usize| {
                if idx < 0 || arg_better(is_min, row[j], j as i64, v, idx) {
                    (row[j], j as i64)
                } else {
                    (v, idx)
                }
            };
            let merge = |(va, ia): (T, i64), (vb, ib): (T, i64)| {
                if ib >= 0 && (ia < 0 || arg_better(is_min, vb, ib, va, ia)) {
                    (vb, ib)
                } else {
                    (va, ia)
                }
            };
            fold_row(k, layout, (T::ZERO, -1), step, merge).1
        })
        .collect()
}

fn moments<T: Float>(op: RowOp, layout: Layout, x: &[T], m: usize, k: usize) -> Vec<T> {
    let nan = matches!(op, RowOp::Mean { nan: true } | RowOp::Var { nan: true, .. });
    let add = |(s, c): (T, i64), (t, d): (T, i64)| (T::add(s, t), c + d);
    (0..m)
        .map(|i| {
            let row = &x[i * k..(i + 1) * k];
            let step = |(s, c): (T, i64), j: usize| {
                let e = row[j];
                if nan && T::is_nan(e) {
                    (T::add(s, T::ZERO), c)
                } else {
                    (T::add(s, e), c + 1)
                }
            };
            let (sum, count) = fold_row(k, layout, (T::ZERO, 0), step, add);
            let mean = div_count(sum, count);
            let RowOp::Var { ddof, std, .. } = op else { return mean };
            let sq = |a: T, j: usize| {
                let e = row[j];
                let d = if nan && T::is_nan(e) { T::ZERO } else { T::sub(e, mean) };
                T::add(a, T::mul(d, d))
            };
            let ss = fold_row(k, layout, T::ZERO, sq, T::add);
            finish_var(ss, count, nan, ddof, std)
        })
        .collect()
}

/// Var/std from the sum of squared deviations `ss` of `count` values (`ptx/rows.rs`'s
/// `finish_var`).
fn finish_var<T: Float>(ss: T, count: i64, nan: bool, ddof: u32, std: bool) -> T {
    let dof = count - ddof as i64;
    let var = if nan {
        if dof <= 0 {
            T::from_f64(f64::NAN)
        } else {
            div_count(ss, dof)
        }
    } else {
        div_count(ss, dof.max(0))
    };
    if std {
        T::sqrt(var)
    } else {
        var
    }
}

/// The results of row reduction `op` over `m` rows of `k` values of `values`.
pub(super) fn rows(op: RowOp, layout: Layout, values: &Data, m: usize, k: usize) -> Result<Data, String> {
    fn typed<T: Ty>(d: &Data) -> Result<&[T], String> {
        T::slice(d).ok_or_else(|| format!("fake device: values are not {}", T::DTYPE.name()))
    }
    let dt = values.dtype();
    Ok(match op {
        RowOp::CountNonzero => {
            let x = typed::<bool>(values)?;
            let counts = (0..m)
                .map(|i| {
                    let row = &x[i * k..(i + 1) * k];
                    fold_row(k, layout, 0i64, |c, j| c + row[j] as i64, |a, b| a + b)
                })
                .collect();
            i64::wrap(counts)
        }
        RowOp::ArgMin | RowOp::ArgMax => {
            let is_min = op == RowOp::ArgMin;
            i64::wrap(interp::with_type!(dt, T => args::<T>(is_min, layout, typed::<T>(values)?, m, k)))
        }
        RowOp::Mean { .. } | RowOp::Var { .. } => match dt {
            DType::Float32 => f32::wrap(moments::<f32>(op, layout, typed(values)?, m, k)),
            DType::Float64 => f64::wrap(moments::<f64>(op, layout, typed(values)?, m, k)),
            other => return Err(format!("fake device: {op:?} of {other}")),
        },
        _ => interp::with_type!(dt, T => T::wrap(folds::<T>(op, layout, typed::<T>(values)?, m, k))),
    })
}

/// The fold op of a full reduction's passes.
fn full_op(op: GpuReduce) -> RowOp {
    match op {
        GpuReduce::Sum => RowOp::Sum,
        GpuReduce::Prod => RowOp::Prod,
        GpuReduce::Min => RowOp::Min,
        GpuReduce::Max => RowOp::Max,
        GpuReduce::Any => RowOp::Any,
        GpuReduce::All => RowOp::All,
    }
}

/// One pass of a full reduction: each block of `group` values (the last one shorter)
/// folded as one block of the pass does (Note [Deterministic GPU reductions]).
pub(super) fn full_pass(op: GpuReduce, values: &Data, group: usize) -> Result<Data, String> {
    let op = full_op(op);
    let dt = values.dtype();
    let n = values.len();
    Ok(interp::with_type!(dt, T => {
        let x = T::slice(values).ok_or_else(|| format!("fake device: values are not {}", dt.name()))?;
        let (ident, f) = fold_parts::<T>(op);
        let parts: Vec<T> = if n == 0 {
            vec![ident]
        } else {
            x.chunks(group.max(1)).map(|c| fold_row(c.len(), Layout::Blocks, ident, |a, j| f(a, c[j]), f)).collect()
        };
        T::wrap(parts)
    }))
}

// Split row reductions (Note [Split GPU row reductions]).

fn typed<T: Ty>(d: &Data) -> Result<&[T], String> {
    T::slice(d).ok_or_else(|| format!("fake device: values are not {}", T::DTYPE.name()))
}

/// Chunks per row of `k` positions.
pub(super) fn split_chunks_per_row(k: usize) -> usize {
    k.div_ceil(REDUCE_CHUNK as usize)
}

/// Pass 1: the state of each chunk of each row (pair `i·n_chunks + c`), one block's fold
/// per chunk; `step(state, row, position)` sees the position within the row.
fn chunk_states<S: Copy>(
    m: usize,
    k: usize,
    init: S,
    step: impl Fn(S, usize, usize) -> S,
    merge: impl Fn(S, S) -> S,
) -> Vec<S> {
    let chunk = REDUCE_CHUNK as usize;
    let per_row = split_chunks_per_row(k);
    let mut out = Vec::with_capacity(m * per_row);
    for i in 0..m {
        for c in 0..per_row {
            let lo = c * chunk;
            out.push(fold_row(chunk.min(k - lo), Layout::Blocks, init, |s, j| step(s, i, lo + j), &merge));
        }
    }
    out
}

/// Pass 2: each row's `per_row` partials merged into `init` by one block.
fn row_states<S: Copy>(
    m: usize,
    per_row: usize,
    init: S,
    part: impl Fn(usize) -> S,
    merge: impl Fn(S, S) -> S,
) -> Vec<S> {
    (0..m).map(|i| fold_row(per_row, Layout::Blocks, init, |s, j| merge(s, part(i * per_row + j)), &merge)).collect()
}

/// The later argmin/argmax state `b` merged into `a` (`ptx/rows.rs`'s `merge`).
fn arg_merge<T: Num>(is_min: bool, (va, ia): (T, i64), (vb, ib): (T, i64)) -> (T, i64) {
    if ib >= 0 && (ia < 0 || arg_better(is_min, vb, ib, va, ia)) {
        (vb, ib)
    } else {
        (va, ia)
    }
}

/// The sum and count of `e` (`nan`: NaNs are neither added nor counted).
fn moment_step<T: Float>(nan: bool, (s, c): (T, i64), e: T) -> (T, i64) {
    if nan && T::is_nan(e) {
        (T::add(s, T::ZERO), c)
    } else {
        (T::add(s, e), c + 1)
    }
}

fn moment_add<T: Float>((s, c): (T, i64), (t, d): (T, i64)) -> (T, i64) {
    (T::add(s, t), c + d)
}

fn is_nan_op(op: RowOp) -> bool {
    matches!(op, RowOp::Mean { nan: true } | RowOp::Var { nan: true, .. })
}

fn unzip<T: Ty>(v: Vec<(T, i64)>) -> (Data, Option<Data>) {
    let (a, b): (Vec<T>, Vec<i64>) = v.into_iter().unzip();
    (T::wrap(a), Some(i64::wrap(b)))
}

/// Pass 1 of split row reduction `op` over `m` rows of `k` values: the partial arrays
/// (the second one for two-slot states).
pub(super) fn split_chunks(op: RowOp, values: &Data, m: usize, k: usize) -> Result<(Data, Option<Data>), String> {
    let dt = values.dtype();
    Ok(match op {
        RowOp::CountNonzero => {
            let x = typed::<bool>(values)?;
            (i64::wrap(chunk_states(m, k, 0i64, |c, i, j| c + x[i * k + j] as i64, |a, b| a + b)), None)
        }
        RowOp::ArgMin | RowOp::ArgMax => {
            let is_min = op == RowOp::ArgMin;
            interp::with_type!(dt, T => {
                let x = typed::<T>(values)?;
                let step = |s, i: usize, j: usize| arg_merge(is_min, s, (x[i * k + j], j as i64));
                unzip(chunk_states(m, k, (T::ZERO, -1), step, |a, b| arg_merge(is_min, a, b)))
            })
        }
        RowOp::Mean { .. } | RowOp::Var { .. } => {
            let nan = is_nan_op(op);
            match dt {
                DType::Float32 => {
                    let x = typed::<f32>(values)?;
                    unzip(chunk_states(m, k, (0.0, 0), |s, i, j| moment_step(nan, s, x[i * k + j]), moment_add))
                }
                DType::Float64 => {
                    let x = typed::<f64>(values)?;
                    unzip(chunk_states(m, k, (0.0, 0), |s, i, j| moment_step(nan, s, x[i * k + j]), moment_add))
                }
                other => return Err(format!("fake device: {op:?} of {other}")),
            }
        }
        _ => interp::with_type!(dt, T => {
            let x = typed::<T>(values)?;
            let (ident, f) = fold_parts::<T>(op);
            let clean = |e: T| match op {
                RowOp::NanSum if T::is_nan(e) => T::ZERO,
                RowOp::NanProd if T::is_nan(e) => T::ONE,
                _ => e,
            };
            (T::wrap(chunk_states(m, k, ident, |a, i, j| f(a, clean(x[i * k + j])), f)), None)
        }),
    })
}

/// Var/std's `_mean` pass: each row's mean (`div_count`) and count.
pub(super) fn split_mean(part0: &Data, part1: &Data, m: usize, per_row: usize) -> Result<(Data, Data), String> {
    fn go<T: Float>(p0: &[T], p1: &[i64], m: usize, per_row: usize) -> (Data, Data) {
        let states = row_states(m, per_row, (T::ZERO, 0), |q| (p0[q], p1[q]), moment_add);
        let (means, counts): (Vec<T>, Vec<i64>) = states.into_iter().map(|(s, c)| (div_count(s, c), c)).unzip();
        (T::wrap(means), i64::wrap(counts))
    }
    let p1 = typed::<i64>(part1)?;
    Ok(match part0.dtype() {
        DType::Float32 => go::<f32>(typed(part0)?, p1, m, per_row),
        DType::Float64 => go::<f64>(typed(part0)?, p1, m, per_row),
        other => return Err(format!("fake device: a mean of {other}")),
    })
}

/// Var/std's `_sq` pass: per chunk, the squared deviations from the row's mean.
pub(super) fn split_sq(op: RowOp, values: &Data, means: &Data, m: usize, k: usize) -> Result<Data, String> {
    fn go<T: Float>(nan: bool, x: &[T], means: &[T], m: usize, k: usize) -> Data {
        let sq = |a: T, i: usize, j: usize| {
            let e = x[i * k + j];
            let d = if nan && T::is_nan(e) { T::ZERO } else { T::sub(e, means[i]) };
            T::add(a, T::mul(d, d))
        };
        T::wrap(chunk_states(m, k, T::ZERO, sq, T::add))
    }
    let nan = is_nan_op(op);
    Ok(match values.dtype() {
        DType::Float32 => go::<f32>(nan, typed(values)?, typed(means)?, m, k),
        DType::Float64 => go::<f64>(nan, typed(values)?, typed(means)?, m, k),
        other => return Err(format!("fake device: {op:?} of {other}")),
    })
}

/// Pass 2 of split row reduction `op`: each row's partials merged, then the result
/// (for var/std, `part0` holds the squared deviations and `part1` the row counts).
pub(super) fn split_final(
    op: RowOp,
    part0: &Data,
    part1: Option<&Data>,
    m: usize,
    per_row: usize,
) -> Result<Data, String> {
    let dt = part0.dtype();
    let p1 = || -> Result<&[i64], String> { typed::<i64>(part1.ok_or("fake device: a missing partial array")?) };
    Ok(match op {
        RowOp::CountNonzero => {
            let p = typed::<i64>(part0)?;
            i64::wrap(row_states(m, per_row, 0i64, |q| p[q], |a, b| a + b))
        }
        RowOp::ArgMin | RowOp::ArgMax => {
            let is_min = op == RowOp::ArgMin;
            let idx = p1()?;
            interp::with_type!(dt, T => {
                let v = typed::<T>(part0)?;
                let states = row_states(m, per_row, (T::ZERO, -1), |q| (v[q], idx[q]), |a, b| arg_merge(is_min, a, b));
                i64::wrap(states.into_iter().map(|s| s.1).collect())
            })
        }
        RowOp::Mean { .. } => {
            fn go<T: Float>(p0: &[T], p1: &[i64], m: usize, per_row: usize) -> Data {
                let states = row_states(m, per_row, (T::ZERO, 0), |q| (p0[q], p1[q]), moment_add);
                T::wrap(states.into_iter().map(|(s, c)| div_count(s, c)).collect())
            }
            match dt {
                DType::Float32 => go::<f32>(typed(part0)?, p1()?, m, per_row),
                DType::Float64 => go::<f64>(typed(part0)?, p1()?, m, per_row),
                other => return Err(format!("fake device: {op:?} of {other}")),
            }
        }
        RowOp::Var { nan, ddof, std } => {
            fn go<T: Float>(p0: &[T], counts: &[i64], m: usize, per_row: usize, v: (bool, u32, bool)) -> Data {
                let ss = row_states(m, per_row, T::ZERO, |q| p0[q], T::add);
                T::wrap(ss.into_iter().zip(counts).map(|(s, &c)| finish_var(s, c, v.0, v.1, v.2)).collect())
            }
            match dt {
                DType::Float32 => go::<f32>(typed(part0)?, p1()?, m, per_row, (nan, ddof, std)),
                DType::Float64 => go::<f64>(typed(part0)?, p1()?, m, per_row, (nan, ddof, std)),
                other => return Err(format!("fake device: {op:?} of {other}")),
            }
        }
        _ => interp::with_type!(dt, T => {
            let p = typed::<T>(part0)?;
            let (ident, f) = fold_parts::<T>(op);
            T::wrap(row_states(m, per_row, ident, |q| p[q], f))
        }),
    })
}
