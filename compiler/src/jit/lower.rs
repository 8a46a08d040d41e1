//! `lower_to_clif`: the loop nest of a kernel (multi-index of `start`, innermost runs,
//! odometer over the outer dimensions, tiles and stages) and the per-element body. The
//! instruction-level lowering lives in `emit.rs`.
//!
//! Addresses are carried incrementally: each array access keeps a row pointer (the
//! element at the current outer index with the inner index 0), advanced by its outer
//! strides when the odometer ticks; inside a run every access walks its own pointer,
//! bumped by its inner stride each iteration.

use super::emit::Em;
use super::plan::{is_direct, operands, Callee, Class, Plan};
use crate::kir::{InstKind, Kernel, Stride};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, Function, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind, Value,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use hpxl_runtime::DType;

const I64: cranelift_codegen::ir::Type = types::I64;

/// One array access: an input (`0..inputs`) or an output (after the inputs).
struct Access {
    word: usize,
    inner: Stride,
    shift: i64,
}

/// Where the current run (or tile) starts: per access its first element's address and
/// its inner byte stride, per index generator its value there and inner coefficient.
#[derive(Clone)]
struct Span {
    base: Vec<Option<Value>>,
    step: Vec<Option<Value>>,
    g: Vec<Option<Value>>,
    c: Vec<Option<Value>>,
}

/// Where a value comes from in a given stage.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Leaf,
    Scratch,
    Compute,
}

struct Lower<'a, 'b> {
    k: &'a Kernel,
    plan: &'a Plan,
    em: Em<'b>,
    args: Value,
    acc: Vec<Access>,
    used: Vec<bool>,
    gens_used: Vec<bool>,
    slot: Option<cranelift_codegen::ir::StackSlot>,
    sig_unary: Option<cranelift_codegen::ir::SigRef>,
    sig_binary: Option<cranelift_codegen::ir::SigRef>,
}

/// Note [Unrolled vector loops]: Cranelift does not unroll, and a one-vector loop body
/// pays a compare, a branch and a pointer bump per access for every 16 bytes of each
/// stream: for the 5-point stencil (five loads, one store) that is as many instructions
/// as the arithmetic. A kernel whose accesses all walk memory contiguously (or are
/// broadcast), with no library calls and no index generators, therefore runs a main
/// loop of `unroll_factor()` vectors per trip, reading at constant offsets from the
/// pointers (folded into the addressing mode), then the one-vector loop for the rest
/// and the scalar tail. Every element is computed by the same instructions as before,
/// so the bits do not change. `HPXL_CL_UNROLL` overrides the factor (1 turns it off).
fn unroll_factor() -> u32 {
    static U: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *U.get_or_init(|| {
        std::env::var("HPXL_CL_UNROLL")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|u: &u32| u.is_power_of_two() && *u <= 8)
            .unwrap_or(2)
    })
}

fn shift_of(dt: DType) -> i64 {
    dt.itemsize().trailing_zeros() as i64
}

