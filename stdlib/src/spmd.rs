//! SPMD builtins (LANGUAGE.md §7): `rank`, `nranks`, `barrier`, `allreduce`, `broadcast`,
//! `gather`, `scatter`, `distribute`, and `dist=` on creation functions. Without MPI (or
//! under one rank) they are the one-rank case: `rank() == 0`, `nranks() == 1`, and the
//! collectives return their argument (`gather` of a scalar: a one-element array).
//!
//! Values travel as bytes: an array as its dtype, shape and contiguous elements; a
//! Python int/float/bool as a 0-d int64/float64/bool array, converted back after.

use crate::args::opt;
use hpxl_compiler::arrays::{err, R};
use hpxl_compiler::dist::{self, Layout};
use hpxl_compiler::graph;
use hpxl_compiler::interp;
use hpxl_compiler::ops::BinaryOp;
use hpxl_compiler::{Array, CallArgs, Interp, Registry, Value};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::dist as comm;
use hpxl_runtime::{DType, NdArray};

pub fn register(r: &mut Registry) {
    r.functions.insert("rank".into(), rank);
    r.functions.insert("nranks".into(), nranks);
    r.functions.insert("barrier".into(), barrier);
    r.functions.insert("allreduce".into(), allreduce);
    r.functions.insert("broadcast".into(), broadcast);
    r.functions.insert("gather".into(), gather);
    r.functions.insert("scatter".into(), scatter);
    r.functions.insert("distribute".into(), distribute);
}

fn rank(_: &mut Interp, call: &mut CallArgs) -> R<Value> {
    call.bind(&[])?;
    // From here on the ranks' graphs may differ (Note [Rank-dependent values] in
    // `hpxl_compiler::dist::agree`).
    comm::note_rank_dependent();
    Ok(Value::Int(comm::rank() as i64))
}

fn nranks(_: &mut Interp, call: &mut CallArgs) -> R<Value> {
    call.bind(&[])?;
    Ok(Value::Int(comm::nranks() as i64))
}

fn barrier(_: &mut Interp, call: &mut CallArgs) -> R<Value> {
    call.bind(&[])?;
    dist::agree::on_task("barrier()", Some(call.span))?;
    comm::barrier();
    Ok(Value::None)
}

/// How a value came in, so the result goes out the same way.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Int,
    Float,
    Bool,
    Array,
}

fn to_nd(v: &Value, span: Span) -> R<(NdArray, Shape)> {
    let kind = match v {
        Value::Int(_) => Shape::Int,
        Value::Float(_) => Shape::Float,
        Value::Bool(_) => Shape::Bool,
        Value::Array(_) => Shape::Array,
        other => return Err(err(Code::Type, span, format!("expected a number or an array, got {}", other.type_name()))),
    };
    let a = hpxl_compiler::arrays::to_array(v, span)?;
    Ok((a.realize(span)?.to_contiguous(), kind))
}

/// A rank's own array (`dist::LocalArray`): never distributed, never reduced collectively.
fn local(a: NdArray, span: Span) -> Value {
    let mut arr = Array::from_node(dist::rank_local(a, span));
    arr.is_scalar = false;
    Value::Array(arr)
}

fn from_nd(a: NdArray, kind: Shape, span: Span) -> Value {
    if a.shape.is_empty() {
        let s = a.first();
        match kind {
            Shape::Int => return Value::Int(s.as_f64() as i64).max_int(s),
            Shape::Float => return Value::Float(s.as_f64()),
            Shape::Bool => return Value::Bool(s.as_f64() != 0.0),
            Shape::Array => {}
        }
    }
    let mut arr = Array::from_node(graph::constant(a, span));
    arr.is_scalar = false;
    Value::Array(arr)
}

trait MaxInt {
    fn max_int(self, s: hpxl_runtime::Scalar) -> Value;
}

