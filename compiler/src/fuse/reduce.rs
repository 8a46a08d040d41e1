//! Reduction kernels.
//!
//! Note [Reductions consume chunks]: a reduction's input (with everything fused into it)
//! is compiled as a map kernel over the input permuted to (kept axes, reduced axes), so
//! output element `i` reduces the flat range `[i·k, (i+1)·k)`. The driver asks the
//! kernel for chunks of at most `FILL` values into a stack buffer and folds them with
//! the interp backend's own routines in the interp backend's order:
//! - sums follow Note [Summation order] (`interp::reduce`): chunks of the trailing
//!   reduced extent, each summed with NumPy's pairwise recursion. The recursion is split
//!   exactly where `pairwise_sum` splits, and subtrees of at most `FILL` elements are
//!   filled and summed by `pairwise_sum` itself, so the result is the interp's bit for
//!   bit — and since the tree depends only on the length, independent of threads;
//! - min/max-like folds select an element, so folding fixed blocks and then the block
//!   results left to right selects the same element as one sequential fold;
//! - products and arg-reductions fold sequentially within a row.
//!
//! Rows are spread over threads in fixed blocks of rows; long rows split their pairwise
//! tree (sums) or fixed blocks (selections, counts) across threads.

use super::build::{finish, Builder, Map};
use super::run::kernel_for_launch;
use crate::graph::{self, NodeRef, Op};
use crate::interp::{self, div_count, make, Float, Num, ReduceRows as Rows, Ty};
use crate::jit::Compiled;
use crate::ops::ReduceOp;
use hpxl_grammar::{Code, Diagnostic};
use hpxl_runtime::{exec, telemetry, DType, NdArray};

/// Elements per kernel call (and per pairwise leaf; must exceed NumPy's 128).
const FILL: usize = 2048;
/// Pairwise leaves summed in place from a direct input (a subtree of NumPy's recursion).
const LEAF_DIRECT: usize = 1 << 15;

/// An in-place transformation of filled values before they are summed.
pub(crate) type Prep<'p, T> = Option<&'p (dyn Fn(&mut [T]) + Sync)>;
/// Subtrees at least this long are summed in parallel halves.
const PAR_SUM: usize = 1 << 17;
/// Block length for parallel selections and counts within one row.
const SEL_BLOCK: usize = 1 << 16;

/// The fused input of a reduction: fills a buffer with the values at flat positions
/// `start..start + buf.len()` of the (kept, reduced) index space, in the loop dtype.
/// When the input is a plain contiguous buffer of the loop dtype (`sum(a)`), `direct`
/// points at it and read-only folds use it in place.
struct Source<'a> {
    compiled: &'a Compiled,
    args: &'a [i64],
    out_word: usize,
    /// (address of flat position 0, item size) of a contiguous input read as is.
    direct: Option<(usize, usize)>,
}

impl Source<'_> {
    /// Writes the values at `start..start + n` into `scratch` (`n <= FILL`) and returns
    /// them.
    fn fill<'s, T: Ty>(&self, start: usize, n: usize, scratch: &'s mut Scratch<T>) -> &'s mut [T] {
        assert!(n <= FILL);
        let buf = scratch.0.as_mut_ptr() as *mut T;
        if let Some(s) = self.slice::<T>(start, n) {
            // SAFETY: `buf` has room for FILL >= n values and does not overlap an input.
            unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), buf, n) };
        } else {
            self.run_fill(start, n, buf);
        }
        // SAFETY: the first `n` values were written just above.
        unsafe { std::slice::from_raw_parts_mut(buf, n) }
    }

    /// Runs the kernel for positions `start..start + n`, writing them to `buf`.
    fn run_fill<T: Ty>(&self, start: usize, n: usize, buf: *mut T) {
        let mut words = [0i64; 64];
        let mut heap;
        let a: &mut [i64] = if self.args.len() <= words.len() {
            words[..self.args.len()].copy_from_slice(self.args);
            &mut words[..self.args.len()]
        } else {
            heap = self.args.to_vec();
            &mut heap
        };
        a[self.out_word] = buf as i64;
        a[self.out_word + 1] = -(start as i64);
        // SAFETY: the output access maps flat position p to buf[p - start], and the
        // call covers exactly n positions, for which `buf` has room; inputs are kept
        // alive by the plan.
        unsafe { (self.compiled.entry)(a.as_ptr(), start as i64, (start + n) as i64) }
    }

    /// The input's elements at `start..start + len` in place, when the input is direct.
    fn slice<T: Ty>(&self, start: usize, len: usize) -> Option<&[T]> {
        let (base, item) = self.direct?;
        debug_assert_eq!(item, std::mem::size_of::<T>());
        // SAFETY: `direct` is set only for a contiguous input buffer of the loop dtype
        // covering every flat position, kept alive by the plan for the whole reduction.
        Some(unsafe { std::slice::from_raw_parts((base + start * item) as *const T, len) })
    }
}

