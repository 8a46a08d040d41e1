//! Order statistics: `sort`, `argsort` (functions and methods; `a.sort()` sorts in
//! place), `median`, `percentile`, `quantile` and their nan-variants, `mad` (median
//! absolute deviation) and `unique`.
//!
//! Arguments are checked and shapes decided here, so every user error is raised at the
//! call; the work is a library node (`hpxl_compiler::library::order`). `unique` is the
//! exception: its result's shape depends on the data, so it realises its input.
//!
//! `mad(a, axis=None, keepdims=False, scale=1.0, nan_policy='propagate')` is
//! `median(|a - median(a)|) / scale` along `axis`, as SciPy's
//! `median_abs_deviation(a, axis, scale=..., nan_policy=...)` with `center=np.median`
//! — except that the default `axis` is None (flattened), like `median`'s, rather than
//! SciPy's 0. `scale='normal'` divides by 0.6744897501960817 (the normal distribution's
//! MAD). The result is float64, or float32 for float32 input.

use crate::args::{array_arg, axis_of, f64_of, opt};
use crate::math::refuse_out;
use hpxl_compiler::arrays::{self, err, to_array, R};
use hpxl_compiler::graph::Region;
use hpxl_compiler::library::order::{Method, QKind, SortFn, Stat, StatFn, UniqueWants};
use hpxl_compiler::ops::{ReduceOp, UnaryOp};
use hpxl_compiler::{Array, CallArgs, Interp, Registry, Value};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::DType;
use std::rc::Rc;

pub fn register(r: &mut Registry) {
    r.functions.insert("sort".into(), sort);
    r.functions.insert("argsort".into(), sort);
    r.methods.insert("sort".into(), sort_method);
    r.methods.insert("argsort".into(), sort);
    for name in ["median", "nanmedian"] {
        r.functions.insert(name.into(), median);
    }
    for name in ["percentile", "nanpercentile", "quantile", "nanquantile"] {
        r.functions.insert(name.into(), quantile);
    }
    r.functions.insert("mad".into(), mad);
    r.functions.insert("unique".into(), unique);
}

/// Rejects extra positionals collected by a `*` slot (keyword-only parameters follow).
fn no_extra_positional(s: &[Option<Value>], i: usize, max: usize, call: &CallArgs) -> R<()> {
    if let Some(Value::Tuple(rest)) = &s[i] {
        if !rest.is_empty() {
            return Err(err(
                Code::Type,
                call.arg_span(max),
                format!(
                    "{}() takes at most {max} positional arguments but {} were given",
                    call.name,
                    max + rest.len()
                ),
            ));
        }
    }
    Ok(())
}

/// Checks `kind=`, `order=` and `stable=`: every kind sorts stably here (a valid result
/// of each of NumPy's kinds, and the one `stable` promises).
fn check_kind(interp: &mut Interp, kind: &Value, order: &Value, stable: &Value, span: Span) -> R<()> {
    if !matches!(order, Value::None) {
        return Err(err(Code::Value, span, "Cannot specify order when the array has no fields."));
    }
    match kind {
        Value::None => {}
        Value::Str(k) => {
            let ok = k.starts_with('q') || k.starts_with('h') || k.starts_with('m') || &**k == "stable";
            if !ok {
                return Err(err(
                    Code::Value,
                    span,
                    format!("sort kind must be one of 'quick', 'heap', or 'stable' (got '{k}')"),
                ));
            }
        }
        other => {
            return Err(err(Code::Type, span, format!("sort kind must be str, not {}", other.type_name())));
        }
    }
    if !matches!(stable, Value::None) {
        interp.truth(stable, span)?;
        if !matches!(kind, Value::None) {
            return Err(err(
                Code::Value,
                span,
                "`kind` and `stable` parameters can't be provided at the same time. Use only one of them.",
            ));
        }
    }
    Ok(())
}

