//! Differential tests of the Cranelift backend against the interp backend: hand-built kir
//! kernels run on real buffers (contiguous, broadcast, strided, reversed; 1-d to 3-d;
//! whole ranges and sub-ranges that start and end mid-row) and every output element is
//! compared bitwise with the interp kernels' result (within a few ULP for transcendentals
//! that `vmath` provides). Each kernel is compiled three ways: default (vector loops),
//! scalar loops only, and with every op that has a slice function called through it.

use hpxl_compiler::interp;
use hpxl_compiler::jit::{self, Compiled, Options};
use hpxl_compiler::kir::{
    binary_result, param_bits, unary_result, Input, Inst, InstKind, Kernel, Output, Stride, ValueId,
};
use hpxl_compiler::ops::{BinaryOp, UnaryOp};
use hpxl_compiler::vmath;
use hpxl_runtime::{cast_data, contiguous_strides, DType, Data, NdArray, Scalar};
use std::sync::Arc;

const DTYPES: [DType; 11] = [
    DType::Bool,
    DType::Int8,
    DType::Int16,
    DType::Int32,
    DType::Int64,
    DType::UInt8,
    DType::UInt16,
    DType::UInt32,
    DType::UInt64,
    DType::Float32,
    DType::Float64,
];

/// The option sets every case runs with. `vmath` is off: these tests hold the backend to
/// bitwise equality (`jit_vmath.rs` covers the vmath calls).
fn opts_all() -> [Options; 3] {
    let base = Options { vmath: false, ..Options::default() };
    [base, Options { vector: false, ..base }, Options { force_calls: true, tile: 32, ..base }]
}

fn exact() -> Options {
    Options { vmath: false, ..Options::default() }
}

/// The default options, keeping the Cranelift IR text for inspection.
fn with_text() -> Options {
    Options { text: true, ..Options::default() }
}

// ---- kernel building ------------------------------------------------------------------

struct Kb {
    k: Kernel,
}

impl Kb {
    fn new(ndim: u32) -> Kb {
        Kb { k: Kernel { ndim, inputs: vec![], params: vec![], indices: 0, body: vec![], outputs: vec![] } }
    }
    fn push(&mut self, kind: InstKind, dtype: DType) -> ValueId {
        self.k.body.push(Inst { kind, dtype });
        (self.k.body.len() - 1) as ValueId
    }
    fn dt(&self, v: ValueId) -> DType {
        self.k.body[v as usize].dtype
    }
    fn load(&mut self, dtype: DType, inner: Stride) -> ValueId {
        self.k.inputs.push(Input { dtype, inner });
        let input = (self.k.inputs.len() - 1) as u32;
        self.push(InstKind::Load { input }, dtype)
    }
    fn param(&mut self, dtype: DType) -> ValueId {
        self.k.params.push(dtype);
        let param = (self.k.params.len() - 1) as u32;
        self.push(InstKind::Param { param }, dtype)
    }
    fn index(&mut self) -> ValueId {
        self.k.indices += 1;
        self.push(InstKind::Index { index: self.k.indices - 1 }, DType::Int64)
    }
    fn un(&mut self, op: UnaryOp, x: ValueId) -> ValueId {
        let dt = unary_result(op, self.dt(x));
        self.push(InstKind::Unary { op, x }, dt)
    }
    fn bin(&mut self, op: BinaryOp, a: ValueId, b: ValueId) -> ValueId {
        let dt = binary_result(op, self.dt(a));
        self.push(InstKind::Binary { op, a, b }, dt)
    }
    fn cast(&mut self, x: ValueId, dtype: DType) -> ValueId {
        self.push(InstKind::Cast { x }, dtype)
    }
    fn select(&mut self, cond: ValueId, a: ValueId, b: ValueId) -> ValueId {
        let dt = self.dt(a);
        self.push(InstKind::Select { cond, a, b }, dt)
    }
    fn out(&mut self, value: ValueId, inner: Stride) {
        let dtype = self.dt(value);
        self.k.outputs.push(Output { value, dtype, inner });
    }
}

// ---- values and layouts ---------------------------------------------------------------

/// A deterministic generator (64-bit LCG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 11
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SPECIAL_F64: [f64; 28] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    3.0,
    -7.25,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    -f64::NAN,
    f64::from_bits(0x7ffc_0000_0000_0000),
    5e-324,
    -2.2250738585072e-308,
    f64::MAX,
    f64::MIN_POSITIVE,
    1e300,
    1e-5,
    123456.789,
    9.223372036854776e18,
    -9.223372036854776e18,
    1.8446744073709552e19,
    4294967296.5,
    1e-40,
];

const SPECIAL_I64: [i64; 22] =
    [0, 1, -1, 2, -2, 3, 7, -7, 8, 15, 16, 31, 32, 63, 64, 127, -128, 255, 65535, i64::MIN, i64::MAX, -2147483648];

