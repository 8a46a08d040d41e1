//! Throughput of the vectorised math library against a plain loop over Rust's std (libm),
//! on 10M elements, one thread, as the JIT calls it: in tiles of `TILE` elements (so the
//! numbers measure computation, not memory bandwidth; a `copy` line shows what streaming
//! 10M elements through memory alone costs). Run by hand:
//! `cargo run --release -p hpxl-compiler --example vmath_speed`.

use hpxl_compiler::ops::{BinaryOp, UnaryOp};
use hpxl_compiler::vmath::{self, Isa};
use hpxl_runtime::DType;
use std::time::Instant;

const N: usize = 10_000_000;
/// Elements per call, as in a fused kernel's tile; the same tile is reused.
const TILE: usize = 1024;

/// Best of three runs, in milliseconds.
fn best_ms(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

fn report(label: &str, std_ms: f64, isa_ms: &[(Isa, f64)]) {
    let mut line = format!("{label:<14} std {std_ms:8.2} ms");
    for (isa, ms) in isa_ms {
        line += &format!("  | {isa:?} {ms:7.2} ms ({:5.1}x)", std_ms / ms);
    }
    println!("{line}");
}

macro_rules! bench_unary {
    ($t:ty, $dtype:expr, $op:expr, $std:expr, $input:expr) => {{
        let x: Vec<$t> = (0..TILE).map($input).collect();
        let mut out = vec![0 as $t; TILE];
        let std_ms = best_ms(|| {
            for _ in 0..N / TILE {
                for (o, &v) in out.iter_mut().zip(&x) {
                    *o = $std(std::hint::black_box(v));
                }
                std::hint::black_box(&mut out);
            }
        });
        let mut isa_ms = Vec::new();
        for isa in vmath::available_isas() {
            let f = vmath::unary_slice_for($op, $dtype, isa).expect("covered");
            isa_ms.push((
                isa,
                best_ms(|| {
                    for _ in 0..N / TILE {
                        // SAFETY: both buffers hold TILE elements of the dtype.
                        unsafe { f(x.as_ptr() as *const u8, out.as_mut_ptr() as *mut u8, TILE) };
                        std::hint::black_box(&mut out);
                    }
                }),
            ));
        }
        report(&format!("{} {}", $op.name(), stringify!($t)), std_ms, &isa_ms);
    }};
}

macro_rules! bench_binary {
    ($t:ty, $dtype:expr, $op:expr, $std:expr, $a:expr, $b:expr) => {{
        let a: Vec<$t> = (0..TILE).map($a).collect();
        let b: Vec<$t> = (0..TILE).map($b).collect();
        let mut out = vec![0 as $t; TILE];
        let std_ms = best_ms(|| {
            for _ in 0..N / TILE {
                for ((o, &u), &v) in out.iter_mut().zip(&a).zip(&b) {
                    *o = $std(std::hint::black_box(u), v);
                }
                std::hint::black_box(&mut out);
            }
        });
        let mut isa_ms = Vec::new();
        for isa in vmath::available_isas() {
            let f = vmath::binary_slice_for($op, $dtype, isa).expect("covered");
            isa_ms.push((
                isa,
                best_ms(|| {
                    for _ in 0..N / TILE {
                        // SAFETY: all buffers hold TILE elements of the dtype.
                        unsafe {
                            f(a.as_ptr() as *const u8, b.as_ptr() as *const u8, out.as_mut_ptr() as *mut u8, TILE)
                        };
                        std::hint::black_box(&mut out);
                    }
                }),
            ));
        }
        report(&format!("{} {}", $op.name(), stringify!($t)), std_ms, &isa_ms);
    }};
}

fn main() {
    // Inputs: a spread of values in the usual ranges, without a random-number dependency.
    let unit = |i: usize| (i as f64 * 0.618_033_988_749_895) % 1.0;
    let sym = move |i: usize| unit(i) * 20.0 - 10.0;
    let pos = move |i: usize| unit(i) * 100.0 + 1e-3;
    println!("{N} elements in tiles of {TILE}, one thread; variants: {:?}", vmath::available_isas());
    let big: Vec<f64> = (0..N).map(unit).collect();
    let mut big_out = vec![0.0; N];
    let copy_ms = best_ms(|| {
        big_out.copy_from_slice(std::hint::black_box(&big));
        std::hint::black_box(&mut big_out);
    });
    println!("copy f64       {copy_ms:8.2} ms (streaming 10M float64 through memory, no computation)");
    bench_unary!(f64, DType::Float64, UnaryOp::Exp, f64::exp, sym);
    bench_unary!(f64, DType::Float64, UnaryOp::Log, f64::ln, pos);
    bench_unary!(f64, DType::Float64, UnaryOp::Sin, f64::sin, sym);
    bench_unary!(f64, DType::Float64, UnaryOp::Cos, f64::cos, sym);
    bench_unary!(f64, DType::Float64, UnaryOp::Tanh, f64::tanh, sym);
    bench_binary!(f64, DType::Float64, BinaryOp::Pow, f64::powf, pos, sym);
    bench_unary!(f32, DType::Float32, UnaryOp::Exp, f32::exp, |i| sym(i) as f32);
    bench_unary!(f32, DType::Float32, UnaryOp::Log, f32::ln, |i| pos(i) as f32);
    bench_unary!(f32, DType::Float32, UnaryOp::Sin, f32::sin, |i| sym(i) as f32);
    bench_unary!(f32, DType::Float32, UnaryOp::Cos, f32::cos, |i| sym(i) as f32);
    bench_unary!(f32, DType::Float32, UnaryOp::Tanh, f32::tanh, |i| sym(i) as f32);
    bench_binary!(f32, DType::Float32, BinaryOp::Pow, f32::powf, |i| pos(i) as f32, |i| sym(i) as f32);
}
