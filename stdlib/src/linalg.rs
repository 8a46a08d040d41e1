//! Linear algebra: `dot`, `matmul`, `outer`, `inner`, and the `linalg` namespace
//! (`norm`, `solve`, `inv`, `det`).
//!
//! Products lower to the graph's `matmul` (faer kernels for floats, exact loops for
//! integers; `compiler/src/interp/linalg.rs`), after the reshapes and transposes that
//! NumPy's `dot`/`inner` imply. `norm` is composed from elementwise ops and reductions
//! the way `numpy.linalg.norm` composes them, with a library node for singular values.
//! `solve`, `inv` and `det` are library nodes (`compiler/src/library/linalg.rs`); their
//! shape and dtype rules (and NumPy's messages) live here, so such errors are raised at
//! the statement. Operands are converted as NumPy's `asarray` does: Python scalars are
//! strongly typed here (`dot(2, int8_array)` is int64).

use crate::args::{array_arg, axis_of, opt};
use crate::math::refuse_out;
use hpxl_compiler::arrays::{self, err, to_array, R};
use hpxl_compiler::library::linalg::{remapped_broadcast_message, Det, Inv, SingularValues, Solve};
use hpxl_compiler::ops::{BinaryOp, ReduceOp, UnaryOp};
use hpxl_compiler::{Array, CallArgs, Interp, Registry, Value};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::DType;
use std::rc::Rc;

pub fn register(r: &mut Registry) {
    r.functions.insert("dot".into(), dot);
    r.methods.insert("dot".into(), dot);
    r.functions.insert("matmul".into(), matmul);
    r.functions.insert("inner".into(), inner);
    r.functions.insert("outer".into(), outer);
    r.functions.insert("linalg.norm".into(), norm);
    r.functions.insert("linalg.solve".into(), solve);
    r.functions.insert("linalg.inv".into(), inv);
    r.functions.insert("linalg.det".into(), det);
    // `linalg.norm(x)` without the `np.` prefix (LANGUAGE.md §3).
    r.constants.insert("linalg".into(), Value::Module(Rc::from("numpy.linalg")));
}

fn shape_str(shape: &[usize]) -> String {
    arrays::shape_str(shape)
}

fn array_value(a: Array) -> Value {
    Value::Array(a)
}

fn as_array(v: Value, span: Span) -> R<Array> {
    to_array(&v, span)
}

fn matmul(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x1", "x2", "out="])?;
    refuse_out(&s, 2, call)?;
    arrays::matmul(&opt(&s, 0), &opt(&s, 1), call.span)
}

/// NumPy's `dot` alignment error.
fn not_aligned(a: &[usize], b: &[usize], span: Span) -> hpxl_grammar::Diagnostic {
    let a_dim = a.len() - 1;
    let b_dim = if b.len() == 1 { 0 } else { b.len() - 2 };
    err(
        Code::Shape,
        span,
        format!(
            "shapes {} and {} not aligned: {} (dim {a_dim}) != {} (dim {b_dim})",
            shape_str(a),
            shape_str(b),
            a[a_dim],
            b[b_dim]
        ),
    )
}

/// `dot(a, b)`: a product for 0-d operands, matmul for 1-D and 2-D ones, and for N-D
/// operands the sum over the last axis of `a` and the second-to-last of `b`
/// (result shape `a.shape[:-1] + b.shape[:-2] + b.shape[-1:]`).
fn dot(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "b", "out="])?;
    refuse_out(&s, 2, call)?;
    let span = call.span;
    let a = array_arg(&s, 0, call)?;
    let b = array_arg(&s, 1, call)?;
    dot_arrays(&a, &b, span)
}

