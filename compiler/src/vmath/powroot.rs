//! Power, hypot and cube root in float64. `pow` computes log|x| in double-double and
//! `exp` of the double-double product y log|x|; zeros, infinities and nans go to libm in
//! the driver's second pass (`pow_rare`). Method and accuracy: `docs/accuracy.md`.

use super::common::*;
use super::explog::expm1_poly;

/// `log z = 2s + (2/3)s^3 + s^5 R(s^2)`, s^2 in [0, (3-2√2)^2]: degree-6 Chebyshev fit,
/// relative error 7.5e-16 of a term below 2^-12 of the result.
pub(crate) const POW_LOG_R: [f64; 7] = [
    0.40000000000000024,
    0.2857142857133856,
    0.2222222227107745,
    0.18181808251607398,
    0.1538557450045883,
    0.13285967273890614,
    0.1291349606680315,
];
pub(crate) const TWO_THIRDS_HI: f64 = 0.6666666666666666;
pub(crate) const TWO_THIRDS_LO: f64 = 3.700743415417188e-17;
pub(crate) const TWO_52: f64 = 4503599627370496.0;
pub(crate) const TWO_53: f64 = 9007199254740992.0;

/// Whether pow(x, y) is left to libm: x zero or non-finite, y non-finite or beyond 2^900
/// (where every result is 0, 1 or inf and the double-double product could overflow).
#[inline(always)]
pub(crate) fn pow_rare(x: f64, y: f64) -> bool {
    !(x.abs() <= f64::MAX && y.abs() <= 8.452712498170644e270) || x == 0.0
}

/// `(hi, lo)` with hi + lo = ln|x| to about 2^-64 relative, for finite nonzero x.
#[inline(always)]
fn log_dd<const F: bool>(x: f64) -> (f64, f64) {
    let a = x.abs();
    let sub = a < f64::MIN_POSITIVE;
    let xs = sel(sub, a * TWO_52, a);
    let ix = xs.to_bits();
    let tmp = ix.wrapping_add((0x400u64 << 52).wrapping_sub(0x3fe6a09e667f3bcd));
    let kraw = tmp >> 52;
    let z = f64::from_bits(ix.wrapping_sub(kraw << 52).wrapping_add(0x400 << 52));
    let k = f64::from_bits(0x4330000000000000 | kraw) - (TWO_52 + 1024.0) - sel(sub, 52.0, 0.0);

    // s = (z - 1)/(z + 1) in double-double; z - 1 is exact and z + 1 = dh + dl exactly.
    let num = z - 1.0;
    let (dh, dl) = fast_two_sum(1.0, z);
    let sh = num / dh;
    let (ph, pl) = two_prod::<F>(sh, dh);
    let sl = (((num - ph) - pl) - sh * dl) / dh;

    // s^2, s^3 and (2/3) s^3 in double-double; the s^5 term in double is enough.
    let (wh, we) = two_prod::<F>(sh, sh);
    let wl = mla::<F>(2.0 * sh, sl, we);
    let (ch, ce) = two_prod::<F>(wh, sh);
    let cl = ce + mla::<F>(wh, sl, wl * sh);
    let (th, te) = two_prod::<F>(ch, TWO_THIRDS_HI);
    let tl = te + mla::<F>(ch, TWO_THIRDS_LO, cl * TWO_THIRDS_HI);
    let tail = (ch * wh) * poly::<F, 7>(wh, &POW_LOG_R);

    let (a1, e1) = two_sum(k * LN2_HI, 2.0 * sh);
    let (a2, e2) = two_sum(a1, th);
    let lo = e1 + e2 + (2.0 * sl + tl + tail + k * LN2_LO);
    fast_two_sum(a2, lo)
}

/// `exp(th + tl)` for a double-double argument with |tl| <= ulp(th).
#[inline(always)]
fn exp_dd<const F: bool>(th: f64, tl: f64) -> f64 {
    let over = th > 710.0;
    let under = th < -746.0;
    let tl = sel(over || under, 0.0, tl);
    let th = sel(over, 710.0, sel(under, -746.0, th));
    let k = mla::<F>(th, INV_LN2, SHIFT) - SHIFT;
    let rh = th - k * LN2_HI;
    let corr = mla::<F>(-k, LN2_LO, tl);
    let r = rh + corr;
    let rl = (rh - r) + corr;
    // exp(r + rl) = (1 + p)(1 + rl) with p = expm1(r).
    let p = expm1_poly::<F>(r);
    scale(1.0 + (p + mla::<F>(rl, p, rl)), k)
}

