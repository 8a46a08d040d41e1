//! Distributed realisation (SPMD over MPI ranks, `hpxl_runtime::dist`).
//!
//! Every rank traces the same program and builds the same graph. A realised array at
//! least `threshold()` elements large (or created with `dist=`) is *distributed*: each
//! rank keeps only its block of rows along axis 0, in a `DistArray` leaf (an
//! `Op::Library` node without inputs). Smaller results are replicated: every rank
//! computes them, bit for bit the same.
//!
//! Note [Localising a graph]: to realise a node `r`, each rank works out which rows it
//! needs of every node under `r` (`plan`, walking the pending graph from the root down):
//! its own block of `r` if `r` is distributed, all of `r` otherwise; elementwise ops,
//! reductions and scans over other axes need the same rows of their inputs (inputs
//! broadcast along axis 0 are needed whole); a view needs the rows its strides touch,
//! so a shifted slice `u[2:]` needs one row more than the rank owns — a halo; a scatter
//! needs the rows of its base and the part of its value that lands in them. Anything
//! else (matmul, sort, gather, concatenation, a reduction over axis 0, a reshape that
//! does not keep rows) needs its inputs whole: the always-correct fallback, computed
//! redundantly. The rows each rank needs of each `DistArray` leaf are then fetched in
//! one exchange (`fetch`: every rank plans what every other rank needs — the planning is
//! a pure function of the graph, which every rank holds — and sends exactly those of
//! its rows, point to point; no request round, and no collective beyond the 16-byte
//! stamp every exchange starts with, `hpxl_runtime::dist`'s Note [Stamped collectives]),
//! and a *local* graph is
//! built over the fetched blocks and realised by the ordinary single-process machinery (fusion,
//! JIT, interp), unchanged. Since every rank plans the same graph, every rank takes
//! part in the same exchanges in the same order, whatever its rows are.
//!
//! A node may be computed over more rows than asked for (`built` ⊇ needed): a scatter
//! is computed over all the rows its base was computed over, so a chain of in-place
//! stencil updates `u[1:-1] += f(u[:-2], u[2:])` keeps one buffer per step, its halo
//! shrinking by the stencil's reach each step (ghost zones: one fetch of `k` halo rows
//! serves `k` steps, and moves exactly the bytes `k` single-row exchanges would). A
//! scatter whose base is a distributed leaf is computed over all of the leaf's fetched
//! rows, which become the result's ghost rows (Note [Ghost rows]).
//!
//! Note [Distributed reductions]: see `reduce.rs`. Note [Rank-dependent values]: see
//! `agree.rs`.

pub mod agree;
mod reduce;

use crate::graph::{self, NodeRef, Op, Region, ViewSpec};
use crate::library::{KernelError, LibraryFn};
use hpxl_grammar::{Code, Diagnostic};
use hpxl_runtime::dist as comm;
use hpxl_runtime::{shape_size, DType, Data, NdArray};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

/// Arrays with at least this many elements are distributed (when there are several
/// ranks): `HPXL_DIST_THRESHOLD`, `hpxl --dist-threshold`, or this default.
pub const DEFAULT_THRESHOLD: usize = 1 << 16;

static THRESHOLD: AtomicUsize = AtomicUsize::new(usize::MAX);

/// The distribution threshold in elements.
pub fn threshold() -> usize {
    let t = THRESHOLD.load(Relaxed);
    if t != usize::MAX {
        return t;
    }
    let t = std::env::var("HPXL_DIST_THRESHOLD").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_THRESHOLD);
    THRESHOLD.store(t, Relaxed);
    t
}

pub fn set_threshold(n: usize) {
    THRESHOLD.store(n, Relaxed);
}

thread_local! {
    /// Set while a local graph is realised: the ordinary machinery runs undisturbed.
    static LOCAL: Cell<bool> = const { Cell::new(false) };
}

/// Whether realisation goes through this module: several ranks, not inside a local
/// realisation, not in check mode.
pub fn enabled() -> bool {
    comm::active() && !LOCAL.with(|c| c.get()) && !crate::control::checking()
}

fn with_local<T>(f: impl FnOnce() -> T) -> T {
    let was = LOCAL.with(|c| c.replace(true));
    let out = f();
    LOCAL.with(|c| c.set(was));
    out
}

/// How rows are spread over ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Contiguous blocks in rank order (`hpxl_runtime::dist::block_offsets`).
    Block,
    /// Row `i` on rank `i % nranks`.
    Cyclic,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Block => "block",
            Layout::Cyclic => "cyclic",
        }
    }
}

/// A distributed array: this rank's rows of a `shape`-shaped array, contiguous, in a
/// buffer that may hold ghost rows around them (Note [Ghost rows]).
#[derive(Debug)]
pub struct DistArray {
    pub shape: Vec<usize>,
    pub layout: Layout,
    /// Creation number: distributed arrays are made in the same order on every rank
    /// (Note [Rank-dependent values]).
    serial: u64,
    store: RefCell<Store>,
}

static SERIAL: AtomicUsize = AtomicUsize::new(0);

/// Note [Ghost rows]: a block-distributed array's own rows live in a buffer that may
/// also hold `before` rows above and `after` rows below them: the rows of the
/// neighbouring ranks a stencil reads. A halo exchange writes them in place
/// (`fetch`), so the block itself is never copied, and an in-place update whose base is
/// such a leaf is computed over the whole buffer (its ghost rows copied through, stale)
/// so that the next step's array comes out with ghost rows of its own. Ghost rows are
/// only read after a fetch has filled them, and a fill writes the neighbours' rows of
/// this same (immutable) array: once filled, a ghost row never changes. A block
/// computed from replicated values alone (`zeros(..., dist="block")`) is created with
/// one ghost row at each end it shares with a neighbour (computed, not received), and
/// an update that needs no halo is computed over the whole buffer too, so a stencil's
/// first step finds its ghost rows in place and every step's buffer has one size (the
/// pool serves it; no first-step copy or fresh allocation). Ghost rows
/// beyond a few are not kept (`MAX_KEPT_GHOSTS`): a gather must not leave a whole
/// array on every rank.
#[derive(Debug)]
struct Store {
    /// Contiguous and whole (offset 0): rows `[lo - before, hi + after)`.
    buf: NdArray,
    before: usize,
    after: usize,
}

/// Ghost rows kept around a block (in all, above and below), beyond the own rows'
/// count: see Note [Ghost rows].
const MAX_KEPT_GHOSTS: usize = 16;

fn keeps_ghosts(own: usize, ghosts: usize) -> bool {
    ghosts <= own.max(MAX_KEPT_GHOSTS)
}

impl DistArray {
    fn new(local: NdArray, shape: Vec<usize>, layout: Layout) -> DistArray {
        DistArray::with_ghosts(local, 0, 0, shape, layout)
    }

