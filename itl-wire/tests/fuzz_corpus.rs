//! Replays the fuzzing corpora of the parsers this crate owns on the stable toolchain, each
//! input through the same checks the fuzz target runs (`fuzz/checks/<target>.rs`): TFTP
//! packets, cluster files, SOAP messages (AXL, RisPort70, Control Center) and admin-CLI
//! output.

#[path = "../../fuzz/checks/admin_cli_output.rs"]
mod admin_cli_output;
#[path = "../../fuzz/checks/cluster_file.rs"]
mod cluster_file;
#[path = "../../fuzz/checks/soap_response.rs"]
mod soap_response;
#[path = "../../fuzz/checks/tftp_packet.rs"]
mod tftp_packet;

use itl_testkit::replay_corpus as replay;

#[test]
fn replay_tftp_packet_corpus() {
    let (n, ok) = replay("tftp_packet", tftp_packet::check, |b| {
        itl_wire::tftp::Packet::decode(b).is_ok()
    });
    assert!(n >= 10, "corpus has {n} inputs");
    assert!(ok >= 5, "{ok} of {n} decode");
}

#[test]
fn replay_cluster_file_corpus() {
    let (n, ok) = replay("cluster_file", cluster_file::check, |b| {
        std::str::from_utf8(b)
            .is_ok_and(|t| itl_wire::cluster_file::ClusterFile::from_toml_str(t).is_ok())
    });
    assert!(n >= 5, "corpus has {n} inputs");
    assert!(ok >= 1, "{ok} of {n} are accepted");
}

#[test]
fn replay_soap_response_corpus() {
    use itl_wire::soap::{axl, control_center, risport};
    let (n, ok) = replay("soap_response", soap_response::check, |b| {
        axl::parse_sql_response(b).is_ok()
            || risport::parse_select_response(b).is_ok()
            || control_center::parse_service_status_response(b).is_ok()
    });
    assert!(n >= 10, "corpus has {n} inputs");
    assert!(ok >= 3, "{ok} of {n} decode");
}

#[test]
fn replay_admin_cli_output_corpus() {
    let (n, _) = replay("admin_cli_output", admin_cli_output::check, |_| true);
    assert!(n >= 10, "corpus has {n} inputs");
}