/// `n` values of `dt`: the special values first, then pseudo-random ones.
fn values(dt: DType, n: usize, rng: &mut Rng) -> Data {
    if dt.is_float() {
        let v: Vec<f64> = (0..n)
            .map(|i| {
                if i < SPECIAL_F64.len() {
                    SPECIAL_F64[i]
                } else {
                    let m = (rng.next() as f64 / (1u64 << 53) as f64 - 0.5) * 8.0;
                    if rng.below(4) == 0 {
                        m.round()
                    } else {
                        m
                    }
                }
            })
            .collect();
        cast_data(&Data::Float64(v), dt)
    } else {
        let v: Vec<i64> = (0..n)
            .map(|i| if i < SPECIAL_I64.len() { SPECIAL_I64[i] } else { (rng.next() as i64) >> rng.below(60) })
            .collect();
        if dt == DType::Bool {
            Data::Bool(v.iter().map(|x| x & 1 != 0).collect())
        } else {
            cast_data(&Data::Int64(v), dt)
        }
    }
}

/// How an operand is laid out in memory.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Lay {
    Contig,
    /// Every second element.
    Strided,
    /// Negative strides in every dimension.
    Reversed,
    /// Stride 0 in the last dimension.
    Bcast,
    /// Stride 0 in the first dimension, unit in the last.
    OuterBcast,
}

impl Lay {
    fn stride(self) -> Stride {
        match self {
            Lay::Contig | Lay::OuterBcast => Stride::Unit,
            Lay::Strided | Lay::Reversed => Stride::Any,
            Lay::Bcast => Stride::Zero,
        }
    }
}

/// (storage length, offset, strides) of a `lay` view of `shape`.
fn layout(shape: &[usize], lay: Lay) -> (usize, usize, Vec<isize>) {
    let n: usize = shape.iter().product();
    let c = contiguous_strides(shape);
    match lay {
        Lay::Contig => (n, 0, c.to_vec()),
        Lay::Strided => (2 * n, 0, c.iter().map(|s| 2 * s).collect()),
        Lay::Reversed => (n, n - 1, c.iter().map(|s| -s).collect()),
        Lay::Bcast => {
            let outer = &shape[..shape.len() - 1];
            let mut s = contiguous_strides(outer);
            s.push(0);
            (outer.iter().product::<usize>().max(1), 0, s.to_vec())
        }
        // In one dimension the first dimension is the inner one, which stays unit.
        Lay::OuterBcast if shape.len() == 1 => (n, 0, c.to_vec()),
        Lay::OuterBcast => {
            let rest = &shape[1..];
            let mut s = vec![0];
            s.extend(contiguous_strides(rest));
            (rest.iter().product::<usize>().max(1), 0, s)
        }
    }
}

fn view(data: Data, shape: &[usize], lay: Lay) -> NdArray {
    let (len, offset, strides) = layout(shape, lay);
    let mut data = data;
    data.truncate(len);
    assert_eq!(data.len(), len);
    NdArray { data: Arc::new(data), shape: shape.into(), strides: strides.into(), offset }
}

/// An output buffer of the JIT.
struct OutBuf {
    data: Data,
    offset: usize,
    strides: Vec<isize>,
}

// ---- running --------------------------------------------------------------------------

/// One test case: a kernel with its operands.
struct Case {
    k: Kernel,
    shape: Vec<usize>,
    inputs: Vec<NdArray>,
    params: Vec<Scalar>,
    gens: Vec<(i64, Vec<i64>)>,
    out_lays: Vec<Lay>,
}

impl Case {
    fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// The interp backend's value of every instruction, broadcast to the index space.
    fn oracle(&self) -> Result<Vec<NdArray>, String> {
        let shape = &self.shape[..];
        let mut vals: Vec<NdArray> = Vec::new();
        for inst in &self.k.body {
            let err = |e: interp::KernelError| e.message;
            let v = match inst.kind {
                InstKind::Load { input } => self.inputs[input as usize].clone(),
                InstKind::Param { param } => {
                    interp::broadcast_to(&NdArray::scalar(self.params[param as usize]), shape).unwrap()
                }
                InstKind::Index { index } => {
                    let (off, coef) = &self.gens[index as usize];
                    let n = self.size();
                    let mut out = Vec::with_capacity(n);
                    for p in 0..n {
                        let (mut rem, mut acc) = (p, *off);
                        for d in (0..shape.len()).rev() {
                            acc = acc.wrapping_add(coef[d].wrapping_mul((rem % shape[d]) as i64));
                            rem /= shape[d];
                        }
                        out.push(acc);
                    }
                    NdArray::from_data(Data::Int64(out), shape.to_vec())
                }
                InstKind::Unary { op, x } => {
                    let x = &vals[x as usize];
                    interp::unary(op, x, x.dtype(), inst.dtype).map_err(err)?
                }
                InstKind::Binary { op, a, b } => {
                    let (a, b) = (&vals[a as usize], &vals[b as usize]);
                    interp::binary(op, a, b, a.dtype(), inst.dtype).map_err(err)?
                }
                InstKind::Cast { x } => vals[x as usize].astype(inst.dtype),
                InstKind::Select { cond, a, b } => {
                    interp::select(&vals[cond as usize], &vals[a as usize], &vals[b as usize], inst.dtype)
                        .map_err(err)?
                }
            };
            vals.push(v);
        }
        Ok(self.k.outputs.iter().map(|o| vals[o.value as usize].clone()).collect())
    }

