//! Process-wide controls that the CLI and the interactive loop set from outside the
//! tracer: Ctrl-C interrupts, check mode (`hpxl check`, the REPL's `:type`) and
//! `--profile` kernel timing. Each is a flag read at a few points; when off it costs
//! one relaxed load.
//!
//! Note [Interrupts]: a SIGINT handler only stores `true` into `INTERRUPT` (that is
//! async-signal-safe). The tracer polls the flag before every statement — which
//! includes every loop back-edge, since a loop body is statements — and the fused
//! launcher polls it between kernels, so a `while True:` loop or a long chain of kernels
//! returns an E0990 diagnostic within one statement or one kernel. Values bound before
//! the interrupted statement are kept; a kernel that ran completes (kernels are not
//! cancelled mid-flight).
//!
//! Note [Check mode]: with `set_check_mode(CheckMode::Fake)` on a thread, realising a node runs
//! no kernel: the node becomes an array of zeros of its dtype and shape (one zero
//! broadcast with zero strides, so it allocates nothing). Tracing therefore still checks
//! every dtype and shape rule, but anything that depends on data sees zeros: an `if` on
//! an array value takes one branch only, a `while` whose condition read array data runs
//! its body once (`fake_realisations` lets the tracer notice), and shapes that depend on
//! data (boolean masks, `nonzero`, `unique`) come out empty. Output is the caller's to
//! discard and file writes are skipped.

use hpxl_grammar::{Code, Diagnostic, Span};
use hpxl_runtime::{Data, NdArray};
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

static INTERRUPT: AtomicBool = AtomicBool::new(false);

/// Requests an interrupt (called from a signal handler: it only stores a flag).
pub fn interrupt() {
    INTERRUPT.store(true, Relaxed);
}

/// Forgets a pending interrupt (the REPL calls this before each entry).
pub fn clear_interrupt() {
    INTERRUPT.store(false, Relaxed);
}

/// Whether an interrupt is pending (without consuming it).
pub fn interrupt_pending() -> bool {
    INTERRUPT.load(Relaxed)
}

/// Consumes a pending interrupt as an E0990 diagnostic at `span`.
pub fn poll(span: Span) -> Result<(), Diagnostic> {
    if INTERRUPT.load(Relaxed) && INTERRUPT.swap(false, Relaxed) {
        let d = Diagnostic::new(Code::Interrupted, "KeyboardInterrupt");
        return Err(if span == Span::default() { d } else { d.with_label(span, "interrupted here") });
    }
    Ok(())
}

/// How a thread treats realisation (Note [Check mode]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckMode {
    /// Realise normally: run kernels.
    Off,
    /// `hpxl check`: a realised node becomes zeros of its dtype and shape.
    Fake,
    /// The REPL's `:type`: realising anything is an error (the answer would need data),
    /// and no node of the session is changed.
    Refuse,
}

thread_local! {
    static CHECKING: Cell<CheckMode> = const { Cell::new(CheckMode::Off) };
    static FAKE_REALISATIONS: Cell<u64> = const { Cell::new(0) };
}

/// Sets this thread's check mode (Note [Check mode]).
pub fn set_check_mode(mode: CheckMode) {
    CHECKING.with(|c| c.set(mode));
}

pub fn check_mode() -> CheckMode {
    CHECKING.with(|c| c.get())
}

/// Whether this thread is tracing without running kernels (any check mode).
pub fn checking() -> bool {
    check_mode() != CheckMode::Off
}

/// How many node values check mode has made up so far on this thread.
pub fn fake_realisations() -> u64 {
    FAKE_REALISATIONS.with(|c| c.get())
}

/// The stand-in value of a node realised in check mode: zeros, allocating one element.
pub(crate) fn fake_value(dtype: hpxl_runtime::DType, shape: &[usize]) -> NdArray {
    FAKE_REALISATIONS.with(|c| c.set(c.get() + 1));
    NdArray {
        data: Arc::new(Data::zeros(dtype, 1)),
        shape: hpxl_runtime::Shape::from_slice(shape),
        strides: hpxl_runtime::Strides::from_elem(0, shape.len()),
        offset: 0,
    }
}

static PROFILING: AtomicBool = AtomicBool::new(false);
static PROFILE: Mutex<Option<HashMap<(String, Span), KernelProfile>>> = Mutex::new(None);

/// One row of the `--profile` table: a kernel (or interp evaluation) by its label.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KernelProfile {
    pub label: String,
    /// The statement that built the kernel's root node.
    pub span: Span,
    pub calls: u64,
    pub nanos: u64,
    /// Bytes read and written, summed over calls (for GB/s).
    pub bytes: u64,
}

/// Turns per-kernel timing on (`--profile`).
pub fn set_profiling(on: bool) {
    PROFILING.store(on, Relaxed);
}

pub fn profiling() -> bool {
    PROFILING.load(Relaxed)
}

/// Adds one call of `label` that took `nanos` and moved `bytes`.
pub fn record(label: String, span: Span, nanos: u64, bytes: u64) {
    let mut guard = PROFILE.lock().unwrap_or_else(|e| e.into_inner());
    let entry = guard.get_or_insert_with(HashMap::new).entry((label.clone(), span)).or_insert_with(|| KernelProfile {
        label,
        span,
        ..KernelProfile::default()
    });
    entry.calls += 1;
    entry.nanos += nanos;
    entry.bytes += bytes;
}

/// The profile so far, slowest total first.
pub fn profile_report() -> Vec<KernelProfile> {
    let guard = PROFILE.lock().unwrap_or_else(|e| e.into_inner());
    let mut rows: Vec<KernelProfile> = guard.as_ref().map(|m| m.values().cloned().collect()).unwrap_or_default();
    rows.sort_by(|a, b| b.nanos.cmp(&a.nanos).then_with(|| a.label.cmp(&b.label)));
    rows
}
