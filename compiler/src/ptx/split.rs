//! Row reductions split across blocks: few long rows (a full `mean`, `argmin`, `var`, …,
//! or `sum(a, axis=1)` of a 4 × 10M array), where one block per row
//! ([`super::Layout::Blocks`]) would leave most of the GPU idle.
//!
//! Note [Split GPU row reductions]: each row of `k` positions is cut into chunks of
//! [`REDUCE_CHUNK`] positions (the last one shorter), a partition that depends on `k`
//! only. Pass 1 (`<entry>_chunks`) gives each (row, chunk) pair `u = i·n_chunks + c`
//! (grid-stride over pairs, uniform per block) to one block: thread `t` folds positions
//! `lo + t, lo + t + 256, …` of the chunk into a state with the row kernels' `step` (so
//! argmin/argmax carry the row position), then the block combines its 256 states by the
//! fixed tree of Note [Deterministic GPU reductions], and thread 0 writes the state to
//! the partial arrays (one array per state slot: value or sum or count, and the int64
//! count or index). Pass 2 (`<entry>_final`, one block per row, grid-stride over rows)
//! folds the row's partials the same way — thread `t` merges partials `t, t + 256, …`
//! into the identity state in order, then the tree — and finishes as the row kernels do
//! (`div_count` for mean; the index for argmin/argmax). Every merge puts the earlier
//! state on the left, so the first-index and first-NaN rules of argmin/argmax hold
//! across chunks as within them. Var/std take the row kernels' two passes over the data,
//! each split: `_chunks` (sum and count) and `<entry>_mean` (the mean by `div_count` and
//! the count of each row, to two device arrays), then `<entry>_sq` (per chunk, the sum
//! of `(x - mean)²`, NaNs skipped by the nan-variants) and `_final` (those partials
//! summed, then `div_count` by `count - ddof`, NaN or `/ 0` without degrees of freedom,
//! the root for std). The order depends on `k` only, so the bits are the same on any
//! GPU and any grid; they differ from [`super::Layout::Blocks`]'s, which folds a whole
//! row in one block. `fuse::gpu_model`'s `split_*` functions fold in exactly this order
//! for the fake device. When to split (a fixed number of rows, not one derived from the
//! device, so the choice — and with it the bits — is the same on every GPU) is
//! `fuse/gpu.rs`'s `SPLIT_MAX_ROWS`.

use super::rows::{build_loop, identity, Rows, Vals};
use super::{entry_name, finish, glob, mark_kernel, Gpu, RowOp, REDUCE_BLOCK, REDUCE_CHUNK};
use crate::kir::Kernel;
use crate::llvm::emit::{mem_ty, Em, R};
use crate::ops::BinaryOp;
use hpxl_runtime::DType;
use inkwell::context::Context;
use inkwell::module::Linkage;
use inkwell::types::{BasicMetadataTypeEnum, BasicType};
use inkwell::values::{BasicValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};

/// A compiled split row reduction (Note [Split GPU row reductions]).
#[derive(Clone, Debug)]
pub struct PtxSplitRows {
    pub ptx: String,
    /// Pass 1: `(const i64 *args, i64 m, i64 k, S *part0, i64 *part1)`, one state per
    /// (row, chunk) pair; `part1` only for two-slot states (`state_dtypes`).
    pub chunks_entry: String,
    /// Pass 2: `(const S *part0, const i64 *part1, i64 m, i64 n_chunks, T *out)`; for
    /// var/std `part0` holds the squared deviations and `part1` is the row counts.
    pub final_entry: String,
    /// Var/std only: `<entry>_mean` `(const T *part0, const i64 *part1, i64 m, i64
    /// n_chunks, T *means, i64 *counts)` and `<entry>_sq` `(const i64 *args, i64 m, i64 k,
    /// const T *means, T *part0)`.
    pub moments_entries: Option<(String, String)>,
    pub value_dtype: DType,
    pub out_dtype: DType,
    /// The dtypes of pass 1's state slots (of `part0`, and of `part1` when two).
    pub state_dtypes: Vec<DType>,
    pub arg_words: usize,
    pub block: u32,
    pub chunk: u32,
}

/// Allocas for a state of `d` slots, at the start of `f`'s entry block.
fn state_allocas<'ctx>(g: &Gpu<'_, 'ctx>, d: &[DType]) -> R<Vec<PointerValue<'ctx>>> {
    d.iter().map(|&d| g.em.b.build_alloca(mem_ty(g.em.cx, d), "state")).collect()
}

