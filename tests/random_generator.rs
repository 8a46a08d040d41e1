//! The random engine (`hpxl_compiler::library::random`): Philox4x32-10 against the
//! Random123 known-answer vectors, the documented mapping from counters to values, the
//! accuracy of the Box-Muller kernels, bitwise agreement of the ISA variants, and the
//! statistics of 10M-value draws (uniform, normal, integers). Every draw has a fixed key,
//! so the statistical checks are deterministic: they cannot flake, and the bounds (about
//! six standard errors) only fail for a broken generator.

use hpxl_compiler::library::random::{
    available_isas, block_words, bounded, fill_f64_with, ln_positive, normal_pair, philox4x32_10, sincos_turns,
    unit_double, Dist, FloatKernel, RandomDraw,
};
use hpxl_compiler::library::LibraryFn;
use hpxl_runtime::{DType, Data, NdArray};

const TWO_POW_M53: f64 = 1.0 / 9007199254740992.0;

fn draw(dist: Dist, key: u64, counter: u64, dtype: DType, n: usize) -> NdArray {
    RandomDraw { dist, key, counter }.eval(&[], dtype, &[n]).expect("draw evaluates")
}

fn floats(dist: Dist, key: u64, counter: u64, n: usize) -> Vec<f64> {
    match &*draw(dist, key, counter, DType::Float64, n).data {
        Data::Float64(v) => v.clone(),
        other => panic!("expected float64, got {:?}", other.dtype()),
    }
}

fn ints(low: i128, high: i128, key: u64, n: usize) -> Vec<i64> {
    match &*draw(Dist::Integers { low, high }, key, 0, DType::Int64, n).data {
        Data::Int64(v) => v.clone(),
        other => panic!("expected int64, got {:?}", other.dtype()),
    }
}

#[test]
fn philox_matches_the_random123_known_answers() {
    // Random123 1.14, tests/kat_vectors: "philox4x32 10 CTR[4] KEY[2] -> OUT[4]".
    let cases: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
        ([0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]),
        ([u32::MAX; 4], [u32::MAX; 2], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]),
        (
            [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
            [0xa4093822, 0x299f31d0],
            [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
        ),
    ];
    for (ctr, key, want) in cases {
        assert_eq!(philox4x32_10(ctr, key), want, "ctr {ctr:x?} key {key:x?}");
    }
}

#[test]
fn block_words_pack_the_philox_output() {
    let key = 0x0123_4567_89ab_cdefu64;
    for block in [0u64, 1, 0xffff_ffff, 0x1_0000_0000, u64::MAX] {
        let x = philox4x32_10([block as u32, (block >> 32) as u32, 0, 0], [key as u32, (key >> 32) as u32]);
        let w = block_words(key, block);
        assert_eq!(w, [x[0] as u64 | (x[1] as u64) << 32, x[2] as u64 | (x[3] as u64) << 32]);
    }
}

#[test]
fn unit_doubles_are_53_bit_fractions() {
    let mut words = vec![0u64, 1, 2047, 2048, 1 << 63, (1 << 63) - 1, u64::MAX, 0x8000_0000_0000_0800];
    words.extend((0..20000u64).map(|i| block_words(99, i)[0]));
    for w in words {
        let want = (w >> 11) as f64 * TWO_POW_M53;
        assert_eq!(unit_double(w).to_bits(), want.to_bits(), "word {w:#x}");
    }
}

#[test]
fn element_i_of_a_float_draw_comes_from_block_counter_plus_i_over_2() {
    // Near the end of the counter space too: block numbers wrap.
    for (key, counter) in [(7u64, 0u64), (0xdead_beef_0000_0001, 12345), (3, u64::MAX - 700)] {
        let n = 2001;
        let u = floats(Dist::Unit, key, counter, n);
        let z = floats(Dist::StandardNormal, key, counter, n);
        for i in 0..n {
            let w = block_words(key, counter.wrapping_add(i as u64 / 2));
            assert_eq!(u[i].to_bits(), unit_double(w[i % 2]).to_bits(), "unit element {i}");
            let (z0, z1) = normal_pair(w[0], w[1]);
            assert_eq!(z[i].to_bits(), if i % 2 == 0 { z0 } else { z1 }.to_bits(), "normal element {i}");
        }
        // Parameterised draws apply the affine map NumPy's legacy functions use.
        let a = floats(Dist::Uniform { low: -2.0, high: 3.0 }, key, counter, n);
        let b = floats(Dist::Normal { loc: 1.5, scale: 0.25 }, key, counter, n);
        for i in 0..n {
            assert_eq!(a[i].to_bits(), (-2.0 + 5.0 * u[i]).to_bits());
            assert_eq!(b[i].to_bits(), (1.5 + 0.25 * z[i]).to_bits());
        }
    }
}

