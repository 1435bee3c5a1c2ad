//! AXL paging on the client side: "Query request too large" makes `query_all` re-run the query
//! in `SKIP n FIRST m` pages.

use std::sync::{Arc, Mutex};

use itl_cucm::soap::paging::{PagingOptions, page_size_for, query_all};
use itl_wire::soap::axl::{self, Row, parse_paging, sql};
use itl_wire::soap::{SoapError, SoapFault};

fn row(pairs: &[(&str, &str)]) -> Row {
    itl_testkit::owned_pairs(pairs)
}

#[test]
fn page_sizes_stay_below_the_suggestion() {
    assert_eq!(page_size_for(Some(844), 500), 759);
    assert_eq!(page_size_for(Some(5), 500), 4);
    assert_eq!(page_size_for(Some(2), 500), 1);
    assert_eq!(page_size_for(Some(0), 500), 1);
    assert_eq!(page_size_for(None, 500), 500);
}

/// A fake AXL: `total` rows named `n000…`, too large above `limit` rows per answer.
fn fake_axl(
    total: u64,
    limit: u64,
    log: Arc<Mutex<Vec<String>>>,
) -> impl FnMut(String) -> std::future::Ready<Result<Vec<Row>, SoapError>> {
    move |q: String| {
        log.lock().expect("log").push(q.clone());
        let (paging, _) = parse_paging(&q).expect("a select");
        let first = paging.first.unwrap_or(u64::MAX);
        let count = first.min(total.saturating_sub(paging.skip));
        let result = if count > limit {
            Err(SoapError::from_fault(SoapFault::server(
                axl::query_too_large_message(total, limit + 1),
            )))
        } else {
            Ok((paging.skip..paging.skip + count)
                .map(|i| row(&[("name", &format!("n{i:05}"))]))
                .collect())
        };
        std::future::ready(result)
    }
}

/// `query_all` of the phone names against [`fake_axl`] with `total` rows (843 per answer at
/// most): the rows and every query sent.
async fn all_names(total: u64) -> (Vec<Row>, Vec<String>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let rows = query_all(
        sql::PHONE_NAMES,
        PagingOptions::default(),
        fake_axl(total, 843, log.clone()),
    )
    .await
    .expect("all rows");
    let queries = log.lock().expect("log").clone();
    (rows, queries)
}

#[tokio::test]
async fn query_all_pages_until_every_row_arrived() {
    let (rows, log) = all_names(2816).await;
    assert_eq!(rows.len(), 2816);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["name"], format!("n{i:05}"));
    }
    // Unpaged try, then pages of 759 (90 % of "less than 844").
    assert_eq!(log[0], sql::PHONE_NAMES);
    assert_eq!(log[1], sql::phone_names(0, 759));
    assert_eq!(log[2], sql::phone_names(759, 759));
    assert_eq!(log.len(), 1 + 4);

    // Twin: a small result is one query.
    let (rows, log) = all_names(10).await;
    assert_eq!(rows.len(), 10);
    assert_eq!(log.len(), 1);
}

#[tokio::test]
async fn query_all_shrinks_pages_and_stops_on_other_faults() {
    // The suggestion is too optimistic: the server only takes 100 per page.
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut inner = fake_axl(1000, 100, log.clone());
    let lying = move |q: String| {
        let r = inner(q);
        let r = r.into_inner().map_err(|e| match e {
            SoapError::QueryTooLarge { .. } => {
                SoapError::from_fault(SoapFault::server(axl::query_too_large_message(1000, 900)))
            }
            other => other,
        });
        std::future::ready(r)
    };
    let rows = query_all(sql::PHONE_NAMES, PagingOptions::default(), lying)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1000);
    assert_eq!(rows.last().map(|r| r["name"].as_str()), Some("n00999"));

    // Another fault is returned as is, without paging.
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let err = query_all(sql::PHONES, PagingOptions::default(), move |_q: String| {
        *c.lock().expect("calls") += 1;
        std::future::ready(Err::<Vec<Row>, _>(SoapError::from_fault(
            SoapFault::server("A syntax error has occurred."),
        )))
    })
    .await
    .expect_err("fault");
    assert!(matches!(err, SoapError::Fault(f) if f.message == "A syntax error has occurred."));
    assert_eq!(*calls.lock().expect("calls"), 1);

    // A server that is too large even for one row: the fault comes back.
    let err = query_all(sql::PHONES, PagingOptions::default(), |_q: String| {
        std::future::ready(Err::<Vec<Row>, _>(SoapError::from_fault(
            SoapFault::server(axl::query_too_large_message(5, 1)),
        )))
    })
    .await
    .expect_err("cannot page");
    assert!(matches!(err, SoapError::QueryTooLarge { .. }));

    // The page limit is enforced.
    let log = Arc::new(Mutex::new(Vec::new()));
    let opts = PagingOptions {
        default_page: 10,
        max_pages: 3,
    };
    let err = query_all(sql::PHONE_NAMES, opts, fake_axl(1000, 9, log))
        .await
        .expect_err("page limit");
    assert!(matches!(err, SoapError::InvalidRequest(m) if m.contains("3 pages")));
}
