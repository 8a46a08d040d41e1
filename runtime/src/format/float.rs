//! Decimal digit generation for floats, in the two modes NumPy's Dragon4 offers: the
//! shortest round-trip digits ("unique"), optionally cut off at a number of digits and
//! then correctly rounded (ties to even), plus the positional/scientific layouts built
//! from them.
//!
//! Note [Digits from Rust's formatter]: Rust's `{:e}` prints the shortest digits that
//! round-trip (for `f32` at `f32` precision), and `{:.N}` / `{:.Ne}` print the exact
//! binary value correctly rounded with ties to even. That is exactly what Dragon4 does in
//! unique mode: it stops at the shortest unique digit string, or at the cutoff digit,
//! where it rounds the exact remaining value half-to-even. So we take the shortest digits
//! when they fit within the cutoff and the exactly rounded digits otherwise.

/// A finite float as decimal digits: value = 0.d1 d2 d3 ... × 10^(exp10 + 1), i.e.
/// `d1.d2d3... × 10^exp10`. `digits` has no trailing zeros, except the single "0" of zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Decimal {
    pub negative: bool,
    pub digits: Vec<u8>,
    pub exp10: i32,
}

/// A float value of either width; digits are generated at the value's own precision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Float {
    F32(f32),
    F64(f64),
}

impl Float {
    pub fn to_f64(self) -> f64 {
        match self {
            Float::F32(v) => v as f64,
            Float::F64(v) => v,
        }
    }
}

/// Parses Rust's `{:e}` output ("-1.2345e-5") into a `Decimal`.
fn parse_rust_exp(text: &str) -> Decimal {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp10: i32 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(|b| b.is_ascii_digit()).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.iter().all(|&d| d == b'0') {
        return Decimal { negative, digits: vec![b'0'], exp10: 0 };
    }
    Decimal { negative, digits, exp10 }
}

/// The shortest digits that round-trip at the value's own precision; among equally
/// short candidates the one closest to the exact value, ties to an even last digit.
///
/// Rust's shortest mode breaks an exact tie between two candidates upwards, Dragon4
/// towards the even digit (float32 1998929.25 is `1998929.2` in NumPy). The exact value
/// rounded to the same length with ties to even is the preferred candidate whenever it
/// round-trips.
pub fn shortest(x: Float) -> Decimal {
    let rust = match x {
        Float::F32(v) => parse_rust_exp(&format!("{:e}", v)),
        Float::F64(v) => parse_rust_exp(&format!("{:e}", v)),
    };
    if rust.digits.len() < 2 {
        return rust;
    }
    let n = rust.digits.len();
    let text = format!("{:.*e}", n - 1, x.to_f64());
    let round_trips = match x {
        Float::F32(v) => text.parse::<f32>().map(|p| p == v).unwrap_or(false),
        Float::F64(v) => text.parse::<f64>().map(|p| p == v).unwrap_or(false),
    };
    if round_trips {
        parse_rust_exp(&text)
    } else {
        rust
    }
}

/// The exact value correctly rounded (ties to even) to `n_sig` significant digits.
fn round_significant(x: f64, n_sig: usize) -> Decimal {
    let n = n_sig.clamp(1, 800);
    parse_rust_exp(&format!("{:.*e}", n - 1, x))
}

/// Dragon4 unique mode with a cutoff of `precision` digits after the decimal point
/// (positional). `None` means no cutoff.
pub fn unique_positional(x: Float, precision: Option<usize>) -> Decimal {
    let d = shortest(x);
    let Some(p) = precision else { return d };
    let frac_digits = d.digits.len() as i64 - 1 - d.exp10 as i64;
    if frac_digits <= p as i64 || d.digits == [b'0'] {
        return d;
    }
    // Round the exact value at 10^-p; Rust's fixed formatting does that exactly.
    let text = format!("{:.*}", p, x.to_f64().abs());
    let mut out = decimal_from_fixed(&text);
    out.negative = d.negative;
    out
}

/// Dragon4 unique mode with a cutoff of `precision` digits after the first significant
/// digit (scientific). `None` means no cutoff.
pub fn unique_scientific(x: Float, precision: Option<usize>) -> Decimal {
    let d = shortest(x);
    match precision {
        Some(p) if d.digits.len() > p + 1 => round_significant(x.to_f64(), p + 1),
        _ => d,
    }
}

/// Dragon4 unique mode with `min_digits`: when the shortest digits have fewer than
/// `min_digits` digits after the first one, more digits of the exact value are generated
/// and rounded (NumPy prints float32 `1e-4` as `9.9999997e-05` next to longer values).
pub fn scientific_min_digits(x: Float, precision: usize, min_digits: usize) -> Decimal {
    let d = unique_scientific(x, Some(precision));
    if d.digits.len() > min_digits || d.digits == b"0" {
        return d;
    }
    let mut out = round_significant(x.to_f64(), min_digits + 1);
    out.negative = d.negative;
    out
}

