//! The cost of calling a compiled function from Rust on small arrays (issue 5's target:
//! at most 2 µs per call over the kernel's own time, on 100-element arrays).
//!
//! `cargo bench --bench embed_call` (release build) prints, per function:
//! - `call`: one `Session::call` with three 100-element float64 arrays, replaying the
//!   recorded trace (Note [Replaying traces] in `src/function.rs`), the arguments'
//!   buffers moved in (`HostArray::new`) and the result read back (`to_vec`);
//! - `kernel`: the same arithmetic as a plain Rust loop over the same data, the lower
//!   bound for any backend's kernel;
//! - `overhead`: the difference;
//! - `script loop`: the same call from an hpxl `for` loop, for comparison (traced every
//!   iteration).
//! Set `HPXL_EMBED_ITERS` to change the iteration count (default 200,000).

use hpxl::{HostArray, HostValue, Session};
use std::hint::black_box;
use std::time::Instant;

const N: usize = 100;

fn main() {
    let iters: usize = std::env::var("HPXL_EMBED_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let mut session = Session::builder().output(Box::new(std::io::sink())).build().expect("session");
    let a: Vec<f64> = (0..N).map(|i| i as f64 * 0.5).collect();
    let b: Vec<f64> = (0..N).map(|i| 1.0 + i as f64).collect();
    let c: Vec<f64> = (0..N).map(|i| (i % 7) as f64).collect();
    type Kernel = fn(&[f64], &[f64], &[f64]) -> Vec<f64>;
    let cases: [(&str, &str, Kernel); 2] = [
        ("axpy", "def f(a, b, c):\n    return a * b + c", |a, b, c| {
            a.iter().zip(b).zip(c).map(|((x, y), z)| x * y + z).collect()
        }),
        ("poly", "def f(a, b, c):\n    return (a * a - 2.0 * b) * c + sqrt(b)", |a, b, c| {
            a.iter().zip(b).zip(c).map(|((x, y), z)| (x * x - 2.0 * y) * z + y.sqrt()).collect()
        }),
    ];
    println!("{:<6} {:>12} {:>12} {:>12} {:>14}", "case", "call", "kernel", "overhead", "script loop");
    for (name, src, kernel) in cases {
        let f = session.compile(src).expect("compile");
        let args = || -> Vec<HostValue> {
            vec![
                HostArray::new(a.clone(), &[N]).unwrap().into(),
                HostArray::new(b.clone(), &[N]).unwrap().into(),
                HostArray::new(c.clone(), &[N]).unwrap().into(),
            ]
        };
        // Warm up: the first call traces, later ones replay.
        let expected = kernel(&a, &b, &c);
        for _ in 0..100 {
            let out = session.call(&f, &args()).expect("call");
            assert_eq!(out.as_array().unwrap().to_vec::<f64>(), expected);
        }
        let start = Instant::now();
        for _ in 0..iters {
            let out = session.call(&f, &args()).expect("call");
            black_box(out.as_array().unwrap().to_vec::<f64>());
        }
        let call_ns = start.elapsed().as_nanos() as f64 / iters as f64;
        // The kernel's own time, with the same argument copies the call makes.
        let start = Instant::now();
        for _ in 0..iters {
            let (x, y, z) = (black_box(a.clone()), black_box(b.clone()), black_box(c.clone()));
            black_box(kernel(&x, &y, &z));
        }
        let kernel_ns = start.elapsed().as_nanos() as f64 / iters as f64;
        session.set("a", a.clone()).unwrap();
        session.set("b", b.clone()).unwrap();
        session.set("c", c.clone()).unwrap();
        let loop_iters = (iters / 10).max(1);
        let start = Instant::now();
        session.exec(&format!("for i in range({loop_iters}):\n    realize(f(a, b, c))")).expect("loop");
        let loop_ns = start.elapsed().as_nanos() as f64 / loop_iters as f64;
        println!(
            "{name:<6} {:>9.0} ns {:>9.0} ns {:>9.0} ns {:>11.0} ns",
            call_ns,
            kernel_ns,
            call_ns - kernel_ns,
            loop_ns
        );
    }
}
