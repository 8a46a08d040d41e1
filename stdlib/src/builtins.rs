//! Python builtins NumPy code leans on (print, range, len, int, float, ...), string
//! methods, the `time`/`math` modules, and the system functions (`realize`, `threads`,
//! `info`, `policy`).

use crate::args::{f64_of, opt};
use hpxl_compiler::arrays::{self, err, R};
use hpxl_compiler::display;
use hpxl_compiler::value::Context;
use hpxl_compiler::{CallArgs, Interp, Registry, Value};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::Scalar;

pub fn register(r: &mut Registry) {
    let f = &mut r.functions;
    f.insert("print".into(), print);
    f.insert("range".into(), range);
    f.insert("len".into(), len);
    f.insert("int".into(), int);
    f.insert("float".into(), float);
    f.insert("bool".into(), bool_fn);
    f.insert("str".into(), str_fn);
    f.insert("repr".into(), repr_fn);
    f.insert("format".into(), format_fn);
    f.insert("tuple".into(), tuple_fn);
    f.insert("list".into(), list_fn);
    f.insert("enumerate".into(), enumerate);
    f.insert("zip".into(), zip);
    f.insert("isinstance".into(), isinstance);
    f.insert("hex".into(), hex_fn);
    f.insert("oct".into(), oct_fn);
    f.insert("bin".into(), bin_fn);
    f.insert("builtins.min".into(), py_min);
    f.insert("builtins.max".into(), py_max);
    f.insert("builtins.round".into(), py_round);
    f.insert("builtins.abs".into(), py_abs);
    f.insert("builtins.all".into(), py_all);
    f.insert("builtins.any".into(), py_any);
    f.insert("time".into(), time_now);
    f.insert("time.time".into(), time_now);
    f.insert("time.perf_counter".into(), time_now);
    f.insert("time.monotonic".into(), time_now);
    f.insert("realize".into(), realize);
    f.insert("threads".into(), threads);
    f.insert("argv".into(), argv);
    f.insert("info".into(), info);
    f.insert("policy".into(), policy);
    f.insert("device".into(), device);
    f.insert("devices".into(), devices);
    f.insert("to_device".into(), to_device);
    for name in
        ["ValueError", "TypeError", "RuntimeError", "Exception", "IndexError", "KeyError", "NotImplementedError"]
    {
        f.insert(name.into(), exception);
    }
    for name in [
        "math.sqrt",
        "math.exp",
        "math.log",
        "math.log10",
        "math.log2",
        "math.sin",
        "math.cos",
        "math.tan",
        "math.atan",
        "math.fabs",
        "math.floor",
        "math.ceil",
        "math.isnan",
        "math.isinf",
        "math.isfinite",
        "math.hypot",
        "math.atan2",
        "math.pow",
    ] {
        f.insert(name.into(), math_fn);
    }
    r.methods.insert("str.format".into(), str_format);
    r.methods.insert("str.join".into(), str_join);
    r.methods.insert("str.upper".into(), str_upper);
    r.methods.insert("str.lower".into(), str_lower);
    r.methods.insert("str.strip".into(), str_strip);
    r.methods.insert("str.ljust".into(), str_just);
    r.methods.insert("str.rjust".into(), str_just);
    r.methods.insert("str.center".into(), str_just);
    r.methods.insert("str.replace".into(), str_replace);
    r.methods.insert("str.startswith".into(), str_startswith);
    r.methods.insert("str.endswith".into(), str_startswith);
    r.methods.insert("tolist".into(), tolist);
    let c = &mut r.constants;
    c.insert("pi".into(), Value::Float(std::f64::consts::PI));
    c.insert("e".into(), Value::Float(std::f64::consts::E));
    c.insert("inf".into(), Value::Float(f64::INFINITY));
    c.insert("Inf".into(), Value::Float(f64::INFINITY));
    c.insert("infty".into(), Value::Float(f64::INFINITY));
    c.insert("nan".into(), Value::Float(f64::NAN));
    c.insert("NaN".into(), Value::Float(f64::NAN));
    c.insert("newaxis".into(), Value::None);
    c.insert("euler_gamma".into(), Value::Float(0.5772156649015329));
    c.insert("math.pi".into(), Value::Float(std::f64::consts::PI));
    c.insert("math.e".into(), Value::Float(std::f64::consts::E));
    c.insert("math.inf".into(), Value::Float(f64::INFINITY));
    c.insert("math.nan".into(), Value::Float(f64::NAN));
    c.insert("math.tau".into(), Value::Float(std::f64::consts::TAU));
}

