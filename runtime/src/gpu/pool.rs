//! The device memory pool: size classes (powers of two from 256 bytes) with free lists.
//!
//! `cuMemAlloc`/`cuMemFree` synchronise the device and cost tens of microseconds, more
//! than a small kernel. Freed device buffers therefore go to a free list of their class
//! and the next request of that class takes one; a request is rounded up to its class, so
//! every buffer of a class can serve every request of it. The pool keeps at most
//! `max_cached` bytes in its free lists; beyond that buffers go back to the driver.
//! An allocation the driver refuses is retried once after the free lists are emptied.

use super::{DevPtr, DeviceApi, DeviceError};
use std::collections::HashMap;

/// The smallest class: 256 bytes (the driver's own alignment).
const MIN_CLASS_BYTES: usize = 256;

/// Counters of one pool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Bytes obtained from the driver over the pool's life.
    pub bytes_allocated: u64,
    /// Bytes handed out and not yet returned (class sizes).
    pub live_bytes: u64,
    /// The most `live_bytes` at once.
    pub peak_bytes: u64,
    /// Requests served from a free list.
    pub hits: u64,
    /// Requests that went to the driver.
    pub misses: u64,
    /// Bytes sitting in the free lists now.
    pub cached_bytes: u64,
}

pub struct DevicePool {
    free: HashMap<usize, Vec<DevPtr>>,
    /// Class size of every buffer handed out.
    sizes: HashMap<DevPtr, usize>,
    max_cached: usize,
    stats: PoolStats,
}

impl Default for DevicePool {
    fn default() -> Self {
        DevicePool::new()
    }
}

/// The class (bytes) serving a request of `bytes`.
pub fn class_bytes(bytes: usize) -> usize {
    bytes.max(MIN_CLASS_BYTES).next_power_of_two()
}

impl DevicePool {
    pub fn new() -> DevicePool {
        DevicePool::with_limit(8 << 30)
    }

    /// A pool that keeps at most `max_cached` bytes in its free lists.
    pub fn with_limit(max_cached: usize) -> DevicePool {
        DevicePool { free: HashMap::new(), sizes: HashMap::new(), max_cached, stats: PoolStats::default() }
    }

    pub fn stats(&self) -> PoolStats {
        self.stats
    }

    /// A buffer of at least `bytes` bytes (its class size).
    pub fn alloc(&mut self, api: &dyn DeviceApi, bytes: usize) -> Result<DevPtr, DeviceError> {
        let class = class_bytes(bytes);
        let ptr = match self.free.get_mut(&class).and_then(|l| l.pop()) {
            Some(p) => {
                self.stats.hits += 1;
                self.stats.cached_bytes -= class as u64;
                p
            }
            None => {
                self.stats.misses += 1;
                let p = match api.alloc(class) {
                    Ok(p) => p,
                    Err(_) => {
                        // Cached buffers of other classes may be what stands in the way.
                        self.trim(api);
                        api.alloc(class).map_err(|e| {
                            DeviceError(format!("device allocation of {class} bytes failed: {}", e.0))
                        })?
                    }
                };
                self.stats.bytes_allocated += class as u64;
                p
            }
        };
        self.sizes.insert(ptr, class);
        self.stats.live_bytes += class as u64;
        self.stats.peak_bytes = self.stats.peak_bytes.max(self.stats.live_bytes);
        Ok(ptr)
    }

    /// Returns a buffer from `alloc` to its free list (or to the driver when the lists
    /// are full). Unknown pointers are ignored.
    pub fn release(&mut self, api: &dyn DeviceApi, ptr: DevPtr) {
        let Some(class) = self.sizes.remove(&ptr) else { return };
        self.stats.live_bytes -= class as u64;
        if self.stats.cached_bytes as usize + class > self.max_cached {
            api.free(ptr);
            return;
        }
        self.stats.cached_bytes += class as u64;
        self.free.entry(class).or_default().push(ptr);
    }

    /// Frees every cached buffer.
    pub fn trim(&mut self, api: &dyn DeviceApi) {
        for (_, list) in self.free.drain() {
            for p in list {
                api.free(p);
            }
        }
        self.stats.cached_bytes = 0;
    }
}
