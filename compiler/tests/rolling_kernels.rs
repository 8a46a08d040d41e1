//! The rolling-window routines (`hpxl_compiler::library::rolling`) against a direct
//! computation of every window: values (NaN/inf windows, ties, both median algorithms,
//! window edges), independence from the chunking (hence from the thread count), and no
//! drift of the O(n) sums and variances over 10M values with a large offset.

use hpxl_compiler::library::rolling::{rolling, rolling_chunked, Stat, SORTED_MAX, SORTED_MAX_MAD};

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Clone, Copy, Debug)]
enum Data {
    /// Uniform noise around 0.
    Noise,
    /// Small integers: many ties.
    Ties,
    /// Noise with NaN, +inf and -inf sprinkled in.
    Missing,
    /// 1e6 plus noise.
    Offset,
}

fn data(kind: Data, n: usize, seed: u64) -> Vec<f64> {
    let mut r = Rng(seed);
    (0..n)
        .map(|_| match kind {
            Data::Noise => r.uniform() * 2.0 - 1.0,
            Data::Ties => (r.next() % 5) as f64 - 2.0,
            Data::Missing => match r.next() % 37 {
                0 => f64::NAN,
                1 => f64::INFINITY,
                2 => f64::NEG_INFINITY,
                _ => r.uniform() * 10.0,
            },
            Data::Offset => 1e6 + r.uniform(),
        })
        .collect()
}

const ALL: [Stat; 11] = [
    Stat::Sum,
    Stat::Mean,
    Stat::Var { ddof: 1 },
    Stat::Var { ddof: 0 },
    Stat::Std { ddof: 1 },
    Stat::Std { ddof: 0 },
    Stat::Std { ddof: 3 },
    Stat::Min,
    Stat::Max,
    Stat::Median,
    Stat::Mad,
];

fn median_of(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let h = v.len() / 2;
    if v.len() % 2 == 1 {
        v[h]
    } else {
        (v[h - 1] + v[h]) / 2.0
    }
}

/// The statistic of one window, computed directly (NaN if it holds a non-finite value).
/// Sums and variances are computed relative to the window's first value, in two
/// passes, so that the reference itself is accurate with large offsets.
fn direct(stat: Stat, win: &[f64]) -> f64 {
    if win.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    let n = win.len() as f64;
    let k = win[0];
    let shifted_mean = win.iter().map(|v| v - k).sum::<f64>() / n;
    let var = |ddof: u64| {
        if win.len() as u64 <= ddof {
            return f64::NAN;
        }
        win.iter().map(|v| (v - k - shifted_mean).powi(2)).sum::<f64>() / (n - ddof as f64)
    };
    match stat {
        Stat::Sum => win.iter().sum(),
        Stat::Mean => k + shifted_mean,
        Stat::Var { ddof } => var(ddof),
        Stat::Std { ddof } => var(ddof).sqrt(),
        Stat::Min => win.iter().copied().fold(f64::INFINITY, f64::min),
        Stat::Max => win.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Stat::Median => median_of(&mut win.to_vec()),
        Stat::Mad => {
            let m = median_of(&mut win.to_vec());
            median_of(&mut win.iter().map(|v| (v - m).abs()).collect::<Vec<_>>())
        }
    }
}

fn run(stat: Stat, x: &[f64], n: usize, w: usize) -> Vec<f64> {
    let mut out = vec![-7.0; x.len()];
    rolling(stat, x, n, w, &mut out);
    out
}

/// Checks `got` (one row of outputs) against `direct` at the outputs `check` selects:
/// order statistics bit for bit, sums and variances to a relative 1e-9 of the window's
/// magnitude.
fn check_row(stat: Stat, x: &[f64], w: usize, got: &[f64], what: &str, check: impl Fn(usize) -> bool) {
    for j in 0..x.len() {
        if !check(j) {
            continue;
        }
        let want = if j + 1 < w { f64::NAN } else { direct(stat, &x[j + 1 - w..=j]) };
        let g = got[j];
        let ok = match stat {
            Stat::Min | Stat::Max | Stat::Median | Stat::Mad => g.to_bits() == want.to_bits() || g == want,
            _ => {
                let scale = if j + 1 >= w {
                    x[j + 1 - w..=j].iter().map(|v| v.abs()).fold(0.0, f64::max).powi(match stat {
                        Stat::Var { .. } => 2,
                        _ => 1,
                    }) * w as f64
                } else {
                    0.0
                };
                (g.is_nan() && want.is_nan()) || (g - want).abs() <= 1e-9 * scale.max(1e-300)
            }
        };
        assert!(ok, "{stat:?} {what} w={w} output {j}: got {g:e}, want {want:e}");
    }
}

