//! Building one kir kernel from a fused region of the graph.
//!
//! The kernel's index space is the shape of the materialised node (or the region of a
//! scatter, or the permuted input of a reduction). Each graph node is emitted under an
//! affine map from the kernel's index space to the node's own index space: identity at
//! the root, rank-extension and zeroed dimensions through broadcasts. Loads of buffers
//! compose the map with the buffer's strides, so every access is `offset + Σ stride·i`
//! in kernel dimensions. Emission is memoised per (node, map): a node used twice under
//! the same map is one SSA value.

use crate::graph::{NodeRef, Op};
use crate::kir::{self, Inst, InstKind, Kernel, Stride, ValueId};
use hpxl_grammar::{Code, Diagnostic};
use hpxl_runtime::{DType, Data, NdArray, Scalar};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// An affine map from kernel indices to a node's indices: node dimension `d` is
/// `off[d] + Σ_k coef[d][k]·i_k`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Map {
    pub off: Vec<i64>,
    pub coef: Vec<Vec<i64>>,
}

impl Map {
    /// The identity map of a space of rank `n`.
    pub fn identity(n: usize) -> Map {
        Map { off: vec![0; n], coef: (0..n).map(|d| (0..n).map(|k| (k == d) as i64).collect()).collect() }
    }

    /// Node dimension `d` reads kernel dimension `perm[d]`.
    pub fn permutation(perm: &[usize], n: usize) -> Map {
        Map {
            off: vec![0; perm.len()],
            coef: perm.iter().map(|&p| (0..n).map(|k| (k == p) as i64).collect()).collect(),
        }
    }

    /// The map of a child of shape `child` broadcast to this node's shape `parent`.
    pub(super) fn broadcast(&self, child: &[usize], parent: &[usize]) -> Map {
        let lead = parent.len() - child.len();
        let nk = self.coef.first().map_or(0, |c| c.len());
        let mut off = Vec::with_capacity(child.len());
        let mut coef = Vec::with_capacity(child.len());
        for (e, &c) in child.iter().enumerate() {
            if c == 1 && parent[lead + e] != 1 {
                off.push(0);
                coef.push(vec![0; nk]);
            } else {
                off.push(self.off[lead + e]);
                coef.push(self.coef[lead + e].clone());
            }
        }
        Map { off, coef }
    }

    /// `offset + Σ strides[d]·(node index d)` as (offset, stride per kernel dimension).
    fn compose(&self, offset: i64, strides: &[i64], nk: usize) -> (i64, Vec<i64>) {
        let mut o = offset;
        let mut s = vec![0i64; nk];
        for (d, &st) in strides.iter().enumerate() {
            o = o.wrapping_add(st.wrapping_mul(self.off[d]));
            for (k, sk) in s.iter_mut().enumerate() {
                *sk = sk.wrapping_add(st.wrapping_mul(self.coef[d][k]));
            }
        }
        (o, s)
    }
}

/// A buffer read by the kernel, with its access in kernel dimensions.
pub(super) struct InputArg {
    pub data: Arc<Data>,
    pub offset: i64,
    pub strides: Vec<i64>,
}

/// An affine index generator in kernel dimensions.
pub(super) struct IndexArg {
    pub offset: i64,
    pub coefs: Vec<i64>,
}

/// A kernel under construction, with the run-time arguments its loads need.
pub(super) struct Builder {
    /// Extents of the kernel's index space.
    pub space: Vec<usize>,
    pub body: Vec<Inst>,
    pub inputs: Vec<InputArg>,
    pub input_dtypes: Vec<DType>,
    pub params: Vec<Scalar>,
    pub indices: Vec<IndexArg>,
    memo: HashMap<(*const crate::graph::Node, Map), ValueId>,
    consts: HashMap<(u8, u64), ValueId>,
}

fn internal(msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::Internal, format!("in pass `fuse`: {}", msg.into()))
}

fn strides_i64(s: &[isize]) -> Vec<i64> {
    s.iter().map(|&v| v as i64).collect()
}

impl Builder {
    pub fn new(space: Vec<usize>) -> Builder {
        Builder {
            space,
            body: Vec::new(),
            inputs: Vec::new(),
            input_dtypes: Vec::new(),
            params: Vec::new(),
            indices: Vec::new(),
            memo: HashMap::new(),
            consts: HashMap::new(),
        }
    }

    fn nk(&self) -> usize {
        self.space.len()
    }

