//! Contract tests of the `hyperspell` client against Steady, the validating mock server the
//! official SDKs test against: `cargo test -p hyperspell-contract-tests` (see
//! `tests/contract.rs`).
//!
//! A crate of its own so that generating the calls (`build.rs`, with `hyperspell-codegen`'s
//! `contract` feature) happens only where these tests are built, never in a build of the
//! client. The library holds only the Steady launcher ([`steady`]), shared with the command
//! line's contract test.

pub mod steady;
