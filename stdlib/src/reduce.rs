//! Reductions (`sum`, `mean`, `var`, ... with `axis`/`keepdims`/`ddof`/`dtype`), their
//! nan-variants, and scans (`cumsum`, `cumprod`, `diff`).

use crate::args::{array_arg, axis_of, dtype_of, opt};
use crate::math::refuse_out;
use hpxl_compiler::arrays::{self, err, to_array, R};
use hpxl_compiler::graph::ViewSpec;
use hpxl_compiler::ops::{BinaryOp, ReduceOp, ScanOp};
use hpxl_compiler::{CallArgs, Interp, Registry, Value};
use hpxl_grammar::Code;

const REDUCTIONS: &[&str] = &[
    "sum",
    "prod",
    "product",
    "mean",
    "var",
    "std",
    "min",
    "max",
    "amin",
    "amax",
    "argmin",
    "argmax",
    "any",
    "all",
    "count_nonzero",
    "nansum",
    "nanprod",
    "nanmean",
    "nanvar",
    "nanstd",
    "nanmin",
    "nanmax",
    "nanargmin",
    "nanargmax",
    "ptp",
    "average",
];

const METHODS: &[&str] = &["sum", "prod", "mean", "var", "std", "min", "max", "argmin", "argmax", "any", "all", "ptp"];

pub fn register(r: &mut Registry) {
    for name in REDUCTIONS {
        r.functions.insert((*name).into(), reduction);
    }
    for name in METHODS {
        r.methods.insert((*name).into(), reduction);
    }
    for name in ["cumsum", "cumprod", "nancumsum", "nancumprod"] {
        r.functions.insert(name.into(), scan);
    }
    r.methods.insert("cumsum".into(), scan);
    r.methods.insert("cumprod".into(), scan);
    r.functions.insert("diff".into(), diff);
}

fn op_of(name: &str, ddof: u32) -> Option<ReduceOp> {
    Some(match name {
        "sum" => ReduceOp::Sum,
        "prod" | "product" => ReduceOp::Prod,
        "mean" | "average" => ReduceOp::Mean,
        "var" => ReduceOp::Var { ddof },
        "std" => ReduceOp::Std { ddof },
        "min" | "amin" => ReduceOp::Min,
        "max" | "amax" => ReduceOp::Max,
        "argmin" => ReduceOp::ArgMin,
        "argmax" => ReduceOp::ArgMax,
        "any" => ReduceOp::Any,
        "all" => ReduceOp::All,
        "count_nonzero" => ReduceOp::CountNonzero,
        "nansum" => ReduceOp::NanSum,
        "nanprod" => ReduceOp::NanProd,
        "nanmean" => ReduceOp::NanMean,
        "nanvar" => ReduceOp::NanVar { ddof },
        "nanstd" => ReduceOp::NanStd { ddof },
        "nanmin" => ReduceOp::NanMin,
        "nanmax" => ReduceOp::NanMax,
        "nanargmin" => ReduceOp::NanArgMin,
        "nanargmax" => ReduceOp::NanArgMax,
        _ => return None,
    })
}

fn reduction(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let name = call.name.clone();
    let s = call.bind(&["a", "axis=", "dtype=", "out=", "keepdims=", "ddof=", "initial=", "where=", "weights="])?;
    refuse_out(&s, 3, call)?;
    let a = array_arg(&s, 0, call)?;
    let axis = axis_of(interp, &opt(&s, 1), call.span)?;
    let dtype = dtype_of(&opt(&s, 2), call.span)?;
    let keepdims = match opt(&s, 4) {
        Value::None => false,
        v => interp.truth(&v, call.span)?,
    };
    let ddof = match opt(&s, 5) {
        Value::None => 0,
        v => {
            let d = interp.to_index(&v, call.span)?;
            if d < 0 {
                return Err(err(Code::Value, call.span, "ddof must be non-negative"));
            }
            d as u32
        }
    };
    for (i, what) in [(6usize, "initial="), (7, "where="), (8, "weights=")] {
        if !matches!(opt(&s, i), Value::None) {
            return Err(err(
                Code::Unsupported,
                call.span,
                format!("the `{what}` argument of {name}() is not supported yet"),
            ));
        }
    }
    if &*name == "ptp" {
        let mx = arrays::reduce(ReduceOp::Max, &a, axis.as_deref(), keepdims, None, call.span)?;
        let mn = arrays::reduce(ReduceOp::Min, &a, axis.as_deref(), keepdims, None, call.span)?;
        return arrays::binary(BinaryOp::Sub, &mx, &mn, call.span);
    }
    let op =
        op_of(&name, ddof).ok_or_else(|| err(Code::Internal, call.span, format!("reduction table lacks {name}")))?;
    // `dtype=` for mean/var/std selects the accumulator; for sum/prod also the result.
    arrays::reduce(op, &a, axis.as_deref(), keepdims, dtype, call.span)
}