/// Parses a plain fixed-point string ("123.4500") into a `Decimal`.
fn decimal_from_fixed(text: &str) -> Decimal {
    let (int_part, frac_part) = text.split_once('.').unwrap_or((text, ""));
    let all: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
    let first_nonzero = all.iter().position(|&b| b != b'0');
    match first_nonzero {
        None => Decimal { negative: false, digits: vec![b'0'], exp10: 0 },
        Some(pos) => {
            let exp10 = int_part.len() as i32 - 1 - pos as i32;
            let mut digits = all[pos..].to_vec();
            while digits.len() > 1 && digits.last() == Some(&b'0') {
                digits.pop();
            }
            Decimal { negative: false, digits, exp10 }
        }
    }
}

/// How trailing zeros and the decimal point are treated (Dragon4's `trim`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trim {
    /// 'k': keep trailing zeros (pad to `min_digits`), keep the point.
    Keep,
    /// '.': no trailing zeros, keep the point ("1.").
    KeepPoint,
    /// '0': leave one zero after the point ("1.0").
    LeaveOneZero,
    /// '-': drop zeros and the point ("1").
    DropPoint,
}

/// Integer and fraction digit strings of a positional layout (no sign).
pub fn positional_parts(d: &Decimal) -> (String, String) {
    let digits = &d.digits;
    let mut int_part = String::new();
    let mut frac_part = String::new();
    if d.exp10 < 0 {
        int_part.push('0');
        for _ in 0..(-d.exp10 - 1) {
            frac_part.push('0');
        }
        frac_part.extend(digits.iter().map(|&b| b as char));
    } else {
        let n_int = d.exp10 as usize + 1;
        for i in 0..n_int {
            int_part.push(digits.get(i).map(|&b| b as char).unwrap_or('0'));
        }
        if digits.len() > n_int {
            frac_part.extend(digits[n_int..].iter().map(|&b| b as char));
        }
    }
    if digits == b"0" {
        frac_part.clear();
    }
    (int_part, frac_part)
}

fn apply_trim(mut frac: String, trim: Trim, min_digits: usize) -> (String, bool) {
    while frac.len() < min_digits {
        frac.push('0');
    }
    let point = match trim {
        Trim::Keep | Trim::KeepPoint => true,
        Trim::LeaveOneZero => {
            if frac.is_empty() {
                frac.push('0');
            }
            true
        }
        Trim::DropPoint => !frac.is_empty(),
    };
    (frac, point)
}

/// Positional text of a finite value: sign, integer part left-padded to `pad_left`,
/// point, fraction right-padded with spaces to `pad_right`.
pub fn format_positional(d: &Decimal, trim: Trim, min_digits: usize, pad_left: usize, pad_right: usize) -> String {
    let (int_part, frac) = positional_parts(d);
    let (frac, point) = apply_trim(frac, trim, min_digits);
    let mut int_text = String::new();
    if d.negative {
        int_text.push('-');
    }
    int_text.push_str(&int_part);
    let mut out = mantissa(&int_text, point, &frac, pad_left);
    for _ in frac.len()..pad_right {
        out.push(' ');
    }
    out
}

/// `int_text` right-aligned to `pad_left`, then the point (if any) and the fraction.
fn mantissa(int_text: &str, point: bool, frac: &str, pad_left: usize) -> String {
    let mut out = " ".repeat(pad_left.saturating_sub(int_text.len()));
    out.push_str(int_text);
    if point {
        out.push('.');
    }
    out.push_str(frac);
    out
}

/// Scientific text of a finite value: mantissa with its integer part left-padded to
/// `pad_left`, then `e`, the exponent sign and at least `exp_digits` (≥ 2) digits.
pub fn format_scientific(d: &Decimal, trim: Trim, min_digits: usize, pad_left: usize, exp_digits: usize) -> String {
    let frac: String = d.digits[1..].iter().map(|&b| b as char).collect();
    let (frac, point) = apply_trim(frac, trim, min_digits);
    let mut int_text = String::new();
    if d.negative {
        int_text.push('-');
    }
    int_text.push(d.digits[0] as char);
    let mut out = mantissa(&int_text, point, &frac, pad_left);
    out.push('e');
    out.push(if d.exp10 < 0 { '-' } else { '+' });
    let exp = d.exp10.unsigned_abs().to_string();
    for _ in exp.len()..exp_digits.max(2) {
        out.push('0');
    }
    out.push_str(&exp);
    out
}

/// `str()` of a NumPy float scalar (and, for f64, Python's `repr(float)`): shortest
/// digits, positional with ".0" inside [1e-4, 1e16) (1e6 for float32), else scientific
/// without trailing zeros.
pub fn float_scalar_str(x: Float) -> String {
    let v = x.to_f64();
    if v.is_nan() {
        return "nan".to_string();
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf".to_string() } else { "inf".to_string() };
    }
    let max_positional = match x {
        Float::F32(_) => 1e6,
        Float::F64(_) => 1e16,
    };
    let a = v.abs();
    let d = shortest(x);
    if a == 0.0 || (1e-4..max_positional).contains(&a) {
        format_positional(&d, Trim::LeaveOneZero, 0, 0, 0)
    } else {
        format_scientific(&d, Trim::DropPoint, 0, 0, 2)
    }
}
