//! Linear algebra results are bitwise identical for any thread count (Note
//! [Deterministic matmul tiles] in `compiler/src/interp/linalg.rs`): products large
//! enough to be cut into many tiles, stacks, float32, and the stacked LAPACK-style
//! routines print the same `repr`s with 1, 2 and 3 worker threads.

mod common;

const PROGRAM: &str = "\
def fp(r):
    w = ((arange(r.size) * 0.6180339887498949) % 1.0).reshape(r.shape)
    return repr(sum(r)), repr(sum(r * r)), repr(sum(r * w))
n = 700
a = ((arange(n * 530) * 0.6180339887498949) % 1.0 - 0.5).reshape(n, 530)
b = ((arange(530 * 610) * 0.7548776662466927) % 1.0 - 0.5).reshape(530, 610)
c = a @ b
print(fp(c), repr(c[0, 0]), repr(c[699, 609]))
f = a.astype(float32) @ b.astype(float32)
print(fp(f.astype(float64)), repr(f[3, 5]))
s = a[:600, :60].reshape(20, 30, 60) @ b[:60, :70]
print(fp(s))
print(fp(a @ b[:, 3]), repr(dot(a[0], a[1])), fp(inner(a[:50], a[50:90])))
m = a[:200, :200] + 200 * eye(200)
st = m[:198].reshape(2, 99, 200)[:, :, :99]
print(fp(linalg.solve(m, b[:200, 0])), fp(linalg.det(st)), fp(linalg.inv(st)))
print(repr(linalg.norm(a, 2)), repr(linalg.norm(a, 'nuc')), repr(linalg.norm(a)))
";

#[test]
fn linalg_results_do_not_depend_on_the_thread_count() {
    let one = common::same_for_every_thread_count(PROGRAM, &[2, 3]);
    assert!(one.lines().count() == 6 && !one.contains("nan"), "{one}");
}
