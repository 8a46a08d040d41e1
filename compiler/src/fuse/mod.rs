//! Fusion: realises a lazy graph by partitioning it into kernels.
//!
//! `realize` walks the pending part of the graph under a root and decides which nodes are
//! *materialised* (get a buffer): the root, every reduction, scatter (in-place update)
//! and library node (scan, matmul, gather, concatenate), the inputs of library nodes,
//! the pending inputs of views and reshapes, and any node that two different kernels
//! would otherwise both compute (Note [Shared nodes]). Everything else — elementwise ops,
//! casts, `where`, broadcasts, views and reshapes of buffers, and the generators
//! `arange`/`linspace`/`eye` — is fused into the kernel of the materialised node that
//! consumes it, so it never touches memory. Materialised nodes run in dependency order:
//! each becomes one kir kernel (`build.rs`), compiled through the kernel cache and run
//! over fixed-size blocks (`crate::fuse::run`), or a library call on the interp backend.
//!
//! Note [Shared nodes]: a pending node consumed by two kernels is materialised once
//! rather than recomputed by both, unless it is cheap to recompute (a generator, or a
//! view/broadcast/cast of a buffer). Several uses inside one kernel are one SSA value.

mod build;
#[cfg(feature = "_ptx")]
mod gpu;
#[cfg(feature = "_ptx")]
mod gpu_model;
mod reduce;
mod run;
mod tier;

use crate::graph::{self, NodeRef, Op, Region};
use crate::kir;
use hpxl_grammar::{Code, Diagnostic};
use hpxl_runtime::NdArray;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;

pub(crate) use reduce::Prep;
#[cfg(feature = "_ptx")]
pub use gpu::cpu_executor;
pub use run::{compile_times, compiled_kernel, CacheEntry};
pub use tier::{set_tier_threshold, tier_threshold, wait_for_tier_ups, DEFAULT_TIER_ELEMENTS};

/// The backend that realises graphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// One node at a time with the reference loops (`crate::interp`).
    Interp,
    /// Fused kernels compiled by Cranelift (`crate::jit`).
    Cranelift,
    /// Fused kernels compiled by LLVM for the host CPU (`crate::llvm`, feature `llvm`);
    /// kernels LLVM declines go to Cranelift.
    Llvm,
    /// Cranelift first; a kernel that proves hot is compiled by LLVM on a background
    /// thread and its LLVM code used from then on, or LLVM's code straight away when the
    /// disk cache holds it (Note [Tiered compilation]; feature `llvm`).
    Tiered,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Interp => "interp",
            Backend::Cranelift => "cranelift",
            Backend::Llvm => "llvm",
            Backend::Tiered => "tiered",
        }
    }

    /// Whether this build can use the backend (`llvm` and `tiered` need the feature `llvm`).
    pub fn is_available(self) -> bool {
        match self {
            Backend::Llvm | Backend::Tiered => cfg!(feature = "_llvm"),
            _ => true,
        }
    }

    pub fn parse(name: &str) -> Option<Backend> {
        match name {
            "interp" => Some(Backend::Interp),
            "cranelift" => Some(Backend::Cranelift),
            "llvm" => Some(Backend::Llvm),
            "tiered" | "auto" => Some(Backend::Tiered),
            _ => None,
        }
    }
}

thread_local! {
    static BACKEND: Cell<Backend> = const { Cell::new(Backend::Cranelift) };
    static SMALL_THRESHOLD: Cell<usize> = const { Cell::new(DEFAULT_SMALL_THRESHOLD) };
}
static DUMP_KERNELS: AtomicBool = AtomicBool::new(false);

/// Below this many elements a kernel runs on the interp backend: compiling and launching
/// is not worth it (see `benches/README.md` for the measurement behind the number).
pub const DEFAULT_SMALL_THRESHOLD: usize = 2048;

/// Selects the backend for graphs realised on this thread (a session's thread).
pub fn set_backend(b: Backend) {
    BACKEND.with(|c| c.set(b));
}

pub fn backend() -> Backend {
    BACKEND.with(|c| c.get())
}

/// Sets this thread's small-array threshold (0: every kernel is compiled, as the tests do).
pub fn set_small_threshold(n: usize) {
    SMALL_THRESHOLD.with(|c| c.set(n));
}

pub fn small_threshold() -> usize {
    SMALL_THRESHOLD.with(|c| c.get())
}

/// `--dump kernels`: print each realisation's fusion decisions and every kernel's kir and
/// Cranelift IR to stderr.
pub fn set_dump_kernels(on: bool) {
    DUMP_KERNELS.store(on, Relaxed);
}

