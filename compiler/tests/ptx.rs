//! PTX snapshots (feature `gpu`): representative kir kernels — elementwise, broadcast,
//! strided 2-d with a cast, inline transcendentals (float64 and float32; power,
//! arctan2, hypot), integer and float floor division and remainder, fmod, an index
//! generator — and every
//! reduction kind, compiled to PTX and compared with `tests/ptx/<name>.ptx`.
//! `HPXL_BLESS=1` rewrites the snapshots (review the diff). When `ptxas` is available
//! (on `PATH`, or `HPXL_PTXAS=/path/to/ptxas`; `scripts/fetch-ptxas.sh` fetches one), each
//! PTX is also assembled for sm_80; otherwise the test prints why it skipped that step.
#![cfg(feature = "gpu")]

use hpxl_compiler::kir::{binary_result, unary_result, Input, Inst, InstKind, Kernel, Output, Stride, ValueId};
use hpxl_compiler::ops::{BinaryOp, UnaryOp};
use hpxl_compiler::ptx::{self, GpuReduce, Layout, RowOp, RowReduce};
use hpxl_runtime::DType;
use std::path::PathBuf;

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
    fn un(&mut self, op: UnaryOp, x: ValueId) -> ValueId {
        let dt = unary_result(op, self.k.body[x as usize].dtype);
        self.push(InstKind::Unary { op, x }, dt)
    }
    fn bin(&mut self, op: BinaryOp, a: ValueId, b: ValueId) -> ValueId {
        let dt = binary_result(op, self.k.body[a as usize].dtype);
        self.push(InstKind::Binary { op, a, b }, dt)
    }
    fn cast(&mut self, x: ValueId, to: DType) -> ValueId {
        self.push(InstKind::Cast { x }, to)
    }
    fn out(mut self, value: ValueId, inner: Stride) -> Kernel {
        let dtype = self.k.body[value as usize].dtype;
        self.k.outputs.push(Output { value, dtype, inner });
        self.k
    }
}

