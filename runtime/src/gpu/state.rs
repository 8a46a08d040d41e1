//! The lazy host/device state of buffers (Decision 9): a buffer's contents live on the
//! host, on the device, or on both, and bytes move only when the other side needs them.
//!
//! Note [Buffer states]: a [`DeviceBuffer`] is in one of five states.
//!
//! | state | host copy | device copy |
//! |---|---|---|
//! | `HostOnly` | current | none |
//! | `DeviceOnly` | none (or never written) | current |
//! | `Synced` | current | current |
//! | `HostDirty` | current | stale |
//! | `DeviceDirty` | stale | current |
//!
//! | event | from → to | copy |
//! |---|---|---|
//! | kernel reads it | `HostOnly`, `HostDirty` → `Synced` | host → device |
//! | kernel reads it | `Synced`, `DeviceOnly`, `DeviceDirty` → same | none |
//! | kernel overwrites it | any → `DeviceDirty` (`DeviceOnly` if no host copy) | none |
//! | host reads it | `DeviceOnly`, `DeviceDirty` → `Synced` | device → host |
//! | host reads it | `HostOnly`, `Synced`, `HostDirty` → same | none |
//! | host writes it | read first (above), then `Synced`/`HostDirty` → `HostDirty` | as for a read |
//! | device copy released | `DeviceOnly`/`DeviceDirty` are read first → `HostOnly` | as for a read |
//!
//! A kernel never writes part of a buffer on the device without reading it first:
//! outputs are fresh, whole buffers, so "overwrites" needs no upload of the old contents,
//! and an in-place update (`x += 1` on the GPU, `compiler::fuse::gpu`) takes its base
//! through "kernel reads it" (current on the device), writes that device copy, and hands
//! it to the result's new host array ([`Residency::detach`], then `adopt_output`): the
//! old array, whose bytes it was, is gone by then.
//!
//! [`Residency`] applies the machine to host arrays: it maps each `Arc<Data>` (by
//! address, checked with a `Weak` so a reused address is never mistaken for the old
//! buffer) to its device buffer. A kernel output computed on the device gets host
//! storage that is reserved but not written (`DeviceOnly`), and the compiler brings it up
//! to date before any host code reads it (`compiler::gpu`, Note [Host reads of device
//! results]). Buffers whose `Data` died are swept and their device memory returned to the
//! pool.

use super::{DevPtr, DeviceApi, DeviceError, DevicePool};
use crate::array::Data;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Weak};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Residence {
    HostOnly,
    DeviceOnly,
    Synced,
    HostDirty,
    DeviceDirty,
}

impl Residence {
    pub fn name(self) -> &'static str {
        match self {
            Residence::HostOnly => "host-only",
            Residence::DeviceOnly => "device-only",
            Residence::Synced => "synced",
            Residence::HostDirty => "host-dirty",
            Residence::DeviceDirty => "device-dirty",
        }
    }

    /// Whether the host copy is missing or stale.
    pub fn host_stale(self) -> bool {
        matches!(self, Residence::DeviceOnly | Residence::DeviceDirty)
    }
}

/// Copies in each direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CopyStats {
    pub htod_copies: u64,
    pub htod_bytes: u64,
    pub dtoh_copies: u64,
    pub dtoh_bytes: u64,
}

/// One buffer's state (see Note [Buffer states]); the host bytes are the caller's.
#[derive(Debug)]
pub struct DeviceBuffer {
    state: Residence,
    dev: Option<DevPtr>,
    bytes: usize,
}

impl DeviceBuffer {
    /// A buffer of `bytes` whose contents are on the host only.
    pub fn on_host(bytes: usize) -> DeviceBuffer {
        DeviceBuffer { state: Residence::HostOnly, dev: None, bytes }
    }

