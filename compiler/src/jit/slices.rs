//! Slice functions the generated code calls for operations it does not inline: one
//! `extern "C"` loop per (op, loop dtype), built from the interp backend's own scalar
//! functions (`interp::num`), so results are bitwise equal to the interp backend.
//!
//! The signatures are `vmath`'s ([`UnarySlice`], [`BinarySlice`]): element pointers as
//! bytes and a count; `out` may be exactly an input (in place), never a partial overlap.
//! Every pointer is aligned for its element type.

use crate::interp::{Float, Num};
use crate::ops::{BinaryOp, UnaryOp};
use crate::vmath::{BinarySlice, UnarySlice};
use hpxl_runtime::DType;

/// A scalar function of one element, as a type (so the slice loop is monomorphised).
trait UnFn<T> {
    fn f(x: T) -> T;
}

/// A scalar function of two elements, as a type.
trait BinFn<T> {
    fn f(a: T, b: T) -> T;
}

/// `out[i] = F(x[i])` for `i < n`.
///
/// # Safety
/// `x` and `out` point to `n` aligned elements of `T`; they are equal or disjoint.
unsafe extern "C" fn unary_loop<T: Copy, F: UnFn<T>>(x: *const u8, out: *mut u8, n: usize) {
    let (x, out) = (x as *const T, out as *mut T);
    for i in 0..n {
        // SAFETY: the caller guarantees `n` valid elements behind both pointers; each
        // element is read before the same index is written.
        unsafe { out.add(i).write(F::f(x.add(i).read())) };
    }
}

/// `out[i] = F(a[i], b[i])` for `i < n`.
///
/// # Safety
/// `a`, `b` and `out` point to `n` aligned elements of `T`; `out` is equal to or
/// disjoint from each input.
unsafe extern "C" fn binary_loop<T: Copy, F: BinFn<T>>(a: *const u8, b: *const u8, out: *mut u8, n: usize) {
    let (a, b, out) = (a as *const T, b as *const T, out as *mut T);
    for i in 0..n {
        // SAFETY: as in `unary_loop`.
        unsafe { out.add(i).write(F::f(a.add(i).read(), b.add(i).read())) };
    }
}

macro_rules! unary_fns {
    ($($name:ident: $bound:ident, |$x:ident| $e:expr;)*) => {$(
        struct $name;
        impl<T: $bound> UnFn<T> for $name {
            #[inline(always)]
            fn f($x: T) -> T {
                $e
            }
        }
    )*};
}

macro_rules! binary_fns {
    ($($name:ident: $bound:ident, |$a:ident, $b:ident| $e:expr;)*) => {$(
        struct $name;
        impl<T: $bound> BinFn<T> for $name {
            #[inline(always)]
            fn f($a: T, $b: T) -> T {
                $e
            }
        }
    )*};
}

unary_fns! {
    UNeg: Num, |x| T::neg(x);
    UId: Num, |x| x;
    UInvert: Num, |x| T::invert(x);
    UAbs: Num, |x| T::abs(x);
    USign: Num, |x| T::sign(x);
    USquare: Num, |x| T::mul(x, x);
    UReciprocal: Num, |x| T::reciprocal(x);
    UFloor: Num, |x| T::floor(x);
    UCeil: Num, |x| T::ceil(x);
    UTrunc: Num, |x| T::trunc(x);
    URint: Num, |x| T::rint(x);
    USqrt: Float, |x| T::sqrt(x);
    UCbrt: Float, |x| T::cbrt(x);
    UExp: Float, |x| T::exp(x);
    UExp2: Float, |x| T::exp2(x);
    UExpm1: Float, |x| T::expm1(x);
    ULog: Float, |x| T::ln(x);
    ULog2: Float, |x| T::log2(x);
    ULog10: Float, |x| T::log10(x);
    ULog1p: Float, |x| T::log1p(x);
    USin: Float, |x| T::sin(x);
    UCos: Float, |x| T::cos(x);
    UTan: Float, |x| T::tan(x);
    UAsin: Float, |x| T::asin(x);
    UAcos: Float, |x| T::acos(x);
    UAtan: Float, |x| T::atan(x);
    USinh: Float, |x| T::sinh(x);
    UCosh: Float, |x| T::cosh(x);
    UTanh: Float, |x| T::tanh(x);
    UAsinh: Float, |x| T::asinh(x);
    UAcosh: Float, |x| T::acosh(x);
    UAtanh: Float, |x| T::atanh(x);
    UDeg2Rad: Float, |x| T::deg2rad(x);
    URad2Deg: Float, |x| T::rad2deg(x);
}