    fn out_bufs(&self) -> Vec<OutBuf> {
        self.k
            .outputs
            .iter()
            .zip(&self.out_lays)
            .map(|(o, &lay)| {
                let (len, offset, strides) = layout(&self.shape, lay);
                let fill = if o.dtype == DType::Bool { Scalar::Bool(true) } else { Scalar::Int64(99) };
                OutBuf { data: Data::full(o.dtype, len, fill), offset, strides }
            })
            .collect()
    }

    fn args(&self, outs: &mut [OutBuf]) -> Vec<i64> {
        let mut w: Vec<i64> = self.shape.iter().map(|&e| e as i64).collect();
        for x in &self.inputs {
            w.push(x.data.as_ptr() as i64);
            w.push(x.offset as i64);
            w.extend(x.strides.iter().map(|&s| s as i64));
        }
        for o in outs.iter_mut() {
            w.push(o.data.as_mut_ptr() as i64);
            w.push(o.offset as i64);
            w.extend(o.strides.iter().map(|&s| s as i64));
        }
        for (off, coef) in &self.gens {
            w.push(*off);
            w.extend(coef);
        }
        w.extend(self.params.iter().map(|&p| param_bits(p)));
        assert_eq!(w.len(), self.k.arg_words());
        w
    }

    /// Runs `c` over the given consecutive sub-ranges and returns the output buffers.
    fn run(&self, c: &Compiled, cuts: &[usize]) -> Vec<OutBuf> {
        let mut outs = self.out_bufs();
        let args = self.args(&mut outs);
        for w in cuts.windows(2) {
            // SAFETY: the argument words describe live buffers of the right sizes.
            unsafe { (c.entry)(args.as_ptr(), w[0] as i64, w[1] as i64) };
        }
        outs
    }

    /// Compiles with `opts`, runs over `cuts` and compares `[cuts[0], last)` with the oracle.
    fn check_with(&self, opts: &Options, cuts: &[usize], what: &str) {
        self.check_compiled(jit::compile_with(&self.k, opts), &format!("{opts:?}"), cuts, what)
    }

    /// Runs `compiled` (from any CPU backend; `how` names it) and compares with the interp.
    fn check_compiled(&self, compiled: Result<Compiled, String>, how: &str, cuts: &[usize], what: &str) {
        let expect = self.oracle();
        let expect = match (expect, compiled) {
            (Ok(e), Ok(c)) => (e, c),
            (Err(_), Err(_)) => return,
            (Ok(_), Err(e)) => panic!("{what}: interp ok but compile failed: {e}\n{}", self.text()),
            (Err(e), Ok(_)) => panic!("{what}: interp fails ({e}) but the kernel compiled\n{}", self.text()),
        };
        let (expect, compiled) = expect;
        assert!(!compiled.clif.contains("vector loops failed"), "{what}: {}", compiled.clif.lines().next().unwrap());
        let outs = self.run(&compiled, cuts);
        let tolerant = self.uses_vmath();
        for (o, (buf, exp)) in outs.iter().zip(&expect).enumerate() {
            let nd = self.shape.len();
            for p in 0..self.size() {
                let mut rem = p;
                let mut pos = buf.offset as isize;
                for d in (0..nd).rev() {
                    pos += (rem % self.shape[d]) as isize * buf.strides[d];
                    rem /= self.shape[d];
                }
                let got = buf.data.get(pos as usize);
                let inside = p >= cuts[0] && p < *cuts.last().unwrap();
                if !inside {
                    let fill = Data::full(buf.data.dtype(), 1, Scalar::Int64(99)).get(0);
                    let fill = if buf.data.dtype() == DType::Bool { Scalar::Bool(true) } else { fill };
                    assert_eq!(param_bits(got), param_bits(fill), "{what}: out{o}[{p}] written outside the range");
                    continue;
                }
                let want = exp.get_flat(p);
                assert_eq!(got.dtype(), want.dtype());
                if !same(got, want, tolerant) {
                    panic!(
                        "{what} ({how}, cuts {cuts:?}): out{o}[{p}] = {got:?}, interp {want:?}\ninputs at p: {:?}\n{}\n{}",
                        self.inputs.iter().map(|x| x.get_flat(p)).collect::<Vec<_>>(),
                        self.text(),
                        compiled.clif
                    );
                }
            }
        }
    }

