//! NumPy's quantile arithmetic: the virtual index of each method, the interpolation
//! (`_lerp`) and the median's mean of the middle pair, reproduced operation by
//! operation in the dtypes NumPy uses (Note [Quantile arithmetic]).
//!
//! Note [Quantile arithmetic]: `numpy.quantile` computes a virtual index in the dtype of
//! `q` (float32 when `q` is a float32 array, else float64), takes the order statistics
//! next to it and interpolates `a + (b - a) * t`, or `b - (b - a) * (1 - t)` when
//! `t >= 0.5`. `b - a` is computed in the input's dtype — for integers it wraps, as in
//! NumPy — and the rest in the result dtype, the promotion of the input's dtype with the
//! weight's (a Python-scalar `q` gives a weak weight: float32 input stays float32).
//! Float32 operations are emulated in f64 with a rounding after each operation, which is
//! exact for `+ - * /` (f64 has more than twice float32's precision).

use hpxl_runtime::DType;

/// The `method=` of `quantile`/`percentile` (NumPy's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    InvertedCdf,
    AveragedInvertedCdf,
    ClosestObservation,
    InterpolatedInvertedCdf,
    Hazen,
    Weibull,
    Linear,
    MedianUnbiased,
    NormalUnbiased,
    Lower,
    Higher,
    Midpoint,
    Nearest,
}

impl Method {
    /// Every method, in NumPy's order (its error message lists them so).
    pub const ALL: [Method; 13] = [
        Method::InvertedCdf,
        Method::AveragedInvertedCdf,
        Method::ClosestObservation,
        Method::InterpolatedInvertedCdf,
        Method::Hazen,
        Method::Weibull,
        Method::Linear,
        Method::MedianUnbiased,
        Method::NormalUnbiased,
        Method::Lower,
        Method::Higher,
        Method::Midpoint,
        Method::Nearest,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Method::InvertedCdf => "inverted_cdf",
            Method::AveragedInvertedCdf => "averaged_inverted_cdf",
            Method::ClosestObservation => "closest_observation",
            Method::InterpolatedInvertedCdf => "interpolated_inverted_cdf",
            Method::Hazen => "hazen",
            Method::Weibull => "weibull",
            Method::Linear => "linear",
            Method::MedianUnbiased => "median_unbiased",
            Method::NormalUnbiased => "normal_unbiased",
            Method::Lower => "lower",
            Method::Higher => "higher",
            Method::Midpoint => "midpoint",
            Method::Nearest => "nearest",
        }
    }

    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether the method picks an order statistic (the result keeps the input's dtype)
    /// rather than interpolating. `integer_q`: `q` is an integer array (linear then picks).
    pub fn picks(self, integer_q: bool) -> bool {
        matches!(
            self,
            Method::InvertedCdf | Method::ClosestObservation | Method::Lower | Method::Higher | Method::Nearest
        ) || (self == Method::Linear && integer_q)
    }
}

/// How `q` enters the arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QKind {
    /// The virtual index is computed in float32.
    pub f32: bool,
    /// `q` was a Python scalar: the weight is weak (does not promote float32 input).
    pub weak: bool,
    /// `q` is an integer array (`quantile` only): indices are exact integers.
    pub integer: bool,
}

/// The result dtype of quantiles of `input` (NumPy's promotion of the input with the
/// weight; picking methods keep the input's dtype).
pub fn quantile_dtype(input: DType, method: Method, q: QKind) -> DType {
    if method.picks(q.integer) {
        return input;
    }
    match input {
        DType::Float32 if q.weak || q.f32 => DType::Float32,
        DType::Int8 | DType::UInt8 | DType::Int16 | DType::UInt16 | DType::Bool if q.f32 && !q.weak => {
            DType::Float32
        }
        _ => DType::Float64,
    }
}

/// Rounds to float32 when `f32` (emulating a float32 operation done in f64).
#[inline]
pub fn round_to(x: f64, f32: bool) -> f64 {
    if f32 {
        x as f32 as f64
    } else {
        x
    }
}

/// Which order statistics a quantile needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pick {
    /// The element of this rank.
    Take(usize),
    /// `lerp(x[prev], x[next], gamma)`; gamma in `q`'s precision.
    Lerp { prev: usize, next: usize, gamma: f64 },
}

/// NumPy's `np.around` (half to even) of a float.
fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

/// `_discrete_interpolation_to_boundaries`: the previous index where `use_previous`
/// holds, else the next, clipped below at 0.
fn discrete(index: f64, use_previous: impl Fn(f64, f64) -> bool) -> usize {
    let previous = index.floor();
    let gamma = index - previous;
    let chosen = if use_previous(gamma, index) { previous } else { previous + 1.0 };
    if chosen < 0.0 {
        0
    } else {
        chosen as usize
    }
}