pub(super) fn run(n: &NodeRef) -> Result<NdArray, Diagnostic> {
    let (op, loop_dtype, x, axes, keepdims) = n
        .with_op(|o| match o {
            Op::Reduce { op, loop_dtype, x, axes, keepdims } => {
                Some((*op, *loop_dtype, x.clone(), axes.clone(), *keepdims))
            }
            _ => None,
        })
        .ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `fuse`: reduction plan on a non-reduction"))?;
    let nd = x.shape.len();
    let interp::ReduceGeometry { perm, out_shape, rows } =
        interp::reduce_geometry(&x.shape, &axes, keepdims, x.dtype != loop_dtype);
    let space: Vec<usize> = perm.iter().map(|&d| x.shape[d]).collect();
    let mut inv = vec![0usize; nd];
    for (j, &d) in perm.iter().enumerate() {
        inv[d] = j;
    }

    use ReduceOp::*;
    let value_dtype = if matches!(op, Any | All | CountNonzero) { DType::Bool } else { loop_dtype };
    let mut b = Builder::new(space.clone());
    let v = b.emit(&x, &Map::permutation(&inv, nd))?;
    let v = b.cast(v, value_dtype);
    let strides: Vec<i64> = hpxl_runtime::contiguous_strides(&space).iter().map(|&s| s as i64).collect();
    let (plan, _) = finish(b, vec![(v, value_dtype, 0, strides)], &[]);
    super::check(&plan.kernel)?;
    #[cfg(feature = "_ptx")]
    {
        let r = super::gpu::Reduction {
            plan: &plan,
            op,
            value_dtype,
            out_dtype: n.dtype,
            out_shape: &out_shape,
            rows,
            nan_input: x.dtype.is_float(),
        };
        if let Some(out) = super::gpu::try_reduce(&r, n.span)? {
            return Ok(out);
        }
    }
    let compiled = match kernel_for_launch(&plan.kernel, plan.size()) {
        Ok(c) => c,
        Err(_) => return graph::realize_interp(n),
    };
    plan.sync_host();
    let nan_input = x.dtype.is_float();
    drop(x);
    telemetry::add::kernel_launches(1);
    let args = plan.args(&[std::ptr::null_mut()]);
    let direct = direct_input(&plan, value_dtype);
    let src = Source { compiled: &compiled, args: &args, out_word: plan.kernel.output_word(0), direct };
    let out = match op {
        Any | All | CountNonzero => logical(op, &src, rows, out_shape, n.dtype),
        Mean | Var { .. } | Std { .. } | NanMean | NanVar { .. } | NanStd { .. } => match loop_dtype {
            DType::Float32 => Ok(moments::<f32>(op, &src, rows, nan_input, out_shape, n.dtype)),
            DType::Float64 => Ok(moments::<f64>(op, &src, rows, nan_input, out_shape, n.dtype)),
            other => Err(interp::KernelError::new(
                Code::Internal,
                format!("fused reduce: {} needs a float loop dtype, got {other}", op.name()),
            )),
        },
        _ => interp::with_type!(loop_dtype, T => typed::<T>(op, &src, rows, out_shape, n.dtype)),
    };
    // The plan owns the inputs the kernel reads until here.
    drop(plan);
    out.map_err(|e| Diagnostic::new(e.code, e.message).with_label(n.span, ""))
}

