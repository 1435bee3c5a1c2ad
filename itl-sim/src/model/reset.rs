//! Phone resets: every selected phone downloads CTL then ITL from its TFTP node and the
//! oracle decides what it installs; decisions run in parallel, then are applied in order.
//!
//! A phone registers when its signed config file is accepted and, for a phone with a TLS
//! security profile, when [`itl_core::trust::check_tls_registration`] finds the node's current
//! CallManager certificate (and, with an LSC, the cluster's current CAPF certificate) in the
//! CTL it holds afterwards (S18: CAPF regenerated without `utils ctl update CTLFile` leaves
//! LSC phones "registering").
//!
//! A phone with the `phones-stay-down` fault downloads but never registers again (RisPort
//! `UnRegistered`, reason 9 CallManagerReset). With delayed registrations (a time scale), a
//! phone that would register is left unregistered (reason 9) and queued
//! ([`Cluster::take_pending_registrations`]); the server registers it after its delay. A
//! pending CAPF operation issues the phone's LSC at the reset.

use itl_core::cucm::{CertUnit, Service};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use itl_core::trust::{Held, OutcomeKind, RegistrationTarget, TrustCache, TrustFile, TvsServer};
use rayon::prelude::*;

use crate::model::changes::{ResetKind, ResetReport};

use crate::model::node::TrustStore;
use crate::model::{Cluster, FileId};
use crate::phone::download::{self, Decision, Digested, Served};

/// Config files that fail authentication keep a phone from registering.
const CONFIG_FAILURE: &str = "authenticated fail. Reason:14.";

/// RisPort StatusReason values used here.
const REASON_REGISTERED: u32 = 0;
const REASON_CONFIG_MISMATCH: u32 = 14;
/// RisPort `StatusReason` of a TLS-profile phone whose TLS peers are not in its CTL
/// (AuthenticationError).
const REASON_TLS_FAILURE: u32 = 9;
/// RisPort `StatusReason` of a phone reset by CallManager that has not registered again.
const REASON_CALLMANAGER_RESET: u32 = 9;

/// What a TLS-profile phone logs when its registration is blocked.
const TLS_FAILURE: &str = "Registration rejected: TLS peer certificate not in CTL";

/// Per TFTP node: served CTL, ITL and the config signer.
struct NodeServe {
    up: bool,
    ctl: Option<Arc<TrustFile>>,
    itl: Option<Arc<TrustFile>>,
    config_signer: Option<Arc<itl_core::trust::CertInfo>>,
}

impl Cluster {
    pub(crate) fn trust_cache(&self) -> &TrustCache {
        &self.oracle_cache
    }