    /// Whole range in one call and in mid-row pieces, with every option set.
    fn check(&self, what: &str) {
        let n = self.size();
        for opts in opts_all() {
            self.check_with(&opts, &[0, n], what);
            let cuts = [0, n / 3, n / 3 + 1, (2 * n) / 3 + 1, n];
            let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(n)).collect();
            cuts.dedup();
            self.check_with(&opts, &cuts, what);
        }
        // A strict sub-range that starts and ends mid-row.
        if n > 4 {
            self.check_with(&exact(), &[1, n - 2], what);
        }
        // The LLVM backend on the same cases (its transcendentals are vmath's, so the
        // comparison is ULP-tolerant exactly where `uses_vmath` says).
        #[cfg(feature = "llvm")]
        {
            let cuts = [0, n / 3, n / 3 + 1, (2 * n) / 3 + 1, n];
            let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(n)).collect();
            cuts.dedup();
            self.check_compiled(hpxl_compiler::llvm::compile(&self.k), "llvm", &[0, n], what);
            self.check_compiled(hpxl_compiler::llvm::compile(&self.k), "llvm", &cuts, what);
            if n > 4 {
                self.check_compiled(hpxl_compiler::llvm::compile(&self.k), "llvm", &[1, n - 2], what);
            }
            self.check_backends_bitwise(what);
        }
    }

    /// Cranelift's and LLVM's code give the same bits, transcendentals included: the
    /// tiered backend switches between them at a time that depends on the clock (Note
    /// [Tiered compilation] in `fuse/tier.rs`).
    #[cfg(feature = "llvm")]
    fn check_backends_bitwise(&self, what: &str) {
        let (Ok(cl), Ok(ll)) = (jit::compile(&self.k), hpxl_compiler::llvm::compile(&self.k)) else { return };
        let n = self.size();
        let (a, b) = (self.run(&cl, &[0, n]), self.run(&ll, &[0, n]));
        for (o, (x, y)) in a.iter().zip(&b).enumerate() {
            for i in 0..x.data.len() {
                let (p, q) = (x.data.get(i), y.data.get(i));
                assert!(
                    param_bits(p) == param_bits(q),
                    "{what}: out{o}[{i}]: cranelift {p:?}, llvm {q:?}\n{}",
                    self.text()
                );
            }
        }
    }

    fn uses_vmath(&self) -> bool {
        self.k.body.iter().any(|i| match i.kind {
            InstKind::Unary { op, x } => {
                let dt = self.k.body[x as usize].dtype;
                dt.is_float() && vmath::unary_slice(op, dt).is_some()
            }
            InstKind::Binary { op, a, .. } => {
                let dt = self.k.body[a as usize].dtype;
                dt.is_float() && vmath::binary_slice(op, dt).is_some()
            }
            _ => false,
        })
    }

    fn text(&self) -> String {
        hpxl_compiler::kir::kernel_text(&self.k)
    }
}

/// Bitwise equality; with `tolerant`, floats within 4 ULP (f64) / 2 ULP (f32), NaN and
/// infinities exact.
fn same(a: Scalar, b: Scalar, tolerant: bool) -> bool {
    if param_bits(a) == param_bits(b) {
        return true;
    }
    if !tolerant {
        return false;
    }
    let ord = |bits: i64| if bits < 0 { i64::MIN.wrapping_sub(bits) } else { bits };
    match (a, b) {
        (Scalar::Float64(x), Scalar::Float64(y)) => {
            if x.is_nan() || y.is_nan() || x.is_infinite() || y.is_infinite() {
                return x.is_nan() && y.is_nan();
            }
            ord(x.to_bits() as i64).abs_diff(ord(y.to_bits() as i64)) <= 4
        }
        (Scalar::Float32(x), Scalar::Float32(y)) => {
            if x.is_nan() || y.is_nan() || x.is_infinite() || y.is_infinite() {
                return x.is_nan() && y.is_nan();
            }
            let o = |b: u32| if (b as i32) < 0 { i32::MIN.wrapping_sub(b as i32) } else { b as i32 };
            o(x.to_bits()).abs_diff(o(y.to_bits())) <= 2
        }
        _ => false,
    }
}

/// A 1-d case over `n` elements with contiguous inputs of the given dtypes.
fn simple_case(k: Kernel, inputs: Vec<Data>) -> Case {
    let n = inputs[0].len();
    let out_lays = vec![Lay::Contig; k.outputs.len()];
    let inputs = inputs.into_iter().map(|d| NdArray::from_data(d, vec![n])).collect();
    Case { k, shape: vec![n], inputs, params: vec![], gens: vec![], out_lays }
}

// ---- every op × every dtype -----------------------------------------------------------

#[test]
fn unary_ops_match_interp_for_every_dtype() {
    let mut rng = Rng(1);
    let mut compiled = 0;
    for op in UnaryOp::ALL {
        for dt in DTYPES {
            let mut kb = Kb::new(1);
            let x = kb.load(dt, Stride::Unit);
            let y = kb.un(op, x);
            kb.out(y, Stride::Unit);
            let case = simple_case(kb.k, vec![values(dt, 45, &mut rng)]);
            let interp_ok = case.oracle().is_ok();
            assert_eq!(interp_ok, jit::compile(&case.k).is_ok(), "{} {dt}", op.name());
            compiled += interp_ok as usize;
            case.check(&format!("{} {dt}", op.name()));
        }
    }
    assert!(compiled > 150, "{compiled}");
}

#[test]
fn binary_ops_match_interp_for_every_dtype() {
    let mut rng = Rng(2);
    for op in BinaryOp::ALL {
        for dt in DTYPES {
            // Every special value against every other, plus random pairs.
            let pool = values(dt, 32, &mut rng);
            let m = pool.len();
            let a: Vec<Scalar> = (0..m * m).map(|i| pool.get(i / m)).collect();
            let b: Vec<Scalar> = (0..m * m).map(|i| pool.get(i % m)).collect();
            let to_data = |v: &[Scalar]| {
                let mut d = Data::zeros(dt, v.len());
                for (i, &s) in v.iter().enumerate() {
                    d.set(i, s);
                }
                d
            };
            let mut kb = Kb::new(1);
            let x = kb.load(dt, Stride::Unit);
            let y = kb.load(dt, Stride::Unit);
            let z = kb.bin(op, x, y);
            kb.out(z, Stride::Unit);
            let case = simple_case(kb.k, vec![to_data(&a), to_data(&b)]);
            let what = format!("{} {dt}", op.name());
            if op == BinaryOp::Pow && dt.is_integer() {
                let e = jit::compile(&case.k).err().expect("integer power is left to the interp");
                assert!(e.contains("power"), "{e}");
                continue;
            }
            assert_eq!(case.oracle().is_ok(), jit::compile(&case.k).is_ok(), "{what}");
            case.check(&what);
        }
    }
}

