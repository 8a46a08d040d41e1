//! Text files: `loadtxt` and `savetxt` with NumPy's semantics and messages.
//!
//! Note [loadtxt rows]: NumPy's C tokenizer (`numpy/_core/src/multiarray/textreading`)
//! decides what a row is. Reproduced here: the first `skiprows` physical lines are
//! dropped; on every other line the text from the first comment marker on is removed;
//! with `delimiter=None` fields are runs of non-whitespace and a line without fields is
//! skipped; with a delimiter a line is skipped only when it is empty after comment
//! removal, fields are split at every delimiter (so `1,,3` has an empty field) and
//! converted with surrounding whitespace ignored. Every row must have the first row's
//! number of fields unless `usecols` picks columns. NumPy numbers rows two ways in its
//! messages — conversion errors count data rows from 0, column-count errors from 1 —
//! and hpxl copies both, adding the physical line number as a note.
//!
//! Note [loadtxt parsing in parallel]: the file is cut into blocks of whole lines (about
//! `BLOCK_BYTES` each, cut at the first newline after each fixed offset, so the cut does
//! not depend on the thread count); blocks are tokenised and converted in parallel into
//! per-block value vectors, then checked and concatenated in file order. The first error
//! in file order is reported, exactly as a sequential scan would. `skiprows` is applied
//! before cutting and `max_rows` after (a `max_rows` read is done sequentially).

use super::{content_error, open_read, os_error, path_of};
use hpxl_compiler::arrays::{self, err, R};
use hpxl_compiler::{Array, CallArgs, Interp, Value};
use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::format::{percent_format, FormatValue};
use hpxl_runtime::{DType, Data, NdArray, Scalar};
use std::io::{Read, Write};

/// Bytes per parallel parsing block (Note [loadtxt parsing in parallel]).
const BLOCK_BYTES: usize = 1 << 20;

/// Parsed `loadtxt` options.
struct TextOptions {
    delimiter: Option<char>,
    comments: Vec<String>,
    usecols: Option<Vec<i64>>,
    dtype: DType,
}

/// A failure while parsing, with the 1-based physical line it happened on.
struct ParseError {
    message: String,
    line: usize,
}

/// Values of one block of lines.
struct Block {
    values: Data,
    /// Field count of each row (before `usecols`), in order.
    rows: Vec<(usize, usize)>, // (field count, physical line)
    error: Option<(usize, ParseError)>, // (data rows parsed before the error, error)
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0b' | '\x0c' | '\r')
}

/// Removes the comment part of a line.
fn strip_comment<'a>(line: &'a str, comments: &[String]) -> &'a str {
    let mut end = line.len();
    for c in comments {
        if let Some(i) = line[..end].find(c.as_str()) {
            end = i;
        }
    }
    &line[..end]
}

/// Splits a line into fields (Note [loadtxt rows]); `None` when the line is skipped.
fn fields<'a>(line: &'a str, opts: &TextOptions, out: &mut Vec<&'a str>) -> bool {
    out.clear();
    let line = line.strip_suffix('\r').unwrap_or(line);
    let line = strip_comment(line, &opts.comments);
    match opts.delimiter {
        None => {
            out.extend(line.split(is_ws).filter(|f| !f.is_empty()));
            !out.is_empty()
        }
        Some(d) => {
            if line.is_empty() {
                return false;
            }
            out.extend(line.split(d));
            true
        }
    }
}

/// Converts one field; NumPy parses floats as float64 and rounds to float32 after.
fn parse_value(field: &str, dtype: DType) -> Option<Scalar> {
    let t = field.trim_matches(|c: char| is_ws(c) || c == '\n');
    Some(match dtype {
        DType::Float64 => Scalar::Float64(t.parse::<f64>().ok()?),
        DType::Float32 => Scalar::Float32(t.parse::<f64>().ok()? as f32),
        DType::Bool => Scalar::Bool(t.parse::<i64>().ok()? != 0),
        DType::UInt64 => Scalar::UInt64(t.parse::<u64>().ok()?),
        DType::UInt8 | DType::UInt16 | DType::UInt32 => {
            let v = t.parse::<u64>().ok()?;
            if v > (u64::MAX >> (64 - dtype.bits())) {
                return None;
            }
            Scalar::UInt64(v).cast(dtype)
        }
        _ => {
            let v = t.parse::<i64>().ok()?;
            let bits = dtype.bits();
            if bits < 64 && (v < -(1i64 << (bits - 1)) || v >= (1i64 << (bits - 1))) {
                return None;
            }
            Scalar::Int64(v).cast(dtype)
        }
    })
}

