//! Checks `hpxl_compiler::types` against NumPy: every line of `data/type_tables.txt`
//! (written by `scripts/gen_type_tables.py` from NumPy 2), plus property tests for the
//! algebraic facts of promotion and broadcasting.

use std::collections::HashMap;
use std::sync::OnceLock;

use hpxl_compiler::ops::{BinaryOp, ReduceOp, ScanOp, UnaryOp};
use hpxl_compiler::types::{self, Operand};
use hpxl_runtime::DType;
use proptest::prelude::*;

const TABLE: &str = include_str!("data/type_tables.txt");

const SCANS: [ScanOp; 4] = [ScanOp::CumSum, ScanOp::CumProd, ScanOp::NanCumSum, ScanOp::NanCumProd];

const REDUCES: [ReduceOp; 21] = [
    ReduceOp::Sum,
    ReduceOp::Prod,
    ReduceOp::Min,
    ReduceOp::Max,
    ReduceOp::ArgMin,
    ReduceOp::ArgMax,
    ReduceOp::Any,
    ReduceOp::All,
    ReduceOp::CountNonzero,
    ReduceOp::Mean,
    ReduceOp::Var { ddof: 0 },
    ReduceOp::Std { ddof: 0 },
    ReduceOp::NanSum,
    ReduceOp::NanProd,
    ReduceOp::NanMin,
    ReduceOp::NanMax,
    ReduceOp::NanMean,
    ReduceOp::NanVar { ddof: 0 },
    ReduceOp::NanStd { ddof: 0 },
    ReduceOp::NanArgMin,
    ReduceOp::NanArgMax,
];

/// One line of the table, split into its command word, the tokens before `->` and the
/// tokens after it (the whole message after `!` as one token for errors).
struct Line {
    number: usize,
    text: &'static str,
    command: &'static str,
    args: Vec<&'static str>,
    expected: Expected,
}

enum Expected {
    Tokens(Vec<&'static str>),
    Error(&'static str),
}

fn lines() -> &'static [Line] {
    static LINES: OnceLock<Vec<Line>> = OnceLock::new();
    LINES.get_or_init(|| {
        TABLE
            .lines()
            .enumerate()
            .filter_map(|(idx, raw)| {
                let text = raw.split("  #").next().unwrap_or(raw).trim();
                if text.is_empty() || text.starts_with('#') {
                    return None;
                }
                let (head, tail) = text.split_once(" -> ").unwrap_or((text, ""));
                let mut words = head.split(' ');
                let command = words.next().unwrap_or("");
                let mut args: Vec<&'static str> = words.collect();
                let expected = if let Some(message) = tail.strip_prefix("! ") {
                    Expected::Error(message)
                } else if tail.is_empty() {
                    // Lines without `->`: the last word is the expectation.
                    let last = args.pop().unwrap_or("");
                    Expected::Tokens(vec![last])
                } else {
                    Expected::Tokens(tail.split(' ').collect())
                };
                Some(Line { number: idx + 1, text, command, args, expected })
            })
            .collect()
    })
}

fn dtype(name: &str) -> Result<DType, String> {
    DType::from_name(name).ok_or_else(|| format!("unknown dtype {name:?}"))
}

fn operand(token: &str) -> Result<Operand, String> {
    Ok(match token {
        "py_bool" => Operand::PyBool,
        "py_float" => Operand::PyFloat,
        _ => match token.strip_prefix("py_int:") {
            Some(value) => Operand::PyInt(value.parse().map_err(|e| format!("bad int {value:?}: {e}"))?),
            None => Operand::Array(dtype(token)?),
        },
    })
}

fn unary_op(name: &str) -> Result<UnaryOp, String> {
    UnaryOp::ALL.into_iter().find(|op| op.name() == name).ok_or_else(|| format!("unknown unary ufunc {name}"))
}

fn binary_op(name: &str) -> Result<BinaryOp, String> {
    BinaryOp::ALL.into_iter().find(|op| op.name() == name).ok_or_else(|| format!("unknown binary ufunc {name}"))
}

fn arg(line: &Line, idx: usize) -> Result<&'static str, String> {
    line.args.get(idx).copied().ok_or_else(|| format!("missing argument {idx}"))
}

