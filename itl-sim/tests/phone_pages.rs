//! Phone web pages over real sockets: trust fields, both layouts, status messages, XML, and
//! the faulty phones (web off, unreachable, garbage, oversized).

mod common;

use common::{NETWORK_SETUP, STATUS_MESSAGES, field, get_page, page_client, small, start, within};
use itl_core::cucm::{Generation, PhoneState};
use itl_sim::FaultKind;

#[tokio::test]
async fn pages_show_the_held_itl_md5() {
    within(60, async {
        let sim = start(&small(Generation::V12, false, "")).await;
        let client = page_client();
        let phones = sim.handle().read(|c| c.phones().len());
        let (mut modern, mut classic) = (0, 0);
        for i in 0..phones {
            let (expected, tftp, is_classic) = sim.handle().read(|c| {
                let p = &c.phones()[i];
                let itl = p
                    .itl
                    .and_then(|id| c.archive().get(id))
                    .expect("holds an ITL");
                (
                    itl.md5_upper(),
                    c.nodes()[p.tftp_node].address.to_string(),
                    p.model.family().classic_pages(),
                )
            });
            let html = get_page(&client, &sim, i, NETWORK_SETUP)
                .await
                .expect("page");
            let (itl_label, tftp_label) = if is_classic {
                classic += 1;
                assert!(html.contains("<TABLE"), "79xx layout");
                ("ITL File", "TFTP Server 1")
            } else {
                modern += 1;
                assert!(
                    html.contains("<td width=\"20\"></td>"),
                    "78xx/88xx/99xx layout"
                );
                ("ITL file", "TFTP server 1")
            };
            assert_eq!(field(&html, itl_label).as_deref(), Some(expected.as_str()));
            assert_eq!(
                field(&html, "ITL signature").as_deref(),
                Some(expected.as_str())
            );
            assert_eq!(field(&html, tftp_label).as_deref(), Some(tftp.as_str()));
            assert_eq!(
                field(&html, "CTL file").as_deref(),
                Some(""),
                "no CTL in non-secure mode"
            );
            // And the hash equals what the phone's TFTP node serves (no fault: state ok).
            assert_eq!(sim.handle().read(|c| c.phone_state(i)), PhoneState::Ok);
        }
        assert!(modern > 0 && classic > 0, "both layouts exercised");
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn status_messages_device_information_and_404() {
    within(60, async {
        let sim = start(&small(Generation::V12, false, "")).await;
        let client = page_client();
        let html = get_page(&client, &sim, 0, STATUS_MESSAGES)
            .await
            .expect("messages");
        assert!(html.contains("Trust List updated"));
        assert!(html.contains("File Not Found &lt;CTLFile.tlv&gt;"));
        let xml = get_page(&client, &sim, 0, "/DeviceInformationX")
            .await
            .expect("xml");
        let (name, model) = sim.handle().read(|c| {
            let p = &c.phones()[0];
            (p.name.clone(), p.model.model_number())
        });
        assert!(xml.contains(&format!("<HostName>{name}</HostName>")));
        assert!(xml.contains(&format!("<modelNumber>{model}</modelNumber>")));
        let missing = get_page(&client, &sim, 0, "/CGI/Java/Serviceability?adapter=nothing").await;
        assert_eq!(missing, Err("status 404 Not Found".into()));
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn faulty_phones_misbehave_as_specified() {
    within(60, async {
        let spec = "web-off=3,unreachable=2,garbage=2,oversized=2,powered-off=2,slow=2@300ms";
        let sim = start(&small(Generation::V12, false, spec)).await;
        // Short timeout: silent phones never answer.
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_millis(500))
            .timeout(std::time::Duration::from_millis(1500))
            .no_proxy()
            .build()
            .expect("client");
        let phones: Vec<Option<FaultKind>> = sim
            .handle()
            .read(|c| c.phones().iter().map(|p| p.fault.map(|f| f.kind)).collect());
        let mut seen = std::collections::BTreeMap::new();
        for (i, fault) in phones.iter().enumerate() {
            let result = get_page(&client, &sim, i, NETWORK_SETUP).await;
            match fault {
                Some(FaultKind::WebOff | FaultKind::PoweredOff | FaultKind::Unreachable) => {
                    assert!(
                        result.is_err(),
                        "phone {i} ({fault:?}) must not answer: {result:?}"
                    );
                }
                Some(FaultKind::Garbage) => {
                    let body = result.expect("garbage is a 200");
                    assert!(field(&body, "ITL file").is_none());
                }
                Some(FaultKind::Oversized) => {
                    let body = result.expect("oversized is a 200");
                    assert_eq!(body.len(), 8 << 20);
                }
                _ => {
                    let body = result.expect("answers");
                    assert!(
                        field(&body, "ITL signature").is_some_and(|v| v.len() == 32)
                            || field(&body, "ITL Signature").is_some_and(|v| v.len() == 32)
                    );
                }
            }
            if let Some(f) = fault {
                *seen.entry(*f).or_insert(0) += 1;
            }
        }
        assert_eq!(seen.len(), 6, "{seen:?}");
        sim.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn web_off_refuses_per_phone_listeners_too() {
    within(60, async {
        let options = small(Generation::V12, false, "web-off=5");
        let cluster = itl_sim::Cluster::build(&options).expect("builds");
        let mut serve = itl_sim::ServeOptions::ephemeral("admin", common::PASSWORD);
        serve.phone_listeners = itl_sim::server::PhoneListeners::PerPhone;
        let sim = itl_sim::SimServer::start(cluster, serve)
            .await
            .expect("starts");
        let client = page_client();
        let faults: Vec<bool> = sim
            .handle()
            .read(|c| c.phones().iter().map(|p| !p.web_access).collect());
        for (i, off) in faults.iter().enumerate() {
            let r = get_page(&client, &sim, i, NETWORK_SETUP).await;
            assert_eq!(r.is_err(), *off, "phone {i}: {r:?}");
            if *off {
                let e = r.expect_err("refused");
                assert!(e.contains("Connect") || e.contains("refused"), "{e}");
            }
        }
        sim.shutdown().await;
    })
    .await;
}
