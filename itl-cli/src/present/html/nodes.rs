//! Node names instead of bare addresses: the report's reference lists say which node answers
//! at which address, so a phone's `TFTP server 1` of `10.0.0.5` reads as `ucm-pub`.

use std::borrow::Cow;

use itl_cucm::sweep::SweepReport;
use itl_cucm::sweep::classify::host_of;
use itl_wire::address::ServerAddress;

/// Which node answers for which names and addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeNames {
    /// (node name, its hosts in lower case: its name and its server's host).
    nodes: Vec<(String, Vec<String>)>,
}

impl NodeNames {
    /// The nodes of `report`'s reference lists.
    pub fn of(report: &SweepReport) -> Self {
        let nodes = report
            .references
            .iter()
            .map(|r| {
                let mut hosts = vec![host_of(&r.node)];
                if let Ok(address) = ServerAddress::parse(&r.server) {
                    hosts.push(address.host.to_ascii_lowercase());
                }
                (r.node.clone(), hosts)
            })
            .collect();
        Self { nodes }
    }

    /// The node `server` names (by address, name or short name), else `server` as written.
    pub fn name<'a>(&'a self, server: &'a str) -> Cow<'a, str> {
        let host = host_of(server);
        if host.is_empty() {
            return Cow::Borrowed(server);
        }
        let short = match host.parse::<std::net::IpAddr>() {
            Ok(_) => None,
            Err(_) => host.split('.').next(),
        };
        self.nodes
            .iter()
            .find(|(_, hosts)| {
                hosts
                    .iter()
                    .any(|h| *h == host || Some(h.as_str()) == short)
            })
            .map_or(Cow::Borrowed(server), |(name, _)| {
                Cow::Borrowed(name.as_str())
            })
    }

    /// The address `node`'s lists were fetched from (its server's host), if known.
    pub fn address_of(&self, node: &str) -> Option<&str> {
        self.nodes
            .iter()
            .find(|(name, _)| name == node)
            .and_then(|(_, hosts)| hosts.get(1))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_cucm::sweep::fixtures::report;

    #[test]
    fn addresses_and_names_read_as_node_names() {
        let mut r = report(vec![]);
        let mut sub = r.references[0].clone();
        sub.node = "ucm-sub1".into();
        sub.server = "tftp://[2001:db8::12]:69".into();
        r.references.push(sub);
        let names = NodeNames::of(&r);
        for (written, node) in [
            ("127.0.1.1", "ucm-pub"),
            ("127.0.1.1:69", "ucm-pub"),
            ("http://127.0.1.1:6970", "ucm-pub"),
            ("UCM-PUB", "ucm-pub"),
            ("ucm-pub.example.com", "ucm-pub"),
            ("[2001:db8::12]:69", "ucm-sub1"),
            ("2001:db8::12", "ucm-sub1"),
        ] {
            assert_eq!(names.name(written), node, "{written}");
        }
        assert_eq!(names.address_of("ucm-pub"), Some("127.0.1.1"));
        assert_eq!(names.address_of("ucm-sub9"), None);
    }

    #[test]
    fn reject_twin_unknown_servers_stay_as_written() {
        let names = NodeNames::of(&report(vec![]));
        for written in ["127.0.1.2", "10.0.0.1", "ucm-sub9", "", "127.0.1"] {
            assert_eq!(names.name(written), written, "{written}");
        }
    }
}
