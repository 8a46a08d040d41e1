//! Large contiguous map kernels write through an L1 tile with non-temporal stores
//! (Note [Streaming stores] in `compiler/src/fuse/run.rs`). The threshold is lowered
//! through `HPXL_STREAM_MIN_BYTES` so that small programs take that path, and the
//! results must equal the interp backend's (single and multi-output kernels, odd
//! lengths, offsets into the tile, every element width).

mod common;

const PROGRAM: &str = r#"
x = arange(100003) * 0.001
a = x * x * 2.0 + x
b = (x * 3.0).astype(float32)
c = (arange(100003) % 7).astype(int8)
d = x[1:] - x[:-1]
realize(a, b, c)
print(a[:3], a[-3:], sum(a))
print(b[:3], b[-2:], sum(b))
print(c[:9], sum(c))
print(d[:2], d[-2:], sum(d))
e = x * x + 1.0
print(e[50000], e[-1], sum(e))
"#;

fn run(backend: &str, min_bytes: &str) -> String {
    common::hpxl_stdout(
        &["--backend", backend, "-c", PROGRAM],
        &[("HPXL_STREAM_MIN_BYTES", min_bytes), ("HPXL_SMALL_THRESHOLD", "0")],
    )
}

#[test]
fn streaming_stores_match_the_interp() {
    let reference = run("interp", "1");
    assert!(reference.lines().count() >= 5 && !reference.contains("rror"), "unexpected output:\n{reference}");
    assert_eq!(run("cranelift", "1"), reference);
    assert_eq!(run("cranelift", "1000000000000"), reference);
}
