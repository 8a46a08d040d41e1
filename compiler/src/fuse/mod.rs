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
mod reduce;
mod run;

use crate::graph::{self, NodeRef, Op, Region};
use crate::kir;
use hpxl_grammar::{Code, Diagnostic};
use hpxl_runtime::NdArray;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

pub use run::{compiled_kernel, CacheEntry};

/// The backend that realises graphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One node at a time with the reference loops (`crate::interp`).
    Interp,
    /// Fused kernels compiled by Cranelift (`crate::jit`).
    Cranelift,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Interp => "interp",
            Backend::Cranelift => "cranelift",
        }
    }

    pub fn parse(name: &str) -> Option<Backend> {
        match name {
            "interp" => Some(Backend::Interp),
            "cranelift" => Some(Backend::Cranelift),
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

fn role_of(n: &NodeRef) -> Role {
    n.with_op(|op| match op {
        Op::Reduce { x, .. } if x.shape.iter().product::<usize>() > 0 && n.shape.iter().product::<usize>() > 0 => {
            Role::Reduce
        }
        Op::Scatter { region: Region::View(_), .. } => Role::Scatter,
        // Integer powers raise on negative exponents, which only the interp loop checks.
        Op::Binary { op: crate::ops::BinaryOp::Pow, loop_dtype, .. } if !loop_dtype.is_float() => Role::Library,
        op if fusable(op) => Role::Map,
        _ => Role::Library,
    })
}

/// Nodes cheap enough to recompute in every kernel that uses them (Note [Shared nodes]).
fn cheap(n: &NodeRef) -> bool {
    n.with_op(|op| match op {
        Op::Const(_) | Op::Iota { .. } | Op::Linspace { .. } | Op::Eye { .. } => true,
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
        (_, Op::View { x, .. }) | (_, Op::Reshape { x }) => vec![x.clone()],
        _ => Vec::new(),
    })
}

/// Realises `root` (and what it needs) with fused kernels.
pub fn realize(root: &NodeRef) -> Result<NdArray, Diagnostic> {
    if let Some(v) = root.value() {
        return Ok(v);
    }
    // Pending nodes in post-order (inputs before consumers).
    let mut order: Vec<NodeRef> = Vec::new();
    let mut seen: HashSet<*const graph::Node> = HashSet::new();
    let mut stack: Vec<(NodeRef, bool)> = vec![(root.clone(), false)];
    while let Some((n, expanded)) = stack.pop() {
        if expanded {
            order.push(n);
            continue;
        }
        if n.is_realised() || !seen.insert(Rc::as_ptr(&n)) {
            continue;
        }
        stack.push((n.clone(), true));
        for input in n.inputs() {
            if !input.is_realised() && !seen.contains(&Rc::as_ptr(&input)) {
                stack.push((input, false));
            }
        }
    }

    // Decide what is materialised, consumers first (reverse post-order).
    let key = |n: &NodeRef| Rc::as_ptr(n);
    let mut materialised: HashSet<*const graph::Node> = HashSet::new();
    let mut owner: HashMap<*const graph::Node, *const graph::Node> = HashMap::new();
    let mut reasons: Vec<String> = Vec::new();
    materialised.insert(key(root));
    for n in order.iter().rev() {
        let role = role_of(n);
        if role != Role::Map {
            materialised.insert(key(n));
        }
        let is_root = materialised.contains(&key(n));
        let my_owner = if is_root { key(n) } else { owner.get(&key(n)).copied().unwrap_or(key(n)) };
        let forced: Vec<NodeRef> = needs_materialised_inputs(n, if is_root { role } else { Role::Map });
        for input in n.inputs() {
            if input.is_realised() {
                continue;
            }
            let k = key(&input);
            if forced.iter().any(|f| Rc::ptr_eq(f, &input)) {
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

    if dumping() {
        let kernels = order.iter().filter(|n| materialised.contains(&key(n))).count();
        eprintln!("HPXL fusion: {} pending nodes -> {} materialised", order.len(), kernels);
        for r in &reasons {
            eprintln!("  {r}");
        }
    }

    // Run the materialised nodes, producers first.
    for n in &order {
        if !materialised.contains(&key(n)) || n.is_realised() {
            continue;
        }
        let value = run::materialise(n, role_of(n))?;
        graph::set_realised(n, value);
    }
    root.value().ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `fuse`: root not realised after its kernels"))
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
