//! Library routines for the stdlib's rolling functions (see `crate::library`).
