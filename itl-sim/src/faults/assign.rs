//! Deterministic assignment of a [`FaultSpec`] to phones and nodes.
//!
//! Phone faults are exclusive: each phone gets at most one. Kinds are assigned in
//! [`FaultKind::ALL`] order; named phones first, then percentages and counts drawn from the
//! phones still free with a generator seeded by `(seed, "faults/<kind>")`, so the same seed and
//! spec always pick the same phones. Faults of the trust state (`stale-itl`, `foreign-itl`,
//! `update-failed`, `stale-ctl`, `no-itl`) are drawn only from phones whose web pages show
//! their trust lists: on the others (7940, 7960, 7945, 6921, DX80) a sweep cannot see them.

use crate::faults::spec::{Amount, DEFAULT_SLOW_DELAY, FaultKind, FaultSpec};
use itl_pki::rng_for;
use rand_core::Rng;

/// The fault a phone carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PhoneFault {
    /// What.
    pub kind: FaultKind,
    /// The delay, for [`FaultKind::Slow`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

/// Why a spec could not be applied to a fleet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssignError {
    /// A named phone is not in the fleet.
    #[error("fault {kind}: no phone named {name}")]
    UnknownPhone {
        /// The fault.
        kind: FaultKind,
        /// The name.
        name: String,
    },
    /// A node or cluster fault names a node the cluster does not have.
    #[error("fault {fault}: no node named {name}")]
    UnknownCheckNode {
        /// The fault as written.
        fault: String,
        /// The name.
        name: String,
    },
    /// A `single-member-group` fault names a CallManager group the cluster does not have.
    #[error("fault {fault}: no CallManager group named {name} (the groups are {known})")]
    UnknownGroup {
        /// The fault as written.
        fault: String,
        /// The name.
        name: String,
        /// The groups the cluster has.
        known: String,
    },
    /// A fault that needs a mixed-mode cluster on a non-secure one.
    #[error("fault {fault}: needs a mixed-mode cluster (--mixed)")]
    NeedsMixed {
        /// The fault as written.
        fault: String,
    },
    /// A named node is not in the cluster.
    #[error("fault {kind}: no node named {name}")]
    UnknownNode {
        /// The fault.
        kind: FaultKind,
        /// The name.
        name: String,
    },
    /// More phones asked for than are free.
    #[error("fault {kind}: {wanted} phones asked, only {free} without another fault")]
    NotEnoughPhones {
        /// The fault.
        kind: FaultKind,
        /// How many were asked.
        wanted: usize,
        /// How many were free.
        free: usize,
    },
}

/// Whether a fault changes the phone's trust state (what its Network Setup page shows).
pub fn is_trust_fault(kind: FaultKind) -> bool {
    matches!(
        kind,
        FaultKind::StaleItl
            | FaultKind::ForeignItl
            | FaultKind::UpdateFailed
            | FaultKind::StaleCtl
            | FaultKind::NoItl
    )
}

/// Assigns phone faults: one entry per phone, in fleet order. `shows_trust[i]`: whether phone
/// `i`'s pages show its trust lists (a missing entry counts as yes); trust faults drawn by
/// percentage or count only go to such phones, named phones get theirs regardless.
pub fn assign_phone_faults(
    spec: &FaultSpec,
    seed: u64,
    phone_names: &[String],
    shows_trust: &[bool],
) -> Result<Vec<Option<PhoneFault>>, AssignError> {
    let n = phone_names.len();
    let mut out: Vec<Option<PhoneFault>> = vec![None; n];
    let order = FaultKind::ALL.iter().filter(|k| !k.is_node_fault());
    // Named phones first so that percentages never take them.
    for kind in order.clone() {
        let Some(item) = spec.get(*kind) else {
            continue;
        };
        if let Amount::Names(names) = &item.amount {
            for name in names {
                let index = phone_names.iter().position(|p| p == name).ok_or_else(|| {
                    AssignError::UnknownPhone {
                        kind: *kind,
                        name: name.clone(),
                    }
                })?;
                out[index] = Some(fault(*kind, item.delay_ms));
            }
        }
    }
    for kind in order {
        let Some(item) = spec.get(*kind) else {
            continue;
        };
        let wanted = match item.amount {
            Amount::Percent(h) => (n as u64 * u64::from(h) + 5_000) / 10_000,
            Amount::Count(c) => c as u64,
            Amount::Names(_) | Amount::All | Amount::ServiceAt(..) => continue,
        } as usize;
        let visible =
            |i: usize| !is_trust_fault(*kind) || shows_trust.get(i).copied().unwrap_or(true);
        let mut free: Vec<usize> = (0..n).filter(|&i| out[i].is_none() && visible(i)).collect();
        if wanted > free.len() {
            return Err(AssignError::NotEnoughPhones {
                kind: *kind,
                wanted,
                free: free.len(),
            });
        }
        let mut rng = rng_for(seed, &format!("faults/{}", kind.name()));
        // Partial Fisher-Yates: the first `wanted` slots become a uniform sample.
        for i in 0..wanted {
            let span = (free.len() - i) as u64;
            let j = i + (rng.next_u64() % span) as usize;
            free.swap(i, j);
        }
        for &index in &free[..wanted] {
            out[index] = Some(fault(*kind, item.delay_ms));
        }
    }
    Ok(out)
}

