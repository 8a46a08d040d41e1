//! Per-element arithmetic of the typed loops: `Ty` ties a Rust element type to its dtype
//! and storage, `Num` gives every element type the same operation set (with NumPy's
//! integer wrapping, Python-style floor division and NaN rules), and `Float` adds the
//! float-only functions. Operations a dtype has no NumPy loop for are rejected by the
//! kernels before the loop runs; their `Num` methods here are inert placeholders.

use hpxl_runtime::{cast_slice, DType, Data, Element};

/// A Rust element type with its dtype and the `Data` variant that stores it.
pub(crate) trait Ty: Element + PartialOrd + std::fmt::Debug {
    const DTYPE: DType;
    fn slice(d: &Data) -> Option<&[Self]>;
    /// The Vec inside `d`, converting when the variant does not match.
    fn unwrap(d: Data) -> Vec<Self>;
    fn wrap(v: Vec<Self>) -> Data;
    /// C-style conversion from f64 (`as`).
    fn from_f64(v: f64) -> Self;
}

macro_rules! impl_ty {
    ($($t:ty => $var:ident, |$v:ident| $from:expr);*) => {$(
        impl Ty for $t {
            const DTYPE: DType = DType::$var;
            #[inline]
            fn slice(d: &Data) -> Option<&[Self]> {
                match d {
                    Data::$var(v) => Some(v),
                    _ => None,
                }
            }
            fn unwrap(mut d: Data) -> Vec<Self> {
                // `Data` returns its buffer to the pool on drop, so the Vec is taken out.
                match &mut d {
                    Data::$var(v) => std::mem::take(v),
                    other => {
                        let mut cast = hpxl_runtime::with_data!(&*other, v => cast_slice(v, DType::$var));
                        match &mut cast {
                            Data::$var(v) => std::mem::take(v),
                            _ => Vec::new(),
                        }
                    }
                }
            }
            #[inline]
            fn wrap(v: Vec<Self>) -> Data {
                Data::$var(v)
            }
            #[inline]
            fn from_f64($v: f64) -> Self {
                $from
            }
        }
    )*};
}
impl_ty!(bool => Bool, |v| v != 0.0; i8 => Int8, |v| v as i8; i16 => Int16, |v| v as i16;
    i32 => Int32, |v| v as i32; i64 => Int64, |v| v as i64; u8 => UInt8, |v| v as u8;
    u16 => UInt16, |v| v as u16; u32 => UInt32, |v| v as u32; u64 => UInt64, |v| v as u64;
    f32 => Float32, |v| v as f32; f64 => Float64, |v| v);

/// The operation set shared by every element type.
pub(crate) trait Num: Ty {
    const ZERO: Self;
    const ONE: Self;
    fn add(a: Self, b: Self) -> Self;
    fn sub(a: Self, b: Self) -> Self;
    fn mul(a: Self, b: Self) -> Self;
    fn floordiv(a: Self, b: Self) -> Self;
    fn rem(a: Self, b: Self) -> Self;
    fn fmod(a: Self, b: Self) -> Self;
    /// Integer power assumes a non-negative exponent (the kernel checks first).
    fn pow(a: Self, b: Self) -> Self;
    fn minimum(a: Self, b: Self) -> Self;
    fn maximum(a: Self, b: Self) -> Self;
    fn fmin(a: Self, b: Self) -> Self;
    fn fmax(a: Self, b: Self) -> Self;
    fn bitand(a: Self, b: Self) -> Self;
    fn bitor(a: Self, b: Self) -> Self;
    fn bitxor(a: Self, b: Self) -> Self;
    fn shl(a: Self, b: Self) -> Self;
    fn shr(a: Self, b: Self) -> Self;
    fn neg(a: Self) -> Self;
    fn abs(a: Self) -> Self;
    fn sign(a: Self) -> Self;
    fn reciprocal(a: Self) -> Self;
    fn invert(a: Self) -> Self;
    fn floor(a: Self) -> Self;
    fn ceil(a: Self) -> Self;
    fn trunc(a: Self) -> Self;
    fn rint(a: Self) -> Self;
    fn is_nan(a: Self) -> bool;
    fn is_inf(a: Self) -> bool;
    fn is_finite(a: Self) -> bool;
    fn signbit(a: Self) -> bool;
    /// Sum of a contiguous run: NumPy's pairwise summation for floats, wrapping for ints.
    fn sum_slice(v: &[Self]) -> Self;
}

