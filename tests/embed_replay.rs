//! A replayed call compiles nothing new (one test alone in its binary, so the process-wide
//! kernel counter is not moved by other tests).

use hpxl::{HostValue, Session};

fn f64s(v: &HostValue) -> Vec<f64> {
    v.as_array().expect("an array").to_vec::<f64>()
}

#[test]
fn replaying_runs_no_statement() {
    // A replayed call builds no new trace: the kernel compiled once, and calls after
    // the first take the template (checked through a global the function reads, which
    // `set` invalidates).
    let mut s = Session::builder().output(Box::new(std::io::sink())).small_threshold(0).build().unwrap();
    s.set("scale", 2.0).unwrap();
    let f = s.compile("def g(x):\n    return x * scale + 1").unwrap();
    let x = || HostValue::from(vec![1.0f64, 2.0, 3.0]);
    assert_eq!(f64s(&s.call(&f, &[x()]).unwrap()), vec![3.0, 5.0, 7.0]);
    let compiled = hpxl::telemetry::snapshot().kernels_compiled;
    for _ in 0..10 {
        assert_eq!(f64s(&s.call(&f, &[x()]).unwrap()), vec![3.0, 5.0, 7.0]);
    }
    assert_eq!(hpxl::telemetry::snapshot().kernels_compiled, compiled);
    assert_eq!(s.trace_count(&f), Some(1));
    s.set("scale", 10.0).unwrap();
    assert_eq!(f64s(&s.call(&f, &[x()]).unwrap()), vec![11.0, 21.0, 31.0]);
    assert_eq!(s.trace_count(&f), Some(2));
    s.exec("scale = 0.5").unwrap();
    assert_eq!(f64s(&s.call(&f, &[x()]).unwrap()), vec![1.5, 2.0, 2.5]);
    assert_eq!(f64s(&s.call(&f, &[x()]).unwrap()), vec![1.5, 2.0, 2.5]);
    assert_eq!(s.trace_count(&f), Some(3));
    // A new shape is a new structure.
    assert_eq!(f64s(&s.call(&f, &[vec![2.0f64].into()]).unwrap()), vec![2.0]);
    assert_eq!(s.trace_count(&f), Some(4));
}

