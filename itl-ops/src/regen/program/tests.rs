use super::*;
use itl_core::cucm::Generation;

fn node(name: &str, publisher: bool, generation: Generation, services: &[Service]) -> NodeRoles {
    let mut all = services.to_vec();
    all.extend([
        Service::Tomcat,
        Service::DrfLocal,
        Service::CertificateChangeNotification,
    ]);
    if publisher {
        all.push(Service::DrfMaster);
    }
    NodeRoles {
        name: name.into(),
        publisher,
        services: all.into_iter().collect(),
        units: CertUnit::ALL
            .into_iter()
            .filter(|u| u.held_by(publisher, generation))
            .collect(),
    }
}

fn topology(generation: Generation, mixed: bool) -> RegenFacts {
    use Service::*;
    RegenFacts {
        cluster: "lab".into(),
        generation,
        mixed,
        automatic_phone_interaction: false,
        lscs_in_use: false,
        sso: false,
        phones: Some(10),
        nodes: vec![
            node(
                "ucm-pub",
                true,
                generation,
                &[Tftp, Tvs, CallManager, CtiManager, Capf],
            ),
            node(
                "ucm-sub1",
                false,
                generation,
                &[Tftp, Tvs, CallManager, CtiManager],
            ),
            node("ucm-sub2", false, generation, &[Tvs, CallManager]),
        ],
        cm_groups: vec![],
        dependants: vec![],
        notes: vec![],
    }
}

fn listing(program: &Program) -> Vec<String> {
    program
        .phases
        .iter()
        .flat_map(|p| {
            p.actions
                .iter()
                .map(move |a| format!("{} {} | {}", p.number, a.id, a.kind.command()))
        })
        .collect()
}

#[test]
fn every_line_becomes_its_actions_with_ids_and_exact_commands() {
    let plan = Plan::parse(
        "regen CallManager @all\n\
         restart TFTP @all\n\
         restart Tomcat @ucm-sub2\n\
         reset phones\n\
         gate registered\n\
         regen CAPF\n\
         stop Certificate Change Notification @ucm-sub1\n\
         wait 30m\n\
         backup\n",
    )
    .unwrap();
    let program = Program::build(&plan, &topology(Generation::V12, false)).unwrap();
    assert_eq!(
        listing(&program),
        vec![
            "1 1.1 | ssh ucm-pub: set cert regen CallManager",
            "1 1.2 | ssh ucm-sub1: set cert regen CallManager",
            "1 1.3 | ssh ucm-sub2: set cert regen CallManager",
            "1 2.1 | control center ucm-sub1: soapDoControlServices Restart \"Cisco Tftp\"",
            "1 2.2 | control center ucm-pub: soapDoControlServices Restart \"Cisco Tftp\"",
            "1 3.1 | ssh ucm-sub2: utils service restart Cisco Tomcat",
            "1 4.1 | axl: resetPhone every phone, device pool by device pool, in batches",
            "1 5.1 | gate registered",
            "2 6.1 | ssh ucm-pub: set cert regen CAPF",
            "2 7.1 | control center ucm-sub1: soapDoControlServices Stop \"Cisco Certificate Change Notification\"",
            "2 8.1 | wait 30m",
            "2 9.1 | ssh ucm-pub: utils disaster_recovery backup network …",
            "2 p2.services | gate services",
            "2 p2.files | gate files",
            "2 p2.registered | gate registered",
            "2 p2.trust | gate trust",
        ]
    );
    let a = program.action("1.2").unwrap();
    assert_eq!(a.line, 1);
    assert_eq!(a.step, "regen CallManager @all");
    assert_eq!(a.kind.node(), Some("ucm-sub1"));
    assert!(a.kind.changes_cluster());
    assert!(!program.action("8.1").unwrap().kind.changes_cluster());
    assert!(program.action("10.1").is_none());
}

