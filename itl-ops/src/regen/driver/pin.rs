//! Pinning a node's TLS certificate again after its Tomcat certificate was regenerated and
//! Tomcat restarted: the new certificate is accepted only if the node presents exactly the
//! one `show cert own tomcat/tomcat.pem` shows over the (host-key pinned) SSH session. The
//! cluster file is rewritten with the new pin, the old file kept beside it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use itl_core::cucm::CertUnit;
use itl_cucm::onboard::probe;
use itl_wire::cluster_file::ClusterFile;
use itl_wire::fingerprint::Sha256Fingerprint;

use super::hands::Hands;

/// A pin that changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repinned {
    /// The node.
    pub node: String,
    /// The old pin (`None` when the file had none).
    pub old: Option<String>,
    /// The new pin.
    pub new: String,
    /// Where the previous cluster file was kept.
    pub kept: PathBuf,
}

/// Checks `node`'s TLS certificate against its own Tomcat certificate and pins it in the
/// cluster file at `path` when it changed. `Ok(None)`: the pin already matches. Tomcat may
/// still be starting when its restart command returns (a subscriber gives the prompt back
/// at `[STARTING]`, cucm-interfaces §6.5): the node is asked again every `poll` until it
/// presents the new certificate or `timeout` has passed.
pub async fn repin(
    hands: &mut Hands,
    node: &str,
    path: &Path,
    stamp: &str,
    timeout: Duration,
    poll: Duration,
) -> Result<Option<Repinned>, String> {
    let der = hands.own(node, CertUnit::Tomcat).await?.der;
    let expected = Sha256Fingerprint::of_der(&der);
    let file = hands.session().file().clone();
    let entry = file
        .nodes
        .iter()
        .find(|n| n.name.eq_ignore_ascii_case(node))
        .ok_or_else(|| format!("the cluster file has no node {node:?}"))?;
    let current = entry.tls_pin().map_err(|e| e.to_string())?;
    if current == Some(expected) {
        return Ok(None);
    }
    let start = std::time::Instant::now();
    loop {
        let presented = probe(&entry.control_center, Duration::from_secs(15)).await;
        let seen = match presented {
            Ok(p) if p.fingerprint == expected => break,
            Ok(p) => format!("it presents the TLS certificate {}", p.fingerprint),
            Err(e) => format!("its TLS certificate cannot be read: {e}"),
        };
        if start.elapsed() >= timeout {
            return Err(format!(
                "{node}: {seen}, but `show cert own tomcat/tomcat.pem` shows {expected} (after {timeout:?}): not accepted (Tomcat not restarted, or something else answers)"
            ));
        }
        tokio::time::sleep(poll).await;
    }
    let mut updated: ClusterFile = file.clone();
    for n in updated.nodes.iter_mut() {
        if n.name.eq_ignore_ascii_case(node) {
            n.tls_sha256 = Some(expected.to_string());
        }
    }
    let kept = path.with_file_name(format!(
        "{}.before-{node}-{stamp}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "cluster.toml".into())
    ));
    std::fs::copy(path, &kept)
        .map_err(|e| format!("cannot keep the cluster file as {}: {e}", kept.display()))?;
    updated
        .save(path)
        .map_err(|e| format!("cannot rewrite the cluster file {}: {e}", path.display()))?;
    hands.set_file(updated);
    Ok(Some(Repinned {
        node: node.to_owned(),
        old: entry.tls_sha256.clone(),
        new: expected.to_string(),
        kept,
    }))
}
