//! Subcommands of the `ferry` binary.

pub mod audit;
pub mod compile;
pub mod controller;
pub mod customer;
pub mod deploy;
pub mod human;
pub mod info;
pub mod read;
pub mod remote;
pub mod sandbox;
pub mod sarif;
pub mod serve;
pub mod vendor;
