//! Float32 kernels for the most used functions (exp, log, sin, cos, tanh, power): float64
//! arithmetic with polynomials only as long as float32 needs, rounded once at the end.
//! The other float32 functions run the full float64 kernel and round. Accuracy: at most
//! 1 ulp in the tests (bound 2), see `docs/accuracy.md`.

use super::common::*;
use super::explog::{log_decompose, log_specials};
use super::powroot::pow_sign;

/// `expm1(r) = r + r^2/2 + r^3 P(r)` on [-ln2/2, ln2/2]: degree-4 fit, relative error 4.8e-8
/// (of a term below 2% of the result).
pub(crate) const EXPM1_P: [f64; 5] =
    [0.16666666666666666, 0.041666554662050534, 0.008333320892150258, 0.001392617611993558, 0.00019882690043715679];
/// `log(1+f) = 2s + s w T(w)`: degree-3 fit, relative error 1.7e-9 (of a term below 1%).
pub(crate) const LOG_T: [f64; 4] = [0.6666666655449709, 0.40000121839806124, 0.28550820815960665, 0.23330467216303835];
/// `sin r = r + r^3 S(r^2)`, |r| <= π/4: degree-3 fit, relative error 1.7e-10.
pub(crate) const SIN_S: [f64; 4] =
    [-0.1666666666385529, 0.008333331874710208, -0.00019840086735384846, 2.724992580305979e-06];
/// `cos r = 1 - r^2/2 + r^4 C(r^2)`, |r| <= π/4: degree-3 fit, relative error 5.7e-11.
pub(crate) const COS_C: [f64; 4] =
    [0.0416666666643212, -0.001388888767201679, 2.480060037715673e-05, -2.730095920390147e-07];
const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
/// π/2 = PIO2_1 + PIO2_2 to 2^-86, the first with 33 bits so that k * PIO2_1 is exact.
pub(crate) const PIO2_1: f64 = 1.5707963267341256;
pub(crate) const PIO2_2: f64 = 6.077100506506192e-11;

/// `(k, expm1(x - k ln2))` for |x| <= 300.
#[inline(always)]
fn exp_reduce<const F: bool>(x: f64) -> (f64, f64) {
    let k = mla::<F>(x, INV_LN2, SHIFT) - SHIFT;
    let r = mla::<F>(-k, LN2, x);
    (k, mla::<F>(r * r, mla::<F>(r, poly::<F, 5>(r, &EXPM1_P), 0.5), r))
}

/// `exp(t)` for float32 results (t clamped to the range where they are finite nonzero).
#[inline(always)]
fn exp64<const F: bool>(t: f64) -> f64 {
    let tc = sel(t > 89.0, 89.0, sel(t < -104.0, -104.0, t));
    let (k, p) = exp_reduce::<F>(tc);
    (1.0 + p) * pow2i(k)
}

/// `exp(x)`, float32.
#[inline(always)]
pub(crate) fn exp<const F: bool>(x: f32) -> f32 {
    exp64::<F>(x as f64) as f32
}

/// `ln(x)` of a float32 value held in float64, to about 2^-50 relative.
#[inline(always)]
fn log64<const F: bool>(x: f64) -> f64 {
    let (k, z) = log_decompose(x);
    let f = z - 1.0;
    let s = f / (2.0 + f);
    let w = s * s;
    let r = w * poly::<F, 4>(w, &LOG_T);
    let hfsq = 0.5 * f * f;
    log_specials(x, mla::<F>(k, LN2, f - (hfsq - s * (hfsq + r))))
}

/// `ln(x)`, float32.
#[inline(always)]
pub(crate) fn log<const F: bool>(x: f32) -> f32 {
    log64::<F>(x as f64) as f32
}

/// `(sin r, cos r, q)` for x = k π/2 + r, q = k mod 4 in the low bits; |x| <= `TRIG_BOUND`.
#[inline(always)]
fn sincos<const F: bool>(x: f64) -> (f64, f64, u64) {
    let kk = mla::<F>(x, TWO_OVER_PI, SHIFT);
    let k = kk - SHIFT;
    let r = mla::<F>(-k, PIO2_2, x - k * PIO2_1);
    let w = r * r;
    let s = mla::<F>(r * w, poly::<F, 4>(w, &SIN_S), r);
    let c = mla::<F>(w * w, poly::<F, 4>(w, &COS_C), mla::<F>(-0.5, w, 1.0));
    (s, c, kk.to_bits())
}

/// `sin(x)`, float32, |x| <= `TRIG_BOUND`.
#[inline(always)]
pub(crate) fn sin<const F: bool>(x: f32) -> f32 {
    let (s, c, q) = sincos::<F>(x as f64);
    let v = f64::from_bits(sel(q & 1 != 0, c, s).to_bits() ^ ((q & 2) << 62));
    if x == 0.0 {
        x
    } else {
        v as f32
    }
}

/// `cos(x)`, float32, |x| <= `TRIG_BOUND`.
#[inline(always)]
pub(crate) fn cos<const F: bool>(x: f32) -> f32 {
    let (s, c, q) = sincos::<F>(x as f64);
    f64::from_bits(sel(q & 1 != 0, s, c).to_bits() ^ ((q.wrapping_add(1) & 2) << 62)) as f32
}

/// `tanh(x)`, float32: expm1(2|x|) / (expm1(2|x|) + 2), ±1 beyond |x| = 10.
#[inline(always)]
pub(crate) fn tanh<const F: bool>(x: f32) -> f32 {
    let a = (x as f64).abs();
    let ac = sel(a > 10.0, 10.0, a);
    let (k, p) = exp_reduce::<F>(2.0 * ac);
    let e = (p + (1.0 - pow2i(-k))) * pow2i(k);
    let v = copysign(e / (e + 2.0), x as f64) as f32;
    if x == 0.0 {
        x
    } else {
        v
    }
}

/// `pow(x, y)`, float32, for finite nonzero x (see `powroot::pow_rare`).
#[inline(always)]
pub(crate) fn pow<const F: bool>(x: f32, y: f32) -> f32 {
    let (x, y) = (x as f64, y as f64);
    let v = exp64::<F>(y * log64::<F>(x.abs()));
    pow_sign(x, y, v) as f32
}
