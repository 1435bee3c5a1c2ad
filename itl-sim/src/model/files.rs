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

use std::sync::Arc;

use itl_core::cucm::Mac;

use crate::model::Cluster;

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
            Wanted::Itl => self.served_itl(node),
            Wanted::Ctl => self.served_ctl(),
        };
        match file {
            Some(f) => Lookup::Found(f.bytes.clone()),
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
}
