//! AXL `listPhone` over HTTPS 8443 with the real client: search criteria with `%` wildcards
//! (case-insensitive), `returnedTags`, `skip`/`first`, `uuid` attributes, and the faults for
//! malformed requests. Every accepted request has a rejected twin.

mod common;

use itl_core::cucm::Generation;
use std::collections::BTreeSet;
use std::sync::Arc;

use common::axl::{self, Listed, all_phones, fault, listed, ok};
use common::{serving, small};

use itl_sim::server::soap_axl::AxlService;

fn names(list: &[Listed]) -> Vec<String> {
    list.iter()
        .map(|p| p.get("name").expect("name").to_owned())
        .collect()
}

fn is_axl_uuid(s: &str) -> bool {
    let inner = s.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
    inner.is_some_and(|i| {
        let lens: Vec<usize> = i.split('-').map(str::len).collect();
        lens == [8, 4, 4, 4, 12]
            && i.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('A'..='F').contains(&c))
    })
}

async fn list(
    c: &common::axl::NodeClients,
    criteria: &str,
    tags: &str,
    extra: &str,
) -> Vec<Listed> {
    listed(
        &ok(
            c,
            "listPhone",
            &format!(
                "<searchCriteria>{criteria}</searchCriteria><returnedTags>{tags}</returnedTags>{extra}"
            ),
        )
        .await,
    )
}