fn dot_arrays(a: &Array, b: &Array, span: Span) -> R<Value> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return arrays::binary(BinaryOp::Mul, &array_value(a.clone()), &array_value(b.clone()), span);
    }
    let k_a = a.shape[a.ndim() - 1];
    let k_b = if b.ndim() == 1 { b.shape[0] } else { b.shape[b.ndim() - 2] };
    if k_a != k_b {
        return Err(not_aligned(&a.shape, &b.shape, span));
    }
    if b.ndim() <= 2 || a.ndim() == 1 {
        // matmul's broadcasting coincides with dot here.
        return arrays::matmul(&array_value(a.clone()), &array_value(b.clone()), span);
    }
    // a (..., k) as (A, k); b (..., k, m) as (k, B * m) with the k axis moved first.
    let k = k_a;
    let rows: usize = a.shape[..a.ndim() - 1].iter().product();
    let a2 = arrays::reshape_to(a, vec![rows, k], span)?;
    let nb = b.ndim();
    let mut perm = vec![nb - 2];
    perm.extend(0..nb - 2);
    perm.push(nb - 1);
    let bt = arrays::transpose(b, &perm);
    let cols: usize = b.shape[..nb - 2].iter().product::<usize>() * b.shape[nb - 1];
    let b2 = arrays::reshape_to(&bt, vec![k, cols], span)?;
    let c = as_array(arrays::matmul(&array_value(a2), &array_value(b2), span)?, span)?;
    let mut shape = a.shape[..a.ndim() - 1].to_vec();
    shape.extend_from_slice(&b.shape[..nb - 2]);
    shape.push(b.shape[nb - 1]);
    Ok(array_value(arrays::reshape_to(&c, shape, span)?))
}

/// `inner(a, b)`: the sum over the last axes of both (result shape
/// `a.shape[:-1] + b.shape[:-1]`).
fn inner(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "b"])?;
    let span = call.span;
    let a = array_arg(&s, 0, call)?;
    let b = array_arg(&s, 1, call)?;
    if a.ndim() == 0 || b.ndim() == 0 {
        return arrays::binary(BinaryOp::Mul, &array_value(a), &array_value(b), span);
    }
    let k = a.shape[a.ndim() - 1];
    if b.shape[b.ndim() - 1] != k {
        // NumPy reports the shapes of `dot(a, swapaxes(b, -1, -2))`.
        let mut bt = b.shape.clone();
        let nb = bt.len();
        if nb >= 2 {
            bt.swap(nb - 1, nb - 2);
        }
        return Err(not_aligned(&a.shape, &bt, span));
    }
    if a.ndim() == 1 && b.ndim() == 1 {
        return arrays::matmul(&array_value(a), &array_value(b), span);
    }
    let rows: usize = a.shape[..a.ndim() - 1].iter().product();
    let cols: usize = b.shape[..b.ndim() - 1].iter().product();
    let a2 = arrays::reshape_to(&a, vec![rows, k], span)?;
    let b2 = arrays::reshape_to(&b, vec![cols, k], span)?;
    let b2t = arrays::transpose(&b2, &[1, 0]);
    let c = as_array(arrays::matmul(&array_value(a2), &array_value(b2t), span)?, span)?;
    let mut shape = a.shape[..a.ndim() - 1].to_vec();
    shape.extend_from_slice(&b.shape[..b.ndim() - 1]);
    Ok(array_value(arrays::reshape_to(&c, shape, span)?))
}

/// `outer(a, b)`: `ravel(a)[:, None] * ravel(b)[None, :]`.
fn outer(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "b", "out="])?;
    refuse_out(&s, 2, call)?;
    let span = call.span;
    let a = array_arg(&s, 0, call)?;
    let b = array_arg(&s, 1, call)?;
    let a2 = arrays::reshape_to(&a, vec![a.size(), 1], span)?;
    let b2 = arrays::reshape_to(&b, vec![1, b.size()], span)?;
    arrays::binary(BinaryOp::Mul, &array_value(a2), &array_value(b2), span)
}

/// The `ord=` argument of `norm`.
#[derive(Clone, Debug, PartialEq)]
enum NormOrd {
    Default,
    Num(f64),
    Fro,
    Nuc,
    Other(String),
}

impl NormOrd {
    fn is(&self, x: f64) -> bool {
        matches!(self, NormOrd::Num(v) if *v == x)
    }
}

fn norm_ord(v: &Value, span: Span) -> R<NormOrd> {
    Ok(match v {
        Value::None => NormOrd::Default,
        Value::Bool(b) => NormOrd::Num(*b as i64 as f64),
        Value::Int(i) => NormOrd::Num(*i as f64),
        Value::Float(f) => NormOrd::Num(*f),
        Value::Str(s) => match &**s {
            "fro" | "f" => NormOrd::Fro,
            "nuc" => NormOrd::Nuc,
            other => NormOrd::Other(other.to_string()),
        },
        Value::Array(a) if a.ndim() == 0 && a.dtype != DType::Bool => NormOrd::Num(a.scalar_value(span)?.as_f64()),
        other => {
            return Err(err(
                Code::Type,
                span,
                format!("norm: ord must be a number or a string, got {}", other.type_name()),
            ))
        }
    })
}

