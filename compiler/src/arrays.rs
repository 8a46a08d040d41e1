//! Operations on array values that build graph nodes. Every function here checks dtypes
//! and shapes when the node is built and reports violations with the span it is given,
//! so shape and dtype errors surface at the statement that causes them.

use crate::graph::{self, NodeRef, Op, Region, ViewSpec};
use crate::ops::{BinaryOp, ReduceOp, ScanOp, UnaryOp};
use crate::types::{self, Operand};
use crate::value::{Array, Value};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::{DType, NdArray, Scalar};
use std::borrow::Cow;

pub type R<T> = Result<T, Diagnostic>;

pub fn err(code: Code, span: Span, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, msg).with_label(span, "")
}

/// NumPy's shape text: `(2, 3)`, `(4,)`, `()`.
pub fn shape_str(shape: &[usize]) -> String {
    match shape.len() {
        0 => "()".into(),
        1 => format!("({},)", shape[0]),
        _ => format!("({})", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

fn type_err(e: types::TypeError, span: Span) -> Diagnostic {
    let code = if e.message.contains("broadcast") { Code::Shape } else { Code::DType };
    err(code, span, e.message)
}

/// The dtype NumPy gives a Python scalar when it becomes an array on its own.
pub fn python_scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Int(i) => Some(Scalar::Int64(*i)),
        Value::Float(f) => Some(Scalar::Float64(*f)),
        _ => None,
    }
}

/// How promotion sees a value.
pub fn operand(v: &Value) -> Option<Operand> {
    match v {
        Value::Bool(_) => Some(Operand::PyBool),
        Value::Int(i) => Some(Operand::PyInt(*i)),
        Value::Float(_) => Some(Operand::PyFloat),
        Value::Array(a) => Some(Operand::Array(a.dtype)),
        _ => None,
    }
}

/// Converts an array-like value (array, Python scalar, tuple or range) to an array.
pub fn to_array(v: &Value, span: Span) -> R<Array> {
    match v {
        Value::Array(a) => Ok(a.clone()),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            let s = python_scalar(v).ok_or_else(|| err(Code::Internal, span, "python_scalar"))?;
            let mut a = Array::scalar(s, span);
            a.is_scalar = false;
            Ok(a)
        }
        Value::Tuple(_) => array_from_nested(v, None, span),
        Value::Range(start, stop, step) => {
            let n = range_len(*start, *stop, *step);
            graph::check_alloc(&[n], DType::Int64, span)?;
            let node = graph::node(
                Op::Iota { start: Scalar::Int64(*start), step: Scalar::Int64(*step) },
                DType::Int64,
                vec![n],
                span,
            )?;
            Ok(Array::from_node(node))
        }
        other => Err(err(Code::Type, span, format!("expected an array, number or tuple, got {}", other.type_name()))),
    }
}

pub fn range_len(start: i64, stop: i64, step: i64) -> usize {
    if step > 0 && stop > start {
        ((stop as i128 - start as i128 + step as i128 - 1) / step as i128) as usize
    } else if step < 0 && stop < start {
        ((start as i128 - stop as i128 - step as i128 - 1) / (-step as i128)) as usize
    } else {
        0
    }
}

