//! The vectorised math library against reference data: correctly rounded results from
//! mpmath (`tests/data/vmath/<fn>_<f64|f32>.txt`, ulp bounds) and NumPy 2's special values
//! (`specials_<p>.txt`, bit for bit), for every ISA variant this CPU runs; plus slice
//! lengths across the vector body, tail and block boundaries, in-place calls, and agreement
//! between the variants. Regenerate the data with `python3 scripts/gen_vmath_cases.py`.

use hpxl_compiler::ops::{BinaryOp, UnaryOp};
use hpxl_compiler::vmath::{self, Isa};
use hpxl_runtime::DType;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vmath");

const UNARY: [(&str, UnaryOp); 20] = [
    ("exp", UnaryOp::Exp),
    ("exp2", UnaryOp::Exp2),
    ("expm1", UnaryOp::Expm1),
    ("log", UnaryOp::Log),
    ("log2", UnaryOp::Log2),
    ("log10", UnaryOp::Log10),
    ("log1p", UnaryOp::Log1p),
    ("sin", UnaryOp::Sin),
    ("cos", UnaryOp::Cos),
    ("tan", UnaryOp::Tan),
    ("arcsin", UnaryOp::Arcsin),
    ("arccos", UnaryOp::Arccos),
    ("arctan", UnaryOp::Arctan),
    ("sinh", UnaryOp::Sinh),
    ("cosh", UnaryOp::Cosh),
    ("tanh", UnaryOp::Tanh),
    ("arcsinh", UnaryOp::Arcsinh),
    ("arccosh", UnaryOp::Arccosh),
    ("arctanh", UnaryOp::Arctanh),
    ("cbrt", UnaryOp::Cbrt),
];
const BINARY: [(&str, BinaryOp); 3] =
    [("power", BinaryOp::Pow), ("arctan2", BinaryOp::Arctan2), ("hypot", BinaryOp::Hypot)];

/// A float precision; values travel as bit patterns in a u64.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Prec {
    F64,
    F32,
}

impl Prec {
    fn tag(self) -> &'static str {
        match self {
            Prec::F64 => "f64",
            Prec::F32 => "f32",
        }
    }
    fn dtype(self) -> DType {
        match self {
            Prec::F64 => DType::Float64,
            Prec::F32 => DType::Float32,
        }
    }
    /// The accuracy contract of the library.
    fn max_ulp(self) -> u64 {
        match self {
            Prec::F64 => 4,
            Prec::F32 => 2,
        }
    }
    fn is_nan(self, b: u64) -> bool {
        match self {
            Prec::F64 => f64::from_bits(b).is_nan(),
            Prec::F32 => f32::from_bits(b as u32).is_nan(),
        }
    }
    fn show(self, b: u64) -> String {
        match self {
            Prec::F64 => format!("{:e} ({b:016x})", f64::from_bits(b)),
            Prec::F32 => format!("{:e} ({b:08x})", f32::from_bits(b as u32)),
        }
    }
    /// Distance in units in the last place (0 for two nans, u64::MAX for one nan).
    fn ulps(self, a: u64, b: u64) -> u64 {
        match (self.is_nan(a), self.is_nan(b)) {
            (true, true) => return 0,
            (false, false) => {}
            _ => return u64::MAX,
        }
        let sign = match self {
            Prec::F64 => 1u64 << 63,
            Prec::F32 => 1 << 31,
        };
        let ord = |v: u64| if v & sign != 0 { -((v & !sign) as i128) } else { v as i128 };
        (ord(a) - ord(b)).unsigned_abs() as u64
    }
}

/// A function under test: one entry point of the library.
#[derive(Clone, Copy)]
enum Func {
    Unary(vmath::UnarySlice),
    Binary(vmath::BinarySlice),
}

fn lookup(name: &str, prec: Prec, isa: Isa) -> Func {
    if let Some(&(_, op)) = UNARY.iter().find(|(n, _)| *n == name) {
        let f = vmath::unary_slice_for(op, prec.dtype(), isa).unwrap_or_else(|| panic!("no {name} {prec:?}"));
        Func::Unary(f)
    } else {
        let &(_, op) = BINARY.iter().find(|(n, _)| *n == name).expect("known function");
        Func::Binary(vmath::binary_slice_for(op, prec.dtype(), isa).unwrap_or_else(|| panic!("no {name} {prec:?}")))
    }
}

/// Storage for one argument or result column in the precision's element type.
enum Column {
    F64(Vec<f64>),
    F32(Vec<f32>),
}