    /// `buf` holds `before` ghost rows, this rank's rows, then `after` ghost rows.
    fn with_ghosts(buf: NdArray, before: usize, after: usize, shape: Vec<usize>, layout: Layout) -> DistArray {
        let buf = buf.to_contiguous();
        let serial = SERIAL.fetch_add(1, Relaxed) as u64;
        DistArray { shape, layout, serial, store: RefCell::new(Store { buf, before, after }) }
    }

    pub fn nrows(&self) -> usize {
        self.shape[0]
    }

    fn row_len(&self) -> usize {
        self.shape[1..].iter().product()
    }

    pub fn dtype(&self) -> DType {
        self.store.borrow().buf.dtype()
    }

    /// This rank's rows (contiguous; a view of the buffer when it has ghost rows).
    pub fn local(&self) -> NdArray {
        let st = self.store.borrow();
        if st.before == 0 && st.after == 0 {
            return st.buf.clone();
        }
        let own = st.buf.shape[0] - st.before - st.after;
        rows_of_array(&st.buf, (0, st.buf.shape[0]), (st.before, st.before + own))
    }

    /// Rows held by each rank.
    pub fn partition_sizes(&self) -> Vec<usize> {
        partition_sizes(self.nrows(), self.layout)
    }
}

/// Rows `want` of a contiguous array holding rows `have` (a view, no copy).
fn rows_of_array(a: &NdArray, have: Range, want: Range) -> NdArray {
    if have == want || a.shape.is_empty() {
        return a.clone();
    }
    let a = a.to_contiguous();
    let shape = with_rows(&a.shape, want);
    NdArray {
        data: a.data.clone(),
        strides: hpxl_runtime::contiguous_strides(&shape),
        offset: a.offset + (want.0 - have.0) * row_len(&a.shape),
        shape: shape.into(),
    }
}

pub fn partition_sizes(n: usize, layout: Layout) -> Vec<usize> {
    let p = comm::nranks();
    match layout {
        Layout::Block => {
            let o = comm::block_offsets(n, p);
            (0..p).map(|q| o[q + 1] - o[q]).collect()
        }
        Layout::Cyclic => (0..p).map(|q| (n + p - 1 - q) / p).collect(),
    }
}

impl LibraryFn for DistArray {
    fn name(&self) -> &'static str {
        "dist"
    }

    fn as_dist(&self) -> Option<&DistArray> {
        Some(self)
    }

    fn describe(&self) -> String {
        format!("{} rows={:?}", self.layout.name(), self.partition_sizes())
    }

    /// A distributed leaf met by a path that does not localise (a safety net): every
    /// rank gathers the whole array.
    fn eval(&self, _inputs: &[NdArray], _dtype: DType, _shape: &[usize]) -> Result<NdArray, KernelError> {
        gather_whole(self).map_err(|e| KernelError::new(e.code, e.message))
    }
}

/// A rank's own value (what `scatter` and `gather` return): its shape or contents may
/// differ between ranks, so nothing computed from it may take a collective path — such
/// graphs are realised by each rank alone, and their results are rank-local too.
#[derive(Debug)]
pub struct LocalArray {
    pub value: NdArray,
}

impl LibraryFn for LocalArray {
    fn name(&self) -> &'static str {
        "rank_local"
    }

    fn eval(&self, _inputs: &[NdArray], _dtype: DType, _shape: &[usize]) -> Result<NdArray, KernelError> {
        Ok(self.value.clone())
    }

    fn is_rank_local(&self) -> bool {
        true
    }
}

/// A rank-local leaf holding `value` (see [`LocalArray`]).
pub fn rank_local(value: NdArray, span: hpxl_grammar::Span) -> NodeRef {
    let (dtype, shape) = (value.dtype(), value.shape.clone());
    graph::raw_node(Op::Library { func: Rc::new(LocalArray { value }), xs: Vec::new() }, dtype, shape, span)
}

fn local_value(n: &NodeRef) -> Option<NdArray> {
    n.with_op(|op| match op {
        Op::Library { func, xs } if xs.is_empty() && func.is_rank_local() => {
            Some(func.eval(&[], n.dtype, &n.shape).ok()?)
        }
        _ => None,
    })
}

/// Whether the pending graph under `n` reads a rank-local leaf.
fn reads_rank_local(n: &NodeRef) -> bool {
    let mut stack = vec![n.clone()];
    let mut seen = std::collections::HashSet::new();
    while let Some(m) = stack.pop() {
        if !seen.insert(Rc::as_ptr(&m)) {
            continue;
        }
        if local_value(&m).is_some() {
            return true;
        }
        if !m.is_realised() && dist_of(&m).is_none() {
            stack.extend(m.inputs());
        }
    }
    false
}

/// The `DistArray` of a node, if it is a distributed leaf.
pub fn dist_of(n: &NodeRef) -> Option<Rc<dyn LibraryFn>> {
    n.with_op(|op| match op {
        Op::Library { func, xs } if xs.is_empty() && func.as_dist().is_some() => Some(func.clone()),
        _ => None,
    })
}

/// Layout and partition sizes of a node's value (None: replicated or pending).
pub fn describe(n: &NodeRef) -> Option<(Layout, Vec<usize>)> {
    let f = dist_of(n)?;
    let d = f.as_dist()?;
    Some((d.layout, d.partition_sizes()))
}

/// The bytes of a contiguous array's elements.
pub fn array_bytes(a: &NdArray) -> &[u8] {
    bytes_of(a)
}

fn bytes_of(a: &NdArray) -> &[u8] {
    let item = a.dtype().itemsize();
    let ptr = a.data.as_ptr();
    // SAFETY: `a` is contiguous from `offset` (callers pass contiguous arrays); the
    // bytes of `size()` elements from there lie inside the storage.
    unsafe { std::slice::from_raw_parts(ptr.add(a.offset * item), a.size() * item) }
}

/// An array of `dtype` and `shape` holding `bytes` (as `array_bytes` gave them).
pub fn array_from_bytes(dtype: DType, shape: Vec<usize>, bytes: &[u8]) -> NdArray {
    let n = shape_size(&shape);
    // From the buffer pool: a fetch per stencil step reuses last step's buffer instead
    // of page-faulting a fresh one.
    let mut data = hpxl_runtime::pool::take(dtype, n).unwrap_or_else(|| Data::zeros(dtype, n));
    debug_assert_eq!(bytes.len(), n * dtype.itemsize());
    // SAFETY: `data` holds exactly `n` elements of `dtype`, `bytes.len()` bytes; the bytes
    // came from an array of the same dtype (bools are 0/1 bytes).
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), data.as_mut_ptr(), bytes.len()) };
    NdArray::from_data(data, shape)
}

