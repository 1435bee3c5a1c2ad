//! [`Finding`]: one problem (or fact worth knowing) found by verification, with a stable code.

use serde::Serialize;
use std::fmt;

/// How serious a finding is. An [`Severity::Error`] makes the file fail verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file is wrong, or phones refuse or mis-trust it.
    Error,
    /// Unusual or risky, but phones accept the file.
    Warning,
    /// Worth knowing (CUCM defaults such as SHA-1 and 1024-bit keys).
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

named!(Severity, as_str);

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, written as its kebab-case name ([`FindingCode::name`]).
    pub code: FindingCode,
    /// Severity; always the code's ([`FindingCode::severity`]).
    pub severity: Severity,
    /// The record concerned, counted from 1 as `show itl` counts; `None` for the whole file.
    pub record: Option<usize>,
    /// A human-readable explanation with the values involved.
    pub message: String,
}

impl Finding {
    /// A finding with its code's severity. `record` is 0-based here and stored 1-based.
    pub(crate) fn new(code: FindingCode, record: Option<usize>, message: String) -> Self {
        Self {
            code,
            severity: code.severity(),
            record: record.map(|index| index + 1),
            message,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.severity)?;
        if let Some(record) = self.record {
            write!(f, "record {record}: ")?;
        }
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The stable finding codes, in report order (signature, records, list, cluster). Written
/// (JSON, text) as their kebab-case names; the README's findings table lists the same rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingCode {
    /// The header lacks SIGNER_SERIAL, DIGEST_ALGORITHM, SIGNATURE_MODULUS or SIGNATURE.
    Unsigned,
    /// DIGEST_ALGORITHM names a digest outside the allow-list.
    DigestUnsupported,
    /// DIGEST_ALGORITHM is 4, certutils' 2020 code for SHA-512.
    DigestLegacyCode,
    /// SIGNATURE_ALGORITHM is not 0 (RSA).
    SignatureAlgorithmUnsupported,
    /// No record carries the header's SIGNER_SERIAL.
    SignerNotFound,
    /// The signer record matches SIGNER_SERIAL but not SIGNER_ISSUER.
    SignerIssuerMismatch,
    /// The signer record's role is not SAST.
    SignerNotSast,
    /// The signer record has no certificate, or it does not decode.
    SignerCertificateInvalid,
    /// The signer's key is not RSA, is outside 1024–4096 bits or has an unusable exponent.
    SignerKeyUnsupported,
    /// SIGNATURE's length differs from the key's modulus size or from SIGNATURE_MODULUS.
    SignatureLengthMismatch,
    /// The RSA PKCS#1 v1.5 signature does not verify.
    SignatureInvalid,
    /// The file is signed with SHA-1 (CUCM's default).
    Sha1Digest,
    /// CERTIFICATE does not decode as X.509.
    CertificateInvalid,
    /// PUBLICKEY differs from the certificate's key.
    PublicKeyMismatch,
    /// SERIALNUMBER differs from the certificate's serial.
    SerialMismatch,
    /// SUBJECTNAME names another subject than the certificate.
    SubjectMismatch,
    /// ISSUERNAME names another issuer than the certificate.
    IssuerMismatch,
    /// The record's SIGNATURE differs from the certificate's signatureValue.
    RecordSignatureMismatch,
    /// CERT_HASH (tag 11) differs from the certificate's digest.
    CertHashMismatch,
    /// HASH_ALGORITHM (tag 12) names no known digest.
    HashAlgorithmUnsupported,
    /// The certificate's notBefore is after `now`.
    NotYetValid,
    /// The certificate's notAfter is before `now`.
    Expired,
    /// The certificate expires within 30 days of `now`.
    ExpiringSoon,
    /// DNSNAME is an IPv4 literal that differs from IPADDRESS.
    IpAddressMismatch,
    /// The record has no FUNCTION.
    FunctionMissing,
    /// The certificate has an RSA key of 1024 bits or less.
    Key1024,
    /// The certificate is signed with SHA-1.
    Sha1Certificate,
    /// The file is over 65 535 bytes: phones refuse it.
    FileTooLarge,
    /// The file carries more than 39 certificates: phones refuse it.
    TooManyCertificates,
    /// More than two SAST records.
    TooManySast,
    /// The same certificate appears twice with the same role.
    DuplicateCertificate,
    /// A CTL carries a TVS record (CUCM never writes one).
    CtlContainsTvs,
    /// An ITL has no TFTP or CCM+TFTP record (and is not a rollback ITL).
    ItlWithoutTftp,
    /// An ITL has no TVS record (and is not a rollback ITL).
    ItlWithoutTvs,
    /// FILENAME names neither an ITL nor a CTL: role rules were not checked.
    UnknownKind,
    /// Certificate-less placeholder records (non-secure CTL, rollback ITL).
    Placeholders,
    /// Parse warning: an unknown tag, kept as is.
    UnknownTag,
    /// Parse warning: HEADER_LENGTH is not a multiple of 4.
    HeaderLengthUnaligned,
    /// Parse warning: VERSION is not 1.x.
    UnexpectedVersion,
    /// A record's certificate is not among the cluster's current certificates.
    StaleRecord,
    /// A current cluster certificate that belongs in the list is not in it.
    MissingCert,
    /// A record's certificate is a cluster certificate of a role that does not fit the record.
    ClusterRoleMismatch,
}

impl FindingCode {
    /// Every code, in report order.
    pub const ALL: [FindingCode; 42] = [
        FindingCode::Unsigned,
        FindingCode::DigestUnsupported,
        FindingCode::DigestLegacyCode,
        FindingCode::SignatureAlgorithmUnsupported,
        FindingCode::SignerNotFound,
        FindingCode::SignerIssuerMismatch,
        FindingCode::SignerNotSast,
        FindingCode::SignerCertificateInvalid,
        FindingCode::SignerKeyUnsupported,
        FindingCode::SignatureLengthMismatch,
        FindingCode::SignatureInvalid,
        FindingCode::Sha1Digest,
        FindingCode::CertificateInvalid,
        FindingCode::PublicKeyMismatch,
        FindingCode::SerialMismatch,
        FindingCode::SubjectMismatch,
        FindingCode::IssuerMismatch,
        FindingCode::RecordSignatureMismatch,
        FindingCode::CertHashMismatch,
        FindingCode::HashAlgorithmUnsupported,
        FindingCode::NotYetValid,
        FindingCode::Expired,
        FindingCode::ExpiringSoon,
        FindingCode::IpAddressMismatch,
        FindingCode::FunctionMissing,
        FindingCode::Key1024,
        FindingCode::Sha1Certificate,
        FindingCode::FileTooLarge,
        FindingCode::TooManyCertificates,
        FindingCode::TooManySast,
        FindingCode::DuplicateCertificate,
        FindingCode::CtlContainsTvs,
        FindingCode::ItlWithoutTftp,
        FindingCode::ItlWithoutTvs,
        FindingCode::UnknownKind,
        FindingCode::Placeholders,
        FindingCode::UnknownTag,
        FindingCode::HeaderLengthUnaligned,
        FindingCode::UnexpectedVersion,
        FindingCode::StaleRecord,
        FindingCode::MissingCert,
        FindingCode::ClusterRoleMismatch,
    ];