fn kernels() -> Vec<(&'static str, Kernel)> {
    let mut v = Vec::new();
    // a * b + c, float64, contiguous.
    let mut b = Kb::new(1);
    let (x, y, z) = (
        b.load(DType::Float64, Stride::Unit),
        b.load(DType::Float64, Stride::Unit),
        b.load(DType::Float64, Stride::Unit),
    );
    let m = b.bin(BinaryOp::Mul, x, y);
    let s = b.bin(BinaryOp::Add, m, z);
    v.push(("elementwise_fma_f64", b.out(s, Stride::Unit)));
    // A 2-d float32 array plus a row broadcast along the inner axis, times a parameter.
    let mut b = Kb::new(2);
    let (x, r) = (b.load(DType::Float32, Stride::Unit), b.load(DType::Float32, Stride::Zero));
    let p = b.param(DType::Float32);
    let s = b.bin(BinaryOp::Add, x, r);
    let s = b.bin(BinaryOp::Mul, s, p);
    v.push(("broadcast_2d_f32", b.out(s, Stride::Unit)));
    // A strided int32 view, cast to float64, maximum with a reversed float64 input.
    let mut b = Kb::new(2);
    let (x, y) = (b.load(DType::Int32, Stride::Any), b.load(DType::Float64, Stride::Any));
    let c = b.cast(x, DType::Float64);
    let m = b.bin(BinaryOp::Maximum, c, y);
    v.push(("strided_cast_max", b.out(m, Stride::Any)));
    // sin(x)**2 + cos(x)**2 and exp, inline polynomials.
    let mut b = Kb::new(1);
    let x = b.load(DType::Float64, Stride::Unit);
    let (s, c) = (b.un(UnaryOp::Sin, x), b.un(UnaryOp::Cos, x));
    let (s2, c2) = (b.un(UnaryOp::Square, s), b.un(UnaryOp::Square, c));
    let t = b.bin(BinaryOp::Add, s2, c2);
    let e = b.un(UnaryOp::Exp, t);
    v.push(("sincos_exp_f64", b.out(e, Stride::Unit)));
    // linspace-like generator: start + i * step, with a comparison and a select.
    let mut b = Kb::new(1);
    b.k.indices = 1;
    let i = b.push(InstKind::Index { index: 0 }, DType::Int64);
    let f = b.cast(i, DType::Float64);
    let (p0, p1) = (b.param(DType::Float64), b.param(DType::Float64));
    let m = b.bin(BinaryOp::Mul, f, p1);
    let y = b.bin(BinaryOp::Add, p0, m);
    let z = b.push(InstKind::Param { param: 0 }, DType::Float64);
    let gt = b.bin(BinaryOp::Gt, y, z);
    let sel = b.push(InstKind::Select { cond: gt, a: y, b: z }, DType::Float64);
    v.push(("index_select_f64", b.out(sel, Stride::Unit)));
    // The other inline transcendentals: log(1 + tanh(x)^2) + atan(x) + cbrt(x), float64.
    let mut b = Kb::new(1);
    let x = b.load(DType::Float64, Stride::Unit);
    let t = b.un(UnaryOp::Tanh, x);
    let t2 = b.un(UnaryOp::Square, t);
    let l = b.un(UnaryOp::Log1p, t2);
    let a = b.un(UnaryOp::Arctan, x);
    let c = b.un(UnaryOp::Cbrt, x);
    let s = b.bin(BinaryOp::Add, l, a);
    let s = b.bin(BinaryOp::Add, s, c);
    v.push(("log1p_tanh_atan_cbrt_f64", b.out(s, Stride::Unit)));
    // float32: vmath::lite's exp, log, sin, and a float64 kernel rounded (arcsinh).
    let mut b = Kb::new(1);
    let x = b.load(DType::Float32, Stride::Unit);
    let e = b.un(UnaryOp::Exp, x);
    let l = b.un(UnaryOp::Log, e);
    let s = b.un(UnaryOp::Sin, l);
    let h = b.un(UnaryOp::Arcsinh, s);
    v.push(("exp_log_sin_asinh_f32", b.out(h, Stride::Unit)));
    // NumPy integer floor division and remainder (sign rules, 0 on division by zero).
    let mut b = Kb::new(1);
    let (x, y) = (b.load(DType::Int64, Stride::Unit), b.load(DType::Int64, Stride::Unit));
    let q = b.bin(BinaryOp::FloorDiv, x, y);
    let r = b.bin(BinaryOp::Mod, x, y);
    let s = b.bin(BinaryOp::Add, q, r);
    v.push(("floordiv_mod_i64", b.out(s, Stride::Unit)));
    // Float floor division and remainder (npy_divmod), fmod by exact long division.
    let mut b = Kb::new(1);
    let (x, y) = (b.load(DType::Float64, Stride::Unit), b.load(DType::Float64, Stride::Unit));
    let q = b.bin(BinaryOp::FloorDiv, x, y);
    let r = b.bin(BinaryOp::Mod, x, y);
    let s = b.bin(BinaryOp::Add, q, r);
    v.push(("floordiv_mod_f64", b.out(s, Stride::Unit)));
    let mut b = Kb::new(1);
    let (x, y) = (b.load(DType::Float32, Stride::Unit), b.load(DType::Float32, Stride::Unit));
    let r = b.bin(BinaryOp::Fmod, x, y);
    v.push(("fmod_f32", b.out(r, Stride::Unit)));
    // power (double-double log and exp, C99 special cases by selects), arctan2, hypot.
    let mut b = Kb::new(1);
    let (x, y) = (b.load(DType::Float64, Stride::Unit), b.load(DType::Float64, Stride::Unit));
    let p = b.bin(BinaryOp::Pow, x, y);
    let a = b.bin(BinaryOp::Arctan2, p, y);
    let h = b.bin(BinaryOp::Hypot, a, x);
    v.push(("pow_atan2_hypot_f64", b.out(h, Stride::Unit)));
    let mut b = Kb::new(1);
    let (x, y) = (b.load(DType::Float32, Stride::Unit), b.load(DType::Float32, Stride::Unit));
    let p = b.bin(BinaryOp::Pow, x, y);
    v.push(("pow_f32", b.out(p, Stride::Unit)));
    v
}

fn reductions() -> Vec<(&'static str, Kernel, GpuReduce)> {
    let one = |dt: DType, inner: Stride| {
        let mut b = Kb::new(1);
        let x = b.load(dt, inner);
        b.out(x, Stride::Unit)
    };
    let squares = {
        let mut b = Kb::new(1);
        let x = b.load(DType::Float64, Stride::Unit);
        let s = b.un(UnaryOp::Square, x);
        b.out(s, Stride::Unit)
    };
    let positive = {
        let mut b = Kb::new(1);
        let x = b.load(DType::Float32, Stride::Unit);
        let z = b.un(UnaryOp::Signbit, x);
        b.out(z, Stride::Unit)
    };
    vec![
        ("reduce_sum_squares_f64", squares, GpuReduce::Sum),
        ("reduce_prod_i64", one(DType::Int64, Stride::Unit), GpuReduce::Prod),
        ("reduce_min_f32", one(DType::Float32, Stride::Any), GpuReduce::Min),
        ("reduce_max_i32", one(DType::Int32, Stride::Unit), GpuReduce::Max),
        ("reduce_any_signbit_f32", positive.clone(), GpuReduce::Any),
        ("reduce_all_bool", one(DType::Bool, Stride::Unit), GpuReduce::All),
    ]
}

