//! Node identities: a certificate unit's RSA key and self-signed certificate, made
//! deterministically from the seed, the node and a generation counter.
//!
//! Label grammar (the input of [`itl_pki::rsa_key`]): `<cluster-tag>/<node>/<unit>/gen<N>`,
//! e.g. `sim/ucm-pub/CallManager/gen1`. Regenerating a unit makes generation N+1, so a replay
//! of the same changes gives the same keys.

use std::fmt;
use std::sync::Arc;

use itl_core::checksum::sha256;
use itl_pki::{
    CertSpec, Certificate, DistinguishedName, Issuer, RsaPrivateKey, SigHash, rsa_certificate,
    rsa_key,
};

use crate::error::{PkiPart, SimError};
use itl_core::cucm::CertUnit;

/// The certificate units the simulator models, in the order their keys are made. The ECDSA
/// units are not simulated (no trust list carries them).
pub const SIM_UNITS: [CertUnit; 6] = [
    CertUnit::CallManager,
    CertUnit::Tvs,
    CertUnit::Tomcat,
    CertUnit::Ipsec,
    CertUnit::Capf,
    CertUnit::ItlRecovery,
];

/// One generation of a unit's key and certificate.
#[derive(Clone)]
pub struct Identity {
    /// The unit.
    pub unit: CertUnit,
    /// The node that owns it.
    pub node: String,
    /// 1 for the installed certificate, +1 per regeneration.
    pub generation: u32,
    /// The key-derivation label.
    pub label: String,
    key: Arc<RsaPrivateKey>,
    cert: Arc<Certificate>,
    sha256: [u8; 32],
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("label", &self.label)
            .field("subject", &self.cert.subject_cucm())
            .field("serial", &self.cert.serial_hex())
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// The private key.
    pub fn key(&self) -> &RsaPrivateKey {
        &self.key
    }

    /// The certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    /// The certificate's DER.
    pub fn der(&self) -> &[u8] {
        self.cert.der()
    }

    /// SHA-256 of the certificate's DER.
    pub fn sha256(&self) -> [u8; 32] {
        self.sha256
    }

    /// The private key as PKCS#8 DER (for TLS servers).
    pub fn key_pkcs8_der(&self) -> Result<Vec<u8>, SimError> {
        use itl_pki::rsa::pkcs8::EncodePrivateKey;
        self.key
            .to_pkcs8_der()
            .map(|doc| doc.as_bytes().to_vec())
            .map_err(|e| SimError::Pki {
                part: PkiPart::Pkcs8,
                label: self.label.clone(),
                source: itl_pki::PkiError::from(e),
            })
    }
}

/// The organisation part of every subject name in a simulated cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    /// OU.
    pub ou: String,
    /// O.
    pub o: String,
    /// L.
    pub l: String,
    /// ST.
    pub st: String,
    /// C.
    pub c: String,
}

impl Default for Organisation {
    fn default() -> Self {
        Self {
            ou: "UC".into(),
            o: "Sim Health".into(),
            l: "Durham".into(),
            st: "NC".into(),
            c: "US".into(),
        }
    }
}

/// Everything needed to make one identity; making it ([`IdentityPlan::generate`]) is the slow
/// part (RSA prime search), so callers can do it without holding a lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityPlan {
    /// The unit.
    pub unit: CertUnit,
    /// The owning node.
    pub node: String,
    /// Generation.
    pub generation: u32,
    /// Key-derivation label.
    pub label: String,
    /// Seed.
    pub seed: u64,
    /// RSA key size.
    pub bits: usize,
    /// Subject common name.
    pub common_name: String,
    /// Subject organisation.
    pub organisation: Organisation,
    /// notBefore, Unix seconds.
    pub not_before: u64,
    /// notAfter, Unix seconds.
    pub not_after: u64,
    /// Signed by the enterprise CA ([`ENTERPRISE_CA_CN`]) instead of self-signed (the
    /// `ca-signed` fault); a regeneration makes a self-signed one again.
    pub ca_signed: bool,
}

/// The common name of the enterprise CA that signs `ca-signed` certificates.
pub const ENTERPRISE_CA_CN: &str = "Sim Enterprise Issuing CA";

