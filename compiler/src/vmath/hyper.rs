//! Hyperbolic functions and their inverses in float64, built on the exp and log
//! reductions of `explog.rs`. Method and accuracy: `docs/accuracy.md`.

use super::common::*;
use super::explog::{exp_reduce, log_with};

/// `(expm1(a), exp(a)/2)` for a in [0, 711] (nan passes through): one reduction serves
/// both; the first is only accurate for a < 40, the second overflows only past 710.47.
#[inline(always)]
fn expm1_and_half_exp<const F: bool>(a: f64) -> (f64, f64) {
    let (k, p) = exp_reduce::<F>(a);
    let kc = sel(k > 60.0, 60.0, k);
    let em1 = (p + (1.0 - pow2i(-kc))) * pow2i(kc);
    (em1, scale(1.0 + p, k - 1.0))
}

/// `tanh(x)`, float64: expm1(2|x|) / (expm1(2|x|) + 2), with tanh = ±1 beyond |x| = 20.
#[inline(always)]
pub(super) fn tanh<const F: bool>(x: f64) -> f64 {
    let a = x.abs();
    let ac = sel(a > 20.0, 20.0, a);
    let (k, p) = exp_reduce::<F>(2.0 * ac);
    // k is in [0, 58] here, so 1 - 2^-k and 2^k are single constructions.
    let e = (p + (1.0 - pow2i(-k))) * pow2i(k);
    let v = copysign(e / (e + 2.0), x);
    sel(x == 0.0, x, v)
}

/// `sinh(x)`, float64: (t + t/(t+1))/2 with t = expm1|x| below 22, exp|x|/2 above.
#[inline(always)]
pub(super) fn sinh<const F: bool>(x: f64) -> f64 {
    let a = x.abs();
    let ac = sel(a > 711.0, 711.0, a);
    let (t, half_exp) = expm1_and_half_exp::<F>(ac);
    let small = 0.5 * (t + t / (t + 1.0));
    let v = copysign(sel(ac < 22.0, small, half_exp), x);
    sel(x == 0.0, x, v)
}

/// `cosh(x)`, float64: exp|x|/2 + 1/(2 exp|x|).
#[inline(always)]
pub(super) fn cosh<const F: bool>(x: f64) -> f64 {
    let a = x.abs();
    let ac = sel(a > 711.0, 711.0, a);
    let (_, h) = expm1_and_half_exp::<F>(ac);
    h + 0.25 / h
}

/// `arcsinh(x)`, float64: log1p(|x| + x^2/(1 + sqrt(1 + x^2))), or log|x| + ln2 past 2^28.
#[inline(always)]
pub(super) fn asinh<const F: bool>(x: f64) -> f64 {
    let a = x.abs();
    let big = a > 268435456.0;
    let y = a + a * a / (1.0 + (1.0 + a * a).sqrt());
    let u = 1.0 + y;
    let c = sel(u >= 2.0, 1.0 - (u - y), y - (u - 1.0)) / u;
    let v = log_with::<F>(sel(big, a, u), sel(big, 1.0, 0.0), sel(big, 0.0, c));
    copysign(v, x)
}

/// `arccosh(x)`, float64: log1p(t + sqrt(2t + t^2)) with t = x - 1, or log x + ln2 past
/// 2^28; nan below 1.
#[inline(always)]
pub(super) fn acosh<const F: bool>(x: f64) -> f64 {
    let big = x > 268435456.0;
    let t = x - 1.0;
    let y = t + (2.0 * t + t * t).sqrt();
    let u = 1.0 + y;
    let c = sel(u >= 2.0, 1.0 - (u - y), y - (u - 1.0)) / u;
    let v = log_with::<F>(sel(big, x, u), sel(big, 1.0, 0.0), sel(big, 0.0, c));
    sel(x < 1.0, f64::NAN, v)
}

/// `arctanh(x)`, float64: log1p(2|x| + 2x^2/(1-|x|))/2 below 1/2, log1p(2|x|/(1-|x|))/2
/// above; ±inf at ±1, nan beyond.
#[inline(always)]
pub(super) fn atanh<const F: bool>(x: f64) -> f64 {
    let a = x.abs();
    let d = 1.0 - a;
    let y = sel(a < 0.5, 2.0 * a + 2.0 * a * a / d, 2.0 * a / d);
    let u = 1.0 + y;
    let c = sel(u >= 2.0, 1.0 - (u - y), y - (u - 1.0)) / u;
    let v = 0.5 * log_with::<F>(u, 0.0, c);
    copysign(v, x)
}