fn unary_of(op: UnaryOp, x: &Value, span: Span) -> R<Value> {
    arrays::unary(op, x, span)
}

fn reduce_of(op: ReduceOp, x: &Value, axes: &[i64], keepdims: bool, span: Span) -> R<Value> {
    let a = to_array(x, span)?;
    arrays::reduce(op, &a, Some(axes), keepdims, None, span)
}

/// `max(x, axis, initial=0)` for non-negative `x`: the maximum, or 0 over an empty axis
/// (NumPy's `initial=0`), where `max` alone would fail.
fn max_or_zero(x: &Value, axes: &[usize], keepdims: bool, span: Span) -> R<Value> {
    let a = to_array(x, span)?;
    let ax: Vec<i64> = axes.iter().map(|&i| i as i64).collect();
    if axes.iter().any(|&i| a.shape[i] == 0) {
        // The sum over an empty axis is the zero we need, with the right shape and dtype.
        return arrays::reduce(ReduceOp::Sum, &a, Some(&ax), keepdims, None, span);
    }
    arrays::reduce(ReduceOp::Max, &a, Some(&ax), keepdims, None, span)
}

/// `linalg.norm(x, ord=None, axis=None, keepdims=False)`, as `numpy.linalg.norm`.
fn norm(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x", "ord=", "axis=", "keepdims="])?;
    let span = call.span;
    let mut x = array_arg(&s, 0, call)?;
    let ord = norm_ord(&opt(&s, 1), span)?;
    let axis = match opt(&s, 2) {
        Value::None => None,
        v @ Value::Tuple(_) => axis_of(interp, &v, span)?,
        v => match interp.to_index(&v, span) {
            Ok(i) => Some(vec![i]),
            Err(_) => return Err(err(Code::Type, span, "'axis' must be None, an integer or a tuple of integers")),
        },
    };
    let keepdims = match opt(&s, 3) {
        Value::None => false,
        v => interp.truth(&v, span)?,
    };
    if !x.dtype.is_float() {
        x = arrays::astype(&x, DType::Float64, span)?;
    }
    let nd = x.ndim();
    let xv = array_value(x.clone());
    if axis.is_none() && (ord == NormOrd::Default || (ord == NormOrd::Fro && nd == 2) || (ord.is(2.0) && nd == 1)) {
        let flat = arrays::reshape_to(&x, vec![x.size()], span)?;
        let sq = dot_arrays(&flat, &flat, span)?;
        let r = unary_of(UnaryOp::Sqrt, &sq, span)?;
        if keepdims {
            let r = to_array(&r, span)?;
            return Ok(array_value(arrays::reshape_to(&r, vec![1; nd], span)?));
        }
        return Ok(r);
    }
    let axis: Vec<i64> = axis.unwrap_or_else(|| (0..nd as i64).collect());
    match axis.len() {
        1 => vector_norm(&xv, &x, &ord, axis[0], keepdims, span),
        2 => matrix_norm(&xv, &x, &ord, (axis[0], axis[1]), keepdims, span),
        _ => Err(err(Code::Shape, span, "Improper number of dimensions to norm.")),
    }
}

