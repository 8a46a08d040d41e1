//! Rolling windows give bitwise identical results for 1, 2, 3 and 16 worker threads
//! (Note [Rolling chunks]): long series are cut into many parallel chunks here.

mod common;

const PROGRAM: &str = "\
n = 400003
i = arange(n)
x = (i * 0.6180339887498949) % 1.0 + 1e6 + 50.0 * sin(i / 3000.0)
x[::9973] = nan
m = x[:400000].reshape(8, 50000)
for w in [1, 5, 100, 1500]:
    for r in (rolling_sum(x, w), rolling_mean(x, w), rolling_var(x, w), rolling_std(m, w, ddof=0),
              rolling_min(x, w), rolling_max(m, w), rolling_median(x, w), rolling_mad(m, w)):
        k = r.size - 1
        print(w, repr(nansum(r)), repr(nansum(r * i[:r.shape[-1]])), repr(r.ravel()[k]), repr(r.ravel()[k // 3]))
";

#[test]
fn rolling_results_do_not_depend_on_the_thread_count() {
    let one = common::same_for_every_thread_count(PROGRAM, &[2, 3, 16]);
    assert_eq!(one.lines().count(), 32, "{one}");
}
