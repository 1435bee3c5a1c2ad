//! What a TFTP node serves under which name (`cucm-interfaces.md` §7):
//!
//! ```text
//! ITLFile.tlv            the node's ITL
//! ITLSEP<MAC>.tlv        the same bytes, for a phone of the cluster
//! CTLFile.tlv            the cluster's CTL (mixed mode, CTL Provider running)
//! CTLSEP<MAC>.tlv        the same bytes, for a phone of the cluster
//! anything else          not found (TFTP error 1, HTTP 404)
//! ```
//!
//! Names are matched case-insensitively; a leading `/` is ignored.
//!
//! Two node faults change what one node serves (and what its `show itl` / `show ctl`
//! print, since they read the same file): `itl-invalid=<node>` serves the node's ITL with the
//! last byte of its signature flipped (it parses, and its signature does not verify);
//! `ctl-differs=<node>` serves the CTL built before the cluster's current one (a node that
//! missed the last `utils ctl update CTLFile`), or none when there was none.

use std::sync::Arc;

use itl_core::TrustList;
use itl_core::cucm::{ListKind, Mac};

use crate::faults::CheckFault;
use crate::model::{Cluster, FileOrigin};

/// A trust file as one node serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    /// The bytes.
    pub bytes: Arc<[u8]>,
    /// Model time the file was built.
    pub built_at: u64,
}

/// The bytes with the last byte of the header's signature flipped; `None` when they do not
/// parse or carry no signature.
fn break_signature(bytes: &[u8]) -> Option<Vec<u8>> {
    let list = TrustList::parse(bytes).ok()?;
    let signature = list.header().signature_value()?;
    let start = (signature.as_ptr() as usize).checked_sub(bytes.as_ptr() as usize)?;
    let last = start.checked_add(signature.len())?.checked_sub(1)?;
    let mut out = bytes.to_vec();
    *out.get_mut(last)? ^= 0x5a;
    Some(out)
}

/// The answer to a request for a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The bytes.
    Found(Arc<[u8]>),
    /// No such file.
    NotFound,
    /// The TFTP service does not answer (stopped, not activated, or faulted).
    Down,
}

/// Which list a served name asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wanted {
    Itl,
    Ctl,
}

fn classify(name: &str) -> Option<(Wanted, Option<Mac>)> {
    let name = name.trim_start_matches('/');
    let lower = name.to_ascii_lowercase();
    let stem = lower.strip_suffix(".tlv")?;
    let (wanted, rest) = if let Some(rest) = stem.strip_prefix("itl") {
        (Wanted::Itl, rest)
    } else if let Some(rest) = stem.strip_prefix("ctl") {
        (Wanted::Ctl, rest)
    } else {
        return None;
    };
    if rest == "file" {
        return Some((wanted, None));
    }
    let hex = rest.strip_prefix("sep")?;
    if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    hex.parse::<Mac>().ok().map(|mac| (wanted, Some(mac)))
}

impl Cluster {
    fn node_faulted(
        &self,
        node: usize,
        pick: impl Fn(&CheckFault) -> Option<&crate::faults::NodeTarget>,
    ) -> bool {
        let Some(n) = self.nodes().get(node) else {
            return false;
        };
        self.faults()
            .checks
            .iter()
            .any(|f| pick(f).is_some_and(|t| t.matches(&n.name)))
    }

    /// The ITL node `node` serves now, with the `itl-invalid` fault applied.
    pub fn node_itl(&self, node: usize) -> Option<Served> {
        let file = self.served_itl(node)?;
        let invalid = self.node_faulted(node, |f| match f {
            CheckFault::ItlInvalid { node } => Some(node),
            _ => None,
        });
        let bytes = if invalid {
            break_signature(&file.bytes).map_or_else(|| file.bytes.clone(), Arc::from)
        } else {
            file.bytes.clone()
        };
        Some(Served {
            bytes,
            built_at: file.built_at,
        })
    }

