//! Distinguished names in the shape CUCM uses.

use der::asn1::{Any, ObjectIdentifier, SetOfVec};
use der::{Decode, Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use crate::PkiError;

/// One of the six name attributes CUCM certificates use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attr {
    /// `commonName` (2.5.4.3).
    Cn,
    /// `organizationalUnitName` (2.5.4.11).
    Ou,
    /// `organizationName` (2.5.4.10).
    O,
    /// `localityName` (2.5.4.7).
    L,
    /// `stateOrProvinceName` (2.5.4.8).
    St,
    /// `countryName` (2.5.4.6).
    C,
}

impl Attr {
    /// All attributes in CUCM display order: CN, OU, O, L, ST, C.
    pub const CUCM_ORDER: [Attr; 6] = [Attr::Cn, Attr::Ou, Attr::O, Attr::L, Attr::St, Attr::C];

    /// Default certificate encoding order (X.500 convention, what Java's
    /// keytool and so CUCM produce): C, ST, L, O, OU, CN.
    pub const DEFAULT_ENCODING_ORDER: [Attr; 6] =
        [Attr::C, Attr::St, Attr::L, Attr::O, Attr::Ou, Attr::Cn];

    /// The attribute's short name as CUCM prints it (`CN`, `OU`, ...).
    #[must_use]
    pub const fn short_name(self) -> &'static str {
        match self {
            Attr::Cn => "CN",
            Attr::Ou => "OU",
            Attr::O => "O",
            Attr::L => "L",
            Attr::St => "ST",
            Attr::C => "C",
        }
    }

    /// The attribute type OID.
    #[must_use]
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            Attr::Cn => ObjectIdentifier::new_unwrap("2.5.4.3"),
            Attr::Ou => ObjectIdentifier::new_unwrap("2.5.4.11"),
            Attr::O => ObjectIdentifier::new_unwrap("2.5.4.10"),
            Attr::L => ObjectIdentifier::new_unwrap("2.5.4.7"),
            Attr::St => ObjectIdentifier::new_unwrap("2.5.4.8"),
            Attr::C => ObjectIdentifier::new_unwrap("2.5.4.6"),
        }
    }

    /// The attribute for an OID, if it is one of the six.
    #[must_use]
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Attr> {
        Attr::CUCM_ORDER.into_iter().find(|a| a.oid() == *oid)
    }
}

/// A distinguished name with the attributes CUCM certificates carry.
///
/// `cn` is the one mandatory attribute (an empty `cn` is treated as absent:
/// neither rendered nor encoded); the others are optional. [`cucm_string`] renders
/// the name the way CUCM shows it in ITL/CTL records; [`to_x509_name`]
/// encodes it for a certificate, in [`rdn_order`] if one is given.
///
/// [`cucm_string`]: DistinguishedName::cucm_string
/// [`to_x509_name`]: DistinguishedName::to_x509_name
/// [`rdn_order`]: DistinguishedName::rdn_order
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DistinguishedName {
    /// Common name (CN).
    pub cn: String,
    /// Organizational unit (OU).
    pub ou: Option<String>,
    /// Organization (O).
    pub o: Option<String>,
    /// Locality (L).
    pub l: Option<String>,
    /// State or province (ST).
    pub st: Option<String>,
    /// Country (C).
    pub c: Option<String>,
    /// Order of the RDNs in the certificate encoding (first = outermost).
    ///
    /// `None` means [`Attr::DEFAULT_ENCODING_ORDER`] (C, ST, L, O, OU, CN).
    /// When given, it must list every present attribute exactly once;
    /// listed attributes that are absent are skipped. Real CUCM certificates
    /// are sometimes encoded as C, O, OU, CN, ST, L.
    pub rdn_order: Option<Vec<Attr>>,
}