/// `sort(a, axis=-1, kind=None, order=None, *, stable=None)` and `argsort` (also the
/// `a.argsort()` method).
fn sort(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axis=", "kind=", "order=", "*", "stable="])?;
    no_extra_positional(&s, 4, 4, call)?;
    let a = array_arg(&s, 0, call)?;
    check_kind(interp, &opt(&s, 2), &opt(&s, 3), &opt(&s, 5), call.span)?;
    let axis = match &s[1] {
        None => Some(-1),
        Some(Value::None) => None,
        Some(v) => Some(interp.to_index(v, call.arg_span(1))?),
    };
    let arg = &*call.name == "argsort";
    // NumPy's argsort of a 0-d array is `[0]`, whatever the axis (sort refuses).
    let axis = if arg && a.ndim() == 0 { None } else { axis };
    Ok(Value::Array(sorted(&a, axis, arg, call.span)?))
}

/// The sort (or argsort) node of `a` along `axis` (None: flattened).
fn sorted(a: &Array, axis: Option<i64>, arg: bool, span: Span) -> R<Array> {
    let (x, axis) = match axis {
        None => (arrays::reshape_to(a, vec![a.size()], span)?, 0),
        Some(ax) => (a.clone(), arrays::normalize_axis(ax, a.ndim(), span)?),
    };
    let dtype = if arg { DType::Int64 } else { x.dtype };
    let mut out = arrays::library(Rc::new(SortFn { axis, arg }), &[x.clone()], dtype, x.shape.to_vec(), span)?;
    out.is_scalar = false;
    Ok(out)
}

/// `a.sort(axis=-1, kind=None, order=None, *, stable=None)`: sorts `a` in place (every
/// alias of its storage sees the sorted contents) and returns None.
fn sort_method(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axis=", "kind=", "order=", "*", "stable="])?;
    no_extra_positional(&s, 4, 4, call)?;
    let a = array_arg(&s, 0, call)?;
    check_kind(interp, &opt(&s, 2), &opt(&s, 3), &opt(&s, 5), call.span)?;
    let axis = match opt(&s, 1) {
        Value::None if s[1].is_none() => -1,
        v => interp.to_index(&v, call.arg_span(1))?,
    };
    let result = sorted(&a, Some(axis), false, call.span)?;
    arrays::assign(&a, Region::View(a.view_spec()), &Value::Array(result), call.span)?;
    Ok(Value::None)
}

fn keepdims_of(interp: &mut Interp, v: &Value, span: Span) -> R<bool> {
    match v {
        Value::None => Ok(false),
        v => interp.truth(v, span),
    }
}

/// The reduced axes (sorted) and the shape of one `q`'s result.
fn reduced_shape(interp: &mut Interp, a: &Array, axis: &Value, keepdims: bool, span: Span) -> R<(Vec<usize>, Vec<usize>)> {
    let axis = axis_of(interp, axis, span)?;
    let axes = arrays::normalize_axes(axis.as_deref(), a.ndim(), span)?;
    let shape = arrays::reduced_shape(&a.shape, &axes, keepdims);
    Ok((axes, shape))
}

fn stat_node(stat: Stat, a: &Array, axes: Vec<usize>, omit_nan: bool, dtype: DType, shape: Vec<usize>, span: Span) -> R<Value> {
    let f = StatFn { stat, axes, omit_nan };
    let out = arrays::library(Rc::new(f), &[a.clone()], dtype, shape, span)?;
    Ok(Value::Array(out))
}

/// The float dtype of a median (NumPy's mean): float32 stays, everything else float64.
fn float_result(d: DType) -> DType {
    if d == DType::Float32 {
        DType::Float32
    } else {
        DType::Float64
    }
}

/// `median(a, axis=None, out=None, overwrite_input=False, keepdims=False)`, `nanmedian`.
fn median(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axis=", "out=", "overwrite_input=", "keepdims="])?;
    refuse_out(&s, 2, call)?;
    let a = array_arg(&s, 0, call)?;
    let keepdims = keepdims_of(interp, &opt(&s, 4), call.span)?;
    let (axes, shape) = reduced_shape(interp, &a, &opt(&s, 1), keepdims, call.span)?;
    let omit = &*call.name == "nanmedian" && a.dtype.is_float();
    stat_node(Stat::Median, &a, axes, omit, float_result(a.dtype), shape, call.span)
}