fn print(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    for (k, v, span) in &call.kw {
        let text = match v {
            Value::None => None,
            Value::Str(s) => Some(s.to_string()),
            other => {
                return Err(err(Code::Type, *span, format!("{k} must be None or a string, not {}", other.type_name())))
            }
        };
        match k.as_str() {
            "sep" => sep = text.unwrap_or_else(|| " ".into()),
            "end" => end = text.unwrap_or_else(|| "\n".into()),
            "flush" | "file" => {}
            other => {
                return Err(err(Code::Type, *span, format!("'{other}' is an invalid keyword argument for print()")))
            }
        }
    }
    let mut parts = Vec::with_capacity(call.pos.len());
    for (i, v) in call.pos.iter().enumerate() {
        parts.push(display::str_of(v, call.arg_span(i))?);
    }
    let text = format!("{}{}", parts.join(&sep), end);
    interp.write_out(&text);
    Ok(Value::None)
}

fn range(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    if call.pos.is_empty() || call.pos.len() > 3 || !call.kw.is_empty() {
        return Err(err(
            Code::Type,
            call.span,
            format!("range expected 1 to 3 integer arguments, got {}", call.pos.len()),
        ));
    }
    let mut v = Vec::new();
    for i in 0..call.pos.len() {
        let x = call.pos[i].clone();
        v.push(interp.to_index(&x, call.arg_span(i))?);
    }
    let (a, b, c) = match v.len() {
        1 => (0, v[0], 1),
        2 => (v[0], v[1], 1),
        _ => (v[0], v[1], v[2]),
    };
    if c == 0 {
        return Err(err(Code::Value, call.span, "range() arg 3 must not be zero"));
    }
    Ok(Value::Range(a, b, c))
}

fn len(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["obj"])?;
    Ok(Value::Int(match opt(&s, 0) {
        Value::Tuple(t) => t.len() as i64,
        Value::Str(s) => s.chars().count() as i64,
        Value::Dict(d) => d.len() as i64,
        Value::Range(a, b, c) => arrays::range_len(a, b, c) as i64,
        Value::Array(a) if a.ndim() > 0 => a.shape[0] as i64,
        Value::Array(_) => return Err(err(Code::Type, call.span, "len() of unsized object")),
        other => {
            return Err(err(Code::Type, call.span, format!("object of type '{}' has no len()", other.type_name())))
        }
    }))
}

/// A Python scalar from a number-like value (NumPy scalars and size-1 arrays included).
pub fn to_python(v: &Value, span: Span) -> R<Value> {
    Ok(match v {
        Value::Array(a) => {
            if a.size() != 1 {
                return Err(err(Code::Type, span, "only length-1 arrays can be converted to Python scalars"));
            }
            match a.scalar_value(span)? {
                Scalar::Bool(b) => Value::Bool(b),
                Scalar::Float32(f) => Value::Float(f as f64),
                Scalar::Float64(f) => Value::Float(f),
                Scalar::UInt64(u) => Value::Int(u as i64),
                other => Value::Int(other.as_i64()),
            }
        }
        other => other.clone(),
    })
}

