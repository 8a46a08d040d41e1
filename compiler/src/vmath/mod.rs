//! Vectorised transcendental functions over slices (see `docs/accuracy.md`).
//!
//! The JIT calls these on tiles of a fused kernel. Each function is a branch-free scalar
//! kernel (`explog`, `trig`, `hyper`, `powroot`, built from `common`) that `driver` runs
//! over the slice in a loop LLVM auto-vectorises, compiled three times: for AVX-512, for
//! AVX2+FMA, and for baseline x86-64 (SSE2, no FMA). The best variant the CPU supports is
//! chosen once at runtime. Arguments a kernel does not cover (huge sin arguments, pow of
//! zero or infinity, ...) are recomputed by libm in a second pass over just those elements.
//!
//! Accuracy: at most 4 ulp for float64 and 2 ulp for float32 against the correctly rounded
//! result, special values as NumPy 2; `docs/accuracy.md` has per-function numbers, which
//! `compiler/tests/vmath.rs` measures. The AVX2 and AVX-512 variants give bit-identical
//! results; the baseline variant differs from them by rounding only (no fused multiply-add).

pub(crate) mod common;
mod driver;
mod entries;
pub(crate) mod explog;
mod hyper;
pub(crate) mod lite;
pub(crate) mod powroot;
pub(crate) mod trig;

use crate::ops::{BinaryOp, UnaryOp};
use hpxl_runtime::DType;
use std::sync::OnceLock;

/// `out[i] = f(x[i])` for `i < n`; `out` may be exactly `x` (in place), never a partial overlap.
pub type UnarySlice = unsafe extern "C" fn(x: *const u8, out: *mut u8, n: usize);
/// `out[i] = f(a[i], b[i])` for `i < n`; `out` may be exactly `a` or `b`.
pub type BinarySlice = unsafe extern "C" fn(a: *const u8, b: *const u8, out: *mut u8, n: usize);

/// The vectorised implementation of `op` for `dtype` (float32 or float64), if there is one.
///
/// Covered: exp, exp2, expm1, log, log2, log10, log1p, sin, cos, tan, arcsin, arccos,
/// arctan, sinh, cosh, tanh, arcsinh, arccosh, arctanh, cbrt. Accuracy: at most 4 ulp
/// (float64) and 2 ulp (float32); special values (nan, ±inf, ±0, subnormals) as NumPy.
pub fn unary_slice(op: UnaryOp, dtype: DType) -> Option<UnarySlice> {
    entries::unary(op, dtype, best_isa())
}

/// The vectorised implementation of `op` for `dtype` (float32 or float64), if there is one.
///
/// Covered: power, arctan2, hypot, with the accuracy and special values of `unary_slice`
/// (power follows C99's special cases, e.g. pow(nan, 0) = 1 and pow(-8, 1/3) = nan).
pub fn binary_slice(op: BinaryOp, dtype: DType) -> Option<BinarySlice> {
    entries::binary(op, dtype, best_isa())
}

/// An instruction-set level the kernels are compiled for.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// Any x86-64 (SSE2), or any other target: no fused multiply-add.
    Baseline,
    /// AVX2 with FMA (256-bit vectors).
    Avx2Fma,
    /// AVX-512 F/DQ/VL with FMA (512-bit vectors).
    Avx512,
}

/// The ISA levels this CPU can run, baseline first.
#[doc(hidden)]
pub fn available_isas() -> Vec<Isa> {
    let mut isas = vec![Isa::Baseline];
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            isas.push(Isa::Avx2Fma);
            if is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512dq")
                && is_x86_feature_detected!("avx512vl")
            {
                isas.push(Isa::Avx512);
            }
        }
    }
    isas
}

/// The best ISA level of this CPU, detected once.
pub(crate) fn best_isa() -> Isa {
    static BEST: OnceLock<Isa> = OnceLock::new();
    *BEST.get_or_init(|| *available_isas().last().unwrap_or(&Isa::Baseline))
}

/// `unary_slice` for a given ISA level, which must be one of `available_isas()`
/// (for tests and benchmarks that compare the variants).
#[doc(hidden)]
pub fn unary_slice_for(op: UnaryOp, dtype: DType, isa: Isa) -> Option<UnarySlice> {
    assert!(available_isas().contains(&isa), "{isa:?} is not supported by this CPU");
    entries::unary(op, dtype, isa)
}

/// `binary_slice` for a given ISA level, which must be one of `available_isas()`.
#[doc(hidden)]
pub fn binary_slice_for(op: BinaryOp, dtype: DType, isa: Isa) -> Option<BinarySlice> {
    assert!(available_isas().contains(&isa), "{isa:?} is not supported by this CPU");
    entries::binary(op, dtype, isa)
}
