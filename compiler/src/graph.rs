//! The lazy array graph: reference-counted nodes whose dtype and shape are known when
//! they are built, evaluated on demand by a backend (the interp reference backend here).
//!
//! Note [Graph lifetime]: nodes are `Rc`-shared rather than arena-allocated because a
//! node's lifetime is exactly "while some value or pending node still uses it": when a
//! node is evaluated its operation is replaced by the realised constant, which drops its
//! inputs, so intermediates are freed as soon as their last consumer has run. An arena
//! would need a collector to learn the same thing. Evaluation is iterative and graph
//! depth is bounded (`MAX_PENDING_DEPTH`), so long chains neither overflow the stack nor
//! hold unbounded memory.

use crate::interp;
use crate::library::LibraryFn;
use crate::ops::{BinaryOp, ReduceOp, ScanOp, UnaryOp};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::{shape_size, DType, Data, NdArray, Scalar, Shape};
use std::cell::RefCell;
use std::rc::Rc;

/// Pending chains longer than this are realised when the next node is built, which
/// bounds both evaluation depth and the memory a lazily growing loop can pin.
pub const MAX_PENDING_DEPTH: u32 = 64;

pub type NodeRef = Rc<Node>;

/// A strided view relative to the row-major layout of a node's value: element `j` of the
/// view is element `offset + sum(j[k] * strides[k])` of the flattened source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ViewSpec {
    pub offset: usize,
    pub shape: Vec<usize>,
    pub strides: Vec<isize>,
}

impl ViewSpec {
    pub fn identity(shape: &[usize]) -> ViewSpec {
        ViewSpec { offset: 0, shape: shape.to_vec(), strides: hpxl_runtime::contiguous_strides(shape).to_vec() }
    }

    pub fn is_identity_of(&self, shape: &[usize]) -> bool {
        self.offset == 0 && self.shape == shape && self.is_c_contiguous()
    }

    pub fn is_c_contiguous(&self) -> bool {
        hpxl_runtime::array::is_c_contiguous(&self.shape, &self.strides)
    }
}

/// Where a scatter writes: a strided region or explicit flat positions (advanced indexing).
#[derive(Clone, Debug)]
pub enum Region {
    View(ViewSpec),
    /// Flat row-major positions with the shape of the indexing result.
    Positions {
        positions: Rc<Vec<usize>>,
        shape: Vec<usize>,
    },
}

