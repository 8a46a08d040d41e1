//! Row reductions on the GPU: every reduction over some axes, and the reductions beyond
//! the six full ones of [`super::compile_reduction`] (mean, var/std, argmin/argmax,
//! count_nonzero, the nan-variants), full or not.
//!
//! Note [GPU row reductions]: the reduction's map kernel runs over the input permuted to
//! (kept axes, reduced axes) (Note [Reductions consume chunks] in `fuse::reduce`), so
//! output element `i` reduces the flat positions `[i·k, (i+1)·k)`. One entry,
//! `(args, m, k, out)`, writes the `m` results in one of two layouts, chosen from where
//! the reduced axes lie:
//! - [`Layout::Threads`] when the innermost input axis is kept (`sum(a, axis=0)`): one
//!   thread per output element (grid-stride over outputs) folds its row sequentially.
//!   Neighbouring threads read neighbouring addresses at every step, so the loads
//!   coalesce, and the order is the CPU's: there NumPy's pairwise sum covers only the
//!   trailing reduced extent, which is 1 here, so the CPU adds sequentially too (Note
//!   [Summation order]) and every result is the CPU's bit for bit.
//! - [`Layout::Blocks`] when the reduced axes are the innermost ones (`sum(a, axis=1)`, and
//!   every full reduction of these kinds): one block per output element (grid-stride over
//!   outputs, uniform per block so the barriers are safe); thread `t` folds positions
//!   `t, t + 256, …` of the row (consecutive threads read consecutive addresses), then
//!   the block combines its 256 states by the fixed tree of Note [Deterministic GPU
//!   reductions]. The order depends on `k` only: deterministic, but not NumPy's pairwise
//!   tree (nor the CPU's sequential product), so float sums, products, means and
//!   variances may differ from the CPU in the last bits (the rule of the full reductions;
//!   `tests/gpu_fake.rs` bounds the difference against the CPU in one program). Selections and counts do not depend on the order
//!   and match exactly: argmin/argmax carry the index and the tree prefers the earlier
//!   index on ties and the earliest NaN; the one exception is the sign of a zero min/max
//!   when a row holds both zeros (the CPU keeps the last one in row order; the tree's
//!   `minimum` keeps the later thread's).
//!
//! A state is one or two values per thread: the accumulator (fold ops), a count
//! (count_nonzero), value and index (argmin/argmax), sum and count (mean, and the first
//! pass of var/std). Var/std make a second pass over the row with the mean every thread
//! of the block (or the one thread) has, summing `(x - mean)²` (NaNs skipped by the
//! nan-variants), then finish as the CPU does: `div_count` (the division in float64 by
//! the count, then the cast), `ddof`, and the square root for std. `fuse::gpu_model`
//! is the same algorithm in Rust, which the fake device runs.
//!
//! A few long rows in the `Blocks` layout (a full `mean` or `argmin` is one row) would
//! run on a few blocks, so `fuse/gpu.rs` gives fewer than 1024 rows longer than one
//! chunk to the split kernels of `split.rs` instead (Note [Split GPU row reductions]):
//! the same states, steps, merges and finishes, in a different fixed order.

use super::{entry_name, finish, glob, mark_kernel, Gpu, REDUCE_BLOCK};
use crate::kir::{InstKind, Kernel};
use crate::llvm::emit::{mem_ty, Em, R};
use crate::ops::BinaryOp;
use hpxl_runtime::DType;
use inkwell::context::Context;
use inkwell::module::Linkage;
use inkwell::types::BasicType;
use inkwell::values::{BasicValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, FloatPredicate, IntPredicate};

/// What a row reduction computes for each output element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowOp {
    Sum,
    Prod,
    /// NaN-propagating (`minimum`).
    Min,
    /// NaN-propagating (`maximum`).
    Max,
    Any,
    All,
    /// NaNs count as 0.
    NanSum,
    /// NaNs count as 1.
    NanProd,
    /// NaN-ignoring (`fmin`); all-NaN rows give NaN.
    NanMin,
    /// NaN-ignoring (`fmax`).
    NanMax,
    /// True values of a bool row, as int64.
    CountNonzero,
    /// First index of the smallest element (the first NaN wins), as int64.
    ArgMin,
    /// First index of the largest element (the first NaN wins), as int64.
    ArgMax,
    /// `sum / count`; with `nan`, NaNs are neither added nor counted.
    Mean {
        nan: bool,
    },
    /// Two passes: the mean, then `sum((x - mean)²) / (count - ddof)`; `std` takes the root.
    Var {
        nan: bool,
        ddof: u32,
        std: bool,
    },
}