/// Every rank gets the whole array (allgather; rows reordered for a cyclic layout).
/// Parts that do not add up to the array (ranks that disagree about it) are an internal
/// error on every rank alike: every rank sees every part's length.
fn gather_whole(d: &DistArray) -> Result<NdArray, Diagnostic> {
    let local = d.local();
    let parts = comm::all_gather(bytes_of(&local));
    let rb = d.row_len() * local.dtype().itemsize();
    let sizes: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let want: Vec<usize> = d.partition_sizes().iter().map(|&rows| rows * rb).collect();
    if sizes != want {
        return Err(internal(&format!(
            "the ranks' parts of a {:?} {} array hold {sizes:?} bytes, not {want:?}",
            d.shape,
            local.dtype().name()
        )));
    }
    let mut all = Vec::with_capacity(d.nrows() * rb);
    match d.layout {
        Layout::Block => {
            for p in &parts {
                all.extend_from_slice(p);
            }
        }
        Layout::Cyclic => {
            let p = comm::nranks();
            for i in 0..d.nrows() {
                let (q, k) = (i % p, i / p);
                all.extend_from_slice(&parts[q][k * rb..(k + 1) * rb]);
            }
        }
    }
    Ok(array_from_bytes(local.dtype(), d.shape.clone(), &all))
}

/// Rows `[lo, hi)` of this rank's own block when `n` rows are block-distributed.
pub fn my_block(n: usize) -> (usize, usize) {
    let o = comm::block_offsets(n, comm::nranks());
    let r = comm::rank();
    (o[r], o[r + 1])
}

fn nrows(n: &NodeRef) -> usize {
    if n.shape.is_empty() {
        1
    } else {
        n.shape[0]
    }
}

fn row_len(shape: &[usize]) -> usize {
    shape.iter().skip(1).product()
}

/// Whether a result of this shape is distributed.
fn should_distribute(n: &NodeRef) -> bool {
    !n.shape.is_empty() && n.shape[0] >= 2 && shape_size(&n.shape) >= threshold().max(1)
}

/// Realises `root` on every rank and returns its whole value (gathered if distributed).
pub fn realize(root: &NodeRef) -> Result<NdArray, Diagnostic> {
    materialise(root)?;
    if let Some(v) = root.value().or_else(|| local_value(root)) {
        return Ok(v);
    }
    match dist_of(root) {
        Some(f) => gather_whole(f.as_dist().expect("dist leaf")),
        None => Err(Diagnostic::new(Code::Internal, "in pass `dist`: root not realised")),
    }
}

/// Realises `root` without gathering it: a distributed leaf or a replicated constant.
pub fn materialise(root: &NodeRef) -> Result<(), Diagnostic> {
    if root.is_realised() || dist_of(root).is_some() || local_value(root).is_some() {
        return Ok(());
    }
    if agree::needed() {
        if !reduce::has_dist(root) {
            // Nothing distributed to read: this rank computes the value whole, with no
            // collective, whether or not it depends on the rank (Note [Rank-dependent
            // values]); such values are replicated, never distributed.
            let v = with_local(|| graph::realize(root))?;
            if reads_rank_local(root) {
                graph::set_leaf(root, Op::Library { func: Rc::new(LocalArray { value: v }), xs: Vec::new() });
            } else {
                graph::set_realised(root, v);
            }
            return Ok(());
        }
        if let agree::Agreement::Divergent = agree::on_realisation(root)? {
            return agree::realise_rank_local(root);
        }
    }
    if reads_rank_local(root) {
        let v = with_local(|| graph::realize(root))?;
        graph::set_leaf(root, Op::Library { func: Rc::new(LocalArray { value: v }), xs: Vec::new() });
        return Ok(());
    }
    // Pending in-place updates under the root are realised first, oldest first, so
    // each becomes a distributed leaf that later realisations reuse (Note [Localising
    // a graph]: a local graph's intermediate nodes are not the original nodes).
    for s in pending_scatters(root) {
        materialise(&s)?;
    }
    if let Some(v) = reduce::try_reduce(root)? {
        graph::set_realised(root, v);
        return Ok(());
    }
    materialise_as(root, should_distribute(root))
}

/// Bounds the pending depth under `n` (`graph::MAX_PENDING_DEPTH`) without realising
/// `n` itself. A deep pending graph is an in-place chain (a stencil loop): its pending
/// updates are realised, oldest first, as distributed leaves aligned with the array
/// they update, and `n` stays pending over them. Realising `n` or another
/// intermediate instead would make a new array with its own partition (a stencil's
/// interior `u[1:-1, 1:-1]` splits its rows differently from `u`), and the next steps
/// would move rows between the two. Collective, like `materialise`.
pub fn relieve(n: &NodeRef) -> Result<(), Diagnostic> {
    for s in pending_scatters(n) {
        materialise(&s)?;
    }
    if update_depths(n) <= graph::MAX_PENDING_DEPTH {
        return Ok(());
    }
    for x in n.inputs() {
        if !(x.is_realised() || dist_of(&x).is_some() || local_value(&x).is_some()) {
            graph::force(&x)?;
        }
    }
    update_depths(n);
    Ok(())
}

/// Recomputes the pending depth of every node under `n` (realising a node makes its
/// consumers' recorded depths stale) and returns `n`'s.
fn update_depths(n: &NodeRef) -> u32 {
    let mut stack: Vec<(NodeRef, bool)> = vec![(n.clone(), false)];
    let mut seen = std::collections::HashSet::new();
    while let Some((m, expanded)) = stack.pop() {
        if m.is_realised() || dist_of(&m).is_some() || local_value(&m).is_some() {
            m.depth.set(0);
            continue;
        }
        if expanded {
            m.depth.set(m.inputs().iter().map(|x| x.depth.get()).max().map_or(0, |d| d + 1));
            continue;
        }
        if !seen.insert(Rc::as_ptr(&m)) {
            continue;
        }
        stack.push((m.clone(), true));
        for x in m.inputs() {
            stack.push((x, false));
        }
    }
    n.depth.get()
}

/// Pending scatters under `root` (not the root), inputs before consumers.
fn pending_scatters(root: &NodeRef) -> Vec<NodeRef> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<(NodeRef, bool)> = root.inputs().into_iter().map(|x| (x, false)).collect();
    while let Some((n, expanded)) = stack.pop() {
        if n.is_realised() || dist_of(&n).is_some() {
            continue;
        }
        if expanded {
            if n.with_op(|op| matches!(op, Op::Scatter { .. })) {
                out.push(n);
            }
            continue;
        }
        if !seen.insert(Rc::as_ptr(&n)) {
            continue;
        }
        stack.push((n.clone(), true));
        for x in n.inputs() {
            stack.push((x, false));
        }
    }
    out
}

