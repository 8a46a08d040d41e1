//! Transcendental functions emitted as LLVM IR inside the kernel's loop body, so that
//! the loop vectorises to the full vector width of the target (zmm with AVX-512) instead
//! of calling `crate::vmath` out of line per tile (Note [Inline transcendentals]).
//!
//! Note [Inline transcendentals]: the IR here is `crate::vmath`'s branch-free float64
//! kernels transcribed operation by operation, with the same constants (imported from
//! `vmath::trig`/`vmath::explog`, not copied) and `llvm.fma` exactly where `vmath` uses a
//! fused multiply-add in its FMA variants. On a CPU with FMA the results are therefore
//! bit-identical to `vmath`'s AVX2/AVX-512 variants and carry their accuracy
//! (`docs/accuracy.md`); without FMA, to its baseline variant. Arguments a kernel does not
//! cover (sin/cos of |x| > 1.6e6 or NaN) are *rare*: the fast code computes garbage for
//! them and raises a flag, and the CPU loops rerun the whole tile in exact mode, where
//! the function is a call of `vmath`'s scalar code, which sends rare arguments to the
//! libm function `vmath` falls back to (`exact_scalar`; `cpu.rs`, Note [Rare tiles]). Covered: sin, cos and exp of float64 (the others are
//! still called out of line through `vmath`, as the Cranelift backend does).

use super::emit::{Em, R};
use crate::ops::UnaryOp;
use crate::vmath::common::{INV_LN2, LN2_HI, LN2_LO, SHIFT};
use crate::vmath::explog::EXPM1_P;
use crate::vmath::trig::{C1, C2, C3, C4, COS_C, SIN_S, TRIG_BOUND, TWO_OVER_PI};
use hpxl_runtime::DType;
use inkwell::values::{FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};

/// Whether `op` on `dtype` is emitted inline (else it is a call or rejected).
pub(crate) fn inline_unary(op: UnaryOp, dtype: DType) -> bool {
    dtype == DType::Float64 && matches!(op, UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Exp)
}

/// Whether `op` has rare arguments (see the module docs).
pub(crate) fn has_rare(op: UnaryOp) -> bool {
    matches!(op, UnaryOp::Sin | UnaryOp::Cos)
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
    match (op, fma) {
        (UnaryOp::Sin, true) => ("hpxl.exact.sin.f64.fma", sin_fma as *const () as usize),
        (UnaryOp::Sin, false) => ("hpxl.exact.sin.f64", sin_nofma as *const () as usize),
        (_, true) => ("hpxl.exact.cos.f64.fma", cos_fma as *const () as usize),
        (_, false) => ("hpxl.exact.cos.f64", cos_nofma as *const () as usize),
    }
}

const F64: DType = DType::Float64;

