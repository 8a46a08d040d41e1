//! The GPU's reduction orders in Rust, for the fake device (`gpu::cpu_executor`): the
//! two passes of Note [Deterministic GPU reductions] and the row reductions of Note [GPU
//! row reductions] (`ptx/rows.rs`), step for step — which thread folds which element,
//! the block tree, the same element operations as the PTX (the interp's `Num`, which the
//! code generators match) in the value dtype — so the fake device computes the bits a GPU
//! computes.

use crate::interp::{self, div_count, Float, Num, Ty};
use crate::ptx::{GpuReduce, Layout, RowOp, REDUCE_BLOCK};
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
        })
        .collect()
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
