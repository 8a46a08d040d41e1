//! File I/O against NumPy's own files (`tests/data/io/`, written by
//! `scripts/gen_io_fixtures.py`): hpxl reads every NumPy-written fixture (all dtypes,
//! both byte orders, Fortran order, `.npz`, text) and prints what NumPy printed; hpxl's
//! `save`/`savetxt` write the same bytes NumPy wrote; corrupted, truncated and missing
//! files give diagnostics (never a panic) that name the path and point at the call.

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/io")
}

/// A scratch directory unique to this test process and test name.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hpxl_io_test_{}_{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs a program on both backends; the outputs must agree. Returns the interp outcome.
fn run(source: &str) -> hpxl::Outcome {
    let interp = hpxl::run_capture_with("io.hx", source, hpxl::Backend::Interp, 0);
    let jit = hpxl::run_capture_with("io.hx", source, hpxl::Backend::Cranelift, 0);
    assert_eq!(interp.stdout, jit.stdout, "backends disagree on:\n{source}");
    assert_eq!(
        interp.error.as_ref().map(|d| d.code),
        jit.error.as_ref().map(|d| d.code),
        "backends disagree on the error of:\n{source}"
    );
    interp
}

fn quote(p: &Path) -> String {
    format!("{:?}", p.to_string_lossy())
}

#[test]
fn numpy_written_fixtures_load_as_numpy_prints_them() {
    let dir = fixtures();
    let text = std::fs::read_to_string(dir.join("expected.txt")).expect("expected.txt");
    let dir_text = dir.to_string_lossy().to_string();
    let mut checked = 0;
    for entry in text.split("== ").filter(|e| !e.is_empty()) {
        let (call, expected) = entry.split_once('\n').expect("entry has a call line");
        let call = call.replace("DIR", &dir_text);
        let source = if expected.starts_with("-- ") {
            format!("d = {call}\nfor k in d:\n    print('--', k)\n    print(d[k].dtype, d[k].shape)\n    print(d[k])\n")
        } else {
            format!("a = {call}\nprint(a.dtype, a.shape)\nprint(a)\n")
        };
        let out = run(&source);
        assert!(out.error.is_none(), "{call} failed:\n{}", out.rendered);
        assert_eq!(out.stdout, expected, "{call}");
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} fixtures checked");
}

