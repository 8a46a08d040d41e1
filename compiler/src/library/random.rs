//! Counter-based random numbers: the Philox4x32-10 generator and the distributions the
//! stdlib's `random` namespace draws from it (uniform doubles, normals, bounded integers).
//!
//! Note [Counter-based draws]: the session's stream is a 64-bit key and a 64-bit block
//! counter (`RandomState`). Philox4x32-10 (Salmon et al., "Parallel random numbers: as
//! easy as 1, 2, 3", SC'11) maps a 128-bit counter and a 64-bit key to 128 random bits
//! (one *block*) with no state in between, so any block can be computed on its own. A
//! draw of `n` values takes a contiguous range of blocks from the stream (the counter
//! advances by `Dist::blocks(n)`) and element `i` is a pure function of `(key, counter +
//! i / 2)` for floating-point draws (two 64-bit words per block) or of `(key, counter +
//! i)` for integer draws (one 128-bit word per element, Note [Bounded integers]). Which
//! thread computes which element therefore never changes a value: results are bitwise
//! the same for any thread count, and an MPI rank can compute its slice of a
//! distributed draw by offsetting the counter.
//!
//! Block `b` uses the Philox counter `(b mod 2^32, b >> 32, 0, 0)` and the key `(key mod
//! 2^32, key >> 32)`; its output words `x0..x3` form the 64-bit words `x0 | x1 << 32`
//! and `x2 | x3 << 32`. The generator is verified against the Random123 known-answer
//! vectors (`tests/random_generator.rs`).
//!
//! Note [Deterministic floating point]: the transforms below use only IEEE-754 basic
//! operations (+, -, *, /, sqrt), bit manipulation and selects: no libm call, no fused
//! multiply-add (Rust never contracts `a * b + c`). They give the same bits on every
//! x86-64 and AArch64 machine and in every ISA variant (`Isa`): the AVX2 and AVX-512
//! copies only let LLVM use wider vectors for the same operations.
//!
//! Note [Doubles from words]: a uniform double is `(w >> 11) * 2^-53` for a 64-bit word
//! `w`, i.e. one of the 2^53 equally spaced values in [0, 1). It is computed without an
//! integer-to-float conversion (which AVX2 lacks for 64-bit integers): the low 52 bits
//! of `m = w >> 11` become the mantissa of a double in [1, 2), and the top bit selects
//! whether 1 is subtracted; halving is then exact.
//!
//! Note [Box-Muller]: normals come in pairs from one block: with `u1 = ((w0 >> 11) + 1)
//! * 2^-53` in (0, 1] and `u2 = (w1 >> 11) * 2^-53` in [0, 1), `r = sqrt(-2 ln u1)` and
//! `(z0, z1) = (r cos 2 pi u2, r sin 2 pi u2)`. Every block gives exactly two normals
//! (no rejection, unlike the polar method or the ziggurat), which keeps the fixed
//! counter mapping. `ln` is fdlibm's algorithm (reduction to [sqrt(2)/2, sqrt(2)) and a
//! degree-14 odd polynomial in s = f / (2 + f)), branch-free. For the angle the
//! reduction is exact in integers: `u2 = m 2^-53`, the quadrant `q` is `m` rounded to a
//! multiple of 2^51, and the remainder `m - q 2^51` times `2 pi 2^-53` lies in [-pi/4,
//! pi/4], where musl's sin/cos kernels apply. Both are within about 1 ulp of the exact
//! values (`tests/random_generator.rs` measures them against libm).
//!
//! Note [Bounded integers]: `randint(low, high)` needs integers uniform on `[0, R)` with
//! `R = high - low <= 2^64`. Rejection sampling (Lemire's method) would consume a
//! variable number of words and break the fixed counter mapping, so each element takes
//! one whole block as a 128-bit fraction `W` and returns `floor(W R / 2^128)`. Every
//! value in `[0, R)` is hit by either floor(2^128 / R) or ceil(2^128 / R) of the 2^128
//! words, so each probability is within 2^-128 of 1/R and the total variation distance
//! from the exact uniform distribution is below R / 2^130 <= 2^-66, for every range. (A
//! 64-bit word would allow a distance up to 1/8 for ranges just above 2^63.)