impl Column {
    fn new(prec: Prec, bits: &[u64]) -> Column {
        match prec {
            Prec::F64 => Column::F64(bits.iter().map(|&b| f64::from_bits(b)).collect()),
            Prec::F32 => Column::F32(bits.iter().map(|&b| f32::from_bits(b as u32)).collect()),
        }
    }
    fn bits(&self) -> Vec<u64> {
        match self {
            Column::F64(v) => v.iter().map(|x| x.to_bits()).collect(),
            Column::F32(v) => v.iter().map(|x| x.to_bits() as u64).collect(),
        }
    }
    fn ptr(&mut self) -> *mut u8 {
        match self {
            Column::F64(v) => v.as_mut_ptr() as *mut u8,
            Column::F32(v) => v.as_mut_ptr() as *mut u8,
        }
    }
}

/// Calls `f` on the first `n` elements of the argument columns, writing into `out`.
fn call(f: Func, args: &mut [Column], out: &mut Column, n: usize) {
    // SAFETY: every column holds at least `n` elements of the entry point's type.
    unsafe {
        match f {
            Func::Unary(f) => f(args[0].ptr(), out.ptr(), n),
            Func::Binary(f) => f(args[0].ptr(), args[1].ptr(), out.ptr(), n),
        }
    }
}

/// `f` over whole argument columns given as bits.
fn eval(f: Func, prec: Prec, args: &[Vec<u64>]) -> Vec<u64> {
    let n = args[0].len();
    let mut cols: Vec<Column> = args.iter().map(|a| Column::new(prec, a)).collect();
    let mut out = Column::new(prec, &vec![0; n]);
    call(f, &mut cols, &mut out, n);
    out.bits()
}

/// One reference data file: argument columns and expected results, as bits.
struct Cases {
    args: Vec<Vec<u64>>,
    expected: Vec<u64>,
}

fn read_cases(name: &str, prec: Prec) -> Cases {
    let path = format!("{DATA}/{name}_{}.txt", prec.tag());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut cases = Cases { args: Vec::new(), expected: Vec::new() };
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let fields: Vec<u64> = line.split(' ').map(|h| u64::from_str_radix(h, 16).expect("hex")).collect();
        let (exp, args) = fields.split_last().expect("fields");
        cases.args.resize(args.len(), Vec::new());
        for (col, &a) in cases.args.iter_mut().zip(args) {
            col.push(a);
        }
        cases.expected.push(*exp);
    }
    cases
}

fn all_names() -> impl Iterator<Item = &'static str> {
    UNARY.iter().map(|u| u.0).chain(BINARY.iter().map(|b| b.0))
}

/// Every function within its ulp bound of the correctly rounded result, on every variant.
#[test]
fn accuracy_against_correctly_rounded_reference() {
    let mut failures = Vec::new();
    for prec in [Prec::F64, Prec::F32] {
        for name in all_names() {
            let cases = read_cases(name, prec);
            let mut line = format!("{name:>8} {}:", prec.tag());
            for isa in vmath::available_isas() {
                let got = eval(lookup(name, prec, isa), prec, &cases.args);
                let mut worst = (0, 0);
                for (i, (&g, &e)) in got.iter().zip(&cases.expected).enumerate() {
                    let d = prec.ulps(g, e);
                    if d > worst.0 {
                        worst = (d, i);
                    }
                }
                let (d, i) = worst;
                line += &format!("  {isa:?} max {}", if d == u64::MAX { "nan!".to_string() } else { d.to_string() });
                if d > prec.max_ulp() {
                    let args: Vec<String> = cases.args.iter().map(|c| prec.show(c[i])).collect();
                    failures.push(format!(
                        "{name} {} {isa:?}: {} ulp at {}: got {}, expected {}",
                        prec.tag(),
                        d,
                        args.join(", "),
                        prec.show(got[i]),
                        prec.show(cases.expected[i])
                    ));
                }
            }
            println!("{line}");
        }
    }
    assert!(failures.is_empty(), "outside the ulp bound:\n{}", failures.join("\n"));
}

