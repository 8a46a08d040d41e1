//! The tiered backend (Note [Tiered compilation] in `compiler/src/fuse/tier.rs`): hot
//! kernels move from Cranelift's code to LLVM's, kernels LLVM already cached on disk
//! start on LLVM's code, and the output is the interp's to the bit whenever the switch
//! happens. One test: the telemetry counters and the tier-up threshold are process-wide.
#![cfg(feature = "llvm")]

use hpxl::Backend;
use hpxl_compiler::fuse;

/// Transcendentals (inline in LLVM, `vmath` in Cranelift), a reduction, a scatter and an
/// integer kernel, each run many times over arrays above the small-array threshold.
const HOT: &str = "\
x = linspace(-12.0, 12.0, 5000)
acc = zeros(5000)
s = 0.0
for k in range(12):
    y = sin(x + k) ** 2 + cos(x * 0.5) * exp(-abs(x) * 0.1) + tanh(x)
    acc[1:-1] += 0.25 * (y[:-2] - 2.0 * y[1:-1] + y[2:])
    s = s + float(sum(y * y))
n = arange(5000) * 7 % 13
print(s)
print(acc[::500])
print(sum(n), n[:10])
print(sin(x[::400] * 1e7))
";

fn run(backend: Backend, source: &str) -> String {
    let out = hpxl::run_capture_with("tiered.hx", source, backend, 0);
    assert!(out.error.is_none(), "{backend:?}: {}", out.rendered);
    out.stdout
}

#[test]
fn hot_kernels_tier_up_without_changing_results() {
    let dir = std::env::temp_dir().join(format!("hpxl-tiered-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::env::set_var("HPXL_CACHE_DIR", &dir);
    let expected = run(Backend::Interp, HOT);

    // Part 1: every kernel is queued for LLVM at its first launch; launches meanwhile run
    // Cranelift's code, later ones LLVM's. Either way the bits are the interp's.
    fuse::set_tier_threshold(0);
    let before = hpxl::telemetry::snapshot();
    assert_eq!(run(Backend::Tiered, HOT), expected, "tiered, while LLVM compiles");
    fuse::wait_for_tier_ups();
    let t = hpxl::telemetry::snapshot().since(&before);
    assert!(t.tier_requests >= 3, "every compiled kernel was queued: {t:?}");
    assert_eq!(run(Backend::Tiered, HOT), expected, "tiered, on LLVM's code");
    let t = hpxl::telemetry::snapshot().since(&before);
    assert!(t.kernels_tiered >= 3, "the second run took LLVM's code: {t:?}");
    assert_eq!(run(Backend::Cranelift, HOT), expected, "cranelift");

    // Part 2: below the threshold nothing is queued, so a cold program pays Cranelift's
    // compile times only.
    fuse::set_tier_threshold(u64::MAX - 1);
    let cold = "x = linspace(0.0, 1.0, 4000)\nprint(float(sum(cos(x) * 3.0 + x)))\n";
    let before = hpxl::telemetry::snapshot();
    let got = run(Backend::Tiered, cold);
    let t = hpxl::telemetry::snapshot().since(&before);
    assert_eq!(got, run(Backend::Interp, cold));
    assert_eq!((t.tier_requests, t.kernels_tiered), (0, 0), "{t:?}");

    // Part 3: a kernel whose LLVM object is already in the disk cache starts on LLVM's
    // code, without a request and without waiting for the threshold.
    let cached = "x = linspace(-3.0, 3.0, 4000)\nprint(float(sum(exp(x) - sin(x) * 2.0)))\n";
    let want = run(Backend::Interp, cached);
    assert_eq!(run(Backend::Llvm, cached), want, "llvm writes the object");
    let before = hpxl::telemetry::snapshot();
    assert_eq!(run(Backend::Tiered, cached), want);
    let t = hpxl::telemetry::snapshot().since(&before);
    assert_eq!(t.tier_requests, 0, "{t:?}");
    assert!(t.kernels_tiered >= 1, "loaded from the disk cache: {t:?}");

    std::env::set_var("HPXL_CACHE_DIR", "off");
    let _ = std::fs::remove_dir_all(&dir);
}