impl RowOp {
    /// The result dtype for values of `value`.
    pub fn out_dtype(self, value: DType) -> DType {
        match self {
            RowOp::CountNonzero | RowOp::ArgMin | RowOp::ArgMax => DType::Int64,
            _ => value,
        }
    }

    /// Whether an empty row has no result (the CPU raises for it).
    pub fn needs_elements(self) -> bool {
        use RowOp::*;
        matches!(self, Min | Max | NanMin | NanMax | ArgMin | ArgMax)
    }

    /// Whether values of `dt` can be reduced by this op.
    pub fn accepts(self, dt: DType) -> bool {
        use RowOp::*;
        match self {
            Any | All | CountNonzero => dt == DType::Bool,
            Mean { .. } | Var { .. } => dt.is_float(),
            _ => true,
        }
    }

    /// The binary op of a fold (and of its tree).
    fn fold_op(self) -> Option<BinaryOp> {
        use RowOp::*;
        Some(match self {
            Sum | NanSum => BinaryOp::Add,
            Prod | NanProd => BinaryOp::Mul,
            Min => BinaryOp::Minimum,
            Max => BinaryOp::Maximum,
            NanMin => BinaryOp::Fmin,
            NanMax => BinaryOp::Fmax,
            Any => BinaryOp::LogicalOr,
            All => BinaryOp::LogicalAnd,
            _ => return None,
        })
    }
}

/// Who reduces a row (Note [GPU row reductions]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// One thread per output element, folding its row in order.
    Threads,
    /// One block per output element: strided threads, then the fixed tree.
    Blocks,
}

/// A row reduction: the op and the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RowReduce {
    pub op: RowOp,
    pub layout: Layout,
}

/// A compiled row reduction: one entry `(const i64 *args, i64 m, i64 k, T *out)`.
#[derive(Clone, Debug)]
pub struct PtxRows {
    pub ptx: String,
    pub entry: String,
    /// The dtype of the kernel's values (its first output).
    pub value_dtype: DType,
    /// The dtype of the results.
    pub out_dtype: DType,
    pub arg_words: usize,
    /// Threads per block.
    pub block: u32,
}

/// The identity of a fold of `op` over `dt` (NaN for the NaN-ignoring extremes, so an
/// all-NaN row stays NaN and the first number replaces it, as the CPU's fold from the
/// first element does).
pub(super) fn identity<'ctx>(em: &Em<'_, 'ctx>, op: RowOp, dt: DType) -> BasicValueEnum<'ctx> {
    use RowOp::*;
    if dt == DType::Bool {
        return em.bool_const(matches!(op, Prod | NanProd | All | Min | NanMin)).into();
    }
    if dt.is_float() {
        let v = match op {
            Prod | NanProd => 1.0,
            Min => f64::INFINITY,
            Max => f64::NEG_INFINITY,
            NanMin | NanMax => f64::NAN,
            _ => 0.0,
        };
        return em.fconst(dt, v).into();
    }
    let bits = dt.itemsize() as u32 * 8;
    let signed = dt.is_signed_int();
    let v = match op {
        Prod | NanProd => 1,
        Min | NanMin if signed => (1u64 << (bits - 1)) - 1,
        Min | NanMin => u64::MAX >> (64 - bits),
        Max | NanMax if signed => 1u64 << (bits - 1),
        _ => 0,
    };
    em.ity(dt).const_int(v, false).into()
}

pub(super) struct Rows<'g, 'a, 'ctx> {
    pub(super) g: &'g Gpu<'a, 'ctx>,
    pub(super) op: RowOp,
    pub(super) dt: DType,
}

pub(super) type Vals<'ctx> = Vec<BasicValueEnum<'ctx>>;

impl<'ctx> Rows<'_, '_, 'ctx> {
    pub(super) fn em(&self) -> &Em<'_, 'ctx> {
        &self.g.em
    }

    pub(super) fn bin(
        &self,
        op: BinaryOp,
        dt: DType,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        self.em().inst(&InstKind::Binary { op, a: 0, b: 0 }, dt, &[(a, dt), (b, dt)])
    }

    fn i64_add(&self, a: BasicValueEnum<'ctx>, b: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        Ok(self.em().b.build_int_add(a.into_int_value(), b.into_int_value(), "")?.into())
    }

