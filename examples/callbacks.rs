//! A callback-driven simulation: particles under gravity and drag, where the drag law
//! is a Rust closure registered as an elementwise builtin and a controller written in
//! Rust is called with whole arrays; the time step is a compiled hpxl function the host
//! calls once per step. (The controller observes array values, so each call traces the
//! step again; its kernels come from the kernel cache. A step using only elementwise
//! builtins is traced once and replayed, as in `pipeline.rs`.)
//!
//! Run with `cargo run --example callbacks`; `cargo test` runs its test.

use hpxl::{Error, HostArray, HostValue, Session};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const STEP: &str = "
def step(x, v, dt):
    a = -9.81 + drag(v) + thrust(x, v)
    v = v + a * dt
    x = maximum(x + v * dt, 0.0)
    return x, v
";

/// The simulation's final state and how often the controller ran.
#[derive(Debug)]
pub struct Outcome {
    pub heights: Vec<f64>,
    pub speeds: Vec<f64>,
    pub controller_calls: usize,
}

/// Simulates `n` particles for `steps` steps of `dt` seconds.
pub fn simulate(n: usize, steps: usize, dt: f64) -> Result<Outcome, Error> {
    let mut session = Session::builder().build()?;
    // Quadratic drag, elementwise: runs inside the graph on every element.
    session.register_fn("drag", |v: f64| -0.05 * v * v.abs())?;
    // A hover controller over whole arrays: pushes particles below 10 m back up.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    session.register_array_fn("thrust", 2, move |args| {
        counter.fetch_add(1, Ordering::Relaxed);
        let (Some(x), Some(v)) = (args[0].as_array(), args[1].as_array()) else {
            return Err("thrust(x, v) takes two arrays".into());
        };
        let force: Vec<f64> = x
            .to_vec::<f64>()
            .iter()
            .zip(v.to_vec::<f64>())
            .map(|(&h, s)| if h < 10.0 { 9.81 + 2.0 * (10.0 - h) - 1.5 * s } else { 0.0 })
            .collect();
        HostArray::new(force, x.shape()).map(HostValue::from).map_err(|e| e.message().to_string())
    })?;
    let step = session.compile(STEP)?;
    let mut x: HostValue = HostArray::new((0..n).map(|i| 20.0 + i as f64).collect::<Vec<f64>>(), &[n])?.into();
    let mut v: HostValue = HostArray::new(vec![0.0f64; n], &[n])?.into();
    let dt = HostValue::Array(HostArray::scalar(dt));
    for _ in 0..steps {
        let HostValue::Tuple(mut state) = step.call(&mut session, &[x, v, dt.clone()])? else {
            unreachable!("step returns a tuple")
        };
        v = state.pop().unwrap_or(HostValue::None);
        x = state.pop().unwrap_or(HostValue::None);
    }
    let as_vec = |h: &HostValue| h.as_array().map(|a| a.to_vec::<f64>()).unwrap_or_default();
    Ok(Outcome { heights: as_vec(&x), speeds: as_vec(&v), controller_calls: calls.load(Ordering::Relaxed) })
}

fn main() {
    match simulate(8, 2000, 0.01) {
        Ok(o) => {
            println!("heights after 20 s: {:?}", o.heights.iter().map(|h| (h * 100.0).round() / 100.0).collect::<Vec<_>>());
            println!("speeds: {:?}", o.speeds.iter().map(|s| (s * 100.0).round() / 100.0).collect::<Vec<_>>());
            println!("controller called {} times", o.controller_calls);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn particles_settle_at_the_hover_height() {
        let o = super::simulate(4, 3000, 0.01).expect("simulation");
        // The controller is a whole-array builtin: it runs once per step.
        assert_eq!(o.controller_calls, 3000);
        for (h, s) in o.heights.iter().zip(&o.speeds) {
            assert!((h - 10.0).abs() < 0.5, "height {h}");
            assert!(s.abs() < 0.2, "speed {s}");
        }
    }
}