/// Special values exactly as NumPy 2 (any nan for a nan).
#[test]
fn special_values_match_numpy() {
    let mut failures = Vec::new();
    for prec in [Prec::F64, Prec::F32] {
        let path = format!("{DATA}/specials_{}.txt", prec.tag());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for isa in vmath::available_isas() {
            for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
                let mut fields = line.split(' ');
                let name = fields.next().expect("name");
                let vals: Vec<u64> = fields.map(|h| u64::from_str_radix(h, 16).expect("hex")).collect();
                let (exp, args) = vals.split_last().expect("fields");
                let cols: Vec<Vec<u64>> = args.iter().map(|&a| vec![a]).collect();
                let got = eval(lookup(name, prec, isa), prec, &cols)[0];
                let same = got == *exp || (prec.is_nan(got) && prec.is_nan(*exp));
                if !same {
                    let shown: Vec<String> = args.iter().map(|&a| prec.show(a)).collect();
                    failures.push(format!(
                        "{name} {} {isa:?}({}): got {}, NumPy {}",
                        prec.tag(),
                        shown.join(", "),
                        prec.show(got),
                        prec.show(*exp)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} special values differ:\n{}", failures.len(), failures.join("\n"));
}

/// Lengths across the vector body, the tail and block boundaries give the same elements as
/// one long call, never write past `n`, and in-place calls (out == x) agree too.
#[test]
fn every_length_and_in_place() {
    let lengths: Vec<usize> = (0..=70).chain([255, 256, 257, 511, 512, 513, 700]).collect();
    for prec in [Prec::F64, Prec::F32] {
        for name in all_names() {
            let cases = read_cases(name, prec);
            // A mix from the data file, cycled to 700 elements, with rare lanes sprinkled in.
            let n_max = 700;
            let mut args: Vec<Vec<u64>> =
                cases.args.iter().map(|c| (0..n_max).map(|i| c[(i * 7) % c.len()]).collect()).collect();
            let huge = match prec {
                Prec::F64 => 1e300f64.to_bits(),
                Prec::F32 => 1e38f32.to_bits() as u64,
            };
            for col in args.iter_mut() {
                col[3] = huge;
                col[40] = huge;
                col[300] = 0;
            }
            for isa in vmath::available_isas() {
                let f = lookup(name, prec, isa);
                let full = eval(f, prec, &args);
                let sentinel = match prec {
                    Prec::F64 => 12345.5f64.to_bits(),
                    Prec::F32 => 12345.5f32.to_bits() as u64,
                };
                for &n in &lengths {
                    let mut cols: Vec<Column> = args.iter().map(|a| Column::new(prec, &a[..n])).collect();
                    let mut out = Column::new(prec, &vec![sentinel; n + 3]);
                    call(f, &mut cols, &mut out, n);
                    let got = out.bits();
                    assert_eq!(got[..n], full[..n], "{name} {} {isa:?} n={n}", prec.tag());
                    assert!(got[n..].iter().all(|&b| b == sentinel), "{name} {isa:?} wrote past n={n}");
                    // In place: the result overwrites the first argument.
                    let mut cols: Vec<Column> = args.iter().map(|a| Column::new(prec, &a[..n])).collect();
                    let first = cols[0].ptr();
                    // SAFETY: `out` is exactly the first argument, which the contract allows.
                    unsafe {
                        match f {
                            Func::Unary(f) => f(first, first, n),
                            Func::Binary(f) => f(first, cols[1].ptr(), first, n),
                        }
                    }
                    assert_eq!(cols[0].bits(), full[..n], "{name} {} {isa:?} in place n={n}", prec.tag());
                }
            }
        }
    }
}

/// The AVX2 and AVX-512 variants run the same operations (both with FMA): identical bits.
#[test]
fn fma_variants_agree_bit_for_bit() {
    let isas: Vec<Isa> = vmath::available_isas().into_iter().filter(|&i| i != Isa::Baseline).collect();
    for prec in [Prec::F64, Prec::F32] {
        for name in all_names() {
            let cases = read_cases(name, prec);
            let results: Vec<Vec<u64>> =
                isas.iter().map(|&isa| eval(lookup(name, prec, isa), prec, &cases.args)).collect();
            for pair in results.windows(2) {
                assert_eq!(pair[0], pair[1], "{name} {}: {isas:?} differ", prec.tag());
            }
        }
    }
    println!("variants on this CPU: {:?}", vmath::available_isas());
}

/// What the library covers, and that it declines everything else.
#[test]
fn coverage() {
    for prec in [Prec::F64, Prec::F32] {
        for (_, op) in UNARY {
            assert!(vmath::unary_slice(op, prec.dtype()).is_some(), "{op:?}");
        }
        for (_, op) in BINARY {
            assert!(vmath::binary_slice(op, prec.dtype()).is_some(), "{op:?}");
        }
    }
    assert!(vmath::unary_slice(UnaryOp::Sqrt, DType::Float64).is_none());
    assert!(vmath::unary_slice(UnaryOp::Exp, DType::Int64).is_none());
    assert!(vmath::binary_slice(BinaryOp::Add, DType::Float32).is_none());
}
