//! Transcendental functions emitted as LLVM IR inside the kernel's loop body, so that
//! the loop vectorises to the full vector width of the target (zmm with AVX-512) instead
//! of calling `crate::vmath` out of line per tile (Note [Inline transcendentals]). The PTX
//! backend emits the same IR (`crate::ptx`), which is how GPU kernels get them.
//!
//! Note [Inline transcendentals]: the IR here is `crate::vmath`'s branch-free kernels
//! (`explog`, `trig`, `hyper`, `powroot::cbrt`, and `lite` for float32 exp, log, sin, cos
//! and tanh; the other float32 functions widen, run the float64 kernel and round once, as
//! `vmath::entries`) transcribed operation by operation, with the same constants
//! (imported from `vmath`, not copied) and `llvm.fma` exactly where `vmath` uses a fused
//! multiply-add in its FMA variants. No fast-math flags: every operation is IEEE, so the
//! results are bit-identical to `vmath`'s AVX2/AVX-512 variants on a CPU with FMA and
//! carry their accuracy (`docs/accuracy.md`); without FMA, to its baseline variant.
//! `compiler/tests/llvm.rs` checks the bits against Cranelift (which calls `vmath`) for
//! every function and dtype over specials, subnormals, huge values and an exponent sweep.
//! Arguments a kernel does not cover (sin/cos/tan of |x| > 1.6e6 or NaN) are *rare*: the
//! fast code computes garbage for them and raises a flag, and the CPU loops rerun the
//! whole tile in exact mode, where the function is a call of `vmath`'s scalar code, which
//! sends rare arguments to the libm function `vmath` falls back to (`exact_scalar`;
//! `cpu.rs`, Note [Rare tiles]). The exact pass exists for float64 only, so the CPU
//! backend keeps calling `vmath` for float32 sin, cos and tan ([`inline_unary`]); the GPU
//! inlines them too ([`gpu_unary`]) and has no exact pass (the GPU gap, `ptx/mod.rs`).
//! The binary transcendentals (power, arctan2, hypot, [`gpu_binary`]) are inline for the
//! GPU only: their rare arguments (zeros, infinities, NaNs) get libm's special cases by
//! selects, which the CPU's exact pass has no need for (the CPU keeps calling `vmath`).

use super::emit::{Em, R};
use crate::ops::{BinaryOp, UnaryOp};
use crate::vmath::common::{
    INF, INV_LN2, LN2, LN2_HI, LN2_LO, PIO2_HI, PIO2_LO, PIO4_HI, PIO4_LO, PI_HI, PI_LO, SHIFT,
};
use crate::vmath::trig::{C1, C2, C3, C4, COS_C, SIN_S, TRIG_BOUND};
use crate::vmath::{explog, lite, powroot, trig};
use hpxl_runtime::DType;
use inkwell::values::{FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};

/// Whether `op` on `dtype` has an inline kernel here: every function `crate::vmath`
/// covers, in float32 and float64 (the GPU backend emits all of them).
pub(crate) fn gpu_unary(op: UnaryOp, dtype: DType) -> bool {
    use UnaryOp::*;
    dtype.is_float()
        && matches!(
            op,
            Exp | Exp2
                | Expm1
                | Log
                | Log2
                | Log10
                | Log1p
                | Sin
                | Cos
                | Tan
                | Arcsin
                | Arccos
                | Arctan
                | Sinh
                | Cosh
                | Tanh
                | Arcsinh
                | Arccosh
                | Arctanh
                | Cbrt
        )
}

/// Whether the LLVM CPU backend emits `op` on `dtype` inline (else it calls `vmath`):
/// every kernel of [`gpu_unary`] except float32 sin, cos and tan, whose rare arguments
/// would need a float32 exact pass (Note [Rare tiles] has float64 functions only).
pub(crate) fn inline_unary(op: UnaryOp, dtype: DType) -> bool {
    gpu_unary(op, dtype) && !(dtype == DType::Float32 && has_rare(op))
}

/// Whether binary `op` on `dtype` has an inline kernel for the GPU: power, arctan2 and
/// hypot, `vmath`'s kernels with libm's special cases for the arguments `vmath` leaves to
/// libm (zeros, infinities, NaNs, huge exponents) computed by selects. The CPU backends
/// keep calling `vmath` (whose libm pass gives libm's bits there).
pub(crate) fn gpu_binary(op: BinaryOp, dtype: DType) -> bool {
    dtype.is_float() && matches!(op, BinaryOp::Pow | BinaryOp::Arctan2 | BinaryOp::Hypot)
}

/// Whether `op` has rare arguments (see the module docs).
pub(crate) fn has_rare(op: UnaryOp) -> bool {
    matches!(op, UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Tan)
}

/// The scalar function the exact pass of a tile calls for `op` (Note [Rare tiles]):
/// `vmath`'s own scalar kernel (`FMA`: with fused multiply-adds, as the inline code on a
/// host with FMA; `f64::mul_add` is correctly rounded with or without the instruction),
/// or libm where the argument is rare. For an argument that is not rare it returns the
/// inline code's bits, so recomputing a whole tile changes only its rare elements.
/// Returns `(symbol, address)`.
pub(crate) fn exact_scalar(op: UnaryOp, fma: bool) -> (&'static str, usize) {
    use crate::vmath::trig;
    extern "C" fn sin_fma(x: f64) -> f64 {
        if trig::trig_rare(x) {
            x.sin()
        } else {
            trig::sin::<true>(x)
        }
    }
    extern "C" fn sin_nofma(x: f64) -> f64 {
        if trig::trig_rare(x) {
            x.sin()
        } else {
            trig::sin::<false>(x)
        }
    }
    extern "C" fn cos_fma(x: f64) -> f64 {
        if trig::trig_rare(x) {
            x.cos()
        } else {
            trig::cos::<true>(x)
        }
    }
    extern "C" fn cos_nofma(x: f64) -> f64 {
        if trig::trig_rare(x) {
            x.cos()
        } else {
            trig::cos::<false>(x)
        }
    }
    extern "C" fn tan_fma(x: f64) -> f64 {
        if trig::trig_rare(x) {
            x.tan()
        } else {
            trig::tan::<true>(x)
        }
    }
    extern "C" fn tan_nofma(x: f64) -> f64 {
        if trig::trig_rare(x) {
            x.tan()
        } else {
            trig::tan::<false>(x)
        }
    }
    match (op, fma) {
        (UnaryOp::Tan, true) => ("hpxl.exact.tan.f64.fma", tan_fma as *const () as usize),
        (UnaryOp::Tan, false) => ("hpxl.exact.tan.f64", tan_nofma as *const () as usize),
        (UnaryOp::Sin, true) => ("hpxl.exact.sin.f64.fma", sin_fma as *const () as usize),
        (UnaryOp::Sin, false) => ("hpxl.exact.sin.f64", sin_nofma as *const () as usize),
        (_, true) => ("hpxl.exact.cos.f64.fma", cos_fma as *const () as usize),
        (_, false) => ("hpxl.exact.cos.f64", cos_nofma as *const () as usize),
    }
}

