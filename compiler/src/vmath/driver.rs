//! The slice loops and the macros that instantiate them once per ISA.
//!
//! Note [Two passes over a block]: each block of up to `BLOCK` elements is first run
//! through the branch-free kernel into a stack buffer (the loop LLVM vectorises), while an
//! OR-reduction records whether any input is "rare" (an argument outside the kernel's
//! range, such as sin(1e300)). Only if one is, a scalar pass recomputes just those
//! elements with the exact libm function. The buffer is then copied to `out`; computing
//! into a buffer first is what makes in-place calls (`out == x`) safe, since the second
//! pass still needs the original inputs.

/// Elements per block: 2 KiB of float64, small enough to stay in L1 with the inputs.
pub(super) const BLOCK: usize = 256;

/// Runs `out[i] = kernel(x[i])` over the slice in blocks, then `fallback(x[i])` where
/// `rare(x[i])` (Note [Two passes over a block]). A macro rather than a generic function so
/// that the kernel call is a direct call of an `inline(always)` function: through an
/// `impl Fn` parameter LLVM may leave a large kernel out of line, compiled without the
/// caller's target features and unvectorised.
///
/// Safety (of the expansion): `x` and `out` must be valid for `n` elements of `$t`; `out`
/// is either `x` or disjoint from it.
macro_rules! unary_loop {
    ($t:ty, $x:expr, $out:expr, $n:expr, $kernel:expr, $rare:expr, $fallback:expr) => {{
        let x = $x as *const $t;
        let out = $out as *mut $t;
        let n: usize = $n;
        let mut buf = [std::mem::MaybeUninit::<$t>::uninit(); BLOCK];
        let mut start = 0;
        while start < n {
            let len = BLOCK.min(n - start);
            // SAFETY: the caller guarantees `len` readable elements at `x + start`; the
            // slice is not used after `out` (which may alias it) is written below.
            let xs = unsafe { std::slice::from_raw_parts(x.add(start), len) };
            let tmp = &mut buf[..len];
            let mut any_rare = false;
            for (t, &v) in tmp.iter_mut().zip(xs) {
                t.write($kernel(v));
                any_rare |= $rare(v);
            }
            if any_rare {
                for (t, &v) in tmp.iter_mut().zip(xs) {
                    if $rare(v) {
                        t.write($fallback(v));
                    }
                }
            }
            // SAFETY: `tmp` holds `len` initialised elements; `out + start` has room for them.
            unsafe { std::ptr::copy(tmp.as_ptr() as *const $t, out.add(start), len) };
            start += len;
        }
    }};
}

/// The two-operand counterpart of `unary_loop!`; `out` may be `a`, `b` or disjoint.
macro_rules! binary_loop {
    ($t:ty, $a:expr, $b:expr, $out:expr, $n:expr, $kernel:expr, $rare:expr, $fallback:expr) => {{
        let a = $a as *const $t;
        let b = $b as *const $t;
        let out = $out as *mut $t;
        let n: usize = $n;
        let mut buf = [std::mem::MaybeUninit::<$t>::uninit(); BLOCK];
        let mut start = 0;
        while start < n {
            let len = BLOCK.min(n - start);
            // SAFETY: as in `unary_loop!`.
            let xa = unsafe { std::slice::from_raw_parts(a.add(start), len) };
            // SAFETY: as in `unary_loop!`.
            let xb = unsafe { std::slice::from_raw_parts(b.add(start), len) };
            let tmp = &mut buf[..len];
            let mut any_rare = false;
            for ((t, &u), &v) in tmp.iter_mut().zip(xa).zip(xb) {
                t.write($kernel(u, v));
                any_rare |= $rare(u, v);
            }
            if any_rare {
                for ((t, &u), &v) in tmp.iter_mut().zip(xa).zip(xb) {
                    if $rare(u, v) {
                        t.write($fallback(u, v));
                    }
                }
            }
            // SAFETY: as in `unary_loop!`.
            unsafe { std::ptr::copy(tmp.as_ptr() as *const $t, out.add(start), len) };
            start += len;
        }
    }};
}

