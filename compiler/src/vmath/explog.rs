//! Exponentials and logarithms in float64: exp, exp2, expm1, log, log2, log10, log1p, and
//! the shared reductions (`exp_reduce`, `log_with`) that the hyperbolic functions and
//! power build on. Method and measured accuracy: `docs/accuracy.md`.

use super::common::*;

/// `expm1(r) = r + r^2/2 + r^3 P(r)` on [-ln2/2, ln2/2]: degree-9 Chebyshev fit
/// (mpmath `chebyfit`, `scripts/gen_vmath_cases.py fit`), relative error 1.3e-16.
pub(crate) const EXPM1_P: [f64; 10] = [
    0.16666666666666669,
    0.041666666666666664,
    0.008333333333330065,
    0.0013888888888886554,
    0.00019841269863040545,
    2.4801587317135164e-05,
    2.7557268480310024e-06,
    2.755728298405588e-07,
    2.5100375832561234e-08,
    2.091122972975856e-09,
];

/// `log(1+f) = 2s + s w T(w)` with `s = f/(2+f)`, `w = s^2` in [0, (3-2√2)^2]: degree-6
/// Chebyshev fit, relative error 4.7e-16 (of a term below 1% of the result).
pub(crate) const LOG_T: [f64; 7] = [
    0.666666666666667,
    0.39999999999899505,
    0.28571428625975487,
    0.2222221113479508,
    0.18182889125261723,
    0.15331721600556042,
    0.14616449685043406,
];

/// `log10(2)` split so that `k * LOG10_2_HI` is exact for |k| < 2^21.
pub(crate) const LOG10_2_HI: f64 = 0.3010299956658855;
pub(crate) const LOG10_2_LO: f64 = -1.9043128467164274e-12;
pub(crate) const INV_LN10: f64 = std::f64::consts::LOG10_E;

/// Splits finite `x` into `k` (integer-valued) and `p` with `x = k ln2 + r`, |r| <= ln2/2,
/// and `p = expm1(r)` to within 1 ulp relative. `x` must lie in [-1100, 1100].
#[inline(always)]
pub(super) fn exp_reduce<const F: bool>(x: f64) -> (f64, f64) {
    let k = mla::<F>(x, INV_LN2, SHIFT) - SHIFT;
    // `k * LN2_HI` is exact and `x - k * LN2_HI` too (Sterbenz), so r has one rounding.
    let r = mla::<F>(-k, LN2_LO, x - k * LN2_HI);
    (k, expm1_poly::<F>(r))
}

/// `expm1(r)` for |r| <= ln2/2 (a little beyond is harmless).
#[inline(always)]
pub(super) fn expm1_poly<const F: bool>(r: f64) -> f64 {
    mla::<F>(r * r, mla::<F>(r, poly::<F, 10>(r, &EXPM1_P), 0.5), r)
}

/// `exp(x)`, float64, at most 1 ulp (see `docs/accuracy.md`).
#[inline(always)]
pub(super) fn exp<const F: bool>(x: f64) -> f64 {
    // Beyond these bounds the result is inf or 0 anyway; NaN passes both comparisons.
    let xc = sel(x > 710.0, 710.0, sel(x < -746.0, -746.0, x));
    let (k, p) = exp_reduce::<F>(xc);
    scale(1.0 + p, k)
}

/// `2^x`, float64.
#[inline(always)]
pub(super) fn exp2<const F: bool>(x: f64) -> f64 {
    let xc = sel(x > 1025.0, 1025.0, sel(x < -1080.0, -1080.0, x));
    let k = round_int(xc);
    let r = xc - k;
    // |r * ln2| <= 0.35: the expm1 polynomial on the reduced argument (k = 0 there).
    scale(1.0 + expm1_poly::<F>(r * LN2), k)
}

/// `exp(x) - 1`, float64, accurate near 0.
#[inline(always)]
pub(super) fn expm1<const F: bool>(x: f64) -> f64 {
    let xc = sel(x > 710.0, 710.0, sel(x < -50.0, -50.0, x));
    let (k, p) = exp_reduce::<F>(xc);
    // expm1(x) = 2^k (p + (1 - 2^-k)); 1 - 2^-k is exact for k in [-53, 53] and the
    // rounding beyond that is below the result's last bit.
    let kc = sel(k > 60.0, 60.0, k);
    let y = scale(p + (1.0 - pow2i(-kc)), k);
    sel(x == 0.0, x, y)
}

