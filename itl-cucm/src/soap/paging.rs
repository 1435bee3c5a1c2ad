//! AXL paging on the client side (cucm-interfaces.md §1.3): on "Query request too large" the
//! query is re-run in `SELECT SKIP n FIRST m` pages below the size the fault suggests.

use std::future::Future;

use itl_wire::soap::SoapError;
use itl_wire::soap::axl::{Row, paged};

use super::FaultKind;

/// Settings of [`query_all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagingOptions {
    /// Page size when the too-large fault carries no suggestion.
    pub default_page: u64,
    /// Most pages fetched before giving up.
    pub max_pages: u32,
}

impl Default for PagingOptions {
    /// 500 rows per page without a suggestion, at most 10 000 pages.
    fn default() -> Self {
        Self {
            default_page: 500,
            max_pages: 10_000,
        }
    }
}

/// The page size for a suggested fetch of "less than `suggested`" rows: 90 % of it, below it,
/// at least 1.
pub fn page_size_for(suggested: Option<u64>, default_page: u64) -> u64 {
    match suggested {
        Some(s) if s > 1 => (s * 9 / 10).clamp(1, s - 1),
        Some(_) => 1,
        None => default_page.max(1),
    }
}

/// Runs `sql` through `exec`; on a "Query request too large" fault, re-runs it in pages of
/// `SKIP n FIRST m` (m below the suggested size; halved again if a page is still too large)
/// until a short page, or the reported total is reached. Rows arrive in page order.
pub async fn query_all<F, Fut, E>(
    sql: &str,
    opts: PagingOptions,
    mut exec: F,
) -> Result<Vec<Row>, E>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<Vec<Row>, E>>,
    E: FaultKind + From<SoapError>,
{
    let (mut page, total) = match exec(sql.to_owned()).await {
        Ok(rows) => return Ok(rows),
        Err(e) => match e.soap_error() {
            Some(SoapError::QueryTooLarge {
                total_rows,
                suggested_rows,
                ..
            }) => (
                page_size_for(*suggested_rows, opts.default_page),
                *total_rows,
            ),
            _ => return Err(e),
        },
    };
    let mut rows = Vec::new();
    let mut skip = 0u64;
    for _ in 0..opts.max_pages {
        let query = paged(sql, skip, page).map_err(E::from)?;
        match exec(query).await {
            Ok(got) => {
                let n = got.len() as u64;
                rows.extend(got);
                skip += n;
                if n < page || total.is_some_and(|t| skip >= t) {
                    return Ok(rows);
                }
            }
            Err(e) => match e.soap_error() {
                Some(SoapError::QueryTooLarge { suggested_rows, .. }) if page > 1 => {
                    let suggested = page_size_for(*suggested_rows, page);
                    page = suggested.min(page / 2).max(1);
                }
                _ => return Err(e),
            },
        }
    }
    Err(E::from(SoapError::InvalidRequest(format!(
        "paging did not finish within {} pages",
        opts.max_pages
    ))))
}