fn int(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x="])?;
    let v = to_python(&opt(&s, 0), call.span)?;
    Ok(match v {
        Value::None => Value::Int(0),
        Value::Bool(b) => Value::Int(b as i64),
        Value::Int(i) => Value::Int(i),
        Value::Float(f) => {
            if f.is_nan() {
                return Err(err(Code::Value, call.span, "cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(err(Code::Value, call.span, "cannot convert float infinity to integer"));
            }
            if f.abs() >= 9.2e18 {
                return Err(err(Code::Value, call.span, "integer is too large for a 64-bit Python int"));
            }
            Value::Int(f.trunc() as i64)
        }
        Value::Str(t) => match t.trim().replace('_', "").parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => {
                return Err(err(
                    Code::Value,
                    call.span,
                    format!("invalid literal for int() with base 10: {}", display::python_str_repr(&t)),
                ))
            }
        },
        other => {
            return Err(err(
                Code::Type,
                call.span,
                format!("int() argument must be a string or a number, not '{}'", other.type_name()),
            ))
        }
    })
}

/// `hex(i)`, `oct(i)`, `bin(i)`: Python's base-prefixed text of an integer.
fn int_in_base(call: &mut CallArgs, name: &str, prefix: &str, radix: u32) -> R<Value> {
    let s = call.bind(&["x"])?;
    let i = match to_python(&opt(&s, 0), call.span) {
        Ok(Value::Int(i)) => i,
        Ok(Value::Bool(b)) => b as i64,
        Ok(other) => {
            return Err(err(
                Code::Type,
                call.span,
                format!("'{}' object cannot be interpreted as an integer", other.type_name()),
            ))
        }
        Err(_) => return Err(err(Code::Type, call.span, format!("{name}() argument must be an integer"))),
    };
    let mag = i.unsigned_abs();
    let digits = match radix {
        16 => format!("{mag:x}"),
        8 => format!("{mag:o}"),
        _ => format!("{mag:b}"),
    };
    Ok(Value::Str(format!("{}{prefix}{digits}", if i < 0 { "-" } else { "" }).into()))
}

fn hex_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    int_in_base(call, "hex", "0x", 16)
}

fn oct_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    int_in_base(call, "oct", "0o", 8)
}

fn bin_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    int_in_base(call, "bin", "0b", 2)
}

fn float(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x="])?;
    let v = to_python(&opt(&s, 0), call.span)?;
    Ok(match v {
        Value::None => Value::Float(0.0),
        Value::Bool(b) => Value::Float(b as i64 as f64),
        Value::Int(i) => Value::Float(i as f64),
        Value::Float(f) => Value::Float(f),
        Value::Str(t) => {
            let t = t.trim().to_lowercase();
            let f = match t.as_str() {
                "inf" | "+inf" | "infinity" => f64::INFINITY,
                "-inf" | "-infinity" => f64::NEG_INFINITY,
                "nan" | "+nan" | "-nan" => f64::NAN,
                other => other.parse::<f64>().map_err(|_| {
                    err(
                        Code::Value,
                        call.span,
                        format!("could not convert string to float: {}", display::python_str_repr(other)),
                    )
                })?,
            };
            Value::Float(f)
        }
        other => {
            return Err(err(
                Code::Type,
                call.span,
                format!("float() argument must be a string or a real number, not '{}'", other.type_name()),
            ))
        }
    })
}

fn bool_fn(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x="])?;
    let v = opt(&s, 0);
    Ok(Value::Bool(interp.truth(&v, call.span)?))
}

fn str_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["object="])?;
    Ok(Value::str(&match &s[0] {
        None => String::new(),
        Some(v) => display::str_of(v, call.span)?,
    }))
}

fn repr_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["obj"])?;
    Ok(Value::str(&display::repr_of(&opt(&s, 0), call.span)?))
}

fn format_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["value", "format_spec="])?;
    let spec = match opt(&s, 1) {
        Value::Str(t) => t.to_string(),
        _ => String::new(),
    };
    Ok(Value::str(&display::format_value(&opt(&s, 0), &spec, call.span)?))
}

fn tuple_fn(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["iterable="])?;
    match &s[0] {
        None => Ok(Value::tuple(Vec::new())),
        Some(v) => Ok(Value::tuple(interp.iterate(v, call.span)?)),
    }
}

/// `list(x)`: lists are arrays in hpxl (LANGUAGE.md §2).
fn list_fn(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["iterable="])?;
    let items = match &s[0] {
        None => Vec::new(),
        Some(v) => interp.iterate(v, call.span)?,
    };
    Ok(Value::Array(arrays::array_from_nested(&Value::tuple(items), None, call.span)?))
}