impl MaxInt for Value {
    /// Int results keep all 64 bits (not through f64).
    fn max_int(self, s: hpxl_runtime::Scalar) -> Value {
        match s {
            hpxl_runtime::Scalar::Int64(i) => Value::Int(i),
            _ => self,
        }
    }
}

fn encode(a: &NdArray) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(DType::ALL.iter().position(|d| *d == a.dtype()).unwrap_or(0) as u8);
    out.extend_from_slice(&(a.shape.len() as u64).to_le_bytes());
    for &d in &a.shape {
        out.extend_from_slice(&(d as u64).to_le_bytes());
    }
    out.extend_from_slice(dist::array_bytes(a));
    out
}

fn decode(b: &[u8], dtype: DType) -> NdArray {
    let nd = u64::from_le_bytes(b[1..9].try_into().unwrap()) as usize;
    let shape: Vec<usize> = (0..nd).map(|k| u64::from_le_bytes(b[9 + 8 * k..17 + 8 * k].try_into().unwrap()) as usize).collect();
    dist::array_from_bytes(dtype, shape, &b[9 + 8 * nd..])
}

fn allreduce(_: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x", "op="])?;
    let op = match opt(&s, 1) {
        Value::None => "sum".to_string(),
        Value::Str(o) => o.to_string(),
        other => return Err(err(Code::Type, call.span, format!("op must be a string, got {}", other.type_name()))),
    };
    let bop = match op.as_str() {
        "sum" => BinaryOp::Add,
        "prod" => BinaryOp::Mul,
        "min" => BinaryOp::Minimum,
        "max" => BinaryOp::Maximum,
        other => {
            return Err(err(Code::Value, call.span, format!("unknown reduction op '{other}' (available: sum, prod, min, max)")))
        }
    };
    let (a, kind) = to_nd(&opt(&s, 0), call.arg_span(0))?;
    dist::agree::on_task("allreduce()", Some(call.span))?;
    let dtype = a.dtype();
    let parts = comm::all_gather(&encode(&a));
    let mut acc: Option<NdArray> = None;
    for p in &parts {
        let v = decode(p, dtype);
        if v.shape != a.shape {
            return Err(err(Code::Shape, call.span, format!("allreduce: shapes differ between ranks: {:?} and {:?}", a.shape, v.shape)));
        }
        acc = Some(match acc {
            None => v,
            Some(x) => interp::binary(bop, &x, &v, dtype, dtype).map_err(|e| err(e.code, call.span, e.message))?,
        });
    }
    Ok(from_nd(acc.unwrap_or(a), kind, call.span))
}

fn root_of(v: &Value, span: Span) -> R<usize> {
    match v {
        Value::None => Ok(0),
        Value::Int(r) if *r >= 0 && (*r as usize) < comm::nranks() => Ok(*r as usize),
        other => Err(err(Code::Value, span, format!("root must be a rank in 0..{}, got {}", comm::nranks(), other.type_name()))),
    }
}

fn broadcast(_: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x", "root="])?;
    let root = root_of(&opt(&s, 1), call.span)?;
    let (a, kind) = to_nd(&opt(&s, 0), call.arg_span(0))?;
    dist::agree::on_task("broadcast()", Some(call.span))?;
    let mut buf = encode(&a);
    comm::broadcast(&mut buf, root);
    let dtype = DType::ALL.get(buf[0] as usize).copied().unwrap_or(a.dtype());
    Ok(from_nd(decode(&buf, dtype), kind, call.span))
}

