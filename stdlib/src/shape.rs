//! Shape functions: reshape, ravel, transpose, swapaxes, expand_dims, squeeze,
//! broadcast_to, concatenate, stack, flip, roll, tile, repeat, astype and friends.

use crate::args::{array_arg, axis_of, dtype_of, opt, reshape_dims, shape_of};
use hpxl_compiler::arrays::{self, astype, err, to_array, R};
use hpxl_compiler::graph::{self, Op, ViewSpec};
use hpxl_compiler::{Array, CallArgs, Interp, Registry, Value};
use hpxl_grammar::Code;
use std::rc::Rc;

pub fn register(r: &mut Registry) {
    r.functions.insert("reshape".into(), reshape);
    r.methods.insert("reshape".into(), reshape_method);
    r.functions.insert("ravel".into(), ravel);
    r.methods.insert("ravel".into(), ravel);
    r.methods.insert("flatten".into(), flatten);
    r.functions.insert("transpose".into(), transpose);
    r.methods.insert("transpose".into(), transpose_method);
    r.functions.insert("swapaxes".into(), swapaxes);
    r.methods.insert("swapaxes".into(), swapaxes);
    r.functions.insert("moveaxis".into(), moveaxis);
    r.functions.insert("expand_dims".into(), expand_dims);
    r.functions.insert("squeeze".into(), squeeze);
    r.methods.insert("squeeze".into(), squeeze);
    r.functions.insert("broadcast_to".into(), broadcast_to);
    r.functions.insert("concatenate".into(), concatenate);
    r.functions.insert("stack".into(), stack);
    r.functions.insert("vstack".into(), vstack);
    r.functions.insert("hstack".into(), hstack);
    r.functions.insert("flip".into(), flip);
    r.functions.insert("fliplr".into(), fliplr);
    r.functions.insert("flipud".into(), flipud);
    r.functions.insert("roll".into(), roll);
    r.functions.insert("tile".into(), tile);
    r.functions.insert("repeat".into(), repeat);
    r.methods.insert("repeat".into(), repeat);
    r.functions.insert("atleast_1d".into(), atleast_1d);
    r.functions.insert("meshgrid".into(), meshgrid);
    r.functions.insert("atleast_2d".into(), atleast_2d);
    r.methods.insert("astype".into(), astype_method);
    r.methods.insert("fill".into(), fill);
    r.methods.insert("item".into(), item);
    r.functions.insert("shape".into(), shape_fn);
    r.functions.insert("ndim".into(), ndim_fn);
    r.functions.insert("size".into(), size_fn);
}

fn reshape(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "shape=", "order=", "newshape="])?;
    let a = array_arg(&s, 0, call)?;
    let shape_v = match opt(&s, 1) {
        Value::None => opt(&s, 3),
        v => v,
    };
    let dims = reshape_dims(interp, &shape_v, call.span)?;
    let shape = arrays::resolve_shape(a.size(), &dims, call.span)?;
    Ok(Value::Array(arrays::reshape_to(&a, shape, call.span)?))
}

fn reshape_method(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let a = to_array(&call.pos[0], call.span)?;
    let rest: Vec<Value> = call.pos[1..].to_vec();
    let shape_v = match rest.len() {
        0 => match call.kw.iter().find(|(k, _, _)| k == "shape") {
            Some((_, v, _)) => v.clone(),
            None => return Err(err(Code::Type, call.span, "reshape() missing required argument 'shape'")),
        },
        1 => rest[0].clone(),
        _ => Value::tuple(rest),
    };
    let dims = reshape_dims(interp, &shape_v, call.span)?;
    let shape = arrays::resolve_shape(a.size(), &dims, call.span)?;
    Ok(Value::Array(arrays::reshape_to(&a, shape, call.span)?))
}

fn ravel(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "order="])?;
    let a = array_arg(&s, 0, call)?;
    Ok(Value::Array(arrays::reshape_to(&a, vec![a.size()], call.span)?))
}

