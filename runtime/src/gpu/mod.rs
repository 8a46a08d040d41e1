//! The GPU runtime's device layer: a small device interface ([`DeviceApi`]) with a CUDA
//! implementation (`cuda.rs`, feature `gpu`, cudarc with the driver loaded at run time)
//! and a fake one (`fake.rs`: host memory that records every call), the device memory
//! pool (`pool.rs`) and the lazy host/device state of buffers (`state.rs`).
//!
//! The runtime does not know kernels: it moves bytes, loads PTX text and launches entries
//! with 64-bit parameters. What to launch is the compiler's business (`compiler::gpu`).
//!
//! Which device a process uses is decided once, on first use ([`runtime`]): the CUDA
//! device 0 when the build has feature `gpu`, `libcuda` loads and a device answers; a
//! device installed with [`install`] (the fake device in tests) takes precedence.

pub mod fake;
pub mod pool;
pub mod state;

#[cfg(feature = "gpu")]
pub mod cuda;

use std::sync::{Arc, Mutex};

pub use pool::{DevicePool, PoolStats};
pub use state::{CopyStats, DeviceBuffer, Residence, Residency};

/// A device address (`CUdeviceptr`).
pub type DevPtr = u64;

/// A failed device operation (the driver's message).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DeviceError(pub String);

/// A loaded module: an index into the device's module table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ModuleId(pub usize);

/// What `hpxl info` and `devices()` say about one GPU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    pub ordinal: usize,
    pub name: String,
    /// Total device memory in bytes.
    pub total_mem: usize,
    /// Compute capability (major, minor).
    pub compute_capability: (i32, i32),
    /// Streaming multiprocessors (sizes the grids).
    pub multiprocessors: u32,
}

impl DeviceInfo {
    /// `gpu:0 NVIDIA H100 80GB HBM3 (79.1 GiB, sm_90, 132 SMs)`.
    pub fn describe(&self) -> String {
        format!(
            "gpu:{} {} ({:.1} GiB, sm_{}{}, {} SMs)",
            self.ordinal,
            self.name,
            self.total_mem as f64 / (1u64 << 30) as f64,
            self.compute_capability.0,
            self.compute_capability.1,
            self.multiprocessors
        )
    }
}

/// The operations the GPU runtime needs from a device. Every call is synchronous from the
/// caller's point of view, except `launch`, which is ordered with later calls on the
/// same device (one stream) and completes by the next copy or `synchronize`.
pub trait DeviceApi: Send + Sync {
    fn info(&self) -> DeviceInfo;
    /// `bytes` of uninitialised device memory.
    fn alloc(&self, bytes: usize) -> Result<DevPtr, DeviceError>;
    fn free(&self, ptr: DevPtr);
    /// Copies host bytes to the device.
    fn htod(&self, dst: DevPtr, src: &[u8]) -> Result<(), DeviceError>;
    /// Copies device bytes to the host (waits for earlier launches).
    fn dtoh(&self, dst: &mut [u8], src: DevPtr) -> Result<(), DeviceError>;
    /// Copies `bytes` between device buffers, ordered with launches (the base of a
    /// scatter into a fresh buffer, `compiler::fuse::gpu`).
    fn dtod(&self, dst: DevPtr, src: DevPtr, bytes: usize) -> Result<(), DeviceError>;
    /// Loads PTX text with the named entries; entry `i` is launched as `(module, i)`.
    fn load_module(&self, ptx: &str, entries: &[String]) -> Result<ModuleId, DeviceError>;
    /// Launches `entry` of `module` on a 1-D grid; every parameter is a 64-bit word.
    fn launch(&self, module: ModuleId, entry: usize, grid: u32, block: u32, params: &[u64]) -> Result<(), DeviceError>;
    fn synchronize(&self) -> Result<(), DeviceError>;
}

/// Why there is no GPU, or which there are (`hpxl info`, `devices()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The binary was built without feature `gpu`.
    NotBuilt,
    /// `libcuda.so` could not be loaded.
    NoDriver,
    /// The driver loaded but reports no device.
    NoDevice,
    /// The driver failed (its message).
    Failed(String),
    Devices(Vec<DeviceInfo>),
}

