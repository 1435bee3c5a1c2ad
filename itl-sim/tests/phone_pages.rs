//! Phone web pages over real sockets, read with the sweep's own parsers: each family's layout
//! (markup case, row shape, signature rows, TVS rows, pages without trust fields, DX-series
//! and 7940-era paths, time-of-day status messages), the held lists' hashes, XML, determinism,
//! and the faulty phones (web off, unreachable, garbage, oversized).

mod common;

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use common::{
    NETWORK_SETUP, PASSWORD, get_page, held_itl, network_setup_path, page_client, serving, sized,
    small, start, status_log, within,
};
use itl_core::cucm::{Generation, PhoneState};
use itl_cucm::sweep::page::{
    MessageTime, PageKind, TrustField, link_of, page_links, parse_device_information_x,
    parse_network_setup, parse_status_messages,
};
use itl_sim::FaultKind;
use itl_sim::phone::pages::family::{HashForm, Markup, TrustRows};
use itl_sim::phone::pages::{Page, PageData, PageFamily, Paths, render};

/// What the test needs to know of a phone, from the model.
struct Facts {
    family: PageFamily,
    itl_md5: Option<[u8; 16]>,
    itl_sha1: Option<[u8; 20]>,
    tftp: String,
    group: Vec<String>,
}

fn facts(sim: &itl_sim::SimServer, i: usize) -> Facts {
    sim.handle().read(|c| {
        let p = &c.phones()[i];
        let itl = p.itl.and_then(|id| c.archive().get(id));
        Facts {
            family: PageFamily::of(p.model),
            itl_md5: itl.map(|f| f.md5),
            itl_sha1: itl.map(|f| f.sha1),
            tftp: c.nodes()[p.tftp_node].address.to_string(),
            group: c
                .tvs_servers(p)
                .iter()
                .map(|&n| c.nodes()[n].name.clone())
                .collect(),
        }
    })
}

#[tokio::test]
async fn every_family_shows_what_its_phones_hold_in_its_own_layout() {
    let options = sized(3, 300, Generation::V12, false, "");
    serving(120, &options, async |sim| {
        let client = page_client();
        let phones = sim.handle().read(|c| c.phones().len());
        let mut families = BTreeSet::new();
        for i in 0..phones {
            let f = facts(sim, i);
            let style = f.family.style();
            families.insert(format!("{:?}", f.family));
            let html = get_page(&client, sim, i, network_setup_path(sim, i))
                .await
                .expect("network setup page");
            let setup = parse_network_setup(html.as_bytes()).expect("text");
            // Every family names its TFTP server; no CTL in non-secure mode.
            assert_eq!(setup.tftp_server_1.as_deref(), Some(f.tftp.as_str()), "{i}");
            match style.markup {
                Markup::Firmware => assert!(html.contains("<TR><TD><B>") && !html.contains("<tr>")),
                Markup::Saved => assert!(html.contains("<tbody>") && !html.contains("<TR>")),
                Markup::Classic => assert!(html.contains("<FONT SIZE=2>")),
                Markup::Plain => assert!(html.contains("<tr><td>")),
            }
            assert_eq!(
                html.contains("<TD WIDTH=20></TD>") || html.contains("<td width=\"20\"></td>"),
                style.three_cells,
                "{:?}",
                f.family
            );
            if style.trust == TrustRows::None {
                assert!(!setup.trust_fields_present(), "{:?}: {html}", f.family);
                let lower = html.to_ascii_lowercase();
                assert!(
                    !lower.contains("itl file")
                        && !lower.contains("ctl file")
                        && !lower.contains("tvs"),
                    "{html}"
                );
                continue;
            }
            let md5 = f.itl_md5.expect("holds an ITL");
            let sha1 = f.itl_sha1.expect("holds an ITL");
            let expected = match style.trust {
                TrustRows::Signature(HashForm::Sha1Pairs)
                | TrustRows::FileRow(HashForm::Sha1Pairs) => hex::encode(sha1),
                _ => hex::encode(md5),
            };
            assert_eq!(
                setup.itl_hashes(),
                vec![expected.as_str()],
                "{:?}",
                f.family
            );
            match style.trust {
                TrustRows::Signature(_) => {
                    assert_eq!(setup.itl_file, Some(TrustField::Installed));
                    assert_eq!(
                        setup.ctl_file,
                        Some(TrustField::Absent("Not Installed".into()))
                    );
                    assert_eq!(setup.ctl_signature, None);
                }
                _ => {
                    assert_eq!(setup.itl_signature, None);
                    assert!(setup.ctl_file.as_ref().is_some_and(TrustField::is_absent));
                }
            }
            if matches!(
                style.trust,
                TrustRows::Signature(HashForm::Sha1Pairs | HashForm::Md5Pairs)
            ) {
                // Pairs with a trailing space, as real firmware writes them.
                let pairs: String = if expected.len() == 40 {
                    sha1.to_vec()
                } else {
                    md5.to_vec()
                }
                .iter()
                .map(|b| format!("{b:02X} "))
                .collect();
                assert!(html.contains(&pairs), "{:?}", f.family);
            }
            // One TVS row per group server by host name, two to five, the first maybe twice.
            assert!((2..=5).contains(&setup.tvs.len()), "{:?}", setup.tvs);
            assert!(setup.tvs.iter().all(|t| t.parse::<Ipv4Addr>().is_err()));
            assert_eq!(
                setup.tvs[..f.group.len().min(setup.tvs.len())],
                f.group[..f.group.len().min(setup.tvs.len())]
            );
            assert!(setup.tvs.iter().all(|t| f.group.contains(t)));
            if style.entity_dashes {
                assert!(html.contains("ucm&#x2D;pub"), "{:?}", f.family);
            }
            // And the held list is the served one (no fault: state ok).
            assert_eq!(sim.handle().read(|c| c.phone_state(i)), PhoneState::Ok);
            assert_eq!(
                held_itl(&client, sim, i).await,
                Some(hex::encode_upper(md5))
            );
        }
        let all: BTreeSet<String> = [
            PageFamily::Cp78xx,
            PageFamily::Cp7841,
            PageFamily::Cp88xx,
            PageFamily::Cp8945,
            PageFamily::Cp99xx,
            PageFamily::Cp79x2,
            PageFamily::Cp7945,
            PageFamily::Cp7940,
            PageFamily::Cp6921,
            PageFamily::Dx80,
        ]
        .iter()
        .map(|f| format!("{f:?}"))
        .collect();
        assert_eq!(families, all, "every family exercised");
    })
    .await;
}