use super::{KernelError, LibraryFn, RandomState};
use hpxl_grammar::Code;
use hpxl_runtime::{exec, pool, shape_size, DType, Data, NdArray};

const PHILOX_M0: u32 = 0xD251_1F53;
const PHILOX_M1: u32 = 0xCD9E_8D57;
const PHILOX_W0: u32 = 0x9E37_79B9;
const PHILOX_W1: u32 = 0xBB67_AE85;
const PHILOX_ROUNDS: usize = 10;

/// One Philox4x32-10 block: the 128 random bits for `counter` under `key`.
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let [mut c0, mut c1, mut c2, mut c3] = counter;
    let [mut k0, mut k1] = key;
    for round in 0..PHILOX_ROUNDS {
        if round > 0 {
            k0 = k0.wrapping_add(PHILOX_W0);
            k1 = k1.wrapping_add(PHILOX_W1);
        }
        let p0 = PHILOX_M0 as u64 * c0 as u64;
        let p1 = PHILOX_M1 as u64 * c2 as u64;
        (c0, c1, c2, c3) = ((p1 >> 32) as u32 ^ c1 ^ k0, p1 as u32, (p0 >> 32) as u32 ^ c3 ^ k1, p0 as u32);
    }
    [c0, c1, c2, c3]
}

/// The two 64-bit words of block `block` of the stream with `key` (Note [Counter-based draws]).
pub fn block_words(key: u64, block: u64) -> [u64; 2] {
    let x = philox4x32_10([block as u32, (block >> 32) as u32, 0, 0], [key as u32, (key >> 32) as u32]);
    [x[0] as u64 | (x[1] as u64) << 32, x[2] as u64 | (x[3] as u64) << 32]
}

/// Blocks computed together, in structure-of-arrays form so that LLVM vectorises the
/// rounds (32x32->64-bit multiplies are `pmuludq`).
const LANES: usize = 8;

/// The words of blocks `first, first + 1, ..., first + LANES - 1`: `(w0, w1)` per block.
#[inline(always)]
fn philox_lanes(key: u64, first: u64) -> ([u64; LANES], [u64; LANES]) {
    let (mut c0, mut c1) = ([0u32; LANES], [0u32; LANES]);
    let (mut c2, mut c3) = ([0u32; LANES], [0u32; LANES]);
    for j in 0..LANES {
        let b = first.wrapping_add(j as u64);
        c0[j] = b as u32;
        c1[j] = (b >> 32) as u32;
    }
    let (mut k0, mut k1) = (key as u32, (key >> 32) as u32);
    for round in 0..PHILOX_ROUNDS {
        if round > 0 {
            k0 = k0.wrapping_add(PHILOX_W0);
            k1 = k1.wrapping_add(PHILOX_W1);
        }
        for j in 0..LANES {
            let p0 = PHILOX_M0 as u64 * c0[j] as u64;
            let p1 = PHILOX_M1 as u64 * c2[j] as u64;
            let n0 = (p1 >> 32) as u32 ^ c1[j] ^ k0;
            let n2 = (p0 >> 32) as u32 ^ c3[j] ^ k1;
            c1[j] = p1 as u32;
            c3[j] = p0 as u32;
            c0[j] = n0;
            c2[j] = n2;
        }
    }
    let (mut w0, mut w1) = ([0u64; LANES], [0u64; LANES]);
    for j in 0..LANES {
        w0[j] = c0[j] as u64 | (c1[j] as u64) << 32;
        w1[j] = c2[j] as u64 | (c3[j] as u64) << 32;
    }
    (w0, w1)
}

const MANTISSA: u64 = (1 << 52) - 1;
const ONE_BITS: u64 = 0x3FF0_0000_0000_0000;

/// `(w >> 11) * 2^-53`, in [0, 1) (Note [Doubles from words]).
#[inline(always)]
pub fn unit_double(w: u64) -> f64 {
    let m = w >> 11;
    let one_f = f64::from_bits(ONE_BITS | (m & MANTISSA));
    let v = if m >> 52 != 0 { one_f } else { one_f - 1.0 };
    v * 0.5
}

