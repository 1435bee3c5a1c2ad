//! The four gates (`trust-and-procedure.md` §5), each a pure judgement of facts the driver
//! gathered. A gate that does not pass holds the run; its details name the nodes or phones
//! that hold it and `what_to_do` says how to clear it (§5.9), so that `resume` can continue.
//!
//! | gate | passes when | holds with |
//! |---|---|---|
//! | G-SVC ([`services`]) | every service the phase restarted or started is `Started` on its node, and every service it stopped is `Stopped` | each node and service in another state |
//! | G-FILE ([`files`]) | every TFTP node serves an ITL that verifies, is signed by the expected signer, holds none of the certificates this run replaced, and together they hold every certificate this run made that belongs in an ITL (TVS and CAPF of any node; CallManager and ITLRecovery only of a TFTP node, which holds its own); in mixed mode every node serves the same CTL, which verifies and holds the new CallManager, CAPF and ITLRecovery certificates | each node and what is wrong with its list |
//! | G-REG ([`registered`]) | every phone registered at the phase's baseline that the phase reset is registered again, with a RisPort timestamp after the phase began; every other one is still registered (a phase that resets no phone) | the phones still down |
//! | G-TRUST ([`trust`]) | no phone that was ok in the baseline sweep (its page said `ok`, or on 14+ its ITL File Status was `Match`) is in a `problem` state now; an unread phone counts as holding when the ITL File Status (14+) or RisPort stands in for it ([`stand_in`]), marked as such | the phones that became a problem |

use std::collections::{BTreeMap, BTreeSet};

use itl_core::cucm::{CertUnit, ItlFileStatus, PhoneState, Service, StateClass};
use itl_core::plan::GateKind;
use itl_core::time::UnixTime;
use itl_cucm::served::ServedListSummary;

use super::journal::{SerialFact, ServiceFact};

/// Most phones or nodes named in a verdict's details.
pub const MAX_NAMED: usize = 50;

/// A gate's judgement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateVerdict {
    /// Which gate.
    pub gate: GateKind,
    /// Whether it passed.
    pub passed: bool,
    /// What it found: one line per node or phone holding it, or the facts it passed on.
    pub details: Vec<String>,
    /// What to do before `itl regen resume` when it holds.
    pub what_to_do: Vec<String>,
}

impl GateVerdict {
    fn new(gate: GateKind, holding: Vec<String>, passed_note: Vec<String>, todo: &[&str]) -> Self {
        let passed = holding.is_empty();
        Self {
            gate,
            passed,
            details: if passed { passed_note } else { cap(holding) },
            what_to_do: if passed {
                Vec::new()
            } else {
                todo.iter().map(|s| (*s).to_owned()).collect()
            },
        }
    }
}

fn cap(mut lines: Vec<String>) -> Vec<String> {
    if lines.len() > MAX_NAMED {
        let more = lines.len() - MAX_NAMED;
        lines.truncate(MAX_NAMED);
        lines.push(format!("… and {more} more"));
    }
    lines
}

/// A service state the phase must leave behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedService {
    /// Node.
    pub node: String,
    /// Service.
    pub service: Service,
    /// `true`: `Started`; `false`: `Stopped`.
    pub running: bool,
}

/// G-SVC.
pub fn services(expected: &[ExpectedService], observed: &[ServiceFact]) -> GateVerdict {
    let mut holding = Vec::new();
    for e in expected {
        let want = if e.running { "Started" } else { "Stopped" };
        match observed
            .iter()
            .find(|o| o.node == e.node && o.service == e.service)
        {
            Some(o) if o.status.eq_ignore_ascii_case(want) => {}
            Some(o) => holding.push(format!(
                "{}: {} is {} (expected {want})",
                e.node,
                e.service.control_center_name(),
                o.status
            )),
            None => holding.push(format!(
                "{}: {} was not reported (expected {want})",
                e.node,
                e.service.control_center_name()
            )),
        }
    }
    GateVerdict::new(
        GateKind::Services,
        holding,
        vec![format!("{} service states as expected", expected.len())],
        &[
            "look at the service in Cisco Unified Serviceability > Control Center on the node named (or `utils service list`), start it, and find why it stopped (`file view activelog` of the service)",
            "then run `itl regen resume --journal DIR`",
        ],
    )
}

