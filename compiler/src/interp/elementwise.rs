//! Elementwise kernels: `unary`, `binary` (with NumPy broadcasting) and `select`
//! (`where`). Each op is dispatched once per call to a monomorphised typed loop.

use super::num::{Float, Num};
use super::{
    broadcast_error, broadcast_shapes, dtype_error, make, to_vec, with_type, zip_broadcast, KResult, KernelError, Ty,
};
use crate::ops::{BinaryOp, UnaryOp};
use hpxl_grammar::Code;
use hpxl_runtime::{DType, Element, NdArray};

/// Applies `f` to every element of `x` converted to `T`.
fn map1<T: Ty, O: Ty>(x: &NdArray, out_dtype: DType, f: impl Fn(T) -> O) -> KResult {
    let v = to_vec::<T>(x);
    let out: Vec<O> = v.iter().map(|&e| f(e)).collect();
    Ok(make(out, x.shape.to_vec(), out_dtype))
}

/// `x` is first converted to `loop_dtype`, the op computed in `loop_dtype`, the result
/// stored as `out_dtype` (bool for isnan/isinf/isfinite/signbit/logical_not).
pub fn unary(op: UnaryOp, x: &NdArray, loop_dtype: DType, out_dtype: DType) -> KResult {
    use UnaryOp::*;
    match op {
        IsNan => with_type!(loop_dtype, T => map1(x, out_dtype, <T as Num>::is_nan)),
        IsInf => with_type!(loop_dtype, T => map1(x, out_dtype, <T as Num>::is_inf)),
        IsFinite => with_type!(loop_dtype, T => map1(x, out_dtype, <T as Num>::is_finite)),
        Signbit => with_type!(loop_dtype, T => map1(x, out_dtype, <T as Num>::signbit)),
        LogicalNot => with_type!(loop_dtype, T => map1(x, out_dtype, |e: T| !e.to_bool())),
        _ => match loop_dtype {
            DType::Float32 => float_unary::<f32>(op, x, out_dtype),
            DType::Float64 => float_unary::<f64>(op, x, out_dtype),
            DType::Bool => match op {
                Pos | Abs | Floor | Ceil | Trunc | Rint => map1(x, out_dtype, |e: bool| e),
                Invert => map1(x, out_dtype, |e: bool| !e),
                Neg => Err(KernelError::new(
                    Code::DType,
                    "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator \
                     or the logical_not function instead.",
                )),
                _ => Err(dtype_error(op.name(), loop_dtype)),
            },
            int => with_type!(int, T => int_unary::<T>(op, x, out_dtype)),
        },
    }
}

/// Unary ops with an integer loop (also instantiated for bool/float by the dispatch
/// macro, never reached for them).
fn int_unary<T: Num>(op: UnaryOp, x: &NdArray, out_dtype: DType) -> KResult {
    use UnaryOp::*;
    match op {
        Neg => map1(x, out_dtype, T::neg),
        Pos | Floor | Ceil | Trunc | Rint => map1(x, out_dtype, |e: T| e),
        Invert => map1(x, out_dtype, T::invert),
        Abs => map1(x, out_dtype, T::abs),
        Sign => map1(x, out_dtype, T::sign),
        Square => map1(x, out_dtype, |e: T| T::mul(e, e)),
        Reciprocal => map1(x, out_dtype, T::reciprocal),
        _ => Err(dtype_error(op.name(), T::DTYPE)),
    }
}

fn float_unary<T: Float>(op: UnaryOp, x: &NdArray, out_dtype: DType) -> KResult {
    use UnaryOp::*;
    let o = out_dtype;
    match op {
        Neg => map1(x, o, T::neg),
        Pos => map1(x, o, |e: T| e),
        Abs => map1(x, o, T::abs),
        Sign => map1(x, o, T::sign),
        Sqrt => map1(x, o, T::sqrt),
        Cbrt => map1(x, o, T::cbrt),
        Square => map1(x, o, |e: T| T::mul(e, e)),
        Reciprocal => map1(x, o, T::reciprocal),
        Exp => map1(x, o, T::exp),
        Exp2 => map1(x, o, T::exp2),
        Expm1 => map1(x, o, T::expm1),
        Log => map1(x, o, T::ln),
        Log2 => map1(x, o, T::log2),
        Log10 => map1(x, o, T::log10),
        Log1p => map1(x, o, T::log1p),
        Sin => map1(x, o, T::sin),
        Cos => map1(x, o, T::cos),
        Tan => map1(x, o, T::tan),
        Arcsin => map1(x, o, T::asin),
        Arccos => map1(x, o, T::acos),
        Arctan => map1(x, o, T::atan),
        Sinh => map1(x, o, T::sinh),
        Cosh => map1(x, o, T::cosh),
        Tanh => map1(x, o, T::tanh),
        Arcsinh => map1(x, o, T::asinh),
        Arccosh => map1(x, o, T::acosh),
        Arctanh => map1(x, o, T::atanh),
        Deg2Rad => map1(x, o, T::deg2rad),
        Rad2Deg => map1(x, o, T::rad2deg),
        Floor => map1(x, o, T::floor),
        Ceil => map1(x, o, T::ceil),
        Trunc => map1(x, o, T::trunc),
        Rint => map1(x, o, T::rint),
        Invert | LogicalNot | IsNan | IsInf | IsFinite | Signbit => Err(dtype_error(op.name(), T::DTYPE)),
    }
}