impl Probe {
    /// One line for users: the devices, or why there are none.
    pub fn why_none(&self) -> Option<&'static str> {
        match self {
            Probe::NotBuilt => Some("not built with GPU support (cargo feature `gpu`)"),
            Probe::NoDriver => Some("no CUDA driver (libcuda.so not found)"),
            Probe::NoDevice => Some("no GPU"),
            Probe::Failed(_) => Some("the CUDA driver failed"),
            Probe::Devices(d) if d.is_empty() => Some("no GPU"),
            Probe::Devices(_) => None,
        }
    }

    /// The reason as one line, including a driver error's text.
    pub fn reason(&self) -> String {
        match self {
            Probe::Failed(e) => format!("the CUDA driver failed: {e}"),
            other => other.why_none().unwrap_or("").to_string(),
        }
    }
}

/// Lists the CUDA devices (cached: the driver is asked once per process).
pub fn probe() -> Probe {
    static PROBE: std::sync::OnceLock<Probe> = std::sync::OnceLock::new();
    PROBE.get_or_init(probe_uncached).clone()
}

#[cfg(feature = "gpu")]
fn probe_uncached() -> Probe {
    cuda::probe()
}

#[cfg(not(feature = "gpu"))]
fn probe_uncached() -> Probe {
    Probe::NotBuilt
}

/// A device with its memory pool and the residency of host buffers on it.
pub struct Gpu {
    pub api: Arc<dyn DeviceApi>,
    pub pool: DevicePool,
    pub residency: Residency,
    /// Modules loaded on this device, by their first entry's name (a content hash).
    pub modules: std::collections::HashMap<String, ModuleId>,
    /// Kernels launched.
    pub launches: u64,
}

impl Gpu {
    pub fn new(api: Arc<dyn DeviceApi>) -> Gpu {
        Gpu { api, pool: DevicePool::new(), residency: Residency::new(), modules: Default::default(), launches: 0 }
    }
}

enum Slot {
    Unset,
    /// Decided: a device, or the reason there is none.
    Decided(Result<Arc<Mutex<Gpu>>, String>),
}

static RUNTIME: Mutex<Slot> = Mutex::new(Slot::Unset);

/// The process's GPU, opened on first use; `Err` says why there is none.
pub fn runtime() -> Result<Arc<Mutex<Gpu>>, String> {
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Slot::Decided(r) = &*slot {
        return r.clone();
    }
    let r = open_default();
    *slot = Slot::Decided(r.clone());
    r
}

/// Whether a device is open (cheap: no probing).
pub fn is_open() -> bool {
    matches!(&*RUNTIME.lock().unwrap_or_else(|e| e.into_inner()), Slot::Decided(Ok(_)))
}

/// Installs `api` as the process's GPU (tests: the fake device), replacing any other.
pub fn install(api: Arc<dyn DeviceApi>) -> Arc<Mutex<Gpu>> {
    let gpu = Arc::new(Mutex::new(Gpu::new(api)));
    *RUNTIME.lock().unwrap_or_else(|e| e.into_inner()) = Slot::Decided(Ok(gpu.clone()));
    gpu
}

/// Forgets the process's GPU (tests); the next `runtime()` probes again.
pub fn uninstall() {
    *RUNTIME.lock().unwrap_or_else(|e| e.into_inner()) = Slot::Unset;
}

#[cfg(feature = "gpu")]
fn open_default() -> Result<Arc<Mutex<Gpu>>, String> {
    match probe() {
        Probe::Devices(d) if !d.is_empty() => {
            let dev = cuda::CudaDevice::open(0).map_err(|e| format!("the CUDA driver failed: {e}"))?;
            Ok(Arc::new(Mutex::new(Gpu::new(Arc::new(dev)))))
        }
        other => Err(other.reason()),
    }
}

#[cfg(not(feature = "gpu"))]
fn open_default() -> Result<Arc<Mutex<Gpu>>, String> {
    Err(Probe::NotBuilt.reason())
}