/// `((w >> 11) + 1) * 2^-53`, in (0, 1].
#[inline(always)]
fn unit_double_open(w: u64) -> f64 {
    unit_double(w) + f64::from_bits(0x3CA0_0000_0000_0000) // + 2^-53, exact
}

/// Natural logarithm of a normal positive double (fdlibm's `__ieee754_log`, without the
/// branches for zero, subnormals, infinities and NaN, which `(0, 1]` never reaches).
#[inline(always)]
pub fn ln_positive(x: f64) -> f64 {
    const LN2_HI: f64 = 6.93147180369123816490e-01;
    const LN2_LO: f64 = 1.90821492927058770002e-10;
    const LG1: f64 = 6.666666666666735130e-01;
    const LG2: f64 = 3.999999999940941908e-01;
    const LG3: f64 = 2.857142874366239149e-01;
    const LG4: f64 = 2.222219843214978396e-01;
    const LG5: f64 = 1.818357216161805012e-01;
    const LG6: f64 = 1.531383769920937332e-01;
    const LG7: f64 = 1.479819860511658591e-01;
    let bits = x.to_bits();
    let m = f64::from_bits(ONE_BITS | (bits & MANTISSA)); // [1, 2)
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    // The unbiased exponent as a double without an int-to-float conversion: the biased
    // exponent is placed in the mantissa of 2^52 (exact for values below 2^52).
    let biased = (bits >> 52) + big as u64;
    let dk = (f64::from_bits(0x4330_0000_0000_0000 | biased) - 4503599627370496.0) - 1023.0;
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f)
}

/// `(sin 2 pi u, cos 2 pi u)` for `u = m 2^-53`, `m < 2^53` (Note [Box-Muller]).
#[inline(always)]
pub fn sincos_turns(m: u64) -> (f64, f64) {
    // sin/cos kernels of musl (__sin, __cos with y = 0), valid on [-pi/4, pi/4].
    const S1: f64 = -1.66666666666666324348e-01;
    const S2: f64 = 8.33333333332248946124e-03;
    const S3: f64 = -1.98412698298579493134e-04;
    const S4: f64 = 2.75573137070700676789e-06;
    const S5: f64 = -2.50507602534068634195e-08;
    const S6: f64 = 1.58969099521155010221e-10;
    const C1: f64 = 4.16666666666666019037e-02;
    const C2: f64 = -1.38888888888741095749e-03;
    const C3: f64 = 2.48015872894767294178e-05;
    const C4: f64 = -2.75573143513906633035e-07;
    const C5: f64 = 2.08757232129817482790e-09;
    const C6: f64 = -1.13596475577881948265e-11;
    // 2 pi 2^-53: scaling by a power of two is exact.
    const STEP: f64 = std::f64::consts::TAU / 9007199254740992.0;
    let q = (m + (1 << 50)) >> 51; // nearest quarter turn, 0..=4
    let rem = m.wrapping_sub(q << 51); // in [-2^50, 2^50) as a signed value
    // The signed remainder as a double via the 2^52 + 2^51 magic (exact below 2^51).
    let r = f64::from_bits(0x4338_0000_0000_0000u64.wrapping_add(rem)) - 6755399441055744.0;
    let x = r * STEP;
    let z = x * x;
    let w = z * z;
    let sr = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let s = x + z * x * (S1 + z * sr);
    let cr = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let one_minus = 1.0 - hz;
    let c = one_minus + (((1.0 - one_minus) - hz) + z * cr);
    // Rotate by q quarter turns: (sin, cos) of x + q pi/2.
    let odd = q & 1 != 0;
    let (sn, cs) = if odd { (c, s) } else { (s, c) };
    let sin_sign = if q & 2 != 0 { -1.0 } else { 1.0 };
    let cos_sign = if (q + 1) & 2 != 0 { -1.0 } else { 1.0 };
    (sn * sin_sign, cs * cos_sign)
}

/// Two standard normals from one block's words (Note [Box-Muller]).
#[inline(always)]
pub fn normal_pair(w0: u64, w1: u64) -> (f64, f64) {
    let u1 = unit_double_open(w0);
    // 0 - 2 ln u1 rather than -2 ln u1, so that u1 = 1 gives r = +0, not -0.
    let r = (0.0 - 2.0 * ln_positive(u1)).sqrt();
    let (s, c) = sincos_turns(w1 >> 11);
    (r * c, r * s)
}