fn gather(_: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x", "root="])?;
    let root = root_of(&opt(&s, 1), call.span)?;
    let (a, _) = to_nd(&opt(&s, 0), call.arg_span(0))?;
    let a = if a.shape.is_empty() { NdArray::from_data(a.to_data(), vec![1]) } else { a };
    dist::agree::on_task("gather()", Some(call.span))?;
    // The result exists on the root only: rank-dependent from here on.
    comm::note_rank_dependent();
    let parts = comm::all_gather(&encode(&a));
    if comm::rank() != root {
        return Ok(Value::None);
    }
    let mut rows = 0;
    let mut bytes = Vec::new();
    for p in &parts {
        let v = decode(p, a.dtype());
        if v.shape[1..] != a.shape[1..] {
            return Err(err(Code::Shape, call.span, format!("gather: shapes differ between ranks: {:?} and {:?}", a.shape, v.shape)));
        }
        rows += v.shape[0];
        bytes.extend_from_slice(dist::array_bytes(&v));
    }
    let mut shape = a.shape.clone();
    shape[0] = rows;
    Ok(local(dist::array_from_bytes(a.dtype(), shape.to_vec(), &bytes), call.span))
}

fn scatter(_: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["x", "root="])?;
    let root = root_of(&opt(&s, 1), call.span)?;
    let (a, _) = to_nd(&opt(&s, 0), call.arg_span(0))?;
    if a.shape.is_empty() {
        return Err(err(Code::Shape, call.arg_span(0), "scatter needs an array with at least one dimension"));
    }
    dist::agree::on_task("scatter()", Some(call.span))?;
    // Each rank gets its own rows: rank-dependent from here on.
    comm::note_rank_dependent();
    let mut buf = encode(&a);
    comm::broadcast(&mut buf, root);
    let whole = decode(&buf, a.dtype());
    let (lo, hi) = dist::my_block(whole.shape[0]);
    let rl: usize = whole.shape[1..].iter().product::<usize>() * whole.dtype().itemsize();
    let mut shape = whole.shape.clone();
    shape[0] = hi - lo;
    let bytes = &dist::array_bytes(&whole)[lo * rl..hi * rl];
    Ok(local(dist::array_from_bytes(whole.dtype(), shape.to_vec(), bytes), call.span))
}

fn layout_of(v: &Value, span: Span) -> R<Option<Layout>> {
    match v {
        Value::None => Ok(None),
        Value::Str(s) if &**s == "block" => Ok(Some(Layout::Block)),
        Value::Str(s) if &**s == "cyclic" => Ok(Some(Layout::Cyclic)),
        Value::Str(s) if &**s == "replicated" || &**s == "none" => Ok(None),
        other => Err(err(Code::Value, span, format!("dist must be \"block\", \"cyclic\" or None, got {}", hpxl_compiler::display::repr_of(other, span).unwrap_or_default()))),
    }
}

/// `distribute(a, dist="block")`: `a` partitioned along axis 0 over the ranks.
fn distribute(_: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "dist="])?;
    let layout = match opt(&s, 1) {
        Value::None => Some(Layout::Block),
        v => layout_of(&v, call.span)?,
    };
    let Value::Array(a) = opt(&s, 0) else {
        return Err(err(Code::Type, call.arg_span(0), "distribute expects an array"));
    };
    apply(a, layout, call.span)
}

fn apply(a: Array, layout: Option<Layout>, span: Span) -> R<Value> {
    let node = a.node(span)?;
    match layout {
        Some(l) => dist::distribute(&node, l)?,
        None => {
            graph::realize(&node)?;
        }
    }
    let mut out = Array::from_node(node);
    out.is_scalar = a.is_scalar;
    Ok(Value::Array(out))
}

/// Runs creation function `f` with its `dist=` keyword (if any) applied to the result.
pub fn with_dist(interp: &mut Interp, call: &mut CallArgs, f: hpxl_compiler::BuiltinFn) -> R<Value> {
    let Some(k) = call.kw.iter().position(|(name, _, _)| name == "dist") else {
        return f(interp, call);
    };
    let (_, v, span) = call.kw.remove(k);
    let layout = layout_of(&v, span)?;
    let out = f(interp, call)?;
    match (out, layout) {
        (Value::Array(a), Some(l)) => apply(a, Some(l), call.span),
        (out, _) => Ok(out),
    }
}
