//! Making the fleet: names, MACs, models, addresses and pools, deterministic from the seed.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use itl_core::cucm::Mac;
use itl_pki::rng_for;
use rand_core::Rng;

use crate::model::DevicePool;
use crate::phone::models::{FLEET_MIX, PhoneModel, Protocol, variant_of};
use crate::phone::{Phone, SecurityProfile, StatusLog};

/// Organisationally unique identifiers used for phone MACs (Cisco-registered prefixes).
const OUIS: [[u8; 3]; 8] = [
    [0x00, 0x1b, 0xd4],
    [0x00, 0x21, 0xa0],
    [0x00, 0x23, 0x5e],
    [0x00, 0x24, 0xc4],
    [0x00, 0x27, 0x0d],
    [0x5c, 0x83, 0x8f],
    [0xa4, 0x93, 0x4c],
    [0xf8, 0x7b, 0x20],
];

/// The largest fleet (addresses 127.1.0.1 to 127.255.255.254 minus .0/.255 hosts).
pub const MAX_PHONES: usize = 200_000;

/// The loopback address of phone `index`: 127.1.0.1, 127.1.0.2, … 127.1.0.254, 127.1.1.1, …
/// (no `.0` or `.255` host part, never a node address).
pub fn phone_address(index: usize) -> Ipv4Addr {
    let block = index / 254;
    let host = (index % 254 + 1) as u8;
    let second = 1 + block / 256;
    let third = (block % 256) as u8;
    Ipv4Addr::new(127, second.min(255) as u8, third, host)
}

fn pick_model(rng: &mut impl Rng) -> PhoneModel {
    let total: u32 = FLEET_MIX.iter().map(|(_, w)| w).sum();
    let mut roll = (rng.next_u64() % u64::from(total)) as u32;
    for (model, weight) in FLEET_MIX {
        if roll < weight {
            return model;
        }
        roll -= weight;
    }
    PhoneModel::Cp8841
}

/// Makes `count` phones spread round-robin over `pools`. Every phone starts powered on and
/// registered, holding nothing, with the standard non-secure profile; the cluster builder
/// gives them their history and, in mixed mode, TLS profiles and LSCs.
pub fn generate(
    seed: u64,
    count: usize,
    pools: &[DevicePool],
    cm_nodes: &[Vec<usize>],
) -> Vec<Phone> {
    let mut rng = rng_for(seed, "fleet");
    let mut seen = HashSet::with_capacity(count);
    let mut phones = Vec::with_capacity(count);
    for index in 0..count {
        let mac = loop {
            let oui = OUIS[(rng.next_u64() % OUIS.len() as u64) as usize];
            let tail = rng.next_u64().to_be_bytes();
            let mac = Mac::new([oui[0], oui[1], oui[2], tail[5], tail[6], tail[7]]);
            if seen.insert(mac) {
                break mac;
            }
        };
        let drawn = pick_model(&mut rng);
        let protocol = match drawn {
            PhoneModel::Cp7940 | PhoneModel::Cp7960 => Protocol::Sccp,
            m if m.runs_sccp() && rng.next_u64().is_multiple_of(2) => Protocol::Sccp,
            _ => Protocol::Sip,
        };
        let model = variant_of(seed, &mac.device_name(), drawn);
        let device_pool = if pools.is_empty() {
            0
        } else {
            index % pools.len()
        };
        let pool = pools.get(device_pool);
        let tftp_node = pool.and_then(|p| p.tftp.first().copied()).unwrap_or(0);
        let registered_node = pool
            .and_then(|p| cm_nodes.get(p.cm_group))
            .and_then(|members| members.first().copied());
        let dn = 10_000 + index;
        phones.push(Phone {
            name: mac.device_name(),
            mac,
            model,
            protocol,
            address: phone_address(index),
            directory_number: dn.to_string(),
            description: format!("{} {dn}", model.product_name()),
            device_pool,
            tftp_node,
            web_access: true,
            powered: true,
            registered: true,
            registered_node,
            status_reason: 0,
            state_changed: 0,
            last_reset: 0,
            itl: None,
            ctl: None,
            log: StatusLog::default(),
            itl_not_installed: false,
            tvs_cache: Vec::new(),
            last_download: None,
            fault: None,
            security_profile: SecurityProfile::standard(model, protocol),
            lsc: None,
        });
    }
    phones
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_skip_network_and_broadcast_hosts() {
        assert_eq!(phone_address(0), Ipv4Addr::new(127, 1, 0, 1));
        assert_eq!(phone_address(253), Ipv4Addr::new(127, 1, 0, 254));
        assert_eq!(phone_address(254), Ipv4Addr::new(127, 1, 1, 1));
        assert_eq!(phone_address(254 * 256), Ipv4Addr::new(127, 2, 0, 1));
        let all: HashSet<_> = (0..20_000).map(phone_address).collect();
        assert_eq!(all.len(), 20_000);
    }

    #[test]
    fn same_seed_same_fleet() {
        let pools = [DevicePool {
            name: "DP-1".into(),
            cm_group: 0,
            tftp: vec![0],
        }];
        let a = generate(3, 500, &pools, &[vec![0]]);
        let b = generate(3, 500, &pools, &[vec![0]]);
        let c = generate(4, 500, &pools, &[vec![0]]);
        let key = |p: &[Phone]| {
            p.iter()
                .map(|p| (p.name.clone(), p.model))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        assert!(a.iter().any(|p| p.model.family().classic_pages()));
        // The variants replace some drawn phones and nothing else.
        let drawn = generate(3, 2000, &pools, &[vec![0]]);
        let variants: Vec<PhoneModel> = crate::phone::models::VARIANTS
            .iter()
            .map(|(_, v, _)| *v)
            .collect();
        for v in &variants {
            assert!(drawn.iter().any(|p| p.model == *v), "{v:?}");
        }
        assert!(
            drawn
                .iter()
                .all(|p| p.model.runs_sccp() || p.protocol == Protocol::Sip)
        );
    }
}