/// `floor(W range / 2^128)` for the 128-bit word `W = w1 2^64 + w0` and `range <= 2^64`
/// (Note [Bounded integers]).
#[inline(always)]
pub fn bounded(w0: u64, w1: u64, range: u128) -> u128 {
    let hi = w1 as u128 * range;
    let lo = (w0 as u128 * range) >> 64;
    (hi + lo) >> 64
}

/// Runs `kernel` over groups of `LANES` consecutive blocks starting at `block`, each
/// filling `OUT` consecutive elements of `out` (the last group through a buffer).
#[inline(always)]
fn groups<T: Copy + Default, const OUT: usize>(
    out: &mut [T],
    key: u64,
    block: u64,
    kernel: impl Fn(&[u64; LANES], &[u64; LANES], &mut [T; OUT]),
) {
    let mut block = block;
    let mut chunks = out.chunks_exact_mut(OUT);
    for chunk in &mut chunks {
        let (w0, w1) = philox_lanes(key, block);
        if let Ok(chunk) = <&mut [T; OUT]>::try_from(chunk) {
            kernel(&w0, &w1, chunk);
        }
        block = block.wrapping_add(LANES as u64);
    }
    let rest = chunks.into_remainder();
    if !rest.is_empty() {
        let mut buf = [T::default(); OUT];
        let (w0, w1) = philox_lanes(key, block);
        kernel(&w0, &w1, &mut buf);
        let n = rest.len();
        rest.copy_from_slice(&buf[..n]);
    }
}

/// A floating-point draw with host parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FloatKernel {
    /// `u` in [0, 1).
    Unit,
    /// `low + range * u`.
    Uniform { low: f64, range: f64 },
    /// `z`, standard normal.
    StandardNormal,
    /// `loc + scale * z`.
    Normal { loc: f64, scale: f64 },
}

const PAIR: usize = 2 * LANES;

#[inline(always)]
fn fill_f64_body(out: &mut [f64], k: FloatKernel, key: u64, block: u64) {
    match k {
        FloatKernel::Unit => groups::<f64, PAIR>(out, key, block, |w0, w1, o| {
            for j in 0..LANES {
                o[2 * j] = unit_double(w0[j]);
                o[2 * j + 1] = unit_double(w1[j]);
            }
        }),
        FloatKernel::Uniform { low, range } => groups::<f64, PAIR>(out, key, block, |w0, w1, o| {
            for j in 0..LANES {
                o[2 * j] = low + range * unit_double(w0[j]);
                o[2 * j + 1] = low + range * unit_double(w1[j]);
            }
        }),
        FloatKernel::StandardNormal => groups::<f64, PAIR>(out, key, block, |w0, w1, o| {
            let (mut a, mut b) = ([0.0; LANES], [0.0; LANES]);
            for j in 0..LANES {
                (a[j], b[j]) = normal_pair(w0[j], w1[j]);
            }
            for j in 0..LANES {
                o[2 * j] = a[j];
                o[2 * j + 1] = b[j];
            }
        }),
        FloatKernel::Normal { loc, scale } => groups::<f64, PAIR>(out, key, block, |w0, w1, o| {
            let (mut a, mut b) = ([0.0; LANES], [0.0; LANES]);
            for j in 0..LANES {
                (a[j], b[j]) = normal_pair(w0[j], w1[j]);
            }
            for j in 0..LANES {
                o[2 * j] = loc + scale * a[j];
                o[2 * j + 1] = loc + scale * b[j];
            }
        }),
    }
}