    /// Resets the phones at `indices` (powered-off phones miss the download).
    pub(crate) fn reset_indices(&mut self, indices: &[usize], kind: ResetKind) -> ResetReport {
        let now = self.clock.tick();
        let mut digested = Digested::default();
        let cache = self.oracle_cache.clone();

        // What each node serves.
        let mut serve: HashMap<usize, NodeServe> = HashMap::new();
        let ctl_id = self.served_ctl().map(|f| f.id);
        for node in self.tftp_nodes().collect::<Vec<_>>() {
            let n = &self.nodes[node];
            let itl_id = n.served_itl;
            let cm = n.identity(CertUnit::CallManager).cloned();
            let up = n.tftp_answers();
            serve.insert(
                node,
                NodeServe {
                    up,
                    ctl: ctl_id.and_then(|id| digested.file(&cache, &self.archive, id)),
                    itl: itl_id.and_then(|id| digested.file(&cache, &self.archive, id)),
                    config_signer: cm.and_then(|c| digested.cert(c.sha256(), c.der())),
                },
            );
        }

        // The TLS peers a phone registering to each CallManager node checks.
        let targets = self.registration_targets(&mut digested);

        // TVS servers per CallManager group.
        let tvs_by_group: Vec<Vec<TvsServer>> = (0..self.cm_groups.len())
            .map(|g| self.tvs_servers_of_group(g, &mut digested))
            .collect();

        // Held files.
        for &i in indices {
            let (itl, ctl) = (self.phones[i].itl, self.phones[i].ctl);
            for id in [itl, ctl].into_iter().flatten() {
                digested.file(&cache, &self.archive, id);
            }
        }

        let decisions: Vec<(usize, Option<Decision>)> = indices
            .par_iter()
            .map(|&i| {
                let phone = &self.phones[i];
                let trust = download::phone_trust(phone, &digested);
                if !phone.powered {
                    return (i, None);
                }
                let node = serve.get(&phone.tftp_node);
                let Some(node) = node.filter(|n| n.up) else {
                    return (i, Some(download::missed(&trust)));
                };
                let group = self
                    .device_pools
                    .get(phone.device_pool)
                    .map(|p| p.cm_group)
                    .unwrap_or(0);
                let tvs = tvs_by_group.get(group).map(Vec::as_slice).unwrap_or(&[]);
                let caps = download::capabilities(phone);
                let served = Served {
                    ctl: node.ctl.as_ref(),
                    itl: node.itl.as_ref(),
                    config_signer: node.config_signer.as_deref(),
                    registration: self.registration_node(i).and_then(|n| targets.get(&n)),
                };
                (
                    i,
                    Some(download::decide(&trust, &served, tvs, &caps, &cache, now)),
                )
            })
            .collect();

        let mut report = ResetReport {
            kind,
            selected: indices.len(),
            ..ResetReport::default()
        };
        for (i, decision) in decisions {
            let Some(decision) = decision else {
                report.powered_off += 1;
                continue;
            };
            self.apply_decision(i, decision, now, &digested, &mut report);
            self.issue_pending_lsc(i, now);
            self.hold_registration(i, kind, now);
        }
        self.emit(
            crate::events::Change::new(crate::events::EventKind::PhonesReset)
                .detail(format!("{kind:?} {} phones", indices.len())),
        );
        report
    }

    /// After a reset's decision: a `phones-stay-down` phone stays unregistered; with delayed
    /// registrations a phone that registered waits for its delay.
    fn hold_registration(&mut self, i: usize, kind: ResetKind, now: u64) {
        let delayed = self.registrations_delayed();
        let Some(phone) = self.phones.get_mut(i) else {
            return;
        };
        if !phone.registered || phone.last_reset != now {
            return;
        }
        let stays_down = phone
            .fault
            .is_some_and(|f| f.kind == crate::faults::FaultKind::PhonesStayDown);
        if !stays_down && !delayed {
            return;
        }
        phone.registered = false;
        phone.status_reason = REASON_CALLMANAGER_RESET;
        phone.state_changed = now;
        if !stays_down {
            self.push_pending_registration(crate::model::PendingRegistration {
                phone: i,
                kind,
                reset_at: now,
            });
        }
    }

    fn apply_decision(
        &mut self,
        i: usize,
        decision: Decision,
        now: u64,
        digested: &Digested,
        report: &mut ResetReport,
    ) {
        let result = decision.result;
        *report
            .itl_outcomes
            .entry(result.itl.label().to_owned())
            .or_insert(0) += 1;
        *report
            .ctl_outcomes
            .entry(result.ctl.label().to_owned())
            .or_insert(0) += 1;
        let registered_node = self.registration_node(i);
        let phone = &mut self.phones[i];
        phone.last_reset = now;
        phone.last_download = Some(crate::phone::LastDownload {
            at: now,
            ctl: result.ctl.clone(),
            itl: result.itl.clone(),
            config: decision.config.clone(),
            registration: result.registration.clone(),
        });
        if result.itl.label() == "MISSED" {
            report.missed += 1;
            return;
        }
        let to_id = |held: &Held, old: Option<FileId>| -> Option<FileId> {
            match held {
                Held::File(f) => digested.id_of(f).or(old),
                Held::Hash(_) => old,
                Held::Absent | Held::NotInstalled => None,
            }
        };
        phone.ctl = to_id(&result.trust.ctl, phone.ctl);
        phone.itl = to_id(&result.trust.itl, phone.itl);
        phone.itl_not_installed = matches!(result.trust.itl, Held::NotInstalled);
        phone.tvs_cache = result.trust.tvs_cache.clone();
        for message in &result.messages {
            phone.log.push(now, &message.to_string());
        }
        let config_ok = decision.config.as_ref().is_none_or(|o| !o.is_failure());
        let tls_blocked = result
            .registration
            .as_ref()
            .is_some_and(|o| matches!(o.kind, OutcomeKind::Blocked));
        let was = phone.registered;
        if !config_ok {
            let name = format!("invalid file {}.cnf.xml.sgn, {CONFIG_FAILURE}", phone.name);
            phone.log.push(now, &name);
            phone.registered = false;
            phone.status_reason = REASON_CONFIG_MISMATCH;
            report.unregistered += 1;
        } else if tls_blocked {
            phone.log.push(now, TLS_FAILURE);
            phone.registered = false;
            phone.registered_node = registered_node;
            phone.status_reason = REASON_TLS_FAILURE;
            report.unregistered += 1;
        } else {
            phone.registered = true;
            phone.registered_node = registered_node;
            phone.status_reason = REASON_REGISTERED;
        }
        if was != phone.registered || phone.registered {
            phone.state_changed = now;
        }
    }

