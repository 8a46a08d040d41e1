//! `lower_to_llvm`: a kir kernel as one LLVM function with the CPU calling convention of
//! `crate::kir`, written as scalar loops that LLVM's loop vectoriser widens.
//!
//! The loop structure follows the Cranelift backend (`jit/lower.rs`) and uses its plan
//! (`jit/plan.rs`, Note [Stages and tiles]) unchanged: the multi-index of `start`, one
//! innermost run per row, an odometer over the outer dimensions; kernels with slice
//! calls run each row in tiles, stage by stage, with scratch buffers between stages.
//! What differs: each stage is one scalar loop (no hand-written vector code), the
//! transcendentals of `math.rs` and the divisions of `divmod.rs` are inline (so they are
//! not calls and do not split stages), and kernels with rare arguments buffer their
//! outputs per tile (Note [Rare tiles]). Row pointers are recomputed from the multi-index at each row
//! rather than carried, which costs a few multiplications per row.
//!
//! Note [Rare tiles]: an inline transcendental with rare arguments (`math.rs`) raises a
//! flag instead of branching, which keeps the loop vectorisable. The kernel then runs
//! every row in tiles of `plan.tile` elements: the fast pass writes the outputs into
//! per-tile buffers and ORs the flags; if any flag is set, the tile is recomputed in
//! exact mode, where the transcendental is a call of `math::exact_scalar` (vmath's scalar
//! code, libm for rare arguments: the same bits as the inline code elsewhere, and no
//! second copy of the polynomial to optimise); then the buffers are copied to the
//! outputs. Writing outputs only after both passes keeps an
//! output that exactly aliases an input (an in-place update) correct: the exact pass
//! still reads the original inputs.

use super::emit::{mem_ty, reg_ty, Em, R};
use super::math;
use crate::jit::plan::{is_direct, operands, Callee, Class, Plan};
use crate::kir::{InstKind, Kernel, Stride};
use crate::ops::{BinaryOp, UnaryOp};
use hpxl_runtime::DType;
use inkwell::basic_block::BasicBlock;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::BasicType;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};

/// An external function a kernel calls, by symbol: resolved when the object is loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Extern {
    pub name: String,
    pub addr: usize,
}

/// The symbol of the slice function planned for instruction `v`.
fn callee_name(k: &Kernel, plan: &Plan, v: usize) -> (String, usize) {
    let dt_in = |u: u32| k.body[u as usize].dtype;
    match (k.body[v].kind, plan.callee[v].expect("call has a callee")) {
        (InstKind::Unary { op, x }, Callee::Unary(f)) => {
            let dt = dt_in(x);
            let lib = if crate::vmath::unary_slice(op, dt).map(|g| g as usize) == Some(f as usize) {
                "vmath"
            } else {
                "exact"
            };
            (format!("hpxl.{lib}.{}.{}", op.name(), dt.name()), f as usize)
        }
        (InstKind::Binary { op, a, .. }, Callee::Binary(f)) => {
            let dt = dt_in(a);
            let lib = if crate::vmath::binary_slice(op, dt).map(|g| g as usize) == Some(f as usize) {
                "vmath"
            } else {
                "exact"
            };
            (format!("hpxl.{lib}.{}.{}", op.name(), dt.name()), f as usize)
        }
        _ => unreachable!("callees match their instruction"),
    }
}

/// Whether instruction `v` is an inline transcendental with rare arguments.
fn rare_inst(k: &Kernel, plan: &Plan, v: usize) -> Option<UnaryOp> {
    match k.body[v].kind {
        InstKind::Unary { op, x }
            if plan.class[v] == Class::Inline
                && plan.live[v]
                && math::inline_unary(op, k.body[x as usize].dtype)
                && math::has_rare(op) =>
        {
            Some(op)
        }
        _ => None,
    }
}

/// Every external symbol the kernel's code refers to, with its address in this process
/// (`fma`: the target has fused multiply-add, which selects the exact-pass functions).
pub(crate) fn externs(k: &Kernel, plan: &Plan, fma: bool) -> Vec<Extern> {
    let mut out: Vec<Extern> = Vec::new();
    let mut add = |name: String, addr: usize| {
        if !out.iter().any(|e| e.name == name) {
            out.push(Extern { name, addr });
        }
    };
    for &c in &plan.calls {
        let (name, addr) = callee_name(k, plan, c as usize);
        add(name, addr);
    }
    for v in 0..k.body.len() {
        if let Some(op) = rare_inst(k, plan, v) {
            let (name, addr) = math::exact_scalar(op, fma);
            add(name.to_string(), addr);
        }
    }
    out
}