    /// The stable kebab-case name (`signature-invalid`, `expired`...).
    pub fn name(self) -> &'static str {
        match self {
            FindingCode::Unsigned => "unsigned",
            FindingCode::DigestUnsupported => "digest-unsupported",
            FindingCode::DigestLegacyCode => "digest-legacy-code",
            FindingCode::SignatureAlgorithmUnsupported => "signature-algorithm-unsupported",
            FindingCode::SignerNotFound => "signer-not-found",
            FindingCode::SignerIssuerMismatch => "signer-issuer-mismatch",
            FindingCode::SignerNotSast => "signer-not-sast",
            FindingCode::SignerCertificateInvalid => "signer-certificate-invalid",
            FindingCode::SignerKeyUnsupported => "signer-key-unsupported",
            FindingCode::SignatureLengthMismatch => "signature-length-mismatch",
            FindingCode::SignatureInvalid => "signature-invalid",
            FindingCode::Sha1Digest => "sha1-digest",
            FindingCode::CertificateInvalid => "certificate-invalid",
            FindingCode::PublicKeyMismatch => "public-key-mismatch",
            FindingCode::SerialMismatch => "serial-mismatch",
            FindingCode::SubjectMismatch => "subject-mismatch",
            FindingCode::IssuerMismatch => "issuer-mismatch",
            FindingCode::RecordSignatureMismatch => "record-signature-mismatch",
            FindingCode::CertHashMismatch => "cert-hash-mismatch",
            FindingCode::HashAlgorithmUnsupported => "hash-algorithm-unsupported",
            FindingCode::NotYetValid => "not-yet-valid",
            FindingCode::Expired => "expired",
            FindingCode::ExpiringSoon => "expiring-soon",
            FindingCode::IpAddressMismatch => "ip-address-mismatch",
            FindingCode::FunctionMissing => "function-missing",
            FindingCode::Key1024 => "key-1024",
            FindingCode::Sha1Certificate => "sha1-certificate",
            FindingCode::FileTooLarge => "file-too-large",
            FindingCode::TooManyCertificates => "too-many-certificates",
            FindingCode::TooManySast => "too-many-sast",
            FindingCode::DuplicateCertificate => "duplicate-certificate",
            FindingCode::CtlContainsTvs => "ctl-contains-tvs",
            FindingCode::ItlWithoutTftp => "itl-without-tftp",
            FindingCode::ItlWithoutTvs => "itl-without-tvs",
            FindingCode::UnknownKind => "unknown-kind",
            FindingCode::Placeholders => "placeholders",
            FindingCode::UnknownTag => "unknown-tag",
            FindingCode::HeaderLengthUnaligned => "header-length-unaligned",
            FindingCode::UnexpectedVersion => "unexpected-version",
            FindingCode::StaleRecord => "stale-record",
            FindingCode::MissingCert => "missing-cert",
            FindingCode::ClusterRoleMismatch => "cluster-role-mismatch",
        }
    }

