//! HTTPS 8443: the node's pinned Tomcat certificate, Basic auth (401 for wrong credentials),
//! CUCM's fault for requests no service handles, the SOAP extension point, RisPort throttling.

mod common;

use itl_core::cucm::{CertUnit, Generation, Service};
use std::sync::Arc;

use common::{PASSWORD, serving, small};

use itl_sim::model::version_string;
use itl_sim::server::soap::{SoapContext, SoapRequest, SoapResponse, SoapService};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .tls_info(true)
        .timeout(std::time::Duration::from_secs(5))
        .no_proxy()
        .build()
        .expect("client")
}

const BODY: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/14.0"><soapenv:Header/><soapenv:Body><ns:getSmartLicenseStatus><processNodeName></processNodeName></ns:getSmartLicenseStatus></soapenv:Body></soapenv:Envelope>"#;

async fn post(
    c: &reqwest::Client,
    url: &str,
    user: &str,
    pass: &str,
) -> (u16, String, Option<Vec<u8>>) {
    let r = c
        .post(url)
        .basic_auth(user, Some(pass))
        .header("SOAPAction", "\"CUCM:DB ver=14.0 getSmartLicenseStatus\"")
        .header("Content-Type", "text/xml")
        .body(BODY)
        .send()
        .await
        .expect("request");
    let cert = r
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|t| t.peer_certificate().map(<[u8]>::to_vec));
    (
        r.status().as_u16(),
        r.text().await.unwrap_or_default(),
        cert,
    )
}

/// [`post`] as `admin` with the right password, asserted to be answered with a fault (500);
/// the body and the peer certificate.
async fn fault_of(c: &reqwest::Client, url: &str) -> (String, Option<Vec<u8>>) {
    let (status, body, cert) = post(c, url, "admin", PASSWORD).await;
    assert_eq!(status, 500, "{body}");
    (body, cert)
}

struct Version;

impl SoapService for Version {
    fn handle(&self, ctx: &SoapContext<'_>, request: &SoapRequest<'_>) -> SoapResponse {
        let v = ctx.sim.read(|c| version_string(c.settings().generation));
        SoapResponse::ok(format!(
            "<version node=\"{}\" path=\"{}\" action=\"{}\">{v}</version>",
            ctx.node,
            request.path,
            request.soap_action.unwrap_or("")
        ))
    }
}

#[tokio::test]
async fn credentials_pin_faults_and_extension_point() {
    serving(60, &small(Generation::V14, false, ""), async |sim| {
        let file = sim.cluster_file();
        let c = client();
        let axl = &file.nodes[0].axl;
        let (status, body, cert) = post(&c, axl, "admin", "wrong").await;
        assert_eq!(status, 401, "{body}");
        let (status, _, _) = post(&c, axl, "nobody", PASSWORD).await;
        assert_eq!(status, 401);
        let (body, cert_ok) = fault_of(&c, axl).await;
        assert!(
            body.contains("<faultstring>The endpoint reference (EPR) for the Operation not found"),
            "{body}"
        );
        // The pin in the cluster file is the certificate served.
        let der = cert.or(cert_ok).expect("peer certificate");
        let pin = file.nodes[0].tls_pin().expect("valid").expect("pin");
        assert_eq!(itl_wire::Sha256Fingerprint::of_der(&der), pin);

        sim.handle().register_soap("/axl/", Arc::new(Version));
        let (status, body, _) = post(&c, axl, "admin", PASSWORD).await;
        assert_eq!(status, 200);
        assert!(
            body.contains("14.0.1")
                && body.contains("node=\"ucm-pub\"")
                && body.contains("getSmartLicenseStatus"),
            "{body}"
        );
        // Other endpoints still get the Axis fault.
        let (body, _) = fault_of(&c, &file.nodes[1].control_center).await;
        assert!(
            body.contains("No such operation 'getSmartLicenseStatus'"),
            "{body}"
        );
        // Unknown paths: 404, even with credentials.
        let r = c
            .get(format!("https://{}/ccmadmin/", sim.nodes()[0].https))
            .basic_auth("admin", Some(PASSWORD))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 404);

        // Regenerating tomcat changes the certificate after a Tomcat restart only.
        let h = sim.handle().clone();
        h.regenerate("ucm-pub", CertUnit::Tomcat)
            .await
            .expect("regen");
        assert_eq!(h.tls_sha256(0), Some(pin.0));
        h.restart_service("ucm-pub", Service::Tomcat)
            .expect("restart");
        assert_ne!(h.tls_sha256(0), Some(pin.0));
        // A new client: a new connection, so the new certificate.
        let fresh = client();
        let (_, _, cert) = post(&fresh, axl, "admin", PASSWORD).await;
        assert_eq!(
            cert.map(|d| itl_core::checksum::sha256(&d)),
            h.tls_sha256(0)
        );
    })
    .await;
}

#[tokio::test]
async fn risport_throttling_node_fault() {
    let options = small(Generation::V12, false, "risport-throttle=ucm-sub1");
    serving(60, &options, async |sim| {
        let file = sim.cluster_file();
        let c = client();
        let throttled = &file.nodes[1].risport;
        fault_of(&c, throttled).await;
        let (body, _) = fault_of(&c, throttled).await;
        assert!(
            body.contains("Exceeded allowed rate for Reatime information"),
            "{body}"
        );
        let (_, body, _) = post(&c, &file.nodes[0].risport, "admin", PASSWORD).await;
        assert!(
            !body.contains("Exceeded allowed rate"),
            "the other node is not throttled: {body}"
        );
    })
    .await;
}
