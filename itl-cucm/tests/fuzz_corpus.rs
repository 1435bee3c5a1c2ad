//! Replays the fuzzing corpora of the parsers this crate owns on the stable toolchain, each
//! input through the same checks the fuzz target runs (`fuzz/checks/<target>.rs`): phone
//! pages (Network Setup, Status messages, Device Information, `/DeviceInformationX`, links)
//! and server bytes through the admin-CLI shell machine.

#[path = "../../fuzz/checks/phone_page.rs"]
mod phone_page;
#[path = "../../fuzz/checks/ssh_shell.rs"]
mod ssh_shell;

use itl_testkit::replay_corpus;

#[test]
fn replay_phone_page_corpus() {
    use itl_cucm::sweep::page::parse_network_setup;
    let (n, with_trust) = replay_corpus("phone_page", phone_page::check, |bytes| {
        parse_network_setup(bytes).is_ok_and(|s| s.trust_fields_present())
    });
    assert!(n >= 10, "corpus has {n} inputs");
    assert!(with_trust >= 3, "{with_trust} pages with trust fields");
}

#[test]
fn replay_ssh_shell_corpus() {
    let (n, _) = replay_corpus("ssh_shell", ssh_shell::check, |_| true);
    assert!(n >= 5, "corpus has {n} inputs");
}