macro_rules! impl_int_num {
    ($($t:ty, $zero_recip:expr);*) => {$(
        #[allow(unused_comparisons)]
        impl Num for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline] fn add(a: Self, b: Self) -> Self { a.wrapping_add(b) }
            #[inline] fn sub(a: Self, b: Self) -> Self { a.wrapping_sub(b) }
            #[inline] fn mul(a: Self, b: Self) -> Self { a.wrapping_mul(b) }
            #[inline]
            fn floordiv(a: Self, b: Self) -> Self {
                if b == 0 {
                    return 0;
                }
                let q = a.wrapping_div(b);
                if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) { q.wrapping_sub(1) } else { q }
            }
            #[inline]
            fn rem(a: Self, b: Self) -> Self {
                if b == 0 {
                    return 0;
                }
                let r = a.wrapping_rem(b);
                if r != 0 && ((r < 0) != (b < 0)) { r.wrapping_add(b) } else { r }
            }
            #[inline] fn fmod(a: Self, b: Self) -> Self { if b == 0 { 0 } else { a.wrapping_rem(b) } }
            #[inline]
            fn pow(a: Self, b: Self) -> Self {
                if b < 0 {
                    return 0;
                }
                let mut base = a;
                let mut e = b;
                let mut out: Self = if e & 1 != 0 { a } else { 1 };
                e >>= 1;
                while e > 0 {
                    base = base.wrapping_mul(base);
                    if e & 1 != 0 {
                        out = out.wrapping_mul(base);
                    }
                    e >>= 1;
                }
                out
            }
            #[inline] fn minimum(a: Self, b: Self) -> Self { if a < b { a } else { b } }
            #[inline] fn maximum(a: Self, b: Self) -> Self { if a > b { a } else { b } }
            #[inline] fn fmin(a: Self, b: Self) -> Self { if a < b { a } else { b } }
            #[inline] fn fmax(a: Self, b: Self) -> Self { if a > b { a } else { b } }
            #[inline] fn bitand(a: Self, b: Self) -> Self { a & b }
            #[inline] fn bitor(a: Self, b: Self) -> Self { a | b }
            #[inline] fn bitxor(a: Self, b: Self) -> Self { a ^ b }
            #[inline]
            fn shl(a: Self, b: Self) -> Self {
                // NumPy compares the count as size_t: negative counts are huge, giving 0.
                if b >= 0 && (b as u64) < Self::BITS as u64 { a.wrapping_shl(b as u32) } else { 0 }
            }
            #[inline]
            fn shr(a: Self, b: Self) -> Self {
                if b >= 0 && (b as u64) < Self::BITS as u64 {
                    a >> (b as u32)
                } else if a < 0 {
                    !0
                } else {
                    0
                }
            }
            #[inline] fn neg(a: Self) -> Self { a.wrapping_neg() }
            #[inline] fn abs(a: Self) -> Self { if a < 0 { a.wrapping_neg() } else { a } }
            #[inline]
            fn sign(a: Self) -> Self {
                if a > 0 { 1 } else if a < 0 { (0 as Self).wrapping_sub(1) } else { 0 }
            }
            #[inline]
            fn reciprocal(a: Self) -> Self {
                // NumPy computes `1.0 / a` in double and converts back; 1/0 = inf converts to
                // the platform's "integer indefinite" value, truncated to the width.
                if a == 0 {
                    $zero_recip
                } else if a == 1 || a == (0 as Self).wrapping_sub(1) && (0 as Self).wrapping_sub(1) < 0 {
                    a
                } else {
                    0
                }
            }
            #[inline] fn invert(a: Self) -> Self { !a }
            #[inline] fn floor(a: Self) -> Self { a }
            #[inline] fn ceil(a: Self) -> Self { a }
            #[inline] fn trunc(a: Self) -> Self { a }
            #[inline] fn rint(a: Self) -> Self { a }
            #[inline] fn is_nan(_a: Self) -> bool { false }
            #[inline] fn is_inf(_a: Self) -> bool { false }
            #[inline] fn is_finite(_a: Self) -> bool { true }
            #[inline] fn signbit(a: Self) -> bool { a < 0 }
            fn sum_slice(v: &[Self]) -> Self {
                v.iter().fold(0, |acc: Self, &x| acc.wrapping_add(x))
            }
        }
    )*};
}
impl_int_num!(i8, 0; i16, 0; i32, i32::MIN; i64, i64::MIN; u8, 0; u16, 0; u32, 0; u64, 0);