fn flatten(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "order="])?;
    let a = array_arg(&s, 0, call)?;
    let c = astype(&a, a.dtype, call.span)?;
    let mut out = arrays::reshape_to(&c, vec![a.size()], call.span)?;
    out.is_scalar = false;
    Ok(Value::Array(out))
}

fn perm_of(interp: &mut Interp, v: &Value, ndim: usize, call: &CallArgs) -> R<Vec<usize>> {
    let axes = axis_of(interp, v, call.span)?.unwrap_or_else(|| (0..ndim as i64).rev().collect());
    if axes.len() != ndim {
        return Err(err(Code::Value, call.span, "axes don't match array"));
    }
    let mut perm = Vec::new();
    for a in axes {
        let ax = arrays::normalize_axis(a, ndim, call.span)?;
        if perm.contains(&ax) {
            return Err(err(Code::Value, call.span, "repeated axis in transpose"));
        }
        perm.push(ax);
    }
    Ok(perm)
}

fn transpose(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axes="])?;
    let a = array_arg(&s, 0, call)?;
    let perm = perm_of(interp, &opt(&s, 1), a.ndim(), call)?;
    Ok(Value::Array(arrays::transpose(&a, &perm)))
}

fn transpose_method(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let a = to_array(&call.pos[0], call.span)?;
    let axes = match call.pos.len() {
        1 => Value::None,
        2 => call.pos[1].clone(),
        _ => Value::tuple(call.pos[1..].to_vec()),
    };
    let perm = perm_of(interp, &axes, a.ndim(), call)?;
    Ok(Value::Array(arrays::transpose(&a, &perm)))
}

fn swapaxes(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axis1", "axis2"])?;
    let a = array_arg(&s, 0, call)?;
    let i = interp.to_index(&opt(&s, 1), call.arg_span(1))?;
    let j = interp.to_index(&opt(&s, 2), call.arg_span(2))?;
    let i = arrays::normalize_axis(i, a.ndim(), call.span)?;
    let j = arrays::normalize_axis(j, a.ndim(), call.span)?;
    let mut perm: Vec<usize> = (0..a.ndim()).collect();
    perm.swap(i, j);
    Ok(Value::Array(arrays::transpose(&a, &perm)))
}

fn moveaxis(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "source", "destination"])?;
    let a = array_arg(&s, 0, call)?;
    let src = interp.to_index(&opt(&s, 1), call.arg_span(1))?;
    let dst = interp.to_index(&opt(&s, 2), call.arg_span(2))?;
    let src = arrays::normalize_axis(src, a.ndim(), call.span)?;
    let dst = arrays::normalize_axis(dst, a.ndim(), call.span)?;
    let mut perm: Vec<usize> = (0..a.ndim()).filter(|&d| d != src).collect();
    perm.insert(dst, src);
    Ok(Value::Array(arrays::transpose(&a, &perm)))
}

fn expand_dims(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axis"])?;
    let mut a = array_arg(&s, 0, call)?;
    let axes = axis_of(interp, &opt(&s, 1), call.span)?.unwrap_or_default();
    let out_nd = a.ndim() + axes.len();
    let mut norm = Vec::new();
    for ax in axes {
        let n = arrays::normalize_axis(ax, out_nd, call.span)?;
        if norm.contains(&n) {
            return Err(err(Code::Value, call.span, "repeated axis"));
        }
        norm.push(n);
    }
    norm.sort_unstable();
    for n in norm {
        a = arrays::expand_dims(&a, n);
    }
    Ok(Value::Array(a))
}

fn squeeze(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "axis="])?;
    let a = array_arg(&s, 0, call)?;
    let axes = match axis_of(interp, &opt(&s, 1), call.span)? {
        None => (0..a.ndim()).filter(|&d| a.shape[d] == 1).collect::<Vec<_>>(),
        Some(list) => {
            let mut out = Vec::new();
            for ax in list {
                let n = arrays::normalize_axis(ax, a.ndim(), call.span)?;
                if a.shape[n] != 1 {
                    return Err(err(
                        Code::Value,
                        call.span,
                        "cannot select an axis to squeeze out which has size not equal to one",
                    ));
                }
                out.push(n);
            }
            out
        }
    };
    let spec = a.view_spec();
    let keep: Vec<usize> = (0..a.ndim()).filter(|d| !axes.contains(d)).collect();
    let view = ViewSpec {
        offset: spec.offset,
        shape: keep.iter().map(|&d| spec.shape[d]).collect(),
        strides: keep.iter().map(|&d| spec.strides[d]).collect(),
    };
    let mut out = a.with_view(view);
    out.is_scalar = false;
    Ok(Value::Array(out))
}