fn vector_norm(xv: &Value, x: &Array, ord: &NormOrd, axis: i64, keepdims: bool, span: Span) -> R<Value> {
    let ax = [axis];
    let abs = || unary_of(UnaryOp::Abs, xv, span);
    match ord {
        o if o.is(f64::INFINITY) => {
            let a = arrays::normalize_axis(axis, x.ndim(), span)?;
            max_or_zero(&abs()?, &[a], keepdims, span)
        }
        o if o.is(f64::NEG_INFINITY) => reduce_of(ReduceOp::Min, &abs()?, &ax, keepdims, span),
        o if o.is(0.0) => {
            let nz = arrays::binary(BinaryOp::Ne, xv, &Value::Int(0), span)?;
            let nz = arrays::astype(&to_array(&nz, span)?, x.dtype, span)?;
            arrays::reduce(ReduceOp::Sum, &nz, Some(&ax), keepdims, None, span)
        }
        o if o.is(1.0) => reduce_of(ReduceOp::Sum, &abs()?, &ax, keepdims, span),
        o if *o == NormOrd::Default || o.is(2.0) => {
            let sq = arrays::binary(BinaryOp::Mul, xv, xv, span)?;
            unary_of(UnaryOp::Sqrt, &reduce_of(ReduceOp::Sum, &sq, &ax, keepdims, span)?, span)
        }
        NormOrd::Fro => Err(err(Code::Value, span, "Invalid norm order 'fro' for vectors")),
        NormOrd::Nuc => Err(err(Code::Value, span, "Invalid norm order 'nuc' for vectors")),
        NormOrd::Other(s) => Err(err(Code::Value, span, format!("Invalid norm order '{s}' for vectors"))),
        NormOrd::Num(p) => {
            // abs(x) ** p, summed, ** (1/p) with 1/p rounded to the result's dtype.
            let p_value = if p.fract() == 0.0 && p.abs() < 9.0e15 { Value::Int(*p as i64) } else { Value::Float(*p) };
            let powered = arrays::binary(BinaryOp::Pow, &abs()?, &p_value, span)?;
            let total = reduce_of(ReduceOp::Sum, &powered, &ax, keepdims, span)?;
            let inv = if x.dtype == DType::Float32 { (1.0f32 / *p as f32) as f64 } else { 1.0 / p };
            arrays::binary(BinaryOp::Pow, &total, &Value::Float(inv), span)
        }
        NormOrd::Default => Err(err(Code::Internal, span, "norm: default order handled above")),
    }
}

fn matrix_norm(xv: &Value, x: &Array, ord: &NormOrd, axes: (i64, i64), keepdims: bool, span: Span) -> R<Value> {
    let nd = x.ndim();
    let row = arrays::normalize_axis(axes.0, nd, span)?;
    let col = arrays::normalize_axis(axes.1, nd, span)?;
    if row == col {
        return Err(err(Code::Value, span, "Duplicate axes given."));
    }
    let abs = || unary_of(UnaryOp::Abs, xv, span);
    // Sum over one axis, then max/min over the other (renumbered after the first is gone).
    let sum_then = |first: usize, second: usize, op: ReduceOp| -> R<Value> {
        let summed = reduce_of(ReduceOp::Sum, &abs()?, &[first as i64], false, span)?;
        let second = if second > first { second - 1 } else { second };
        match op {
            ReduceOp::Max => max_or_zero(&summed, &[second], false, span),
            _ => reduce_of(op, &summed, &[second as i64], false, span),
        }
    };
    let r = match ord {
        o if o.is(2.0) => svd_norm(x, row, col, ReduceOp::Max, span)?,
        o if o.is(-2.0) => svd_norm(x, row, col, ReduceOp::Min, span)?,
        o if o.is(1.0) => sum_then(row, col, ReduceOp::Max)?,
        o if o.is(f64::INFINITY) => sum_then(col, row, ReduceOp::Max)?,
        o if o.is(-1.0) => sum_then(row, col, ReduceOp::Min)?,
        o if o.is(f64::NEG_INFINITY) => sum_then(col, row, ReduceOp::Min)?,
        NormOrd::Default | NormOrd::Fro => {
            let sq = arrays::binary(BinaryOp::Mul, xv, xv, span)?;
            unary_of(UnaryOp::Sqrt, &reduce_of(ReduceOp::Sum, &sq, &[axes.0, axes.1], false, span)?, span)?
        }
        NormOrd::Nuc => svd_norm(x, row, col, ReduceOp::Sum, span)?,
        _ => return Err(err(Code::Value, span, "Invalid norm order for matrices.")),
    };
    if keepdims {
        let mut shape = x.shape.clone();
        shape[row] = 1;
        shape[col] = 1;
        let r = to_array(&r, span)?;
        return Ok(array_value(arrays::reshape_to(&r, shape.to_vec(), span)?));
    }
    Ok(r)
}

/// A reduction (`Max`, `Min`, `Sum`) of the singular values of the matrices spanned by
/// axes `row` and `col` of `x` (NumPy's `_multi_svd_norm`).
fn svd_norm(x: &Array, row: usize, col: usize, op: ReduceOp, span: Span) -> R<Value> {
    let nd = x.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|&i| i != row && i != col).collect();
    perm.push(row);
    perm.push(col);
    let y = arrays::transpose(x, &perm);
    let mut shape = y.shape[..nd - 2].to_vec();
    shape.push(x.shape[row].min(x.shape[col]));
    let sv = arrays::library(Rc::new(SingularValues), &[y], x.dtype, shape, span)?;
    let last = sv.ndim() - 1;
    let svv = array_value(sv);
    match op {
        ReduceOp::Max => max_or_zero(&svv, &[last], false, span),
        _ => reduce_of(op, &svv, &[last as i64], false, span),
    }
}