#[tokio::test]
async fn dx_and_7940_pages_are_found_through_their_links_only() {
    let options = sized(3, 300, Generation::V12, false, "");
    serving(120, &options, async |sim| {
        let client = page_client();
        let find = |paths: Paths| {
            sim.handle().read(|c| {
                (0..c.phones().len())
                    .find(|&i| PageFamily::of(c.phones()[i].model).style().paths == paths)
                    .expect("a phone of the layout")
            })
        };
        // DX80: the usual path is missing; the home page links the pages, security included.
        let dx = find(Paths::Adapter);
        assert_eq!(
            get_page(&client, sim, dx, NETWORK_SETUP).await,
            Err("status 404 Not Found".into())
        );
        let home = get_page(&client, sim, dx, "/").await.expect("home");
        let links = page_links(&home);
        let setup_link = link_of(&links, PageKind::NetworkSetup).expect("setup link");
        assert_eq!(setup_link.path, "/?adapter=device.statistics.configuration");
        let security = link_of(&links, PageKind::Security).expect("security link");
        let security = get_page(&client, sim, dx, &security.path)
            .await
            .expect("security");
        let mut setup = parse_network_setup(
            get_page(&client, sim, dx, &setup_link.path)
                .await
                .expect("setup")
                .as_bytes(),
        )
        .expect("text");
        setup.merge(parse_network_setup(security.as_bytes()).expect("text"));
        assert!(
            !setup.trust_fields_present(),
            "no DX page shows a trust field"
        );
        assert_eq!(setup.security_mode.as_deref(), Some("Non-secure"));
        let messages = link_of(&links, PageKind::StatusMessages).expect("messages link");
        let log = get_page(&client, sim, dx, &messages.path)
            .await
            .expect("log");
        let parsed = parse_status_messages(log.as_bytes()).expect("text");
        assert!(!parsed.is_empty());
        assert!(parsed.iter().all(|m| matches!(m.time, MessageTime::At(_))));

        // 7940: RomPager paths, time-of-day messages between <BR>s.
        let old = find(Paths::RomPager);
        assert!(get_page(&client, sim, old, NETWORK_SETUP).await.is_err());
        let home = get_page(&client, sim, old, "/").await.expect("home");
        let links = page_links(&home);
        assert_eq!(
            link_of(&links, PageKind::NetworkSetup).map(|l| l.path.as_str()),
            Some("/NetworkConfiguration")
        );
        assert_eq!(
            link_of(&links, PageKind::StatusMessages).map(|l| l.path.as_str()),
            Some("/DeviceLog?0")
        );
        let log = get_page(&client, sim, old, "/DeviceLog?0")
            .await
            .expect("log");
        assert!(log.contains("<BR>"));
        let parsed = parse_status_messages(log.as_bytes()).expect("text");
        let model: Vec<(u64, String)> = sim.handle().read(|c| {
            c.phones()[old]
                .log
                .entries()
                .map(|e| (e.time, e.text.to_string()))
                .collect()
        });
        assert_eq!(parsed.len(), model.len().min(30));
        for (m, (secs, text)) in parsed.iter().zip(&model[model.len().saturating_sub(30)..]) {
            assert_eq!(
                m.time,
                MessageTime::TimeOfDay(itl_cucm::sweep::page::TimeOfDay {
                    secs: (secs % 86_400) as u32
                })
            );
            assert_eq!(&m.text, text);
        }
    })
    .await;
}

