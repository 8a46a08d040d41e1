//! The PTX code generator (feature `gpu`): kir kernels lowered through LLVM's NVPTX
//! target to PTX text for `sm_80` (LLVM 14 stops at sm_86; newer drivers JIT sm_80 PTX
//! forward). This module only generates code; loading and launching it is the CUDA
//! runtime's job.
//!
//! # Map kernels: [`compile`]
//!
//! The entry has the CPU calling convention of `crate::kir` with device memory:
//! `entry(const int64_t *args, int64_t start, int64_t end)`, where `args` points to the
//! same argument words (in device global memory; base pointers are device pointers).
//! Each thread handles the flat positions `p = start + blockIdx.x * blockDim.x +
//! threadIdx.x`, then `p += gridDim.x * blockDim.x` while `p < end` (a grid-stride loop),
//! so any grid size is correct; [`PtxKernel::block`] threads per block is the intended
//! launch shape. The multi-index of `p` is computed by division per element.
//!
//! # Reductions: [`compile_reduction`]
//!
//! A reduction kernel is the map kernel's first output reduced over the whole index
//! space with one of [`GpuReduce`]. Note [Deterministic GPU reductions]: the flat range
//! `[0, n)` is cut into chunks of [`REDUCE_CHUNK`] elements, a partition that depends on
//! `n` only. Pass 1 (`<entry>_chunks`, arguments `(args, n, partials)`) computes one
//! partial per chunk: CTA `c` (grid-stride over chunks) has its [`REDUCE_BLOCK`] threads
//! fold elements `t, t + 256, t + 512, …` of the chunk sequentially, then combines the
//! 256 thread values in shared memory by the fixed tree `s = 128, 64, …, 1: v[t] ⊕=
//! v[t + s]`. Pass 2 (`<entry>_final`, arguments `(partials, n_partials, result)`, one
//! CTA) folds the partials the same way (thread `t` takes partials `t, t + 256, …`, then
//! the tree). Every combination happens in an order fixed by `n`, so the result is
//! bitwise the same for any grid size and any GPU, run after run. It is not the CPU
//! backends' pairwise order, so float sums may differ from them in the last bits.
//!
//! # Operations
//!
//! Everything the CPU backends inline (`llvm/emit.rs`), plus, shared with the LLVM CPU
//! backend:
//!
//! - every transcendental `crate::vmath` implements, float32 and float64 (exp, exp2,
//!   expm1, log, log2, log10, log1p, sin, cos, tan, arcsin, arccos, arctan, sinh, cosh,
//!   tanh, arcsinh, arccosh, arctanh, cbrt), as inline IR transcribed from `vmath`'s
//!   kernels (`llvm/math.rs`, no libdevice). The PTX's `fma.rn`, `div.rn` and `sqrt.rn`
//!   are IEEE operations and LLVM emits `.rn` on every add and multiply (so `ptxas` may
//!   not contract them), so a GPU computes exactly the bits of `vmath`'s FMA variants,
//!   which the CPU backends run on hosts with AVX2 (`compiler/tests/llvm.rs` checks the
//!   same IR compiled for the CPU, `llvm::compile_gpu_ops`, against Cranelift bitwise);
//! - float `power`, `arctan2` and `hypot` (GPU only: the CPU backends call `vmath`):
//!   `vmath`'s kernels, the same bits wherever `vmath` uses them, and libm's special
//!   cases (zeros, infinities, NaNs, |y| > 2^900 for power) by selects where `vmath` calls
//!   libm; arctan2 of finite arguments of 2^1023 or more scales both by 1/4 (within a
//!   few ulp of libm there);
//! - integer and float `//`, `%` and `fmod`, and integer `reciprocal` (`llvm/divmod.rs`,
//!   the interp's bits; float `fmod` by exact long division, Note [Exact fmod], since
//!   NVPTX cannot lower `frem`).
//!
//! The GPU gap: sin, cos and tan arguments beyond |x| = 1.6e6 (and NaN), which the CPU
//! sends to libm (Note [Rare tiles] in `llvm/cpu.rs`), use the same reduction here and lose
//! accuracy there; NaN results are the GPU's canonical NaN rather than the CPU's payload.
//! `llvm::compile_gpu_ops` compiles this operation set for the CPU, which is what the fake
//! device runs (`fuse::cpu_executor`) and what `compiler/tests/llvm.rs` compares with
//! Cranelift. Integer `power` is inline here too (`llvm/divmod.rs`, repeated squaring
//! with wrapping multiplies, the interp's bits); the CPU backends leave it to the interp
//! and the runtime fuses it only on the GPU. Negative exponents raise when the node is
//! built (`arrays::binary`), so no kernel has to.
//!
//! # Row reductions: [`compile_rows`]
//!
//! Every other reduction — over some axes, and mean, var/std, argmin/argmax,
//! count_nonzero and the nan-variants full or not — is one entry that reduces each of
//! `m` rows of `k` flat positions, one thread or one block per row (Note [GPU row
//! reductions] in `rows.rs`); [`compile_split_rows`] reduces few long rows by chunks
//! across blocks, then one block per row (Note [Split GPU row reductions] in
//! `split.rs`). Only `nanargmin`/`nanargmax` (which raise on an all-NaN
//! row) run on the CPU (`fuse/gpu.rs`).

