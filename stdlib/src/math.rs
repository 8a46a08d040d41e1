//! Elementwise functions (ufuncs), `where`, `clip`, `round`, and the `isclose` family.

use crate::args::{array_arg, bool_of, dtype_of, f64_of, opt};
use hpxl_compiler::arrays::{self, astype, err, to_array, R};
use hpxl_compiler::ops::{BinaryOp, ReduceOp, UnaryOp};
use hpxl_compiler::{CallArgs, Interp, Registry, Value};
use hpxl_grammar::Code;
use hpxl_runtime::DType;

const UNARY: &[(&str, UnaryOp)] = &[
    ("abs", UnaryOp::Abs),
    ("absolute", UnaryOp::Abs),
    ("fabs", UnaryOp::Abs),
    ("sign", UnaryOp::Sign),
    ("sqrt", UnaryOp::Sqrt),
    ("cbrt", UnaryOp::Cbrt),
    ("square", UnaryOp::Square),
    ("reciprocal", UnaryOp::Reciprocal),
    ("exp", UnaryOp::Exp),
    ("exp2", UnaryOp::Exp2),
    ("expm1", UnaryOp::Expm1),
    ("log", UnaryOp::Log),
    ("log2", UnaryOp::Log2),
    ("log10", UnaryOp::Log10),
    ("log1p", UnaryOp::Log1p),
    ("sin", UnaryOp::Sin),
    ("cos", UnaryOp::Cos),
    ("tan", UnaryOp::Tan),
    ("arcsin", UnaryOp::Arcsin),
    ("asin", UnaryOp::Arcsin),
    ("arccos", UnaryOp::Arccos),
    ("acos", UnaryOp::Arccos),
    ("arctan", UnaryOp::Arctan),
    ("atan", UnaryOp::Arctan),
    ("sinh", UnaryOp::Sinh),
    ("cosh", UnaryOp::Cosh),
    ("tanh", UnaryOp::Tanh),
    ("arcsinh", UnaryOp::Arcsinh),
    ("asinh", UnaryOp::Arcsinh),
    ("arccosh", UnaryOp::Arccosh),
    ("acosh", UnaryOp::Arccosh),
    ("arctanh", UnaryOp::Arctanh),
    ("atanh", UnaryOp::Arctanh),
    ("deg2rad", UnaryOp::Deg2Rad),
    ("radians", UnaryOp::Deg2Rad),
    ("rad2deg", UnaryOp::Rad2Deg),
    ("degrees", UnaryOp::Rad2Deg),
    ("floor", UnaryOp::Floor),
    ("ceil", UnaryOp::Ceil),
    ("trunc", UnaryOp::Trunc),
    ("fix", UnaryOp::Trunc),
    ("rint", UnaryOp::Rint),
    ("isnan", UnaryOp::IsNan),
    ("isinf", UnaryOp::IsInf),
    ("isfinite", UnaryOp::IsFinite),
    ("signbit", UnaryOp::Signbit),
    ("logical_not", UnaryOp::LogicalNot),
    ("negative", UnaryOp::Neg),
    ("positive", UnaryOp::Pos),
    ("invert", UnaryOp::Invert),
    ("bitwise_not", UnaryOp::Invert),
    ("bitwise_invert", UnaryOp::Invert),
];

const BINARY: &[(&str, BinaryOp)] = &[
    ("add", BinaryOp::Add),
    ("subtract", BinaryOp::Sub),
    ("multiply", BinaryOp::Mul),
    ("divide", BinaryOp::Div),
    ("true_divide", BinaryOp::Div),
    ("floor_divide", BinaryOp::FloorDiv),
    ("mod", BinaryOp::Mod),
    ("remainder", BinaryOp::Mod),
    ("fmod", BinaryOp::Fmod),
    ("power", BinaryOp::Pow),
    ("pow", BinaryOp::Pow),
    ("maximum", BinaryOp::Maximum),
    ("minimum", BinaryOp::Minimum),
    ("fmax", BinaryOp::Fmax),
    ("fmin", BinaryOp::Fmin),
    ("arctan2", BinaryOp::Arctan2),
    ("atan2", BinaryOp::Arctan2),
    ("hypot", BinaryOp::Hypot),
    ("copysign", BinaryOp::Copysign),
    ("logical_and", BinaryOp::LogicalAnd),
    ("logical_or", BinaryOp::LogicalOr),
    ("logical_xor", BinaryOp::LogicalXor),
    ("bitwise_and", BinaryOp::BitAnd),
    ("bitwise_or", BinaryOp::BitOr),
    ("bitwise_xor", BinaryOp::BitXor),
    ("left_shift", BinaryOp::LShift),
    ("right_shift", BinaryOp::RShift),
    ("greater", BinaryOp::Gt),
    ("greater_equal", BinaryOp::Ge),
    ("less", BinaryOp::Lt),
    ("less_equal", BinaryOp::Le),
    ("equal", BinaryOp::Eq),
    ("not_equal", BinaryOp::Ne),
];

