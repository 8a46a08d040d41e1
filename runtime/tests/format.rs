//! Checks array/scalar printing and Python-style formatting against NumPy's own output,
//! recorded in `tests/data/format_cases.txt` by `scripts/gen_format_cases.py`.

use hpxl_runtime::{
    array_repr, array_str, format_spec, percent_format, scalar_repr, scalar_str, DType, Data, FormatValue, NdArray,
    Scalar,
};

const CASES: &str = include_str!("data/format_cases.txt");

/// One failed expectation, printed as a readable diff.
struct Failure {
    what: String,
    expected: String,
    actual: String,
}

fn parse_scalar(dtype: DType, text: &str) -> Result<Scalar, String> {
    let bad = |_| format!("bad {dtype} value token {text:?}");
    Ok(match dtype {
        DType::Bool => Scalar::Bool(text == "1"),
        DType::Float64 => Scalar::Float64(f64::from_bits(u64::from_str_radix(text, 16).map_err(bad)?)),
        DType::Float32 => Scalar::Float32(f32::from_bits(u32::from_str_radix(text, 16).map_err(bad)?)),
        DType::UInt64 => Scalar::UInt64(text.parse().map_err(bad)?),
        int => Scalar::from_i64_wrapping(text.parse::<i64>().map_err(bad)?, int),
    })
}

fn build_array(header: &[&str], values_line: &str) -> Result<NdArray, String> {
    let dtype = DType::from_name(header[0]).ok_or(format!("bad dtype {}", header[0]))?;
    let shape: Vec<usize> = if header[1].is_empty() {
        Vec::new()
    } else {
        header[1]
            .split('x')
            .map(|n| n.parse().map_err(|_| format!("bad shape {}", header[1])))
            .collect::<Result<_, _>>()?
    };
    let transposed = header[2] == "T";
    let size: usize = shape.iter().product();
    let tokens: Vec<&str> = values_line.split(' ').skip(1).filter(|t| !t.is_empty()).collect();
    let mut data = Data::zeros(dtype, size);
    match tokens.first() {
        Some(&"arange") => {
            for i in 0..size {
                data.set(i, Scalar::Int64(i as i64));
            }
        }
        Some(&"tile") => {
            let tile: Vec<Scalar> = tokens[1..].iter().map(|t| parse_scalar(dtype, t)).collect::<Result<_, _>>()?;
            for i in 0..size {
                data.set(i, tile[i % tile.len()]);
            }
        }
        _ => {
            if tokens.len() != size {
                return Err(format!("expected {size} values, got {}", tokens.len()));
            }
            for (i, t) in tokens.iter().enumerate() {
                data.set(i, parse_scalar(dtype, t)?);
            }
        }
    }
    if !transposed {
        return Ok(NdArray::from_data(data, shape));
    }
    let reversed: Vec<usize> = shape.iter().rev().copied().collect();
    let base = NdArray::from_data(data, reversed);
    Ok(NdArray {
        data: base.data.clone(),
        shape: shape.into(),
        strides: base.strides.iter().rev().copied().collect(),
        offset: 0,
    })
}

fn parse_value<'a>(kind: &str, token: &str, storage: &'a mut Vec<String>) -> Result<FormatValue<'a>, String> {
    let bad = || format!("bad {kind} token {token:?}");
    Ok(match kind {
        "int" => FormatValue::Int(token.parse().map_err(|_| bad())?),
        "uint" => FormatValue::UInt(token.parse().map_err(|_| bad())?),
        "float" => FormatValue::Float(f64::from_bits(u64::from_str_radix(token, 16).map_err(|_| bad())?)),
        "float32" => FormatValue::Float32(f32::from_bits(u32::from_str_radix(token, 16).map_err(|_| bad())?)),
        "bool" => FormatValue::Bool(token == "1"),
        "str" => {
            let bytes: Vec<u8> = (0..token.len() / 2)
                .map(|i| u8::from_str_radix(&token[2 * i..2 * i + 2], 16))
                .collect::<Result<_, _>>()
                .map_err(|_| bad())?;
            storage.push(String::from_utf8(bytes).map_err(|_| bad())?);
            FormatValue::Str(storage.last().map(|s| s.as_str()).unwrap_or(""))
        }
        _ => return Err(bad()),
    })
}

fn result_text(r: Result<String, String>) -> String {
    match r {
        Ok(s) => format!("ok:{s}"),
        Err(e) => format!("err:{e}"),
    }
}

/// Collects lines up to (not including) the line `terminator`.
fn block<'a>(lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>, terminator: &str) -> String {
    let mut out = Vec::new();
    for line in lines.by_ref() {
        if line == terminator {
            break;
        }
        out.push(line);
    }
    out.join("\n")
}

