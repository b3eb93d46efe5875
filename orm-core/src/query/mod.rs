//! Reading models: the query builder, its validation and its access-path analysis.

mod access;
mod by_name;
mod error;
mod page;
pub(crate) mod projection;
pub mod rule;
pub(crate) mod validate;

pub use validate::MAX_IN_VALUES;
pub(crate) mod rows;
mod select;

pub use access::AccessPath;
pub use error::QueryError;
pub use page::Page;
pub use projection::{Computed, Function, Projection};
pub use select::Select;

pub(crate) use access::{access_path, check_delete};
pub(crate) use by_name::{condition_by_name, tuple_condition_by_name, widen};
