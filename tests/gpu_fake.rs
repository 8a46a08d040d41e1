//! The GPU path end to end on the fake device (feature `gpu`): kernels are compiled to
//! PTX and "launched" on `hpxl_runtime::gpu::fake::FakeDevice`, whose executor runs the
//! same kir kernel compiled for the CPU over the fake device memory. Each program must
//! print what the CPU prints, and the copies between host and device must be the lazy
//! ones (Note [Buffer states], Note [Host reads of device results]).
#![cfg(feature = "gpu")]

use hpxl::{Device, Session};
use hpxl_runtime::gpu::{self as rt, fake::FakeDevice};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// The fake device is process-wide: tests take turns.
static LOCK: Mutex<()> = Mutex::new(());

#[derive(Clone, Default)]
struct Out(Arc<Mutex<Vec<u8>>>);

impl Write for Out {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What one run on the GPU did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Gpu {
    launches: u64,
    htod: u64,
    dtoh: u64,
}

fn run_on(device: Device, src: &str) -> (String, Gpu) {
    let dev = Arc::new(FakeDevice::with_executor(hpxl_compiler::fuse::cpu_executor()));
    rt::install(dev);
    let owned = src.to_string();
    let out = Out::default();
    let cap = out.clone();
    let result = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut s = Session::with_output(Box::new(cap));
            s.set_small_threshold(0);
            s.set_device(device);
            s.run("<test>", &owned).map(drop).map_err(|d| s.render(&d))
        })
        .unwrap()
        .join()
        .unwrap();
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    if let Err(e) = result {
        panic!("{device:?} run failed:\n{e}\nsource:\n{src}");
    }
    let (_, copies, launches) = hpxl_compiler::gpu::stats().expect("the fake device is open");
    (text, Gpu { launches, htod: copies.htod_copies, dtoh: copies.dtoh_copies })
}

/// Runs `src` on the CPU and on the (fake) GPU; they must print the same. Returns the
/// GPU run's counters.
fn check(src: &str) -> Gpu {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (cpu, none) = run_on(Device::Cpu, src);
    assert_eq!(none, Gpu::default(), "the CPU run used the device");
    let (gpu, stats) = run_on(Device::Gpu, src);
    assert_eq!(gpu, cpu, "GPU and CPU disagree on:\n{src}");
    stats
}

#[test]
fn an_elementwise_result_is_copied_to_the_host_once_when_printed() {
    let g = check("x = arange(5000) * 0.5\ny = x * x + 1\nprint(y[:5], y[-1])\nprint(y[4999])\n");
    // `arange` is generated on the device: nothing goes up; `y` comes down once.
    assert_eq!(g, Gpu { launches: 1, htod: 0, dtoh: 1 });
}

#[test]
fn results_feeding_further_kernels_stay_on_the_device() {
    let g = check("x = arange(5000) * 1.0\na = x + 1\nrealize(a)\nb = a * 3\nrealize(b)\nc = b - a\nprint(c[:3])\n");
    assert_eq!(g, Gpu { launches: 3, htod: 0, dtoh: 1 });
}

#[test]
fn a_host_input_is_uploaded_once_for_every_kernel_that_reads_it() {
    let g = check(
        "random.seed(3)\nr = random.rand(5000)\na = r * 2\nrealize(a)\nb = r + 1\nrealize(b)\nprint(a[7], b[7])\n",
    );
    assert_eq!(g, Gpu { launches: 2, htod: 1, dtoh: 2 });
}

#[test]
fn full_reductions_run_the_two_pass_kernels() {
    let g = check(
        "x = arange(100000) * 2\nf = arange(100000) * 0.5\n\
         print(sum(x), x.max(), x.min(), sum(f), f.max())\n\
         print((x > 5).any(), (x >= 0).all(), prod(ones(10000) * 1.0))\n",
    );
    // Each reduction is one launch here (two device passes); results come down.
    assert!(g.launches >= 8, "{g:?}");
    assert_eq!(g.htod, 0);
}

