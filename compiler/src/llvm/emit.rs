//! Instruction-level lowering to LLVM IR, shared by the CPU loops (`cpu.rs`) and the
//! PTX grid (`crate::ptx`): one kir instruction on one element, bitwise equal to the
//! interp backend (`interp::num`), exactly as `jit/emit.rs` does for Cranelift.
//!
//! Representation: a bool is `i1` in registers and one byte (0 or 1) in memory; the other
//! dtypes are their LLVM integer or floating-point type (signedness lives in the kir
//! dtype, not in the LLVM type). The code is scalar: vector loops are LLVM's loop
//! vectoriser's job. No instruction carries fast-math flags, so LLVM neither reassociates
//! nor contracts `a * b + c` into a fused multiply-add (Note [No contraction]).
//!
//! Note [No contraction]: LLVM fuses `fmul` + `fadd` only under the `contract` (or `fast`)
//! flag or `-fp-contract=fast`; the target machine is created with the default options
//! (`fp-contract=off` for IR that does not ask), so `a * b + c` rounds twice, as in the
//! interp. Fused multiply-adds appear only where we emit `llvm.fma` ourselves (the
//! polynomial kernels of `math.rs`, which are within ULP bounds, not bitwise).

use crate::kir::InstKind;
use crate::ops::{BinaryOp, UnaryOp};
use hpxl_runtime::DType;
use inkwell::builder::{Builder, BuilderError};
use inkwell::context::Context;
use inkwell::intrinsics::Intrinsic;
use inkwell::module::Module;
use inkwell::types::{BasicTypeEnum, FloatType, IntType};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};

pub(crate) type R<T> = Result<T, BuilderError>;

/// The instruction emitter: a builder positioned in some block, plus the module for
/// intrinsic declarations.
pub(crate) struct Em<'a, 'ctx> {
    pub cx: &'ctx Context,
    pub m: &'a Module<'ctx>,
    pub b: &'a Builder<'ctx>,
    /// Whether `llvm.fma` may be used by the polynomial kernels (the target has FMA).
    pub fma: bool,
}

/// The register type of `dt` (bool: `i1`).
pub(crate) fn reg_ty<'ctx>(cx: &'ctx Context, dt: DType) -> BasicTypeEnum<'ctx> {
    match dt {
        DType::Bool => cx.bool_type().into(),
        DType::Int8 | DType::UInt8 => cx.i8_type().into(),
        DType::Int16 | DType::UInt16 => cx.i16_type().into(),
        DType::Int32 | DType::UInt32 => cx.i32_type().into(),
        DType::Int64 | DType::UInt64 => cx.i64_type().into(),
        DType::Float32 => cx.f32_type().into(),
        DType::Float64 => cx.f64_type().into(),
    }
}

/// The memory type of `dt` (bool: `i8`).
pub(crate) fn mem_ty<'ctx>(cx: &'ctx Context, dt: DType) -> BasicTypeEnum<'ctx> {
    if dt == DType::Bool {
        cx.i8_type().into()
    } else {
        reg_ty(cx, dt)
    }
}