/// `pow(x, y)`, float64, for finite nonzero x and |y| <= 2^900 (see `pow_rare`). Negative
/// x gives ±pow(|x|, y) for integer y and nan otherwise.
#[inline(always)]
pub(crate) fn pow<const F: bool>(x: f64, y: f64) -> f64 {
    let (lh, ll) = log_dd::<F>(x);
    let (th, te) = two_prod::<F>(y, lh);
    let v = exp_dd::<F>(th, mla::<F>(y, ll, te));

    pow_sign(x, y, v)
}

/// The sign rules of pow for `v = pow(|x|, y)`: -v for negative x and odd integer y, nan
/// for negative x and non-integer y.
#[inline(always)]
pub(crate) fn pow_sign(x: f64, y: f64, v: f64) -> f64 {
    let ay = y.abs();
    let shifted = ay + TWO_52;
    let small = ay < TWO_52;
    let is_int = !small || shifted - TWO_52 == ay;
    let odd_bit = sel(small, shifted, ay).to_bits() & 1 != 0;
    let odd = odd_bit && ay < TWO_53;
    let neg = x < 0.0;
    let v = sel(neg && odd, -v, v);
    sel(neg && !is_int, f64::NAN, v)
}

/// Whether hypot(x, y) is left to libm (an infinity or a nan: hypot(inf, nan) is inf).
#[inline(always)]
pub(crate) fn hypot_rare(x: f64, y: f64) -> bool {
    !(x.abs() <= f64::MAX && y.abs() <= f64::MAX)
}

/// `hypot(x, y)`, float64, for finite arguments: sqrt(x^2 + y^2) after scaling by a power
/// of two that brings the larger magnitude to [1, 2) (clamped to keep the scale normal).
#[inline(always)]
pub(crate) fn hypot<const F: bool>(x: f64, y: f64) -> f64 {
    let ax = x.abs();
    let ay = y.abs();
    let m = sel(ax > ay, ax, ay);
    let mc = sel(
        m > 4.49423283715579e307,
        4.49423283715579e307,
        sel(m < 2.2250738585072014e-308, 2.2250738585072014e-308, m),
    );
    let e = mc.to_bits() & 0x7ff0000000000000;
    // 2^-E and 2^E for the clamped exponent E.
    let down = f64::from_bits(0x7fe0000000000000u64.wrapping_sub(e));
    let up = f64::from_bits(e);
    let sx = ax * down;
    let sy = ay * down;
    mla::<F>(sx, sx, sy * sy).sqrt() * up
}

/// `cbrt(x)`, float64: a bit-level first guess, a polynomial refinement to 23 bits, and
/// one Newton step (musl's algorithm).
#[inline(always)]
pub(crate) fn cbrt<const F: bool>(x: f64) -> f64 {
    const B1: u32 = 715094163;
    const B2: u32 = 696219795;
    const P0: f64 = 1.87595182427177;
    const P1: f64 = -1.8849797954337717;
    const P2: f64 = 1.6214297201053545;
    const P3: f64 = -0.758397934778766;
    const P4: f64 = 0.14599619288661245;
    let ux = x.to_bits();
    let hx = ((ux >> 32) as u32) & 0x7fffffff;
    let sub = hx < 0x00100000;
    let xs = sel(sub, x * 18014398509481984.0, x);
    let hs = ((xs.to_bits() >> 32) as u32) & 0x7fffffff;
    let hq = hs / 3 + if sub { B2 } else { B1 };
    let t = f64::from_bits((ux & (1 << 63)) | ((hq as u64) << 32));
    let r = (t * t) * (t / x);
    let t = t * ((P0 + r * (P1 + r * P2)) + ((r * r) * r) * (P3 + r * P4));
    let t = f64::from_bits((t.to_bits().wrapping_add(0x80000000)) & 0xffffffffc0000000);
    let s = t * t;
    let r = x / s;
    let w = t + t;
    let r = (r - t) / (w + r);
    let t = t + t * r;
    sel(hx >= 0x7ff00000 || x == 0.0, x + x, t)
}