impl Num for bool {
    const ZERO: Self = false;
    const ONE: Self = true;
    #[inline]
    fn add(a: Self, b: Self) -> Self {
        a | b
    }
    #[inline]
    fn sub(a: Self, b: Self) -> Self {
        a ^ b
    }
    #[inline]
    fn mul(a: Self, b: Self) -> Self {
        a & b
    }
    fn floordiv(a: Self, b: Self) -> Self {
        a & b
    }
    fn rem(_a: Self, _b: Self) -> Self {
        false
    }
    fn fmod(_a: Self, _b: Self) -> Self {
        false
    }
    fn pow(a: Self, b: Self) -> Self {
        a | !b
    }
    #[inline]
    fn minimum(a: Self, b: Self) -> Self {
        a & b
    }
    #[inline]
    fn maximum(a: Self, b: Self) -> Self {
        a | b
    }
    #[inline]
    fn fmin(a: Self, b: Self) -> Self {
        a & b
    }
    #[inline]
    fn fmax(a: Self, b: Self) -> Self {
        a | b
    }
    #[inline]
    fn bitand(a: Self, b: Self) -> Self {
        a & b
    }
    #[inline]
    fn bitor(a: Self, b: Self) -> Self {
        a | b
    }
    #[inline]
    fn bitxor(a: Self, b: Self) -> Self {
        a ^ b
    }
    fn shl(a: Self, _b: Self) -> Self {
        a
    }
    fn shr(a: Self, _b: Self) -> Self {
        a
    }
    fn neg(a: Self) -> Self {
        a
    }
    fn abs(a: Self) -> Self {
        a
    }
    fn sign(a: Self) -> Self {
        a
    }
    fn reciprocal(a: Self) -> Self {
        a
    }
    #[inline]
    fn invert(a: Self) -> Self {
        !a
    }
    fn floor(a: Self) -> Self {
        a
    }
    fn ceil(a: Self) -> Self {
        a
    }
    fn trunc(a: Self) -> Self {
        a
    }
    fn rint(a: Self) -> Self {
        a
    }
    fn is_nan(_a: Self) -> bool {
        false
    }
    fn is_inf(_a: Self) -> bool {
        false
    }
    fn is_finite(_a: Self) -> bool {
        true
    }
    fn signbit(_a: Self) -> bool {
        false
    }
    fn sum_slice(v: &[Self]) -> Self {
        v.iter().any(|&x| x)
    }
}

/// Float-only functions (NumPy has no integer loops for them).
pub(crate) trait Float: Num {
    /// `sum_slice` of `(x - mean)²` over `v`, the squares formed as the sum reads them
    /// (the second pass of a variance, without a transformed copy): the same bits.
    fn sum_sq_dev(v: &[Self], mean: Self) -> Self;
    fn div(a: Self, b: Self) -> Self;
    fn atan2(a: Self, b: Self) -> Self;
    fn hypot(a: Self, b: Self) -> Self;
    fn copysign(a: Self, b: Self) -> Self;
    fn sqrt(a: Self) -> Self;
    fn cbrt(a: Self) -> Self;
    fn exp(a: Self) -> Self;
    fn exp2(a: Self) -> Self;
    fn expm1(a: Self) -> Self;
    fn ln(a: Self) -> Self;
    fn log2(a: Self) -> Self;
    fn log10(a: Self) -> Self;
    fn log1p(a: Self) -> Self;
    fn sin(a: Self) -> Self;
    fn cos(a: Self) -> Self;
    fn tan(a: Self) -> Self;
    fn asin(a: Self) -> Self;
    fn acos(a: Self) -> Self;
    fn atan(a: Self) -> Self;
    fn sinh(a: Self) -> Self;
    fn cosh(a: Self) -> Self;
    fn tanh(a: Self) -> Self;
    fn asinh(a: Self) -> Self;
    fn acosh(a: Self) -> Self;
    fn atanh(a: Self) -> Self;
    fn deg2rad(a: Self) -> Self;
    fn rad2deg(a: Self) -> Self;
}

// Rust's std computes asinh/acosh/atanh with its own formulas, which are less accurate
// than the C library's; NumPy (like C) uses libm's, so call those directly.
extern "C" {
    fn asinh(x: f64) -> f64;
    fn acosh(x: f64) -> f64;
    fn atanh(x: f64) -> f64;
    fn asinhf(x: f32) -> f32;
    fn acoshf(x: f32) -> f32;
    fn atanhf(x: f32) -> f32;
}

