//! The LLVM CPU backend beyond differential correctness (which `jit.rs` checks under
//! the same feature): the disk cache (Note [LLVM disk cache]), vectorisation of the
//! inline transcendentals (Note [Inline transcendentals]), and their bitwise agreement
//! with Cranelift's `vmath` calls over many arguments — also for the PTX backend's
//! operation set compiled for the CPU (`llvm::compile_gpu_ops`), the GPU's code tested
//! without a GPU.
#![cfg(feature = "llvm")]

use hpxl_compiler::kir::{binary_result, unary_result, Input, Inst, InstKind, Kernel, Output, Stride};
use hpxl_compiler::llvm;
use hpxl_compiler::ops::{BinaryOp, UnaryOp};
use hpxl_runtime::DType;

/// `sin(x)**2 + cos(x)**2 + c` over float64, `c` a parameter (so tests can make
/// kernels that differ in structure by the parameter count).
fn sincos_kernel(extra_params: usize) -> Kernel {
    let f = DType::Float64;
    let mut body = vec![
        Inst { kind: InstKind::Load { input: 0 }, dtype: f },
        Inst { kind: InstKind::Unary { op: UnaryOp::Sin, x: 0 }, dtype: f },
        Inst { kind: InstKind::Unary { op: UnaryOp::Square, x: 1 }, dtype: f },
        Inst { kind: InstKind::Unary { op: UnaryOp::Cos, x: 0 }, dtype: f },
        Inst { kind: InstKind::Unary { op: UnaryOp::Square, x: 3 }, dtype: f },
        Inst { kind: InstKind::Binary { op: BinaryOp::Add, a: 2, b: 4 }, dtype: f },
    ];
    let mut last = 5;
    for p in 0..extra_params {
        body.push(Inst { kind: InstKind::Param { param: p as u32 }, dtype: f });
        body.push(Inst { kind: InstKind::Binary { op: BinaryOp::Add, a: last, b: last + 1 }, dtype: f });
        last += 2;
    }
    Kernel {
        ndim: 1,
        inputs: vec![Input { dtype: f, inner: Stride::Unit }],
        params: vec![f; extra_params],
        indices: 0,
        body,
        outputs: vec![Output { value: last, dtype: f, inner: Stride::Unit }],
    }
}

/// The disk-cache test points `HPXL_CACHE_DIR` at its own directory and counts the files
/// there, so the tests that compile take turns.
static CACHE_ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn cache_env() -> std::sync::MutexGuard<'static, ()> {
    CACHE_ENV.lock().unwrap_or_else(|e| e.into_inner())
}

fn run(c: &hpxl_compiler::jit::Compiled, x: &[f64], params: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    let mut args = vec![x.len() as i64, x.as_ptr() as i64, 0, 1, out.as_mut_ptr() as i64, 0, 1];
    args.extend(params.iter().map(|p| p.to_bits() as i64));
    // SAFETY: the words describe `x` and `out`, both of `x.len()` elements.
    unsafe { (c.entry)(args.as_ptr(), 0, x.len() as i64) };
    out
}