/// The `with_<attribute>` setters of the optional attributes, each one
/// [`DistinguishedName::with_attr`].
macro_rules! attribute_setters {
    ($($(#[$doc:meta])+ $name:ident => $attr:ident;)+) => {
        $(
            $(#[$doc])+
            #[must_use]
            pub fn $name(self, v: impl Into<String>) -> Self {
                self.with_attr(Attr::$attr, v)
            }
        )+
    };
}

impl DistinguishedName {
    /// A name with only a common name.
    #[must_use]
    pub fn new(cn: impl Into<String>) -> Self {
        Self {
            cn: cn.into(),
            ..Self::default()
        }
    }

    /// The name shape of the workspace's committed fixtures and test clusters:
    /// `CN=<cn>;OU=UC;O=Example Health;L=Durham;ST=NC;C=US`.
    #[must_use]
    pub fn example_health(cn: impl Into<String>) -> Self {
        Self::new(cn)
            .with_ou("UC")
            .with_o("Example Health")
            .with_l("Durham")
            .with_st("NC")
            .with_c("US")
    }

    /// Sets one attribute (the CN included).
    #[must_use]
    pub fn with_attr(mut self, attr: Attr, v: impl Into<String>) -> Self {
        self.set(attr, v.into());
        self
    }

    attribute_setters! {
        /// Sets the organizational unit (OU).
        with_ou => Ou;
        /// Sets the organization (O).
        with_o => O;
        /// Sets the locality (L).
        with_l => L;
        /// Sets the state or province (ST).
        with_st => St;
        /// Sets the country (C).
        with_c => C;
    }

    /// Sets an explicit RDN encoding order (see [`DistinguishedName::rdn_order`]).
    #[must_use]
    pub fn with_rdn_order(mut self, order: impl Into<Vec<Attr>>) -> Self {
        self.rdn_order = Some(order.into());
        self
    }

    /// The value of one attribute, if present (an empty CN counts as absent).
    #[must_use]
    pub fn get(&self, attr: Attr) -> Option<&str> {
        match attr {
            Attr::Cn => Some(self.cn.as_str()).filter(|cn| !cn.is_empty()),
            Attr::Ou => self.ou.as_deref(),
            Attr::O => self.o.as_deref(),
            Attr::L => self.l.as_deref(),
            Attr::St => self.st.as_deref(),
            Attr::C => self.c.as_deref(),
        }
    }

    fn set(&mut self, attr: Attr, value: String) {
        match self.slot(attr) {
            Some(slot) => *slot = Some(value),
            None => self.cn = value,
        }
    }

    fn slot(&mut self, attr: Attr) -> Option<&mut Option<String>> {
        match attr {
            Attr::Cn => None,
            Attr::Ou => Some(&mut self.ou),
            Attr::O => Some(&mut self.o),
            Attr::L => Some(&mut self.l),
            Attr::St => Some(&mut self.st),
            Attr::C => Some(&mut self.c),
        }
    }

    /// Renders the name as CUCM does: `CN=..;OU=..;O=..;L=..;ST=..;C=..`.
    ///
    /// The order is always CN, OU, O, L, ST, C (whatever [`rdn_order`] says);
    /// absent attributes are omitted. Values are not escaped.
    ///
    /// [`rdn_order`]: DistinguishedName::rdn_order
    #[must_use]
    pub fn cucm_string(&self) -> String {
        let mut out = String::new();
        for attr in Attr::CUCM_ORDER {
            if let Some(v) = self.get(attr) {
                if !out.is_empty() {
                    out.push(';');
                }
                out.push_str(attr.short_name());
                out.push('=');
                out.push_str(v);
            }
        }
        out
    }

    /// The attributes in the order they are encoded in a certificate.
    ///
    /// # Errors
    /// [`PkiError::InvalidName`] if [`rdn_order`](DistinguishedName::rdn_order)
    /// lists an attribute twice or leaves out a present attribute.
    pub fn encoding_order(&self) -> Result<Vec<Attr>, PkiError> {
        let Some(order) = &self.rdn_order else {
            return Ok(Attr::DEFAULT_ENCODING_ORDER
                .into_iter()
                .filter(|a| self.get(*a).is_some())
                .collect());
        };
        let mut seen = Vec::with_capacity(order.len());
        for a in order {
            if seen.contains(a) {
                return Err(PkiError::InvalidName(format!(
                    "rdn_order lists {} twice",
                    a.short_name()
                )));
            }
            seen.push(*a);
        }
        if let Some(missing) = Attr::CUCM_ORDER
            .into_iter()
            .find(|a| self.get(*a).is_some() && !order.contains(a))
        {
            return Err(PkiError::InvalidName(format!(
                "{} is present but not listed in rdn_order",
                missing.short_name()
            )));
        }
        Ok(order
            .iter()
            .copied()
            .filter(|a| self.get(*a).is_some())
            .collect())
    }

    /// Encodes the name as an X.509 `Name`, one attribute per RDN.
    ///
    /// Values are `PrintableString` when every character allows it, else
    /// `UTF8String` (what Java's `X500Name`, and so CUCM, does).
    ///
    /// # Errors
    /// [`PkiError::InvalidName`] for a bad [`rdn_order`](DistinguishedName::rdn_order),
    /// [`PkiError::Der`] if a value cannot be encoded.
    pub fn to_x509_name(&self) -> Result<Name, PkiError> {
        Ok(Name::from_der(&self.to_der()?)?)
    }

    /// The DER encoding of [`to_x509_name`](DistinguishedName::to_x509_name).
    ///
    /// # Errors
    /// As [`to_x509_name`](DistinguishedName::to_x509_name).
    pub fn to_der(&self) -> Result<Vec<u8>, PkiError> {
        let mut seq = RdnSequence::default();
        for attr in self.encoding_order()? {
            let value = self.get(attr).unwrap_or_default();
            let tag = if is_printable(value) {
                Tag::PrintableString
            } else {
                Tag::Utf8String
            };
            let atv = AttributeTypeAndValue {
                oid: attr.oid(),
                value: Any::new(tag, value.as_bytes())?,
            };
            let mut set = SetOfVec::new();
            set.insert(atv)?;
            seq.push(RelativeDistinguishedName::from(set));
        }
        Ok(seq.to_der()?)
    }

    /// Reads the six known attributes from an X.509 `Name`.
    ///
    /// Other attributes (emailAddress, DC, ...) are ignored; for a repeated
    /// attribute the first value wins; a missing CN gives an empty `cn`.
    /// [`rdn_order`](DistinguishedName::rdn_order) is set to the order found
    /// when it differs from the default order, else left `None`.
    ///
    /// # Errors
    /// [`PkiError::InvalidName`] if a value is not a string type this crate
    /// decodes (Printable, UTF8, IA5, Visible, Teletex, BMP).
    pub fn from_x509_name(name: &Name) -> Result<Self, PkiError> {
        let mut dn = DistinguishedName::default();
        let mut order = Vec::new();
        for atv in name.iter() {
            let Some(attr) = Attr::from_oid(&atv.oid) else {
                continue;
            };
            if order.contains(&attr) {
                continue;
            }
            let value = decode_directory_string(&atv.value)?;
            order.push(attr);
            dn.set(attr, value);
        }
        let default: Vec<Attr> = Attr::DEFAULT_ENCODING_ORDER
            .into_iter()
            .filter(|a| order.contains(a))
            .collect();
        if order != default {
            dn.rdn_order = Some(order);
        }
        Ok(dn)
    }
}

impl std::fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.cucm_string())
    }
}

