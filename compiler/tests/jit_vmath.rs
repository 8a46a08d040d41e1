//! The Cranelift backend's calls into `vmath` (the default for float transcendentals):
//! every unary and binary op `vmath` covers, run through a compiled kernel (with tails
//! and a tile boundary) and compared with the interp backend within 4 ULP (float64) /
//! 2 ULP (float32), NaN and infinities exact. Kept apart from `jit.rs`, whose checks are
//! bitwise, so that a fault in `vmath` does not hide the backend's own results.

use hpxl_compiler::interp;
use hpxl_compiler::jit;
use hpxl_compiler::kir::{binary_result, unary_result, Input, Inst, InstKind, Kernel, Output, Stride};
use hpxl_compiler::ops::{BinaryOp, UnaryOp};
use hpxl_compiler::vmath;
use hpxl_runtime::{cast_data, DType, Data, NdArray};

fn samples(n: usize) -> Vec<f64> {
    let special = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        10.0,
        -10.0,
        100.0,
        1e-300,
        5e-324,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.999,
        1e10,
        -1e10,
        3.14159,
        700.0,
    ];
    let mut s = 0x1234_5678_u64;
    (0..n)
        .map(|i| {
            if i < special.len() {
                special[i]
            } else {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let u = (s >> 11) as f64 / (1u64 << 53) as f64;
                (u - 0.5) * [2.0, 20.0, 200.0][i % 3]
            }
        })
        .collect()
}

fn close(a: f64, b: f64, dt: DType) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    if dt == DType::Float32 {
        let o =
            |x: f32| if x.to_bits() as i32 >= 0 { x.to_bits() as i64 } else { -((x.to_bits() & 0x7fff_ffff) as i64) };
        o(a as f32).abs_diff(o(b as f32)) <= 2
    } else {
        let o =
            |x: f64| if x.to_bits() as i64 >= 0 { x.to_bits() as i128 } else { -((x.to_bits() & !(1 << 63)) as i128) };
        o(a).abs_diff(o(b)) <= 4
    }
}

/// Runs a 1-d kernel over contiguous float inputs and returns its one output as f64.
fn run(k: &Kernel, inputs: &[Data], n: usize) -> Vec<f64> {
    let c = jit::compile(k).expect("compiles");
    let dt = k.outputs[0].dtype;
    let mut out = Data::zeros(dt, n);
    let mut args = vec![n as i64];
    for d in inputs {
        args.extend([d.as_ptr() as i64, 0, 1]);
    }
    args.extend([out.as_mut_ptr() as i64, 0, 1]);
    // SAFETY: the words describe live buffers of n elements.
    unsafe { (c.entry)(args.as_ptr(), 0, n as i64) };
    (0..n).map(|i| out.get(i).as_f64()).collect()
}

fn kernel(inputs: usize, dt: DType, body: Vec<Inst>) -> Kernel {
    let value = (body.len() - 1) as u32;
    let out_dt = body[value as usize].dtype;
    Kernel {
        ndim: 1,
        inputs: vec![Input { dtype: dt, inner: Stride::Unit }; inputs],
        params: vec![],
        indices: 0,
        body,
        outputs: vec![Output { value, dtype: out_dt, inner: Stride::Unit }],
    }
}

#[test]
fn vmath_unary_ops_within_ulp() {
    let n = 300;
    for dt in [DType::Float64, DType::Float32] {
        let x = cast_data(&Data::Float64(samples(n)), dt);
        for op in UnaryOp::ALL {
            if vmath::unary_slice(op, dt).is_none() {
                continue;
            }
            let body = vec![
                Inst { kind: InstKind::Load { input: 0 }, dtype: dt },
                Inst { kind: InstKind::Unary { op, x: 0 }, dtype: unary_result(op, dt) },
            ];
            let got = run(&kernel(1, dt, body), &[x.clone()], n);
            let want = interp::unary(op, &NdArray::from_data(x.clone(), vec![n]), dt, dt).unwrap();
            for (i, g) in got.iter().enumerate() {
                let w = want.get_flat(i).as_f64();
                assert!(close(*g, w, dt), "{} {dt} at {}: {g:e} vs interp {w:e}", op.name(), x.get(i).as_f64());
            }
        }
    }
}

#[test]
fn vmath_binary_ops_within_ulp() {
    let n = 400;
    for dt in [DType::Float64, DType::Float32] {
        let a = cast_data(&Data::Float64(samples(n)), dt);
        let mut b_vals = samples(n);
        b_vals.rotate_left(7);
        let b = cast_data(&Data::Float64(b_vals), dt);
        for op in BinaryOp::ALL {
            if vmath::binary_slice(op, dt).is_none() {
                continue;
            }
            let body = vec![
                Inst { kind: InstKind::Load { input: 0 }, dtype: dt },
                Inst { kind: InstKind::Load { input: 1 }, dtype: dt },
                Inst { kind: InstKind::Binary { op, a: 0, b: 1 }, dtype: binary_result(op, dt) },
            ];
            let got = run(&kernel(2, dt, body), &[a.clone(), b.clone()], n);
            let (an, bn) = (NdArray::from_data(a.clone(), vec![n]), NdArray::from_data(b.clone(), vec![n]));
            let want = interp::binary(op, &an, &bn, dt, dt).unwrap();
            for (i, g) in got.iter().enumerate() {
                let w = want.get_flat(i).as_f64();
                let (x, y) = (a.get(i).as_f64(), b.get(i).as_f64());
                assert!(close(*g, w, dt), "{} {dt} at ({x:e}, {y:e}): {g:e} vs interp {w:e}", op.name());
            }
        }
    }
}