/// Checks that `a` is a stack of square matrices, with NumPy's `LinAlgError` messages.
fn check_square(a: &Array, span: Span) -> R<usize> {
    if a.ndim() < 2 {
        return Err(err(
            Code::Shape,
            span,
            format!("{}-dimensional array given. Array must be at least two-dimensional", a.ndim()),
        ));
    }
    let (r, c) = (a.shape[a.ndim() - 2], a.shape[a.ndim() - 1]);
    if r != c {
        return Err(err(Code::Shape, span, "Last 2 dimensions of the array must be square"));
    }
    Ok(r)
}

/// NumPy's `linalg` result dtype: float32 when every operand is float32, else float64
/// (the computation itself is always in float64).
fn linalg_dtype(xs: &[&Array]) -> DType {
    if xs.iter().all(|a| a.dtype == DType::Float32) {
        DType::Float32
    } else {
        DType::Float64
    }
}

/// `linalg.solve(a, b)`: `b` is one vector `(m,)` when 1-D, else a stack `(..., m, k)`.
fn solve(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "b"])?;
    let span = call.span;
    let a = array_arg(&s, 0, call)?;
    let m = check_square(&a, span)?;
    let b = array_arg(&s, 1, call)?;
    let dtype = linalg_dtype(&[&a, &b]);
    let a_batch = &a.shape[..a.ndim() - 2];
    let (vector_rhs, shape) = match b.ndim() {
        0 => {
            return Err(err(
                Code::Shape,
                span,
                "solve: Input operand 1 does not have enough dimensions (has 0, gufunc core with signature \
                 (m,m),(m,n)->(m,n) requires 2)",
            ))
        }
        1 => {
            if b.shape[0] != m {
                return Err(err(
                    Code::Shape,
                    span,
                    format!(
                        "solve1: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature \
                         (m,m),(m)->(m) (size {} is different from {m})",
                        b.shape[0]
                    ),
                ));
            }
            (true, a.shape[..a.ndim() - 1].to_vec())
        }
        nb => {
            if b.shape[nb - 2] != m {
                return Err(err(
                    Code::Shape,
                    span,
                    format!(
                        "solve: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature \
                         (m,m),(m,n)->(m,n) (size {} is different from {m})",
                        b.shape[nb - 2]
                    ),
                ));
            }
            let k = b.shape[nb - 1];
            let b_batch = &b.shape[..nb - 2];
            let Some(mut shape) = broadcast(a_batch, b_batch) else {
                let message = remapped_broadcast_message(&[(&a.shape, a_batch.len()), (&b.shape, nb - 2)], &[m, k]);
                return Err(err(Code::Shape, span, message));
            };
            shape.push(m);
            shape.push(k);
            (false, shape)
        }
    };
    let r = arrays::library(Rc::new(Solve { vector_rhs }), &[a, b], dtype, shape, span)?;
    Ok(array_value(r))
}

/// NumPy broadcasting of two batch shapes.
fn broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            let da = if i < n - a.len() { 1 } else { a[i - (n - a.len())] };
            let db = if i < n - b.len() { 1 } else { b[i - (n - b.len())] };
            match (da, db) {
                _ if da == db => Some(da),
                (1, _) => Some(db),
                (_, 1) => Some(da),
                _ => None,
            }
        })
        .collect()
}

/// `linalg.inv(a)` of a stack of square matrices.
fn inv(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a"])?;
    let a = array_arg(&s, 0, call)?;
    check_square(&a, call.span)?;
    let dtype = linalg_dtype(&[&a]);
    let shape = a.shape.clone();
    Ok(array_value(arrays::library(Rc::new(Inv), &[a], dtype, shape.to_vec(), call.span)?))
}

/// `linalg.det(a)` of a stack of square matrices.
fn det(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a"])?;
    let a = array_arg(&s, 0, call)?;
    check_square(&a, call.span)?;
    let dtype = linalg_dtype(&[&a]);
    let shape = a.shape[..a.ndim() - 2].to_vec();
    Ok(array_value(arrays::library(Rc::new(Det), &[a], dtype, shape, call.span)?))
}
