//! Reductions over a distributed (or large) input: a local partial per rank, combined
//! so that the result is bitwise the single-process one for any rank count.
//!
//! Note [Distributed reductions]: a full float sum is NumPy's pairwise tree over the
//! flattened input (Note [Summation order] in `interp::reduce`): chunks of the reduced
//! extent (at most 8192 when casting), each summed by `pairwise_sum`, whose split points
//! depend only on the length. Each rank owns the elements of its block of rows. Walking
//! the tree from the top, a subtree lying inside one rank's elements is *canonical*: that
//! rank computes it with the same `pairwise_sum` (a subtree of NumPy's recursion is the
//! recursion on the sub-slice). A leaf (at most 128 elements, summed in one piece)
//! straddling two ranks is canonical too and goes to the rank owning its first element,
//! which fetches the few elements beyond its block with its rows (a halo of at most one
//! leaf). Canonical subtrees are ordered left to right and so are ranks, so an allgather
//! of each rank's subtree sums, concatenated in rank order, lists them in tree order;
//! every rank then folds the same tree over those values — the single-process
//! additions, in the single-process order.
//!
//! Each rank's part comes from one pass over its rows with the summed expression fused
//! in (`fuse::pairwise_segments`: the canonical subtrees are filled by the kernel of the
//! expression, as a single-process sum fills its chunks), so no rank writes its rows of
//! the expression to memory. Means divide the distributed sum by the count; variances
//! and standard deviations are NumPy's two passes, the second a distributed pairwise sum
//! of the squared deviations from that mean; nan-sums zero NaN before summing.
//!
//! Selections (min/max), logical reductions, counts and integer sums are exact and
//! associative: each rank reduces its rows (the same reduction over its local graph, so
//! fused) and the partials are reduced again, in rank order, by the interp's own
//! routine. Arg-reductions: each rank's extreme (NaN when its rows hold one, for
//! argmin/argmax) and the global index of its first occurrence; the same arg-reduction
//! over the extremes in rank order picks the rank, which is NumPy's first occurrence.
//! Exact reductions over some axes including axis 0 (`a.max(axis=0)`) combine partial
//! rows the same way. Everything else (products, nan-means and nan-variances, float
//! sums over axis 0, which NumPy adds row after row) takes the general path, which
//! gathers the input.

use super::{comm, localise_rows, nrows, row_len, should_distribute, with_local, Range};
use crate::graph::{self, NodeRef, Op};
use crate::fuse::Prep;
use crate::interp::{self, Float, Num};
use crate::ops::ReduceOp;
use hpxl_grammar::Diagnostic;
use hpxl_runtime::{DType, NdArray};

/// `pairwise_sum` does not split runs of at most this many elements.
const PAIRWISE_LEAF: usize = 128;
/// NumPy's buffer size (`interp::reduce`'s `NUMPY_BUFSIZE`).
const NUMPY_BUFSIZE: usize = 8192;

