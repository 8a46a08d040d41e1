//! The `random` namespace: `seed`, `rand`, `randn`, `random` (`random_sample`, `sample`,
//! `ranf`), `standard_normal`, `uniform`, `normal` and `randint`, with the arguments,
//! result shapes, dtypes and errors of NumPy's legacy `np.random` functions, drawn from
//! hpxl's counter-based stream (Note [Counter-based draws] in
//! `hpxl_compiler::library::random`). The *values* differ from NumPy's by design: the
//! generator is Philox4x32-10, not the Mersenne Twister, so that draws are reproducible
//! under any thread or rank count.
//!
//! A draw with `size=None` and scalar parameters returns a Python scalar (evaluated on
//! the spot, as NumPy does); every other draw is a lazy graph node that takes its range
//! of the stream when the statement runs, so the numbers do not depend on when (or
//! whether) other nodes are realised.

use crate::args::{dtype_of, opt};
use hpxl_compiler::arrays::{err, shape_str, to_array, R};
use hpxl_compiler::graph;
use hpxl_compiler::interp::broadcast_shapes;
use hpxl_compiler::library::random::{self as engine, int_bounds, Dist};
use hpxl_compiler::library::LibraryFn;
use hpxl_compiler::value::scalar_value;
use hpxl_compiler::{Array, CallArgs, Interp, Registry, Value};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::{DType, Scalar};
use std::rc::Rc;

pub fn register(r: &mut Registry) {
    let f = &mut r.functions;
    f.insert("random.seed".into(), seed);
    f.insert("random.rand".into(), rand);
    f.insert("random.randn".into(), randn);
    for name in ["random.random", "random.random_sample", "random.sample", "random.ranf"] {
        f.insert(name.into(), random);
    }
    f.insert("random.standard_normal".into(), standard_normal);
    f.insert("random.uniform".into(), uniform);
    f.insert("random.normal".into(), normal);
    f.insert("random.randint".into(), randint);
    // The bare name `random` (without `np.`) is the namespace too.
    r.constants.insert("random".into(), Value::Module(Rc::from("numpy.random")));
}

/// `random.seed(seed=None)`: an integer in [0, 2^32), a non-empty sequence of them, or
/// None (fresh entropy). Resets the stream's counter.
fn seed(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["seed="])?;
    let span = call.span;
    let cast_err = |from: String| {
        err(Code::DType, span, format!("Cannot cast scalar from dtype('{from}') to dtype('int64') according to the rule 'safe'"))
    };
    let words: Vec<u64> = match opt(&s, 0) {
        Value::None => {
            engine::seed(&mut interp.random, engine::entropy_key());
            return Ok(Value::None);
        }
        Value::Bool(b) => vec![b as u64],
        Value::Int(i) => vec![seed_word(i as i128, span)?],
        Value::Float(_) => return Err(cast_err("float64".into())),
        Value::Str(t) => return Err(cast_err(format!("<U{}", t.chars().count()))),
        v @ (Value::Array(_) | Value::Tuple(_) | Value::Range(..)) => {
            let a = to_array(&v, span)?;
            if a.dtype.is_float() {
                return Err(cast_err(a.dtype.name().to_string()));
            }
            if a.ndim() > 1 {
                return Err(err(Code::Value, span, "Seed array must be 1-d"));
            }
            if a.size() == 0 && a.ndim() == 1 {
                return Err(err(Code::Value, span, "Seed must be non-empty"));
            }
            let values = a.realize(span)?;
            let mut words = Vec::with_capacity(values.size());
            for i in 0..values.size() {
                let x = values.get_flat(i);
                let w = if values.dtype() == DType::UInt64 { x.as_u64() as i128 } else { x.as_i64() as i128 };
                words.push(seed_word(w, span)?);
            }
            if a.ndim() == 0 {
                // A 0-d array seeds like the integer it holds.
                words.truncate(1);
            }
            words
        }
        other => {
            return Err(err(
                Code::Type,
                call.arg_span(0),
                format!("seed must be an integer or a sequence of integers, got {}", other.type_name()),
            ))
        }
    };
    engine::seed(&mut interp.random, engine::key_from_words(&words));
    Ok(Value::None)
}