/// The body of NumPy's pairwise summation for one float type, recursing through `$rec`.
///
/// Note [Wider pairwise sums]: the body has no fused multiply-add to contract and Rust
/// never reassociates floating-point additions, so every variant adds the same numbers
/// in the same order: the eight partial sums live in one zmm register (AVX-512), two
/// ymm (AVX2) or four xmm (baseline), and the result is bit for bit the same (tested in
/// `pairwise_variants_agree`, against a transcription of NumPy's loop). The wider
/// variants keep more loads in flight per cycle, which is what a memory-bound `sum`
/// needs; and where both halves of a split are leaves, their two independent chains of
/// additions run in one loop, so that the add latency of one hides behind the other.
macro_rules! pairwise_body {
    ($t:ty, $a:expr, $rec:ident) => {
        pairwise_body!($t, $a, |x: $t| x, |s: &[$t]| $rec(s))
    };
    // `$map` applied to every element as it is read: the sum of the mapped values in
    // exactly the order of the plain sum (`Float::sum_sq_dev`).
    ($t:ty, $a:expr, $map:expr, $rec:expr) => {{
        let a: &[$t] = $a;
        let m = $map;
        let n = a.len();
        if n < 8 {
            let mut res: $t = 0.0;
            for &x in a {
                res += m(x);
            }
            res
        } else if n <= 128 {
            let (head, rest) = a.split_at(8);
            let mut r =
                [m(head[0]), m(head[1]), m(head[2]), m(head[3]), m(head[4]), m(head[5]), m(head[6]), m(head[7])];
            // Whole groups of 8 through `chunks_exact` (no bounds checks, so the
            // eight partial sums vectorise), then the tail, as NumPy orders them.
            let mut groups = rest.chunks_exact(8);
            for g in &mut groups {
                for j in 0..8 {
                    r[j] += m(g[j]);
                }
            }
            let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for &x in groups.remainder() {
                res += m(x);
            }
            res
        } else if n <= 256 && n - (n / 2 - n / 2 % 8) <= 128 {
            // Both halves are leaves: sum them in one loop, so that the two chains of
            // additions overlap. Each leaf adds exactly as above.
            let (x, y) = a.split_at(n / 2 - n / 2 % 8);
            let mut r = [m(x[0]), m(x[1]), m(x[2]), m(x[3]), m(x[4]), m(x[5]), m(x[6]), m(x[7])];
            let mut q = [m(y[0]), m(y[1]), m(y[2]), m(y[3]), m(y[4]), m(y[5]), m(y[6]), m(y[7])];
            let (mut gx, mut gy) = (x[8..].chunks_exact(8), y[8..].chunks_exact(8));
            // `x` is never longer than `y`, so `gx` runs out first and `zip` takes
            // nothing from `gy` that it then drops.
            for (g, h) in (&mut gx).zip(&mut gy) {
                for j in 0..8 {
                    r[j] += m(g[j]);
                    q[j] += m(h[j]);
                }
            }
            for h in &mut gy {
                for j in 0..8 {
                    q[j] += m(h[j]);
                }
            }
            let mut rx = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for &v in gx.remainder() {
                rx += m(v);
            }
            let mut ry = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));
            for &v in gy.remainder() {
                ry += m(v);
            }
            rx + ry
        } else {
            let mut n2 = n / 2;
            n2 -= n2 % 8;
            // SAFETY (for the target-feature variants): the caller's ISA check covers
            // the recursive call, which has the same features.
            #[allow(unused_unsafe)]
            unsafe {
                let rec = $rec;
                rec(&a[..n2]) + rec(&a[n2..])
            }
        }
    }};
}

/// Note [Explicit-SIMD pairwise leaves]: on AVX-512 the pairwise sums (`pairwise_sum`,
/// `pairwise_sq_dev`) run hand-written leaves instead of `pairwise_body!`. A leaf keeps
/// its eight partial sums in one register (a zmm of float64, a ymm of float32), adds
/// whole groups of eight in order, folds them as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) with
/// two lane swaps (addition is commutative, so each pair adds the same two numbers),
/// then adds the tail one by one: NumPy's order, so NumPy's bits
/// (`pairwise_variants_agree`). A split whose halves (or quarters) are leaves sums them
/// inline rather than through a call. For the generic body the compiler had kept half
/// of the two-leaf loop's partial sums in four xmm registers with shuffles, and paid a
/// call per leaf pair: `sum` of 10M float64 read at 35–41 GB/s on two cores where a
/// plain streaming `max` reads at 51–53; with these leaves it reads at 50–52.
#[cfg(target_arch = "x86_64")]
mod zmm {
    use std::arch::x86_64::*;

    /// A float type with an explicit-SIMD pairwise leaf.
    pub(crate) trait Leaf:
        Copy + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self> + std::ops::Mul<Output = Self>
    {
        const ZERO: Self;
        /// The sum of `map(x)` over `a` in NumPy's leaf order, `8 <= a.len() <= 128`;
        /// `map` is `(x - mean)²` when `SQ`, else the identity.
        ///
        /// # Safety
        /// The CPU must have AVX-512 F/DQ/VL.
        unsafe fn leaf<const SQ: bool>(a: &[Self], mean: Self) -> Self;
    }

