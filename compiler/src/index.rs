//! Subscript resolution: basic indices (integers, slices, `...`, `None`) become strided
//! views of the base; advanced indices (boolean masks, integer arrays) become explicit
//! flat positions, gathered (read) or scattered (write) as copies, as in NumPy.

use crate::arrays::{err, R};
use crate::graph::{Region, ViewSpec};
use crate::value::{Array, Value};
use hpxl_grammar::{Code, Span};
use hpxl_runtime::DType;
use std::rc::Rc;

/// One evaluated item of a subscript.
#[derive(Clone, Debug)]
pub enum IndexItem {
    Int(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    NewAxis,
    Ellipsis,
    /// An integer index array (already realised), with its shape.
    IntArray(Vec<i64>, Vec<usize>),
    /// A boolean mask (already realised), with its shape.
    Mask(Vec<bool>, Vec<usize>),
}

/// What a subscript selects.
pub enum Selection {
    /// A strided view relative to the base; `scalar` when every axis took an integer.
    View { view: ViewSpec, scalar: bool },
    /// Explicit positions in the base's flat layout (advanced indexing).
    Positions { positions: Rc<Vec<usize>>, shape: Vec<usize> },
}

impl Selection {
    pub fn region(self) -> Region {
        match self {
            Selection::View { view, .. } => Region::View(view),
            Selection::Positions { positions, shape } => Region::Positions { positions, shape },
        }
    }
}

/// Python's `slice.indices(len)` plus the resulting length.
pub fn slice_indices(
    lo: Option<i64>,
    hi: Option<i64>,
    step: Option<i64>,
    len: usize,
    span: Span,
) -> R<(i64, i64, usize)> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(err(Code::Value, span, "slice step cannot be zero"));
    }
    let n = len as i64;
    let (lower, upper) = if step < 0 { (-1, n - 1) } else { (0, n) };
    let clamp = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(v) if v < 0 => (v + n).max(lower),
            Some(v) => v.min(upper),
        }
    };
    let start = clamp(lo, if step < 0 { upper } else { lower });
    let stop = clamp(hi, if step < 0 { lower } else { upper });
    let count = if step > 0 {
        if stop > start {
            ((stop - start + step - 1) / step) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - step - 1) / (-step)) as usize
    } else {
        0
    };
    Ok((start, step, count))
}

fn check_int_index(i: i64, size: usize, axis: usize, span: Span) -> R<usize> {
    let n = size as i64;
    if i < -n || i >= n {
        return Err(err(Code::Index, span, format!("index {i} is out of bounds for axis {axis} with size {size}")));
    }
    Ok(if i < 0 { (i + n) as usize } else { i as usize })
}

/// Resolves `items` against an array whose view (relative to its base) is `spec`.
pub fn select(spec: &ViewSpec, items: &[IndexItem], span: Span) -> R<Selection> {
    let ndim = spec.shape.len();
    // Count the axes the items consume.
    let consumed: usize = items
        .iter()
        .map(|it| match it {
            IndexItem::Int(_) | IndexItem::Slice(..) | IndexItem::IntArray(..) => 1,
            IndexItem::Mask(_, shape) => shape.len(),
            IndexItem::NewAxis | IndexItem::Ellipsis => 0,
        })
        .sum();
    let n_ellipsis = items.iter().filter(|it| matches!(it, IndexItem::Ellipsis)).count();
    if n_ellipsis > 1 {
        return Err(err(Code::Index, span, "an index can only have a single ellipsis ('...')"));
    }
    if consumed > ndim {
        return Err(err(
            Code::Index,
            span,
            format!("too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"),
        ));
    }
    // Expand the ellipsis (or append it) so the items cover every axis.
    let mut expanded: Vec<IndexItem> = Vec::with_capacity(items.len() + ndim);
    let fill = ndim - consumed;
    let mut filled = false;
    for it in items {
        if let IndexItem::Ellipsis = it {
            for _ in 0..fill {
                expanded.push(IndexItem::Slice(None, None, None));
            }
            filled = true;
        } else {
            expanded.push(it.clone());
        }
    }
    if !filled {
        for _ in 0..fill {
            expanded.push(IndexItem::Slice(None, None, None));
        }
    }
    let advanced = expanded.iter().any(|it| matches!(it, IndexItem::IntArray(..) | IndexItem::Mask(..)));
    if !advanced {
        return basic(spec, &expanded, span);
    }
    advanced_select(spec, &expanded, span)
}

