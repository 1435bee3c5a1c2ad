//! AXL object operations over the wire: the real SOAP clients, pinned to the node's Tomcat
//! certificate from the cluster file, posting hand-written envelopes; listPhone answers
//! parsed into (uuid, tags).

use std::collections::BTreeMap;
use std::time::Duration;

use itl_cucm::secrets::Credentials;
use itl_cucm::soap::pacer::PacerConfig;
use itl_cucm::soap::{
    AxlClient, ClientError, ControlCenterClient, RisPortClient, SoapEndpoint, SoapOptions,
};
use itl_cucm::transport::TlsTrust;
use itl_sim::SimServer;
use itl_wire::soap::SoapFault;
use itl_wire::soap::axl::Row;
use itl_wire::soap::control_center::{ControlType, ServiceInfo, ServiceInformation};
use itl_wire::soap::envelope::parse_envelope;

use super::PASSWORD;

/// The AXL schema version the tests speak: one that both the 12+ (12.5) and the 14+ (14.0)
/// simulated releases serve.
pub const VERSION: &str = "12.5";

/// The SOAP clients of one node, on the URLs and the pin the cluster file gives.
pub struct NodeClients {
    /// AXL (the node's endpoint; AXL is the publisher's service on a real cluster).
    pub axl: AxlClient,
    /// RisPort70.
    pub risport: RisPortClient,
    /// Control Center.
    pub control: ControlCenterClient,
}

impl NodeClients {
    /// Control Center's `control` of one `service` on `node` (it must answer); that service's
    /// entry of the answer.
    pub async fn control_one(
        &self,
        node: &str,
        control: ControlType,
        service: &str,
    ) -> ServiceInfo {
        let answer = self
            .control
            .control_services(node, control, &[service])
            .await
            .unwrap_or_else(|e| panic!("{control:?} {service} on {node}: {e}"));
        only(answer)
    }

    /// The rows AXL `executeSQLQuery` answers to `query` (it must answer).
    pub async fn sql(&self, query: &str) -> Vec<Row> {
        self.axl
            .execute_sql(query)
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    /// Control Center's status of one `service` (it must answer).
    pub async fn status_one(&self, service: &str) -> ServiceInfo {
        let answer = self
            .control
            .service_status(&[service])
            .await
            .unwrap_or_else(|e| panic!("status of {service}: {e}"));
        only(answer)
    }
}

/// The one service entry of an answer about one service.
fn only(mut answer: ServiceInformation) -> ServiceInfo {
    assert_eq!(answer.services.len(), 1, "one service asked, one answered");
    answer.services.remove(0)
}

/// The clients of node `index`, pinned to the fingerprint the cluster file gives, with fast
/// RisPort pacing and no retries on the rate fault.
pub fn client(sim: &SimServer, index: usize) -> NodeClients {
    let file = sim.cluster_file();
    let node = &file.nodes[index];
    let trust = TlsTrust::Pinned(
        node.tls_pin()
            .expect("valid pin")
            .expect("pin in cluster file"),
    );
    let opts = SoapOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(30),
        ..SoapOptions::default()
    };
    let pacing = PacerConfig {
        per_minute: 6000,
        max_retries: 0,
        ..PacerConfig::default()
    };
    let endpoint = |url: &str| {
        SoapEndpoint::new(url, Credentials::new("admin", PASSWORD), trust, &opts).expect(url)
    };
    NodeClients {
        axl: AxlClient::new(endpoint(&node.axl), VERSION),
        risport: RisPortClient::new(endpoint(&node.risport), pacing),
        control: ControlCenterClient::new(endpoint(&node.control_center)),
    }
}

/// The request envelope of `operation` with `inner` inside the operation element.
pub fn envelope(operation: &str, inner: &str) -> String {
    format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/{VERSION}"><soapenv:Header/><soapenv:Body><ns:{operation}>{inner}</ns:{operation}></soapenv:Body></soapenv:Envelope>"#
    )
}