#[test]
fn casts_match_astype_for_every_pair() {
    let mut rng = Rng(3);
    for from in DTYPES {
        let data = values(from, 70, &mut rng);
        for to in DTYPES {
            let mut kb = Kb::new(1);
            let x = kb.load(from, Stride::Unit);
            let y = kb.cast(x, to);
            kb.out(y, Stride::Unit);
            simple_case(kb.k, vec![data.clone()]).check(&format!("cast {from} -> {to}"));
        }
    }
}

#[test]
fn casts_near_conversion_boundaries() {
    let edges: Vec<f64> = vec![
        9.223372036854775e18,
        -9.223372036854777e18,
        1.8446744073709550e19,
        1.8446744073709552e19,
        1.8446744073709556e19,
        -1.0e19,
        2147483647.9,
        -2147483648.9,
        4294967295.5,
        -0.9,
        0.9,
        65535.5,
        -32768.5,
        300.0,
        -300.0,
        f64::NAN,
        -f64::NAN,
        1e-320,
    ];
    let big: Vec<u64> =
        vec![u64::MAX, (1 << 63) + 1, (1 << 63) - 1, (1 << 53) + 1, (1 << 24) + 1, 1 << 63, 0, 0x8000_0100_0000_0001];
    for to in DTYPES {
        for from in [DType::Float64, DType::Float32] {
            let mut kb = Kb::new(1);
            let x = kb.load(from, Stride::Unit);
            let y = kb.cast(x, to);
            kb.out(y, Stride::Unit);
            simple_case(kb.k, vec![cast_data(&Data::Float64(edges.clone()), from)]).check(&format!("{from}->{to}"));
        }
        for from in [DType::UInt64, DType::Int64, DType::UInt32] {
            let mut kb = Kb::new(1);
            let x = kb.load(from, Stride::Unit);
            let y = kb.cast(x, to);
            kb.out(y, Stride::Unit);
            simple_case(kb.k, vec![cast_data(&Data::UInt64(big.clone()), from)]).check(&format!("{from}->{to}"));
        }
    }
}

// ---- layouts, ranks, ranges -----------------------------------------------------------

