//! Instruction-level lowering: one kir instruction on one element (`lanes == 1`) or on a
//! 128-bit vector of elements, bitwise equal to the interp backend (`interp::num`).
//!
//! Representation: a scalar bool is an `i8` holding 0 or 1; a vector bool is a lane mask
//! (all ones / all zeros) whose lanes are as wide as the kernel's other values. In
//! memory a bool is always one byte, 0 or 1. Vector loops only exist when every non-bool
//! value of the kernel has the same element width (`width`), so every vector value has
//! the same lane count. Operations without a native vector lowering run lane by lane.

use crate::kir::InstKind;
use crate::ops::{BinaryOp, UnaryOp};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::FunctionBuilder;
use hpxl_runtime::DType;

/// The Cranelift type of one element of `dt` (bool: `i8`).
pub(super) fn scalar_ty(dt: DType) -> Type {
    match dt {
        DType::Bool | DType::Int8 | DType::UInt8 => types::I8,
        DType::Int16 | DType::UInt16 => types::I16,
        DType::Int32 | DType::UInt32 => types::I32,
        DType::Int64 | DType::UInt64 => types::I64,
        DType::Float32 => types::F32,
        DType::Float64 => types::F64,
    }
}

/// The signed integer dtype as wide as `dt`.
fn int_of(dt: DType) -> DType {
    match dt.itemsize() {
        1 => DType::Int8,
        2 => DType::Int16,
        4 => DType::Int32,
        _ => DType::Int64,
    }
}

/// Element accesses never trap (the executor guarantees the addresses) but need not be
/// 16-byte aligned, so loads must not be folded into aligned SSE memory operands.
fn mem() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// The instruction emitter: a function builder plus the kernel's vector element width.
pub(super) struct Em<'b> {
    pub b: FunctionBuilder<'b>,
    width: u32,
}