fn tokens(line: &Line) -> Result<&[&'static str], String> {
    match &line.expected {
        Expected::Tokens(tokens) => Ok(tokens),
        Expected::Error(message) => Err(format!("unexpected error expectation {message:?}")),
    }
}

/// Compare a computed answer (rendered as the table renders it) with the expectation.
fn compare(line: &Line, got: Result<Vec<DType>, types::TypeError>) -> Result<(), String> {
    let got_text = match &got {
        Ok(dtypes) => dtypes.iter().map(|d| d.name()).collect::<Vec<_>>().join(" "),
        Err(e) => format!("! {}", e.message),
    };
    let want_text = match &line.expected {
        Expected::Tokens(tokens) => tokens.join(" "),
        Expected::Error(message) => format!("! {message}"),
    };
    if got_text == want_text {
        Ok(())
    } else {
        Err(format!("got {got_text}"))
    }
}

/// Check one table line against the implementation.
fn check_line(line: &Line) -> Result<(), String> {
    match line.command {
        "promote" => {
            let got = types::promote(dtype(arg(line, 0)?)?, dtype(arg(line, 1)?)?);
            compare(line, Ok(vec![got]))
        }
        "can_cast_safe" | "can_cast_same_kind" => {
            let (from, to) = (dtype(arg(line, 0)?)?, dtype(arg(line, 1)?)?);
            let got = if line.command == "can_cast_safe" {
                types::can_cast_safe(from, to)
            } else {
                types::can_cast_same_kind(from, to)
            };
            let want = tokens(line)?.first().copied() == Some("true");
            if got == want {
                Ok(())
            } else {
                Err(format!("got {got}"))
            }
        }
        "loops" => {
            // `loops NAME SIG...`: the last signature was taken as the expectation.
            let name = arg(line, 0)?;
            let mut sigs: Vec<&str> = line.args[1..].to_vec();
            sigs.extend(tokens(line)?);
            let want = sigs.join(" ");
            let got = match (unary_op(name), binary_op(name)) {
                (Ok(op), _) => types::unary_loop_types(op),
                (_, Ok(op)) => types::binary_loop_types(op),
                (Err(e), _) => return Err(e),
            };
            if got == want {
                Ok(())
            } else {
                Err(format!("got {got}"))
            }
        }
        "result_type" => {
            let ops = line.args.iter().map(|t| operand(t)).collect::<Result<Vec<_>, _>>()?;
            compare(line, types::result_type(&ops).map(|d| vec![d]))
        }
        "unary" => {
            let op = unary_op(arg(line, 0)?)?;
            compare(line, types::unary_loop(op, dtype(arg(line, 1)?)?).map(|(l, o)| vec![l, o]))
        }
        "binary" => check_binary(line),
        "reduce" => {
            let name = arg(line, 0)?;
            let op = REDUCES.into_iter().find(|op| op.name() == name).ok_or(format!("unknown reduction {name}"))?;
            compare(line, types::reduce_loop(op, dtype(arg(line, 1)?)?).map(|(_, out)| vec![out]))
        }
        "scan" => {
            let name = arg(line, 0)?;
            let op =
                SCANS.into_iter().find(|&op| types::scan_name(op) == name).ok_or(format!("unknown scan {name}"))?;
            compare(line, types::scan_loop(op, dtype(arg(line, 1)?)?).map(|(_, out)| vec![out]))
        }
        other => Err(format!("unknown command {other:?}")),
    }
}