/// Kernels exercising the common shapes: (name, builder from input layouts).
fn layout_kernels() -> Vec<(&'static str, usize, Box<dyn Fn(&[Stride], u32) -> Kb>)> {
    vec![
        (
            "a*b + c*d f64",
            4,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let v: Vec<ValueId> = s.iter().map(|&s| kb.load(DType::Float64, s)).collect();
                let ab = kb.bin(BinaryOp::Mul, v[0], v[1]);
                let cd = kb.bin(BinaryOp::Mul, v[2], v[3]);
                let r = kb.bin(BinaryOp::Add, ab, cd);
                kb.out(r, Stride::Unit);
                kb
            }),
        ),
        (
            "where(a > 0.5, a*2, b-1) f64",
            2,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let a = kb.load(DType::Float64, s[0]);
                let b = kb.load(DType::Float64, s[1]);
                let half = kb.param(DType::Float64);
                let two = kb.param(DType::Float64);
                let c = kb.bin(BinaryOp::Gt, a, half);
                let a2 = kb.bin(BinaryOp::Mul, a, two);
                let b1 = kb.bin(BinaryOp::Sub, b, half);
                let r = kb.select(c, a2, b1);
                kb.out(r, Stride::Unit);
                kb.out(c, Stride::Any);
                kb
            }),
        ),
        (
            "f32 minimum/maximum/sqrt",
            2,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let a = kb.load(DType::Float32, s[0]);
                let b = kb.load(DType::Float32, s[1]);
                let mn = kb.bin(BinaryOp::Minimum, a, b);
                let mx = kb.bin(BinaryOp::Fmax, a, b);
                let sq = kb.un(UnaryOp::Sqrt, mx);
                let r = kb.bin(BinaryOp::Add, mn, sq);
                kb.out(r, Stride::Any);
                kb
            }),
        ),
        (
            "i64 arithmetic",
            2,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let a = kb.load(DType::Int64, s[0]);
                let b = kb.load(DType::Int64, s[1]);
                let m = kb.bin(BinaryOp::Mul, a, b);
                let x = kb.bin(BinaryOp::BitXor, m, a);
                let lt = kb.bin(BinaryOp::Lt, a, b);
                let r = kb.select(lt, x, b);
                let sh = kb.bin(BinaryOp::RShift, r, b);
                kb.out(sh, Stride::Unit);
                kb
            }),
        ),
        (
            "i32 arithmetic with floor_divide",
            2,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let a = kb.load(DType::Int32, s[0]);
                let b = kb.load(DType::Int32, s[1]);
                let d = kb.bin(BinaryOp::FloorDiv, a, b);
                let m = kb.bin(BinaryOp::Mod, a, b);
                let r = kb.bin(BinaryOp::Sub, d, m);
                let neg = kb.un(UnaryOp::Neg, a);
                let r = kb.bin(BinaryOp::Maximum, r, neg);
                kb.out(r, Stride::Unit);
                kb.out(d, Stride::Unit);
                kb
            }),
        ),
        (
            "mixed casts, bool logic and an index",
            2,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let a = kb.load(DType::Float32, s[0]);
                let b = kb.load(DType::Bool, s[1]);
                let g = kb.index();
                let gf = kb.cast(g, DType::Float64);
                let af = kb.cast(a, DType::Float64);
                let s1 = kb.bin(BinaryOp::Add, af, gf);
                let c = kb.bin(BinaryOp::Ge, s1, gf);
                let l = kb.bin(BinaryOp::LogicalXor, c, b);
                let i = kb.cast(s1, DType::Int16);
                kb.out(l, Stride::Unit);
                kb.out(i, Stride::Any);
                kb
            }),
        ),
        (
            "f64 with calls (exp, fmod) and an index",
            2,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let a = kb.load(DType::Float64, s[0]);
                let b = kb.load(DType::Float64, s[1]);
                let g = kb.index();
                let gf = kb.cast(g, DType::Float64);
                let e = kb.un(UnaryOp::Exp, a);
                let t = kb.bin(BinaryOp::Add, b, gf);
                let f = kb.bin(BinaryOp::Fmod, t, a);
                let r = kb.bin(BinaryOp::Mul, f, gf);
                kb.out(r, Stride::Unit);
                kb.out(e, Stride::Any);
                kb.out(t, Stride::Unit);
                kb
            }),
        ),
        (
            "bool only",
            2,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let a = kb.load(DType::Bool, s[0]);
                let b = kb.load(DType::Bool, s[1]);
                let x = kb.bin(BinaryOp::LogicalAnd, a, b);
                let n = kb.un(UnaryOp::Invert, b);
                let y = kb.bin(BinaryOp::Lt, x, n);
                let z = kb.select(a, y, n);
                kb.out(z, Stride::Unit);
                kb
            }),
        ),
        (
            "u8 arithmetic",
            2,
            Box::new(|s: &[Stride], nd| {
                let mut kb = Kb::new(nd);
                let a = kb.load(DType::UInt8, s[0]);
                let b = kb.load(DType::UInt8, s[1]);
                let m = kb.bin(BinaryOp::Mul, a, b);
                let c = kb.bin(BinaryOp::Gt, a, b);
                let d = kb.bin(BinaryOp::Sub, m, b);
                let r = kb.select(c, d, a);
                kb.out(r, Stride::Unit);
                kb
            }),
        ),
    ]
}

#[test]
fn layouts_ranks_and_ranges() {
    let shapes: [&[usize]; 7] = [&[1], &[37], &[3, 5], &[4, 1, 9], &[2, 3, 7], &[5, 17], &[2, 2, 2]];
    let lays = [Lay::Contig, Lay::Strided, Lay::Reversed, Lay::Bcast, Lay::OuterBcast];
    let mut rng = Rng(4);
    for (name, n_in, build) in layout_kernels() {
        for (si, shape) in shapes.iter().enumerate() {
            for round in 0..4 {
                let in_lays: Vec<Lay> = (0..n_in).map(|i| lays[(si + round + i * (round + 1)) % lays.len()]).collect();
                let strides: Vec<Stride> = in_lays.iter().map(|l| l.stride()).collect();
                let kb = build(&strides, shape.len() as u32);
                let inputs =
                    kb.k.inputs
                        .iter()
                        .zip(&in_lays)
                        .map(|(inp, &lay)| {
                            let (len, _, _) = layout(shape, lay);
                            view(values(inp.dtype, len, &mut rng), shape, lay)
                        })
                        .collect();
                let params = kb.k.params.iter().map(|_| Scalar::Float64(0.5 + round as f64)).collect();
                let gens = (0..kb.k.indices)
                    .map(|_| (rng.below(100) as i64 - 50, (0..shape.len()).map(|_| rng.below(9) as i64 - 4).collect()))
                    .collect();
                let out_lays =
                    kb.k.outputs
                        .iter()
                        .map(|o| {
                            if o.inner == Stride::Unit {
                                Lay::Contig
                            } else {
                                [Lay::Strided, Lay::Reversed][round % 2]
                            }
                        })
                        .collect();
                let case = Case { k: kb.k, shape: shape.to_vec(), inputs, params, gens, out_lays };
                case.check(&format!("{name} {shape:?} {in_lays:?}"));
            }
        }
    }
}

