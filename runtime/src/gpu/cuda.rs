//! The CUDA device (feature `gpu`): the driver API through cudarc, with `libcuda.so`
//! loaded at run time, so the binary builds and starts on machines without CUDA.
//!
//! cudarc panics on the first driver call when `libcuda` cannot be loaded, so [`probe`]
//! calls `is_culib_present()` before anything else; after that every failure is a
//! `Result`. Memory, copies and launches use cudarc's thin `result` layer over raw device
//! pointers (the pool owns the memory, not cudarc's `CudaSlice`), on the context's
//! default stream; [`CudaContext`] retains the primary context and binds it to the
//! calling thread before each call (sessions may move between threads).

use super::{DevPtr, DeviceApi, DeviceError, DeviceInfo, ModuleId, Probe};
use cudarc::driver::{result, sys, CudaContext};
use std::ffi::{c_void, CString};
use std::sync::{Arc, Mutex};

fn err(e: result::DriverError) -> DeviceError {
    DeviceError(format!("{e:?}"))
}

/// Lists the devices, or says why there are none.
pub fn probe() -> Probe {
    // SAFETY: only tries to load the library; the note in the module docs says why first.
    if !unsafe { sys::is_culib_present() } {
        return Probe::NoDriver;
    }
    if let Err(e) = result::init() {
        return match e.0 {
            sys::CUresult::CUDA_ERROR_NO_DEVICE => Probe::NoDevice,
            _ => Probe::Failed(format!("{e:?}")),
        };
    }
    let count = match result::device::get_count() {
        Ok(n) => n,
        Err(e) => return Probe::Failed(format!("{e:?}")),
    };
    if count <= 0 {
        return Probe::NoDevice;
    }
    let mut out = Vec::new();
    for ordinal in 0..count {
        match device_info(ordinal as usize) {
            Ok(i) => out.push(i),
            Err(e) => return Probe::Failed(e.0),
        }
    }
    Probe::Devices(out)
}

fn device_info(ordinal: usize) -> Result<DeviceInfo, DeviceError> {
    let dev = result::device::get(ordinal as i32).map_err(err)?;
    let attr = |a| unsafe { result::device::get_attribute(dev, a) }.map_err(err);
    use sys::CUdevice_attribute::*;
    Ok(DeviceInfo {
        ordinal,
        name: result::device::get_name(dev).map_err(err)?,
        // SAFETY: `dev` came from `device::get`.
        total_mem: unsafe { result::device::total_mem(dev) }.map_err(err)?,
        compute_capability: (
            attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?,
            attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?,
        ),
        multiprocessors: attr(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?.max(1) as u32,
    })
}

struct Module {
    handle: sys::CUmodule,
    functions: Vec<sys::CUfunction>,
}

/// One CUDA device (its primary context) and the modules loaded on it.
pub struct CudaDevice {
    ctx: Arc<CudaContext>,
    info: DeviceInfo,
    modules: Mutex<Vec<Module>>,
}

// SAFETY: the raw module and function handles are plain driver handles, valid in the
// primary context from any thread once it is bound (every method binds it first); the
// table is behind a mutex.
unsafe impl Send for CudaDevice {}
unsafe impl Sync for CudaDevice {}

impl CudaDevice {
    /// Opens device `ordinal`. Call only after [`probe`] found devices.
    pub fn open(ordinal: usize) -> Result<CudaDevice, DeviceError> {
        let ctx = CudaContext::new(ordinal).map_err(err)?;
        let info = device_info(ordinal)?;
        Ok(CudaDevice { ctx, info, modules: Mutex::new(Vec::new()) })
    }

    fn bind(&self) -> Result<(), DeviceError> {
        self.ctx.bind_to_thread().map_err(err)
    }
}

impl DeviceApi for CudaDevice {
    fn info(&self) -> DeviceInfo {
        self.info.clone()
    }

    fn alloc(&self, bytes: usize) -> Result<DevPtr, DeviceError> {
        self.bind()?;
        // SAFETY: the context is current; the pool frees the pointer exactly once.
        unsafe { result::malloc_sync(bytes.max(1)) }.map_err(err)
    }

    fn free(&self, ptr: DevPtr) {
        if self.bind().is_ok() {
            // SAFETY: `ptr` came from `alloc` and the pool frees it once. A failure here
            // (device lost) leaves nothing to clean up.
            let _ = unsafe { result::free_sync(ptr) };
        }
    }

    fn htod(&self, dst: DevPtr, src: &[u8]) -> Result<(), DeviceError> {
        self.bind()?;
        // SAFETY: `dst` holds at least `src.len()` bytes (the state machine's invariant).
        unsafe { result::memcpy_htod_sync(dst, src) }.map_err(err)
    }

    fn dtoh(&self, dst: &mut [u8], src: DevPtr) -> Result<(), DeviceError> {
        self.bind()?;
        // Launches go to the null stream, which the synchronous copy waits for.
        // SAFETY: `src` holds at least `dst.len()` bytes.
        unsafe { result::memcpy_dtoh_sync(dst, src) }.map_err(err)
    }

    fn dtod(&self, dst: DevPtr, src: DevPtr, bytes: usize) -> Result<(), DeviceError> {
        self.bind()?;
        // SAFETY: both pointers hold at least `bytes` bytes (the caller's allocations);
        // the copy is ordered on the null stream with the launches around it.
        unsafe { result::memcpy_dtod_sync(dst, src, bytes) }.map_err(err)
    }

    fn load_module(&self, ptx: &str, entries: &[String]) -> Result<ModuleId, DeviceError> {
        self.bind()?;
        let image = CString::new(ptx).map_err(|_| DeviceError("PTX text contains a NUL byte".into()))?;
        // SAFETY: the image is NUL-terminated PTX text; the driver copies it.
        let handle = unsafe { result::module::load_data(image.as_ptr() as *const c_void) }.map_err(err)?;
        let mut functions = Vec::with_capacity(entries.len());
        for e in entries {
            let name = CString::new(e.as_str()).map_err(|_| DeviceError("entry name contains a NUL byte".into()))?;
            // SAFETY: `handle` was just loaded and is never unloaded while the device lives.
            functions.push(unsafe { result::module::get_function(handle, name) }.map_err(err)?);
        }
        let mut modules = self.modules.lock().unwrap_or_else(|e| e.into_inner());
        modules.push(Module { handle, functions });
        Ok(ModuleId(modules.len() - 1))
    }

    fn launch(&self, module: ModuleId, entry: usize, grid: u32, block: u32, params: &[u64]) -> Result<(), DeviceError> {
        self.bind()?;
        let f = {
            let modules = self.modules.lock().unwrap_or_else(|e| e.into_inner());
            let m = modules.get(module.0).ok_or_else(|| DeviceError("unknown module".into()))?;
            let _ = m.handle;
            *m.functions.get(entry).ok_or_else(|| DeviceError("unknown entry".into()))?
        };
        let mut words: Vec<u64> = params.to_vec();
        let mut ptrs: Vec<*mut c_void> = words.iter_mut().map(|w| w as *mut u64 as *mut c_void).collect();
        // SAFETY: `f` is a live function whose parameters are all 64-bit words, given in
        // order; the driver copies the parameter values before returning. The null
        // stream orders the launch with the synchronous copies around it.
        unsafe { result::launch_kernel(f, (grid.max(1), 1, 1), (block, 1, 1), 0, std::ptr::null_mut(), &mut ptrs) }
            .map_err(err)
    }

    fn synchronize(&self) -> Result<(), DeviceError> {
        self.bind()?;
        self.ctx.synchronize().map_err(err)
    }
}