fn scan(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axis=", "dtype=", "out="])?;
    refuse_out(&s, 3, call)?;
    let a = array_arg(&s, 0, call)?;
    let axis = match opt(&s, 1) {
        Value::None => None,
        v => Some(interp.to_index(&v, call.arg_span(1))?),
    };
    let dtype = dtype_of(&opt(&s, 2), call.span)?;
    let op = match &*call.name {
        "cumsum" => ScanOp::CumSum,
        "cumprod" => ScanOp::CumProd,
        "nancumsum" => ScanOp::NanCumSum,
        _ => ScanOp::NanCumProd,
    };
    arrays::scan(op, &a, axis, dtype, call.span)
}

/// `diff(a, n=1, axis=-1, prepend=, append=)`: repeated `a[1:] - a[:-1]` along `axis`
/// (`!=` for booleans, as NumPy).
fn diff(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "n=", "axis=", "prepend=", "append="])?;
    let mut a = array_arg(&s, 0, call)?;
    let n = match opt(&s, 1) {
        Value::None => 1,
        v => interp.to_index(&v, call.arg_span(1))?,
    };
    if n < 0 {
        return Err(err(Code::Value, call.span, format!("order must be non-negative but got {n}")));
    }
    if a.ndim() == 0 {
        return Err(err(Code::Value, call.span, "diff requires input that is at least one dimensional"));
    }
    let axis_raw = match opt(&s, 2) {
        Value::None => -1,
        v => interp.to_index(&v, call.arg_span(2))?,
    };
    let axis = arrays::normalize_axis(axis_raw, a.ndim(), call.span)?;
    let mut parts = Vec::new();
    for (i, pos) in [(3usize, 0usize), (4, 1)] {
        let v = opt(&s, i);
        if matches!(v, Value::None) {
            continue;
        }
        let mut p = to_array(&v, call.span)?;
        if p.ndim() == 0 {
            let mut shape = a.shape.clone();
            shape[axis] = 1;
            p = arrays::broadcast_to(&p, &shape, call.span)?;
        }
        parts.push((pos, p));
    }
    if !parts.is_empty() {
        let mut list = Vec::new();
        if let Some((_, p)) = parts.iter().find(|(pos, _)| *pos == 0) {
            list.push(p.clone());
        }
        list.push(a.clone());
        if let Some((_, p)) = parts.iter().find(|(pos, _)| *pos == 1) {
            list.push(p.clone());
        }
        a = arrays::concatenate(&list, Some(axis as i64), call.span)?;
    }
    let mut cur = Value::Array(a);
    for _ in 0..n {
        let Value::Array(arr) = &cur else { return Err(err(Code::Internal, call.span, "diff")) };
        let len = arr.shape[axis];
        if len == 0 {
            break;
        }
        let spec = arr.view_spec();
        let mut hi = spec.clone();
        hi.shape[axis] = len - 1;
        hi.offset = (spec.offset as isize + spec.strides[axis]) as usize;
        let mut lo = spec.clone();
        lo.shape[axis] = len - 1;
        let hi_arr = view(arr, hi);
        let lo_arr = view(arr, lo);
        let op = if arr.dtype == hpxl_runtime::DType::Bool { BinaryOp::Ne } else { BinaryOp::Sub };
        cur = arrays::binary(op, &Value::Array(hi_arr), &Value::Array(lo_arr), call.span)?;
        if let Value::Array(c) = &mut cur {
            c.is_scalar = false;
        }
    }
    Ok(cur)
}

fn view(a: &hpxl_compiler::Array, spec: ViewSpec) -> hpxl_compiler::Array {
    let mut v = a.with_view(spec);
    v.is_scalar = false;
    v
}
