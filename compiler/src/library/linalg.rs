//! Library routines for the stdlib's linalg functions (see `crate::library`).