#[test]
fn library_calls_and_partial_reductions_read_device_results_on_the_host() {
    check("x = arange(5000) * -1.0\ns = sort(x)\nprint(s[:3], s[-1])\n");
    check("x = (arange(6000) * 1.0).reshape(60, 100)\ny = x * 2\nprint(y.sum(axis=0)[:4], cumsum(y[0])[-1])\n");
}

#[test]
fn scalars_read_from_device_results_are_current() {
    // A 0-d view becomes a kernel parameter, read on the host: it must be synced first.
    check("b = arange(3000) * 0.5\nrealize(b)\nc = b * 2\nrealize(c)\nprint(c[1] == 1.0, b[1] * 2, c[2] + b[3])\n");
}

#[test]
fn in_place_updates_of_device_results_see_the_device_contents() {
    check("a = arange(5000) * 1.0\nrealize(a)\na[0] = 42\na += 1\nprint(a[:3], a[-1])\n");
    check("u = arange(5000) * 1.0\nu = u * 2\nrealize(u)\nu[1:-1] = u[:-2] + u[2:]\nprint(u[:4])\n");
}

#[test]
fn to_device_moves_storage_and_counts_the_copies() {
    let g = check("a = arange(5000) * 1.0\nrealize(a)\nto_device(a, \"cpu\")\nprint(a[1])\nprint(a[2])\n");
    assert_eq!((g.htod, g.dtoh), (0, 1));
    // An explicit move happens whatever the session's device; the second is a no-op.
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let src = "random.seed(1)\nb = random.rand(3000)\nto_device(b, \"gpu\")\nto_device(b, \"gpu\")\nc = b * 2\nprint(c[0] == b[0] * 2)\n";
    let (out, g) = run_on(Device::Gpu, src);
    assert_eq!(out, "True\n");
    // `c = b * 2` and the 0-d comparison; `c` comes down for its 0-d view, then the result.
    assert_eq!((g.launches, g.htod, g.dtoh), (2, 1, 2), "{g:?}");
    let (out, g) = run_on(Device::Cpu, src);
    assert_eq!(out, "True\n");
    assert_eq!((g.launches, g.htod, g.dtoh), (0, 1, 0), "{g:?}");
}

#[test]
fn with_device_runs_only_the_block_on_the_gpu() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let src = "x = arange(5000) * 1.0\nwith device(\"gpu\"):\n    y = x + 1\n    realize(y)\nz = x + 2\nrealize(z)\nprint(y[1], z[1])\n";
    let (out, g) = run_on(Device::Cpu, src);
    assert_eq!(out, "2.0 3.0\n");
    assert_eq!(g.launches, 1);
    // And the other way round: a CPU block in a GPU session.
    let src = "x = arange(5000) * 1.0\nwith device(\"cpu\"):\n    y = x + 1\n    realize(y)\nz = x + 2\nrealize(z)\nprint(y[1], z[1])\n";
    let (out, g) = run_on(Device::Gpu, src);
    assert_eq!(out, "2.0 3.0\n");
    assert_eq!(g.launches, 1);
}

#[test]
fn divisions_and_transcendentals_run_on_the_gpu() {
    // Floor division, remainder, power and the transcendentals are inline in the PTX; the
    // fake device runs the same instructions compiled for the CPU (`llvm::compile_gpu_ops`).
    let g = check(
        "x = arange(5000) * 1.0 - 2500.0\ni = arange(5000) - 2500\n\
         print((x // 3)[:4], (x % 7)[-1], (i // -7)[:3], (i % -7)[:3], fmod(x, 3.5)[:3])\n\
         print(tanh(x / 1000.0)[:3], log1p(abs(x))[-3:], arctan(x)[:2], cbrt(x)[:2])\n\
         print((abs(x) ** 1.5)[:3], arctan2(x, 7.0)[:3], hypot(x, 3.0)[-2:])\n\
         f = x.astype(float32) / 100.0\nprint(exp(f)[2490:2495], log(abs(f) + 1.0)[:3], sin(f)[:3])\n",
    );
    assert!(g.launches >= 3, "{g:?}");
}