/// One array access (inputs first, then outputs).
struct Access {
    word: usize,
    dtype: DType,
    inner: Stride,
}

/// Where a tile (or run) starts: per access a pointer to its first element (typed, memory
/// type) and its inner stride in elements; per index generator its value and coefficient.
#[derive(Clone)]
struct Span<'ctx> {
    base: Vec<Option<PointerValue<'ctx>>>,
    step: Vec<Option<IntValue<'ctx>>>,
    g: Vec<Option<(IntValue<'ctx>, IntValue<'ctx>)>>,
}

struct Lower<'a, 'ctx> {
    k: &'a Kernel,
    plan: &'a Plan,
    em: Em<'a, 'ctx>,
    f: FunctionValue<'ctx>,
    args: PointerValue<'ctx>,
    acc: Vec<Access>,
    used: Vec<bool>,
    gens_used: Vec<bool>,
    /// The scratch area (`plan.scratch_bytes`) and the per-output tile buffers.
    scratch: Option<PointerValue<'ctx>>,
    out_tiles: Vec<PointerValue<'ctx>>,
    /// The rare flag of the current tile (an `i1` slot), when the kernel has rare ops.
    rare: Option<PointerValue<'ctx>>,
}

/// Emits the kernel function `name` into `m`. `fma`: the target has fused multiply-add.
pub(crate) fn lower_to_llvm<'ctx>(
    cx: &'ctx Context,
    m: &Module<'ctx>,
    k: &Kernel,
    plan: &Plan,
    name: &str,
    fma: bool,
) -> R<FunctionValue<'ctx>> {
    let i64t = cx.i64_type();
    let fn_ty =
        cx.void_type().fn_type(&[i64t.ptr_type(AddressSpace::default()).into(), i64t.into(), i64t.into()], false);
    let f = m.add_function(name, fn_ty, Some(Linkage::External));
    let b = cx.create_builder();
    let em = Em { cx, m, b: &b, fma };
    let mut acc = Vec::new();
    for (i, input) in k.inputs.iter().enumerate() {
        acc.push(Access { word: k.input_word(i), dtype: input.dtype, inner: input.inner });
    }
    for (o, out) in k.outputs.iter().enumerate() {
        acc.push(Access { word: k.output_word(o), dtype: out.dtype, inner: out.inner });
    }
    let mut used = vec![false; acc.len()];
    let mut gens_used = vec![false; k.indices as usize];
    for (v, inst) in k.body.iter().enumerate() {
        if !plan.live[v] {
            continue;
        }
        match inst.kind {
            InstKind::Load { input } => used[input as usize] = true,
            InstKind::Index { index } => gens_used[index as usize] = true,
            _ => {}
        }
    }
    for o in 0..k.outputs.len() {
        used[k.inputs.len() + o] = true;
    }
    let args = f.get_nth_param(0).expect("three parameters").into_pointer_value();
    let mut l = Lower { k, plan, em, f, args, acc, used, gens_used, scratch: None, out_tiles: Vec::new(), rare: None };
    l.function()?;
    Ok(f)
}

