//! The safe order for regenerating every certificate unit of a cluster
//! (`trust-and-procedure.md` §5.1–§5.4, §5.8): one trust anchor at a time, TFTP restarted so
//! the ITL carries the change, phones reset, and a gate (every phone re-registered with the
//! new ITL) before the next anchor; in mixed mode the CTL is updated after each CallManager,
//! CAPF or ITLRecovery change. On 14+ TVS comes before CallManager (Security Guide order)
//! and, with automatic phone interaction, the phones reset by themselves. Where ITLRecovery
//! signs the lists (12+), its regeneration is bridged as §5.8 says: `utils itl reset
//! localkey` (non-secure) or `utils ctl reset localkey` (mixed), a reset, then the lists
//! signed by the new ITLRecovery and a second reset.
//!
//! Gates are plan lines (`gate services`, `gate files`, `gate registered`, `gate trust`):
//! G-SVC and G-FILE after the restarts that deliver a change and before the phones reset
//! (§5.1 steps 3b–3g), G-REG and G-TRUST after the reset (§5.1 step 4); on 14+ with
//! automatic phone interaction all four after the regeneration.

use std::sync::Arc;

use crate::plan::{CertUnit, GateKind, Plan, Service, Step, Target};
use crate::trust::{Capabilities, PhoneTrust, TrustFile};

use super::model::{ClusterModel, PhoneInput};
use crate::cucm::Generation;

/// A titled group of steps of a suggestion (one certificate unit, with the steps and gates
/// that deliver it; it may hold several plan phases, [`crate::plan::Phase`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuggestedPhase {
    /// What the group does.
    pub title: String,
    /// Its steps, gates included.
    pub steps: Vec<Step>,
}

/// A suggested plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The groups of steps, in order.
    pub phases: Vec<SuggestedPhase>,
    /// Caveats (inferred behaviour, phones the plan cannot protect).
    pub notes: Vec<String>,
}

impl Suggestion {
    /// The steps as a plan.
    pub fn plan(&self) -> Plan {
        Plan::from_steps(self.phases.iter().flat_map(|p| p.steps.iter().cloned()))
    }

    /// The plan file: each group's title as a comment, then its steps and gates.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for n in &self.notes {
            out.push_str(&format!("# note: {n}\n"));
        }
        for (i, p) in self.phases.iter().enumerate() {
            out.push_str(&format!("\n# {}. {}\n", i + 1, p.title));
            for s in &p.steps {
                out.push_str(&format!("{s}\n"));
            }
        }
        out
    }

    /// The steps with the line each has in [`Suggestion::to_text`].
    pub fn numbered_plan(&self) -> Plan {
        Plan::parse(&self.to_text()).unwrap_or_else(|_| self.plan())
    }
}