    /// Whether `x` (of the value dtype) is NaN; false for non-floats.
    pub(super) fn is_nan(&self, x: BasicValueEnum<'ctx>) -> R<IntValue<'ctx>> {
        if !self.dt.is_float() {
            return Ok(self.em().bool_const(false));
        }
        let x = x.into_float_value();
        self.em().b.build_float_compare(FloatPredicate::UNO, x, x, "")
    }

    pub(super) fn sel(
        &self,
        c: IntValue<'ctx>,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        self.em().select(c, a, b)
    }

    /// The dtypes of the first pass's state.
    pub(super) fn slots(&self) -> Vec<DType> {
        match self.op {
            RowOp::CountNonzero => vec![DType::Int64],
            RowOp::ArgMin | RowOp::ArgMax | RowOp::Mean { .. } | RowOp::Var { .. } => vec![self.dt, DType::Int64],
            _ => vec![self.dt],
        }
    }

    pub(super) fn init(&self) -> Vals<'ctx> {
        let em = self.em();
        let zero64 = em.i64().const_zero().into();
        match self.op {
            RowOp::CountNonzero => vec![zero64],
            RowOp::ArgMin | RowOp::ArgMax => {
                vec![identity(em, RowOp::Sum, self.dt), em.i64().const_int(u64::MAX, true).into()]
            }
            RowOp::Mean { .. } | RowOp::Var { .. } => vec![identity(em, RowOp::Sum, self.dt), zero64],
            op => vec![identity(em, op, self.dt)],
        }
    }