/// The distributed value of a full reduction `root`, or None when the general path
/// should realise it.
pub(super) fn try_reduce(root: &NodeRef) -> Result<Option<NdArray>, Diagnostic> {
    let Some((op, loop_dtype, x, axes)) = root.with_op(|o| match o {
        Op::Reduce { op, loop_dtype, x, axes, .. } => Some((*op, *loop_dtype, x.clone(), axes.clone())),
        _ => None,
    }) else {
        return Ok(None);
    };
    if x.shape.is_empty() || x.shape.iter().product::<usize>() == 0 {
        return Ok(None);
    }
    // Reductions over other axes keep rows: the planner computes them row-wise.
    let full = axes.len() == x.shape.len();
    if !full && !axes.contains(&0) {
        return Ok(None);
    }
    if !(should_distribute(&x) || has_dist(&x)) {
        return Ok(None);
    }
    use ReduceOp::*;
    let float = |f64_case: fn(&NodeRef, ReduceOp, DType, &NodeRef) -> Result<NdArray, Diagnostic>,
                 f32_case: fn(&NodeRef, ReduceOp, DType, &NodeRef) -> Result<NdArray, Diagnostic>| {
        match loop_dtype {
            DType::Float64 => f64_case(root, op, loop_dtype, &x).map(Some),
            DType::Float32 => f32_case(root, op, loop_dtype, &x).map(Some),
            _ => Ok(None),
        }
    };
    match op {
        Min | Max | NanMin | NanMax | Any | All | CountNonzero => exact_reduce(root, op, loop_dtype, &x, &axes).map(Some),
        Sum if !loop_dtype.is_float() => exact_reduce(root, op, loop_dtype, &x, &axes).map(Some),
        // Over axis 0 and not all axes: float sums would need the ranks' partial rows in
        // sequence (NumPy adds rows one after the other), so they gather.
        _ if !full => Ok(None),
        // NumPy's nan-functions are the plain ones for inputs that cannot hold NaN.
        Sum | Mean | Var { .. } | Std { .. } => float(moments::<f64>, moments::<f32>),
        NanSum if x.dtype.is_float() => float(moments::<f64>, moments::<f32>),
        ArgMin | ArgMax | NanArgMin | NanArgMax => arg_reduce(root, op, loop_dtype, &x).map(Some),
        _ => Ok(None),
    }
}

/// Full sums, means, variances and standard deviations in float `T`: NumPy's two-pass
/// moments (`interp::reduce`) over distributed pairwise sums (the single-process bits,
/// Note [Distributed reductions]): the sum in the input's chunks, divided by the count,
/// then the pairwise sum of the squared deviations from that mean.
fn moments<T: Float + Copy>(root: &NodeRef, op: ReduceOp, loop_dtype: DType, x: &NodeRef) -> Result<NdArray, Diagnostic> {
    use ReduceOp::*;
    let total: usize = x.shape.iter().product();
    let chunk = if x.dtype != loop_dtype { total.min(NUMPY_BUFSIZE) } else { total };
    let clean = |b: &mut [T]| {
        for e in b.iter_mut() {
            if T::is_nan(*e) {
                *e = T::ZERO;
            }
        }
    };
    let prep: Prep<T> = if op == NanSum { Some(&clean) } else { None };
    let sum: T = float_sum_value(loop_dtype, x, chunk, prep)?;
    let value = match op {
        Sum | NanSum => sum,
        Mean => interp::div_count(sum, total as i64),
        Var { ddof } | Std { ddof } => {
            let mean = interp::div_count(sum, total as i64);
            let sq = move |b: &mut [T]| {
                for e in b.iter_mut() {
                    let d = T::sub(*e, mean);
                    *e = T::mul(d, d);
                }
            };
            // The squared deviations are in the loop dtype already: one chunk.
            let ss: T = float_sum_value(loop_dtype, x, total, Some(&sq))?;
            let var = interp::div_count(ss, (total as i64 - ddof as i64).max(0));
            if matches!(op, Std { .. }) {
                T::sqrt(var)
            } else {
                var
            }
        }
        _ => return Err(internal(&format!("distributed moments of {}", op.name()))),
    };
    let v = interp::make(vec![value], vec![], root.dtype);
    Ok(reshaped(v, &root.shape))
}

