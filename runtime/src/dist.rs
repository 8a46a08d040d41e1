//! The process group: rank, rank count and the few collectives distributed arrays need,
//! over MPI with feature `mpi` and as the one-rank identity without it.
//!
//! Every collective moves bytes (`u8` buffers); the compiler's `dist` module packs typed
//! rows into them. Bytes that leave or reach this rank are counted in `telemetry`
//! (`dist_bytes_sent`/`dist_bytes_received`; a rank's copy to itself is not counted), so
//! `--profile` can show what a halo exchange really moved.
//!
//! Note [Stamped collectives]: every collective here (and `exchange`, which every rank
//! calls even with nothing to send) starts with one small allgather of this rank's
//! `(length, stamp)`, the stamp being the collective's kind and its sequence number in
//! this process. Ranks that disagree on the sequence of collectives — one skipped a
//! gather, or one finished its program while another still waits for data — meet in
//! that same allgather with different stamps, and every rank sees the mismatch at once
//! and ends the job (`MPI_Abort`, with a message naming each rank's collective) instead
//! of waiting forever in mismatched calls. The lengths ride along: they are the
//! allgather's counts and the broadcast's length, so a gather or a broadcast costs no
//! extra round; `finalize` is stamped too, so a rank that ends early is caught. The
//! stamp's bytes are not counted as traffic.
//!
//! Note [MPI lives on the session thread]: MPI is initialised with `Threading::Single`
//! by the `hpxl` binary's main thread, and only that thread calls these functions (the
//! CLI's session runs there; rayon workers never communicate). Without `init` (a library
//! host, a test, or a binary not started by `mpirun`) the group is one rank.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

static RANK_DEPENDENT: AtomicBool = AtomicBool::new(false);

/// Records that the script has read a value that differs between ranks (`rank()`,
/// `gather`, `scatter`): from now on realisations check that the ranks agree (the
/// compiler's Note [Rank-dependent values]). Every rank calls it at the same statement.
pub fn note_rank_dependent() {
    RANK_DEPENDENT.store(true, Relaxed);
}

/// Forgets `note_rank_dependent` (a new program in the same process, on every rank).
pub fn reset_rank_dependent() {
    RANK_DEPENDENT.store(false, Relaxed);
}

/// Whether `note_rank_dependent` was called.
pub fn rank_dependent() -> bool {
    RANK_DEPENDENT.load(Relaxed)
}

static RANK: AtomicUsize = AtomicUsize::new(0);
static NRANKS: AtomicUsize = AtomicUsize::new(1);

/// This process's rank (0 without MPI).
pub fn rank() -> usize {
    RANK.load(Relaxed)
}

/// The number of ranks (1 without MPI).
pub fn nranks() -> usize {
    NRANKS.load(Relaxed)
}

/// Whether arrays may be distributed: more than one rank.
pub fn active() -> bool {
    nranks() > 1
}

/// Whether this process was started by an MPI launcher (MPICH's hydra sets `PMI_SIZE`,
/// Open MPI `OMPI_COMM_WORLD_SIZE`).
pub fn launched_by_mpirun() -> bool {
    std::env::var_os("PMI_SIZE").is_some() || std::env::var_os("OMPI_COMM_WORLD_SIZE").is_some()
}

#[cfg(feature = "mpi")]
mod imp {
    use super::*;
    use crate::telemetry;
    use mpi::collective::{CommunicatorCollectives, Root, SystemOperation};
    use mpi::datatype::{Partition, PartitionMut};
    use mpi::point_to_point::{Destination, Source};
    use mpi::topology::{Communicator, SimpleCommunicator};
    use mpi::Count;
    use std::sync::Mutex;

    static UNIVERSE: Mutex<Option<mpi::environment::Universe>> = Mutex::new(None);

    fn world() -> SimpleCommunicator {
        SimpleCommunicator::world()
    }

    /// Collectives started by this process (Note [Stamped collectives]).
    static SEQUENCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

    const KINDS: [&str; 8] =
        ["?", "all_gather", "all_to_all", "max_u64", "exchange", "broadcast", "barrier", "finalize"];