    /// "`b` comes before `a`" for argmin/argmax states (the CPU's first-index rule).
    fn arg_better(
        &self,
        vb: BasicValueEnum<'ctx>,
        ib: IntValue<'ctx>,
        va: BasicValueEnum<'ctx>,
        ia: IntValue<'ctx>,
    ) -> R<IntValue<'ctx>> {
        let b = self.em().b;
        let cmp = if self.op == RowOp::ArgMin { BinaryOp::Lt } else { BinaryOp::Gt };
        let strictly = self.bin(cmp, self.dt, vb, va)?.into_int_value();
        let equal = self.bin(BinaryOp::Eq, self.dt, vb, va)?.into_int_value();
        let earlier = b.build_int_compare(IntPredicate::SLT, ib, ia, "")?;
        let by_value = b.build_or(strictly, b.build_and(equal, earlier, "")?, "")?;
        if !self.dt.is_float() {
            return Ok(by_value);
        }
        let (na, nb) = (self.is_nan(va)?, self.is_nan(vb)?);
        // A NaN beats every number; of two NaNs the earlier wins.
        let nan_b = b.build_and(nb, b.build_or(b.build_not(na, "")?, earlier, "")?, "")?;
        let neither = b.build_and(b.build_not(na, "")?, b.build_not(nb, "")?, "")?;
        b.build_or(nan_b, b.build_and(neither, by_value, "")?, "")
    }

    /// One element `v` at row position `j` into the first pass's state.
    pub(super) fn step(&self, s: &Vals<'ctx>, v: BasicValueEnum<'ctx>, j: IntValue<'ctx>) -> R<Vals<'ctx>> {
        let em = self.em();
        let b = em.b;
        Ok(match self.op {
            RowOp::CountNonzero => {
                let one = b.build_int_z_extend(v.into_int_value(), em.i64(), "")?;
                vec![self.i64_add(s[0], one.into())?]
            }
            RowOp::ArgMin | RowOp::ArgMax => {
                let idx = s[1].into_int_value();
                let empty = b.build_int_compare(IntPredicate::SLT, idx, em.i64().const_zero(), "")?;
                let better = self.arg_better(v, j, s[0], idx)?;
                let take = b.build_or(empty, better, "")?;
                vec![self.sel(take, v, s[0])?, self.sel(take, j.into(), s[1])?]
            }
            RowOp::Mean { nan } | RowOp::Var { nan, .. } => {
                if nan {
                    let isnan = self.is_nan(v)?;
                    let x = self.sel(isnan, identity(em, RowOp::Sum, self.dt), v)?;
                    let counted = b.build_int_z_extend(b.build_not(isnan, "")?, em.i64(), "")?;
                    vec![self.bin(BinaryOp::Add, self.dt, s[0], x)?, self.i64_add(s[1], counted.into())?]
                } else {
                    vec![
                        self.bin(BinaryOp::Add, self.dt, s[0], v)?,
                        self.i64_add(s[1], em.i64().const_int(1, false).into())?,
                    ]
                }
            }
            op => {
                let x = match op {
                    RowOp::NanSum | RowOp::NanProd => {
                        let isnan = self.is_nan(v)?;
                        self.sel(isnan, identity(em, op, self.dt), v)?
                    }
                    _ => v,
                };
                vec![self.bin(op.fold_op().expect("a fold"), self.dt, s[0], x)?]
            }
        })
    }

    /// Combines the states of two threads (`b` is the later thread's).
    pub(super) fn merge(&self, a: &Vals<'ctx>, bv: &Vals<'ctx>) -> R<Vals<'ctx>> {
        let b = self.em().b;
        Ok(match self.op {
            RowOp::CountNonzero => vec![self.i64_add(a[0], bv[0])?],
            RowOp::ArgMin | RowOp::ArgMax => {
                let (ia, ib) = (a[1].into_int_value(), bv[1].into_int_value());
                let zero = self.em().i64().const_zero();
                let b_some = b.build_int_compare(IntPredicate::SGE, ib, zero, "")?;
                let a_none = b.build_int_compare(IntPredicate::SLT, ia, zero, "")?;
                let better = self.arg_better(bv[0], ib, a[0], ia)?;
                let take = b.build_and(b_some, b.build_or(a_none, better, "")?, "")?;
                vec![self.sel(take, bv[0], a[0])?, self.sel(take, bv[1], a[1])?]
            }
            RowOp::Mean { .. } | RowOp::Var { .. } => {
                vec![self.bin(BinaryOp::Add, self.dt, a[0], bv[0])?, self.i64_add(a[1], bv[1])?]
            }
            op => vec![self.bin(op.fold_op().expect("a fold"), self.dt, a[0], bv[0])?],
        })
    }

    /// The variance (or std) from the sum of squared deviations `ss` of `count` values:
    /// `ss / (count - ddof)` by `div_count`, NaN (nan-variants) or `ss / 0` without degrees
    /// of freedom, then the root for std.
    pub(super) fn finish_var(
        &self,
        ss: BasicValueEnum<'ctx>,
        count: IntValue<'ctx>,
        nan: bool,
        ddof: u32,
        std: bool,
    ) -> R<BasicValueEnum<'ctx>> {
        let (g, b, dt) = (self.g, self.em().b, self.dt);
        let dof = b.build_int_sub(count, g.i64c(ddof as i64), "")?;
        let positive = b.build_int_compare(IntPredicate::SGT, dof, g.i64c(0), "")?;
        let var = if nan {
            // No degrees of freedom left: NaN (the CPU's nan-variants).
            let q = self.div_count(ss, dof)?;
            self.sel(positive, q, g.em.fconst(dt, f64::NAN).into())?
        } else {
            self.div_count(ss, g.em.isel(positive, dof, g.i64c(0))?)?
        };
        Ok(if std { g.em.funary("llvm.sqrt", var.into_float_value())?.into() } else { var })
    }

    /// `s / count` as the CPU's `div_count`: in float64, then cast to the value dtype.
    pub(super) fn div_count(&self, s: BasicValueEnum<'ctx>, count: IntValue<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let (cx, b) = (self.em().cx, self.em().b);
        let c = b.build_signed_int_to_float(count, cx.f64_type(), "")?;
        let s = s.into_float_value();
        Ok(if self.dt == DType::Float32 {
            let q = b.build_float_div(b.build_float_ext(s, cx.f64_type(), "")?, c, "")?;
            b.build_float_trunc(q, cx.f32_type(), "")?.into()
        } else {
            b.build_float_div(s, c, "")?.into()
        })
    }
}

/// A loop `for i in (start..end).step_by(stride)` (signed bounds) around `body`.
pub(super) fn build_loop<'ctx>(
    g: &Gpu<'_, 'ctx>,
    f: FunctionValue<'ctx>,
    start: IntValue<'ctx>,
    end: IntValue<'ctx>,
    stride: IntValue<'ctx>,
    body: &mut dyn FnMut(IntValue<'ctx>) -> R<()>,
) -> R<()> {
    let (cx, b) = (g.em.cx, g.em.b);
    let pre = b.get_insert_block().expect("positioned");
    let head = cx.append_basic_block(f, "loop");
    let exit = cx.append_basic_block(f, "loop_exit");
    b.build_conditional_branch(b.build_int_compare(IntPredicate::SLT, start, end, "")?, head, exit)?;
    b.position_at_end(head);
    let p = b.build_phi(g.em.i64(), "i")?;
    p.add_incoming(&[(&start, pre)]);
    let pv = p.as_basic_value().into_int_value();
    body(pv)?;
    let p2 = b.build_int_add(pv, stride, "")?;
    p.add_incoming(&[(&p2, b.get_insert_block().expect("positioned"))]);
    b.build_conditional_branch(b.build_int_compare(IntPredicate::SLT, p2, end, "")?, head, exit)?;
    b.position_at_end(exit);
    Ok(())
}