pub fn register(r: &mut Registry) {
    for (name, _) in UNARY {
        r.functions.insert((*name).into(), unary_fn);
    }
    for (name, _) in BINARY {
        r.functions.insert((*name).into(), binary_fn);
    }
    r.functions.insert("where".into(), where_fn);
    r.functions.insert("clip".into(), clip);
    r.methods.insert("clip".into(), clip);
    r.functions.insert("round".into(), round);
    r.functions.insert("around".into(), round);
    r.methods.insert("round".into(), round);
    r.functions.insert("isclose".into(), isclose);
    r.functions.insert("allclose".into(), allclose);
    r.functions.insert("array_equal".into(), array_equal);
    r.functions.insert("nonzero".into(), nonzero);
    r.methods.insert("nonzero".into(), nonzero);
    r.functions.insert("nan_to_num".into(), nan_to_num);
    r.functions.insert("dtype".into(), dtype_fn);
}

fn unary_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let op = UNARY
        .iter()
        .find(|(n, _)| *n == &*call.name)
        .map(|(_, op)| *op)
        .ok_or_else(|| err(Code::Internal, call.span, "unary table"))?;
    let s = call.bind(&["x", "out=", "dtype="])?;
    refuse_out(&s, 1, call)?;
    let x = opt(&s, 0);
    let r = arrays::unary(op, &x, call.span)?;
    cast_result(r, dtype_of(&opt(&s, 2), call.span)?, call)
}

fn binary_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let op = BINARY
        .iter()
        .find(|(n, _)| *n == &*call.name)
        .map(|(_, op)| *op)
        .ok_or_else(|| err(Code::Internal, call.span, "binary table"))?;
    let s = call.bind(&["x1", "x2", "out=", "dtype="])?;
    refuse_out(&s, 2, call)?;
    let r = arrays::binary(op, &opt(&s, 0), &opt(&s, 1), call.span)?;
    cast_result(r, dtype_of(&opt(&s, 3), call.span)?, call)
}

/// `out=` is refused with a clear error (LANGUAGE.md §6).
pub fn refuse_out(s: &[Option<Value>], i: usize, call: &CallArgs) -> R<()> {
    if !matches!(opt(s, i), Value::None) {
        return Err(err(
            Code::Unsupported,
            call.span,
            "the `out=` argument is not supported; assign the result instead",
        ));
    }
    Ok(())
}

fn cast_result(r: Value, dtype: Option<DType>, call: &CallArgs) -> R<Value> {
    match (r, dtype) {
        (Value::Array(a), Some(d)) if a.dtype != d => {
            let mut c = astype(&a, d, call.span)?;
            c.is_scalar = a.is_scalar;
            Ok(Value::Array(c))
        }
        (r, _) => Ok(r),
    }
}

fn where_fn(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["condition", "x=", "y="])?;
    match (opt(&s, 1), opt(&s, 2)) {
        (Value::None, Value::None) if s[1].is_none() => {
            let mut c = CallArgs::new("nonzero", call.span);
            c.push(opt(&s, 0), call.arg_span(0));
            nonzero(interp, &mut c)
        }
        (x, y) => arrays::select(&opt(&s, 0), &x, &y, call.span),
    }
}