// The ISA variants are vmath's (Note [Deterministic floating point]: all of them give
// the same bits here, because these kernels use no fused multiply-add and Rust never
// contracts `a * b + c` into one).
pub use crate::vmath::{available_isas, Isa};
use crate::vmath::best_isa;

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn fill_f64_avx2(out: &mut [f64], k: FloatKernel, key: u64, block: u64) {
    fill_f64_body(out, k, key, block)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
unsafe fn fill_f64_avx512(out: &mut [f64], k: FloatKernel, key: u64, block: u64) {
    fill_f64_body(out, k, key, block)
}

/// Fills `out` with elements `2 block, 2 block + 1, ...` of a float draw (element `i`
/// from block `i / 2`), with the given ISA variant, which must be in `available_isas()`.
#[doc(hidden)]
pub fn fill_f64_with(isa: Isa, out: &mut [f64], k: FloatKernel, key: u64, block: u64) {
    match isa {
        // SAFETY: `available_isas` reported the features (checked again here).
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 if available_isas().contains(&Isa::Avx512) => unsafe { fill_f64_avx512(out, k, key, block) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2Fma if available_isas().contains(&Isa::Avx2Fma) => unsafe { fill_f64_avx2(out, k, key, block) },
        _ => fill_f64_body(out, k, key, block),
    }
}

fn fill_f64(out: &mut [f64], k: FloatKernel, key: u64, block: u64) {
    match best_isa() {
        // SAFETY: `best_isa` is one of the variants the CPU supports.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { fill_f64_avx512(out, k, key, block) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2Fma => unsafe { fill_f64_avx2(out, k, key, block) },
        _ => fill_f64_body(out, k, key, block),
    }
}

/// An element type of an integer draw.
pub trait IntElem: Copy + Default + Send + Sync + 'static {
    /// The value, which the caller guarantees to be in the type's range.
    fn from_i128(v: i128) -> Self;
}

macro_rules! int_elem {
    ($($t:ty),*) => {$(
        impl IntElem for $t {
            #[inline(always)]
            fn from_i128(v: i128) -> Self { v as $t }
        }
    )*};
}
int_elem!(i8, i16, i32, i64, u8, u16, u32, u64);

impl IntElem for bool {
    #[inline(always)]
    fn from_i128(v: i128) -> Self {
        v != 0
    }
}

/// Fills `out` with elements `block, block + 1, ...` of an integer draw `low + [0, range)`
/// (element `i` from block `i`, Note [Bounded integers]).
pub fn fill_ints<T: IntElem>(out: &mut [T], low: i128, range: u128, key: u64, block: u64) {
    groups::<T, LANES>(out, key, block, |w0, w1, o| {
        for j in 0..LANES {
            o[j] = T::from_i128(low + bounded(w0[j], w1[j], range) as i128);
        }
    });
}

/// Elements per parallel task (even, so every task starts on a block boundary).
const CHUNK: usize = exec::BLOCK;

/// Fills `out` in parallel tasks of `CHUNK` elements; `fill(part, first_block)` fills one
/// part whose first element is element `start` of the draw, `first_block = block0 +
/// start / per_block`.
fn par_fill<T: Send + Sync>(out: &mut [T], per_block: usize, block0: u64, fill: impl Fn(&mut [T], u64) + Sync) {
    let n = out.len();
    let ptr = out.as_mut_ptr() as usize;
    exec::for_blocks(n, CHUNK, |s, e| {
        // SAFETY: the tasks cover disjoint ranges [s, e) of `out`, which outlives them.
        let part = unsafe { std::slice::from_raw_parts_mut((ptr as *mut T).add(s), e - s) };
        fill(part, block0.wrapping_add((s / per_block) as u64));
    });
}

/// A distribution and where its parameters come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    /// Uniform on [0, 1) (`rand`, `random`).
    Unit,
    /// `low + (high - low) * u` (`uniform`).
    Uniform { low: f64, high: f64 },
    /// Standard normal (`randn`, `standard_normal`).
    StandardNormal,
    /// `loc + scale * z` (`normal`).
    Normal { loc: f64, scale: f64 },
    /// Integers uniform on `[low, high)` (`randint`), `low < high`, in the node's dtype.
    Integers { low: i128, high: i128 },
    /// `uniform` with `low` and `high` the node's two inputs (broadcast to its shape).
    UniformOf,
    /// `normal` with `loc` and `scale` the node's two inputs.
    NormalOf,
    /// `randint` with `low` and `high` the node's two inputs; `high_only` when the call
    /// gave only `high` (it changes the message for an empty range, as in NumPy).
    IntegersOf { high_only: bool },
}