#[test]
fn every_statistic_matches_the_direct_computation() {
    let windows = [1usize, 2, 3, 4, 5, 7, 8, 16, 50, 99, 100];
    for kind in [Data::Noise, Data::Ties, Data::Missing, Data::Offset] {
        for (seed, n) in [0usize, 1, 2, 5, 17, 100, 333].into_iter().enumerate() {
            let x = data(kind, n, seed as u64 + 1);
            for &w in windows.iter().chain(&[n, n + 1, n + 5]) {
                if w == 0 {
                    continue;
                }
                for stat in ALL {
                    let got = run(stat, &x, n.max(1), w);
                    check_row(stat, &x, w, &got, &format!("{kind:?} n={n}"), |_| true);
                }
            }
        }
    }
}

#[test]
fn large_windows_use_both_median_algorithms() {
    // Around the switch from the sorted window to the Fenwick tree, for medians and MADs.
    for (kind, seed) in [(Data::Noise, 11), (Data::Ties, 12), (Data::Missing, 13)] {
        let n = 3 * SORTED_MAX + 50;
        let x = data(kind, n, seed);
        for w in [SORTED_MAX - 1, SORTED_MAX, SORTED_MAX + 1, SORTED_MAX + 2, 2 * SORTED_MAX + 7] {
            for stat in [Stat::Median, Stat::Mad, Stat::Sum, Stat::Var { ddof: 1 }, Stat::Max] {
                let got = run(stat, &x, n, w);
                check_row(stat, &x, w, &got, &format!("{kind:?}"), |j| j % 37 == 0 || j + 3 >= n);
            }
        }
    }
    let n = SORTED_MAX_MAD + 700;
    let x = data(Data::Ties, n, 14);
    for w in [SORTED_MAX_MAD, SORTED_MAX_MAD + 1, SORTED_MAX_MAD + 2] {
        let got = run(Stat::Mad, &x, n, w);
        check_row(Stat::Mad, &x, w, &got, "ties", |j| j % 97 == 0 || j + 2 >= n);
    }
    let x = data(Data::Noise, n, 15);
    let got = run(Stat::Mad, &x, n, SORTED_MAX_MAD + 3);
    check_row(Stat::Mad, &x, SORTED_MAX_MAD + 3, &got, "noise", |j| j % 101 == 0 || j + 2 >= n);
}

#[test]
fn rows_are_independent_series() {
    let (rows, n) = (7, 45);
    let x = data(Data::Missing, rows * n, 21);
    for w in [1, 4, 9, 45, 46] {
        for stat in ALL {
            let got = run(stat, &x, n, w);
            for r in 0..rows {
                let one = run(stat, &x[r * n..(r + 1) * n], n, w);
                let same = got[r * n..(r + 1) * n].iter().zip(&one).all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{stat:?} w={w} row {r}");
            }
        }
    }
}

#[test]
fn values_do_not_depend_on_the_chunking() {
    // Chunks are the parallel work items: equal bits for any chunk length mean equal
    // bits for any thread count.
    for kind in [Data::Noise, Data::Missing, Data::Offset] {
        let n = 4000;
        let x = data(kind, 2 * n, 31);
        for w in [1, 3, 64, 100, 1500] {
            for stat in ALL {
                let mut reference = vec![0.0; x.len()];
                rolling_chunked(stat, &x, n, w, &mut reference, n);
                for chunk in [1, 2, 7, 100, 999] {
                    let mut out = vec![0.0; x.len()];
                    rolling_chunked(stat, &x, n, w, &mut out, chunk);
                    let same = out.iter().zip(&reference).all(|(a, b)| a.to_bits() == b.to_bits());
                    assert!(same, "{stat:?} {kind:?} w={w} chunk={chunk}");
                }
            }
        }
    }
}

#[test]
fn no_drift_over_ten_million_values() {
    // 1e6 + uniform noise: a running `s += x[j] - x[j-w]` would drift and a running
    // power-sum variance would lose every digit; each window here is accurate.
    let n = 10_000_000;
    let x = data(Data::Offset, n, 41);
    let checked = |j: usize| j % 99_991 == 0 || j + 3 >= n;
    for (stat, w) in [(Stat::Mean, 50), (Stat::Sum, 50), (Stat::Var { ddof: 1 }, 100), (Stat::Std { ddof: 0 }, 100)] {
        let got = run(stat, &x, n, w);
        for j in (w - 1..n).filter(|&j| checked(j)) {
            let want = direct(stat, &x[j + 1 - w..=j]);
            let err = ((got[j] - want) / want).abs();
            // The variance of the noise is 1/12: relative 1e-9 is far below what raw
            // power sums of 1e6-sized values could resolve (about 1e-4 here).
            assert!(err < 1e-9, "{stat:?} w={w} at {j}: got {:e}, want {want:e} (relative error {err:e})", got[j]);
        }
    }
}

#[test]
fn constant_windows_have_exactly_zero_spread() {
    let x = [0.1, 0.1, 0.1, 0.1, 3.0, 3.0, 3.0, 1e9 + 0.5, 1e9 + 0.5, 1e9 + 0.5];
    for stat in [Stat::Var { ddof: 1 }, Stat::Std { ddof: 0 }, Stat::Mad] {
        let got = run(stat, &x, x.len(), 3);
        for j in [2, 3, 6, 9] {
            assert_eq!(got[j], 0.0, "{stat:?} at {j}");
        }
    }
}
