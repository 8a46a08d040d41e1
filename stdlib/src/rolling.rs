//! Rolling windows over the last axis with pandas semantics (`rolling_sum` ... `rolling_mad`):
//! argument checking here, the routines in `hpxl_compiler::library::rolling` (which
//! documents the semantics: float64 results, NaN warm-up, NaN/inf windows, ddof).

use std::rc::Rc;

use crate::args::{array_arg, opt};
use hpxl_compiler::arrays::{self, err, R};
use hpxl_compiler::library::rolling::{Rolling, Stat};
use hpxl_compiler::{CallArgs, Interp, Registry, Value};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::DType;

const FUNCTIONS: &[&str] = &[
    "rolling_sum",
    "rolling_mean",
    "rolling_var",
    "rolling_std",
    "rolling_min",
    "rolling_max",
    "rolling_median",
    "rolling_mad",
];

pub fn register(r: &mut Registry) {
    for name in FUNCTIONS {
        r.functions.insert((*name).into(), rolling);
    }
}

/// An integer argument (Python int, bool or integer 0-d array) named `what`.
fn int_arg(interp: &mut Interp, name: &str, what: &str, v: &Value, span: Span) -> R<i64> {
    match v {
        Value::Int(_) | Value::Bool(_) => interp.to_index(v, span),
        Value::Array(a) if a.ndim() == 0 && (a.dtype.is_integer() || a.dtype == DType::Bool) => {
            interp.to_index(v, span)
        }
        other => Err(err(Code::Type, span, format!("{name}() {what} must be an integer, got {}", other.type_name()))),
    }
}

/// `rolling_<stat>(a, window)`; `rolling_var`/`rolling_std` also take `ddof=1`.
fn rolling(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let name = call.name.to_string();
    let with_ddof = matches!(name.as_str(), "rolling_var" | "rolling_std");
    let params: &[&str] = if with_ddof { &["a", "window", "ddof="] } else { &["a", "window"] };
    let s = call.bind(params)?;
    let a = array_arg(&s, 0, call)?;
    let window_span = call.arg_span(1);
    let window = match &s[1] {
        Some(v) => int_arg(interp, &name, "window", v, window_span)?,
        None => return Err(err(Code::Type, call.span, format!("{name}() missing required argument 'window'"))),
    };
    if window < 1 {
        return Err(err(Code::Value, window_span, format!("{name}() window must be at least 1, got {window}")));
    }
    let ddof = if with_ddof {
        match opt(&s, 2) {
            Value::None => 1,
            v => {
                let d = int_arg(interp, &name, "ddof", &v, call.span)?;
                if d < 0 {
                    return Err(err(Code::Value, call.span, format!("{name}() ddof must be non-negative, got {d}")));
                }
                d as u64
            }
        }
    } else {
        0
    };
    if a.ndim() == 0 {
        return Err(err(
            Code::Shape,
            call.arg_span(0),
            format!("{name}() needs an array with at least one dimension, got a 0-d array"),
        ));
    }
    let stat = match name.as_str() {
        "rolling_sum" => Stat::Sum,
        "rolling_mean" => Stat::Mean,
        "rolling_var" => Stat::Var { ddof },
        "rolling_std" => Stat::Std { ddof },
        "rolling_min" => Stat::Min,
        "rolling_max" => Stat::Max,
        "rolling_median" => Stat::Median,
        "rolling_mad" => Stat::Mad,
        _ => return Err(err(Code::Internal, call.span, format!("rolling table lacks {name}"))),
    };
    let func = Rc::new(Rolling { stat, window: window as usize });
    let shape = a.shape.clone();
    arrays::library(func, &[a], DType::Float64, shape.to_vec(), call.span).map(Value::Array)
}