mod rows;
mod split;

use crate::jit::plan::{self, operands, Class, Options};
use crate::kir::{InstKind, Kernel, Stride};
use crate::llvm::emit::{mem_ty, Em, R};
use crate::llvm::math;
use crate::ops::BinaryOp;
use hpxl_runtime::DType;
pub use rows::{compile_rows, Layout, PtxRows, RowOp, RowReduce};
pub use split::{compile_split_rows, PtxSplitRows};
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::targets::{CodeModel, FileType, RelocMode, Target, TargetMachine, TargetTriple};
use inkwell::types::BasicType;
use inkwell::values::{BasicValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate, OptimizationLevel};

/// The GPU architecture the PTX targets.
pub const SM: &str = "sm_80";
/// Threads per block of every generated kernel.
pub const BLOCK: u32 = 256;
/// Threads per block of the reduction kernels.
pub const REDUCE_BLOCK: u32 = 256;
/// Elements per pass-1 chunk (Note [Deterministic GPU reductions]).
pub const REDUCE_CHUNK: u32 = 4096;

/// A compiled map kernel (see the module docs for the parameters).
#[derive(Clone, Debug)]
pub struct PtxKernel {
    /// PTX assembly text (`.version`, `.target sm_80`, one `.entry`).
    pub ptx: String,
    /// The entry's name: parameters `(const i64 *args, i64 start, i64 end)`.
    pub entry: String,
    /// Argument words of `args` (`Kernel::arg_words`), laid out as on the CPU.
    pub arg_words: usize,
    /// Intended threads per block.
    pub block: u32,
}

/// A reduction over the whole index space of a map kernel's first output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GpuReduce {
    Sum,
    Prod,
    /// NaN-propagating, as NumPy's `min`.
    Min,
    /// NaN-propagating, as NumPy's `max`.
    Max,
    /// Bool outputs: logical or.
    Any,
    /// Bool outputs: logical and.
    All,
}

/// A compiled two-pass reduction (Note [Deterministic GPU reductions]).
#[derive(Clone, Debug)]
pub struct PtxReduction {
    pub ptx: String,
    /// Pass 1: `(const i64 *args, i64 n, T *partials)`, `ceil(n / chunk)` partials.
    pub chunks_entry: String,
    /// Pass 2: `(const T *partials, i64 n_partials, T *result)`, launched as one block.
    pub final_entry: String,
    /// The element (and partial) dtype: the kernel's first output dtype.
    pub dtype: DType,
    pub arg_words: usize,
    pub block: u32,
    pub chunk: u32,
}

fn nvptx_machine() -> Result<TargetMachine, String> {
    crate::llvm::init_targets()?;
    let triple = TargetTriple::create("nvptx64-nvidia-cuda");
    let target = Target::from_triple(&triple).map_err(|e| format!("ptx backend: {e}"))?;
    target
        .create_target_machine(
            &triple,
            SM,
            "+ptx70",
            OptimizationLevel::Aggressive,
            RelocMode::Default,
            CodeModel::Default,
        )
        .ok_or_else(|| "ptx backend: no NVPTX target machine".to_string())
}