    /// Per node running CallManager: the node's current CallManager certificate and the
    /// cluster's current CAPF certificate (when CAPF is activated on the publisher).
    fn registration_targets(&self, digested: &mut Digested) -> HashMap<usize, RegistrationTarget> {
        let capf = self
            .nodes
            .first()
            .filter(|p| p.runs(Service::Capf))
            .and_then(|p| p.identity(CertUnit::Capf))
            .and_then(|id| digested.cert(id.sha256(), id.der()));
        let mut out = HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if !node.runs(Service::CallManager) {
                continue;
            }
            let Some(cm) = node
                .identity(CertUnit::CallManager)
                .and_then(|id| digested.cert(id.sha256(), id.der()))
            else {
                continue;
            };
            out.insert(
                i,
                RegistrationTarget {
                    node: node.name.as_str().into(),
                    callmanager: cm,
                    capf: capf.clone(),
                },
            );
        }
        out
    }

    /// The first member of the phone's CallManager group whose CallManager runs.
    fn registration_node(&self, phone: usize) -> Option<usize> {
        let p = &self.phones[phone];
        let group = self.device_pools.get(p.device_pool)?.cm_group;
        self.cm_groups
            .get(group)?
            .members
            .iter()
            .copied()
            .find(|&n| self.nodes[n].started(Service::CallManager))
    }

    /// The TVS servers a phone of CallManager group `group` asks (§2.3): each member running
    /// TVS, with the certificate TVS presents and what it can vouch for (the cluster's own
    /// CallManager, ITLRecovery and CAPF certificates and the node's CallManager-trust and
    /// Phone-SAST-trust stores).
    fn tvs_servers_of_group(&self, group: usize, digested: &mut Digested) -> Vec<TvsServer> {
        let Some(g) = self.cm_groups.get(group) else {
            return Vec::new();
        };
        let mut own = Vec::new();
        for node in &self.nodes {
            for unit in [CertUnit::CallManager, CertUnit::ItlRecovery, CertUnit::Capf] {
                if let Some(id) = node.identity(unit)
                    && let Some(c) = digested.cert(id.sha256(), id.der())
                {
                    own.push(c);
                }
            }
        }
        let mut out = Vec::new();
        for &member in &g.members {
            let node = &self.nodes[member];
            if !node.runs(Service::Tvs) {
                continue;
            }
            let Some(serving) = node.tvs_serving.as_ref() else {
                continue;
            };
            let Some(cert) = digested.cert(serving.sha256(), serving.der()) else {
                continue;
            };
            let mut server =
                TvsServer::new(&node.name, cert).with_reachable(node.started(Service::Tvs));
            server.trust_sources = own.clone();
            for store in [TrustStore::CallManager, TrustStore::PhoneSast] {
                for entry in node.trust.get(&store).map(Vec::as_slice).unwrap_or(&[]) {
                    let id = &entry.identity;
                    if let Some(c) = digested.cert(id.sha256(), id.der()) {
                        server.trust_sources.push(c);
                    }
                }
            }
            out.push(server);
        }
        out
    }

    /// Outcome label counts of a report, for display.
    pub(crate) fn count_labels(map: &BTreeMap<String, usize>) -> String {
        map.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