/// Arg-reductions over all axes: each rank finds, with fused kernels over its rows, its
/// extreme (NaN when a NaN occurs for argmin/argmax, when only NaN occurs for the
/// nan-variants) and that extreme's first index; the same arg-reduction over the ranks'
/// extremes, in rank order, picks the rank, and so NumPy's answer: the first NaN, else
/// the first occurrence of the extreme (ties go to the lower rank, which holds the lower
/// indices); the nan-variants skip NaN and raise on an all-NaN input.
fn arg_reduce(root: &NodeRef, op: ReduceOp, loop_dtype: DType, x: &NodeRef) -> Result<NdArray, Diagnostic> {
    use ReduceOp::*;
    let ranges = blocks(nrows(x));
    let (lo, hi) = ranges[comm::rank()];
    let local = localise_rows(x, &ranges)?;
    let all: Vec<usize> = (0..x.shape.len()).collect();
    let item = loop_dtype.itemsize();
    let reduce = |op: ReduceOp, dtype: DType| -> Result<NdArray, Diagnostic> {
        let node = Op::Reduce { op, loop_dtype, x: local.clone(), axes: all.clone(), keepdims: false };
        let v = with_local(|| graph::realize(&graph::raw_node(node, dtype, vec![], root.span)))?;
        Ok(v.to_contiguous())
    };
    // This rank's candidate: its extreme's bytes, then its global flat index.
    let mut mine: Vec<u8> = Vec::new();
    if lo < hi {
        let extreme_op = match op {
            ArgMin => Min,
            ArgMax => Max,
            NanArgMin => NanMin,
            _ => NanMax,
        };
        let extreme = reduce(extreme_op, loop_dtype)?;
        let bytes = super::bytes_of(&extreme).to_vec();
        // A nan-variant's rows that hold only NaN have no index (and would raise).
        let all_nan = matches!(op, NanArgMin | NanArgMax) && extreme.first().as_f64().is_nan();
        let index = if all_nan {
            0
        } else {
            let at = reduce(op, root.dtype)?;
            at.first().as_i64() + (lo * row_len(&x.shape)) as i64
        };
        mine.extend_from_slice(&bytes);
        mine.extend_from_slice(&index.to_le_bytes());
    }
    let parts = comm::all_gather(&mine);
    let (mut values, mut indices) = (Vec::new(), Vec::new());
    for p in parts.iter().filter(|p| p.len() == item + 8) {
        values.extend_from_slice(&p[..item]);
        indices.push(i64::from_le_bytes(p[item..].try_into().expect("8 bytes")));
    }
    let candidates = super::array_from_bytes(loop_dtype, vec![indices.len()], &values);
    let k = interp::reduce(op, &candidates, &[0], false, loop_dtype, root.dtype).map_err(|e| kernel_err(root, e))?;
    let k = k.first().as_i64() as usize;
    let v = interp::make(vec![indices.get(k).copied().unwrap_or(0)], vec![], root.dtype);
    Ok(reshaped(v, &root.shape))
}

fn internal(msg: &str) -> Diagnostic {
    Diagnostic::new(hpxl_grammar::Code::Internal, format!("in pass `dist`: {msg}"))
}

/// Whether the pending graph under `n` reads a distributed leaf.
pub(super) fn has_dist(n: &NodeRef) -> bool {
    let mut stack = vec![n.clone()];
    let mut seen = std::collections::HashSet::new();
    while let Some(m) = stack.pop() {
        if !seen.insert(std::rc::Rc::as_ptr(&m)) {
            continue;
        }
        if super::dist_of(&m).is_some() {
            return true;
        }
        if !m.is_realised() {
            stack.extend(m.inputs());
        }
    }
    false
}

fn kernel_err(root: &NodeRef, e: interp::KernelError) -> Diagnostic {
    Diagnostic::new(e.code, e.message).with_label(root.span, "")
}

/// Each rank's block of `n` rows.
fn blocks(n: usize) -> Vec<Range> {
    let offs = comm::block_offsets(n, comm::nranks());
    (0..comm::nranks()).map(|q| (offs[q], offs[q + 1])).collect()
}