    #[inline(always)]
    fn map<T: Leaf, const SQ: bool>(x: T, mean: T) -> T {
        if SQ {
            (x - mean) * (x - mean)
        } else {
            x
        }
    }

    impl Leaf for f64 {
        const ZERO: Self = 0.0;
        #[inline(always)]
        unsafe fn leaf<const SQ: bool>(a: &[f64], mean: f64) -> f64 {
            let n = a.len();
            debug_assert!((8..=128).contains(&n));
            let p = a.as_ptr();
            let m = _mm512_set1_pd(mean);
            let get = |i: usize| {
                // SAFETY: callers pass `i + 8 <= n`.
                let x = unsafe { _mm512_loadu_pd(p.add(i)) };
                if SQ {
                    let d = _mm512_sub_pd(x, m);
                    _mm512_mul_pd(d, d)
                } else {
                    x
                }
            };
            let mut r = get(0);
            let whole = n - n % 8;
            let mut i = 8;
            while i < whole {
                r = _mm512_add_pd(r, get(i));
                i += 8;
            }
            // Lane 2k: r[2k] + r[2k+1]; then lane 0: (r0+r1)+(r2+r3), lane 4: (r4+r5)+(r6+r7).
            let t = _mm512_add_pd(r, _mm512_permute_pd::<0b0101_0101>(r));
            let u = _mm512_add_pd(t, _mm512_permutex_pd::<0b01_00_11_10>(t));
            let hi = _mm256_castpd256_pd128(_mm512_extractf64x4_pd::<1>(u));
            let mut res = _mm_cvtsd_f64(_mm_add_sd(_mm512_castpd512_pd128(u), hi));
            for &x in &a[whole..] {
                res += map::<f64, SQ>(x, mean);
            }
            res
        }
    }

    impl Leaf for f32 {
        const ZERO: Self = 0.0;
        #[inline(always)]
        unsafe fn leaf<const SQ: bool>(a: &[f32], mean: f32) -> f32 {
            let n = a.len();
            debug_assert!((8..=128).contains(&n));
            let p = a.as_ptr();
            let m = _mm256_set1_ps(mean);
            let get = |i: usize| {
                // SAFETY: callers pass `i + 8 <= n`.
                let x = unsafe { _mm256_loadu_ps(p.add(i)) };
                if SQ {
                    let d = _mm256_sub_ps(x, m);
                    _mm256_mul_ps(d, d)
                } else {
                    x
                }
            };
            let mut r = get(0);
            let whole = n - n % 8;
            let mut i = 8;
            while i < whole {
                r = _mm256_add_ps(r, get(i));
                i += 8;
            }
            let t = _mm256_add_ps(r, _mm256_permute_ps::<0b10_11_00_01>(r));
            let u = _mm256_add_ps(t, _mm256_permute_ps::<0b01_00_11_10>(t));
            let hi = _mm256_extractf128_ps::<1>(u);
            let mut res = _mm_cvtss_f32(_mm_add_ss(_mm256_castps256_ps128(u), hi));
            for &x in &a[whole..] {
                res += map::<f32, SQ>(x, mean);
            }
            res
        }
    }

    /// NumPy's split point of a pairwise sum of `n > 128` values.
    #[inline(always)]
    fn split(n: usize) -> usize {
        n / 2 - n / 2 % 8
    }

    /// A subtree of at most 128 values: the short loop or one leaf.
    #[inline(always)]
    unsafe fn part<T: Leaf, const SQ: bool>(a: &[T], mean: T) -> T {
        if a.len() < 8 {
            let mut res = T::ZERO;
            for &x in a {
                res = res + map::<T, SQ>(x, mean);
            }
            res
        } else {
            // SAFETY: the caller's CPU has AVX-512 (this module's contract).
            unsafe { T::leaf::<SQ>(a, mean) }
        }
    }

    /// One child of a split: inline when it is a leaf, otherwise a call.
    #[inline(always)]
    unsafe fn child<T: Leaf, const SQ: bool>(a: &[T], mean: T) -> T {
        if a.len() <= 128 {
            unsafe { part::<T, SQ>(a, mean) }
        } else {
            unsafe { sum::<T, SQ>(a, mean) }
        }
    }

    /// NumPy's pairwise sum of `map(x)` over `a` (Note [Explicit-SIMD pairwise leaves]).
    ///
    /// # Safety
    /// The CPU must have AVX-512 F/DQ/VL.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
    pub(crate) unsafe fn sum<T: Leaf, const SQ: bool>(a: &[T], mean: T) -> T {
        let n = a.len();
        if n <= 128 {
            return unsafe { part::<T, SQ>(a, mean) };
        }
        // Two levels inline: a split's halves, and theirs when they are leaves.
        let (x, y) = a.split_at(split(n));
        let half = |h: &[T]| {
            if h.len() <= 128 {
                unsafe { part::<T, SQ>(h, mean) }
            } else {
                let (p, q) = h.split_at(split(h.len()));
                unsafe { child::<T, SQ>(p, mean) + child::<T, SQ>(q, mean) }
            }
        };
        half(x) + half(y)
    }
}

