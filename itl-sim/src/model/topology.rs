//! CallManager groups and device pools: which nodes a phone registers to (and uses as TVS
//! servers) and which TFTP node it downloads from.

/// A CallManager group: ordered CallManager nodes, which are also the phone's TVS servers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CmGroup {
    /// Name (`CMG-1`).
    pub name: String,
    /// Member nodes by index, highest priority first.
    pub members: Vec<usize>,
}

/// A device pool: a CallManager group and the TFTP servers handed out by DHCP at its site.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DevicePool {
    /// Name (`DP-1`).
    pub name: String,
    /// The CallManager group, by index.
    pub cm_group: usize,
    /// TFTP server 1 (and 2), by node index.
    pub tftp: Vec<usize>,
}