fn seed_word(v: i128, span: Span) -> R<u64> {
    if !(0..1i128 << 32).contains(&v) {
        return Err(err(Code::Value, span, "Seed must be between 0 and 2**32 - 1"));
    }
    Ok(v as u64)
}

/// `rand(d0, d1, ...)` / `randn(d0, d1, ...)`: the dimensions as separate integers.
fn dims_of(interp: &mut Interp, call: &CallArgs) -> R<Option<Vec<usize>>> {
    let s = call.bind(&["*dims"])?;
    let Value::Tuple(items) = opt(&s, 0) else { return Ok(None) };
    if items.is_empty() {
        return Ok(None);
    }
    let mut dims = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let span = call.arg_span(i);
        if matches!(v, Value::Bool(_)) {
            return Err(err(Code::Type, span, "an integer is required"));
        }
        let d = interp.to_index(v, span)?;
        dims.push(dim(d, span)?);
    }
    Ok(Some(dims))
}

/// A `size=` argument: None, an int, a tuple of ints or a 1-d integer array.
fn size_of(interp: &mut Interp, v: &Value, span: Span) -> R<Option<Vec<usize>>> {
    let dims: Vec<i64> = match v {
        Value::None => return Ok(None),
        Value::Tuple(items) => items.iter().map(|x| interp.to_index(x, span)).collect::<R<_>>()?,
        Value::Array(a) if a.ndim() == 1 && (a.dtype.is_integer() || a.dtype.is_bool()) => {
            let values = a.realize(span)?;
            (0..values.size()).map(|i| values.get_flat(i).as_i64()).collect()
        }
        other => vec![interp.to_index(other, span)?],
    };
    dims.into_iter().map(|d| dim(d, span)).collect::<R<_>>().map(Some)
}

/// One dimension of a requested shape. NumPy's message mentions dimensions, so the
/// conformance mapping files it under E0300.
fn dim(d: i64, span: Span) -> R<usize> {
    if d < 0 {
        return Err(err(Code::Shape, span, "negative dimensions are not allowed"));
    }
    Ok(d as usize)
}

fn rand(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let shape = dims_of(interp, call)?;
    draw(interp, Dist::Unit, &[], DType::Float64, shape, call)
}

fn randn(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let shape = dims_of(interp, call)?;
    draw(interp, Dist::StandardNormal, &[], DType::Float64, shape, call)
}

fn random(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["size="])?;
    let shape = size_of(interp, &opt(&s, 0), call.span)?;
    draw(interp, Dist::Unit, &[], DType::Float64, shape, call)
}

fn standard_normal(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["size="])?;
    let shape = size_of(interp, &opt(&s, 0), call.span)?;
    draw(interp, Dist::StandardNormal, &[], DType::Float64, shape, call)
}

/// A distribution parameter: a host number, or an array of at least one dimension
/// (which makes the draw elementwise over the broadcast of the parameters).
enum Param<T> {
    Host(T),
    Array(Array),
}

fn float_param(v: Value, span: Span) -> R<Param<f64>> {
    Ok(match v {
        Value::Bool(b) => Param::Host(b as u8 as f64),
        Value::Int(i) => Param::Host(i as f64),
        Value::Float(f) => Param::Host(f),
        other => {
            let a = to_array(&other, span)?;
            if a.ndim() == 0 {
                Param::Host(a.scalar_value(span)?.as_f64())
            } else {
                Param::Array(a)
            }
        }
    })
}

/// An integer parameter of `randint`: floats are truncated toward zero, as NumPy does.
fn int_param(v: Value, span: Span) -> R<Param<i128>> {
    let from_float = |f: f64| -> R<i128> {
        if f.is_nan() {
            return Err(err(Code::Value, span, "cannot convert float NaN to integer"));
        }
        if f.is_infinite() {
            return Err(err(Code::Value, span, "cannot convert float infinity to integer"));
        }
        Ok(f.trunc() as i128)
    };
    Ok(match v {
        Value::Bool(b) => Param::Host(b as i128),
        Value::Int(i) => Param::Host(i as i128),
        Value::Float(f) => Param::Host(from_float(f)?),
        other => {
            let a = to_array(&other, span)?;
            if a.ndim() > 0 {
                return Ok(Param::Array(a));
            }
            match a.scalar_value(span)? {
                Scalar::Float32(f) => Param::Host(from_float(f as f64)?),
                Scalar::Float64(f) => Param::Host(from_float(f)?),
                Scalar::UInt64(u) => Param::Host(u as i128),
                x => Param::Host(x.as_i64() as i128),
            }
        }
    })
}