/// An exact reduction over `axes` (all axes, or some including axis 0): each rank's
/// partial over its rows, of the result's shape, and the partials reduced again over
/// the ranks, in rank order.
fn exact_reduce(root: &NodeRef, op: ReduceOp, loop_dtype: DType, x: &NodeRef, axes: &[usize]) -> Result<NdArray, Diagnostic> {
    let ranges = blocks(nrows(x));
    let (lo, hi) = ranges[comm::rank()];
    let local = localise_rows(x, &ranges)?;
    let kept: Vec<usize> = (0..x.shape.len()).filter(|d| !axes.contains(d)).map(|d| x.shape[d]).collect();
    // An empty block contributes nothing (min/max of nothing would be an error). The
    // partial is the same reduction over the local graph, so the ordinary machinery
    // fuses the rank's rows of `x` into it (one pass, no buffer for `x`).
    let mine: Vec<u8> = if lo < hi {
        let op = Op::Reduce { op, loop_dtype, x: local, axes: axes.to_vec(), keepdims: false };
        let part = with_local(|| graph::realize(&graph::raw_node(op, root.dtype, kept.clone(), root.span)))?;
        super::bytes_of(&part.to_contiguous()).to_vec()
    } else {
        Vec::new()
    };
    let parts: Vec<u8> = comm::all_gather(&mine).concat();
    let size = root.dtype.itemsize() * kept.iter().product::<usize>();
    let mut stacked = vec![parts.len() / size.max(1)];
    stacked.extend_from_slice(&kept);
    let partials = super::array_from_bytes(root.dtype, stacked, &parts);
    let (combine, dtype) = match op {
        ReduceOp::CountNonzero => (ReduceOp::Sum, root.dtype),
        ReduceOp::NanMin => (ReduceOp::NanMin, root.dtype),
        ReduceOp::NanMax => (ReduceOp::NanMax, root.dtype),
        other => (other, if matches!(other, ReduceOp::Any | ReduceOp::All) { DType::Bool } else { root.dtype }),
    };
    let v = interp::reduce(combine, &partials, &[0], false, dtype, root.dtype).map_err(|e| kernel_err(root, e))?;
    Ok(reshaped(v, &root.shape))
}

fn reshaped(v: NdArray, shape: &[usize]) -> NdArray {
    let v = v.to_contiguous();
    NdArray::from_data(v.to_data(), shape.to_vec())
}

/// The chunks and the canonical subtrees of a full pairwise sum over `total` elements
/// when rank `q` owns elements `[bounds[q], bounds[q + 1])` (Note [Distributed reductions]).
struct Tree<'a> {
    bounds: &'a [usize],
}

impl Tree<'_> {
    fn owner(&self, s: usize) -> usize {
        self.bounds.partition_point(|&b| b <= s).saturating_sub(1).min(self.bounds.len() - 2)
    }

    fn canonical(&self, s: usize, len: usize) -> bool {
        let q = self.owner(s);
        len <= PAIRWISE_LEAF || s + len <= self.bounds[q + 1]
    }

    fn split(len: usize) -> usize {
        let mut half = len / 2;
        half -= half % 8;
        half
    }

    /// Canonical subtrees under `(s, len)`, left to right, with their owners.
    fn walk(&self, s: usize, len: usize, out: &mut Vec<(usize, usize, usize)>) {
        if self.canonical(s, len) {
            out.push((s, len, self.owner(s)));
            return;
        }
        let half = Self::split(len);
        self.walk(s, half, out);
        self.walk(s + half, len - half, out);
    }

    fn fold<T: Num>(&self, s: usize, len: usize, vals: &mut impl Iterator<Item = T>) -> T {
        if self.canonical(s, len) {
            return vals.next().unwrap_or(T::ZERO);
        }
        let half = Self::split(len);
        let a = self.fold(s, half, vals);
        let b = self.fold(s + half, len - half, vals);
        T::add(a, b)
    }
}

