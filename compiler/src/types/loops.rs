//! Ufunc loop selection: each ufunc's ordered loop list (NumPy's `ufunc.types`) and the
//! type resolution NumPy runs over it, with NEP 50 weak scalars.
//!
//! Note [Ufunc loop selection]
//! A NumPy ufunc has an ordered list of inner loops (`np.add.types`: `??->? bb->b BB->B
//! ... ff->f dd->d`). Weak operands are first replaced by the NEP 50 result dtype (Note
//! [Weak Python scalars]); then the ufunc's resolver picks a loop:
//!
//! - Linear search (NumPy's legacy default type resolver): the first loop to which every
//!   input casts safely. Because the lists are ordered by size, for the uniform loops of
//!   `add` this is the loop of `promote(a, b)`; for `arctan2(int8, int8)` it is `ee->e`
//!   (float32 in hpxl, Note [No float16]); for `int64 < uint64` it is the mixed `qQ->?`.
//! - Exact only: `positive` and `sign` have no promoter in NumPy 2, so `sign(bool)` is
//!   an error rather than an int8 loop.
//! - Logical (`logical_and/or/xor`): the loop of the operands' dtype when both are the
//!   same strong dtype, otherwise everything is cast to bool.
//! - True division: integer and bool inputs use `dd->d` (so `int8 / int8` is float64);
//!   other inputs use the linear search.
//!
//! Two operations are refused outright with NumPy's messages: `-bool_array` and
//! `bool_array - bool_array`.
//!
//! Note [Comparisons with out-of-bounds Python ints]
//! NumPy 2 compares an integer array with a Python int that does not fit its dtype
//! exactly (`uint8_array == -1` is all False, `int8_array < 1000` all True) instead of
//! raising. `np.less.resolve_dtypes` still reports the array's dtype (uint8) as the loop,
//! and a special inner loop handles the value. hpxl has no such loop, so it widens the
//! loop instead, to the promotion of the loop dtype with the smallest dtype holding the
//! value (uint8 vs -1 compares as int16; uint64 vs -1 as float64, still exact because
//! every uint64 is non-negative). The output dtype (bool) is NumPy's.
//!
//! Note [Mixed int64/uint64 comparisons]
//! NumPy 2 compares a signed integer array with a uint64 array exactly, with the mixed
//! loops `qQ->?` and `Qq->?` (inputs int64 and uint64, no common dtype). `binary_signature`
//! reports those inputs; `binary_loop`, which can only name one loop dtype, reports
//! float64 for them (NumPy 1's answer: exact below 2^53). A backend that wants NumPy 2's
//! exact answer for huge values must use `binary_signature`.

use hpxl_runtime::DType;

use super::promotion::{
    can_cast_safe, min_int_dtype, out_of_bounds, promote, python_int_fits, result_type_unchecked, strong_dtype,
};
use super::{Operand, TypeError};
use crate::ops::{BinaryOp, UnaryOp};

/// The loop a binary ufunc runs: the dtypes its two inputs are cast to and the dtype it
/// writes. The inputs differ only for the mixed int64/uint64 comparison loops (Note
/// [Mixed int64/uint64 comparisons]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BinarySignature {
    pub inputs: [DType; 2],
    pub output: DType,
}

/// NumPy's `np.<ufunc>.types` for a unary ufunc, restricted to the loops whose type
/// characters are hpxl dtypes or float16 (`e`), in NumPy's order (duplicates included:
/// NumPy registers some float loops twice).
pub fn unary_loop_types(op: UnaryOp) -> &'static str {
    use UnaryOp::*;
    const ARITH: &str = "b->b B->B h->h H->H i->i I->I l->l L->L q->q Q->Q e->e f->f d->d";
    const FLOAT: &str = "e->e f->f d->d e->e f->f d->d";
    const FLOAT_ONCE: &str = "e->e f->f d->d";
    const FLOAT_TWICE_NO_E: &str = "e->e f->f d->d f->f d->d";
    const PREDICATE: &str = "?->? b->? B->? h->? H->? i->? I->? l->? L->? q->? Q->? e->? f->? d->?";
    const ROUND: &str = "?->? b->b B->B h->h H->H i->i I->I l->l L->L q->q Q->Q e->e f->f d->d f->f d->d";
    match op {
        Neg | Pos | Sign | Square | Reciprocal => ARITH,
        Invert => "?->? b->b B->B h->h H->H i->i I->I l->l L->L q->q Q->Q",
        LogicalNot | IsNan | IsInf | IsFinite => PREDICATE,
        Abs => "?->? b->b B->B h->h H->H i->i I->I l->l L->L q->q Q->Q e->e f->f d->d",
        Sqrt | Exp | Log | Rint => FLOAT_TWICE_NO_E,
        Cbrt | Exp2 | Expm1 | Log2 | Log10 | Log1p | Tan | Arcsin | Arccos | Arctan | Sinh | Cosh | Tanh | Arcsinh
        | Arccosh | Arctanh => FLOAT,
        Sin | Cos | Deg2Rad | Rad2Deg => FLOAT_ONCE,
        Floor | Ceil | Trunc => ROUND,
        Signbit => "e->? f->? d->?",
    }
}