/// floor(W R / 2^128) by schoolbook multiplication in 32-bit limbs.
fn reference_bounded(w0: u64, w1: u64, range: u128) -> u128 {
    let w = [w0 as u32, (w0 >> 32) as u32, w1 as u32, (w1 >> 32) as u32];
    let r = [range as u32, (range >> 32) as u32, (range >> 64) as u32];
    let mut prod = [0u64; 8];
    for (i, &a) in w.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &b) in r.iter().enumerate() {
            let t = prod[i + j] + a as u64 * b as u64 + carry;
            prod[i + j] = t & 0xffff_ffff;
            carry = t >> 32;
        }
        let mut k = i + r.len();
        while carry != 0 {
            let t = prod[k] + carry;
            prod[k] = t & 0xffff_ffff;
            carry = t >> 32;
            k += 1;
        }
    }
    // Limbs 4.. are the quotient by 2^128.
    (prod[4] as u128) | (prod[5] as u128) << 32 | (prod[6] as u128) << 64 | (prod[7] as u128) << 96
}

#[test]
fn integer_draws_take_one_block_per_element() {
    let ranges: [u128; 6] = [1, 2, 10, 1000, (1 << 40) * 3 + 7, 1 << 64];
    for range in ranges {
        let low = -17i128;
        let n = 333;
        let got = match &*draw(Dist::Integers { low, high: low + range as i128 }, 5, 40, DType::Int64, n).data {
            Data::Int64(v) => v.clone(),
            _ => unreachable!(),
        };
        for (i, &g) in got.iter().enumerate() {
            let [w0, w1] = block_words(5, 40 + i as u64);
            let v = bounded(w0, w1, range);
            assert_eq!(v, reference_bounded(w0, w1, range));
            assert_eq!(g as i128, (low + v as i128) as i64 as i128, "range {range} element {i}");
        }
    }
    assert_eq!(reference_bounded(u64::MAX, u64::MAX, 1 << 64), u64::MAX as u128);
    assert_eq!(bounded(u64::MAX, u64::MAX, 1 << 64), u64::MAX as u128);
    assert_eq!(Dist::Integers { low: 0, high: 2 }.blocks(5), 5);
    assert_eq!(Dist::Unit.blocks(5), 3);
    assert_eq!(Dist::StandardNormal.blocks(4), 2);
}