/// Compiles the row reduction `r` of map kernel `k`'s first output (Note [GPU row
/// reductions]).
pub fn compile_rows(k: &Kernel, r: RowReduce) -> Result<PtxRows, String> {
    super::check_ops(k)?;
    let dt = k.outputs.first().ok_or("ptx backend: a reduction needs an output")?.dtype;
    if !r.op.accepts(dt) {
        return Err(format!("ptx backend: {:?} reduction of {} values", r.op, dt.name()));
    }
    let out_dt = r.op.out_dtype(dt);
    let tag = format!("{:?}_{:?}", r.op, r.layout).to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    let entry = entry_name(k, &format!("rows_{tag}"));
    let text = format!("{}rows {:?} {:?}\n", crate::kir::kernel_text(k), r.op, r.layout);
    let key = crate::llvm::cache_key("ptx-rows", &text);
    let result = |ptx: String| PtxRows {
        ptx,
        entry: entry.clone(),
        value_dtype: dt,
        out_dtype: out_dt,
        arg_words: k.arg_words(),
        block: REDUCE_BLOCK,
    };
    if let Some(ptx) = crate::llvm::cache_read(&key, &text, "ptx").and_then(|p| String::from_utf8(p).ok()) {
        return Ok(result(ptx));
    }
    let cx = Context::create();
    let m = cx.create_module("hpxl_ptx");
    let b = cx.create_builder();
    let g = Gpu { em: Em { cx: &cx, m: &m, b: &b, fma: true }, k };
    let i64t = cx.i64_type();
    let args_ty = i64t.ptr_type(AddressSpace::from(1u16));
    let f = m.add_function(
        &entry,
        cx.void_type().fn_type(&[args_ty.into(), i64t.into(), i64t.into(), glob(&cx, out_dt).into()], false),
        Some(Linkage::External),
    );
    mark_kernel(&cx, &m, f);
    emit_rows(&g, f, r, dt, out_dt).map_err(|e| format!("ptx backend: {e}"))?;
    let ptx = finish(&m, &entry)?;
    crate::llvm::cache_write(&key, &text, ptx.as_bytes(), "ptx");
    Ok(result(ptx))
}