impl Region {
    pub fn shape(&self) -> &[usize] {
        match self {
            Region::View(v) => &v.shape,
            Region::Positions { shape, .. } => shape,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Op {
    /// A realised value (contiguous or not).
    Const(NdArray),
    Unary {
        op: UnaryOp,
        loop_dtype: DType,
        x: NodeRef,
    },
    Binary {
        op: BinaryOp,
        loop_dtype: DType,
        a: NodeRef,
        b: NodeRef,
    },
    /// Conversion to the node's dtype (NumPy `astype`).
    Cast {
        x: NodeRef,
    },
    Reduce {
        op: ReduceOp,
        loop_dtype: DType,
        x: NodeRef,
        axes: Vec<usize>,
        keepdims: bool,
    },
    Scan {
        op: ScanOp,
        x: NodeRef,
        axis: usize,
    },
    Select {
        cond: NodeRef,
        a: NodeRef,
        b: NodeRef,
    },
    MatMul {
        a: NodeRef,
        b: NodeRef,
    },
    /// A strided view of `x`'s value (no copy when `x` realises contiguously).
    View {
        x: NodeRef,
        view: ViewSpec,
    },
    /// Broadcast of `x` to the node's shape (zero strides).
    Broadcast {
        x: NodeRef,
    },
    /// Row-major reinterpretation of `x`'s elements with the node's shape (copies if needed).
    Reshape {
        x: NodeRef,
    },
    /// Elements of `x` at flat row-major positions, with the node's shape.
    Gather {
        x: NodeRef,
        positions: Rc<Vec<usize>>,
    },
    /// A copy of `base` with `value` (broadcast to the region's shape, cast to the base
    /// dtype) written into `region`.
    Scatter {
        base: NodeRef,
        region: Region,
        value: NodeRef,
    },
    Concat {
        xs: Vec<NodeRef>,
        axis: usize,
    },
    /// `arange`-style generator: `start + i * step` computed in f64 or i64 then cast.
    Iota {
        start: Scalar,
        step: Scalar,
    },
    /// `linspace` generator.
    Linspace {
        start: f64,
        stop: f64,
        num: usize,
        endpoint: bool,
    },
    /// Identity-like matrix with ones on diagonal `k`.
    Eye {
        k: i64,
    },
    /// A library routine (sort, rolling window, linear algebra, random draw) over the
    /// realised inputs `xs`; see `crate::library`.
    Library {
        func: Rc<dyn LibraryFn>,
        xs: Vec<NodeRef>,
    },
}

pub struct Node {
    op: RefCell<Op>,
    pub dtype: DType,
    pub shape: Shape,
    pub span: Span,
    /// Length of the longest pending chain below this node (0 once realised).
    pub(crate) depth: std::cell::Cell<u32>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({} {:?} {})", self.op_name(), self.shape, self.dtype)
    }
}

impl Node {
    pub fn depth(&self) -> u32 {
        self.depth.get()
    }

    pub fn is_realised(&self) -> bool {
        matches!(&*self.op.borrow(), Op::Const(_))
    }

    pub fn op_name(&self) -> &'static str {
        match &*self.op.borrow() {
            Op::Const(_) => "const",
            Op::Unary { .. } => "unary",
            Op::Binary { .. } => "binary",
            Op::Cast { .. } => "cast",
            Op::Reduce { .. } => "reduce",
            Op::Scan { .. } => "scan",
            Op::Select { .. } => "select",
            Op::MatMul { .. } => "matmul",
            Op::View { .. } => "view",
            Op::Broadcast { .. } => "broadcast",
            Op::Reshape { .. } => "reshape",
            Op::Gather { .. } => "gather",
            Op::Scatter { .. } => "scatter",
            Op::Concat { .. } => "concat",
            Op::Iota { .. } => "iota",
            Op::Linspace { .. } => "linspace",
            Op::Eye { .. } => "eye",
            Op::Library { func, .. } => func.name(),
        }
    }

    /// The realised value if this node has been evaluated, with its host copy up to date
    /// (Note [Host reads of device results] in `crate::gpu`).
    pub fn value(&self) -> Option<NdArray> {
        match &*self.op.borrow() {
            Op::Const(a) => {
                crate::gpu::host_sync(&a.data);
                Some(a.clone())
            }
            _ => None,
        }
    }

    /// The realised value without bringing a device result to the host: for building
    /// kernels, which read it where it is (`fuse::build`; CPU launches sync their inputs).
    pub(crate) fn value_unsynced(&self) -> Option<NdArray> {
        self.value_on_device()
    }

    /// The realised value, wherever its current copy is: its host storage may be waiting
    /// for a GPU result (`to_device` hands it to the device layer as is).
    pub fn value_on_device(&self) -> Option<NdArray> {
        match &*self.op.borrow() {
            Op::Const(a) => Some(a.clone()),
            _ => None,
        }
    }

    pub(crate) fn inputs(&self) -> Vec<NodeRef> {
        op_inputs(&self.op.borrow())
    }

    /// Runs `f` on the node's operation (for printing).
    pub(crate) fn with_op<T>(&self, f: impl FnOnce(&Op) -> T) -> T {
        f(&self.op.borrow())
    }
}

/// The input nodes of an operation.
pub(crate) fn op_inputs_of(op: &Op) -> Vec<NodeRef> {
    op_inputs(op)
}

/// Calls `f` on every input node of `op`, in `op_inputs` order, without allocating
/// (the per-node paths of small-array loops run this several times per node).
pub(crate) fn for_each_input(op: &Op, mut f: impl FnMut(&NodeRef)) {
    match op {
        Op::Const(_) | Op::Iota { .. } | Op::Linspace { .. } | Op::Eye { .. } => {}
        Op::Unary { x, .. }
        | Op::Cast { x }
        | Op::Reduce { x, .. }
        | Op::Scan { x, .. }
        | Op::View { x, .. }
        | Op::Broadcast { x }
        | Op::Reshape { x }
        | Op::Gather { x, .. } => f(x),
        Op::Binary { a, b, .. } | Op::MatMul { a, b } => {
            f(a);
            f(b);
        }
        Op::Select { cond, a, b } => {
            f(cond);
            f(a);
            f(b);
        }
        Op::Scatter { base, value, .. } => {
            f(base);
            f(value);
        }
        Op::Concat { xs, .. } | Op::Library { xs, .. } => xs.iter().for_each(f),
    }
}

/// One more than the deepest pending chain below `op`'s inputs (0 for a leaf).
fn depth_of(op: &Op) -> u32 {
    let mut depth = None;
    for_each_input(op, |n| depth = depth.max(Some(n.depth.get())));
    depth.map_or(0, |d| d + 1)
}

fn op_inputs(op: &Op) -> Vec<NodeRef> {
    let mut inputs = Vec::new();
    for_each_input(op, |n| inputs.push(n.clone()));
    inputs
}

impl Drop for Node {
    /// Drops long chains iteratively so a deep pending graph cannot overflow the stack.
    fn drop(&mut self) {
        let op = std::mem::replace(self.op.get_mut(), Op::Eye { k: 0 });
        // An input held only by `op` (possibly more than once: `x * x`) would be dropped
        // with it, recursively; every other input just loses a count.
        let mut refs = 0;
        for_each_input(&op, |_| refs += 1);
        let mut last_owner = false;
        for_each_input(&op, |n| last_owner |= Rc::strong_count(n) <= refs);
        if !last_owner {
            return;
        }
        let mut stack = op_inputs(&op);
        drop(op);
        while let Some(node) = stack.pop() {
            if let Ok(mut inner) = Rc::try_unwrap(node) {
                let op = std::mem::replace(inner.op.get_mut(), Op::Eye { k: 0 });
                stack.extend(op_inputs(&op));
            }
        }
    }
}

/// Builds a node; chains past `MAX_PENDING_DEPTH` are realised at once.
pub fn node(op: Op, dtype: DType, shape: impl Into<Shape>, span: Span) -> Result<NodeRef, Diagnostic> {
    let shape = shape.into();
    // Every node but a view allocates its result when evaluated, so this is the one place
    // that keeps any array the graph can build (reduction outputs of empty inputs,
    // broadcasts, concatenations) under the allocation limit.
    if !matches!(op, Op::View { .. }) {
        check_alloc(&shape, dtype, span)?;
    }
    let eager = evaluates_eagerly(&op, &shape);
    let depth = depth_of(&op);
    let n = Rc::new(Node { op: RefCell::new(op), dtype, shape, span, depth: std::cell::Cell::new(depth) });
    if eager {
        let value = evaluate(&n)?;
        hpxl_runtime::telemetry::add::interp_nodes(1);
        *n.op.borrow_mut() = Op::Const(value);
        n.depth.set(0);
        return Ok(n);
    }
    if depth > MAX_PENDING_DEPTH {
        if crate::dist::enabled() {
            // Under several ranks the deep inputs become distributed leaves and this
            // node stays pending: realising a view of a distributed array would copy it
            // into a new, differently partitioned array (`crate::dist::relieve`).
            crate::dist::relieve(&n)?;
        } else {
            force(&n)?;
        }
    }
    Ok(n)
}

// Note [Eager small operations]: an elementwise operation on realised inputs whose
// result is below the small-array threshold would, when realised, run alone on the interp
// (`fuse::realize`'s small path: no kernel is compiled below the threshold). Deferring it
// only costs: a pending node, a walk at realisation and a second visit of its inputs, which
// at 100 elements are most of a NumPy-style loop's time. So `node` evaluates it at once,
// with the same interp function realisation would call (the same bits), and returns a
// realised node. Nothing observes the difference but timing: a failing operation reports
// the same diagnostic, at its own statement, as NumPy does. Not while the graph itself is
// the product — a host tracing a function for replay (`LazyGuard`), `hpxl check` and
// `:type` (nothing may be computed), profiling and debug dumps (which report
// realisations), MPI ranks and the GPU device (their realisation differs).

thread_local! {
    /// Open `LazyGuard`s on this thread.
    static LAZY: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Keeps every new node pending while it lives (Note [Eager small operations]): a traced
/// function's graph is recorded for replay, so it must be built, not computed.
pub struct LazyGuard(());

impl LazyGuard {
    #[allow(clippy::new_without_default)]
    pub fn new() -> LazyGuard {
        LAZY.with(|c| c.set(c.get() + 1));
        LazyGuard(())
    }
}

impl Drop for LazyGuard {
    fn drop(&mut self) {
        LAZY.with(|c| c.set(c.get() - 1));
    }
}

/// Whether `node` computes an operation at once (Note [Eager small operations]).
fn evaluates_eagerly(op: &Op, shape: &[usize]) -> bool {
    if !matches!(op, Op::Unary { .. } | Op::Binary { .. } | Op::Cast { .. } | Op::Select { .. })
        || shape_size(shape) >= crate::fuse::small_threshold()
    {
        return false;
    }
    let mut realised = true;
    for_each_input(op, |i| realised &= i.is_realised());
    realised && eager_allowed()
}

// Note [Eager fast path]: the commonest operations of a NumPy-style loop over small
// arrays — `+ - * /` of two realised float arrays of one dtype and shape, or of a
// float64 array and a Python number — would each pass through type resolution,
// broadcasting, a pending node and its evaluation before becoming, by Note [Eager small
// operations], a realised node anyway. `eager_float_binary` goes straight there: the
// same loop body as the interp's (`Num::add` ... `Float::div`, so the same bits), into a
// fresh constant node. Anything else (views, mixed dtypes, broadcasting, other ops, a
// Python int beyond 2**53 — NumPy converts it the same way, but the general path is the
// reference) takes the general path, and so does everything whenever eager evaluation
// is off.

/// An operand of [`eager_float_binary`].
pub(crate) enum FastOperand<'a> {
    Node(&'a NodeRef),
    /// A Python number, converted to float64 (only with float64 arrays).
    Float(f64),
}

/// `x op y` computed at once (Note [Eager fast path]), or `None` to take the general path.
pub(crate) fn eager_float_binary(
    op: BinaryOp,
    x: FastOperand,
    y: FastOperand,
    dtype: DType,
    shape: &[usize],
    span: Span,
) -> Option<NodeRef> {
    if !matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div)
        || shape.is_empty()
        || shape_size(shape) >= crate::fuse::small_threshold()
        || !eager_allowed()
    {
        return None;
    }
    let data = match dtype {
        DType::Float64 => fast_loop::<f64>(op, &x, &y, shape)?,
        DType::Float32 if !matches!(x, FastOperand::Float(_)) && !matches!(y, FastOperand::Float(_)) => {
            fast_loop::<f32>(op, &x, &y, shape)?
        }
        _ => return None,
    };
    hpxl_runtime::telemetry::add::interp_nodes(1);
    Some(constant(NdArray::from_data(data, Shape::from_slice(shape)), span))
}

/// The elements of a realised contiguous node of dtype `T` and shape `shape`.
fn fast_slice<'a, T: interp::Ty>(v: &'a NdArray, shape: &[usize]) -> Option<&'a [T]> {
    if v.shape[..] != *shape || !v.is_contiguous() {
        return None;
    }
    T::slice(&v.data)?.get(v.offset..v.offset + shape_size(shape))
}

