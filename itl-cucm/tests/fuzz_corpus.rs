//! Replays the fuzzing corpora of the parsers this crate owns on the stable toolchain, each
//! input through the same checks the fuzz target runs (`fuzz/checks/<target>.rs`): phone
//! pages (Network Setup, Status messages, Device Information, `/DeviceInformationX`, links)
//! and server bytes through the admin-CLI shell machine.

#[path = "../../fuzz/checks/phone_page.rs"]
mod phone_page;
#[path = "../../fuzz/checks/ssh_shell.rs"]
mod ssh_shell;

fn corpus(target: &str) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    itl_testkit::fuzz_corpus(target)
}

#[test]
fn replay_phone_page_corpus() {
    use itl_cucm::sweep::page::parse_network_setup;
    let inputs = corpus("phone_page");
    let mut with_trust = 0;
    for (path, bytes) in &inputs {
        eprintln!("{}", path.display());
        phone_page::check(bytes);
        with_trust +=
            usize::from(parse_network_setup(bytes).is_ok_and(|s| s.trust_fields_present()));
    }
    assert!(inputs.len() >= 10, "corpus has {} inputs", inputs.len());
    assert!(with_trust >= 3, "{with_trust} pages with trust fields");
}

#[test]
fn replay_ssh_shell_corpus() {
    let inputs = corpus("ssh_shell");
    for (path, bytes) in &inputs {
        eprintln!("{}", path.display());
        ssh_shell::check(bytes);
    }
    assert!(inputs.len() >= 5, "corpus has {} inputs", inputs.len());
}