#[test]
fn disk_cache_round_trip() {
    let _turn = cache_env();
    let dir = std::env::temp_dir().join(format!("hpxl-llvm-cache-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::env::set_var("HPXL_CACHE_DIR", &dir);
    let k = sincos_kernel(3);
    let fresh = llvm::compile(&k).unwrap();
    assert!(!fresh.clif.contains("disk cache"), "first compile must be a miss");
    let files: Vec<_> = std::fs::read_dir(dir.join("llvm")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "one object, no temporary left behind: {files:?}");
    let bytes = std::fs::read(&files[0]).unwrap();
    let text = hpxl_compiler::kir::kernel_text(&k);
    assert!(bytes.starts_with(b"HPXLOBJ1"), "header");
    assert!(bytes.windows(text.len()).any(|w| w == text.as_bytes()), "the header holds the kernel text");

    let hit = llvm::compile(&k).unwrap();
    assert!(hit.clif.contains("disk cache"), "second compile loads the object: {}", hit.clif);
    let x: Vec<f64> = (0..1000).map(|i| i as f64 * 0.37 - 100.0).chain([1e7, -3e9, f64::NAN]).collect();
    let (a, b) = (run(&fresh, &x, &[1.0, 2.0, 3.0]), run(&hit, &x, &[1.0, 2.0, 3.0]));
    assert_eq!(a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), b.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    for (i, (&xi, &v)) in x.iter().zip(&a).enumerate() {
        let want = xi.sin().powi(2) + xi.cos().powi(2) + 6.0;
        assert!((v - want).abs() <= 4.0 * f64::EPSILON * 8.0 || (v.is_nan() && want.is_nan()), "{i}: {xi} -> {v}");
    }

    // A corrupted object (wrong header) is a miss: compiled again and rewritten.
    std::fs::write(&files[0], b"garbage").unwrap();
    let again = llvm::compile(&k).unwrap();
    assert!(!again.clif.contains("disk cache"), "a corrupted object is not loaded");
    assert!(std::fs::read(&files[0]).unwrap().starts_with(b"HPXLOBJ1"), "and is rewritten");
    std::env::set_var("HPXL_CACHE_DIR", "off");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn inline_transcendentals_vectorise() {
    let _turn = cache_env();
    let k = sincos_kernel(0);
    let ir = llvm::ir_text(&k).unwrap();
    assert!(ir.contains("x double>"), "the sin/cos loop is vectorised:\n{ir}");
    assert!(!ir.contains("@hpxl.vmath.sin"), "sin is inline, not a vmath call");
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        let asm = llvm::asm_text(&k).unwrap();
        assert!(asm.contains("zmm"), "AVX-512 hosts get 512-bit vectors");
    }
}

/// `out = op(x)` over one contiguous input of `dt`.
fn unary_kernel(op: UnaryOp, dt: DType) -> Kernel {
    let out = unary_result(op, dt);
    Kernel {
        ndim: 1,
        inputs: vec![Input { dtype: dt, inner: Stride::Unit }],
        params: vec![],
        indices: 0,
        body: vec![
            Inst { kind: InstKind::Load { input: 0 }, dtype: dt },
            Inst { kind: InstKind::Unary { op, x: 0 }, dtype: out },
        ],
        outputs: vec![Output { value: 1, dtype: out, inner: Stride::Unit }],
    }
}

/// `out = op(a, b)` over two contiguous inputs of `dt`.
fn binary_kernel(op: BinaryOp, dt: DType) -> Kernel {
    let out = binary_result(op, dt);
    Kernel {
        ndim: 1,
        inputs: vec![Input { dtype: dt, inner: Stride::Unit }, Input { dtype: dt, inner: Stride::Unit }],
        params: vec![],
        indices: 0,
        body: vec![
            Inst { kind: InstKind::Load { input: 0 }, dtype: dt },
            Inst { kind: InstKind::Load { input: 1 }, dtype: dt },
            Inst { kind: InstKind::Binary { op, a: 0, b: 1 }, dtype: out },
        ],
        outputs: vec![Output { value: 2, dtype: out, inner: Stride::Unit }],
    }
}

/// Runs a one-output kernel over `n` elements of contiguous inputs given as raw bytes.
fn run_raw(c: &hpxl_compiler::jit::Compiled, inputs: &[&[u8]], n: usize, out_size: usize) -> Vec<u8> {
    let mut out = vec![0u8; n * out_size];
    let mut args = vec![n as i64];
    for x in inputs {
        args.extend([x.as_ptr() as i64, 0, 1]);
    }
    args.extend([out.as_mut_ptr() as i64, 0, 1]);
    // SAFETY: every input holds `n` elements of its dtype and `out` `n` of the output's.
    unsafe { (c.entry)(args.as_ptr(), 0, n as i64) };
    out
}

/// The bits of element `i` of raw data of `size`-byte elements.
fn element(data: &[u8], size: usize, i: usize) -> u64 {
    let mut w = [0u8; 8];
    w[..size].copy_from_slice(&data[i * size..(i + 1) * size]);
    u64::from_le_bytes(w)
}

fn is_nan_bits(bits: u64, dt: DType) -> bool {
    match dt {
        DType::Float64 => f64::from_bits(bits).is_nan(),
        DType::Float32 => f32::from_bits(bits as u32).is_nan(),
        _ => false,
    }
}

/// xorshift64*, for reproducible arguments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Float64 arguments for every branch of the kernels: specials, subnormals, huge values,
/// the kernels' own thresholds, a sweep over every third binary exponent with both signs,
/// and uniform values in a few ranges.
fn float_args() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e-310,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        1.0 + f64::EPSILON,
        1.0 - f64::EPSILON / 2.0,
        709.782712893384,
        710.0,
        -745.1332191019412,
        -746.0,
        1024.0,
        1025.0,
        -1075.0,
        -1080.0,
        20.0,
        22.0,
        40.0,
        -50.0,
        1.6e6,
        1.6e6 + 1.0,
        -1.6e6,
        268435456.0,
        268435457.0,
        std::f64::consts::FRAC_PI_2,
        std::f64::consts::FRAC_PI_4,
        std::f64::consts::PI,
        0.41421356237309503,
        2.414213562373095,
        89.0,
        -104.0,
        10.0,
        f32::MAX as f64,
        f32::MIN_POSITIVE as f64,
        1e-45,
    ];
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for e in (-1074..=1023).step_by(3) {
        for sign in [1.0, -1.0] {
            v.push(sign * (1.0 + rng.unit()) * 2f64.powi(e));
        }
    }
    for (scale, n) in [(1.0, 3000), (4.0, 3000), (30.0, 3000), (800.0, 2000), (1e6, 1000)] {
        for _ in 0..n {
            v.push((rng.unit() * 2.0 - 1.0) * scale);
        }
    }
    for k in -40..=40 {
        v.push(k as f64 * std::f64::consts::FRAC_PI_4);
    }
    v
}