#[tokio::test]
async fn list_phone_filters_pages_and_returns_only_the_requested_tags() {
    serving(90, &small(Generation::V12, true, ""), async |sim| {
        let snap = sim.handle().snapshot();
        let c = axl::client(sim, 0);
        let mut sorted: Vec<String> = snap.phones.iter().map(|p| p.name.clone()).collect();
        sorted.sort();

        // Every phone, sorted by name, each with an AXL-shaped uuid.
        let all = list(&c, "<name>SEP%</name>", "<name/>", "").await;
        assert_eq!(names(&all), sorted);
        assert_eq!(all.len(), 50);
        assert!(all.iter().all(|p| is_axl_uuid(&p.uuid)), "{:?}", all[0]);
        let uuids: BTreeSet<_> = all.iter().map(|p| p.uuid.clone()).collect();
        assert_eq!(uuids.len(), 50, "one uuid per phone");
        // Case-insensitive, and the same uuids on a second request.
        let lower = list(&c, "<name>sep%</name>", "<name/>", "").await;
        assert_eq!(lower, all);
        // Reject twin: a pattern nothing matches gives an empty <return/>.
        let none = ok(
            &c,
            "listPhone",
            "<searchCriteria><name>ATA%</name></searchCriteria><returnedTags><name/></returnedTags>",
        )
        .await;
        assert!(none.contains("<return/>"), "{none}");
        assert!(listed(&none).is_empty());

        // One phone by exact name (any case); the uuid is the one listed for it.
        let target = &sorted[7];
        let one = list(
            &c,
            &format!("<name>{}</name>", target.to_ascii_lowercase()),
            "<name/><description/>",
            "",
        )
        .await;
        assert_eq!(names(&one), std::slice::from_ref(target));
        assert_eq!(one[0].uuid, all[7].uuid);
        let want = snap.phones.iter().find(|p| &p.name == target).expect("phone");
        assert_eq!(one[0].get("description"), Some(want.description.as_str()));
        // Reject twin: the name without its last character matches nothing exactly.
        assert!(list(&c, &format!("<name>{}</name>", &target[..14]), "<name/>", "").await.is_empty());

        // Device pool: 50 phones round-robin over DP-1/DP-2.
        let dp1 = list(&c, "<devicePoolName>dp-1</devicePoolName>", "<name/><devicePoolName/>", "").await;
        assert_eq!(dp1.len(), 25);
        assert!(dp1.iter().all(|p| p.get("devicePoolName") == Some("DP-1")));
        // The reference carries the pool's uuid, the same for every phone of the pool.
        let body = ok(
            &c,
            "listPhone",
            "<searchCriteria><devicePoolName>DP-%</devicePoolName></searchCriteria><returnedTags><devicePoolName/></returnedTags>",
        )
        .await;
        let pool_uuids: BTreeSet<_> = axl::attributes(&body, "<devicePoolName uuid=\"").into_iter().collect();
        assert_eq!(pool_uuids.len(), 2, "{pool_uuids:?}");
        assert!(pool_uuids.iter().all(|u| is_axl_uuid(u)));
        assert!(list(&c, "<devicePoolName>DP-3</devicePoolName>", "<name/>", "").await.is_empty());

        // Description and protocol, combined with the pool (every criterion must match).
        let sccp = snap.phones.iter().filter(|p| p.protocol == "SCCP").count();
        let got = list(&c, "<protocol>sccp</protocol>", "<name/><protocol/>", "").await;
        assert_eq!(got.len(), sccp);
        assert!(got.iter().all(|p| p.get("protocol") == Some("SCCP")));
        let sip_dp2 = snap
            .phones
            .iter()
            .filter(|p| p.protocol == "SIP" && p.device_pool == "DP-2")
            .count();
        let got = list(&c, "<protocol>SIP</protocol><devicePoolName>DP-2</devicePoolName>", "<name/>", "").await;
        assert_eq!(got.len(), sip_dp2);
        let model = &snap.phones[0].model;
        let same_model = snap.phones.iter().filter(|p| &p.model == model).count();
        let got = list(&c, &format!("<description>{model}%</description>"), "<model/>", "").await;
        assert_eq!(got.len(), same_model);
        assert!(got.iter().all(|p| p.get("model") == Some(model.as_str())));

        // Security profiles: the TLS ones of the mixed cluster, and the standard rest.
        let tls: Vec<_> = snap
            .phones
            .iter()
            .filter(|p| p.security_mode != "Non Secure")
            .collect();
        assert!(!tls.is_empty() && tls.len() < 15, "{}", tls.len());
        let got = list(
            &c,
            "<securityProfileName>%Non-Secure Profile</securityProfileName>",
            "<name/><securityProfileName/>",
            "",
        )
        .await;
        assert_eq!(got.len(), 50 - tls.len());
        for p in &got {
            let name = p.get("name").expect("name");
            let s = snap.phones.iter().find(|s| s.name == name).expect("phone");
            assert_eq!(
                p.get("securityProfileName"),
                Some(format!("{} - Standard {} Non-Secure Profile", s.model, s.protocol).as_str())
            );
        }
        let enc = list(&c, "<securityProfileName>%encrypted profile</securityProfileName>", "<securityProfileName/>", "").await;
        let auth = list(&c, "<securityProfileName>%Authenticated Profile</securityProfileName>", "<securityProfileName/>", "").await;
        assert_eq!(enc.len() + auth.len(), tls.len());
        assert!(enc.iter().all(|p| p.get("securityProfileName").is_some_and(|n| n.ends_with(" Encrypted Profile"))));

        // returnedTags: only the requested ones, in schema order; empty → uuid only.
        let got = list(&c, "<name>SEP%</name>", "<devicePoolName/><name/>", "").await;
        assert!(got.iter().all(|p| p.tags.iter().map(|(t, _)| t.as_str()).eq(["name", "devicePoolName"])));
        let bare = list(&c, "<name>SEP%</name>", "", "").await;
        assert_eq!(bare.len(), 50);
        assert!(bare.iter().all(|p| p.tags.is_empty()));
        assert_eq!(bare.iter().map(|p| p.uuid.clone()).collect::<Vec<_>>(), all.iter().map(|p| p.uuid.clone()).collect::<Vec<_>>());
        let full = all_phones(&c, &["product", "class", "protocolSide", "callingSearchSpaceName"]).await;
        let p = &full[&sorted[0]];
        assert_eq!(p.get("class"), Some("Phone"));
        assert_eq!(p.get("protocolSide"), Some("User"));
        assert_eq!(p.get("callingSearchSpaceName"), Some(""));

        // Paging: first alone, skip with first; skip without first is ignored.
        let page = list(&c, "<name>%</name>", "<name/>", "<first>5</first>").await;
        assert_eq!(names(&page), sorted[..5]);
        let page = list(&c, "<name>%</name>", "<name/>", "<skip>10</skip><first>5</first>").await;
        assert_eq!(names(&page), sorted[10..15]);
        let page = list(&c, "<name>%</name>", "<name/>", "<skip>48</skip><first>5</first>").await;
        assert_eq!(names(&page), sorted[48..]);
        let page = list(&c, "<name>%</name>", "<name/>", "<skip>10</skip>").await;
        assert_eq!(names(&page), sorted, "skip without first is not honoured");
    })
    .await;
}