/// `(start, stride, len)` of every innermost row (one per row even when contiguous, so
/// two arrays of one shape yield matching rows).
fn inner_rows(x: &NdArray) -> Vec<(usize, isize, usize)> {
    let mut rows = Vec::new();
    let inner = x.shape.last().copied().unwrap_or(1).max(1);
    x.for_each_row(|start, stride, len| {
        let mut k = 0;
        while k < len {
            rows.push(((start as isize + k as isize * stride) as usize, stride, inner.min(len - k)));
            k += inner;
        }
    });
    rows
}

/// Applies `f` to `a` and `b` converted to `T`, broadcast to `out_shape`.
fn map2<T: Ty, O: Ty>(
    a: &NdArray,
    b: &NdArray,
    out_shape: Vec<usize>,
    out_dtype: DType,
    f: impl Fn(T, T) -> O,
) -> KResult {
    // Strided views of the output's shape (stencils: `u[:-2, 1:-1] + u[2:, 1:-1]`) are
    // read row by row in place rather than copied first.
    if a.shape[..] == out_shape[..] && b.shape[..] == out_shape[..] && !(a.is_contiguous() && b.is_contiguous()) {
        if let (Some(ad), Some(bd)) = (T::slice(&a.data), T::slice(&b.data)) {
            let (rows_a, rows_b) = (inner_rows(a), inner_rows(b));
            let mut out: Vec<O> = Vec::with_capacity(a.size());
            for (&(sa, ia, len), &(sb, ib, _)) in rows_a.iter().zip(&rows_b) {
                if ia == 1 && ib == 1 {
                    out.extend(ad[sa..sa + len].iter().zip(&bd[sb..sb + len]).map(|(&x, &y)| f(x, y)));
                } else {
                    out.extend(
                        (0..len as isize)
                            .map(|i| f(ad[(sa as isize + i * ia) as usize], bd[(sb as isize + i * ib) as usize])),
                    );
                }
            }
            return Ok(make(out, out_shape, out_dtype));
        }
    }
    let av = to_vec::<T>(a);
    let bv = to_vec::<T>(b);
    let out = zip_broadcast(&av, &a.shape, &bv, &b.shape, &out_shape, f);
    Ok(make(out, out_shape, out_dtype))
}

/// `a` and `b` are broadcast (NumPy rules) and converted to `loop_dtype`; `out_dtype` is
/// bool for comparisons and logical ops, else `loop_dtype`.
#[allow(clippy::bool_comparison)] // the comparison loops are also instantiated for bool
pub fn binary(op: BinaryOp, a: &NdArray, b: &NdArray, loop_dtype: DType, out_dtype: DType) -> KResult {
    use BinaryOp::*;
    let shape = broadcast_shapes(&a.shape, &b.shape).ok_or_else(|| broadcast_error(&[&a.shape, &b.shape]))?;
    // Moved into whichever loop runs: the result keeps it as its shape.
    let s = shape;
    match op {
        Lt => with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x < y)),
        Le => with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x <= y)),
        Gt => with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x > y)),
        Ge => with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x >= y)),
        Eq => with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x == y)),
        Ne => with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x != y)),
        LogicalAnd => {
            with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x.to_bool() && y.to_bool()))
        }
        LogicalOr => {
            with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x.to_bool() || y.to_bool()))
        }
        LogicalXor => {
            with_type!(loop_dtype, T => map2(a, b, s.to_vec(), out_dtype, |x: T, y: T| x.to_bool() != y.to_bool()))
        }
        _ => match loop_dtype {
            DType::Float32 => float_binary::<f32>(op, a, b, s.to_vec(), out_dtype),
            DType::Float64 => float_binary::<f64>(op, a, b, s.to_vec(), out_dtype),
            DType::Bool => match op {
                Add | Maximum | Fmax | BitOr => map2(a, b, s.to_vec(), out_dtype, |x: bool, y: bool| x | y),
                Mul | Minimum | Fmin | BitAnd => map2(a, b, s.to_vec(), out_dtype, |x: bool, y: bool| x & y),
                BitXor => map2(a, b, s.to_vec(), out_dtype, |x: bool, y: bool| x ^ y),
                Sub => Err(KernelError::new(
                    Code::DType,
                    "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, \
                     the `^` operator, or the logical_xor function instead.",
                )),
                _ => Err(dtype_error(op.name(), loop_dtype)),
            },
            int => with_type!(int, T => int_binary::<T>(op, a, b, s.to_vec(), out_dtype)),
        },
    }
}