impl Dist {
    /// Whether the draw produces integers (one block per element) rather than doubles
    /// (two elements per block).
    pub fn is_integer(&self) -> bool {
        matches!(self, Dist::Integers { .. } | Dist::IntegersOf { .. })
    }

    /// The blocks a draw of `elements` values consumes (Note [Counter-based draws]).
    pub fn blocks(&self, elements: usize) -> u64 {
        if self.is_integer() {
            elements as u64
        } else {
            (elements as u64).div_ceil(2)
        }
    }
}

/// A draw from the session's stream: a graph node with no inputs (or the two parameter
/// arrays), evaluated in parallel fixed-size blocks (Note [Counter-based draws]).
#[derive(Clone, Debug)]
pub struct RandomDraw {
    pub dist: Dist,
    pub key: u64,
    /// The first block of the draw.
    pub counter: u64,
}

fn alloc_err(n: usize, dtype: DType) -> KernelError {
    KernelError::new(Code::Alloc, format!("cannot allocate an array of {n} {}", dtype.name()))
}

fn internal(msg: &str) -> KernelError {
    KernelError::new(Code::Internal, format!("random: {msg}"))
}

/// Runs `$body` with `$v` bound to the `Vec` of an integer or bool `Data`.
macro_rules! with_int_data {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            Data::Bool($v) => $body,
            Data::Int8($v) => $body,
            Data::Int16($v) => $body,
            Data::Int32($v) => $body,
            Data::Int64($v) => $body,
            Data::UInt8($v) => $body,
            Data::UInt16($v) => $body,
            Data::UInt32($v) => $body,
            Data::UInt64($v) => $body,
            Data::Float32(_) | Data::Float64(_) => return Err(internal("integer draw into a float array")),
        }
    };
}

/// The smallest and largest value of an integer (or bool) dtype.
pub fn int_bounds(dtype: DType) -> (i128, i128) {
    match dtype {
        DType::Bool => (0, 1),
        DType::Int8 => (i8::MIN as i128, i8::MAX as i128),
        DType::Int16 => (i16::MIN as i128, i16::MAX as i128),
        DType::Int32 => (i32::MIN as i128, i32::MAX as i128),
        DType::Int64 => (i64::MIN as i128, i64::MAX as i128),
        DType::UInt8 => (0, u8::MAX as i128),
        DType::UInt16 => (0, u16::MAX as i128),
        DType::UInt32 => (0, u32::MAX as i128),
        DType::UInt64 => (0, u64::MAX as i128),
        DType::Float32 | DType::Float64 => (0, 0),
    }
}

/// A parameter array broadcast to the output shape, as doubles.
fn float_param(x: &NdArray, shape: &[usize]) -> Result<Vec<f64>, KernelError> {
    let b = crate::interp::broadcast_to(x, shape).ok_or_else(|| internal("parameter does not broadcast"))?;
    let mut d = hpxl_runtime::cast_data(&b.to_data(), DType::Float64);
    match &mut d {
        Data::Float64(v) => Ok(std::mem::take(v)),
        _ => Err(internal("float parameter cast")),
    }
}

/// A parameter array broadcast to the output shape, as integers (floats truncated).
enum IntParam {
    Signed(Vec<i64>),
    Unsigned(Vec<u64>),
}

impl IntParam {
    fn new(x: &NdArray, shape: &[usize]) -> Result<IntParam, KernelError> {
        let b = crate::interp::broadcast_to(x, shape).ok_or_else(|| internal("parameter does not broadcast"))?;
        let target = if x.dtype() == DType::UInt64 { DType::UInt64 } else { DType::Int64 };
        let mut d = hpxl_runtime::cast_data(&b.to_data(), target);
        match &mut d {
            Data::Int64(v) => Ok(IntParam::Signed(std::mem::take(v))),
            Data::UInt64(v) => Ok(IntParam::Unsigned(std::mem::take(v))),
            _ => Err(internal("integer parameter cast")),
        }
    }

    #[inline]
    fn get(&self, i: usize) -> i128 {
        match self {
            IntParam::Signed(v) => v[i] as i128,
            IntParam::Unsigned(v) => v[i] as i128,
        }
    }
}