pub(crate) fn dumping() -> bool {
    dump_kernels() || graph::debug_level() >= 3
}

/// Whether `--dump kernels` is on.
pub fn dump_kernels() -> bool {
    DUMP_KERNELS.load(Relaxed)
}

/// What a materialised node becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A map kernel computing the node over its own shape.
    Map,
    /// A reduction kernel fusing the reduction's input.
    Reduce,
    /// A map kernel writing the update into (a copy of) the base buffer.
    Scatter,
    /// Evaluated by the interp backend from realised inputs.
    Library,
}

/// Whether `op` is fused into its consumer's kernel (when not materialised).
fn fusable(op: &Op) -> bool {
    matches!(
        op,
        Op::Unary { .. }
            | Op::Binary { .. }
            | Op::Cast { .. }
            | Op::Select { .. }
            | Op::Broadcast { .. }
            | Op::View { .. }
            | Op::Reshape { .. }
            | Op::Iota { .. }
            | Op::Linspace { .. }
            | Op::Eye { .. }
    )
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Map => "map",
            Role::Reduce => "reduce",
            Role::Scatter => "scatter",
            Role::Library => "library",
        }
    }
}

fn role_of(n: &NodeRef) -> Role {
    n.with_op(|op| match op {
        Op::Reduce { x, .. } if x.shape.iter().product::<usize>() > 0 && n.shape.iter().product::<usize>() > 0 => {
            Role::Reduce
        }
        Op::Scatter { region: Region::View(_), .. } => Role::Scatter,
        // Integer powers: only the GPU's code has them inline (`llvm::divmod`); the CPU
        // backends leave them to the interp. Negative exponents were refused when the
        // node was built (`arrays::binary`), so no kernel has to raise for one.
        Op::Binary { op: crate::ops::BinaryOp::Pow, loop_dtype, .. }
            if !loop_dtype.is_float() && !gpu_int_power() =>
        {
            Role::Library
        }
        op if fusable(op) => Role::Map,
        _ => Role::Library,
    })
}

/// Whether integer powers fuse into kernels: on the GPU, whose PTX has them.
fn gpu_int_power() -> bool {
    cfg!(feature = "_ptx") && crate::gpu::device() == crate::gpu::Device::Gpu && crate::gpu::active().is_some()
}

/// The first row of `view` when it is a block of whole rows of the pending generator
/// `x` (a rank's rows of `arange`/`linspace`/`eye`, `dist`): fused as the generator at
/// indices shifted by that many rows, so no buffer holds the whole generator.
pub(super) fn generator_rows(x: &NodeRef, view: &graph::ViewSpec) -> Option<usize> {
    if x.is_realised() || !x.with_op(|op| matches!(op, Op::Iota { .. } | Op::Linspace { .. } | Op::Eye { .. })) {
        return None;
    }
    let rl: usize = x.shape.iter().skip(1).product();
    let whole_rows = !x.shape.is_empty()
        && view.shape.len() == x.shape.len()
        && view.shape[1..] == x.shape[1..]
        && view.strides[..] == hpxl_runtime::contiguous_strides(&x.shape)[..]
        && rl > 0
        && view.offset % rl == 0
        && view.offset / rl + view.shape[0] <= x.shape[0];
    whole_rows.then_some(view.offset / rl)
}

/// Nodes cheap enough to recompute in every kernel that uses them (Note [Shared nodes]).
fn cheap(n: &NodeRef) -> bool {
    n.with_op(|op| match op {
        Op::Const(_) | Op::Iota { .. } | Op::Linspace { .. } | Op::Eye { .. } => true,
        Op::View { x, view } if generator_rows(x, view).is_some() => true,
        Op::View { x, .. } | Op::Reshape { x } => x.is_realised(),
        Op::Broadcast { x } | Op::Cast { x } => x.is_realised() || cheap(x),
        _ => false,
    })
}

/// Inputs a node's kernel reads from buffers (materialised) rather than fusing.
fn needs_materialised_inputs(n: &NodeRef, role: Role) -> Vec<NodeRef> {
    n.with_op(|op| match (role, op) {
        (Role::Library, _) => graph::op_inputs_of(op),
        (Role::Scatter, Op::Scatter { base, .. }) => vec![base.clone()],
        (_, Op::View { x, view }) if generator_rows(x, view).is_some() => Vec::new(),
        (_, Op::View { x, .. }) | (_, Op::Reshape { x }) => vec![x.clone()],
        _ => Vec::new(),
    })
}