/// `array(nested)`: builds an array from nested tuples/lists of scalars or arrays.
pub fn array_from_nested(v: &Value, dtype: Option<DType>, span: Span) -> R<Array> {
    // Flatten into leaves, checking the nesting is rectangular.
    let mut shape: Option<Vec<usize>> = None;
    let mut leaves: Vec<Value> = Vec::new();
    collect_nested(v, 0, &mut Vec::new(), &mut shape, &mut leaves, span)?;
    let mut shape = shape.unwrap_or_default();
    // Leaves may be arrays (stacking); expand them.
    let mut scalars: Vec<Scalar> = Vec::with_capacity(leaves.len());
    let mut leaf_shape: Option<Vec<usize>> = None;
    let mut operands: Vec<Operand> = Vec::new();
    let mut any_array = false;
    for leaf in &leaves {
        match leaf {
            Value::Array(a) => {
                any_array = true;
                match &leaf_shape {
                    None => leaf_shape = Some(a.shape.to_vec()),
                    Some(s) if s[..] != a.shape[..] => {
                        return Err(err(
                            Code::Value,
                            span,
                            format!(
                                "setting an array element with a sequence. The requested array has an inhomogeneous shape after {} dimensions.",
                                shape.len()
                            ),
                        ))
                    }
                    _ => {}
                }
                operands.push(Operand::Array(a.dtype));
                let val = a.realize(span)?;
                for i in 0..val.size() {
                    scalars.push(val.get_flat(i));
                }
            }
            other => {
                let s = python_scalar(other).ok_or_else(|| {
                    err(
                        Code::Type,
                        span,
                        format!("cannot make an array element from a value of type {}", other.type_name()),
                    )
                })?;
                if (any_array || leaf_shape.is_some()) && leaf_shape.as_ref().is_some_and(|s| !s.is_empty()) {
                    return Err(err(
                        Code::Value,
                        span,
                        "setting an array element with a sequence: the nesting is ragged",
                    ));
                }
                leaf_shape.get_or_insert_with(Vec::new);
                // Python scalars inside array() are converted by value, like np.array([1, 2.5]).
                operands.push(match s {
                    Scalar::Bool(_) => Operand::Array(DType::Bool),
                    Scalar::Int64(_) => Operand::Array(DType::Int64),
                    _ => Operand::Array(DType::Float64),
                });
                scalars.push(s);
            }
        }
    }
    if let Some(ls) = &leaf_shape {
        shape.extend(ls.iter().copied());
    }
    let inferred = if operands.is_empty() {
        DType::Float64
    } else {
        types::result_type(&operands).map_err(|e| type_err(e, span))?
    };
    let dtype = dtype.unwrap_or(inferred);
    graph::check_alloc(&shape, dtype, span)?;
    let mut data = hpxl_runtime::Data::zeros(dtype, scalars.len());
    for (i, s) in scalars.iter().enumerate() {
        data.set(i, *s);
    }
    let mut a = Array::from_ndarray(NdArray::from_data(data, shape), span);
    a.is_scalar = false;
    Ok(a)
}

fn collect_nested(
    v: &Value,
    depth: usize,
    path_shape: &mut Vec<usize>,
    shape: &mut Option<Vec<usize>>,
    leaves: &mut Vec<Value>,
    span: Span,
) -> R<()> {
    if depth > 64 {
        return Err(err(Code::Value, span, "array nesting is too deep"));
    }
    match v {
        Value::Tuple(items) => {
            path_shape.push(items.len());
            for item in items.iter() {
                collect_nested(item, depth + 1, path_shape, shape, leaves, span)?;
            }
            if items.is_empty() {
                check_leaf_shape(path_shape, shape, span)?;
            }
            path_shape.pop();
            Ok(())
        }
        Value::Range(a, b, c) => {
            let items = range_values(*a, *b, *c, span)?;
            collect_nested(&Value::tuple(items), depth, path_shape, shape, leaves, span)
        }
        leaf => {
            check_leaf_shape(path_shape, shape, span)?;
            leaves.push(leaf.clone());
            Ok(())
        }
    }
}

/// The values of `range(start, stop, step)` as Python ints, refused with E0900 when the
/// tuple would be too large to allocate.
pub fn range_values(start: i64, stop: i64, step: i64, span: Span) -> R<Vec<Value>> {
    let n = range_len(start, stop, step);
    let item_bytes = std::mem::size_of::<Value>() as u128;
    graph::check_alloc_items(n as u128, item_bytes, || format!("tuple of {n} range values"), span)?;
    // Every value lies between start and stop, so wrapping arithmetic is exact.
    Ok((0..n as i64).map(|i| Value::Int(start.wrapping_add(i.wrapping_mul(step)))).collect())
}

fn check_leaf_shape(path: &[usize], shape: &mut Option<Vec<usize>>, span: Span) -> R<()> {
    match shape {
        None => {
            *shape = Some(path.to_vec());
            Ok(())
        }
        Some(s) if s.as_slice() == path => Ok(()),
        Some(_) => Err(err(
            Code::Value,
            span,
            "setting an array element with a sequence: the nested lists are ragged (inhomogeneous shape)",
        )),
    }
}

/// A graph node for a value used as an operand of a loop running in `loop_dtype`.
fn operand_node(v: &Value, loop_dtype: DType, span: Span) -> R<NodeRef> {
    match v {
        Value::Array(a) => a.node(span),
        other => {
            let s = python_scalar(other).ok_or_else(|| err(Code::Internal, span, "operand_node"))?;
            Ok(graph::scalar_node(s.cast(loop_dtype), span))
        }
    }
}

fn value_shape(v: &Value) -> &[usize] {
    match v {
        Value::Array(a) => &a.shape,
        _ => &[],
    }
}

/// Wraps a fresh node as a value; 0-d results are NumPy scalars, as ufuncs return.
pub fn wrap(node: NodeRef) -> Value {
    Value::Array(Array::from_node(node))
}