/// One row reduction of every kind (Note [GPU row reductions]), both layouts.
fn row_reductions() -> Vec<(&'static str, Kernel, RowReduce)> {
    use Layout::{Blocks, Threads};
    let one = |dt: DType| {
        let mut b = Kb::new(2);
        let x = b.load(dt, Stride::Any);
        b.out(x, Stride::Unit)
    };
    let nonzero = {
        let mut b = Kb::new(2);
        let x = b.load(DType::Float64, Stride::Unit);
        let z = b.un(UnaryOp::IsNan, x);
        b.out(z, Stride::Unit)
    };
    let r = |op, layout| RowReduce { op, layout };
    vec![
        ("rows_sum_f64_threads", one(DType::Float64), r(RowOp::Sum, Threads)),
        ("rows_sum_f32_blocks", one(DType::Float32), r(RowOp::Sum, Blocks)),
        ("rows_prod_i64_blocks", one(DType::Int64), r(RowOp::Prod, Blocks)),
        ("rows_min_f32_threads", one(DType::Float32), r(RowOp::Min, Threads)),
        ("rows_max_i32_blocks", one(DType::Int32), r(RowOp::Max, Blocks)),
        ("rows_any_bool_blocks", one(DType::Bool), r(RowOp::Any, Blocks)),
        ("rows_all_bool_threads", one(DType::Bool), r(RowOp::All, Threads)),
        ("rows_nansum_f64_blocks", one(DType::Float64), r(RowOp::NanSum, Blocks)),
        ("rows_nanprod_f32_threads", one(DType::Float32), r(RowOp::NanProd, Threads)),
        ("rows_nanmin_f64_blocks", one(DType::Float64), r(RowOp::NanMin, Blocks)),
        ("rows_nanmax_f32_threads", one(DType::Float32), r(RowOp::NanMax, Threads)),
        ("rows_count_nonzero_isnan_blocks", nonzero, r(RowOp::CountNonzero, Blocks)),
        ("rows_argmin_f64_blocks", one(DType::Float64), r(RowOp::ArgMin, Blocks)),
        ("rows_argmax_i64_threads", one(DType::Int64), r(RowOp::ArgMax, Threads)),
        ("rows_mean_f64_blocks", one(DType::Float64), r(RowOp::Mean { nan: false }, Blocks)),
        ("rows_nanmean_f32_threads", one(DType::Float32), r(RowOp::Mean { nan: true }, Threads)),
        ("rows_var_ddof1_f64_blocks", one(DType::Float64), r(RowOp::Var { nan: false, ddof: 1, std: false }, Blocks)),
        ("rows_std_f32_threads", one(DType::Float32), r(RowOp::Var { nan: false, ddof: 0, std: true }, Threads)),
        ("rows_nanstd_f64_blocks", one(DType::Float64), r(RowOp::Var { nan: true, ddof: 0, std: true }, Blocks)),
    ]
}

/// Split row reductions (Note [Split GPU row reductions]): mean, var (both extra passes)
/// and argmin, plus a count and a nan-sum.
fn split_row_reductions() -> Vec<(&'static str, Kernel, RowOp)> {
    let one = |dt: DType| {
        let mut b = Kb::new(2);
        let x = b.load(dt, Stride::Unit);
        b.out(x, Stride::Unit)
    };
    let nonzero = {
        let mut b = Kb::new(2);
        let x = b.load(DType::Float32, Stride::Unit);
        let z = b.un(UnaryOp::IsNan, x);
        b.out(z, Stride::Unit)
    };
    vec![
        ("split_mean_f64", one(DType::Float64), RowOp::Mean { nan: false }),
        ("split_var_ddof1_f64", one(DType::Float64), RowOp::Var { nan: false, ddof: 1, std: false }),
        ("split_nanstd_f32", one(DType::Float32), RowOp::Var { nan: true, ddof: 0, std: true }),
        ("split_argmin_f32", one(DType::Float32), RowOp::ArgMin),
        ("split_count_nonzero_isnan", nonzero, RowOp::CountNonzero),
        ("split_nansum_f64", one(DType::Float64), RowOp::NanSum),
    ]
}

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ptx")
}