    fn push(&mut self, kind: InstKind, dtype: DType) -> ValueId {
        self.body.push(Inst { kind, dtype });
        (self.body.len() - 1) as ValueId
    }

    pub fn dtype(&self, v: ValueId) -> DType {
        self.body[v as usize].dtype
    }

    /// `v` converted to `dtype` (no instruction when it already has it).
    pub fn cast(&mut self, v: ValueId, dtype: DType) -> ValueId {
        if self.dtype(v) == dtype {
            v
        } else {
            self.push(InstKind::Cast { x: v }, dtype)
        }
    }

    pub fn param(&mut self, value: Scalar) -> ValueId {
        let key = (value.dtype() as u8, kir::param_bits(value) as u64);
        if let Some(&v) = self.consts.get(&key) {
            return v;
        }
        self.params.push(value);
        let v = self.push(InstKind::Param { param: (self.params.len() - 1) as u32 }, value.dtype());
        self.consts.insert(key, v);
        v
    }

    fn unary(&mut self, op: crate::ops::UnaryOp, x: ValueId) -> ValueId {
        let dt = kir::unary_result(op, self.dtype(x));
        self.push(InstKind::Unary { op, x }, dt)
    }

    fn binary(&mut self, op: crate::ops::BinaryOp, a: ValueId, b: ValueId) -> ValueId {
        let dt = kir::binary_result(op, self.dtype(a));
        self.push(InstKind::Binary { op, a, b }, dt)
    }

    fn index(&mut self, offset: i64, coefs: Vec<i64>) -> ValueId {
        self.indices.push(IndexArg { offset, coefs });
        self.push(InstKind::Index { index: (self.indices.len() - 1) as u32 }, DType::Int64)
    }

    /// A load of `data` at element `offset + Σ strides[d]·(node index d)`, composed with `map`.
    fn load(&mut self, data: &Arc<Data>, offset: i64, strides: &[i64], map: &Map) -> ValueId {
        let (offset, strides) = map.compose(offset, strides, self.nk());
        // Zero strides along extent-1 dimensions are normalised by collapsing later; the
        // same access reached twice is one input.
        if let Some(i) =
            self.inputs.iter().position(|a| Arc::ptr_eq(&a.data, data) && a.offset == offset && a.strides == strides)
        {
            if let Some(v) = self.body.iter().position(|inst| inst.kind == InstKind::Load { input: i as u32 }) {
                return v as ValueId;
            }
        }
        self.inputs.push(InputArg { data: data.clone(), offset, strides });
        self.input_dtypes.push(data.dtype());
        self.push(InstKind::Load { input: (self.inputs.len() - 1) as u32 }, data.dtype())
    }

    /// A realised array read at node indices given by `map`.
    fn load_array(&mut self, a: &NdArray, map: &Map) -> ValueId {
        if a.size() == 1 {
            // A parameter is read on the host (a GPU result is synced first).
            crate::gpu::host_sync(&a.data);
            return self.param(a.first());
        }
        self.load(&a.data, a.offset as i64, &strides_i64(&a.strides), map)
    }

    /// Emits `n` evaluated at node indices `map`; the value has `n.dtype`.
    pub fn emit(&mut self, n: &NodeRef, map: &Map) -> Result<ValueId, Diagnostic> {
        let key = (Rc::as_ptr(n), map.clone());
        if let Some(&v) = self.memo.get(&key) {
            return Ok(v);
        }
        let v = self.emit_new(n, map)?;
        if self.dtype(v) != n.dtype {
            return Err(internal(format!("{} emitted as {} but the node is {}", n.op_name(), self.dtype(v), n.dtype)));
        }
        self.memo.insert(key, v);
        Ok(v)
    }