    /// Every rank's `len`, after checking that every rank is at the same collective
    /// (Note [Stamped collectives]); ends the job when they are not.
    fn stamped(w: &SimpleCommunicator, kind: u8, len: u64) -> Vec<u64> {
        let seq = SEQUENCE.fetch_add(1, Relaxed);
        let mine = [len, (seq << 8) | u64::from(kind)];
        let p = w.size() as usize;
        let mut all = vec![0u64; 2 * p];
        mpi::request::scope(|scope| finish(w.immediate_all_gather_into(scope, &mine[..], &mut all[..])));
        let stamps: Vec<u64> = (0..p).map(|q| all[2 * q + 1]).collect();
        if stamps.iter().any(|&s| s != mine[1]) {
            let at: Vec<String> = stamps
                .iter()
                .enumerate()
                .map(|(q, &s)| format!("rank {q}: {} #{}", KINDS.get((s & 0xff) as usize).unwrap_or(&"?"), s >> 8))
                .collect();
            eprintln!(
                "hpxl: internal error: the ranks disagree on the sequence of collectives ({}); ending the job instead of waiting",
                at.join(", ")
            );
            abort(70);
        }
        (0..p).map(|q| all[2 * q]).collect()
    }

    pub fn init() -> bool {
        let mut u = UNIVERSE.lock().unwrap_or_else(|e| e.into_inner());
        if u.is_some() {
            return true;
        }
        let Some(universe) = mpi::initialize() else { return false };
        let w = universe.world();
        RANK.store(w.rank() as usize, Relaxed);
        NRANKS.store(w.size() as usize, Relaxed);
        *u = Some(universe);
        true
    }

    pub fn finalize() {
        if initialized() {
            stamped(&world(), 7, 0);
        }
        let universe = UNIVERSE.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(universe);
    }

    pub fn initialized() -> bool {
        UNIVERSE.lock().map(|u| u.is_some()).unwrap_or(false)
    }

    pub fn barrier() {
        if initialized() {
            // The stamp's allgather is itself a barrier: no rank leaves it before every
            // rank has entered it.
            stamped(&world(), 6, 0);
        }
    }

    pub fn abort(code: i32) -> ! {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        if initialized() {
            world().abort(code)
        }
        std::process::exit(code)
    }

    /// Completes `r`, testing rather than waiting and yielding the core between rounds:
    /// on an oversubscribed node (more ranks than free cores, as in the tests on two
    /// cores) a rank spinning inside `MPI_Wait` or a blocking collective holds the core
    /// that the rank it waits for needs (measured: a 3-rank allgather on 2 busy cores
    /// took ~16 ms spinning).
    fn finish<'a, D: ?Sized, S: mpi::request::Scope<'a>>(mut r: mpi::request::Request<'a, D, S>) {
        let mut rounds = 0u32;
        loop {
            match r.test() {
                Ok(_) => return,
                Err(back) => r = back,
            }
            rounds += 1;
            if rounds > 16 {
                std::thread::yield_now();
            }
        }
    }

    fn displs(counts: &[Count]) -> Vec<Count> {
        counts.iter().scan(0, |acc, &c| Some(std::mem::replace(acc, *acc + c))).collect()
    }

    pub fn all_gather(mine: &[u8]) -> Vec<Vec<u8>> {
        if !initialized() {
            return vec![mine.to_vec()];
        }
        let w = world();
        let p = w.size() as usize;
        let counts: Vec<Count> = stamped(&w, 1, mine.len() as u64).into_iter().map(|c| c as Count).collect();
        let d = displs(&counts);
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        let mut buf = vec![0u8; total];
        {
            let mut part = PartitionMut::new(&mut buf[..], &counts[..], &d[..]);
            mpi::request::scope(|scope| finish(w.immediate_all_gather_varcount_into(scope, mine, &mut part)));
        }
        telemetry::add::dist_exchanges(1);
        telemetry::add::dist_bytes_sent((mine.len() * (p - 1)) as u64);
        telemetry::add::dist_bytes_received((total - mine.len()) as u64);
        (0..p).map(|q| buf[d[q] as usize..(d[q] + counts[q]) as usize].to_vec()).collect()
    }