    /// How serious a finding with this code is.
    pub fn severity(self) -> Severity {
        match self {
            FindingCode::Unsigned
            | FindingCode::DigestUnsupported
            | FindingCode::SignatureAlgorithmUnsupported
            | FindingCode::SignerNotFound
            | FindingCode::SignerCertificateInvalid
            | FindingCode::SignerKeyUnsupported
            | FindingCode::SignatureLengthMismatch
            | FindingCode::SignatureInvalid
            | FindingCode::CertificateInvalid
            | FindingCode::PublicKeyMismatch
            | FindingCode::SerialMismatch
            | FindingCode::CertHashMismatch
            | FindingCode::NotYetValid
            | FindingCode::Expired
            | FindingCode::FileTooLarge
            | FindingCode::TooManyCertificates
            | FindingCode::TooManySast
            | FindingCode::ItlWithoutTftp
            | FindingCode::StaleRecord
            | FindingCode::MissingCert => Severity::Error,
            FindingCode::DigestLegacyCode
            | FindingCode::SignerIssuerMismatch
            | FindingCode::SignerNotSast
            | FindingCode::SubjectMismatch
            | FindingCode::IssuerMismatch
            | FindingCode::RecordSignatureMismatch
            | FindingCode::HashAlgorithmUnsupported
            | FindingCode::ExpiringSoon
            | FindingCode::IpAddressMismatch
            | FindingCode::FunctionMissing
            | FindingCode::DuplicateCertificate
            | FindingCode::CtlContainsTvs
            | FindingCode::ItlWithoutTvs
            | FindingCode::UnknownKind
            | FindingCode::UnknownTag
            | FindingCode::HeaderLengthUnaligned
            | FindingCode::UnexpectedVersion
            | FindingCode::ClusterRoleMismatch => Severity::Warning,
            FindingCode::Sha1Digest
            | FindingCode::Key1024
            | FindingCode::Sha1Certificate
            | FindingCode::Placeholders => Severity::Info,
        }
    }