/// An elementwise binary operation on two array-like values.
pub fn binary(op: BinaryOp, a: &Value, b: &Value, span: Span) -> R<Value> {
    if let Some(v) = eager_binary(op, a, b, span) {
        return Ok(v);
    }
    let a = &coerce_arraylike(a, span)?;
    let b = &coerce_arraylike(b, span)?;
    let (oa, ob) = match (operand(a), operand(b)) {
        (Some(x), Some(y)) => (x, y),
        _ => {
            return Err(err(
                Code::Type,
                span,
                format!("unsupported operand types for {}: '{}' and '{}'", op.name(), a.type_name(), b.type_name()),
            ))
        }
    };
    let (loop_dtype, out_dtype) = types::binary_loop(op, oa, ob).map_err(|e| type_err(e, span))?;
    let shape = types::broadcast_shapes(value_shape(a), value_shape(b)).map_err(|e| type_err(e, span))?;
    if op == BinaryOp::Pow && loop_dtype.is_integer() {
        check_negative_int_power(b, span)?;
    }
    let na = operand_node(a, loop_dtype, span)?;
    graph::check_alloc(&shape, out_dtype, span)?;
    if let Some(square_or_root) = scalar_power(op, loop_dtype, b) {
        let node = graph::node(Op::Unary { op: square_or_root, loop_dtype, x: na }, out_dtype, shape, span)?;
        return Ok(wrap(node));
    }
    let nb = operand_node(b, loop_dtype, span)?;
    let node = graph::node(Op::Binary { op, loop_dtype, a: na, b: nb }, out_dtype, shape, span)?;
    Ok(wrap(node))
}

/// `a op b` by `graph::eager_float_binary` when the operands qualify (Note [Eager fast
/// path]): whole (unviewed) float arrays of one dtype and shape, or a float64 array and a
/// Python float, or int of at most 2**53 in magnitude (exactly representable).
fn eager_binary(op: BinaryOp, a: &Value, b: &Value, span: Span) -> Option<Value> {
    use graph::FastOperand;
    fn number(v: &Value) -> Option<f64> {
        match v {
            Value::Float(f) => Some(*f),
            Value::Int(i) if i.unsigned_abs() <= 1 << 53 => Some(*i as f64),
            _ => None,
        }
    }
    let node = match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            if x.view.is_some() || y.view.is_some() || x.dtype != y.dtype || x.shape != y.shape {
                return None;
            }
            let (xb, yb) = (x.base.borrow(), y.base.borrow());
            graph::eager_float_binary(
                op,
                FastOperand::Node(&xb.node),
                FastOperand::Node(&yb.node),
                x.dtype,
                &x.shape,
                span,
            )
        }
        (Value::Array(x), other) if x.view.is_none() && x.dtype == DType::Float64 => {
            let s = number(other)?;
            let xb = x.base.borrow();
            graph::eager_float_binary(op, FastOperand::Node(&xb.node), FastOperand::Float(s), x.dtype, &x.shape, span)
        }
        (other, Value::Array(y)) if y.view.is_none() && y.dtype == DType::Float64 => {
            let s = number(other)?;
            let yb = y.base.borrow();
            graph::eager_float_binary(op, FastOperand::Float(s), FastOperand::Node(&yb.node), y.dtype, &y.shape, span)
        }
        _ => None,
    }?;
    Some(wrap(node))
}

/// Note [Scalar powers]: NumPy's float `power` loop computes a scalar exponent of 2 as
/// `square` and of 0.5 as `sqrt`. For 2 that is only faster (`pow(x, 2)` is `x*x`
/// correctly rounded), but for 0.5 it is visible: `(-inf)**0.5` is nan and
/// `(-0.0)**0.5` is -0.0 in NumPy, where C's `pow` gives inf and 0.0. So a float
/// power whose exponent is a host scalar 2 or 0.5 becomes the unary op. (NumPy decides
/// on the exponent's stride being 0; an exponent array of equal values keeps `pow`.)
fn scalar_power(op: BinaryOp, loop_dtype: DType, b: &Value) -> Option<UnaryOp> {
    if op != BinaryOp::Pow || !loop_dtype.is_float() {
        return None;
    }
    let e = match b {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => return None,
    };
    if e == 2.0 {
        Some(UnaryOp::Square)
    } else if e == 0.5 {
        Some(UnaryOp::Sqrt)
    } else {
        None
    }
}

/// Integer powers with a negative exponent are a ValueError in NumPy; when the exponent
/// is known on the host (a scalar) we report it at once.
fn check_negative_int_power(b: &Value, span: Span) -> R<()> {
    let negative = match b {
        Value::Int(i) => *i < 0,
        Value::Array(a) if a.size() <= 1 && a.dtype.is_signed_int() => {
            a.size() == 1 && a.scalar_value(span)?.as_i64() < 0
        }
        Value::Array(a) if a.dtype.is_signed_int() => {
            let v = a.realize(span)?;
            (0..v.size()).any(|i| v.get_flat(i).as_i64() < 0)
        }
        _ => false,
    };
    if negative {
        return Err(err(Code::Value, span, "Integers to negative integer powers are not allowed."));
    }
    Ok(())
}