/// NumPy's `np.<ufunc>.types` for a binary ufunc, restricted as in `unary_loop_types`.
pub fn binary_loop_types(op: BinaryOp) -> &'static str {
    use BinaryOp::*;
    const INTS: &str = "bb->b BB->B hh->h HH->H ii->i II->I ll->l LL->L qq->q QQ->Q";
    const ARITH: &str = "bb->b BB->B hh->h HH->H ii->i II->I ll->l LL->L qq->q QQ->Q ee->e ff->f dd->d";
    const BOOL_ARITH: &str = "??->? bb->b BB->B hh->h HH->H ii->i II->I ll->l LL->L qq->q QQ->Q ee->e ff->f dd->d";
    const BITWISE: &str = "??->? bb->b BB->B hh->h HH->H ii->i II->I ll->l LL->L qq->q QQ->Q";
    const COMPARE: &str =
        "??->? bb->? BB->? hh->? HH->? ii->? II->? ll->? LL->? qq->? QQ->? qQ->? Qq->? ee->? ff->? dd->?";
    const LOGICAL: &str = "??->? bb->? BB->? hh->? HH->? ii->? II->? ll->? LL->? qq->? QQ->? ee->? ff->? dd->?";
    const FLOAT: &str = "ee->e ff->f dd->d";
    match op {
        Add | Mul | Minimum | Maximum | Fmin | Fmax => BOOL_ARITH,
        Sub | FloorDiv | Mod | Fmod => ARITH,
        Pow => "bb->b BB->B hh->h HH->H ii->i II->I ll->l LL->L qq->q QQ->Q ee->e ff->f dd->d ee->e ff->f dd->d",
        Div | Arctan2 | Hypot | Copysign => FLOAT,
        BitAnd | BitOr | BitXor => BITWISE,
        LShift | RShift => INTS,
        Lt | Le | Gt | Ge | Eq | Ne => COMPARE,
        LogicalAnd | LogicalOr | LogicalXor => LOGICAL,
    }
}

/// The dtype of a NumPy type character; `e` (float16) is float32 (Note [No float16]),
/// and `l`/`q` (`L`/`Q`) are both 64-bit on the platforms hpxl targets.
fn type_char(c: char) -> Option<DType> {
    Some(match c {
        '?' => DType::Bool,
        'b' => DType::Int8,
        'B' => DType::UInt8,
        'h' => DType::Int16,
        'H' => DType::UInt16,
        'i' => DType::Int32,
        'I' => DType::UInt32,
        'l' | 'q' => DType::Int64,
        'L' | 'Q' => DType::UInt64,
        'e' | 'f' => DType::Float32,
        'd' => DType::Float64,
        _ => return None,
    })
}

/// One parsed loop: input dtypes and output dtype.
#[derive(Clone)]
struct Loop {
    inputs: Vec<DType>,
    output: DType,
}

/// Parse one signature such as `bb->?`.
fn parse_loop(signature: &str) -> Option<Loop> {
    let (inputs, output) = signature.split_once("->")?;
    let inputs = inputs.chars().map(type_char).collect::<Option<Vec<_>>>()?;
    let mut output_chars = output.chars();
    let output = type_char(output_chars.next()?)?;
    if output_chars.next().is_some() {
        return None;
    }
    Some(Loop { inputs, output })
}