/// The safe order for `cluster`.
pub fn suggest(cluster: &ClusterModel) -> Suggestion {
    let automatic = cluster.generation == Generation::V14 && cluster.automatic_phone_interaction;
    let mixed = cluster.mixed;
    let all = || Target::All;
    let regen = |unit| Step::Regen {
        unit,
        target: all(),
    };
    let restart = |service| Step::Restart {
        service,
        target: all(),
    };
    let gate = Step::Gate;
    // The steps that bring a trust-list change to the phones, with the gates.
    let deliver = |ctl: bool, tvs: bool| -> Vec<Step> {
        let mut v = Vec::new();
        if ctl && mixed {
            v.push(Step::CtlUpdate);
        }
        if tvs {
            v.push(restart(Service::Tvs));
        }
        if !automatic {
            v.push(restart(Service::Tftp));
            v.extend([gate(GateKind::Services), gate(GateKind::Files)]);
            v.push(Step::ResetPhones { device_pool: None });
            v.extend([gate(GateKind::Registered), gate(GateKind::Trust)]);
        } else {
            v.extend(GateKind::ALL.map(gate));
        }
        v
    };
    let mut phases = Vec::new();
    if mixed {
        phases.push(SuggestedPhase {
            title: "CTL from the current certificates before any change".into(),
            steps: vec![
                Step::CtlUpdate,
                restart(Service::Tftp),
                gate(GateKind::Services),
                gate(GateKind::Files),
                Step::ResetPhones { device_pool: None },
                gate(GateKind::Registered),
                gate(GateKind::Trust),
            ],
        });
    }
    phases.push(SuggestedPhase {
        title: "ipsec (not in any trust list)".into(),
        steps: vec![regen(CertUnit::Ipsec)],
    });
    let capf = SuggestedPhase {
        title: "CAPF".into(),
        steps: [
            vec![regen(CertUnit::Capf), restart(Service::Capf)],
            deliver(true, false),
        ]
        .concat(),
    };
    let callmanager = SuggestedPhase {
        title: "CallManager on every node (phones take the new ITL through TVS on 11.5)".into(),
        steps: [vec![regen(CertUnit::CallManager)], deliver(true, false)].concat(),
    };
    let tvs = SuggestedPhase {
        title: "TVS on every node (the ITL's signer is unchanged)".into(),
        steps: [vec![regen(CertUnit::Tvs)], deliver(false, true)].concat(),
    };
    let gated_reset = || {
        vec![
            gate(GateKind::Services),
            gate(GateKind::Files),
            Step::ResetPhones { device_pool: None },
            gate(GateKind::Registered),
            gate(GateKind::Trust),
        ]
    };
    let reset_and_wait = || {
        vec![
            Step::ResetPhones { device_pool: None },
            gate(GateKind::Registered),
        ]
    };
    let recovery = if !cluster.generation.itl_recovery_signs() {
        SuggestedPhase {
            title: "ITLRecovery on every node (not the ITL's signer on 11.5)".into(),
            steps: [vec![regen(CertUnit::ItlRecovery)], deliver(true, false)].concat(),
        }
    } else if automatic {
        SuggestedPhase {
            title: "ITLRecovery (the ITL's signer: with automatic resets phones take the new ITL through TVS)".into(),
            steps: [vec![regen(CertUnit::ItlRecovery)], deliver(true, false)].concat(),
            }
    } else if mixed {
        // §5.8, mixed: the CTL re-signed with the CallManager key carries the new ITLRecovery
        // to the phones first; then the CTL and ITL signed by it.
        SuggestedPhase {
            title: "ITLRecovery, bridged by `utils ctl reset localkey` (Security Guide, §5.8)"
                .into(),
            steps: [
                vec![regen(CertUnit::ItlRecovery), Step::CtlResetLocalkey],
                reset_and_wait(),
                vec![Step::CtlUpdate, restart(Service::Tftp)],
                gated_reset(),
            ]
            .concat(),
        }
    } else {
        // §5.8, non-secure: the ITL re-signed with the CallManager key carries the new
        // ITLRecovery to the phones first; after the TFTP restart it signs the ITL.
        SuggestedPhase {
            title: "ITLRecovery, bridged by `utils itl reset localkey` (Security Guide, §5.8)"
                .into(),
            steps: [
                vec![regen(CertUnit::ItlRecovery), Step::ItlResetLocalkey],
                reset_and_wait(),
                vec![restart(Service::Tftp)],
                gated_reset(),
            ]
            .concat(),
        }
    };
    phases.push(capf);
    if cluster.generation == Generation::V14 {
        phases.push(tvs);
        phases.push(callmanager);
    } else {
        phases.push(callmanager);
        phases.push(tvs);
    }
    phases.push(recovery);
    phases.push(SuggestedPhase {
        title: "tomcat (not in any trust list; the web UI returns after 10-15 min)".into(),
        steps: vec![
            regen(CertUnit::Tomcat),
            restart(Service::Tomcat),
            gate(GateKind::Services),
        ],
    });
    let mut notes = vec![
        "one trust anchor at a time: do not start a phase before the gate of the previous one".into(),
        "take a DRS backup after the last phase (an older backup brings back keys the phones no longer trust)".into(),
    ];
    if automatic && cluster.generation.itl_recovery_signs() {
        notes.push("the ITLRecovery phase relies on TVS vouching for the new ITLRecovery (unverified in Cisco's documents): phones reset automatically before a `utils itl reset localkey` bridge could help".into());
    }
    if automatic {
        notes.push("automatic phone interaction: phones reset by themselves after each regeneration; wait for the gate anyway".into());
    }
    notes.push(
        "phones without TVS that hold an ITL (Jabber, some TelePresence units) reject a new ITL signer and need their ITL erased; 7940/7960 hold no ITL and only a CTL signer change can lock them out"
            .into(),
    );
    Suggestion { phases, notes }
}

/// One phone per (TFTP node, TVS node) pair, on and holding what its node serves: the
/// phones a suggestion is checked with when no sweep is at hand.
pub fn phone_classes(cluster: &ClusterModel) -> Vec<PhoneInput> {
    let mut out = Vec::new();
    let ctl = cluster
        .ctl
        .as_deref()
        .and_then(|b| TrustFile::parse(b).ok())
        .map(Arc::new);
    for (t, tftp) in cluster.nodes.iter().enumerate() {
        let Some(itl) = tftp.itl.as_deref().and_then(|b| TrustFile::parse(b).ok()) else {
            continue;
        };
        let itl = Arc::new(itl);
        for (v, tvs) in cluster.nodes.iter().enumerate() {
            if !tvs.tvs {
                continue;
            }
            out.push(PhoneInput {
                name: format!("tftp={}/tvs={}", tftp.name, tvs.name),
                device_pool: None,
                tftp_node: t,
                group: vec![v],
                capabilities: Capabilities::new("CP-8841"),
                trust: Some(PhoneTrust::with_files(ctl.clone(), Some(itl.clone()))),
                on: true,
                assumed: false,
            });
        }
    }
    out
}