fn int_binary<T: Num>(op: BinaryOp, a: &NdArray, b: &NdArray, s: Vec<usize>, out_dtype: DType) -> KResult {
    use BinaryOp::*;
    match op {
        Add => map2(a, b, s, out_dtype, T::add),
        Sub => map2(a, b, s, out_dtype, T::sub),
        Mul => map2(a, b, s, out_dtype, T::mul),
        FloorDiv => map2(a, b, s, out_dtype, T::floordiv),
        Mod => map2(a, b, s, out_dtype, T::rem),
        Fmod => map2(a, b, s, out_dtype, T::fmod),
        Pow => {
            let bv = to_vec::<T>(b);
            if bv.iter().any(|&e| T::signbit(e)) {
                return Err(KernelError::new(Code::Value, "Integers to negative integer powers are not allowed."));
            }
            map2(a, b, s, out_dtype, T::pow)
        }
        Minimum | Fmin => map2(a, b, s, out_dtype, T::minimum),
        Maximum | Fmax => map2(a, b, s, out_dtype, T::maximum),
        BitAnd => map2(a, b, s, out_dtype, T::bitand),
        BitOr => map2(a, b, s, out_dtype, T::bitor),
        BitXor => map2(a, b, s, out_dtype, T::bitxor),
        LShift => map2(a, b, s, out_dtype, T::shl),
        RShift => map2(a, b, s, out_dtype, T::shr),
        _ => Err(dtype_error(op.name(), T::DTYPE)),
    }
}

fn float_binary<T: Float>(op: BinaryOp, a: &NdArray, b: &NdArray, s: Vec<usize>, out_dtype: DType) -> KResult {
    use BinaryOp::*;
    match op {
        Add => map2(a, b, s, out_dtype, T::add),
        Sub => map2(a, b, s, out_dtype, T::sub),
        Mul => map2(a, b, s, out_dtype, T::mul),
        Div => map2(a, b, s, out_dtype, T::div),
        FloorDiv => map2(a, b, s, out_dtype, T::floordiv),
        Mod => map2(a, b, s, out_dtype, T::rem),
        Fmod => map2(a, b, s, out_dtype, T::fmod),
        Pow => map2(a, b, s, out_dtype, T::pow),
        Minimum => map2(a, b, s, out_dtype, T::minimum),
        Maximum => map2(a, b, s, out_dtype, T::maximum),
        Fmin => map2(a, b, s, out_dtype, T::fmin),
        Fmax => map2(a, b, s, out_dtype, T::fmax),
        Arctan2 => map2(a, b, s, out_dtype, T::atan2),
        Hypot => map2(a, b, s, out_dtype, T::hypot),
        Copysign => map2(a, b, s, out_dtype, T::copysign),
        _ => Err(dtype_error(op.name(), T::DTYPE)),
    }
}

/// `where(cond, a, b)` with three-way broadcasting; `a` and `b` converted to `out_dtype`.
pub fn select(cond: &NdArray, a: &NdArray, b: &NdArray, out_dtype: DType) -> KResult {
    let err = || broadcast_error(&[&cond.shape, &a.shape, &b.shape]);
    let ab = broadcast_shapes(&a.shape, &b.shape).ok_or_else(err)?;
    let shape = broadcast_shapes(&cond.shape, &ab).ok_or_else(err)?;
    with_type!(out_dtype, T => select_typed::<T>(cond, a, b, &shape))
}

fn select_typed<T: Ty>(cond: &NdArray, a: &NdArray, b: &NdArray, shape: &[usize]) -> KResult {
    let c = to_vec::<bool>(cond);
    let av = to_vec::<T>(a);
    let bv = to_vec::<T>(b);
    // First pick from `a` (positions where the condition holds), then fill the rest
    // from `b`: two broadcast passes keep every loop typed.
    let picked: Vec<(bool, T)> = zip_broadcast(&c, &cond.shape, &av, &a.shape, shape, |c, x| (c, x));
    let picked_shape = shape;
    let out = zip_broadcast(&picked, picked_shape, &bv, &b.shape, shape, |(c, x), y| if c { x } else { y });
    Ok(make(out, shape.to_vec(), T::DTYPE))
}
