//! Circular functions in float64: sin, cos, tan (Cody-Waite reduction by π/2 for
//! |x| <= `TRIG_BOUND`, larger arguments go to libm in the driver's second pass), and the
//! inverses arcsin, arccos, arctan, arctan2. Method and accuracy: `docs/accuracy.md`.

use super::common::*;

/// Above this magnitude sin/cos/tan are recomputed by libm: k = round(x 2/π) stays below
/// 2^20, which keeps the three 33-bit pieces of π/2 exact when multiplied by k.
pub(crate) const TRIG_BOUND: f64 = 1.6e6;

pub(crate) const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
/// π/2 = C1 + C2 + C3 + C4, the first three with 33 significant bits each.
pub(crate) const C1: f64 = 1.5707963267341256;
pub(crate) const C2: f64 = 6.077100506303966e-11;
pub(crate) const C3: f64 = 2.0222662487111665e-21;
pub(crate) const C4: f64 = 8.4784276603689e-32;

/// `sin r = r + r^3 S(r^2)` on |r| <= π/4: degree-5 Chebyshev fit, relative error 2.0e-16.
pub(crate) const SIN_S: [f64; 6] = [
    -0.16666666666666666,
    0.008333333333330948,
    -0.00019841269836758574,
    2.755731610255244e-06,
    -2.5051131845003624e-08,
    1.5918129294866608e-10,
];
/// `cos r = 1 - r^2/2 + r^4 C(r^2)` on |r| <= π/4: degree-5 fit, relative error 5.7e-17.
pub(crate) const COS_C: [f64; 6] = [
    0.041666666666666664,
    -0.0013888888888887398,
    2.480158729876569e-05,
    -2.7557317271729793e-07,
    2.08761462684032e-09,
    -1.1382632425521717e-11,
];
/// `atan t = t + t^3 A(t^2)` on |t| <= tan(π/8): degree-10 fit, relative error 1.4e-16.
pub(crate) const ATAN_A: [f64; 11] = [
    -0.3333333333333333,
    0.1999999999999552,
    -0.14285714284666542,
    0.11111111015256361,
    -0.09090904578123903,
    0.07692183190826087,
    -0.06664511447381948,
    0.0585814891280221,
    -0.0508544973794026,
    0.03923165829558719,
    -0.01917688711906226,
];
/// `asin t = t + t^3 B(t^2)` on |t| <= 1/2: degree-12 fit, relative error 1.2e-16.
pub(crate) const ASIN_B: [f64; 13] = [
    0.16666666666666669,
    0.07499999999998433,
    0.04464285714635543,
    0.030381944138531247,
    0.02237217294214989,
    0.017352392720869973,
    0.013971212973552933,
    0.011479177415184906,
    0.01032281435018578,
    0.005457506718640358,
    0.01740087944269402,
    -0.014851887071247204,
    0.028757851367421566,
];
pub(crate) const TAN_PI_8: f64 = 0.41421356237309503;
pub(crate) const TAN_3PI_8: f64 = 2.414213562373095;

/// Whether sin/cos/tan of `x` is left to libm (huge, inf or nan).
#[inline(always)]
pub(crate) fn trig_rare(x: f64) -> bool {
    x.abs() > TRIG_BOUND || x.is_nan()
}

/// `(r, q)`: x = k π/2 + r with |r| <= π/4 (slightly more near ties), q's low bits k mod 4.
#[inline(always)]
fn reduce_pio2<const F: bool>(x: f64) -> (f64, u64) {
    let kk = mla::<F>(x, TWO_OVER_PI, SHIFT);
    let k = kk - SHIFT;
    // Each product is exact and each subtraction exact or rounded relative to the
    // (shrinking) remainder, so r is good to about an ulp even next to multiples of π/2.
    let r = ((x - k * C1) - k * C2) - k * C3;
    (mla::<F>(-k, C4, r), kk.to_bits())
}

/// `(sin r, cos r)` for |r| <= π/4.
#[inline(always)]
fn sincos_poly<const F: bool>(r: f64) -> (f64, f64) {
    let w = r * r;
    let s = mla::<F>(r * w, poly::<F, 6>(w, &SIN_S), r);
    let c = mla::<F>(w * w, poly::<F, 6>(w, &COS_C), mla::<F>(-0.5, w, 1.0));
    (s, c)
}

/// Flips the sign of `v` when bit 1 of `q` is set.
#[inline(always)]
fn negate_if_bit1(v: f64, q: u64) -> f64 {
    f64::from_bits(v.to_bits() ^ ((q & 2) << 62))
}

/// `sin(x)`, float64, |x| <= `TRIG_BOUND`.
#[inline(always)]
pub(crate) fn sin<const F: bool>(x: f64) -> f64 {
    let (r, q) = reduce_pio2::<F>(x);
    let (s, c) = sincos_poly::<F>(r);
    let v = negate_if_bit1(sel(q & 1 != 0, c, s), q);
    sel(x == 0.0, x, v)
}

