//! Random expression graphs run on the interp backend and on fused Cranelift kernels
//! (small-array threshold 0, so every kernel is compiled) must print the same thing:
//! bitwise for arithmetic, comparisons, selections, casts and reductions (`repr` prints
//! the shortest round-tripping digits, so equal text is equal bits), and within a few
//! ULP for transcendentals (vectorised polynomials on the JIT side, libm in interp).

use proptest::prelude::*;

/// Leaves: arrays of several dtypes that all broadcast to (3, 4), views among them.
const SETUP: &str = "\
a = (arange(12).reshape(3, 4) - 5.5) * 0.75
b = linspace(-2, 3, 4).astype(float32)
i = (arange(3).reshape(3, 1) * 7 - 4).astype(int32)
u = arange(4).astype(uint8) * 60
bo = (arange(12).reshape(3, 4) % 3) == 0
n = arange(12).reshape(3, 4) - 6
";

const LEAVES: &[&str] =
    &["a", "b", "i", "u", "bo", "n", "a[::-1]", "a[:, ::-1]", "n.T.T", "2", "1.5", "-3", "a[1]", "i[:, 0:1]"];

fn leaf() -> impl Strategy<Value = String> {
    proptest::sample::select(LEAVES).prop_map(|s| s.to_string())
}

/// Elementwise expressions without transcendentals (compared bitwise).
fn exact_expr() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), proptest::sample::select(&["+", "-", "*", "/", "//", "%"][..]), inner.clone())
                .prop_map(|(x, op, y)| format!("({x} {op} {y})")),
            (inner.clone(), proptest::sample::select(&["<", "<=", ">", "==", "!="][..]), inner.clone())
                .prop_map(|(x, op, y)| format!("({x} {op} {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("minimum({x}, {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("maximum({x}, {y})")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, x, y)| format!("where({c} > 0, {x}, {y})")),
            inner.clone().prop_map(|x| format!("abs({x})")),
            inner.clone().prop_map(|x| format!("(-({x}) * 1)")),
            inner.clone().prop_map(|x| format!("sqrt(abs({x}))")),
            inner.clone().prop_map(|x| format!("floor({x} * 1.0)")),
            (inner.clone(), proptest::sample::select(&["float32", "int16", "uint8", "bool", "float64", "int64"][..]))
                .prop_map(|(x, t)| format!("asarray({x}).astype({t})")),
        ]
    })
}

/// Adds a reduction (or none) on top of an expression.
fn with_reduction(e: String, pick: u8) -> String {
    match pick % 12 {
        0 => format!("sum({e})"),
        1 => format!("sum({e}, axis=0)"),
        2 => format!("max(asarray({e}) * 1.0, axis=1)"),
        3 => format!("mean({e})"),
        4 => format!("std({e}, axis=0)"),
        5 => format!("argmin(asarray({e}) * 1.0)"),
        6 => format!("any(asarray({e}) > 0, axis=1)"),
        7 => format!("count_nonzero({e})"),
        8 => format!("var(asarray({e}) * 1.0, keepdims=True)"),
        9 => format!("prod(asarray({e}) * 0.5, axis=1)"),
        _ => e,
    }
}

fn run_both(program: &str) -> (hpxl::Outcome, hpxl::Outcome) {
    let interp = hpxl::run_capture_with("prop.hx", program, hpxl::Backend::Interp, 0);
    let jit = hpxl::run_capture_with("prop.hx", program, hpxl::Backend::Cranelift, 0);
    (interp, jit)
}

fn summary(o: &hpxl::Outcome) -> String {
    match &o.error {
        Some(d) => format!("{}error {}", o.stdout, d.code.as_str()),
        None => o.stdout.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn interp_and_cranelift_agree_bitwise(e in exact_expr(), pick in any::<u8>()) {
        let expr = with_reduction(e, pick);
        let program = format!("{SETUP}r = {expr}\nprint(repr(r))\n");
        let (interp, jit) = run_both(&program);
        prop_assert_eq!(summary(&interp), summary(&jit), "program:\n{}", program);
    }

    #[test]
    fn transcendentals_agree_within_ulps(
        e in exact_expr(),
        f in proptest::sample::select(&["sin", "cos", "exp", "tanh", "log1p", "arctan", "cbrt"][..]),
        t in proptest::sample::select(&["float64", "float32"][..]),
    ) {
        // Bounded arguments keep exp finite; values print with full precision.
        let program = format!(
            "{SETUP}x = clip(asarray({e}).astype({t}), -20, 20)\nr = {f}(x) * 1\nfor v in r.ravel():\n    print(float(v))\n"
        );
        let (interp, jit) = run_both(&program);
        prop_assert_eq!(interp.error.is_some(), jit.error.is_some(), "program:\n{}", program);
        let ulp = if t == "float32" { f32::EPSILON as f64 } else { f64::EPSILON };
        for (x, y) in interp.stdout.lines().zip(jit.stdout.lines()) {
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            let same = x == y || (x.is_nan() && y.is_nan());
            prop_assert!(same || (x - y).abs() <= 4.0 * ulp * x.abs().max(y.abs()).max(f64::MIN_POSITIVE),
                "{} vs {} in program:\n{}", x, y, program);
        }
    }
}