#[test]
fn random_shapes_and_strides() {
    // Random ranks, extents, layouts and sub-ranges for an f64 and an int32 kernel.
    let mut rng = Rng(5);
    let lays = [Lay::Contig, Lay::Strided, Lay::Reversed, Lay::Bcast, Lay::OuterBcast];
    for iter in 0..60 {
        let nd = 1 + rng.below(3) as usize;
        let shape: Vec<usize> = (0..nd).map(|_| 1 + rng.below(12) as usize).collect();
        let dt = [DType::Float64, DType::Int32, DType::Float32, DType::Int16][iter % 4];
        let l0 = lays[rng.below(5) as usize];
        let l1 = lays[rng.below(5) as usize];
        let mut kb = Kb::new(nd as u32);
        let a = kb.load(dt, l0.stride());
        let b = kb.load(dt, l1.stride());
        let p = kb.param(dt);
        let s = kb.bin(BinaryOp::Add, a, p);
        let m = kb.bin(BinaryOp::Mul, s, b);
        let c = kb.bin(BinaryOp::Le, m, a);
        let r = kb.select(c, m, b);
        let fd = kb.bin(BinaryOp::FloorDiv, r, a);
        let out_lay = if rng.below(2) == 0 { Lay::Contig } else { Lay::Reversed };
        kb.out(fd, out_lay.stride());
        kb.out(c, Stride::Unit);
        let inputs =
            [l0, l1].iter().map(|&lay| view(values(dt, layout(&shape, lay).0, &mut rng), &shape, lay)).collect();
        let param = Data::full(dt, 1, Scalar::Int64(3)).get(0);
        let case = Case {
            k: kb.k,
            shape: shape.clone(),
            inputs,
            params: vec![param],
            gens: vec![],
            out_lays: vec![out_lay, Lay::Contig],
        };
        let n = case.size();
        let a = rng.below(n as u64) as usize;
        let b = a + rng.below((n - a) as u64 + 1) as usize;
        let opts = &opts_all()[iter % 3];
        case.check_with(opts, &[a, b], &format!("random {shape:?} {l0:?} {l1:?} {dt}"));
        case.check_with(opts, &[0, a, b, n], &format!("random pieces {shape:?} {l0:?} {l1:?} {dt}"));
    }
}

#[test]
fn long_runs_cross_many_tiles() {
    let mut rng = Rng(6);
    let shape = vec![3, 700];
    let mut kb = Kb::new(2);
    let a = kb.load(DType::Float64, Stride::Any);
    let b = kb.load(DType::Float64, Stride::Unit);
    let e = kb.un(UnaryOp::Log1p, a);
    let t = kb.un(UnaryOp::Tanh, b);
    let m = kb.bin(BinaryOp::Arctan2, e, t);
    let s = kb.bin(BinaryOp::Add, m, a);
    kb.out(s, Stride::Unit);
    kb.out(e, Stride::Unit);
    let inputs = vec![
        view(values(DType::Float64, 4200, &mut rng), &shape, Lay::Strided),
        view(values(DType::Float64, 2100, &mut rng), &shape, Lay::Contig),
    ];
    let case = Case { k: kb.k, shape, inputs, params: vec![], gens: vec![], out_lays: vec![Lay::Contig; 2] };
    case.check("long runs");
    for tile in [16, 48, 512] {
        case.check_with(&Options { tile, ..exact() }, &[5, 1000, 2099], "tiles");
    }
}

#[test]
fn params_of_every_dtype() {
    let mut rng = Rng(7);
    for dt in DTYPES {
        for pv in [Scalar::Int64(-3), Scalar::Int64(5), Scalar::Float64(-0.0), Scalar::Float64(2.5)] {
            let mut kb = Kb::new(2);
            let a = kb.load(dt, Stride::Unit);
            let p = kb.param(dt);
            let op = if dt == DType::Bool { BinaryOp::BitXor } else { BinaryOp::Maximum };
            let r = kb.bin(op, a, p);
            let eq = kb.bin(BinaryOp::Eq, a, p);
            kb.out(r, Stride::Unit);
            kb.out(eq, Stride::Any);
            let shape = vec![3, 11];
            let inputs = vec![view(values(dt, 33, &mut rng), &shape, Lay::Contig)];
            let param = Data::full(dt, 1, pv).get(0);
            let case = Case {
                k: kb.k,
                shape,
                inputs,
                params: vec![param],
                gens: vec![],
                out_lays: vec![Lay::Contig, Lay::Reversed],
            };
            case.check(&format!("param {dt} {pv:?}"));
        }
    }
}

#[test]
fn index_generators() {
    for shape in [vec![10], vec![4, 6], vec![2, 3, 5]] {
        let mut kb = Kb::new(shape.len() as u32);
        let g0 = kb.index();
        let g1 = kb.index();
        let s = kb.bin(BinaryOp::Mul, g0, g1);
        let f = kb.cast(s, DType::Float64);
        kb.out(g0, Stride::Unit);
        kb.out(s, Stride::Any);
        kb.out(f, Stride::Unit);
        let nd = shape.len();
        let gens = vec![(7, (0..nd as i64).map(|d| d * 3 - 2).collect()), (i64::MAX - 3, vec![1; nd])];
        let case = Case {
            k: kb.k,
            shape,
            inputs: vec![],
            params: vec![],
            gens,
            out_lays: vec![Lay::Contig, Lay::Strided, Lay::Contig],
        };
        case.check("index generators");
    }
}

// ---- code shape, errors, concurrency, compile time ------------------------------------

