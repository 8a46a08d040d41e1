//! Python's `str()`/`repr()`/`format()` of values, with NumPy 2's printout for arrays and
//! NumPy scalars (the formatting itself lives in `hpxl_runtime::format`).

use crate::arrays::{err, R};
use crate::value::Value;
use hpxl_grammar::{Code, Span};
use hpxl_runtime::format::{self as fmt, FormatValue};
use hpxl_runtime::Scalar;

/// `str(v)`, realising arrays.
pub fn str_of(v: &Value, span: Span) -> R<String> {
    Ok(match v {
        Value::Str(s) => s.to_string(),
        Value::DType(d) => d.name().to_string(),
        Value::Array(a) => {
            let val = a.realize(span)?;
            if a.ndim() == 0 {
                fmt::scalar_str(val.get_flat(0))
            } else {
                fmt::array_str(&val)
            }
        }
        other => repr_of(other, span)?,
    })
}

/// `repr(v)`.
pub fn repr_of(v: &Value, span: Span) -> R<String> {
    Ok(match v {
        Value::None => "None".into(),
        Value::Bool(b) => {
            if *b {
                "True".into()
            } else {
                "False".into()
            }
        }
        Value::Int(i) => i.to_string(),
        Value::Float(f) => fmt::python_float_repr(*f),
        Value::Str(s) => python_str_repr(s),
        Value::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(|x| repr_of(x, span)).collect::<R<_>>()?;
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Value::Dict(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|(k, v)| Ok(format!("{}: {}", repr_of(k, span)?, repr_of(v, span)?)))
                .collect::<R<_>>()?;
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(a) => {
            let val = a.realize(span)?;
            if a.is_scalar && a.ndim() == 0 {
                fmt::scalar_repr(val.get_flat(0))
            } else {
                fmt::array_repr(&val)
            }
        }
        Value::DType(d) => format!("dtype('{}')", d.name()),
        Value::Function(c) => format!("<function {}>", c.def.name.name),
        Value::Builtin(name) => format!("<built-in function {name}>"),
        Value::Method(_, name) => format!("<built-in method {name}>"),
        Value::Module(name) => format!("<module '{name}'>"),
        Value::Range(a, b, c) => {
            if *c == 1 {
                format!("range({a}, {b})")
            } else {
                format!("range({a}, {b}, {c})")
            }
        }
        Value::Slice(a, b, c) => {
            let f = |x: &Option<i64>| x.map_or("None".to_string(), |v| v.to_string());
            format!("slice({}, {}, {})", f(a), f(b), f(c))
        }
        Value::Ellipsis => "Ellipsis".into(),
        Value::Context(_) => "<context manager>".into(),
    })
}

/// Python's repr of a string: single quotes unless the string contains one and no double quote.
pub fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `format(v, spec)` as used by f-strings and `str.format`.
pub fn format_value(v: &Value, spec: &str, span: Span) -> R<String> {
    // NumPy scalars go through the mini-language even with an empty spec: a float32's
    // `__format__` widens it to a Python float (`f"{float32(0.1)}"` is 0.10000000149011612).
    if spec.is_empty() && !matches!(v, Value::Array(a) if a.ndim() == 0) {
        return str_of(v, span);
    }
    let scalar;
    let fv = match v {
        Value::Bool(b) => FormatValue::Bool(*b),
        Value::Int(i) => FormatValue::Int(*i),
        Value::Float(f) => FormatValue::Float(*f),
        Value::Str(s) => FormatValue::Str(s),
        Value::Array(a) if a.ndim() == 0 => {
            scalar = a.scalar_value(span)?;
            match scalar {
                Scalar::Bool(b) => FormatValue::Bool(b),
                Scalar::Float64(f) => FormatValue::Float(f),
                Scalar::Float32(f) => FormatValue::Float32(f),
                Scalar::UInt64(u) => FormatValue::UInt(u),
                other => FormatValue::Int(other.as_i64()),
            }
        }
        Value::Array(_) => {
            return Err(err(Code::Type, span, "unsupported format string passed to numpy.ndarray.__format__"));
        }
        other => {
            let s = str_of(other, span)?;
            return fmt::format_spec(FormatValue::Str(&s), spec).map_err(|m| err(Code::Value, span, m));
        }
    };
    fmt::format_spec(fv, spec).map_err(|m| err(Code::Value, span, m))
}

/// `fmt % args` for strings.
pub fn percent_format(fmt_str: &str, args: &Value, span: Span) -> R<String> {
    let items: Vec<Value> = match args {
        Value::Tuple(items) => items.to_vec(),
        other => vec![other.clone()],
    };
    let mut strs: Vec<String> = Vec::new();
    let mut scalars: Vec<Option<Scalar>> = Vec::new();
    for it in &items {
        match it {
            Value::Str(s) => {
                strs.push(s.to_string());
                scalars.push(None);
            }
            Value::Bool(b) => {
                strs.push(String::new());
                scalars.push(Some(Scalar::Bool(*b)));
            }
            Value::Int(i) => {
                strs.push(String::new());
                scalars.push(Some(Scalar::Int64(*i)));
            }
            Value::Float(f) => {
                strs.push(String::new());
                scalars.push(Some(Scalar::Float64(*f)));
            }
            Value::Array(a) if a.ndim() == 0 => {
                strs.push(str_of(it, span)?);
                scalars.push(Some(a.scalar_value(span)?));
            }
            other => {
                strs.push(str_of(other, span)?);
                scalars.push(None);
            }
        }
    }
    let fvs: Vec<FormatValue> = strs
        .iter()
        .zip(&scalars)
        .map(|(s, sc)| match sc {
            None => FormatValue::Str(s),
            Some(Scalar::Bool(b)) => FormatValue::Bool(*b),
            Some(Scalar::Float64(f)) => FormatValue::Float(*f),
            Some(Scalar::Float32(f)) => FormatValue::Float32(*f),
            Some(Scalar::UInt64(u)) => FormatValue::UInt(*u),
            Some(other) => FormatValue::Int(other.as_i64()),
        })
        .collect();
    fmt::percent_format(fmt_str, &fvs).map_err(|m| err(Code::Type, span, m))
}