/// The parameter as an array node input (host numbers become 0-d constants).
fn param_array<T: Copy>(p: &Param<T>, scalar: impl Fn(T) -> Scalar, span: Span) -> Array {
    match p {
        Param::Host(x) => {
            let mut a = Array::scalar(scalar(*x), span);
            a.is_scalar = false;
            a
        }
        Param::Array(a) => a.clone(),
    }
}

/// The shape of a draw with array parameters (NumPy's legacy rule): the broadcast of
/// the parameters, which must equal `size` when one is given.
fn param_shape(arrays: &[&Array], size: Option<Vec<usize>>, span: Span) -> R<Vec<usize>> {
    let mut shapes: Vec<Vec<usize>> = Vec::new();
    if let Some(s) = &size {
        shapes.push(s.clone());
    }
    shapes.extend(arrays.iter().map(|a| a.shape.to_vec()));
    let mut out: Vec<usize> = Vec::new();
    for (i, s) in shapes.iter().enumerate() {
        out = match broadcast_shapes(&out, s) {
            Some(b) => b.to_vec(),
            None => {
                let j = (0..i).find(|&j| broadcast_shapes(&shapes[j], s).is_none()).unwrap_or(0);
                return Err(err(
                    Code::Shape,
                    span,
                    format!(
                        "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg {j} with shape {} and arg {i} with shape {}.",
                        shape_str(&shapes[j]),
                        shape_str(s)
                    ),
                ));
            }
        };
    }
    if let Some(s) = size {
        if s != out {
            return Err(err(
                Code::Shape,
                span,
                format!(
                    "Output size {} is not compatible with broadcast dimensions of inputs {}.",
                    shape_str(&s),
                    shape_str(&out)
                ),
            ));
        }
    }
    Ok(out)
}

/// `uniform(low=0.0, high=1.0, size=None)`: `low + (high - low) * u`.
fn uniform(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["low=", "high=", "size="])?;
    let low = float_param(s[0].clone().unwrap_or(Value::Float(0.0)), call.arg_span(0))?;
    let high = float_param(s[1].clone().unwrap_or(Value::Float(1.0)), call.arg_span(1))?;
    let size = size_of(interp, &opt(&s, 2), call.span)?;
    if let (Param::Host(l), Param::Host(h)) = (&low, &high) {
        if !(h - l).is_finite() {
            // NumPy raises OverflowError, which hpxl files under E0400.
            return Err(err(Code::DType, call.span, "Range exceeds valid bounds"));
        }
        return draw(interp, Dist::Uniform { low: *l, high: *h }, &[], DType::Float64, size, call);
    }
    let (low, high) = (param_array(&low, Scalar::Float64, call.span), param_array(&high, Scalar::Float64, call.span));
    let shape = param_shape(&[&low, &high], size, call.span)?;
    draw(interp, Dist::UniformOf, &[low, high], DType::Float64, Some(shape), call)
}

/// `normal(loc=0.0, scale=1.0, size=None)`: `loc + scale * z`.
fn normal(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["loc=", "scale=", "size="])?;
    let loc = float_param(s[0].clone().unwrap_or(Value::Float(0.0)), call.arg_span(0))?;
    let scale = float_param(s[1].clone().unwrap_or(Value::Float(1.0)), call.arg_span(1))?;
    let size = size_of(interp, &opt(&s, 2), call.span)?;
    if let (Param::Host(l), Param::Host(sc)) = (&loc, &scale) {
        if sc.is_sign_negative() {
            return Err(err(Code::Value, call.span, "scale < 0"));
        }
        return draw(interp, Dist::Normal { loc: *l, scale: *sc }, &[], DType::Float64, size, call);
    }
    let (loc, scale) = (param_array(&loc, Scalar::Float64, call.span), param_array(&scale, Scalar::Float64, call.span));
    let shape = param_shape(&[&loc, &scale], size, call.span)?;
    draw(interp, Dist::NormalOf, &[loc, scale], DType::Float64, Some(shape), call)
}