/// What G-FILE expects of the served lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileExpectation {
    /// The TFTP nodes.
    pub tftp_nodes: Vec<String>,
    /// Whether a CTL must be served (mixed mode).
    pub mixed_mode: bool,
    /// Per node, the serial of the certificate that must sign its ITL; nodes not named are
    /// not checked for their signer.
    pub itl_signers: BTreeMap<String, String>,
    /// The serial that must sign the CTL, when known.
    pub ctl_signer: Option<String>,
    /// Certificates this run made (serials after its regenerations).
    pub new: Vec<SerialFact>,
    /// Certificates this run replaced (serials before its regenerations).
    pub replaced: Vec<SerialFact>,
}

/// A serial as lower-case hex without separators or leading zeros, so that `00:0A:1b`,
/// `0a1b` and `A1B` compare equal.
pub fn normalise_serial(serial: &str) -> String {
    let hex: String = serial
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.to_owned()
    }
}

fn serials_of(list: &ServedListSummary) -> BTreeSet<String> {
    list.list
        .iter()
        .flat_map(|l| l.records.iter())
        .filter_map(|r| r.serial.as_deref())
        .map(normalise_serial)
        .collect()
}

fn signer_serial(list: &ServedListSummary) -> Option<String> {
    list.list
        .as_ref()
        .and_then(|l| l.signer.serial.as_deref())
        .map(normalise_serial)
}

/// Whether a new certificate must appear in some served ITL (§1.2): TVS and CAPF
/// certificates of every node do; a node's CallManager (and per-node ITLRecovery)
/// certificate is only in the ITL that node serves itself, so only a TFTP node's is expected
/// ("other nodes' CallManager certs are not in a node's ITL").
fn belongs_in_an_itl(s: &SerialFact, tftp_nodes: &[String]) -> bool {
    match s.unit {
        CertUnit::Tvs | CertUnit::Capf => true,
        _ => tftp_nodes.contains(&s.node),
    }
}

/// The units whose certificates a CTL holds.
const IN_CTL: [CertUnit; 3] = [CertUnit::CallManager, CertUnit::Capf, CertUnit::ItlRecovery];

/// G-FILE, from what each TFTP node served: `itls` and `ctls` hold one summary per node
/// that served the file (a node missing from `itls` served no ITL).
pub fn files(
    expect: &FileExpectation,
    itls: &[ServedListSummary],
    ctls: &[ServedListSummary],
) -> GateVerdict {
    let mut holding = Vec::new();
    let mut seen_new: BTreeSet<String> = BTreeSet::new();
    let new_in_lists: Vec<&SerialFact> = expect
        .new
        .iter()
        .filter(|s| s.unit.in_trust_lists())
        .collect();
    let replaced: BTreeMap<String, &SerialFact> = expect
        .replaced
        .iter()
        .filter(|s| s.unit.in_trust_lists())
        .map(|s| (normalise_serial(&s.serial), s))
        .collect();
    for node in &expect.tftp_nodes {
        let Some(itl) = itls.iter().find(|s| &s.node == node) else {
            holding.push(format!("{node}: serves no ITLFile.tlv"));
            continue;
        };
        judge_list(itl, expect.itl_signers.get(node), &replaced, &mut holding);
        seen_new.extend(serials_of(itl));
    }
    for s in new_in_lists
        .iter()
        .filter(|s| belongs_in_an_itl(s, &expect.tftp_nodes))
    {
        if !seen_new.contains(&normalise_serial(&s.serial)) {
            holding.push(format!(
                "the new {} certificate of {} (serial {}) is in no served ITL",
                s.unit, s.node, s.serial
            ));
        }
    }
    if expect.mixed_mode {
        let mut hashes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for node in &expect.tftp_nodes {
            match ctls.iter().find(|s| &s.node == node) {
                None => holding.push(format!("{node}: serves no CTLFile.tlv (mixed mode)")),
                Some(ctl) => {
                    hashes.entry(&ctl.sha256).or_default().push(node);
                    judge_list(ctl, expect.ctl_signer.as_ref(), &replaced, &mut holding);
                    let serials = serials_of(ctl);
                    for s in new_in_lists.iter().filter(|s| IN_CTL.contains(&s.unit)) {
                        if !serials.contains(&normalise_serial(&s.serial)) {
                            holding.push(format!(
                                "{node}: the CTL lacks the new {} certificate of {} (serial {})",
                                s.unit, s.node, s.serial
                            ));
                        }
                    }
                }
            }
        }
        if hashes.len() > 1 {
            let groups: Vec<String> = hashes
                .iter()
                .map(|(h, nodes)| format!("{} on {}", &h[..h.len().min(12)], nodes.join(", ")))
                .collect();
            holding.push(format!(
                "the TFTP nodes serve different CTLs: {}",
                groups.join("; ")
            ));
        }
    }
    GateVerdict::new(
        GateKind::Files,
        holding,
        vec![format!(
            "{} TFTP node(s) serve lists that verify and hold this run's certificates",
            expect.tftp_nodes.len()
        )],
        &[
            "compare `show itl` (and `show ctl`) on the nodes named; restart Cisco Tftp there (mixed mode: `utils ctl update CTLFile` on the publisher first) and wait for the lists to be rebuilt",
            "then run `itl regen resume --journal DIR`",
        ],
    )
}