/// Shared memory for the block tree over a state of `d` slots.
fn shared_slots<'ctx>(g: &Gpu<'_, 'ctx>, d: &[DType], name: &str) -> Vec<PointerValue<'ctx>> {
    d.iter()
        .enumerate()
        .map(|(n, &d)| {
            let ty = mem_ty(g.em.cx, d).array_type(REDUCE_BLOCK);
            let s = g.em.m.add_global(ty, Some(AddressSpace::from(3u16)), &format!("{name}_{n}"));
            s.set_initializer(&ty.get_undef());
            s.set_linkage(Linkage::Internal);
            s.as_pointer_value()
        })
        .collect()
}

pub(super) fn barrier<'ctx>(g: &Gpu<'_, 'ctx>) -> FunctionValue<'ctx> {
    let (cx, m) = (g.em.cx, g.em.m);
    m.get_function("llvm.nvvm.barrier0")
        .unwrap_or_else(|| m.add_function("llvm.nvvm.barrier0", cx.void_type().fn_type(&[], false), None))
}

fn load_all<'ctx>(g: &Gpu<'_, 'ctx>, d: &[DType], at: &[PointerValue<'ctx>]) -> R<Vals<'ctx>> {
    d.iter().zip(at).map(|(&d, &p)| g.em.load(d, p)).collect()
}

fn store_all<'ctx>(g: &Gpu<'_, 'ctx>, d: &[DType], v: &Vals<'ctx>, at: &[PointerValue<'ctx>]) -> R<()> {
    for ((&d, &p), &x) in d.iter().zip(at).zip(v) {
        g.em.store(d, x, p)?;
    }
    Ok(())
}

/// `base[i]` for a global array of `d`.
fn at<'ctx>(g: &Gpu<'_, 'ctx>, base: PointerValue<'ctx>, i: IntValue<'ctx>) -> R<PointerValue<'ctx>> {
    Ok(unsafe { g.em.b.build_in_bounds_gep(base, &[i], "")? })
}

/// The fixed block tree over every thread's state (Note [Deterministic GPU reductions]);
/// every thread gets the result.
pub(super) fn tree<'ctx>(
    g: &Gpu<'_, 'ctx>,
    f: FunctionValue<'ctx>,
    shared: &[PointerValue<'ctx>],
    d: &[DType],
    tid: IntValue<'ctx>,
    mine: Vals<'ctx>,
    merge: &dyn Fn(&Vals<'ctx>, &Vals<'ctx>) -> R<Vals<'ctx>>,
) -> R<Vals<'ctx>> {
    let (cx, b) = (g.em.cx, g.em.b);
    let barrier = barrier(g);
    let slot = |n: usize, i: IntValue<'ctx>| unsafe { b.build_in_bounds_gep(shared[n], &[g.i64c(0), i], "") };
    b.build_call(barrier, &[], "")?;
    for (n, (&dn, &x)) in d.iter().zip(&mine).enumerate() {
        g.em.store(dn, x, slot(n, tid)?)?;
    }
    let mut s = REDUCE_BLOCK / 2;
    while s > 0 {
        b.build_call(barrier, &[], "")?;
        let active = b.build_int_compare(IntPredicate::ULT, tid, g.i64c(s as i64), "")?;
        let then = cx.append_basic_block(f, "tree");
        let join = cx.append_basic_block(f, "tree_join");
        b.build_conditional_branch(active, then, join)?;
        b.position_at_end(then);
        let other_at = b.build_int_add(tid, g.i64c(s as i64), "")?;
        let a: Vals = d.iter().enumerate().map(|(n, &dn)| g.em.load(dn, slot(n, tid)?)).collect::<R<_>>()?;
        let o: Vals = d.iter().enumerate().map(|(n, &dn)| g.em.load(dn, slot(n, other_at)?)).collect::<R<_>>()?;
        let c = merge(&a, &o)?;
        for (n, (&dn, &x)) in d.iter().zip(&c).enumerate() {
            g.em.store(dn, x, slot(n, tid)?)?;
        }
        b.build_unconditional_branch(join)?;
        b.position_at_end(join);
        s /= 2;
    }
    b.build_call(barrier, &[], "")?;
    d.iter().enumerate().map(|(n, &dn)| g.em.load(dn, slot(n, g.i64c(0))?)).collect()
}