/// NumPy's pairwise sums of the flat ranges `segs` of the input of the full sum `n`
/// (after `prep`, as `moments` transforms its values), whose elementwise producers are
/// fused into the kernel that fills them (as `run` fuses them into its chunks): the
/// local partials of a distributed sum (Note
/// [Distributed reductions] in `dist::reduce`). A subtree of the pairwise tree is the
/// recursion on its sub-slice, so each value is the single-process subtree bit for bit.
/// None when the kernel is declined (the caller realises the input instead).
pub(super) fn pairwise_segments<T: Num>(
    n: &NodeRef,
    segs: &[(usize, usize)],
    prep: Prep<T>,
) -> Result<Option<Vec<T>>, Diagnostic> {
    let (loop_dtype, x) = n
        .with_op(|o| match o {
            Op::Reduce { loop_dtype, x, .. } => Some((*loop_dtype, x.clone())),
            _ => None,
        })
        .ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `fuse`: segment sums of a non-reduction"))?;
    let nd = x.shape.len();
    let space = x.shape.clone();
    let identity: Vec<usize> = (0..nd).collect();
    let mut b = Builder::new(space.to_vec());
    let v = b.emit(&x, &Map::permutation(&identity, nd))?;
    let v = b.cast(v, loop_dtype);
    let strides: Vec<i64> = hpxl_runtime::contiguous_strides(&space).iter().map(|&s| s as i64).collect();
    let (plan, _) = finish(b, vec![(v, loop_dtype, 0, strides)], &[]);
    super::check(&plan.kernel)?;
    let elements: usize = segs.iter().map(|&(_, len)| len).sum();
    let Ok(compiled) = kernel_for_launch(&plan.kernel, elements) else { return Ok(None) };
    plan.sync_host();
    drop(x);
    telemetry::add::kernel_launches(1);
    let args = plan.args(&[std::ptr::null_mut()]);
    let direct = direct_input(&plan, loop_dtype);
    let src = Source { compiled: &compiled, args: &args, out_word: plan.kernel.output_word(0), direct };
    let sums = segs.iter().map(|&(s, len)| pairwise::<T>(&src, s, len, prep)).collect();
    // The plan owns the inputs the kernel reads until here.
    drop(plan);
    Ok(Some(sums))
}

type KResult = Result<NdArray, interp::KernelError>;

/// Runs `row(i)` for every row, rows spread over threads in fixed blocks.
/// `Source::direct` of a plan: when its kernel only loads one contiguous input of the
/// loop dtype (`sum(a)`), that input's (address of flat position 0, item size).
fn direct_input(plan: &super::build::Plan, loop_dtype: DType) -> Option<(usize, usize)> {
    let k = &plan.kernel;
    let plain = k.ndim == 1
        && k.body.len() == 1
        && k.body[0].kind == crate::kir::InstKind::Load { input: 0 }
        && k.inputs[0].inner == crate::kir::Stride::Unit
        && k.inputs[0].dtype == loop_dtype;
    plain.then(|| {
        let item = loop_dtype.itemsize();
        (plan.inputs[0].data.as_ptr() as usize + (plan.inputs[0].offset as usize) * item, item)
    })
}

fn per_row<R: Send>(rows: Rows, row: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let per_block = (exec::BLOCK / rows.k.max(1)).max(1);
    let blocks = rows.m.div_ceil(per_block);
    let parts: Vec<Vec<R>> = exec::map_indices(blocks, |bi| {
        let lo = bi * per_block;
        let hi = ((bi + 1) * per_block).min(rows.m);
        (lo..hi).map(&row).collect()
    });
    parts.into_iter().flatten().collect()
}

