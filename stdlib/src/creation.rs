//! Array creation: array, zeros, ones, full, empty, *_like, arange, linspace, eye.

use crate::args::{array_arg, dtype_of, f64_of, opt, shape_of};
use hpxl_compiler::arrays::{array_from_nested, astype, err, to_array, wrap, R};
use hpxl_compiler::graph::{self, Op};
use hpxl_compiler::{Array, CallArgs, Interp, Registry, Value};
use hpxl_grammar::Code;
use hpxl_runtime::{DType, Scalar};

pub fn register(r: &mut Registry) {
    r.functions.insert("array".into(), |i, c| crate::spmd::with_dist(i, c, array));
    r.functions.insert("asarray".into(), asarray);
    r.functions.insert("copy".into(), copy);
    r.functions.insert("zeros".into(), |i, c| crate::spmd::with_dist(i, c, zeros));
    r.functions.insert("ones".into(), |i, c| crate::spmd::with_dist(i, c, ones));
    r.functions.insert("empty".into(), |i, c| crate::spmd::with_dist(i, c, zeros));
    r.functions.insert("full".into(), |i, c| crate::spmd::with_dist(i, c, full));
    r.functions.insert("zeros_like".into(), |i, c| crate::spmd::with_dist(i, c, zeros_like));
    r.functions.insert("ones_like".into(), |i, c| crate::spmd::with_dist(i, c, ones_like));
    r.functions.insert("empty_like".into(), |i, c| crate::spmd::with_dist(i, c, zeros_like));
    r.functions.insert("full_like".into(), |i, c| crate::spmd::with_dist(i, c, full_like));
    r.functions.insert("arange".into(), |i, c| crate::spmd::with_dist(i, c, arange));
    r.functions.insert("linspace".into(), |i, c| crate::spmd::with_dist(i, c, linspace));
    r.functions.insert("eye".into(), eye);
    r.functions.insert("identity".into(), identity);
    r.methods.insert("copy".into(), copy);
}

fn array(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["object", "dtype=", "copy=", "ndmin="])?;
    let dtype = dtype_of(&opt(&s, 1), call.span)?;
    let obj = opt(&s, 0);
    let mut out = match &obj {
        Value::Array(a) => {
            // np.array copies.
            let mut c = astype(a, dtype.unwrap_or(a.dtype), call.span)?;
            c.is_scalar = false;
            c
        }
        Value::Tuple(_) | Value::Range(..) => array_from_nested(&obj, dtype, call.arg_span(0))?,
        other => {
            let a = to_array(other, call.arg_span(0))?;
            match dtype {
                Some(d) => astype(&a, d, call.span)?,
                None => a,
            }
        }
    };
    out.is_scalar = false;
    if let Value::Int(ndmin) = opt(&s, 3) {
        while (out.ndim() as i64) < ndmin {
            out = hpxl_compiler::arrays::expand_dims(&out, 0);
        }
    }
    let _ = interp;
    Ok(Value::Array(out))
}

fn asarray(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "dtype="])?;
    let dtype = dtype_of(&opt(&s, 1), call.span)?;
    let a = match opt(&s, 0) {
        Value::Tuple(t) => array_from_nested(&Value::Tuple(t), dtype, call.arg_span(0))?,
        other => to_array(&other, call.arg_span(0))?,
    };
    Ok(Value::Array(match dtype {
        Some(d) if d != a.dtype => astype(&a, d, call.span)?,
        _ => a,
    }))
}

fn copy(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "order="])?;
    let a = array_arg(&s, 0, call)?;
    let mut c = astype(&a, a.dtype, call.span)?;
    c.is_scalar = a.is_scalar;
    Ok(Value::Array(c))
}

/// A constant-filled array (a broadcast scalar, so it costs nothing until used).
pub fn filled(shape: Vec<usize>, value: Scalar, dtype: DType, call: &CallArgs) -> R<Array> {
    graph::check_alloc(&shape, dtype, call.span)?;
    let scalar = graph::scalar_node(value.cast(dtype), call.span);
    let node = graph::node(Op::Broadcast { x: scalar }, dtype, shape, call.span)?;
    // A materialising cast so the result owns writable storage.
    let node = graph::node(Op::Cast { x: node.clone() }, dtype, node.shape.clone(), call.span)?;
    let mut a = Array::from_node(node);
    a.is_scalar = false;
    Ok(a)
}