impl<'ctx> Lower<'_, 'ctx> {
    fn block(&self, name: &str) -> BasicBlock<'ctx> {
        self.em.cx.append_basic_block(self.f, name)
    }

    fn i64c(&self, v: i64) -> IntValue<'ctx> {
        self.em.i64().const_int(v as u64, true)
    }

    fn word(&self, w: usize) -> R<IntValue<'ctx>> {
        // SAFETY (of the generated code): the calling convention guarantees the words.
        let p = unsafe { self.em.b.build_in_bounds_gep(self.args, &[self.i64c(w as i64)], "")? };
        Ok(self.em.b.build_load(p, "")?.into_int_value())
    }

    fn has_rare(&self) -> bool {
        (0..self.k.body.len()).any(|v| rare_inst(self.k, self.plan, v).is_some())
    }

    fn tiled(&self) -> bool {
        self.plan.n_calls() > 0 || self.has_rare()
    }

    /// A typed element pointer into a byte buffer at byte offset `off`.
    fn typed(&self, bytes: PointerValue<'ctx>, off: u32, dt: DType) -> R<PointerValue<'ctx>> {
        let p = unsafe { self.em.b.build_in_bounds_gep(bytes, &[self.i64c(off as i64)], "")? };
        let ty = mem_ty(self.em.cx, dt).ptr_type(AddressSpace::default());
        Ok(self.em.b.build_pointer_cast(p, ty, "")?)
    }

    fn gep(&self, p: PointerValue<'ctx>, i: IntValue<'ctx>) -> R<PointerValue<'ctx>> {
        unsafe { self.em.b.build_gep(p, &[i], "") }
    }

    fn function(&mut self) -> R<()> {
        let b = self.em.b;
        let nd = self.k.ndim as usize;
        let entry = self.block("entry");
        b.position_at_end(entry);
        let i64t = self.em.i64();
        let i8t = self.em.cx.i8_type();
        let start = self.f.get_nth_param(1).expect("start").into_int_value();
        let end = self.f.get_nth_param(2).expect("end").into_int_value();
        if self.plan.n_calls() > 0 {
            let buf = b.build_array_alloca(i8t, self.i64c(self.plan.scratch_bytes.max(16) as i64), "scratch")?;
            buf.as_instruction().expect("alloca").set_alignment(64).ok();
            self.scratch = Some(buf);
        }
        if self.has_rare() {
            for out in &self.k.outputs {
                let ty = mem_ty(self.em.cx, out.dtype);
                let buf = b.build_array_alloca(ty, self.i64c(self.plan.tile as i64), "out_tile")?;
                buf.as_instruction().expect("alloca").set_alignment(64).ok();
                self.out_tiles.push(buf);
            }
            self.rare = Some(b.build_alloca(self.em.cx.bool_type(), "rare")?);
        }
        let idx: Vec<PointerValue> = (0..nd).map(|_| b.build_alloca(i64t, "idx")).collect::<R<_>>()?;
        let p = b.build_alloca(i64t, "p")?;
        let exit = self.block("exit");
        let body = self.block("body");
        let empty = b.build_int_compare(IntPredicate::SGE, start, end, "")?;
        b.build_conditional_branch(empty, exit, body)?;

        b.position_at_end(body);
        let ext: Vec<IntValue> = (0..nd).map(|d| self.word(d)).collect::<R<_>>()?;
        let mut rem = start;
        for d in (1..nd).rev() {
            let q = b.build_int_unsigned_div(rem, ext[d], "")?;
            let i = b.build_int_sub(rem, b.build_int_mul(q, ext[d], "")?, "")?;
            b.build_store(idx[d], i)?;
            rem = q;
        }
        b.build_store(idx[0], rem)?;
        b.build_store(p, start)?;
        let row_head = self.block("row");
        b.build_unconditional_branch(row_head)?;

        b.position_at_end(row_head);
        let iv: Vec<IntValue> = idx.iter().map(|&s| Ok(b.build_load(s, "")?.into_int_value())).collect::<R<_>>()?;
        let pv = b.build_load(p, "")?.into_int_value();
        let il = iv[nd - 1];
        let to_row_end = b.build_int_sub(ext[nd - 1], il, "")?;
        let to_end = b.build_int_sub(end, pv, "")?;
        let shorter = b.build_int_compare(IntPredicate::SLT, to_row_end, to_end, "")?;
        let len = self.em.isel(shorter, to_row_end, to_end)?;
        let mut span = Span { base: vec![None; self.acc.len()], step: vec![None; self.acc.len()], g: vec![] };
        for a in 0..self.acc.len() {
            if !self.used[a] {
                continue;
            }
            let w = self.acc[a].word;
            let ty = mem_ty(self.em.cx, self.acc[a].dtype).ptr_type(AddressSpace::default());
            let base = b.build_int_to_ptr(self.word(w)?, ty, "")?;
            let mut off = self.word(w + 1)?;
            for (d, &i) in iv.iter().enumerate() {
                let s = self.word(w + 2 + d)?;
                off = b.build_int_add(off, b.build_int_mul(s, i, "")?, "")?;
            }
            span.base[a] = Some(self.gep(base, off)?);
            span.step[a] = Some(self.word(w + 1 + nd)?);
        }
        for g in 0..self.k.indices as usize {
            if !self.gens_used[g] {
                span.g.push(None);
                continue;
            }
            let w = self.k.index_word(g);
            let mut v = self.word(w)?;
            for (d, &i) in iv.iter().enumerate() {
                let c = self.word(w + 1 + d)?;
                v = b.build_int_add(v, b.build_int_mul(c, i, "")?, "")?;
            }
            span.g.push(Some((v, self.word(w + nd)?)));
        }
        self.run(len, &span)?;
        let p2 = b.build_int_add(pv, len, "")?;
        b.build_store(p, p2)?;
        let advance = self.block("advance");
        let done = b.build_int_compare(IntPredicate::SGE, p2, end, "")?;
        b.build_conditional_branch(done, exit, advance)?;

        // The odometer over the outer dimensions.
        b.position_at_end(advance);
        b.build_store(idx[nd - 1], self.i64c(0))?;
        for d in (0..nd - 1).rev() {
            let i = b.build_load(idx[d], "")?.into_int_value();
            let i1 = b.build_int_add(i, self.i64c(1), "")?;
            let more = b.build_int_compare(IntPredicate::SLT, i1, ext[d], "")?;
            let ok = self.block("tick");
            let wrap = self.block("wrap");
            b.build_conditional_branch(more, ok, wrap)?;
            b.position_at_end(ok);
            b.build_store(idx[d], i1)?;
            b.build_unconditional_branch(row_head)?;
            b.position_at_end(wrap);
            b.build_store(idx[d], self.i64c(0))?;
        }
        b.build_unconditional_branch(exit)?;
        b.position_at_end(exit);
        b.build_return(None)?;
        Ok(())
    }

    /// A counted loop `for j in 0..n` whose body `body(j)` is emitted into one or more
    /// blocks; returns after positioning the builder after the loop.
    fn counted_loop(&mut self, n: IntValue<'ctx>, body: &mut dyn FnMut(&mut Self, IntValue<'ctx>) -> R<()>) -> R<()> {
        let b = self.em.b;
        let pre = b.get_insert_block().expect("positioned");
        let head = self.block("loop");
        let exit = self.block("loop_exit");
        let any = b.build_int_compare(IntPredicate::SGT, n, self.i64c(0), "")?;
        b.build_conditional_branch(any, head, exit)?;
        b.position_at_end(head);
        let j = b.build_phi(self.em.i64(), "j")?;
        j.add_incoming(&[(&self.i64c(0), pre)]);
        let jv = j.as_basic_value().into_int_value();
        body(self, jv)?;
        let j1 = b.build_int_add(jv, self.i64c(1), "")?;
        let latch = b.get_insert_block().expect("positioned");
        j.add_incoming(&[(&j1, latch)]);
        let more = b.build_int_compare(IntPredicate::SLT, j1, n, "")?;
        b.build_conditional_branch(more, head, exit)?;
        b.position_at_end(exit);
        Ok(())
    }

    /// One innermost run of `len` elements.
    fn run(&mut self, len: IntValue<'ctx>, span: &Span<'ctx>) -> R<()> {
        if !self.tiled() {
            return self.stage(0, len, span, false);
        }
        let b = self.em.b;
        let t_slot = b.build_alloca(self.em.i64(), "t")?;
        b.build_store(t_slot, self.i64c(0))?;
        let head = self.block("tile");
        let body = self.block("tile_body");
        let done = self.block("tile_done");
        b.build_unconditional_branch(head)?;
        b.position_at_end(head);
        let t = b.build_load(t_slot, "")?.into_int_value();
        let more = b.build_int_compare(IntPredicate::SLT, t, len, "")?;
        b.build_conditional_branch(more, body, done)?;
        b.position_at_end(body);
        let left = b.build_int_sub(len, t, "")?;
        let tile_len = self.i64c(self.plan.tile as i64);
        let short = b.build_int_compare(IntPredicate::SLT, left, tile_len, "")?;
        let n = self.em.isel(short, left, tile_len)?;
        let mut tile = span.clone();
        for a in 0..self.acc.len() {
            if let (Some(base), Some(step)) = (span.base[a], span.step[a]) {
                tile.base[a] = Some(self.gep(base, b.build_int_mul(t, step, "")?)?);
            }
        }
        for g in tile.g.iter_mut().flatten() {
            g.0 = b.build_int_add(g.0, b.build_int_mul(t, g.1, "")?, "")?;
        }
        if let Some(rare) = self.rare {
            b.build_store(rare, self.em.bool_const(false))?;
        }
        self.stages(n, &tile, false)?;
        if let Some(rare) = self.rare {
            let flagged = b.build_load(rare, "")?.into_int_value();
            let exact = self.block("exact");
            let copy = self.block("copy_out");
            b.build_conditional_branch(flagged, exact, copy)?;
            b.position_at_end(exact);
            self.stages(n, &tile, true)?;
            b.build_unconditional_branch(copy)?;
            b.position_at_end(copy);
            for o in 0..self.k.outputs.len() {
                let a = self.k.inputs.len() + o;
                let (dst, step, src) =
                    (tile.base[a].expect("output"), tile.step[a].expect("output"), self.out_tiles[o]);
                let unit = self.acc[a].inner == Stride::Unit;
                self.counted_loop(n, &mut |l, j| {
                    let v = l.em.b.build_load(l.gep(src, j)?, "")?;
                    let off = if unit { j } else { l.em.b.build_int_mul(j, step, "")? };
                    l.em.b.build_store(l.gep(dst, off)?, v)?;
                    Ok(())
                })?;
            }
        }
        let t2 = b.build_int_add(t, n, "")?;
        b.build_store(t_slot, t2)?;
        b.build_unconditional_branch(head)?;
        b.position_at_end(done);
        Ok(())
    }

    /// Every stage and call of one tile; `exact`: rare arguments go to libm.
    fn stages(&mut self, n: IntValue<'ctx>, tile: &Span<'ctx>, exact: bool) -> R<()> {
        for s in 0..=self.plan.n_calls() {
            self.stage(s, n, tile, exact)?;
            if s < self.plan.n_calls() {
                self.call(s + 1, n, tile)?;
            }
        }
        Ok(())
    }

    fn computed_here(&self, v: usize, stage: usize) -> bool {
        self.plan.class[v] == Class::Inline && self.plan.home[v] == stage
    }

    /// Stage `stage` over `n` elements: one scalar loop.
    fn stage(&mut self, stage: usize, n: IntValue<'ctx>, tile: &Span<'ctx>, exact: bool) -> R<()> {
        let k = self.k;
        let last = stage == self.plan.n_calls();
        let nb = k.body.len();
        let stores: Vec<usize> = (0..nb)
            .filter(|&v| {
                self.plan.live[v]
                    && self.plan.scratch[v].is_some()
                    && self.plan.class[v] != Class::Call
                    && self.plan.home[v] == stage
            })
            .collect();
        if stores.is_empty() && !last {
            return Ok(());
        }
        let mut need = vec![false; nb];
        for &v in &stores {
            need[v] = true;
        }
        if last {
            for o in &k.outputs {
                need[o.value as usize] = true;
            }
        }
        for v in (0..nb).rev() {
            if need[v] && self.computed_here(v, stage) {
                for u in operands(&k.body[v].kind) {
                    need[u as usize] = true;
                }
            }
        }
        let b = self.em.b;
        // Preamble: loop-invariant leaves (broadcast loads, parameters).
        let mut fixed: Vec<Option<BasicValueEnum>> = vec![None; nb];
        for v in 0..nb {
            if !need[v] || self.plan.class[v] != Class::Leaf {
                continue;
            }
            let dt = k.body[v].dtype;
            match k.body[v].kind {
                InstKind::Load { input } if self.acc[input as usize].inner == Stride::Zero => {
                    fixed[v] = Some(self.em.load(dt, tile.base[input as usize].expect("used"))?);
                }
                InstKind::Param { param } => {
                    fixed[v] = Some(self.em.param_value(dt, self.word(k.param_word(param as usize))?)?);
                }
                _ => {}
            }
        }
        let scratch_ptr = |l: &Self, v: usize| -> R<PointerValue<'ctx>> {
            let off = l.plan.scratch[v].expect("value has a scratch buffer");
            l.typed(l.scratch.expect("scratch"), off, k.body[v].dtype)
        };
        let mut sptr: Vec<Option<PointerValue>> = vec![None; nb];
        for v in 0..nb {
            let from_scratch = need[v] && self.plan.class[v] != Class::Leaf && !self.computed_here(v, stage);
            if stores.contains(&v) || from_scratch {
                sptr[v] = Some(scratch_ptr(self, v)?);
            }
        }
        let rare_slot = self.rare;
        let mut rare_acc: Option<IntValue<'ctx>> = None;
        let pre_rare = self.em.bool_const(false);
        let pre_block = b.get_insert_block().expect("positioned");
        let mut rare_phi = None;
        let mut rare_latch = None;
        self.counted_loop(n, &mut |l, j| {
            let b = l.em.b;
            if rare_slot.is_some() && !exact {
                let phi = b.build_phi(l.em.cx.bool_type(), "rare_acc")?;
                phi.add_incoming(&[(&pre_rare, pre_block)]);
                rare_phi = Some(phi);
                rare_acc = Some(phi.as_basic_value().into_int_value());
            }
            let mut val: Vec<Option<BasicValueEnum<'ctx>>> = vec![None; nb];
            for v in 0..nb {
                if !need[v] {
                    continue;
                }
                let inst = k.body[v];
                let dt = inst.dtype;
                let x = if let Some(x) = fixed[v] {
                    x
                } else if l.plan.class[v] == Class::Leaf {
                    match inst.kind {
                        InstKind::Load { input } => {
                            let a = input as usize;
                            let off = match l.acc[a].inner {
                                Stride::Unit => j,
                                _ => b.build_int_mul(j, tile.step[a].expect("used"), "")?,
                            };
                            l.em.load(dt, l.gep(tile.base[a].expect("used"), off)?)?
                        }
                        InstKind::Index { index } => {
                            let (g0, c) = tile.g[index as usize].expect("used generator");
                            b.build_int_add(g0, b.build_int_mul(j, c, "")?, "")?.into()
                        }
                        _ => unreachable!("params are in the preamble"),
                    }
                } else if !l.computed_here(v, stage) {
                    l.em.load(dt, l.gep(sptr[v].expect("scratch"), j)?)?
                } else {
                    let ops: Vec<(BasicValueEnum, DType)> = operands(&inst.kind)
                        .into_iter()
                        .map(|u| (val[u as usize].expect("operand before use"), k.body[u as usize].dtype))
                        .collect();
                    match inst.kind {
                        InstKind::Unary { op, .. } if math::gpu_unary(op, ops[0].1) => {
                            // Inline by the plan, so a kernel of `math.rs`; its rare flag
                            // counts only where Note [Rare tiles] applies (`rare_inst`).
                            let x = ops[0].0.into_float_value();
                            let with_rare = rare_inst(k, l.plan, v).is_some();
                            let (fast, rare) = if exact && with_rare {
                                (x, Some(l.em.bool_const(true)))
                            } else {
                                let (fast, rare) = l.em.math_unary(op, x)?;
                                (fast, rare.filter(|_| with_rare))
                            };
                            match (rare, exact) {
                                (Some(r), false) => {
                                    let acc = rare_acc.expect("rare kernels have an accumulator");
                                    rare_acc = Some(b.build_or(acc, r, "")?);
                                    fast.into()
                                }
                                (Some(_), true) => {
                                    // Only the call: the exact pass needs no copy of the
                                    // polynomial (Note [Rare tiles]).
                                    let (name, _) = math::exact_scalar(op, l.em.fma);
                                    let f64t = l.em.cx.f64_type();
                                    let callee = l.em.m.get_function(name).unwrap_or_else(|| {
                                        l.em.m.add_function(
                                            name,
                                            f64t.fn_type(&[f64t.into()], false),
                                            Some(Linkage::External),
                                        )
                                    });
                                    let call = b.build_call(callee, &[BasicMetadataValueEnum::from(x)], "")?;
                                    match call.try_as_basic_value() {
                                        inkwell::values::ValueKind::Basic(v) => v,
                                        _ => unreachable!("the exact function returns f64"),
                                    }
                                }
                                (None, _) => fast.into(),
                            }
                        }
                        _ => l.em.inst(&inst.kind, dt, &ops)?,
                    }
                };
                val[v] = Some(x);
            }
            for &v in &stores {
                l.em.store(k.body[v].dtype, val[v].expect("computed"), l.gep(sptr[v].expect("scratch"), j)?)?;
            }
            if last {
                for (o, out) in k.outputs.iter().enumerate() {
                    let x = val[out.value as usize].expect("computed");
                    let ptr = if l.rare.is_some() {
                        l.gep(l.out_tiles[o], j)?
                    } else {
                        let a = k.inputs.len() + o;
                        let off = match l.acc[a].inner {
                            Stride::Unit => j,
                            _ => b.build_int_mul(j, tile.step[a].expect("output"), "")?,
                        };
                        l.gep(tile.base[a].expect("output"), off)?
                    };
                    l.em.store(out.dtype, x, ptr)?;
                }
            }
            if let (Some(phi), Some(acc)) = (rare_phi, rare_acc) {
                let latch = b.get_insert_block().expect("positioned");
                phi.add_incoming(&[(&acc, latch)]);
                rare_latch = Some(latch);
            }
            Ok(())
        })?;
        if let (Some(slot), Some(phi), Some(acc)) = (rare_slot, rare_phi, rare_acc) {
            // After the loop: fold this stage's flags into the tile's flag. The exit block
            // is reached from the preheader (no iterations) or from the loop.
            let fin = b.build_phi(self.em.cx.bool_type(), "rare_fin")?;
            let _ = phi;
            // The latch as recorded: the body may have appended blocks of its own (the
            // exact fmod's loop), so it is not necessarily the block before the exit.
            let latch = rare_latch.expect("the loop body ran");
            fin.add_incoming(&[(&pre_rare, pre_block), (&acc, latch)]);
            let old = b.build_load(slot, "")?.into_int_value();
            b.build_store(slot, b.build_or(old, fin.as_basic_value().into_int_value(), "")?)?;
        }
        Ok(())
    }

    /// Call number `call` (1-based) over the `n` elements of the tile.
    fn call(&mut self, call: usize, n: IntValue<'ctx>, tile: &Span<'ctx>) -> R<()> {
        let b = self.em.b;
        let i8p = self.em.cx.i8_type().ptr_type(AddressSpace::default());
        let v = self.plan.calls[call - 1] as usize;
        let sb = self.scratch.expect("kernels with calls have scratch");
        let mut ptrs: Vec<BasicMetadataValueEnum> = Vec::new();
        for u in operands(&self.k.body[v].kind) {
            let ptr = if self.plan.class[u as usize] != Class::Call && is_direct(self.k, u) {
                let InstKind::Load { input } = self.k.body[u as usize].kind else { unreachable!("direct is a load") };
                b.build_pointer_cast(tile.base[input as usize].expect("used"), i8p, "")?
            } else {
                let off = self.plan.scratch[u as usize].expect("call operand has a scratch buffer");
                unsafe { b.build_in_bounds_gep(sb, &[self.i64c(off as i64)], "")? }
            };
            ptrs.push(ptr.into());
        }
        let out_off = self.plan.scratch[v].expect("call result has a scratch buffer");
        ptrs.push(unsafe { b.build_in_bounds_gep(sb, &[self.i64c(out_off as i64)], "")? }.into());
        ptrs.push(n.into());
        let (name, _) = callee_name(self.k, self.plan, v);
        let callee = self.em.m.get_function(&name).unwrap_or_else(|| {
            let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![i8p.into(); ptrs.len() - 1];
            params.push(self.em.i64().into());
            let ty = self.em.cx.void_type().fn_type(&params, false);
            self.em.m.add_function(&name, ty, Some(Linkage::External))
        });
        b.build_call(callee, &ptrs, "")?;
        Ok(())
    }
}

/// Silences the unused-import lint for helpers only some configurations use.
#[allow(dead_code)]
fn _unused(_: BinaryOp, cx: &Context) {
    let _ = reg_ty(cx, DType::Bool);
}