/// Rejects kernels with ops the GPU cannot run inline.
fn check_ops(k: &Kernel) -> Result<(), String> {
    crate::kir::verify(k).map_err(|e| format!("ptx backend: invalid kernel: {e}"))?;
    let opts = Options {
        vmath: false,
        inline_math: math::gpu_unary,
        inline_division: true,
        inline_binary_math: math::gpu_binary,
        inline_int_power: true,
        ..Options::default()
    };
    let p = plan::plan(k, &opts).map_err(|e| e.replace("cranelift backend", "ptx backend"))?;
    for (v, inst) in k.body.iter().enumerate() {
        if p.live[v] && p.class[v] == Class::Call {
            let what = match inst.kind {
                InstKind::Unary { op, x } => format!("{} on {}", op.name(), k.body[x as usize].dtype.name()),
                InstKind::Binary { op, a, .. } => format!("{} on {}", op.name(), k.body[a as usize].dtype.name()),
                _ => "an instruction".into(),
            };
            return Err(format!("ptx backend: `{what}` is not supported on the GPU yet"));
        }
    }
    Ok(())
}

struct Gpu<'a, 'ctx> {
    em: Em<'a, 'ctx>,
    k: &'a Kernel,
}

fn glob<'ctx>(cx: &'ctx Context, dt: DType) -> inkwell::types::PointerType<'ctx> {
    mem_ty(cx, dt).ptr_type(AddressSpace::from(1u16))
}

impl<'a, 'ctx> Gpu<'a, 'ctx> {
    fn i64c(&self, v: i64) -> IntValue<'ctx> {
        self.em.i64().const_int(v as u64, true)
    }

    fn sreg(&self, name: &str) -> R<IntValue<'ctx>> {
        let i32t = self.em.cx.i32_type();
        let f = self
            .em
            .m
            .get_function(name)
            .unwrap_or_else(|| self.em.m.add_function(name, i32t.fn_type(&[], false), None));
        let v = match self.em.b.build_call(f, &[], "")?.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(v) => v.into_int_value(),
            _ => unreachable!("special registers are values"),
        };
        self.em.b.build_int_z_extend(v, self.em.i64(), "")
    }

    fn word(&self, args: PointerValue<'ctx>, w: usize) -> R<IntValue<'ctx>> {
        let p = unsafe { self.em.b.build_in_bounds_gep(args, &[self.i64c(w as i64)], "")? };
        Ok(self.em.b.build_load(p, "")?.into_int_value())
    }

    /// The multi-index of flat position `p` and the kernel's output values there.
    #[allow(clippy::type_complexity)]
    fn element(
        &self,
        args: PointerValue<'ctx>,
        p: IntValue<'ctx>,
    ) -> R<(Vec<IntValue<'ctx>>, Vec<BasicValueEnum<'ctx>>)> {
        let (k, b) = (self.k, self.em.b);
        let nd = k.ndim as usize;
        let mut idx = vec![self.i64c(0); nd];
        let mut rem = p;
        for d in (1..nd).rev() {
            let e = self.word(args, d)?;
            let q = b.build_int_unsigned_div(rem, e, "")?;
            idx[d] = b.build_int_sub(rem, b.build_int_mul(q, e, "")?, "")?;
            rem = q;
        }
        idx[0] = rem;
        let mut val: Vec<Option<BasicValueEnum>> = vec![None; k.body.len()];
        let mut live = vec![false; k.body.len()];
        for o in &k.outputs {
            live[o.value as usize] = true;
        }
        for v in (0..k.body.len()).rev() {
            if live[v] {
                for u in operands(&k.body[v].kind) {
                    live[u as usize] = true;
                }
            }
        }
        for (v, inst) in k.body.iter().enumerate() {
            if !live[v] {
                continue;
            }
            let dt = inst.dtype;
            let x = match inst.kind {
                InstKind::Load { input } => {
                    let w = k.input_word(input as usize);
                    let mut off = self.word(args, w + 1)?;
                    for (d, &i) in idx.iter().enumerate() {
                        if d == nd - 1 && k.inputs[input as usize].inner == Stride::Zero {
                            continue;
                        }
                        off = b.build_int_add(off, b.build_int_mul(self.word(args, w + 2 + d)?, i, "")?, "")?;
                    }
                    let base = b.build_int_to_ptr(self.word(args, w)?, glob(self.em.cx, dt), "")?;
                    self.em.load(dt, unsafe { b.build_gep(base, &[off], "")? })?
                }
                InstKind::Param { param } => self.em.param_value(dt, self.word(args, k.param_word(param as usize))?)?,
                InstKind::Index { index } => {
                    let w = k.index_word(index as usize);
                    let mut g = self.word(args, w)?;
                    for (d, &i) in idx.iter().enumerate() {
                        g = b.build_int_add(g, b.build_int_mul(self.word(args, w + 1 + d)?, i, "")?, "")?;
                    }
                    g.into()
                }
                _ => {
                    let ops: Vec<(BasicValueEnum, DType)> = operands(&inst.kind)
                        .into_iter()
                        .map(|u| (val[u as usize].expect("operand before use"), k.body[u as usize].dtype))
                        .collect();
                    match inst.kind {
                        InstKind::Unary { op, .. } if math::gpu_unary(op, ops[0].1) => {
                            self.em.math_unary(op, ops[0].0.into_float_value())?.0.into()
                        }
                        _ => self.em.inst(&inst.kind, dt, &ops)?,
                    }
                }
            };
            val[v] = Some(x);
        }
        Ok((idx, k.outputs.iter().map(|o| val[o.value as usize].expect("computed")).collect()))
    }
}

