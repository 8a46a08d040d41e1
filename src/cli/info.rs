//! `hpxl info`: the machine as hpxl sees it — CPU model, cores, caches, SIMD ISA, the
//! thread count, backends compiled in, GPUs and MPI. Everything is probed here, on
//! demand, never at startup.

use anyhow::{bail, Result};
use hpxl::Backend;

pub fn main(backend: Backend, args: &[String]) -> Result<i32> {
    if !args.is_empty() {
        bail!("usage: hpxl info");
    }
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':').map(|(_, v)| v.trim().to_string()))
    };
    let logical = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut physical: Vec<(String, String)> = Vec::new();
    let (mut phys, mut core) = (String::new(), String::new());
    for line in cpuinfo.lines() {
        if let Some((k, v)) = line.split_once(':') {
            match k.trim() {
                "physical id" => phys = v.trim().to_string(),
                "core id" => core = v.trim().to_string(),
                _ => {}
            }
        } else if !core.is_empty() {
            physical.push((phys.clone(), core.clone()));
            core.clear();
        }
    }
    physical.sort();
    physical.dedup();
    println!("hpxl {}", env!("CARGO_PKG_VERSION"));
    println!("cpu         {}", field("model name").unwrap_or_else(|| std::env::consts::ARCH.to_string()));
    let physical = if physical.is_empty() { "unknown".to_string() } else { physical.len().to_string() };
    println!("cores       {logical} logical, {physical} physical");
    println!("caches      {}", caches());
    println!("simd        {}", simd());
    println!(
        "threads     {} (from --threads, HPXL_THREADS, the calibrated config, else every core)",
        hpxl_runtime::exec::threads()
    );
    println!("block       {} elements per map-kernel block", hpxl_runtime::exec::map_block());
    let llvm = if Backend::Llvm.is_available() {
        ", llvm (vectorised JIT), tiered (cranelift, then llvm for hot kernels)"
    } else {
        ""
    };
    println!("backends    cranelift (JIT){llvm}, interp (reference); selected: {}", backend.name());
    let probe = hpxl_runtime::gpu::probe();
    match &probe {
        hpxl_runtime::gpu::Probe::Devices(ds) if !ds.is_empty() => {
            let names: Vec<String> = ds.iter().map(|d| format!("gpu:{}", d.ordinal)).collect();
            println!("devices     cpu, {}", names.join(", "));
            for d in ds {
                println!(
                    "gpu:{}       {}, {:.1} GiB, compute capability {}.{}, {} SMs",
                    d.ordinal,
                    d.name,
                    d.total_mem as f64 / (1u64 << 30) as f64,
                    d.compute_capability.0,
                    d.compute_capability.1,
                    d.multiprocessors
                );
            }
        }
        other => {
            println!("devices     cpu");
            let gpu_files: Vec<&str> = ["/dev/nvidia0", "/dev/kfd", "/dev/dri/renderD128"]
                .into_iter()
                .filter(|p| std::path::Path::new(p).exists())
                .collect();
            let present =
                if gpu_files.is_empty() { String::new() } else { format!(" ({} present)", gpu_files.join(", ")) };
            println!("gpus        none: {}{present}", other.reason());
        }
    }
    let mpi = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MPI_LOCALNRANKS"].iter().find_map(|v| std::env::var(v).ok());
    match mpi {
        Some(n) => println!("mpi         launched under MPI ({n} ranks), but this build has no MPI support"),
        None => println!("mpi         none (this build has no MPI support)"),
    }
    Ok(0)
}

/// Cache levels from sysfs: `L1d 48K, L1i 32K, L2 2048K, L3 ...`.
fn caches() -> String {
    let mut out = Vec::new();
    for i in 0..8 {
        let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{i}");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}/{f}")).ok().map(|s| s.trim().to_string());
        let (Some(level), Some(kind), Some(size)) = (read("level"), read("type"), read("size")) else { break };
        let suffix = match kind.as_str() {
            "Data" => "d",
            "Instruction" => "i",
            _ => "",
        };
        let shared = read("shared_cpu_list").map(|s| format!(" (cpus {s})")).unwrap_or_default();
        out.push(format!("L{level}{suffix} {size}{shared}"));
    }
    if out.is_empty() {
        "unknown".into()
    } else {
        out.join(", ")
    }
}

/// The SIMD extensions this CPU has, and the widest one hpxl's kernels use.
fn simd() -> String {
    #[cfg(target_arch = "x86_64")]
    {
        let mut have = Vec::new();
        macro_rules! probe {
            ($($f:tt),*) => {$(if std::arch::is_x86_feature_detected!($f) { have.push($f); })*};
        }
        probe!("sse2", "sse4.2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq");
        let used = match hpxl_compiler::vmath::available_isas().last() {
            Some(hpxl_compiler::vmath::Isa::Avx512) => "AVX-512",
            Some(hpxl_compiler::vmath::Isa::Avx2Fma) => "AVX2+FMA",
            _ => "baseline SSE2",
        };
        format!("{} (JIT loops: 128-bit; math library: {used})", have.join(" "))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        format!("{} (baseline)", std::env::consts::ARCH)
    }
}
