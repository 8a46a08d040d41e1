//! Conversions from call arguments to the Rust values builtins need, with clear errors.

use hpxl_compiler::arrays::{err, to_array, R};
use hpxl_compiler::{Array, CallArgs, Interp, Value};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::DType;

/// A `dtype=` argument: a dtype value, `float`/`int`/`bool`, or a dtype name string.
pub fn dtype_of(v: &Value, span: Span) -> R<Option<DType>> {
    Ok(match v {
        Value::None => None,
        Value::DType(d) => Some(*d),
        Value::Builtin(name) => match name.trim_start_matches("builtins.") {
            "float" => Some(DType::Float64),
            "int" => Some(DType::Int64),
            "bool" => Some(DType::Bool),
            other => return Err(err(Code::Type, span, format!("data type '{other}' not understood"))),
        },
        Value::Str(s) => match DType::from_name(s) {
            Some(d) => Some(d),
            None => {
                let mut d = err(Code::Type, span, format!("data type '{s}' not understood"));
                if let Some(c) = hpxl_grammar::did_you_mean(s, DType::ALL.iter().map(|d| d.name())) {
                    d = d.with_help(format!("did you mean `{c}`?"));
                }
                return Err(d);
            }
        },
        other => return Err(err(Code::Type, span, format!("data type '{}' not understood", other.type_name()))),
    })
}

/// An `axis=` argument: None, an int, or a tuple of ints.
pub fn axis_of(interp: &mut Interp, v: &Value, span: Span) -> R<Option<Vec<i64>>> {
    Ok(match v {
        Value::None => None,
        Value::Tuple(items) => Some(items.iter().map(|x| interp.to_index(x, span)).collect::<R<_>>()?),
        other => match interp.to_index(other, span) {
            Ok(i) => Some(vec![i]),
            Err(_) => {
                return Err(err(
                    Code::Type,
                    span,
                    format!("'{}' object cannot be interpreted as an integer axis", other.type_name()),
                ))
            }
        },
    })
}

/// A shape argument: an int or a tuple of ints (negative dimensions are an error).
pub fn shape_of(interp: &mut Interp, v: &Value, span: Span) -> R<Vec<usize>> {
    let dims: Vec<i64> = match v {
        Value::Tuple(items) => items.iter().map(|x| interp.to_index(x, span)).collect::<R<_>>()?,
        Value::Array(a) if a.ndim() == 1 => {
            let val = a.realize(span)?;
            (0..val.size()).map(|i| val.get_flat(i).as_i64()).collect()
        }
        other => vec![interp.to_index(other, span)?],
    };
    if dims.iter().any(|&d| d < 0) {
        return Err(err(Code::Value, span, "negative dimensions are not allowed"));
    }
    Ok(dims.into_iter().map(|d| d as usize).collect())
}

/// A requested shape for reshape (may contain -1).
pub fn reshape_dims(interp: &mut Interp, v: &Value, span: Span) -> R<Vec<i64>> {
    match v {
        Value::Tuple(items) => items.iter().map(|x| interp.to_index(x, span)).collect(),
        other => Ok(vec![interp.to_index(other, span)?]),
    }
}

pub fn bool_of(interp: &mut Interp, v: &Value, span: Span) -> R<bool> {
    interp.truth(v, span)
}

/// A Python float from a number-like value.
pub fn f64_of(v: &Value, span: Span) -> R<f64> {
    match v {
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Array(a) if a.size() == 1 => Ok(a.scalar_value(span)?.as_f64()),
        other => Err(err(Code::Type, span, format!("expected a number, got {}", other.type_name()))),
    }
}

/// Argument `i` of a bound signature as an array.
pub fn array_arg(slots: &[Option<Value>], i: usize, call: &CallArgs) -> R<Array> {
    match &slots[i] {
        Some(v) => to_array(v, call.arg_span(i)),
        None => Err(err(Code::Type, call.span, format!("{}() missing an array argument", call.name))),
    }
}

pub fn opt(slots: &[Option<Value>], i: usize) -> Value {
    slots.get(i).cloned().flatten().unwrap_or(Value::None)
}
