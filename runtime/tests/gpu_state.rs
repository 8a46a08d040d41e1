//! The lazy host/device buffer state machine (Note [Buffer states]) and the device pool,
//! against the fake device: which copies happen, in which direction, and when not.

use hpxl_runtime::gpu::fake::{Call, FakeDevice};
use hpxl_runtime::gpu::{DeviceApi, DeviceBuffer, DevicePool, Residence, Residency};
use hpxl_runtime::{Data, DType};
use std::sync::Arc;

/// Events on one array, as the compiler issues them.
#[derive(Clone, Copy, Debug)]
enum Ev {
    /// A kernel reads the array on the device.
    DevRead,
    /// A kernel overwrites the array on the device.
    DevWrite,
    /// The host reads it (print, a CPU kernel, a library call).
    HostRead,
    /// The host writes it (after reading).
    HostWrite,
    /// Its device copy is released.
    Evict,
}

use Ev::*;
use Residence::*;

/// Runs `events` on an 80-byte array that starts on the host and checks, after each
/// event, the state and the copies it caused (H = host→device, D = device→host, with
/// allocations as A).
fn check(events: &[(Ev, Residence, &str)]) {
    check_final(events, None)
}

/// `check`, then the host contents when `want` is given.
fn check_final(events: &[(Ev, Residence, &str)], want: Option<Vec<f64>>) {
    let dev = FakeDevice::new();
    let mut pool = DevicePool::new();
    let mut res = Residency::new();
    let d = Arc::new(Data::Float64((0..10).map(|i| i as f64).collect()));
    assert_eq!(res.state(&d), HostOnly);
    for (i, &(ev, want_state, want_calls)) in events.iter().enumerate() {
        dev.clear_calls();
        let mut kernel_out = None;
        match ev {
            DevRead => {
                res.device_read(&dev, &mut pool, &d).unwrap();
            }
            DevWrite => kernel_out = Some(res.device_write(&dev, &mut pool, &d).unwrap()),
            HostRead => {
                res.host_read(&dev, &d).unwrap();
            }
            HostWrite => {
                res.host_read(&dev, &d).unwrap();
                res.host_written(&d);
            }
            Evict => res.evict(&dev, &mut pool, &d).unwrap(),
        }
        let calls = dev.calls();
        if let Some(p) = kernel_out {
            // The "kernel": writes 100 + 2i into the device copy.
            let bytes: Vec<u8> = (0..10).flat_map(|i| (2.0 * i as f64 + 100.0).to_le_bytes()).collect();
            dev.htod(p, &bytes).unwrap();
        }
        let got: String = calls
            .iter()
            .filter_map(|c| match c {
                Call::Alloc { .. } => Some('A'),
                Call::Htod { .. } => Some('H'),
                Call::Dtoh { .. } => Some('D'),
                Call::Free { .. } => Some('F'),
                _ => None,
            })
            .collect();
        assert_eq!(res.state(&d), want_state, "state after event {i} ({ev:?}) of {events:?}");
        assert_eq!(got, want_calls, "copies for event {i} ({ev:?}) of {events:?}");
    }
    if let Some(want) = want {
        assert_eq!(*d, Data::Float64(want));
    }
}

#[test]
fn read_on_device_uploads_once() {
    // First read allocates and uploads; repeated reads move nothing.
    check(&[(DevRead, Synced, "AH"), (DevRead, Synced, ""), (DevRead, Synced, "")]);
}

#[test]
fn host_reads_of_a_synced_buffer_copy_nothing() {
    check(&[(DevRead, Synced, "AH"), (HostRead, Synced, ""), (HostRead, Synced, ""), (DevRead, Synced, "")]);
}

#[test]
fn host_write_after_upload_makes_it_host_dirty_and_the_next_device_read_uploads_again() {
    check(&[
        (DevRead, Synced, "AH"),
        (HostWrite, HostDirty, ""),
        (HostRead, HostDirty, ""),
        // The device copy is reused: no new allocation, one upload.
        (DevRead, Synced, "H"),
        (DevRead, Synced, ""),
    ]);
}

#[test]
fn device_write_then_host_read_downloads_once() {
    check_final(&[
        (DevWrite, DeviceDirty, "A"),
        (DevRead, DeviceDirty, ""),
        (HostRead, Synced, "D"),
        // Printing twice does not copy twice.
        (HostRead, Synced, ""),
        (DevRead, Synced, ""),
    ], Some((0..10).map(|i| 100.0 + 2.0 * i as f64).collect()));
}

#[test]
fn host_write_over_device_results_downloads_first() {
    check(&[(DevWrite, DeviceDirty, "A"), (HostWrite, HostDirty, "D"), (DevRead, Synced, "H")]);
}

#[test]
fn eviction_saves_device_results_and_frees_the_copy() {
    // The freed copy goes to the pool: the next upload reuses it (no allocation).
    check(&[(DevWrite, DeviceDirty, "A"), (Evict, HostOnly, "D"), (DevRead, Synced, "H")]);
    check(&[(DevRead, Synced, "AH"), (Evict, HostOnly, ""), (Evict, HostOnly, "")]);
}

#[test]
fn host_only_buffers_never_touch_the_device() {
    check(&[(HostRead, HostOnly, ""), (HostWrite, HostOnly, ""), (Evict, HostOnly, "")]);
}