impl RandomDraw {
    fn float_draw(&self, kernel: FloatKernel, n: usize) -> Result<Vec<f64>, KernelError> {
        let mut data = pool::take(DType::Float64, n).ok_or_else(|| alloc_err(n, DType::Float64))?;
        let Data::Float64(v) = &mut data else { return Err(internal("float buffer")) };
        let (key, counter) = (self.key, self.counter);
        par_fill(v, 2, counter, |part, block| fill_f64(part, kernel, key, block));
        Ok(std::mem::take(v))
    }

    /// `out[i] = f(out[i], i)` in parallel blocks.
    fn transform(out: &mut [f64], f: impl Fn(f64, usize) -> f64 + Sync) {
        let ptr = out.as_mut_ptr() as usize;
        exec::for_blocks(out.len(), CHUNK, |s, e| {
            // SAFETY: disjoint ranges of `out`, which outlives the tasks.
            let part = unsafe { std::slice::from_raw_parts_mut((ptr as *mut f64).add(s), e - s) };
            for (k, x) in part.iter_mut().enumerate() {
                *x = f(*x, s + k);
            }
        });
    }

    fn eval_integers_of(&self, inputs: &[NdArray], dtype: DType, shape: &[usize], high_only: bool) -> Result<Data, KernelError> {
        let [low, high] = inputs else { return Err(internal("randint expects two parameter arrays")) };
        let n = shape_size(shape);
        let (low, high) = (IntParam::new(low, shape)?, IntParam::new(high, shape)?);
        let (min, max) = int_bounds(dtype);
        let (mut low_oob, mut high_oob, mut empty) = (false, false, false);
        for i in 0..n {
            let (l, h) = (low.get(i), high.get(i));
            low_oob |= l < min;
            high_oob |= h > max + 1;
            empty |= l >= h;
        }
        if low_oob {
            return Err(KernelError::new(Code::Value, format!("low is out of bounds for {}", dtype.name())));
        }
        if high_oob {
            return Err(KernelError::new(Code::Value, format!("high is out of bounds for {}", dtype.name())));
        }
        if empty {
            return Err(KernelError::new(Code::Value, if high_only { "high <= 0" } else { "low >= high" }));
        }
        let mut data = pool::take(dtype, n).ok_or_else(|| alloc_err(n, dtype))?;
        let (key, counter) = (self.key, self.counter);
        with_int_data!(&mut data, v => par_fill(v, 1, counter, |part, block| {
            let start = block.wrapping_sub(counter) as usize;
            fill_each(part, key, block, |k, w0, w1| {
                let (l, h) = (low.get(start + k), high.get(start + k));
                l + bounded(w0, w1, (h - l) as u128) as i128
            })
        }));
        Ok(data)
    }
}

/// `out[k] = T::from_i128(f(k, w0, w1))` with the words of block `block + k`.
fn fill_each<T: IntElem>(out: &mut [T], key: u64, block: u64, f: impl Fn(usize, u64, u64) -> i128) {
    let mut k = 0;
    for chunk in out.chunks_mut(LANES) {
        let (w0, w1) = philox_lanes(key, block.wrapping_add(k as u64));
        for (j, o) in chunk.iter_mut().enumerate() {
            *o = T::from_i128(f(k + j, w0[j], w1[j]));
        }
        k += chunk.len();
    }
}

