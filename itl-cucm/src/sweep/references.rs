//! The sweep's reference lists: what every TFTP node serves now ([`crate::served`]), each
//! file archived, turned into the [`References`] phones are compared with and the
//! [`ReferenceFacts`] the report shows.

use itl_core::verify::VerifyOptions;

use crate::fetch::{Fetcher, TrustFile};
use crate::served::{
    NodeLists, ServedListSummary, TftpNode, TransportPolicy, fetch_served, summarise,
};

use super::classify::{Reference, ReferenceFile, References};
use super::report::{ListFacts, ReferenceFacts};

/// The report's facts about a served list.
pub fn list_facts(summary: &ServedListSummary) -> ListFacts {
    ListFacts {
        name: summary.name.clone(),
        size: summary.size as u64,
        md5: summary.md5.clone(),
        sha1: summary.sha1.clone(),
        sha256: summary.sha256.clone(),
        signer: summary.signer.clone(),
        records: summary.records,
        signature_valid: summary.signature.as_ref().map(|s| s.valid),
        findings: if summary.parse_error.is_some() {
            vec!["parse-error".to_owned()]
        } else {
            summary
                .findings
                .iter()
                .map(|f| f.code.name().to_owned())
                .collect()
        },
    }
}

/// One node's reference and facts; `archive` is given every file served.
fn reference_of(
    lists: &NodeLists,
    verify: &VerifyOptions,
    archive: &dyn Fn(&[u8], &str, &str),
) -> (Reference, ReferenceFacts) {
    let node = &lists.node;
    let mut facts = ReferenceFacts {
        node: node.name.clone(),
        server: node.server.to_string(),
        itl: None,
        ctl: None,
        error: lists.error(),
    };
    let mut reference = Reference {
        node: node.name.clone(),
        hosts: node.hosts.clone(),
        ctl_known: lists.ctl_known(),
        error: facts.error.clone(),
        ..Reference::default()
    };
    let take = |file: Option<&TrustFile>| {
        let (name, bytes) = file.and_then(|f| Some((f.name.as_str(), f.bytes()?)))?;
        archive(bytes, &node.name, name);
        Some((
            ReferenceFile::of(name, bytes),
            list_facts(&summarise(&node.name, name, bytes, verify)),
        ))
    };
    if let Some((file, list)) = take(lists.ctl()) {
        reference.ctl = Some(file);
        facts.ctl = Some(list);
    }
    if let Some((file, list)) = take(lists.itl()) {
        reference.itl = Some(file);
        facts.itl = Some(list);
    }
    (reference, facts)
}

/// Fetches every node's lists (CTL, ITL) over its own transport, gives each served file to
/// `archive` (bytes, node, name), and returns the references and their facts, in node order.
/// `now` (Unix seconds) is the time the lists are verified at.
pub async fn fetch_references(
    nodes: &[TftpNode],
    fetcher: &Fetcher,
    now: u64,
    archive: &dyn Fn(&[u8], &str, &str),
) -> (References, Vec<ReferenceFacts>) {
    let served = fetch_served(nodes, fetcher, &TransportPolicy::AsConfigured).await;
    let verify = VerifyOptions::new(itl_core::UnixTime::from_secs_u64(now));
    let mut references = References::default();
    let mut facts = Vec::new();
    for lists in &served {
        let (reference, fact) = reference_of(lists, &verify, archive);
        references.nodes.push(reference);
        facts.push(fact);
    }
    (references, facts)
}