fn enumerate(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["iterable", "start="])?;
    let start = match opt(&s, 1) {
        Value::None => 0,
        v => interp.to_index(&v, call.span)?,
    };
    let items = interp.iterate(&opt(&s, 0), call.arg_span(0))?;
    Ok(Value::tuple(
        items.into_iter().enumerate().map(|(i, v)| Value::tuple(vec![Value::Int(start + i as i64), v])).collect(),
    ))
}

fn zip(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let mut lists = Vec::new();
    for i in 0..call.pos.len() {
        let v = call.pos[i].clone();
        lists.push(interp.iterate(&v, call.arg_span(i))?);
    }
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    Ok(Value::tuple((0..n).map(|i| Value::tuple(lists.iter().map(|l| l[i].clone()).collect())).collect()))
}

fn isinstance(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["obj", "classinfo"])?;
    let v = opt(&s, 0);
    let matches_one = |c: &Value| -> bool {
        match c {
            Value::Builtin(name) => match name.trim_start_matches("builtins.") {
                "int" => matches!(v, Value::Int(_) | Value::Bool(_)),
                "float" => matches!(v, Value::Float(_)),
                "bool" => matches!(v, Value::Bool(_)),
                "str" => matches!(v, Value::Str(_)),
                "tuple" => matches!(v, Value::Tuple(_)),
                _ => false,
            },
            _ => false,
        }
    };
    let r = match &opt(&s, 1) {
        Value::Tuple(items) => items.iter().any(matches_one),
        other => matches_one(other),
    };
    Ok(Value::Bool(r))
}

/// All positional arguments are host scalars (Python or NumPy scalars).
fn all_scalars(call: &CallArgs) -> bool {
    call.pos.iter().all(|v| match v {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => true,
        Value::Array(a) => a.ndim() == 0,
        _ => false,
    })
}

/// Python `min`/`max` over several scalars or one tuple; arrays use NumPy's reduction.
fn py_extreme(interp: &mut Interp, call: &mut CallArgs, want_max: bool) -> R<Value> {
    let name = if want_max { "max" } else { "min" };
    let items: Vec<Value> = if call.pos.len() >= 2 && all_scalars(call) {
        call.pos.clone()
    } else if call.pos.len() == 1 && matches!(call.pos[0], Value::Tuple(_) | Value::Range(..)) {
        interp.iterate(&call.pos[0].clone(), call.span)?
    } else {
        let f =
            *interp.registry.functions.get(name).ok_or_else(|| err(Code::Internal, call.span, "min/max missing"))?;
        return f(interp, call);
    };
    if items.is_empty() {
        return Err(err(Code::Value, call.span, format!("{name}() iterable argument is empty")));
    }
    let mut best = items[0].clone();
    for it in &items[1..] {
        let op = if want_max { hpxl_grammar::ast::CmpOp::Gt } else { hpxl_grammar::ast::CmpOp::Lt };
        let bop = if op == hpxl_grammar::ast::CmpOp::Gt {
            hpxl_compiler::ops::BinaryOp::Gt
        } else {
            hpxl_compiler::ops::BinaryOp::Lt
        };
        let c = if it.is_python_scalar() && best.is_python_scalar() {
            hpxl_compiler::pyscalar::compare(bop, it, &best)?
        } else {
            arrays::binary(bop, it, &best, call.span)?
        };
        if interp.truth(&c, call.span)? {
            best = it.clone();
        }
    }
    Ok(best)
}

fn py_min(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    py_extreme(interp, call, false)
}

fn py_max(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    py_extreme(interp, call, true)
}