/// Realises `root` (and what it needs) with fused kernels.
pub fn realize(root: &NodeRef) -> Result<NdArray, Diagnostic> {
    if let Some(v) = root.value_unsynced() {
        return Ok(v);
    }
    if all_small(root) {
        // Every kernel would run on the interp anyway: skip the partition (this is the
        // per-statement overhead of small-array loops).
        if crate::control::profiling() {
            let label = format!("interp (small) {} {}{:?}", root.op_name(), root.dtype, root.shape);
            let start = std::time::Instant::now();
            let v = graph::realize_interp(root)?;
            let bytes = (v.size() * v.dtype().itemsize()) as u64;
            crate::control::record(label, root.span, start.elapsed().as_nanos() as u64, bytes);
            return Ok(v);
        }
        return graph::realize_interp(root);
    }
    realize_all(std::slice::from_ref(root))?;
    root.value_unsynced().ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `fuse`: root not realised after its kernels"))
}

/// Whether every pending node under `root` is below the small-array threshold (looks at
/// no more than a few dozen nodes; larger graphs take the general path).
fn all_small(root: &NodeRef) -> bool {
    let threshold = small_threshold();
    let mut stack = vec![root.clone()];
    let mut visits = 0;
    while let Some(n) = stack.pop() {
        visits += 1;
        if visits > 32 {
            return false;
        }
        let small = n.with_op(|op| {
            let work: usize = match op {
                Op::Reduce { x, .. } => x.shape.iter().product(),
                _ => n.shape.iter().product(),
            };
            graph::for_each_input(op, |i| {
                if !i.is_realised() {
                    stack.push(i.clone());
                }
            });
            work < threshold
        });
        if !small {
            return false;
        }
    }
    true
}

type Key = *const graph::Node;

fn key(n: &NodeRef) -> Key {
    Rc::as_ptr(n)
}

/// Pending nodes under `roots` in post-order (inputs before consumers).
fn pending_post_order(roots: &[NodeRef]) -> Vec<NodeRef> {
    let mut order: Vec<NodeRef> = Vec::new();
    let mut seen: HashSet<Key> = HashSet::new();
    let mut stack: Vec<(NodeRef, bool)> = roots.iter().rev().map(|r| (r.clone(), false)).collect();
    while let Some((n, expanded)) = stack.pop() {
        if expanded {
            order.push(n);
            continue;
        }
        if n.is_realised() || !seen.insert(key(&n)) {
            continue;
        }
        stack.push((n.clone(), true));
        for input in n.inputs() {
            if !input.is_realised() && !seen.contains(&key(&input)) {
                stack.push((input, false));
            }
        }
    }
    order
}

/// Which nodes get a buffer, and which kernel computes every other pending node.
struct Partition {
    materialised: HashSet<Key>,
    reasons: Vec<String>,
    /// Members of the multi-output group that a consumer outside the group reads: they
    /// cannot share the group's kernel (Note [Multi-output kernels]).
    violators: Vec<Key>,
}

/// Decides what is materialised, consumers first (reverse post-order). Members of
/// `group` are one kernel: they fuse into each other.
fn partition(order: &[NodeRef], roots: &[NodeRef], group: &HashSet<Key>) -> Partition {
    let group_key: Option<Key> = order.iter().map(key).find(|k| group.contains(k));
    let mut materialised: HashSet<Key> = roots.iter().map(key).collect();
    let mut owner: HashMap<Key, Key> = HashMap::new();
    let mut reasons: Vec<String> = Vec::new();
    let mut violators: Vec<Key> = Vec::new();
    for n in order.iter().rev() {
        let role = role_of(n);
        if role != Role::Map {
            materialised.insert(key(n));
        }
        let is_root = materialised.contains(&key(n));
        let my_owner = match group_key {
            Some(g) if group.contains(&key(n)) => g,
            _ if is_root => key(n),
            _ => owner.get(&key(n)).copied().unwrap_or(key(n)),
        };
        let forced: Vec<NodeRef> = needs_materialised_inputs(n, if is_root { role } else { Role::Map });
        for input in n.inputs() {
            if input.is_realised() {
                continue;
            }
            let k = key(&input);
            let is_forced = forced.iter().any(|f| Rc::ptr_eq(f, &input));
            if group.contains(&k) {
                if is_forced || Some(my_owner) != group_key {
                    violators.push(k);
                }
                continue;
            }
            if is_forced {
                if materialised.insert(k) && dumping() {
                    reasons.push(format!("{} materialised: read as a buffer by {}", input.op_name(), n.op_name()));
                }
                continue;
            }
            if materialised.contains(&k) || cheap(&input) {
                continue;
            }
            match owner.get(&k) {
                Some(&o) if o != my_owner => {
                    materialised.insert(k);
                    if dumping() {
                        reasons.push(format!("{}{:?} materialised: used by two kernels", input.op_name(), input.shape));
                    }
                }
                _ => {
                    owner.insert(k, my_owner);
                }
            }
        }
    }
    Partition { materialised, reasons, violators }
}