const F64: DType = DType::Float64;
const SIGN: u64 = 1 << 63;

impl<'ctx> Em<'_, 'ctx> {
    fn c(&self, v: f64) -> FloatValue<'ctx> {
        self.fconst(F64, v)
    }

    fn ic(&self, v: u64) -> IntValue<'ctx> {
        self.i64().const_int(v, false)
    }

    fn mul(&self, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.b.build_float_mul(a, b, "")
    }

    fn add(&self, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.b.build_float_add(a, b, "")
    }

    fn sub(&self, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.b.build_float_sub(a, b, "")
    }

    fn div(&self, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.b.build_float_div(a, b, "")
    }

    fn neg(&self, a: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.b.build_float_neg(a, "")
    }

    fn fabs(&self, a: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.funary("llvm.fabs", a)
    }

    fn sqrt(&self, a: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.funary("llvm.sqrt", a)
    }

    /// `vmath::common::mla`: `a * b + c`, fused when the target has FMA.
    fn mla(&self, a: FloatValue<'ctx>, b: FloatValue<'ctx>, c: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        if self.fma {
            Ok(self.intrinsic("llvm.fma", &[a.get_type().into()], &[a.into(), b.into(), c.into()])?.into_float_value())
        } else {
            self.add(self.mul(a, b)?, c)
        }
    }

    /// `vmath::common::poly` (Horner).
    fn poly(&self, x: FloatValue<'ctx>, c: &[f64]) -> R<FloatValue<'ctx>> {
        let mut acc = self.c(c[c.len() - 1]);
        for &ci in c[..c.len() - 1].iter().rev() {
            acc = self.mla(acc, x, self.c(ci))?;
        }
        Ok(acc)
    }

    fn bits(&self, x: FloatValue<'ctx>) -> R<IntValue<'ctx>> {
        Ok(self.b.build_bit_cast(x, self.i64(), "")?.into_int_value())
    }

    fn from_bits(&self, x: IntValue<'ctx>) -> R<FloatValue<'ctx>> {
        Ok(self.b.build_bit_cast(x, self.cx.f64_type(), "")?.into_float_value())
    }

    fn fcmp(&self, p: FloatPredicate, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<IntValue<'ctx>> {
        self.b.build_float_compare(p, a, b, "")
    }

    /// `x > v` (false for NaN).
    fn gt(&self, x: FloatValue<'ctx>, v: f64) -> R<IntValue<'ctx>> {
        self.fcmp(FloatPredicate::OGT, x, self.c(v))
    }

    /// `x < v` (false for NaN).
    fn lt(&self, x: FloatValue<'ctx>, v: f64) -> R<IntValue<'ctx>> {
        self.fcmp(FloatPredicate::OLT, x, self.c(v))
    }

    /// `sel(x > hi, hi, sel(x < lo, lo, x))`: NaN passes through.
    fn clamp(&self, x: FloatValue<'ctx>, lo: f64, hi: f64) -> R<FloatValue<'ctx>> {
        let inner = self.fsel(self.lt(x, lo)?, self.c(lo), x)?;
        self.fsel(self.gt(x, hi)?, self.c(hi), inner)
    }

    /// `sel(x == 0.0, x, v)`: keeps the sign of a zero argument.
    fn keep_zero(&self, x: FloatValue<'ctx>, v: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let zero = self.fcmp(FloatPredicate::OEQ, x, x.get_type().const_float(0.0))?;
        self.fsel(zero, x, v)
    }

    /// `vmath::common::copysign`.
    fn copysign(&self, x: FloatValue<'ctx>, s: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let b = self.b;
        let mag = b.build_and(self.bits(x)?, self.ic(!SIGN), "")?;
        let sign = b.build_and(self.bits(s)?, self.ic(SIGN), "")?;
        self.from_bits(b.build_or(mag, sign, "")?)
    }

    /// `vmath::common::round_int`.
    fn round_int(&self, v: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.sub(self.add(v, self.c(SHIFT))?, self.c(SHIFT))
    }

    /// `vmath::common::pow2i`.
    fn pow2i(&self, k: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let t = self.add(k, self.c(SHIFT + 1023.0))?;
        let sh = self.b.build_left_shift(self.bits(t)?, self.ic(52), "")?;
        self.from_bits(sh)
    }

    /// `vmath::common::scale`.
    fn scale(&self, y: FloatValue<'ctx>, k: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let k1 = self.round_int(self.mul(k, self.c(0.5))?)?;
        let k2 = self.sub(k, k1)?;
        self.mul(self.mul(y, self.pow2i(k1)?)?, self.pow2i(k2)?)
    }

    /// `1 - 2^-k` plus `p`, times `2^k` (`expm1` from a reduction, k small).
    fn expm1_from(&self, p: FloatValue<'ctx>, k: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let one_minus = self.sub(self.c(1.0), self.pow2i(self.neg(k)?)?)?;
        self.mul(self.add(p, one_minus)?, self.pow2i(k)?)
    }

    // ---- vmath::explog ----------------------------------------------------------------

    /// `vmath::explog::exp_reduce`: `(k, expm1(x - k ln2))`.
    fn exp_reduce(&self, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let k = self.sub(self.mla(x, self.c(INV_LN2), self.c(SHIFT))?, self.c(SHIFT))?;
        let r = self.mla(self.neg(k)?, self.c(LN2_LO), self.sub(x, self.mul(k, self.c(LN2_HI))?)?)?;
        Ok((k, self.expm1_poly(r)?))
    }

    /// `vmath::explog::expm1_poly`.
    fn expm1_poly(&self, r: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let inner = self.mla(r, self.poly(r, &explog::EXPM1_P)?, self.c(0.5))?;
        self.mla(self.mul(r, r)?, inner, r)
    }

    /// `vmath::explog::exp`.
    fn exp_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (k, p) = self.exp_reduce(self.clamp(x, -746.0, 710.0)?)?;
        self.scale(self.add(self.c(1.0), p)?, k)
    }

    /// `vmath::explog::exp2`.
    fn exp2_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let xc = self.clamp(x, -1080.0, 1025.0)?;
        let k = self.round_int(xc)?;
        let r = self.sub(xc, k)?;
        let p = self.expm1_poly(self.mul(r, self.c(LN2))?)?;
        self.scale(self.add(self.c(1.0), p)?, k)
    }

    /// `vmath::explog::expm1`.
    fn expm1_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (k, p) = self.exp_reduce(self.clamp(x, -50.0, 710.0)?)?;
        let kc = self.fsel(self.gt(k, 60.0)?, self.c(60.0), k)?;
        let one_minus = self.sub(self.c(1.0), self.pow2i(self.neg(kc)?)?)?;
        let y = self.scale(self.add(p, one_minus)?, k)?;
        self.keep_zero(x, y)
    }

    /// `vmath::explog::log_decompose`: `(k, z)` with `x = 2^k z`.
    fn log_decompose(&self, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let b = self.b;
        let sub = self.lt(x, f64::MIN_POSITIVE)?;
        let xs = self.fsel(sub, self.mul(x, self.c(4503599627370496.0))?, x)?;
        let ix = self.bits(xs)?;
        let tmp = b.build_int_add(ix, self.ic((0x400u64 << 52).wrapping_sub(0x3fe6a09e667f3bcd)), "")?;
        let kraw = b.build_right_shift(tmp, self.ic(52), false, "")?;
        let iz = b.build_int_add(
            b.build_int_sub(ix, b.build_left_shift(kraw, self.ic(52), "")?, "")?,
            self.ic(0x400 << 52),
            "",
        )?;
        let kf = self.from_bits(b.build_or(kraw, self.ic(0x4330000000000000), "")?)?;
        let k = self.sub(kf, self.c(4503599627370496.0 + 1024.0))?;
        let k = self.sub(k, self.fsel(sub, self.c(52.0), self.c(0.0))?)?;
        Ok((k, self.from_bits(iz)?))
    }

    /// `vmath::explog::log_parts` (`t`: the `LOG_T` polynomial): `(f, s, hfsq, r)`.
    #[allow(clippy::type_complexity)]
    fn log_parts(
        &self,
        z: FloatValue<'ctx>,
        t: &[f64],
    ) -> R<(FloatValue<'ctx>, FloatValue<'ctx>, FloatValue<'ctx>, FloatValue<'ctx>)> {
        let f = self.sub(z, self.c(1.0))?;
        let s = self.div(f, self.add(self.c(2.0), f)?)?;
        let w = self.mul(s, s)?;
        let r = self.mul(w, self.poly(w, t)?)?;
        let hfsq = self.mul(self.mul(self.c(0.5), f)?, f)?;
        Ok((f, s, hfsq, r))
    }

    /// `f - (hfsq - s (hfsq + r))`: log of the reduced argument.
    fn log_z(&self, z: FloatValue<'ctx>, t: &[f64]) -> R<FloatValue<'ctx>> {
        let (f, s, hfsq, r) = self.log_parts(z, t)?;
        self.sub(f, self.sub(hfsq, self.mul(s, self.add(hfsq, r)?)?)?)
    }

    /// `vmath::explog::log_specials`.
    fn log_specials(&self, x: FloatValue<'ctx>, y: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let y = self.fsel(self.fcmp(FloatPredicate::OEQ, x, self.c(INF))?, self.c(INF), y)?;
        let y = self.fsel(self.fcmp(FloatPredicate::OEQ, x, self.c(0.0))?, self.c(-INF), y)?;
        // `x < 0 || x.is_nan()`.
        self.fsel(self.fcmp(FloatPredicate::ULT, x, self.c(0.0))?, self.c(f64::NAN), y)
    }

    /// `vmath::explog::log_with`.
    fn log_with(&self, x: FloatValue<'ctx>, k_extra: FloatValue<'ctx>, c: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (k, z) = self.log_decompose(x)?;
        let k = self.add(k, k_extra)?;
        let (f, s, hfsq, r) = self.log_parts(z, &explog::LOG_T)?;
        let inner = self.mla(s, self.add(hfsq, r)?, self.mla(k, self.c(LN2_LO), c)?)?;
        let y = self.sub(self.mul(k, self.c(LN2_HI))?, self.sub(self.sub(hfsq, inner)?, f)?)?;
        self.log_specials(x, y)
    }

    /// The part of `y` lost by rounding `u = 1 + y`, relative to `u` (log1p's correction).
    fn log1p_corr(&self, u: FloatValue<'ctx>, y: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let big = self.fcmp(FloatPredicate::OGE, u, self.c(2.0))?;
        let hi = self.sub(self.c(1.0), self.sub(u, y)?)?;
        let lo = self.sub(y, self.sub(u, self.c(1.0))?)?;
        self.div(self.fsel(big, hi, lo)?, u)
    }

    fn log_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.log_with(x, self.c(0.0), self.c(0.0))
    }

    fn log2_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (k, z) = self.log_decompose(x)?;
        let lz = self.log_z(z, &explog::LOG_T)?;
        self.log_specials(x, self.mla(lz, self.c(INV_LN2), k)?)
    }

    fn log10_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (k, z) = self.log_decompose(x)?;
        let lz = self.log_z(z, &explog::LOG_T)?;
        let lo = self.mla(lz, self.c(explog::INV_LN10), self.mul(k, self.c(explog::LOG10_2_LO))?)?;
        self.log_specials(x, self.add(self.mul(k, self.c(explog::LOG10_2_HI))?, lo)?)
    }

    fn log1p_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let u = self.add(self.c(1.0), x)?;
        let c = self.log1p_corr(u, x)?;
        let y = self.log_with(u, self.c(0.0), c)?;
        self.keep_zero(x, y)
    }

    // ---- vmath::trig ------------------------------------------------------------------

    /// `vmath::trig::reduce_pio2` and `sincos_poly`: the reduced `(sin r, cos r, q)`.
    fn sincos_parts(&self, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>, IntValue<'ctx>)> {
        let kk = self.mla(x, self.c(trig::TWO_OVER_PI), self.c(SHIFT))?;
        let k = self.sub(kk, self.c(SHIFT))?;
        let r = self.sub(x, self.mul(k, self.c(C1))?)?;
        let r = self.sub(r, self.mul(k, self.c(C2))?)?;
        let r = self.sub(r, self.mul(k, self.c(C3))?)?;
        let r = self.mla(self.neg(k)?, self.c(C4), r)?;
        let q = self.bits(kk)?;
        let (s, c) = self.sincos_poly(r, &SIN_S, &COS_C)?;
        Ok((s, c, q))
    }

    fn sincos_poly(
        &self,
        r: FloatValue<'ctx>,
        sin_s: &[f64],
        cos_c: &[f64],
    ) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let w = self.mul(r, r)?;
        let s = self.mla(self.mul(r, w)?, self.poly(w, sin_s)?, r)?;
        let c0 = self.mla(self.c(-0.5), w, self.c(1.0))?;
        let c = self.mla(self.mul(w, w)?, self.poly(w, cos_c)?, c0)?;
        Ok((s, c))
    }

    /// `vmath::trig::negate_if_bit1`.
    fn negate_if_bit1(&self, v: FloatValue<'ctx>, q: IntValue<'ctx>) -> R<FloatValue<'ctx>> {
        let bit = self.b.build_and(q, self.ic(2), "")?;
        let sign = self.b.build_left_shift(bit, self.ic(62), "")?;
        self.from_bits(self.b.build_xor(self.bits(v)?, sign, "")?)
    }

    fn odd(&self, q: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        let b = self.b.build_and(q, self.ic(1), "")?;
        self.b.build_int_compare(IntPredicate::NE, b, self.ic(0), "")
    }

    /// `vmath::trig::trig_rare`.
    fn trig_rare(&self, x: FloatValue<'ctx>) -> R<IntValue<'ctx>> {
        // Unordered-or-greater: NaN is rare too.
        self.fcmp(FloatPredicate::UGT, self.fabs(x)?, self.c(TRIG_BOUND))
    }

    /// sin from `sincos_parts`' pieces (`vmath::trig::sin` without the zero rule).
    fn sin_from(&self, s: FloatValue<'ctx>, c: FloatValue<'ctx>, q: IntValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.negate_if_bit1(self.fsel(self.odd(q)?, c, s)?, q)
    }

    fn cos_from(&self, s: FloatValue<'ctx>, c: FloatValue<'ctx>, q: IntValue<'ctx>) -> R<FloatValue<'ctx>> {
        let q1 = self.b.build_int_add(q, self.ic(1), "")?;
        self.negate_if_bit1(self.fsel(self.odd(q)?, s, c)?, q1)
    }

    fn tan_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (s, c, q) = self.sincos_parts(x)?;
        let odd = self.odd(q)?;
        let v = self.div(self.fsel(odd, c, s)?, self.fsel(odd, self.neg(s)?, c)?)?;
        self.keep_zero(x, v)
    }

    /// `vmath::trig::atan_tail`.
    fn atan_tail(&self, t: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let w = self.mul(t, t)?;
        self.mul(t, self.mul(w, self.poly(w, &trig::ATAN_A)?)?)
    }

    fn atan_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let a = self.fabs(x)?;
        let big = self.gt(a, trig::TAN_3PI_8)?;
        let mid = self.gt(a, trig::TAN_PI_8)?;
        let num = self.fsel(big, self.c(-1.0), self.fsel(mid, self.sub(a, self.c(1.0))?, a)?)?;
        let den = self.fsel(big, a, self.fsel(mid, self.add(a, self.c(1.0))?, self.c(1.0))?)?;
        let t = self.div(num, den)?;
        let base_hi = self.fsel(big, self.c(PIO2_HI), self.fsel(mid, self.c(PIO4_HI), self.c(0.0))?)?;
        let base_lo = self.fsel(big, self.c(PIO2_LO), self.fsel(mid, self.c(PIO4_LO), self.c(0.0))?)?;
        let v = self.add(base_hi, self.add(t, self.add(self.atan_tail(t)?, base_lo)?)?)?;
        self.copysign(v, x)
    }

    /// `vmath::trig::asin_core`.
    fn asin_core(&self, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, IntValue<'ctx>)> {
        let a = self.fabs(x)?;
        let big = self.gt(a, 0.5)?;
        let z = self.fsel(big, self.mul(self.sub(self.c(1.0), a)?, self.c(0.5))?, self.mul(a, a)?)?;
        let s = self.fsel(big, self.sqrt(z)?, a)?;
        Ok((self.mla(self.mul(s, z)?, self.poly(z, &trig::ASIN_B)?, s)?, big))
    }

    fn asin_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (p, big) = self.asin_core(x)?;
        let two_p = self.mul(self.c(2.0), p)?;
        let v = self.fsel(big, self.sub(self.c(PIO2_HI), self.sub(two_p, self.c(PIO2_LO))?)?, p)?;
        self.copysign(v, x)
    }

    fn acos_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (p, big) = self.asin_core(x)?;
        let ps = self.copysign(p, x)?;
        let small = self.sub(self.c(PIO2_HI), self.sub(ps, self.c(PIO2_LO))?)?;
        let two_p = self.mul(self.c(2.0), p)?;
        let neg = self.sub(self.c(PI_HI), self.sub(two_p, self.c(PI_LO))?)?;
        self.fsel(big, self.fsel(self.lt(x, 0.0)?, neg, two_p)?, small)
    }

    // ---- vmath::hyper -----------------------------------------------------------------

    fn tanh_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let a = self.fabs(x)?;
        let ac = self.fsel(self.gt(a, 20.0)?, self.c(20.0), a)?;
        let (k, p) = self.exp_reduce(self.mul(self.c(2.0), ac)?)?;
        let e = self.expm1_from(p, k)?;
        let v = self.copysign(self.div(e, self.add(e, self.c(2.0))?)?, x)?;
        self.keep_zero(x, v)
    }

    /// `vmath::hyper::expm1_and_half_exp`.
    fn expm1_and_half_exp(&self, a: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let (k, p) = self.exp_reduce(a)?;
        let kc = self.fsel(self.gt(k, 60.0)?, self.c(60.0), k)?;
        let em1 = self.expm1_from(p, kc)?;
        Ok((em1, self.scale(self.add(self.c(1.0), p)?, self.sub(k, self.c(1.0))?)?))
    }

    fn sinh_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let a = self.fabs(x)?;
        let ac = self.fsel(self.gt(a, 711.0)?, self.c(711.0), a)?;
        let (t, half_exp) = self.expm1_and_half_exp(ac)?;
        let small = self.mul(self.c(0.5), self.add(t, self.div(t, self.add(t, self.c(1.0))?)?)?)?;
        let v = self.copysign(self.fsel(self.lt(ac, 22.0)?, small, half_exp)?, x)?;
        self.keep_zero(x, v)
    }

    fn cosh_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let a = self.fabs(x)?;
        let ac = self.fsel(self.gt(a, 711.0)?, self.c(711.0), a)?;
        let (_, h) = self.expm1_and_half_exp(ac)?;
        self.add(h, self.div(self.c(0.25), h)?)
    }

    /// `log_with(sel(big, x, u), sel(big, 1, 0), sel(big, 0, c))` with `u = 1 + y`: the
    /// common tail of arcsinh and arccosh.
    fn log1p_or_log2x(&self, big: IntValue<'ctx>, x: FloatValue<'ctx>, y: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let u = self.add(self.c(1.0), y)?;
        let c = self.log1p_corr(u, y)?;
        self.log_with(self.fsel(big, x, u)?, self.fsel(big, self.c(1.0), self.c(0.0))?, self.fsel(big, self.c(0.0), c)?)
    }

    fn asinh_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let a = self.fabs(x)?;
        let big = self.gt(a, 268435456.0)?;
        let a2 = self.mul(a, a)?;
        let y = self.add(a, self.div(a2, self.add(self.c(1.0), self.sqrt(self.add(self.c(1.0), a2)?)?)?)?)?;
        let v = self.log1p_or_log2x(big, a, y)?;
        self.copysign(v, x)
    }

    fn acosh_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let big = self.gt(x, 268435456.0)?;
        let t = self.sub(x, self.c(1.0))?;
        let y = self.add(t, self.sqrt(self.add(self.mul(self.c(2.0), t)?, self.mul(t, t)?)?)?)?;
        let v = self.log1p_or_log2x(big, x, y)?;
        self.fsel(self.lt(x, 1.0)?, self.c(f64::NAN), v)
    }

    fn atanh_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let a = self.fabs(x)?;
        let d = self.sub(self.c(1.0), a)?;
        let two_a = self.mul(self.c(2.0), a)?;
        let small = self.add(two_a, self.div(self.mul(two_a, a)?, d)?)?;
        let y = self.fsel(self.lt(a, 0.5)?, small, self.div(two_a, d)?)?;
        let u = self.add(self.c(1.0), y)?;
        let c = self.log1p_corr(u, y)?;
        let v = self.mul(self.c(0.5), self.log_with(u, self.c(0.0), c)?)?;
        self.copysign(v, x)
    }

    // ---- vmath::powroot ---------------------------------------------------------------

    /// `vmath::powroot::cbrt` (musl's algorithm).
    fn cbrt_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        const B1: u64 = 715094163;
        const B2: u64 = 696219795;
        const P: [f64; 5] =
            [1.87595182427177, -1.8849797954337717, 1.6214297201053545, -0.758397934778766, 0.14599619288661245];
        let b = self.b;
        let high = |v: IntValue<'ctx>| -> R<IntValue<'ctx>> {
            b.build_and(b.build_right_shift(v, self.ic(32), false, "")?, self.ic(0x7fffffff), "")
        };
        let ux = self.bits(x)?;
        let hx = high(ux)?;
        let sub = b.build_int_compare(IntPredicate::ULT, hx, self.ic(0x00100000), "")?;
        let xs = self.fsel(sub, self.mul(x, self.c(18014398509481984.0))?, x)?;
        let hs = high(self.bits(xs)?)?;
        let hq = b.build_int_add(
            b.build_int_unsigned_div(hs, self.ic(3), "")?,
            self.isel(sub, self.ic(B2), self.ic(B1))?,
            "",
        )?;
        let t = self.from_bits(b.build_or(
            b.build_and(ux, self.ic(SIGN), "")?,
            b.build_left_shift(hq, self.ic(32), "")?,
            "",
        )?)?;
        let r = self.mul(self.mul(t, t)?, self.div(t, x)?)?;
        let p012 = self.add(self.c(P[0]), self.mul(r, self.add(self.c(P[1]), self.mul(r, self.c(P[2]))?)?)?)?;
        let p34 = self.add(self.c(P[3]), self.mul(r, self.c(P[4]))?)?;
        let t = self.mul(t, self.add(p012, self.mul(self.mul(self.mul(r, r)?, r)?, p34)?)?)?;
        let tb =
            b.build_and(b.build_int_add(self.bits(t)?, self.ic(0x80000000), "")?, self.ic(0xffffffffc0000000), "")?;
        let t = self.from_bits(tb)?;
        let s = self.mul(t, t)?;
        let r = self.div(x, s)?;
        let w = self.add(t, t)?;
        let r = self.div(self.sub(r, t)?, self.add(w, r)?)?;
        let t = self.add(t, self.mul(t, r)?)?;
        let special = b.build_or(
            b.build_int_compare(IntPredicate::UGE, hx, self.ic(0x7ff00000), "")?,
            self.fcmp(FloatPredicate::OEQ, x, self.c(0.0))?,
            "",
        )?;
        self.fsel(special, self.add(x, x)?, t)
    }

    // ---- vmath::lite (float32) --------------------------------------------------------

    /// `vmath::lite::exp_reduce`.
    fn lite_exp_reduce(&self, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let k = self.sub(self.mla(x, self.c(INV_LN2), self.c(SHIFT))?, self.c(SHIFT))?;
        let r = self.mla(self.neg(k)?, self.c(LN2), x)?;
        let inner = self.mla(r, self.poly(r, &lite::EXPM1_P)?, self.c(0.5))?;
        Ok((k, self.mla(self.mul(r, r)?, inner, r)?))
    }

    /// `vmath::lite::exp64`.
    fn lite_exp64(&self, t: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (k, p) = self.lite_exp_reduce(self.clamp(t, -104.0, 89.0)?)?;
        self.mul(self.add(self.c(1.0), p)?, self.pow2i(k)?)
    }

    /// `vmath::lite::log64`.
    fn lite_log64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (k, z) = self.log_decompose(x)?;
        let lz = self.log_z(z, &lite::LOG_T)?;
        self.log_specials(x, self.mla(k, self.c(LN2), lz)?)
    }

    /// `vmath::lite::sincos`.
    fn lite_sincos(&self, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>, IntValue<'ctx>)> {
        let kk = self.mla(x, self.c(trig::TWO_OVER_PI), self.c(SHIFT))?;
        let k = self.sub(kk, self.c(SHIFT))?;
        let r = self.mla(self.neg(k)?, self.c(lite::PIO2_2), self.sub(x, self.mul(k, self.c(lite::PIO2_1))?)?)?;
        let (s, c) = self.sincos_poly(r, &lite::SIN_S, &lite::COS_C)?;
        Ok((s, c, self.bits(kk)?))
    }

    /// `vmath::lite::tanh` before rounding to float32.
    fn lite_tanh64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let a = self.fabs(x)?;
        let ac = self.fsel(self.gt(a, 10.0)?, self.c(10.0), a)?;
        let (k, p) = self.lite_exp_reduce(self.mul(self.c(2.0), ac)?)?;
        let e = self.expm1_from(p, k)?;
        self.copysign(self.div(e, self.add(e, self.c(2.0))?)?, x)
    }

    /// The float64 kernel of `op` (`vmath`'s float64 entry), with the rare flag for the
    /// ops that have rare arguments.
    fn math_f64(&self, op: UnaryOp, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, Option<IntValue<'ctx>>)> {
        use UnaryOp::*;
        let v = match op {
            Exp => self.exp_f64(x)?,
            Exp2 => self.exp2_f64(x)?,
            Expm1 => self.expm1_f64(x)?,
            Log => self.log_f64(x)?,
            Log2 => self.log2_f64(x)?,
            Log10 => self.log10_f64(x)?,
            Log1p => self.log1p_f64(x)?,
            Sin | Cos | Tan => {
                let v = if op == Tan {
                    self.tan_f64(x)?
                } else {
                    let (s, c, q) = self.sincos_parts(x)?;
                    if op == Sin {
                        self.keep_zero(x, self.sin_from(s, c, q)?)?
                    } else {
                        self.cos_from(s, c, q)?
                    }
                };
                return Ok((v, Some(self.trig_rare(x)?)));
            }
            Arcsin => self.asin_f64(x)?,
            Arccos => self.acos_f64(x)?,
            Arctan => self.atan_f64(x)?,
            Sinh => self.sinh_f64(x)?,
            Cosh => self.cosh_f64(x)?,
            Tanh => self.tanh_f64(x)?,
            Arcsinh => self.asinh_f64(x)?,
            Arccosh => self.acosh_f64(x)?,
            Arctanh => self.atanh_f64(x)?,
            Cbrt => self.cbrt_f64(x)?,
            _ => unreachable!("gpu_unary covers only vmath's functions"),
        };
        Ok((v, None))
    }

    /// The float32 kernel of `op`: `vmath::lite`'s for exp, log, sin, cos and tanh, else
    /// the float64 kernel on the widened argument, rounded once (as `vmath`'s entries).
    fn math_f32(&self, op: UnaryOp, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, Option<IntValue<'ctx>>)> {
        use UnaryOp::*;
        let (b, f32t) = (self.b, self.cx.f32_type());
        let xd = b.build_float_ext(x, self.cx.f64_type(), "")?;
        let round = |v: FloatValue<'ctx>| b.build_float_trunc(v, f32t, "");
        Ok(match op {
            Exp => (round(self.lite_exp64(xd)?)?, None),
            Log => (round(self.lite_log64(xd)?)?, None),
            Sin | Cos => {
                let (s, c, q) = self.lite_sincos(xd)?;
                let v = if op == Sin {
                    self.keep_zero(x, round(self.sin_from(s, c, q)?)?)?
                } else {
                    round(self.cos_from(s, c, q)?)?
                };
                (v, Some(self.trig_rare(xd)?))
            }
            Tanh => (self.keep_zero(x, round(self.lite_tanh64(xd)?)?)?, None),
            _ => {
                let (v, rare) = self.math_f64(op, xd)?;
                (round(v)?, rare)
            }
        })
    }

    /// The inline code of `op` on `x` (float32 or float64), and the rare flag when `op`
    /// has rare arguments (the fast code is then garbage for them).
    pub(crate) fn math_unary(&self, op: UnaryOp, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, Option<IntValue<'ctx>>)> {
        if x.get_type() == self.cx.f32_type() {
            self.math_f32(op, x)
        } else {
            self.math_f64(op, x)
        }
    }

    // ---- binary: vmath::trig::atan2, vmath::powroot::{pow, hypot}, vmath::lite::pow ----

    /// `vmath::common::two_prod`.
    fn two_prod(&self, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let p = self.mul(a, b)?;
        if self.fma {
            return Ok((p, self.mla(a, b, self.neg(p)?)?));
        }
        let split = |v: FloatValue<'ctx>| -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
            let c = self.mul(self.c(134217729.0), v)?;
            let hi = self.sub(c, self.sub(c, v)?)?;
            Ok((hi, self.sub(v, hi)?))
        };
        let (ah, al) = split(a)?;
        let (bh, bl) = split(b)?;
        let e = self.add(self.add(self.sub(self.mul(ah, bh)?, p)?, self.mul(ah, bl)?)?, self.mul(al, bh)?)?;
        Ok((p, self.add(e, self.mul(al, bl)?)?))
    }

    /// `vmath::common::two_sum`.
    fn two_sum(&self, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let s = self.add(a, b)?;
        let bb = self.sub(s, a)?;
        Ok((s, self.add(self.sub(a, self.sub(s, bb)?)?, self.sub(b, bb)?)?))
    }

    /// `vmath::common::fast_two_sum`.
    fn fast_two_sum(&self, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let s = self.add(a, b)?;
        Ok((s, self.sub(b, self.sub(s, a)?)?))
    }

    /// `vmath::powroot::log_dd`: `ln|x|` in double-double.
    fn log_dd(&self, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        use powroot::{POW_LOG_R, TWO_THIRDS_HI, TWO_THIRDS_LO};
        // `log_decompose` is `log_dd`'s own decomposition (subnormals scaled by 2^52).
        let (k, z) = self.log_decompose(self.fabs(x)?)?;
        let num = self.sub(z, self.c(1.0))?;
        let (dh, dl) = self.fast_two_sum(self.c(1.0), z)?;
        let sh = self.div(num, dh)?;
        let (ph, pl) = self.two_prod(sh, dh)?;
        let sl = self.div(self.sub(self.sub(self.sub(num, ph)?, pl)?, self.mul(sh, dl)?)?, dh)?;
        let (wh, we) = self.two_prod(sh, sh)?;
        let wl = self.mla(self.mul(self.c(2.0), sh)?, sl, we)?;
        let (ch, ce) = self.two_prod(wh, sh)?;
        let cl = self.add(ce, self.mla(wh, sl, self.mul(wl, sh)?)?)?;
        let (th, te) = self.two_prod(ch, self.c(TWO_THIRDS_HI))?;
        let tl = self.add(te, self.mla(ch, self.c(TWO_THIRDS_LO), self.mul(cl, self.c(TWO_THIRDS_HI))?)?)?;
        let tail = self.mul(self.mul(ch, wh)?, self.poly(wh, &POW_LOG_R)?)?;
        let (a1, e1) = self.two_sum(self.mul(k, self.c(LN2_HI))?, self.mul(self.c(2.0), sh)?)?;
        let (a2, e2) = self.two_sum(a1, th)?;
        let inner =
            self.add(self.add(self.add(self.mul(self.c(2.0), sl)?, tl)?, tail)?, self.mul(k, self.c(LN2_LO))?)?;
        let lo = self.add(self.add(e1, e2)?, inner)?;
        self.fast_two_sum(a2, lo)
    }

    /// `vmath::powroot::exp_dd`.
    fn exp_dd(&self, th: FloatValue<'ctx>, tl: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let over = self.gt(th, 710.0)?;
        let under = self.lt(th, -746.0)?;
        let tl = self.fsel(self.b.build_or(over, under, "")?, self.c(0.0), tl)?;
        let th = self.fsel(over, self.c(710.0), self.fsel(under, self.c(-746.0), th)?)?;
        let k = self.sub(self.mla(th, self.c(INV_LN2), self.c(SHIFT))?, self.c(SHIFT))?;
        let rh = self.sub(th, self.mul(k, self.c(LN2_HI))?)?;
        let corr = self.mla(self.neg(k)?, self.c(LN2_LO), tl)?;
        let r = self.add(rh, corr)?;
        let rl = self.add(self.sub(rh, r)?, corr)?;
        let p = self.expm1_poly(r)?;
        self.scale(self.add(self.c(1.0), self.add(p, self.mla(rl, p, rl)?)?)?, k)
    }

    /// Whether `y` (float64) is an odd integer.
    fn odd_integer(&self, y: FloatValue<'ctx>) -> R<IntValue<'ctx>> {
        let b = self.b;
        let ay = self.fabs(y)?;
        let small = self.lt(ay, powroot::TWO_53)?;
        let t = self.fsel(small, ay, self.c(0.0))?;
        let int = self.fcmp(FloatPredicate::OEQ, self.funary("llvm.trunc", t)?, t)?;
        let n = b.build_float_to_unsigned_int(t, self.i64(), "")?;
        let odd = b.build_int_compare(IntPredicate::NE, b.build_and(n, self.ic(1), "")?, self.ic(0), "")?;
        b.build_and(b.build_and(small, int, "")?, odd, "")
    }

    /// `vmath::powroot::pow_sign`.
    fn pow_sign(&self, x: FloatValue<'ctx>, y: FloatValue<'ctx>, v: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        use powroot::{TWO_52, TWO_53};
        let b = self.b;
        let ay = self.fabs(y)?;
        let shifted = self.add(ay, self.c(TWO_52))?;
        let small = self.lt(ay, TWO_52)?;
        let exact = self.fcmp(FloatPredicate::OEQ, self.sub(shifted, self.c(TWO_52))?, ay)?;
        let is_int = b.build_or(b.build_not(small, "")?, exact, "")?;
        let low = b.build_and(self.bits(self.fsel(small, shifted, ay)?)?, self.ic(1), "")?;
        let odd_bit = b.build_int_compare(IntPredicate::NE, low, self.ic(0), "")?;
        let odd = b.build_and(odd_bit, self.lt(ay, TWO_53)?, "")?;
        let neg = self.lt(x, 0.0)?;
        let v = self.fsel(b.build_and(neg, odd, "")?, self.neg(v)?, v)?;
        self.fsel(b.build_and(neg, b.build_not(is_int, "")?, "")?, self.c(f64::NAN), v)
    }

    /// C99's `pow(x, y)` for the arguments `vmath::powroot::pow_rare` leaves to libm (x
    /// zero or non-finite, y non-finite or beyond 2^900); `fast` elsewhere.
    fn pow_specials(&self, x: FloatValue<'ctx>, y: FloatValue<'ctx>, fast: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let b = self.b;
        let (ax, ay) = (self.fabs(x)?, self.fabs(y)?);
        let eq = |a: FloatValue<'ctx>, v: f64| self.fcmp(FloatPredicate::OEQ, a, self.c(v));
        let y_neg = self.lt(y, 0.0)?;
        let odd = self.odd_integer(y)?;
        let (inf, zero) = (self.c(INF), self.c(0.0));
        let rare = b.build_or(
            b.build_not(
                b.build_and(
                    self.fcmp(FloatPredicate::OLE, ax, self.c(f64::MAX))?,
                    self.fcmp(FloatPredicate::OLE, ay, self.c(8.452712498170644e270))?,
                    "",
                )?,
                "",
            )?,
            eq(x, 0.0)?,
            "",
        )?;
        // Finite nonzero x, huge finite y (an even integer): 1, 0 or inf.
        let x_small = self.lt(ax, 1.0)?;
        let huge = self.fsel(b.build_xor(x_small, y_neg, "")?, zero, inf)?;
        let s = self.fsel(eq(ax, 1.0)?, self.c(1.0), huge)?;
        // x = ±inf: 0 or inf, negative for x = -inf and odd integer y.
        let inf_mag = self.fsel(y_neg, zero, inf)?;
        let inf_case = self.fsel(b.build_and(self.lt(x, 0.0)?, odd, "")?, self.neg(inf_mag)?, inf_mag)?;
        let s = self.fsel(eq(ax, INF)?, inf_case, s)?;
        // x = ±0: inf or 0, with the sign of x for odd integer y.
        let zero_mag = self.fsel(y_neg, inf, zero)?;
        let zero_case = self.fsel(odd, self.copysign(zero_mag, x)?, zero_mag)?;
        let s = self.fsel(eq(x, 0.0)?, zero_case, s)?;
        // y = ±inf: 1 for x = -1, else 0 or inf.
        let yinf = self.fsel(b.build_xor(x_small, y_neg, "")?, zero, inf)?;
        let yinf = self.fsel(eq(ax, 1.0)?, self.c(1.0), yinf)?;
        let s = self.fsel(eq(ay, INF)?, yinf, s)?;
        let any_nan = self.fcmp(FloatPredicate::UNO, x, y)?;
        let s = self.fsel(any_nan, self.c(f64::NAN), s)?;
        let s = self.fsel(eq(x, 1.0)?, self.c(1.0), s)?;
        let s = self.fsel(eq(y, 0.0)?, self.c(1.0), s)?;
        self.fsel(rare, s, fast)
    }

    /// C99's `atan2(y, x)` for the arguments `vmath::trig::atan2_rare` leaves to libm
    /// (zeros, infinities, NaNs; finite magnitudes of 2^1023 and more are scaled by 1/4
    /// and go through the kernel); `fast` elsewhere.
    fn atan2_specials(&self, y: FloatValue<'ctx>, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let b = self.b;
        let (ax, ay) = (self.fabs(x)?, self.fabs(y)?);
        let m = 8.98846567431158e307;
        let big = b.build_or(
            self.fcmp(FloatPredicate::OGE, ax, self.c(m))?,
            self.fcmp(FloatPredicate::OGE, ay, self.c(m))?,
            "",
        )?;
        let quarter = |v: FloatValue<'ctx>| -> R<FloatValue<'ctx>> { self.fsel(big, self.mul(v, self.c(0.25))?, v) };
        let fast = self.atan2_f64(quarter(y)?, quarter(x)?)?;
        let eq = |a: FloatValue<'ctx>, v: f64| self.fcmp(FloatPredicate::OEQ, a, self.c(v));
        let x_neg = self.fcmp(FloatPredicate::OLT, self.bits_as_signed(x)?, self.c(0.0))?;
        let pi = std::f64::consts::PI;
        // x = ±inf with finite y: ±0 or ±π.
        let s = self.fsel(x_neg, self.c(pi), self.c(0.0))?;
        let s = self.fsel(eq(ax, INF)?, s, fast)?;
        // y = ±inf: ±π/4, ±3π/4 or ±π/2.
        let yinf = self.fsel(
            eq(ax, INF)?,
            self.fsel(x_neg, self.c(3.0 * std::f64::consts::FRAC_PI_4), self.c(std::f64::consts::FRAC_PI_4))?,
            self.c(std::f64::consts::FRAC_PI_2),
        )?;
        let s = self.fsel(eq(ay, INF)?, yinf, s)?;
        // x = ±0, y nonzero: ±π/2.
        let s = self.fsel(eq(x, 0.0)?, self.c(std::f64::consts::FRAC_PI_2), s)?;
        // y = ±0: ±0 for x > 0 or x = +0, ±π for x < 0 or x = -0.
        let s = self.fsel(eq(y, 0.0)?, s_for_zero_y(self, x_neg, pi)?, s)?;
        let s = self.copysign(s, y)?;
        self.fsel(self.fcmp(FloatPredicate::UNO, x, y)?, self.c(f64::NAN), s)
    }

    /// `x` with its sign bit as a number's sign (-0.0 counts as negative): `-1` or `1`.
    fn bits_as_signed(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.copysign(self.c(1.0), x)
    }

    /// `vmath::trig::atan2` (finite nonzero arguments).
    fn atan2_f64(&self, y: FloatValue<'ctx>, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (ax, ay) = (self.fabs(x)?, self.fabs(y)?);
        let swap = self.fcmp(FloatPredicate::OGT, ay, ax)?;
        let num = self.fsel(swap, ax, ay)?;
        let den = self.fsel(swap, ay, ax)?;
        let mid = self.fcmp(FloatPredicate::OGT, num, self.mul(self.c(trig::TAN_PI_8), den)?)?;
        let t = self.div(self.fsel(mid, self.sub(num, den)?, num)?, self.fsel(mid, self.add(num, den)?, den)?)?;
        let lo = self.fsel(mid, self.c(PIO4_LO), self.c(0.0))?;
        let th =
            self.add(self.fsel(mid, self.c(PIO4_HI), self.c(0.0))?, self.add(t, self.add(self.atan_tail(t)?, lo)?)?)?;
        let th = self.fsel(swap, self.add(self.sub(self.c(PIO2_HI), th)?, self.c(PIO2_LO))?, th)?;
        let th = self.fsel(self.lt(x, 0.0)?, self.add(self.sub(self.c(PI_HI), th)?, self.c(PI_LO))?, th)?;
        self.copysign(th, y)
    }

    /// `vmath::powroot::hypot` with `hypot_rare`'s arguments as libm: inf if either is
    /// infinite (even with a NaN), else NaN.
    fn hypot_f64(&self, x: FloatValue<'ctx>, y: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let b = self.b;
        let (ax, ay) = (self.fabs(x)?, self.fabs(y)?);
        let m = self.fsel(self.fcmp(FloatPredicate::OGT, ax, ay)?, ax, ay)?;
        let mc = self.fsel(
            self.gt(m, 4.49423283715579e307)?,
            self.c(4.49423283715579e307),
            self.fsel(self.lt(m, 2.2250738585072014e-308)?, self.c(2.2250738585072014e-308), m)?,
        )?;
        let e = b.build_and(self.bits(mc)?, self.ic(0x7ff0000000000000), "")?;
        let down = self.from_bits(b.build_int_sub(self.ic(0x7fe0000000000000), e, "")?)?;
        let up = self.from_bits(e)?;
        let (sx, sy) = (self.mul(ax, down)?, self.mul(ay, down)?);
        let v = self.mul(self.sqrt(self.mla(sx, sx, self.mul(sy, sy)?)?)?, up)?;
        let finite = b.build_and(
            self.fcmp(FloatPredicate::OLE, ax, self.c(f64::MAX))?,
            self.fcmp(FloatPredicate::OLE, ay, self.c(f64::MAX))?,
            "",
        )?;
        let any_inf = b.build_or(
            self.fcmp(FloatPredicate::OEQ, ax, self.c(INF))?,
            self.fcmp(FloatPredicate::OEQ, ay, self.c(INF))?,
            "",
        )?;
        let special = self.fsel(any_inf, self.c(INF), self.c(f64::NAN))?;
        self.fsel(finite, v, special)
    }

    /// The GPU's inline code of binary `op` (`gpu_binary`) on float32 or float64 values:
    /// `vmath`'s kernel where `vmath` uses it, libm's special cases elsewhere.
    pub(crate) fn math_binary(&self, op: BinaryOp, a: FloatValue<'ctx>, bv: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let f32t = self.cx.f32_type();
        let is_f32 = a.get_type() == f32t;
        let (x, y) = if is_f32 {
            let f64t = self.cx.f64_type();
            (self.b.build_float_ext(a, f64t, "")?, self.b.build_float_ext(bv, f64t, "")?)
        } else {
            (a, bv)
        };
        let v = match op {
            BinaryOp::Pow if is_f32 => {
                // `vmath::lite::pow`.
                let v = self.lite_exp64(self.mul(y, self.lite_log64(self.fabs(x)?)?)?)?;
                let fast = self.pow_sign(x, y, v)?;
                self.pow_specials(x, y, fast)?
            }
            BinaryOp::Pow => {
                let (lh, ll) = self.log_dd(x)?;
                let (th, te) = self.two_prod(y, lh)?;
                let v = self.exp_dd(th, self.mla(y, ll, te)?)?;
                let fast = self.pow_sign(x, y, v)?;
                self.pow_specials(x, y, fast)?
            }
            BinaryOp::Arctan2 => self.atan2_specials(x, y)?,
            _ => self.hypot_f64(x, y)?,
        };
        if is_f32 {
            self.b.build_float_trunc(v, f32t, "")
        } else {
            Ok(v)
        }
    }
}

/// atan2's value for y = ±0 before the sign of y: 0 for x > 0 or x = +0, π for x < 0 or
/// x = -0 (`x_neg` from the sign bit).
fn s_for_zero_y<'ctx>(em: &Em<'_, 'ctx>, x_neg: IntValue<'ctx>, pi: f64) -> R<FloatValue<'ctx>> {
    em.fsel(x_neg, em.fconst(F64, pi), em.fconst(F64, 0.0))
}
