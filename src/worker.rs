//! Streaming workers: a compiled function running on its own thread, owning a session,
//! fed by a bounded queue with a back-pressure policy, with graceful shutdown and
//! telemetry (Note [Workers]).
//!
//! Note [Workers]: `Session::spawn_worker` moves the session onto a new thread (this is
//! what `Session: Send` is for) and returns a `Worker` handle. Messages (argument
//! lists) go into a `Mutex<VecDeque>` bounded by `capacity`; when it is full, `Block`
//! waits for room, `Reject` hands the message back, `DropOldest` discards the oldest
//! queued message. The worker thread pops one message at a time, calls the function
//! (replaying its trace, Note [Replaying traces]) and delivers the result with its
//! sequence number and latency (enqueue to result) to a channel or a callback.
//! `shutdown` closes the queue, lets the worker drain what is queued, joins it and
//! returns the session. Latency percentiles are computed over the last
//! `LATENCY_WINDOW` messages.

use crate::error::Error;
use crate::function::Function;
use crate::host::HostValue;
use crate::session::Session;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What `send` does when the queue is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backpressure {
    /// Wait until the worker makes room.
    Block,
    /// Return the message to the sender (`SendError::Full`).
    Reject,
    /// Discard the oldest queued message and enqueue the new one.
    DropOldest,
}

/// A worker's queue and delivery settings.
pub struct WorkerConfig {
    /// The most messages waiting in the queue (at least 1).
    pub capacity: usize,
    /// What `send` does when the queue is full.
    pub policy: Backpressure,
    /// If set, results are passed to this callback on the worker thread instead of
    /// the channel read by [`Worker::recv`].
    pub on_result: Option<Box<dyn FnMut(WorkerOutput) + Send>>,
}

impl Default for WorkerConfig {
    fn default() -> WorkerConfig {
        WorkerConfig { capacity: 64, policy: Backpressure::Block, on_result: None }
    }
}

impl WorkerConfig {
    /// A configuration with `capacity` and `policy`, results delivered to the channel.
    pub fn new(capacity: usize, policy: Backpressure) -> WorkerConfig {
        WorkerConfig { capacity, policy, on_result: None }
    }
}

/// One processed message.
#[derive(Debug)]
pub struct WorkerOutput {
    /// The sequence number `send` returned for the message.
    pub seq: u64,
    /// The function's result, or its error.
    pub result: Result<HostValue, Error>,
    /// From `send` to the result.
    pub latency: Duration,
}

/// Why `send` did not enqueue a message; carries the message back.
#[derive(Debug)]
pub enum SendError {
    /// The queue is full and the policy is `Reject`.
    Full(Vec<HostValue>),
    /// The worker is shutting down or has stopped.
    Closed(Vec<HostValue>),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Full(_) => write!(f, "the worker's queue is full (policy: reject)"),
            SendError::Closed(_) => write!(f, "the worker is shut down"),
        }
    }
}

impl std::error::Error for SendError {}

/// A snapshot of a worker's counters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkerStats {
    /// Messages the function was called on (successes and errors).
    pub processed: u64,
    /// Of those, calls that returned an error.
    pub failed: u64,
    /// Messages waiting in the queue now.
    pub queue_depth: usize,
    /// Messages refused by `Reject`.
    pub rejected: u64,
    /// Messages discarded by `DropOldest`.
    pub dropped: u64,
    /// Latency percentiles (send to result) over the last `LATENCY_WINDOW` messages;
    /// zero before the first message.
    pub p50: Duration,
    /// 90th percentile latency.
    pub p90: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
}

/// Latency percentiles are computed over this many most recent messages.
pub const LATENCY_WINDOW: usize = 8192;

struct Message {
    seq: u64,
    args: Vec<HostValue>,
    sent: Instant,
}