impl<'b> Em<'b> {
    pub fn new(b: FunctionBuilder<'b>, width: u32) -> Em<'b> {
        Em { b, width }
    }

    /// The type of a `dt` value with `lanes` lanes.
    pub fn ty(&self, dt: DType, lanes: u32) -> Type {
        if lanes == 1 {
            return scalar_ty(dt);
        }
        let lane = if dt == DType::Bool { self.mask_lane() } else { scalar_ty(dt) };
        lane.by(lanes).expect("128-bit vector type")
    }

    fn mask_lane(&self) -> Type {
        Type::int((8 * self.width) as u16).expect("integer lane type")
    }

    // ---- constants and lane plumbing -------------------------------------------------

    fn iconst_s(&mut self, ty: Type, v: i64) -> Value {
        let bits = ty.bits();
        let v = if bits < 64 { v & ((1i64 << bits) - 1) } else { v };
        self.b.ins().iconst(ty, v)
    }

    fn int_const(&mut self, dt: DType, lanes: u32, v: i64) -> Value {
        let s = self.iconst_s(scalar_ty(dt), v);
        self.splat(dt, lanes, s)
    }

    fn float_const(&mut self, dt: DType, lanes: u32, v: f64) -> Value {
        let s = if dt == DType::Float32 { self.b.ins().f32const(v as f32) } else { self.b.ins().f64const(v) };
        self.splat(dt, lanes, s)
    }

    fn bool_const(&mut self, lanes: u32, v: bool) -> Value {
        let s = self.b.ins().iconst(types::I8, v as i64);
        self.splat(DType::Bool, lanes, s)
    }

    /// A scalar bool (0/1 in `i8`) as a mask lane (0/-1).
    fn bool_lane(&mut self, s: Value) -> Value {
        let lane = self.mask_lane();
        let wide = if lane == types::I8 { s } else { self.b.ins().uextend(lane, s) };
        self.b.ins().ineg(wide)
    }

    /// `s` (a scalar of `dt`) in every lane.
    pub fn splat(&mut self, dt: DType, lanes: u32, s: Value) -> Value {
        if lanes == 1 {
            return s;
        }
        let s = if dt == DType::Bool { self.bool_lane(s) } else { s };
        let ty = self.ty(dt, lanes);
        self.b.ins().splat(ty, s)
    }

    /// A vector of `dt` from one scalar per lane.
    pub fn vector_of(&mut self, dt: DType, lanes: u32, scalars: &[Value]) -> Value {
        if lanes == 1 {
            return scalars[0];
        }
        let ty = self.ty(dt, lanes);
        let lane_vals: Vec<Value> =
            if dt == DType::Bool { scalars.iter().map(|&s| self.bool_lane(s)).collect() } else { scalars.to_vec() };
        let mut v = self.b.ins().splat(ty, lane_vals[0]);
        for (l, &s) in lane_vals.iter().enumerate().skip(1) {
            v = self.b.ins().insertlane(v, s, l as u8);
        }
        v
    }

    /// Lane `l` of `x` as a scalar of `dt` (bool: 0/1).
    fn lane(&mut self, dt: DType, x: Value, l: u32) -> Value {
        let e = self.b.ins().extractlane(x, l as u8);
        if dt == DType::Bool {
            self.b.ins().icmp_imm_s(IntCC::NotEqual, e, 0)
        } else {
            e
        }
    }

    /// Runs the scalar lowering `f` lane by lane.
    fn per_lane(
        &mut self,
        lanes: u32,
        ins: &[(Value, DType)],
        out: DType,
        f: impl Fn(&mut Self, &[Value]) -> Value,
    ) -> Value {
        if lanes == 1 {
            let vals: Vec<Value> = ins.iter().map(|p| p.0).collect();
            return f(self, &vals);
        }
        let mut outs = Vec::with_capacity(lanes as usize);
        for l in 0..lanes {
            let vals: Vec<Value> = ins.iter().map(|&(v, dt)| self.lane(dt, v, l)).collect();
            outs.push(f(self, &vals));
        }
        self.vector_of(out, lanes, &outs)
    }

    /// A scalar parameter of `dt` from its argument word (see `kir::param_bits`).
    pub fn param_value(&mut self, dt: DType, raw: Value) -> Value {
        match dt {
            DType::Float64 => self.b.ins().bitcast(types::F64, MemFlagsData::new(), raw),
            DType::Float32 => {
                let r = self.b.ins().ireduce(types::I32, raw);
                self.b.ins().bitcast(types::F32, MemFlagsData::new(), r)
            }
            DType::Int64 | DType::UInt64 => raw,
            other => self.b.ins().ireduce(scalar_ty(other), raw),
        }
    }

    // ---- memory ------------------------------------------------------------------------

    /// Loads `lanes` consecutive elements of `dt` at `addr`.
    pub fn load(&mut self, dt: DType, lanes: u32, addr: Value) -> Value {
        if lanes == 1 || dt != DType::Bool {
            let ty = self.ty(dt, lanes);
            return self.b.ins().load(ty, mem(), addr, 0);
        }
        match self.width {
            1 => {
                let v = self.b.ins().load(types::I8X16, mem(), addr, 0);
                self.b.ins().ineg(v)
            }
            2 => {
                let v = self.b.ins().uload8x8(mem(), addr, 0);
                self.b.ins().ineg(v)
            }
            _ => {
                let s: Vec<Value> = (0..lanes).map(|l| self.b.ins().load(types::I8, mem(), addr, l as i32)).collect();
                self.vector_of(dt, lanes, &s)
            }
        }
    }

    /// Stores `lanes` consecutive elements of `dt` at `addr`.
    pub fn store(&mut self, dt: DType, lanes: u32, x: Value, addr: Value) {
        if lanes == 1 || dt != DType::Bool {
            self.b.ins().store(mem(), x, addr, 0);
            return;
        }
        if self.width == 1 {
            let one = self.int_const(DType::Int8, lanes, 1);
            let bytes = self.b.ins().band(x, one);
            self.b.ins().store(mem(), bytes, addr, 0);
            return;
        }
        for l in 0..lanes {
            let s = self.lane(DType::Bool, x, l);
            self.b.ins().store(mem(), s, addr, l as i32);
        }
    }

    /// Loads `lanes` elements of `dt` at `addr`, `addr + step`, ….
    pub fn load_strided(&mut self, dt: DType, lanes: u32, addr: Value, step: Value) -> Value {
        if lanes == 1 {
            return self.load(dt, 1, addr);
        }
        let mut s = Vec::with_capacity(lanes as usize);
        let mut p = addr;
        for l in 0..lanes {
            if l > 0 {
                p = self.b.ins().iadd(p, step);
            }
            s.push(self.load(dt, 1, p));
        }
        self.vector_of(dt, lanes, &s)
    }

    /// Stores `lanes` elements of `dt` at `addr`, `addr + step`, ….
    pub fn store_strided(&mut self, dt: DType, lanes: u32, x: Value, addr: Value, step: Value) {
        if lanes == 1 {
            self.store(dt, 1, x, addr);
            return;
        }
        let mut p = addr;
        for l in 0..lanes {
            if l > 0 {
                p = self.b.ins().iadd(p, step);
            }
            let s = self.lane(dt, x, l);
            self.store(dt, 1, s, p);
        }
    }

    // ---- instructions ------------------------------------------------------------------

    /// Lowers one inline instruction of result dtype `dt`; `ops` are its operands.
    pub fn inst(&mut self, kind: &InstKind, dt: DType, ops: &[(Value, DType)], lanes: u32) -> Value {
        match *kind {
            InstKind::Unary { op, .. } => self.unary(op, ops[0].1, ops[0].0, lanes),
            InstKind::Binary { op, .. } => self.binary(op, ops[0].1, ops[0].0, ops[1].0, lanes),
            InstKind::Cast { .. } => self.cast(ops[0].1, dt, ops[0].0, lanes),
            InstKind::Select { .. } => self.select(dt, lanes, ops[0].0, ops[1].0, ops[2].0),
            InstKind::Load { .. } | InstKind::Param { .. } | InstKind::Index { .. } => {
                unreachable!("leaves are lowered by the loop code")
            }
        }
    }

    fn bool_not(&mut self, x: Value, lanes: u32) -> Value {
        if lanes == 1 {
            self.b.ins().bxor_imm_s(x, 1)
        } else {
            self.b.ins().bnot(x)
        }
    }

    /// NumPy truthiness: `x != 0` (NaN is true).
    fn truthy(&mut self, dt: DType, x: Value, lanes: u32) -> Value {
        if dt == DType::Bool {
            x
        } else if dt.is_float() {
            let z = self.float_const(dt, lanes, 0.0);
            self.b.ins().fcmp(FloatCC::NotEqual, x, z)
        } else {
            let z = self.int_const(dt, lanes, 0);
            self.b.ins().icmp(IntCC::NotEqual, x, z)
        }
    }

    /// `c ? a : b` for values of `dt`; `c` is a bool.
    fn select(&mut self, dt: DType, lanes: u32, c: Value, a: Value, b: Value) -> Value {
        if lanes == 1 {
            return self.b.ins().select(c, a, b);
        }
        let c = if dt.is_float() {
            let ty = self.ty(dt, lanes);
            self.b.ins().bitcast(ty, MemFlagsData::new(), c)
        } else {
            c
        };
        self.b.ins().bitselect(c, a, b)
    }

    fn is_nan(&mut self, x: Value) -> Value {
        self.b.ins().fcmp(FloatCC::Unordered, x, x)
    }

    fn unary(&mut self, op: UnaryOp, dt: DType, x: Value, lanes: u32) -> Value {
        use UnaryOp::*;
        if lanes > 1 && op == Square && dt.is_integer() && dt.itemsize() == 1 {
            return self.per_lane(lanes, &[(x, dt)], dt, |s, v| s.unary(op, dt, v[0], 1));
        }
        let signed = dt.is_signed_int();
        match op {
            IsNan if dt.is_float() => self.is_nan(x),
            IsInf | IsFinite if dt.is_float() => {
                let a = self.b.ins().fabs(x);
                let inf = self.float_const(dt, lanes, f64::INFINITY);
                let cc = if op == IsInf { FloatCC::Equal } else { FloatCC::LessThan };
                self.b.ins().fcmp(cc, a, inf)
            }
            IsNan | IsInf => self.bool_const(lanes, false),
            IsFinite => self.bool_const(lanes, true),
            Signbit if dt.is_float() => {
                let it = int_of(dt);
                let ty = self.ty(it, lanes);
                let bits = self.b.ins().bitcast(ty, MemFlagsData::new(), x);
                let z = self.int_const(it, lanes, 0);
                self.b.ins().icmp(IntCC::SignedLessThan, bits, z)
            }
            Signbit if signed => {
                let z = self.int_const(dt, lanes, 0);
                self.b.ins().icmp(IntCC::SignedLessThan, x, z)
            }
            Signbit => self.bool_const(lanes, false),
            LogicalNot => {
                let t = self.truthy(dt, x, lanes);
                self.bool_not(t, lanes)
            }
            Invert if dt == DType::Bool => self.bool_not(x, lanes),
            _ if dt == DType::Bool => x,
            _ if dt.is_float() => self.float_unary(op, dt, x, lanes),
            Neg => self.b.ins().ineg(x),
            Invert => self.b.ins().bnot(x),
            Abs if signed => {
                let z = self.int_const(dt, lanes, 0);
                let neg = self.b.ins().icmp(IntCC::SignedLessThan, x, z);
                let m = self.b.ins().ineg(x);
                self.select(dt, lanes, neg, m, x)
            }
            Sign => {
                let z = self.int_const(dt, lanes, 0);
                let one = self.int_const(dt, lanes, 1);
                let gt_cc = if signed { IntCC::SignedGreaterThan } else { IntCC::UnsignedGreaterThan };
                let gt = self.b.ins().icmp(gt_cc, x, z);
                let r = if signed {
                    let m1 = self.int_const(dt, lanes, -1);
                    let lt = self.b.ins().icmp(IntCC::SignedLessThan, x, z);
                    self.select(dt, lanes, lt, m1, z)
                } else {
                    z
                };
                self.select(dt, lanes, gt, one, r)
            }
            Square => self.b.ins().imul(x, x),
            // Pos, Floor, Ceil, Trunc, Rint and unsigned Abs are the identity on integers.
            _ => x,
        }
    }

    fn float_unary(&mut self, op: UnaryOp, dt: DType, x: Value, lanes: u32) -> Value {
        use UnaryOp::*;
        let f64_ = dt == DType::Float64;
        match op {
            Neg => self.b.ins().fneg(x),
            Abs => self.b.ins().fabs(x),
            Sqrt => self.b.ins().sqrt(x),
            Square => self.b.ins().fmul(x, x),
            Reciprocal => {
                let one = self.float_const(dt, lanes, 1.0);
                self.b.ins().fdiv(one, x)
            }
            Deg2Rad | Rad2Deg => {
                // The interp multiplies by the constant folded in the element type.
                let c = match (op, f64_) {
                    (Deg2Rad, true) => std::f64::consts::PI / 180.0,
                    (Deg2Rad, false) => (std::f32::consts::PI / 180.0) as f64,
                    (_, true) => 180.0 / std::f64::consts::PI,
                    (_, false) => (180.0 / std::f32::consts::PI) as f64,
                };
                let c = self.float_const(dt, lanes, c);
                self.b.ins().fmul(x, c)
            }
            Floor => self.b.ins().floor(x),
            Ceil => self.b.ins().ceil(x),
            Trunc => self.b.ins().trunc(x),
            Rint => self.b.ins().nearest(x),
            Sign => {
                let z = self.float_const(dt, lanes, 0.0);
                let one = self.float_const(dt, lanes, 1.0);
                let m1 = self.float_const(dt, lanes, -1.0);
                let eq = self.b.ins().fcmp(FloatCC::Equal, x, z);
                let r = self.select(dt, lanes, eq, z, x);
                let lt = self.b.ins().fcmp(FloatCC::LessThan, x, z);
                let r = self.select(dt, lanes, lt, m1, r);
                let gt = self.b.ins().fcmp(FloatCC::GreaterThan, x, z);
                self.select(dt, lanes, gt, one, r)
            }
            // Pos; calls never reach here.
            _ => x,
        }
    }

    fn binary(&mut self, op: BinaryOp, dt: DType, a: Value, b: Value, lanes: u32) -> Value {
        use BinaryOp::*;
        let per_lane = matches!(op, LShift | RShift) || (op == Mul && dt.is_integer() && dt.itemsize() == 1);
        if lanes > 1 && per_lane {
            return self.per_lane(lanes, &[(a, dt), (b, dt)], dt, |s, v| s.binary(op, dt, v[0], v[1], 1));
        }
        if op.is_comparison() {
            return self.compare(op, dt, a, b, lanes);
        }
        if matches!(op, LogicalAnd | LogicalOr | LogicalXor) {
            let x = self.truthy(dt, a, lanes);
            let y = self.truthy(dt, b, lanes);
            return match op {
                LogicalAnd => self.b.ins().band(x, y),
                LogicalOr => self.b.ins().bor(x, y),
                _ => self.b.ins().bxor(x, y),
            };
        }
        if dt == DType::Bool {
            return match op {
                Mul | Minimum | Fmin | BitAnd => self.b.ins().band(a, b),
                BitXor => self.b.ins().bxor(a, b),
                // Add, Maximum, Fmax, BitOr.
                _ => self.b.ins().bor(a, b),
            };
        }
        if dt.is_float() {
            return self.float_binary(op, dt, a, b, lanes);
        }
        let signed = dt.is_signed_int();
        match op {
            Add => self.b.ins().iadd(a, b),
            Sub => self.b.ins().isub(a, b),
            Mul => self.b.ins().imul(a, b),
            BitAnd => self.b.ins().band(a, b),
            BitOr => self.b.ins().bor(a, b),
            BitXor => self.b.ins().bxor(a, b),
            Minimum | Fmin | Maximum | Fmax => {
                let cc = match (matches!(op, Minimum | Fmin), signed) {
                    (true, true) => IntCC::SignedLessThan,
                    (true, false) => IntCC::UnsignedLessThan,
                    (false, true) => IntCC::SignedGreaterThan,
                    (false, false) => IntCC::UnsignedGreaterThan,
                };
                let c = self.b.ins().icmp(cc, a, b);
                self.select(dt, lanes, c, a, b)
            }
            LShift | RShift => {
                // NumPy: counts outside [0, bits) give 0 (or -1 for a negative `a >> n`).
                let bits = dt.itemsize() as i64 * 8;
                let nbits = self.int_const(dt, 1, bits);
                let ok = self.b.ins().icmp(IntCC::UnsignedLessThan, b, nbits);
                let (shifted, fill) = if op == LShift {
                    (self.b.ins().ishl(a, b), self.int_const(dt, 1, 0))
                } else if signed {
                    (self.b.ins().sshr(a, b), self.b.ins().sshr_imm_s(a, bits - 1))
                } else {
                    (self.b.ins().ushr(a, b), self.int_const(dt, 1, 0))
                };
                self.b.ins().select(ok, shifted, fill)
            }
            _ => unreachable!("planned as a call or rejected"),
        }
    }

    fn compare(&mut self, op: BinaryOp, dt: DType, a: Value, b: Value, lanes: u32) -> Value {
        use BinaryOp::*;
        if dt == DType::Bool {
            // false < true; works on 0/1 bytes and on lane masks alike.
            return match op {
                Lt => {
                    let na = self.bool_not(a, lanes);
                    self.b.ins().band(na, b)
                }
                Le => {
                    let na = self.bool_not(a, lanes);
                    self.b.ins().bor(na, b)
                }
                Gt => {
                    let nb = self.bool_not(b, lanes);
                    self.b.ins().band(a, nb)
                }
                Ge => {
                    let nb = self.bool_not(b, lanes);
                    self.b.ins().bor(a, nb)
                }
                Eq => {
                    let x = self.b.ins().bxor(a, b);
                    self.bool_not(x, lanes)
                }
                _ => self.b.ins().bxor(a, b),
            };
        }
        if dt.is_float() {
            let cc = match op {
                Lt => FloatCC::LessThan,
                Le => FloatCC::LessThanOrEqual,
                Gt => FloatCC::GreaterThan,
                Ge => FloatCC::GreaterThanOrEqual,
                Eq => FloatCC::Equal,
                _ => FloatCC::NotEqual,
            };
            return self.b.ins().fcmp(cc, a, b);
        }
        let signed = dt.is_signed_int();
        let cc = match (op, signed) {
            (Lt, true) => IntCC::SignedLessThan,
            (Lt, false) => IntCC::UnsignedLessThan,
            (Le, true) => IntCC::SignedLessThanOrEqual,
            (Le, false) => IntCC::UnsignedLessThanOrEqual,
            (Gt, true) => IntCC::SignedGreaterThan,
            (Gt, false) => IntCC::UnsignedGreaterThan,
            (Ge, true) => IntCC::SignedGreaterThanOrEqual,
            (Ge, false) => IntCC::UnsignedGreaterThanOrEqual,
            (Eq, _) => IntCC::Equal,
            _ => IntCC::NotEqual,
        };
        self.b.ins().icmp(cc, a, b)
    }

    fn float_binary(&mut self, op: BinaryOp, dt: DType, a: Value, b: Value, lanes: u32) -> Value {
        use BinaryOp::*;
        match op {
            Add => self.b.ins().fadd(a, b),
            Sub => self.b.ins().fsub(a, b),
            Mul => self.b.ins().fmul(a, b),
            Div => self.b.ins().fdiv(a, b),
            Minimum | Maximum | Fmin | Fmax => {
                // interp: minimum = a if nan(a), else b if nan(b), else (a < b ? a : b);
                // fmin = a if nan(b), else b if nan(a), else (a < b ? a : b). Ties pick b.
                let cc = if matches!(op, Minimum | Fmin) { FloatCC::LessThan } else { FloatCC::GreaterThan };
                let c = self.b.ins().fcmp(cc, a, b);
                let r = self.select(dt, lanes, c, a, b);
                let (na, nb) = (self.is_nan(a), self.is_nan(b));
                if matches!(op, Minimum | Maximum) {
                    let r = self.select(dt, lanes, nb, b, r);
                    self.select(dt, lanes, na, a, r)
                } else {
                    let r = self.select(dt, lanes, na, b, r);
                    self.select(dt, lanes, nb, a, r)
                }
            }
            Copysign => {
                if lanes == 1 {
                    return self.b.ins().fcopysign(a, b);
                }
                let it = int_of(dt);
                let ty = self.ty(it, lanes);
                let ai = self.b.ins().bitcast(ty, MemFlagsData::new(), a);
                let bi = self.b.ins().bitcast(ty, MemFlagsData::new(), b);
                let sign = self.int_const(it, lanes, i64::MIN >> (64 - dt.itemsize() * 8));
                let r = self.b.ins().bitselect(sign, bi, ai);
                let fty = self.ty(dt, lanes);
                self.b.ins().bitcast(fty, MemFlagsData::new(), r)
            }
            _ => unreachable!("planned as a call or rejected"),
        }
    }

    /// NumPy `astype` (runtime `cast.rs`) from `from` to `to`.
    fn cast(&mut self, from: DType, to: DType, x: Value, lanes: u32) -> Value {
        if from == to {
            return x;
        }
        if to == DType::Bool {
            return self.truthy(from, x, lanes);
        }
        if lanes > 1 {
            // Vector loops have one element width, so both dtypes have it.
            if from == DType::Bool {
                let it = int_of(to);
                let one = if to.is_float() {
                    let bits = if to == DType::Float32 { 1f32.to_bits() as i64 } else { 1f64.to_bits() as i64 };
                    self.int_const(it, lanes, bits)
                } else {
                    self.int_const(it, lanes, 1)
                };
                let r = self.b.ins().band(x, one);
                if to.is_float() {
                    let ty = self.ty(to, lanes);
                    return self.b.ins().bitcast(ty, MemFlagsData::new(), r);
                }
                return r;
            }
            if from.is_integer() && to.is_integer() {
                return x;
            }
            return self.per_lane(lanes, &[(x, from)], to, |s, v| s.cast(from, to, v[0], 1));
        }
        let to_ty = scalar_ty(to);
        if from == DType::Bool {
            if to.is_float() {
                let e = self.b.ins().uextend(types::I32, x);
                return self.b.ins().fcvt_from_sint(to_ty, e);
            }
            return if to_ty == types::I8 { x } else { self.b.ins().uextend(to_ty, x) };
        }
        if from.is_integer() {
            let fb = from.itemsize() * 8;
            if to.is_integer() {
                let tb = to.itemsize() * 8;
                return if tb > fb {
                    if from.is_signed_int() {
                        self.b.ins().sextend(to_ty, x)
                    } else {
                        self.b.ins().uextend(to_ty, x)
                    }
                } else if tb < fb {
                    self.b.ins().ireduce(to_ty, x)
                } else {
                    x
                };
            }
            // Integer to float: one correctly rounded conversion, as Rust's `as`.
            return if from.is_signed_int() {
                let e = if fb < 32 { self.b.ins().sextend(types::I32, x) } else { x };
                self.b.ins().fcvt_from_sint(to_ty, e)
            } else if fb < 32 {
                let e = self.b.ins().uextend(types::I32, x);
                self.b.ins().fcvt_from_sint(to_ty, e)
            } else if fb == 32 {
                let e = self.b.ins().uextend(types::I64, x);
                self.b.ins().fcvt_from_sint(to_ty, e)
            } else {
                self.b.ins().fcvt_from_uint(to_ty, x)
            };
        }
        // From a float.
        if to.is_float() {
            return if to == DType::Float64 { self.b.ins().fpromote(to_ty, x) } else { self.b.ins().fdemote(to_ty, x) };
        }
        let v = if from == DType::Float32 { self.b.ins().fpromote(types::F64, x) } else { x };
        // runtime `float_to_i64`: NaN and values outside [-2^63, 2^63) give i64::MIN.
        let lo = self.b.ins().f64const(-9.223_372_036_854_776e18);
        let hi = self.b.ins().f64const(9.223_372_036_854_776e18);
        let ge = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, v, lo);
        let lt = self.b.ins().fcmp(FloatCC::LessThan, v, hi);
        let ok = self.b.ins().band(ge, lt);
        let t = self.b.ins().fcvt_to_sint_sat(types::I64, v);
        let min = self.b.ins().iconst(types::I64, i64::MIN);
        let r = self.b.ins().select(ok, t, min);
        match to {
            DType::Int64 => r,
            DType::UInt64 => {
                // runtime `float_to_u64`: NaN and values ≥ 2^64 give 2^63; negatives go
                // through i64.
                let top = self.b.ins().f64const(1.844_674_407_370_955_2e19);
                let big = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, v, top);
                let u = self.b.ins().fcvt_to_uint_sat(types::I64, v);
                let ru = self.b.ins().select(big, min, u);
                let z = self.b.ins().f64const(0.0);
                let nonneg = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, v, z);
                self.b.ins().select(nonneg, ru, r)
            }
            _ => self.b.ins().ireduce(to_ty, r),
        }
    }
}