binary_fns! {
    BAdd: Num, |a, b| T::add(a, b);
    BSub: Num, |a, b| T::sub(a, b);
    BMul: Num, |a, b| T::mul(a, b);
    BFloorDiv: Num, |a, b| T::floordiv(a, b);
    BRem: Num, |a, b| T::rem(a, b);
    BFmod: Num, |a, b| T::fmod(a, b);
    BMinimum: Num, |a, b| T::minimum(a, b);
    BMaximum: Num, |a, b| T::maximum(a, b);
    BFmin: Num, |a, b| T::fmin(a, b);
    BFmax: Num, |a, b| T::fmax(a, b);
    BAnd: Num, |a, b| T::bitand(a, b);
    BOr: Num, |a, b| T::bitor(a, b);
    BXor: Num, |a, b| T::bitxor(a, b);
    BShl: Num, |a, b| T::shl(a, b);
    BShr: Num, |a, b| T::shr(a, b);
    BDiv: Float, |a, b| T::div(a, b);
    BPow: Float, |a, b| T::pow(a, b);
    BAtan2: Float, |a, b| T::atan2(a, b);
    BHypot: Float, |a, b| T::hypot(a, b);
    BCopysign: Float, |a, b| T::copysign(a, b);
}

fn float_unary<T: Float>(op: UnaryOp) -> Option<UnarySlice> {
    use UnaryOp::*;
    let f: UnarySlice = match op {
        Neg => unary_loop::<T, UNeg>,
        Pos => unary_loop::<T, UId>,
        Abs => unary_loop::<T, UAbs>,
        Sign => unary_loop::<T, USign>,
        Sqrt => unary_loop::<T, USqrt>,
        Cbrt => unary_loop::<T, UCbrt>,
        Square => unary_loop::<T, USquare>,
        Reciprocal => unary_loop::<T, UReciprocal>,
        Exp => unary_loop::<T, UExp>,
        Exp2 => unary_loop::<T, UExp2>,
        Expm1 => unary_loop::<T, UExpm1>,
        Log => unary_loop::<T, ULog>,
        Log2 => unary_loop::<T, ULog2>,
        Log10 => unary_loop::<T, ULog10>,
        Log1p => unary_loop::<T, ULog1p>,
        Sin => unary_loop::<T, USin>,
        Cos => unary_loop::<T, UCos>,
        Tan => unary_loop::<T, UTan>,
        Arcsin => unary_loop::<T, UAsin>,
        Arccos => unary_loop::<T, UAcos>,
        Arctan => unary_loop::<T, UAtan>,
        Sinh => unary_loop::<T, USinh>,
        Cosh => unary_loop::<T, UCosh>,
        Tanh => unary_loop::<T, UTanh>,
        Arcsinh => unary_loop::<T, UAsinh>,
        Arccosh => unary_loop::<T, UAcosh>,
        Arctanh => unary_loop::<T, UAtanh>,
        Deg2Rad => unary_loop::<T, UDeg2Rad>,
        Rad2Deg => unary_loop::<T, URad2Deg>,
        Floor => unary_loop::<T, UFloor>,
        Ceil => unary_loop::<T, UCeil>,
        Trunc => unary_loop::<T, UTrunc>,
        Rint => unary_loop::<T, URint>,
        Invert | LogicalNot | IsNan | IsInf | IsFinite | Signbit => return None,
    };
    Some(f)
}

