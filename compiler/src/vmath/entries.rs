//! Instantiates every vectorised function for float64 and float32 (the float32 entries
//! widen to float64, run the float64 kernel and round once) and maps `(op, dtype)` to them.

use super::driver::{binary, unary};
use super::{BinarySlice, Isa, UnarySlice};
use crate::ops::{BinaryOp, UnaryOp};
use hpxl_runtime::DType;

unary!(exp_f64, |x: f64| explog::exp::<F>(x), rare: |x| false, fallback: f64::exp);
unary!(exp_f32, |x: f32| lite::exp::<F>(x), rare: |x| false, fallback: f32::exp);
unary!(exp2_f64, |x: f64| explog::exp2::<F>(x), rare: |x| false, fallback: f64::exp2);
unary!(exp2_f32, |x: f32| explog::exp2::<F>(x as f64) as f32, rare: |x| false, fallback: f32::exp2);
unary!(expm1_f64, |x: f64| explog::expm1::<F>(x), rare: |x| false, fallback: f64::exp_m1);
unary!(expm1_f32, |x: f32| explog::expm1::<F>(x as f64) as f32, rare: |x| false, fallback: f32::exp_m1);
unary!(log_f64, |x: f64| explog::log::<F>(x), rare: |x| false, fallback: f64::ln);
unary!(log_f32, |x: f32| lite::log::<F>(x), rare: |x| false, fallback: f32::ln);
unary!(log2_f64, |x: f64| explog::log2::<F>(x), rare: |x| false, fallback: f64::log2);
unary!(log2_f32, |x: f32| explog::log2::<F>(x as f64) as f32, rare: |x| false, fallback: f32::log2);
unary!(log10_f64, |x: f64| explog::log10::<F>(x), rare: |x| false, fallback: f64::log10);
unary!(log10_f32, |x: f32| explog::log10::<F>(x as f64) as f32, rare: |x| false, fallback: f32::log10);
unary!(log1p_f64, |x: f64| explog::log1p::<F>(x), rare: |x| false, fallback: f64::ln_1p);
unary!(log1p_f32, |x: f32| explog::log1p::<F>(x as f64) as f32, rare: |x| false, fallback: f32::ln_1p);
unary!(sin_f64, |x: f64| trig::sin::<F>(x), rare: |x| trig::trig_rare(x), fallback: f64::sin);
unary!(sin_f32, |x: f32| lite::sin::<F>(x), rare: |x| trig::trig_rare(x as f64), fallback: f32::sin);
unary!(cos_f64, |x: f64| trig::cos::<F>(x), rare: |x| trig::trig_rare(x), fallback: f64::cos);
unary!(cos_f32, |x: f32| lite::cos::<F>(x), rare: |x| trig::trig_rare(x as f64), fallback: f32::cos);
unary!(tan_f64, |x: f64| trig::tan::<F>(x), rare: |x| trig::trig_rare(x), fallback: f64::tan);
unary!(tan_f32, |x: f32| trig::tan::<F>(x as f64) as f32, rare: |x| trig::trig_rare(x as f64), fallback: f32::tan);
unary!(arcsin_f64, |x: f64| trig::asin::<F>(x), rare: |x| false, fallback: f64::asin);
unary!(arcsin_f32, |x: f32| trig::asin::<F>(x as f64) as f32, rare: |x| false, fallback: f32::asin);
unary!(arccos_f64, |x: f64| trig::acos::<F>(x), rare: |x| false, fallback: f64::acos);
unary!(arccos_f32, |x: f32| trig::acos::<F>(x as f64) as f32, rare: |x| false, fallback: f32::acos);
unary!(arctan_f64, |x: f64| trig::atan::<F>(x), rare: |x| false, fallback: f64::atan);
unary!(arctan_f32, |x: f32| trig::atan::<F>(x as f64) as f32, rare: |x| false, fallback: f32::atan);
unary!(sinh_f64, |x: f64| hyper::sinh::<F>(x), rare: |x| false, fallback: f64::sinh);
unary!(sinh_f32, |x: f32| hyper::sinh::<F>(x as f64) as f32, rare: |x| false, fallback: f32::sinh);
unary!(cosh_f64, |x: f64| hyper::cosh::<F>(x), rare: |x| false, fallback: f64::cosh);
unary!(cosh_f32, |x: f32| hyper::cosh::<F>(x as f64) as f32, rare: |x| false, fallback: f32::cosh);
unary!(tanh_f64, |x: f64| hyper::tanh::<F>(x), rare: |x| false, fallback: f64::tanh);
unary!(tanh_f32, |x: f32| lite::tanh::<F>(x), rare: |x| false, fallback: f32::tanh);
unary!(arcsinh_f64, |x: f64| hyper::asinh::<F>(x), rare: |x| false, fallback: f64::asinh);
unary!(arcsinh_f32, |x: f32| hyper::asinh::<F>(x as f64) as f32, rare: |x| false, fallback: f32::asinh);
unary!(arccosh_f64, |x: f64| hyper::acosh::<F>(x), rare: |x| false, fallback: f64::acosh);
unary!(arccosh_f32, |x: f32| hyper::acosh::<F>(x as f64) as f32, rare: |x| false, fallback: f32::acosh);
unary!(arctanh_f64, |x: f64| hyper::atanh::<F>(x), rare: |x| false, fallback: f64::atanh);
unary!(arctanh_f32, |x: f32| hyper::atanh::<F>(x as f64) as f32, rare: |x| false, fallback: f32::atanh);
unary!(cbrt_f64, |x: f64| powroot::cbrt::<F>(x), rare: |x| false, fallback: f64::cbrt);
unary!(cbrt_f32, |x: f32| powroot::cbrt::<F>(x as f64) as f32, rare: |x| false, fallback: f32::cbrt);
binary!(pow_f64, |a, b: f64| powroot::pow::<F>(a, b), rare: |a, b| powroot::pow_rare(a, b), fallback: f64::powf);
binary!(pow_f32, |a, b: f32| lite::pow::<F>(a, b), rare: |a, b| powroot::pow_rare(a as f64, b as f64), fallback: f32::powf);
binary!(arctan2_f64, |a, b: f64| trig::atan2::<F>(a, b), rare: |a, b| trig::atan2_rare(a, b), fallback: f64::atan2);
binary!(arctan2_f32, |a, b: f32| trig::atan2::<F>(a as f64, b as f64) as f32, rare: |a, b| trig::atan2_rare(a as f64, b as f64), fallback: f32::atan2);
binary!(hypot_f64, |a, b: f64| powroot::hypot::<F>(a, b), rare: |a, b| powroot::hypot_rare(a, b), fallback: f64::hypot);
binary!(hypot_f32, |a, b: f32| powroot::hypot::<F>(a as f64, b as f64) as f32, rare: |a, b| powroot::hypot_rare(a as f64, b as f64), fallback: f32::hypot);