/// The `q` of a quantile call: values as fractions (in q's precision), q's shape, kind.
fn q_of(q: &Value, percent: bool, span: Span) -> R<(Vec<f64>, Vec<usize>, QKind)> {
    let (raw, shape, kind) = match q {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            let v = f64_of(q, span)?;
            let integer = !percent && !matches!(q, Value::Float(_));
            (vec![v], Vec::new(), QKind { f32: false, weak: true, integer })
        }
        other => {
            let arr = to_array(other, span)?;
            let v = arr.realize(span)?;
            let vals: Vec<f64> = (0..v.size()).map(|i| v.get_flat(i).as_f64()).collect();
            let f32 = arr.dtype == DType::Float32;
            let integer = !percent && !arr.dtype.is_float();
            (vals, arr.shape.to_vec(), QKind { f32, weak: false, integer })
        }
    };
    if shape.len() > 2 {
        return Err(err(Code::Value, span, "q must be a scalar or 1d"));
    }
    let fractions: Vec<f64> = raw
        .iter()
        .map(|&v| if percent { hpxl_compiler::library::order::stats::round_to(v / 100.0, kind.f32) } else { v })
        .collect();
    if fractions.iter().any(|&f| !(0.0..=1.0).contains(&f)) {
        let msg =
            if percent { "Percentiles must be in the range [0, 100]" } else { "Quantiles must be in the range [0, 1]" };
        return Err(err(Code::Value, span, msg));
    }
    Ok((fractions, shape, kind))
}

/// `percentile(a, q, axis=None, out=None, overwrite_input=False, method='linear',
/// keepdims=False, *, weights=None)`, `quantile` and the nan-variants.
fn quantile(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&[
        "a",
        "q",
        "axis=",
        "out=",
        "overwrite_input=",
        "method=",
        "keepdims=",
        "*",
        "weights=",
    ])?;
    no_extra_positional(&s, 7, 7, call)?;
    refuse_out(&s, 3, call)?;
    let name = call.name.to_string();
    let a = array_arg(&s, 0, call)?;
    let percent = name.ends_with("percentile");
    let (q, q_shape, kind) = q_of(&opt(&s, 1), percent, call.arg_span(1))?;
    let method_value = match opt(&s, 5) {
        Value::None => Value::str("linear"),
        m => m,
    };
    let method = match &method_value {
        Value::Str(m) => Method::from_name(m).ok_or_else(|| {
            let names: Vec<String> = Method::ALL.iter().map(|m| format!("'{}'", m.name())).collect();
            err(Code::Value, call.span, format!("'{m}' is not a valid method. Use one of: dict_keys([{}])", names.join(", ")))
        })?,
        other => {
            return Err(err(Code::Value, call.span, format!("{} is not a valid method", other.type_name())));
        }
    };
    if !matches!(opt(&s, 8), Value::None) {
        return Err(err(Code::Unsupported, call.span, format!("the `weights=` argument of {name}() is not supported yet")));
    }
    let keepdims = keepdims_of(interp, &opt(&s, 6), call.span)?;
    let (axes, shape) = reduced_shape(interp, &a, &opt(&s, 2), keepdims, call.span)?;
    let omit = name.starts_with("nan") && a.dtype.is_float();
    if a.dtype == DType::Bool && !method.picks(kind.integer) {
        return Err(err(
            Code::DType,
            call.span,
            "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.",
        ));
    }
    let lane: usize = axes.iter().map(|&ax| a.shape[ax]).product();
    if lane == 0 && !omit {
        return Err(err(Code::Index, call.span, "index -1 is out of bounds for axis 0 with size 0"));
    }
    let dtype = hpxl_compiler::library::order::stats::quantile_dtype(a.dtype, method, kind);
    let mut full_shape = q_shape;
    full_shape.extend(shape);
    stat_node(Stat::Quantile { q, method, kind }, &a, axes, omit, dtype, full_shape, call.span)
}