#[test]
fn devices_lists_the_installed_device() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (out, _) = run_on(Device::Gpu, "print(devices())\n");
    assert!(out.starts_with("('cpu', 'gpu:0 hpxl fake device"), "{out}");
}

/// The launches of `src` on the GPU, which must print what the CPU prints.
fn launches(src: &str) -> u64 {
    check(src).launches
}

/// The launches `line` adds to `pre` (whose in-place updates realise arrays first).
fn extra_launches(pre: &str, line: &str) -> u64 {
    let base = launches(pre);
    launches(&format!("{pre}{line}\n")) - base
}

#[test]
fn reductions_over_axes_run_one_launch_each() {
    // Axis 0 keeps the innermost axis (one thread per output, the CPU's sequential
    // order); axis 1 and the tuple reduce the innermost axes (one block per output).
    let pre = "x = (arange(6000) * 0.5).reshape(60, 100)\ni = (arange(6000) - 3000).reshape(60, 100)\nrealize(x, i)\n";
    let cases = [
        ("print(x.sum(axis=0)[:4], x.sum(axis=1)[-1])", 2),
        ("print(x.sum(axis=1)[:4], x.sum(axis=1, keepdims=True)[:2])", 2),
        ("print(i.sum(axis=1)[:3], i.prod(axis=0)[:3], (i % 3 + 1).prod(axis=1)[:3])", 3),
        ("print(x.min(axis=0)[:3], x.max(axis=1)[:3], i.min(axis=1)[:3], i.max(axis=0)[-3:])", 4),
        ("print((x > 20).any(axis=0)[:3], (i < 0).all(axis=1)[28:32])", 2),
        ("print((i % 2 == 0).any(axis=1)[:2], (x >= 0).all(axis=0)[:2])", 2),
    ];
    for (c, n) in cases {
        assert_eq!(extra_launches(pre, c), n, "{c}");
    }
    // Several axes, keepdims, negative axes, float32 and small integers.
    let pre =
        "y = (arange(24000) * 0.25).reshape(20, 30, 40)\nb = arange(600, dtype=int8).reshape(20, 30)\nrealize(y, b)\n";
    let c = "print(y.sum(axis=(0, 2))[:3], y.sum(axis=(1, 2), keepdims=True)[:2], y.max(axis=(0, 1))[:2])\n\
             print(y.astype(float32).sum(axis=-1)[0, :3], y.sum(axis=(0, 1))[:2], (b % 5).sum(axis=0)[:4])";
    assert_eq!(extra_launches(pre, c), 6);
}

#[test]
fn mean_var_and_std_run_on_the_gpu() {
    // Rows whose statistics are exact, so both layouts print the CPU's digits.
    let pre = "v = (arange(6000) % 5).reshape(60, 100) * 1.0 + arange(60).reshape(60, 1)\n\
               a = arange(6000).reshape(60, 100)\nrealize(v, a)\n";
    let cases = [
        ("print(v.mean(axis=1)[:4], v.var(axis=1)[:3], v.std(axis=1, ddof=1)[:2])", 3),
        // 6000 elements are two chunks: split (Note [Split GPU row reductions]).
        ("print(mean(v), var(v), std(v), var(v, ddof=3))", 2 + 3 * 4),
        ("print(v.mean(axis=0)[:5], v.var(axis=0)[:3], v.std(axis=0, keepdims=True)[0, :2])", 3),
        ("print(v.astype(float32).mean(axis=1)[:3], v.astype(float32).var(axis=0, ddof=1)[:3])", 2),
        ("print(mean(a, axis=1)[:3], var(a[0]), std(a[1], ddof=100), a.std(axis=0)[:2])", 4),
    ];
    for (c, n) in cases {
        assert_eq!(extra_launches(pre, c), n, "{c}");
    }
    // Random values: one thread per output follows the CPU's order exactly.
    let pre = "random.seed(7)\nr = random.rand(300, 70)\nf = r.astype(float32)\nrealize(r, f)\n";
    let c = "print(r.sum(axis=0)[:3], r.mean(axis=0)[-2:], r.var(axis=0)[:2], r.std(axis=0, ddof=1)[:2])\n\
             print(f.sum(axis=0)[:3], f.mean(axis=0)[:2], f.var(axis=0)[:2])";
    assert_eq!(extra_launches(pre, c), 7);
}