/// Realises `root` distributed (this rank's block) or replicated.
fn materialise_as(root: &NodeRef, distribute: bool) -> Result<(), Diagnostic> {
    let ranges: Vec<Range> = if distribute {
        let offs = comm::block_offsets(root.shape[0], comm::nranks());
        (0..comm::nranks()).map(|q| (offs[q], offs[q + 1])).collect()
    } else {
        vec![(0, nrows(root)); comm::nranks()]
    };
    let (lo, hi) = ranges[comm::rank()];
    // A block computed from replicated values only (`zeros(..., dist="block")`, a
    // generator) is computed one row beyond each end shared with a neighbour: those
    // rows are its first ghost rows (Note [Ghost rows]), so a stencil's first halo
    // exchange lands in place and every step's buffer has the same size.
    let ranges: Vec<Range> = if distribute && comm::nranks() > 1 && !reduce::has_dist(root) {
        let n = root.shape[0];
        ranges.iter().map(|&(a, b)| if a < b { (a.saturating_sub(1), (b + 1).min(n)) } else { (a, b) }).collect()
    } else {
        ranges
    };
    // Ranks compute different rows of a distributed result, so the local graph must not
    // hold the original graph's pending nodes (`fresh`): a rank whose rows, ghost rows
    // included, are the whole array would otherwise realise the original root (and its
    // pending inputs) in place, while the other ranks leave them pending — and the ranks'
    // graphs would disagree from then on (Note [Localising a graph]). A replicated
    // result is computed whole by every rank alike.
    let (local, have) = localise_with(root, &ranges, distribute)?;
    let v = with_local(|| graph::realize(&local))?;
    if distribute {
        // Rows computed beyond this rank's block become its ghost rows (Note [Ghost
        // rows]): an in-place stencil step computed over last step's buffer.
        let (before, after) = (lo - have.0, have.1 - hi);
        if root.shape.len() > 0 && (before > 0 || after > 0) && keeps_ghosts(hi - lo, before + after) {
            let d = DistArray::with_ghosts(v, before, after, root.shape.to_vec(), Layout::Block);
            graph::set_leaf(root, Op::Library { func: Rc::new(d), xs: Vec::new() });
        } else {
            set_dist(root, rows_of_array(&v, have, (lo, hi)), Layout::Block);
        }
    } else {
        graph::set_realised(root, rows_of_array(&v, have, (lo, hi)));
    }
    Ok(())
}

/// Makes `n` a distributed leaf holding this rank's rows `local`.
fn set_dist(n: &NodeRef, local: NdArray, layout: Layout) {
    let d = DistArray::new(local, n.shape.to_vec(), layout);
    graph::set_leaf(n, Op::Library { func: Rc::new(d), xs: Vec::new() });
}

/// `distribute(a, layout)` and `dist=` on creation functions: realises `n` and keeps
/// only this rank's rows, whatever its size. With one rank, the array stays whole.
pub fn distribute(n: &NodeRef, layout: Layout) -> Result<(), Diagnostic> {
    if !enabled() || n.shape.is_empty() {
        return graph::realize(n).map(drop);
    }
    if let Some(f) = dist_of(n) {
        if f.as_dist().map(|d| d.layout) == Some(layout) {
            return Ok(());
        }
    }
    if agree::needed() && dist_of(n).is_none() {
        // An explicit distribution after the script read a rank-dependent value: the
        // ranks must agree that it is the same array (Note [Rank-dependent values]).
        if let agree::Agreement::Divergent = agree::on_realisation(n)? {
            return agree::realise_rank_local(n);
        }
    }
    if layout == Layout::Block && n.shape[0] >= 1 {
        // Computed by blocks directly: no rank ever holds the whole array.
        if !n.is_realised() && dist_of(n).is_none() {
            for s in pending_scatters(n) {
                materialise(&s)?;
            }
            return materialise_as(n, true);
        }
    }
    let whole = realize(n)?;
    let whole = whole.to_contiguous();
    let p = comm::nranks();
    let r = comm::rank();
    let rows = n.shape[0];
    let rb = row_len(&n.shape) * whole.dtype().itemsize();
    let bytes = bytes_of(&whole);
    let mine: Vec<u8> = match layout {
        Layout::Block => {
            let (lo, hi) = my_block(rows);
            bytes[lo * rb..hi * rb].to_vec()
        }
        Layout::Cyclic => (r..rows).step_by(p).flat_map(|i| bytes[i * rb..(i + 1) * rb].iter().copied()).collect(),
    };
    let mut shape = n.shape.clone();
    shape[0] = mine.len() / rb.max(1);
    if rb == 0 {
        shape[0] = partition_sizes(rows, layout)[r];
    }
    let local = array_from_bytes(whole.dtype(), shape.to_vec(), &mine);
    set_dist(n, local, layout);
    Ok(())
}

// ---------------------------------------------------------------------------------
// Planning (Note [Localising a graph])

type Range = (usize, usize);

fn hull(a: Option<Range>, b: Range) -> Range {
    match a {
        None => b,
        Some(a) if a.0 == a.1 => b,
        Some(a) if b.0 == b.1 => a,
        Some(a) => (a.0.min(b.0), a.1.max(b.1)),
    }
}

/// How a node is rebuilt over its rows.
#[derive(Clone, Debug)]
enum Kind {
    /// A leaf: realised constant (used whole) or distributed (fetched rows).
    Leaf,
    /// Computed whole from whole inputs (generators, library nodes, the fallback).
    Whole,
    /// The same operation over the same rows of the inputs (elementwise, reductions and
    /// scans over other axes); `row_inputs[i]`: input `i` is sliced (else used whole).
    Rows { row_inputs: Vec<bool> },
    /// A view restricted to the output rows (`spec` already shifted to them).
    View { spec: ViewSpec },
    /// A generator (`arange`, `linspace`, `eye`) computed over the output rows only: a
    /// view of a fresh copy of it, which fusion computes element by element from the
    /// global index (the same bits as the whole array's elements).
    Gen,
    /// A reshape that keeps whole input rows: input rows `[a, b)`.
    Reshape { a: usize, b: usize },
    /// A scatter: `region` is relative to the base's row `lo` (None: the update misses
    /// these rows); `value_rows`: the value's rows used (None: whole).
    Scatter { region: Option<Region>, value_rows: Option<Range> },
}