fn broadcast_to(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["array", "shape"])?;
    let a = array_arg(&s, 0, call)?;
    let shape = shape_of(interp, &opt(&s, 1), call.arg_span(1))?;
    Ok(Value::Array(arrays::broadcast_to(&a, &shape, call.span)?))
}

fn array_list(interp: &mut Interp, v: &Value, call: &CallArgs) -> R<Vec<Array>> {
    let items = match v {
        Value::Array(a) => {
            // Iterating an array gives its rows.
            interp.iterate(&Value::Array(a.clone()), call.span)?
        }
        other => interp.iterate(other, call.span)?,
    };
    items.iter().map(|x| to_array(x, call.span)).collect()
}

fn concatenate(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["arrays", "axis=", "out=", "dtype="])?;
    let list = array_list(interp, &opt(&s, 0), call)?;
    let axis = match (&s[1], opt(&s, 1)) {
        (Some(_), Value::None) => None,
        (None, _) => Some(0),
        (_, v) => Some(interp.to_index(&v, call.span)?),
    };
    let mut out = arrays::concatenate(&list, axis, call.span)?;
    if let Some(d) = dtype_of(&opt(&s, 3), call.span)? {
        out = astype(&out, d, call.span)?;
    }
    Ok(Value::Array(out))
}

fn stack(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["arrays", "axis=", "out=", "dtype="])?;
    let list = array_list(interp, &opt(&s, 0), call)?;
    if list.is_empty() {
        return Err(err(Code::Value, call.span, "need at least one array to stack"));
    }
    if list.iter().any(|a| a.shape != list[0].shape) {
        return Err(err(Code::Shape, call.span, "all input arrays must have the same shape"));
    }
    let axis = match opt(&s, 1) {
        Value::None => 0,
        v => interp.to_index(&v, call.span)?,
    };
    let ax = arrays::normalize_axis(axis, list[0].ndim() + 1, call.span)?;
    let expanded: Vec<Array> = list.iter().map(|a| arrays::expand_dims(a, ax)).collect();
    Ok(Value::Array(arrays::concatenate(&expanded, Some(ax as i64), call.span)?))
}

fn vstack(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["tup"])?;
    let list = array_list(interp, &opt(&s, 0), call)?;
    let list: Vec<Array> = list.into_iter().map(|a| at_least(a, 2)).collect();
    Ok(Value::Array(arrays::concatenate(&list, Some(0), call.span)?))
}

fn hstack(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["tup"])?;
    let list = array_list(interp, &opt(&s, 0), call)?;
    let list: Vec<Array> = list.into_iter().map(|a| at_least(a, 1)).collect();
    let axis = if list.first().is_some_and(|a| a.ndim() == 1) { 0 } else { 1 };
    Ok(Value::Array(arrays::concatenate(&list, Some(axis), call.span)?))
}

fn at_least(a: Array, nd: usize) -> Array {
    let mut a = a;
    if a.ndim() == 0 {
        a = arrays::expand_dims(&a, 0);
    }
    if nd == 2 && a.ndim() == 1 {
        a = arrays::expand_dims(&a, 0);
    }
    a
}

fn atleast_1d(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a"])?;
    Ok(Value::Array(at_least(array_arg(&s, 0, call)?, 1)))
}

fn atleast_2d(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a"])?;
    Ok(Value::Array(at_least(array_arg(&s, 0, call)?, 2)))
}

