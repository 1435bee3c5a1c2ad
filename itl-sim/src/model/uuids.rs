//! AXL object UUIDs: deterministic from the seed, the object kind and its name, in AXL's
//! form `{A8D94FF0-1234-4ABC-8DEF-0123456789AB}` (upper case, braces; the SQL `pkid` form is
//! the same in lower case without braces, cucm-interfaces.md §1.1).

use itl_core::checksum::sha256;

use crate::model::Cluster;

/// The kind of object a UUID names (part of the derivation input).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A phone (`device`).
    Phone,
    /// A device pool.
    DevicePool,
}

impl ObjectKind {
    fn tag(self) -> &'static str {
        match self {
            ObjectKind::Phone => "phone",
            ObjectKind::DevicePool => "devicepool",
        }
    }
}

/// The AXL UUID of object `name` of `kind` in a cluster built with `seed` (a version-4-shaped
/// GUID derived from SHA-256).
pub fn object_uuid(seed: u64, kind: ObjectKind, name: &str) -> String {
    let mut input = seed.to_be_bytes().to_vec();
    input.extend_from_slice(b"/uuid/");
    input.extend_from_slice(kind.tag().as_bytes());
    input.push(b'/');
    input.extend_from_slice(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&sha256(&input)[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode_upper(b);
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A UUID as given in a request, made comparable: braces dropped, upper case. `None` when it
/// is not 32 hex digits in the 8-4-4-4-12 layout.
pub fn normalise_uuid(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(t);
    let groups: Vec<&str> = t.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if lengths != [8, 4, 4, 4, 12]
        || !groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return None;
    }
    Some(format!("{{{}}}", t.to_ascii_uppercase()))
}

impl Cluster {
    /// The AXL UUID of phone `index` (empty for an unknown index).
    pub fn phone_uuid(&self, index: usize) -> String {
        self.phones()
            .get(index)
            .map(|p| object_uuid(self.seed(), ObjectKind::Phone, &p.name))
            .unwrap_or_default()
    }

    /// The AXL UUID of device pool `index` (empty for an unknown index).
    pub fn device_pool_uuid(&self, index: usize) -> String {
        self.device_pools()
            .get(index)
            .map(|p| object_uuid(self.seed(), ObjectKind::DevicePool, &p.name))
            .unwrap_or_default()
    }

    /// The phone with this AXL UUID (braces and case optional).
    pub fn phone_index_by_uuid(&self, uuid: &str) -> Option<usize> {
        let wanted = normalise_uuid(uuid)?;
        (0..self.phones().len()).find(|&i| self.phone_uuid(i) == wanted)
    }

    /// The device pool with this AXL UUID (braces and case optional).
    pub fn device_pool_index_by_uuid(&self, uuid: &str) -> Option<usize> {
        let wanted = normalise_uuid(uuid)?;
        (0..self.device_pools().len()).find(|&i| self.device_pool_uuid(i) == wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_axl_shaped_deterministic_and_distinct() {
        let a = object_uuid(7, ObjectKind::Phone, "SEP001122334455");
        assert_eq!(a.len(), 38);
        assert!(a.starts_with('{') && a.ends_with('}'));
        assert_eq!(a, a.to_ascii_uppercase());
        assert_eq!(&a[15..16], "4");
        assert_eq!(a, object_uuid(7, ObjectKind::Phone, "SEP001122334455"));
        assert_ne!(a, object_uuid(8, ObjectKind::Phone, "SEP001122334455"));
        assert_ne!(a, object_uuid(7, ObjectKind::DevicePool, "SEP001122334455"));
        assert_eq!(normalise_uuid(&a.to_ascii_lowercase()), Some(a.clone()));
        assert_eq!(normalise_uuid(a.trim_matches(['{', '}'])), Some(a.clone()));
        assert_eq!(normalise_uuid("{1234}"), None);
        assert_eq!(
            normalise_uuid("{ZZZZZZZZ-1111-4111-8111-111111111111}"),
            None
        );
    }
}