/// `randint(low, high=None, size=None, dtype=int)`: integers uniform on `[low, high)`
/// (`[0, low)` without `high`).
fn randint(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["low", "high=", "size=", "dtype="])?;
    // `dtype=int` / `dtype=bool` (the default is int) give Python scalars for size=None;
    // NumPy dtypes give NumPy scalars.
    let dtype_value = opt(&s, 3);
    let python_scalar = match &dtype_value {
        Value::None => true,
        Value::Builtin(b) => matches!(b.trim_start_matches("builtins."), "int" | "bool"),
        _ => false,
    };
    let dtype = dtype_of(&dtype_value, call.span)?.unwrap_or(DType::Int64);
    if dtype.is_float() {
        return Err(err(Code::DType, call.span, format!("Unsupported dtype dtype('{}') for randint", dtype.name())));
    }
    let size = size_of(interp, &opt(&s, 2), call.span)?;
    let high_only = matches!(opt(&s, 1), Value::None);
    let (low, high) = if high_only {
        (Param::Host(0), int_param(opt(&s, 0), call.arg_span(0))?)
    } else {
        (int_param(opt(&s, 0), call.arg_span(0))?, int_param(opt(&s, 1), call.arg_span(1))?)
    };
    if let (Param::Host(l), Param::Host(h)) = (&low, &high) {
        let (l, h) = (*l, *h);
        let (min, max) = int_bounds(dtype);
        if l < min {
            return Err(err(Code::Value, call.span, format!("low is out of bounds for {}", dtype.name())));
        }
        if h > max + 1 {
            return Err(err(Code::Value, call.span, format!("high is out of bounds for {}", dtype.name())));
        }
        if l >= h {
            return Err(err(Code::Value, call.span, if high_only { "high <= 0" } else { "low >= high" }));
        }
        let v = draw(interp, Dist::Integers { low: l, high: h }, &[], dtype, size, call)?;
        return Ok(match v {
            Value::Array(a) if a.is_scalar && python_scalar => {
                let x = a.scalar_value(call.span)?;
                if dtype == DType::Bool {
                    Value::Bool(x.as_bool())
                } else {
                    Value::Int(x.as_i64())
                }
            }
            v => v,
        });
    }
    let to_scalar = |x: i128| {
        if x < 0 {
            Scalar::Int64(x as i64)
        } else {
            Scalar::UInt64(x as u64)
        }
    };
    let (low, high) = (param_array(&low, to_scalar, call.span), param_array(&high, to_scalar, call.span));
    let shape = param_shape(&[&low, &high], size, call.span)?;
    draw(interp, Dist::IntegersOf { high_only }, &[low, high], dtype, Some(shape), call)
}

/// Takes a draw from the session's stream: a graph node of `shape`, or, for `shape =
/// None`, one value computed now (a Python float, or a NumPy scalar for integer draws,
/// which `randint` converts further).
fn draw(
    interp: &mut Interp,
    dist: Dist,
    inputs: &[Array],
    dtype: DType,
    shape: Option<Vec<usize>>,
    call: &CallArgs,
) -> R<Value> {
    match shape {
        None => {
            let d = engine::take_draw(&mut interp.random, dist, 1);
            let value = d.eval(&[], dtype, &[]).map_err(|e| err(e.code, call.span, e.message))?;
            let x = value.get_flat(0);
            Ok(if dtype == DType::Float64 { Value::Float(x.as_f64()) } else { scalar_value(x, call.span) })
        }
        Some(shape) => {
            // Check the size before the stream advances, so a refused draw takes nothing.
            graph::check_alloc(&shape, dtype, call.span)?;
            let d = engine::take_draw(&mut interp.random, dist, shape.iter().product());
            let mut a = hpxl_compiler::arrays::library(Rc::new(d), inputs, dtype, shape, call.span)?;
            a.is_scalar = false;
            Ok(Value::Array(a))
        }
    }
}