fn ptxas() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("HPXL_PTXAS") {
        return Ok(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let p = dir.join("ptxas");
        if p.is_file() {
            return Ok(p);
        }
    }
    Err("ptxas not found (set HPXL_PTXAS or run scripts/fetch-ptxas.sh)".into())
}

/// Compares `ptx` with its snapshot (or blesses it) and assembles it when ptxas exists.
fn check(name: &str, ptx: &str, problems: &mut Vec<String>) {
    assert!(ptx.contains(".target sm_80"), "{name}: not sm_80 PTX:\n{ptx}");
    assert!(ptx.contains(".entry"), "{name}: no kernel entry:\n{ptx}");
    let path = snapshot_dir().join(format!("{name}.ptx"));
    if std::env::var("HPXL_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(snapshot_dir()).unwrap();
        std::fs::write(&path, ptx).unwrap();
    } else {
        match std::fs::read_to_string(&path) {
            Ok(want) if want == ptx => {}
            Ok(_) => problems.push(format!("{name}: PTX differs from {} (HPXL_BLESS=1 rewrites it)", path.display())),
            Err(e) => problems.push(format!("{name}: cannot read {}: {e} (HPXL_BLESS=1 writes it)", path.display())),
        }
    }
    match ptxas() {
        Ok(bin) => {
            let dir = std::env::temp_dir().join(format!("hpxl-ptx-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{name}.ptx"));
            std::fs::write(&file, ptx).unwrap();
            let out = std::process::Command::new(&bin)
                .args(["-arch=sm_80", "-o"])
                .arg(dir.join(format!("{name}.cubin")))
                .arg(&file)
                .output();
            match out {
                Ok(o) if o.status.success() => {}
                Ok(o) => problems.push(format!("{name}: ptxas failed:\n{}", String::from_utf8_lossy(&o.stderr))),
                Err(e) => problems.push(format!("{name}: cannot run {}: {e}", bin.display())),
            }
        }
        Err(why) => println!("{name}: not assembled: {why}"),
    }
}