/// NumPy's pairwise sum of all of `x` in `loop_dtype`, in chunks of `chunk` elements,
/// each value transformed by `prep` first, computed across the ranks (collective).
fn float_sum_value<T: Num + Copy>(loop_dtype: DType, x: &NodeRef, chunk: usize, prep: Prep<T>) -> Result<T, Diagnostic> {
    let total: usize = x.shape.iter().product();
    let casting = x.dtype != loop_dtype;
    let rl = total / nrows(x);
    let p = comm::nranks();
    let offs = comm::block_offsets(nrows(x), p);
    let bounds: Vec<usize> = offs.iter().map(|&r| r * rl).collect();
    let tree = Tree { bounds: &bounds };
    let me = comm::rank();
    let mut mine: Vec<(usize, usize)> = Vec::new();
    // The elements each rank's subtrees span (its block, plus at most one leaf beyond).
    let mut spans: Vec<Option<Range>> = vec![None; p];
    let mut nodes = Vec::new();
    let mut c = 0;
    while c < total {
        let len = chunk.min(total - c);
        nodes.clear();
        tree.walk(c, len, &mut nodes);
        for &(s0, l, q) in &nodes {
            spans[q] = Some(match spans[q] {
                None => (s0, s0 + l),
                Some((a, b)) => (a.min(s0), b.max(s0 + l)),
            });
        }
        mine.extend(nodes.iter().filter(|n| n.2 == me).map(|n| (n.0, n.1)));
        c += len;
    }
    let ranges: Vec<Range> = (0..p)
        .map(|q| match spans[q] {
            Some((a, b)) => (a / rl, b.div_ceil(rl)),
            None => (offs[q], offs[q]),
        })
        .collect();
    let base = ranges[me].0 * rl;
    let segs: Vec<(usize, usize)> = mine.iter().map(|&(s0, len)| (s0 - base, len)).collect();
    // Collective (the fetch of the straddling leaves), so every rank localises.
    let local = localise_rows(x, &ranges)?;
    let fused = if segs.is_empty() {
        Some(Vec::new())
    } else if total < crate::fuse::small_threshold() {
        // One process sums this on the interp backend (below the small-array
        // threshold): so do the ranks, whose transcendentals then agree with it.
        None
    } else {
        with_local(|| crate::fuse::pairwise_segments::<T>(&local, loop_dtype, &segs, prep))?
    };
    let vals: Vec<T> = match fused {
        Some(v) => v,
        None => {
            // The interp backend (or a declined kernel): the rows realised, then summed.
            let local = with_local(|| graph::realize(&local))?;
            let local = if casting { local.astype(loop_dtype) } else { local.to_contiguous() };
            let bytes = super::bytes_of(&local);
            // SAFETY: `local` is contiguous storage of `loop_dtype`, whose Rust type is `T`.
            let s = unsafe { std::slice::from_raw_parts(bytes.as_ptr() as *const T, bytes.len() / std::mem::size_of::<T>()) };
            let mut buf: Vec<T> = Vec::new();
            segs.iter()
                .map(|&(s0, len)| match prep {
                    None => T::sum_slice(&s[s0..s0 + len]),
                    Some(p) => {
                        buf.clear();
                        buf.extend_from_slice(&s[s0..s0 + len]);
                        p(&mut buf);
                        T::sum_slice(&buf)
                    }
                })
                .collect()
        }
    };
    // SAFETY: plain numbers reinterpreted as bytes and back (same type on every rank).
    let my_bytes = unsafe { std::slice::from_raw_parts(vals.as_ptr() as *const u8, vals.len() * std::mem::size_of::<T>()) };
    let all = comm::all_gather(my_bytes).concat();
    let all_vals: Vec<T> = all
        .chunks_exact(std::mem::size_of::<T>())
        .map(|b| unsafe { std::ptr::read_unaligned(b.as_ptr() as *const T) })
        .collect();
    let mut it = all_vals.into_iter();
    let mut acc = T::ZERO;
    let mut c = 0;
    while c < total {
        let len = chunk.min(total - c);
        acc = T::add(acc, tree.fold(c, len, &mut it));
        c += len;
    }
    Ok(acc)
}
