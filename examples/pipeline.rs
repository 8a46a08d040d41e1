//! A numeric pipeline: a host program hands sensor data to hpxl without copying, runs a
//! fused computation (detrending, smoothing, z-scores, event detection) compiled once and
//! called per batch, and reads the results back as Rust vectors.
//!
//! Run with `cargo run --example pipeline`; `cargo test` runs its test.

use hpxl::{Error, HostArray, HostValue, Session};

/// What one batch produced.
#[derive(Debug)]
pub struct BatchSummary {
    pub events: i64,
    pub peak_z: f64,
    pub smoothed_tail: Vec<f64>,
}

const ANALYSE: &str = "
def analyse(signal, window):
    t = arange(signal.shape[0])
    # Remove the linear trend (least squares, closed form), then smooth.
    tm = t.mean()
    slope = ((t - tm) * (signal - signal.mean())).sum() / ((t - tm) ** 2).sum()
    detrended = signal - slope * (t - tm) - signal.mean()
    smooth = rolling_mean(detrended, window)
    z = (detrended - detrended.mean()) / detrended.std()
    events = count_nonzero(abs(z) > threshold)
    return events, abs(z).max(), smooth[-5:]
";

/// A synthetic batch: a slow sine plus a trend, with a few spikes.
pub fn batch(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|i| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let noise = ((state >> 33) as f64 / (1u64 << 31) as f64) - 0.5;
            let spike = if i % 997 == 500 { 25.0 } else { 0.0 };
            (i as f64 * 0.01).sin() + 0.002 * i as f64 + 0.3 * noise + spike
        })
        .collect()
}

/// Runs `batches` batches of `n` samples through the pipeline.
pub fn run(batches: u64, n: usize) -> Result<Vec<BatchSummary>, Error> {
    let mut session = Session::builder().sandboxed(true).build()?;
    session.set("threshold", 6.0)?;
    let analyse = session.compile(ANALYSE)?;
    let mut out = Vec::new();
    for b in 0..batches {
        // The Vec becomes the array's buffer: no copy on the way in.
        let signal = HostArray::new(batch(n, b), &[n])?;
        let result = analyse.call(&mut session, &[signal.into(), HostValue::Int(50)])?;
        let HostValue::Tuple(items) = result else { unreachable!("analyse returns a tuple") };
        out.push(BatchSummary {
            events: items[0].as_f64().unwrap_or(0.0) as i64,
            peak_z: items[1].as_f64().unwrap_or(f64::NAN),
            smoothed_tail: items[2].as_array().map(|a| a.to_vec::<f64>()).unwrap_or_default(),
        });
    }
    Ok(out)
}

fn main() {
    match run(4, 100_000) {
        Ok(summaries) => {
            for (i, s) in summaries.iter().enumerate() {
                println!("batch {i}: {} events, peak |z| = {:.2}, tail = {:?}", s.events, s.peak_z, s.smoothed_tail);
            }
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
    fn the_pipeline_finds_the_spikes() {
        let summaries = super::run(3, 20_000).expect("pipeline");
        assert_eq!(summaries.len(), 3);
        for s in &summaries {
            // 20,000 samples hold 20 spikes (one every 997 samples from 500).
            assert_eq!(s.events, 20, "{s:?}");
            assert!(s.peak_z > 6.0, "{s:?}");
            assert_eq!(s.smoothed_tail.len(), 5);
            assert!(s.smoothed_tail.iter().all(|v| v.is_finite() && v.abs() < 2.0), "{s:?}");
        }
    }
}
