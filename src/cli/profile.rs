//! The `--profile` table: one row per kernel (calls, total time, GB/s), then pool memory
//! and compilation totals. Rows come from `hpxl_compiler::control`'s profile, which the
//! fused launcher fills only when `--profile` is on.

use hpxl::Session;

pub fn report(session: &mut Session) -> String {
    let rows = hpxl_compiler::control::profile_report();
    let t = hpxl::telemetry::snapshot();
    // SAFETY: only used on this thread, for rendering spans; nothing is kept.
    let sources = &unsafe { session.interp_mut() }.sources;
    let mut s = String::from("\nhpxl profile\n");
    if rows.is_empty() {
        s.push_str("  no kernel ran\n");
    } else {
        s.push_str(&format!(
            "  {:<44} {:>12} {:>7} {:>11} {:>11} {:>8}\n",
            "kernel", "where", "calls", "total ms", "mean µs", "GB/s"
        ));
        for r in &rows {
            let place = if r.span == hpxl_grammar::Span::default() {
                "-".to_string()
            } else {
                let name = sources.name(r.span.file);
                let short = std::path::Path::new(name).file_name().map_or(name.to_string(), |f| f.to_string_lossy().into_owned());
                format!("{short}:{}", sources.line_of(r.span.file, r.span.lo))
            };
            let secs = r.nanos as f64 * 1e-9;
            let gbs = if secs > 0.0 { r.bytes as f64 / secs / 1e9 } else { 0.0 };
            let mut label = r.label.clone();
            if label.chars().count() > 44 {
                label = label.chars().take(43).collect::<String>() + "…";
            }
            s.push_str(&format!(
                "  {label:<44} {place:>12} {:>7} {:>11.3} {:>11.1} {gbs:>8.2}\n",
                r.calls,
                secs * 1e3,
                secs * 1e6 / r.calls.max(1) as f64,
            ));
        }
    }
    s.push_str(&format!(
        "  peak pool memory {} in kernel buffers ({} held idle at most) | fresh allocations {} ({} pool hits, {} misses) | {} kernels compiled in {:.1} ms\n",
        hpxl_compiler::graph::human_bytes(hpxl_runtime::pool::peak_live_bytes() as u128),
        hpxl_compiler::graph::human_bytes(hpxl_runtime::pool::peak_pooled_bytes() as u128),
        hpxl_compiler::graph::human_bytes(t.bytes_allocated as u128),
        t.pool_hits,
        t.pool_misses,
        t.kernels_compiled,
        t.compile_ns as f64 * 1e-6,
    ));
    // Under MPI: what each rank sent and received (a collective; only rank 0 prints).
    if hpxl_runtime::dist::nranks() > 1 {
        let mine: Vec<u8> = [t.dist_bytes_sent, t.dist_bytes_received, t.dist_exchanges]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let all = hpxl_runtime::dist::all_gather(&mine);
        if hpxl_runtime::dist::rank() != 0 {
            return String::new();
        }
        s.push_str("  MPI traffic per rank (this table is rank 0's; halo and gather bytes, self-copies excluded):\n");
        for (q, b) in all.iter().enumerate() {
            let v: Vec<u64> = b.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
            s.push_str(&format!("    rank {q}: sent {} bytes, received {} bytes, {} exchanges\n", v[0], v[1], v[2]));
        }
    }
    s
}