/// `cos(x)`, float64, |x| <= `TRIG_BOUND`.
#[inline(always)]
pub(crate) fn cos<const F: bool>(x: f64) -> f64 {
    let (r, q) = reduce_pio2::<F>(x);
    let (s, c) = sincos_poly::<F>(r);
    negate_if_bit1(sel(q & 1 != 0, s, c), q.wrapping_add(1))
}

/// `tan(x)`, float64, |x| <= `TRIG_BOUND`: sin r / cos r, or -cos r / sin r in odd quadrants.
#[inline(always)]
pub(crate) fn tan<const F: bool>(x: f64) -> f64 {
    let (r, q) = reduce_pio2::<F>(x);
    let (s, c) = sincos_poly::<F>(r);
    let odd = q & 1 != 0;
    let v = sel(odd, c, s) / sel(odd, -s, c);
    sel(x == 0.0, x, v)
}

/// `atan(t) - t` for |t| <= tan(π/8), as `t * (t^2 A(t^2))`.
#[inline(always)]
fn atan_tail<const F: bool>(t: f64) -> f64 {
    let w = t * t;
    t * (w * poly::<F, 11>(w, &ATAN_A))
}

/// `arctan(x)`, float64: reduced to |t| <= tan(π/8) by atan(a) = π/4 + atan((a-1)/(a+1))
/// or π/2 + atan(-1/a), with one division.
#[inline(always)]
pub(crate) fn atan<const F: bool>(x: f64) -> f64 {
    let a = x.abs();
    let big = a > TAN_3PI_8;
    let mid = a > TAN_PI_8;
    let num = sel(big, -1.0, sel(mid, a - 1.0, a));
    let den = sel(big, a, sel(mid, a + 1.0, 1.0));
    let t = num / den;
    let base_hi = sel(big, PIO2_HI, sel(mid, PIO4_HI, 0.0));
    let base_lo = sel(big, PIO2_LO, sel(mid, PIO4_LO, 0.0));
    copysign(base_hi + (t + (atan_tail::<F>(t) + base_lo)), x)
}

/// Whether arctan2(y, x) is left to libm: zeros, infinities, nans (the C99 special cases),
/// and magnitudes where `|x| + |y|` could overflow.
#[inline(always)]
pub(crate) fn atan2_rare(y: f64, x: f64) -> bool {
    let m = 8.98846567431158e307; // 2^1023
    !(x.abs() < m && y.abs() < m) || x == 0.0 || y == 0.0
}

/// `arctan2(y, x)`, float64, for finite nonzero arguments (see `atan2_rare`).
#[inline(always)]
pub(crate) fn atan2<const F: bool>(y: f64, x: f64) -> f64 {
    let ax = x.abs();
    let ay = y.abs();
    let swap = ay > ax;
    let num = sel(swap, ax, ay);
    let den = sel(swap, ay, ax);
    // atan(num/den) with num <= den; above tan(π/8) use π/4 + atan((num-den)/(num+den)).
    let mid = num > TAN_PI_8 * den;
    let t = sel(mid, num - den, num) / sel(mid, num + den, den);
    let th = sel(mid, PIO4_HI, 0.0) + (t + (atan_tail::<F>(t) + sel(mid, PIO4_LO, 0.0)));
    let th = sel(swap, (PIO2_HI - th) + PIO2_LO, th);
    let th = sel(x < 0.0, (PI_HI - th) + PI_LO, th);
    copysign(th, y)
}

/// `(p, big, s)`: p = asin of the reduced argument, `big` when |x| > 1/2, where
/// asin|x| = π/2 - 2 asin(s) with s = sqrt((1-|x|)/2); otherwise p = asin|x|.
#[inline(always)]
fn asin_core<const F: bool>(x: f64) -> (f64, bool) {
    let a = x.abs();
    let big = a > 0.5;
    let z = sel(big, (1.0 - a) * 0.5, a * a);
    let s = sel(big, z.sqrt(), a);
    (mla::<F>(s * z, poly::<F, 13>(z, &ASIN_B), s), big)
}

/// `arcsin(x)`, float64 (nan outside [-1, 1]).
#[inline(always)]
pub(crate) fn asin<const F: bool>(x: f64) -> f64 {
    let (p, big) = asin_core::<F>(x);
    let v = sel(big, PIO2_HI - (2.0 * p - PIO2_LO), p);
    copysign(v, x)
}

/// `arccos(x)`, float64 (nan outside [-1, 1]).
#[inline(always)]
pub(crate) fn acos<const F: bool>(x: f64) -> f64 {
    let (p, big) = asin_core::<F>(x);
    let ps = copysign(p, x);
    // |x| <= 1/2: π/2 - asin x; x > 1/2: 2 asin s; x < -1/2: π - 2 asin s.
    let small = PIO2_HI - (ps - PIO2_LO);
    let neg = PI_HI - (2.0 * p - PI_LO);
    sel(big, sel(x < 0.0, neg, 2.0 * p), small)
}