fn fault(kind: FaultKind, delay_ms: Option<u64>) -> PhoneFault {
    PhoneFault {
        kind,
        delay_ms: match kind {
            FaultKind::Slow => Some(delay_ms.unwrap_or(DEFAULT_SLOW_DELAY.as_millis() as u64)),
            _ => None,
        },
    }
}

/// The nodes (by index) a node fault hits.
pub fn assign_node_fault(
    spec: &FaultSpec,
    kind: FaultKind,
    node_names: &[String],
) -> Result<Vec<bool>, AssignError> {
    let mut out = vec![false; node_names.len()];
    match spec.get(kind).map(|i| &i.amount) {
        None => {}
        Some(Amount::All) => out.iter_mut().for_each(|b| *b = true),
        Some(Amount::Names(names)) => {
            for name in names {
                let index = node_names.iter().position(|n| n == name).ok_or_else(|| {
                    AssignError::UnknownNode {
                        kind,
                        name: name.clone(),
                    }
                })?;
                out[index] = true;
            }
        }
        Some(_) => {}
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("SEP{i:012X}")).collect()
    }

    #[test]
    fn same_seed_same_phones_and_exclusive() {
        let spec = FaultSpec::parse("web-off=10%,garbage=5%,slow=3").expect("spec");
        let a = assign_phone_faults(&spec, 7, &names(1000), &[]).expect("assign");
        let b = assign_phone_faults(&spec, 7, &names(1000), &[]).expect("assign");
        let c = assign_phone_faults(&spec, 8, &names(1000), &[]).expect("assign");
        assert_eq!(a, b);
        assert_ne!(a, c);
        let count = |k| a.iter().filter(|f| f.map(|f| f.kind) == Some(k)).count();
        assert_eq!(count(FaultKind::WebOff), 100);
        assert_eq!(count(FaultKind::Garbage), 50);
        assert_eq!(count(FaultKind::Slow), 3);
    }

    #[test]
    fn trust_faults_only_where_pages_show_trust() {
        // Every third phone shows no trust field.
        let shows: Vec<bool> = (0..300).map(|i| i % 3 != 0).collect();
        let spec = FaultSpec::parse("stale-itl=40,no-itl=40,web-off=60").expect("spec");
        let a = assign_phone_faults(&spec, 7, &names(300), &shows).expect("assign");
        let on = |k: FaultKind| {
            a.iter()
                .enumerate()
                .filter(|(_, f)| f.map(|f| f.kind) == Some(k))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        for kind in [FaultKind::StaleItl, FaultKind::NoItl] {
            assert_eq!(on(kind).len(), 40);
            assert!(on(kind).iter().all(|&i| shows[i]), "{kind}");
        }
        // Twin: other faults take any phone.
        assert_eq!(on(FaultKind::WebOff).len(), 60);
        assert!(on(FaultKind::WebOff).iter().any(|&i| !shows[i]));
        // Named phones get theirs regardless; too few visible phones is an error.
        let named = FaultSpec::parse("stale-itl=SEP000000000000").expect("spec");
        let b = assign_phone_faults(&named, 7, &names(300), &shows).expect("assign");
        assert_eq!(b[0].map(|f| f.kind), Some(FaultKind::StaleItl));
        let many = FaultSpec::parse("stale-itl=201").expect("spec");
        assert!(matches!(
            assign_phone_faults(&many, 7, &names(300), &shows),
            Err(AssignError::NotEnoughPhones { free: 200, .. })
        ));
    }

    #[test]
    fn unknown_names_and_overflow_are_errors() {
        let spec = FaultSpec::parse("web-off=SEP00000000FFFF").expect("spec");
        assert!(matches!(
            assign_phone_faults(&spec, 1, &names(10), &[]),
            Err(AssignError::UnknownPhone { .. })
        ));
        let spec = FaultSpec::parse("web-off=11").expect("spec");
        assert!(matches!(
            assign_phone_faults(&spec, 1, &names(10), &[]),
            Err(AssignError::NotEnoughPhones { .. })
        ));
        let spec = FaultSpec::parse("tftp-down=ucm-sub9").expect("spec");
        assert!(matches!(
            assign_node_fault(&spec, FaultKind::TftpDown, &["ucm-pub".into()]),
            Err(AssignError::UnknownNode { .. })
        ));
    }
}