#[test]
fn block_sums_stay_within_the_last_bits_of_the_cpu() {
    // One block per output adds in the GPU's tree order, not NumPy's pairwise one (Note
    // [GPU row reductions]): compared with the CPU in the same program.
    let src = "random.seed(11)\nr = random.rand(40, 5000) - 0.3\nf = r.astype(float32)\n\
               def close(a, b, tol):\n    return all(abs(a - b) <= tol * abs(b))\n\
               def stats(r):\n    return r.sum(axis=1), r.mean(axis=1), r.var(axis=1), r.std(axis=1, ddof=1), mean(r), var(r)\n\
               g1, g2, g3, g4, g5, g6 = stats(r)\nh1, h2, h3, h4, h5, h6 = stats(f)\n\
               with device(\"cpu\"):\n    c1, c2, c3, c4, c5, c6 = stats(r)\n    d1, d2, d3, d4, d5, d6 = stats(f)\n    \
               realize(c1, c2, c3, c4, c5, c6, d1, d2, d3, d4, d5, d6)\n\
               print(close(g1, c1, 1e-13), close(g2, c2, 1e-13), close(g3, c3, 1e-13), close(g4, c4, 1e-13), close(g5, c5, 1e-14), close(g6, c6, 1e-13))\n\
               print(close(h1, d1, 1e-5), close(h2, d2, 1e-5), close(h3, d3, 1e-5), close(h4, d4, 1e-5), close(h5, d5, 1e-5), close(h6, d6, 1e-5))\n";
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (out, g) = run_on(Device::Gpu, src);
    assert_eq!(out, "True True True True True True\nTrue True True True True True\n");
    assert!(g.launches >= 12, "{g:?}");
}

#[test]
fn arg_reductions_take_the_first_index_and_the_first_nan() {
    let pre = "x = (arange(6000) % 7).reshape(60, 100) * 1.0\nx[3, 50] = nan\nx[3, 70] = nan\nx[5, 0] = nan\n\
               i = (arange(6000) % 11 - 5).reshape(60, 100)\nrealize(x, i)\n";
    let cases = [
        ("print(argmin(x, axis=1)[:6], argmax(x, axis=1)[:6])", 2),
        // The full ones of 6000 elements are split: two launches each.
        ("print(argmin(x, axis=0)[:6], argmax(x, axis=0)[48:52], argmax(x), argmin(x))", 6),
        ("print(argmin(i, axis=1)[:4], argmax(i, axis=0)[:4], argmax(i), argmin(i, axis=1, keepdims=True)[:2])", 5),
        ("print(argmax(x[:3]), argmin(x[:3] * -1.0), argmax((i > 3).astype(int8), axis=1)[:3])", 3),
    ];
    for (c, n) in cases {
        assert_eq!(extra_launches(pre, c), n, "{c}");
    }
}

#[test]
fn nan_reductions_and_counts_run_on_the_gpu() {
    let pre = "x = (arange(6000) % 9).reshape(60, 100) * 0.5\nx[2, 3] = nan\nx[7, :] = nan\nx[:, 4] = nan\n\
               a = arange(6000).reshape(60, 100)\nrealize(x, a)\n";
    // The full ones of 6000 elements are split: two launches each, four for nanvar.
    let cases = [
        ("print(nansum(x, axis=1)[:3], nansum(x, axis=0)[3:6], nansum(x))", 4),
        ("print(nanmin(x, axis=1)[6:9], nanmax(x, axis=0)[3:6], nanmin(x), nanmax(x))", 6),
        ("print(nanmean(x, axis=1)[6:9], nanmean(x, axis=0)[3:6], nanmean(x))", 4),
        ("print(nanvar(x, axis=1)[6:9], nanstd(x, axis=0, ddof=1)[3:6], nanvar(x, ddof=1))", 6),
        ("print(count_nonzero(x, axis=1)[:3], count_nonzero(x, axis=0)[:5], count_nonzero(x))", 4),
        ("print(sum(x, axis=1)[:3], min(x, axis=0)[3:6], max(x, axis=1)[6:9])", 3),
        ("print(nanmean(a, axis=0)[:2], nanmin(a[0] - 4), nanvar(a, axis=1)[:2])", 3),
    ];
    for (c, n) in cases {
        assert_eq!(extra_launches(pre, c), n, "{c}");
    }
}