/// Python `round`: a Python float with no digits rounds to an int (half to even).
fn py_round(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    match call.pos.first() {
        Some(Value::Float(f)) => {
            let f = *f;
            let digits = match call.pos.get(1).or_else(|| call.kw.iter().find(|k| k.0 == "ndigits").map(|k| &k.1)) {
                None | Some(Value::None) => {
                    if !f.is_finite() {
                        return Err(err(Code::Value, call.span, "cannot convert float to integer"));
                    }
                    return Ok(Value::Int(round_half_even(f) as i64));
                }
                Some(d) => interp.to_index(&d.clone(), call.span)?,
            };
            // Past 1100 digits (more than any f64 has) rounding changes nothing; below -308
            // (10^308 is the largest power of ten) every finite float rounds to zero.
            // Clamping keeps the formatting and the power below in range.
            if digits > 1100 || !f.is_finite() {
                return Ok(Value::Float(f));
            }
            if digits < -308 {
                return Ok(Value::Float(f * 0.0));
            }
            // Python rounds the exact decimal value; formatting with the precision does that.
            if digits >= 0 {
                let text = format!("{:.*}", digits as usize, f);
                return Ok(Value::Float(text.parse::<f64>().unwrap_or(f)));
            }
            let p = 10f64.powi((-digits) as i32);
            Ok(Value::Float(round_half_even(f / p) * p))
        }
        Some(Value::Int(i)) if call.pos.len() == 1 => Ok(Value::Int(*i)),
        Some(Value::Bool(b)) if call.pos.len() == 1 => Ok(Value::Int(*b as i64)),
        // `round(np.float64(2.5))` without ndigits is a Python int in NumPy 2.
        Some(Value::Array(a)) if a.is_scalar && call.pos.len() == 1 && call.kw.is_empty() => {
            match to_python(&Value::Array(a.clone()), call.span)? {
                Value::Float(f) if !f.is_finite() => {
                    Err(err(Code::Value, call.span, "cannot convert float to integer"))
                }
                Value::Float(f) => Ok(Value::Int(round_half_even(f) as i64)),
                Value::Bool(b) => Ok(Value::Int(b as i64)),
                other => Ok(other),
            }
        }
        _ => {
            let f = *interp
                .registry
                .functions
                .get("round")
                .ok_or_else(|| err(Code::Internal, call.span, "round missing"))?;
            f(interp, call)
        }
    }
}

fn round_half_even(f: f64) -> f64 {
    let r = f.round();
    if (f - f.trunc()).abs() == 0.5 {
        2.0 * (f / 2.0).round()
    } else {
        r
    }
}

fn py_abs(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    match call.pos.first() {
        Some(Value::Int(i)) if call.pos.len() == 1 => Ok(Value::Int(i.wrapping_abs())),
        Some(Value::Float(f)) if call.pos.len() == 1 => Ok(Value::Float(f.abs())),
        Some(Value::Bool(b)) if call.pos.len() == 1 => Ok(Value::Int(*b as i64)),
        _ => {
            let f =
                *interp.registry.functions.get("abs").ok_or_else(|| err(Code::Internal, call.span, "abs missing"))?;
            f(interp, call)
        }
    }
}

fn py_any_all(interp: &mut Interp, call: &mut CallArgs, all: bool) -> R<Value> {
    if let (1, Some(Value::Tuple(items))) = (call.pos.len(), call.pos.first()) {
        let items = items.clone();
        for it in items.iter() {
            let t = interp.truth(it, call.span)?;
            if all && !t {
                return Ok(Value::Bool(false));
            }
            if !all && t {
                return Ok(Value::Bool(true));
            }
        }
        return Ok(Value::Bool(all));
    }
    let name = if all { "all" } else { "any" };
    let f = *interp.registry.functions.get(name).ok_or_else(|| err(Code::Internal, call.span, "any/all missing"))?;
    f(interp, call)
}

fn py_all(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    py_any_all(interp, call, true)
}

fn py_any(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    py_any_all(interp, call, false)
}

fn time_now(_interp: &mut Interp, _call: &mut CallArgs) -> R<Value> {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    Ok(Value::Float(t))
}