/// Sequential read-only visit of `[start, start + len)`, in place when the input is direct.
fn visit<T: Num>(src: &Source, start: usize, len: usize, mut f: impl FnMut(&[T])) {
    if let Some(s) = src.slice::<T>(start, len) {
        for c in s.chunks(FILL * 8) {
            f(c);
        }
        return;
    }
    visit_mut(src, start, len, |c| f(c));
}

/// Room for `FILL` values that the kernel fills before anything reads them: left
/// uninitialised, since zeroing 16 KiB per row or per pairwise leaf cost more than
/// summing the leaf.
struct Scratch<T>([std::mem::MaybeUninit<T>; FILL]);

impl<T> Scratch<T> {
    fn new() -> Self {
        Scratch([const { std::mem::MaybeUninit::uninit() }; FILL])
    }
}

/// Sequential visit of `[start, start + len)` through a scratch buffer.
fn visit_mut<T: Num>(src: &Source, start: usize, len: usize, mut f: impl FnMut(&mut [T])) {
    let mut scratch = Scratch::new();
    let mut pos = 0;
    while pos < len {
        let n = (len - pos).min(FILL);
        f(src.fill(start + pos, n, &mut scratch));
        pos += n;
    }
}

/// NumPy's pairwise sum of `[start, start + len)` after `prep` (Note [Reductions consume chunks]).
fn pairwise<T: Num>(src: &Source, start: usize, len: usize, prep: Prep<T>) -> T {
    pairwise_in(src, start, len, prep, &mut Scratch::new())
}

/// `pairwise` with `scratch` as the buffer of its leaves.
fn pairwise_in<T: Num>(src: &Source, start: usize, len: usize, prep: Prep<T>, scratch: &mut Scratch<T>) -> T {
    if prep.is_none() && len <= LEAF_DIRECT {
        if let Some(s) = src.slice::<T>(start, len) {
            return T::sum_slice(s);
        }
    }
    if len <= FILL {
        let buf = src.fill(start, len, scratch);
        if let Some(p) = prep {
            p(buf);
        }
        return T::sum_slice(buf);
    }
    let mut half = len / 2;
    half -= half % 8;
    let (a, b) = if len >= PAR_SUM {
        exec::join(|| pairwise(src, start, half, prep), || pairwise(src, start + half, len - half, prep))
    } else {
        (pairwise_in(src, start, half, prep, scratch), pairwise_in(src, start + half, len - half, prep, scratch))
    };
    T::add(a, b)
}

/// Sum of row `i` in `chunk`s (Note [Summation order] in `interp::reduce`).
fn sum_row<T: Num>(src: &Source, rows: Rows, chunk: usize, i: usize, prep: Prep<T>) -> T {
    let start = i * rows.k;
    let mut acc = T::ZERO;
    if chunk <= 1 {
        visit_mut::<T>(src, start, rows.k, |c| {
            if let Some(p) = prep {
                p(c);
            }
            for &e in c.iter() {
                acc = T::add(acc, e);
            }
        });
        return acc;
    }
    let mut c = 0;
    while c < rows.k {
        let len = chunk.min(rows.k - c);
        acc = T::add(acc, pairwise(src, start + c, len, prep));
        c += len;
    }
    acc
}

/// `sum_row` of `(x - mean)²` with `sq` as its `prep` (the second pass of `moments`).
/// Over a direct input the squares are formed inside the pairwise leaves
/// (`Float::sum_sq_dev`) rather than in a scratch copy of each chunk: the same splits,
/// the same additions, the same bits, one pass over the data instead of three.
fn sq_dev_row<T: Float>(
    src: &Source,
    rows: Rows,
    chunk: usize,
    i: usize,
    mean: T,
    sq: &(dyn Fn(&mut [T]) + Sync),
) -> T {
    let start = i * rows.k;
    if chunk <= 1 || src.slice::<T>(start, rows.k).is_none() {
        return sum_row(src, rows, chunk, i, Some(sq));
    }
    let mut acc = T::ZERO;
    let mut c = 0;
    while c < rows.k {
        let len = chunk.min(rows.k - c);
        acc = T::add(acc, pairwise_sq_dev(src, start + c, len, mean));
        c += len;
    }
    acc
}