#[test]
fn nan_arg_reductions_still_run_on_the_cpu() {
    // `nanargmin`/`nanargmax` raise on an all-NaN row, which needs the result on the host.
    let pre = "x = (arange(600) % 7).reshape(6, 100) * 1.0\nx[1, 2] = nan\nrealize(x)\n";
    assert_eq!(extra_launches(pre, "print(nanargmin(x, axis=1), nanargmax(x))"), 0);
}

// In-place updates and integer power on the GPU (Note [Scatters on the GPU]).

/// [`check`], also counting the device-to-device copies of the GPU run (each scatter
/// into a fresh buffer makes one; one into its base's own device copy makes none).
fn check_dtod(src: &str) -> (Gpu, usize) {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (cpu, _) = run_on(Device::Cpu, src);
    let dev = Arc::new(FakeDevice::with_executor(hpxl_compiler::fuse::cpu_executor()));
    rt::install(dev.clone());
    let (owned, out) = (src.to_string(), Out::default());
    let cap = out.clone();
    let result = std::thread::spawn(move || {
        let mut s = Session::with_output(Box::new(cap));
        s.set_small_threshold(0);
        s.set_device(Device::Gpu);
        s.run("<test>", &owned).map(drop).map_err(|d| s.render(&d))
    })
    .join()
    .unwrap();
    if let Err(e) = result {
        panic!("GPU run failed:\n{e}\nsource:\n{src}");
    }
    assert_eq!(String::from_utf8(out.0.lock().unwrap().clone()).unwrap(), cpu, "GPU and CPU disagree on:\n{src}");
    let (_, copies, launches) = hpxl_compiler::gpu::stats().expect("the fake device is open");
    let dtod = dev.calls().iter().filter(|c| matches!(c, rt::fake::Call::Dtod { .. })).count();
    (Gpu { launches, htod: copies.htod_copies, dtoh: copies.dtoh_copies }, dtod)
}

#[test]
fn a_stencil_loop_stays_on_the_device() {
    // The 5-point stencil reads the old contents around the region it writes: each step
    // is a fresh device buffer (a device-to-device copy of the base) and one launch.
    let (g, dtod) = check_dtod(
        "random.seed(5)\nu = random.rand(40, 40)\nfor step in range(100):\n    \
         u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])\n\
         print(u[20, 15:20], u[1, 1], u[0, 3])\n",
    );
    // `u` goes up once, comes down once when printed; no step falls back to the CPU.
    assert_eq!((g, dtod), (Gpu { launches: 100, htod: 1, dtoh: 1 }, 100));
}

#[test]
fn overlapping_in_place_updates_read_the_old_contents() {
    // Shifted and reversed reads of the written array compute into a fresh device buffer.
    let g = check_dtod("a = arange(5000) * 1.0\nrealize(a)\na[1:] = a[:-1]\nprint(a[:4], a[-1])\n");
    assert_eq!(g, (Gpu { launches: 2, htod: 0, dtoh: 1 }, 1));
    let g = check_dtod("a = arange(5000) * 1.0\nrealize(a)\na[::-1] += a\nprint(a[:3], a[-3:])\n");
    assert_eq!(g, (Gpu { launches: 2, htod: 0, dtoh: 1 }, 1));
    let g = check_dtod(
        "m = (arange(3600) * 1.0).reshape(60, 60)\nrealize(m)\nm[1:-1, 1:-1] = m[:-2, 1:-1] * 0.5 + m[2:, 2:]\n\
         print(m[1, :4], m[58, -3:], m[0, 0])\n",
    );
    assert_eq!(g, (Gpu { launches: 2, htod: 0, dtoh: 1 }, 1));
    // The base is still held by another name: the update must not reach it.
    let g = check_dtod("a = arange(5000) * 1.0\nrealize(a)\nb = a\nc = a[:]\na += 1\nprint(a[:2], b[:2], c[:2])\n");
    assert_eq!(g.0.launches, 2);
}