    /// What the code means (the README's findings table).
    pub fn meaning(self) -> &'static str {
        match self {
            FindingCode::Unsigned => {
                "the header lacks SIGNER_SERIAL, DIGEST_ALGORITHM, SIGNATURE_MODULUS or SIGNATURE"
            }
            FindingCode::DigestUnsupported => {
                "DIGEST_ALGORITHM is not 1 (SHA-1), 2 (SHA-256), 3 (SHA-512) or 4 (legacy SHA-512)"
            }
            FindingCode::DigestLegacyCode => {
                "DIGEST_ALGORITHM 4: certutils' 2020 code for SHA-512, checked as SHA-512"
            }
            FindingCode::SignatureAlgorithmUnsupported => "SIGNATURE_ALGORITHM is not 0 (RSA)",
            FindingCode::SignerNotFound => "no record carries the header's SIGNER_SERIAL",
            FindingCode::SignerIssuerMismatch => {
                "the signer record matches SIGNER_SERIAL but not SIGNER_ISSUER (verified anyway)"
            }
            FindingCode::SignerNotSast => "the signer record's role is not SAST",
            FindingCode::SignerCertificateInvalid => {
                "the signer record has no certificate, or it does not decode"
            }
            FindingCode::SignerKeyUnsupported => {
                "the signer key is not RSA, not 1024–4096 bits, or has an even or over-64-bit exponent"
            }
            FindingCode::SignatureLengthMismatch => {
                "SIGNATURE's length differs from the signer's modulus size or from SIGNATURE_MODULUS"
            }
            FindingCode::SignatureInvalid => {
                "the RSA PKCS#1 v1.5 signature does not verify with the signer's certificate"
            }
            FindingCode::Sha1Digest => "the file is signed with SHA-1 (CUCM's default)",
            FindingCode::CertificateInvalid => "CERTIFICATE does not decode as X.509",
            FindingCode::PublicKeyMismatch => "PUBLICKEY differs from the certificate's key",
            FindingCode::SerialMismatch => "SERIALNUMBER differs from the certificate's serial",
            FindingCode::SubjectMismatch => {
                "SUBJECTNAME names another subject than the certificate (compared by attribute)"
            }
            FindingCode::IssuerMismatch => {
                "ISSUERNAME names another issuer than the certificate (compared by attribute)"
            }
            FindingCode::RecordSignatureMismatch => {
                "the record's SIGNATURE differs from the certificate's signatureValue"
            }
            FindingCode::CertHashMismatch => {
                "CERT_HASH (tag 11) differs from the certificate's digest (SHA-1 unless tag 12 says otherwise)"
            }
            FindingCode::HashAlgorithmUnsupported => {
                "HASH_ALGORITHM (tag 12) names no known digest; CERT_HASH not checked"
            }
            FindingCode::NotYetValid => "the certificate's notBefore is after `now`",
            FindingCode::Expired => "the certificate's notAfter is before `now`",
            FindingCode::ExpiringSoon => "the certificate expires within 30 days of `now`",
            FindingCode::IpAddressMismatch => {
                "DNSNAME is an IPv4 literal that differs from IPADDRESS"
            }
            FindingCode::FunctionMissing => "the record has no FUNCTION (role)",
            FindingCode::Key1024 => {
                "the certificate has a 1024-bit (or smaller) RSA key (CUCM's old default)"
            }
            FindingCode::Sha1Certificate => "the certificate is signed with SHA-1",
            FindingCode::FileTooLarge => "the file is over 65 535 bytes: phones refuse it",
            FindingCode::TooManyCertificates => {
                "the file carries more than 39 certificates: phones refuse it"
            }
            FindingCode::TooManySast => "more than two SAST records",
            FindingCode::DuplicateCertificate => {
                "the same certificate appears twice with the same role"
            }
            FindingCode::CtlContainsTvs => {
                "a CTL carries a TVS record (CUCM never puts TVS in a CTL)"
            }
            FindingCode::ItlWithoutTftp => {
                "an ITL has no TFTP or CCM+TFTP record: phones cannot check signed configuration files"
            }
            FindingCode::ItlWithoutTvs => {
                "an ITL has no TVS record: phones cannot ask TVS about certificates they do not hold"
            }
            FindingCode::UnknownKind => {
                "FILENAME names neither an ITL nor a CTL: role rules were not checked"
            }
            FindingCode::Placeholders => {
                "certificate-less placeholder records (CTL of a non-secure cluster, rollback ITL)"
            }
            FindingCode::UnknownTag => "parse warning: an unknown tag, kept as is",
            FindingCode::HeaderLengthUnaligned => {
                "parse warning: HEADER_LENGTH is not a multiple of 4"
            }
            FindingCode::UnexpectedVersion => "parse warning: VERSION is not 1.x",
            FindingCode::StaleRecord => {
                "a record's certificate is not among the cluster's current certificates (an old certificate still trusted)"
            }
            FindingCode::MissingCert => {
                "a current cluster certificate that belongs in this list is not in it"
            }
            FindingCode::ClusterRoleMismatch => {
                "a record holds a cluster certificate of a role that does not fit the record's FUNCTION"
            }
        }
    }

    /// Whether the code is about the file signature (the header's signature fields, the
    /// signer record, the RSA check).
    pub fn concerns_signature(self) -> bool {
        matches!(
            self,
            FindingCode::Unsigned
                | FindingCode::DigestUnsupported
                | FindingCode::DigestLegacyCode
                | FindingCode::SignatureAlgorithmUnsupported
                | FindingCode::SignerNotFound
                | FindingCode::SignerIssuerMismatch
                | FindingCode::SignerNotSast
                | FindingCode::SignerCertificateInvalid
                | FindingCode::SignerKeyUnsupported
                | FindingCode::SignatureLengthMismatch
                | FindingCode::SignatureInvalid
                | FindingCode::Sha1Digest
        )
    }

    /// Whether the code is about a certificate's dates (`not-yet-valid`, `expired`,
    /// `expiring-soon`).
    pub fn concerns_validity(self) -> bool {
        matches!(
            self,
            FindingCode::NotYetValid | FindingCode::Expired | FindingCode::ExpiringSoon
        )
    }

    /// The code named `name`; `None` for a name that is no code.
    pub fn from_name(name: &str) -> Option<FindingCode> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }
}