/// What node `n` needs of its inputs to produce rows `[lo, hi)`; `req[i]` is the rows of
/// input `i` (None: not needed).
fn plan(n: &NodeRef, lo: usize, hi: usize, inputs: &[NodeRef]) -> (Kind, Vec<Option<Range>>) {
    let whole = || (Kind::Whole, inputs.iter().map(|x| Some((0, nrows(x)))).collect());
    let is_full = lo == 0 && hi == nrows(n);
    n.with_op(|op| match op {
        Op::Const(_) => (Kind::Leaf, vec![]),
        Op::Iota { .. } | Op::Linspace { .. } | Op::Eye { .. } if !n.shape.is_empty() && !is_full => {
            (Kind::Gen, vec![])
        }
        Op::Library { func, xs } if xs.is_empty() && func.as_dist().is_some() => (Kind::Leaf, vec![]),
        Op::Unary { .. } | Op::Cast { .. } | Op::Binary { .. } | Op::Select { .. } | Op::Broadcast { .. }
            if !n.shape.is_empty() =>
        {
            let row_inputs: Vec<bool> = inputs
                .iter()
                .map(|x| x.shape.len() == n.shape.len() && x.shape[0] == n.shape[0] && !(x.shape[0] == 1 && !is_full))
                .collect();
            let req =
                inputs.iter().zip(&row_inputs).map(|(x, &r)| Some(if r { (lo, hi) } else { (0, nrows(x)) })).collect();
            (Kind::Rows { row_inputs }, req)
        }
        Op::Reduce { axes, x, .. } if !n.shape.is_empty() && !axes.contains(&0) && x.shape[0] == n.shape[0] => {
            (Kind::Rows { row_inputs: vec![true] }, vec![Some((lo, hi))])
        }
        Op::Scan { axis, .. } if *axis != 0 && !n.shape.is_empty() => {
            (Kind::Rows { row_inputs: vec![true] }, vec![Some((lo, hi))])
        }
        Op::View { x, view } => {
            let mut spec = view.clone();
            if !spec.shape.is_empty() {
                spec.offset = (spec.offset as isize + lo as isize * spec.strides[0]) as usize;
                spec.shape[0] = hi - lo;
            }
            if x.shape.is_empty() {
                return (Kind::View { spec }, vec![Some((0, 1))]);
            }
            let req = match footprint(&spec) {
                None => (0, 0),
                Some((a, b)) => {
                    let rs = row_len(&x.shape).max(1);
                    (a / rs, b / rs + 1)
                }
            };
            (Kind::View { spec }, vec![Some(req)])
        }
        Op::Reshape { x } if !n.shape.is_empty() && !x.shape.is_empty() => {
            let (orow, xr) = (row_len(&n.shape), row_len(&x.shape));
            if orow == 0 || xr == 0 || (lo * orow) % xr != 0 || ((hi * orow) % xr != 0 && hi != n.shape[0]) {
                return whole();
            }
            let a = lo * orow / xr;
            let b = (hi * orow).div_ceil(xr).max(a);
            (Kind::Reshape { a, b }, vec![Some((a, b))])
        }
        Op::Scatter { region, value, .. } if !n.shape.is_empty() => {
            let rs = row_len(&n.shape);
            let fetch_whole = |region: Option<Region>| {
                (Kind::Scatter { region, value_rows: None }, vec![Some((lo, hi)), Some((0, nrows(value)))])
            };
            let missed = (Kind::Scatter { region: None, value_rows: None }, vec![Some((lo, hi)), None]);
            if rs == 0 {
                return whole();
            }
            match region {
                Region::View(spec) => {
                    let Some((a, b)) = footprint(spec) else { return missed };
                    let (ra, rb) = (a / rs, b / rs);
                    if rb < lo || ra >= hi {
                        return missed;
                    }
                    if lo <= ra && rb < hi {
                        let mut s = spec.clone();
                        s.offset -= lo * rs;
                        return fetch_whole(Some(Region::View(s)));
                    }
                    // Rows of the region along its axis 0, if they walk whole rows.
                    if spec.shape.is_empty() || spec.strides[0] <= 0 || spec.strides[0] as usize % rs != 0 {
                        return whole();
                    }
                    let inner = ViewSpec {
                        offset: spec.offset % rs,
                        shape: spec.shape[1..].to_vec(),
                        strides: spec.strides[1..].to_vec(),
                    };
                    match footprint(&inner) {
                        Some((ia, ib)) if ib < rs && ia < rs => {}
                        _ => return whole(),
                    }
                    let (r0, step) = (spec.offset / rs, spec.strides[0] as usize / rs);
                    let first = |row: usize| if row <= r0 { 0 } else { (row - r0).div_ceil(step) };
                    let (j0, j1) = (first(lo).min(spec.shape[0]), first(hi).min(spec.shape[0]));
                    if j0 >= j1 {
                        return missed;
                    }
                    let mut s = spec.clone();
                    s.offset = spec.offset + j0 * spec.strides[0] as usize - lo * rs;
                    s.shape[0] = j1 - j0;
                    let sliced =
                        value.shape.len() == spec.shape.len() && value.shape[0] == spec.shape[0] && spec.shape[0] != 1;
                    let vreq = if sliced { (j0, j1) } else { (0, nrows(value)) };
                    (
                        Kind::Scatter { region: Some(Region::View(s)), value_rows: sliced.then_some((j0, j1)) },
                        vec![Some((lo, hi)), Some(vreq)],
                    )
                }
                Region::Positions { positions, shape } => {
                    let (Some(&a), Some(&b)) = (positions.iter().min(), positions.iter().max()) else { return missed };
                    let (ra, rb) = (a / rs, b / rs);
                    if rb < lo || ra >= hi {
                        return missed;
                    }
                    if lo <= ra && rb < hi {
                        let shifted: Vec<usize> = positions.iter().map(|&p| p - lo * rs).collect();
                        return fetch_whole(Some(Region::Positions {
                            positions: Rc::new(shifted),
                            shape: shape.clone(),
                        }));
                    }
                    whole()
                }
            }
        }
        _ => whole(),
    })
}

/// The lowest and highest flat offsets a view touches (None: empty).
fn footprint(spec: &ViewSpec) -> Option<(usize, usize)> {
    if spec.shape.contains(&0) {
        return None;
    }
    let (mut a, mut b) = (spec.offset as isize, spec.offset as isize);
    for (&s, &st) in spec.shape.iter().zip(&spec.strides) {
        let ext = (s as isize - 1) * st;
        if ext < 0 {
            a += ext;
        } else {
            b += ext;
        }
    }
    Some((a.max(0) as usize, b.max(0) as usize))
}

/// The pending graph under `root` in post-order, its leaves (realised nodes and
/// distributed arrays) included, with each node's position.
fn leaf_post_order(root: &NodeRef) -> (Vec<NodeRef>, HashMap<*const graph::Node, usize>) {
    let mut order: Vec<NodeRef> = Vec::new();
    let mut index: HashMap<*const graph::Node, usize> = HashMap::new();
    let mut stack: Vec<(NodeRef, bool)> = vec![(root.clone(), false)];
    while let Some((n, expanded)) = stack.pop() {
        let key = Rc::as_ptr(&n);
        if index.contains_key(&key) {
            continue;
        }
        let leaf = n.is_realised() || dist_of(&n).is_some();
        if !expanded && !leaf {
            stack.push((n.clone(), true));
            for x in n.inputs().into_iter().rev() {
                if !index.contains_key(&Rc::as_ptr(&x)) {
                    stack.push((x, false));
                }
            }
            continue;
        }
        index.insert(key, order.len());
        order.push(n);
    }
    (order, index)
}