fn flip_axes(a: &Array, axes: &[usize]) -> Array {
    let mut spec = a.view_spec();
    for &ax in axes {
        if spec.shape[ax] > 0 {
            spec.offset = (spec.offset as isize + (spec.shape[ax] as isize - 1) * spec.strides[ax]) as usize;
        }
        spec.strides[ax] = -spec.strides[ax];
    }
    let mut out = a.with_view(spec);
    out.is_scalar = false;
    out
}

fn flip(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["m", "axis="])?;
    let a = array_arg(&s, 0, call)?;
    let axes = axis_of(interp, &opt(&s, 1), call.span)?;
    let axes = arrays::normalize_axes(axes.as_deref(), a.ndim(), call.span)?;
    Ok(Value::Array(flip_axes(&a, &axes)))
}

fn fliplr(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["m"])?;
    let a = array_arg(&s, 0, call)?;
    if a.ndim() < 2 {
        return Err(err(Code::Value, call.span, "Input must be >= 2-d."));
    }
    Ok(Value::Array(flip_axes(&a, &[1])))
}

fn flipud(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["m"])?;
    let a = array_arg(&s, 0, call)?;
    if a.ndim() < 1 {
        return Err(err(Code::Value, call.span, "Input must be >= 1-d."));
    }
    Ok(Value::Array(flip_axes(&a, &[0])))
}

/// A view of `a` restricted to `[start, start+len)` along `axis`.
fn slab(a: &Array, axis: usize, start: usize, len: usize) -> Array {
    let mut spec = a.view_spec();
    spec.offset = (spec.offset as isize + start as isize * spec.strides[axis]) as usize;
    spec.shape[axis] = len;
    let mut v = a.with_view(spec);
    v.is_scalar = false;
    v
}

fn roll(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "shift", "axis="])?;
    let a = array_arg(&s, 0, call)?;
    let shifts = axis_of(interp, &opt(&s, 1), call.span)?.unwrap_or_default();
    match axis_of(interp, &opt(&s, 2), call.span)? {
        None => {
            let flat = arrays::reshape_to(&a, vec![a.size()], call.span)?;
            let total: i64 = shifts.iter().sum();
            let r = roll_axis(&flat, 0, total, call)?;
            Ok(Value::Array(arrays::reshape_to(&r, a.shape.to_vec(), call.span)?))
        }
        Some(axes) => {
            if shifts.len() != axes.len() && shifts.len() != 1 && axes.len() != 1 {
                return Err(err(
                    Code::Value,
                    call.span,
                    "'shift' and 'axis' should be scalars or 1D sequences of the same length",
                ));
            }
            let n = shifts.len().max(axes.len());
            let mut cur = a;
            for i in 0..n {
                let sh = shifts[if shifts.len() == 1 { 0 } else { i }];
                let ax = arrays::normalize_axis(axes[if axes.len() == 1 { 0 } else { i }], cur.ndim(), call.span)?;
                cur = roll_axis(&cur, ax, sh, call)?;
            }
            Ok(Value::Array(cur))
        }
    }
}

fn roll_axis(a: &Array, axis: usize, shift: i64, call: &CallArgs) -> R<Array> {
    let n = a.shape[axis] as i64;
    if n == 0 {
        return Ok(a.clone());
    }
    let k = shift.rem_euclid(n) as usize;
    if k == 0 {
        return astype(a, a.dtype, call.span);
    }
    let n = n as usize;
    let tail = slab(a, axis, n - k, k);
    let head = slab(a, axis, 0, n - k);
    arrays::concatenate(&[tail, head], Some(axis as i64), call.span)
}