/// Runs `body` on thread 0 only.
fn on_thread_0<'ctx>(
    g: &Gpu<'_, 'ctx>,
    f: FunctionValue<'ctx>,
    tid: IntValue<'ctx>,
    body: &mut dyn FnMut() -> R<()>,
) -> R<()> {
    let (cx, b) = (g.em.cx, g.em.b);
    let write = cx.append_basic_block(f, "write");
    let next = cx.append_basic_block(f, "next");
    b.build_conditional_branch(b.build_int_compare(IntPredicate::EQ, tid, g.i64c(0), "")?, write, next)?;
    b.position_at_end(write);
    body()?;
    b.build_unconditional_branch(next)?;
    b.position_at_end(next);
    Ok(())
}

fn new_entry<'ctx>(g: &Gpu<'_, 'ctx>, name: &str, params: &[BasicMetadataTypeEnum<'ctx>]) -> FunctionValue<'ctx> {
    let f = g.em.m.add_function(name, g.em.cx.void_type().fn_type(params, false), Some(Linkage::External));
    mark_kernel(g.em.cx, g.em.m, f);
    g.em.b.position_at_end(g.em.cx.append_basic_block(f, "entry"));
    f
}

fn param_ptr<'ctx>(f: FunctionValue<'ctx>, n: u32) -> PointerValue<'ctx> {
    f.get_nth_param(n).expect("declared").into_pointer_value()
}

fn param_int<'ctx>(f: FunctionValue<'ctx>, n: u32) -> IntValue<'ctx> {
    f.get_nth_param(n).expect("declared").into_int_value()
}

/// Pass 1 over the data: `sq` the squared deviations from each row's mean (var/std's
/// second pass), else the row kernels' state.
fn emit_chunks<'ctx>(rows: &Rows<'_, '_, 'ctx>, name: &str, sq: bool) -> R<()> {
    let g = rows.g;
    let (cx, b, dt) = (g.em.cx, g.em.b, rows.dt);
    let i64t = cx.i64_type();
    let args_ty = i64t.ptr_type(AddressSpace::from(1u16));
    let slots = if sq { vec![dt] } else { rows.slots() };
    let p4 = if sq { glob(cx, dt) } else { i64t.ptr_type(AddressSpace::from(1u16)) };
    let f = new_entry(g, name, &[args_ty.into(), i64t.into(), i64t.into(), glob(cx, slots[0]).into(), p4.into()]);
    let state = state_allocas(g, &slots)?;
    let shared = shared_slots(g, &slots, if sq { "sq_tree" } else { "chunk_tree" });
    let (args, n_rows, row_len) = (param_ptr(f, 0), param_int(f, 1), param_int(f, 2));
    let (means, parts) = if sq {
        (Some(param_ptr(f, 3)), vec![param_ptr(f, 4)])
    } else {
        (None, vec![param_ptr(f, 3), param_ptr(f, 4)])
    };
    let tid = g.sreg("llvm.nvvm.read.ptx.sreg.tid.x")?;
    let ctaid = g.sreg("llvm.nvvm.read.ptx.sreg.ctaid.x")?;
    let nctaid = g.sreg("llvm.nvvm.read.ptx.sreg.nctaid.x")?;
    let chunk = g.i64c(REDUCE_CHUNK as i64);
    let n_chunks =
        b.build_int_unsigned_div(b.build_int_add(row_len, g.i64c(REDUCE_CHUNK as i64 - 1), "")?, chunk, "")?;
    let pairs = b.build_int_mul(n_rows, n_chunks, "")?;
    // Pairs per block: uniform, so every thread of a block reaches the barriers.
    build_loop(g, f, ctaid, pairs, nctaid, &mut |u| {
        let i = b.build_int_unsigned_div(u, n_chunks, "")?;
        let c = b.build_int_sub(u, b.build_int_mul(i, n_chunks, "")?, "")?;
        let row0 = b.build_int_mul(i, row_len, "")?;
        let lo = b.build_int_mul(c, chunk, "")?;
        let hi_full = b.build_int_add(lo, chunk, "")?;
        let hi = g.em.isel(b.build_int_compare(IntPredicate::SLT, hi_full, row_len, "")?, hi_full, row_len)?;
        let mean = match means {
            Some(p) => Some(g.em.load(dt, at(g, p, i)?)?),
            None => None,
        };
        let init = if sq { vec![identity(&g.em, RowOp::Sum, dt)] } else { rows.init() };
        store_all(g, &slots, &init, &state)?;
        build_loop(g, f, b.build_int_add(lo, tid, "")?, hi, g.i64c(REDUCE_BLOCK as i64), &mut |j| {
            let (_, vals) = g.element(args, b.build_int_add(row0, j, "")?)?;
            let s = load_all(g, &slots, &state)?;
            let s = match mean {
                Some(mean) => {
                    let v = vals[0];
                    let d = rows.bin(BinaryOp::Sub, dt, v, mean)?;
                    let nan = matches!(rows.op, RowOp::Var { nan: true, .. });
                    let d = if nan { rows.sel(rows.is_nan(v)?, identity(&g.em, RowOp::Sum, dt), d)? } else { d };
                    let sq = rows.bin(BinaryOp::Mul, dt, d, d)?;
                    vec![rows.bin(BinaryOp::Add, dt, s[0], sq)?]
                }
                None => rows.step(&s, vals[0], j)?,
            };
            store_all(g, &slots, &s, &state)
        })?;
        let s = load_all(g, &slots, &state)?;
        let s = if sq {
            tree(g, f, &shared, &slots, tid, s, &|a, o| Ok(vec![rows.bin(BinaryOp::Add, dt, a[0], o[0])?]))?
        } else {
            tree(g, f, &shared, &slots, tid, s, &|a, o| rows.merge(a, o))?
        };
        on_thread_0(g, f, tid, &mut || {
            for ((&d, &x), &p) in slots.iter().zip(&s).zip(&parts) {
                g.em.store(d, x, at(g, p, u)?)?;
            }
            Ok(())
        })?;
        // The tree's slots are reused by the next pair: wait until thread 0 has read.
        b.build_call(barrier(g), &[], "")?;
        Ok(())
    })?;
    b.build_return(None)?;
    Ok(())
}