/// `realize(*arrays)`: forces pending work and returns its arguments.
fn realize(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    // Together first, so arrays that share inputs share a kernel; then each view.
    let mut bases: hpxl_runtime::smallvec::SmallVec<[_; 4]> = hpxl_runtime::smallvec::SmallVec::new();
    for v in call.pos.iter() {
        if let Value::Array(a) = v {
            bases.push(a.base.borrow().node.clone());
        }
    }
    hpxl_compiler::graph::realize_all(&bases).map_err(|d| {
        if d.labels.is_empty() {
            d.with_label(call.span, "")
        } else {
            d
        }
    })?;
    for (i, v) in call.pos.iter().enumerate() {
        if let Value::Array(a) = v {
            if hpxl_compiler::dist::enabled() {
                // Under MPI: computed, but left distributed (not gathered).
                hpxl_compiler::graph::force(&a.node(call.arg_span(i))?)?;
            } else {
                // Its storage computed (a view of it needs no work), and left where it
                // is: a GPU result stays on the device (not copied to the host).
                let base = a.base.borrow().node.clone();
                hpxl_compiler::graph::force(&base)?;
            }
        }
    }
    // The arguments are handed back (moved: a call's arguments are not read after it).
    Ok(match call.pos.len() {
        0 => Value::None,
        1 => std::mem::replace(&mut call.pos[0], Value::None),
        _ => Value::tuple(std::mem::take(&mut call.pos)),
    })
}

static ARGV: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Sets what `argv()` returns: the script path first, then its arguments (`sys.argv`).
pub fn set_argv(args: Vec<String>) {
    *ARGV.lock().unwrap_or_else(|e| e.into_inner()) = args;
}

/// `argv()`: the command line as a tuple of strings, script path first (`sys.argv`);
/// `("",)` at the interactive prompt and for embedded sessions.
fn argv(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    call.bind(&[])?;
    let args = ARGV.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let args = if args.is_empty() { vec![String::new()] } else { args };
    Ok(Value::Tuple(std::rc::Rc::new(args.iter().map(|a| Value::str(a)).collect())))
}

fn threads(_interp: &mut Interp, _call: &mut CallArgs) -> R<Value> {
    Ok(Value::Int(hpxl_runtime::exec::threads() as i64))
}

fn info(interp: &mut Interp, _call: &mut CallArgs) -> R<Value> {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let text = format!(
        "hpxl {} | backend: {} | threads: {} | cores: {cores} | device: {} | devices: {}\n",
        env!("CARGO_PKG_VERSION"),
        hpxl_compiler::fuse::backend().name(),
        hpxl_runtime::exec::threads(),
        hpxl_compiler::gpu::device().name(),
        hpxl_compiler::gpu::device_names().join(", "),
    );
    interp.write_out(&text);
    Ok(Value::None)
}

fn policy(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["name"])?;
    match opt(&s, 0) {
        Value::Str(p) if &*p == "seq" || &*p == "par" => Ok(Value::Context(Context::Policy(p.to_string()))),
        other => Err(err(
            Code::Value,
            call.arg_span(0),
            format!("unknown policy {}; expected \"seq\" or \"par\"", display::repr_of(&other, call.span)?),
        )),
    }
}

/// The device named by argument `i` (`"cpu"`, `"gpu"`), or an error naming the valid ones.
fn device_arg(call: &CallArgs, slots: &[Option<Value>], i: usize) -> R<hpxl_compiler::gpu::Device> {
    let v = opt(slots, i);
    if let Value::Str(name) = &v {
        if let Some(d) = hpxl_compiler::gpu::Device::parse(name) {
            return Ok(d);
        }
    }
    let span = if slots.get(i).is_some_and(|s| s.is_some()) { call.arg_span(i) } else { call.span };
    Err(err(
        Code::Value,
        span,
        format!(
            "unknown device {}; expected {}",
            display::repr_of(&v, call.span)?,
            hpxl_compiler::gpu::Device::VALID
        ),
    )
    .with_help("`devices()` lists the devices of this machine"))
}

/// `device("gpu")`: a context manager (`with device("gpu"):`) selecting where the arrays
/// realised inside the block are computed.
fn device(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["name"])?;
    let d = device_arg(call, &s, 0)?;
    if d == hpxl_compiler::gpu::Device::Gpu && !hpxl_compiler::gpu::BUILT {
        hpxl_compiler::gpu::note_once(
            "no GPU available (not built with GPU support: cargo feature `gpu`); running on the CPU",
        );
    }
    Ok(Value::Context(Context::Device(d)))
}

/// `devices()`: the devices of this machine, `"cpu"` first, as a tuple of strings.
fn devices(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    call.bind(&[])?;
    let names = hpxl_compiler::gpu::device_names();
    Ok(Value::Tuple(std::rc::Rc::new(names.iter().map(|n| Value::str(n)).collect())))
}