    pub fn state(&self) -> Residence {
        self.state
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn device_ptr(&self) -> Option<DevPtr> {
        self.dev
    }

    fn ensure_alloc(&mut self, api: &dyn DeviceApi, pool: &mut DevicePool) -> Result<DevPtr, DeviceError> {
        match self.dev {
            Some(p) => Ok(p),
            None => {
                let p = pool.alloc(api, self.bytes)?;
                self.dev = Some(p);
                Ok(p)
            }
        }
    }

    /// The device address of the current contents, uploading `host` when the device copy
    /// is missing or stale.
    pub fn for_device_read(
        &mut self,
        api: &dyn DeviceApi,
        pool: &mut DevicePool,
        host: &[u8],
        stats: &mut CopyStats,
    ) -> Result<DevPtr, DeviceError> {
        match self.state {
            Residence::HostOnly | Residence::HostDirty => {
                let p = self.ensure_alloc(api, pool)?;
                api.htod(p, &host[..self.bytes])?;
                stats.htod_copies += 1;
                stats.htod_bytes += self.bytes as u64;
                self.state = Residence::Synced;
                Ok(p)
            }
            Residence::Synced | Residence::DeviceOnly | Residence::DeviceDirty => Ok(self.dev.expect("device copy")),
        }
    }

    /// The device address a kernel is about to overwrite completely: no upload. `has_host`
    /// says whether host storage holds (now stale) contents.
    pub fn for_device_write(
        &mut self,
        api: &dyn DeviceApi,
        pool: &mut DevicePool,
        has_host: bool,
    ) -> Result<DevPtr, DeviceError> {
        let p = self.ensure_alloc(api, pool)?;
        self.state = if has_host && self.state != Residence::DeviceOnly {
            Residence::DeviceDirty
        } else {
            Residence::DeviceOnly
        };
        Ok(p)
    }

    /// Brings `host` up to date; returns whether bytes moved.
    pub fn for_host_read(
        &mut self,
        api: &dyn DeviceApi,
        host: &mut [u8],
        stats: &mut CopyStats,
    ) -> Result<bool, DeviceError> {
        if !self.state.host_stale() {
            return Ok(false);
        }
        api.dtoh(&mut host[..self.bytes], self.dev.expect("device copy"))?;
        stats.dtoh_copies += 1;
        stats.dtoh_bytes += self.bytes as u64;
        self.state = Residence::Synced;
        Ok(true)
    }

    /// Records that the host wrote its copy (which `for_host_read` made current first).
    pub fn host_written(&mut self) {
        debug_assert!(!self.state.host_stale(), "host write over a stale host copy");
        if self.dev.is_some() {
            self.state = Residence::HostDirty;
        }
    }

    /// Frees the device copy, first bringing the host copy up to date when only the
    /// device had the contents.
    pub fn release_device(
        &mut self,
        api: &dyn DeviceApi,
        pool: &mut DevicePool,
        host: &mut [u8],
        stats: &mut CopyStats,
    ) -> Result<(), DeviceError> {
        self.for_host_read(api, host, stats)?;
        self.discard(api, pool);
        Ok(())
    }

    /// Frees the device copy without saving it (its host buffer is gone).
    pub fn discard(&mut self, api: &dyn DeviceApi, pool: &mut DevicePool) {
        if let Some(p) = self.dev.take() {
            pool.release(api, p);
        }
        self.state = Residence::HostOnly;
    }
}

/// Entries whose host copy is stale, in every `Residency` of the process: zero means no
/// host read anywhere needs a device copy (the compiler's fast path).
static STALE_HOST: AtomicUsize = AtomicUsize::new(0);

/// Whether some host buffer may be waiting for its device contents.
pub fn host_may_be_stale() -> bool {
    STALE_HOST.load(Relaxed) != 0
}

struct Entry {
    data: Weak<Data>,
    buf: DeviceBuffer,
}

/// Device copies of host arrays, keyed by their storage (see the module docs).
#[derive(Default)]
pub struct Residency {
    entries: HashMap<usize, Entry>,
    stats: CopyStats,
}

fn key(d: &Arc<Data>) -> usize {
    Arc::as_ptr(d) as usize
}

fn data_bytes(d: &Data) -> usize {
    d.len() * d.dtype().itemsize()
}

/// The bytes of `d`'s elements.
fn host_bytes(d: &Data) -> &[u8] {
    // SAFETY: `as_ptr` points at `len` initialised elements of plain-old-data types.
    unsafe { std::slice::from_raw_parts(d.as_ptr(), data_bytes(d)) }
}

impl Residency {
    pub fn new() -> Residency {
        Residency::default()
    }

    pub fn copy_stats(&self) -> CopyStats {
        self.stats
    }

    /// Buffers with a device copy.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn live_entry(&mut self, d: &Arc<Data>) -> Option<&mut Entry> {
        let k = key(d);
        let alive = self.entries.get(&k).is_some_and(|e| e.data.as_ptr() == Arc::as_ptr(d));
        if alive {
            self.entries.get_mut(&k)
        } else {
            None
        }
    }

    /// `d`'s state (`HostOnly` when it has no device copy).
    pub fn state(&mut self, d: &Arc<Data>) -> Residence {
        self.live_entry(d).map_or(Residence::HostOnly, |e| e.buf.state)
    }

