//! Branch-free building blocks shared by the kernels: fused or plain multiply-add, selects,
//! Horner evaluation, power-of-two scaling by bit construction, and double-double helpers.
//!
//! Every helper is `#[inline(always)]` so that it lands inside the per-ISA loop bodies of
//! `driver.rs`, where LLVM vectorises it at the width the enclosing `target_feature` allows.
//! The const parameter `FMA` selects fused multiply-adds (true in the AVX2 and AVX-512
//! variants) or a separate multiply and add (the baseline variant, where `f64::mul_add`
//! would be a libm call).

/// `1.5 * 2^52`: adding it to a value below 2^51 in magnitude rounds that value to an
/// integer, which then sits in the low bits of the sum's representation.
pub(crate) const SHIFT: f64 = 6755399441055744.0;
pub(crate) const INF: f64 = f64::INFINITY;

pub(crate) const LN2: f64 = std::f64::consts::LN_2;
/// ln 2 split so that `k * LN2_HI` is exact for |k| < 2^21 (fdlibm's constants).
pub(crate) const LN2_HI: f64 = 0.6931471803691238;
pub(crate) const LN2_LO: f64 = 1.9082149292705877e-10;
pub(crate) const INV_LN2: f64 = std::f64::consts::LOG2_E;

pub(crate) const PIO2_HI: f64 = std::f64::consts::FRAC_PI_2;
pub(crate) const PIO2_LO: f64 = 6.123233995736766e-17;
pub(crate) const PI_HI: f64 = std::f64::consts::PI;
pub(crate) const PI_LO: f64 = 1.2246467991473532e-16;
pub(crate) const PIO4_HI: f64 = std::f64::consts::FRAC_PI_4;
pub(crate) const PIO4_LO: f64 = 3.061616997868383e-17;

/// `a * b + c`, fused when the variant has FMA.
#[inline(always)]
pub(super) fn mla<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// `if c { a } else { b }`, written so that LLVM lowers it to a blend rather than a branch.
#[inline(always)]
pub(super) fn sel(c: bool, a: f64, b: f64) -> f64 {
    if c {
        a
    } else {
        b
    }
}

/// Horner evaluation of `c[0] + c[1] x + ... + c[N-1] x^(N-1)`.
#[inline(always)]
pub(super) fn poly<const FMA: bool, const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let mut acc = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        acc = mla::<FMA>(acc, x, c[i]);
    }
    acc
}

/// Rounds `v` (|v| < 2^51) to the nearest integer, ties to even.
#[inline(always)]
pub(super) fn round_int(v: f64) -> f64 {
    (v + SHIFT) - SHIFT
}

/// `2^k` for an integer-valued `k` in [-1022, 1023], built from its bits.
#[inline(always)]
pub(super) fn pow2i(k: f64) -> f64 {
    // The low 12 bits of `bits(SHIFT + k + 1023)` are `k + 1023`, the biased exponent.
    f64::from_bits((k + (SHIFT + 1023.0)).to_bits() << 52)
}

/// `y * 2^k` for an integer-valued `k` in [-2044, 2046], rounding once: the scale is split
/// into two normal powers of two so that overflow gives inf and underflow a correctly
/// rounded subnormal (for `y` near 1).
#[inline(always)]
pub(super) fn scale(y: f64, k: f64) -> f64 {
    let k1 = round_int(k * 0.5);
    let k2 = k - k1;
    y * pow2i(k1) * pow2i(k2)
}

/// `(hi, lo)` with `hi + lo == a * b` exactly (Dekker's product without FMA).
#[inline(always)]
pub(super) fn two_prod<const FMA: bool>(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    if FMA {
        (p, a.mul_add(b, -p))
    } else {
        let (ah, al) = split(a);
        let (bh, bl) = split(b);
        (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }
}

/// Veltkamp's split of `a` (|a| < 2^996) into two halves of 26 bits.
#[inline(always)]
fn split(a: f64) -> (f64, f64) {
    let c = 134217729.0 * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

/// `(s, e)` with `s + e == a + b` exactly (Knuth's two-sum, any magnitudes).
#[inline(always)]
pub(super) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// `(s, e)` with `s + e == a + b` exactly, given exponent(a) >= exponent(b).
#[inline(always)]
pub(super) fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// `|x|` with the sign bit of `s`.
#[inline(always)]
pub(super) fn copysign(x: f64, s: f64) -> f64 {
    f64::from_bits((x.to_bits() & !(1 << 63)) | (s.to_bits() & (1 << 63)))
}