#[test]
fn kernel_outputs_are_device_only_until_read_and_their_bytes_arrive() {
    let dev = FakeDevice::new();
    let mut pool = DevicePool::new();
    let mut res = Residency::new();
    // A kernel output: host storage reserved, contents written on the device.
    let out = Arc::new(Data::zeros(DType::Int32, 4));
    let p = pool.alloc(&dev, 16).unwrap();
    dev.htod(p, &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]).unwrap();
    res.adopt_output(&out, p);
    assert_eq!(res.state(&out), DeviceOnly);
    assert!(hpxl_runtime::gpu::state::host_may_be_stale());
    assert_eq!(*out, Data::Int32(vec![0, 0, 0, 0]), "not copied yet");
    // A second kernel reading it uses the device copy.
    assert_eq!(res.device_read(&dev, &mut pool, &out).unwrap(), p);
    assert_eq!(res.copy_stats().htod_copies, 0);
    // The host read brings the contents.
    assert!(res.host_read(&dev, &out).unwrap());
    assert_eq!(*out, Data::Int32(vec![1, 2, 3, 4]));
    assert_eq!(res.state(&out), Synced);
    assert!(!res.host_read(&dev, &out).unwrap());
    let s = res.copy_stats();
    assert_eq!((s.dtoh_copies, s.dtoh_bytes, s.htod_copies, s.htod_bytes), (1, 16, 0, 0));
}

#[test]
fn dead_arrays_give_their_device_memory_back_to_the_pool() {
    let dev = FakeDevice::new();
    let mut pool = DevicePool::new();
    let mut res = Residency::new();
    let a = Arc::new(Data::Float32(vec![1.0; 1000]));
    res.device_read(&dev, &mut pool, &a).unwrap();
    assert_eq!(res.len(), 1);
    assert_eq!(pool.stats().live_bytes, 4096);
    drop(a);
    res.sweep(&dev, &mut pool);
    assert_eq!(res.len(), 0);
    let st = pool.stats();
    assert_eq!((st.live_bytes, st.cached_bytes), (0, 4096));
    // The next array of the same class reuses it: a pool hit, no new allocation.
    dev.clear_calls();
    let b = Arc::new(Data::Float32(vec![2.0; 900]));
    res.device_read(&dev, &mut pool, &b).unwrap();
    assert_eq!(dev.calls(), vec![Call::Htod { bytes: 3600 }]);
    let st = pool.stats();
    assert_eq!((st.hits, st.misses, st.bytes_allocated, st.peak_bytes), (1, 1, 4096, 4096));
}

#[test]
fn a_new_array_at_a_dead_arrays_address_is_host_only() {
    let dev = FakeDevice::new();
    let mut pool = DevicePool::new();
    let mut res = Residency::new();
    for round in 0..20 {
        let a = Arc::new(Data::Int64(vec![round; 64]));
        assert_eq!(res.state(&a), HostOnly, "round {round}");
        res.device_read(&dev, &mut pool, &a).unwrap();
        assert_eq!(res.state(&a), Synced);
        drop(a);
        res.sweep(&dev, &mut pool);
    }
    assert_eq!(res.copy_stats().htod_copies, 20);
}

#[test]
fn pool_size_classes_and_statistics() {
    let dev = FakeDevice::new();
    let mut pool = DevicePool::new();
    // (request, class): at least 256 bytes, powers of two.
    for (req, class) in [(1usize, 256usize), (256, 256), (257, 512), (4096, 4096), (5000, 8192)] {
        assert_eq!(hpxl_runtime::gpu::pool::class_bytes(req), class);
    }
    let a = pool.alloc(&dev, 1000).unwrap();
    let b = pool.alloc(&dev, 3000).unwrap();
    assert_eq!(pool.stats().live_bytes, 1024 + 4096);
    pool.release(&dev, a);
    let c = pool.alloc(&dev, 600).unwrap();
    assert_eq!(c, a, "same class reused");
    pool.release(&dev, b);
    pool.release(&dev, c);
    let st = pool.stats();
    assert_eq!((st.hits, st.misses, st.bytes_allocated, st.peak_bytes, st.live_bytes), (1, 2, 5120, 5120, 0));
    pool.trim(&dev);
    assert_eq!(dev.allocated_bytes(), 0);
    assert_eq!(pool.stats().cached_bytes, 0);
}

#[test]
fn pool_retries_after_trimming_when_the_device_is_full() {
    let dev = FakeDevice::with_capacity(8192);
    let mut pool = DevicePool::new();
    let a = pool.alloc(&dev, 4096).unwrap();
    pool.release(&dev, a);
    // 4096 cached + 8192 requested exceeds the device; the pool frees its cache first.
    let b = pool.alloc(&dev, 8192).unwrap();
    assert_eq!(dev.allocated_bytes(), 8192);
    // Beyond the device: an error naming the size, not a panic.
    let e = pool.alloc(&dev, 1 << 20).unwrap_err();
    assert!(e.0.contains("1048576 bytes"), "{e}");
    pool.release(&dev, b);
}

#[test]
fn buffer_state_machine_directly() {
    let dev = FakeDevice::new();
    let mut pool = DevicePool::new();
    let mut stats = Default::default();
    let mut host = vec![7u8; 32];
    let mut b = DeviceBuffer::on_host(32);
    assert_eq!(b.state(), HostOnly);
    let p = b.for_device_read(&dev, &mut pool, &host, &mut stats).unwrap();
    assert_eq!(dev.read(p, 32), host);
    dev.htod(p, &[9u8; 32]).unwrap();
    assert_eq!(b.for_device_write(&dev, &mut pool, true).unwrap(), p);
    assert_eq!(b.state(), DeviceDirty);
    assert!(b.for_host_read(&dev, &mut host, &mut stats).unwrap());
    assert_eq!(host, vec![9u8; 32]);
    b.release_device(&dev, &mut pool, &mut host, &mut stats).unwrap();
    assert_eq!((b.state(), b.device_ptr()), (HostOnly, None));
    assert_eq!((stats.htod_copies, stats.dtoh_copies), (1, 1));
}