/// True when `s` fits the ASN.1 PrintableString character set.
fn is_printable(s: &str) -> bool {
    s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'\'' | b'(' | b')' | b'+' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?'
            )
    })
}

/// Decodes a DirectoryString-like attribute value to a Rust string.
fn decode_directory_string(value: &Any) -> Result<String, PkiError> {
    let bytes = value.value();
    let bad = |what: &str| PkiError::InvalidName(format!("{what} in attribute value"));
    match value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::VisibleString => {
            String::from_utf8(bytes.to_vec()).map_err(|_| bad("invalid UTF-8"))
        }
        // T.61 in theory; Latin-1 in practice.
        Tag::TeletexString => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return Err(bad("odd-length BMPString"));
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).map_err(|_| bad("invalid BMPString"))
        }
        other => Err(PkiError::InvalidName(format!(
            "unsupported attribute value type {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> DistinguishedName {
        DistinguishedName::new("ucm-pub")
            .with_ou("VTG")
            .with_o("Cisco Systems")
            .with_l("RTP")
            .with_st("NC")
            .with_c("US")
    }

    #[test]
    fn example_health_is_the_fixtures_name_shape() {
        assert_eq!(
            DistinguishedName::example_health("ucm-pub.example.org").cucm_string(),
            "CN=ucm-pub.example.org;OU=UC;O=Example Health;L=Durham;ST=NC;C=US"
        );
    }

    #[test]
    fn with_attr_sets_any_attribute() {
        let dn = DistinguishedName::new("old")
            .with_attr(Attr::Cn, "ucm-pub")
            .with_attr(Attr::St, "NC");
        assert_eq!(dn.cucm_string(), "CN=ucm-pub;ST=NC");
        assert_eq!(dn, DistinguishedName::new("ucm-pub").with_st("NC"));
        assert_ne!(dn, DistinguishedName::new("ucm-pub").with_l("NC"));
    }

    #[test]
    fn cucm_string_full_and_partial() {
        assert_eq!(
            full().cucm_string(),
            "CN=ucm-pub;OU=VTG;O=Cisco Systems;L=RTP;ST=NC;C=US"
        );
        let partial = DistinguishedName::new("CAPF-1234")
            .with_o("Acme")
            .with_c("DE");
        assert_eq!(partial.cucm_string(), "CN=CAPF-1234;O=Acme;C=DE");
        assert_eq!(DistinguishedName::new("x").cucm_string(), "CN=x");
        let no_cn = DistinguishedName::new("").with_o("Acme");
        assert_eq!(no_cn.cucm_string(), "O=Acme");
        let back = DistinguishedName::from_x509_name(&no_cn.to_x509_name().unwrap()).unwrap();
        assert_eq!(back, no_cn);
        // rdn_order does not change the CUCM rendering.
        let ordered =
            full().with_rdn_order([Attr::C, Attr::O, Attr::Ou, Attr::Cn, Attr::St, Attr::L]);
        assert_eq!(ordered.cucm_string(), full().cucm_string());
    }

    #[test]
    fn round_trip_default_and_explicit_order() {
        let dn = full();
        let back = DistinguishedName::from_x509_name(&dn.to_x509_name().unwrap()).unwrap();
        assert_eq!(back, dn);

        let ordered =
            full().with_rdn_order([Attr::C, Attr::O, Attr::Ou, Attr::Cn, Attr::St, Attr::L]);
        let back = DistinguishedName::from_x509_name(&ordered.to_x509_name().unwrap()).unwrap();
        assert_eq!(back, ordered);
    }

    #[test]
    fn utf8_when_not_printable() {
        let dn = DistinguishedName::new("Müller & Co");
        let der = dn.to_der().unwrap();
        // The value's tag is UTF8String (0x0c).
        assert!(
            der.windows(2)
                .any(|w| w == [0x0c, "Müller & Co".len() as u8])
        );
        let back = DistinguishedName::from_x509_name(&dn.to_x509_name().unwrap()).unwrap();
        assert_eq!(back.cn, "Müller & Co");
    }

    #[test]
    fn bad_rdn_order_rejected() {
        let dup = full().with_rdn_order([
            Attr::C,
            Attr::C,
            Attr::St,
            Attr::L,
            Attr::O,
            Attr::Ou,
            Attr::Cn,
        ]);
        assert!(matches!(dup.to_der(), Err(PkiError::InvalidName(_))));
        let missing = full().with_rdn_order([Attr::Cn]);
        assert!(matches!(missing.to_der(), Err(PkiError::InvalidName(_))));
        // Listing absent attributes is fine.
        let sparse = DistinguishedName::new("a").with_rdn_order(Attr::CUCM_ORDER);
        assert_eq!(sparse.encoding_order().unwrap(), vec![Attr::Cn]);
    }
}
