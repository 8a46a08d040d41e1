//! Rank-dependent values: checking that every rank realises the same thing before a
//! distributed realisation, and what to do when they do not.
//!
//! Note [Rank-dependent values]: every rank traces the same program, so every rank
//! builds the same graphs — until the script reads a value that differs between ranks:
//! `rank()`, or what `gather`/`scatter` return. `full(10**6, rank())` is then a
//! different array on every rank, and a distributed realisation (each rank computing
//! only its rows, assuming the other ranks' rows are the same array's) would silently
//! mix them; a shape or a control-flow path that depends on the rank would make the
//! ranks enter different collectives and hang. So once the script has read such a value
//! (`comm::note_rank_dependent`, set by those builtins on every rank at the same
//! statement), every realisation under several ranks starts with an *agreement*: one
//! small allreduce of two fingerprints of the pending graph —
//!
//! - the distributed leaves it reads (their creation numbers, shapes, dtypes,
//!   layouts, in post-order), and
//! - the whole graph (its text form, the values of its constants, the contents of
//!   rank-local leaves) —
//!
//! plus what the rank is doing (a realisation, a `barrier`, the end of the script).
//! All equal: the ordinary distributed path. Same leaves but another graph: the value is
//! rank-specific; every rank gathers those leaves whole (the same collectives in the same
//! order) and computes its own value whole, as a rank-local array (`LocalArray`), which
//! is never distributed or reduced collectively. Anything else (a different task, or
//! different distributed inputs) is a diagnostic on every rank, never a hang. Scripts
//! that never read a rank-dependent value pay nothing.

use super::{comm, dist_of, gather_whole, local_value, LocalArray};
use crate::graph::{self, NodeRef, Op};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::NdArray;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// The outcome of an agreement on a realisation.
pub(super) enum Agreement {
    /// Every rank realises the same graph.
    Same,
    /// Same distributed inputs, different graphs: a rank-specific value.
    Divergent,
}

fn hasher() -> std::collections::hash_map::DefaultHasher {
    // Fixed keys: the same bytes hash the same on every rank.
    std::collections::hash_map::DefaultHasher::new()
}

/// Hashes at most 4,096 evenly spaced elements of `a` (and its shape and dtype).
fn hash_array(a: &NdArray, h: &mut impl Hasher) {
    a.shape.hash(h);
    (a.dtype() as u8).hash(h);
    let n = a.size();
    let step = n.div_ceil(4096).max(1);
    for i in (0..n).step_by(step) {
        a.get_flat(i).as_f64().to_bits().hash(h);
    }
}

/// The two fingerprints of the pending graph under `root`: (distributed leaves, graph).
fn fingerprints(root: &NodeRef) -> (u64, u64) {
    let (mut leaves, mut all) = (hasher(), hasher());
    graph_text_hash(root, &mut all);
    let mut stack = vec![(root.clone(), false)];
    let mut seen = std::collections::HashSet::new();
    while let Some((n, expanded)) = stack.pop() {
        let key = Rc::as_ptr(&n);
        if !expanded {
            if !seen.insert(key) {
                continue;
            }
            stack.push((n.clone(), true));
            if !n.is_realised() && dist_of(&n).is_none() {
                for x in n.inputs().into_iter().rev() {
                    stack.push((x, false));
                }
            }
            continue;
        }
        if let Some(f) = dist_of(&n) {
            let d = f.as_dist().expect("dist leaf");
            (d.serial, &d.shape, d.dtype() as u8, d.layout.name()).hash(&mut leaves);
        } else if let Some(v) = n.value().or_else(|| local_value(&n)) {
            hash_array(&v, &mut all);
        }
    }
    (leaves.finish(), all.finish())
}

fn graph_text_hash(root: &NodeRef, h: &mut impl Hasher) {
    crate::graph_text::dump(root).hash(h);
}

/// One allreduce: whether every rank passed the same `(task, leaves, graph)`.
/// Returns (same task and leaves, same graph).
fn exchange(task: u64, leaves: u64, all: u64) -> (bool, bool) {
    let mut v = [task, !task, leaves, !leaves, all, !all];
    comm::max_u64(&mut v);
    // max(x) == x and max(!x) == !x on this rank means min == max: all ranks agree.
    let same = |i: usize, x: u64| v[i] == x && v[i + 1] == !x;
    (same(0, task) && same(2, leaves), same(4, all))
}

fn task_hash(what: &str) -> u64 {
    let mut h = hasher();
    what.hash(&mut h);
    h.finish()
}

fn mismatch(span: Option<Span>, what: &str) -> Diagnostic {
    let d = Diagnostic::new(
        Code::Value,
        format!("the ranks disagree at {what}: they reached different distributed computations"),
    )
    .with_note(
        "a value computed from rank() (or from gather/scatter) changed a shape, a distributed array or the \
         control flow on some ranks; keep rank-specific work to small or rank-local arrays, and make every \
         rank reach the same collectives",
    );
    match span {
        Some(span) => d.with_label(span, "on some ranks this needs other distributed arrays, or another collective"),
        None => d,
    }
}

/// Whether the agreement protocol is on (Note [Rank-dependent values]).
pub(super) fn needed() -> bool {
    comm::active() && comm::rank_dependent()
}

/// The agreement before realising `root` (collective).
pub(super) fn on_realisation(root: &NodeRef) -> Result<Agreement, Diagnostic> {
    let (leaves, all) = fingerprints(root);
    match exchange(task_hash("realise"), leaves, all) {
        (true, true) => Ok(Agreement::Same),
        (true, false) => Ok(Agreement::Divergent),
        (false, _) => Err(mismatch(Some(root.span), "this realisation")),
    }
}

/// The agreement before a user-level collective or at the end of the script: every
/// rank must be doing `what` (collective; a no-op unless `needed()`).
pub fn on_task(what: &str, span: Option<Span>) -> Result<(), Diagnostic> {
    if !needed() {
        return Ok(());
    }
    match exchange(task_hash(what), 0, 0) {
        (true, _) => Ok(()),
        (false, _) => Err(mismatch(span, what)),
    }
}

/// Realises `root` whole on this rank as a rank-local value: its distributed leaves are
/// gathered whole first, in post-order (the same leaves on every rank: agreed), then a
/// copy of the graph over them is realised without any further collective.
pub(super) fn realise_rank_local(root: &NodeRef) -> Result<(), Diagnostic> {
    let (order, index) = super::leaf_post_order(root);
    let mut copy: Vec<NodeRef> = Vec::with_capacity(order.len());
    for n in &order {
        let made = if let Some(f) = dist_of(n) {
            graph::constant(gather_whole(f.as_dist().expect("dist leaf"))?, n.span)
        } else if n.is_realised() {
            n.clone()
        } else {
            let op = n.with_op(|op| graph::map_op_inputs(op, |x| copy[index[&Rc::as_ptr(x)]].clone()));
            graph::raw_node(op, n.dtype, n.shape.clone(), n.span)
        };
        copy.push(made);
    }
    let top = copy.last().cloned().ok_or_else(|| Diagnostic::new(Code::Internal, "in pass `dist`: empty graph"))?;
    let v = super::with_local(|| graph::realize(&top))?;
    graph::set_leaf(root, Op::Library { func: Rc::new(LocalArray { value: v }), xs: Vec::new() });
    Ok(())
}