fn clip(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "a_min=", "a_max=", "out=", "min=", "max="])?;
    refuse_out(&s, 3, call)?;
    let mut x = opt(&s, 0);
    let lo = match opt(&s, 1) {
        Value::None => opt(&s, 4),
        v => v,
    };
    let hi = match opt(&s, 2) {
        Value::None => opt(&s, 5),
        v => v,
    };
    if !matches!(x, Value::Array(_)) {
        x = Value::Array(to_array(&x, call.arg_span(0))?);
    }
    if !matches!(lo, Value::None) {
        x = arrays::binary(BinaryOp::Maximum, &x, &lo, call.span)?;
    }
    if !matches!(hi, Value::None) {
        x = arrays::binary(BinaryOp::Minimum, &x, &hi, call.span)?;
    }
    Ok(x)
}

fn round(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "decimals=", "out="])?;
    refuse_out(&s, 2, call)?;
    let decimals = match opt(&s, 1) {
        Value::None => 0,
        v => interp.to_index(&v, call.arg_span(1))?,
    };
    let x = Value::Array(to_array(&opt(&s, 0), call.arg_span(0))?);
    round_value(&x, decimals, call)
}

/// NumPy's `round`: `rint(x * 10**d) / 10**d` in the array's float dtype.
pub fn round_value(x: &Value, decimals: i64, call: &CallArgs) -> R<Value> {
    let Value::Array(a) = x else { return Err(err(Code::Internal, call.span, "round_value")) };
    if a.dtype.is_integer() || a.dtype.is_bool() {
        if decimals >= 0 {
            return Ok(x.clone());
        }
        let f = Value::Int(10i64.pow((-decimals).min(18) as u32));
        let q = arrays::binary(BinaryOp::Div, x, &f, call.span)?;
        let r = arrays::unary(UnaryOp::Rint, &q, call.span)?;
        let m = arrays::binary(BinaryOp::Mul, &r, &f, call.span)?;
        return cast_result(m, Some(a.dtype), call);
    }
    if decimals == 0 {
        return arrays::unary(UnaryOp::Rint, x, call.span);
    }
    if decimals > 0 {
        let f = Value::Float(10f64.powi(decimals as i32));
        let y = arrays::binary(BinaryOp::Mul, x, &f, call.span)?;
        let y = arrays::unary(UnaryOp::Rint, &y, call.span)?;
        arrays::binary(BinaryOp::Div, &y, &f, call.span)
    } else {
        let f = Value::Float(10f64.powi((-decimals) as i32));
        let y = arrays::binary(BinaryOp::Div, x, &f, call.span)?;
        let y = arrays::unary(UnaryOp::Rint, &y, call.span)?;
        arrays::binary(BinaryOp::Mul, &y, &f, call.span)
    }
}

fn isclose_value(interp: &mut Interp, call: &CallArgs, s: &[Option<Value>]) -> R<Value> {
    let a = opt(s, 0);
    let b = opt(s, 1);
    let rtol = match opt(s, 2) {
        Value::None => 1e-5,
        v => f64_of(&v, call.span)?,
    };
    let atol = match opt(s, 3) {
        Value::None => 1e-8,
        v => f64_of(&v, call.span)?,
    };
    let equal_nan = match opt(s, 4) {
        Value::None => false,
        v => bool_of(interp, &v, call.span)?,
    };
    let sp = call.span;
    let diff = arrays::binary(BinaryOp::Sub, &a, &b, sp)?;
    let diff = arrays::unary(UnaryOp::Abs, &diff, sp)?;
    let absb = arrays::unary(UnaryOp::Abs, &b, sp)?;
    let tol = arrays::binary(BinaryOp::Mul, &absb, &Value::Float(rtol), sp)?;
    let tol = arrays::binary(BinaryOp::Add, &tol, &Value::Float(atol), sp)?;
    let close = arrays::binary(BinaryOp::Le, &diff, &tol, sp)?;
    // Infinities are close only to themselves.
    let same = arrays::binary(BinaryOp::Eq, &a, &b, sp)?;
    let mut r = arrays::binary(BinaryOp::LogicalOr, &close, &same, sp)?;
    if equal_nan {
        let na = arrays::unary(UnaryOp::IsNan, &a, sp)?;
        let nb = arrays::unary(UnaryOp::IsNan, &b, sp)?;
        let both = arrays::binary(BinaryOp::LogicalAnd, &na, &nb, sp)?;
        r = arrays::binary(BinaryOp::LogicalOr, &r, &both, sp)?;
    }
    Ok(r)
}