fn int_unary<T: Num>(op: UnaryOp) -> Option<UnarySlice> {
    use UnaryOp::*;
    let f: UnarySlice = match op {
        Neg => unary_loop::<T, UNeg>,
        Pos | Floor | Ceil | Trunc | Rint => unary_loop::<T, UId>,
        Invert => unary_loop::<T, UInvert>,
        Abs => unary_loop::<T, UAbs>,
        Sign => unary_loop::<T, USign>,
        Square => unary_loop::<T, USquare>,
        Reciprocal => unary_loop::<T, UReciprocal>,
        _ => return None,
    };
    Some(f)
}

fn float_binary<T: Float>(op: BinaryOp) -> Option<BinarySlice> {
    use BinaryOp::*;
    let f: BinarySlice = match op {
        Add => binary_loop::<T, BAdd>,
        Sub => binary_loop::<T, BSub>,
        Mul => binary_loop::<T, BMul>,
        Div => binary_loop::<T, BDiv>,
        FloorDiv => binary_loop::<T, BFloorDiv>,
        Mod => binary_loop::<T, BRem>,
        Fmod => binary_loop::<T, BFmod>,
        Pow => binary_loop::<T, BPow>,
        Minimum => binary_loop::<T, BMinimum>,
        Maximum => binary_loop::<T, BMaximum>,
        Fmin => binary_loop::<T, BFmin>,
        Fmax => binary_loop::<T, BFmax>,
        Arctan2 => binary_loop::<T, BAtan2>,
        Hypot => binary_loop::<T, BHypot>,
        Copysign => binary_loop::<T, BCopysign>,
        _ => return None,
    };
    Some(f)
}

/// Integer power is absent on purpose: it raises for negative exponents, which a slice
/// function cannot report, so such kernels stay on the interp backend.
fn int_binary<T: Num>(op: BinaryOp) -> Option<BinarySlice> {
    use BinaryOp::*;
    let f: BinarySlice = match op {
        Add => binary_loop::<T, BAdd>,
        Sub => binary_loop::<T, BSub>,
        Mul => binary_loop::<T, BMul>,
        FloorDiv => binary_loop::<T, BFloorDiv>,
        Mod => binary_loop::<T, BRem>,
        Fmod => binary_loop::<T, BFmod>,
        Minimum | Fmin => binary_loop::<T, BMinimum>,
        Maximum | Fmax => binary_loop::<T, BMaximum>,
        BitAnd => binary_loop::<T, BAnd>,
        BitOr => binary_loop::<T, BOr>,
        BitXor => binary_loop::<T, BXor>,
        LShift => binary_loop::<T, BShl>,
        RShift => binary_loop::<T, BShr>,
        _ => return None,
    };
    Some(f)
}

/// The interp-exact slice function of `op` in loop dtype `dtype`, for the ops whose
/// result has the loop dtype (not the bool-valued ones); `None` when the interp backend
/// has no such loop or it is never called (bool loops, integer power).
pub(crate) fn unary_fn(op: UnaryOp, dtype: DType) -> Option<UnarySlice> {
    match dtype {
        DType::Float32 => float_unary::<f32>(op),
        DType::Float64 => float_unary::<f64>(op),
        DType::Int8 => int_unary::<i8>(op),
        DType::Int16 => int_unary::<i16>(op),
        DType::Int32 => int_unary::<i32>(op),
        DType::Int64 => int_unary::<i64>(op),
        DType::UInt8 => int_unary::<u8>(op),
        DType::UInt16 => int_unary::<u16>(op),
        DType::UInt32 => int_unary::<u32>(op),
        DType::UInt64 => int_unary::<u64>(op),
        DType::Bool => None,
    }
}

/// See [`unary_fn`].
pub(crate) fn binary_fn(op: BinaryOp, dtype: DType) -> Option<BinarySlice> {
    match dtype {
        DType::Float32 => float_binary::<f32>(op),
        DType::Float64 => float_binary::<f64>(op),
        DType::Int8 => int_binary::<i8>(op),
        DType::Int16 => int_binary::<i16>(op),
        DType::Int32 => int_binary::<i32>(op),
        DType::Int64 => int_binary::<i64>(op),
        DType::UInt8 => int_binary::<u8>(op),
        DType::UInt16 => int_binary::<u16>(op),
        DType::UInt32 => int_binary::<u32>(op),
        DType::UInt64 => int_binary::<u64>(op),
        DType::Bool => None,
    }
}
