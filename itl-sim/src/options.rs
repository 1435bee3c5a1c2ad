//! What cluster to simulate.

use crate::error::{InvalidOption, SimError};
use crate::faults::FaultSpec;
use crate::model::{ClockMode, Organisation, PhoneInteraction};
use crate::phone::fleet::MAX_PHONES;
use itl_core::cucm::Generation;

/// The most nodes a cluster may have (CUCM supports 21 in a cluster).
pub const MAX_NODES: usize = 21;

/// Everything that decides the simulated cluster. The same options give the same cluster:
/// keys, certificates, files, phones and faults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimOptions {
    /// Cluster name (cluster file, key labels).
    pub cluster_name: String,
    /// DNS domain of the nodes (certificate subjects).
    pub domain: String,
    /// Number of nodes (publisher included).
    pub nodes: usize,
    /// Number of phones.
    pub phones: usize,
    /// CUCM generation.
    pub generation: Generation,
    /// Mixed mode (a CTL exists).
    pub mixed: bool,
    /// "Phone Interaction on Certificate Update" (acted on for 14+ only).
    pub phone_interaction: PhoneInteraction,
    /// The seed of every key, certificate, MAC, model and fault.
    pub seed: u64,
    /// Faults to inject.
    pub faults: FaultSpec,
    /// RSA key size of every identity (2048 like CUCM; 1024 allowed to keep tests fast).
    pub key_bits: usize,
    /// Subject names' organisation.
    pub organisation: Organisation,
    /// How model time advances.
    pub clock: ClockMode,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            cluster_name: "sim".into(),
            domain: "sim.example.org".into(),
            nodes: 3,
            phones: 100,
            generation: Generation::V12,
            mixed: false,
            phone_interaction: PhoneInteraction::Automatic,
            seed: 1,
            faults: FaultSpec::none(),
            key_bits: 2048,
            organisation: Organisation::default(),
            clock: ClockMode::Logical,
        }
    }
}

impl SimOptions {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |option: InvalidOption| Err(SimError::InvalidOption(option));
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return bad(InvalidOption::Nodes {
                given: self.nodes,
                max: MAX_NODES,
            });
        }
        if self.phones > MAX_PHONES {
            return bad(InvalidOption::Phones {
                given: self.phones,
                max: MAX_PHONES,
            });
        }
        if ![1024, 2048, 4096].contains(&self.key_bits) {
            return bad(InvalidOption::KeyBits(self.key_bits));
        }
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        };
        if !name_ok(&self.cluster_name) || !name_ok(&self.domain) {
            return bad(InvalidOption::Name);
        }
        if !self.mixed
            && self
                .faults
                .get(crate::faults::FaultKind::StaleCtl)
                .is_some()
        {
            return bad(InvalidOption::StaleCtlNeedsMixed);
        }
        Ok(())
    }
}