#[test]
fn common_kernels_are_vectorised() {
    let cases: Vec<(&str, DType, &str)> = vec![
        ("f64", DType::Float64, "f64x2"),
        ("f32", DType::Float32, "f32x4"),
        ("i64", DType::Int64, "i64x2"),
        ("i32", DType::Int32, "i32x4"),
        ("u16", DType::UInt16, "i16x8"),
    ];
    for (name, dt, ty) in cases {
        let mut kb = Kb::new(1);
        let a = kb.load(dt, Stride::Unit);
        let b = kb.load(dt, Stride::Zero);
        let p = kb.param(dt);
        let m = kb.bin(BinaryOp::Mul, a, b);
        let s = kb.bin(BinaryOp::Add, m, p);
        let c = kb.bin(BinaryOp::Gt, s, a);
        let r = kb.select(c, s, b);
        let mn = kb.bin(BinaryOp::Minimum, r, a);
        kb.out(mn, Stride::Unit);
        kb.out(c, Stride::Unit);
        let c = jit::compile_with(&kb.k, &with_text()).unwrap();
        assert!(c.clif.contains(ty), "{name}: no {ty} in\n{}", c.clif);
        assert!(!c.clif.contains("call_indirect"), "{name}: unexpected call");
    }
    // Transcendentals call out; the rest of the kernel stays vectorised.
    let mut kb = Kb::new(1);
    let a = kb.load(DType::Float64, Stride::Unit);
    let e = kb.un(UnaryOp::Exp, a);
    let r = kb.bin(BinaryOp::Mul, e, a);
    kb.out(r, Stride::Unit);
    let c = jit::compile_with(&kb.k, &with_text()).unwrap();
    assert!(c.clif.contains("f64x2") && c.clif.contains("call_indirect"), "{}", c.clif);
}

#[test]
fn rejected_kernels_are_errors() {
    // Ops the interp rejects, integer power, and kernels the verifier rejects.
    let mut kb = Kb::new(1);
    let a = kb.load(DType::Bool, Stride::Unit);
    let s = kb.bin(BinaryOp::Sub, a, a);
    kb.out(s, Stride::Unit);
    assert!(jit::compile(&kb.k).err().unwrap().contains("subtract"));

    let mut kb = Kb::new(1);
    let a = kb.load(DType::Int64, Stride::Unit);
    let s = kb.bin(BinaryOp::Pow, a, a);
    kb.out(s, Stride::Unit);
    assert!(jit::compile(&kb.k).err().unwrap().contains("power"));

    let mut kb = Kb::new(1);
    let a = kb.load(DType::Float64, Stride::Unit);
    kb.push(InstKind::Binary { op: BinaryOp::Add, a, b: 7 }, DType::Float64);
    kb.out(1, Stride::Unit);
    assert!(jit::compile(&kb.k).is_err());

    let mut kb = Kb::new(0);
    let a = kb.load(DType::Float64, Stride::Unit);
    kb.out(a, Stride::Unit);
    assert!(jit::compile(&kb.k).is_err());
}

#[test]
fn concurrent_calls_on_disjoint_ranges() {
    let n = 100_003;
    let mut kb = Kb::new(1);
    let a = kb.load(DType::Float64, Stride::Unit);
    let b = kb.load(DType::Float64, Stride::Unit);
    let e = kb.un(UnaryOp::Sin, a);
    let r = kb.bin(BinaryOp::Add, e, b);
    kb.out(r, Stride::Unit);
    let mut rng = Rng(8);
    let inputs = vec![
        NdArray::from_data(values(DType::Float64, n, &mut rng), vec![n]),
        NdArray::from_data(values(DType::Float64, n, &mut rng), vec![n]),
    ];
    let case = Case { k: kb.k, shape: vec![n], inputs, params: vec![], gens: vec![], out_lays: vec![Lay::Contig] };
    let c = jit::compile_with(&case.k, &exact()).unwrap();
    let mut outs = case.out_bufs();
    let args = case.args(&mut outs);
    let block = 4096;
    let args_addr = args.as_ptr() as usize;
    std::thread::scope(|s| {
        for t in 0..4 {
            let c = &c;
            s.spawn(move || {
                let mut start = t * block;
                while start < n {
                    // SAFETY: threads write disjoint blocks of live buffers.
                    unsafe { (c.entry)(args_addr as *const i64, start as i64, (start + block).min(n) as i64) };
                    start += 4 * block;
                }
            });
        }
    });
    let expect = case.oracle().unwrap();
    for p in 0..n {
        assert_eq!(param_bits(outs[0].data.get(p)), param_bits(expect[0].get_flat(p)), "{p}");
    }
}

#[test]
fn compile_time_is_small() {
    let kernels = layout_kernels();
    let strides = [Stride::Unit; 4];
    let start = std::time::Instant::now();
    let mut count = 0;
    for _ in 0..5 {
        for (_, n, build) in &kernels {
            let kb = build(&strides[..*n], 2);
            jit::compile(&kb.k).unwrap();
            count += 1;
        }
    }
    let per = start.elapsed() / count;
    eprintln!("compile time: {per:?} per kernel ({count} kernels)");
    // Generous: debug builds of Cranelift are slow; release is about 1 ms.
    assert!(per < std::time::Duration::from_millis(200), "{per:?}");
}