/// The entry point of `op` on `dtype` for `isa`, if there is one.
pub(super) fn unary(op: UnaryOp, dtype: DType, isa: Isa) -> Option<UnarySlice> {
    let get: fn(Isa) -> UnarySlice = match (op, dtype) {
        (UnaryOp::Exp, DType::Float64) => exp_f64::get,
        (UnaryOp::Exp, DType::Float32) => exp_f32::get,
        (UnaryOp::Exp2, DType::Float64) => exp2_f64::get,
        (UnaryOp::Exp2, DType::Float32) => exp2_f32::get,
        (UnaryOp::Expm1, DType::Float64) => expm1_f64::get,
        (UnaryOp::Expm1, DType::Float32) => expm1_f32::get,
        (UnaryOp::Log, DType::Float64) => log_f64::get,
        (UnaryOp::Log, DType::Float32) => log_f32::get,
        (UnaryOp::Log2, DType::Float64) => log2_f64::get,
        (UnaryOp::Log2, DType::Float32) => log2_f32::get,
        (UnaryOp::Log10, DType::Float64) => log10_f64::get,
        (UnaryOp::Log10, DType::Float32) => log10_f32::get,
        (UnaryOp::Log1p, DType::Float64) => log1p_f64::get,
        (UnaryOp::Log1p, DType::Float32) => log1p_f32::get,
        (UnaryOp::Sin, DType::Float64) => sin_f64::get,
        (UnaryOp::Sin, DType::Float32) => sin_f32::get,
        (UnaryOp::Cos, DType::Float64) => cos_f64::get,
        (UnaryOp::Cos, DType::Float32) => cos_f32::get,
        (UnaryOp::Tan, DType::Float64) => tan_f64::get,
        (UnaryOp::Tan, DType::Float32) => tan_f32::get,
        (UnaryOp::Arcsin, DType::Float64) => arcsin_f64::get,
        (UnaryOp::Arcsin, DType::Float32) => arcsin_f32::get,
        (UnaryOp::Arccos, DType::Float64) => arccos_f64::get,
        (UnaryOp::Arccos, DType::Float32) => arccos_f32::get,
        (UnaryOp::Arctan, DType::Float64) => arctan_f64::get,
        (UnaryOp::Arctan, DType::Float32) => arctan_f32::get,
        (UnaryOp::Sinh, DType::Float64) => sinh_f64::get,
        (UnaryOp::Sinh, DType::Float32) => sinh_f32::get,
        (UnaryOp::Cosh, DType::Float64) => cosh_f64::get,
        (UnaryOp::Cosh, DType::Float32) => cosh_f32::get,
        (UnaryOp::Tanh, DType::Float64) => tanh_f64::get,
        (UnaryOp::Tanh, DType::Float32) => tanh_f32::get,
        (UnaryOp::Arcsinh, DType::Float64) => arcsinh_f64::get,
        (UnaryOp::Arcsinh, DType::Float32) => arcsinh_f32::get,
        (UnaryOp::Arccosh, DType::Float64) => arccosh_f64::get,
        (UnaryOp::Arccosh, DType::Float32) => arccosh_f32::get,
        (UnaryOp::Arctanh, DType::Float64) => arctanh_f64::get,
        (UnaryOp::Arctanh, DType::Float32) => arctanh_f32::get,
        (UnaryOp::Cbrt, DType::Float64) => cbrt_f64::get,
        (UnaryOp::Cbrt, DType::Float32) => cbrt_f32::get,
        _ => return None,
    };
    Some(get(isa))
}

/// The entry point of `op` on `dtype` for `isa`, if there is one.
pub(super) fn binary(op: BinaryOp, dtype: DType, isa: Isa) -> Option<BinarySlice> {
    let get: fn(Isa) -> BinarySlice = match (op, dtype) {
        (BinaryOp::Pow, DType::Float64) => pow_f64::get,
        (BinaryOp::Pow, DType::Float32) => pow_f32::get,
        (BinaryOp::Arctan2, DType::Float64) => arctan2_f64::get,
        (BinaryOp::Arctan2, DType::Float32) => arctan2_f32::get,
        (BinaryOp::Hypot, DType::Float64) => hypot_f64::get,
        (BinaryOp::Hypot, DType::Float32) => hypot_f32::get,
        _ => return None,
    };
    Some(get(isa))
}