fn float_bytes(v: &[f64], dt: DType) -> Vec<u8> {
    match dt {
        DType::Float64 => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        _ => v.iter().flat_map(|&x| (x as f32).to_le_bytes()).collect(),
    }
}

/// Every transcendental `vmath` covers, float32 and float64: the LLVM backend's inline
/// code gives exactly Cranelift's bits (`vmath`'s FMA variants on this host, or both its
/// baseline), and so does the GPU's code (`compile_gpu_ops`) except for the arguments the
/// GPU leaves to its fast path (sin, cos, tan beyond 1.6e6) and NaN payloads (a GPU's
/// NaN is canonical).
#[test]
fn inline_math_matches_cranelift_bitwise() {
    let _turn = cache_env();
    std::env::set_var("HPXL_CACHE_DIR", "off");
    let x = float_args();
    let mut checked = 0;
    for op in UnaryOp::ALL {
        for dt in [DType::Float64, DType::Float32] {
            if hpxl_compiler::vmath::unary_slice(op, dt).is_none() {
                continue;
            }
            let k = unary_kernel(op, dt);
            let size = dt.itemsize();
            let xb = float_bytes(&x, dt);
            let cl = hpxl_compiler::jit::compile(&k).unwrap();
            let want = run_raw(&cl, &[&xb], x.len(), size);
            let ll = llvm::compile(&k).unwrap();
            let got = run_raw(&ll, &[&xb], x.len(), size);
            let gpu = llvm::compile_gpu_ops(&k).unwrap();
            // (The CPU build of the GPU's code keeps the exact pass for float64 sin, cos and
            // tan's rare arguments; the GPU has none.)
            assert!(!gpu.clif.contains("@hpxl.vmath"), "{} {dt}: the GPU's code is inline:\n{}", op.name(), gpu.clif);
            if !(dt == DType::Float32 && matches!(op, UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Tan)) {
                let ir = llvm::ir_text(&k).unwrap();
                assert!(!ir.contains("@hpxl.vmath"), "{} {dt}: inline on the CPU:\n{ir}", op.name());
            }
            let got_gpu = run_raw(&gpu, &[&xb], x.len(), size);
            let rare = |xi: f64| matches!(op, UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Tan) && !(xi.abs() <= 1.6e6);
            for i in 0..x.len() {
                let (w, l, g) = (element(&want, size, i), element(&got, size, i), element(&got_gpu, size, i));
                let arg = element(&xb, size, i);
                assert_eq!(w, l, "{} {dt}: x bits {arg:#x}: cranelift {w:#x}, llvm {l:#x}", op.name());
                let xi = if dt == DType::Float64 { f64::from_bits(arg) } else { f32::from_bits(arg as u32) as f64 };
                if !rare(xi) && !(is_nan_bits(w, dt) && is_nan_bits(g, dt)) {
                    assert_eq!(w, g, "{} {dt}: x bits {arg:#x}: cranelift {w:#x}, gpu code {g:#x}", op.name());
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 40, "20 functions in two dtypes");
}

/// Integer and float `//`, `%` and `fmod`, and integer `reciprocal`: the inline code of
/// the LLVM backend and the GPU's (`fmod` by long division there) give the interp's bits,
/// which Cranelift's calls compute, on every pair of a set of edge values.
#[test]
fn divisions_match_cranelift_bitwise() {
    let _turn = cache_env();
    std::env::set_var("HPXL_CACHE_DIR", "off");
    let ints: Vec<i64> = vec![
        0,
        1,
        -1,
        2,
        -2,
        3,
        -3,
        7,
        -7,
        100,
        -100,
        127,
        -128,
        255,
        32767,
        -32768,
        i32::MAX as i64,
        i32::MIN as i64,
        i64::MAX,
        i64::MIN,
        i64::MIN + 1,
        123456789,
        -987654321,
    ];
    let floats: Vec<f64> = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        3.0,
        -3.0,
        7.5,
        -7.5,
        0.1,
        -0.1,
        1e-5,
        1e16,
        9007199254740993.0,
        1e300,
        -1e300,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e-310,
        -2.5e-312,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e-45,
        3.4e38,
        1.5e-40,
        123.456,
        -654.321,
    ];
    let pairs = |n: usize| -> (Vec<usize>, Vec<usize>) {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for i in 0..n {
            for j in 0..n {
                a.push(i);
                b.push(j);
            }
        }
        (a, b)
    };
    let int_dtypes = [
        DType::Int8,
        DType::Int16,
        DType::Int32,
        DType::Int64,
        DType::UInt8,
        DType::UInt16,
        DType::UInt32,
        DType::UInt64,
    ];
    let int_bytes = |v: &[i64], dt: DType| -> Vec<u8> {
        let size = dt.itemsize();
        v.iter().flat_map(|x| x.to_le_bytes()[..size].to_vec()).collect()
    };
    let mut cases: Vec<(String, Kernel, Vec<Vec<u8>>, usize)> = Vec::new();
    for dt in int_dtypes {
        let (ia, ib) = pairs(ints.len());
        let a: Vec<i64> = ia.iter().map(|&i| ints[i]).collect();
        let b: Vec<i64> = ib.iter().map(|&i| ints[i]).collect();
        for op in [BinaryOp::FloorDiv, BinaryOp::Mod, BinaryOp::Fmod] {
            cases.push((
                format!("{} {dt}", op.name()),
                binary_kernel(op, dt),
                vec![int_bytes(&a, dt), int_bytes(&b, dt)],
                a.len(),
            ));
        }
        cases.push((
            format!("reciprocal {dt}"),
            unary_kernel(UnaryOp::Reciprocal, dt),
            vec![int_bytes(&ints, dt)],
            ints.len(),
        ));
    }
    let mut rng = Rng(7);
    for dt in [DType::Float64, DType::Float32] {
        let (ia, ib) = pairs(floats.len());
        let mut a: Vec<f64> = ia.iter().map(|&i| floats[i]).collect();
        let mut b: Vec<f64> = ib.iter().map(|&i| floats[i]).collect();
        for _ in 0..5000 {
            let e = (rng.next() % 120) as i32 - 60;
            a.push((rng.unit() * 2.0 - 1.0) * 2f64.powi(e));
            b.push((rng.unit() * 2.0 - 1.0) * 2f64.powi((rng.next() % 40) as i32 - 20));
        }
        for op in [BinaryOp::FloorDiv, BinaryOp::Mod, BinaryOp::Fmod] {
            cases.push((
                format!("{} {dt}", op.name()),
                binary_kernel(op, dt),
                vec![float_bytes(&a, dt), float_bytes(&b, dt)],
                a.len(),
            ));
        }
    }
    for (what, k, inputs, n) in cases {
        let dt = k.outputs[0].dtype;
        let size = dt.itemsize();
        let inputs: Vec<&[u8]> = inputs.iter().map(|v| v.as_slice()).collect();
        let want = run_raw(&hpxl_compiler::jit::compile(&k).unwrap(), &inputs, n, size);
        let got = run_raw(&llvm::compile(&k).unwrap(), &inputs, n, size);
        let gpu = llvm::compile_gpu_ops(&k).unwrap();
        assert!(!gpu.clif.contains("@hpxl."), "{what}: the GPU's code calls nothing:\n{}", gpu.clif);
        let got_gpu = run_raw(&gpu, &inputs, n, size);
        for i in 0..n {
            let (w, l, g) = (element(&want, size, i), element(&got, size, i), element(&got_gpu, size, i));
            let args: Vec<u64> = inputs.iter().map(|x| element(x, inputs_size(&k), i)).collect();
            assert_eq!(w, l, "{what}: args {args:x?}: cranelift {w:#x}, llvm {l:#x}");
            if !(is_nan_bits(w, dt) && is_nan_bits(g, dt)) {
                assert_eq!(w, g, "{what}: args {args:x?}: cranelift {w:#x}, gpu code {g:#x}");
            }
        }
    }
}

/// A kernel with both an exact `fmod` (a loop inside the element loop) and a sine with
/// rare arguments (the tile's flag folded after the loop) in the GPU's operation set
/// compiled for the CPU: the flag's phi takes the loop's real latch (regression: it took
/// the block before the loop's exit, which the fmod loop's blocks had displaced).
#[test]
fn gpu_code_with_fmod_and_rare_sine() {
    let _turn = cache_env();
    std::env::set_var("HPXL_CACHE_DIR", "off");
    let f = DType::Float64;
    let k = Kernel {
        ndim: 1,
        inputs: vec![Input { dtype: f, inner: Stride::Unit }],
        params: vec![],
        indices: 0,
        body: vec![
            Inst { kind: InstKind::Load { input: 0 }, dtype: f },
            Inst { kind: InstKind::Binary { op: BinaryOp::Mod, a: 0, b: 0 }, dtype: f },
            Inst { kind: InstKind::Unary { op: UnaryOp::Sin, x: 0 }, dtype: f },
            Inst { kind: InstKind::Binary { op: BinaryOp::Add, a: 1, b: 2 }, dtype: f },
        ],
        outputs: vec![Output { value: 3, dtype: f, inner: Stride::Unit }],
    };
    let x: Vec<f64> = (0..3000).map(|i| (i as f64 - 1500.0) * 0.37).chain([1e7, -3e9, 0.0, f64::INFINITY]).collect();
    let xb = float_bytes(&x, f);
    let want = run_raw(&hpxl_compiler::jit::compile(&k).unwrap(), &[&xb], x.len(), 8);
    let got = run_raw(&llvm::compile_gpu_ops(&k).unwrap(), &[&xb], x.len(), 8);
    for i in 0..x.len() {
        let (w, g) = (element(&want, 8, i), element(&got, 8, i));
        // 0 % 0 and inf % inf: NaN either way, the payload is the GPU's.
        assert!(w == g || (is_nan_bits(w, f) && is_nan_bits(g, f)), "x = {}: {w:#x} against {g:#x}", x[i]);
    }
}

fn inputs_size(k: &Kernel) -> usize {
    k.inputs[0].dtype.itemsize()
}

/// Distance in units in the last place between two floats of `dt` given as bits.
fn ulps(a: u64, b: u64, dt: DType) -> u64 {
    let ord = |bits: i64| if bits < 0 { i64::MIN.wrapping_sub(bits) } else { bits };
    match dt {
        DType::Float64 => ord(a as i64).abs_diff(ord(b as i64)),
        _ => {
            let o = |b: u64| {
                let b = b as u32 as i32;
                if b < 0 {
                    i32::MIN.wrapping_sub(b) as i64
                } else {
                    b as i64
                }
            };
            o(a).abs_diff(o(b))
        }
    }
}

/// The GPU's power, arctan2 and hypot (`compile_gpu_ops`; the CPU backends call `vmath`):
/// Cranelift's bits wherever `vmath` uses its kernel, and libm's special values (zeros,
/// infinities, NaNs) where `vmath` calls libm, within 4 ulp (float64) / 2 ulp (float32)
/// for the finite arguments beyond 2^1023 that arctan2 scales.
#[test]
fn gpu_binary_math_matches_cranelift() {
    let _turn = cache_env();
    std::env::set_var("HPXL_CACHE_DIR", "off");
    let base: Vec<f64> = float_args().into_iter().take(49).chain([3.0, -3.0, 0.3, -2.5, 1e-3, 7.0, -8.0]).collect();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for &x in &base {
        for &y in &base {
            a.push(x);
            b.push(y);
        }
    }
    let mut rng = Rng(11);
    for _ in 0..20000 {
        let x = rng.unit() * 10.0;
        let y = (rng.unit() * 2.0 - 1.0) * 60.0;
        let neg_int = (rng.next() % 4) == 0;
        a.push(if neg_int { -x } else { x });
        b.push(if neg_int { y.round() } else { y });
    }
    for _ in 0..5000 {
        a.push((rng.unit() * 2.0 - 1.0) * 2f64.powi((rng.next() % 200) as i32 - 100));
        b.push((rng.unit() * 2.0 - 1.0) * 2f64.powi((rng.next() % 200) as i32 - 100));
    }
    for op in [BinaryOp::Pow, BinaryOp::Arctan2, BinaryOp::Hypot] {
        for dt in [DType::Float64, DType::Float32] {
            let k = binary_kernel(op, dt);
            let size = dt.itemsize();
            let (ab, bb) = (float_bytes(&a, dt), float_bytes(&b, dt));
            let want = run_raw(&hpxl_compiler::jit::compile(&k).unwrap(), &[&ab, &bb], a.len(), size);
            let gpu = llvm::compile_gpu_ops(&k).unwrap();
            assert!(!gpu.clif.contains("@hpxl."), "{} {dt}: the GPU's code calls nothing:\n{}", op.name(), gpu.clif);
            let got = run_raw(&gpu, &[&ab, &bb], a.len(), size);
            let mut special = 0;
            for i in 0..a.len() {
                let (w, g) = (element(&want, size, i), element(&got, size, i));
                let (xa, xb) =
                    if dt == DType::Float64 { (a[i], b[i]) } else { (a[i] as f32 as f64, b[i] as f32 as f64) };
                // `vmath`'s rare arguments (`pow_rare`, `atan2_rare`, `hypot_rare`).
                let rare = match op {
                    BinaryOp::Pow => !(xa.abs() <= f64::MAX && xb.abs() <= 8.452712498170644e270) || xa == 0.0,
                    BinaryOp::Arctan2 => {
                        let m = 8.98846567431158e307;
                        !(xa.abs() < m && xb.abs() < m) || xa == 0.0 || xb == 0.0
                    }
                    _ => !(xa.abs() <= f64::MAX && xb.abs() <= f64::MAX),
                };
                if is_nan_bits(w, dt) && is_nan_bits(g, dt) {
                    continue;
                }
                if rare {
                    special += 1;
                    let finite = |v: u64| match dt {
                        DType::Float64 => f64::from_bits(v).is_finite(),
                        _ => f32::from_bits(v as u32).is_finite(),
                    };
                    let close = finite(w) && finite(g) && ulps(w, g, dt) <= if dt == DType::Float64 { 4 } else { 2 };
                    assert!(w == g || close, "{} {dt}: ({xa:e}, {xb:e}): cranelift {w:#x}, gpu code {g:#x}", op.name());
                } else {
                    assert_eq!(w, g, "{} {dt}: ({xa:e}, {xb:e}): cranelift {w:#x}, gpu code {g:#x}", op.name());
                }
            }
            assert!(special > 100, "{} {dt}: the special cases are exercised ({special})", op.name());
        }
    }
}