fn basic(spec: &ViewSpec, items: &[IndexItem], span: Span) -> R<Selection> {
    let mut offset = spec.offset as isize;
    let mut shape = Vec::new();
    let mut strides = Vec::new();
    let mut axis = 0;
    let mut all_int = true;
    for it in items {
        match it {
            IndexItem::Int(i) => {
                let ix = check_int_index(*i, spec.shape[axis], axis, span)?;
                offset += ix as isize * spec.strides[axis];
                axis += 1;
            }
            IndexItem::Slice(lo, hi, st) => {
                let (start, step, count) = slice_indices(*lo, *hi, *st, spec.shape[axis], span)?;
                if count > 0 {
                    offset += start as isize * spec.strides[axis];
                }
                shape.push(count);
                strides.push(spec.strides[axis] * step as isize);
                axis += 1;
                all_int = false;
            }
            IndexItem::NewAxis => {
                shape.push(1);
                strides.push(0);
                all_int = false;
            }
            IndexItem::Ellipsis | IndexItem::IntArray(..) | IndexItem::Mask(..) => {
                return Err(err(Code::Internal, span, "basic indexing saw an advanced index"));
            }
        }
    }
    Ok(Selection::View { view: ViewSpec { offset: offset.max(0) as usize, shape, strides }, scalar: all_int })
}

/// One axis-level piece of an advanced index, after masks became integer arrays.
enum Piece {
    /// A basic output dimension: (length, stride, start offset contribution already applied).
    Basic { len: usize, stride: isize },
    /// An advanced index into a source axis: normalised indices (broadcast later), stride.
    Adv { values: Vec<usize>, shape: Vec<usize>, stride: isize },
}

fn advanced_select(spec: &ViewSpec, items: &[IndexItem], span: Span) -> R<Selection> {
    let mut offset = spec.offset as isize;
    let mut pieces: Vec<Piece> = Vec::new();
    let mut axis = 0;
    for it in items {
        match it {
            IndexItem::Int(i) => {
                let ix = check_int_index(*i, spec.shape[axis], axis, span)?;
                pieces.push(Piece::Adv { values: vec![ix], shape: vec![], stride: spec.strides[axis] });
                axis += 1;
            }
            IndexItem::Slice(lo, hi, st) => {
                let (start, step, count) = slice_indices(*lo, *hi, *st, spec.shape[axis], span)?;
                if count > 0 {
                    offset += start as isize * spec.strides[axis];
                }
                pieces.push(Piece::Basic { len: count, stride: spec.strides[axis] * step as isize });
                axis += 1;
            }
            IndexItem::NewAxis => pieces.push(Piece::Basic { len: 1, stride: 0 }),
            IndexItem::IntArray(vals, shape) => {
                let size = spec.shape[axis];
                let mut norm = Vec::with_capacity(vals.len());
                for &v in vals {
                    norm.push(check_int_index(v, size, axis, span)?);
                }
                pieces.push(Piece::Adv { values: norm, shape: shape.clone(), stride: spec.strides[axis] });
                axis += 1;
            }
            IndexItem::Mask(mask, mshape) => {
                // A k-dimensional mask consumes k axes and becomes k integer arrays (nonzero).
                let k = mshape.len();
                for (j, &d) in mshape.iter().enumerate() {
                    if spec.shape[axis + j] != d {
                        return Err(err(
                            Code::Index,
                            span,
                            format!(
                                "boolean index did not match indexed array along axis {}; size of axis is {} but size of corresponding boolean axis is {}",
                                axis + j,
                                spec.shape[axis + j],
                                d
                            ),
                        ));
                    }
                }
                let count = mask.iter().filter(|&&b| b).count();
                let mut coords: Vec<Vec<usize>> = vec![Vec::with_capacity(count); k];
                let mut idx = vec![0usize; k];
                for &b in mask {
                    if b {
                        for j in 0..k {
                            coords[j].push(idx[j]);
                        }
                    }
                    let mut d = k;
                    while d > 0 {
                        d -= 1;
                        idx[d] += 1;
                        if idx[d] < mshape[d] {
                            break;
                        }
                        idx[d] = 0;
                    }
                }
                if k == 0 {
                    // A 0-d mask (`a[True]`) adds an axis of length 1 or 0.
                    pieces.push(Piece::Adv { values: vec![0; count], shape: vec![count], stride: 0 });
                }
                for (j, c) in coords.into_iter().enumerate() {
                    pieces.push(Piece::Adv { values: c, shape: vec![count], stride: spec.strides[axis + j] });
                }
                axis += k;
            }
            IndexItem::Ellipsis => return Err(err(Code::Internal, span, "unexpanded ellipsis")),
        }
    }
    // Broadcast the advanced index shapes.
    let mut bshape: Vec<usize> = Vec::new();
    for p in &pieces {
        if let Piece::Adv { shape, .. } = p {
            bshape = crate::types::broadcast_shapes(&bshape, shape)
                .map_err(|_| err(Code::Index, span, "shape mismatch: indexing arrays could not be broadcast together"))?
                .to_vec();
        }
    }
    // Where does the broadcast block go? In place if the advanced pieces are adjacent.
    let adv_positions: Vec<usize> =
        pieces.iter().enumerate().filter(|(_, p)| matches!(p, Piece::Adv { .. })).map(|(i, _)| i).collect();
    let adjacent = adv_positions.windows(2).all(|w| w[1] == w[0] + 1);
    let insert_at = if adjacent { pieces[..adv_positions[0]].len() } else { 0 };
    let basics: Vec<(usize, isize)> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Basic { len, stride } => Some((*len, *stride)),
            Piece::Adv { .. } => None,
        })
        .collect();
    let before = &basics[..insert_at.min(basics.len())];
    let after = &basics[insert_at.min(basics.len())..];
    let mut out_shape: Vec<usize> = before.iter().map(|b| b.0).collect();
    out_shape.extend(bshape.iter().copied());
    out_shape.extend(after.iter().map(|b| b.0));
    let total: usize = out_shape.iter().product();
    crate::graph::check_alloc(&out_shape, DType::Int64, span)?;
    // Flat contribution of every broadcast position for the advanced pieces.
    let bsize: usize = bshape.iter().product();
    let mut adv_offsets = vec![0isize; bsize];
    for p in &pieces {
        if let Piece::Adv { values, shape, stride } = p {
            let src_strides = broadcast_strides(shape, &bshape);
            for (b, off) in adv_offsets.iter_mut().enumerate() {
                let mut rem = b;
                let mut src = 0usize;
                for d in (0..bshape.len()).rev() {
                    let ix = rem % bshape[d];
                    rem /= bshape[d];
                    src += ix * src_strides[d];
                }
                *off += values[src] as isize * stride;
            }
        }
    }
    let before_shape: Vec<usize> = before.iter().map(|b| b.0).collect();
    let after_shape: Vec<usize> = after.iter().map(|b| b.0).collect();
    let before_off = dim_offsets(before);
    let after_off = dim_offsets(after);
    let mut positions = Vec::with_capacity(total);
    if total > 0 {
        for bo in &before_off {
            for ao_adv in &adv_offsets {
                for ao in &after_off {
                    positions.push((offset + bo + ao_adv + ao) as usize);
                }
            }
        }
    }
    let _ = (before_shape, after_shape);
    Ok(Selection::Positions { positions: Rc::new(positions), shape: out_shape })
}

