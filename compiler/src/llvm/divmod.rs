//! Integer and float `floor_divide`, `remainder` and `fmod`, integer `reciprocal` and
//! integer `power` (GPU only), as inline LLVM IR with the interp's results bit for bit
//! (`interp/num.rs`: NumPy's sign rules, 0 for an integer division by zero, `npy_divmod`
//! for floats). The CPU backends used to call the interp's loops for them; the PTX
//! backend has no loops to call.
//!
//! Float `fmod` is LLVM's `frem` on the CPU (a call of libm's `fmod`, as Rust's `%`).
//! LLVM 14's NVPTX cannot lower `frem` (it would need a libm call), so in a PTX module
//! `fmod` is computed exactly here: integer long division of the significands, 11 bits
//! per step (Note [Exact fmod]).
//!
//! Note [Exact fmod]: for finite `x`, `y` with `0 < |y| < |x|`, write `|x| = mx 2^(ex-1075)`
//! and `|y| = my 2^(ey-1075)` with 53-bit significands (subnormals normalised by their
//! leading zeros, so `ex`, `ey` may drop below 1). Then `fmod(x, y) = ±(mx 2^(ex-ey) mod
//! my) 2^(ey-1075)`, and the power of two is folded in 11 bits at a time: `m = (m << s)
//! mod my` keeps `m < my < 2^53`, so `m << 11` never overflows 64 bits. The remainder is
//! exact (fmod always is), so renormalising it loses nothing.

use super::emit::{Em, R};
use crate::ops::BinaryOp;
use hpxl_runtime::DType;
use inkwell::values::{BasicValueEnum, FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};