struct Queue {
    items: VecDeque<Message>,
    closed: bool,
    paused: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when a message arrives, the queue closes or the worker resumes.
    wake_worker: Condvar,
    /// Signalled when the worker takes a message or the queue closes.
    room: Condvar,
    capacity: usize,
    policy: Backpressure,
    next_seq: AtomicU64,
    processed: AtomicU64,
    failed: AtomicU64,
    rejected: AtomicU64,
    dropped: AtomicU64,
    latencies: Mutex<VecDeque<u64>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A compiled function running on its own thread; made by [`Session::spawn_worker`].
///
/// ```
/// use hpxl::{Backpressure, HostArray, Session, WorkerConfig};
/// let mut s = Session::builder().build()?;
/// let f = s.compile("def norm2(v):\n    return sqrt(sum(v * v))")?;
/// let w = s.spawn_worker(&f, WorkerConfig::new(16, Backpressure::Block))?;
/// for i in 0..4 {
///     w.send(vec![HostArray::new(vec![3.0f64 * i as f64, 4.0 * i as f64], &[2])?.into()]).unwrap();
/// }
/// let mut norms: Vec<f64> = (0..4).map(|_| w.recv().unwrap().result.unwrap().as_f64().unwrap()).collect();
/// norms.sort_by(f64::total_cmp);
/// assert_eq!(norms, vec![0.0, 5.0, 10.0, 15.0]);
/// let report = w.shutdown()?;
/// assert_eq!(report.stats.processed, 4);
/// # Ok::<(), hpxl::Error>(())
/// ```
pub struct Worker {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<Session>>,
    /// Behind a mutex so that a `Worker` is `Sync`: several producer threads may share
    /// one through an `Arc`.
    results: Mutex<mpsc::Receiver<WorkerOutput>>,
}

/// What [`Worker::shutdown`] hands back.
pub struct ShutdownReport {
    /// The session, with everything the worker's calls left in it.
    pub session: Session,
    /// The final counters.
    pub stats: WorkerStats,
    /// Results not yet received from the channel, in order.
    pub pending: Vec<WorkerOutput>,
}

impl Session {
    /// Starts `f` as a long-lived worker: the session moves to a new thread, which
    /// calls `f` on each message sent to the returned [`Worker`] (see Note [Workers] in
    /// `src/worker.rs`). [`Worker::shutdown`] gives the session back.
    pub fn spawn_worker(self, f: &Function, config: WorkerConfig) -> Result<Worker, Error> {
        if f.session != self.id {
            return Err(Error::host(
                hpxl_grammar::Code::Value,
                format!("function `{}` was compiled by another session", f.name()),
            ));
        }
        if config.capacity == 0 {
            return Err(Error::host(hpxl_grammar::Code::Value, "a worker's queue capacity must be at least 1"));
        }
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue { items: VecDeque::with_capacity(config.capacity), closed: false, paused: false }),
            wake_worker: Condvar::new(),
            room: Condvar::new(),
            capacity: config.capacity,
            policy: config.policy,
            next_seq: AtomicU64::new(0),
            processed: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            latencies: Mutex::new(VecDeque::new()),
        });
        let (tx, rx) = mpsc::channel();
        let thread_shared = shared.clone();
        let function = f.clone();
        let mut on_result = config.on_result;
        let thread = std::thread::Builder::new()
            .name(format!("hpxl-worker-{}", f.name()))
            .stack_size(crate::PROGRAM_STACK)
            .spawn(move || {
                let mut session = self;
                worker_loop(&mut session, &function, &thread_shared, &mut |out| match &mut on_result {
                    Some(cb) => cb(out),
                    None => {
                        let _ = tx.send(out);
                    }
                });
                session
            })
            .map_err(|e| Error::host(hpxl_grammar::Code::Internal, format!("cannot start a worker thread: {e}")))?;
        Ok(Worker { shared, thread: Some(thread), results: Mutex::new(rx) })
    }
}

fn worker_loop(session: &mut Session, f: &Function, shared: &Shared, deliver: &mut dyn FnMut(WorkerOutput)) {
    loop {
        let message = {
            let mut q = shared.lock();
            loop {
                if !q.paused || q.closed {
                    if let Some(m) = q.items.pop_front() {
                        break Some(m);
                    }
                    if q.closed {
                        break None;
                    }
                }
                q = shared.wake_worker.wait(q).unwrap_or_else(|e| e.into_inner());
            }
        };
        let Some(message) = message else { return };
        shared.room.notify_one();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session.call(f, &message.args)))
            .unwrap_or_else(|_| {
                Err(Error::host(hpxl_grammar::Code::Internal, "the worker's function call panicked"))
            });
        let latency = message.sent.elapsed();
        shared.processed.fetch_add(1, Ordering::Relaxed);
        if result.is_err() {
            shared.failed.fetch_add(1, Ordering::Relaxed);
        }
        {
            let mut l = shared.latencies.lock().unwrap_or_else(|e| e.into_inner());
            if l.len() == LATENCY_WINDOW {
                l.pop_front();
            }
            l.push_back(latency.as_nanos().min(u64::MAX as u128) as u64);
        }
        deliver(WorkerOutput { seq: message.seq, result, latency });
    }
}