impl<'a, 'ctx> Em<'a, 'ctx> {
    pub fn i64(&self) -> IntType<'ctx> {
        self.cx.i64_type()
    }

    pub fn fty(&self, dt: DType) -> FloatType<'ctx> {
        if dt == DType::Float32 {
            self.cx.f32_type()
        } else {
            self.cx.f64_type()
        }
    }

    pub fn ity(&self, dt: DType) -> IntType<'ctx> {
        reg_ty(self.cx, dt).into_int_type()
    }

    pub fn fconst(&self, dt: DType, v: f64) -> FloatValue<'ctx> {
        self.fty(dt).const_float(v)
    }

    pub fn iconst(&self, dt: DType, v: i64) -> IntValue<'ctx> {
        self.ity(dt).const_int(v as u64, true)
    }

    pub fn bool_const(&self, v: bool) -> IntValue<'ctx> {
        self.cx.bool_type().const_int(v as u64, false)
    }

    /// Calls the overloaded intrinsic `name` on values of `tys`.
    pub fn intrinsic(
        &self,
        name: &str,
        tys: &[BasicTypeEnum<'ctx>],
        args: &[BasicValueEnum<'ctx>],
    ) -> R<BasicValueEnum<'ctx>> {
        let f = Intrinsic::find(name)
            .and_then(|i| i.get_declaration(self.m, tys))
            .unwrap_or_else(|| panic!("LLVM 14 has the intrinsic {name}"));
        let args: Vec<BasicMetadataValueEnum> = args.iter().map(|&a| a.into()).collect();
        let call = self.b.build_call(f, &args, "")?;
        Ok(match call.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(v) => v,
            inkwell::values::ValueKind::Instruction(_) => unreachable!("intrinsic {name} returns a value"),
        })
    }

    pub fn funary(&self, name: &str, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        Ok(self.intrinsic(name, &[x.get_type().into()], &[x.into()])?.into_float_value())
    }

    pub fn fbinary(&self, name: &str, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        Ok(self.intrinsic(name, &[a.get_type().into()], &[a.into(), b.into()])?.into_float_value())
    }

    pub fn select(
        &self,
        c: IntValue<'ctx>,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        self.b.build_select(c, a, b, "")
    }

    pub fn fsel(&self, c: IntValue<'ctx>, a: FloatValue<'ctx>, b: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        Ok(self.b.build_select(c, a, b, "")?.into_float_value())
    }

    pub fn isel(&self, c: IntValue<'ctx>, a: IntValue<'ctx>, b: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        Ok(self.b.build_select(c, a, b, "")?.into_int_value())
    }

    /// Loads an element of `dt` from `ptr` (a pointer to its memory type).
    pub fn load(&self, dt: DType, ptr: inkwell::values::PointerValue<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let v = self.b.build_load(ptr, "")?;
        if dt == DType::Bool {
            let z = self.cx.i8_type().const_zero();
            return Ok(self.b.build_int_compare(IntPredicate::NE, v.into_int_value(), z, "")?.into());
        }
        Ok(v)
    }

    /// Stores `x` (a register value of `dt`) at `ptr`.
    pub fn store(&self, dt: DType, x: BasicValueEnum<'ctx>, ptr: inkwell::values::PointerValue<'ctx>) -> R<()> {
        let x: BasicValueEnum = if dt == DType::Bool {
            self.b.build_int_z_extend(x.into_int_value(), self.cx.i8_type(), "")?.into()
        } else {
            x
        };
        self.b.build_store(ptr, x)?;
        Ok(())
    }

    /// A parameter of `dt` from its argument word (see `kir::param_bits`).
    pub fn param_value(&self, dt: DType, raw: IntValue<'ctx>) -> R<BasicValueEnum<'ctx>> {
        Ok(match dt {
            DType::Float64 => self.b.build_bit_cast(raw, self.cx.f64_type(), "")?,
            DType::Float32 => {
                let r = self.b.build_int_truncate(raw, self.cx.i32_type(), "")?;
                self.b.build_bit_cast(r, self.cx.f32_type(), "")?
            }
            DType::Int64 | DType::UInt64 => raw.into(),
            DType::Bool => {
                let z = self.i64().const_zero();
                self.b.build_int_compare(IntPredicate::NE, raw, z, "")?.into()
            }
            other => self.b.build_int_truncate(raw, self.ity(other), "")?.into(),
        })
    }

    /// Lowers one inline instruction of result dtype `dt`; `ops` are its operands with
    /// their dtypes. Transcendentals are not handled here (see `math.rs`).
    pub fn inst(&self, kind: &InstKind, dt: DType, ops: &[(BasicValueEnum<'ctx>, DType)]) -> R<BasicValueEnum<'ctx>> {
        match *kind {
            InstKind::Unary { op, .. } => self.unary(op, ops[0].1, ops[0].0),
            InstKind::Binary { op, .. } => self.binary(op, ops[0].1, ops[0].0, ops[1].0),
            InstKind::Cast { .. } => self.cast(ops[0].1, dt, ops[0].0),
            InstKind::Select { .. } => self.select(ops[0].0.into_int_value(), ops[1].0, ops[2].0),
            InstKind::Load { .. } | InstKind::Param { .. } | InstKind::Index { .. } => {
                unreachable!("leaves are lowered by the loop code")
            }
        }
    }

    fn is_nan(&self, x: FloatValue<'ctx>) -> R<IntValue<'ctx>> {
        self.b.build_float_compare(FloatPredicate::UNO, x, x, "")
    }

    /// NumPy truthiness: `x != 0` (NaN is true).
    fn truthy(&self, dt: DType, x: BasicValueEnum<'ctx>) -> R<IntValue<'ctx>> {
        if dt == DType::Bool {
            Ok(x.into_int_value())
        } else if dt.is_float() {
            self.b.build_float_compare(FloatPredicate::UNE, x.into_float_value(), self.fconst(dt, 0.0), "")
        } else {
            self.b.build_int_compare(IntPredicate::NE, x.into_int_value(), self.iconst(dt, 0), "")
        }
    }

    fn unary(&self, op: UnaryOp, dt: DType, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        use UnaryOp::*;
        let b = self.b;
        let signed = dt.is_signed_int();
        if dt.is_float() {
            let xf = x.into_float_value();
            return Ok(match op {
                IsNan => self.is_nan(xf)?.into(),
                IsInf | IsFinite => {
                    let a = self.funary("llvm.fabs", xf)?;
                    let p = if op == IsInf { FloatPredicate::OEQ } else { FloatPredicate::OLT };
                    b.build_float_compare(p, a, self.fconst(dt, f64::INFINITY), "")?.into()
                }
                Signbit => {
                    let it = if dt == DType::Float32 { self.cx.i32_type() } else { self.i64() };
                    let bits = b.build_bit_cast(xf, it, "")?.into_int_value();
                    b.build_int_compare(IntPredicate::SLT, bits, it.const_zero(), "")?.into()
                }
                LogicalNot => b.build_not(self.truthy(dt, x)?, "")?.into(),
                _ => self.float_unary(op, dt, xf)?.into(),
            });
        }
        let xi = x.into_int_value();
        Ok(match op {
            IsNan | IsInf => self.bool_const(false).into(),
            IsFinite => self.bool_const(true).into(),
            Signbit if signed => b.build_int_compare(IntPredicate::SLT, xi, self.iconst(dt, 0), "")?.into(),
            Signbit => self.bool_const(false).into(),
            LogicalNot => b.build_not(self.truthy(dt, x)?, "")?.into(),
            Invert => b.build_not(xi, "")?.into(),
            _ if dt == DType::Bool => x,
            Neg => b.build_int_sub(self.iconst(dt, 0), xi, "")?.into(),
            Abs if signed => {
                let neg = b.build_int_compare(IntPredicate::SLT, xi, self.iconst(dt, 0), "")?;
                let m = b.build_int_sub(self.iconst(dt, 0), xi, "")?;
                self.isel(neg, m, xi)?.into()
            }
            Sign => {
                let z = self.iconst(dt, 0);
                let gt_p = if signed { IntPredicate::SGT } else { IntPredicate::UGT };
                let gt = b.build_int_compare(gt_p, xi, z, "")?;
                let r = if signed {
                    let lt = b.build_int_compare(IntPredicate::SLT, xi, z, "")?;
                    self.isel(lt, self.iconst(dt, -1), z)?
                } else {
                    z
                };
                self.isel(gt, self.iconst(dt, 1), r)?.into()
            }
            Square => b.build_int_mul(xi, xi, "")?.into(),
            Reciprocal => self.int_reciprocal(dt, xi)?,
            // Pos, Floor, Ceil, Trunc, Rint and unsigned Abs are the identity on integers.
            _ => x,
        })
    }

    fn float_unary(&self, op: UnaryOp, dt: DType, x: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        use UnaryOp::*;
        let b = self.b;
        let f64_ = dt == DType::Float64;
        Ok(match op {
            Neg => b.build_float_neg(x, "")?,
            Abs => self.funary("llvm.fabs", x)?,
            Sqrt => self.funary("llvm.sqrt", x)?,
            Square => b.build_float_mul(x, x, "")?,
            Reciprocal => b.build_float_div(self.fconst(dt, 1.0), x, "")?,
            Deg2Rad | Rad2Deg => {
                // The interp multiplies by the constant folded in the element type.
                let c = match (op, f64_) {
                    (Deg2Rad, true) => std::f64::consts::PI / 180.0,
                    (Deg2Rad, false) => (std::f32::consts::PI / 180.0) as f64,
                    (_, true) => 180.0 / std::f64::consts::PI,
                    (_, false) => (180.0 / std::f32::consts::PI) as f64,
                };
                b.build_float_mul(x, self.fconst(dt, c), "")?
            }
            Floor => self.funary("llvm.floor", x)?,
            Ceil => self.funary("llvm.ceil", x)?,
            Trunc => self.funary("llvm.trunc", x)?,
            // Round half to even, independent of the floating-point environment. LLVM 14's
            // NVPTX cannot select `llvm.roundeven` (a fatal "undefined external symbol"
            // that aborts the process); `llvm.rint` is `cvt.rni` there, which rounds half
            // to even whatever the environment (PTX has no dynamic rounding mode).
            Rint if self.m.get_name().to_str() == Ok(crate::ptx_module_name()) => self.funary("llvm.rint", x)?,
            Rint => self.funary("llvm.roundeven", x)?,
            Sign => {
                let z = self.fconst(dt, 0.0);
                let eq = b.build_float_compare(FloatPredicate::OEQ, x, z, "")?;
                let r = self.fsel(eq, z, x)?;
                let lt = b.build_float_compare(FloatPredicate::OLT, x, z, "")?;
                let r = self.fsel(lt, self.fconst(dt, -1.0), r)?;
                let gt = b.build_float_compare(FloatPredicate::OGT, x, z, "")?;
                self.fsel(gt, self.fconst(dt, 1.0), r)?
            }
            // Pos; calls and transcendentals never reach here.
            _ => x,
        })
    }

    fn binary(
        &self,
        op: BinaryOp,
        dt: DType,
        a: BasicValueEnum<'ctx>,
        bv: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        use BinaryOp::*;
        let b = self.b;
        if op.is_comparison() {
            return Ok(self.compare(op, dt, a, bv)?.into());
        }
        if matches!(op, LogicalAnd | LogicalOr | LogicalXor) {
            let x = self.truthy(dt, a)?;
            let y = self.truthy(dt, bv)?;
            return Ok(match op {
                LogicalAnd => b.build_and(x, y, "")?,
                LogicalOr => b.build_or(x, y, "")?,
                _ => b.build_xor(x, y, "")?,
            }
            .into());
        }
        if dt.is_float() {
            return Ok(self.float_binary(op, dt, a.into_float_value(), bv.into_float_value())?.into());
        }
        let (x, y) = (a.into_int_value(), bv.into_int_value());
        if dt == DType::Bool {
            return Ok(match op {
                Mul | Minimum | Fmin | BitAnd => b.build_and(x, y, "")?,
                // The interp's `a | !b` (x ** 0 is 1).
                Pow => b.build_or(x, b.build_not(y, "")?, "")?,
                BitXor => b.build_xor(x, y, "")?,
                // Add, Maximum, Fmax, BitOr.
                _ => b.build_or(x, y, "")?,
            }
            .into());
        }
        let signed = dt.is_signed_int();
        Ok(match op {
            FloorDiv | Mod | Fmod => self.int_division(op, dt, x, y)?,
            Pow => self.int_power(dt, x, y)?.into(),
            Add => b.build_int_add(x, y, "")?.into(),
            Sub => b.build_int_sub(x, y, "")?.into(),
            Mul => b.build_int_mul(x, y, "")?.into(),
            BitAnd => b.build_and(x, y, "")?.into(),
            BitOr => b.build_or(x, y, "")?.into(),
            BitXor => b.build_xor(x, y, "")?.into(),
            Minimum | Fmin | Maximum | Fmax => {
                let p = match (matches!(op, Minimum | Fmin), signed) {
                    (true, true) => IntPredicate::SLT,
                    (true, false) => IntPredicate::ULT,
                    (false, true) => IntPredicate::SGT,
                    (false, false) => IntPredicate::UGT,
                };
                let c = b.build_int_compare(p, x, y, "")?;
                self.isel(c, x, y)?.into()
            }
            LShift | RShift => {
                // NumPy: counts outside [0, bits) give 0 (or -1 for a negative `a >> n`).
                // The count is masked so the shift itself is never poison.
                let bits = dt.itemsize() as i64 * 8;
                let ok = b.build_int_compare(IntPredicate::ULT, y, self.iconst(dt, bits), "")?;
                let n = b.build_and(y, self.iconst(dt, bits - 1), "")?;
                let (shifted, fill) = if op == LShift {
                    (b.build_left_shift(x, n, "")?, self.iconst(dt, 0))
                } else if signed {
                    (b.build_right_shift(x, n, true, "")?, b.build_right_shift(x, self.iconst(dt, bits - 1), true, "")?)
                } else {
                    (b.build_right_shift(x, n, false, "")?, self.iconst(dt, 0))
                };
                self.isel(ok, shifted, fill)?.into()
            }
            _ => unreachable!("planned as a call or rejected"),
        })
    }

    fn compare(&self, op: BinaryOp, dt: DType, a: BasicValueEnum<'ctx>, bv: BasicValueEnum<'ctx>) -> R<IntValue<'ctx>> {
        use BinaryOp::*;
        if dt.is_float() {
            let p = match op {
                Lt => FloatPredicate::OLT,
                Le => FloatPredicate::OLE,
                Gt => FloatPredicate::OGT,
                Ge => FloatPredicate::OGE,
                Eq => FloatPredicate::OEQ,
                _ => FloatPredicate::UNE,
            };
            return self.b.build_float_compare(p, a.into_float_value(), bv.into_float_value(), "");
        }
        // Bools compare as unsigned `i1` (false < true).
        let signed = dt.is_signed_int();
        let p = match (op, signed) {
            (Lt, true) => IntPredicate::SLT,
            (Lt, false) => IntPredicate::ULT,
            (Le, true) => IntPredicate::SLE,
            (Le, false) => IntPredicate::ULE,
            (Gt, true) => IntPredicate::SGT,
            (Gt, false) => IntPredicate::UGT,
            (Ge, true) => IntPredicate::SGE,
            (Ge, false) => IntPredicate::UGE,
            (Eq, _) => IntPredicate::EQ,
            _ => IntPredicate::NE,
        };
        self.b.build_int_compare(p, a.into_int_value(), bv.into_int_value(), "")
    }

    fn float_binary(&self, op: BinaryOp, dt: DType, a: FloatValue<'ctx>, bv: FloatValue<'ctx>) -> R<FloatValue<'ctx>> {
        use BinaryOp::*;
        let b = self.b;
        Ok(match op {
            Add => b.build_float_add(a, bv, "")?,
            Sub => b.build_float_sub(a, bv, "")?,
            Mul => b.build_float_mul(a, bv, "")?,
            Div => b.build_float_div(a, bv, "")?,
            Minimum | Maximum | Fmin | Fmax => {
                // interp: minimum = a if nan(a), else b if nan(b), else (a < b ? a : b);
                // fmin = a if nan(b), else b if nan(a), else (a < b ? a : b). Ties pick b.
                let p = if matches!(op, Minimum | Fmin) { FloatPredicate::OLT } else { FloatPredicate::OGT };
                let c = b.build_float_compare(p, a, bv, "")?;
                let r = self.fsel(c, a, bv)?;
                let (na, nb) = (self.is_nan(a)?, self.is_nan(bv)?);
                if matches!(op, Minimum | Maximum) {
                    let r = self.fsel(nb, bv, r)?;
                    self.fsel(na, a, r)?
                } else {
                    let r = self.fsel(na, bv, r)?;
                    self.fsel(nb, a, r)?
                }
            }
            Copysign => self.fbinary("llvm.copysign", a, bv)?,
            FloorDiv | Mod | Fmod => self.float_division(op, dt, a, bv)?,
            Pow | Arctan2 | Hypot => self.math_binary(op, a, bv)?,
            _ => {
                let _ = dt;
                unreachable!("planned as a call or rejected")
            }
        })
    }

    /// NumPy `astype` (runtime `cast.rs`) from `from` to `to`.
    pub fn cast(&self, from: DType, to: DType, x: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        let b = self.b;
        if from == to {
            return Ok(x);
        }
        if to == DType::Bool {
            return Ok(self.truthy(from, x)?.into());
        }
        if from == DType::Bool {
            let xi = x.into_int_value();
            return Ok(if to.is_float() {
                b.build_unsigned_int_to_float(xi, self.fty(to), "")?.into()
            } else {
                b.build_int_z_extend(xi, self.ity(to), "")?.into()
            });
        }
        if from.is_integer() {
            let xi = x.into_int_value();
            let (fb, signed) = (from.itemsize() * 8, from.is_signed_int());
            if to.is_integer() {
                let tb = to.itemsize() * 8;
                return Ok(if tb > fb {
                    if signed {
                        b.build_int_s_extend(xi, self.ity(to), "")?.into()
                    } else {
                        b.build_int_z_extend(xi, self.ity(to), "")?.into()
                    }
                } else if tb < fb {
                    b.build_int_truncate(xi, self.ity(to), "")?.into()
                } else {
                    x
                });
            }
            // Integer to float: one correctly rounded conversion, as Rust's `as`.
            return Ok(if signed {
                b.build_signed_int_to_float(xi, self.fty(to), "")?.into()
            } else {
                b.build_unsigned_int_to_float(xi, self.fty(to), "")?.into()
            });
        }
        let xf = x.into_float_value();
        if to.is_float() {
            return Ok(if to == DType::Float64 {
                b.build_float_ext(xf, self.cx.f64_type(), "")?.into()
            } else {
                b.build_float_trunc(xf, self.cx.f32_type(), "")?.into()
            });
        }
        let v = if from == DType::Float32 { b.build_float_ext(xf, self.cx.f64_type(), "")? } else { xf };
        let f64t = DType::Float64;
        // runtime `float_to_i64`: NaN and values outside [-2^63, 2^63) give i64::MIN.
        let ge = b.build_float_compare(FloatPredicate::OGE, v, self.fconst(f64t, -9.223_372_036_854_776e18), "")?;
        let lt = b.build_float_compare(FloatPredicate::OLT, v, self.fconst(f64t, 9.223_372_036_854_776e18), "")?;
        let ok = b.build_and(ge, lt, "")?;
        // Convert a value that is in range in every case, so `fptosi` is never poison.
        let safe = self.fsel(ok, v, self.fconst(f64t, 0.0))?;
        let t = b.build_float_to_signed_int(safe, self.i64(), "")?;
        let min = self.i64().const_int(i64::MIN as u64, true);
        let r = self.isel(ok, t, min)?;
        Ok(match to {
            DType::Int64 => r.into(),
            DType::UInt64 => {
                // runtime `float_to_u64`: NaN and values ≥ 2^64 give 2^63; values in
                // [0, 2^64) convert as unsigned; negatives go through i64.
                let top = self.fconst(f64t, 1.844_674_407_370_955_2e19);
                let big = b.build_float_compare(FloatPredicate::UGE, v, top, "")?;
                let nonneg = b.build_float_compare(FloatPredicate::OGE, v, self.fconst(f64t, 0.0), "")?;
                let in_u = b.build_and(nonneg, b.build_not(big, "")?, "")?;
                let usafe = self.fsel(in_u, v, self.fconst(f64t, 0.0))?;
                let u = b.build_float_to_unsigned_int(usafe, self.i64(), "")?;
                let ru = self.isel(big, min, u)?;
                self.isel(nonneg, ru, r)?.into()
            }
            _ => b.build_int_truncate(r, self.ity(to), "")?.into(),
        })
    }
}
