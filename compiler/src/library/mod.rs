//! Library operations: graph nodes computed by a routine rather than fused into a kernel
//! (sorting, selection, rolling windows, linear algebra, random generators).
//!
//! Each operation implements [`LibraryFn`] and is carried by `graph::Op::Library`. The
//! node's dtype and shape are decided when it is built (in `stdlib`, through
//! [`crate::arrays::library`]), so type and shape errors are still raised at the
//! statement; `eval` runs when the node is realised, on both backends, with its inputs
//! realised. Fusion treats every library node as a boundary: its inputs are
//! materialised and its output is a buffer that later kernels read.
//!
//! `eval` may run in parallel on `hpxl_runtime::exec`, but its result must not depend
//! on the thread count (Note [Deterministic blocks] in `runtime/src/exec.rs`).

pub mod linalg;
pub mod order;
pub mod random;
pub mod rolling;

use std::fmt::Debug;

use hpxl_runtime::{DType, NdArray};

pub use crate::interp::KernelError;

/// One library operation. Implementations are immutable values: everything the routine
/// needs besides its input arrays (axis, window, seed, ...) is a field.
pub trait LibraryFn: Debug {
    /// A short name for graph dumps and fusion reports (`sort`, `rolling_mean`).
    fn name(&self) -> &'static str;

    /// The operation's parameters for the graph's text form (`axis=1 window=50`).
    fn describe(&self) -> String {
        String::new()
    }

    /// Computes the node's value from its realised inputs. `dtype` and `shape` are the
    /// node's, as decided when it was built. Value-dependent failures (a singular
    /// matrix) are `KernelError`s; the caller attaches the node's span.
    fn eval(&self, inputs: &[NdArray], dtype: DType, shape: &[usize]) -> Result<NdArray, KernelError>;

    /// The distributed array this leaf holds (`crate::dist`); None for every routine.
    fn as_dist(&self) -> Option<&crate::dist::DistArray> {
        None
    }

    /// Whether this leaf is a rank's own value (`crate::dist::LocalArray`).
    fn is_rank_local(&self) -> bool {
        false
    }
}

/// The session's random stream (`random.seed`): a key and the position of the next
/// unused counter. Generators are counter-based, so element `i` of a draw depends only
/// on the key and `counter + i`, never on how the work is split between threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomState {
    pub key: u64,
    pub counter: u64,
    /// False until `random.seed` or the first draw (which seeds from OS entropy).
    pub seeded: bool,
}