/// Adds the kernel annotations: PTX_Kernel calling convention and `nvvm.annotations`.
fn mark_kernel<'ctx>(cx: &'ctx Context, m: &Module<'ctx>, f: FunctionValue<'ctx>) {
    const PTX_KERNEL: u32 = 71;
    f.set_call_conventions(PTX_KERNEL);
    let md = cx.metadata_node(&[
        f.as_global_value().as_pointer_value().into(),
        cx.metadata_string("kernel").into(),
        cx.i32_type().const_int(1, false).into(),
    ]);
    m.add_global_metadata("nvvm.annotations", &md).expect("metadata node");
    let nounwind = Attribute::get_named_enum_kind_id("nounwind");
    f.add_attribute(AttributeLoc::Function, cx.create_enum_attribute(nounwind, 0));
}

/// A grid-stride loop over `[start, end)`: `body(p)` per position.
fn grid_stride<'ctx>(
    g: &Gpu<'_, 'ctx>,
    f: FunctionValue<'ctx>,
    start: IntValue<'ctx>,
    end: IntValue<'ctx>,
    body: &mut dyn FnMut(IntValue<'ctx>) -> R<()>,
) -> R<()> {
    let (cx, b) = (g.em.cx, g.em.b);
    let tid = g.sreg("llvm.nvvm.read.ptx.sreg.tid.x")?;
    let ntid = g.sreg("llvm.nvvm.read.ptx.sreg.ntid.x")?;
    let ctaid = g.sreg("llvm.nvvm.read.ptx.sreg.ctaid.x")?;
    let nctaid = g.sreg("llvm.nvvm.read.ptx.sreg.nctaid.x")?;
    let first = b.build_int_add(start, b.build_int_add(b.build_int_mul(ctaid, ntid, "")?, tid, "")?, "")?;
    let stride = b.build_int_mul(nctaid, ntid, "")?;
    let pre = b.get_insert_block().expect("positioned");
    let head = cx.append_basic_block(f, "loop");
    let exit = cx.append_basic_block(f, "exit");
    let any = b.build_int_compare(IntPredicate::SLT, first, end, "")?;
    b.build_conditional_branch(any, head, exit)?;
    b.position_at_end(head);
    let p = b.build_phi(g.em.i64(), "p")?;
    p.add_incoming(&[(&first, pre)]);
    let pv = p.as_basic_value().into_int_value();
    body(pv)?;
    let p2 = b.build_int_add(pv, stride, "")?;
    p.add_incoming(&[(&p2, b.get_insert_block().expect("positioned"))]);
    let more = b.build_int_compare(IntPredicate::SLT, p2, end, "")?;
    b.build_conditional_branch(more, head, exit)?;
    b.position_at_end(exit);
    Ok(())
}

fn finish(m: &Module, what: &str) -> Result<String, String> {
    m.verify().map_err(|e| format!("ptx backend: invalid IR for {what}: {e}"))?;
    let tm = nvptx_machine()?;
    m.set_triple(&tm.get_triple());
    m.set_data_layout(&tm.get_target_data().get_data_layout());
    let po = inkwell::passes::PassBuilderOptions::create();
    m.run_passes("default<O3>", &tm, po).map_err(|e| format!("ptx backend: passes: {e}"))?;
    let buf = tm.write_to_memory_buffer(m, FileType::Assembly).map_err(|e| format!("ptx backend: codegen: {e}"))?;
    Ok(String::from_utf8_lossy(buf.as_slice()).trim_end_matches('\0').to_string())
}

