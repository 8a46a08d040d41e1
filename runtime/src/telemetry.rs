//! Process-wide counters: kernels compiled and launched, cache hits, memory-pool traffic.
//! They are cheap relaxed atomics, read by tests ("compiled once"), `--profile` and the REPL.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

macro_rules! counters {
    ($($name:ident: $doc:literal),* $(,)?) => {
        /// A snapshot of every counter.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct Telemetry {
            $(#[doc = $doc] pub $name: u64,)*
        }

        #[allow(non_upper_case_globals)]
        mod cells {
            use super::AtomicU64;
            $(pub static $name: AtomicU64 = AtomicU64::new(0);)*
        }

        /// The current counter values.
        pub fn snapshot() -> Telemetry {
            Telemetry { $($name: cells::$name.load(super::telemetry::Relaxed),)* }
        }

        /// Counter increments, one function per counter.
        pub mod add {
            $(#[doc = $doc] pub fn $name(n: u64) { super::cells::$name.fetch_add(n, super::Relaxed); })*
        }
    };
}

counters! {
    kernels_compiled: "Kernels compiled by a JIT backend.",
    compile_ns: "Nanoseconds spent compiling kernels.",
    cache_hits: "Kernel launches that found their compiled code in the cache.",
    compile_failures: "Kernels a JIT backend declined (run by the interp backend instead).",
    kernel_launches: "Fused kernels launched (map and reduction kernels).",
    interp_nodes: "Graph nodes evaluated one at a time by the interp backend.",
    pool_hits: "Buffers served from the memory pool.",
    pool_misses: "Buffers freshly allocated (pool-sized requests that missed).",
    bytes_allocated: "Bytes of fresh kernel-output buffers.",
    dist_bytes_sent: "Bytes this rank sent to other MPI ranks (self-copies excluded).",
    dist_bytes_received: "Bytes this rank received from other MPI ranks.",
    dist_exchanges: "Collective exchanges this rank took part in (fetches, gathers, reductions).",
    tier_requests: "Hot kernels the tiered backend handed to LLVM (in the background).",
    kernels_tiered: "Kernels the tiered backend switched to LLVM code (compiled or from the disk cache).",
    tier_compile_ns: "Nanoseconds the tiered backend's background thread spent compiling with LLVM.",
}

impl Telemetry {
    /// Counter differences `self - earlier`.
    pub fn since(&self, earlier: &Telemetry) -> Telemetry {
        Telemetry {
            kernels_compiled: self.kernels_compiled - earlier.kernels_compiled,
            compile_ns: self.compile_ns - earlier.compile_ns,
            cache_hits: self.cache_hits - earlier.cache_hits,
            compile_failures: self.compile_failures - earlier.compile_failures,
            kernel_launches: self.kernel_launches - earlier.kernel_launches,
            interp_nodes: self.interp_nodes - earlier.interp_nodes,
            pool_hits: self.pool_hits - earlier.pool_hits,
            pool_misses: self.pool_misses - earlier.pool_misses,
            bytes_allocated: self.bytes_allocated - earlier.bytes_allocated,
            dist_bytes_sent: self.dist_bytes_sent - earlier.dist_bytes_sent,
            dist_bytes_received: self.dist_bytes_received - earlier.dist_bytes_received,
            dist_exchanges: self.dist_exchanges - earlier.dist_exchanges,
            tier_requests: self.tier_requests - earlier.tier_requests,
            kernels_tiered: self.kernels_tiered - earlier.kernels_tiered,
            tier_compile_ns: self.tier_compile_ns - earlier.tier_compile_ns,
        }
    }
}