/// All flat offsets of a block of basic dimensions, in row-major order.
fn dim_offsets(dims: &[(usize, isize)]) -> Vec<isize> {
    let mut out = vec![0isize];
    for &(len, stride) in dims {
        let mut next = Vec::with_capacity(out.len() * len);
        for &o in &out {
            for i in 0..len {
                next.push(o + i as isize * stride);
            }
        }
        out = next;
    }
    out
}

/// Strides (in elements of a row-major `shape` array) for reading it broadcast to `target`.
fn broadcast_strides(shape: &[usize], target: &[usize]) -> Vec<usize> {
    let own = hpxl_runtime::contiguous_strides(shape);
    let off = target.len() - shape.len();
    (0..target.len()).map(|d| if d < off || shape[d - off] == 1 { 0 } else { own[d - off] as usize }).collect()
}

/// Converts an evaluated subscript value into index items; arrays are realised.
pub fn to_items(index: &Value, span: Span) -> R<Vec<IndexItem>> {
    match index {
        Value::Tuple(items) => items.iter().map(|v| to_item(v, span)).collect(),
        other => Ok(vec![to_item(other, span)?]),
    }
}

fn to_item(v: &Value, span: Span) -> R<IndexItem> {
    match v {
        Value::Int(i) => Ok(IndexItem::Int(*i)),
        Value::Bool(b) => Ok(IndexItem::Mask(vec![*b], vec![])),
        Value::None => Ok(IndexItem::NewAxis),
        Value::Ellipsis => Ok(IndexItem::Ellipsis),
        Value::Slice(a, b, c) => Ok(IndexItem::Slice(*a, *b, *c)),
        Value::Array(a) => array_item(a, span),
        Value::Range(..) => array_item(&crate::arrays::to_array(v, span)?, span),
        Value::Tuple(_) => {
            // A nested sequence inside an index is an integer (or bool) array.
            let a = crate::arrays::to_array(v, span)?;
            array_item(&a, span)
        }
        Value::Float(_) => Err(err(
            Code::Index,
            span,
            "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices",
        )),
        other => Err(err(Code::Index, span, format!("an index cannot be of type {}", other.type_name()))),
    }
}

fn array_item(a: &Array, span: Span) -> R<IndexItem> {
    let v = a.realize(span)?;
    if a.dtype == DType::Bool {
        let vals = (0..v.size()).map(|i| v.get_flat(i).as_bool()).collect();
        return Ok(IndexItem::Mask(vals, a.shape.to_vec()));
    }
    if !a.dtype.is_integer() {
        return Err(err(Code::Index, span, "arrays used as indices must be of integer (or boolean) type"));
    }
    if a.is_scalar && a.ndim() == 0 {
        return Ok(IndexItem::Int(v.get_flat(0).as_i64()));
    }
    let vals = (0..v.size()).map(|i| v.get_flat(i).as_i64()).collect();
    Ok(IndexItem::IntArray(vals, a.shape.to_vec()))
}