/// The body of the row reduction entry `f` (see [`compile_rows`]).
fn emit_rows<'ctx>(g: &Gpu<'_, 'ctx>, f: FunctionValue<'ctx>, r: RowReduce, dt: DType, out_dt: DType) -> R<()> {
    let (cx, m, b) = (g.em.cx, g.em.m, g.em.b);
    let rows = Rows { g, op: r.op, dt };
    {
        b.position_at_end(cx.append_basic_block(f, "entry"));
        let args = f.get_nth_param(0).expect("args").into_pointer_value();
        let n_rows = f.get_nth_param(1).expect("m").into_int_value();
        let row_len = f.get_nth_param(2).expect("k").into_int_value();
        let out = f.get_nth_param(3).expect("out").into_pointer_value();
        let slots = rows.slots();
        let allocas: Vec<PointerValue> =
            slots.iter().map(|&d| b.build_alloca(mem_ty(cx, d), "state")).collect::<Result<_, _>>()?;
        let shared: Vec<PointerValue> = slots
            .iter()
            .enumerate()
            .map(|(n, &d)| {
                let ty = mem_ty(cx, d).array_type(REDUCE_BLOCK);
                let s = m.add_global(ty, Some(AddressSpace::from(3u16)), &format!("row_tree_{n}"));
                s.set_initializer(&ty.get_undef());
                s.set_linkage(Linkage::Internal);
                s.as_pointer_value()
            })
            .collect();
        let tid = g.sreg("llvm.nvvm.read.ptx.sreg.tid.x")?;
        let ntid = g.sreg("llvm.nvvm.read.ptx.sreg.ntid.x")?;
        let ctaid = g.sreg("llvm.nvvm.read.ptx.sreg.ctaid.x")?;
        let nctaid = g.sreg("llvm.nvvm.read.ptx.sreg.nctaid.x")?;
        let blocks = r.layout == Layout::Blocks;
        // Rows: per block (uniform, so every thread reaches the barriers) or per thread.
        let (row_start, row_stride) = if blocks {
            (ctaid, nctaid)
        } else {
            (b.build_int_add(b.build_int_mul(ctaid, ntid, "")?, tid, "")?, b.build_int_mul(nctaid, ntid, "")?)
        };
        let (fold_start, fold_stride) =
            if blocks { (tid, g.i64c(REDUCE_BLOCK as i64)) } else { (g.i64c(0), g.i64c(1)) };
        let load_state =
            |d: &[DType]| -> R<Vals<'ctx>> { d.iter().zip(&allocas).map(|(&d, &p)| g.em.load(d, p)).collect() };
        let store_state = |d: &[DType], v: &Vals<'ctx>| -> R<()> {
            for ((&d, &p), &x) in d.iter().zip(&allocas).zip(v) {
                g.em.store(d, x, p)?;
            }
            Ok(())
        };
        // The block tree over the state of every thread; every thread gets the result.
        let tree = |d: &[DType],
                    mine: Vals<'ctx>,
                    merge: &dyn Fn(&Vals<'ctx>, &Vals<'ctx>) -> R<Vals<'ctx>>|
         -> R<Vals<'ctx>> {
            if !blocks {
                return Ok(mine);
            }
            super::split::tree(g, f, &shared, d, tid, mine, merge)
        };
        build_loop(g, f, row_start, n_rows, row_stride, &mut |i| {
            let row0 = b.build_int_mul(i, row_len, "")?;
            store_state(&slots, &rows.init())?;
            build_loop(g, f, fold_start, row_len, fold_stride, &mut |j| {
                let (_, vals) = g.element(args, b.build_int_add(row0, j, "")?)?;
                let s = load_state(&slots)?;
                store_state(&slots, &rows.step(&s, vals[0], j)?)
            })?;
            let s = load_state(&slots)?;
            let s = tree(&slots, s, &|a, o| rows.merge(a, o))?;
            let result: BasicValueEnum = match r.op {
                RowOp::CountNonzero => s[0],
                RowOp::ArgMin | RowOp::ArgMax => s[1],
                RowOp::Mean { .. } => rows.div_count(s[0], s[1].into_int_value())?,
                RowOp::Var { nan, ddof, std } => {
                    let count = s[1].into_int_value();
                    let mean = rows.div_count(s[0], count)?;
                    // Second pass: the squared deviations, in the first slot.
                    let one = [dt];
                    store_state(&one, &vec![identity(&g.em, RowOp::Sum, dt)])?;
                    build_loop(g, f, fold_start, row_len, fold_stride, &mut |j| {
                        let (_, vals) = g.element(args, b.build_int_add(row0, j, "")?)?;
                        let v = vals[0];
                        let d = rows.bin(BinaryOp::Sub, dt, v, mean)?;
                        let d = if nan { rows.sel(rows.is_nan(v)?, identity(&g.em, RowOp::Sum, dt), d)? } else { d };
                        let sq = rows.bin(BinaryOp::Mul, dt, d, d)?;
                        let acc = load_state(&one)?;
                        store_state(&one, &vec![rows.bin(BinaryOp::Add, dt, acc[0], sq)?])
                    })?;
                    let ss = load_state(&one)?;
                    let ss = tree(&one, ss, &|a, o| Ok(vec![rows.bin(BinaryOp::Add, dt, a[0], o[0])?]))?[0];
                    rows.finish_var(ss, count, nan, ddof, std)?
                }
                _ => s[0],
            };
            let write = cx.append_basic_block(f, "write");
            let next = cx.append_basic_block(f, "next_row");
            let writer =
                if blocks { b.build_int_compare(IntPredicate::EQ, tid, g.i64c(0), "")? } else { g.em.bool_const(true) };
            b.build_conditional_branch(writer, write, next)?;
            b.position_at_end(write);
            g.em.store(out_dt, result, unsafe { b.build_in_bounds_gep(out, &[i], "")? })?;
            b.build_unconditional_branch(next)?;
            b.position_at_end(next);
            if blocks {
                // The tree's slots are reused by the next row: wait until all have read.
                b.build_call(super::split::barrier(g), &[], "")?;
            }
            Ok(())
        })?;
        b.build_return(None)?;
        Ok(())
    }
}
