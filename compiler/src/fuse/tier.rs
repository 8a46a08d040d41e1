//! The tiered backend's background LLVM compiler (`--backend tiered`, Note [Tiered
//! compilation]): one thread that compiles hot kernels with LLVM while the program goes on
//! running their Cranelift code.
//!
//! Note [Tiered compilation]: under `Backend::Tiered` a kernel is first compiled by
//! Cranelift (about 1 ms), unless LLVM's object for it is already in the disk cache (Note
//! [LLVM disk cache]), which is loaded instead (0.05–1.4 ms). Each cached kernel counts the
//! elements its launches have covered; once the count reaches the threshold
//! (`DEFAULT_TIER_ELEMENTS`, `HPXL_TIER_ELEMENTS`, `set_tier_threshold`) the kernel is
//! queued for LLVM on this module's thread, and the first launch after LLVM's code is
//! ready takes it (the cache entry is replaced: a running launch keeps the code it
//! started with). The threshold is a *ski-rental* one: 2^24 elements is about 60 ms of
//! Cranelift run time for the suite's kernels, the order of one cold LLVM compile, so a
//! kernel is handed to LLVM once it has cost as much as compiling it would.
//!
//! When LLVM's code arrives depends on timing, so the tiered backend is deterministic only
//! because both CPU backends compute the same bits for every kernel: the non-transcendental
//! instructions by the bitwise invariant (ARCHITECTURE.md), float64 sin/cos/exp because
//! `llvm/math.rs` transcribes `vmath`'s kernels operation by operation and fuses
//! multiply-adds exactly when `vmath` runs its FMA variants (`llvm::use_fma`), rare
//! arguments going to the same libm calls, and every other transcendental because both
//! backends call the same `vmath` slice functions. `compiler/tests/jit.rs` checks the two
//! backends bitwise on every differential case, transcendentals included, and
//! `tests/tiered.rs` runs programs on the tiered backend against the interp. Were that
//! ever to change, the tier-up would have to become a deterministic function of the
//! program (a synchronous compile at a fixed element count), not of the clock.
//!
//! The thread takes one job at a time, so at most one LLVM compile competes with the
//! program for a core. At exit (`atexit`, registered when the thread starts, so it runs
//! before LLVM's own static destructors) queued jobs are dropped and the one in progress
//! is waited for: LLVM must not be torn down under a running compile.

use super::run::CacheEntry;
use crate::kir;
use hpxl_runtime::telemetry;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{channel, sync_channel, Sender, SyncSender};
use std::sync::{Arc, Mutex, OnceLock};

/// Elements a kernel's launches cover before the tiered backend compiles it with LLVM.
pub const DEFAULT_TIER_ELEMENTS: u64 = 1 << 24;

static THRESHOLD: AtomicU64 = AtomicU64::new(u64::MAX);

/// The tier-up threshold in elements: `set_tier_threshold`, else `HPXL_TIER_ELEMENTS`,
/// else `DEFAULT_TIER_ELEMENTS`.
pub fn tier_threshold() -> u64 {
    let t = THRESHOLD.load(Relaxed);
    if t != u64::MAX {
        return t;
    }
    let t = std::env::var("HPXL_TIER_ELEMENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_TIER_ELEMENTS);
    let _ = THRESHOLD.compare_exchange(u64::MAX, t.min(u64::MAX - 1), Relaxed, Relaxed);
    THRESHOLD.load(Relaxed)
}

/// Sets the tier-up threshold for the process (0: every kernel is queued at its first launch).
pub fn set_tier_threshold(elements: u64) {
    THRESHOLD.store(elements.min(u64::MAX - 1), Relaxed);
}

/// Where an LLVM compile's result lands.
pub(super) type Slot = Arc<OnceLock<CacheEntry>>;

enum Job {
    Compile(kir::Kernel, Slot),
    Flush(SyncSender<()>),
}

struct Worker {
    jobs: Mutex<Sender<Job>>,
}

static WORKER: OnceLock<Option<Worker>> = OnceLock::new();
static STOPPING: AtomicBool = AtomicBool::new(false);
/// Held by the thread while it compiles; the exit hook takes it to wait for that compile.
static BUSY: Mutex<()> = Mutex::new(());

fn worker() -> Option<&'static Worker> {
    WORKER
        .get_or_init(|| {
            let (tx, rx) = channel::<Job>();
            let spawned = std::thread::Builder::new().name("hpxl-tier".into()).spawn(move || {
                for job in rx {
                    match job {
                        Job::Compile(k, slot) => {
                            let _busy = BUSY.lock().unwrap_or_else(|e| e.into_inner());
                            if STOPPING.load(Relaxed) {
                                let _ = slot.set(Err("the process is exiting".into()));
                                continue;
                            }
                            let _ = slot.set(compile_llvm(&k));
                        }
                        Job::Flush(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            });
            if spawned.is_err() {
                return None;
            }
            extern "C" {
                fn atexit(f: extern "C" fn()) -> std::ffi::c_int;
            }
            extern "C" fn stop() {
                STOPPING.store(true, Relaxed);
                drop(BUSY.lock().unwrap_or_else(|e| e.into_inner()));
            }
            // SAFETY: registers a plain function; it only touches statics.
            unsafe { atexit(stop) };
            Some(Worker { jobs: Mutex::new(tx) })
        })
        .as_ref()
}

#[cfg(feature = "_llvm")]
fn compile_llvm(k: &kir::Kernel) -> CacheEntry {
    let start = std::time::Instant::now();
    let c = crate::llvm::compile(k).map(Arc::new);
    telemetry::add::tier_compile_ns(start.elapsed().as_nanos() as u64);
    c
}

#[cfg(not(feature = "_llvm"))]
fn compile_llvm(_: &kir::Kernel) -> CacheEntry {
    Err("the llvm backend is not built (feature `llvm`)".into())
}

/// Queues `k` for LLVM; its result will be in the returned slot. `None`: no background
/// thread could be started (the kernel keeps its Cranelift code).
pub(super) fn request(k: &kir::Kernel) -> Option<Slot> {
    let w = worker()?;
    let slot: Slot = Arc::new(OnceLock::new());
    let sent = w.jobs.lock().unwrap_or_else(|e| e.into_inner()).send(Job::Compile(k.clone(), slot.clone()));
    sent.ok()?;
    telemetry::add::tier_requests(1);
    Some(slot)
}

/// Blocks until every LLVM compile queued so far has finished (for tests and benchmarks;
/// the next launch of each such kernel then runs LLVM's code).
pub fn wait_for_tier_ups() {
    let Some(w) = WORKER.get().and_then(|w| w.as_ref()) else { return };
    let (tx, rx) = sync_channel(1);
    if w.jobs.lock().unwrap_or_else(|e| e.into_inner()).send(Job::Flush(tx)).is_ok() {
        let _ = rx.recv();
    }
}
