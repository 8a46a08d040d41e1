//! Library routines for the stdlib's random functions (see `crate::library`).