    fn emit_new(&mut self, n: &NodeRef, map: &Map) -> Result<ValueId, Diagnostic> {
        if let Some(value) = n.value_unsynced() {
            return Ok(self.load_array(&value, map));
        }
        let dtype = n.dtype;
        n.with_op(|op| -> Result<ValueId, Diagnostic> {
            Ok(match op {
                Op::Unary { op, loop_dtype, x } => {
                    let v = self.emit(x, map)?;
                    let v = self.cast(v, *loop_dtype);
                    let r = self.unary(*op, v);
                    self.cast(r, dtype)
                }
                Op::Binary { op, loop_dtype, a, b } => {
                    let va = self.emit(a, &map.broadcast(&a.shape, &n.shape))?;
                    let vb = self.emit(b, &map.broadcast(&b.shape, &n.shape))?;
                    let (va, vb) = (self.cast(va, *loop_dtype), self.cast(vb, *loop_dtype));
                    let r = self.binary(*op, va, vb);
                    self.cast(r, dtype)
                }
                Op::Cast { x } => {
                    let v = self.emit(x, map)?;
                    self.cast(v, dtype)
                }
                Op::Select { cond, a, b } => {
                    let vc = self.emit(cond, &map.broadcast(&cond.shape, &n.shape))?;
                    let va = self.emit(a, &map.broadcast(&a.shape, &n.shape))?;
                    let vb = self.emit(b, &map.broadcast(&b.shape, &n.shape))?;
                    let vc = self.cast(vc, DType::Bool);
                    let (va, vb) = (self.cast(va, dtype), self.cast(vb, dtype));
                    self.push(InstKind::Select { cond: vc, a: va, b: vb }, dtype)
                }
                Op::Broadcast { x } => self.emit(x, &map.broadcast(&x.shape, &n.shape))?,
                Op::View { x, view } if super::generator_rows(x, view).is_some() => {
                    let mut m = map.clone();
                    m.off[0] += super::generator_rows(x, view).unwrap_or(0) as i64;
                    self.emit(x, &m)?
                }
                Op::View { x, view } => {
                    let base = x.value_unsynced().ok_or_else(|| internal("view of a pending node reached a kernel"))?;
                    let base = contiguous(base);
                    let offset = base.offset as i64 + view.offset as i64;
                    self.load_view(&base.data, offset, &strides_i64(&view.strides), &view.shape, map)
                }
                Op::Reshape { x } => {
                    let base = x.value_unsynced().ok_or_else(|| internal("reshape of a pending node reached a kernel"))?;
                    let base = contiguous(base);
                    let strides = strides_i64(&hpxl_runtime::contiguous_strides(&n.shape));
                    self.load_view(&base.data, base.offset as i64, &strides, &n.shape, map)
                }
                Op::Iota { start, step } => self.iota(*start, *step, n, map),
                Op::Linspace { start, stop, num, endpoint } => self.linspace(*start, *stop, *num, *endpoint, n, map),
                Op::Eye { k } => {
                    // One where column - row == k.
                    let nk = self.nk();
                    let offset = map.off[1] - map.off[0] - k;
                    let coefs = (0..nk).map(|kk| map.coef[1][kk] - map.coef[0][kk]).collect();
                    let g = self.index(offset, coefs);
                    let zero = self.param(Scalar::Int64(0));
                    let hit = self.binary(crate::ops::BinaryOp::Eq, g, zero);
                    self.cast(hit, dtype)
                }
                other => return Err(internal(format!("{} node reached a kernel unrealised", op_label(other)))),
            })
        })
    }

    /// A load of a strided view (`shape`, `strides` over `data` at `offset`).
    fn load_view(&mut self, data: &Arc<Data>, offset: i64, strides: &[i64], shape: &[usize], map: &Map) -> ValueId {
        if shape.iter().product::<usize>() == 1 {
            let idx = offset as usize;
            // A parameter is read on the host (a GPU result is synced first).
            crate::gpu::host_sync(data);
            return self.param(data.get(idx));
        }
        self.load(data, offset, strides, map)
    }

    /// The row-major flat index of node `n` at `map`, as an index generator.
    fn flat_index(&mut self, n: &NodeRef, map: &Map) -> ValueId {
        let cs = strides_i64(&hpxl_runtime::contiguous_strides(&n.shape));
        let (offset, coefs) = map.compose(0, &cs, self.nk());
        self.index(offset, coefs)
    }

    /// `arange`: `start + i*step` in float64 or wrapping int64, then cast (as `graph::iota`).
    fn iota(&mut self, start: Scalar, step: Scalar, n: &NodeRef, map: &Map) -> ValueId {
        use crate::ops::BinaryOp::{Add, Mul};
        let i = self.flat_index(n, map);
        if n.dtype.is_float() || start.dtype().is_float() || step.dtype().is_float() {
            let fi = self.cast(i, DType::Float64);
            let d = self.param(Scalar::Float64(step.as_f64()));
            let s = self.param(Scalar::Float64(start.as_f64()));
            let prod = self.binary(Mul, fi, d);
            let v = self.binary(Add, s, prod);
            self.cast(v, n.dtype)
        } else {
            let s = if n.dtype == DType::UInt64 { start.as_u64() as i64 } else { start.as_i64() };
            let s = self.param(Scalar::Int64(s));
            let d = self.param(Scalar::Int64(step.as_i64()));
            let prod = self.binary(Mul, i, d);
            let v = self.binary(Add, s, prod);
            self.cast(v, n.dtype)
        }
    }

