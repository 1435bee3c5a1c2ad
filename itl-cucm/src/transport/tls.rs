//! How a server's TLS certificate is trusted: the platform's roots, a pinned SHA-256
//! fingerprint (CUCM's self-signed Tomcat certificate, trusted on first use), or — explicitly —
//! anything.

use std::sync::{Arc, Mutex};

use itl_wire::Sha256Fingerprint;
use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

/// How the server's TLS certificate is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsTrust {
    /// The platform's trust store (CA-signed certificates), host name checked.
    SystemRoots,
    /// Exactly this end-entity certificate (trust on first use of CUCM's self-signed Tomcat
    /// certificate); chain and host name are not checked.
    Pinned(Sha256Fingerprint),
    /// Any certificate. Explicit opt-in only (`--insecure`).
    Insecure,
}

/// The last end-entity certificate a connection presented (pinned or insecure mode): its
/// fingerprint and DER.
pub(crate) type Seen = Arc<Mutex<Option<(Sha256Fingerprint, Vec<u8>)>>>;

#[derive(Debug, Clone, Copy)]
enum VerifyMode {
    Pinned(Sha256Fingerprint),
    AcceptAny,
}

/// Compares the end-entity certificate's SHA-256 with the pin (or accepts any certificate),
/// records what was seen, and still verifies the handshake signatures.
#[derive(Debug)]
struct FingerprintVerifier {
    mode: VerifyMode,
    seen: Seen,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for FingerprintVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let actual = Sha256Fingerprint::of_der(end_entity.as_ref());
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((actual, end_entity.as_ref().to_vec()));
        match self.mode {
            VerifyMode::AcceptAny => Ok(ServerCertVerified::assertion()),
            VerifyMode::Pinned(expected) if expected == actual => {
                Ok(ServerCertVerified::assertion())
            }
            VerifyMode::Pinned(_) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The rustls configuration for `trust`, or `None` for the platform's roots (reqwest's own).
pub(crate) fn rustls_config(
    trust: TlsTrust,
    seen: Seen,
) -> Result<Option<rustls::ClientConfig>, rustls::Error> {
    let mode = match trust {
        TlsTrust::SystemRoots => return Ok(None),
        TlsTrust::Pinned(fp) => VerifyMode::Pinned(fp),
        TlsTrust::Insecure => VerifyMode::AcceptAny,
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = FingerprintVerifier {
        mode,
        seen,
        algorithms: provider.signature_verification_algorithms,
    };
    Ok(Some(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth(),
    ))
}
