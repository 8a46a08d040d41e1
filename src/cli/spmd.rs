//! SPMD runs under `mpirun` (feature `mpi`): MPI start and stop, one stdout, and errors
//! that stop every rank.
//!
//! Note [One rank speaks]: every rank runs the whole script, so every rank would print
//! everything. Ranks other than 0 point their stdout at `/dev/null` at start; values
//! printed are gathered first (`hpxl_compiler::dist`), so rank 0 prints whole arrays.
//! A diagnostic is printed once: the rank that raised it reports it with its rank and
//! then aborts the job (`MPI_Abort`), which ends every rank, also those waiting in a
//! collective — nothing hangs. Most diagnostics are deterministic and raised on every
//! rank at the same statement; ranks other than 0 wait a moment before reporting so
//! that rank 0's report (and abort) comes first and the error is printed once. A rank
//! that dies without a diagnostic (a signal, a panic) makes MPICH's launcher end the
//! job.

/// The process group for one run; finalises MPI when dropped (after the script).
pub struct Ranks {
    started: bool,
}

impl Drop for Ranks {
    fn drop(&mut self) {
        if self.started {
            hpxl_runtime::dist::finalize();
        }
    }
}

/// Starts MPI when launched by `mpirun` (and built with feature `mpi`).
pub fn start() -> Ranks {
    if !hpxl_runtime::dist::launched_by_mpirun() || !hpxl_runtime::dist::init() {
        return Ranks { started: false };
    }
    if hpxl_runtime::dist::rank() != 0 {
        silence_stdout();
    }
    Ranks { started: true }
}

fn silence_stdout() {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    // SAFETY: plain POSIX calls on file descriptors this process owns.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
        if null >= 0 {
            libc::dup2(null, 1);
            libc::close(null);
        }
    }
}

/// Reports a rendered diagnostic (Note [One rank speaks]); under several ranks this
/// ends the whole job with exit status 1.
pub fn report_error(text: &str) {
    use hpxl_runtime::dist;
    if dist::nranks() <= 1 {
        eprint!("{text}");
        return;
    }
    let (rank, n) = (dist::rank(), dist::nranks());
    if rank != 0 {
        std::thread::sleep(std::time::Duration::from_millis(1500));
    }
    eprint!("{text}");
    eprintln!("hpxl: the error above was raised on rank {rank} of {n}; stopping every rank");
    // Give the launcher a moment to forward what this rank printed before the abort
    // tears the job down.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    std::thread::sleep(std::time::Duration::from_millis(200));
    dist::abort(1);
}

/// `hpxl --run-many LIST` (hidden): every script named in `list` (one path a line) in a
/// fresh session; a diagnostic is printed to stdout and the next program runs (every
/// rank raises the corpus's errors at the same statement, so no rank is left waiting).
pub fn run_many(list: &str, backend: hpxl::Backend) -> i32 {
    use std::io::Write;
    for path in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        println!("\x1e== {path}");
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                println!("cannot read {path}: {e}");
                continue;
            }
        };
        hpxl_stdlib::builtins::set_argv(vec![path.to_string()]);
        hpxl_runtime::dist::reset_rank_dependent();
        let mut session = hpxl::Session::new();
        session.set_backend(backend);
        let result = session.run(path, &text).and_then(|_| hpxl_compiler::dist::agree::on_task("the end of the script", None));
        if let Err(d) = result {
            let _ = std::io::stdout().flush();
            print!("{}", session.render(&d));
            println!("exit 1");
        }
        let _ = std::io::stdout().flush();
    }
    0
}
