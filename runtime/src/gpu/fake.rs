//! A fake device for tests without a GPU: device memory is host memory (so a "device
//! pointer" is a real address), every call is recorded, and a launch runs an optional
//! executor (the compiler's tests run the CPU-compiled kernel there).

use super::{DevPtr, DeviceApi, DeviceError, DeviceInfo, ModuleId};
use std::collections::HashMap;
use std::sync::Mutex;

/// One recorded call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    Alloc { bytes: usize },
    Free { bytes: usize },
    Htod { bytes: usize },
    Dtoh { bytes: usize },
    Dtod { bytes: usize },
    Load { entries: Vec<String> },
    Launch { entry: String, grid: u32, block: u32, params: Vec<u64> },
    Sync,
}

/// Runs a launch: `(entry name, grid, block, parameters)`.
pub type Executor = Box<dyn Fn(&str, u32, u32, &[u64]) -> Result<(), DeviceError> + Send + Sync>;

#[derive(Default)]
struct State {
    /// Allocations by address; `u64` words keep every buffer 8-byte aligned.
    memory: HashMap<DevPtr, Box<[u64]>>,
    modules: Vec<Vec<String>>,
    calls: Vec<Call>,
}

pub struct FakeDevice {
    state: Mutex<State>,
    /// Allocations beyond this many bytes in all fail (tests of out-of-memory paths).
    capacity: usize,
    executor: Option<Executor>,
}

impl Default for FakeDevice {
    fn default() -> Self {
        FakeDevice::new()
    }
}

impl FakeDevice {
    pub fn new() -> FakeDevice {
        FakeDevice { state: Mutex::new(State::default()), capacity: usize::MAX, executor: None }
    }

    /// A device with `bytes` of memory.
    pub fn with_capacity(bytes: usize) -> FakeDevice {
        FakeDevice { capacity: bytes, ..FakeDevice::new() }
    }

    /// A device whose launches run `exec`.
    pub fn with_executor(exec: Executor) -> FakeDevice {
        FakeDevice { executor: Some(exec), ..FakeDevice::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// Forgets the recorded calls.
    pub fn clear_calls(&self) {
        self.lock().calls.clear();
    }

    /// Bytes currently allocated.
    pub fn allocated_bytes(&self) -> usize {
        self.lock().memory.values().map(|b| b.len() * 8).sum()
    }

    /// A copy of `bytes` bytes of device memory at `ptr` (inside one allocation).
    pub fn read(&self, ptr: DevPtr, bytes: usize) -> Vec<u8> {
        let st = self.lock();
        let (base, buf) = st.memory.iter().find(|(&b, m)| ptr >= b && ptr + bytes as u64 <= b + m.len() as u64 * 8).expect("fake device: read outside any allocation");
        let off = (ptr - base) as usize;
        // SAFETY: the range lies inside the allocation (checked above).
        unsafe { std::slice::from_raw_parts((buf.as_ptr() as *const u8).add(off), bytes) }.to_vec()
    }

    fn check_range(st: &State, ptr: DevPtr, bytes: usize) -> Result<(), DeviceError> {
        let ok = st.memory.iter().any(|(&b, m)| ptr >= b && ptr + bytes as u64 <= b + m.len() as u64 * 8);
        if ok {
            Ok(())
        } else {
            Err(DeviceError(format!("fake device: {bytes} bytes at {ptr:#x} are outside every allocation")))
        }
    }
}

impl DeviceApi for FakeDevice {
    fn info(&self) -> DeviceInfo {
        DeviceInfo {
            ordinal: 0,
            name: "hpxl fake device".into(),
            total_mem: self.capacity.min(1 << 34),
            compute_capability: (8, 0),
            multiprocessors: 4,
        }
    }

    fn alloc(&self, bytes: usize) -> Result<DevPtr, DeviceError> {
        let mut st = self.lock();
        let used: usize = st.memory.values().map(|b| b.len() * 8).sum();
        if used.saturating_add(bytes) > self.capacity {
            return Err(DeviceError("CUDA_ERROR_OUT_OF_MEMORY".into()));
        }
        let buf = vec![0u64; bytes.div_ceil(8).max(1)].into_boxed_slice();
        let ptr = buf.as_ptr() as DevPtr;
        st.memory.insert(ptr, buf);
        st.calls.push(Call::Alloc { bytes });
        Ok(ptr)
    }

    fn free(&self, ptr: DevPtr) {
        let mut st = self.lock();
        if let Some(b) = st.memory.remove(&ptr) {
            st.calls.push(Call::Free { bytes: b.len() * 8 });
        }
    }

    fn htod(&self, dst: DevPtr, src: &[u8]) -> Result<(), DeviceError> {
        let mut st = self.lock();
        Self::check_range(&st, dst, src.len())?;
        // SAFETY: the destination range lies inside a live allocation (checked above).
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst as *mut u8, src.len()) };
        st.calls.push(Call::Htod { bytes: src.len() });
        Ok(())
    }

    fn dtoh(&self, dst: &mut [u8], src: DevPtr) -> Result<(), DeviceError> {
        let mut st = self.lock();
        Self::check_range(&st, src, dst.len())?;
        // SAFETY: the source range lies inside a live allocation (checked above).
        unsafe { std::ptr::copy_nonoverlapping(src as *const u8, dst.as_mut_ptr(), dst.len()) };
        st.calls.push(Call::Dtoh { bytes: dst.len() });
        Ok(())
    }

    fn dtod(&self, dst: DevPtr, src: DevPtr, bytes: usize) -> Result<(), DeviceError> {
        let mut st = self.lock();
        Self::check_range(&st, src, bytes)?;
        Self::check_range(&st, dst, bytes)?;
        // SAFETY: both ranges lie inside live allocations (checked above); `copy` allows
        // overlap.
        unsafe { std::ptr::copy(src as *const u8, dst as *mut u8, bytes) };
        st.calls.push(Call::Dtod { bytes });
        Ok(())
    }

    fn load_module(&self, _ptx: &str, entries: &[String]) -> Result<ModuleId, DeviceError> {
        let mut st = self.lock();
        st.modules.push(entries.to_vec());
        st.calls.push(Call::Load { entries: entries.to_vec() });
        Ok(ModuleId(st.modules.len() - 1))
    }

    fn launch(&self, module: ModuleId, entry: usize, grid: u32, block: u32, params: &[u64]) -> Result<(), DeviceError> {
        let name = {
            let mut st = self.lock();
            let name = st
                .modules
                .get(module.0)
                .and_then(|m| m.get(entry))
                .cloned()
                .ok_or_else(|| DeviceError("fake device: unknown module or entry".into()))?;
            st.calls.push(Call::Launch { entry: name.clone(), grid, block, params: params.to_vec() });
            name
        };
        match &self.executor {
            Some(exec) => exec(&name, grid, block, params),
            None => Ok(()),
        }
    }

    fn synchronize(&self) -> Result<(), DeviceError> {
        self.lock().calls.push(Call::Sync);
        Ok(())
    }
}