#[tokio::test]
async fn status_messages_device_information_and_404() {
    serving(60, &small(Generation::V12, false, ""), async |sim| {
        let client = page_client();
        for i in 0..10 {
            let html = status_log(&client, sim, i).await;
            // 7940/7960 hold no ITL: no ITL update is ever logged.
            let holds_itl = sim.handle().read(|c| c.phones()[i].model.holds_itl());
            assert_eq!(html.contains("Trust List updated"), holds_itl, "{html}");
            assert!(html.contains("File Not Found &lt;CTLFile.tlv&gt;"));
            let xml = get_page(&client, sim, i, "/DeviceInformationX")
                .await
                .expect("xml");
            let info = parse_device_information_x(xml.as_bytes()).expect("parses");
            let (name, model, mac, load) = sim.handle().read(|c| {
                let p = &c.phones()[i];
                (
                    p.name.clone(),
                    p.model.model_number(),
                    p.mac.to_string(),
                    p.model.load_id(p.protocol),
                )
            });
            assert_eq!(info.host_name, Some(name));
            assert_eq!(info.model, Some(model));
            assert_eq!(info.mac, Some(mac));
            assert_eq!(info.firmware(), Some(load.as_str()));
        }
        let missing = get_page(&client, sim, 0, "/CGI/Java/Serviceability?adapter=nothing").await;
        assert_eq!(missing, Err("status 404 Not Found".into()));
    })
    .await;
}

#[test]
fn same_seed_same_pages() {
    let build = |seed| {
        let mut o = sized(3, 120, Generation::V12, false, "stale-itl=3");
        o.seed = seed;
        itl_sim::Cluster::build(&o).expect("builds")
    };
    let pages = |c: &itl_sim::Cluster| -> Vec<String> {
        (0..c.phones().len())
            .flat_map(|i| {
                let data = PageData::of(c, i).expect("phone");
                [
                    Page::NetworkSetup,
                    Page::StatusMessages,
                    Page::DeviceInformation,
                    Page::Security,
                    Page::DeviceInformationX,
                    Page::NetworkConfigurationX,
                ]
                .map(|p| render(p, &data).1)
            })
            .collect()
    };
    let a = pages(&build(7));
    assert_eq!(a, pages(&build(7)));
    assert_ne!(a, pages(&build(8)));
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
            let result = get_page(&client, &sim, i, network_setup_path(&sim, i)).await;
            match fault {
                Some(FaultKind::WebOff | FaultKind::PoweredOff | FaultKind::Unreachable) => {
                    assert!(
                        result.is_err(),
                        "phone {i} ({fault:?}) must not answer: {result:?}"
                    );
                }
                Some(FaultKind::Garbage) => {
                    let body = result.expect("garbage is a 200");
                    assert!(parse_network_setup(body.as_bytes()).is_err());
                }
                Some(FaultKind::Oversized) => {
                    let body = result.expect("oversized is a 200");
                    assert_eq!(body.len(), 8 << 20);
                }
                _ => {
                    let body = result.expect("answers");
                    let setup = parse_network_setup(body.as_bytes()).expect("text");
                    let shows = sim
                        .handle()
                        .read(|c| c.phones()[i].model.pages_show_trust());
                    assert_eq!(setup.itl_hashes().len(), usize::from(shows), "{i}");
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
        let mut serve = itl_sim::ServeOptions::ephemeral("admin", PASSWORD);
        serve.phone_listeners = itl_sim::server::PhoneListeners::PerPhone;
        let sim = itl_sim::SimServer::start(cluster, serve)
            .await
            .expect("starts");
        let client = page_client();
        let faults: Vec<bool> = sim
            .handle()
            .read(|c| c.phones().iter().map(|p| !p.web_access).collect());
        for (i, off) in faults.iter().enumerate() {
            let r = get_page(&client, &sim, i, network_setup_path(&sim, i)).await;
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