impl Worker {
    /// Enqueues one call's arguments; returns its sequence number. With a full queue,
    /// `Block` waits, `Reject` returns `SendError::Full`, `DropOldest` discards the
    /// oldest waiting message.
    pub fn send(&self, args: Vec<HostValue>) -> Result<u64, SendError> {
        let shared = &self.shared;
        let mut q = shared.lock();
        loop {
            if q.closed {
                return Err(SendError::Closed(args));
            }
            if q.items.len() < shared.capacity {
                break;
            }
            match shared.policy {
                Backpressure::Block => q = shared.room.wait(q).unwrap_or_else(|e| e.into_inner()),
                Backpressure::Reject => {
                    shared.rejected.fetch_add(1, Ordering::Relaxed);
                    return Err(SendError::Full(args));
                }
                Backpressure::DropOldest => {
                    q.items.pop_front();
                    shared.dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        let seq = shared.next_seq.fetch_add(1, Ordering::Relaxed);
        q.items.push_back(Message { seq, args, sent: Instant::now() });
        drop(q);
        shared.wake_worker.notify_one();
        Ok(seq)
    }

    /// The next result, waiting for it; `None` once the worker has stopped and every
    /// result was received. (With a callback in `WorkerConfig::on_result` no result
    /// reaches the channel: this waits until the worker stops, then returns `None`.)
    pub fn recv(&self) -> Option<WorkerOutput> {
        self.receiver().recv().ok()
    }

    /// The next result if one is ready.
    pub fn try_recv(&self) -> Option<WorkerOutput> {
        self.receiver().try_recv().ok()
    }

    /// The next result, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<WorkerOutput> {
        self.receiver().recv_timeout(timeout).ok()
    }

    fn receiver(&self) -> MutexGuard<'_, mpsc::Receiver<WorkerOutput>> {
        self.results.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops taking messages off the queue after the current one (they keep queueing,
    /// subject to the policy) until [`Worker::resume`].
    pub fn pause(&self) {
        self.shared.lock().paused = true;
    }

    /// Resumes processing after [`Worker::pause`].
    pub fn resume(&self) {
        self.shared.lock().paused = false;
        self.shared.wake_worker.notify_all();
    }

    /// Messages waiting in the queue.
    pub fn queue_depth(&self) -> usize {
        self.shared.lock().items.len()
    }

    /// The counters and latency percentiles now.
    pub fn stats(&self) -> WorkerStats {
        let s = &self.shared;
        let queue_depth = self.queue_depth();
        let mut l: Vec<u64> = s.latencies.lock().unwrap_or_else(|e| e.into_inner()).iter().copied().collect();
        l.sort_unstable();
        let pct = |p: f64| -> Duration {
            if l.is_empty() {
                return Duration::ZERO;
            }
            // Nearest rank.
            let rank = ((p / 100.0) * l.len() as f64).ceil().max(1.0) as usize;
            Duration::from_nanos(l[rank.min(l.len()) - 1])
        };
        WorkerStats {
            processed: s.processed.load(Ordering::Relaxed),
            failed: s.failed.load(Ordering::Relaxed),
            queue_depth,
            rejected: s.rejected.load(Ordering::Relaxed),
            dropped: s.dropped.load(Ordering::Relaxed),
            p50: pct(50.0),
            p90: pct(90.0),
            p99: pct(99.0),
        }
    }

    /// Graceful shutdown: refuses new messages, lets the worker process everything
    /// queued (a paused worker is resumed), joins its thread and returns the session,
    /// the final counters and the results not yet received.
    pub fn shutdown(mut self) -> Result<ShutdownReport, Error> {
        {
            let mut q = self.shared.lock();
            q.closed = true;
        }
        self.shared.wake_worker.notify_all();
        self.shared.room.notify_all();
        let thread = self.thread.take().expect("a worker is shut down once");
        let session = thread
            .join()
            .map_err(|_| Error::host(hpxl_grammar::Code::Internal, "the worker thread panicked"))?;
        let stats = self.stats();
        let receiver = self.receiver();
        let pending = std::iter::from_fn(|| receiver.try_recv().ok()).collect();
        drop(receiver);
        Ok(ShutdownReport { session, stats, pending })
    }
}

impl Drop for Worker {
    /// Dropping a worker without `shutdown` closes the queue and waits for the worker to
    /// finish what was queued.
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.shared.lock().closed = true;
            self.shared.wake_worker.notify_all();
            self.shared.room.notify_all();
            let _ = thread.join();
        }
    }
}
