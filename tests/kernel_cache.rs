//! The kernel cache: a statement run many times compiles once, and a lazily growing
//! graph in a loop neither grows memory nor compile work without bound. One test per
//! binary: the telemetry counters are process-wide.

use hpxl::{Backend, Session};

#[test]
fn repeated_statements_compile_once_and_growing_graphs_stay_bounded() {
    // Part 1: 10,000 runs of one statement on new data of new sizes.
    let before = hpxl::telemetry::snapshot();
    let program = "\
total = 0.0
for k in range(10000):
    a = arange(k % 7 + 3) * 0.5
    r = a * a + 1.0
    total = total + float(r[0]) + float(r[-1])
print(total)
";
    let out = hpxl::run_capture_with("loop.hx", program, Backend::Cranelift, 0);
    assert!(out.error.is_none(), "{}", out.rendered);
    let t = hpxl::telemetry::snapshot().since(&before);
    assert!(t.kernel_launches >= 10_000, "every iteration launches a kernel: {t:?}");
    // `r[0]` and `r[-1]` are views of a realised array; the statement's kernel (and at
    // most a handful of others) compile once, whatever the size.
    assert!(t.kernels_compiled <= 4, "compiled {} kernels for one repeated statement: {t:?}", t.kernels_compiled);
    assert!(t.cache_hits >= 9_990, "{t:?}");
    let expected: f64 = (0..10000)
        .map(|k| {
            let n = k % 7 + 3;
            let last = (n - 1) as f64 * 0.5;
            1.0 + (last * last + 1.0)
        })
        .sum();
    assert_eq!(out.stdout.trim().parse::<f64>().unwrap(), expected);

    // Part 2: `x = x * 0.999 + 0.001` 3,000 times: the pending chain is realised in
    // bounded pieces of one structure, so it compiles a bounded number of kernels.
    let before = hpxl::telemetry::snapshot();
    let mut s = Session::with_output(Box::new(std::io::sink()));
    s.set_backend(Backend::Cranelift);
    s.set_small_threshold(0);
    s.run("grow.hx", "x = ones(100000)\nfor i in range(3000):\n    x = x * 0.999 + 0.001\ny = float(x[0])\n")
        .expect("runs");
    let t = hpxl::telemetry::snapshot().since(&before);
    assert!(t.kernels_compiled <= 6, "a growing graph compiled {} kernels: {t:?}", t.kernels_compiled);
    let y = match s.run("v.hx", "y").expect("runs") {
        Some(hpxl::Value::Float(v)) => v,
        other => panic!("unexpected {other:?}"),
    };
    let mut x = 1.0f64;
    for _ in 0..3000 {
        x = x * 0.999 + 0.001;
    }
    assert_eq!(y, x, "fused chains compute exactly what the step-by-step loop computes");
}