    pub fn all_to_all(send: &[Vec<u8>]) -> Vec<Vec<u8>> {
        if !initialized() {
            return send.to_vec();
        }
        let w = world();
        let p = w.size() as usize;
        let me = w.rank() as usize;
        stamped(&w, 2, 0);
        let scounts: Vec<Count> = send.iter().map(|v| v.len() as Count).collect();
        let mut rcounts = vec![0 as Count; p];
        w.all_to_all_into(&scounts[..], &mut rcounts[..]);
        let sd = displs(&scounts);
        let rd = displs(&rcounts);
        let sbuf: Vec<u8> = send.concat();
        let mut rbuf = vec![0u8; rcounts.iter().map(|&c| c as usize).sum()];
        {
            let spart = Partition::new(&sbuf[..], &scounts[..], &sd[..]);
            let mut rpart = PartitionMut::new(&mut rbuf[..], &rcounts[..], &rd[..]);
            w.all_to_all_varcount_into(&spart, &mut rpart);
        }
        telemetry::add::dist_exchanges(1);
        let sent: usize = (0..p).filter(|&q| q != me).map(|q| scounts[q] as usize).sum();
        let recv: usize = (0..p).filter(|&q| q != me).map(|q| rcounts[q] as usize).sum();
        telemetry::add::dist_bytes_sent(sent as u64);
        telemetry::add::dist_bytes_received(recv as u64);
        (0..p).map(|q| rbuf[rd[q] as usize..(rd[q] + rcounts[q]) as usize].to_vec()).collect()
    }

    pub fn max_u64(v: &mut [u64]) {
        if !initialized() {
            return;
        }
        let w = world();
        let lens = stamped(&w, 3, v.len() as u64);
        if lens.iter().any(|&l| l != v.len() as u64) {
            eprintln!("hpxl: internal error: the ranks reduce different lengths ({lens:?}); ending the job instead of waiting");
            abort(70);
        }
        let mine = v.to_vec();
        mpi::request::scope(|scope| finish(w.immediate_all_reduce_into(scope, &mine[..], v, SystemOperation::max())));
        telemetry::add::dist_exchanges(1);
    }

    /// # Safety
    /// See [`super::exchange`].
    pub unsafe fn exchange(sends: &[Piece], recvs: &[Piece]) {
        if !initialized() {
            return;
        }
        let w = world();
        stamped(&w, 4, 0);
        let mut sent = 0;
        let mut received = 0;
        mpi::request::scope(|scope| {
            let mut reqs = Vec::with_capacity(sends.len() + recvs.len());
            // Receives first, so that a message finds its buffer posted.
            for r in recvs {
                // SAFETY: the caller guarantees `r` is a writable buffer of `len` bytes,
                // disjoint from every other piece, alive until this scope ends.
                let buf = unsafe { std::slice::from_raw_parts_mut(r.ptr as *mut u8, r.len) };
                received += r.len;
                reqs.push(w.process_at_rank(r.peer as i32).immediate_receive_into_with_tag(scope, buf, r.tag as i32));
            }
            for s in sends {
                // SAFETY: as above, readable.
                let buf = unsafe { std::slice::from_raw_parts(s.ptr, s.len) };
                sent += s.len;
                reqs.push(w.process_at_rank(s.peer as i32).immediate_send_with_tag(scope, buf, s.tag as i32));
            }
            for r in reqs {
                finish(r);
            }
        });
        if !sends.is_empty() || !recvs.is_empty() {
            telemetry::add::dist_exchanges(1);
        }
        telemetry::add::dist_bytes_sent(sent as u64);
        telemetry::add::dist_bytes_received(received as u64);
    }

    pub fn broadcast(buf: &mut Vec<u8>, root: usize) {
        if !initialized() {
            return;
        }
        let w = world();
        let r = w.process_at_rank(root as i32);
        let len = stamped(&w, 5, buf.len() as u64)[root];
        buf.resize(len as usize, 0);
        mpi::request::scope(|scope| finish(r.immediate_broadcast_into(scope, &mut buf[..])));
        telemetry::add::dist_exchanges(1);
        if w.rank() as usize == root {
            telemetry::add::dist_bytes_sent(len * (w.size() as u64 - 1));
        } else {
            telemetry::add::dist_bytes_received(len);
        }
    }
}