fn tile(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["A", "reps"])?;
    let a = array_arg(&s, 0, call)?;
    let reps = shape_of(interp, &opt(&s, 1), call.arg_span(1))?;
    let nd = a.ndim().max(reps.len());
    let mut cur = a;
    while cur.ndim() < nd {
        cur = arrays::expand_dims(&cur, 0);
    }
    let mut reps_full = vec![1usize; nd - reps.len()];
    reps_full.extend(reps);
    let out_shape: Vec<usize> = cur.shape.iter().zip(&reps_full).map(|(&d, &r)| d.saturating_mul(r)).collect();
    graph::check_alloc(&out_shape, cur.dtype, call.span)?;
    if out_shape.contains(&0) {
        // Empty result: build it directly rather than concatenating up to 2^63 empty copies.
        let empty = hpxl_runtime::NdArray::from_data(hpxl_runtime::Data::zeros(cur.dtype, 0), out_shape);
        let mut out = Array::from_node(graph::constant(empty, call.span));
        out.is_scalar = false;
        return Ok(Value::Array(out));
    }
    for (ax, &r) in reps_full.iter().enumerate() {
        if r != 1 {
            let copies = vec![cur.clone(); r];
            cur = if r == 0 { slab(&cur, ax, 0, 0) } else { arrays::concatenate(&copies, Some(ax as i64), call.span)? };
        }
    }
    let mut out = astype(&cur, cur.dtype, call.span)?;
    out.is_scalar = false;
    Ok(Value::Array(out))
}

/// `meshgrid(*xi, indexing="xy", sparse=False, copy=True)`: coordinate arrays, as NumPy
/// (with `"xy"` the first two output axes are swapped; `sparse=True` keeps size-1 axes).
fn meshgrid(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let mut indexing = "xy".to_string();
    let mut sparse = false;
    for (k, v, span) in &call.kw {
        match (k.as_str(), v) {
            ("indexing", Value::Str(t)) if &**t == "xy" || &**t == "ij" => indexing = t.to_string(),
            ("indexing", _) => return Err(err(Code::Value, *span, "Valid values for `indexing` are 'xy' and 'ij'.")),
            ("sparse", v) => sparse = matches!(v, Value::Bool(true)) || matches!(v, Value::Int(i) if *i != 0),
            ("copy", _) => {}
            _ => return Err(err(Code::Type, *span, format!("meshgrid() got an unexpected keyword argument '{k}'"))),
        }
    }
    let xs: Vec<Array> = call.pos.iter().map(|v| to_array(v, call.span)).collect::<R<_>>()?;
    let n = xs.len();
    let mut out_shape: Vec<usize> = xs.iter().map(|a| a.size()).collect();
    if indexing == "xy" && n > 1 {
        out_shape.swap(0, 1);
    }
    let mut outs = Vec::with_capacity(n);
    for (i, x) in xs.iter().enumerate() {
        let axis = if indexing == "xy" && n > 1 && i < 2 { 1 - i } else { i };
        let mut shape = vec![1usize; n];
        shape[axis] = x.size();
        let flat = arrays::reshape_to(x, vec![x.size()], call.span)?;
        let mut g = arrays::reshape_to(&flat, shape, call.span)?;
        if !sparse {
            g = arrays::broadcast_to(&g, &out_shape, call.span)?;
        }
        let mut c = astype(&g, g.dtype, call.span)?;
        c.is_scalar = false;
        outs.push(Value::Array(c));
    }
    Ok(Value::tuple(outs))
}