/// Builds the local graph computing rows `ranges[rank]` of `root` (Note [Localising a
/// graph]) and returns it with the rows it computes (a superset: see Note [Ghost
/// rows]); fetches the rows of distributed leaves it needs. Collective: every rank
/// calls it with the same `root` and `ranges` (the rows each rank computes).
///
/// With `fresh`, the local graph holds no pending node of the original graph (a node it
/// would reuse whole is copied), so realising it, or any part of it, leaves the
/// original graph as it was. Whenever ranks compute different rows they need that:
/// they compute different parts of their local graphs (a rank's rows may be the whole
/// array, or nothing at all), and every rank must go on with the same original graph —
/// which nodes are realised decides what later realisations plan, fetch and send, and
/// whether a result is gathered (Note [Localising a graph]).
fn localise_with(root: &NodeRef, ranges: &[Range], fresh: bool) -> Result<(NodeRef, Range), Diagnostic> {
    let (lo, hi) = ranges[comm::rank()];
    let (order, index) = leaf_post_order(root);
    let inputs: Vec<Vec<usize>> = order
        .iter()
        .map(|n| {
            if n.is_realised() || dist_of(n).is_some() {
                vec![]
            } else {
                n.inputs().iter().map(|x| index[&Rc::as_ptr(x)]).collect()
            }
        })
        .collect();
    let root_i = order.len() - 1;
    let (need, kinds) = plan_rows(&order, &inputs, (lo, hi));
    // Fetch the rows of every distributed leaf, in post-order (the same on every rank).
    let leaves: Vec<usize> = (0..order.len()).filter(|&i| dist_of(&order[i]).is_some()).collect();
    let mut fetched: HashMap<usize, (NodeRef, Range)> = HashMap::new();
    if !leaves.is_empty() {
        // What every other rank needs of the leaves: the same planning over its rows
        // (every rank holds the same graph), so the exchange needs no request round.
        let mut by_range: HashMap<Range, Vec<Range>> = HashMap::new();
        let leaf_rows =
            |need: &[Option<Range>]| leaves.iter().map(|&i| need[i].unwrap_or((0, 0))).collect::<Vec<Range>>();
        by_range.insert((lo, hi), leaf_rows(&need));
        let theirs: Vec<Vec<Range>> = ranges
            .iter()
            .map(|&r| by_range.entry(r).or_insert_with(|| leaf_rows(&plan_rows(&order, &inputs, r).0)).clone())
            .collect();
        let blocks = fetch(&order, &leaves, &theirs);
        for (&i, (b, held)) in leaves.iter().zip(blocks) {
            fetched.insert(i, (graph::constant(b, order[i].span), held));
        }
    }
    // Build in post-order: `built[i]` is the node computing rows `range[i]` of node i.
    let mut built: Vec<Option<(NodeRef, Range)>> = vec![None; order.len()];
    for i in 0..order.len() {
        let (Some(kind), Some(want)) = (&kinds[i], need[i]) else { continue };
        let n = &order[i];
        let ins = &inputs[i];
        // Rows `r` of input `j`, as a node, from what was built for it.
        let rows_of = |j: usize, r: Range| -> Result<NodeRef, Diagnostic> {
            let (node, have) = built[j].clone().ok_or_else(|| internal("input not built"))?;
            row_view(&node, have, r)
        };
        let unchanged = |b: &[Option<(NodeRef, Range)>]| {
            !fresh && ins.iter().all(|&j| b[j].as_ref().is_some_and(|(x, _)| Rc::ptr_eq(x, &order[j])))
        };
        let full = (0, nrows(n));
        let result: (NodeRef, Range) = match kind {
            Kind::Leaf => match fetched.get(&i) {
                Some((b, held)) => (b.clone(), *held),
                None => (n.clone(), full),
            },
            Kind::Whole => {
                if unchanged(&built) {
                    (n.clone(), full)
                } else {
                    let mut k = 0;
                    let mut err = None;
                    let op = n.with_op(|op| {
                        graph::map_op_inputs(op, |_| {
                            let j = ins[k];
                            k += 1;
                            match rows_of(j, (0, nrows(&order[j]))) {
                                Ok(x) => x,
                                Err(e) => {
                                    err = Some(e);
                                    order[j].clone()
                                }
                            }
                        })
                    });
                    if let Some(e) = err {
                        return Err(e);
                    }
                    (graph::raw_node(op, n.dtype, n.shape.clone(), n.span), full)
                }
            }
            Kind::Rows { row_inputs } => {
                if want == full && unchanged(&built) {
                    (n.clone(), full)
                } else {
                    let mut k = 0;
                    let mut err = None;
                    let op = n.with_op(|op| {
                        graph::map_op_inputs(op, |_| {
                            let j = ins[k];
                            let r = if row_inputs[k] { want } else { (0, nrows(&order[j])) };
                            k += 1;
                            match rows_of(j, r) {
                                Ok(x) => x,
                                Err(e) => {
                                    err = Some(e);
                                    order[j].clone()
                                }
                            }
                        })
                    });
                    if let Some(e) = err {
                        return Err(e);
                    }
                    (graph::raw_node(op, n.dtype, with_rows(&n.shape, want), n.span), want)
                }
            }
            Kind::View { spec } => {
                let j = ins[0];
                let (x, have) = built[j].clone().ok_or_else(|| internal("view input not built"))?;
                if want == full && Rc::ptr_eq(&x, &order[j]) && !fresh {
                    (n.clone(), full)
                } else {
                    let mut spec = spec.clone();
                    if !order[j].shape.is_empty() {
                        spec.offset -= have.0 * row_len(&order[j].shape);
                    }
                    let op = Op::View { x, view: spec };
                    (graph::raw_node(op, n.dtype, with_rows(&n.shape, want), n.span), want)
                }
            }
            Kind::Gen => {
                // A copy, so that realising the local graph never realises the shared
                // node whole.
                let fresh = n.with_op(|op| graph::raw_node(op.clone(), n.dtype, n.shape.clone(), n.span));
                (row_view(&fresh, full, want)?, want)
            }
            Kind::Reshape { a, b } => {
                let x = rows_of(ins[0], (*a, *b))?;
                (graph::raw_node(Op::Reshape { x }, n.dtype, with_rows(&n.shape, want), n.span), want)
            }
            Kind::Scatter { region, value_rows } => {
                // Computed over every row its base was built for when the base is a
                // computed step (Note [Localising a graph]); over its own rows when the
                // base is a leaf (no copy of rows nobody reads).
                let (base, have) = if matches!(kinds[ins[0]], Some(Kind::Leaf)) {
                    match built[ins[0]].clone() {
                        // A distributed base with its halo: over all of its fetched rows,
                        // so the result keeps ghost rows (Note [Ghost rows]).
                        Some((b, got))
                            if fetched.contains_key(&ins[0])
                                && got.0 <= want.0
                                && want.1 <= got.1
                                && keeps_ghosts(want.1 - want.0, (got.1 - got.0) - (want.1 - want.0)) =>
                        {
                            (b, got)
                        }
                        _ => (rows_of(ins[0], want)?, want),
                    }
                } else {
                    built[ins[0]].clone().ok_or_else(|| internal("scatter base not built"))?
                };
                match region {
                    None => (base, have),
                    Some(region) => {
                        let rs = row_len(&n.shape);
                        let shift = (want.0 - have.0) * rs;
                        let region = match region {
                            Region::View(s) => Region::View(ViewSpec { offset: s.offset + shift, ..s.clone() }),
                            Region::Positions { positions, shape } => Region::Positions {
                                positions: Rc::new(positions.iter().map(|&p| p + shift).collect()),
                                shape: shape.clone(),
                            },
                        };
                        let vj = ins[1];
                        let value = rows_of(vj, value_rows.unwrap_or((0, nrows(&order[vj]))))?;
                        let op = Op::Scatter { base, region, value };
                        (graph::raw_node(op, n.dtype, with_rows(&n.shape, have), n.span), have)
                    }
                }
            }
        };
        built[i] = Some(result);
    }
    built[root_i].clone().ok_or_else(|| internal("root not built"))
}

