//! Library routines for the stdlib's order functions (see `crate::library`).
