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
//! Selections (min/max), logical reductions, counts and integer sums are exact and
//! associative: each rank reduces its rows and the partials are reduced again, in rank
//! order, by the interp's own routine. A full mean is the distributed sum divided by the
//! count. Everything else (products, variances, arg-reductions, reductions over some
//! axes including axis 0) takes the general path, which gathers the input.

use super::{comm, localise_rows, nrows, should_distribute, with_local, Range};
use crate::graph::{self, NodeRef, Op};
use crate::interp::{self, Num};
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
    if x.shape.is_empty() || axes.len() != x.shape.len() || x.shape.iter().product::<usize>() == 0 {
        return Ok(None);
    }
    if !(should_distribute(&x) || has_dist(&x)) {
        return Ok(None);
    }
    use ReduceOp::*;
    let exact = match op {
        Min | Max | NanMin | NanMax | Any | All | CountNonzero => true,
        Sum if !loop_dtype.is_float() => true,
        Sum => false,
        Mean => {
            return match loop_dtype {
                DType::Float64 => mean::<f64>(root, loop_dtype, &x).map(Some),
                DType::Float32 => mean::<f32>(root, loop_dtype, &x).map(Some),
                _ => Ok(None),
            }
        }
        _ => return Ok(None),
    };
    if exact {
        return exact_reduce(root, op, loop_dtype, &x).map(Some);
    }
    match loop_dtype {
        DType::Float64 => float_sum::<f64>(root, loop_dtype, &x).map(Some),
        DType::Float32 => float_sum::<f32>(root, loop_dtype, &x).map(Some),
        _ => Ok(None),
    }
}

/// A full mean: the distributed pairwise sum (the same bits as the single-process sum,
/// Note [Distributed reductions]) divided by the count, as `interp::reduce`'s moments
/// divide it.
fn mean<T: Num + Copy>(root: &NodeRef, loop_dtype: DType, x: &NodeRef) -> Result<NdArray, Diagnostic> {
    let total: usize = x.shape.iter().product();
    let acc: T = float_sum_value(loop_dtype, x)?;
    let v = interp::make(vec![interp::div_count(acc, total as i64)], vec![], root.dtype);
    Ok(reshaped(v, &root.shape))
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

/// This rank's rows `ranges[rank]` of `x`, realised locally (collective: `ranges` are
/// the rows every rank asks for).
fn local_rows(x: &NodeRef, ranges: &[Range]) -> Result<NdArray, Diagnostic> {
    let local = localise_rows(x, ranges)?;
    with_local(|| graph::realize(&local))
}

/// Each rank's block of `n` rows.
fn blocks(n: usize) -> Vec<Range> {
    let offs = comm::block_offsets(n, comm::nranks());
    (0..comm::nranks()).map(|q| (offs[q], offs[q + 1])).collect()
}

fn exact_reduce(root: &NodeRef, op: ReduceOp, loop_dtype: DType, x: &NodeRef) -> Result<NdArray, Diagnostic> {
    let ranges = blocks(nrows(x));
    let (lo, hi) = ranges[comm::rank()];
    let local = local_rows(x, &ranges)?;
    let all: Vec<usize> = (0..x.shape.len()).collect();
    // An empty block contributes nothing (min/max of nothing would be an error).
    let mine: Vec<u8> = if lo < hi {
        let part = interp::reduce(op, &local, &all, false, loop_dtype, root.dtype).map_err(|e| kernel_err(root, e))?;
        super::bytes_of(&part.to_contiguous()).to_vec()
    } else {
        Vec::new()
    };
    let parts: Vec<u8> = comm::all_gather(&mine).concat();
    let item = root.dtype.itemsize();
    let partials = super::array_from_bytes(root.dtype, vec![parts.len() / item], &parts);
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

fn float_sum<T: Num + Copy>(root: &NodeRef, loop_dtype: DType, x: &NodeRef) -> Result<NdArray, Diagnostic> {
    let acc: T = float_sum_value(loop_dtype, x)?;
    let v = interp::make(vec![acc], vec![], root.dtype);
    Ok(reshaped(v, &root.shape))
}

/// NumPy's pairwise sum of all of `x` in `loop_dtype`, computed across the ranks
/// (collective).
fn float_sum_value<T: Num + Copy>(loop_dtype: DType, x: &NodeRef) -> Result<T, Diagnostic> {
    let total: usize = x.shape.iter().product();
    let casting = x.dtype != loop_dtype;
    let chunk = if casting { total.min(NUMPY_BUFSIZE) } else { total };
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
    let lo = ranges[me].0;
    let local = local_rows(x, &ranges)?;
    let local = if casting { local.astype(loop_dtype) } else { local.to_contiguous() };
    let vals: Vec<T> = {
        let bytes = super::bytes_of(&local);
        // SAFETY: `local` is contiguous storage of `loop_dtype`, whose Rust type is `T`.
        let s = unsafe { std::slice::from_raw_parts(bytes.as_ptr() as *const T, bytes.len() / std::mem::size_of::<T>()) };
        let base = lo * rl;
        mine.iter().map(|&(s0, len)| T::sum_slice(&s[s0 - base..s0 - base + len])).collect()
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