/// The local graph computing exactly rows `ranges[rank]` of `root` (see `localise`),
/// sharing no pending node with the original graph (`localise_with`).
fn localise_rows(root: &NodeRef, ranges: &[Range]) -> Result<NodeRef, Diagnostic> {
    let (node, have) = localise_with(root, ranges, true)?;
    row_view(&node, have, ranges[comm::rank()])
}

/// The rows of every node under `order`'s root needed to compute rows `rows` of the
/// root, and how each node is rebuilt over them (Note [Localising a graph]). A pure
/// function of the graph and `rows`: a rank can plan for another rank.
fn plan_rows(order: &[NodeRef], inputs: &[Vec<usize>], rows: Range) -> (Vec<Option<Range>>, Vec<Option<Kind>>) {
    let mut need: Vec<Option<Range>> = vec![None; order.len()];
    let mut kinds: Vec<Option<Kind>> = vec![None; order.len()];
    need[order.len() - 1] = Some(rows);
    for i in (0..order.len()).rev() {
        let Some((a, b)) = need[i] else { continue };
        let ins: Vec<NodeRef> = inputs[i].iter().map(|&j| order[j].clone()).collect();
        let (kind, req) = plan(&order[i], a, b, &ins);
        for (&j, r) in inputs[i].iter().zip(req) {
            if let Some(r) = r {
                need[j] = Some(hull(need[j], r));
            }
        }
        kinds[i] = Some(kind);
    }
    (need, kinds)
}

fn internal(msg: &str) -> Diagnostic {
    Diagnostic::new(Code::Internal, format!("in pass `dist`: {msg}"))
}

fn with_rows(shape: &[usize], r: Range) -> Vec<usize> {
    let mut s = shape.to_vec();
    if !s.is_empty() {
        s[0] = r.1 - r.0;
    }
    s
}

/// Rows `want` of a node holding rows `have` (a view unless they are the same rows).
fn row_view(node: &NodeRef, have: Range, want: Range) -> Result<NodeRef, Diagnostic> {
    if have == want || node.shape.is_empty() {
        return Ok(node.clone());
    }
    if want.0 < have.0 || want.1 > have.1 {
        return Err(internal(&format!("rows {want:?} asked of a node holding rows {have:?}")));
    }
    let shape = with_rows(&node.shape, (want.0, want.1.max(want.0)));
    let spec = ViewSpec {
        offset: (want.0 - have.0) * row_len(&node.shape),
        strides: hpxl_runtime::contiguous_strides(&node.shape).to_vec(),
        shape: shape.clone(),
    };
    Ok(graph::raw_node(Op::View { x: node.clone(), view: spec }, node.dtype, shape, node.span))
}