/// Note [Multi-output kernels]: the arrays realised together (`realize(a, b)`) that are
/// map kernels over the same index space and share an input — a buffer or a pending
/// node — are computed by one kernel with several outputs: the shared inputs are read
/// once and shared subexpressions computed once, where separate kernels would read them
/// twice or materialise them. A member that something outside the group reads as a
/// buffer (a reduction of it, a view of it) is left out of the group, since that reader
/// needs it before the group's kernel could run; the partition is then redone.
fn group_candidates(order: &[NodeRef], roots: &[NodeRef]) -> HashSet<Key> {
    let pending: HashSet<Key> = order.iter().map(key).collect();
    let eligible = |r: &NodeRef| {
        pending.contains(&key(r))
            && role_of(r) == Role::Map
            && !run::zero_copy(r)
            && r.shape.iter().product::<usize>() >= small_threshold().max(1)
    };
    let mut group: HashSet<Key> = HashSet::new();
    let mut shape: Option<&[usize]> = None;
    let mut reach: HashSet<usize> = HashSet::new();
    for r in roots {
        if !eligible(r) || group.contains(&key(r)) || shape.is_some_and(|s| s != r.shape.as_slice()) {
            continue;
        }
        let mine = fused_inputs(r);
        if !group.is_empty() && mine.is_disjoint(&reach) {
            continue;
        }
        shape = Some(&r.shape);
        reach.extend(mine);
        group.insert(key(r));
    }
    if group.len() < 2 {
        group.clear();
    }
    group
}

/// What the kernel of `r` would read or compute: buffers (by address) and pending nodes
/// reached through fusable nodes.
fn fused_inputs(r: &NodeRef) -> HashSet<usize> {
    let mut out = HashSet::new();
    let mut stack = r.inputs();
    while let Some(n) = stack.pop() {
        if let Some(v) = n.value_unsynced() {
            out.insert(Arc::as_ptr(&v.data) as *const u8 as usize);
            continue;
        }
        if !out.insert(key(&n) as usize) {
            continue;
        }
        if n.with_op(fusable) {
            stack.extend(n.inputs());
        }
    }
    out
}

/// Realises `roots` together with fused kernels (Note [Multi-output kernels]).
pub fn realize_all(roots: &[NodeRef]) -> Result<(), Diagnostic> {
    let order = pending_post_order(roots);
    if order.is_empty() {
        return Ok(());
    }
    let mut group = group_candidates(&order, roots);
    let mut part = partition(&order, roots, &group);
    while !part.violators.is_empty() {
        for v in &part.violators {
            group.remove(v);
        }
        if group.len() < 2 {
            group.clear();
        }
        part = partition(&order, roots, &group);
    }
    let Partition { materialised, reasons, .. } = part;

    if dumping() {
        let kernels = order.iter().filter(|n| materialised.contains(&key(n))).count();
        eprintln!("HPXL fusion: {} pending nodes -> {} materialised", order.len(), kernels);
        if !group.is_empty() {
            eprintln!("  {} of them computed by one multi-output kernel", group.len());
        }
        for r in &reasons {
            eprintln!("  {r}");
        }
    }

    // Run the materialised nodes, producers first; the group runs at its last member,
    // when every member's materialised inputs are ready. The walk lets go of each node
    // once it is past it (Note [Release as you go]).
    let last_member = order.iter().rposition(|n| group.contains(&key(n)));
    let mut order: Vec<Option<NodeRef>> = order.into_iter().map(Some).collect();
    for i in 0..order.len() {
        let Some(n) = order[i].clone() else { continue };
        if !group.contains(&key(&n)) {
            order[i] = None;
        }
        if !materialised.contains(&key(&n)) || n.is_realised() {
            continue;
        }
        crate::control::poll(n.span)?;
        if group.contains(&key(&n)) {
            if Some(i) == last_member {
                let members: Vec<NodeRef> = order
                    .iter_mut()
                    .filter(|m| m.as_ref().is_some_and(|m| group.contains(&key(m))))
                    .filter_map(Option::take)
                    .collect();
                let profile = crate::control::profiling().then(|| {
                    let bytes = members.iter().map(|m| kernel_bytes(m, &materialised)).sum::<u64>();
                    (std::time::Instant::now(), bytes)
                });
                let values = run::map_group(&members)?;
                if let Some((start, bytes)) = profile {
                    let label = format!("map x{} {} {}{:?}", members.len(), n.op_name(), n.dtype, n.shape);
                    crate::control::record(label, n.span, start.elapsed().as_nanos() as u64, bytes);
                }
                for (m, v) in members.iter().zip(values) {
                    graph::set_realised(m, v);
                }
            }
            continue;
        }
        let role = role_of(&n);
        let profile = crate::control::profiling().then(|| {
            let label = format!("{} {} {}{:?}", role.name(), n.op_name(), n.dtype, n.shape);
            (std::time::Instant::now(), kernel_bytes(&n, &materialised), label)
        });
        let value = run::materialise(&n, role)?;
        if let Some((start, bytes, label)) = profile {
            crate::control::record(label, n.span, start.elapsed().as_nanos() as u64, bytes);
        }
        graph::set_realised(&n, value);
    }
    Ok(())
}