fn fast_loop<T: interp::Float>(op: BinaryOp, x: &FastOperand, y: &FastOperand, shape: &[usize]) -> Option<Data> {
    // One loop per operation, so the operation is inlined into it.
    match op {
        BinaryOp::Add => fast_map(x, y, shape, T::add),
        BinaryOp::Sub => fast_map(x, y, shape, T::sub),
        BinaryOp::Mul => fast_map(x, y, shape, T::mul),
        _ => fast_map(x, y, shape, T::div),
    }
}

fn fast_map<T: interp::Float>(
    x: &FastOperand,
    y: &FastOperand,
    shape: &[usize],
    f: impl Fn(T, T) -> T,
) -> Option<Data> {
    let out: Vec<T> = match (x, y) {
        (FastOperand::Node(a), FastOperand::Node(b)) => {
            let (ao, bo) = (a.op.borrow(), b.op.borrow());
            let (Op::Const(av), Op::Const(bv)) = (&*ao, &*bo) else { return None };
            let (xs, ys) = (fast_slice::<T>(av, shape)?, fast_slice::<T>(bv, shape)?);
            xs.iter().zip(ys).map(|(&p, &q)| f(p, q)).collect()
        }
        (FastOperand::Node(a), FastOperand::Float(s)) => {
            let ao = a.op.borrow();
            let Op::Const(av) = &*ao else { return None };
            let q = T::from_f64(*s);
            fast_slice::<T>(av, shape)?.iter().map(|&p| f(p, q)).collect()
        }
        (FastOperand::Float(s), FastOperand::Node(b)) => {
            let bo = b.op.borrow();
            let Op::Const(bv) = &*bo else { return None };
            let p = T::from_f64(*s);
            fast_slice::<T>(bv, shape)?.iter().map(|&q| f(p, q)).collect()
        }
        (FastOperand::Float(_), FastOperand::Float(_)) => return None,
    };
    Some(T::wrap(out))
}

/// Whether new elementwise nodes may be computed as they are built (Note [Eager small
/// operations]): not while the graph itself is the product.
fn eager_allowed() -> bool {
    LAZY.with(|c| c.get()) == 0
        && !crate::control::checking()
        && !crate::control::profiling()
        && debug_level() == 0
        && !crate::fuse::dumping()
        && !crate::dist::enabled()
        && crate::gpu::device() == crate::gpu::Device::Cpu
}

/// Realises `n` without handing its value out: under several MPI ranks a large result
/// stays distributed (`crate::dist`) rather than being gathered.
pub fn force(n: &NodeRef) -> Result<(), Diagnostic> {
    if crate::dist::enabled() {
        REALISATIONS.with(|c| c.set(c.get() + 1));
        return crate::dist::materialise(n);
    }
    if n.is_realised() {
        // Counted as `realize_on_device` counts it, without copying the descriptor out.
        REALISATIONS.with(|c| c.set(c.get() + 1));
        return Ok(());
    }
    // A result computed on the GPU stays there (nobody reads it here).
    realize_on_device(n).map(drop)
}

/// A node built without the allocation check or the depth limit (the distributed
/// realisation's local graphs, whose sizes are bounded by the graph they came from).
pub(crate) fn raw_node(op: Op, dtype: DType, shape: impl Into<Shape>, span: Span) -> NodeRef {
    let shape = shape.into();
    let depth = op_inputs(&op).iter().map(|n| n.depth.get()).max().map_or(0, |d| d + 1);
    Rc::new(Node { op: RefCell::new(op), dtype, shape, span, depth: std::cell::Cell::new(depth) })
}

/// Replaces `n`'s operation by a leaf (an input-less operation such as a distributed
/// array), dropping its inputs.
pub(crate) fn set_leaf(n: &Node, op: Op) {
    debug_assert!(op_inputs(&op).is_empty());
    *n.op.borrow_mut() = op;
    n.depth.set(0);
}

/// `op` with each input replaced by `f(input)`.
pub(crate) fn map_op_inputs(op: &Op, f: impl FnMut(&NodeRef) -> NodeRef) -> Op {
    map_inputs(op, f)
}