/// Parse a loop list (memoised: loop selection runs for every operation the tracer
/// builds); a malformed entry is an internal error, not a panic.
fn parse_loops(name: &str, list: &'static str) -> Result<std::rc::Rc<Vec<Loop>>, TypeError> {
    thread_local! {
        static PARSED: std::cell::RefCell<std::collections::HashMap<(usize, usize), std::rc::Rc<Vec<Loop>>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    let key = (list.as_ptr() as usize, list.len());
    if let Some(hit) = PARSED.with(|p| p.borrow().get(&key).cloned()) {
        return Ok(hit);
    }
    let parsed = std::rc::Rc::new(parse_loops_uncached(name, list)?);
    PARSED.with(|p| p.borrow_mut().insert(key, parsed.clone()));
    Ok(parsed)
}

fn parse_loops_uncached(name: &str, list: &str) -> Result<Vec<Loop>, TypeError> {
    list.split_whitespace()
        .map(|sig| {
            parse_loop(sig).ok_or_else(|| {
                TypeError::new(format!("internal error in types: bad loop signature {sig:?} for ufunc '{name}'"))
            })
        })
        .collect()
}

fn no_safe_loop(name: &str) -> TypeError {
    TypeError::new(format!(
        "ufunc '{name}' not supported for the input types, and the inputs could not be safely coerced to any \
         supported types according to the casting rule ''safe''"
    ))
}

/// NumPy's class name of a dtype's DType, as its "no loop" message prints it.
fn dtype_class(dtype: DType) -> String {
    let stem = match dtype {
        DType::Bool => "Bool",
        DType::Int8 => "Int8",
        DType::Int16 => "Int16",
        DType::Int32 => "Int32",
        DType::Int64 => "Int64",
        DType::UInt8 => "UInt8",
        DType::UInt16 => "UInt16",
        DType::UInt32 => "UInt32",
        DType::UInt64 => "UInt64",
        DType::Float32 => "Float32",
        DType::Float64 => "Float64",
    };
    format!("<class 'numpy.dtypes.{stem}DType'>")
}

fn no_exact_loop(name: &str, inputs: &[DType]) -> TypeError {
    let types = match inputs {
        [one] => dtype_class(*one),
        _ => format!("({})", inputs.iter().map(|&d| dtype_class(d)).collect::<Vec<_>>().join(", ")),
    };
    TypeError::new(format!("ufunc '{name}' did not contain a loop with signature matching types {types} -> None"))
}

/// The legacy linear search: the first loop every input casts to safely.
fn linear_search(name: &str, list: &'static str, inputs: &[DType]) -> Result<Loop, TypeError> {
    parse_loops(name, list)?
        .iter()
        .find(|lp| lp.inputs.len() == inputs.len() && inputs.iter().zip(&lp.inputs).all(|(&x, &l)| can_cast_safe(x, l)))
        .cloned()
        .ok_or_else(|| no_safe_loop(name))
}

/// Dispatch without promotion: the loop whose inputs are exactly the operands' dtypes.
fn exact_match(name: &str, list: &'static str, inputs: &[DType]) -> Result<Loop, TypeError> {
    parse_loops(name, list)?.iter().find(|lp| lp.inputs == inputs).cloned().ok_or_else(|| no_exact_loop(name, inputs))
}

/// The loop dtype and output dtype NumPy's type resolution picks for a unary ufunc on a
/// strong input dtype (Note [Ufunc loop selection]), or NumPy's error when it has none.
pub fn unary_loop(op: UnaryOp, x: DType) -> Result<(DType, DType), TypeError> {
    let name = op.name();
    if op == UnaryOp::Neg && x == DType::Bool {
        return Err(TypeError::new(
            "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the \
             logical_not function instead.",
        ));
    }
    let list = unary_loop_types(op);
    let lp = match op {
        UnaryOp::Pos | UnaryOp::Sign => exact_match(name, list, &[x])?,
        _ => linear_search(name, list, &[x])?,
    };
    match lp.inputs.as_slice() {
        [input] => Ok((*input, lp.output)),
        _ => Err(TypeError::new(format!("internal error in types: ufunc '{name}' loop is not unary"))),
    }
}

/// The full loop signature of a binary ufunc on two operands (NEP 50 weak scalars
/// included), following Note [Ufunc loop selection]; Python ints are checked against the
/// loop dtype they are converted to (Note [Weak Python scalars]).
pub fn binary_signature(op: BinaryOp, a: Operand, b: Operand) -> Result<BinarySignature, TypeError> {
    let name = op.name();
    let operands = [a, b];
    // Weak operands take the NEP 50 result dtype of all operands.
    let weak_dtype = if operands.iter().any(|&o| strong_dtype(o).is_none()) {
        Some(result_type_unchecked(&operands)?)
    } else {
        None
    };
    let mut dtypes = [DType::Bool; 2];
    for (slot, &operand) in dtypes.iter_mut().zip(&operands) {
        *slot = match (strong_dtype(operand), weak_dtype) {
            (Some(dtype), _) | (None, Some(dtype)) => dtype,
            (None, None) => return Err(TypeError::new("internal error in types: weak operand without a result dtype")),
        };
    }
    if op == BinaryOp::Sub && dtypes == [DType::Bool, DType::Bool] {
        return Err(TypeError::new(
            "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, \
             or the logical_xor function instead.",
        ));
    }
    let list = binary_loop_types(op);
    let is_logical = matches!(op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::LogicalXor);
    let lp = if is_logical {
        let both_strong = weak_dtype.is_none();
        if both_strong && dtypes[0] == dtypes[1] {
            exact_match(name, list, &dtypes)?
        } else {
            Loop { inputs: vec![DType::Bool, DType::Bool], output: DType::Bool }
        }
    } else if op == BinaryOp::Div && dtypes.iter().all(|d| !d.is_float()) {
        Loop { inputs: vec![DType::Float64, DType::Float64], output: DType::Float64 }
    } else {
        linear_search(name, list, &dtypes)?
    };
    let mut inputs = match lp.inputs.as_slice() {
        [x, y] => [*x, *y],
        _ => return Err(TypeError::new(format!("internal error in types: ufunc '{name}' loop is not binary"))),
    };
    if !is_logical {
        for (position, &operand) in operands.iter().enumerate() {
            let Operand::PyInt(value) = operand else {
                continue;
            };
            let loop_dtype = inputs[position];
            if python_int_fits(value, loop_dtype) {
                continue;
            }
            if op.is_comparison() {
                // Note [Comparisons with out-of-bounds Python ints].
                let wide = promote(loop_dtype, min_int_dtype(value));
                inputs = [wide, wide];
            } else {
                return Err(out_of_bounds(value, loop_dtype));
            }
        }
    }
    Ok(BinarySignature { inputs, output: lp.output })
}

/// The loop dtype and output dtype of a binary ufunc on two operands, weak scalars
/// included: `int8_array + 1` runs an int8 loop, `int8_array + 1.5` a float64 one,
/// `float32_array * 2.0` float32, `bool_array + 1` int64; comparisons output bool from
/// the promoted loop. For the mixed int64/uint64 comparison loops the loop dtype is
/// float64 (Note [Mixed int64/uint64 comparisons]).
pub fn binary_loop(op: BinaryOp, a: Operand, b: Operand) -> Result<(DType, DType), TypeError> {
    // The loop search parses NumPy's loop lists; a statement in a loop asks the same
    // question every iteration, so answers are memoised. Python ints are left out of
    // the key space (their values vary, and their checks depend on them).
    // FxHash: a SipHash of the key was 2% of a small-array loop.
    type Memo = rustc_hash::FxHashMap<(BinaryOp, Operand, Operand), (DType, DType)>;
    thread_local! {
        static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
    }
    let cacheable = !matches!(a, Operand::PyInt(_)) && !matches!(b, Operand::PyInt(_));
    if cacheable {
        if let Some(hit) = MEMO.with(|m| m.borrow().get(&(op, a, b)).copied()) {
            return Ok(hit);
        }
    }
    let found = binary_loop_uncached(op, a, b)?;
    if cacheable {
        MEMO.with(|m| m.borrow_mut().insert((op, a, b), found));
    }
    Ok(found)
}

fn binary_loop_uncached(op: BinaryOp, a: Operand, b: Operand) -> Result<(DType, DType), TypeError> {
    let signature = binary_signature(op, a, b)?;
    let [x, y] = signature.inputs;
    let loop_dtype = if x == y { x } else { promote(x, y) };
    Ok((loop_dtype, signature.output))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every transcribed loop list parses into loops of the ufunc's arity, so loop
    /// selection can never hit its internal error.
    #[test]
    fn every_loop_list_parses() {
        for op in UnaryOp::ALL {
            let loops = parse_loops(op.name(), unary_loop_types(op));
            assert!(matches!(&loops, Ok(l) if !l.is_empty() && l.iter().all(|lp| lp.inputs.len() == 1)), "{op:?}");
        }
        for op in BinaryOp::ALL {
            let loops = parse_loops(op.name(), binary_loop_types(op));
            assert!(matches!(&loops, Ok(l) if !l.is_empty() && l.iter().all(|lp| lp.inputs.len() == 2)), "{op:?}");
        }
    }

    #[test]
    fn bad_signatures_are_rejected() {
        for bad in ["bb->", "b>b", "bx->b", "bb->bb", ""] {
            assert!(parse_loop(bad).is_none(), "{bad:?}");
        }
    }
}