impl<'ctx> Em<'_, 'ctx> {
    fn c(&self, v: f64) -> FloatValue<'ctx> {
        self.fconst(F64, v)
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

    /// `vmath::common::round_int`.
    fn round_int(&self, v: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        self.sub(self.add(v, self.c(SHIFT))?, self.c(SHIFT))
    }

    /// `vmath::common::pow2i`.
    fn pow2i(&self, k: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let t = self.add(k, self.c(SHIFT + 1023.0))?;
        let sh = self.b.build_left_shift(self.bits(t)?, self.i64().const_int(52, false), "")?;
        self.from_bits(sh)
    }

    /// `vmath::common::scale`.
    fn scale(&self, y: FloatValue<'ctx>, k: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let k1 = self.round_int(self.mul(k, self.c(0.5))?)?;
        let k2 = self.sub(k, k1)?;
        self.mul(self.mul(y, self.pow2i(k1)?)?, self.pow2i(k2)?)
    }

    /// `vmath::explog::exp`.
    fn exp_f64(&self, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let hi = self.fcmp(FloatPredicate::OGT, x, self.c(710.0))?;
        let lo = self.fcmp(FloatPredicate::OLT, x, self.c(-746.0))?;
        let xc = self.fsel(hi, self.c(710.0), self.fsel(lo, self.c(-746.0), x)?)?;
        // exp_reduce
        let k = self.sub(self.mla(xc, self.c(INV_LN2), self.c(SHIFT))?, self.c(SHIFT))?;
        let nk = self.b.build_float_neg(k, "")?;
        let r = self.mla(nk, self.c(LN2_LO), self.sub(xc, self.mul(k, self.c(LN2_HI))?)?)?;
        // expm1_poly
        let inner = self.mla(r, self.poly(r, &EXPM1_P)?, self.c(0.5))?;
        let p = self.mla(self.mul(r, r)?, inner, r)?;
        self.scale(self.add(self.c(1.0), p)?, k)
    }

    /// `(sin x, cos x)` pieces of `vmath::trig`: the reduced `(s, c, q)`.
    fn sincos_parts(&self, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, FloatValue<'ctx>, IntValue<'ctx>)> {
        let kk = self.mla(x, self.c(TWO_OVER_PI), self.c(SHIFT))?;
        let k = self.sub(kk, self.c(SHIFT))?;
        let r = self.sub(x, self.mul(k, self.c(C1))?)?;
        let r = self.sub(r, self.mul(k, self.c(C2))?)?;
        let r = self.sub(r, self.mul(k, self.c(C3))?)?;
        let nk = self.b.build_float_neg(k, "")?;
        let r = self.mla(nk, self.c(C4), r)?;
        let q = self.bits(kk)?;
        let w = self.mul(r, r)?;
        let s = self.mla(self.mul(r, w)?, self.poly(w, &SIN_S)?, r)?;
        let c0 = self.mla(self.c(-0.5), w, self.c(1.0))?;
        let c = self.mla(self.mul(w, w)?, self.poly(w, &COS_C)?, c0)?;
        Ok((s, c, q))
    }

    /// `vmath::trig::negate_if_bit1`.
    fn negate_if_bit1(&self, v: FloatValue<'ctx>, q: IntValue<'ctx>) -> R<FloatValue<'ctx>> {
        let i64t = self.i64();
        let bit = self.b.build_and(q, i64t.const_int(2, false), "")?;
        let sign = self.b.build_left_shift(bit, i64t.const_int(62, false), "")?;
        self.from_bits(self.b.build_xor(self.bits(v)?, sign, "")?)
    }

    fn odd(&self, q: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        let i64t = self.i64();
        let b = self.b.build_and(q, i64t.const_int(1, false), "")?;
        self.b.build_int_compare(IntPredicate::NE, b, i64t.const_zero(), "")
    }

    /// `vmath::trig::trig_rare`.
    fn trig_rare(&self, x: FloatValue<'ctx>) -> R<IntValue<'ctx>> {
        let a = self.funary("llvm.fabs", x)?;
        // Unordered-or-greater: NaN is rare too.
        self.fcmp(FloatPredicate::UGT, a, self.c(TRIG_BOUND))
    }

    /// The fast inline code of `op` on float64 `x`, and the rare flag when `op` has rare
    /// arguments.
    pub(crate) fn math_unary(&self, op: UnaryOp, x: FloatValue<'ctx>) -> R<(FloatValue<'ctx>, Option<IntValue<'ctx>>)> {
        match op {
            UnaryOp::Exp => Ok((self.exp_f64(x)?, None)),
            UnaryOp::Sin => {
                let (s, c, q) = self.sincos_parts(x)?;
                let v = self.negate_if_bit1(self.fsel(self.odd(q)?, c, s)?, q)?;
                let zero = self.fcmp(FloatPredicate::OEQ, x, self.c(0.0))?;
                Ok((self.fsel(zero, x, v)?, Some(self.trig_rare(x)?)))
            }
            UnaryOp::Cos => {
                let (s, c, q) = self.sincos_parts(x)?;
                let q1 = self.b.build_int_add(q, self.i64().const_int(1, false), "")?;
                let v = self.negate_if_bit1(self.fsel(self.odd(q)?, s, c)?, q1)?;
                Ok((v, Some(self.trig_rare(x)?)))
            }
            _ => unreachable!("inline_unary covers only sin, cos and exp"),
        }
    }
}
