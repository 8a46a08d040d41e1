//! hpxl facade