/// Fetches rows `theirs[rank][k]` of each distributed leaf `order[leaves[k]]` onto this
/// rank, given the rows every rank needs (collective in effect: every rank calls it
/// with the same leaves and the same `theirs`). Moves exactly the rows a rank needs and
/// another rank owns, with one message per neighbour and leaf (`comm::exchange`: no
/// collective but its stamp, which every rank takes part in, also with nothing to
/// move): a block's own rows are never copied when its ghost rows hold the halo
/// (Note [Ghost rows]). Each leaf's block comes with the rows it holds: those asked
/// for, or more — the whole buffer of a block with ghost rows, so that an update of it
/// keeps them (Note [Ghost rows]).
fn fetch(order: &[NodeRef], leaves: &[usize], theirs: &[Vec<Range>]) -> Vec<(NdArray, Range)> {
    let p = comm::nranks();
    let me = comm::rank();
    // One entry per distinct array (two leaves may share one): the hull of what each
    // rank needs of it.
    let mut arrays: Vec<Rc<dyn LibraryFn>> = Vec::new();
    let mut which: Vec<usize> = Vec::with_capacity(leaves.len());
    for &i in leaves {
        let f = dist_of(&order[i]).expect("dist leaf");
        match arrays.iter().position(|g| Rc::ptr_eq(g, &f)) {
            Some(u) => which.push(u),
            None => {
                which.push(arrays.len());
                arrays.push(f);
            }
        }
    }
    let needs: Vec<Vec<Range>> = (0..p)
        .map(|q| {
            let mut h: Vec<Option<Range>> = vec![None; arrays.len()];
            for (k, &u) in which.iter().enumerate() {
                let r = theirs[q][k];
                if r.0 < r.1 {
                    h[u] = Some(hull(h[u], r));
                }
            }
            h.into_iter().map(|r| r.unwrap_or((0, 0))).collect()
        })
        .collect();
    // Where each array's rows land on this rank; the pieces to send and receive.
    let mut sends: Vec<comm::Piece> = Vec::new();
    let mut recvs: Vec<comm::Piece> = Vec::new();
    let mut results: Vec<(NdArray, Range)> = Vec::with_capacity(arrays.len());
    // Cyclic layouts pack rows: (array, peer, packed buffer, rows).
    let mut packed_sends: Vec<Vec<u8>> = Vec::new();
    let mut packed_recvs: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    for (u, f) in arrays.iter().enumerate() {
        let d = f.as_dist().expect("dist leaf");
        let offs = comm::block_offsets(d.nrows(), p);
        let dtype = d.dtype();
        let rb = d.row_len() * dtype.itemsize();
        let (a, b) = needs[me][u];
        let tag = u as u32;
        if d.layout == Layout::Cyclic {
            for q in (0..p).filter(|&q| q != me) {
                let (qa, qb) = needs[q][u];
                let local = d.local();
                let bytes = bytes_of(&local);
                let mut buf = Vec::new();
                for i in (qa..qb).filter(|i| i % p == me) {
                    let li = i / p;
                    buf.extend_from_slice(&bytes[li * rb..(li + 1) * rb]);
                }
                if !buf.is_empty() {
                    packed_sends.push(buf);
                    let b = packed_sends.last().unwrap();
                    sends.push(comm::Piece { peer: q, tag, ptr: b.as_ptr(), len: b.len() });
                }
                let rows = (a..b).filter(|i| i % p == q).count();
                if rows * rb > 0 {
                    packed_recvs.push((u, q, vec![0u8; rows * rb]));
                }
            }
            results.push((NdArray::from_data(Data::zeros(dtype, 0), vec![0]), (a, a)));
            continue;
        }
        let (lo, hi) = (offs[me], offs[me + 1]);
        // The buffer receiving rows `[a, b)`: its pointer and first row.
        let mut st = d.store.borrow_mut();
        let (blo, bhi) = (lo - st.before, hi + st.after);
        if a >= b {
            results.push((array_from_bytes(dtype, with_rows(&d.shape, (a, a)), &[]), (a, a)));
        } else if blo <= a && b <= bhi && !(st.before == 0 && st.after == 0) && (a, b) == (lo, hi) {
            // Own rows only, nothing to receive: the whole buffer, ghost rows included.
            results.push((st.buf.clone(), (blo, bhi)));
        } else if (a, b) == (lo, hi) {
            results.push((st_local(&st, (lo, hi)), (lo, hi)));
        } else if blo <= a && b <= bhi {
            // In place, into the ghost rows.
            let off = st.buf.offset;
            // SAFETY-relevant: a shared buffer is copied first (copy on write), so this
            // rank's writes are seen by nobody who holds the old one.
            let data = Arc::make_mut(&mut st.buf.data);
            // SAFETY: `off` is inside the buffer.
            let dst = unsafe { data.as_mut_ptr().add(off * dtype.itemsize()) };
            results.push((st.buf.clone(), (blo, bhi)));
            push_recvs(&mut recvs, &offs, me, tag, (a, b), dst, blo, rb);
        } else {
            // A new buffer: kept as the array's buffer (with ghost rows) when the extra
            // rows are few, else a one-off block of the rows asked for.
            let (na, nb) = (a.min(lo), b.max(hi));
            let keep = a <= hi && b >= lo && keeps_ghosts(hi - lo, (nb - na) - (hi - lo));
            let (na, nb) = if keep { (na, nb) } else { (a, b) };
            let shape = with_rows(&d.shape, (na, nb));
            let n = shape_size(&shape);
            let mut data = hpxl_runtime::pool::take(dtype, n).unwrap_or_else(|| Data::zeros(dtype, n));
            let own = st_local(&st, (lo, hi));
            let (ca, cb) = (na.max(lo), nb.min(hi));
            if ca < cb {
                let src = bytes_of(&own);
                // SAFETY: `data` holds rows `[na, nb)`; rows `[ca, cb)` lie inside it and
                // inside this rank's block.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        src[(ca - lo) * rb..].as_ptr(),
                        data.as_mut_ptr().add((ca - na) * rb),
                        (cb - ca) * rb,
                    )
                };
            }
            let dst = data.as_mut_ptr();
            let buf = NdArray::from_data(data, shape);
            results.push((buf.clone(), (na, nb)));
            if keep {
                *st = Store { buf, before: lo - na, after: nb - hi };
            }
            push_recvs(&mut recvs, &offs, me, tag, (a, b), dst, na, rb);
        }
        // What this rank sends: its rows each other rank needs.
        let own_ptr = {
            let off = st.buf.offset + st.before * d.row_len();
            // SAFETY: inside the buffer (own rows start after `before` ghost rows).
            unsafe { st.buf.data.as_ptr().add(off * dtype.itemsize()) }
        };
        for q in (0..p).filter(|&q| q != me) {
            let (qa, qb) = needs[q][u];
            let (sa, sb) = (qa.max(lo), qb.min(hi));
            if sa < sb && rb > 0 {
                // SAFETY: rows `[sa, sb)` are this rank's own rows.
                sends.push(comm::Piece {
                    peer: q,
                    tag,
                    ptr: unsafe { own_ptr.add((sa - lo) * rb) },
                    len: (sb - sa) * rb,
                });
            }
        }
    }
    for (u, q, buf) in packed_recvs.iter_mut() {
        recvs.push(comm::Piece { peer: *q, tag: *u as u32, ptr: buf.as_mut_ptr(), len: buf.len() });
    }
    // SAFETY: every piece points into a buffer alive until the end of this function
    // (`results`, the arrays' stores, `packed_*`): sends read this rank's own rows,
    // receives write rows of other ranks (ghost rows, fresh buffers, packed buffers),
    // which no send reads and no other receive writes. Both sides list the same pieces:
    // they plan from the same graph and the same `needs`. Every rank calls it, also with
    // nothing to move (the runtime's Note [Stamped collectives]).
    unsafe { comm::exchange(&sends, &recvs) };
    // Cyclic arrays: rows in order, from this rank's own rows and the packed messages.
    let mut out = Vec::with_capacity(leaves.len());
    for (u, f) in arrays.iter().enumerate() {
        let d = f.as_dist().unwrap();
        if d.layout != Layout::Cyclic {
            continue;
        }
        let dtype = d.dtype();
        let rb = d.row_len() * dtype.itemsize();
        let (a, b) = needs[me][u];
        let local = d.local();
        let mine = bytes_of(&local);
        let mut cursor = vec![0usize; p];
        let mut bytes = Vec::with_capacity((b.saturating_sub(a)) * rb);
        for i in a..b {
            let q = i % p;
            if q == me {
                bytes.extend_from_slice(&mine[(i / p) * rb..(i / p + 1) * rb]);
            } else {
                let buf = &packed_recvs.iter().find(|(v, w, _)| *v == u && *w == q).expect("packed rows").2;
                bytes.extend_from_slice(&buf[cursor[q]..cursor[q] + rb]);
                cursor[q] += rb;
            }
        }
        results[u] = (array_from_bytes(dtype, with_rows(&d.shape, (a, b.max(a))), &bytes), (a, b.max(a)));
    }
    // Each leaf: the array's rows it holds (at least the leaf's own rows).
    for (k, &u) in which.iter().enumerate() {
        let r = theirs[me][k];
        let (v, held) = &results[u];
        out.push(if r.0 >= r.1 { (rows_of_array(v, *held, (held.0, held.0)), r) } else { (v.clone(), *held) });
    }
    drop(packed_sends);
    out
}

/// This rank's rows `own` of a store (see `DistArray::local`).
fn st_local(st: &Store, own: Range) -> NdArray {
    let rows = st.buf.shape.first().copied().unwrap_or(0);
    rows_of_array(&st.buf, (0, rows), (st.before, st.before + (own.1 - own.0)))
}

/// The receives of rows `[a, b)` from the ranks owning them, into `dst` (whose first row
/// is `dst_row0`).
#[allow(clippy::too_many_arguments)]
fn push_recvs(
    recvs: &mut Vec<comm::Piece>,
    offs: &[usize],
    me: usize,
    tag: u32,
    (a, b): Range,
    dst: *mut u8,
    dst_row0: usize,
    rb: usize,
) {
    for q in (0..offs.len() - 1).filter(|&q| q != me) {
        let (ra, rb_) = (a.max(offs[q]), b.min(offs[q + 1]));
        if ra < rb_ && rb > 0 {
            // SAFETY: rows `[ra, rb_)` lie inside the buffer at `dst` (rows from `dst_row0`).
            recvs.push(comm::Piece {
                peer: q,
                tag,
                ptr: unsafe { dst.add((ra - dst_row0) * rb) },
                len: (rb_ - ra) * rb,
            });
        }
    }
}
