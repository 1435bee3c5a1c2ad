//! A server's TLS certificate as a person is shown it before trusting it: subject, issuer,
//! validity and SHA-256 ([`PresentedCertificate`]), read from the DER the server presented.

use std::time::Duration;

use itl_core::time::UnixTime;
use itl_wire::Sha256Fingerprint;

use super::error::OnboardError;
use crate::transport::probe_certificate;

/// What a server presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentedCertificate {
    /// SHA-256 of the DER (the `tls_sha256` pin).
    pub fingerprint: Sha256Fingerprint,
    /// Subject distinguished name (`CN=ucm-pub.example.com, O=…`).
    pub subject: String,
    /// The subject's common name, when there is one.
    pub common_name: Option<String>,
    /// Issuer distinguished name (the subject again for a self-signed certificate).
    pub issuer: String,
    /// Start of validity.
    pub not_before: UnixTime,
    /// End of validity.
    pub not_after: UnixTime,
}

impl PresentedCertificate {
    /// Reads a DER certificate; `peer` names the server in the error.
    pub fn from_der(der: &[u8], peer: &str) -> Result<Self, OnboardError> {
        let (_, cert) =
            x509_parser::parse_x509_certificate(der).map_err(|e| OnboardError::Certificate {
                peer: peer.to_owned(),
                reason: e.to_string(),
            })?;
        let common_name = cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(str::to_owned);
        let validity = cert.validity();
        Ok(Self {
            fingerprint: Sha256Fingerprint::of_der(der),
            subject: cert.subject().to_string(),
            common_name,
            issuer: cert.issuer().to_string(),
            not_before: UnixTime::from_secs(validity.not_before.timestamp()),
            not_after: UnixTime::from_secs(validity.not_after.timestamp()),
        })
    }

    /// Whether issuer and subject are the same name (CUCM's self-signed Tomcat certificate).
    pub fn is_self_signed(&self) -> bool {
        self.subject == self.issuer
    }

    /// The host name the certificate names: the first label of its common name, when that
    /// looks like a host name (CUCM's Tomcat certificate carries the node's FQDN).
    pub fn host_name(&self) -> Option<String> {
        let cn = self.common_name.as_deref()?;
        let label = cn.split('.').next()?;
        let plausible = !label.is_empty()
            && label.len() <= 63
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !label.chars().all(|c| c.is_ascii_digit());
        plausible.then(|| label.to_owned())
    }
}

/// Connects to `url` accepting any certificate and describes the one presented.
pub async fn probe(url: &str, timeout: Duration) -> Result<PresentedCertificate, OnboardError> {
    let der = probe_certificate(url, timeout)
        .await
        .map_err(|source| OnboardError::Probe { source })?;
    PresentedCertificate::from_der(&der, url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_a_self_signed_tomcat_certificate() {
        let key = itl_pki::ec_p256_key(7, "tomcat");
        let subject = itl_pki::DistinguishedName::new("ucm-pub.example.com").with_o("Cisco");
        let spec =
            itl_pki::CertSpec::self_signed(subject, vec![0x42], 1_700_000_000, 1_800_000_000);
        let der = itl_pki::ec_p256_certificate(&spec, &key)
            .expect("certificate")
            .der()
            .to_vec();
        let cert = PresentedCertificate::from_der(&der, "https://ucm-pub:8443/").expect("parses");
        assert_eq!(cert.fingerprint, Sha256Fingerprint::of_der(&der));
        assert_eq!(cert.common_name.as_deref(), Some("ucm-pub.example.com"));
        assert_eq!(cert.host_name().as_deref(), Some("ucm-pub"));
        assert!(cert.is_self_signed());
        assert_eq!(
            (cert.not_before.secs(), cert.not_after.secs()),
            (1_700_000_000, 1_800_000_000)
        );
        // Reject twin: bytes that are no certificate.
        let err = PresentedCertificate::from_der(&der[..40], "https://ucm-pub:8443/")
            .expect_err("truncated");
        assert!(
            err.to_string()
                .starts_with("https://ucm-pub:8443/: the certificate cannot be read: "),
            "{err}"
        );
    }

    #[test]
    fn host_name_only_from_a_name() {
        let cert = |cn: Option<&str>| PresentedCertificate {
            fingerprint: Sha256Fingerprint([0; 32]),
            subject: String::new(),
            common_name: cn.map(str::to_owned),
            issuer: String::new(),
            not_before: UnixTime::EPOCH,
            not_after: UnixTime::EPOCH,
        };
        assert_eq!(
            cert(Some("ucm-sub1")).host_name().as_deref(),
            Some("ucm-sub1")
        );
        assert_eq!(cert(Some("10.0.0.1")).host_name(), None);
        assert_eq!(cert(Some("a b.example")).host_name(), None);
        assert_eq!(cert(None).host_name(), None);
    }
}