/// Builds the kernel function into `func` (signature already set).
pub(super) fn lower_to_clif(
    k: &Kernel,
    plan: &Plan,
    func: &mut Function,
    fctx: &mut FunctionBuilderContext,
    config: TargetFrontendConfig,
) {
    let call_conv = func.signature.call_conv;
    let b = FunctionBuilder::new(func, fctx);
    let em = Em::new(b, plan.width);
    let mut acc = Vec::new();
    for (i, input) in k.inputs.iter().enumerate() {
        acc.push(Access { word: k.input_word(i), inner: input.inner, shift: shift_of(input.dtype) });
    }
    for (o, out) in k.outputs.iter().enumerate() {
        acc.push(Access { word: k.output_word(o), inner: out.inner, shift: shift_of(out.dtype) });
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
    let mut l = Lower {
        k,
        plan,
        em,
        args: Value::from_u32(0),
        acc,
        used,
        gens_used,
        slot: None,
        sig_unary: None,
        sig_binary: None,
    };
    l.function(call_conv);
    l.em.b.seal_all_blocks();
    l.em.b.finalize(config);
}

// The loops walk several per-access tables in step, so they index by access number.
#[allow(clippy::needless_range_loop)]
impl Lower<'_, '_> {
    fn word(&mut self, w: usize) -> Value {
        let flags = MemFlagsData::trusted().with_readonly();
        self.em.b.ins().load(I64, flags, self.args, (w * 8) as i32)
    }

    fn ndim(&self) -> usize {
        self.k.ndim as usize
    }

    fn function(&mut self, call_conv: CallConv) {
        let nd = self.ndim();
        let entry = self.em.b.create_block();
        self.em.b.append_block_params_for_function_params(entry);
        self.em.b.switch_to_block(entry);
        self.em.b.seal_block(entry);
        let params = self.em.b.block_params(entry).to_vec();
        let (args, start, end) = (params[0], params[1], params[2]);
        self.args = args;

        if self.plan.n_calls() > 0 {
            let data = StackSlotData::new(StackSlotKind::ExplicitSlot, self.plan.scratch_bytes.max(16), 4);
            self.slot = Some(self.em.b.create_sized_stack_slot(data));
            let mut unary = Signature::new(call_conv);
            unary.params.extend([AbiParam::new(I64); 3]);
            let mut binary = Signature::new(call_conv);
            binary.params.extend([AbiParam::new(I64); 4]);
            self.sig_unary = Some(self.em.b.import_signature(unary));
            self.sig_binary = Some(self.em.b.import_signature(binary));
        }

        let exit = self.em.b.create_block();
        let body = self.em.b.create_block();
        let empty = self.em.b.ins().icmp(IntCC::SignedGreaterThanOrEqual, start, end);
        self.em.b.ins().brif(empty, exit, &[], body, &[]);
        self.em.b.switch_to_block(body);
        self.em.b.seal_block(body);

        let ext: Vec<Value> = (0..nd).map(|d| self.word(d)).collect();
        // The multi-index of `start`.
        let idx: Vec<Variable> = (0..nd).map(|_| self.em.b.declare_var(I64)).collect();
        let mut rem = start;
        for d in (1..nd).rev() {
            let q = self.em.b.ins().udiv(rem, ext[d]);
            let qe = self.em.b.ins().imul(q, ext[d]);
            let i = self.em.b.ins().isub(rem, qe);
            self.em.b.def_var(idx[d], i);
            rem = q;
        }
        self.em.b.def_var(idx[0], rem);
        let idx_vals: Vec<Value> = (0..nd).map(|d| self.em.b.use_var(idx[d])).collect();

        // Row pointers: the element at (i_0, …, i_{n-2}, 0).
        let mut rp: Vec<Option<Variable>> = vec![None; self.acc.len()];
        for a in 0..self.acc.len() {
            if !self.used[a] {
                continue;
            }
            let w = self.acc[a].word;
            let base = self.word(w);
            let mut sum = self.word(w + 1);
            for (d, &i) in idx_vals.iter().enumerate().take(nd - 1) {
                let s = self.word(w + 2 + d);
                let t = self.em.b.ins().imul(s, i);
                sum = self.em.b.ins().iadd(sum, t);
            }
            let bytes = self.em.b.ins().ishl_imm_s(sum, self.acc[a].shift);
            let ptr = self.em.b.ins().iadd(base, bytes);
            let var = self.em.b.declare_var(I64);
            self.em.b.def_var(var, ptr);
            rp[a] = Some(var);
        }
        let mut grow: Vec<Option<Variable>> = vec![None; self.k.indices as usize];
        for g in 0..self.k.indices as usize {
            if !self.gens_used[g] {
                continue;
            }
            let w = self.k.index_word(g);
            let mut sum = self.word(w);
            for (d, &i) in idx_vals.iter().enumerate().take(nd - 1) {
                let c = self.word(w + 1 + d);
                let t = self.em.b.ins().imul(c, i);
                sum = self.em.b.ins().iadd(sum, t);
            }
            let var = self.em.b.declare_var(I64);
            self.em.b.def_var(var, sum);
            grow[g] = Some(var);
        }
        let p = self.em.b.declare_var(I64);
        self.em.b.def_var(p, start);

        let row_head = self.em.b.create_block();
        self.em.b.ins().jump(row_head, &[]);
        self.em.b.switch_to_block(row_head);

        // One innermost run: from the current index to the end of its row or of the range.
        let il = self.em.b.use_var(idx[nd - 1]);
        let pv = self.em.b.use_var(p);
        let to_row_end = self.em.b.ins().isub(ext[nd - 1], il);
        let to_end = self.em.b.ins().isub(end, pv);
        let len = self.em.b.ins().smin(to_row_end, to_end);
        let mut span =
            Span { base: vec![None; self.acc.len()], step: vec![None; self.acc.len()], g: vec![], c: vec![] };
        for a in 0..self.acc.len() {
            if let Some(var) = rp[a] {
                let row = self.em.b.use_var(var);
                let stride = self.word(self.acc[a].word + 1 + nd);
                let step = self.em.b.ins().ishl_imm_s(stride, self.acc[a].shift);
                let off = self.em.b.ins().imul(il, step);
                span.base[a] = Some(self.em.b.ins().iadd(row, off));
                span.step[a] = Some(step);
            }
        }
        for (g, var) in grow.iter().enumerate() {
            match var {
                Some(var) => {
                    let row = self.em.b.use_var(*var);
                    let c = self.word(self.k.index_word(g) + nd);
                    let off = self.em.b.ins().imul(il, c);
                    span.g.push(Some(self.em.b.ins().iadd(row, off)));
                    span.c.push(Some(c));
                }
                None => {
                    span.g.push(None);
                    span.c.push(None);
                }
            }
        }
        self.run(len, &span);
        let pv = self.em.b.use_var(p);
        let p2 = self.em.b.ins().iadd(pv, len);
        self.em.b.def_var(p, p2);
        let advance = self.em.b.create_block();
        let done = self.em.b.ins().icmp(IntCC::SignedGreaterThanOrEqual, p2, end);
        self.em.b.ins().brif(done, exit, &[], advance, &[]);

        // The odometer over the outer dimensions.
        self.em.b.switch_to_block(advance);
        self.em.b.seal_block(advance);
        let zero = self.em.b.ins().iconst(I64, 0);
        self.em.b.def_var(idx[nd - 1], zero);
        for d in (0..nd - 1).rev() {
            let i = self.em.b.use_var(idx[d]);
            let i1 = self.em.b.ins().iadd_imm_s(i, 1);
            for a in 0..self.acc.len() {
                if let Some(var) = rp[a] {
                    let s = self.word(self.acc[a].word + 2 + d);
                    let bytes = self.em.b.ins().ishl_imm_s(s, self.acc[a].shift);
                    let r = self.em.b.use_var(var);
                    let r2 = self.em.b.ins().iadd(r, bytes);
                    self.em.b.def_var(var, r2);
                }
            }
            for g in 0..grow.len() {
                if let Some(var) = grow[g] {
                    let c = self.word(self.k.index_word(g) + 1 + d);
                    let r = self.em.b.use_var(var);
                    let r2 = self.em.b.ins().iadd(r, c);
                    self.em.b.def_var(var, r2);
                }
            }
            let more = self.em.b.ins().icmp(IntCC::SignedLessThan, i1, ext[d]);
            let ok = self.em.b.create_block();
            let wrap = self.em.b.create_block();
            self.em.b.ins().brif(more, ok, &[], wrap, &[]);
            self.em.b.switch_to_block(ok);
            self.em.b.seal_block(ok);
            self.em.b.def_var(idx[d], i1);
            self.em.b.ins().jump(row_head, &[]);
            self.em.b.switch_to_block(wrap);
            self.em.b.seal_block(wrap);
            let zero = self.em.b.ins().iconst(I64, 0);
            self.em.b.def_var(idx[d], zero);
            for a in 0..self.acc.len() {
                if let Some(var) = rp[a] {
                    let s = self.word(self.acc[a].word + 2 + d);
                    let span_bytes = self.em.b.ins().imul(s, ext[d]);
                    let bytes = self.em.b.ins().ishl_imm_s(span_bytes, self.acc[a].shift);
                    let r = self.em.b.use_var(var);
                    let r2 = self.em.b.ins().isub(r, bytes);
                    self.em.b.def_var(var, r2);
                }
            }
            for g in 0..grow.len() {
                if let Some(var) = grow[g] {
                    let c = self.word(self.k.index_word(g) + 1 + d);
                    let total = self.em.b.ins().imul(c, ext[d]);
                    let r = self.em.b.use_var(var);
                    let r2 = self.em.b.ins().isub(r, total);
                    self.em.b.def_var(var, r2);
                }
            }
        }
        // Every dimension wrapped: the range is exhausted (not reached when p < end).
        self.em.b.ins().jump(exit, &[]);
        self.em.b.seal_block(row_head);

        self.em.b.switch_to_block(exit);
        self.em.b.seal_block(exit);
        self.em.b.ins().return_(&[]);
    }

    /// One innermost run of `len` elements; with calls, in tiles.
    fn run(&mut self, len: Value, span: &Span) {
        if self.plan.n_calls() == 0 {
            self.stage(0, len, span);
            return;
        }
        let t0 = self.em.b.declare_var(I64);
        let zero = self.em.b.ins().iconst(I64, 0);
        self.em.b.def_var(t0, zero);
        let head = self.em.b.create_block();
        let body = self.em.b.create_block();
        let done = self.em.b.create_block();
        self.em.b.ins().jump(head, &[]);
        self.em.b.switch_to_block(head);
        let t = self.em.b.use_var(t0);
        let more = self.em.b.ins().icmp(IntCC::SignedLessThan, t, len);
        self.em.b.ins().brif(more, body, &[], done, &[]);
        self.em.b.switch_to_block(body);
        self.em.b.seal_block(body);
        let left = self.em.b.ins().isub(len, t);
        let tile_len = self.em.b.ins().iconst(I64, self.plan.tile as i64);
        let n = self.em.b.ins().smin(left, tile_len);
        let mut tile = span.clone();
        for a in 0..self.acc.len() {
            if let (Some(base), Some(step)) = (span.base[a], span.step[a]) {
                let off = self.em.b.ins().imul(t, step);
                tile.base[a] = Some(self.em.b.ins().iadd(base, off));
            }
        }
        for g in 0..span.g.len() {
            if let (Some(g0), Some(c)) = (span.g[g], span.c[g]) {
                let off = self.em.b.ins().imul(t, c);
                tile.g[g] = Some(self.em.b.ins().iadd(g0, off));
            }
        }
        for s in 0..=self.plan.n_calls() {
            self.stage(s, n, &tile);
            if s < self.plan.n_calls() {
                self.call(s + 1, n, &tile);
            }
        }
        let t2 = self.em.b.ins().iadd(t, n);
        self.em.b.def_var(t0, t2);
        self.em.b.ins().jump(head, &[]);
        self.em.b.seal_block(head);
        self.em.b.switch_to_block(done);
        self.em.b.seal_block(done);
    }

    fn source(&self, v: usize, stage: usize) -> Source {
        match self.plan.class[v] {
            Class::Leaf => Source::Leaf,
            Class::Call => Source::Scratch,
            Class::Inline if self.plan.home[v] == stage => Source::Compute,
            Class::Inline => Source::Scratch,
        }
    }

    /// Values stage `stage` writes to scratch.
    fn stage_stores(&self, stage: usize) -> Vec<usize> {
        (0..self.k.body.len())
            .filter(|&v| {
                self.plan.live[v]
                    && self.plan.scratch[v].is_some()
                    && self.plan.class[v] != Class::Call
                    && self.plan.home[v] == stage
            })
            .collect()
    }

    /// Stage `stage` over `n` elements of the tile: vector loop, then scalar tail.
    fn stage(&mut self, stage: usize, n: Value, tile: &Span) {
        let last = stage == self.plan.n_calls();
        let stores = self.stage_stores(stage);
        if stores.is_empty() && !last {
            return;
        }
        let nb = self.k.body.len();
        let mut need = vec![false; nb];
        for &v in &stores {
            need[v] = true;
        }
        if last {
            for o in &self.k.outputs {
                need[o.value as usize] = true;
            }
        }
        for v in (0..nb).rev() {
            if need[v] && self.source(v, stage) == Source::Compute {
                for u in operands(&self.k.body[v].kind) {
                    need[u as usize] = true;
                }
            }
        }
        let zero = self.em.b.ins().iconst(I64, 0);
        let lanes = self.plan.lanes;
        if lanes > 1 {
            let nv = self.em.b.ins().band_imm_s(n, !(lanes as i64 - 1));
            let unroll = self.unroll(&need);
            let mut j = zero;
            if unroll > 1 {
                j = self.em.b.ins().band_imm_s(n, !((lanes * unroll) as i64 - 1));
                self.stage_loop(stage, lanes, unroll, zero, j, tile, &need, &stores);
            }
            self.stage_loop(stage, lanes, 1, j, nv, tile, &need, &stores);
            self.stage_loop(stage, 1, 1, nv, n, tile, &need, &stores);
        } else {
            self.stage_loop(stage, 1, 1, zero, n, tile, &need, &stores);
        }
    }

    /// Vector iterations per trip of the main loop (Note [Unrolled vector loops]).
    fn unroll(&self, need: &[bool]) -> u32 {
        let simple = self.plan.n_calls() == 0
            && (0..self.k.body.len()).all(|v| {
                !need[v]
                    || match self.k.body[v].kind {
                        InstKind::Load { input } => self.acc[input as usize].inner != Stride::Any,
                        InstKind::Index { .. } => false,
                        _ => true,
                    }
            })
            && (0..self.k.outputs.len()).all(|o| self.acc[self.k.inputs.len() + o].inner == Stride::Unit);
        if simple {
            unroll_factor()
        } else {
            1
        }
    }

    fn scratch_base(&mut self) -> Value {
        let slot = self.slot.expect("kernels with calls have a scratch slot");
        self.em.b.ins().stack_addr(I64, slot, 0)
    }

    /// One register loop of stage `stage` with `lanes` lanes over `[j0, jend)`, `unroll`
    /// vectors per trip (`jend - j0` a multiple of `lanes · unroll`).
    ///
    /// Every array and scratch access walks its own pointer (a loop-carried variable
    /// bumped each iteration) rather than `base + j·itemsize`: Cranelift's egraph places
    /// loop-invariant computations that involve constants at their uses, so the base
    /// address arithmetic would otherwise be redone inside the loop.
    #[allow(clippy::too_many_arguments)]
    fn stage_loop(
        &mut self,
        stage: usize,
        lanes: u32,
        unroll: u32,
        j0: Value,
        jend: Value,
        tile: &Span,
        need: &[bool],
        stores: &[usize],
    ) {
        let k = self.k;
        let last = stage == self.plan.n_calls();
        let nb = k.body.len();
        // Preamble: loop-invariant leaves, pointers and index generators.
        let mut fixed: Vec<Option<Value>> = vec![None; nb];
        let mut ptr_var: Vec<Option<Variable>> = vec![None; self.acc.len()];
        let mut scratch_var: Vec<Option<Variable>> = vec![None; nb];
        let mut gen_var: Vec<Option<(Variable, Value)>> = vec![None; k.indices as usize];
        let mut access_ptr = |l: &mut Self, a: usize| {
            if ptr_var[a].is_none() {
                let (base, step) = (tile.base[a].expect("used access"), tile.step[a].expect("used access"));
                let off = l.em.b.ins().imul(j0, step);
                let p0 = l.em.b.ins().iadd(base, off);
                let var = l.em.b.declare_var(I64);
                l.em.b.def_var(var, p0);
                ptr_var[a] = Some(var);
            }
        };
        for v in 0..nb {
            if !need[v] || self.source(v, stage) != Source::Leaf {
                continue;
            }
            let dt = k.body[v].dtype;
            match k.body[v].kind {
                InstKind::Load { input } => {
                    let a = input as usize;
                    if self.acc[a].inner == Stride::Zero {
                        let base = tile.base[a].expect("used access");
                        let s = self.em.load(dt, 1, base);
                        fixed[v] = Some(self.em.splat(dt, lanes, s));
                    } else {
                        access_ptr(self, a);
                    }
                }
                InstKind::Param { param } => {
                    let raw = self.word(k.param_word(param as usize));
                    let s = self.em.param_value(dt, raw);
                    fixed[v] = Some(self.em.splat(dt, lanes, s));
                }
                InstKind::Index { index } => {
                    let g = index as usize;
                    if gen_var[g].is_none() {
                        let (g0, c) = (tile.g[g].expect("used generator"), tile.c[g].expect("used generator"));
                        let off = self.em.b.ins().imul(j0, c);
                        let first = self.em.b.ins().iadd(g0, off);
                        // `lanes · c` by additions: a constant operand would pin the
                        // product inside the loop (see above).
                        let mut multiples = vec![c];
                        for _ in 1..lanes {
                            let prev = *multiples.last().expect("non-empty");
                            multiples.push(self.em.b.ins().iadd(prev, c));
                        }
                        let init = if lanes == 1 {
                            first
                        } else {
                            let zero = self.em.b.ins().iconst(I64, 0);
                            let mut lane_vals = vec![zero];
                            lane_vals.extend_from_slice(&multiples[..lanes as usize - 1]);
                            let iota = self.em.vector_of(DType::Int64, lanes, &lane_vals);
                            let base = self.em.splat(DType::Int64, lanes, first);
                            self.em.b.ins().iadd(base, iota)
                        };
                        let step = self.em.splat(DType::Int64, lanes, multiples[lanes as usize - 1]);
                        let var = self.em.b.declare_var(self.em.ty(DType::Int64, lanes));
                        self.em.b.def_var(var, init);
                        gen_var[g] = Some((var, step));
                    }
                }
                _ => {}
            }
        }
        if last {
            for o in 0..k.outputs.len() {
                access_ptr(self, k.inputs.len() + o);
            }
        }
        let scratch_used: Vec<usize> =
            (0..nb).filter(|&v| stores.contains(&v) || (need[v] && self.source(v, stage) == Source::Scratch)).collect();
        if !scratch_used.is_empty() {
            let sb = self.scratch_base();
            for &v in &scratch_used {
                let off = self.plan.scratch[v].expect("value has a scratch buffer") as i64;
                let bytes = self.em.b.ins().ishl_imm_s(j0, shift_of(k.body[v].dtype));
                let base = self.em.b.ins().iadd_imm_s(sb, off);
                let p0 = self.em.b.ins().iadd(base, bytes);
                let var = self.em.b.declare_var(I64);
                self.em.b.def_var(var, p0);
                scratch_var[v] = Some(var);
            }
        }
        let j = self.em.b.declare_var(I64);
        self.em.b.def_var(j, j0);
        let head = self.em.b.create_block();
        let body = self.em.b.create_block();
        let exit = self.em.b.create_block();
        self.em.b.ins().jump(head, &[]);
        self.em.b.switch_to_block(head);
        let jv = self.em.b.use_var(j);
        let more = self.em.b.ins().icmp(IntCC::SignedLessThan, jv, jend);
        self.em.b.ins().brif(more, body, &[], exit, &[]);
        self.em.b.switch_to_block(body);
        self.em.b.seal_block(body);

        // Unrolled copies read and write at constant offsets from the pointers (only
        // unit and zero strides, no scratch and no index generators: `unroll`).
        for copy in 0..unroll {
            let at = |l: &mut Self, p: Value, shift: i64| {
                if copy == 0 {
                    p
                } else {
                    l.em.b.ins().iadd_imm_s(p, ((copy * lanes) as i64) << shift)
                }
            };
            let mut val: Vec<Option<Value>> = vec![None; nb];
            for v in 0..nb {
                if !need[v] {
                    continue;
                }
                let inst = k.body[v];
                let dt = inst.dtype;
                let x = match self.source(v, stage) {
                    Source::Leaf => match inst.kind {
                        InstKind::Load { input } => {
                            let a = input as usize;
                            match self.acc[a].inner {
                                Stride::Zero => fixed[v].expect("preamble"),
                                Stride::Unit => {
                                    let p = self.em.b.use_var(ptr_var[a].expect("preamble"));
                                    let p = at(self, p, self.acc[a].shift);
                                    self.em.load(dt, lanes, p)
                                }
                                Stride::Any => {
                                    let p = self.em.b.use_var(ptr_var[a].expect("preamble"));
                                    self.em.load_strided(dt, lanes, p, tile.step[a].expect("used access"))
                                }
                            }
                        }
                        InstKind::Param { .. } => fixed[v].expect("preamble"),
                        InstKind::Index { index } => self.em.b.use_var(gen_var[index as usize].expect("preamble").0),
                        _ => unreachable!("leaves are loads, params and indices"),
                    },
                    Source::Scratch => {
                        let p = self.em.b.use_var(scratch_var[v].expect("preamble"));
                        self.em.load(dt, lanes, p)
                    }
                    Source::Compute => {
                        let ops: Vec<(Value, DType)> = operands(&inst.kind)
                            .into_iter()
                            .map(|u| (val[u as usize].expect("operand before use"), k.body[u as usize].dtype))
                            .collect();
                        self.em.inst(&inst.kind, dt, &ops, lanes)
                    }
                };
                val[v] = Some(x);
            }
            for &v in stores {
                let p = self.em.b.use_var(scratch_var[v].expect("preamble"));
                self.em.store(k.body[v].dtype, lanes, val[v].expect("computed"), p);
            }
            if last {
                for (o, out) in k.outputs.iter().enumerate() {
                    let a = k.inputs.len() + o;
                    let x = val[out.value as usize].expect("computed");
                    let p = self.em.b.use_var(ptr_var[a].expect("preamble"));
                    if self.acc[a].inner == Stride::Any {
                        self.em.store_strided(out.dtype, lanes, x, p, tile.step[a].expect("used access"));
                    } else {
                        let p = at(self, p, self.acc[a].shift);
                        self.em.store(out.dtype, lanes, x, p);
                    }
                }
            }
        }
        // Advance.
        let lanes = lanes * unroll;
        let j2 = self.em.b.ins().iadd_imm_s(jv, lanes as i64);
        self.em.b.def_var(j, j2);
        for a in 0..self.acc.len() {
            if let Some(var) = ptr_var[a] {
                let mut p = self.em.b.use_var(var);
                if self.acc[a].inner == Stride::Any {
                    let step = tile.step[a].expect("used access");
                    for _ in 0..lanes {
                        p = self.em.b.ins().iadd(p, step);
                    }
                } else {
                    p = self.em.b.ins().iadd_imm_s(p, (lanes as i64) << self.acc[a].shift);
                }
                self.em.b.def_var(var, p);
            }
        }
        for &v in &scratch_used {
            let var = scratch_var[v].expect("preamble");
            let p = self.em.b.use_var(var);
            let p2 = self.em.b.ins().iadd_imm_s(p, (lanes as i64) << shift_of(k.body[v].dtype));
            self.em.b.def_var(var, p2);
        }
        for (var, step) in gen_var.iter().flatten() {
            let g = self.em.b.use_var(*var);
            let g2 = self.em.b.ins().iadd(g, *step);
            self.em.b.def_var(*var, g2);
        }
        self.em.b.ins().jump(head, &[]);
        self.em.b.seal_block(head);
        self.em.b.switch_to_block(exit);
        self.em.b.seal_block(exit);
    }

    /// Call number `call` (1-based) over the `n` elements of the tile.
    fn call(&mut self, call: usize, n: Value, tile: &Span) {
        let v = self.plan.calls[call - 1] as usize;
        let sb = self.scratch_base();
        let mut ptrs = Vec::new();
        for u in operands(&self.k.body[v].kind) {
            let ptr = if self.plan.class[u as usize] != Class::Call && is_direct(self.k, u) {
                let InstKind::Load { input } = self.k.body[u as usize].kind else { unreachable!("direct is a load") };
                tile.base[input as usize].expect("used access")
            } else {
                let off = self.plan.scratch[u as usize].expect("call operand has a scratch buffer") as i64;
                self.em.b.ins().iadd_imm_s(sb, off)
            };
            ptrs.push(ptr);
        }
        let out_off = self.plan.scratch[v].expect("call result has a scratch buffer") as i64;
        ptrs.push(self.em.b.ins().iadd_imm_s(sb, out_off));
        ptrs.push(n);
        let (sig, addr) = match self.plan.callee[v].expect("call has a callee") {
            Callee::Unary(f) => (self.sig_unary.expect("signature"), f as usize),
            Callee::Binary(f) => (self.sig_binary.expect("signature"), f as usize),
        };
        let callee = self.em.b.ins().iconst(I64, addr as i64);
        self.em.b.ins().call_indirect(sig, callee, &ptrs);
    }
}