#[test]
fn save_and_savetxt_write_numpys_bytes() {
    let dir = fixtures();
    let out_dir = scratch("bytes");
    let list = std::fs::read_to_string(dir.join("saves.txt")).expect("saves.txt");
    let mut checked = 0;
    for line in list.lines().filter(|l| !l.is_empty()) {
        let (name, stmt) = line.split_once('\t').expect("name<TAB>statement");
        let target = out_dir.join(name);
        let source = format!("{}\n", stmt.replace("PATH", &quote(&target)));
        let out = run(&source);
        assert!(out.error.is_none(), "{source} failed:\n{}", out.rendered);
        let ours = std::fs::read(&target).unwrap_or_else(|e| panic!("{name} not written: {e}"));
        let numpys = std::fs::read(dir.join(name)).expect("fixture");
        assert!(
            ours == numpys,
            "{name}: bytes differ from NumPy's\nours:  {:?}\nnumpy: {:?}",
            String::from_utf8_lossy(&ours[..ours.len().min(300)]),
            String::from_utf8_lossy(&numpys[..numpys.len().min(300)])
        );
        checked += 1;
    }
    assert!(checked >= 20);
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn every_dtype_round_trips_through_npy_npz_and_text() {
    let d = scratch("roundtrip");
    let p = quote(&d.join("x.npy"));
    let z = quote(&d.join("x.npz"));
    let t = quote(&d.join("x.txt"));
    let mut source = String::new();
    for dt in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"] {
        source += &format!(
            "a = (arange(60) * 7919 % 255 - 100).reshape(3, 4, 5).astype({dt})\n\
             save({p}, a)\nb = load({p})\n\
             savez_compressed({z}, a, other=a[1])\nc = load({z})\n\
             savetxt({t}, a[0], fmt='%d')\nt = loadtxt({t}, dtype={dt})\n\
             print(b.dtype, b.shape, all(a == b), c['arr_0'].dtype, all(c['arr_0'] == a), all(c['other'] == a[1]), \
             t.dtype, all(t == a[0]))\n"
        );
    }
    let out = run(&source);
    assert!(out.error.is_none(), "{}", out.rendered);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 11);
    for l in lines {
        let dt = l.split(' ').next().unwrap_or("");
        // bool's text round trip goes through '%d' and parses 0/1 back.
        assert_eq!(l, format!("{dt} (3, 4, 5) True {dt} True True {dt} True"));
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// Runs `source` (with `P` replaced by the quoted path) and checks the diagnostic: its
/// code, that it points at line `line` with a caret, and that it contains `fragments`
/// and the path.
fn check_error(path: &Path, source: &str, code: &str, line: usize, fragments: &[&str]) {
    let source = source.replace('P', &quote(path));
    let out = run(&source);
    let Some(d) = &out.error else { panic!("expected {code}, program succeeded:\n{source}") };
    assert_eq!(d.code.as_str(), code, "{}", out.rendered);
    assert_eq!(out.error_line, Some(line), "{}", out.rendered);
    assert!(out.rendered.contains('^'), "no caret in:\n{}", out.rendered);
    assert!(out.rendered.contains(&*path.to_string_lossy()), "path missing in:\n{}", out.rendered);
    for f in fragments {
        assert!(out.rendered.contains(f), "missing {f:?} in:\n{}", out.rendered);
    }
}

/// A valid `.npy` file of 10 float64 values.
fn valid_npy() -> Vec<u8> {
    std::fs::read(fixtures().join("vector.npy")).expect("vector.npy")
}

#[test]
fn corrupted_npy_files_are_diagnostics() {
    let d = scratch("corrupt");
    let good = valid_npy();
    let header_len = 128;
    let cases: Vec<(&str, Vec<u8>, &str, Vec<&str>)> = vec![
        ("empty.npy", Vec::new(), "E0600", vec!["No data left in file"]),
        ("magic.npy", b"hello, this is not an array".to_vec(), "E0600", vec!["not a .npy or .npz file"]),
        ("short_magic.npy", b"\x93NUM".to_vec(), "E0600", vec!["not a .npy or .npz file"]),
        (
            "truncated_data.npy",
            good[..good.len() - 12].to_vec(),
            "E0600",
            vec!["Failed to read all data for array. Expected (7,) = 7 elements, could only read 5 elements"],
        ),
        (
            "truncated_header.npy",
            good[..40].to_vec(),
            "E0600",
            vec!["EOF: reading array header, expected 118 bytes got 30"],
        ),
        (
            "version.npy",
            [&good[..6], &[9u8, 0][..], &good[8..]].concat(),
            "E0600",
            vec!["we only support format version"],
        ),
        (
            "keys.npy",
            rewrite_header(&good, "{'descr': '<f8', 'shape': (7,), }"),
            "E0600",
            vec!["Header does not contain the correct keys: ['descr', 'shape']"],
        ),
        (
            "garbage_header.npy",
            rewrite_header(&good, "{'descr': '<f8', 'fortran_order': False, 'shape': (7,"),
            "E0600",
            vec!["Cannot parse header"],
        ),
        (
            "complex.npy",
            rewrite_header(&good, "{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }"),
            "E0600",
            vec!["unsupported dtype '<c16' (complex128)"],
        ),
        (
            "half.npy",
            rewrite_header(&good, "{'descr': '<f2', 'fortran_order': False, 'shape': (7,), }"),
            "E0600",
            vec!["unsupported dtype '<f2' (float16)"],
        ),
        (
            "object.npy",
            rewrite_header(&good, "{'descr': '|O', 'fortran_order': False, 'shape': (7,), }"),
            "E0600",
            vec!["Object arrays cannot be loaded when allow_pickle=False"],
        ),
        (
            "structured.npy",
            rewrite_header(&good, "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (7,), }"),
            "E0600",
            vec!["structured dtypes"],
        ),
        (
            "shape.npy",
            rewrite_header(&good, "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"),
            "E0600",
            vec!["Cannot parse header"],
        ),
        (
            "huge.npy",
            rewrite_header(&good, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }"),
            "E0600",
            vec!["Failed to read all data", "could only read 7 elements"],
        ),
        (
            "overflow.npy",
            rewrite_header(&good, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
            "E0600",
            vec!["array is too big"],
        ),
        ("bad.npz", b"PK\x03\x04 this is no zip archive".to_vec(), "E0600", vec!["Bad zip file"]),
    ];
    let _ = header_len;
    for (name, bytes, code, fragments) in cases {
        let path = d.join(name);
        std::fs::write(&path, &bytes).expect("write case");
        check_error(&path, "x = 1\na = load(P)\nprint(a)\n", code, 2, &fragments);
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// `good` with its header dict replaced (re-padded to a 64-byte boundary).
fn rewrite_header(good: &[u8], dict: &str) -> Vec<u8> {
    let data = &good[128..];
    let mut text = dict.to_string();
    while (10 + text.len() + 1) % 64 != 0 {
        text.push(' ');
    }
    text.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(text.len() as u16).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(data);
    out
}

#[test]
fn file_system_errors_are_e0902() {
    let d = scratch("fs");
    check_error(&d.join("missing.npy"), "a = load(P)\n", "E0902", 1, &["[Errno 2] No such file or directory"]);
    check_error(&d.join("missing.csv"), "a = loadtxt(P)\n", "E0902", 1, &["not found."]);
    check_error(&d, "a = load(P)\n", "E0902", 1, &["[Errno 21] Is a directory"]);
    check_error(&d.join("no_dir/x.npy"), "save(P, arange(3))\n", "E0902", 1, &["No such file or directory"]);
    check_error(&d.join("no_dir/x.txt"), "savetxt(P, arange(3))\n", "E0902", 1, &["No such file or directory"]);
    check_error(&d.join("no_dir/x.npz"), "savez(P, arange(3))\n", "E0902", 1, &["No such file or directory"]);
    // Permission errors (only observable when not running as root).
    let locked = d.join("locked.npy");
    std::fs::write(&locked, valid_npy()).expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&locked).is_err() {
        check_error(&locked, "a = load(P)\n", "E0902", 1, &["[Errno 13] Permission denied"]);
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn bad_text_files_name_the_row_and_line() {
    let d = scratch("text");
    let cases: Vec<(&str, &str, &str, &str, Vec<&str>)> = vec![
        (
            "cols.csv",
            "# header\n1,2,3\n\n4,5,6\n7,8\n",
            "loadtxt(P, delimiter=',')",
            "E0600",
            vec!["the number of columns changed from 3 to 2 at row 3", "at line 5 of"],
        ),
        (
            "value.txt",
            "1 2\n# c\n3 4\n5 oops\n",
            "loadtxt(P)",
            "E0600",
            vec!["could not convert string 'oops' to float64 at row 2, column 2.", "at line 4 of"],
        ),
        (
            "int.txt",
            "1\n2\n300\n",
            "loadtxt(P, dtype=int8)",
            "E0600",
            vec!["could not convert string '300' to int8 at row 2, column 1.", "at line 3 of"],
        ),
        (
            "usecols.txt",
            "1 2\n3\n",
            "loadtxt(P, usecols=1)",
            "E0600",
            vec!["invalid column index 1 at row 2 with 1 columns", "at line 2 of"],
        ),
        (
            "empty_field.csv",
            "1,,3\n",
            "loadtxt(P, delimiter=',')",
            "E0600",
            vec!["could not convert string '' to float64 at row 0, column 2."],
        ),
    ];
    for (name, content, call, code, fragments) in cases {
        let path = d.join(name);
        std::fs::write(&path, content).expect("write");
        check_error(&path, &format!("n = 0\na = {call}\nprint(a)\n"), code, 2, &fragments);
    }
    // A large file is parsed in parallel blocks: the error is still the first one, with
    // the right row and line numbers.
    let mut big = String::new();
    for i in 0..200_000 {
        big += &format!("{i} {}.5\n", i % 97);
    }
    big += "1 2 3\n";
    for i in 0..1000 {
        big += &format!("{i} x\n");
    }
    let path = d.join("big.txt");
    std::fs::write(&path, &big).expect("write");
    check_error(
        &path,
        "a = loadtxt(P)\n",
        "E0600",
        1,
        &["the number of columns changed from 2 to 3 at row 200001", "at line 200001 of"],
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn large_text_files_parse_like_small_ones() {
    // Above the parallel block size the result must equal a sequential parse.
    let d = scratch("bigtext");
    let mut text = String::from("# generated\n");
    let mut expected_sum = 0.0f64;
    for i in 0..150_000u64 {
        let v = (i * 7919 % 1000) as f64 / 8.0;
        expected_sum += v;
        text += &format!("{i},{v}\n");
        if i % 10_000 == 0 {
            text += "\n# comment line\n";
        }
    }
    let path = d.join("big.csv");
    std::fs::write(&path, &text).expect("write");
    let source = format!(
        "a = loadtxt({p}, delimiter=',')\nprint(a.shape)\nprint(a[:, 1].sum())\nprint(a[149999, 0], a[12345, 1])\n\
         b = loadtxt({p}, delimiter=',', max_rows=3, skiprows=2)\nprint(b)\n",
        p = quote(&path)
    );
    let out = run(&source);
    assert!(out.error.is_none(), "{}", out.rendered);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "(150000, 2)");
    assert_eq!(lines[1].parse::<f64>().unwrap(), expected_sum);
    assert_eq!(lines[2], format!("149999.0 {}", (12345u64 * 7919 % 1000) as f64 / 8.0));
    let _ = std::fs::remove_dir_all(&d);
}