    /// `linspace`, exactly as `graph::linspace` computes it.
    fn linspace(&mut self, start: f64, stop: f64, num: usize, endpoint: bool, n: &NodeRef, map: &Map) -> ValueId {
        use crate::ops::BinaryOp::{Add, Div, Eq, Mul};
        let i = self.flat_index(n, map);
        let fi = self.cast(i, DType::Float64);
        let div = if endpoint { num.saturating_sub(1) } else { num };
        let delta = stop - start;
        let s = self.param(Scalar::Float64(start));
        let v = if div > 0 {
            let step = delta / div as f64;
            if step == 0.0 {
                let dv = self.param(Scalar::Float64(div as f64));
                let q = self.binary(Div, fi, dv);
                let de = self.param(Scalar::Float64(delta));
                let p = self.binary(Mul, q, de);
                self.binary(Add, p, s)
            } else {
                let st = self.param(Scalar::Float64(step));
                let p = self.binary(Mul, fi, st);
                self.binary(Add, p, s)
            }
        } else {
            let de = self.param(Scalar::Float64(delta));
            let p = self.binary(Mul, fi, de);
            self.binary(Add, p, s)
        };
        if endpoint && num > 1 {
            let last = self.param(Scalar::Int64(num as i64 - 1));
            let is_last = self.binary(Eq, i, last);
            let stop = self.param(Scalar::Float64(stop));
            self.push(InstKind::Select { cond: is_last, a: stop, b: v }, DType::Float64)
        } else {
            v
        }
    }
}

/// `a` as a contiguous array; a copy is made on the host, so a GPU result is synced
/// first (a contiguous one is used where it is, on either side).
fn contiguous(a: NdArray) -> NdArray {
    if !(a.is_contiguous() && a.offset == 0 && a.data.len() == a.size()) {
        crate::gpu::host_sync(&a.data);
    }
    a.to_contiguous()
}

fn op_label(op: &Op) -> &'static str {
    match op {
        Op::Reduce { .. } => "reduce",
        Op::Scan { .. } => "scan",
        Op::MatMul { .. } => "matmul",
        Op::Gather { .. } => "gather",
        Op::Scatter { .. } => "scatter",
        Op::Concat { .. } => "concat",
        Op::Library { func, .. } => func.name(),
        _ => "a",
    }
}

/// A finished kernel: kir plus the run-time arguments of one launch.
pub(super) struct Plan {
    pub kernel: Kernel,
    /// Extents after collapsing.
    pub extents: Vec<usize>,
    pub inputs: Vec<InputArg>,
    /// Per output: (element offset, strides) in collapsed dimensions; pointers are set
    /// at launch.
    pub outputs: Vec<(i64, Vec<i64>)>,
    pub indices: Vec<IndexArg>,
    pub params: Vec<Scalar>,
}

impl Plan {
    /// The argument words, with output pointers `out_ptrs`.
    pub fn args(&self, out_ptrs: &[*mut u8]) -> Vec<i64> {
        let inputs: Vec<i64> = self.inputs.iter().map(|a| a.data.as_ptr() as i64).collect();
        let outputs: Vec<i64> = out_ptrs.iter().map(|&p| p as i64).collect();
        self.args_at(&inputs, &outputs)
    }

    /// The argument words with the given input and output base addresses (host or
    /// device pointers).
    pub fn args_at(&self, input_ptrs: &[i64], out_ptrs: &[i64]) -> Vec<i64> {
        let mut w: Vec<i64> = Vec::with_capacity(self.kernel.arg_words());
        w.extend(self.extents.iter().map(|&e| e as i64));
        for (a, &p) in self.inputs.iter().zip(input_ptrs) {
            w.push(p);
            w.push(a.offset);
            w.extend_from_slice(&a.strides);
        }
        for (o, (offset, strides)) in self.outputs.iter().enumerate() {
            w.push(out_ptrs[o]);
            w.push(*offset);
            w.extend_from_slice(strides);
        }
        for g in &self.indices {
            w.push(g.offset);
            w.extend_from_slice(&g.coefs);
        }
        w.extend(self.params.iter().map(|&p| kir::param_bits(p)));
        w
    }