fn make(interp: &mut Interp, call: &mut CallArgs, fill: Scalar) -> R<Value> {
    let s = call.bind(&["shape", "dtype=", "order="])?;
    let shape = shape_of(interp, &opt(&s, 0), call.arg_span(0))?;
    let dtype = dtype_of(&opt(&s, 1), call.span)?.unwrap_or(DType::Float64);
    Ok(Value::Array(filled(shape, fill, dtype, call)?))
}

fn zeros(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    make(interp, call, Scalar::Int64(0))
}

fn ones(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    make(interp, call, Scalar::Int64(1))
}

/// The scalar and the dtype NumPy gives a fill value on its own.
fn fill_scalar(v: &Value, call: &CallArgs, i: usize) -> R<(Scalar, DType)> {
    match v {
        Value::Bool(b) => Ok((Scalar::Bool(*b), DType::Bool)),
        Value::Int(x) => Ok((Scalar::Int64(*x), DType::Int64)),
        Value::Float(f) => Ok((Scalar::Float64(*f), DType::Float64)),
        Value::Array(a) if a.size() == 1 => {
            let s = a.scalar_value(call.arg_span(i))?;
            Ok((s, a.dtype))
        }
        other => {
            Err(err(Code::Type, call.arg_span(i), format!("fill value must be a number, got {}", other.type_name())))
        }
    }
}

fn full(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["shape", "fill_value", "dtype=", "order="])?;
    let shape = shape_of(interp, &opt(&s, 0), call.arg_span(0))?;
    let (value, natural) = fill_scalar(&opt(&s, 1), call, 1)?;
    let dtype = dtype_of(&opt(&s, 2), call.span)?.unwrap_or(natural);
    Ok(Value::Array(filled(shape, value, dtype, call)?))
}

fn like(interp: &mut Interp, call: &mut CallArgs, fill: Option<Scalar>) -> R<Value> {
    let params: &[&str] = if fill.is_some() {
        &["a", "dtype=", "order=", "subok=", "shape="]
    } else {
        &["a", "fill_value", "dtype=", "order=", "subok=", "shape="]
    };
    let s = call.bind(params)?;
    let a = array_arg(&s, 0, call)?;
    let off = if fill.is_some() { 0 } else { 1 };
    let dtype = dtype_of(&opt(&s, 1 + off), call.span)?.unwrap_or(a.dtype);
    let shape = match opt(&s, 4 + off) {
        Value::None => a.shape.to_vec(),
        v => shape_of(interp, &v, call.span)?,
    };
    let value = match fill {
        Some(v) => v,
        None => fill_scalar(&opt(&s, 1), call, 1)?.0,
    };
    Ok(Value::Array(filled(shape, value, dtype, call)?))
}

fn zeros_like(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    like(interp, call, Some(Scalar::Int64(0)))
}

fn ones_like(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    like(interp, call, Some(Scalar::Int64(1)))
}

fn full_like(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    like(interp, call, None)
}

fn arange(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["start", "stop=", "step=", "dtype="])?;
    let dtype_arg = dtype_of(&opt(&s, 3), call.span)?;
    let (start, stop, step) = match (opt(&s, 0), opt(&s, 1), opt(&s, 2)) {
        (a, Value::None, Value::None) => (Value::Int(0), a, Value::Int(1)),
        (a, b, Value::None) => (a, b, Value::Int(1)),
        (a, b, c) => (a, b, c),
    };
    let is_float = |v: &Value| match v {
        Value::Float(_) => true,
        Value::Array(a) => a.dtype.is_float(),
        _ => false,
    };
    let any_float = is_float(&start) || is_float(&stop) || is_float(&step);
    let (fs, fe, fd) = (f64_of(&start, call.span)?, f64_of(&stop, call.span)?, f64_of(&step, call.span)?);
    if fd == 0.0 {
        return Err(
            err(Code::Value, call.span, "Maximum allowed size exceeded").with_note("arange: step must not be zero")
        );
    }
    let natural = if any_float { DType::Float64 } else { DType::Int64 };
    let dtype = dtype_arg.unwrap_or(natural);
    let len = if any_float {
        ((fe - fs) / fd).ceil()
    } else {
        let (a, b, c) = (fs as i128, fe as i128, fd as i128);
        let n = if c > 0 { (b - a + c - 1) / c } else { (a - b - c - 1) / (-c) };
        n as f64
    };
    if !len.is_finite() {
        return Err(err(Code::Value, call.span, "arange: cannot compute length"));
    }
    let n = if len > 0.0 { len as usize } else { 0 };
    graph::check_alloc(&[n], dtype, call.span)?;
    let (start_s, step_s) = if any_float {
        (Scalar::Float64(fs), Scalar::Float64(fd))
    } else {
        (Scalar::Int64(fs as i64), Scalar::Int64(fd as i64))
    };
    let node = graph::node(Op::Iota { start: start_s, step: step_s }, dtype, vec![n], call.span)?;
    let mut a = Array::from_node(node);
    a.is_scalar = false;
    Ok(Value::Array(a))
}