/// Splits positive finite `x` into an integer-valued `k` and `z` in [√2/2, √2) with
/// `x = 2^k z`; subnormals are scaled first. Other inputs give garbage for the caller to
/// replace.
#[inline(always)]
pub(super) fn log_decompose(x: f64) -> (f64, f64) {
    let sub = x < f64::MIN_POSITIVE;
    let xs = sel(sub, x * 4503599627370496.0, x);
    let ix = xs.to_bits();
    // Biased by 2^62 so the shift is a logical one (AVX2 has no 64-bit arithmetic shift).
    let tmp = ix.wrapping_add((0x400u64 << 52).wrapping_sub(0x3fe6a09e667f3bcd));
    let kraw = tmp >> 52;
    let iz = ix.wrapping_sub(kraw << 52).wrapping_add(0x400 << 52);
    let k = f64::from_bits(0x4330000000000000 | kraw) - (4503599627370496.0 + 1024.0);
    (k - sel(sub, 52.0, 0.0), f64::from_bits(iz))
}

/// The parts of `log(z)`, z in [√2/2, √2): `log z = f - (hfsq - s (hfsq + r))`.
#[inline(always)]
fn log_parts<const F: bool>(z: f64) -> (f64, f64, f64, f64) {
    let f = z - 1.0;
    let s = f / (2.0 + f);
    let w = s * s;
    let r = w * poly::<F, 7>(w, &LOG_T);
    let hfsq = 0.5 * f * f;
    (f, s, hfsq, r)
}

/// The IEEE special cases of every logarithm of `x`: inf, -inf at 0, nan below 0.
#[inline(always)]
pub(super) fn log_specials(x: f64, y: f64) -> f64 {
    let y = sel(x == INF, INF, y);
    let y = sel(x == 0.0, -INF, y);
    sel(x < 0.0 || x.is_nan(), f64::NAN, y)
}

/// `log(x) + (k_extra ln2 + c)` where `c` is a small correction (log1p passes the part of
/// its argument lost when forming `1 + x`, divided by `1 + x`), with log's special cases.
#[inline(always)]
pub(super) fn log_with<const F: bool>(x: f64, k_extra: f64, c: f64) -> f64 {
    let (k, z) = log_decompose(x);
    let k = k + k_extra;
    let (f, s, hfsq, r) = log_parts::<F>(z);
    let y = k * LN2_HI - ((hfsq - mla::<F>(s, hfsq + r, mla::<F>(k, LN2_LO, c))) - f);
    log_specials(x, y)
}

/// `ln(x)`, float64.
#[inline(always)]
pub(super) fn log<const F: bool>(x: f64) -> f64 {
    log_with::<F>(x, 0.0, 0.0)
}

/// `log2(x)`, float64; exact at powers of two.
#[inline(always)]
pub(super) fn log2<const F: bool>(x: f64) -> f64 {
    let (k, z) = log_decompose(x);
    let (f, s, hfsq, r) = log_parts::<F>(z);
    let lz = f - (hfsq - s * (hfsq + r));
    log_specials(x, mla::<F>(lz, INV_LN2, k))
}

/// `log10(x)`, float64.
#[inline(always)]
pub(super) fn log10<const F: bool>(x: f64) -> f64 {
    let (k, z) = log_decompose(x);
    let (f, s, hfsq, r) = log_parts::<F>(z);
    let lz = f - (hfsq - s * (hfsq + r));
    log_specials(x, k * LOG10_2_HI + mla::<F>(lz, INV_LN10, k * LOG10_2_LO))
}

/// `log(1 + x)`, float64, accurate near 0.
#[inline(always)]
pub(super) fn log1p<const F: bool>(x: f64) -> f64 {
    let u = 1.0 + x;
    // The part of x that the rounding of 1 + x lost (exact), relative to u.
    let c = sel(u >= 2.0, 1.0 - (u - x), x - (u - 1.0)) / u;
    let y = log_with::<F>(u, 0.0, c);
    sel(x == 0.0, x, y)
}