fn isclose(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "b", "rtol=", "atol=", "equal_nan="])?;
    isclose_value(interp, call, &s)
}

fn allclose(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "b", "rtol=", "atol=", "equal_nan="])?;
    let r = isclose_value(interp, call, &s)?;
    let a = to_array(&r, call.span)?;
    let all = arrays::reduce(ReduceOp::All, &a, None, false, None, call.span)?;
    Ok(Value::Bool(interp.truth(&all, call.span)?))
}

fn array_equal(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a1", "a2", "equal_nan="])?;
    let a = array_arg(&s, 0, call)?;
    let b = array_arg(&s, 1, call)?;
    if a.shape != b.shape {
        return Ok(Value::Bool(false));
    }
    let eq = arrays::binary(BinaryOp::Eq, &Value::Array(a), &Value::Array(b), call.span)?;
    let eq = to_array(&eq, call.span)?;
    let all = arrays::reduce(ReduceOp::All, &eq, None, false, None, call.span)?;
    Ok(Value::Bool(interp.truth(&all, call.span)?))
}

/// `nonzero(a)`: a tuple of index arrays (realises `a`: the result shape depends on data).
fn nonzero(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a"])?;
    let a = array_arg(&s, 0, call)?;
    let v = a.realize(call.span)?;
    let nd = a.ndim().max(1);
    let shape = if a.ndim() == 0 { vec![1] } else { a.shape.to_vec() };
    let mut coords: Vec<Vec<i64>> = vec![Vec::new(); nd];
    for i in 0..v.size() {
        if v.get_flat(i).as_bool() {
            let mut rem = i;
            for d in (0..nd).rev() {
                coords[d].push((rem % shape[d]) as i64);
                rem /= shape[d];
            }
        }
    }
    let out = coords
        .into_iter()
        .map(|c| {
            let n = c.len();
            let arr = hpxl_runtime::NdArray::from_data(hpxl_runtime::Data::Int64(c), vec![n]);
            let mut a = hpxl_compiler::Array::from_ndarray(arr, call.span);
            a.is_scalar = false;
            Value::Array(a)
        })
        .collect();
    Ok(Value::tuple(out))
}

fn nan_to_num(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x", "copy=", "nan=", "posinf=", "neginf="])?;
    let x = Value::Array(array_arg(&s, 0, call)?);
    let Value::Array(a) = &x else { return Err(err(Code::Internal, call.span, "nan_to_num")) };
    if !a.dtype.is_float() {
        return Ok(x);
    }
    let (maxv, minv) =
        if a.dtype == DType::Float32 { (f32::MAX as f64, f32::MIN as f64) } else { (f64::MAX, f64::MIN) };
    let nan = match opt(&s, 2) {
        Value::None => 0.0,
        v => f64_of(&v, call.span)?,
    };
    let posinf = match opt(&s, 3) {
        Value::None => maxv,
        v => f64_of(&v, call.span)?,
    };
    let neginf = match opt(&s, 4) {
        Value::None => minv,
        v => f64_of(&v, call.span)?,
    };
    let sp = call.span;
    let isnan = arrays::unary(UnaryOp::IsNan, &x, sp)?;
    let r = arrays::select(&isnan, &Value::Float(nan), &x, sp)?;
    let pinf = arrays::binary(BinaryOp::Eq, &r, &Value::Float(f64::INFINITY), sp)?;
    let r = arrays::select(&pinf, &Value::Float(posinf), &r, sp)?;
    let ninf = arrays::binary(BinaryOp::Eq, &r, &Value::Float(f64::NEG_INFINITY), sp)?;
    arrays::select(&ninf, &Value::Float(neginf), &r, sp)
}

/// `dtype(x)`: a dtype value from a dtype, `float`/`int`/`bool` or a name.
fn dtype_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["dtype"])?;
    match dtype_of(&opt(&s, 0), call.arg_span(0))? {
        Some(d) => Ok(Value::DType(d)),
        None => Ok(Value::DType(DType::Float64)),
    }
}