/// Tuples and ranges used as operands behave like arrays (NumPy converts them).
fn coerce_arraylike(v: &Value, span: Span) -> R<Cow<'_, Value>> {
    match v {
        Value::Tuple(_) | Value::Range(..) => Ok(Cow::Owned(Value::Array(to_array(v, span)?))),
        other => Ok(Cow::Borrowed(other)),
    }
}

pub fn unary(op: UnaryOp, x: &Value, span: Span) -> R<Value> {
    let x = coerce_arraylike(x, span)?;
    let arr = match &*x {
        Value::Array(a) => a.clone(),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => to_array(&x, span)?,
        other => {
            return Err(err(Code::Type, span, format!("bad operand type for {}: '{}'", op.name(), other.type_name())))
        }
    };
    let (loop_dtype, out_dtype) = types::unary_loop(op, arr.dtype).map_err(|e| type_err(e, span))?;
    let node = graph::node(Op::Unary { op, loop_dtype, x: arr.node(span)? }, out_dtype, arr.shape.clone(), span)?;
    Ok(wrap(node))
}

pub fn astype(a: &Array, dtype: DType, span: Span) -> R<Array> {
    let node = graph::node(Op::Cast { x: a.node(span)? }, dtype, a.shape.clone(), span)?;
    let mut out = Array::from_node(node);
    out.is_scalar = a.is_scalar;
    Ok(out)
}

/// Normalises a possibly negative axis, with NumPy's AxisError message.
pub fn normalize_axis(axis: i64, ndim: usize, span: Span) -> R<usize> {
    let n = ndim as i64;
    if axis < -n || axis >= n {
        return Err(err(Code::Index, span, format!("axis {axis} is out of bounds for array of dimension {ndim}")));
    }
    Ok(if axis < 0 { (axis + n) as usize } else { axis as usize })
}

/// Normalises an `axis=` argument (None → all axes) into sorted unique axes.
pub fn normalize_axes(axis: Option<&[i64]>, ndim: usize, span: Span) -> R<Vec<usize>> {
    match axis {
        None => Ok((0..ndim).collect()),
        Some(list) => {
            let mut out = Vec::new();
            for &a in list {
                let ax = normalize_axis(a, ndim, span)?;
                if out.contains(&ax) {
                    return Err(err(Code::Value, span, "duplicate value in 'axis'"));
                }
                out.push(ax);
            }
            out.sort_unstable();
            Ok(out)
        }
    }
}

/// A reduction; `axis` None reduces everything.
/// `dtype` overrides the accumulation and result dtype (NumPy's `dtype=` argument).
pub fn reduce(
    op: ReduceOp,
    a: &Array,
    axis: Option<&[i64]>,
    keepdims: bool,
    dtype: Option<DType>,
    span: Span,
) -> R<Value> {
    let (mut loop_dtype, mut out_dtype) = types::reduce_loop(op, a.dtype).map_err(|e| type_err(e, span))?;
    if let Some(d) = dtype {
        let moments = matches!(
            op,
            ReduceOp::Mean
                | ReduceOp::NanMean
                | ReduceOp::Var { .. }
                | ReduceOp::Std { .. }
                | ReduceOp::NanVar { .. }
                | ReduceOp::NanStd { .. }
        );
        if moments && !d.is_float() {
            return Err(err(
                Code::Unsupported,
                span,
                format!("{}() with dtype={} is not supported yet", op.name(), d.name()),
            )
            .with_help("use a float dtype, or cast the result with astype()"));
        }
        loop_dtype = d;
        out_dtype = d;
    }
    let is_arg = matches!(op, ReduceOp::ArgMin | ReduceOp::ArgMax | ReduceOp::NanArgMin | ReduceOp::NanArgMax);
    if is_arg && axis.is_some_and(|ax| ax.len() != 1) {
        return Err(err(Code::Type, span, format!("{}: axis must be an integer or None", op.name())));
    }
    let axes = normalize_axes(axis, a.ndim(), span)?;
    // Reductions without an identity fail on empty input; that depends only on shapes.
    let no_identity = matches!(
        op,
        ReduceOp::Min | ReduceOp::Max | ReduceOp::ArgMin | ReduceOp::ArgMax | ReduceOp::NanArgMin | ReduceOp::NanArgMax
    );
    if no_identity && axes.iter().any(|&ax| a.shape[ax] == 0) {
        let what = match op {
            ReduceOp::Min => "zero-size array to reduction operation minimum which has no identity".to_string(),
            ReduceOp::Max => "zero-size array to reduction operation maximum which has no identity".to_string(),
            _ => format!("attempt to get {} of an empty sequence", op.name()),
        };
        return Err(err(Code::Value, span, what));
    }
    let shape = reduced_shape(&a.shape, &axes, keepdims);
    let node = graph::node(Op::Reduce { op, loop_dtype, x: a.node(span)?, axes, keepdims }, out_dtype, shape, span)?;
    Ok(wrap(node))
}