/// SciPy's scale for `scale='normal'`: the MAD of the standard normal distribution.
const NORMAL_SCALE: f64 = 0.6744897501960817;

/// `mad(a, axis=None, keepdims=False, scale=1.0, nan_policy='propagate')` (see the
/// module docs for the definition).
fn mad(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axis=", "keepdims=", "scale=", "nan_policy="])?;
    let a = array_arg(&s, 0, call)?;
    let keepdims = keepdims_of(interp, &opt(&s, 2), call.span)?;
    let (axes, shape) = reduced_shape(interp, &a, &opt(&s, 1), keepdims, call.span)?;
    let scale = match opt(&s, 3) {
        Value::None => 1.0,
        Value::Str(t) if t.to_lowercase() == "normal" => NORMAL_SCALE,
        Value::Str(t) => return Err(err(Code::Value, call.span, format!("{t} is not a valid scale value."))),
        v => f64_of(&v, call.arg_span(3))?,
    };
    let policy = match opt(&s, 4) {
        Value::None => "propagate".to_string(),
        Value::Str(p) => p.to_string(),
        other => return Err(err(Code::Value, call.span, format!("nan_policy must be a string, not {}", other.type_name()))),
    };
    let omit = match policy.as_str() {
        "propagate" => false,
        "omit" => a.dtype.is_float(),
        "raise" => {
            if a.dtype.is_float() {
                let nan = arrays::unary(UnaryOp::IsNan, &Value::Array(a.clone()), call.span)?;
                let any = arrays::reduce(ReduceOp::Any, &to_array(&nan, call.span)?, None, false, None, call.span)?;
                if interp.truth(&any, call.span)? {
                    return Err(err(Code::Value, call.span, "The input contains nan values"));
                }
            }
            false
        }
        other => {
            return Err(err(
                Code::Value,
                call.span,
                format!("nan_policy must be one of {{'propagate', 'omit', 'raise'}}, not '{other}'"),
            ))
        }
    };
    stat_node(Stat::Mad { scale }, &a, axes, omit, float_result(a.dtype), shape, call.span)
}

/// `unique(ar, return_index=False, return_inverse=False, return_counts=False,
/// axis=None, *, equal_nan=True, sorted=True)`: realises `ar` (the result's length
/// depends on the data), flattened.
fn unique(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&[
        "ar",
        "return_index=",
        "return_inverse=",
        "return_counts=",
        "axis=",
        "*",
        "equal_nan=",
        "sorted=",
    ])?;
    no_extra_positional(&s, 5, 5, call)?;
    let a = array_arg(&s, 0, call)?;
    let flag = |interp: &mut Interp, i: usize, default: bool| -> R<bool> {
        match opt(&s, i) {
            Value::None => Ok(default),
            v => interp.truth(&v, call.span),
        }
    };
    let wants = UniqueWants {
        index: flag(interp, 1, false)?,
        inverse: flag(interp, 2, false)?,
        counts: flag(interp, 3, false)?,
        equal_nan: flag(interp, 6, true)?,
    };
    flag(interp, 7, true)?;
    if !matches!(opt(&s, 4), Value::None) {
        // unique sub-arrays along an axis.
        return Err(err(Code::Unsupported, call.span, "unique() with `axis=` is not supported yet; use axis=None"));
    }
    let value = a.realize(call.span)?;
    let parts = hpxl_compiler::library::order::unique(&value, wants)
        .map_err(|e| err(e.code, call.span, e.message))?;
    let mut out: Vec<Value> = parts
        .into_iter()
        .map(|p| {
            let mut arr = Array::from_ndarray(p, call.span);
            arr.is_scalar = false;
            Value::Array(arr)
        })
        .collect();
    if out.len() == 1 {
        return Ok(out.remove(0));
    }
    Ok(Value::tuple(out))
}
