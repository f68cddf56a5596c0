//! Subcommands of the `ferry` binary.

pub mod compile;
pub mod controller;
pub mod human;
pub mod info;
pub mod read;
pub mod sarif;
pub mod serve;
