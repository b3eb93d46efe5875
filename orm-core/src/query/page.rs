//! One page of a query's rows, with the state to fetch the next.

use scylla::response::PagingState;

/// Rows of one page and where the next page starts.
///
/// `next` is `None` on the last page. A paging state can be kept (its bytes:
/// [`PagingState::as_bytes_slice`]) and rebuilt later
/// ([`PagingState::new_from_raw_bytes`]) to resume, for example across HTTP requests.
#[derive(Debug, Clone)]
pub struct Page<R> {
    /// The rows of this page.
    pub rows: Vec<R>,
    /// Where the next page starts, or `None` after the last page.
    pub next: Option<PagingState>,
}