/// A cumulative op; `axis` None flattens first.
pub fn scan(op: ScanOp, a: &Array, axis: Option<i64>, dtype: Option<DType>, span: Span) -> R<Value> {
    let (_, mut out_dtype) = types::scan_loop(op, a.dtype).map_err(|e| type_err(e, span))?;
    if let Some(d) = dtype {
        out_dtype = d;
    }
    let (x, ax) = match axis {
        None => (reshape_to(a, vec![a.size()], span)?, 0),
        Some(ax) => (a.clone(), normalize_axis(ax, a.ndim(), span)?),
    };
    if x.ndim() == 0 {
        let flat = reshape_to(&x, vec![1], span)?;
        return scan(op, &flat, Some(0), dtype, span);
    }
    let node = graph::node(Op::Scan { op, x: x.node(span)?, axis: ax }, out_dtype, x.shape.clone(), span)?;
    let mut out = Array::from_node(node);
    out.is_scalar = false;
    Ok(Value::Array(out))
}

/// Resolves `-1` in a requested shape and checks the size, with NumPy's messages.
pub fn resolve_shape(size: usize, requested: &[i64], span: Span) -> R<Vec<usize>> {
    let mut unknown = None;
    let mut known: usize = 1;
    for (i, &d) in requested.iter().enumerate() {
        if d == -1 {
            if unknown.is_some() {
                return Err(err(Code::Value, span, "can only specify one unknown dimension"));
            }
            unknown = Some(i);
        } else if d < 0 {
            return Err(err(Code::Value, span, "negative dimensions not allowed"));
        } else {
            known = known.saturating_mul(d as usize);
        }
    }
    let mut out: Vec<usize> = requested.iter().map(|&d| d.max(0) as usize).collect();
    let text = || {
        let parts: Vec<String> = requested.iter().map(|d| d.to_string()).collect();
        if parts.len() == 1 {
            format!("({},)", parts[0])
        } else {
            format!("({})", parts.join(", "))
        }
    };
    if let Some(i) = unknown {
        if known == 0 || !size.is_multiple_of(known) {
            return Err(err(Code::Value, span, format!("cannot reshape array of size {size} into shape {}", text())));
        }
        out[i] = size / known;
    } else if known != size {
        return Err(err(Code::Value, span, format!("cannot reshape array of size {size} into shape {}", text())));
    }
    Ok(out)
}

/// Reshape: a view when the layout allows it (as NumPy), a copy otherwise.
pub fn reshape_to(a: &Array, shape: Vec<usize>, span: Span) -> R<Array> {
    let spec = a.view_spec();
    if let Some(strides) = nocopy_reshape(&spec.shape, &spec.strides, &shape) {
        let mut out = a.with_view(ViewSpec { offset: spec.offset, shape, strides });
        out.is_scalar = false;
        return Ok(out);
    }
    let node = graph::node(Op::Reshape { x: a.node(span)? }, a.dtype, shape, span)?;
    let mut out = Array::from_node(node);
    out.is_scalar = false;
    Ok(out)
}