fn repeat(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "repeats", "axis="])?;
    let a = array_arg(&s, 0, call)?;
    let (src, axis) = match opt(&s, 2) {
        Value::None => (arrays::reshape_to(&a, vec![a.size()], call.span)?, 0usize),
        v => {
            let ax = interp.to_index(&v, call.span)?;
            (a.clone(), arrays::normalize_axis(ax, a.ndim(), call.span)?)
        }
    };
    let len = src.shape[axis];
    let reps: Vec<usize> = match opt(&s, 1) {
        Value::Int(r) if r >= 0 => vec![r as usize; len],
        Value::Int(_) => return Err(err(Code::Value, call.span, "repeats may not contain negative values.")),
        other => {
            let ra = to_array(&other, call.arg_span(1))?;
            if ra.dtype.is_float() {
                return Err(err(
                    Code::DType,
                    call.arg_span(1),
                    format!(
                        "Cannot cast array data from dtype('{}') to dtype('int64') according to the rule 'safe'",
                        ra.dtype.name()
                    ),
                ));
            }
            let v = ra.realize(call.span)?;
            let vals: Vec<i64> = (0..v.size()).map(|i| v.get_flat(i).as_i64()).collect();
            if vals.iter().any(|&x| x < 0) {
                return Err(err(Code::Value, call.span, "repeats may not contain negative values."));
            }
            if vals.len() == 1 {
                vec![vals[0] as usize; len]
            } else if vals.len() != len {
                return Err(err(
                    Code::Shape,
                    call.span,
                    format!("operands could not be broadcast together with shape ({len},) ({},)", vals.len()),
                ));
            } else {
                vals.into_iter().map(|x| x as usize).collect()
            }
        }
    };
    // Gather positions relative to the source's base.
    let spec = src.view_spec();
    let mut shape = spec.shape.clone();
    shape[axis] = reps.iter().fold(0usize, |acc, &r| acc.saturating_add(r));
    graph::check_alloc(&shape, src.dtype, call.span)?;
    let mut positions = Vec::with_capacity(shape.iter().product());
    let outer: usize = spec.shape[..axis].iter().product();
    let inner_shape = &spec.shape[axis + 1..];
    let inner: usize = inner_shape.iter().product();
    for o in 0..outer {
        let mut rem = o;
        let mut base = spec.offset as isize;
        for d in (0..axis).rev() {
            base += (rem % spec.shape[d]) as isize * spec.strides[d];
            rem /= spec.shape[d];
        }
        for (i, &r) in reps.iter().enumerate() {
            let row = base + i as isize * spec.strides[axis];
            for _ in 0..r {
                for j in 0..inner {
                    let mut rem = j;
                    let mut p = row;
                    for d in (0..inner_shape.len()).rev() {
                        p += (rem % inner_shape[d]) as isize * spec.strides[axis + 1 + d];
                        rem /= inner_shape[d];
                    }
                    positions.push(p as usize);
                }
            }
        }
    }
    let base = src.base.borrow().node.clone();
    let node = graph::node(Op::Gather { x: base, positions: Rc::new(positions) }, src.dtype, shape, call.span)?;
    let mut out = Array::from_node(node);
    out.is_scalar = false;
    Ok(Value::Array(out))
}

fn astype_method(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "dtype", "order=", "casting=", "subok=", "copy="])?;
    let a = array_arg(&s, 0, call)?;
    let d = dtype_of(&opt(&s, 1), call.arg_span(1))?.unwrap_or(hpxl_runtime::DType::Float64);
    let mut out = astype(&a, d, call.span)?;
    out.is_scalar = a.is_scalar;
    Ok(Value::Array(out))
}

fn fill(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a", "value"])?;
    let a = array_arg(&s, 0, call)?;
    arrays::assign(&a, graph::Region::View(a.view_spec()), &opt(&s, 1), call.span)?;
    Ok(Value::None)
}

fn item(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let a = to_array(&call.pos[0], call.span)?;
    let v = if call.pos.len() > 1 {
        let idx = if call.pos.len() == 2 { call.pos[1].clone() } else { Value::tuple(call.pos[1..].to_vec()) };
        let flat = arrays::reshape_to(&a, vec![a.size()], call.span)?;
        let target =
            if a.ndim() <= 1 || matches!(idx, Value::Int(_)) { Value::Array(flat) } else { Value::Array(a.clone()) };
        interp.get_item(&target, &idx, call.span)?
    } else {
        if a.size() != 1 {
            return Err(err(Code::Value, call.span, "can only convert an array of size 1 to a Python scalar"));
        }
        Value::Array(a)
    };
    crate::builtins::to_python(&v, call.span)
}

fn shape_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a"])?;
    let a = array_arg(&s, 0, call)?;
    Ok(Value::tuple(a.shape.iter().map(|&d| Value::Int(d as i64)).collect()))
}

fn ndim_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a"])?;
    Ok(Value::Int(array_arg(&s, 0, call)?.ndim() as i64))
}

fn size_fn(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&["a"])?;
    Ok(Value::Int(array_arg(&s, 0, call)?.size() as i64))
}