fn judge_list(
    list: &ServedListSummary,
    signer: Option<&String>,
    replaced: &BTreeMap<String, &SerialFact>,
    holding: &mut Vec<String>,
) {
    let node = &list.node;
    let name = &list.name;
    if let Some(e) = &list.parse_error {
        holding.push(format!("{node}: {name} does not parse: {e}"));
        return;
    }
    if !list.valid {
        let why: Vec<String> = list
            .findings
            .iter()
            .filter(|f| f.severity == itl_core::verify::Severity::Error)
            .map(|f| f.to_string())
            .take(3)
            .collect();
        holding.push(format!(
            "{node}: {name} does not verify{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(": {}", why.join("; "))
            }
        ));
    }
    if let Some(want) = signer {
        let got = signer_serial(list);
        if got.as_deref() != Some(normalise_serial(want).as_str()) {
            holding.push(format!(
                "{node}: {name} is signed by serial {} (expected {})",
                got.as_deref().unwrap_or("unknown"),
                normalise_serial(want)
            ));
        }
    }
    for serial in serials_of(list) {
        if let Some(old) = replaced.get(&serial) {
            holding.push(format!(
                "{node}: {name} still holds the replaced {} certificate of {} (serial {})",
                old.unit, old.node, old.serial
            ));
        }
    }
}

/// One phone's registration as RisPort reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// Device name.
    pub name: String,
    /// Whether it is registered.
    pub registered: bool,
    /// RisPort's `TimeStamp` of its current state.
    pub since: Option<UnixTime>,
}

/// Which phones a phase reset (itself, or the cluster on 14+ with automatic phone
/// interaction).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasReset<'a> {
    /// Every phone.
    All,
    /// Only these (by name); none when the phase reset no phone (a tomcat or clean-up
    /// phase), so that its phones need only stay registered.
    Only(&'a BTreeSet<String>),
}

impl WasReset<'_> {
    fn contains(&self, name: &str) -> bool {
        match self {
            WasReset::All => true,
            WasReset::Only(names) => names.contains(name),
        }
    }
}

/// G-REG: every phone registered at `baseline` that the phase reset is registered again
/// since `phase_began`; every other phone registered at `baseline` is still registered.
pub fn registered(
    baseline: &[Registration],
    now: &[Registration],
    phase_began: UnixTime,
    reset: WasReset<'_>,
) -> GateVerdict {
    let current: BTreeMap<&str, &Registration> = now.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut holding = Vec::new();
    let mut expected = 0usize;
    let mut kept = 0usize;
    for b in baseline.iter().filter(|b| b.registered) {
        expected += 1;
        let was_reset = reset.contains(&b.name);
        if !was_reset {
            kept += 1;
        }
        match current.get(b.name.as_str()) {
            Some(r) if r.registered && !was_reset => {}
            Some(r) if r.registered && r.since.is_some_and(|t| t >= phase_began) => {}
            Some(r) if r.registered => holding.push(format!(
                "{}: registered, but not since the phase began (it did not reset)",
                b.name
            )),
            Some(_) => holding.push(format!("{}: not registered", b.name)),
            None => holding.push(format!("{}: not reported by RisPort", b.name)),
        }
    }
    let down = holding.len();
    let mut verdict = GateVerdict::new(
        GateKind::Registered,
        holding,
        vec![if kept == 0 {
            format!("{expected} of {expected} phones registered at the baseline registered again")
        } else {
            format!(
                "{} of {expected} phones registered at the baseline registered again; {kept} not reset are still registered",
                expected - kept
            )
        }],
        &[
            "look at the phones named: a phone that shows \"Trust List update failed\" or \"No Trust List installed\" rejected the new ITL (recovery: trust-and-procedure §5.9; `utils itl reset localkey` on the publisher while its key is still trusted)",
            "a phone that is simply off will fetch the new lists when it comes back; if it must be excused, use `--force REASON`",
            "then run `itl regen resume --journal DIR`",
        ],
    );
    if !verdict.passed {
        verdict.details.insert(
            0,
            format!("{down} of {expected} phones did not register again"),
        );
    }
    verdict
}