#[test]
fn format_cases_match_numpy() {
    let mut lines = CASES.lines().peekable();
    let mut failures: Vec<Failure> = Vec::new();
    let mut counts = [0usize; 4];
    let check = |what: String, expected: String, actual: String, failures: &mut Vec<Failure>| {
        if expected != actual {
            failures.push(Failure { what, expected, actual });
        }
    };
    while let Some(line) = lines.next() {
        let Some(header) = line.strip_prefix("=== ") else {
            continue;
        };
        let parts: Vec<&str> = header.split(' ').collect();
        match parts[0] {
            "array" => {
                counts[0] += 1;
                let values = lines.next().unwrap_or("");
                let _ = lines.next(); // "--- str"
                let expected_str = block(&mut lines, "--- repr");
                let expected_repr = block(&mut lines, "--- end");
                let a = match build_array(&parts[1..], values) {
                    Ok(a) => a,
                    Err(e) => {
                        check(header.to_string(), "a valid case".into(), e, &mut failures);
                        continue;
                    }
                };
                check(format!("str {header}"), expected_str, array_str(&a), &mut failures);
                check(format!("repr {header}"), expected_repr, array_repr(&a), &mut failures);
            }
            "scalar" => {
                counts[1] += 1;
                let expected_str = lines.next().unwrap_or("").strip_prefix("str:").unwrap_or("").to_string();
                let expected_repr = lines.next().unwrap_or("").strip_prefix("repr:").unwrap_or("").to_string();
                let dtype = DType::from_name(parts[1]).unwrap_or(DType::Float64);
                match parse_scalar(dtype, parts[2]) {
                    Ok(s) => {
                        check(format!("str {header}"), expected_str, scalar_str(s), &mut failures);
                        check(format!("repr {header}"), expected_repr, scalar_repr(s), &mut failures);
                    }
                    Err(e) => check(header.to_string(), "a valid case".into(), e, &mut failures),
                }
            }
            "format" => {
                counts[2] += 1;
                let spec = lines.next().unwrap_or("").strip_prefix("spec:").unwrap_or("").to_string();
                let expected = lines.next().unwrap_or("").to_string();
                let mut storage = Vec::new();
                let actual = match parse_value(parts[1], parts[2], &mut storage) {
                    Ok(v) => result_text(format_spec(v, &spec)),
                    Err(e) => e,
                };
                check(format!("format({header}, {spec:?})"), expected, actual, &mut failures);
            }
            "percent" => {
                counts[3] += 1;
                let n: usize = parts[1].parse().unwrap_or(0);
                let arg_lines: Vec<&str> = (0..n).map(|_| lines.next().unwrap_or("")).collect();
                let fmt = lines.next().unwrap_or("").strip_prefix("fmt:").unwrap_or("").to_string();
                let expected = lines.next().unwrap_or("").to_string();
                let mut storages: Vec<Vec<String>> = vec![Vec::new(); n];
                let mut args = Vec::new();
                let mut error = None;
                for (line, storage) in arg_lines.iter().zip(storages.iter_mut()) {
                    let spec = line.strip_prefix("arg:").unwrap_or("");
                    let (kind, token) = spec.split_once(' ').unwrap_or((spec, ""));
                    match parse_value(kind, token, storage) {
                        Ok(v) => args.push(v),
                        Err(e) => error = Some(e),
                    }
                }
                let actual = error.unwrap_or_else(|| result_text(percent_format(&fmt, &args)));
                check(format!("{fmt:?} % {arg_lines:?}"), expected, actual, &mut failures);
            }
            _ => {}
        }
    }
    println!(
        "format cases: {} arrays, {} scalars, {} format specs, {} percent formats",
        counts[0], counts[1], counts[2], counts[3]
    );
    assert!(counts[0] >= 400 && counts[1] + counts[2] + counts[3] >= 150, "too few cases: {counts:?}");
    if !failures.is_empty() {
        let mut report = format!("{} of the NumPy format cases differ; the first ones:\n", failures.len());
        for f in failures.iter().take(12) {
            report.push_str(&format!(
                "\n--- {}\n  expected:\n{}\n  actual:\n{}\n",
                f.what,
                indent(&f.expected),
                indent(&f.actual)
            ));
        }
        panic!("{report}");
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    |{l}|")).collect::<Vec<_>>().join("\n")
}

/// Non-contiguous views with an offset print their own elements only.
#[test]
fn strided_view_with_offset() {
    let base = NdArray::from_data(Data::Int64((0..10).collect()), vec![10]);
    let view = NdArray { data: base.data.clone(), shape: vec![3].into(), strides: vec![-2].into(), offset: 9 };
    assert_eq!(array_str(&view), "[9 7 5]");
    assert_eq!(array_repr(&view), "array([9, 7, 5])");
    let broadcast =
        NdArray { data: base.data.clone(), shape: vec![2, 3].into(), strides: vec![0, 1].into(), offset: 4 };
    assert_eq!(array_str(&broadcast), "[[4 5 6]\n [4 5 6]]");
}