fn linspace(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["start", "stop", "num=", "endpoint=", "retstep=", "dtype=", "axis="])?;
    let start = f64_of(&opt(&s, 0), call.arg_span(0))?;
    let stop = f64_of(&opt(&s, 1), call.arg_span(1))?;
    let num = match opt(&s, 2) {
        Value::None => 50,
        v => interp.to_index(&v, call.arg_span(2))?,
    };
    if num < 0 {
        return Err(err(Code::Value, call.arg_span(2), format!("Number of samples, {num}, must be non-negative.")));
    }
    let endpoint = match opt(&s, 3) {
        Value::None => true,
        v => interp.truth(&v, call.span)?,
    };
    let retstep = match opt(&s, 4) {
        Value::None => false,
        v => interp.truth(&v, call.span)?,
    };
    let dtype = dtype_of(&opt(&s, 5), call.span)?;
    let num = num as usize;
    graph::check_alloc(&[num], DType::Float64, call.span)?;
    let node = graph::node(Op::Linspace { start, stop, num, endpoint }, DType::Float64, vec![num], call.span)?;
    let mut a = Array::from_node(node);
    if let Some(d) = dtype {
        if d.is_integer() {
            // NumPy rounds towards -inf before casting to an integer dtype.
            let floored =
                hpxl_compiler::arrays::unary(hpxl_compiler::ops::UnaryOp::Floor, &Value::Array(a), call.span)?;
            let Value::Array(f) = floored else { return Err(err(Code::Internal, call.span, "linspace")) };
            a = astype(&f, d, call.span)?;
        } else if d != DType::Float64 {
            a = astype(&a, d, call.span)?;
        }
    }
    a.is_scalar = false;
    if retstep {
        let div = if endpoint { num.saturating_sub(1) } else { num };
        let step = if div > 0 { (stop - start) / div as f64 } else { f64::NAN };
        return Ok(Value::tuple(vec![Value::Array(a), Value::Array(Array::scalar(Scalar::Float64(step), call.span))]));
    }
    Ok(Value::Array(a))
}

fn eye(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["N", "M=", "k=", "dtype=", "order="])?;
    let n = interp.to_index(&opt(&s, 0), call.arg_span(0))?;
    let m = match opt(&s, 1) {
        Value::None => n,
        v => interp.to_index(&v, call.arg_span(1))?,
    };
    let k = match opt(&s, 2) {
        Value::None => 0,
        v => interp.to_index(&v, call.arg_span(2))?,
    };
    if n < 0 || m < 0 {
        return Err(err(Code::Value, call.span, "negative dimensions are not allowed"));
    }
    let dtype = dtype_of(&opt(&s, 3), call.span)?.unwrap_or(DType::Float64);
    let shape = vec![n as usize, m as usize];
    graph::check_alloc(&shape, dtype, call.span)?;
    let node = graph::node(Op::Eye { k }, dtype, shape, call.span)?;
    Ok(wrap(node))
}

fn identity(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["n", "dtype="])?;
    let mut c = CallArgs::new("eye", call.span);
    c.push(opt(&s, 0), call.arg_span(0));
    c.kw.push(("dtype".into(), opt(&s, 1), call.span));
    eye(interp, &mut c)
}
