//! Subcommands of the `ferry` binary.

pub mod compile;
pub mod deploy;
pub mod human;
pub mod info;
pub mod read;
pub mod sandbox;
pub mod sarif;
pub mod serve;