/// NumPy's `_attempt_nocopy_reshape`: strides for `new_shape` over the same elements, if
/// they exist.
pub fn nocopy_reshape(old_shape: &[usize], old_strides: &[isize], new_shape: &[usize]) -> Option<Vec<isize>> {
    // Drop size-1 dimensions of the old shape.
    let (olddims, oldstrides): (Vec<usize>, Vec<isize>) =
        old_shape.iter().zip(old_strides).filter(|(d, _)| **d != 1).map(|(d, s)| (*d, *s)).unzip();
    let size: usize = old_shape.iter().product();
    if size == 0 {
        return Some(hpxl_runtime::contiguous_strides(new_shape).to_vec());
    }
    let mut newstrides = vec![0isize; new_shape.len()];
    let (oldnd, newnd) = (olddims.len(), new_shape.len());
    let (mut oi, mut oj, mut ni, mut nj) = (0usize, 1usize, 0usize, 1usize);
    while ni < newnd && oi < oldnd {
        let mut np = new_shape[ni];
        let mut op = olddims[oi];
        while np != op {
            if np < op {
                np *= new_shape[nj];
                nj += 1;
            } else {
                op *= olddims[oj];
                oj += 1;
            }
        }
        for ok in oi..oj.saturating_sub(1) {
            if oldstrides[ok] != olddims[ok + 1] as isize * oldstrides[ok + 1] {
                return None;
            }
        }
        newstrides[nj - 1] = oldstrides[oj - 1];
        let mut nk = nj - 1;
        while nk > ni {
            newstrides[nk - 1] = newstrides[nk] * new_shape[nk] as isize;
            nk -= 1;
        }
        ni = nj;
        nj += 1;
        oi = oj;
        oj += 1;
    }
    // Trailing size-1 dimensions.
    let last_stride = if ni >= 1 { newstrides[ni - 1] } else { 1 };
    for s in newstrides.iter_mut().skip(ni) {
        *s = last_stride;
    }
    Some(newstrides)
}

/// Permutes axes (a view).
pub fn transpose(a: &Array, perm: &[usize]) -> Array {
    let spec = a.view_spec();
    let shape = perm.iter().map(|&p| spec.shape[p]).collect();
    let strides = perm.iter().map(|&p| spec.strides[p]).collect();
    let mut out = a.with_view(ViewSpec { offset: spec.offset, shape, strides });
    out.is_scalar = false;
    out
}

/// `broadcast_to` (a read-only view in NumPy; here a broadcast node).
pub fn broadcast_to(a: &Array, shape: &[usize], span: Span) -> R<Array> {
    if !broadcasts_into(&a.shape, shape) {
        return Err(err(
            Code::Shape,
            span,
            format!(
                "operands could not be broadcast together with remapped shapes [original->remapped]: {} and requested shape {}",
                shape_str(&a.shape),
                shape_str(shape)
            ),
        ));
    }
    if a.shape[..] == shape[..] {
        return Ok(a.clone());
    }
    let node = graph::node(Op::Broadcast { x: a.node(span)? }, a.dtype, shape.to_vec(), span)?;
    let out = Array::from_node(node);
    out.base.borrow_mut().readonly = true;
    Ok(out)
}

/// Whether `from` broadcasts to exactly `to` (one-directional).
pub fn broadcasts_into(from: &[usize], to: &[usize]) -> bool {
    if from.len() > to.len() {
        // Leading size-1 dims may be dropped.
        let extra = from.len() - to.len();
        if from[..extra].iter().any(|&d| d != 1) {
            return false;
        }
        return broadcasts_into(&from[extra..], to);
    }
    let off = to.len() - from.len();
    from.iter().enumerate().all(|(i, &d)| d == 1 || d == to[off + i])
}

/// Writes `value` into `region` of `target`'s base: the new base node is a scatter over
/// the old one. `op_name` names the ufunc for in-place ops in cast errors.
pub fn assign(target: &Array, region: Region, value: &Value, span: Span) -> R<()> {
    if target.base.borrow().readonly {
        return Err(err(Code::Value, span, "assignment destination is read-only"));
    }
    let region_shape = region.shape().to_vec();
    let base_node = target.base.borrow().node.clone();
    let value_node = match value {
        Value::Array(v) => {
            let vshape = &v.shape;
            if !broadcasts_into(vshape, &region_shape) {
                return Err(err(
                    Code::Shape,
                    span,
                    format!(
                        "could not broadcast input array from shape {} into shape {}",
                        shape_str(vshape),
                        shape_str(&region_shape)
                    ),
                ));
            }
            let n = v.node(span)?;
            if vshape.len() > region_shape.len() {
                // Drop leading size-1 dims so the scatter sees a broadcastable shape.
                let arr = reshape_to(v, vshape[vshape.len() - region_shape.len()..].to_vec(), span)?;
                arr.node(span)?
            } else {
                n
            }
        }
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            let s = python_scalar(value).ok_or_else(|| err(Code::Internal, span, "assign"))?;
            if let (Scalar::Float64(f), true) = (s, target.dtype.is_integer() || target.dtype.is_bool()) {
                if f.is_nan() && target.dtype.is_integer() {
                    return Err(err(Code::Value, span, "cannot convert float NaN to integer"));
                }
            }
            if let (Scalar::Int64(i), true) = (s, target.dtype.is_integer()) {
                // NumPy 2 refuses out-of-bounds Python ints on assignment too.
                if types::result_type(&[Operand::Array(target.dtype), Operand::PyInt(i)]).is_err() {
                    return Err(err(
                        Code::DType,
                        span,
                        format!("Python integer {i} out of bounds for {}", target.dtype.name()),
                    ));
                }
            }
            graph::scalar_node(s.cast(target.dtype), span)
        }
        Value::Tuple(_) | Value::Range(..) => {
            let arr = to_array(value, span)?;
            return assign(target, region, &Value::Array(arr), span);
        }
        other => {
            return Err(err(
                Code::Type,
                span,
                format!("cannot assign a value of type {} into an array", other.type_name()),
            ))
        }
    };
    let new = graph::node(
        Op::Scatter { base: base_node.clone(), region, value: value_node },
        base_node.dtype,
        base_node.shape.clone(),
        span,
    )?;
    target.base.borrow_mut().node = new;
    Ok(())
}