fn ulps(a: f64, b: f64) -> u64 {
    if a == b {
        return 0;
    }
    (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
}

#[test]
fn box_muller_kernels_are_accurate() {
    // ln on (0, 1]: every value the generator can produce has the form k 2^-53.
    let mut worst_ln = 0;
    let mut xs: Vec<f64> = vec![1.0, TWO_POW_M53, 0.5, std::f64::consts::FRAC_1_SQRT_2, 0.7071067811865476, 1.0 - TWO_POW_M53];
    xs.extend((0..300_000u64).map(|i| unit_double(block_words(11, i)[0]) + TWO_POW_M53));
    xs.extend((1..2000u64).map(|k| k as f64 * TWO_POW_M53));
    for &x in &xs {
        worst_ln = worst_ln.max(ulps(ln_positive(x), x.ln()));
    }
    assert!(worst_ln <= 1, "ln is {worst_ln} ulp from libm");
    // sin/cos of 2 pi m 2^-53: compare with libm on the (rounded) angle; the angle's own
    // rounding bounds the difference by about 1e-15.
    let mut ms: Vec<u64> = (0..300_000u64).map(|i| block_words(12, i)[1] >> 11).collect();
    ms.extend([0, 1, 1 << 50, (1 << 50) - 1, 1 << 51, 3 << 50, 1 << 52, 3 << 51, 7 << 50, (1 << 53) - 1]);
    let mut worst = 0.0f64;
    for &m in &ms {
        let (s, c) = sincos_turns(m);
        let (ls, lc) = (std::f64::consts::TAU * (m as f64 * TWO_POW_M53)).sin_cos();
        worst = worst.max((s - ls).abs()).max((c - lc).abs());
        assert!(s * s + c * c - 1.0 < 4e-16, "sin^2 + cos^2 at {m}");
    }
    assert!(worst < 1.5e-15, "sin/cos differ from libm by {worst:e}");
    // Exact values at the quarter turns.
    assert_eq!(sincos_turns(0), (0.0, 1.0));
    assert_eq!(sincos_turns(1 << 51), (1.0, 0.0));
    assert_eq!(sincos_turns(1 << 52).1, -1.0);
    assert_eq!(sincos_turns(3 << 51), (-1.0, 0.0));
    // u1 = 1 (the largest word) gives r = +0, never -0 or nan.
    let (z0, z1) = normal_pair(u64::MAX, 0);
    assert_eq!((z0.to_bits(), z1.to_bits()), (0.0f64.to_bits(), 0.0f64.to_bits()));
    // The smallest u1 gives the largest |z|: sqrt(-2 ln 2^-53) = 8.57.
    let (z0, _) = normal_pair(0, 0);
    assert!((z0 - 8.571674348652905).abs() < 1e-14, "{z0}");
}

#[test]
fn isa_variants_give_identical_bits() {
    let kernels = [
        FloatKernel::Unit,
        FloatKernel::Uniform { low: -3.0, range: 7.5 },
        FloatKernel::StandardNormal,
        FloatKernel::Normal { loc: 2.0, scale: 0.5 },
    ];
    let isas = available_isas();
    for k in kernels {
        for len in [1usize, 15, 16, 17, 100_003] {
            let mut base = vec![0.0; len];
            fill_f64_with(isas[0], &mut base, k, 0x5eed, 77);
            for &isa in &isas[1..] {
                let mut other = vec![0.0; len];
                fill_f64_with(isa, &mut other, k, 0x5eed, 77);
                let same = base.iter().zip(&other).all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{isa:?} differs from {:?} for {k:?}, length {len}", isas[0]);
            }
        }
    }
}

const N: usize = 10_000_000;

/// Mean, variance, skewness and excess kurtosis.
fn moments(x: &[f64]) -> (f64, f64, f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for &v in x {
        let d = v - mean;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    let (m2, m3, m4) = (m2 / n, m3 / n, m4 / n);
    (mean, m2, m3 / m2.powf(1.5), m4 / (m2 * m2) - 3.0)
}

/// Pearson's chi-square of counts against equal expected counts.
fn chi_square_equal(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let e = total as f64 / counts.len() as f64;
    counts.iter().map(|&c| (c as f64 - e).powi(2) / e).sum()
}

/// Whether a chi-square statistic with `df` degrees of freedom lies within six standard
/// deviations (sqrt(2 df)) of its mean.
fn chi_square_ok(chi2: f64, df: usize) -> bool {
    (chi2 - df as f64).abs() < 6.0 * (2.0 * df as f64).sqrt()
}

/// The Kolmogorov-Smirnov distance between the sample and a CDF.
fn ks_distance(mut x: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    let mut d: f64 = 0.0;
    for (i, &v) in x.iter().enumerate() {
        let f = cdf(v);
        d = d.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs());
    }
    d
}

/// Lag-1 correlation coefficient.
fn lag1_correlation(x: &[f64]) -> f64 {
    let (mean, var, _, _) = moments(x);
    let c: f64 = x.windows(2).map(|w| (w[0] - mean) * (w[1] - mean)).sum::<f64>() / (x.len() - 1) as f64;
    c / var
}

#[test]
fn uniform_statistics() {
    let u = floats(Dist::Unit, 20240601, 0, N);
    let n = N as f64;
    let (mean, var, skew, kurt) = moments(&u);
    // Standard errors: mean sqrt(1/12n), variance sqrt(1/180n), skew sqrt(6/n)*..., loose.
    assert!((mean - 0.5).abs() < 6.0 * (1.0 / (12.0 * n)).sqrt(), "mean {mean}");
    assert!((var - 1.0 / 12.0).abs() < 6.0 * (1.0 / (180.0 * n)).sqrt(), "variance {var}");
    assert!(skew.abs() < 6.0 * (6.0 / n).sqrt(), "skew {skew}");
    assert!((kurt + 1.2).abs() < 6.0 * (24.0 / n).sqrt(), "excess kurtosis {kurt}");
    assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    let mut bins = vec![0u64; 1000];
    for &x in &u {
        bins[(x * 1000.0) as usize] += 1;
    }
    let chi2 = chi_square_equal(&bins);
    assert!(chi_square_ok(chi2, 999), "chi-square {chi2} over 1000 bins");
    // Pairs (u[2k], u[2k+1]) come from one block: their joint distribution on a 32x32 grid.
    let mut grid = vec![0u64; 1024];
    for p in u.chunks_exact(2) {
        grid[(p[0] * 32.0) as usize * 32 + (p[1] * 32.0) as usize] += 1;
    }
    let chi2 = chi_square_equal(&grid);
    assert!(chi_square_ok(chi2, 1023), "pair chi-square {chi2}");
    let r = lag1_correlation(&u);
    assert!(r.abs() < 6.0 / n.sqrt(), "lag-1 correlation {r}");
    let d = ks_distance(u[..1_000_000].to_vec(), |x| x);
    assert!(d < 1.95 / 1000.0, "KS distance {d}");
    // Different keys and counters give different streams.
    let other = floats(Dist::Unit, 20240602, 0, 1000);
    assert!(other.iter().zip(&u).filter(|(a, b)| a == b).count() < 3);
}

/// erfc with relative error below 1.2e-7 (Numerical Recipes' `erfcc`, a Chebyshev fit).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let ans = t
        * (-z * z - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

#[test]
fn normal_statistics() {
    let z = floats(Dist::StandardNormal, 31337, 5, N);
    let n = N as f64;
    let (mean, var, skew, kurt) = moments(&z);
    assert!(mean.abs() < 6.0 / n.sqrt(), "mean {mean}");
    assert!((var - 1.0).abs() < 6.0 * (2.0 / n).sqrt(), "variance {var}");
    assert!(skew.abs() < 6.0 * (6.0 / n).sqrt(), "skew {skew}");
    assert!(kurt.abs() < 6.0 * (24.0 / n).sqrt(), "excess kurtosis {kurt}");
    let max = z.iter().fold(0.0f64, |m, &v| m.max(v.abs()));
    assert!((4.5..8.6).contains(&max), "max |z| {max}");
    // Chi-square of Phi(z) over 1000 equiprobable bins checks the shape, tails included.
    let mut bins = vec![0u64; 1000];
    for &v in &z {
        bins[((normal_cdf(v) * 1000.0) as usize).min(999)] += 1;
    }
    let chi2 = chi_square_equal(&bins);
    assert!(chi_square_ok(chi2, 999), "chi-square {chi2}");
    // Tail frequencies: P(|z| > 3) = 0.0026998, P(|z| > 4) = 6.334e-5.
    for (t, p) in [(3.0, 2.6997960632601913e-3), (4.0, 6.334248366623996e-5)] {
        let count = z.iter().filter(|v| v.abs() > t).count() as f64;
        let sd = (n * p * (1.0 - p)).sqrt();
        assert!((count - n * p).abs() < 6.0 * sd, "P(|z| > {t}): {count} of {n}");
    }
    // The two values of a pair are uncorrelated, and so are neighbouring pairs.
    let (even, odd): (Vec<f64>, Vec<f64>) = z.chunks_exact(2).map(|p| (p[0], p[1])).unzip();
    let r = even.iter().zip(&odd).map(|(a, b)| a * b).sum::<f64>() / even.len() as f64;
    assert!(r.abs() < 6.0 / (even.len() as f64).sqrt(), "pair correlation {r}");
    let r = lag1_correlation(&even);
    assert!(r.abs() < 6.0 / (even.len() as f64).sqrt(), "lag-1 correlation {r}");
    let d = ks_distance(z[..1_000_000].to_vec(), normal_cdf);
    assert!(d < 1.95 / 1000.0, "KS distance {d}");
}

#[test]
fn integer_statistics() {
    // randint(0, 10): chi-square over the ten values.
    let x = ints(0, 10, 4242, N);
    let mut counts = vec![0u64; 10];
    for &v in &x {
        counts[v as usize] += 1;
    }
    let chi2 = chi_square_equal(&counts);
    assert!(chi_square_ok(chi2, 9), "randint(0, 10) chi-square {chi2}: {counts:?}");
    // A range that is not a power of two and needs more than 32 bits, in 1000 buckets.
    let range = (3i128 << 40) + 7;
    let y = ints(-5, -5 + range, 4243, N / 2);
    let mut buckets = vec![0u64; 1000];
    for &v in &y {
        let off = v as i128 + 5;
        assert!((0..range).contains(&off));
        buckets[(off * 1000 / range) as usize] += 1;
    }
    let chi2 = chi_square_equal(&buckets);
    assert!(chi_square_ok(chi2, 999), "large-range chi-square {chi2}");
    // The whole int64 range: every bit is set half of the time.
    let w = ints(i64::MIN as i128, i64::MAX as i128 + 1, 4244, 1_000_000);
    let n = w.len() as f64;
    for bit in 0..64 {
        let ones = w.iter().filter(|&&v| (v as u64 >> bit) & 1 == 1).count() as f64;
        assert!((ones - n / 2.0).abs() < 6.0 * (n / 4.0).sqrt(), "bit {bit}: {ones} ones");
    }
    // uint8 over [0, 256) and bool.
    let b = match &*draw(Dist::Integers { low: 0, high: 256 }, 9, 0, DType::UInt8, 2_560_000).data {
        Data::UInt8(v) => v.clone(),
        _ => unreachable!(),
    };
    let mut counts = vec![0u64; 256];
    for &v in &b {
        counts[v as usize] += 1;
    }
    assert!(chi_square_ok(chi_square_equal(&counts), 255));
    let t = match &*draw(Dist::Integers { low: 0, high: 2 }, 9, 0, DType::Bool, 1_000_000).data {
        Data::Bool(v) => v.iter().filter(|&&x| x).count() as f64,
        _ => unreachable!(),
    };
    assert!((t - 500_000.0).abs() < 6.0 * 500.0, "{t} of 1e6 true");
}