/// `pairwise` of `(x - mean)²` over a direct input (see `sq_dev_row`).
fn pairwise_sq_dev<T: Float>(src: &Source, start: usize, len: usize, mean: T) -> T {
    if len <= LEAF_DIRECT {
        if let Some(s) = src.slice::<T>(start, len) {
            return T::sum_sq_dev(s, mean);
        }
    }
    let mut half = len / 2;
    half -= half % 8;
    let (a, b) = if len >= PAR_SUM {
        exec::join(|| pairwise_sq_dev(src, start, half, mean), || pairwise_sq_dev(src, start + half, len - half, mean))
    } else {
        (pairwise_sq_dev(src, start, half, mean), pairwise_sq_dev(src, start + half, len - half, mean))
    };
    T::add(a, b)
}

/// Fold of row `i` starting from its first element (selections: see the module docs).
fn fold_first_row<T: Num>(src: &Source, rows: Rows, i: usize, f: impl Fn(T, T) -> T + Copy + Sync) -> T {
    let start = i * rows.k;
    let fold_range = |lo: usize, len: usize| -> T {
        let mut acc: Option<T> = None;
        visit::<T>(src, lo, len, |c| {
            let (mut a, rest) = match acc {
                Some(a) => (a, c),
                None => (c[0], &c[1..]),
            };
            for &e in rest {
                a = f(a, e);
            }
            acc = Some(a);
        });
        acc.expect("non-empty range")
    };
    if rows.k < 2 * SEL_BLOCK || rows.m > 1 {
        return fold_range(start, rows.k);
    }
    let blocks = rows.k.div_ceil(SEL_BLOCK);
    let parts = exec::map_indices(blocks, |b| fold_range(start + b * SEL_BLOCK, SEL_BLOCK.min(rows.k - b * SEL_BLOCK)));
    let mut it = parts.into_iter();
    let first = it.next().expect("at least one block");
    it.fold(first, f)
}

/// The extreme of a row through eight independent lanes (vectorisable), or `None` when
/// a NaN occurs (which NaN the sequential fold keeps is left to it). Any extreme value
/// but zero has a single bit pattern, so the lanes find exactly the sequential fold's
/// element; for a zero extreme, the fold's choice between +0.0 and -0.0 is recovered.
fn fast_extreme_row<T: Num>(src: &Source, rows: Rows, i: usize, is_max: bool) -> Option<T> {
    if is_max {
        fast_extreme::<T, true>(src, rows, i)
    } else {
        fast_extreme::<T, false>(src, rows, i)
    }
}

/// Picks the extreme of `a` and `e`, keeping `a` on ties and NaN (the sequential fold).
#[inline(always)]
fn pick<T: PartialOrd + Copy, const MAX: bool>(a: T, e: T) -> T {
    if MAX {
        if e > a {
            e
        } else {
            a
        }
    } else if e < a {
        e
    } else {
        a
    }
}