#[test]
fn in_place_updates_write_the_device_copy() {
    // A scalar-index assignment that nothing else observes writes the base's own device
    // copy. `a += 1` and `a[10:20] = -a[10:20]` go to a fresh buffer, as on the CPU: the
    // value's graph still holds the base's node while the scatter runs.
    let g = check_dtod("a = arange(5000) * 1.0\na[7] = 3.5\nprint(a[5:12], a[-1])\n");
    assert_eq!(g, (Gpu { launches: 2, htod: 0, dtoh: 1 }, 0));
    let g = check_dtod(
        "a = arange(5000) * 1.0\nrealize(a)\na += 1\na[7] = 3.5\na[10:20] = -a[10:20]\nprint(a[5:12], a[-1])\n",
    );
    assert_eq!(g, (Gpu { launches: 4, htod: 0, dtoh: 1 }, 2));
    // A host array is uploaded once, then updated on the device.
    let g = check_dtod("random.seed(2)\nr = random.rand(3000)\nr *= 2.0\nr[0] = 9.0\nprint(r[:3])\n");
    assert_eq!(g, (Gpu { launches: 2, htod: 1, dtoh: 1 }, 1));
    // Integer dtypes, a broadcast row, and a cast into the base's dtype.
    let (g, _) = check_dtod(
        "x = (arange(600) * 3).reshape(20, 30)\nx[2:5] = arange(30) * 1.5\nx[:, 0] += 7\nprint(x[1:6, :3])\n",
    );
    assert!(g.launches >= 3, "{g:?}");
}

#[test]
fn mask_assignment_runs_on_the_cpu_and_agrees() {
    // Boolean-mask and index-array assignments are not view regions: the CPU runs them.
    check(
        "a = arange(5000) * 1.0\nrealize(a)\na[a > 2500] = 0\na[[1, 3, 5]] = 7\nprint(a[:6], a[2499:2503], sum(a))\n",
    );
}

#[test]
fn integer_powers_run_on_the_gpu() {
    let g = check(
        "i = arange(5000) - 2500\nprint((i ** 3)[:3], (i ** 7)[-3:], (i ** 0)[:2])\n\
         e = arange(5000) % 13\nprint((i ** e)[:6], (i ** e)[-4:])\n\
         b = (arange(5000) % 200).astype(int8)\nprint((b ** 5)[120:126], (b.astype(uint16) ** 9)[-3:])\n",
    );
    assert_eq!(g.htod, 0, "{g:?}");
    assert!(g.launches >= 7, "{g:?}");
    // The power fuses with its consumer: a CPU fallback would copy `x` down and `x ** 3`
    // up again.
    let g = check("x = arange(5000) - 2500\nrealize(x)\nz = x ** 3 + 1\nprint(z[:3], z[-1])\n");
    assert_eq!(g, Gpu { launches: 2, htod: 0, dtoh: 1 });
}

#[test]
fn negative_integer_powers_raise_as_on_the_cpu() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let src = "i = arange(5000) - 2500\ne = arange(5000) % 7 - 3\nprint((i ** e)[:3])\n";
    let run = |device: Device| {
        rt::install(Arc::new(FakeDevice::with_executor(hpxl_compiler::fuse::cpu_executor())));
        std::thread::spawn(move || {
            let mut s = Session::with_output(Box::new(Out::default()));
            s.set_small_threshold(0);
            s.set_device(device);
            s.run("<test>", src).map(drop).map_err(|d| s.render(&d))
        })
        .join()
        .unwrap()
    };
    let (cpu, gpu) = (run(Device::Cpu), run(Device::Gpu));
    assert!(cpu.as_ref().is_err_and(|e| e.contains("negative integer powers")), "{cpu:?}");
    assert_eq!(gpu, cpu);
}