/// Binary lines: the full signature must equal NumPy's `resolve_dtypes`, except for
/// comparisons with a Python int outside the loop dtype, where hpxl widens the loop
/// (Note [Comparisons with out-of-bounds Python ints]): there the output must match and
/// the loop must hold NumPy's loop dtype and the value. `binary_loop` must agree with
/// `binary_signature`.
fn check_binary(line: &Line) -> Result<(), String> {
    let op = binary_op(arg(line, 0)?)?;
    let (a, b) = (operand(arg(line, 1)?)?, operand(arg(line, 2)?)?);
    let signature = types::binary_signature(op, a, b);
    let loop_pair = types::binary_loop(op, a, b);
    match (&signature, &loop_pair) {
        (Ok(sig), Ok((loop_dtype, out))) => {
            let [x, y] = sig.inputs;
            let want_loop = if x == y { x } else { types::promote(x, y) };
            if (*loop_dtype, *out) != (want_loop, sig.output) {
                return Err(format!("binary_loop {loop_pair:?} disagrees with binary_signature {sig:?}"));
            }
        }
        (Err(e1), Err(e2)) if e1 == e2 => {}
        _ => return Err(format!("binary_loop {loop_pair:?} disagrees with binary_signature {signature:?}")),
    }
    if let (Ok(sig), Expected::Tokens(want)) = (&signature, &line.expected) {
        let want = want.iter().map(|t| dtype(t)).collect::<Result<Vec<_>, _>>()?;
        let widened_value = [a, b].into_iter().find_map(|o| match o {
            Operand::PyInt(v) if op.is_comparison() && types::result_type(&[Operand::Array(want[0]), o]).is_err() => {
                Some(v)
            }
            _ => None,
        });
        if let (Some(value), [numpy_loop, _, numpy_out]) = (widened_value, want.as_slice()) {
            let holds_value = types::result_type(&[Operand::Array(sig.inputs[0]), Operand::PyInt(value)]).is_ok();
            let ok = sig.output == *numpy_out
                && sig.inputs[0] == sig.inputs[1]
                && types::can_cast_safe(*numpy_loop, sig.inputs[0])
                && holds_value;
            return if ok { Ok(()) } else { Err(format!("widened comparison loop {sig:?} is wrong")) };
        }
    }
    compare(line, signature.map(|s| vec![s.inputs[0], s.inputs[1], s.output]))
}

