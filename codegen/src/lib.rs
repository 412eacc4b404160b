//! The generation pipeline shared by `hyperspell`'s `build.rs` and `xtask`:
//!
//! spec text → [`load`] → [`normalize`] (3.1 → 3.0) → [`naming`] → [`generate`] (progenitor +
//! our multipart, pagination and send wrappers) → formatted Rust source.

// A `Diagnostic` is large (file, place, operation, message, help) and only ever built on the
// cold error path of a build step; boxing it everywhere would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod diagnostic;
pub mod generate;
pub mod load;
pub mod naming;
pub mod normalize;
pub mod refs;
pub mod resources;

pub use diagnostic::{Diagnostic, Note};
pub use generate::{Flavor, Generated, Options, generate};
pub use load::{Spec, load_bytes, load_file};
pub use naming::Operation;
pub use resources::ResourceMap;