/// Typed output storage that grows by pushing.
enum Column {
    F64(Vec<f64>),
    Other(Vec<Scalar>, DType),
}

impl Column {
    fn new(dtype: DType) -> Column {
        if dtype == DType::Float64 {
            Column::F64(Vec::new())
        } else {
            Column::Other(Vec::new(), dtype)
        }
    }

    fn into_data(self) -> Data {
        match self {
            Column::F64(v) => Data::Float64(v),
            Column::Other(v, dtype) => {
                let mut d = Data::zeros(dtype, v.len());
                for (i, s) in v.into_iter().enumerate() {
                    d.set(i, s);
                }
                d
            }
        }
    }
}

/// Parses the lines of `text` (starting at physical line `first_line`, 1-based) into
/// values. `max_rows` stops after that many data rows. `row_base` is the number of data
/// rows before this block (for messages).
fn parse_block(text: &str, first_line: usize, opts: &TextOptions, max_rows: Option<usize>, row_base: usize) -> Block {
    let mut col = Column::new(opts.dtype);
    let mut rows = Vec::new();
    let mut buf: Vec<&str> = Vec::new();
    let mut error = None;
    for (k, line) in text.split_terminator('\n').enumerate() {
        if max_rows.is_some_and(|m| rows.len() >= m) {
            break;
        }
        let line_no = first_line + k;
        if !fields(line, opts, &mut buf) {
            continue;
        }
        let row = row_base + rows.len();
        // Recorded before converting: a row with the wrong field count reports that
        // rather than a conversion error (the count is checked when blocks are merged).
        rows.push((buf.len(), line_no));
        let picked: Vec<(usize, &str)> = match &opts.usecols {
            None => buf.iter().copied().enumerate().collect(),
            Some(cols) => {
                let mut picked = Vec::with_capacity(cols.len());
                for &c in cols {
                    let n = buf.len() as i64;
                    let j = if c < 0 { c + n } else { c };
                    if j < 0 || j >= n {
                        error = Some((
                            rows.len(),
                            ParseError {
                                message: format!("invalid column index {c} at row {} with {n} columns", row + 1),
                                line: line_no,
                            },
                        ));
                        return Block { values: col.into_data(), rows, error };
                    }
                    picked.push((j as usize, buf[j as usize]));
                }
                picked
            }
        };
        for (j, f) in picked {
            match parse_value(f, opts.dtype) {
                Some(v) => match &mut col {
                    Column::F64(out) => out.push(v.as_f64()),
                    Column::Other(out, _) => out.push(v),
                },
                None => {
                    error = Some((
                        rows.len(),
                        ParseError {
                            message: format!(
                                "could not convert string '{f}' to {} at row {row}, column {}.",
                                opts.dtype.name(),
                                j + 1
                            ),
                            line: line_no,
                        },
                    ));
                    return Block { values: col.into_data(), rows, error };
                }
            }
        }
    }
    Block { values: col.into_data(), rows, error }
}

/// Cuts `text` into blocks of whole lines at the first newline after every multiple of
/// `BLOCK_BYTES`; returns (start byte, first physical line) of each block.
fn block_starts(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut starts = vec![0usize];
    let mut at = BLOCK_BYTES;
    while at < bytes.len() {
        match bytes[at..].iter().position(|&b| b == b'\n') {
            Some(p) if at + p + 1 < bytes.len() => {
                starts.push(at + p + 1);
                at = (at + p + 1).max(starts.len() * BLOCK_BYTES);
            }
            _ => break,
        }
    }
    // First physical line of each block: count newlines between starts, in parallel.
    let counts = hpxl_runtime::exec::map_indices(starts.len(), |b| {
        let end = starts.get(b + 1).copied().unwrap_or(bytes.len());
        bytes[starts[b]..end].iter().filter(|&&c| c == b'\n').count()
    });
    let mut line = 0;
    let mut out = Vec::with_capacity(starts.len());
    for (b, &s) in starts.iter().enumerate() {
        out.push((s, line));
        line += counts[b];
    }
    out
}