/// Which pass 2 [`emit_final`] builds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Final {
    /// The result of every op but var/std.
    Result,
    /// Var/std: each row's mean and count.
    Mean,
    /// Var/std: the result from the squared deviations and the counts.
    Var,
}

/// Pass 2: one block per row merges the row's partials, then finishes.
fn emit_final<'ctx>(rows: &Rows<'_, '_, 'ctx>, name: &str, what: Final, out_dt: DType) -> R<()> {
    let g = rows.g;
    let (cx, b, dt) = (g.em.cx, g.em.b, rows.dt);
    let i64t = cx.i64_type();
    let i64p = i64t.ptr_type(AddressSpace::from(1u16));
    let slots = if what == Final::Var { vec![dt] } else { rows.slots() };
    let mut params: Vec<BasicMetadataTypeEnum> = vec![glob(cx, slots[0]).into(), i64p.into(), i64t.into(), i64t.into()];
    match what {
        Final::Mean => params.extend([glob(cx, dt).into(), BasicMetadataTypeEnum::from(i64p)]),
        _ => params.push(glob(cx, out_dt).into()),
    }
    let f = new_entry(g, name, &params);
    let state = state_allocas(g, &slots)?;
    let shared = shared_slots(g, &slots, if what == Final::Mean { "mean_tree" } else { "final_tree" });
    let (n_rows, n_chunks) = (param_int(f, 2), param_int(f, 3));
    let parts = if what == Final::Var { vec![param_ptr(f, 0)] } else { vec![param_ptr(f, 0), param_ptr(f, 1)] };
    let tid = g.sreg("llvm.nvvm.read.ptx.sreg.tid.x")?;
    let ctaid = g.sreg("llvm.nvvm.read.ptx.sreg.ctaid.x")?;
    let nctaid = g.sreg("llvm.nvvm.read.ptx.sreg.nctaid.x")?;
    let merge = |a: &Vals<'ctx>, o: &Vals<'ctx>| -> R<Vals<'ctx>> {
        if what == Final::Var {
            Ok(vec![rows.bin(BinaryOp::Add, dt, a[0], o[0])?])
        } else {
            rows.merge(a, o)
        }
    };
    build_loop(g, f, ctaid, n_rows, nctaid, &mut |i| {
        let first = b.build_int_mul(i, n_chunks, "")?;
        let init = if what == Final::Var { vec![identity(&g.em, RowOp::Sum, dt)] } else { rows.init() };
        store_all(g, &slots, &init, &state)?;
        build_loop(g, f, tid, n_chunks, g.i64c(REDUCE_BLOCK as i64), &mut |j| {
            let q = b.build_int_add(first, j, "")?;
            let x: Vals = slots.iter().zip(&parts).map(|(&d, &p)| g.em.load(d, at(g, p, q)?)).collect::<R<_>>()?;
            let s = load_all(g, &slots, &state)?;
            store_all(g, &slots, &merge(&s, &x)?, &state)
        })?;
        let s = load_all(g, &slots, &state)?;
        let s = tree(g, f, &shared, &slots, tid, s, &merge)?;
        match what {
            Final::Mean => {
                let mean = rows.div_count(s[0], s[1].into_int_value())?;
                on_thread_0(g, f, tid, &mut || {
                    g.em.store(dt, mean, at(g, param_ptr(f, 4), i)?)?;
                    g.em.store(DType::Int64, s[1], at(g, param_ptr(f, 5), i)?)
                })?;
            }
            _ => {
                let result: BasicValueEnum = match rows.op {
                    RowOp::CountNonzero => s[0],
                    RowOp::ArgMin | RowOp::ArgMax => s[1],
                    RowOp::Mean { .. } => rows.div_count(s[0], s[1].into_int_value())?,
                    RowOp::Var { nan, ddof, std } => {
                        let count = g.em.load(DType::Int64, at(g, param_ptr(f, 1), i)?)?.into_int_value();
                        rows.finish_var(s[0], count, nan, ddof, std)?
                    }
                    _ => s[0],
                };
                on_thread_0(g, f, tid, &mut || g.em.store(out_dt, result, at(g, param_ptr(f, 4), i)?))?;
            }
        }
        // The tree's slots are reused by the next row: wait until thread 0 has read.
        b.build_call(barrier(g), &[], "")?;
        Ok(())
    })?;
    b.build_return(None)?;
    Ok(())
}