/// `to_device(a, "gpu")` / `to_device(a, "cpu")`: computes `a` and moves its storage there
/// (a device copy made now, or the device copy brought home and freed); returns `a`.
fn to_device(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "device"])?;
    let target = device_arg(call, &s, 1)?;
    let v = opt(&s, 0);
    let Value::Array(a) = &v else {
        return Err(err(
            Code::Type,
            if s[0].is_some() { call.arg_span(0) } else { call.span },
            format!("to_device() expects an array, got {}", v.type_name()),
        ));
    };
    let base = a.base.borrow().node.clone();
    hpxl_compiler::graph::force(&base)?;
    if let Some(value) = base.value_on_device() {
        hpxl_compiler::gpu::to_device(&value, target, call.span)?;
    }
    Ok(v.clone())
}

fn exception(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let msg = match call.pos.first() {
        Some(v) => display::str_of(v, call.span)?,
        None => String::new(),
    };
    Ok(Value::str(&format!("{}: {}", call.name, msg)))
}

fn math_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let name = call.name.to_string();
    let x = f64_of(
        call.pos.first().ok_or_else(|| err(Code::Type, call.span, format!("{name}() takes at least 1 argument")))?,
        call.span,
    )?;
    let y = match call.pos.get(1) {
        Some(v) => Some(f64_of(v, call.span)?),
        None => None,
    };
    let domain = || err(Code::Value, call.span, "math domain error");
    Ok(match name.as_str() {
        "sqrt" => {
            if x < 0.0 {
                return Err(domain());
            }
            Value::Float(x.sqrt())
        }
        "exp" => Value::Float(x.exp()),
        "log" => {
            if x <= 0.0 {
                return Err(domain());
            }
            match y {
                Some(b) => Value::Float(x.ln() / b.ln()),
                None => Value::Float(x.ln()),
            }
        }
        "log10" | "log2" => {
            if x <= 0.0 {
                return Err(domain());
            }
            Value::Float(if name == "log10" { x.log10() } else { x.log2() })
        }
        "sin" => Value::Float(x.sin()),
        "cos" => Value::Float(x.cos()),
        "tan" => Value::Float(x.tan()),
        "atan" => Value::Float(x.atan()),
        "fabs" => Value::Float(x.abs()),
        "floor" => Value::Int(x.floor() as i64),
        "ceil" => Value::Int(x.ceil() as i64),
        "isnan" => Value::Bool(x.is_nan()),
        "isinf" => Value::Bool(x.is_infinite()),
        "isfinite" => Value::Bool(x.is_finite()),
        "hypot" => Value::Float(x.hypot(y.unwrap_or(0.0))),
        "atan2" => Value::Float(x.atan2(y.unwrap_or(1.0))),
        "pow" => Value::Float(x.powf(y.unwrap_or(1.0))),
        _ => return Err(err(Code::Internal, call.span, "math table")),
    })
}

fn recv_str(call: &CallArgs) -> R<String> {
    match call.pos.first() {
        Some(Value::Str(s)) => Ok(s.to_string()),
        _ => Err(err(Code::Internal, call.span, "string method without a string")),
    }
}

