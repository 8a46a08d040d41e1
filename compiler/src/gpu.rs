//! The GPU front of the compiler: which device realises this thread's graphs
//! (`--device gpu`, `with device("gpu"):`), the one-line notes when work stays on the
//! CPU, `to_device`/`devices()`, and the host-read barrier of device results.
//!
//! Launching kernels is `fuse::gpu` (feature `gpu`); devices, memory and buffer states
//! are `hpxl_runtime::gpu`.
//!
//! Note [Host reads of device results]: a kernel that ran on the GPU leaves its result on
//! the device; the graph node holds an ordinary host array whose storage is reserved but
//! not yet written (state `DeviceOnly` in the runtime's `Residency`). Every host read of
//! a realised node goes through `graph::Node::value`, which calls [`host_sync`] first;
//! the fused-kernel builder reads buffers with `value_unsynced` instead, since a GPU
//! kernel takes the device copy, and a kernel about to run on the CPU syncs its plan's
//! inputs (`fuse::run`). So the device → host copy happens when the host looks, once,
//! and never for a result that only feeds further GPU kernels. Only the session's
//! thread touches these arrays, so the copy writes storage nobody is reading.

use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::gpu as rt;
use hpxl_runtime::{Data, NdArray};
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Where a thread's graphs are realised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    Cpu,
    Gpu,
}

impl Device {
    pub fn name(self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Gpu => "gpu",
        }
    }

    /// `"cpu"`, `"gpu"` and `"gpu:0"` (the one device used).
    pub fn parse(name: &str) -> Option<Device> {
        match name {
            "cpu" => Some(Device::Cpu),
            "gpu" | "gpu:0" | "cuda" | "cuda:0" => Some(Device::Gpu),
            _ => None,
        }
    }

    /// The names `parse` accepts, for error messages.
    pub const VALID: &'static str = "\"cpu\" or \"gpu\"";
}

thread_local! {
    static DEVICE: Cell<Device> = const { Cell::new(Device::Cpu) };
}

/// The device new sessions start on (`hpxl --device gpu` sets it for the process).
static DEFAULT_GPU: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_default_device(d: Device) {
    DEFAULT_GPU.store(d == Device::Gpu, std::sync::atomic::Ordering::Relaxed);
}

pub fn default_device() -> Device {
    if DEFAULT_GPU.load(std::sync::atomic::Ordering::Relaxed) {
        Device::Gpu
    } else {
        Device::Cpu
    }
}

/// Selects the device for graphs realised on this thread.
pub fn set_device(d: Device) {
    DEVICE.with(|c| c.set(d));
}

pub fn device() -> Device {
    DEVICE.with(|c| c.get())
}

/// Restores this thread's device when dropped (`with device(...)` blocks, however they end).
pub struct DeviceGuard(Device);

impl DeviceGuard {
    #[allow(clippy::new_without_default)]
    pub fn new() -> DeviceGuard {
        DeviceGuard(device())
    }
}

impl Drop for DeviceGuard {
    fn drop(&mut self) {
        set_device(self.0);
    }
}

/// Whether this build can launch GPU kernels (feature `gpu`).
pub const BUILT: bool = cfg!(feature = "_ptx");

/// Prints `line` to stderr the first time it is asked to (per process).
pub fn note_once(line: &str) {
    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if seen.get_or_insert_with(HashSet::new).insert(line.to_string()) {
        eprintln!("hpxl: {line}");
    }
}

/// The GPU to realise this thread's kernels on: `None` on the CPU device, or when there
/// is no usable GPU (then the work runs on the CPU, said once on stderr).
pub fn active() -> Option<Arc<Mutex<rt::Gpu>>> {
    if device() != Device::Gpu || !BUILT {
        return None;
    }
    match rt::runtime() {
        Ok(g) => Some(g),
        Err(why) => {
            note_once(&format!("no GPU available ({why}); running on the CPU"));
            None
        }
    }
}

/// Brings the host copy of `data` up to date when a GPU kernel wrote it (Note [Host
/// reads of device results]). One relaxed load when no device result is pending.
pub fn host_sync(data: &Arc<Data>) {
    if !rt::state::host_may_be_stale() || !rt::is_open() {
        return;
    }
    let Ok(gpu) = rt::runtime() else { return };
    let mut g = gpu.lock().unwrap_or_else(|e| e.into_inner());
    let api = g.api.clone();
    if let Err(e) = g.residency.host_read(&*api, data) {
        // The device is gone with the only copy of a result: nothing correct can follow.
        eprintln!("hpxl: error: copying a result from the GPU failed: {e}");
        std::process::exit(70);
    }
}

/// `to_device(a, name)`: realises `a`, then gives it a current device copy (`"gpu"`) or
/// brings it home and frees the device copy (`"cpu"`). Without a GPU, `"gpu"` is a note
/// and the array stays on the host.
pub fn to_device(a: &NdArray, target: Device, span: Span) -> Result<(), Diagnostic> {
    let gpu = match target {
        Device::Gpu => {
            if !BUILT {
                note_once("no GPU available (not built with GPU support: cargo feature `gpu`); running on the CPU");
                return Ok(());
            }
            match rt::runtime() {
                Ok(g) => g,
                Err(why) => {
                    note_once(&format!("no GPU available ({why}); running on the CPU"));
                    return Ok(());
                }
            }
        }
        Device::Cpu => {
            if !rt::is_open() {
                return Ok(());
            }
            match rt::runtime() {
                Ok(g) => g,
                Err(_) => return Ok(()),
            }
        }
    };
    let mut g = gpu.lock().unwrap_or_else(|e| e.into_inner());
    let rt::Gpu { api, pool, residency, .. } = &mut *g;
    let api = api.clone();
    residency.sweep(&*api, pool);
    let r = match target {
        Device::Gpu => residency.device_read(&*api, pool, &a.data).map(drop),
        Device::Cpu => residency.evict(&*api, pool, &a.data),
    };
    r.map_err(|e| {
        Diagnostic::new(Code::Alloc, format!("to_device: {e}"))
            .with_label(span, "moving this array failed")
    })
}

/// `devices()`: `"cpu"` and one `"gpu:N <name> (<memory>, sm_XY, N SMs)"` per GPU (or
/// the device a test installed).
pub fn device_names() -> Vec<String> {
    let mut out = vec!["cpu".to_string()];
    match rt::probe() {
        rt::Probe::Devices(ds) if !ds.is_empty() => out.extend(ds.iter().map(|d| d.describe())),
        _ if rt::is_open() => {
            if let Ok(g) = rt::runtime() {
                out.push(g.lock().unwrap_or_else(|e| e.into_inner()).api.info().describe());
            }
        }
        _ => {}
    }
    out
}

/// Device statistics for `--profile` and tests: pool and copy counters, when a GPU is open.
pub fn stats() -> Option<(rt::PoolStats, rt::CopyStats, u64)> {
    if !rt::is_open() {
        return None;
    }
    let g = rt::runtime().ok()?;
    let g = g.lock().unwrap_or_else(|e| e.into_inner());
    Some((g.pool.stats(), g.residency.copy_stats(), g.launches))
}