    /// The CTL node `node` serves now, with the `ctl-differs` fault applied.
    pub fn node_ctl(&self, node: usize) -> Option<Served> {
        let current = self.served_ctl()?;
        let differs = self.node_faulted(node, |f| match f {
            CheckFault::CtlDiffers { node } => Some(node),
            _ => None,
        });
        let file = if differs {
            self.archive().files().iter().rev().find(|f| {
                f.kind == ListKind::Ctl
                    && f.origin == FileOrigin::Cluster
                    && f.id != current.id
                    && f.bytes != current.bytes
                    && f.built_at <= current.built_at
            })?
        } else {
            current
        };
        Some(Served {
            bytes: file.bytes.clone(),
            built_at: file.built_at,
        })
    }

    /// The file node `node` serves as `name`.
    pub fn lookup_file(&self, node: usize, name: &str) -> Lookup {
        let Some(n) = self.nodes().get(node) else {
            return Lookup::Down;
        };
        if !n.tftp_answers() {
            return Lookup::Down;
        }
        let Some((wanted, mac)) = classify(name) else {
            return Lookup::NotFound;
        };
        if let Some(mac) = mac
            && self.phone(&mac.device_name()).is_none()
        {
            return Lookup::NotFound;
        }
        let file = match wanted {
            Wanted::Itl => self.node_itl(node),
            Wanted::Ctl => self.node_ctl(node),
        };
        match file {
            Some(f) => Lookup::Found(f.bytes),
            None => Lookup::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_served_names() {
        assert_eq!(classify("ITLFile.tlv").map(|c| c.0), Some(Wanted::Itl));
        assert_eq!(classify("/ctlfile.TLV").map(|c| c.0), Some(Wanted::Ctl));
        let (w, mac) = classify("ITLSEP001122334455.tlv").expect("per device");
        assert_eq!(w, Wanted::Itl);
        assert_eq!(mac.map(|m| m.to_string()), Some("001122334455".into()));
        assert!(classify("SEP001122334455.cnf.xml").is_none());
        assert!(classify("ITLSEP0011223344.tlv").is_none());
        assert!(classify("ITLSEP00112233445G.tlv").is_none());
        assert!(classify("../ITLFile.tlv").is_none());
    }

    fn verifies(bytes: &[u8]) -> bool {
        let list = TrustList::parse(bytes).expect("parses");
        itl_core::verify::verify_signature(&list, None).0.valid
    }

    #[test]
    fn itl_invalid_and_ctl_differs_change_one_node_only() {
        let options = crate::SimOptions {
            nodes: 3,
            phones: 4,
            mixed: true,
            key_bits: 1024,
            faults: crate::FaultSpec::parse("itl-invalid=ucm-sub1,ctl-differs=ucm-pub")
                .expect("spec"),
            ..Default::default()
        };
        let c = Cluster::build(&options).expect("builds");
        let itl = |n| c.node_itl(n).expect("an ITL").bytes;
        let ctl = |n| c.node_ctl(n).expect("a CTL").bytes;
        assert!(verifies(&itl(0)));
        assert!(!verifies(&itl(1)), "the itl-invalid node's ITL verifies");
        assert_eq!(itl(1).len(), c.served_itl(1).expect("held").bytes.len());
        assert_eq!(c.lookup_file(1, "ITLFile.tlv"), Lookup::Found(itl(1)));
        assert_ne!(
            ctl(0),
            ctl(1),
            "the ctl-differs node serves the current CTL"
        );
        assert!(verifies(&ctl(0)) && verifies(&ctl(1)));
        assert_eq!(ctl(1), c.served_ctl().expect("served").bytes);
        assert_eq!(c.lookup_file(0, "CTLFile.tlv"), Lookup::Found(ctl(0)));

        let non_secure = crate::SimOptions {
            mixed: false,
            faults: crate::FaultSpec::parse("ctl-differs=ucm-pub").expect("spec"),
            ..options
        };
        let e = Cluster::build(&non_secure).expect_err("needs mixed mode");
        assert!(e.to_string().contains("needs a mixed-mode cluster"), "{e}");
    }
}