const YEAR: u64 = 365 * 86_400;

impl IdentityPlan {
    /// The plan for `unit` of `node` at `generation`, issued at `issued_at`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        tag: &str,
        seed: u64,
        bits: usize,
        node: &str,
        domain: &str,
        unit: CertUnit,
        generation: u32,
        issued_at: u64,
        organisation: &Organisation,
    ) -> Self {
        let label = format!("{tag}/{node}/{}/gen{generation}", unit.name());
        let fqdn = format!("{node}.{domain}");
        let common_name = match unit {
            CertUnit::CallManager
            | CertUnit::Tomcat
            | CertUnit::Ipsec
            | CertUnit::CallManagerEcdsa
            | CertUnit::TomcatEcdsa => fqdn,
            CertUnit::Tvs => format!("TVS-{node}"),
            CertUnit::ItlRecovery => format!("ITLRECOVERY_{fqdn}"),
            CertUnit::Capf => {
                let h = sha256(label.as_bytes());
                format!("CAPF-{}", hex::encode(&h[..4]))
            }
        };
        let years = if unit == CertUnit::ItlRecovery { 20 } else { 5 };
        Self {
            unit,
            node: node.to_owned(),
            generation,
            label,
            seed,
            // TLS stacks refuse RSA keys under 2048 bits: Tomcat never goes below.
            bits: if unit == CertUnit::Tomcat {
                bits.max(2048)
            } else {
                bits
            },
            common_name,
            organisation: organisation.clone(),
            not_before: issued_at,
            not_after: issued_at + years * YEAR,
            ca_signed: false,
        }
    }

    /// The certificate serial: 16 bytes derived from the label, positive, non-zero first byte.
    pub fn serial(&self) -> Vec<u8> {
        let mut input = self.seed.to_be_bytes().to_vec();
        input.extend_from_slice(b"/serial/");
        input.extend_from_slice(self.label.as_bytes());
        let digest = sha256(&input);
        let mut serial = digest[..16].to_vec();
        serial[0] = (serial[0] & 0x7f) | 0x10;
        serial
    }

    /// Makes the key and the self-signed certificate.
    pub fn generate(&self) -> Result<Identity, SimError> {
        let pki = |part, source| SimError::Pki {
            part,
            label: self.label.clone(),
            source,
        };
        let key = rsa_key(self.seed, &self.label, self.bits).map_err(|e| pki(PkiPart::Key, e))?;
        let org = &self.organisation;
        let subject = DistinguishedName::new(self.common_name.clone())
            .with_ou(org.ou.clone())
            .with_o(org.o.clone())
            .with_l(org.l.clone())
            .with_st(org.st.clone())
            .with_c(org.c.clone());
        let spec = CertSpec::self_signed(subject, self.serial(), self.not_before, self.not_after)
            .with_sig_hash(SigHash::Sha256);
        let ca_key = if self.ca_signed {
            Some(
                rsa_key(self.seed, "enterprise-ca", self.bits.max(2048))
                    .map_err(|e| pki(PkiPart::Key, e))?,
            )
        } else {
            None
        };
        let spec = match &ca_key {
            Some(ca_key) => spec.issued_by(Issuer::new(
                DistinguishedName::new(ENTERPRISE_CA_CN.to_owned())
                    .with_o(org.o.clone())
                    .with_c(org.c.clone()),
                ca_key,
            )),
            None => spec,
        };
        let cert = rsa_certificate(&spec, &key).map_err(|e| pki(PkiPart::Certificate, e))?;
        let sha256 = sha256(cert.der());
        Ok(Identity {
            unit: self.unit,
            node: self.node.clone(),
            generation: self.generation,
            label: self.label.clone(),
            key: Arc::new(key),
            cert: Arc::new(cert),
            sha256,
        })
    }
}

/// Makes many identities on all cores (key generation dominates start-up).
pub fn generate_all(plans: &[IdentityPlan]) -> Result<Vec<Identity>, SimError> {
    use rayon::prelude::*;
    plans.par_iter().map(IdentityPlan::generate).collect()
}