/// A phone's trust state in a sweep, with what stood in when its page could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustReading {
    /// Device name.
    pub name: String,
    /// Its state in the sweep.
    pub state: PhoneState,
    /// For an unread phone: what stood in (`registered again (RisPort)`, `ITL File Status:
    /// Match`), and whether it vouches for the phone.
    pub stand_in: Option<(String, bool)>,
}

/// What stands in for a phone whose pages could not be read, and whether it vouches that
/// the phone took the phase's lists (the second half of G-TRUST):
///
/// | 14+ ITL File Status | RisPort70 | stands in as | vouches |
/// |---|---|---|---|
/// | `Match` | any | `ITL File Status: Match (14+, inferred table)` | yes |
/// | `Mismatch`, `Not Installed` | any | `ITL File Status: <status> (14+, inferred table)` | no |
/// | `Unknown`, or not reported (before 14, or no such table) | registered with a timestamp at or after `began` | `registered again since the phase began (RisPort70)` | yes |
/// | the same | otherwise | `not registered again (RisPort70)` | no |
/// | the same | not asked (RisPort did not answer) | nothing | — |
pub fn stand_in(
    status: Option<ItlFileStatus>,
    registration: Option<&Registration>,
    began: UnixTime,
) -> Option<(String, bool)> {
    match status {
        Some(
            s @ (ItlFileStatus::Match | ItlFileStatus::Mismatch | ItlFileStatus::NotInstalled),
        ) => Some((
            format!("ITL File Status: {s} (14+, inferred table)"),
            s == ItlFileStatus::Match,
        )),
        _ => registration.map(|r| {
            let again = r.registered && r.since.is_some_and(|t| t >= began);
            (
                if again {
                    "registered again since the phase began (RisPort70)".to_owned()
                } else {
                    "not registered again (RisPort70)".to_owned()
                },
                again,
            )
        }),
    }
}

impl TrustReading {
    /// Whether the phone counts as ok: its page says `ok`, or it is unread and what stands
    /// in vouches for it.
    pub fn is_ok(&self) -> bool {
        match self.state.class() {
            StateClass::Ok => true,
            StateClass::Unread => self.stand_in.as_ref().is_some_and(|(_, v)| *v),
            StateClass::Problem => false,
        }
    }
}

/// G-TRUST: no phone that was ok in `baseline` (its page said `ok`, or a stand-in vouched
/// for it: on 14+ an ITL File Status `Match`) is now a problem or unread without a stand-in
/// that vouches for it.
pub fn trust(baseline: &[TrustReading], now: &[TrustReading]) -> GateVerdict {
    let current: BTreeMap<&str, &TrustReading> = now.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut holding = Vec::new();
    let mut stood_in = Vec::new();
    for b in baseline.iter().filter(|b| b.is_ok()) {
        let Some(n) = current.get(b.name.as_str()) else {
            holding.push(format!("{}: not in the sweep", b.name));
            continue;
        };
        match n.state.class() {
            StateClass::Ok => {}
            StateClass::Problem => holding.push(format!("{}: {} (was ok)", b.name, n.state)),
            StateClass::Unread => match &n.stand_in {
                Some((what, true)) => {
                    stood_in.push(format!("{}: {}; {what} stands in", b.name, n.state))
                }
                Some((what, false)) => holding.push(format!("{}: {}; {what}", b.name, n.state)),
                None => holding.push(format!("{}: {} and nothing stands in", b.name, n.state)),
            },
        }
    }
    let mut verdict = GateVerdict::new(
        GateKind::Trust,
        holding,
        Vec::new(),
        &[
            "sweep the phones named (`itl sweep`): a phone in `update-failed` or `stale-itl` rejected the new ITL (recovery: trust-and-procedure §5.9)",
            "then run `itl regen resume --journal DIR`",
        ],
    );
    if verdict.passed {
        let ok = baseline.iter().filter(|b| b.is_ok()).count();
        verdict.details = vec![format!(
            "{ok} phones ok at the baseline are still ok ({} through a stand-in)",
            stood_in.len()
        )];
        verdict.details.extend(cap(stood_in));
    }
    verdict
}

#[cfg(test)]
mod tests;