/// POSTs `operation` to `/axl/`: the response body, or the SOAP fault.
pub async fn call(c: &NodeClients, operation: &str, inner: &str) -> Result<String, SoapFault> {
    let action = format!("\"CUCM:DB ver={VERSION} {operation}\"");
    match c
        .axl
        .endpoint()
        .post(&action, &envelope(operation, inner))
        .await
    {
        Ok(body) => Ok(String::from_utf8(body).expect("utf-8 body")),
        Err(ClientError::Soap { source, .. }) => Err(source
            .fault()
            .cloned()
            .unwrap_or_else(|| panic!("expected a SOAP fault, got {source}"))),
        Err(other) => panic!("{operation}: expected a SOAP answer, got {other}"),
    }
}

/// Like [`call`], expecting success.
pub async fn ok(c: &NodeClients, operation: &str, inner: &str) -> String {
    call(c, operation, inner)
        .await
        .unwrap_or_else(|f| panic!("{operation} {inner}: {f}"))
}

/// Like [`call`], expecting a fault.
pub async fn fault(c: &NodeClients, operation: &str, inner: &str) -> SoapFault {
    match call(c, operation, inner).await {
        Ok(body) => panic!("{operation} {inner}: expected a fault, got {body}"),
        Err(f) => f,
    }
}

/// One phone of a listPhone answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The `uuid` attribute.
    pub uuid: String,
    /// Child elements in order: tag → text.
    pub tags: Vec<(String, String)>,
}

impl Listed {
    /// The text of a tag.
    pub fn get(&self, tag: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a listPhone response: the operation/return shape checked, phones in order.
pub fn listed(body: &str) -> Vec<Listed> {
    let payload = parse_envelope(body.as_bytes()).expect("listPhone response parses");
    assert_eq!(payload.name, "listPhoneResponse");
    assert_eq!(
        payload.namespace.as_deref(),
        Some(format!("http://www.cisco.com/AXL/API/{VERSION}").as_str())
    );
    let ret = payload.child("return").expect("<return>");
    let uuids = attributes(body, "<phone uuid=\"");
    assert_eq!(uuids.len(), ret.children.len(), "one uuid per phone");
    ret.children
        .iter()
        .zip(uuids)
        .map(|(phone, uuid)| {
            assert_eq!(phone.name, "phone");
            Listed {
                uuid,
                tags: phone
                    .children
                    .iter()
                    .map(|c| (c.name.clone(), c.text.clone()))
                    .collect(),
            }
        })
        .collect()
}

/// The values of every attribute that follows `marker` (`<phone uuid="`), in order.
pub fn attributes(body: &str, marker: &str) -> Vec<String> {
    body.split(marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// The `<return>` text of a reset-style response of `operation`.
pub fn returned(body: &str, operation: &str) -> String {
    let payload = parse_envelope(body.as_bytes()).expect("response parses");
    assert_eq!(payload.name, format!("{operation}Response"));
    payload.child_text("return").expect("<return>").to_owned()
}

/// listPhone for the phones `criteria` (the inside of `searchCriteria`) selects, returning
/// `name` and `tags`: each phone's name and what it listed.
pub async fn list_phones(c: &NodeClients, criteria: &str, tags: &[&str]) -> Vec<(String, Listed)> {
    let returned: String = tags.iter().map(|t| format!("<{t}/>")).collect();
    let body = ok(
        c,
        "listPhone",
        &format!("<searchCriteria>{criteria}</searchCriteria><returnedTags><name/>{returned}</returnedTags>"),
    )
    .await;
    listed(&body)
        .into_iter()
        .map(|p| (p.get("name").expect("name").to_owned(), p))
        .collect()
}

/// listPhone for every phone with `tags`, as a map name → listed phone.
pub async fn all_phones(c: &NodeClients, tags: &[&str]) -> BTreeMap<String, Listed> {
    list_phones(c, "<name>%</name>", tags)
        .await
        .into_iter()
        .collect()
}