impl LibraryFn for RandomDraw {
    fn name(&self) -> &'static str {
        match self.dist {
            Dist::Unit => "random",
            Dist::Uniform { .. } | Dist::UniformOf => "uniform",
            Dist::StandardNormal => "standard_normal",
            Dist::Normal { .. } | Dist::NormalOf => "normal",
            Dist::Integers { .. } | Dist::IntegersOf { .. } => "randint",
        }
    }

    fn describe(&self) -> String {
        let params = match self.dist {
            Dist::Uniform { low, high } => format!("low={low:?} high={high:?} "),
            Dist::Normal { loc, scale } => format!("loc={loc:?} scale={scale:?} "),
            Dist::Integers { low, high } => format!("low={low} high={high} "),
            _ => String::new(),
        };
        format!("{params}key={:#x} counter={}", self.key, self.counter)
    }

    fn eval(&self, inputs: &[NdArray], dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError> {
        let n = shape_size(shape);
        let floats = |kernel| -> Result<NdArray, KernelError> {
            if dtype != DType::Float64 {
                return Err(internal("float draw with a non-float64 dtype"));
            }
            Ok(NdArray::from_data(Data::Float64(self.float_draw(kernel, n)?), shape.to_vec()))
        };
        match self.dist {
            Dist::Unit => floats(FloatKernel::Unit),
            Dist::Uniform { low, high } => floats(FloatKernel::Uniform { low, range: high - low }),
            Dist::StandardNormal => floats(FloatKernel::StandardNormal),
            Dist::Normal { loc, scale } => floats(FloatKernel::Normal { loc, scale }),
            Dist::Integers { low, high } => {
                if !(low < high && (dtype.is_integer() || dtype == DType::Bool)) {
                    return Err(internal("invalid integer draw"));
                }
                let range = (high - low) as u128;
                let mut data = pool::take(dtype, n).ok_or_else(|| alloc_err(n, dtype))?;
                let (key, counter) = (self.key, self.counter);
                with_int_data!(&mut data, v => par_fill(v, 1, counter, |part, block| fill_ints(part, low, range, key, block)));
                Ok(NdArray::from_data(data, shape.to_vec()))
            }
            Dist::UniformOf | Dist::NormalOf => {
                let [a, b] = inputs else { return Err(internal("expected two parameter arrays")) };
                let (a, b) = (float_param(a, shape)?, float_param(b, shape)?);
                let uniform = self.dist == Dist::UniformOf;
                if uniform && a.iter().zip(&b).any(|(lo, hi)| !(hi - lo).is_finite()) {
                    // NumPy raises OverflowError, which hpxl files under E0400.
                    return Err(KernelError::new(Code::DType, "Range exceeds valid bounds"));
                }
                if !uniform && b.iter().any(|s| s.is_sign_negative()) {
                    return Err(KernelError::new(Code::Value, "scale < 0"));
                }
                let kernel = if uniform { FloatKernel::Unit } else { FloatKernel::StandardNormal };
                let mut v = self.float_draw(kernel, n)?;
                if uniform {
                    RandomDraw::transform(&mut v, |u, i| a[i] + (b[i] - a[i]) * u);
                } else {
                    RandomDraw::transform(&mut v, |z, i| a[i] + b[i] * z);
                }
                Ok(NdArray::from_data(Data::Float64(v), shape.to_vec()))
            }
            Dist::IntegersOf { high_only } => {
                Ok(NdArray::from_data(self.eval_integers_of(inputs, dtype, shape, high_only)?, shape.to_vec()))
            }
        }
    }
}

/// The key of `random.seed(words)`: a single word is the key itself, a sequence is
/// folded with SplitMix64 so that every word matters.
pub fn key_from_words(words: &[u64]) -> u64 {
    match words {
        [w] => *w,
        _ => words.iter().fold(0x6A09_E667_F3BC_C909 ^ words.len() as u64, |h, &w| splitmix64(h ^ w)),
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A key from OS entropy and the clock, for a session that draws before seeding.
pub fn entropy_key() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    // std's RandomState is keyed from the OS's random source once per process.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(nanos);
    h.write_u32(std::process::id());
    let mut key = h.finish().to_le_bytes().to_vec();
    // Under MPI every rank draws the same stream: rank 0's key (a collective, reached
    // by every rank at the same draw since all ranks run the same program).
    if hpxl_runtime::dist::nranks() > 1 {
        hpxl_runtime::dist::broadcast(&mut key, 0);
    }
    u64::from_le_bytes(key[..8].try_into().unwrap_or([0; 8]))
}

/// Sets the stream to `key`, counter 0.
pub fn seed(state: &mut RandomState, key: u64) {
    *state = RandomState { key, counter: 0, seeded: true };
}

/// Takes the blocks of a draw of `elements` values from the stream and returns the draw
/// (seeding from entropy first if the session never seeded).
pub fn take_draw(state: &mut RandomState, dist: Dist, elements: usize) -> RandomDraw {
    if !state.seeded {
        seed(state, entropy_key());
    }
    let draw = RandomDraw { dist, key: state.key, counter: state.counter };
    state.counter = state.counter.wrapping_add(dist.blocks(elements));
    draw
}