/// A realised constant node.
pub fn constant(value: NdArray, span: Span) -> NodeRef {
    let dtype = value.dtype();
    let shape = Shape::from_slice(&value.shape);
    Rc::new(Node { op: RefCell::new(Op::Const(value)), dtype, shape, span, depth: std::cell::Cell::new(0) })
}

pub fn scalar_node(value: Scalar, span: Span) -> NodeRef {
    constant(NdArray::scalar(value), span)
}

/// The most bytes one array (or host string/tuple) may take: a fixed 2^40 bytes (1 TiB),
/// so the same program fails the same way on every machine instead of aborting the
/// process when the allocator gives up. Anything larger is reported as E0900.
pub const MAX_ALLOC_BYTES: u128 = 1 << 40;

/// Checks that an array of `shape` and `dtype` fits under `MAX_ALLOC_BYTES`; every path
/// that allocates an array whose size comes from user values calls this first.
pub fn check_alloc(shape: &[usize], dtype: DType, span: Span) -> Result<(), Diagnostic> {
    let mut n: u128 = 1;
    for &d in shape {
        n = n.saturating_mul(d as u128);
    }
    check_alloc_items(n, dtype.itemsize() as u128, || format!("array of {} {}", n, dtype.name()), span)
}

/// Checks that `items` elements of `item_bytes` each fit under `MAX_ALLOC_BYTES`;
/// `what` names the value in the message ("string of 2199023255552 characters").
pub fn check_alloc_items(
    items: u128,
    item_bytes: u128,
    what: impl FnOnce() -> String,
    span: Span,
) -> Result<(), Diagnostic> {
    let bytes = items.saturating_mul(item_bytes);
    if bytes > MAX_ALLOC_BYTES {
        return Err(Diagnostic::new(Code::Alloc, format!("{} needs {}", what(), human_bytes(bytes)))
            .with_label(span, "this value is too large to allocate")
            .with_note(format!(
                "hpxl refuses any single allocation above 2^40 bytes ({:.1} TB)",
                MAX_ALLOC_BYTES as f64 / 1e12
            )));
    }
    // Below the fixed cap the machine may still be too small, and a failed allocation
    // aborts the process. Large requests are probed with a fallible reservation first
    // (never touched, so the probe costs an mmap/munmap when it succeeds).
    if bytes >= PROBE_ALLOC_BYTES && Vec::<u8>::new().try_reserve_exact(bytes as usize).is_err() {
        return Err(Diagnostic::new(Code::Alloc, format!("{} needs {}", what(), human_bytes(bytes)))
            .with_label(span, "this value is too large to allocate")
            .with_note("the allocation failed: this machine does not have that much memory available"));
    }
    Ok(())
}

/// Allocations at least this large are probed before the real allocation (see above).
const PROBE_ALLOC_BYTES: u128 = 1 << 30;

pub fn human_bytes(bytes: u128) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < units.len() {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{:.0} {}", v, units[i])
    }
}

/// Evaluates `root` (and every pending node it depends on) with the interp backend.
/// Each evaluated node's operation is replaced by its value, dropping its inputs.
/// The value's host copy is up to date (Note [Host reads of device results]).
pub fn realize(root: &NodeRef) -> Result<NdArray, Diagnostic> {
    let v = realize_on_device(root)?;
    crate::gpu::host_sync(&v.data);
    Ok(v)
}

/// `realize`, leaving a result computed on the GPU on the device.
fn realize_on_device(root: &NodeRef) -> Result<NdArray, Diagnostic> {
    // Counted even for a realised node: reading a value is what makes a trace depend
    // on data (see `realisations`).
    REALISATIONS.with(|c| c.set(c.get() + 1));
    if let Some(v) = root.value_unsynced() {
        return Ok(v);
    }
    crate::control::poll(root.span)?;
    match crate::control::check_mode() {
        crate::control::CheckMode::Off => {}
        crate::control::CheckMode::Fake => {
            let v = crate::control::fake_value(root.dtype, &root.shape);
            set_realised(root, v.clone());
            return Ok(v);
        }
        crate::control::CheckMode::Refuse => {
            return Err(Diagnostic::new(Code::Unsupported, "this needs array data, which `:type` does not compute")
                .with_label(root.span, "its value is needed here")
                .with_note("the dtype and shape of this expression depend on the values of an array"))
        }
    }
    if crate::dist::enabled() {
        return crate::dist::realize(root);
    }
    let level = debug_level();
    if level >= 2 {
        eprint!("HPXL_DEBUG realize:\n{}", crate::graph_text::dump(root));
    }
    let run = || match crate::fuse::backend() {
        crate::fuse::Backend::Interp => realize_pending(root),
        crate::fuse::Backend::Cranelift | crate::fuse::Backend::Llvm | crate::fuse::Backend::Tiered => {
            crate::fuse::realize(root)
        }
    };
    if level == 0 {
        return run();
    }
    let (what, start) = (root.op_name(), std::time::Instant::now());
    let result = run();
    eprintln!("HPXL_DEBUG realize {what}{:?}: {:.3} ms", root.shape, start.elapsed().as_secs_f64() * 1e3);
    result
}

/// Realises several nodes together: on the JIT backend, arrays of one shape that share
/// inputs are computed by one multi-output kernel (`crate::fuse`, Note [Multi-output
/// kernels]).
pub fn realize_all(roots: &[NodeRef]) -> Result<(), Diagnostic> {
    if let [root] = roots {
        // One root (`realize(r)` in a loop): the general path below without its lists.
        if root.is_realised() {
            return Ok(());
        }
        REALISATIONS.with(|c| c.set(c.get() + 1));
        if crate::control::checking() {
            return realize(root).map(drop);
        }
        if crate::dist::enabled() {
            return crate::dist::materialise(root);
        }
        return realize_on_device(root).map(drop);
    }
    let pending: Vec<NodeRef> = roots.iter().filter(|r| !r.is_realised()).cloned().collect();
    if !pending.is_empty() {
        REALISATIONS.with(|c| c.set(c.get() + 1));
    }
    if crate::control::checking() {
        for r in &pending {
            realize(r)?;
        }
        return Ok(());
    }
    if crate::dist::enabled() {
        for r in &pending {
            crate::dist::materialise(r)?;
        }
        return Ok(());
    }
    if pending.len() < 2 || crate::fuse::backend() == crate::fuse::Backend::Interp {
        for r in &pending {
            realize_on_device(r)?;
        }
        return Ok(());
    }
    let level = debug_level();
    if level >= 2 {
        for r in &pending {
            eprint!("HPXL_DEBUG realize:\n{}", crate::graph_text::dump(r));
        }
    }
    let start = std::time::Instant::now();
    let result = crate::fuse::realize_all(&pending);
    if level >= 1 {
        eprintln!("HPXL_DEBUG realize {} nodes together: {:.3} ms", pending.len(), start.elapsed().as_secs_f64() * 1e3);
    }
    result
}