impl<'ctx> Em<'_, 'ctx> {
    /// Integer `//`, `%` (`Mod`, the sign of the divisor) and `fmod` (the sign of the
    /// dividend); 0 when dividing by zero, wrapping for `MIN // -1`.
    pub(crate) fn int_division(
        &self,
        op: BinaryOp,
        dt: DType,
        x: IntValue<'ctx>,
        y: IntValue<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        let b = self.b;
        let zero = self.iconst(dt, 0);
        let by_zero = b.build_int_compare(IntPredicate::EQ, y, zero, "")?;
        let result = if dt.is_signed_int() {
            // Neither `x / 0` nor `MIN / -1` may reach `sdiv`: both divide by 1 instead, and
            // the -1 case takes its wrapped quotient `-x` (remainder 0) from a select.
            let minus_one = b.build_int_compare(IntPredicate::EQ, y, self.iconst(dt, -1), "")?;
            let safe = self.isel(b.build_or(by_zero, minus_one, "")?, self.iconst(dt, 1), y)?;
            let q = b.build_int_signed_div(x, safe, "")?;
            let q = self.isel(minus_one, b.build_int_sub(zero, x, "")?, q)?;
            let r = b.build_int_signed_rem(x, safe, "")?;
            let r_nonzero = b.build_int_compare(IntPredicate::NE, r, zero, "")?;
            let neg = |v: IntValue<'ctx>| b.build_int_compare(IntPredicate::SLT, v, zero, "");
            match op {
                BinaryOp::FloorDiv => {
                    let signs_differ = b.build_xor(neg(x)?, neg(y)?, "")?;
                    let adjust = b.build_and(r_nonzero, signs_differ, "")?;
                    self.isel(adjust, b.build_int_sub(q, self.iconst(dt, 1), "")?, q)?
                }
                BinaryOp::Mod => {
                    let signs_differ = b.build_xor(neg(r)?, neg(y)?, "")?;
                    let adjust = b.build_and(r_nonzero, signs_differ, "")?;
                    self.isel(adjust, b.build_int_add(r, y, "")?, r)?
                }
                _ => r,
            }
        } else {
            let safe = self.isel(by_zero, self.iconst(dt, 1), y)?;
            match op {
                BinaryOp::FloorDiv => b.build_int_unsigned_div(x, safe, "")?,
                _ => b.build_int_unsigned_rem(x, safe, "")?,
            }
        };
        Ok(self.isel(by_zero, zero, result)?.into())
    }

    /// Integer `power` with the interp's bits (`interp/num.rs`): `x` to the `y` by
    /// repeated squaring with wrapping multiplies, straight-line over every bit of the
    /// exponent (a product modulo 2^bits does not depend on the order of its factors).
    /// A negative exponent gives 0 as the interp's `pow` does; `arrays::binary` raises
    /// for one before such a node exists, so no kernel meets it.
    pub(crate) fn int_power(&self, dt: DType, x: IntValue<'ctx>, y: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        let b = self.b;
        let bits = dt.itemsize() as u32 * 8;
        let (zero, one) = (self.iconst(dt, 0), self.iconst(dt, 1));
        let (mut out, mut base, mut e) = (one, x, y);
        for bit in 0..bits {
            let odd = b.build_int_compare(IntPredicate::NE, b.build_and(e, one, "")?, zero, "")?;
            out = self.isel(odd, b.build_int_mul(out, base, "")?, out)?;
            if bit + 1 < bits {
                base = b.build_int_mul(base, base, "")?;
                e = b.build_right_shift(e, one, false, "")?;
            }
        }
        if dt.is_signed_int() {
            out = self.isel(b.build_int_compare(IntPredicate::SLT, y, zero, "")?, zero, out)?;
        }
        Ok(out)
    }

    /// Integer `reciprocal` as NumPy (`1.0 / x` converted back): 1 and -1 are their own
    /// reciprocals, 0 gives the "integer indefinite" value for int32 and int64 (0 for
    /// narrower types), everything else 0.
    pub(crate) fn int_reciprocal(&self, dt: DType, x: IntValue<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let b = self.b;
        let bits = dt.itemsize() as u32 * 8;
        let at_zero = match dt {
            DType::Int32 | DType::Int64 => self.ity(dt).const_int(1u64 << (bits - 1), false),
            _ => self.iconst(dt, 0),
        };
        let is = |v: i64| b.build_int_compare(IntPredicate::EQ, x, self.iconst(dt, v), "");
        let own = if dt.is_signed_int() { b.build_or(is(1)?, is(-1)?, "")? } else { is(1)? };
        let r = self.isel(own, x, self.iconst(dt, 0))?;
        Ok(self.isel(is(0)?, at_zero, r)?.into())
    }

    /// Float `//`, `%` and `fmod`: `interp/num.rs` (`floordiv`, `rem`, `divmod`) op by op.
    pub(crate) fn float_division(
        &self,
        op: BinaryOp,
        dt: DType,
        a: FloatValue<'ctx>,
        bv: FloatValue<'ctx>,
    ) -> R<FloatValue<'ctx>> {
        let b = self.b;
        let m0 = self.fmod(dt, a, bv)?;
        if op == BinaryOp::Fmod {
            return Ok(m0);
        }
        let z = self.fconst(dt, 0.0);
        let cmp = |p, x, y| b.build_float_compare(p, x, y, "");
        // divmod(a, b), for b != 0.
        let div = b.build_float_div(b.build_float_sub(a, m0, "")?, bv, "")?;
        let m_nonzero = cmp(FloatPredicate::UNE, m0, z)?;
        let signs_differ = b.build_xor(cmp(FloatPredicate::OLT, bv, z)?, cmp(FloatPredicate::OLT, m0, z)?, "")?;
        let adjust = b.build_and(m_nonzero, signs_differ, "")?;
        let m = self.fsel(adjust, b.build_float_add(m0, bv, "")?, m0)?;
        let div = self.fsel(adjust, b.build_float_sub(div, self.fconst(dt, 1.0), "")?, div)?;
        let m = self.fsel(m_nonzero, m, self.fbinary("llvm.copysign", z, bv)?)?;
        let by_zero = cmp(FloatPredicate::OEQ, bv, z)?;
        if op == BinaryOp::Mod {
            // b == 0: a % b (NaN).
            return self.fsel(by_zero, m0, m);
        }
        let f = self.funary("llvm.floor", div)?;
        let up = cmp(FloatPredicate::OGT, b.build_float_sub(div, f, "")?, self.fconst(dt, 0.5))?;
        let f = self.fsel(up, b.build_float_add(f, self.fconst(dt, 1.0), "")?, f)?;
        let quotient = b.build_float_div(a, bv, "")?;
        let signed_zero = self.fbinary("llvm.copysign", z, quotient)?;
        let q = self.fsel(cmp(FloatPredicate::UNE, div, z)?, f, signed_zero)?;
        self.fsel(by_zero, quotient, q)
    }

    /// C's `fmod` of `dt` values: `frem` on the CPU, Note [Exact fmod] in PTX modules.
    fn fmod(&self, dt: DType, a: FloatValue<'ctx>, bv: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        if self.m.get_name().to_str() != Ok(crate::ptx_module_name()) {
            return self.b.build_float_rem(a, bv, "");
        }
        if dt == DType::Float32 {
            // fmod is exact, so the float64 remainder of the widened values is the float32 one.
            let f64t = self.cx.f64_type();
            let r = self.fmod_exact(self.b.build_float_ext(a, f64t, "")?, self.b.build_float_ext(bv, f64t, "")?)?;
            return self.b.build_float_trunc(r, self.cx.f32_type(), "");
        }
        self.fmod_exact(a, bv)
    }

    /// Note [Exact fmod], float64.
    fn fmod_exact(&self, x: FloatValue<'ctx>, y: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        let (b, i64t) = (self.b, self.i64());
        let c = |v: u64| i64t.const_int(v, false);
        let bits = |v: FloatValue<'ctx>| -> R<IntValue<'ctx>> { Ok(b.build_bit_cast(v, i64t, "")?.into_int_value()) };
        let (ux, uy) = (bits(x)?, bits(y)?);
        let (ax, ay) = (b.build_and(ux, c(!(1 << 63)), "")?, b.build_and(uy, c(!(1 << 63)), "")?);
        let ctlz = |v: IntValue<'ctx>| -> R<IntValue<'ctx>> {
            Ok(self
                .intrinsic("llvm.ctlz", &[i64t.into()], &[v.into(), self.bool_const(false).into()])?
                .into_int_value())
        };
        // (significand with its leading one at bit 52, exponent) of a nonzero magnitude.
        let split = |a: IntValue<'ctx>| -> R<(IntValue<'ctx>, IntValue<'ctx>)> {
            let e = b.build_right_shift(a, c(52), false, "")?;
            let frac = b.build_and(a, c((1 << 52) - 1), "")?;
            let normal = b.build_int_compare(IntPredicate::NE, e, c(0), "")?;
            let shift = b.build_int_sub(ctlz(frac)?, c(11), "")?;
            let m = self.isel(normal, b.build_or(frac, c(1 << 52), "")?, b.build_left_shift(frac, shift, "")?)?;
            let e = self.isel(normal, e, b.build_int_sub(c(1), shift, "")?)?;
            Ok((m, e))
        };
        let (mx, ex) = split(ax)?;
        let (my, ey) = split(ay)?;
        // Garbage when |x| <= |y| or for the special cases; the selects below replace it.
        let my_safe = self.isel(b.build_int_compare(IntPredicate::EQ, my, c(0), "")?, c(1), my)?;
        let n0 = b.build_int_sub(ex, ey, "")?;
        let n0 = self.isel(b.build_int_compare(IntPredicate::SGT, n0, c(0), "")?, n0, c(0))?;
        let m0 = b.build_int_unsigned_rem(mx, my_safe, "")?;
        let f = b.get_insert_block().and_then(|bb| bb.get_parent()).expect("positioned in a function");
        let pre = b.get_insert_block().expect("positioned");
        let head = self.cx.append_basic_block(f, "fmod_step");
        let done = self.cx.append_basic_block(f, "fmod_done");
        b.build_unconditional_branch(head)?;
        b.position_at_end(head);
        let m_phi = b.build_phi(i64t, "m")?;
        let n_phi = b.build_phi(i64t, "n")?;
        m_phi.add_incoming(&[(&m0, pre)]);
        n_phi.add_incoming(&[(&n0, pre)]);
        let (m, n) = (m_phi.as_basic_value().into_int_value(), n_phi.as_basic_value().into_int_value());
        let s = self.isel(b.build_int_compare(IntPredicate::ULT, n, c(11), "")?, n, c(11))?;
        let m2 = b.build_int_unsigned_rem(b.build_left_shift(m, s, "")?, my_safe, "")?;
        let n2 = b.build_int_sub(n, s, "")?;
        let step_end = b.get_insert_block().expect("positioned");
        m_phi.add_incoming(&[(&m2, step_end)]);
        n_phi.add_incoming(&[(&n2, step_end)]);
        b.build_conditional_branch(b.build_int_compare(IntPredicate::SGT, n2, c(0), "")?, head, done)?;
        b.position_at_end(done);
        // r = m2 2^(ey-1075), renormalised: leading one to bit 52, then packed (a subnormal
        // shifts out only zero bits, since r is a multiple of the smallest subnormal).
        let shift = b.build_int_sub(ctlz(m2)?, c(11), "")?;
        let m = b.build_left_shift(m2, shift, "")?;
        let e = b.build_int_sub(ey, shift, "")?;
        let normal = b.build_int_compare(IntPredicate::SGT, e, c(0), "")?;
        let packed = b.build_or(b.build_and(m, c((1 << 52) - 1), "")?, b.build_left_shift(e, c(52), "")?, "")?;
        let sub_shift = b.build_int_sub(c(1), e, "")?;
        let sub_shift = self.isel(normal, c(0), sub_shift)?;
        let subnormal = b.build_right_shift(m, sub_shift, false, "")?;
        let mag = self.isel(normal, packed, subnormal)?;
        let mag = self.isel(b.build_int_compare(IntPredicate::EQ, m2, c(0), "")?, c(0), mag)?;
        let r = b.build_or(mag, b.build_and(ux, c(1 << 63), "")?, "")?;
        let r = b.build_bit_cast(r, x.get_type(), "")?.into_float_value();
        // |x| < |y|: x; |x| == |y|: ±0 (the sign of x); y zero or NaN, x inf or NaN: NaN.
        let r = self.fsel(b.build_int_compare(IntPredicate::ULT, ax, ay, "")?, x, r)?;
        let signed_zero = b.build_bit_cast(b.build_and(ux, c(1 << 63), "")?, x.get_type(), "")?.into_float_value();
        let r = self.fsel(b.build_int_compare(IntPredicate::EQ, ax, ay, "")?, signed_zero, r)?;
        let inf = c(0x7ff << 52);
        let nan = b.build_or(
            b.build_or(
                b.build_int_compare(IntPredicate::EQ, ay, c(0), "")?,
                b.build_int_compare(IntPredicate::UGT, ay, inf, "")?,
                "",
            )?,
            b.build_int_compare(IntPredicate::UGE, ax, inf, "")?,
            "",
        )?;
        self.fsel(nan, x.get_type().const_float(f64::NAN), r)
    }
}