#[cfg(not(feature = "mpi"))]
mod imp {
    pub fn init() -> bool {
        false
    }
    pub fn finalize() {}
    pub fn barrier() {}
    pub fn abort(code: i32) -> ! {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        std::process::exit(code)
    }
    pub fn all_gather(mine: &[u8]) -> Vec<Vec<u8>> {
        vec![mine.to_vec()]
    }
    pub fn all_to_all(send: &[Vec<u8>]) -> Vec<Vec<u8>> {
        send.to_vec()
    }
    pub fn broadcast(_buf: &mut Vec<u8>, _root: usize) {}
    pub fn max_u64(_v: &mut [u64]) {}
    /// # Safety
    /// Nothing to do with one rank (there are no peers).
    pub unsafe fn exchange(_sends: &[super::Piece], _recvs: &[super::Piece]) {}
}

/// Initialises MPI (feature `mpi`); false without the feature or when MPI refuses.
pub fn init() -> bool {
    imp::init()
}

/// Finalises MPI if `init` ran; call once, at the end of the process's work.
pub fn finalize() {
    imp::finalize()
}

/// Waits for every rank.
pub fn barrier() {
    imp::barrier()
}

/// Ends every rank of the job with `code` (`MPI_Abort`); without MPI, this process.
pub fn abort(code: i32) -> ! {
    imp::abort(code)
}

/// Every rank's `mine`, in rank order, on every rank.
pub fn all_gather(mine: &[u8]) -> Vec<Vec<u8>> {
    imp::all_gather(mine)
}

/// Sends `send[q]` to rank `q`; returns what each rank sent to this one, in rank order.
pub fn all_to_all(send: &[Vec<u8>]) -> Vec<Vec<u8>> {
    imp::all_to_all(send)
}

/// Every rank's elementwise maximum of `v`, on every rank (`MPI_Allreduce`). Two
/// values `[h, !h]` tell every rank at once whether all ranks hold the same `h`.
pub fn max_u64(v: &mut [u64]) {
    imp::max_u64(v)
}

/// One message of a point-to-point exchange: `len` bytes at `ptr`, to or from `peer`,
/// matched by `tag`.
#[derive(Clone, Copy, Debug)]
pub struct Piece {
    pub peer: usize,
    pub tag: u32,
    pub ptr: *const u8,
    pub len: usize,
}

/// Sends every piece of `sends` and receives every piece of `recvs` (non-blocking
/// sends and receives, then a wait for all of them): a neighbour exchange without a
/// collective. Each piece of `recvs` must be matched by a piece of the same length and
/// tag that `peer` sends to this rank in its own call, and the other way round. Every
/// rank calls it, also with nothing to send or receive: it starts with the ranks' stamp
/// check (Note [Stamped collectives]), so that ranks that disagree end the job rather
/// than wait for messages that never come.
///
/// # Safety
/// Every piece's `ptr` must point to `len` bytes valid for the whole call: readable for
/// `sends`, writable for `recvs`; receive buffers must not overlap each other or a send
/// buffer.
pub unsafe fn exchange(sends: &[Piece], recvs: &[Piece]) {
    // SAFETY: forwarded from the caller.
    unsafe { imp::exchange(sends, recvs) }
}

/// Replaces `buf` on every rank with `root`'s.
pub fn broadcast(buf: &mut Vec<u8>, root: usize) {
    imp::broadcast(buf, root)
}

/// The block partition of `n` rows over `p` ranks: the first `n % p` ranks hold one row
/// more. Returns the `p + 1` row offsets.
pub fn block_offsets(n: usize, p: usize) -> Vec<usize> {
    let (q, r) = (n / p, n % p);
    let mut offs = Vec::with_capacity(p + 1);
    let mut at = 0;
    offs.push(0);
    for k in 0..p {
        at += q + usize::from(k < r);
        offs.push(at);
    }
    offs
}