fn entry_name(k: &Kernel, kind: &str) -> String {
    // From the kernel's structure only, so a snapshot changes only when the code does.
    format!("hpxl_{kind}_{}", crate::llvm::text_hash(&crate::kir::kernel_text(k)))
}

/// Compiles map kernel `k` to PTX (see the module docs).
pub fn compile(k: &Kernel) -> Result<PtxKernel, String> {
    check_ops(k)?;
    let entry = entry_name(k, "map");
    let text = crate::kir::kernel_text(k);
    let key = crate::llvm::cache_key("ptx-map", &text);
    if let Some(ptx) = crate::llvm::cache_read(&key, &text, "ptx") {
        if let Ok(ptx) = String::from_utf8(ptx) {
            return Ok(PtxKernel { ptx, entry, arg_words: k.arg_words(), block: BLOCK });
        }
    }
    let cx = Context::create();
    let m = cx.create_module("hpxl_ptx");
    let b = cx.create_builder();
    let i64t = cx.i64_type();
    let args_ty = i64t.ptr_type(AddressSpace::from(1u16));
    let f = m.add_function(
        &entry,
        cx.void_type().fn_type(&[args_ty.into(), i64t.into(), i64t.into()], false),
        Some(Linkage::External),
    );
    mark_kernel(&cx, &m, f);
    let noalias = Attribute::get_named_enum_kind_id("noalias");
    f.add_attribute(AttributeLoc::Param(0), cx.create_enum_attribute(noalias, 0));
    let g = Gpu { em: Em { cx: &cx, m: &m, b: &b, fma: true }, k };
    b.position_at_end(cx.append_basic_block(f, "entry"));
    let args = f.get_nth_param(0).expect("args").into_pointer_value();
    let (start, end) =
        (f.get_nth_param(1).expect("start").into_int_value(), f.get_nth_param(2).expect("end").into_int_value());
    let r: R<()> = (|| {
        grid_stride(&g, f, start, end, &mut |p| {
            let (idx, vals) = g.element(args, p)?;
            for (o, out) in k.outputs.iter().enumerate() {
                let w = k.output_word(o);
                let mut off = g.word(args, w + 1)?;
                for (d, &i) in idx.iter().enumerate() {
                    off = b.build_int_add(off, b.build_int_mul(g.word(args, w + 2 + d)?, i, "")?, "")?;
                }
                let base = b.build_int_to_ptr(g.word(args, w)?, glob(&cx, out.dtype), "")?;
                g.em.store(out.dtype, vals[o], unsafe { b.build_gep(base, &[off], "")? })?;
            }
            Ok(())
        })?;
        b.build_return(None)?;
        Ok(())
    })();
    r.map_err(|e| format!("ptx backend: {e}"))?;
    let ptx = finish(&m, &entry)?;
    crate::llvm::cache_write(&key, &text, ptx.as_bytes(), "ptx");
    Ok(PtxKernel { ptx, entry, arg_words: k.arg_words(), block: BLOCK })
}