#[tokio::test]
async fn list_phone_faults_on_malformed_requests_and_oversized_answers() {
    serving(90, &small(Generation::V14, false, ""), async |sim| {
        let c = axl::client(sim, 0);
        let cases = [
            // returnedTags is required.
            ("<searchCriteria><name>%</name></searchCriteria>", "returnedTags"),
            // searchCriteria is required, and needs a criterion.
            ("<returnedTags><name/></returnedTags>", "searchCriteria"),
            ("<searchCriteria/><returnedTags><name/></returnedTags>", "devicePoolName"),
            // Unknown criterion, unknown tag, unknown element.
            ("<searchCriteria><model>x</model></searchCriteria><returnedTags><name/></returnedTags>", "'model'"),
            ("<searchCriteria><name>%</name></searchCriteria><returnedTags><bogus/></returnedTags>", "'bogus'"),
            ("<searchCriteria><name>%</name></searchCriteria><returnedTags><name/></returnedTags><limit>1</limit>", "'limit'"),
            // skip/first must be numbers.
            ("<searchCriteria><name>%</name></searchCriteria><returnedTags><name/></returnedTags><first>ten</first>", "'ten'"),
            ("<searchCriteria><name>%</name></searchCriteria><returnedTags><name/></returnedTags><skip>-1</skip><first>1</first>", "'-1'"),
        ];
        for (inner, mentions) in cases {
            let f = fault(&c, "listPhone", inner).await;
            assert_eq!(f.code, "soapenv:Client", "{inner}: {f}");
            assert!(f.message.starts_with("cvc-"), "{inner}: {f}");
            assert!(f.message.contains(mentions), "{inner}: {f}");
        }
        // Not XML at all.
        let err = c
            .axl.endpoint().post("\"CUCM:DB ver=12.5 listPhone\"", "<soapenv:Envelope><soapenv:Body><ns:listPhone>")
            .await
            .expect_err("malformed");
        assert!(err.to_string().contains("Client") || err.to_string().contains("malformed"), "{err}");

        // Size limit: the whole list is too large, a page fits.
        sim.handle().register_soap("/axl/", Arc::new(AxlService::new().with_max_bytes(2048)));
        let f = fault(
            &c,
            "listPhone",
            "<searchCriteria><name>%</name></searchCriteria><returnedTags><name/><description/><devicePoolName/></returnedTags>",
        )
        .await;
        assert!(f.message.starts_with("Query request too large. Total rows matched: 50 rows."), "{f}");
        assert_eq!(f.axl_code(), Some(-1));
        assert_eq!(f.detail_value("request"), Some("listPhone"));
        let page = ok(
            &c,
            "listPhone",
            "<searchCriteria><name>%</name></searchCriteria><returnedTags><name/><description/><devicePoolName/></returnedTags><first>3</first>",
        )
        .await;
        assert_eq!(listed(&page).len(), 3);
    })
    .await;
}