/// Defines module `$name` with one `extern "C"` entry point per ISA and `get(isa)`.
/// `$body` may use the const `F` (fused multiply-add available).
macro_rules! unary {
    ($name:ident, |$x:ident: $t:ty| $body:expr, rare: |$rx:ident| $rare:expr, fallback: $fb:expr) => {
        pub(super) mod $name {
            #[allow(unused_imports)]
            use super::super::{
                common::*,
                driver::{unary_loop, BLOCK},
                explog, hyper, lite, powroot, trig, Isa, UnarySlice,
            };

            // Named functions rather than closures: `inline(always)` keeps even the largest
            // kernels inside the loop, where they are vectorised.
            #[inline(always)]
            fn kernel<const F: bool>($x: $t) -> $t {
                $body
            }

            #[inline(always)]
            #[allow(unused_variables)]
            fn rare($rx: $t) -> bool {
                $rare
            }

            #[inline(always)]
            unsafe fn run<const F: bool>(x: *const u8, out: *mut u8, n: usize) {
                unary_loop!($t, x, out, n, kernel::<F>, rare, $fb)
            }

            unsafe extern "C" fn baseline(x: *const u8, out: *mut u8, n: usize) {
                // SAFETY: the `UnarySlice` contract.
                unsafe { run::<false>(x, out, n) }
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            unsafe extern "C" fn avx2(x: *const u8, out: *mut u8, n: usize) {
                // SAFETY: the `UnarySlice` contract; `get` hands this out only when detected.
                unsafe { run::<true>(x, out, n) }
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
            unsafe extern "C" fn avx512(x: *const u8, out: *mut u8, n: usize) {
                // SAFETY: as for `avx2`.
                unsafe { run::<true>(x, out, n) }
            }

            pub(in crate::vmath) fn get(isa: Isa) -> UnarySlice {
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => avx512,
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2Fma => avx2,
                    _ => baseline,
                }
            }
        }
    };
}

/// The two-operand counterpart of `unary!`.
macro_rules! binary {
    ($name:ident, |$a:ident, $b:ident: $t:ty| $body:expr, rare: |$ra:ident, $rb:ident| $rare:expr, fallback: $fb:expr) => {
        pub(super) mod $name {
            #[allow(unused_imports)]
            use super::super::{
                common::*,
                driver::{binary_loop, BLOCK},
                explog, hyper, lite, powroot, trig, BinarySlice, Isa,
            };

            #[inline(always)]
            fn kernel<const F: bool>($a: $t, $b: $t) -> $t {
                $body
            }

            #[inline(always)]
            fn rare($ra: $t, $rb: $t) -> bool {
                $rare
            }

            #[inline(always)]
            unsafe fn run<const F: bool>(a: *const u8, b: *const u8, out: *mut u8, n: usize) {
                binary_loop!($t, a, b, out, n, kernel::<F>, rare, $fb)
            }

            unsafe extern "C" fn baseline(a: *const u8, b: *const u8, out: *mut u8, n: usize) {
                // SAFETY: the `BinarySlice` contract.
                unsafe { run::<false>(a, b, out, n) }
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            unsafe extern "C" fn avx2(a: *const u8, b: *const u8, out: *mut u8, n: usize) {
                // SAFETY: the `BinarySlice` contract; `get` hands this out only when detected.
                unsafe { run::<true>(a, b, out, n) }
            }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
            unsafe extern "C" fn avx512(a: *const u8, b: *const u8, out: *mut u8, n: usize) {
                // SAFETY: as for `avx2`.
                unsafe { run::<true>(a, b, out, n) }
            }

            pub(in crate::vmath) fn get(isa: Isa) -> BinarySlice {
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => avx512,
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2Fma => avx2,
                    _ => baseline,
                }
            }
        }
    };
}

pub(super) use {binary, binary_loop, unary, unary_loop};