/// The order statistics for quantile `q` (already a fraction, in `kind`'s precision)
/// of `n >= 1` values. Indices are clamped to `n - 1` as NumPy's `take` would see them.
pub fn pick(method: Method, q: f64, kind: QKind, n: usize) -> Pick {
    let f = kind.f32;
    let last = n - 1;
    let nf = round_to(n as f64, f);
    let n1 = round_to((n - 1) as f64, f);
    let clamp = |i: f64| -> usize {
        if i <= 0.0 {
            0
        } else {
            (i as usize).min(last)
        }
    };
    let continuous = |alpha: f64, beta: f64| -> f64 {
        // n*q + (alpha + q*(1 - alpha - beta)) - 1, each step in q's precision.
        let t1 = round_to(nf * q, f);
        let c = round_to(1.0 - alpha - beta, f);
        let t2 = round_to(q * c, f);
        let t3 = round_to(round_to(alpha, f) + t2, f);
        round_to(round_to(t1 + t3, f) - 1.0, f)
    };
    let virtual_index = match method {
        Method::Linear if kind.integer => return Pick::Take(clamp(((n - 1) as f64 * q).round())),
        Method::Lower if kind.integer => return Pick::Take(clamp(((n - 1) as f64 * q).round())),
        Method::Higher if kind.integer => return Pick::Take(clamp(((n - 1) as f64 * q).round())),
        Method::Nearest if kind.integer => return Pick::Take(clamp(((n - 1) as f64 * q).round())),
        Method::Lower => return Pick::Take(clamp(round_to(n1 * q, f).floor())),
        Method::Higher => return Pick::Take(clamp(round_to(n1 * q, f).ceil())),
        Method::Nearest => return Pick::Take(clamp(round_half_even(round_to(n1 * q, f)))),
        Method::InvertedCdf => {
            let index = round_to(round_to(nf * q, f) - 1.0, f);
            return Pick::Take(discrete(index, |gamma, _| gamma == 0.0).min(last));
        }
        Method::ClosestObservation => {
            let index = round_to(round_to(round_to(nf * q, f) - 1.0, f) - 0.5, f);
            return Pick::Take(
                discrete(index, |gamma, index| gamma == 0.0 && index.floor().rem_euclid(2.0) == 1.0).min(last),
            );
        }
        Method::Linear => round_to(n1 * q, f),
        Method::Midpoint => {
            let x = round_to(n1 * q, f);
            round_to(0.5 * round_to(x.floor() + x.ceil(), f), f)
        }
        Method::AveragedInvertedCdf => round_to(round_to(nf * q, f) - 1.0, f),
        Method::InterpolatedInvertedCdf => continuous(0.0, 1.0),
        Method::Hazen => continuous(0.5, 0.5),
        Method::Weibull => continuous(0.0, 0.0),
        Method::MedianUnbiased => continuous(1.0 / 3.0, 1.0 / 3.0),
        Method::NormalUnbiased => continuous(3.0 / 8.0, 3.0 / 8.0),
    };
    // _get_indexes: floor/floor+1, both -1 (the last) at or above n - 1, both 0 below 0.
    let (prev_index, prev, next) = if virtual_index >= n1 {
        (-1.0, last, last)
    } else if virtual_index < 0.0 {
        (0.0, 0, 0)
    } else {
        let p = virtual_index.floor();
        (p, (p as usize).min(last), (p as usize + 1).min(last))
    };
    let raw_gamma = round_to(virtual_index - prev_index, f);
    let gamma = match method {
        Method::Midpoint => {
            if virtual_index % 1.0 == 0.0 {
                0.0
            } else {
                0.5
            }
        }
        Method::AveragedInvertedCdf => {
            if raw_gamma == 0.0 {
                0.5
            } else {
                1.0
            }
        }
        _ => raw_gamma,
    };
    Pick::Lerp { prev, next, gamma }
}

/// NumPy's `_lerp(a, b, t)` for one pair. `a`, `b`: the two order statistics as f64
/// (exact for every dtype but 64-bit integers, which NumPy rounds the same way when it
/// casts them); `diff`: `b - a` computed in the input's dtype; `out_f32`: the result
/// dtype is float32; `t_f32`: the weight is a float32 array value.
pub fn lerp(a: f64, b: f64, diff: f64, t: f64, q: QKind, out_f32: bool) -> f64 {
    let r = |x: f64| round_to(x, out_f32);
    let diff = r(diff);
    let t_r = r(t);
    let mut result = r(r(a) + r(diff * t_r));
    if t >= 0.5 {
        let one_minus = if q.weak { r(1.0 - t) } else { r(round_to(1.0 - t, q.f32)) };
        result = r(r(b) - r(diff * one_minus));
    }
    result
}

/// The median of a sorted pair's mean (`np.mean` of one or two middle values) in the
/// result precision: `(a + b) / 2`, or `a` for an odd count.
pub fn middle_mean(a: f64, b: Option<f64>, out_f32: bool) -> f64 {
    match b {
        None => round_to(a, out_f32),
        Some(b) => round_to(round_to(round_to(a, out_f32) + round_to(b, out_f32), out_f32) / 2.0, out_f32),
    }
}