/// Parses all of `text` (after `skiprows`), returning (values, rows, columns).
fn parse_text(
    text: &str,
    first_line: usize,
    opts: &TextOptions,
    max_rows: Option<usize>,
) -> Result<(Data, usize, Option<usize>), ParseError> {
    let blocks: Vec<Block> = if max_rows.is_some() || text.len() <= BLOCK_BYTES {
        vec![parse_block(text, first_line, opts, max_rows, 0)]
    } else {
        let starts = block_starts(text);
        // Row numbers in messages need the rows before each block: parse first with a
        // zero base, then redo only the block that failed (at most one) with its base.
        let mut blocks = hpxl_runtime::exec::map_indices(starts.len(), |b| {
            let end = starts.get(b + 1).map(|s| s.0).unwrap_or(text.len());
            parse_block(&text[starts[b].0..end], first_line + starts[b].1, opts, None, 0)
        });
        if let Some(b) = blocks.iter().position(|bl| bl.error.is_some()) {
            let base: usize = blocks[..b].iter().map(|bl| bl.rows.len()).sum();
            let end = starts.get(b + 1).map(|s| s.0).unwrap_or(text.len());
            blocks[b] = parse_block(&text[starts[b].0..end], first_line + starts[b].1, opts, None, base);
        }
        blocks
    };
    // Column-count consistency across all rows, in file order, before any later error.
    let mut ncols: Option<usize> = None;
    let mut nrows = 0usize;
    for bl in &blocks {
        for &(n, line) in &bl.rows {
            match ncols {
                None => ncols = Some(n),
                Some(c) if c != n && opts.usecols.is_none() => {
                    return Err(ParseError {
                        message: format!(
                            "the number of columns changed from {c} to {n} at row {}; use `usecols` to select a subset and avoid this error",
                            nrows + 1
                        ),
                        line,
                    })
                }
                _ => {}
            }
            nrows += 1;
        }
        if let Some((_, e)) = &bl.error {
            return Err(ParseError { message: e.message.clone(), line: e.line });
        }
    }
    let out_cols = match &opts.usecols {
        Some(cols) => Some(cols.len()),
        None => ncols,
    };
    let data = if blocks.len() == 1 {
        blocks.into_iter().next().map(|b| b.values).unwrap_or_else(|| Data::zeros(opts.dtype, 0))
    } else {
        concat_data(blocks.into_iter().map(|b| b.values).collect(), opts.dtype)
    };
    Ok((data, nrows, out_cols))
}

fn concat_data(parts: Vec<Data>, dtype: DType) -> Data {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    match dtype {
        DType::Float64 => {
            let mut out = Vec::with_capacity(total);
            for p in &parts {
                if let Data::Float64(v) = p {
                    out.extend_from_slice(v);
                }
            }
            Data::Float64(out)
        }
        _ => {
            let mut out = Data::zeros(dtype, total);
            let mut i = 0;
            for p in &parts {
                for k in 0..p.len() {
                    out.set(i, p.get(k));
                    i += 1;
                }
            }
            out
        }
    }
}

/// A non-negative integer argument.
fn nonneg(interp: &mut Interp, v: &Value, span: Span) -> R<usize> {
    let n = interp.to_index(v, span)?;
    if n < 0 {
        return Err(err(Code::Value, span, "argument must be nonnegative"));
    }
    Ok(n as usize)
}

/// A single-character control argument (`delimiter`).
fn control_char(v: &Value, span: Span) -> R<Option<char>> {
    match v {
        Value::None => Ok(None),
        Value::Str(s) if s.chars().count() == 1 => Ok(s.chars().next()),
        other => Err(err(
            Code::Type,
            span,
            format!(
                "Text reading control character must be a single unicode character or None; but got: {}",
                hpxl_compiler::display::repr_of(other, span)?
            ),
        )),
    }
}