/// Check every line with the given command word; report all failures at once.
fn check_command(command: &str) {
    let selected: Vec<&Line> = lines().iter().filter(|l| l.command == command).collect();
    assert!(!selected.is_empty(), "no `{command}` lines in data/type_tables.txt");
    let failures: Vec<String> = selected
        .iter()
        .filter_map(|line| {
            check_line(line).err().map(|why| format!("line {}: {}\n    {}", line.number, line.text, why))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} `{command}` lines differ from NumPy:\n{}",
        failures.len(),
        selected.len(),
        failures.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn table_has_only_known_commands() {
    let known =
        ["promote", "can_cast_safe", "can_cast_same_kind", "loops", "result_type", "unary", "binary", "reduce", "scan"];
    let unknown: Vec<&str> = lines().iter().filter(|l| !known.contains(&l.command)).map(|l| l.text).collect();
    assert!(unknown.is_empty(), "unknown lines: {unknown:?}");
}

#[test]
fn promote_matches_numpy() {
    check_command("promote");
}

#[test]
fn can_cast_safe_matches_numpy() {
    check_command("can_cast_safe");
}

#[test]
fn can_cast_same_kind_matches_numpy() {
    check_command("can_cast_same_kind");
}

#[test]
fn loop_lists_match_numpy() {
    check_command("loops");
}

#[test]
fn result_type_matches_numpy() {
    check_command("result_type");
}

#[test]
fn unary_loops_match_numpy() {
    check_command("unary");
}

#[test]
fn binary_loops_match_numpy() {
    check_command("binary");
}

#[test]
fn reductions_match_numpy() {
    check_command("reduce");
}

#[test]
fn scans_match_numpy() {
    check_command("scan");
}

#[test]
fn every_op_is_in_the_table() {
    let names: std::collections::HashSet<(&str, &str)> =
        lines().iter().filter_map(|l| l.args.first().map(|name| (l.command, *name))).collect();
    let mut missing = Vec::new();
    for op in UnaryOp::ALL {
        if !names.contains(&("unary", op.name())) {
            missing.push(op.name());
        }
    }
    for op in BinaryOp::ALL {
        if !names.contains(&("binary", op.name())) {
            missing.push(op.name());
        }
    }
    for op in REDUCES {
        if !names.contains(&("reduce", op.name())) {
            missing.push(op.name());
        }
    }
    for op in SCANS {
        if !names.contains(&("scan", types::scan_name(op))) {
            missing.push(types::scan_name(op));
        }
    }
    assert!(missing.is_empty(), "ops without table lines: {missing:?}");
}

fn check_broadcast(a: &[usize], b: &[usize], want: Result<&[usize], &str>) {
    let got = types::broadcast_shapes(a, b).map(|s| s.to_vec()).map_err(|e| e.message);
    let want = want.map(<[usize]>::to_vec).map_err(str::to_string);
    assert_eq!(got, want, "broadcast_shapes({a:?}, {b:?})");
}

#[test]
fn broadcast_error_message_is_numpys() {
    let prefix = "operands could not be broadcast together with shapes";
    check_broadcast(&[2, 3], &[4], Err(&format!("{prefix} (2,3) (4,) ")));
    check_broadcast(&[5, 1, 3], &[4, 2, 1], Err(&format!("{prefix} (5,1,3) (4,2,1) ")));
    check_broadcast(&[2, 0], &[3], Err(&format!("{prefix} (2,0) (3,) ")));
    check_broadcast(&[], &[0], Ok(&[0]));
    check_broadcast(&[3, 1], &[1, 4], Ok(&[3, 4]));
}

/// NumPy's promote_types table, parsed from the data file.
fn promote_table() -> &'static HashMap<(DType, DType), DType> {
    static TABLE_MAP: OnceLock<HashMap<(DType, DType), DType>> = OnceLock::new();
    TABLE_MAP.get_or_init(|| {
        lines()
            .iter()
            .filter(|l| l.command == "promote")
            .filter_map(|l| {
                let a = dtype(l.args.first()?).ok()?;
                let b = dtype(l.args.get(1)?).ok()?;
                let r = dtype(tokens(l).ok()?.first()?).ok()?;
                Some(((a, b), r))
            })
            .collect()
    })
}

fn any_dtype() -> impl Strategy<Value = DType> {
    (0..DType::ALL.len()).prop_map(|i| DType::ALL[i])
}

fn int_dtype() -> impl Strategy<Value = DType> {
    any_dtype().prop_filter("integer dtype", |d| d.is_integer())
}

/// The value range of an integer dtype, from its width and signedness.
fn int_bounds(d: DType) -> (i128, i128) {
    let bits = d.bits();
    if d.is_signed_int() {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

fn shape() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0usize..4, 0..=5)
}

/// The definition of broadcasting, written independently of the implementation.
fn broadcast_by_definition(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let pad = |s: &[usize]| {
        let mut padded = vec![1; n - s.len()];
        padded.extend_from_slice(s);
        padded
    };
    let (pa, pb) = (pad(a), pad(b));
    pa.iter()
        .zip(&pb)
        .map(|(&x, &y)| match (x, y) {
            _ if x == y => Some(x),
            (1, _) => Some(y),
            (_, 1) => Some(x),
            _ => None,
        })
        .collect()
}

proptest! {
    #[test]
    fn promotion_is_commutative_and_matches_numpy(a in any_dtype(), b in any_dtype()) {
        prop_assert_eq!(types::promote(a, b), types::promote(b, a));
        prop_assert_eq!(Some(&types::promote(a, b)), promote_table().get(&(a, b)));
    }

    #[test]
    fn promotion_is_an_upper_bound_under_safe_casting(a in any_dtype(), b in any_dtype()) {
        let p = types::promote(a, b);
        prop_assert!(types::can_cast_safe(a, p) && types::can_cast_safe(b, p));
        prop_assert_eq!(p == b, types::can_cast_safe(a, b));
        prop_assert!(!types::can_cast_safe(a, b) || types::can_cast_same_kind(a, b));
    }

    #[test]
    fn result_type_of_strong_operands_is_their_least_upper_bound(ds in proptest::collection::vec(any_dtype(), 1..6)) {
        // NumPy promotes the whole set at once, which is not always the fold of pairwise
        // promotion: result_type(int8, uint16, float32) is float32, the fold float64
        // (Note [Promotion is not a fold]). The result is the smallest dtype every operand
        // casts to safely; it never exceeds the fold, and it ignores operand order.
        let ops: Vec<Operand> = ds.iter().map(|&d| Operand::Array(d)).collect();
        let got = types::result_type(&ops).map_err(|e| TestCaseError::fail(e.message))?;
        let folded = ds.iter().copied().reduce(types::promote).unwrap_or(DType::Bool);
        prop_assert!(ds.iter().all(|&d| types::can_cast_safe(d, got)));
        prop_assert!(types::can_cast_safe(got, folded));
        let mut reversed = ops.clone();
        reversed.reverse();
        prop_assert_eq!(types::result_type(&reversed).ok(), Some(got));
        if let [a, b] = ds.as_slice() {
            prop_assert_eq!(got, types::promote(*a, *b));
        }
    }

    #[test]
    fn weak_python_int_adopts_an_integer_dtype_when_it_fits(d in int_dtype(), value in any::<i64>()) {
        let got = types::result_type(&[Operand::Array(d), Operand::PyInt(value)]);
        let (lo, hi) = int_bounds(d);
        let fits = (lo..=hi).contains(&i128::from(value));
        if fits {
            prop_assert_eq!(got, Ok(d));
            prop_assert_eq!(types::binary_loop(BinaryOp::Add, Operand::Array(d), Operand::PyInt(value)), Ok((d, d)));
        } else {
            prop_assert!(got.is_err());
            // Comparisons never raise for out-of-bounds ints; the loop holds the value.
            let (loop_dtype, out) = types::binary_loop(BinaryOp::Lt, Operand::Array(d), Operand::PyInt(value))
                .map_err(|e| TestCaseError::fail(e.message))?;
            prop_assert_eq!(out, DType::Bool);
            prop_assert!(types::can_cast_safe(d, loop_dtype));
        }
    }

    #[test]
    fn weak_python_float_on_an_int_array_gives_a_float_loop(
        d in int_dtype(),
        op_idx in 0..BinaryOp::ALL.len(),
        float_first in any::<bool>(),
    ) {
        let op = BinaryOp::ALL[op_idx];
        let (a, b) = if float_first { (Operand::PyFloat, Operand::Array(d)) } else { (Operand::Array(d), Operand::PyFloat) };
        let bitwise = matches!(op, BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::LShift | BinaryOp::RShift);
        let logical = matches!(op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::LogicalXor);
        match types::binary_loop(op, a, b) {
            Ok((loop_dtype, out)) => {
                prop_assert!(!bitwise);
                if logical {
                    prop_assert_eq!((loop_dtype, out), (DType::Bool, DType::Bool));
                } else {
                    prop_assert_eq!(loop_dtype, DType::Float64);
                    prop_assert_eq!(out, if op.is_comparison() { DType::Bool } else { DType::Float64 });
                }
            }
            Err(_) => prop_assert!(bitwise),
        }
    }

    #[test]
    fn weak_python_float_keeps_a_float_array_dtype(d in any_dtype(), op_idx in 0..BinaryOp::ALL.len()) {
        let op = BinaryOp::ALL[op_idx];
        if d.is_float() && !matches!(op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::LogicalXor) {
            if let Ok((loop_dtype, _)) = types::binary_loop(op, Operand::Array(d), Operand::PyFloat) {
                prop_assert_eq!(loop_dtype, d);
            }
        }
    }

    #[test]
    fn broadcasting_matches_its_definition(a in shape(), b in shape()) {
        let got = types::broadcast_shapes(&a, &b).ok().map(|s| s.to_vec());
        prop_assert_eq!(&got, &broadcast_by_definition(&a, &b));
        prop_assert_eq!(got, types::broadcast_shapes(&b, &a).ok().map(|s| s.to_vec()));
        if let Ok(out) = types::broadcast_shapes(&a, &b) {
            prop_assert_eq!(out.len(), a.len().max(b.len()));
        }
    }
}
