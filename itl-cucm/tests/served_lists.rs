//! What every TFTP node serves ([`itl_cucm::served`]), fetched with the real client from real
//! servers on 127.0.0.1: an HTTP 6970 responder and Debian's `in.tftpd`, under the three
//! transport policies the commands use.

mod common;

use std::time::Duration;

use common::http_server::{HttpServer, Reply};
use common::{Tftpd, pattern, within};
use itl_cucm::fetch::{FetchOptions, Fetcher, Transport, TrustServer};
use itl_cucm::served::{NodeLists, TftpNode, TransportPolicy, fetch_served};

const LIMIT: Duration = Duration::from_secs(30);

fn fetcher() -> Fetcher {
    let mut options = FetchOptions::default();
    options.tftp.deadline = Duration::from_secs(5);
    options.http.timeout = Duration::from_secs(5);
    Fetcher::new(options).expect("fetcher")
}

/// A node answering HTTP on `http` and TFTP on `tftp` (ports on 127.0.0.1).
fn node(name: &str, http: u16, tftp: u16) -> TftpNode {
    let mut server = TrustServer::http("127.0.0.1");
    server.http_port = http;
    server.tftp_port = tftp;
    TftpNode {
        name: name.into(),
        hosts: vec![name.into(), "127.0.0.1".into()],
        server,
    }
}

fn transports(lists: &NodeLists) -> Vec<Transport> {
    lists.sets.iter().map(|s| s.server.transport).collect()
}

#[tokio::test]
async fn every_transport_is_asked_and_compared() {
    let itl = pattern(3000, 1);
    let Some(tftpd) = Tftpd::start(&[("ITLFile.tlv", &itl)]) else {
        return;
    };
    let http = HttpServer::start(vec![("/ITLFile.tlv", Reply::Body(200, itl.clone()))]).await;
    let nodes = [node("ucm-pub", http.addr.port(), tftpd.addr.port())];
    let policy = TransportPolicy::Every(vec![Transport::Http, Transport::Tftp]);
    let served = within(LIMIT, fetch_served(&nodes, &fetcher(), &policy)).await;
    assert_eq!(served.len(), 1);
    let lists = &served[0];
    assert_eq!(transports(lists), [Transport::Http, Transport::Tftp]);
    assert_eq!(lists.itl().and_then(|f| f.bytes()), Some(&itl[..]));
    assert!(lists.itl_agrees());
    assert!(lists.ctl().is_none());
    assert!(lists.ctl_known(), "CTLFile.tlv not found is an answer");
    assert_eq!(lists.error(), None);

    // Reject twin: TFTP serves other bytes than HTTP.
    let other = HttpServer::start(vec![("/ITLFile.tlv", Reply::Body(200, pattern(3000, 2)))]).await;
    let nodes = [node("ucm-pub", other.addr.port(), tftpd.addr.port())];
    let served = within(LIMIT, fetch_served(&nodes, &fetcher(), &policy)).await;
    assert!(!served[0].itl_agrees());
}

#[tokio::test]
async fn first_serving_stops_at_the_first_itl() {
    let itl = pattern(2000, 3);
    let Some(tftpd) = Tftpd::start(&[("ITLFile.tlv", &itl)]) else {
        return;
    };
    let policy = TransportPolicy::FirstServing(vec![Transport::Http, Transport::Tftp]);

    // HTTP serves it: TFTP is never asked.
    let http = HttpServer::start(vec![("/ITLFile.tlv", Reply::Body(200, itl.clone()))]).await;
    let nodes = [node("ucm-pub", http.addr.port(), tftpd.addr.port())];
    let served = within(LIMIT, fetch_served(&nodes, &fetcher(), &policy)).await;
    assert_eq!(transports(&served[0]), [Transport::Http]);
    assert_eq!(served[0].served_lists().itl.as_deref(), Some(&itl[..]));

    // HTTP serves nothing: TFTP is asked and its ITL is the node's.
    let empty = HttpServer::start(vec![]).await;
    let nodes = [node("ucm-sub1", empty.addr.port(), tftpd.addr.port())];
    let served = within(LIMIT, fetch_served(&nodes, &fetcher(), &policy)).await;
    let lists = &served[0];
    assert_eq!(transports(lists), [Transport::Http, Transport::Tftp]);
    assert_eq!(
        lists.primary().map(|s| s.server.transport),
        Some(Transport::Tftp)
    );
    let plan_input = lists.served_lists();
    assert_eq!(plan_input.node, "ucm-sub1");
    assert_eq!(plan_input.itl.as_deref(), Some(&itl[..]));
    assert_eq!(plan_input.error, None);
}

#[tokio::test]
async fn a_node_serving_nothing_says_why() {
    let Some(tftpd) = Tftpd::start(&[]) else {
        return;
    };
    let empty = HttpServer::start(vec![]).await;
    let nodes = [
        node("ucm-pub", empty.addr.port(), tftpd.addr.port()),
        node("ucm-sub1", empty.addr.port(), tftpd.addr.port()),
    ];
    let policy = TransportPolicy::FirstServing(vec![Transport::Http, Transport::Tftp]);
    let served = within(LIMIT, fetch_served(&nodes, &fetcher(), &policy)).await;
    assert_eq!(
        served
            .iter()
            .map(|l| l.node.name.as_str())
            .collect::<Vec<_>>(),
        ["ucm-pub", "ucm-sub1"]
    );
    for lists in &served {
        assert_eq!(transports(lists), [Transport::Http, Transport::Tftp]);
        assert!(lists.itl().is_none());
        assert_eq!(
            lists.error().as_deref(),
            Some("ITLFile.tlv not served; ITLFile.tlv not served")
        );
        assert_eq!(
            lists.served_lists().error.as_deref(),
            Some("ITLFile.tlv not served; ITLFile.tlv not served")
        );
    }

    // As configured: only the node's own transport (HTTP here).
    let served = within(
        LIMIT,
        fetch_served(&nodes[..1], &fetcher(), &TransportPolicy::AsConfigured),
    )
    .await;
    assert_eq!(transports(&served[0]), [Transport::Http]);
    assert_eq!(served[0].error().as_deref(), Some("ITLFile.tlv not served"));
}