/// `np.loadtxt(fname, dtype=float, comments='#', delimiter=None, converters=None,
/// skiprows=0, usecols=None, unpack=False, ndmin=0, encoding=None, max_rows=None, *,
/// quotechar=None, like=None)`.
pub(super) fn loadtxt(interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s = call.bind(&[
        "fname",
        "dtype=",
        "comments=",
        "delimiter=",
        "converters=",
        "skiprows=",
        "usecols=",
        "unpack=",
        "ndmin=",
        "encoding=",
        "max_rows=",
        "*",
        "quotechar=",
        "like=",
    ])?;
    let span = call.span;
    let opt = |i: usize| s[i].clone().unwrap_or(Value::None);
    let path = path_of(&opt(0), "fname", call.arg_span(0))?;
    let dtype = match &s[1] {
        None => DType::Float64,
        Some(v) => crate::args::dtype_of(v, span)?.ok_or_else(|| err(Code::Type, span, "a dtype must be provided."))?,
    };
    let comments: Vec<String> = match &s[2] {
        None => vec!["#".to_string()],
        Some(Value::None) => Vec::new(),
        Some(Value::Str(c)) => vec![c.to_string()],
        Some(Value::Tuple(items)) => items
            .iter()
            .map(|c| match c {
                Value::Str(c) => Ok(c.to_string()),
                other => Err(err(Code::Type, span, format!("comments must be strings, not '{}'", other.type_name()))),
            })
            .collect::<R<_>>()?,
        Some(other) => {
            return Err(err(
                Code::Type,
                span,
                format!("comments must be a string or None, not '{}'", other.type_name()),
            ))
        }
    };
    if comments.iter().any(|c| c.is_empty()) {
        return Err(err(
            Code::Value,
            span,
            "comments cannot be an empty string. Use comments=None to disable comments.",
        ));
    }
    let delimiter = control_char(&opt(3), span)?;
    if let Some(d) = delimiter {
        if comments.iter().any(|c| c.chars().count() == 1 && c.starts_with(d)) {
            return Err(err(
                Code::Type,
                span,
                "The values for control characters 'comment' and 'delimiter' are incompatible",
            ));
        }
    }
    for (i, what) in [(4usize, "converters"), (13, "like")] {
        if !matches!(opt(i), Value::None) {
            return Err(err(
                Code::Unsupported,
                span,
                format!("the `{what}=` argument of loadtxt() is not supported yet"),
            ));
        }
    }
    if !matches!(opt(12), Value::None) {
        return Err(err(Code::Unsupported, span, "quoted fields (`quotechar=`) are not supported yet"));
    }
    let skiprows = match opt(5) {
        Value::None => 0,
        v => nonneg(interp, &v, span)?,
    };
    let usecols = match opt(6) {
        Value::None => None,
        Value::Tuple(items) => Some(items.iter().map(|c| usecol(c, span)).collect::<R<Vec<_>>>()?),
        Value::Array(a) if a.ndim() == 1 && a.dtype.is_integer() => {
            let v = a.realize(span)?;
            Some((0..v.size()).map(|i| v.get_flat(i).as_i64()).collect())
        }
        v => Some(vec![usecol(&v, span)?]),
    };
    let unpack = match opt(7) {
        Value::None => false,
        v => interp.truth(&v, span)?,
    };
    let ndmin = match opt(8) {
        Value::None => 0,
        v => interp.to_index(&v, span)?,
    };
    if !(0..=2).contains(&ndmin) {
        return Err(err(Code::Value, span, format!("Illegal value of ndmin keyword: {ndmin}")));
    }
    let max_rows = match opt(10) {
        Value::None => None,
        v => Some(nonneg(interp, &v, span)?),
    };
    let opts = TextOptions { delimiter, comments, usecols, dtype };

    let text = read_text(&path, span, true)?;
    // Skip the first `skiprows` physical lines.
    let mut start = 0;
    for _ in 0..skiprows {
        match text[start..].find('\n') {
            Some(p) => start += p + 1,
            None => {
                start = text.len();
                break;
            }
        }
    }
    let (data, nrows, ncols) = parse_text(&text[start..], skiprows + 1, &opts, max_rows)
        .map_err(|e| content_error(e.message, &path, span).with_note(format!("at line {} of '{path}'", e.line)))?;
    // The raw result is (rows, columns); with no rows (0,), or (0, len(usecols)).
    let mut shape = match (nrows, ncols) {
        (0, _) if opts.usecols.is_none() => vec![0],
        (_, Some(c)) => vec![nrows, c],
        (_, None) => vec![0],
    };
    // NumPy's `_ensure_ndmin_ndarray`: squeeze past ndmin, then pad up to it.
    let ndmin = ndmin as usize;
    if shape.len() > ndmin {
        shape.retain(|&d| d != 1);
    }
    if shape.len() < ndmin {
        shape = match (ndmin, shape.len()) {
            (1, _) => vec![1],
            (2, 0) => vec![1, 1],
            // atleast_2d((n,)).T is (n, 1).
            (_, _) => vec![shape[0], 1],
        };
    }
    if shape.first() == Some(&0) {
        // NumPy's UserWarning (hpxl has no warnings machinery: stderr, like Python's).
        eprintln!("UserWarning: loadtxt: input contained no data: \"{path}\"");
    }
    let mut arr = Array::from_ndarray(NdArray::from_data(data, shape), span);
    arr.is_scalar = false;
    if unpack && arr.ndim() > 1 {
        let perm: Vec<usize> = (0..arr.ndim()).rev().collect();
        arr = arrays::transpose(&arr, &perm);
    }
    Ok(Value::Array(arr))
}