// Split row reductions (Note [Split GPU row reductions]): 100_003 elements are 25 chunks
// (the last one 1699 long), and 4 rows of 25_000 are 7 chunks each (the last 424 long).

const SPLIT_DATA: &str = "random.seed(5)\nr = random.rand(100003) - 0.3\nf = r.astype(float32)\n\
     n = r * 1.0\nn[50000] = nan\nn[99999] = nan\nn[70001] = nan\n\
     j = (arange(100003) * 7919 + 500) % 1009\nq = r[:100000].reshape(4, 25000)\n\
     fq = f[:100000].reshape(4, 25000)\nnq = n[:100000].reshape(4, 25000)\nrealize(r, f, n, j, q, fq, nq)\n";

#[test]
fn split_selections_and_counts_print_what_the_cpu_prints() {
    // Every full one is pass 1 and pass 2: two launches, whatever the op.
    let cases = [
        ("print(argmin(r), argmax(r), argmin(f), argmax(f), argmin(j), argmax(j))", 12),
        ("print(argmin(n), argmax(n), argmin(n[:50000]), argmax(-n[:60000]))", 8),
        ("print(count_nonzero(r > 0.2), count_nonzero(isnan(n)), count_nonzero(j > 1000))", 6),
        ("print(nanmin(n), nanmax(n), nanmin(f), nanmax(-n))", 8),
        ("print(mean(j), nanmean(j), sum(j % 7, axis=0))", 6),
        ("print(argmin(q, axis=1), argmax(fq, axis=1), argmax(nq, axis=1), argmin(nq, axis=-1))", 8),
        ("print(count_nonzero(q > 0, axis=1), nanmax(nq, axis=1), nanmin(nq, axis=1), q.max(axis=1))", 8),
        ("print((j[:100000].reshape(4, 25000) % 13).sum(axis=1), (q > 0.9).any(axis=1), (q > -0.5).all(axis=1))", 6),
    ];
    for (c, n) in cases {
        assert_eq!(extra_launches(SPLIT_DATA, c), n, "{c}");
    }
}

#[test]
fn split_statistics_stay_within_the_last_bits_of_the_cpu() {
    let stats = "def stats(r, f, n, q, fq):\n    \
                 return (mean(r), var(r), std(r, ddof=1), mean(f), var(f), nanmean(n), nanvar(n), \
                 nanstd(n, ddof=1), nansum(n), q.mean(axis=1), q.var(axis=1), q.std(axis=1, ddof=1), \
                 q.sum(axis=1), fq.var(axis=1), nansum(fq, axis=1))\n";
    // Mean, sums: two launches; var/std: four (mean, then the squared deviations).
    let line = "g = stats(r, f, n, q, fq)\nrealize(*g)";
    assert_eq!(extra_launches(&format!("{SPLIT_DATA}{stats}"), line), 7 * 2 + 8 * 4);
    let tol = [1e-13, 1e-13, 1e-13, 1e-5, 1e-5, 1e-13, 1e-13, 1e-13, 1e-13, 1e-13, 1e-13, 1e-13, 1e-13, 1e-5, 1e-5];
    let checks: Vec<String> = tol.iter().enumerate().map(|(i, t)| format!("close(g[{i}], c[{i}], {t})")).collect();
    let src = format!(
        "{SPLIT_DATA}{stats}def close(a, b, tol):\n    return all(abs(a - b) <= tol * abs(b))\n\
         g = stats(r, f, n, q, fq)\nrealize(*g)\nwith device(\"cpu\"):\n    c = stats(r, f, n, q, fq)\n    realize(*c)\n\
         print({})\n",
        checks.join(", ")
    );
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let (out, _) = run_on(Device::Gpu, &src);
    assert_eq!(out, format!("{}\n", vec!["True"; tol.len()].join(" ")), "{src}");
}
