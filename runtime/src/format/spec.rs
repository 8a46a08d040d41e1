//! Python's string formatting: the `format(value, spec)` mini-language (as in f-strings
//! and `str.format`) and printf-style `"%5.2f" % (x,)`, with CPython's error messages.

use super::float::{self, Float};

/// A value handed to Python-style formatting. `Float32` is a NumPy float32 scalar, which
/// `format()` converts to a Python float but `str()`/`repr()` print with float32 digits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FormatValue<'a> {
    Int(i64),
    UInt(u64),
    Float(f64),
    Float32(f32),
    Bool(bool),
    Str(&'a str),
}

impl FormatValue<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            FormatValue::Int(_) | FormatValue::UInt(_) => "int",
            FormatValue::Float(_) | FormatValue::Float32(_) => "float",
            FormatValue::Bool(_) => "bool",
            FormatValue::Str(_) => "str",
        }
    }

    /// Python's `str(value)`.
    fn to_str(self) -> String {
        match self {
            FormatValue::Int(v) => v.to_string(),
            FormatValue::UInt(v) => v.to_string(),
            FormatValue::Float(v) => super::python_float_repr(v),
            FormatValue::Float32(v) => float::float_scalar_str(Float::F32(v)),
            FormatValue::Bool(b) => if b { "True" } else { "False" }.to_string(),
            FormatValue::Str(s) => s.to_string(),
        }
    }

    /// Python's `repr(value)`.
    fn to_repr(self) -> String {
        match self {
            FormatValue::Float32(v) => super::scalar_repr(crate::scalar::Scalar::Float32(v)),
            FormatValue::Str(s) => python_str_repr(s),
            other => other.to_str(),
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text has `'` and no `"`.
fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A parsed format specification.
#[derive(Clone, Debug)]
struct Spec {
    fill: char,
    align: Option<char>,
    sign: Option<char>,
    no_neg_zero: bool,
    alternate: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(spec: &str, default_type: char, default_align: char, type_name: &str) -> Result<Spec, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut pos = 0;
    let mut out = Spec {
        fill: ' ',
        align: None,
        sign: None,
        no_neg_zero: false,
        alternate: false,
        width: 0,
        grouping: None,
        precision: None,
        kind: None,
    };
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    let mut fill_specified = false;
    if chars.len() >= 2 && is_align(chars[1]) {
        out.fill = chars[0];
        out.align = Some(chars[1]);
        fill_specified = true;
        pos = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        out.align = Some(chars[0]);
        pos = 1;
    }
    if pos < chars.len() && matches!(chars[pos], '+' | '-' | ' ') {
        out.sign = Some(chars[pos]);
        pos += 1;
    }
    if pos < chars.len() && chars[pos] == 'z' {
        out.no_neg_zero = true;
        pos += 1;
    }
    if pos < chars.len() && chars[pos] == '#' {
        out.alternate = true;
        pos += 1;
    }
    if !fill_specified && pos < chars.len() && chars[pos] == '0' {
        out.fill = '0';
        if out.align.is_none() && default_align == '>' {
            out.align = Some('=');
        }
        pos += 1;
    }
    let start = pos;
    while pos < chars.len() && chars[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos > start {
        let text: String = chars[start..pos].iter().collect();
        out.width = text.parse::<i32>().map_err(|_| "Too many decimal digits in format string".to_string())? as usize;
    }
    if pos < chars.len() && matches!(chars[pos], ',' | '_') {
        out.grouping = Some(chars[pos]);
        pos += 1;
        if pos < chars.len() && matches!(chars[pos], ',' | '_') {
            return Err(if chars[pos] == out.grouping.unwrap_or(',') {
                format!("Cannot specify '{}' with '{}'.", chars[pos], chars[pos])
            } else {
                "Cannot specify both ',' and '_'.".to_string()
            });
        }
    }
    if pos < chars.len() && chars[pos] == '.' {
        pos += 1;
        let start = pos;
        while pos < chars.len() && chars[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos == start {
            return Err("Format specifier missing precision".to_string());
        }
        let text: String = chars[start..pos].iter().collect();
        let precision = text.parse::<i32>().map_err(|_| "Too many decimal digits in format string".to_string())?;
        out.precision = Some(precision as usize);
    }
    if chars.len() - pos > 1 {
        return Err(format!("Invalid format specifier '{spec}' for object of type '{type_name}'"));
    }
    if pos < chars.len() {
        out.kind = Some(chars[pos]);
    }
    if let Some(sep) = out.grouping {
        let kind = out.kind.unwrap_or(default_type);
        let ok = match kind {
            'd' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F' | '\0' => true,
            'b' | 'o' | 'x' | 'X' => sep == '_',
            _ => false,
        };
        if !ok {
            return Err(format!("Cannot specify '{sep}' with '{kind}'."));
        }
    }
    Ok(out)
}

/// Python's `format(value, spec)`.
pub fn format_spec(value: FormatValue, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(match value {
            FormatValue::Float32(v) => super::python_float_repr(v as f64),
            other => other.to_str(),
        });
    }
    let type_name = value.type_name();
    match value {
        FormatValue::Str(s) => format_str(s, spec),
        FormatValue::Int(v) => format_integer(v < 0, v.unsigned_abs(), spec, type_name),
        FormatValue::UInt(v) => format_integer(false, v, spec, type_name),
        FormatValue::Bool(b) => format_integer(false, b as u64, spec, type_name),
        FormatValue::Float(v) => format_float(v, spec, type_name),
        FormatValue::Float32(v) => format_float(v as f64, spec, type_name),
    }
}

fn unknown_code(kind: char, type_name: &str) -> String {
    format!("Unknown format code '{kind}' for object of type '{type_name}'")
}

fn format_str(s: &str, spec_text: &str) -> Result<String, String> {
    let spec = parse_spec(spec_text, 's', '<', "str")?;
    if let Some(kind) = spec.kind {
        if kind != 's' {
            return Err(unknown_code(kind, "str"));
        }
    }
    if spec.sign == Some(' ') {
        return Err("Space not allowed in string format specifier".to_string());
    }
    if spec.sign.is_some() {
        return Err("Sign not allowed in string format specifier".to_string());
    }
    if spec.no_neg_zero {
        return Err("Negative zero coercion (z) not allowed in string format specifier".to_string());
    }
    if spec.alternate {
        return Err("Alternate form (#) not allowed in string format specifier".to_string());
    }
    if spec.align == Some('=') {
        return Err("'=' alignment not allowed in string format specifier".to_string());
    }
    let text: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    Ok(pad(&text, spec.width, spec.fill, spec.align.unwrap_or('<')))
}

/// Pads `text` to `width` characters with `fill`, aligned `<`, `>` or `^`.
fn pad(text: &str, width: usize, fill: char, align: char) -> String {
    let len = text.chars().count();
    if len >= width {
        return text.to_string();
    }
    let total = width - len;
    let (left, right) = match align {
        '<' => (0, total),
        '^' => (total / 2, total - total / 2),
        _ => (total, 0),
    };
    let mut out = String::new();
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(text);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// CPython's `_PyUnicode_InsertThousandsGrouping`: groups `digits` from the right,
/// padding with zeros (and separators) up to `min_width` characters.
fn group_digits(digits: &str, group: usize, separator: char, min_width: isize) -> String {
    let bytes = digits.as_bytes();
    let mut remaining = bytes.len() as isize;
    let mut min_width = min_width;
    let mut pieces: Vec<String> = Vec::new();
    let group = group as isize;
    loop {
        let len = group.min(remaining.max(min_width).max(1));
        let n_zeros = (len - remaining).max(0);
        let n_chars = remaining.min(len).max(0);
        let mut piece = "0".repeat(n_zeros as usize);
        let start = (remaining - n_chars) as usize;
        piece.push_str(&digits[start..remaining as usize]);
        pieces.push(piece);
        remaining -= n_chars;
        min_width -= len;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    pieces.reverse();
    pieces.join(&separator.to_string())
}

/// Lays out a number from its parts the way CPython's `fill_number` does.
fn layout_number(
    sign: &str,
    prefix: &str,
    int_digits: &str,
    remainder: &str,
    spec: &Spec,
    group_size: usize,
) -> String {
    let align = spec.align.unwrap_or('>');
    let digits = match spec.grouping {
        Some(sep) if !int_digits.is_empty() => {
            let min_width = if spec.fill == '0' && align == '=' {
                spec.width as isize - (sign.len() + prefix.len() + remainder.chars().count()) as isize
            } else {
                0
            };
            group_digits(int_digits, group_size, sep, min_width)
        }
        _ => int_digits.to_string(),
    };
    let body_len = sign.len() + prefix.len() + digits.len() + remainder.chars().count();
    let padding = spec.width.saturating_sub(body_len);
    let fill: String = std::iter::repeat_n(spec.fill, padding).collect();
    match align {
        '<' => format!("{sign}{prefix}{digits}{remainder}{fill}"),
        '^' => {
            let left: String = std::iter::repeat_n(spec.fill, padding / 2).collect();
            let right: String = std::iter::repeat_n(spec.fill, padding - padding / 2).collect();
            format!("{left}{sign}{prefix}{digits}{remainder}{right}")
        }
        '=' => format!("{sign}{prefix}{fill}{digits}{remainder}"),
        _ => format!("{fill}{sign}{prefix}{digits}{remainder}"),
    }
}

fn sign_text(negative: bool, sign: Option<char>) -> &'static str {
    if negative {
        "-"
    } else {
        match sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    }
}

fn format_integer(negative: bool, magnitude: u64, spec_text: &str, type_name: &str) -> Result<String, String> {
    let spec = parse_spec(spec_text, 'd', '>', type_name)?;
    let kind = spec.kind.unwrap_or('d');
    match kind {
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => {
            let v = if negative { -(magnitude as f64) } else { magnitude as f64 };
            return format_float_spec(v, &spec);
        }
        'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n' => {}
        other => return Err(unknown_code(other, type_name)),
    }
    if spec.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".to_string());
    }
    if spec.no_neg_zero {
        return Err("Negative zero coercion (z) not allowed in integer format specifier".to_string());
    }
    if kind == 'c' {
        if spec.sign.is_some() {
            return Err("Sign not allowed with integer format specifier 'c'".to_string());
        }
        if spec.alternate {
            return Err("Alternate form (#) not allowed with integer format specifier 'c'".to_string());
        }
        if !negative && magnitude > i64::MAX as u64 {
            return Err("Python int too large to convert to C long".to_string());
        }
        let c = if negative { None } else { u32::try_from(magnitude).ok().and_then(char::from_u32) };
        let Some(c) = c else {
            return Err("%c arg not in range(0x110000)".to_string());
        };
        return Ok(layout_number("", "", "", &c.to_string(), &spec, 3));
    }
    let (digits, prefix, group_size) = match kind {
        'b' => (format!("{magnitude:b}"), "0b", 4),
        'o' => (format!("{magnitude:o}"), "0o", 4),
        'x' => (format!("{magnitude:x}"), "0x", 4),
        'X' => (format!("{magnitude:X}"), "0X", 4),
        _ => (magnitude.to_string(), "", 3),
    };
    let prefix = if spec.alternate { prefix } else { "" };
    let sign = sign_text(negative, spec.sign);
    Ok(layout_number(sign, prefix, &digits, "", &spec, group_size))
}

fn format_float(v: f64, spec_text: &str, type_name: &str) -> Result<String, String> {
    let spec = parse_spec(spec_text, '\0', '>', type_name)?;
    match spec.kind {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => format_float_spec(v, &spec),
        Some(other) => Err(unknown_code(other, type_name)),
    }
}

fn format_float_spec(v: f64, spec: &Spec) -> Result<String, String> {
    let (mut value, mut kind, mut percent) = (v, spec.kind.unwrap_or('\0'), false);
    if kind == '%' {
        value *= 100.0;
        kind = 'f';
        percent = true;
    }
    if kind == 'n' {
        kind = 'g';
    }
    let (mode, precision, add_dot_0) = match (kind, spec.precision) {
        ('\0', None) => ('r', 0, true),
        ('\0', Some(p)) => ('g', p, true),
        (k, p) => (k.to_ascii_lowercase(), p.unwrap_or(6), false),
    };
    let mut text = double_to_string(value, mode, precision, spec.alternate, add_dot_0);
    if kind.is_ascii_uppercase() {
        text = text.to_ascii_uppercase();
    }
    let mut negative = text.starts_with('-');
    if negative {
        text.remove(0);
        let has_digits = text.bytes().any(|b| b.is_ascii_digit());
        if spec.no_neg_zero && has_digits && text.bytes().all(|b| !b.is_ascii_digit() || b == b'0') {
            negative = false;
        }
    }
    if percent {
        text.push('%');
    }
    let int_len = text.bytes().take_while(|b| b.is_ascii_digit()).count();
    let (int_digits, remainder) = text.split_at(int_len);
    let sign = sign_text(negative, spec.sign);
    Ok(layout_number(sign, "", int_digits, remainder, spec, 3))
}

/// CPython's `PyOS_double_to_string` for modes 'e', 'f', 'g' and 'r' (lowercase).
fn double_to_string(v: f64, mode: char, precision: usize, alternate: bool, add_dot_0: bool) -> String {
    if v.is_nan() {
        return "nan".to_string();
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf".to_string() } else { "inf".to_string() };
    }
    let sign = if v.is_sign_negative() { "-" } else { "" };
    let a = v.abs();
    match mode {
        'f' => {
            let mut s = format!("{:.*}", precision, a);
            if alternate && precision == 0 {
                s.push('.');
            }
            format!("{sign}{s}")
        }
        'e' => {
            let d = parse_sci(&format!("{:.*e}", precision, a));
            let mut s = String::new();
            s.push(d.0.as_bytes()[0] as char);
            if precision > 0 || alternate {
                s.push('.');
            }
            s.push_str(&d.0[1..]);
            format!("{sign}{s}e{}", exponent_text(d.1))
        }
        _ => {
            // 'g' rounds to `precision` significant digits; 'r' takes the shortest digits.
            let (digits, exp10, limit) = if mode == 'r' {
                let d = float::shortest(Float::F64(a));
                (String::from_utf8_lossy(&d.digits).into_owned(), d.exp10, 16)
            } else {
                let p = precision.max(1);
                let (mut digits, exp10) = parse_sci(&format!("{:.*e}", p - 1, a));
                while digits.len() > 1 && digits.ends_with('0') {
                    digits.pop();
                }
                if alternate {
                    while digits.len() < p {
                        digits.push('0');
                    }
                }
                (digits, exp10, if add_dot_0 { p as i32 - 1 } else { p as i32 })
            };
            let digits = if digits == "0" && !alternate { "0".to_string() } else { digits };
            let decpt = exp10 + 1;
            let use_exp = decpt <= -4 || decpt > limit;
            let mut s;
            if use_exp {
                s = digits[..1].to_string();
                if digits.len() > 1 || alternate {
                    s.push('.');
                    s.push_str(&digits[1..]);
                }
                s.push('e');
                s.push_str(&exponent_text(exp10));
            } else if decpt <= 0 {
                s = format!("0.{}{}", "0".repeat((-decpt) as usize), digits);
            } else if decpt as usize >= digits.len() {
                s = format!("{}{}", digits, "0".repeat(decpt as usize - digits.len()));
                if add_dot_0 {
                    s.push_str(".0");
                } else if alternate {
                    s.push('.');
                }
            } else {
                s = format!("{}.{}", &digits[..decpt as usize], &digits[decpt as usize..]);
            }
            format!("{sign}{s}")
        }
    }
}

/// Splits Rust's `{:e}` text ("1.2345e-5") into its digit string and exponent.
fn parse_sci(text: &str) -> (String, i32) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits, exponent.parse().unwrap_or(0))
}

fn exponent_text(exp10: i32) -> String {
    format!("{}{:02}", if exp10 < 0 { '-' } else { '+' }, exp10.unsigned_abs())
}

/// Python's printf-style `fmt % args`.
pub fn percent_format(fmt: &str, args: &[FormatValue]) -> Result<String, String> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut next_arg = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        let (mut left, mut plus, mut space, mut alternate, mut zero) = (false, false, false, false, false);
        while i < chars.len() {
            match chars[i] {
                '-' => left = true,
                '+' => plus = true,
                ' ' => space = true,
                '#' => alternate = true,
                '0' => zero = true,
                _ => break,
            }
            i += 1;
        }
        let mut width = 0usize;
        while i < chars.len() && chars[i].is_ascii_digit() {
            width = width.saturating_mul(10).saturating_add(chars[i] as usize - '0' as usize);
            i += 1;
        }
        let mut precision = None;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let mut p = 0usize;
            while i < chars.len() && chars[i].is_ascii_digit() {
                p = p.saturating_mul(10).saturating_add(chars[i] as usize - '0' as usize);
                i += 1;
            }
            precision = Some(p);
        }
        while i < chars.len() && matches!(chars[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        if width > i32::MAX as usize {
            return Err("width too big".to_string());
        }
        if precision.is_some_and(|p| p > i32::MAX as usize) {
            return Err("precision too big".to_string());
        }
        let Some(&conv) = chars.get(i) else {
            return Err("incomplete format".to_string());
        };
        i += 1;
        if conv == '%' {
            out.push('%');
            continue;
        }
        if !"sradiuoxXeEfFgGc".contains(conv) {
            let byte_index: usize = chars[..i - 1].iter().map(|c| c.len_utf8()).sum();
            return Err(format!(
                "unsupported format character '{}' (0x{:x}) at index {}",
                conv, conv as u32, byte_index
            ));
        }
        let Some(&arg) = args.get(next_arg) else {
            return Err("not enough arguments for format string".to_string());
        };
        next_arg += 1;
        let sign = if plus {
            "+"
        } else if space {
            " "
        } else {
            ""
        };
        let (sign_part, prefix, body): (String, &str, String) = match conv {
            's' | 'r' | 'a' => {
                let text = if conv == 's' { arg.to_str() } else { arg.to_repr() };
                let text = match precision {
                    Some(p) => text.chars().take(p).collect(),
                    None => text,
                };
                out.push_str(&pad(&text, width, ' ', if left { '<' } else { '>' }));
                continue;
            }
            'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
                let (negative, mut digits) = match arg {
                    FormatValue::Float(v) if matches!(conv, 'd' | 'i' | 'u') => float_to_integer(v)?,
                    FormatValue::Float32(v) if matches!(conv, 'd' | 'i' | 'u') => float_to_integer(v as f64)?,
                    other => {
                        let (negative, magnitude) = percent_integer(other, conv)?;
                        let digits = match conv {
                            'o' => format!("{magnitude:o}"),
                            'x' => format!("{magnitude:x}"),
                            'X' => format!("{magnitude:X}"),
                            _ => magnitude.to_string(),
                        };
                        (negative, digits)
                    }
                };
                if let Some(p) = precision {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                let prefix = match (alternate, conv) {
                    (true, 'o') => "0o",
                    (true, 'x') => "0x",
                    (true, 'X') => "0X",
                    _ => "",
                };
                let sign_part = if negative { "-".to_string() } else { sign.to_string() };
                (sign_part, prefix, digits)
            }
            'c' => {
                let c = match arg {
                    FormatValue::Str(s) if s.chars().count() == 1 => s.to_string(),
                    FormatValue::Str(_) => {
                        return Err("%c requires an int or a unicode character, not a string of length != 1".to_string())
                    }
                    FormatValue::Float(_) | FormatValue::Float32(_) => {
                        return Err("%c requires an int or a unicode character, not float".to_string())
                    }
                    other => {
                        let (negative, magnitude) = percent_integer(other, 'c')?;
                        match (!negative).then(|| u32::try_from(magnitude).ok().and_then(char::from_u32)).flatten() {
                            Some(c) => c.to_string(),
                            None => return Err("%c arg not in range(0x110000)".to_string()),
                        }
                    }
                };
                out.push_str(&pad(&c, width, ' ', if left { '<' } else { '>' }));
                continue;
            }
            _ => {
                let v = match arg {
                    FormatValue::Int(v) => v as f64,
                    FormatValue::UInt(v) => v as f64,
                    FormatValue::Float(v) => v,
                    FormatValue::Float32(v) => v as f64,
                    FormatValue::Bool(b) => b as u8 as f64,
                    FormatValue::Str(_) => return Err("must be real number, not str".to_string()),
                };
                let mode = conv.to_ascii_lowercase();
                let mut text = double_to_string(v, mode, precision.unwrap_or(6), alternate, false);
                if conv.is_ascii_uppercase() {
                    text = text.to_ascii_uppercase();
                }
                let negative = text.starts_with('-');
                if negative {
                    text.remove(0);
                }
                let sign_part = if negative { "-".to_string() } else { sign.to_string() };
                (sign_part, "", text)
            }
        };
        let len = sign_part.len() + prefix.len() + body.len();
        let padding = width.saturating_sub(len);
        if left {
            out.push_str(&sign_part);
            out.push_str(prefix);
            out.push_str(&body);
            out.push_str(&" ".repeat(padding));
        } else if zero {
            out.push_str(&sign_part);
            out.push_str(prefix);
            out.push_str(&"0".repeat(padding));
            out.push_str(&body);
        } else {
            out.push_str(&" ".repeat(padding));
            out.push_str(&sign_part);
            out.push_str(prefix);
            out.push_str(&body);
        }
    }
    if next_arg < args.len() {
        return Err("not all arguments converted during string formatting".to_string());
    }
    Ok(out)
}

/// The integer behind a `%d`/`%x` argument: floats truncate for `%d` only.
fn percent_integer(arg: FormatValue, conv: char) -> Result<(bool, u64), String> {
    match arg {
        FormatValue::Int(v) => Ok((v < 0, v.unsigned_abs())),
        FormatValue::UInt(v) => Ok((false, v)),
        FormatValue::Bool(b) => Ok((false, b as u64)),
        FormatValue::Float(_) | FormatValue::Float32(_) => {
            Err(format!("%{conv} format: an integer is required, not float"))
        }
        FormatValue::Str(_) => Err(if matches!(conv, 'd' | 'i' | 'u') {
            format!("%{conv} format: a real number is required, not str")
        } else {
            format!("%{conv} format: an integer is required, not str")
        }),
    }
}

/// Python's `int(float)` as sign and decimal digits.
fn float_to_integer(v: f64) -> Result<(bool, String), String> {
    if v.is_nan() {
        return Err("cannot convert float NaN to integer".to_string());
    }
    if v.is_infinite() {
        return Err("cannot convert float infinity to integer".to_string());
    }
    let t = v.trunc();
    Ok((t < 0.0, format!("{:.0}", t.abs())))
}
