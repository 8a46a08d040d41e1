//! `str()` and `repr()` of arrays, following NumPy 2's `arrayprint.py` with default
//! print options: element formatters built over the shown elements, then the recursive
//! bracket layout with line wrapping and `...` summarisation.

use super::float::{self, Float, Trim};
use crate::array::NdArray;
use crate::dtype::DType;
use crate::scalar::Scalar;

const LINE_WIDTH: usize = 75;
const THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;
const PRECISION: usize = 8;

/// `str(ndarray)` with NumPy's default print options.
pub fn array_str(a: &NdArray) -> String {
    if a.ndim() == 0 {
        return super::scalar_str(a.first());
    }
    array_to_string(a, " ", "", LINE_WIDTH)
}

/// `repr(ndarray)` with NumPy's default print options.
pub fn array_repr(a: &NdArray) -> String {
    let prefix = "array(";
    let body = array_to_string(a, ", ", prefix, LINE_WIDTH - 1);
    let mut extras = Vec::new();
    let size = a.size();
    if (size == 0 && a.shape.len() != 1) || size > THRESHOLD {
        extras.push(format!("shape={}", shape_tuple(&a.shape)));
    }
    let implied = matches!(a.dtype(), DType::Bool | DType::Int64 | DType::Float64);
    if !implied || size == 0 {
        extras.push(format!("dtype={}", a.dtype().name()));
    }
    if extras.is_empty() {
        return format!("{prefix}{body})");
    }
    let arr_str = format!("{prefix}{body},");
    let extra_str = format!("{})", extras.join(", "));
    let last_line_len = arr_str.len() - arr_str.rfind('\n').map(|p| p + 1).unwrap_or(0);
    let spacer = if last_line_len + extra_str.len() + 1 > LINE_WIDTH {
        format!("\n{}", " ".repeat(prefix.len()))
    } else {
        " ".to_string()
    };
    format!("{arr_str}{spacer}{extra_str}")
}

