//! The size-class buffer pool.
//!
//! Fresh memory costs a page fault per 4 KiB on first touch, which for a memory-bound
//! kernel costs as much as the kernel itself. Large buffers are therefore not returned to
//! the allocator when their `Data` drops: they go back to a pool keyed by dtype and size
//! class (the power of two above the byte size), and the next kernel output of that class
//! reuses one. A pooled buffer keeps its initialised length; it is only handed out for
//! requests no longer than that length, so reuse is a safe `truncate`.
//!
//! The pool holds at most `MAX_PER_CLASS` buffers per class and `MAX_POOLED_BYTES` in
//! all; anything beyond goes back to the allocator.

use crate::array::Data;
use crate::dtype::DType;
use crate::telemetry;
use std::collections::HashMap;
use std::sync::Mutex;

/// Buffers smaller than this are left to the allocator (which serves them fast).
pub const MIN_POOLED_BYTES: usize = 1 << 16;
const MAX_PER_CLASS: usize = 8;
const MAX_POOLED_BYTES: usize = 4 << 30;

struct Pool {
    classes: HashMap<(DType, u32), Vec<Data>>,
    bytes: usize,
}

static POOL: Mutex<Option<Pool>> = Mutex::new(None);
/// The most bytes the pool has held at once (`--profile` reports it).
static PEAK_POOLED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// Bytes of pool-sized buffers handed out by `take` and not yet dropped, and their
/// high-water mark (`--profile`'s peak memory). Buffers of pool size that did not come
/// from `take` are subtracted when dropped too, so the count saturates at zero.
static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK_LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn live_add(bytes: usize) {
    use std::sync::atomic::Ordering::Relaxed;
    let now = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK_LIVE.fetch_max(now, Relaxed);
}

fn live_sub(bytes: usize) {
    use std::sync::atomic::Ordering::Relaxed;
    let _ = LIVE.fetch_update(Relaxed, Relaxed, |v| Some(v.saturating_sub(bytes)));
}

/// The most bytes of pool-sized kernel buffers alive at once.
pub fn peak_live_bytes() -> usize {
    PEAK_LIVE.load(std::sync::atomic::Ordering::Relaxed)
}

fn class_of(bytes: usize) -> u32 {
    usize::BITS - (bytes.max(1) - 1).leading_zeros()
}

fn bytes_of(d: &Data) -> usize {
    d.len() * d.dtype().itemsize()
}

/// A buffer of `len` elements of `dtype` whose contents are unspecified (but initialised):
/// from the pool when one fits, else freshly allocated (zeroed lazily by the OS).
/// `None` when the allocation cannot succeed.
pub fn take(dtype: DType, len: usize) -> Option<Data> {
    let bytes = len.checked_mul(dtype.itemsize())?;
    if bytes >= MIN_POOLED_BYTES {
        let mut guard = POOL.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pool) = guard.as_mut() {
            if let Some(list) = pool.classes.get_mut(&(dtype, class_of(bytes))) {
                if let Some(i) = list.iter().rposition(|d| d.len() >= len) {
                    let mut d = list.swap_remove(i);
                    pool.bytes -= bytes_of(&d);
                    drop(guard);
                    d.truncate(len);
                    telemetry::add::pool_hits(1);
                    live_add(bytes);
                    return Some(d);
                }
            }
        }
        drop(guard);
        telemetry::add::pool_misses(1);
        telemetry::add::bytes_allocated(bytes as u64);
        live_add(bytes);
    }
    Data::try_zeros(dtype, len)
}

/// Offers a buffer that is being dropped to the pool; returns it back when the pool
/// does not keep it (too small, class full, pool full).
pub(crate) fn give(d: Data) -> Option<Data> {
    let bytes = bytes_of(&d);
    if bytes < MIN_POOLED_BYTES {
        return Some(d);
    }
    live_sub(bytes);
    let mut guard = POOL.lock().unwrap_or_else(|e| e.into_inner());
    let pool = guard.get_or_insert_with(|| Pool { classes: HashMap::new(), bytes: 0 });
    if pool.bytes + bytes > MAX_POOLED_BYTES {
        return Some(d);
    }
    let list = pool.classes.entry((d.dtype(), class_of(bytes))).or_default();
    if list.len() >= MAX_PER_CLASS {
        return Some(d);
    }
    pool.bytes += bytes;
    PEAK_POOLED.fetch_max(pool.bytes, std::sync::atomic::Ordering::Relaxed);
    list.push(d);
    None
}

/// Bytes currently held by the pool.
pub fn pooled_bytes() -> usize {
    POOL.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map_or(0, |p| p.bytes)
}

/// The high-water mark of `pooled_bytes`.
pub fn peak_pooled_bytes() -> usize {
    PEAK_POOLED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Returns every pooled buffer to the allocator.
pub fn clear() {
    let taken = POOL.lock().unwrap_or_else(|e| e.into_inner()).take();
    drop(taken);
}
