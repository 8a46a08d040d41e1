//! The executor: runs kernels over fixed-size blocks of an index space on a rayon pool.
//!
//! Note [Deterministic blocks]: work is split into blocks of `BLOCK` elements whose
//! boundaries depend only on the size of the index space, never on the number of
//! threads. Map kernels write disjoint outputs per block, and reductions combine partial
//! results in a fixed order (see `compiler::exec`), so every result is bitwise identical
//! for 1, 2, 3 or 64 threads.
//!
//! The pool's size comes from `configure` (the CLI's `--threads`), else `HPXL_THREADS`,
//! else the number of cores. `with policy("seq"):` makes the calling thread run
//! everything itself (`SeqGuard`).

use std::cell::Cell;
use std::sync::OnceLock;

/// Elements per block of a map kernel.
pub const BLOCK: usize = 1 << 15;

/// The block size map kernels use (`hpxl calibrate` may choose another; map kernels
/// write disjoint outputs per block, so it never changes a result).
static MAP_BLOCK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(BLOCK);

/// Elements per block of a map kernel: `BLOCK` unless `set_map_block` chose another.
pub fn map_block() -> usize {
    MAP_BLOCK.load(std::sync::atomic::Ordering::Relaxed)
}

/// Sets the map-kernel block size (clamped to 1 Ki..16 Mi elements).
pub fn set_map_block(elements: usize) {
    MAP_BLOCK.store(elements.clamp(1 << 10, 1 << 24), std::sync::atomic::Ordering::Relaxed);
}

static REQUESTED: OnceLock<usize> = OnceLock::new();
static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();

thread_local! {
    static SEQ_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Sets the thread count for this process; only the first call (before any parallel
/// work) has an effect. Returns whether it took effect.
pub fn configure(threads: usize) -> bool {
    REQUESTED.set(threads.max(1)).is_ok() && POOL.get().is_none()
}

/// The number of worker threads parallel work uses.
pub fn threads() -> usize {
    pool().map_or(1, |p| p.current_num_threads())
}

fn requested() -> usize {
    if let Some(&n) = REQUESTED.get() {
        return n;
    }
    if let Some(n) = std::env::var("HPXL_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok()) {
        return n.max(1);
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn pool() -> Option<&'static rayon::ThreadPool> {
    POOL.get_or_init(|| {
        let n = requested();
        if n <= 1 {
            return None;
        }
        rayon::ThreadPoolBuilder::new().num_threads(n).thread_name(|i| format!("hpxl-worker-{i}")).build().ok()
    })
    .as_ref()
}

/// While alive, parallel work started on this thread runs sequentially on it.
pub struct SeqGuard(());

impl SeqGuard {
    pub fn new() -> SeqGuard {
        SEQ_DEPTH.with(|d| d.set(d.get() + 1));
        SeqGuard(())
    }
}

impl Default for SeqGuard {
    fn default() -> Self {
        SeqGuard::new()
    }
}

impl Drop for SeqGuard {
    fn drop(&mut self) {
        SEQ_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Whether work started on this thread must run sequentially (`policy("seq")`, or a
/// single-threaded configuration).
pub fn sequential() -> bool {
    SEQ_DEPTH.with(|d| d.get() > 0) || pool().is_none()
}

/// Calls `f(start, end)` for every block `[start, end)` of `[0, total)` (blocks of
/// `block` elements, the last one shorter), in parallel unless `sequential()`.
pub fn for_blocks(total: usize, block: usize, f: impl Fn(usize, usize) + Sync) {
    let block = block.max(1);
    let nblocks = total.div_ceil(block);
    if nblocks <= 1 || sequential() {
        for b in 0..nblocks {
            f(b * block, ((b + 1) * block).min(total));
        }
        return;
    }
    let pool = pool().expect("sequential() is false only with a pool");
    pool.install(|| {
        use rayon::prelude::*;
        (0..nblocks).into_par_iter().for_each(|b| f(b * block, ((b + 1) * block).min(total)));
    });
}

/// Computes `f(i)` for `i in 0..n` (in parallel unless `sequential()`), results in order.
pub fn map_indices<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if n <= 1 || sequential() {
        return (0..n).map(f).collect();
    }
    let pool = pool().expect("sequential() is false only with a pool");
    pool.install(|| {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(|i| f(i)).collect()
    })
}

/// `(a(), b())`, the two run in parallel unless `sequential()`. Use inside work already
/// started by `for_blocks`/`map_indices`/`join` (it then runs on the pool).
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if sequential() {
        return (a(), b());
    }
    match pool() {
        Some(p) if rayon::current_thread_index().is_none() => p.install(|| rayon::join(a, b)),
        _ => rayon::join(a, b),
    }
}