    /// Brings every input's host copy up to date: the kernel is about to run on the CPU
    /// (Note [Host reads of device results] in `crate::gpu`).
    pub fn sync_host(&self) {
        for a in &self.inputs {
            crate::gpu::host_sync(&a.data);
        }
    }

    pub fn size(&self) -> usize {
        self.extents.iter().product()
    }
}

/// Finishes a kernel: `outputs` are (value, dtype, element offset, strides in the
/// builder's dimensions). Dimensions of extent 1 are dropped and adjacent dimensions that
/// every access walks contiguously are merged; `groups` lists the first dimension of each
/// group that must not merge with the previous one (reductions keep kept and reduced
/// dimensions apart). Returns the plan and, per group, the number of collapsed dims.
pub(super) fn finish(
    b: Builder,
    outputs: Vec<(ValueId, DType, i64, Vec<i64>)>,
    groups: &[usize],
) -> (Plan, Vec<usize>) {
    let nk = b.space.len();
    // Every access's strides, to decide which dimensions can merge.
    let mut accesses: Vec<Vec<i64>> = Vec::new();
    accesses.extend(b.inputs.iter().map(|a| a.strides.clone()));
    accesses.extend(outputs.iter().map(|o| o.3.clone()));
    accesses.extend(b.indices.iter().map(|g| g.coefs.clone()));
    // Dimensions kept, as runs: (extent, per-access stride).
    let mut dims: Vec<(usize, Vec<i64>)> = Vec::new();
    let mut group_sizes: Vec<usize> = Vec::new();
    for k in 0..nk {
        if k == 0 || groups.contains(&k) {
            group_sizes.push(0);
        }
        let ext = b.space[k];
        if ext == 1 {
            continue;
        }
        let strides: Vec<i64> = accesses.iter().map(|s| s[k]).collect();
        let g = group_sizes.len() - 1;
        if group_sizes[g] > 0 {
            let (pe, ps) = dims.last_mut().expect("a dimension exists in this group");
            if ps.iter().zip(&strides).all(|(&p, &s)| p == s.wrapping_mul(ext as i64)) {
                *pe *= ext;
                *ps = strides;
                continue;
            }
        }
        dims.push((ext, strides));
        group_sizes[g] += 1;
    }
    if group_sizes.is_empty() {
        group_sizes.push(0);
    }
    if dims.is_empty() {
        dims.push((1, vec![0; accesses.len()]));
        *group_sizes.last_mut().expect("at least one group") += 1;
    }
    let n = dims.len();
    let col = |a: usize| -> Vec<i64> { dims.iter().map(|(_, s)| s[a]).collect() };
    let inner_class = |s: &[i64], ext: usize| -> Stride {
        if ext <= 1 {
            return Stride::Any;
        }
        match s[n - 1] {
            1 => Stride::Unit,
            0 => Stride::Zero,
            _ => Stride::Any,
        }
    };
    let inner_ext = dims[n - 1].0;
    let ni = b.inputs.len();
    let no = outputs.len();
    let mut inputs = b.inputs;
    for (i, a) in inputs.iter_mut().enumerate() {
        a.strides = col(i);
    }
    let kin: Vec<kir::Input> = inputs
        .iter()
        .zip(&b.input_dtypes)
        .map(|(a, &dtype)| kir::Input { dtype, inner: inner_class(&a.strides, inner_ext) })
        .collect();
    let mut outs = Vec::new();
    let mut kouts = Vec::new();
    for (o, (value, dtype, offset, _)) in outputs.into_iter().enumerate() {
        let strides = col(ni + o);
        let inner = match inner_class(&strides, inner_ext) {
            Stride::Unit => Stride::Unit,
            _ => Stride::Any,
        };
        kouts.push(kir::Output { value, dtype, inner });
        outs.push((offset, strides));
    }
    let mut indices = b.indices;
    for (g, ix) in indices.iter_mut().enumerate() {
        ix.coefs = col(ni + no + g);
    }
    let kernel = Kernel {
        ndim: n as u32,
        inputs: kin,
        params: b.params.iter().map(|p| p.dtype()).collect(),
        indices: indices.len() as u32,
        body: b.body,
        outputs: kouts,
    };
    let extents = dims.iter().map(|(e, _)| *e).collect();
    (Plan { kernel, extents, inputs, outputs: outs, indices, params: b.params }, group_sizes)
}