named!(FindingCode, name);

impl Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for FindingCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        FindingCode::from_name(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding code {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        for (i, code) in FindingCode::ALL.iter().enumerate() {
            let name = code.name();
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
            assert!(!FindingCode::ALL[..i].contains(code), "{name} twice");
            assert_eq!(FindingCode::from_name(name), Some(*code));
            assert!(!code.meaning().is_empty());
        }
        assert_eq!(FindingCode::from_name("expired-soon"), None);
    }

    #[test]
    fn severities_and_serde() {
        assert_eq!(FindingCode::Expired.severity(), Severity::Error);
        assert_eq!(FindingCode::ExpiringSoon.severity(), Severity::Warning);
        assert_eq!(FindingCode::Sha1Digest.severity(), Severity::Info);
        assert_eq!(
            serde_json::to_string(&FindingCode::SignatureInvalid).unwrap(),
            "\"signature-invalid\""
        );
        assert_eq!(
            serde_json::from_str::<FindingCode>("\"key-1024\"").unwrap(),
            FindingCode::Key1024
        );
        assert!(serde_json::from_str::<FindingCode>("\"nope\"").is_err());
        let f = Finding::new(FindingCode::Expired, Some(2), "gone".into());
        assert_eq!(f.to_string(), "error: record 3: expired: gone");
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            serde_json::json!({"code": "expired", "severity": "error", "record": 3, "message": "gone"})
        );
    }
}
