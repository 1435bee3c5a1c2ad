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

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable, kebab-case code (see [`CODES`]).
    pub code: &'static str,
    /// Severity; always the one [`CODES`] gives for the code.
    pub severity: Severity,
    /// The record concerned, counted from 1 as `show itl` counts; `None` for the whole file.
    pub record: Option<usize>,
    /// A human-readable explanation with the values involved.
    pub message: String,
}

impl Finding {
    /// A finding with the severity [`CODES`] assigns to `code` ([`Severity::Error`] for a code
    /// missing from the table, which the tests rule out). `record` is 0-based here and stored
    /// 1-based.
    pub(crate) fn new(code: &'static str, record: Option<usize>, message: String) -> Self {
        Self {
            code,
            severity: severity_of(code).unwrap_or(Severity::Error),
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

/// The stable finding codes, as constants.
pub mod code {
    /// The header lacks SIGNER_SERIAL, DIGEST_ALGORITHM, SIGNATURE_MODULUS or SIGNATURE.
    pub const UNSIGNED: &str = "unsigned";
    /// DIGEST_ALGORITHM names a digest outside the allow-list.
    pub const DIGEST_UNSUPPORTED: &str = "digest-unsupported";
    /// DIGEST_ALGORITHM is 4, certutils' 2020 code for SHA-512.
    pub const DIGEST_LEGACY_CODE: &str = "digest-legacy-code";
    /// SIGNATURE_ALGORITHM is not 0 (RSA).
    pub const SIGNATURE_ALGORITHM_UNSUPPORTED: &str = "signature-algorithm-unsupported";
    /// No record carries the header's SIGNER_SERIAL.
    pub const SIGNER_NOT_FOUND: &str = "signer-not-found";
    /// The signer record matches SIGNER_SERIAL but not SIGNER_ISSUER.
    pub const SIGNER_ISSUER_MISMATCH: &str = "signer-issuer-mismatch";
    /// The signer record's role is not SAST.
    pub const SIGNER_NOT_SAST: &str = "signer-not-sast";
    /// The signer record has no certificate, or it does not decode.
    pub const SIGNER_CERTIFICATE_INVALID: &str = "signer-certificate-invalid";
    /// The signer's key is not RSA, is outside 1024–4096 bits or has an unusable exponent.
    pub const SIGNER_KEY_UNSUPPORTED: &str = "signer-key-unsupported";
    /// SIGNATURE's length differs from the key's modulus size or from SIGNATURE_MODULUS.
    pub const SIGNATURE_LENGTH_MISMATCH: &str = "signature-length-mismatch";
    /// The RSA PKCS#1 v1.5 signature does not verify.
    pub const SIGNATURE_INVALID: &str = "signature-invalid";
    /// The file is signed with SHA-1 (CUCM's default).
    pub const SHA1_DIGEST: &str = "sha1-digest";

    /// CERTIFICATE does not decode as X.509.
    pub const CERTIFICATE_INVALID: &str = "certificate-invalid";
    /// PUBLICKEY differs from the certificate's key.
    pub const PUBLIC_KEY_MISMATCH: &str = "public-key-mismatch";
    /// SERIALNUMBER differs from the certificate's serial.
    pub const SERIAL_MISMATCH: &str = "serial-mismatch";
    /// SUBJECTNAME names another subject than the certificate.
    pub const SUBJECT_MISMATCH: &str = "subject-mismatch";
    /// ISSUERNAME names another issuer than the certificate.
    pub const ISSUER_MISMATCH: &str = "issuer-mismatch";
    /// The record's SIGNATURE differs from the certificate's signatureValue.
    pub const RECORD_SIGNATURE_MISMATCH: &str = "record-signature-mismatch";
    /// CERT_HASH (tag 11) differs from the certificate's digest.
    pub const CERT_HASH_MISMATCH: &str = "cert-hash-mismatch";
    /// HASH_ALGORITHM (tag 12) names no known digest.
    pub const HASH_ALGORITHM_UNSUPPORTED: &str = "hash-algorithm-unsupported";
    /// The certificate's notBefore is after `now`.
    pub const NOT_YET_VALID: &str = "not-yet-valid";
    /// The certificate's notAfter is before `now`.
    pub const EXPIRED: &str = "expired";
    /// The certificate expires within 30 days of `now`.
    pub const EXPIRING_SOON: &str = "expiring-soon";
    /// DNSNAME is an IPv4 literal that differs from IPADDRESS.
    pub const IP_ADDRESS_MISMATCH: &str = "ip-address-mismatch";
    /// The record has no FUNCTION.
    pub const FUNCTION_MISSING: &str = "function-missing";
    /// The certificate has an RSA key of 1024 bits or less.
    pub const KEY_1024: &str = "key-1024";
    /// The certificate is signed with SHA-1.
    pub const SHA1_CERTIFICATE: &str = "sha1-certificate";

    /// The file is over 65 535 bytes: phones refuse it.
    pub const FILE_TOO_LARGE: &str = "file-too-large";
    /// The file carries more than 39 certificates: phones refuse it.
    pub const TOO_MANY_CERTIFICATES: &str = "too-many-certificates";
    /// More than two SAST records.
    pub const TOO_MANY_SAST: &str = "too-many-sast";
    /// The same certificate appears twice with the same role.
    pub const DUPLICATE_CERTIFICATE: &str = "duplicate-certificate";
    /// A CTL carries a TVS record (CUCM never writes one).
    pub const CTL_CONTAINS_TVS: &str = "ctl-contains-tvs";
    /// An ITL has no TFTP or CCM+TFTP record (and is not a rollback ITL).
    pub const ITL_WITHOUT_TFTP: &str = "itl-without-tftp";
    /// An ITL has no TVS record (and is not a rollback ITL).
    pub const ITL_WITHOUT_TVS: &str = "itl-without-tvs";
    /// FILENAME names neither an ITL nor a CTL: role rules were not checked.
    pub const UNKNOWN_KIND: &str = "unknown-kind";
    /// Certificate-less placeholder records (non-secure CTL, rollback ITL).
    pub const PLACEHOLDERS: &str = "placeholders";
    /// Parse warning: an unknown tag, kept as is.
    pub const UNKNOWN_TAG: &str = "unknown-tag";
    /// Parse warning: HEADER_LENGTH is not a multiple of 4.
    pub const HEADER_LENGTH_UNALIGNED: &str = "header-length-unaligned";
    /// Parse warning: VERSION is not 1.x.
    pub const UNEXPECTED_VERSION: &str = "unexpected-version";

    /// A record's certificate is not among the cluster's current certificates.
    pub const STALE_RECORD: &str = "stale-record";
    /// A current cluster certificate that belongs in the list is not in it.
    pub const MISSING_CERT: &str = "missing-cert";
    /// A record's certificate is a cluster certificate of a role that does not fit the record.
    pub const CLUSTER_ROLE_MISMATCH: &str = "cluster-role-mismatch";
}

/// Every code with its severity and meaning, in report order (signature, records, list,
/// cluster). The README's findings table lists the same rows.
pub const CODES: &[(&str, Severity, &str)] = &[
    (
        code::UNSIGNED,
        Severity::Error,
        "the header lacks SIGNER_SERIAL, DIGEST_ALGORITHM, SIGNATURE_MODULUS or SIGNATURE",
    ),
    (
        code::DIGEST_UNSUPPORTED,
        Severity::Error,
        "DIGEST_ALGORITHM is not 1 (SHA-1), 2 (SHA-256), 3 (SHA-512) or 4 (legacy SHA-512)",
    ),
    (
        code::DIGEST_LEGACY_CODE,
        Severity::Warning,
        "DIGEST_ALGORITHM 4: certutils' 2020 code for SHA-512, checked as SHA-512",
    ),
    (
        code::SIGNATURE_ALGORITHM_UNSUPPORTED,
        Severity::Error,
        "SIGNATURE_ALGORITHM is not 0 (RSA)",
    ),
    (
        code::SIGNER_NOT_FOUND,
        Severity::Error,
        "no record carries the header's SIGNER_SERIAL",
    ),
    (
        code::SIGNER_ISSUER_MISMATCH,
        Severity::Warning,
        "the signer record matches SIGNER_SERIAL but not SIGNER_ISSUER (verified anyway)",
    ),
    (
        code::SIGNER_NOT_SAST,
        Severity::Warning,
        "the signer record's role is not SAST",
    ),
    (
        code::SIGNER_CERTIFICATE_INVALID,
        Severity::Error,
        "the signer record has no certificate, or it does not decode",
    ),
    (
        code::SIGNER_KEY_UNSUPPORTED,
        Severity::Error,
        "the signer key is not RSA, not 1024–4096 bits, or has an even or over-64-bit exponent",
    ),
    (
        code::SIGNATURE_LENGTH_MISMATCH,
        Severity::Error,
        "SIGNATURE's length differs from the signer's modulus size or from SIGNATURE_MODULUS",
    ),
    (
        code::SIGNATURE_INVALID,
        Severity::Error,
        "the RSA PKCS#1 v1.5 signature does not verify with the signer's certificate",
    ),
    (
        code::SHA1_DIGEST,
        Severity::Info,
        "the file is signed with SHA-1 (CUCM's default)",
    ),
    (
        code::CERTIFICATE_INVALID,
        Severity::Error,
        "CERTIFICATE does not decode as X.509",
    ),
    (
        code::PUBLIC_KEY_MISMATCH,
        Severity::Error,
        "PUBLICKEY differs from the certificate's key",
    ),
    (
        code::SERIAL_MISMATCH,
        Severity::Error,
        "SERIALNUMBER differs from the certificate's serial",
    ),
    (
        code::SUBJECT_MISMATCH,
        Severity::Warning,
        "SUBJECTNAME names another subject than the certificate (compared by attribute)",
    ),
    (
        code::ISSUER_MISMATCH,
        Severity::Warning,
        "ISSUERNAME names another issuer than the certificate (compared by attribute)",
    ),
    (
        code::RECORD_SIGNATURE_MISMATCH,
        Severity::Warning,
        "the record's SIGNATURE differs from the certificate's signatureValue",
    ),
    (
        code::CERT_HASH_MISMATCH,
        Severity::Error,
        "CERT_HASH (tag 11) differs from the certificate's digest (SHA-1 unless tag 12 says otherwise)",
    ),
    (
        code::HASH_ALGORITHM_UNSUPPORTED,
        Severity::Warning,
        "HASH_ALGORITHM (tag 12) names no known digest; CERT_HASH not checked",
    ),
    (
        code::NOT_YET_VALID,
        Severity::Error,
        "the certificate's notBefore is after `now`",
    ),
    (
        code::EXPIRED,
        Severity::Error,
        "the certificate's notAfter is before `now`",
    ),
    (
        code::EXPIRING_SOON,
        Severity::Warning,
        "the certificate expires within 30 days of `now`",
    ),
    (
        code::IP_ADDRESS_MISMATCH,
        Severity::Warning,
        "DNSNAME is an IPv4 literal that differs from IPADDRESS",
    ),
    (
        code::FUNCTION_MISSING,
        Severity::Warning,
        "the record has no FUNCTION (role)",
    ),
    (
        code::KEY_1024,
        Severity::Info,
        "the certificate has a 1024-bit (or smaller) RSA key (CUCM's old default)",
    ),
    (
        code::SHA1_CERTIFICATE,
        Severity::Info,
        "the certificate is signed with SHA-1",
    ),
    (
        code::FILE_TOO_LARGE,
        Severity::Error,
        "the file is over 65 535 bytes: phones refuse it",
    ),
    (
        code::TOO_MANY_CERTIFICATES,
        Severity::Error,
        "the file carries more than 39 certificates: phones refuse it",
    ),
    (
        code::TOO_MANY_SAST,
        Severity::Error,
        "more than two SAST records",
    ),
    (
        code::DUPLICATE_CERTIFICATE,
        Severity::Warning,
        "the same certificate appears twice with the same role",
    ),
    (
        code::CTL_CONTAINS_TVS,
        Severity::Warning,
        "a CTL carries a TVS record (CUCM never puts TVS in a CTL)",
    ),
    (
        code::ITL_WITHOUT_TFTP,
        Severity::Error,
        "an ITL has no TFTP or CCM+TFTP record: phones cannot check signed configuration files",
    ),
    (
        code::ITL_WITHOUT_TVS,
        Severity::Warning,
        "an ITL has no TVS record: phones cannot ask TVS about certificates they do not hold",
    ),
    (
        code::UNKNOWN_KIND,
        Severity::Warning,
        "FILENAME names neither an ITL nor a CTL: role rules were not checked",
    ),
    (
        code::PLACEHOLDERS,
        Severity::Info,
        "certificate-less placeholder records (CTL of a non-secure cluster, rollback ITL)",
    ),
    (
        code::UNKNOWN_TAG,
        Severity::Warning,
        "parse warning: an unknown tag, kept as is",
    ),
    (
        code::HEADER_LENGTH_UNALIGNED,
        Severity::Warning,
        "parse warning: HEADER_LENGTH is not a multiple of 4",
    ),
    (
        code::UNEXPECTED_VERSION,
        Severity::Warning,
        "parse warning: VERSION is not 1.x",
    ),
    (
        code::STALE_RECORD,
        Severity::Error,
        "a record's certificate is not among the cluster's current certificates (an old certificate still trusted)",
    ),
    (
        code::MISSING_CERT,
        Severity::Error,
        "a current cluster certificate that belongs in this list is not in it",
    ),
    (
        code::CLUSTER_ROLE_MISMATCH,
        Severity::Warning,
        "a record holds a cluster certificate of a role that does not fit the record's FUNCTION",
    ),
];

/// The severity of a code, `None` for an unknown code.
pub fn severity_of(code: &str) -> Option<Severity> {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, severity, _)| *severity)
}