/// Python's repr of a shape tuple: `(3,)`, `(2, 3)`, `()`.
fn shape_tuple(shape: &[usize]) -> String {
    match shape.len() {
        0 => "()".to_string(),
        1 => format!("({},)", shape[0]),
        _ => {
            let parts: Vec<String> = shape.iter().map(|n| n.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// The shown part of an array: row-major elements of the summarised view, its shape,
/// and the original shape (which decides where `...` goes).
struct Shown {
    texts: Vec<String>,
    shown_shape: Vec<usize>,
    full_shape: Vec<usize>,
    summarise: bool,
}

/// NumPy's `array2string` (with `_formatArray`): `separator` between elements,
/// `prefix` only shifts continuation lines, `line_width` already has the suffix removed.
fn array_to_string(a: &NdArray, separator: &str, prefix: &str, line_width: usize) -> String {
    if a.size() == 0 {
        return "[]".to_string();
    }
    let summarise = a.size() > THRESHOLD;
    // Indices shown along each axis (NumPy's `_leading_trailing`).
    let axis_indices: Vec<Vec<usize>> = a
        .shape
        .iter()
        .map(|&n| {
            if summarise && n > 2 * EDGE_ITEMS {
                (0..EDGE_ITEMS).chain(n - EDGE_ITEMS..n).collect()
            } else {
                (0..n).collect()
            }
        })
        .collect();
    let shown_shape: Vec<usize> = axis_indices.iter().map(|v| v.len()).collect();
    let values = gather(a, &axis_indices);
    let formatter = ElementFormatter::new(&values, a.dtype(), a.ndim() == 0);
    let texts = values.iter().map(|&v| formatter.format(v)).collect();
    let shown = Shown { texts, shown_shape, full_shape: a.shape.to_vec(), summarise };
    let hanging_indent = format!(" {}", " ".repeat(prefix.len()));
    let mut strides = vec![1usize; shown.shown_shape.len()];
    for d in (0..strides.len().saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * shown.shown_shape[d + 1];
    }
    recurse(&shown, &strides, separator, 0, 0, &hanging_indent, line_width as isize)
}

/// Elements at the cartesian product of per-axis indices, in row-major order.
fn gather(a: &NdArray, axis_indices: &[Vec<usize>]) -> Vec<Scalar> {
    let n: usize = axis_indices.iter().map(|v| v.len()).product();
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    let nd = axis_indices.len();
    let mut counter = vec![0usize; nd];
    let mut index = vec![0usize; nd];
    for _ in 0..n {
        for d in 0..nd {
            index[d] = axis_indices[d][counter[d]];
        }
        out.push(a.data.get(a.storage_index(&index)));
        let mut d = nd;
        while d > 0 {
            d -= 1;
            counter[d] += 1;
            if counter[d] < axis_indices[d].len() {
                break;
            }
            counter[d] = 0;
        }
    }
    out
}

/// NumPy's `_formatArray.recurser` over the shown elements.
fn recurse(
    shown: &Shown,
    strides: &[usize],
    separator: &str,
    axis: usize,
    flat_base: usize,
    hanging_indent: &str,
    curr_width: isize,
) -> String {
    let ndim = shown.shown_shape.len();
    if axis == ndim {
        return shown.texts.get(flat_base).cloned().unwrap_or_default();
    }
    let next_hanging_indent = format!("{hanging_indent} ");
    let next_width = curr_width - 1;
    let full_len = shown.full_shape[axis];
    let shown_len = shown.shown_shape[axis];
    let show_summary = shown.summarise && 2 * EDGE_ITEMS < full_len;
    let (leading, trailing) = if show_summary { (EDGE_ITEMS, EDGE_ITEMS) } else { (0, shown_len) };
    let child = |i: usize| {
        recurse(shown, strides, separator, axis + 1, flat_base + i * strides[axis], &next_hanging_indent, next_width)
    };
    let axes_left = ndim - axis;
    let mut s = String::new();
    if axes_left == 1 {
        let sep_trimmed = separator.trim_end();
        let elem_width = curr_width - sep_trimmed.len().max(1) as isize;
        let mut line = hanging_indent.to_string();
        for i in 0..leading {
            extend_line(&mut s, &mut line, &child(i), elem_width, hanging_indent);
            line.push_str(separator);
        }
        if show_summary {
            extend_line(&mut s, &mut line, "...", elem_width, hanging_indent);
            line.push_str(separator);
        }
        for i in shown_len - trailing..shown_len - 1 {
            extend_line(&mut s, &mut line, &child(i), elem_width, hanging_indent);
            line.push_str(separator);
        }
        extend_line(&mut s, &mut line, &child(shown_len - 1), elem_width, hanging_indent);
        s.push_str(&line);
    } else {
        let mut line_sep = separator.trim_end().to_string();
        for _ in 0..axes_left - 1 {
            line_sep.push('\n');
        }
        for i in 0..leading {
            s.push_str(hanging_indent);
            s.push_str(&child(i));
            s.push_str(&line_sep);
        }
        if show_summary {
            s.push_str(hanging_indent);
            s.push_str("...");
            s.push_str(&line_sep);
        }
        for i in shown_len - trailing..shown_len - 1 {
            s.push_str(hanging_indent);
            s.push_str(&child(i));
            s.push_str(&line_sep);
        }
        s.push_str(hanging_indent);
        s.push_str(&child(shown_len - 1));
    }
    format!("[{}]", &s[hanging_indent.len().min(s.len())..])
}

/// NumPy's `_extendLine`: wraps before `word` when it would pass `line_width`, unless
/// the line holds nothing but the indent.
fn extend_line(s: &mut String, line: &mut String, word: &str, line_width: isize, indent: &str) {
    let needs_wrap = (line.len() + word.len()) as isize > line_width && line.len() > indent.len();
    if needs_wrap {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = indent.to_string();
    }
    line.push_str(word);
}

/// The per-dtype element formatter, built from the shown elements.
enum ElementFormatter {
    Bool { true_text: &'static str },
    Int { width: usize },
    Float(FloatFormat),
}

impl ElementFormatter {
    fn new(values: &[Scalar], dtype: DType, zero_dim: bool) -> ElementFormatter {
        if dtype.is_bool() {
            return ElementFormatter::Bool { true_text: if zero_dim { "True" } else { " True" } };
        }
        if dtype.is_float() {
            let floats: Vec<Float> = values.iter().map(|&v| as_float(v)).collect();
            return ElementFormatter::Float(FloatFormat::new(&floats, dtype == DType::Float32));
        }
        let width = if dtype.is_unsigned() {
            let max = values.iter().map(|v| v.as_u64()).max().unwrap_or(0);
            let min = values.iter().map(|v| v.as_u64()).min().unwrap_or(0);
            max.to_string().len().max(min.to_string().len())
        } else {
            let max = values.iter().map(|v| v.as_i64()).max().unwrap_or(0);
            let min = values.iter().map(|v| v.as_i64()).min().unwrap_or(0);
            max.to_string().len().max(min.to_string().len())
        };
        ElementFormatter::Int { width }
    }

    fn format(&self, v: Scalar) -> String {
        match self {
            ElementFormatter::Bool { true_text } => {
                if v.as_bool() {
                    true_text.to_string()
                } else {
                    "False".to_string()
                }
            }
            ElementFormatter::Int { width } => {
                let text = match v {
                    Scalar::UInt64(u) => u.to_string(),
                    other => other.as_i64().to_string(),
                };
                format!("{text:>width$}")
            }
            ElementFormatter::Float(f) => f.format(as_float(v)),
        }
    }
}

fn as_float(v: Scalar) -> Float {
    match v {
        Scalar::Float32(x) => Float::F32(x),
        other => Float::F64(other.as_f64()),
    }
}

/// NumPy's `FloatingFormat` in 'maxprec' mode with precision 8.
struct FloatFormat {
    exp_format: bool,
    pad_left: usize,
    pad_right: usize,
    /// Fraction digits of the mantissa in exponent format.
    exp_precision: usize,
    exp_size: usize,
}

impl FloatFormat {
    fn new(values: &[Float], is_f32: bool) -> FloatFormat {
        let finite: Vec<Float> = values.iter().copied().filter(|v| v.to_f64().is_finite()).collect();
        let abs_nonzero: Vec<f64> = finite.iter().map(|v| v.to_f64().abs()).filter(|&v| v != 0.0).collect();
        let mut exp_format = false;
        if !abs_nonzero.is_empty() {
            let max_val = abs_nonzero.iter().copied().fold(f64::MIN, f64::max);
            let min_val = abs_nonzero.iter().copied().fold(f64::MAX, f64::min);
            exp_format = if is_f32 {
                // The comparisons happen in float32 (NEP 50 weak Python scalars), and the
                // large cutoff is 10**min(8, finfo(float32).precision) = 1e6.
                let (max32, min32) = (max_val as f32, min_val as f32);
                max32 >= 1e6f32 || min32 < 0.0001f32 || max32 / min32 > 1000f32
            } else {
                max_val >= 1e8 || min_val < 0.0001 || max_val / min_val > 1000.0
            };
        }
        let mut fmt = FloatFormat { exp_format, pad_left: 0, pad_right: 0, exp_precision: 0, exp_size: 0 };
        if finite.is_empty() {
            // Nothing to measure; nan/inf padding below decides the width.
        } else if exp_format {
            let mut max_exp_digits = 0;
            for &x in &finite {
                let d = float::unique_scientific(x, Some(PRECISION));
                let int_len = 1 + d.negative as usize;
                fmt.pad_left = fmt.pad_left.max(int_len);
                fmt.exp_precision = fmt.exp_precision.max(d.digits.len() - 1);
                max_exp_digits = max_exp_digits.max(d.exp10.unsigned_abs().to_string().len().max(2));
            }
            fmt.exp_size = max_exp_digits;
            fmt.pad_right = fmt.exp_size + 2 + fmt.exp_precision;
        } else {
            for &x in &finite {
                let d = float::unique_positional(x, Some(PRECISION));
                let (int_part, frac_part) = float::positional_parts(&d);
                fmt.pad_left = fmt.pad_left.max(int_part.len() + d.negative as usize);
                fmt.pad_right = fmt.pad_right.max(frac_part.len());
            }
        }
        if finite.len() != values.len() {
            let neg_inf = values.iter().any(|v| v.to_f64() == f64::NEG_INFINITY);
            let offset = fmt.pad_right + 1;
            let needed = (3 + neg_inf as usize).saturating_sub(offset);
            fmt.pad_left = fmt.pad_left.max(needed);
        }
        fmt
    }

    fn format(&self, x: Float) -> String {
        let v = x.to_f64();
        if !v.is_finite() {
            let text = if v.is_nan() {
                "nan"
            } else if v < 0.0 {
                "-inf"
            } else {
                "inf"
            };
            let width = self.pad_left + self.pad_right + 1;
            return format!("{text:>width$}");
        }
        if self.exp_format {
            let d = float::scientific_min_digits(x, self.exp_precision, self.exp_precision);
            float::format_scientific(&d, Trim::Keep, self.exp_precision, self.pad_left, self.exp_size)
        } else {
            let d = float::unique_positional(x, Some(PRECISION));
            float::format_positional(&d, Trim::KeepPoint, 0, self.pad_left, self.pad_right)
        }
    }
}