#[test]
fn ptx_snapshots() {
    std::env::set_var("HPXL_CACHE_DIR", "off");
    let mut problems = Vec::new();
    for (name, k) in kernels() {
        let c = ptx::compile(&k).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.arg_words, k.arg_words());
        check(name, &c.ptx, &mut problems);
    }
    for (name, k, op) in reductions() {
        let r = ptx::compile_reduction(&k, op).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(r.ptx.contains(&r.chunks_entry) && r.ptx.contains(&r.final_entry), "{name}: entries missing");
        check(name, &r.ptx, &mut problems);
    }
    for (name, k, op) in row_reductions() {
        let r = ptx::compile_rows(&k, op).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(r.ptx.contains(&r.entry), "{name}: entry missing");
        assert_eq!(r.out_dtype, op.op.out_dtype(r.value_dtype));
        check(name, &r.ptx, &mut problems);
    }
    for (name, k, op) in split_row_reductions() {
        let r = ptx::compile_split_rows(&k, op).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut entries = vec![&r.chunks_entry, &r.final_entry];
        if let Some((mean, sq)) = &r.moments_entries {
            entries.extend([mean, sq]);
        }
        assert_eq!(entries.len(), if matches!(op, RowOp::Var { .. }) { 4 } else { 2 }, "{name}");
        for e in entries {
            assert!(r.ptx.contains(&format!(".entry {e}(")), "{name}: entry {e} missing");
        }
        assert_eq!(r.out_dtype, op.out_dtype(r.value_dtype));
        check(name, &r.ptx, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn unsupported_ops_are_errors() {
    std::env::set_var("HPXL_CACHE_DIR", "off");
    // Ops without a NumPy loop for the dtype (bool subtraction) are declined.
    let mut b = Kb::new(1);
    let (x, y) = (b.load(DType::Bool, Stride::Unit), b.load(DType::Bool, Stride::Unit));
    b.k.body.push(Inst { kind: InstKind::Binary { op: BinaryOp::Sub, a: x, b: y }, dtype: DType::Bool });
    let q = (b.k.body.len() - 1) as ValueId;
    let err = ptx::compile(&b.out(q, Stride::Unit)).unwrap_err();
    assert!(err.starts_with("ptx backend:"), "{err}");
    let mut b = Kb::new(1);
    let x = b.load(DType::Float64, Stride::Unit);
    let err = ptx::compile_reduction(&b.out(x, Stride::Unit), GpuReduce::Any).unwrap_err();
    assert!(err.contains("Any"), "{err}");
    let err = ptx::compile_rows(&b2_f64(), RowReduce { op: RowOp::CountNonzero, layout: Layout::Blocks }).unwrap_err();
    assert!(err.contains("CountNonzero"), "{err}");
}

fn b2_f64() -> Kernel {
    let mut b = Kb::new(2);
    let x = b.load(DType::Float64, Stride::Unit);
    b.out(x, Stride::Unit)
}

/// Every elementwise op on every dtype either compiles to PTX or is declined with an
/// error: none may reach an instruction NVPTX cannot select, which LLVM reports with a
/// fatal error that aborts the process (as `llvm.roundeven` did for `round`).
#[test]
fn every_op_compiles_or_is_declined_without_aborting() {
    std::env::set_var("HPXL_CACHE_DIR", "off");
    let dtypes = [DType::Bool, DType::Int8, DType::Int32, DType::Int64, DType::UInt64, DType::Float32, DType::Float64];
    let (mut compiled, mut declined) = (0, 0);
    let mut tally = |r: Result<ptx::PtxKernel, String>| match r {
        Ok(p) => {
            assert!(p.ptx.contains(".entry"), "{}", p.ptx);
            compiled += 1;
        }
        Err(e) => {
            assert!(e.starts_with("ptx backend:"), "{e}");
            declined += 1;
        }
    };
    for dt in dtypes {
        for op in UnaryOp::ALL {
            let mut b = Kb::new(1);
            let x = b.load(dt, Stride::Unit);
            let v = b.un(op, x);
            tally(ptx::compile(&b.out(v, Stride::Unit)));
        }
        for op in BinaryOp::ALL {
            let mut b = Kb::new(1);
            let x = b.load(dt, Stride::Unit);
            let y = b.load(dt, Stride::Unit);
            let v = b.bin(op, x, y);
            tally(ptx::compile(&b.out(v, Stride::Unit)));
        }
    }
    // `round` is among the compiled ones, as `cvt.rni`.
    let mut b = Kb::new(1);
    let x = b.load(DType::Float64, Stride::Unit);
    let v = b.un(UnaryOp::Rint, x);
    let p = ptx::compile(&b.out(v, Stride::Unit)).expect("round compiles");
    assert!(p.ptx.contains("cvt.rni.f64.f64"), "{}", p.ptx);
    assert!(compiled > 200 && declined > 0, "{compiled} compiled, {declined} declined");
}

/// A scatter's kernel (the 5-point stencil update of a 2-d interior: six shifted reads
/// of the base, the region's strided output) and integer power (repeated squaring,
/// `llvm::divmod`), snapshotted and assembled like the kernels above.
#[test]
fn ptx_snapshots_of_scatters_and_integer_power() {
    std::env::set_var("HPXL_CACHE_DIR", "off");
    let mut v = Vec::new();
    let mut b = Kb::new(2);
    let (n, s, w, e, c) = (
        b.load(DType::Float64, Stride::Unit),
        b.load(DType::Float64, Stride::Unit),
        b.load(DType::Float64, Stride::Unit),
        b.load(DType::Float64, Stride::Unit),
        b.load(DType::Float64, Stride::Unit),
    );
    let (tenth, four) = (b.param(DType::Float64), b.param(DType::Float64));
    let sum = b.bin(BinaryOp::Add, n, s);
    let sum = b.bin(BinaryOp::Add, sum, w);
    let sum = b.bin(BinaryOp::Add, sum, e);
    let c4 = b.bin(BinaryOp::Mul, four, c);
    let lap = b.bin(BinaryOp::Sub, sum, c4);
    let step = b.bin(BinaryOp::Mul, tenth, lap);
    let old = b.load(DType::Float64, Stride::Unit);
    let new = b.bin(BinaryOp::Add, old, step);
    v.push(("scatter_stencil_2d_f64", b.out(new, Stride::Unit)));
    let mut b = Kb::new(1);
    let (x, y) = (b.load(DType::Int64, Stride::Unit), b.load(DType::Int64, Stride::Unit));
    let p = b.bin(BinaryOp::Pow, x, y);
    v.push(("power_i64", b.out(p, Stride::Unit)));
    let mut b = Kb::new(1);
    let (x, y) = (b.load(DType::UInt8, Stride::Any), b.param(DType::UInt8));
    let p = b.bin(BinaryOp::Pow, x, y);
    v.push(("power_u8_strided", b.out(p, Stride::Any)));
    let mut problems = Vec::new();
    for (name, k) in v {
        let c = ptx::compile(&k).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(name, &c.ptx, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