thread_local! {
    /// Realisations started on this thread (see `realisations`).
    static REALISATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many times this thread read a node's value (`realize`, realised or not) or
/// started realising several nodes together (`realize_all`). A host compiling a
/// function compares it before and after tracing: a trace that observed a value
/// (printed it, branched on it, handed it to a Rust function) cannot be replayed on new
/// inputs (`hpxl::Function`, Note [Replaying traces] in `src/function.rs`).
pub fn realisations() -> u64 {
    REALISATIONS.with(|c| c.get())
}

/// A pending graph recorded for replay on new inputs (Note [Replaying traces] in
/// `src/function.rs`): its nodes in post-order, each with its inputs resolved to an
/// earlier step, an input slot or a fixed realised node, so that `instantiate` builds a
/// fresh copy without hashing.
pub struct Recording {
    steps: Vec<Step>,
    roots: Vec<Slot>,
}

/// One recorded node: its operation as it was when recorded (realisation later replaces
/// the original node's operation in place), with every input replaced by a placeholder
/// so that the recording pins no intermediate, and where its inputs come from.
struct Step {
    op: Op,
    dtype: DType,
    shape: Vec<usize>,
    span: Span,
    inputs: Vec<Slot>,
}

#[derive(Clone)]
enum Slot {
    Step(usize),
    Input(usize),
    Fixed(NodeRef),
}

// Note [Small replays]: a replayed trace over small arrays would build one node per
// input and per step, walk them, evaluate each step with the interp loops and drop the
// nodes again: at 100 elements the nodes, their shapes and the walk cost several times
// the arithmetic (most of it allocation). When realising the copy would take exactly the
// one-node-at-a-time interp path anyway (a single root, at most 32 elementwise steps,
// each below the small-array threshold or the interp backend; no MPI, no `:type` checking,
// no profiling or debug output), `Recording::evaluate_small` runs the same interp calls
// over the recorded steps directly, with values in a slot vector. The result is the same
// bits: the same functions on the same inputs in the same order.

/// The most steps a small replay takes (the node limit of `fuse::all_small`).
const SMALL_REPLAY_STEPS: usize = 32;

impl Recording {
    /// Whether the steps are all elementwise operations, and the most elements any of
    /// them computes (Note [Small replays]).
    fn small_replay_work(&self) -> Option<usize> {
        if self.roots.len() != 1 || self.steps.len() > SMALL_REPLAY_STEPS {
            return None;
        }
        let mut most = 0;
        for step in &self.steps {
            match step.op {
                Op::Unary { .. } | Op::Binary { .. } | Op::Cast { .. } | Op::Select { .. } => {}
                _ => return None,
            }
            most = most.max(shape_size(&step.shape));
        }
        Some(most)
    }

    /// Evaluates the recording on `inputs` with the interp loops, without building nodes,
    /// when realising an instantiated copy would do exactly that (Note [Small replays]);
    /// `None` when the copy must take the general path. Returns the root's value.
    pub fn evaluate_small(&self, inputs: &[&NdArray]) -> Option<Result<NdArray, Diagnostic>> {
        let most = self.small_replay_work()?;
        let interp_only = crate::fuse::backend() == crate::fuse::Backend::Interp;
        if !(interp_only || most < crate::fuse::small_threshold())
            || crate::dist::enabled()
            || crate::control::checking()
            || crate::control::profiling()
            || debug_level() > 0
        {
            return None;
        }
        // Every fixed input must be a realised node (it was when recorded).
        let fixed_ok = self.steps.iter().flat_map(|s| &s.inputs).all(|s| match s {
            Slot::Fixed(n) => n.is_realised(),
            Slot::Input(i) => *i < inputs.len(),
            Slot::Step(_) => true,
        });
        if !fixed_ok {
            return None;
        }
        Some(self.run_small(inputs))
    }

    fn run_small(&self, inputs: &[&NdArray]) -> Result<NdArray, Diagnostic> {
        REALISATIONS.with(|c| c.set(c.get() + 1));
        if let Some(first) = self.steps.first() {
            crate::control::poll(first.span)?;
        }
        let mut values: Vec<NdArray> = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            let arg = |k: usize, f: &mut dyn FnMut(&NdArray) -> Result<NdArray, Diagnostic>| -> Result<NdArray, Diagnostic> {
                match step.inputs.get(k) {
                    Some(Slot::Step(i)) => f(&values[*i]),
                    Some(Slot::Input(i)) => f(inputs[*i]),
                    Some(Slot::Fixed(n)) => with_val(n, |v| f(v)),
                    None => Err(internal("replay", "a step lacks an input")),
                }
            };
            let err = |e: interp::KernelError| Diagnostic::new(e.code, e.message).with_label(step.span, "");
            let value = match &step.op {
                Op::Unary { op, loop_dtype, .. } => arg(0, &mut |x| interp::unary(*op, x, *loop_dtype, step.dtype).map_err(err))?,
                Op::Binary { op, loop_dtype, .. } => arg(0, &mut |a| {
                    arg(1, &mut |b| interp::binary(*op, a, b, *loop_dtype, step.dtype).map_err(err))
                })?,
                Op::Cast { .. } => arg(0, &mut |x| Ok(x.astype(step.dtype)))?,
                Op::Select { .. } => arg(0, &mut |c| {
                    arg(1, &mut |a| arg(2, &mut |b| interp::select(c, a, b, step.dtype).map_err(err)))
                })?,
                _ => return Err(internal("replay", "a small replay met a non-elementwise step")),
            };
            hpxl_runtime::telemetry::add::interp_nodes(1);
            values.push(value);
        }
        match self.roots.first() {
            Some(Slot::Step(i)) => values.get(*i).cloned().ok_or_else(|| internal("replay", "root out of range")),
            Some(Slot::Input(i)) => inputs.get(*i).map(|v| (*v).clone()).ok_or_else(|| internal("replay", "root out of range")),
            Some(Slot::Fixed(n)) => val(n),
            None => Err(internal("replay", "no root")),
        }
    }

    /// Records the pending graph under `roots`; the nodes in `inputs` (by address) become
    /// input slots, in order. Realised nodes are shared with every copy.
    pub fn record(roots: &[NodeRef], inputs: &[NodeRef]) -> Recording {
        let mut slot: std::collections::HashMap<*const Node, Slot> =
            inputs.iter().enumerate().map(|(i, n)| (Rc::as_ptr(n), Slot::Input(i))).collect();
        let mut steps: Vec<Step> = Vec::new();
        let hole = scalar_node(hpxl_runtime::Scalar::Bool(false), Span::default());
        let mut stack: Vec<(NodeRef, bool)> = roots.iter().rev().map(|r| (r.clone(), false)).collect();
        while let Some((n, expanded)) = stack.pop() {
            let key = Rc::as_ptr(&n);
            if slot.contains_key(&key) {
                continue;
            }
            if n.is_realised() {
                slot.insert(key, Slot::Fixed(n.clone()));
                continue;
            }
            if !expanded {
                stack.push((n.clone(), true));
                for input in n.inputs().into_iter().rev() {
                    if !slot.contains_key(&Rc::as_ptr(&input)) {
                        stack.push((input, false));
                    }
                }
                continue;
            }
            let ins = n.inputs().iter().map(|i| slot.get(&Rc::as_ptr(i)).cloned().unwrap_or(Slot::Fixed(i.clone()))).collect();
            slot.insert(key, Slot::Step(steps.len()));
            let op = map_inputs(&n.op.borrow(), |_| hole.clone());
            steps.push(Step { op, dtype: n.dtype, shape: n.shape.to_vec(), span: n.span, inputs: ins });
        }
        let roots = roots.iter().map(|r| slot.get(&Rc::as_ptr(r)).cloned().unwrap_or(Slot::Fixed(r.clone()))).collect();
        Recording { steps, roots }
    }

    /// A fresh pending copy of the recorded graph over `inputs` (one node per input
    /// slot); returns the copies of the roots.
    pub fn instantiate(&self, inputs: &[NodeRef]) -> Vec<NodeRef> {
        let mut made: Vec<NodeRef> = Vec::with_capacity(self.steps.len());
        let resolve = |s: &Slot, made: &[NodeRef]| -> NodeRef {
            match s {
                Slot::Step(i) => made[*i].clone(),
                Slot::Input(i) => inputs[*i].clone(),
                Slot::Fixed(n) => n.clone(),
            }
        };
        for n in &self.steps {
            let mut it = n.inputs.iter();
            let op = map_inputs(&n.op, |x| it.next().map_or_else(|| x.clone(), |s| resolve(s, &made)));
            let depth = depth_of(&op);
            made.push(Rc::new(Node {
                op: RefCell::new(op),
                dtype: n.dtype,
                shape: n.shape.as_slice().into(),
                span: n.span,
                depth: std::cell::Cell::new(depth),
            }));
        }
        self.roots.iter().map(|s| resolve(s, &made)).collect()
    }
}