#[test]
fn units_and_services_go_only_where_they_exist() {
    // ITLRecovery: every node on 11.5, the publisher only from 12.0; TVS restarts on the
    // nodes that run it; DRF Master on the publisher.
    let plan =
        Plan::parse("regen ITLRecovery\nrestart DRF Master @all\nrestart CTIManager\n").unwrap();
    let old = Program::build(&plan, &topology(Generation::V11_5, false)).unwrap();
    let new = Program::build(&plan, &topology(Generation::V12, false)).unwrap();
    let regen_nodes = |p: &Program| -> Vec<String> {
        p.actions()
            .filter_map(|(_, a)| match &a.kind {
                ActionKind::Regen { node, .. } => Some(node.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(regen_nodes(&old), vec!["ucm-pub", "ucm-sub1", "ucm-sub2"]);
    assert_eq!(regen_nodes(&new), vec!["ucm-pub"]);
    let service_nodes: Vec<(String, Service)> = new
        .actions()
        .filter_map(|(_, a)| match &a.kind {
            ActionKind::Service { node, service, .. } => Some((node.clone(), *service)),
            _ => None,
        })
        .collect();
    assert_eq!(
        service_nodes,
        vec![
            ("ucm-pub".to_owned(), Service::DrfMaster),
            ("ucm-sub1".to_owned(), Service::CtiManager),
            ("ucm-pub".to_owned(), Service::CtiManager),
        ]
    );
}

#[test]
fn lines_that_cannot_run_here_are_all_named() {
    let plan = Plan::parse(
        "regen CAPF @ucm-sub1\n\
         restart TFTP @ucm-sub9\n\
         ctl update\n\
         ipsec restart @all\n\
         restart TFTP @ucm-sub2\n\
         regen TVS @all\n",
    )
    .unwrap();
    let errors = Program::build(&plan, &topology(Generation::V12, false)).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        vec![
            "plan line 1 (regen CAPF @ucm-sub1): CAPF on 12+: no targeted node has it",
            "plan line 2 (restart TFTP @ucm-sub9): no node \"ucm-sub9\" in cluster lab (nodes: ucm-pub, ucm-sub1, ucm-sub2)",
            "plan line 3 (ctl update): the cluster is not in mixed mode: it has no CTL to update",
            "plan line 4 (ipsec restart @all): `utils ipsec restart` exists from 14 on; this cluster is 12+ (restart DRF Master and DRF Local instead)",
            "plan line 5 (restart TFTP @ucm-sub2): service TFTP: no targeted node has it",
        ]
    );
    // The same CTL and ipsec lines are fine on a mixed 14+ cluster.
    let ok = Plan::parse("ctl update\nctl reset localkey\nipsec restart @ucm-sub2\n").unwrap();
    let program = Program::build(&ok, &topology(Generation::V14, true)).unwrap();
    assert_eq!(
        listing(&program)[..3],
        [
            "1 1.1 | ssh ucm-pub: utils ctl update CTLFile",
            "1 2.1 | ssh ucm-pub: utils ctl reset localkey",
            "1 3.1 | ssh ucm-sub2: utils ipsec restart",
        ]
    );
}

fn group(name: &str, members: &[&str]) -> CmGroup {
    CmGroup {
        name: name.into(),
        members: members.iter().map(|m| (*m).into()).collect(),
    }
}

#[test]
fn restarts_go_backups_before_primaries_and_name_groups_left_without_the_service() {
    let plan = Plan::parse(
        "restart CallManager @all\nrestart TVS @all\nstart TVS @all\nrestart TFTP @all\n",
    )
    .unwrap();
    // Without groups: subscribers first, the publisher last, nothing to note.
    let program = Program::build(&plan, &topology(Generation::V12, false)).unwrap();
    let order = |p: &Program, step: &str| -> Vec<String> {
        p.actions()
            .filter(|(_, a)| a.id.starts_with(step))
            .map(|(_, a)| a.kind.node().unwrap().to_owned())
            .collect()
    };
    assert_eq!(order(&program, "1."), ["ucm-sub1", "ucm-sub2", "ucm-pub"]);
    assert_eq!(program.notes, Vec::<String>::new());
    // ucm-sub1 is a primary, ucm-sub2 only a backup: ucm-sub2 restarts first; the publisher
    // stays last; G-C has the publisher alone.
    let mut facts = topology(Generation::V12, false);
    facts.cm_groups = vec![
        group("G-A", &["ucm-sub1", "ucm-sub2"]),
        group("G-B", &["ucm-sub1", "ucm-pub"]),
        group("G-C", &["ucm-pub"]),
    ];
    let program = Program::build(&plan, &facts).unwrap();
    for step in ["1.", "2.", "3."] {
        assert_eq!(
            order(&program, step),
            ["ucm-sub2", "ucm-sub1", "ucm-pub"],
            "{step}"
        );
    }
    // TFTP (on ucm-sub1 and the publisher) is not a group's service: no note.
    assert_eq!(order(&program, "4."), ["ucm-sub1", "ucm-pub"]);
    assert_eq!(
        program.notes,
        [
            "1.3: restart CallManager on ucm-pub leaves CallManager group G-C without CallManager (its only member running it): its phones have none until the node is back",
            "2.3: restart TVS on ucm-pub leaves CallManager group G-C without TVS (its only member running it): its phones have none until the node is back",
        ]
    );
    // A second member that does not run TVS does not keep the group's TVS up.
    facts.nodes[2].services.remove(&Service::Tvs);
    facts.cm_groups = vec![group("G-A", &["ucm-sub1", "ucm-sub2"])];
    let program = Program::build(&Plan::parse("restart TVS @ucm-sub1\n").unwrap(), &facts).unwrap();
    assert_eq!(
        program.notes,
        [
            "1.1: restart TVS on ucm-sub1 leaves CallManager group G-A without TVS (its only member running it): its phones have none until the node is back"
        ]
    );
}

#[test]
fn group_rows_name_members_as_the_nodes_in_priority_order() {
    let rows: Vec<itl_wire::soap::axl::Row> = [
        ("G-1", "CM_ucm-sub1", "2"),
        ("G-1", "ucm-PUB", "1"),
        ("G-2", "cm_UCM-SUB1", "1"),
        ("G-2", "CM_branch-9", "2"),
    ]
    .iter()
    .map(|(g, m, p)| {
        [("cmgroup", g), ("cmgr", m), ("priority", p)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), (*v).to_owned()))
            .collect()
    })
    .collect();
    let nodes = ["ucm-pub".to_owned(), "ucm-sub1".to_owned()];
    assert_eq!(
        CmGroup::from_rows(&rows, &nodes),
        [
            group("G-1", &["ucm-pub", "ucm-sub1"]),
            group("G-2", &["ucm-sub1", "CM_branch-9"]),
        ]
    );
    assert_eq!(CmGroup::from_rows(&[], &nodes), []);
}