fn usecol(v: &Value, span: Span) -> R<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Array(a) if a.ndim() == 0 && a.dtype.is_integer() => Ok(a.scalar_value(span)?.as_i64()),
        other => Err(err(
            Code::Type,
            span,
            format!(
                "usecols must be an int or a sequence of ints but it contains at least one element of type '{}'",
                other.type_name()
            ),
        )),
    }
}

/// The whole file as text; `loadtxt` says "not found" as NumPy's datasource does.
fn read_text(path: &str, span: Span, loadtxt_wording: bool) -> R<String> {
    let (mut f, len) = match open_read(path, span) {
        Ok(x) => x,
        Err(d) if loadtxt_wording && !std::path::Path::new(path).exists() => {
            return Err(Diagnostic { message: format!("{path} not found."), ..d })
        }
        Err(d) => return Err(d),
    };
    let mut bytes = Vec::with_capacity(len as usize);
    f.read_to_end(&mut bytes).map_err(|e| os_error(&e, path, span))?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// One element as the value `fmt % tuple(row)` sees (a NumPy scalar).
fn format_value(s: Scalar) -> FormatValue<'static> {
    match s {
        Scalar::Bool(b) => FormatValue::Bool(b),
        Scalar::Float32(x) => FormatValue::Float32(x),
        Scalar::Float64(x) => FormatValue::Float(x),
        Scalar::UInt64(x) => FormatValue::UInt(x),
        other if other.dtype().is_unsigned() => FormatValue::UInt(other.as_u64()),
        other => FormatValue::Int(other.as_i64()),
    }
}