/// NumPy's pairwise sums, in `loop_dtype`, of the flat ranges `segs` of `x` (each value
/// transformed by `prep` first, as the moments do), with `x`'s
/// elementwise producers fused into the kernel that reads it (what a full `sum` fuses):
/// one pass over the data, no buffer for `x`. The local partials of a distributed sum
/// (`dist::reduce`). None on the interp backend or when the kernel is declined.
pub(crate) fn pairwise_segments<T: crate::interp::Num>(
    x: &NodeRef,
    loop_dtype: hpxl_runtime::DType,
    segs: &[(usize, usize)],
    prep: Prep<T>,
) -> Result<Option<Vec<T>>, Diagnostic> {
    if backend() == Backend::Interp || x.shape.is_empty() || x.shape.iter().product::<usize>() == 0 {
        return Ok(None);
    }
    let axes: Vec<usize> = (0..x.shape.len()).collect();
    let op = Op::Reduce { op: crate::ops::ReduceOp::Sum, loop_dtype, x: x.clone(), axes, keepdims: false };
    let r = graph::raw_node(op, loop_dtype, vec![], x.span);
    realize_producers(&r)?;
    reduce::pairwise_segments(&r, segs, prep)
}

/// Runs every node the kernel of `root` reads as a buffer (its materialised pending
/// inputs), not `root` itself.
fn realize_producers(root: &NodeRef) -> Result<(), Diagnostic> {
    let roots = std::slice::from_ref(root);
    let order = pending_post_order(roots);
    let Partition { materialised, .. } = partition(&order, roots, &HashSet::new());
    for n in order {
        if Rc::ptr_eq(&n, root) || !materialised.contains(&key(&n)) || n.is_realised() {
            continue;
        }
        crate::control::poll(n.span)?;
        let value = run::materialise(&n, role_of(&n))?;
        graph::set_realised(&n, value);
    }
    Ok(())
}

// Note [Release as you go]: `order` lists every pending node, and a node's realised
// value lives as long as the node. Were the list to keep them all until the end, a chain
// of `MAX_PENDING_DEPTH` stencil steps realised at once would hold every intermediate
// grid (nine 32 MB buffers for a 2000² stencil, each freshly page-faulted) instead of
// two. Consumers hold their inputs through their ops until they are realised themselves,
// so dropping the walk's handle as it passes a node frees each intermediate right after
// its last consumer ran. Group members are kept until the group's kernel runs.

/// Bytes a kernel computing `n` moves: its output plus every buffer it reads (realised
/// or materialised inputs; fused inputs are looked through). Only `--profile` calls it.
fn kernel_bytes(n: &NodeRef, materialised: &HashSet<Key>) -> u64 {
    let nbytes = |m: &NodeRef| (m.shape.iter().product::<usize>() * m.dtype.itemsize()) as u64;
    let mut total = nbytes(n);
    let mut seen: HashSet<Key> = HashSet::new();
    let mut stack = n.inputs();
    while let Some(m) = stack.pop() {
        if !seen.insert(key(&m)) {
            continue;
        }
        if m.is_realised() || materialised.contains(&key(&m)) {
            total += nbytes(&m);
        } else {
            stack.extend(m.inputs());
        }
    }
    total
}

/// Verifies a kernel (debug builds and tests); an invariant broken by fusion is our bug.
pub(crate) fn check(k: &kir::Kernel) -> Result<(), Diagnostic> {
    if cfg!(debug_assertions) {
        kir::verify(k).map_err(|e| {
            Diagnostic::new(Code::Internal, format!("in pass `fuse`: kir verifier: {e}\n{}", kir::kernel_text(k)))
        })?;
    }
    Ok(())
}