/// `op` with every input node replaced by `f(input)`, visited in `op_inputs` order.
fn map_inputs(op: &Op, mut f: impl FnMut(&NodeRef) -> NodeRef) -> Op {
    let mut op = op.clone();
    match &mut op {
        Op::Const(_) | Op::Iota { .. } | Op::Linspace { .. } | Op::Eye { .. } => {}
        Op::Unary { x, .. }
        | Op::Cast { x }
        | Op::Reduce { x, .. }
        | Op::Scan { x, .. }
        | Op::View { x, .. }
        | Op::Broadcast { x }
        | Op::Reshape { x }
        | Op::Gather { x, .. } => *x = f(x),
        Op::Binary { a, b, .. } | Op::MatMul { a, b } => {
            *a = f(a);
            *b = f(b);
        }
        Op::Select { cond, a, b } => {
            *cond = f(cond);
            *a = f(a);
            *b = f(b);
        }
        Op::Scatter { base, value, .. } => {
            *base = f(base);
            *value = f(value);
        }
        Op::Concat { xs, .. } | Op::Library { xs, .. } => {
            for x in xs.iter_mut() {
                *x = f(x);
            }
        }
    }
    op
}

/// `HPXL_DEBUG` (read once): 1 prints realisation timings, 2 also the graph realised.
pub fn debug_level() -> u32 {
    static LEVEL: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| std::env::var("HPXL_DEBUG").ok().and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Evaluates `n` and its pending inputs one node at a time with the interp backend
/// (small kernels, library nodes, and kernels a JIT backend declines).
pub(crate) fn realize_interp(n: &NodeRef) -> Result<NdArray, Diagnostic> {
    realize_pending(n)
}

/// Marks `n` as realised with `value` (its inputs are dropped).
pub(crate) fn set_realised(n: &Node, value: NdArray) {
    *n.op.borrow_mut() = Op::Const(value);
    n.depth.set(0);
}

/// Moves `n`'s operation out (leaving a placeholder); `restore_op` puts it back.
pub(crate) fn take_op(n: &Node) -> Op {
    std::mem::replace(&mut *n.op.borrow_mut(), Op::Eye { k: 0 })
}

pub(crate) fn restore_op(n: &Node, op: Op) {
    *n.op.borrow_mut() = op;
}

fn realize_pending(root: &NodeRef) -> Result<NdArray, Diagnostic> {
    // Iterative post-order traversal.
    let mut stack: Vec<(NodeRef, bool)> = vec![(root.clone(), false)];
    while let Some((n, expanded)) = stack.pop() {
        if n.is_realised() {
            continue;
        }
        if !expanded {
            stack.push((n.clone(), true));
            n.with_op(|op| {
                for_each_input(op, |input| {
                    if !input.is_realised() {
                        stack.push((input.clone(), false));
                    }
                })
            });
            continue;
        }
        let value = evaluate(&n)?;
        hpxl_runtime::telemetry::add::interp_nodes(1);
        *n.op.borrow_mut() = Op::Const(value);
        n.depth.set(0);
    }
    // Unsynced, as `realize_on_device` returns it: a root that is a view of a device
    // result stays there until the host reads it.
    root.value_unsynced().ok_or_else(|| internal("realize", "root not realised after evaluation"))
}

fn internal(pass: &str, msg: &str) -> Diagnostic {
    Diagnostic::new(Code::Internal, format!("in pass `{pass}`: {msg}"))
}

fn kernel_err(n: &Node, e: interp::KernelError) -> Diagnostic {
    Diagnostic::new(e.code, e.message).with_label(n.span, "")
}

/// `f` of the value of realised input `n`, borrowed (no clone of its shape and strides).
fn with_val<R>(n: &NodeRef, f: impl FnOnce(&NdArray) -> Result<R, Diagnostic>) -> Result<R, Diagnostic> {
    match &*n.op.borrow() {
        Op::Const(v) => {
            crate::gpu::host_sync(&v.data);
            f(v)
        }
        _ => Err(internal("interp", "input evaluated out of order")),
    }
}

fn val(n: &NodeRef) -> Result<NdArray, Diagnostic> {
    n.value().ok_or_else(|| internal("interp", "input evaluated out of order"))
}

/// Applies a view spec to a realised value.
pub fn apply_view(x: &NdArray, view: &ViewSpec) -> NdArray {
    let base = x.to_contiguous();
    NdArray {
        data: base.data.clone(),
        shape: view.shape.as_slice().into(),
        strides: view.strides.as_slice().into(),
        offset: (base.offset as isize + view.offset as isize) as usize,
    }
}

/// Evaluates one node whose inputs are all realised.
fn evaluate(n: &Node) -> Result<NdArray, Diagnostic> {
    // The op is moved out (not cloned) so input reference counts tell whether this node
    // is an input's only consumer; it is put back if evaluation fails.
    let op = std::mem::replace(&mut *n.op.borrow_mut(), Op::Eye { k: 0 });
    let result = evaluate_op(n, &op);
    if result.is_err() {
        *n.op.borrow_mut() = op;
    }
    result
}

fn evaluate_op(n: &Node, op: &Op) -> Result<NdArray, Diagnostic> {
    let out = match op {
        Op::Const(a) => a.clone(),
        Op::Unary { op, loop_dtype, x } => {
            with_val(x, |x| interp::unary(*op, x, *loop_dtype, n.dtype).map_err(|e| kernel_err(n, e)))?
        }
        Op::Binary { op, loop_dtype, a, b } => with_val(a, |a| {
            with_val(b, |b| interp::binary(*op, a, b, *loop_dtype, n.dtype).map_err(|e| kernel_err(n, e)))
        })?,
        Op::Cast { x } => with_val(x, |x| Ok(x.astype(n.dtype)))?,
        Op::Reduce { op, loop_dtype, x, axes, keepdims } => {
            interp::reduce(*op, &val(x)?, axes, *keepdims, *loop_dtype, n.dtype).map_err(|e| kernel_err(n, e))?
        }
        Op::Scan { op, x, axis } => interp::scan(*op, &val(x)?, *axis, n.dtype).map_err(|e| kernel_err(n, e))?,
        Op::Select { cond, a, b } => {
            interp::select(&val(cond)?, &val(a)?, &val(b)?, n.dtype).map_err(|e| kernel_err(n, e))?
        }
        Op::MatMul { a, b } => interp::matmul(&val(a)?, &val(b)?, n.dtype).map_err(|e| kernel_err(n, e))?,
        Op::View { x, view } => {
            // A view of a whole buffer only shares it: a device result stays where it is
            // (a host read of the view syncs it, Note [Host reads of device results]).
            match x.value_unsynced() {
                Some(v) if v.offset == 0 && v.is_contiguous() && v.data.len() == v.size() => apply_view(&v, view),
                _ => apply_view(&val(x)?, view),
            }
        }
        Op::Broadcast { x } => interp::broadcast_to(&val(x)?, &n.shape)
            .ok_or_else(|| internal("interp", "broadcast of incompatible shape"))?,
        Op::Reshape { x } => {
            let v = val(x)?.to_contiguous();
            NdArray {
                data: v.data.clone(),
                shape: n.shape.as_slice().into(),
                strides: hpxl_runtime::contiguous_strides(&n.shape),
                offset: v.offset,
            }
        }
        Op::Gather { x, positions } => {
            let v = val(x)?.to_contiguous();
            let data = gather_positions(&v, positions);
            NdArray::from_data(data, n.shape.clone())
        }
        Op::Scatter { base, region, value } => scatter(n, base, region, value)?,
        Op::Concat { xs, axis } => {
            let vals: Result<Vec<NdArray>, Diagnostic> = xs.iter().map(val).collect();
            concat(&vals?, *axis, &n.shape, n.dtype)
        }
        Op::Iota { start, step } => iota(*start, *step, shape_size(&n.shape), n.dtype, &n.shape),
        Op::Linspace { start, stop, num, endpoint } => {
            let data = linspace(*start, *stop, *num, *endpoint);
            NdArray::from_data(hpxl_runtime::cast_slice(&data, n.dtype), n.shape.clone())
        }
        Op::Eye { k } => eye(&n.shape, *k, n.dtype),
        Op::Library { func, xs } => {
            let vals: Result<Vec<NdArray>, Diagnostic> = xs.iter().map(val).collect();
            func.eval(&vals?, n.dtype, &n.shape).map_err(|e| kernel_err(n, e))?
        }
    };
    Ok(out)
}

fn gather_positions(v: &NdArray, positions: &[usize]) -> Data {
    use hpxl_runtime::IntoData;
    let off = v.offset;
    hpxl_runtime::with_data!(&*v.data, d => positions.iter().map(|&p| d[off + p]).collect::<Vec<_>>().into_data())
}

fn scatter(n: &Node, base: &NodeRef, region: &Region, value: &NodeRef) -> Result<NdArray, Diagnostic> {
    // The value is realised before the base is touched, so a value that aliases the
    // base (`a[::-1] = a`) reads the old contents ("evaluate the right side, then assign").
    let value = val(value)?;
    // When this scatter is the old contents' only user, take them over instead of
    // copying (a loop of in-place updates then reuses one buffer).
    let base_val = if Rc::strong_count(base) == 1 {
        match std::mem::replace(&mut *base.op.borrow_mut(), Op::Eye { k: 0 }) {
            Op::Const(v) => {
                crate::gpu::host_sync(&v.data);
                v
            }
            other => {
                *base.op.borrow_mut() = other;
                val(base)?
            }
        }
    } else {
        val(base)?
    };
    let base_val = base_val.to_contiguous();
    let shape = region.shape().to_vec();
    let value = if value.shape[..] == shape[..] {
        value
    } else {
        interp::broadcast_to(&value, &shape).ok_or_else(|| internal("interp", "scatter value does not broadcast"))?
    };
    let value =
        if value.dtype() == n.dtype { value.to_data() } else { hpxl_runtime::cast_data(&value.to_data(), n.dtype) };
    let offset = base_val.offset;
    let whole = base_val.data.len() == shape_size(&n.shape) && offset == 0;
    let mut data: Data = if whole {
        match std::sync::Arc::try_unwrap(base_val.data) {
            Ok(d) => d,
            Err(shared) => (*shared).clone(),
        }
    } else {
        base_val.to_data()
    };
    match region {
        Region::View(v) => {
            // Write row by row through the region's strides.
            let view = NdArray {
                data: std::sync::Arc::new(Data::Bool(Vec::new())),
                shape: v.shape.as_slice().into(),
                strides: v.strides.as_slice().into(),
                offset: v.offset,
            };
            let mut done = 0;
            let mut rows: Vec<(usize, isize, usize, usize)> = Vec::new();
            view.for_each_row(|start, stride, len| {
                rows.push((start, stride, len, done));
                done += len;
            });
            write_rows(&mut data, &rows, &value);
        }
        Region::Positions { positions, .. } => write_positions(&mut data, positions, &value),
    }
    Ok(NdArray::from_data(data, n.shape.clone()))
}

/// Copies consecutive runs of `src` into strided rows `(start, stride, len, src_offset)`.
fn write_rows(dst: &mut Data, rows: &[(usize, isize, usize, usize)], src: &Data) {
    macro_rules! arm {
        ($($var:ident),*) => {
            match (dst, src) {
                $((Data::$var(d), Data::$var(s)) => {
                    for &(start, stride, len, from) in rows {
                        if stride == 1 {
                            d[start..start + len].copy_from_slice(&s[from..from + len]);
                        } else {
                            for i in 0..len {
                                d[(start as isize + i as isize * stride) as usize] = s[from + i];
                            }
                        }
                    }
                })*
                (d, s) => {
                    for &(start, stride, len, from) in rows {
                        for i in 0..len {
                            d.set((start as isize + i as isize * stride) as usize, s.get(from + i));
                        }
                    }
                }
            }
        };
    }
    arm!(Bool, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float32, Float64);
}

fn write_positions(dst: &mut Data, positions: &[usize], src: &Data) {
    macro_rules! arm {
        ($($var:ident),*) => {
            match (dst, src) {
                $((Data::$var(d), Data::$var(s)) => {
                    for (i, &p) in positions.iter().enumerate() {
                        d[p] = s[i];
                    }
                })*
                (d, s) => {
                    for (i, &p) in positions.iter().enumerate() {
                        d.set(p, s.get(i));
                    }
                }
            }
        };
    }
    arm!(Bool, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float32, Float64);
}

fn concat(vals: &[NdArray], axis: usize, shape: &[usize], dtype: DType) -> NdArray {
    let outer: usize = shape[..axis].iter().product();
    let mut parts: Vec<(Data, usize)> = Vec::with_capacity(vals.len());
    for v in vals {
        let d = v.to_data();
        let d = if d.dtype() == dtype { d } else { hpxl_runtime::cast_data(&d, dtype) };
        let inner: usize = v.shape[axis..].iter().product();
        parts.push((d, inner));
    }
    let mut out = Data::zeros(dtype, shape_size(shape));
    let mut pos = 0;
    for o in 0..outer {
        for (d, inner) in &parts {
            for i in 0..*inner {
                out.set(pos, d.get(o * inner + i));
                pos += 1;
            }
        }
    }
    NdArray::from_data(out, shape.to_vec())
}

fn iota(start: Scalar, step: Scalar, n: usize, dtype: DType, shape: &[usize]) -> NdArray {
    if dtype.is_float() || start.dtype().is_float() || step.dtype().is_float() {
        // NumPy computes arange in the output dtype as start + i*delta.
        let (s, d) = (start.as_f64(), step.as_f64());
        let v: Vec<f64> = (0..n).map(|i| s + i as f64 * d).collect();
        NdArray::from_data(hpxl_runtime::cast_slice(&v, dtype), shape.to_vec())
    } else if dtype == DType::UInt64 {
        let (s, d) = (start.as_u64(), step.as_i64());
        let v: Vec<u64> = (0..n).map(|i| s.wrapping_add((i as i64).wrapping_mul(d) as u64)).collect();
        NdArray::from_data(hpxl_runtime::cast_slice(&v, dtype), shape.to_vec())
    } else {
        let (s, d) = (start.as_i64(), step.as_i64());
        let v: Vec<i64> = (0..n).map(|i| s.wrapping_add((i as i64).wrapping_mul(d))).collect();
        NdArray::from_data(hpxl_runtime::cast_slice(&v, dtype), shape.to_vec())
    }
}

/// NumPy's linspace: `start + i*step` with `step = (stop-start)/div`, last element exactly `stop`.
pub fn linspace(start: f64, stop: f64, num: usize, endpoint: bool) -> Vec<f64> {
    let div = if endpoint { num.saturating_sub(1) } else { num };
    let delta = stop - start;
    let mut out: Vec<f64> = Vec::with_capacity(num);
    if div > 0 {
        let step = delta / div as f64;
        if step == 0.0 {
            for i in 0..num {
                out.push((i as f64 / div as f64) * delta + start);
            }
        } else {
            for i in 0..num {
                out.push(i as f64 * step + start);
            }
        }
    } else {
        // NumPy: step is nan when div == 0, but y = arange * delta + start with y[0] = start.
        for i in 0..num {
            out.push(i as f64 * delta + start);
        }
    }
    if endpoint && num > 1 {
        out[num - 1] = stop;
    }
    out
}

fn eye(shape: &[usize], k: i64, dtype: DType) -> NdArray {
    let (rows, cols) = (shape[0], shape[1]);
    let mut data = Data::zeros(dtype, rows * cols);
    for r in 0..rows {
        let c = r as i64 + k;
        if c >= 0 && (c as usize) < cols {
            data.set(r * cols + c as usize, Scalar::Int64(1));
        }
    }
    NdArray::from_data(data, shape.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pending chain of `len` binary nodes, built without `node`'s depth limit: each
    /// step is `prev * prev` (`squares`) or `prev * c` with one shared `c`.
    fn chain(len: usize, squares: bool) -> NodeRef {
        let c = scalar_node(Scalar::Float64(2.0), Span::default());
        let mut x = scalar_node(Scalar::Float64(1.0), Span::default());
        for _ in 0..len {
            let b = if squares { x.clone() } else { c.clone() };
            let op = Op::Binary { op: BinaryOp::Mul, loop_dtype: DType::Float64, a: x, b };
            x = Rc::new(Node {
                op: RefCell::new(op),
                dtype: DType::Float64,
                shape: Vec::new().into(),
                span: Span::default(),
                depth: std::cell::Cell::new(0),
            });
        }
        x
    }

    /// Dropping a long chain must not recurse once per node, also when a node uses its
    /// input twice (`x * x`) or shares a constant with every other node. (An overflow
    /// aborts the test binary, which fails the test as surely as the asserts.)
    #[test]
    fn long_chains_drop_without_recursion() {
        let run = |squares: bool| {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || drop(chain(200_000, squares)))
                .expect("spawn")
                .join()
                .is_ok()
        };
        assert!(run(true), "a chain of x * x overflowed the stack when dropped");
        assert!(run(false), "a chain of x * c overflowed the stack when dropped");
    }
}