/// `np.savetxt(fname, X, fmt='%.18e', delimiter=' ', newline='\n', header='',
/// footer='', comments='# ', encoding=None)`: realises `X` (1-D or 2-D) and writes one
/// line per row, each formatted as Python's `fmt % tuple(row)`.
pub(super) fn savetxt(_interp: &mut Interp, call: &mut CallArgs) -> R<Value> {
    let s =
        call.bind(&["fname", "X", "fmt=", "delimiter=", "newline=", "header=", "footer=", "comments=", "encoding="])?;
    let span = call.span;
    let opt = |i: usize| s[i].clone().unwrap_or(Value::None);
    let str_arg = |i: usize, default: &str| -> R<String> {
        match &s[i] {
            None => Ok(default.to_string()),
            Some(Value::Str(v)) => Ok(v.to_string()),
            Some(other) => Err(err(
                Code::Type,
                call.arg_span(i),
                format!(
                    "{} must be a string, not '{}'",
                    ["fname", "X", "fmt", "delimiter", "newline", "header", "footer", "comments", "encoding"][i],
                    other.type_name()
                ),
            )),
        }
    };
    let path = path_of(&opt(0), "fname", call.arg_span(0))?;
    let a = super::array_of(&opt(1), call.arg_span(1))?;
    let delimiter = str_arg(3, " ")?;
    let newline = str_arg(4, "\n")?;
    let header = str_arg(5, "")?;
    let footer = str_arg(6, "")?;
    let comments = str_arg(7, "# ")?;
    if a.ndim() == 0 || a.ndim() > 2 {
        return Err(err(Code::Value, span, format!("Expected 1D or 2D array, got {}D array instead", a.ndim())));
    }
    let ncol = if a.ndim() == 1 { 1 } else { a.shape[1] };
    let format = match &s[2] {
        None => vec!["%.18e".to_string(); ncol].join(&delimiter),
        Some(Value::Str(f)) => {
            let n = f.matches('%').count();
            if n == 1 {
                vec![f.to_string(); ncol].join(&delimiter)
            } else if n != ncol {
                return Err(err(Code::Value, span, format!("fmt has wrong number of % formats:  {f}")));
            } else {
                f.to_string()
            }
        }
        Some(Value::Tuple(items)) => {
            let fmts: Vec<String> = items
                .iter()
                .map(|v| match v {
                    Value::Str(f) => Ok(f.to_string()),
                    other => {
                        Err(err(Code::Type, span, format!("fmt items must be strings, not '{}'", other.type_name())))
                    }
                })
                .collect::<R<_>>()?;
            if fmts.len() != ncol {
                let shown: Vec<String> = fmts.iter().map(|f| format!("'{f}'")).collect();
                return Err(err(Code::UnknownAttr, span, format!("fmt has wrong shape.  [{}]", shown.join(", "))));
            }
            fmts.join(&delimiter)
        }
        Some(other) => {
            return Err(err(
                Code::Value,
                span,
                format!("invalid fmt: {}", hpxl_compiler::display::repr_of(other, span)?),
            ))
        }
    };
    let value = a.realize(span)?;
    let value = value.to_contiguous();
    let nrows = if value.ndim() == 1 { value.size() } else { value.shape[0] };
    let mut out = String::new();
    if !header.is_empty() {
        out.push_str(&comments);
        out.push_str(&header.replace('\n', &format!("\n{comments}")));
        out.push_str(&newline);
    }
    let mut row_args: Vec<FormatValue> = Vec::with_capacity(ncol);
    for r in 0..nrows {
        row_args.clear();
        for c in 0..ncol {
            row_args.push(format_value(value.get_flat(r * ncol + c)));
        }
        match percent_format(&format, &row_args) {
            Ok(line) => out.push_str(&line),
            Err(m) if m.contains("required") || m.contains("must be") || m.contains("requires") => {
                return Err(err(
                    Code::Type,
                    span,
                    format!(
                        "Mismatch between array dtype ('{}') and format specifier ('{format}')",
                        value.dtype().name()
                    ),
                ))
            }
            Err(m) => return Err(err(Code::Value, span, m)),
        }
        out.push_str(&newline);
    }
    if !footer.is_empty() {
        out.push_str(&comments);
        out.push_str(&footer.replace('\n', &format!("\n{comments}")));
        out.push_str(&newline);
    }
    if crate::io::skip_write() {
        // `hpxl check` writes no files (Note [Check mode]); under MPI rank 0 writes.
        return Ok(Value::None);
    }
    let mut f = std::fs::File::create(&path).map_err(|e| os_error(&e, &path, span))?;
    f.write_all(out.as_bytes()).map_err(|e| os_error(&e, &path, span))?;
    crate::io::written();
    Ok(Value::None)
}