macro_rules! impl_float {
    ($t:ident, $asinh:ident, $acosh:ident, $atanh:ident) => {
        impl Num for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            #[inline]
            fn add(a: Self, b: Self) -> Self {
                a + b
            }
            #[inline]
            fn sub(a: Self, b: Self) -> Self {
                a - b
            }
            #[inline]
            fn mul(a: Self, b: Self) -> Self {
                a * b
            }
            #[inline]
            fn floordiv(a: Self, b: Self) -> Self {
                // NumPy's npy_floor_divide.
                if b == 0.0 {
                    a / b
                } else {
                    divmod(a, b).0
                }
            }
            #[inline]
            fn rem(a: Self, b: Self) -> Self {
                // NumPy's npy_remainder.
                if b == 0.0 {
                    a % b
                } else {
                    divmod(a, b).1
                }
            }
            #[inline]
            fn fmod(a: Self, b: Self) -> Self {
                a % b
            }
            #[inline]
            fn pow(a: Self, b: Self) -> Self {
                a.powf(b)
            }
            #[inline]
            fn minimum(a: Self, b: Self) -> Self {
                if a.is_nan() {
                    a
                } else if b.is_nan() {
                    b
                } else if a < b {
                    a
                } else {
                    b
                }
            }
            #[inline]
            fn maximum(a: Self, b: Self) -> Self {
                if a.is_nan() {
                    a
                } else if b.is_nan() {
                    b
                } else if a > b {
                    a
                } else {
                    b
                }
            }
            #[inline]
            fn fmin(a: Self, b: Self) -> Self {
                if b.is_nan() {
                    a
                } else if a.is_nan() {
                    b
                } else if a < b {
                    a
                } else {
                    b
                }
            }
            #[inline]
            fn fmax(a: Self, b: Self) -> Self {
                if b.is_nan() {
                    a
                } else if a.is_nan() {
                    b
                } else if a > b {
                    a
                } else {
                    b
                }
            }
            fn bitand(a: Self, _b: Self) -> Self {
                a
            }
            fn bitor(a: Self, _b: Self) -> Self {
                a
            }
            fn bitxor(a: Self, _b: Self) -> Self {
                a
            }
            fn shl(a: Self, _b: Self) -> Self {
                a
            }
            fn shr(a: Self, _b: Self) -> Self {
                a
            }
            #[inline]
            fn neg(a: Self) -> Self {
                -a
            }
            #[inline]
            fn abs(a: Self) -> Self {
                a.abs()
            }
            #[inline]
            fn sign(a: Self) -> Self {
                if a > 0.0 {
                    1.0
                } else if a < 0.0 {
                    -1.0
                } else if a == 0.0 {
                    0.0
                } else {
                    a
                }
            }
            #[inline]
            fn reciprocal(a: Self) -> Self {
                1.0 / a
            }
            fn invert(a: Self) -> Self {
                a
            }
            #[inline]
            fn floor(a: Self) -> Self {
                a.floor()
            }
            #[inline]
            fn ceil(a: Self) -> Self {
                a.ceil()
            }
            #[inline]
            fn trunc(a: Self) -> Self {
                a.trunc()
            }
            #[inline]
            fn rint(a: Self) -> Self {
                a.round_ties_even()
            }
            #[inline]
            fn is_nan(a: Self) -> bool {
                a.is_nan()
            }
            #[inline]
            fn is_inf(a: Self) -> bool {
                a.is_infinite()
            }
            #[inline]
            fn is_finite(a: Self) -> bool {
                a.is_finite()
            }
            #[inline]
            fn signbit(a: Self) -> bool {
                a.is_sign_negative()
            }
            fn sum_slice(v: &[Self]) -> Self {
                pairwise_sum(v)
            }
        }

        impl Float for $t {
            fn sum_sq_dev(v: &[Self], mean: Self) -> Self {
                pairwise_sq_dev(v, mean)
            }
            #[inline]
            fn div(a: Self, b: Self) -> Self {
                a / b
            }
            #[inline]
            fn atan2(a: Self, b: Self) -> Self {
                a.atan2(b)
            }
            #[inline]
            fn hypot(a: Self, b: Self) -> Self {
                a.hypot(b)
            }
            #[inline]
            fn copysign(a: Self, b: Self) -> Self {
                a.copysign(b)
            }
            #[inline]
            fn sqrt(a: Self) -> Self {
                a.sqrt()
            }
            #[inline]
            fn cbrt(a: Self) -> Self {
                a.cbrt()
            }
            #[inline]
            fn exp(a: Self) -> Self {
                a.exp()
            }
            #[inline]
            fn exp2(a: Self) -> Self {
                a.exp2()
            }
            #[inline]
            fn expm1(a: Self) -> Self {
                a.exp_m1()
            }
            #[inline]
            fn ln(a: Self) -> Self {
                a.ln()
            }
            #[inline]
            fn log2(a: Self) -> Self {
                a.log2()
            }
            #[inline]
            fn log10(a: Self) -> Self {
                a.log10()
            }
            #[inline]
            fn log1p(a: Self) -> Self {
                a.ln_1p()
            }
            #[inline]
            fn sin(a: Self) -> Self {
                a.sin()
            }
            #[inline]
            fn cos(a: Self) -> Self {
                a.cos()
            }
            #[inline]
            fn tan(a: Self) -> Self {
                a.tan()
            }
            #[inline]
            fn asin(a: Self) -> Self {
                a.asin()
            }
            #[inline]
            fn acos(a: Self) -> Self {
                a.acos()
            }
            #[inline]
            fn atan(a: Self) -> Self {
                a.atan()
            }
            #[inline]
            fn sinh(a: Self) -> Self {
                a.sinh()
            }
            #[inline]
            fn cosh(a: Self) -> Self {
                a.cosh()
            }
            #[inline]
            fn tanh(a: Self) -> Self {
                a.tanh()
            }
            // SAFETY: the libm functions are pure and defined for every input.
            #[inline]
            fn asinh(a: Self) -> Self {
                unsafe { $asinh(a) }
            }
            #[inline]
            fn acosh(a: Self) -> Self {
                unsafe { $acosh(a) }
            }
            #[inline]
            fn atanh(a: Self) -> Self {
                unsafe { $atanh(a) }
            }
            #[inline]
            fn deg2rad(a: Self) -> Self {
                a * (std::$t::consts::PI / 180.0)
            }
            #[inline]
            fn rad2deg(a: Self) -> Self {
                a * (180.0 / std::$t::consts::PI)
            }
        }

        /// NumPy's `npy_divmod` (b != 0): Python-style floor quotient and remainder.
        #[inline]
        fn divmod(a: $t, b: $t) -> ($t, $t) {
            let mut m = a % b;
            let mut div = (a - m) / b;
            if m != 0.0 {
                if (b < 0.0) != (m < 0.0) {
                    m += b;
                    div -= 1.0;
                }
            } else {
                m = (0.0 as $t).copysign(b);
            }
            let floordiv = if div != 0.0 {
                let mut f = div.floor();
                if div - f > 0.5 {
                    f += 1.0;
                }
                f
            } else {
                (0.0 as $t).copysign(a / b)
            };
            (floordiv, m)
        }

        /// NumPy's `pairwise_sum` (loops_utils.h.src): 8 partial sums, blocks of 128,
        /// compiled for the widest vectors this CPU has (Note [Wider pairwise sums]).
        pub(crate) fn pairwise_sum(a: &[$t]) -> $t {
            pairwise_sum_with(crate::vmath::best_isa(), a)
        }

        /// [`pairwise_sum`] compiled for `isa`, which must be in `available_isas()`.
        pub(crate) fn pairwise_sum_with(isa: crate::vmath::Isa, a: &[$t]) -> $t {
            use crate::vmath::Isa;
            match isa {
                // SAFETY: callers pass an ISA from `available_isas()`.
                #[cfg(target_arch = "x86_64")]
                Isa::Avx512 => unsafe { pairwise_sum_avx512(a) },
                #[cfg(target_arch = "x86_64")]
                Isa::Avx2Fma => unsafe { pairwise_sum_avx2(a) },
                _ => pairwise_sum_baseline(a),
            }
        }

        fn pairwise_sum_baseline(a: &[$t]) -> $t {
            pairwise_body!($t, a, pairwise_sum_baseline)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn pairwise_sum_avx2(a: &[$t]) -> $t {
            pairwise_body!($t, a, pairwise_sum_avx2)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
        unsafe fn pairwise_sum_avx512(a: &[$t]) -> $t {
            // SAFETY: the caller's CPU has AVX-512 (this function's own features).
            unsafe { zmm::sum::<$t, false>(a, 0.0) }
        }

        /// [`pairwise_sum`] of `(x - mean)²` (`Float::sum_sq_dev`).
        pub(crate) fn pairwise_sq_dev(a: &[$t], mean: $t) -> $t {
            pairwise_sq_dev_with(crate::vmath::best_isa(), a, mean)
        }

        /// [`pairwise_sq_dev`] compiled for `isa`, which must be in `available_isas()`.
        pub(crate) fn pairwise_sq_dev_with(isa: crate::vmath::Isa, a: &[$t], mean: $t) -> $t {
            use crate::vmath::Isa;
            match isa {
                // SAFETY: callers pass an ISA from `available_isas()`.
                #[cfg(target_arch = "x86_64")]
                Isa::Avx512 => unsafe { pairwise_sq_dev_avx512(a, mean) },
                #[cfg(target_arch = "x86_64")]
                Isa::Avx2Fma => unsafe { pairwise_sq_dev_avx2(a, mean) },
                _ => pairwise_sq_dev_baseline(a, mean),
            }
        }

        fn pairwise_sq_dev_baseline(a: &[$t], mean: $t) -> $t {
            pairwise_body!($t, a, |x: $t| (x - mean) * (x - mean), |s: &[$t]| pairwise_sq_dev_baseline(s, mean))
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn pairwise_sq_dev_avx2(a: &[$t], mean: $t) -> $t {
            pairwise_body!($t, a, |x: $t| (x - mean) * (x - mean), |s: &[$t]| pairwise_sq_dev_avx2(s, mean))
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
        unsafe fn pairwise_sq_dev_avx512(a: &[$t], mean: $t) -> $t {
            // SAFETY: as for `pairwise_sum_avx512`.
            unsafe { zmm::sum::<$t, true>(a, mean) }
        }
    };
}

mod f32_impl {
    use super::*;
    impl_float!(f32, asinhf, acoshf, atanhf);
}
mod f64_impl {
    use super::*;
    impl_float!(f64, asinh, acosh, atanh);
}

#[cfg(test)]
mod pairwise_tests {
    use crate::vmath::available_isas;

    /// Note [Wider pairwise sums]: every ISA variant gives NumPy's bits.
    #[test]
    fn pairwise_variants_agree() {
        // Values spanning many magnitudes and signs, so any change of order shows.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            mantissa * 10f64.powi((state % 31) as i32 - 15)
        };
        let data: Vec<f64> = (0..100_003).map(|_| next()).collect();
        // NumPy's pairwise_sum as written in loops_utils.h.src, one leaf at a time.
        fn reference<T: Copy + std::ops::Add<Output = T> + Default>(a: &[T]) -> T {
            let n = a.len();
            if n < 8 {
                a.iter().fold(T::default(), |acc, &x| acc + x)
            } else if n <= 128 {
                let mut r: Vec<T> = a[..8].to_vec();
                let mut i = 8;
                while i < n - n % 8 {
                    for j in 0..8 {
                        r[j] = r[j] + a[i + j];
                    }
                    i += 8;
                }
                let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
                for &x in &a[i..] {
                    res = res + x;
                }
                res
            } else {
                let n2 = n / 2 - n / 2 % 8;
                reference(&a[..n2]) + reference(&a[n2..])
            }
        }
        let data32: Vec<f32> = data.iter().map(|&x| x as f32).collect();
        let lens = (0..300).chain([1000, 4097, 65_536, 100_003]);
        for len in lens {
            let want = reference(&data[..len]);
            let want32 = reference(&data32[..len]);
            for isa in available_isas() {
                let got = super::f64_impl::pairwise_sum_with(isa, &data[..len]);
                assert_eq!(got.to_bits(), want.to_bits(), "f64 {isa:?}, {len} values");
                let got32 = super::f32_impl::pairwise_sum_with(isa, &data32[..len]);
                assert_eq!(got32.to_bits(), want32.to_bits(), "f32 {isa:?}, {len} values");
            }
            // The second pass of a variance: the squares formed as the sum reads them.
            let mean = data[..len].iter().sum::<f64>() / len.max(1) as f64;
            let sq: Vec<f64> = data[..len].iter().map(|&x| (x - mean) * (x - mean)).collect();
            let (mean32, sq32): (f32, Vec<f32>) =
                (mean as f32, data32[..len].iter().map(|&x| (x - mean as f32) * (x - mean as f32)).collect());
            for isa in available_isas() {
                let got = super::f64_impl::pairwise_sq_dev_with(isa, &data[..len], mean);
                assert_eq!(got.to_bits(), reference(&sq).to_bits(), "f64 squares {isa:?}, {len} values");
                let got32 = super::f32_impl::pairwise_sq_dev_with(isa, &data32[..len], mean32);
                assert_eq!(got32.to_bits(), reference(&sq32).to_bits(), "f32 squares {isa:?}, {len} values");
            }
        }
    }
}