/// Lanes of independent extremes over a non-empty chunk, folded; and whether a NaN
/// occurred.
#[inline(always)]
fn extreme_lanes<T: Num, const MAX: bool>(c: &[T]) -> (T, bool) {
    // Per-lane NaN flags (not one shared flag), so that both folds stay lane-parallel.
    const LANES: usize = 16;
    let mut nans = [false; LANES];
    let mut lanes = [c[0]; LANES];
    let mut chunks = c.chunks_exact(LANES);
    for ch in &mut chunks {
        let ch: &[T; LANES] = ch.try_into().expect("chunks_exact");
        for j in 0..LANES {
            #[allow(clippy::eq_op)]
            {
                nans[j] |= ch[j] != ch[j];
            }
            lanes[j] = pick::<T, MAX>(lanes[j], ch[j]);
        }
    }
    let mut nan = nans.iter().any(|&n| n);
    for &e in chunks.remainder() {
        #[allow(clippy::eq_op)]
        {
            nan |= e != e;
        }
        lanes[0] = pick::<T, MAX>(lanes[0], e);
    }
    (lanes.iter().fold(lanes[0], |a, &l| pick::<T, MAX>(a, l)), nan)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn extreme_lanes_avx2<T: Num, const MAX: bool>(c: &[T]) -> (T, bool) {
    extreme_lanes::<T, MAX>(c)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2")]
unsafe fn extreme_lanes_avx512<T: Num, const MAX: bool>(c: &[T]) -> (T, bool) {
    extreme_lanes::<T, MAX>(c)
}

/// [`extreme_lanes`] with the widest vectors this CPU has. Selections give the same
/// element at any width (see `fast_extreme_row`).
fn extreme_lanes_best<T: Num, const MAX: bool>(c: &[T]) -> (T, bool) {
    use crate::vmath::Isa;
    match crate::vmath::best_isa() {
        // SAFETY: `best_isa` reports only features this CPU has; it does not check
        // AVX-512 BW (byte and word lanes, for int8/int16 inputs), so that is checked here.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 if std::arch::is_x86_feature_detected!("avx512bw") => unsafe { extreme_lanes_avx512::<T, MAX>(c) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 | Isa::Avx2Fma => unsafe { extreme_lanes_avx2::<T, MAX>(c) },
        _ => extreme_lanes::<T, MAX>(c),
    }
}

fn fast_extreme<T: Num, const MAX: bool>(src: &Source, rows: Rows, i: usize) -> Option<T> {
    let pick = pick::<T, MAX>;
    let range = |lo: usize, len: usize| -> (Option<T>, bool) {
        let mut nan = false;
        let mut best: Option<T> = None;
        visit::<T>(src, lo, len, |c| {
            let (b, n) = extreme_lanes_best::<T, MAX>(c);
            nan |= n;
            best = Some(pick(best.unwrap_or(b), b));
        });
        (best, nan)
    };
    let start = i * rows.k;
    // One result per block of SEL_BLOCK elements (a single block for short rows).
    let (block, blocks) =
        if rows.m == 1 && rows.k >= 2 * SEL_BLOCK { (SEL_BLOCK, rows.k.div_ceil(SEL_BLOCK)) } else { (rows.k, 1) };
    let parts = if blocks > 1 {
        exec::map_indices(blocks, |b| range(start + b * block, block.min(rows.k - b * block)))
    } else {
        vec![range(start, rows.k)]
    };
    let (best, nan) = parts.iter().fold((None, false), |(acc, n), &(b, bn)| match (acc, b) {
        (Some(a), Some(b)) => (Some(pick(a, b)), n | bn),
        (a, b) => (a.or(b), n | bn),
    });
    let b = best?;
    if nan {
        return None;
    }
    if b == T::ZERO {
        // Ties go to the later element in every fold (`interp::num`), so the sequential
        // fold ends on the last element that compares equal to zero (+0.0 or -0.0).
        // With a zero extreme, the blocks holding a zero are exactly those whose own
        // extreme is zero: only the last of them is searched, backwards.
        let Some(last) = parts.iter().rposition(|&(p, _)| p == Some(T::ZERO)) else { return Some(b) };
        let (lo, len) = (start + last * block, block.min(rows.k - last * block));
        let mut found = None;
        visit::<T>(src, lo, len, |c| {
            if let Some(&e) = c.iter().rev().find(|&&e| e == T::ZERO) {
                found = Some(e);
            }
        });
        return found.or(Some(b));
    }
    Some(b)
}

fn empty_error(op: ReduceOp) -> interp::KernelError {
    interp::reduce_empty_error(op)
}

fn typed<T: Num>(op: ReduceOp, src: &Source, rows: Rows, out_shape: Vec<usize>, out_dtype: DType) -> KResult {
    use ReduceOp::*;
    let k = rows.k;
    let needs_elements = matches!(op, Min | Max | NanMin | NanMax | ArgMin | ArgMax | NanArgMin | NanArgMax);
    if needs_elements && k == 0 {
        return Err(empty_error(op));
    }
    let clean = |b: &mut [T]| {
        for e in b.iter_mut() {
            if T::is_nan(*e) {
                *e = T::ZERO;
            }
        }
    };
    let out: Vec<T> = match op {
        Sum => per_row(rows, |i| sum_row(src, rows, rows.chunk, i, None)),
        NanSum => per_row(rows, |i| sum_row(src, rows, rows.chunk, i, Some(&clean))),
        Prod | NanProd => per_row(rows, |i| {
            let mut acc = T::ONE;
            visit::<T>(src, i * k, k, |c| {
                for &e in c.iter() {
                    if !(op == NanProd && T::is_nan(e)) {
                        acc = T::mul(acc, e);
                    }
                }
            });
            acc
        }),
        Min | NanMin if rows.k >= 64 => per_row(rows, |i| {
            fast_extreme_row(src, rows, i, false)
                .unwrap_or_else(|| fold_first_row(src, rows, i, if op == Min { T::minimum } else { T::fmin }))
        }),
        Max | NanMax if rows.k >= 64 => per_row(rows, |i| {
            fast_extreme_row(src, rows, i, true)
                .unwrap_or_else(|| fold_first_row(src, rows, i, if op == Max { T::maximum } else { T::fmax }))
        }),
        Min => per_row(rows, |i| fold_first_row(src, rows, i, T::minimum)),
        Max => per_row(rows, |i| fold_first_row(src, rows, i, T::maximum)),
        NanMin => per_row(rows, |i| fold_first_row(src, rows, i, T::fmin)),
        NanMax => per_row(rows, |i| fold_first_row(src, rows, i, T::fmax)),
        ArgMin | ArgMax | NanArgMin | NanArgMax => {
            let is_min = matches!(op, ArgMin | NanArgMin);
            let nan_variant = matches!(op, NanArgMin | NanArgMax);
            let found: Vec<Option<i64>> = per_row(rows, |i| {
                let mut best: Option<(usize, T)> = None;
                let mut nan_at: Option<usize> = None;
                let mut pos = 0usize;
                visit::<T>(src, i * k, k, |c| {
                    for &e in c.iter() {
                        let j = pos;
                        pos += 1;
                        if nan_at.is_some() {
                            continue;
                        }
                        if T::is_nan(e) {
                            if !nan_variant {
                                nan_at = Some(j);
                            }
                            continue;
                        }
                        let better = match best {
                            None => true,
                            Some((_, b)) => {
                                if is_min {
                                    e < b
                                } else {
                                    e > b
                                }
                            }
                        };
                        if better {
                            best = Some((j, e));
                        }
                    }
                });
                match (nan_at, best) {
                    (Some(j), _) => Some(j as i64),
                    (None, Some((j, _))) => Some(j as i64),
                    // All NaN: the interp's plain arg-reduction answers 0 for a row that
                    // starts with NaN (handled above); the nan-variant raises.
                    (None, None) => {
                        if nan_variant {
                            None
                        } else {
                            Some(0)
                        }
                    }
                }
            });
            let mut idx = Vec::with_capacity(rows.m);
            for f in found {
                match f {
                    Some(j) => idx.push(j),
                    None => return Err(interp::KernelError::new(Code::Value, "All-NaN slice encountered")),
                }
            }
            return Ok(make(idx, out_shape, out_dtype));
        }
        _ => {
            return Err(interp::KernelError::new(Code::Internal, format!("fused reduce: unexpected op {}", op.name())))
        }
    };
    Ok(make(out, out_shape, out_dtype))
}

/// any / all / count_nonzero over bool values, in fixed blocks.
fn logical(op: ReduceOp, src: &Source, rows: Rows, out_shape: Vec<usize>, out_dtype: DType) -> KResult {
    let count_row = |i: usize| -> usize {
        let start = i * rows.k;
        let count_range = |lo: usize, len: usize| -> usize {
            let mut c = 0usize;
            visit::<bool>(src, lo, len, |b| c += b.iter().filter(|&&x| x).count());
            c
        };
        if rows.k < 2 * SEL_BLOCK || rows.m > 1 {
            return count_range(start, rows.k);
        }
        let blocks = rows.k.div_ceil(SEL_BLOCK);
        exec::map_indices(blocks, |b| count_range(start + b * SEL_BLOCK, SEL_BLOCK.min(rows.k - b * SEL_BLOCK)))
            .into_iter()
            .sum()
    };
    let counts = per_row(rows, count_row);
    Ok(match op {
        ReduceOp::Any => make(counts.iter().map(|&c| c > 0).collect(), out_shape, out_dtype),
        ReduceOp::All => make(counts.iter().map(|&c| c == rows.k).collect(), out_shape, out_dtype),
        _ => make(counts.iter().map(|&c| c as i64).collect(), out_shape, out_dtype),
    })
}

/// Mean, variance and standard deviation with NumPy's two-pass algorithm (as
/// `interp::reduce`'s `moments`): the fused input is read once for the sums and once
/// for the squared deviations.
fn moments<T: Float>(
    op: ReduceOp,
    src: &Source,
    rows: Rows,
    nan_input: bool,
    out_shape: Vec<usize>,
    out_dtype: DType,
) -> NdArray {
    use ReduceOp::*;
    let nan_variant = matches!(op, NanMean | NanVar { .. } | NanStd { .. }) && nan_input;
    let clean = |b: &mut [T]| {
        for e in b.iter_mut() {
            if T::is_nan(*e) {
                *e = T::ZERO;
            }
        }
    };
    let prep: Prep<T> = if nan_variant { Some(&clean) } else { None };
    let sums: Vec<T> = per_row(rows, |i| sum_row(src, rows, rows.chunk, i, prep));
    let counts: Vec<i64> = if nan_variant {
        per_row(rows, |i| {
            let mut c = 0i64;
            visit::<T>(src, i * rows.k, rows.k, |b| c += b.iter().filter(|&&e| !T::is_nan(e)).count() as i64);
            c
        })
    } else {
        vec![rows.k as i64; rows.m]
    };
    let means: Vec<T> = sums.iter().zip(&counts).map(|(&s, &c)| div_count(s, c)).collect();
    if matches!(op, Mean | NanMean) {
        return make(means, out_shape, out_dtype);
    }
    let ddof = match op {
        Var { ddof } | Std { ddof } | NanVar { ddof } | NanStd { ddof } => ddof as i64,
        _ => 0,
    };
    let ss: Vec<T> = per_row(rows, |i| {
        let mean = means[i];
        let sq = move |b: &mut [T]| {
            for e in b.iter_mut() {
                let d = if nan_variant && T::is_nan(*e) { T::ZERO } else { T::sub(*e, mean) };
                *e = T::mul(d, d);
            }
        };
        if nan_variant {
            sum_row(src, rows, rows.chunk_uncast, i, Some(&sq))
        } else {
            sq_dev_row(src, rows, rows.chunk_uncast, i, mean, &sq)
        }
    });
    let mut out: Vec<T> = Vec::with_capacity(rows.m);
    for i in 0..rows.m {
        let dof = counts[i] - ddof;
        let var = if nan_variant {
            if dof <= 0 {
                T::from_f64(f64::NAN)
            } else {
                div_count(ss[i], dof)
            }
        } else {
            div_count(ss[i], dof.max(0))
        };
        out.push(if matches!(op, Std { .. } | NanStd { .. }) { T::sqrt(var) } else { var });
    }
    make(out, out_shape, out_dtype)
}