/// `target op= value` on an array, in place, with NumPy's same-kind casting check.
pub fn inplace(op: BinaryOp, target: &Array, value: &Value, span: Span) -> R<()> {
    let current = Value::Array(target.clone());
    let result = binary(op, &current, value, span)?;
    let Value::Array(r) = &result else {
        return Err(err(Code::Internal, span, "in-place op produced a non-array"));
    };
    if r.dtype != target.dtype && !types::can_cast_same_kind(r.dtype, target.dtype) {
        return Err(err(
            Code::DType,
            span,
            format!(
                "Cannot cast ufunc '{}' output from dtype('{}') to dtype('{}') with casting rule 'same_kind'",
                ufunc_short_name(op),
                r.dtype.name(),
                target.dtype.name()
            ),
        ));
    }
    if r.shape != target.shape && !broadcasts_into(&r.shape, &target.shape) {
        return Err(err(
            Code::Shape,
            span,
            format!(
                "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                shape_str(&target.shape),
                shape_str(&r.shape)
            ),
        ));
    }
    assign(target, Region::View(target.view_spec()), &result, span)
}

fn ufunc_short_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Div => "divide",
        other => other.name(),
    }
}

/// `where(cond, a, b)`.
pub fn select(cond: &Value, a: &Value, b: &Value, span: Span) -> R<Value> {
    let c = to_array(cond, span)?;
    let c = if c.dtype == DType::Bool { c } else { astype(&c, DType::Bool, span)? };
    let oa =
        operand(&*coerce_arraylike(a, span)?).ok_or_else(|| err(Code::Type, span, "where: x must be array-like"))?;
    let ob =
        operand(&*coerce_arraylike(b, span)?).ok_or_else(|| err(Code::Type, span, "where: y must be array-like"))?;
    let dtype = types::result_type(&[oa, ob]).map_err(|e| type_err(e, span))?;
    let aa = to_array(a, span)?;
    let bb = to_array(b, span)?;
    let s1 = types::broadcast_shapes(&c.shape, &aa.shape).map_err(|e| type_err(e, span))?;
    let shape = types::broadcast_shapes(&s1, &bb.shape).map_err(|e| type_err(e, span))?;
    let na = operand_node(a, dtype, span).or_else(|_| aa.node(span))?;
    let nb = operand_node(b, dtype, span).or_else(|_| bb.node(span))?;
    let node = graph::node(Op::Select { cond: c.node(span)?, a: na, b: nb }, dtype, shape, span)?;
    Ok(wrap(node))
}

/// NumPy `matmul` shape rules, with NumPy's messages (`ValueError`s about dimensions,
/// hence shape errors).
pub fn matmul(a: &Value, b: &Value, span: Span) -> R<Value> {
    let aa = to_array(a, span)?;
    let bb = to_array(b, span)?;
    for (i, x) in [&aa, &bb].into_iter().enumerate() {
        if x.ndim() == 0 {
            return Err(err(
                Code::Shape,
                span,
                format!(
                    "matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
                ),
            ));
        }
    }
    let dtype = types::binary_loop(BinaryOp::Mul, Operand::Array(aa.dtype), Operand::Array(bb.dtype))
        .map_err(|e| type_err(e, span))?
        .1;
    let ash: Vec<usize> = if aa.ndim() == 1 { vec![1, aa.shape[0]] } else { aa.shape.to_vec() };
    let bsh: Vec<usize> = if bb.ndim() == 1 { vec![bb.shape[0], 1] } else { bb.shape.to_vec() };
    let (n, k1) = (ash[ash.len() - 2], ash[ash.len() - 1]);
    let (k2, m) = (bsh[bsh.len() - 2], bsh[bsh.len() - 1]);
    if k1 != k2 {
        return Err(err(
            Code::Shape,
            span,
            format!(
                "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size {k2} is different from {k1})"
            ),
        ));
    }
    let mut core = Vec::new();
    if aa.ndim() > 1 {
        core.push(n);
    }
    if bb.ndim() > 1 {
        core.push(m);
    }
    let (a_loop, b_loop) = (ash.len() - 2, bsh.len() - 2);
    let batch = types::broadcast_shapes(&ash[..a_loop], &bsh[..b_loop]).map_err(|_| {
        let operands: [(&[usize], usize); 2] =
            [(&aa.shape, aa.ndim().saturating_sub(2)), (&bb.shape, bb.ndim().saturating_sub(2))];
        err(Code::Shape, span, crate::library::linalg::remapped_broadcast_message(&operands, &core))
    })?;
    let mut shape = batch;
    shape.extend_from_slice(&core);
    graph::check_alloc(&shape, dtype, span)?;
    let node = graph::node(Op::MatMul { a: aa.node(span)?, b: bb.node(span)? }, dtype, shape, span)?;
    Ok(wrap(node))
}

