//! Rolling windows give bitwise identical results for 1, 2, 3 and 16 worker threads
//! (Note [Rolling chunks]): long series are cut into many parallel chunks here.

use std::process::Command;

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

fn run(threads: usize) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hpxl"))
        .args(["--threads", &threads.to_string(), "-c", PROGRAM])
        .output()
        .expect("hpxl runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn rolling_results_do_not_depend_on_the_thread_count() {
    let one = run(1);
    assert_eq!(one.lines().count(), 32, "{one}");
    for t in [2, 3, 16] {
        assert_eq!(run(t), one, "{t} threads differ from 1");
    }
}