impl<'ctx> Gpu<'_, 'ctx> {
    fn identity(&self, op: GpuReduce, dt: DType) -> BasicValueEnum<'ctx> {
        let em = &self.em;
        match (op, dt.is_float()) {
            (GpuReduce::Any, _) => em.bool_const(false).into(),
            (GpuReduce::All, _) => em.bool_const(true).into(),
            (GpuReduce::Sum, true) => em.fconst(dt, 0.0).into(),
            (GpuReduce::Prod, true) => em.fconst(dt, 1.0).into(),
            (GpuReduce::Min, true) => em.fconst(dt, f64::INFINITY).into(),
            (GpuReduce::Max, true) => em.fconst(dt, f64::NEG_INFINITY).into(),
            (GpuReduce::Sum, false) => em.iconst(dt, 0).into(),
            (GpuReduce::Prod, false) => em.iconst(dt, 1).into(),
            (GpuReduce::Min, false) => {
                let bits = dt.itemsize() as u32 * 8;
                let max = if dt.is_signed_int() { (1u64 << (bits - 1)) - 1 } else { u64::MAX >> (64 - bits) };
                em.ity(dt).const_int(max, false).into()
            }
            (GpuReduce::Max, false) => {
                let bits = dt.itemsize() as u32 * 8;
                let min = if dt.is_signed_int() { 1u64 << (bits - 1) } else { 0 };
                em.ity(dt).const_int(min, false).into()
            }
        }
    }

    fn combine(
        &self,
        op: GpuReduce,
        dt: DType,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        let bop = match op {
            GpuReduce::Sum => BinaryOp::Add,
            GpuReduce::Prod => BinaryOp::Mul,
            GpuReduce::Min => BinaryOp::Minimum,
            GpuReduce::Max => BinaryOp::Maximum,
            GpuReduce::Any => BinaryOp::LogicalOr,
            GpuReduce::All => BinaryOp::LogicalAnd,
        };
        self.em.inst(&InstKind::Binary { op: bop, a: 0, b: 0 }, dt, &[(a, dt), (b, dt)])
    }

    /// Folds `v` of every thread of the block by the fixed tree; thread 0 gets the result.
    fn block_tree(
        &self,
        f: FunctionValue<'ctx>,
        op: GpuReduce,
        dt: DType,
        shared: PointerValue<'ctx>,
        tid: IntValue<'ctx>,
        v: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        let (cx, b) = (self.em.cx, self.em.b);
        let barrier =
            self.em.m.get_function("llvm.nvvm.barrier0").unwrap_or_else(|| {
                self.em.m.add_function("llvm.nvvm.barrier0", cx.void_type().fn_type(&[], false), None)
            });
        let slot = |i: IntValue<'ctx>| unsafe { b.build_in_bounds_gep(shared, &[self.i64c(0), i], "") };
        self.em.store(dt, v, slot(tid)?)?;
        let mut s = REDUCE_BLOCK / 2;
        while s > 0 {
            b.build_call(barrier, &[], "")?;
            let active = b.build_int_compare(IntPredicate::ULT, tid, self.i64c(s as i64), "")?;
            let then = cx.append_basic_block(f, "tree");
            let join = cx.append_basic_block(f, "tree_join");
            b.build_conditional_branch(active, then, join)?;
            b.position_at_end(then);
            let mine = self.em.load(dt, slot(tid)?)?;
            let other = self.em.load(dt, slot(b.build_int_add(tid, self.i64c(s as i64), "")?)?)?;
            let c = self.combine(op, dt, mine, other)?;
            self.em.store(dt, c, slot(tid)?)?;
            b.build_unconditional_branch(join)?;
            b.position_at_end(join);
            s /= 2;
        }
        b.build_call(barrier, &[], "")?;
        self.em.load(dt, slot(self.i64c(0))?)
    }
}