    fn transition<T>(
        &mut self,
        d: &Arc<Data>,
        f: impl FnOnce(&mut DeviceBuffer, &mut CopyStats) -> Result<T, DeviceError>,
    ) -> Result<T, DeviceError> {
        let k = key(d);
        if self.live_entry(d).is_none() {
            if let Some(old) = self.entries.remove(&k) {
                // A dead buffer at the same address: cannot happen while its `Weak` lives,
                // but never reuse its state.
                if old.buf.state.host_stale() {
                    STALE_HOST.fetch_sub(1, Relaxed);
                }
            }
            self.entries.insert(k, Entry { data: Arc::downgrade(d), buf: DeviceBuffer::on_host(data_bytes(d)) });
        }
        let Residency { entries, stats } = self;
        let e = entries.get_mut(&k).expect("inserted above");
        let before = e.buf.state.host_stale();
        let r = f(&mut e.buf, stats);
        let after = e.buf.state.host_stale();
        match (before, after) {
            (false, true) => {
                STALE_HOST.fetch_add(1, Relaxed);
            }
            (true, false) => {
                STALE_HOST.fetch_sub(1, Relaxed);
            }
            _ => {}
        }
        r
    }

    /// The device address of `d`'s current contents (uploaded when needed).
    pub fn device_read(&mut self, api: &dyn DeviceApi, pool: &mut DevicePool, d: &Arc<Data>) -> Result<DevPtr, DeviceError> {
        self.transition(d, |b, s| b.for_device_read(api, pool, host_bytes(d), s))
    }

    /// Registers `d` as the result of a kernel that wrote device buffer `dev` (from
    /// `pool`): its host storage is reserved, not written (`DeviceOnly`).
    pub fn adopt_output(&mut self, d: &Arc<Data>, dev: DevPtr) {
        let _ = self.transition(d, |b, _| {
            b.dev = Some(dev);
            b.state = Residence::DeviceOnly;
            Ok(())
        });
    }

    /// Takes `d`'s device copy away from it without freeing or saving it: the caller
    /// gives it to another array (`adopt_output`) whose contents it now is. `None` when
    /// `d` has no device copy.
    pub fn detach(&mut self, d: &Arc<Data>) -> Option<DevPtr> {
        self.live_entry(d)?;
        let mut e = self.entries.remove(&key(d))?;
        if e.buf.state.host_stale() {
            STALE_HOST.fetch_sub(1, Relaxed);
        }
        e.buf.dev.take()
    }

    /// A device buffer for a kernel to overwrite `d` completely.
    pub fn device_write(&mut self, api: &dyn DeviceApi, pool: &mut DevicePool, d: &Arc<Data>) -> Result<DevPtr, DeviceError> {
        self.transition(d, |b, _| b.for_device_write(api, pool, true))
    }

    /// Brings `d`'s host storage up to date; returns whether bytes moved.
    ///
    /// The host storage is written through the shared `Arc`: Note [Host reads of device
    /// results] in the compiler is the argument that nothing reads it meanwhile.
    pub fn host_read(&mut self, api: &dyn DeviceApi, d: &Arc<Data>) -> Result<bool, DeviceError> {
        if self.live_entry(d).is_none_or(|e| !e.buf.state.host_stale()) {
            return Ok(false);
        }
        let n = data_bytes(d);
        // SAFETY: `d` holds `n` bytes of plain-old-data elements; while the host copy is
        // stale no reader looks at them (see the doc comment), and this thread is the
        // only writer.
        let host = unsafe { std::slice::from_raw_parts_mut(d.as_ptr() as *mut u8, n) };
        self.transition(d, |b, s| b.for_host_read(api, host, s))
    }

    /// Records a host write of `d` (after `host_read`).
    pub fn host_written(&mut self, d: &Arc<Data>) {
        if self.live_entry(d).is_some() {
            let _ = self.transition(d, |b, _| {
                b.host_written();
                Ok(())
            });
        }
    }

    /// Frees `d`'s device copy (saving it to the host first when needed).
    pub fn evict(&mut self, api: &dyn DeviceApi, pool: &mut DevicePool, d: &Arc<Data>) -> Result<(), DeviceError> {
        self.host_read(api, d)?;
        if self.live_entry(d).is_some() {
            self.transition(d, |b, _| {
                b.discard(api, pool);
                Ok(())
            })?;
            self.entries.remove(&key(d));
        }
        Ok(())
    }

    /// Returns the device memory of buffers whose host array died.
    pub fn sweep(&mut self, api: &dyn DeviceApi, pool: &mut DevicePool) {
        self.entries.retain(|_, e| {
            if e.data.strong_count() > 0 {
                return true;
            }
            if e.buf.state.host_stale() {
                STALE_HOST.fetch_sub(1, Relaxed);
            }
            e.buf.discard(api, pool);
            false
        });
    }

    /// Every device copy saved to the host (when only the device has it) and freed.
    pub fn clear(&mut self, api: &dyn DeviceApi, pool: &mut DevicePool) -> Result<(), DeviceError> {
        let live: Vec<Arc<Data>> = self.entries.values().filter_map(|e| e.data.upgrade()).collect();
        for d in &live {
            self.evict(api, pool, d)?;
        }
        self.sweep(api, pool);
        Ok(())
    }
}
