//! The LLVM CPU backend beyond differential correctness (which `jit.rs` checks under
//! the same feature): the disk cache (Note [LLVM disk cache]) and vectorisation of the
//! inline transcendentals (Note [Inline transcendentals]).
#![cfg(feature = "llvm")]

use hpxl_compiler::kir::{Input, Inst, InstKind, Kernel, Output, Stride};
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