/// Compiles the reduction of map kernel `k`'s first output by `op` (see the module docs).
pub fn compile_reduction(k: &Kernel, op: GpuReduce) -> Result<PtxReduction, String> {
    check_ops(k)?;
    let dt = k.outputs.first().ok_or("ptx backend: a reduction needs an output")?.dtype;
    if matches!(op, GpuReduce::Any | GpuReduce::All) != (dt == DType::Bool) {
        return Err(format!("ptx backend: {op:?} reduction of {} values", dt.name()));
    }
    let base = entry_name(k, &format!("{op:?}").to_lowercase());
    let (chunks_entry, final_entry) = (format!("{base}_chunks"), format!("{base}_final"));
    let text = format!("{}reduce {op:?}\n", crate::kir::kernel_text(k));
    let key = crate::llvm::cache_key("ptx-reduce", &text);
    let result = |ptx: String| PtxReduction {
        ptx,
        chunks_entry: chunks_entry.clone(),
        final_entry: final_entry.clone(),
        dtype: dt,
        arg_words: k.arg_words(),
        block: REDUCE_BLOCK,
        chunk: REDUCE_CHUNK,
    };
    if let Some(ptx) = crate::llvm::cache_read(&key, &text, "ptx").and_then(|p| String::from_utf8(p).ok()) {
        return Ok(result(ptx));
    }
    let cx = Context::create();
    let m = cx.create_module("hpxl_ptx");
    let b = cx.create_builder();
    let i64t = cx.i64_type();
    let ty = mem_ty(&cx, dt);
    let shared_ty = ty.array_type(REDUCE_BLOCK);
    let g = Gpu { em: Em { cx: &cx, m: &m, b: &b, fma: true }, k };
    let r: R<()> = (|| {
        // Pass 1: one partial per chunk.
        let args_ty = i64t.ptr_type(AddressSpace::from(1u16));
        let f1 = m.add_function(
            &chunks_entry,
            cx.void_type().fn_type(&[args_ty.into(), i64t.into(), glob(&cx, dt).into()], false),
            Some(Linkage::External),
        );
        mark_kernel(&cx, &m, f1);
        let sh1 = m.add_global(shared_ty, Some(AddressSpace::from(3u16)), "partial_tree_1");
        sh1.set_initializer(&shared_ty.get_undef());
        sh1.set_linkage(Linkage::Internal);
        b.position_at_end(cx.append_basic_block(f1, "entry"));
        let args = f1.get_nth_param(0).expect("args").into_pointer_value();
        let n = f1.get_nth_param(1).expect("n").into_int_value();
        let partials = f1.get_nth_param(2).expect("partials").into_pointer_value();
        let tid = g.sreg("llvm.nvvm.read.ptx.sreg.tid.x")?;
        let ctaid = g.sreg("llvm.nvvm.read.ptx.sreg.ctaid.x")?;
        let nctaid = g.sreg("llvm.nvvm.read.ptx.sreg.nctaid.x")?;
        let chunk = g.i64c(REDUCE_CHUNK as i64);
        let n_chunks = b.build_int_unsigned_div(b.build_int_add(n, g.i64c(REDUCE_CHUNK as i64 - 1), "")?, chunk, "")?;
        // for c in (ctaid..n_chunks).step_by(nctaid) — uniform per block, so the
        // barriers inside are reached by every thread of the block.
        let pre = b.get_insert_block().expect("positioned");
        let head = cx.append_basic_block(f1, "chunk");
        let exit = cx.append_basic_block(f1, "exit");
        b.build_conditional_branch(b.build_int_compare(IntPredicate::ULT, ctaid, n_chunks, "")?, head, exit)?;
        b.position_at_end(head);
        let c = b.build_phi(i64t, "c")?;
        c.add_incoming(&[(&ctaid, pre)]);
        let cv = c.as_basic_value().into_int_value();
        let lo = b.build_int_mul(cv, chunk, "")?;
        let hi_full = b.build_int_add(lo, chunk, "")?;
        let hi = g.em.isel(b.build_int_compare(IntPredicate::ULT, hi_full, n, "")?, hi_full, n)?;
        // Thread t folds lo + t, lo + t + 256, … sequentially.
        let acc_slot = {
            let entry_bb = f1.get_first_basic_block().expect("entry");
            let here = b.get_insert_block().expect("positioned");
            b.position_at(entry_bb, &entry_bb.get_first_instruction().expect("entry has instructions"));
            let s = b.build_alloca(ty, "acc")?;
            b.position_at_end(here);
            s
        };
        let ident = g.identity(op, dt);
        g.em.store(dt, ident, acc_slot)?;
        let fold_pre = b.get_insert_block().expect("positioned");
        let fold = cx.append_basic_block(f1, "fold");
        let folded = cx.append_basic_block(f1, "folded");
        let first = b.build_int_add(lo, tid, "")?;
        b.build_conditional_branch(b.build_int_compare(IntPredicate::ULT, first, hi, "")?, fold, folded)?;
        b.position_at_end(fold);
        let p = b.build_phi(i64t, "p")?;
        p.add_incoming(&[(&first, fold_pre)]);
        let pv = p.as_basic_value().into_int_value();
        let (_, vals) = g.element(args, pv)?;
        let acc = g.em.load(dt, acc_slot)?;
        let acc2 = g.combine(op, dt, acc, vals[0])?;
        g.em.store(dt, acc2, acc_slot)?;
        let p2 = b.build_int_add(pv, g.i64c(REDUCE_BLOCK as i64), "")?;
        p.add_incoming(&[(&p2, b.get_insert_block().expect("positioned"))]);
        b.build_conditional_branch(b.build_int_compare(IntPredicate::ULT, p2, hi, "")?, fold, folded)?;
        b.position_at_end(folded);
        let mine = g.em.load(dt, acc_slot)?;
        let total = g.block_tree(f1, op, dt, sh1.as_pointer_value(), tid, mine)?;
        let is0 = b.build_int_compare(IntPredicate::EQ, tid, g.i64c(0), "")?;
        let write = cx.append_basic_block(f1, "write");
        let next = cx.append_basic_block(f1, "next_chunk");
        b.build_conditional_branch(is0, write, next)?;
        b.position_at_end(write);
        g.em.store(dt, total, unsafe { b.build_in_bounds_gep(partials, &[cv], "")? })?;
        b.build_unconditional_branch(next)?;
        b.position_at_end(next);
        // The tree's slots are reused by the next chunk: wait until thread 0 has read.
        let barrier = m.get_function("llvm.nvvm.barrier0").expect("declared by block_tree");
        b.build_call(barrier, &[], "")?;
        let c2 = b.build_int_add(cv, nctaid, "")?;
        c.add_incoming(&[(&c2, next)]);
        b.build_conditional_branch(b.build_int_compare(IntPredicate::ULT, c2, n_chunks, "")?, head, exit)?;
        b.position_at_end(exit);
        b.build_return(None)?;

        // Pass 2: one block folds the partials.
        let f2 = m.add_function(
            &final_entry,
            cx.void_type().fn_type(&[glob(&cx, dt).into(), i64t.into(), glob(&cx, dt).into()], false),
            Some(Linkage::External),
        );
        mark_kernel(&cx, &m, f2);
        let sh2 = m.add_global(shared_ty, Some(AddressSpace::from(3u16)), "partial_tree_2");
        sh2.set_initializer(&shared_ty.get_undef());
        sh2.set_linkage(Linkage::Internal);
        b.position_at_end(cx.append_basic_block(f2, "entry"));
        let parts = f2.get_nth_param(0).expect("partials").into_pointer_value();
        let np = f2.get_nth_param(1).expect("n").into_int_value();
        let out = f2.get_nth_param(2).expect("result").into_pointer_value();
        let acc_slot = b.build_alloca(ty, "acc")?;
        let tid = g.sreg("llvm.nvvm.read.ptx.sreg.tid.x")?;
        g.em.store(dt, g.identity(op, dt), acc_slot)?;
        let pre = b.get_insert_block().expect("positioned");
        let fold = cx.append_basic_block(f2, "fold");
        let folded = cx.append_basic_block(f2, "folded");
        b.build_conditional_branch(b.build_int_compare(IntPredicate::ULT, tid, np, "")?, fold, folded)?;
        b.position_at_end(fold);
        let i = b.build_phi(i64t, "i")?;
        i.add_incoming(&[(&tid, pre)]);
        let iv = i.as_basic_value().into_int_value();
        let x = g.em.load(dt, unsafe { b.build_in_bounds_gep(parts, &[iv], "")? })?;
        let acc = g.em.load(dt, acc_slot)?;
        g.em.store(dt, g.combine(op, dt, acc, x)?, acc_slot)?;
        let i2 = b.build_int_add(iv, g.i64c(REDUCE_BLOCK as i64), "")?;
        i.add_incoming(&[(&i2, b.get_insert_block().expect("positioned"))]);
        b.build_conditional_branch(b.build_int_compare(IntPredicate::ULT, i2, np, "")?, fold, folded)?;
        b.position_at_end(folded);
        let mine = g.em.load(dt, acc_slot)?;
        let total = g.block_tree(f2, op, dt, sh2.as_pointer_value(), tid, mine)?;
        let is0 = b.build_int_compare(IntPredicate::EQ, tid, g.i64c(0), "")?;
        let write = cx.append_basic_block(f2, "write");
        let done = cx.append_basic_block(f2, "done");
        b.build_conditional_branch(is0, write, done)?;
        b.position_at_end(write);
        g.em.store(dt, total, out)?;
        b.build_unconditional_branch(done)?;
        b.position_at_end(done);
        b.build_return(None)?;
        Ok(())
    })();
    r.map_err(|e| format!("ptx backend: {e}"))?;
    let ptx = finish(&m, &base)?;
    crate::llvm::cache_write(&key, &text, ptx.as_bytes(), "ptx");
    Ok(result(ptx))
}
