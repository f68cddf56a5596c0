//! Ferry's edge host as a library: the `ferry` binary's `serve` subcommand and the tests drive
//! [`server`].

pub mod server;