/// `"{} {:.3f} {name}".format(...)`.
fn str_format(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let template = recv_str(call)?;
    let args: Vec<Value> = call.pos[1..].to_vec();
    let mut out = String::new();
    let chars: Vec<char> = template.chars().collect();
    let mut i = 0;
    let mut auto = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            out.push('{');
            i += 2;
            continue;
        }
        if c == '}' && chars.get(i + 1) == Some(&'}') {
            out.push('}');
            i += 2;
            continue;
        }
        if c == '{' {
            let close = chars[i..]
                .iter()
                .position(|&x| x == '}')
                .map(|p| p + i)
                .ok_or_else(|| err(Code::Value, call.span, "Single '{' encountered in format string"))?;
            let field: String = chars[i + 1..close].iter().collect();
            let (name, spec) = match field.find(':') {
                Some(p) => (field[..p].to_string(), field[p + 1..].to_string()),
                None => (field.clone(), String::new()),
            };
            let (name, conv) = match name.find('!') {
                Some(p) => (name[..p].to_string(), name[p + 1..].chars().next()),
                None => (name, None),
            };
            let value = if name.is_empty() {
                let v = args.get(auto).cloned().ok_or_else(|| {
                    err(
                        Code::Index,
                        call.span,
                        format!("Replacement index {auto} out of range for positional args tuple"),
                    )
                })?;
                auto += 1;
                v
            } else if let Ok(n) = name.parse::<usize>() {
                args.get(n).cloned().ok_or_else(|| {
                    err(Code::Index, call.span, format!("Replacement index {n} out of range for positional args tuple"))
                })?
            } else {
                call.kw
                    .iter()
                    .find(|(k, _, _)| *k == name)
                    .map(|(_, v, _)| v.clone())
                    .ok_or_else(|| err(Code::Index, call.span, format!("key '{name}' not found in format arguments")))?
            };
            let value = match conv {
                Some('r') => Value::str(&display::repr_of(&value, call.span)?),
                Some('s') => Value::str(&display::str_of(&value, call.span)?),
                _ => value,
            };
            out.push_str(&display::format_value(&value, &spec, call.span)?);
            i = close + 1;
            continue;
        }
        if c == '}' {
            return Err(err(Code::Value, call.span, "Single '}' encountered in format string"));
        }
        out.push(c);
        i += 1;
    }
    Ok(Value::str(&out))
}

fn str_join(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let sep = recv_str(call)?;
    let v = call.pos.get(1).cloned().unwrap_or(Value::tuple(Vec::new()));
    let items = interp.iterate(&v, call.span)?;
    let mut parts = Vec::new();
    for it in items {
        match it {
            Value::Str(s) => parts.push(s.to_string()),
            other => {
                return Err(err(
                    Code::Type,
                    call.span,
                    format!("sequence item: expected str instance, {} found", other.type_name()),
                ))
            }
        }
    }
    Ok(Value::str(&parts.join(&sep)))
}

fn str_upper(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    Ok(Value::str(&recv_str(call)?.to_uppercase()))
}

fn str_lower(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    Ok(Value::str(&recv_str(call)?.to_lowercase()))
}

fn str_strip(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    Ok(Value::str(recv_str(call)?.trim()))
}

fn str_just(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = recv_str(call)?;
    let w = match call.pos.get(1) {
        Some(v) => interp.to_index(&v.clone(), call.span)?.max(0) as usize,
        None => return Err(err(Code::Type, call.span, format!("{}() takes at least 1 argument", call.name))),
    };
    let n = s.chars().count();
    if n >= w {
        return Ok(Value::str(&s));
    }
    let pad = w - n;
    hpxl_compiler::graph::check_alloc_items(w as u128, 1, || format!("string of {w} characters"), call.span)?;
    Ok(Value::str(&match &*call.name {
        "ljust" => format!("{s}{}", " ".repeat(pad)),
        "rjust" => format!("{}{s}", " ".repeat(pad)),
        _ => {
            let left = pad / 2 + (pad & w & 1);
            format!("{}{s}{}", " ".repeat(left), " ".repeat(pad - left))
        }
    }))
}

fn str_replace(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = recv_str(call)?;
    match (call.pos.get(1), call.pos.get(2)) {
        (Some(Value::Str(a)), Some(Value::Str(b))) => Ok(Value::str(&s.replace(&**a, b))),
        _ => Err(err(Code::Type, call.span, "replace() arguments must be strings")),
    }
}

fn str_startswith(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = recv_str(call)?;
    match call.pos.get(1) {
        Some(Value::Str(p)) => {
            Ok(Value::Bool(if &*call.name == "startswith" { s.starts_with(&**p) } else { s.ends_with(&**p) }))
        }
        _ => Err(err(Code::Type, call.span, format!("{}() argument must be str", call.name))),
    }
}

/// `a.tolist()` is not in the language: lists are arrays. Say so clearly.
fn tolist(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    Err(err(
        Code::Unsupported,
        call.span,
        "tolist() is not supported: hpxl has no Python lists (list displays are arrays)",
    ))
}
