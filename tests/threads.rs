//! Results are bitwise identical for any thread count (Note [Deterministic blocks]):
//! the same program runs in processes with 1, 2, 3 and 16 worker threads.

mod common;

const PROGRAM: &str = "\
x = linspace(-3, 7, 3000017)
y = sin(x) * exp(-abs(x)) + x * 1e-3
print(repr(sum(y)), repr(mean(y)), repr(std(y)), repr(var(y, ddof=1)))
print(repr(min(y)), repr(max(y)), argmin(y), argmax(y), count_nonzero(y > 0))
m = y[:3000000].reshape(1500, 2000)
print(repr(sum(m, axis=0)[:3]), repr(sum(m, axis=1)[-3:]), repr(nansum(m)), repr(prod(m[:, :5] + 1, axis=0)))
z = y.astype(float32)
print(repr(sum(z)), repr(mean(z)), repr(std(z)))
";

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let one = common::same_for_every_thread_count(PROGRAM, &[2, 3, 16]);
    assert!(one.lines().count() >= 4, "{one}");
    // And the fused JIT path agrees with the reference backend bit for bit on everything
    // but the transcendental inputs, which are shared here: compare the interp run too.
    let program = "x = linspace(-3, 7, 3000017)\ny = x * 1e-3 + 1\nprint(repr(sum(y)), repr(std(y)), repr(sum(y[:2999997].reshape(7, 428571)[:, :9], axis=0)))";
    let interp = common::hpxl_stdout(&["--backend", "interp", "-c", program], &[]);
    assert_eq!(common::hpxl_stdout(&["--threads", "2", "-c", program], &[]), interp);
}