/// Compiles the split row reduction `op` of map kernel `k`'s first output (Note [Split
/// GPU row reductions]).
pub fn compile_split_rows(k: &Kernel, op: RowOp) -> Result<PtxSplitRows, String> {
    super::check_ops(k)?;
    let dt = k.outputs.first().ok_or("ptx backend: a reduction needs an output")?.dtype;
    if !op.accepts(dt) {
        return Err(format!("ptx backend: {op:?} reduction of {} values", dt.name()));
    }
    let out_dt = op.out_dtype(dt);
    let tag = format!("{op:?}").to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    let base = entry_name(k, &format!("split_{tag}"));
    let (chunks_entry, final_entry) = (format!("{base}_chunks"), format!("{base}_final"));
    let var = matches!(op, RowOp::Var { .. });
    let moments_entries = var.then(|| (format!("{base}_mean"), format!("{base}_sq")));
    let text = format!("{}split rows {op:?}\n", crate::kir::kernel_text(k));
    let key = crate::llvm::cache_key("ptx-split", &text);
    let cx = Context::create();
    let m = cx.create_module("hpxl_ptx");
    let b = cx.create_builder();
    let g = Gpu { em: Em { cx: &cx, m: &m, b: &b, fma: true }, k };
    let rows = Rows { g: &g, op, dt };
    let result = |ptx: String| PtxSplitRows {
        ptx,
        chunks_entry: chunks_entry.clone(),
        final_entry: final_entry.clone(),
        moments_entries: moments_entries.clone(),
        value_dtype: dt,
        out_dtype: out_dt,
        state_dtypes: rows.slots(),
        arg_words: k.arg_words(),
        block: REDUCE_BLOCK,
        chunk: REDUCE_CHUNK,
    };
    if let Some(ptx) = crate::llvm::cache_read(&key, &text, "ptx").and_then(|p| String::from_utf8(p).ok()) {
        return Ok(result(ptx));
    }
    let r: R<()> = (|| {
        emit_chunks(&rows, &chunks_entry, false)?;
        if let Some((mean, sq)) = &moments_entries {
            emit_final(&rows, mean, Final::Mean, out_dt)?;
            emit_chunks(&rows, sq, true)?;
            emit_final(&rows, &final_entry, Final::Var, out_dt)?;
        } else {
            emit_final(&rows, &final_entry, Final::Result, out_dt)?;
        }
        Ok(())
    })();
    r.map_err(|e| format!("ptx backend: {e}"))?;
    let ptx = finish(&m, &base)?;
    crate::llvm::cache_write(&key, &text, ptx.as_bytes(), "ptx");
    Ok(result(ptx))
}