/// `concatenate(arrays, axis)`.
pub fn concatenate(arrays: &[Array], axis: Option<i64>, span: Span) -> R<Array> {
    if arrays.is_empty() {
        return Err(err(Code::Value, span, "need at least one array to concatenate"));
    }
    let arrays: Vec<Array> = match axis {
        None => arrays.iter().map(|a| reshape_to(a, vec![a.size()], span)).collect::<R<_>>()?,
        Some(_) => arrays.to_vec(),
    };
    let nd = arrays[0].ndim();
    if nd == 0 {
        return Err(err(Code::Value, span, "zero-dimensional arrays cannot be concatenated"));
    }
    let ax = normalize_axis(axis.unwrap_or(0), nd, span)?;
    let mut shape = arrays[0].shape.clone();
    let mut total = 0;
    for (i, a) in arrays.iter().enumerate() {
        if a.ndim() != nd {
            return Err(err(
                Code::Shape,
                span,
                format!(
                    "all the input array dimensions except for the concatenation axis must match exactly, but along dimension 0, the array at index 0 has {} dimension(s) and the array at index {i} has {} dimension(s)",
                    nd,
                    a.ndim()
                ),
            ));
        }
        for d in 0..nd {
            if d != ax && a.shape[d] != shape[d] {
                return Err(err(
                    Code::Shape,
                    span,
                    format!(
                        "all the input array dimensions except for the concatenation axis must match exactly, but along dimension {d}, the array at index 0 has size {} and the array at index {i} has size {}",
                        shape[d], a.shape[d]
                    ),
                ));
            }
        }
        total += a.shape[ax];
    }
    shape[ax] = total;
    let ops: Vec<Operand> = arrays.iter().map(|a| Operand::Array(a.dtype)).collect();
    let dtype = types::result_type(&ops).map_err(|e| type_err(e, span))?;
    let xs = arrays.iter().map(|a| a.node(span)).collect::<R<Vec<_>>>()?;
    let node = graph::node(Op::Concat { xs, axis: ax }, dtype, shape, span)?;
    let mut out = Array::from_node(node);
    out.is_scalar = false;
    Ok(out)
}

/// Inserts a size-1 axis at `axis` (a view).
pub fn expand_dims(a: &Array, axis: usize) -> Array {
    let spec = a.view_spec();
    let mut shape = spec.shape.clone();
    let mut strides = spec.strides.clone();
    shape.insert(axis, 1);
    strides.insert(axis, 0);
    let mut out = a.with_view(ViewSpec { offset: spec.offset, shape, strides });
    out.is_scalar = false;
    out
}

/// A library node (`crate::library`) over `inputs`, with the result dtype and shape the
/// caller has already checked. Inputs are taken as they are (views stay views); the
/// routine sees them realised.
pub fn library(
    func: std::rc::Rc<dyn crate::library::LibraryFn>,
    inputs: &[Array],
    dtype: DType,
    shape: Vec<usize>,
    span: Span,
) -> R<Array> {
    let xs = inputs.iter().map(|a| a.node(span)).collect::<R<Vec<NodeRef>>>()?;
    let node = graph::node(Op::Library { func, xs }, dtype, shape, span)?;
    Ok(Array::from_node(node))
}

/// The shape of a reduction of an array of `shape` over `axes`: the reduced axes are
/// dropped, or kept with length 1 under `keepdims`.
pub fn reduced_shape(shape: &[usize], axes: &[usize], keepdims: bool) -> Vec<usize> {
    let mut out = Vec::with_capacity(shape.len());
    for (i, &d) in shape.iter().enumerate() {
        if !axes.contains(&i) {
            out.push(d);
        } else if keepdims {
            out.push(1);
        }
    }
    out
}
