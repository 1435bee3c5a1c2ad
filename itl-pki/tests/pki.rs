//! Integration tests: determinism, X.509 structure (checked with x509-parser),
//! signatures, PEM helpers and error cases.

use std::sync::OnceLock;
use std::time::Instant;

use itl_pki::rsa::pkcs1::EncodeRsaPublicKey;
use itl_pki::rsa::pkcs1v15;
use itl_pki::rsa::signature::Verifier;
use itl_pki::rsa::traits::PublicKeyParts;
use itl_pki::{
    Attr, CertProfile, CertSpec, Certificate, DistinguishedName, Issuer, KeyAlgorithm, PkiError,
    RsaPrivateKey, SigHash, cert_from_pem_or_der, ec_key_from_pem, ec_key_to_pkcs8_pem,
    ec_p256_certificate, ec_p256_key, key_from_pem, key_to_pkcs1_pem, key_to_pkcs8_pem,
    rsa_certificate, rsa_key,
};
use x509_parser::prelude::{FromDer, X509Certificate};

const SEED: u64 = 0x1715_2024;
const NOT_BEFORE: u64 = 1_700_000_000; // 2023-11-14T22:13:20Z
const NOT_AFTER: u64 = 2_015_000_000; // 2033-11-08, still UTCTime

/// A 1024-bit key shared by the tests where the size does not matter.
fn key_a() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| rsa_key(SEED, "test/a", 1024).expect("key a"))
}

fn key_b() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| rsa_key(SEED, "test/b", 1024).expect("key b"))
}

fn cucm_dn(cn: &str) -> DistinguishedName {
    DistinguishedName::new(cn)
        .with_ou("VTG")
        .with_o("Cisco")
        .with_l("RTP")
        .with_st("NC")
        .with_c("US")
}

fn spec(cn: &str) -> CertSpec<'static> {
    CertSpec::self_signed(cucm_dn(cn), vec![0x01, 0x02, 0x03], NOT_BEFORE, NOT_AFTER)
}

/// (short name, value) pairs of a name in encoded order, via x509-parser.
fn parsed_rdns(name: &x509_parser::x509::X509Name<'_>) -> Vec<(String, String)> {
    name.iter_rdn()
        .map(|rdn| {
            let atvs: Vec<_> = rdn.iter().collect();
            assert_eq!(atvs.len(), 1, "one attribute per RDN");
            let oid = atvs[0].attr_type().to_id_string();
            let short = match oid.as_str() {
                "2.5.4.3" => "CN",
                "2.5.4.11" => "OU",
                "2.5.4.10" => "O",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.6" => "C",
                other => panic!("unexpected attribute {other}"),
            };
            (
                short.to_owned(),
                atvs[0].as_str().expect("string").to_owned(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// [`parsed_rdns`] of the subject of `cert`.
fn subject_rdns(cert: &Certificate) -> Vec<(String, String)> {
    let (_, x) = X509Certificate::from_der(cert.der()).unwrap();
    parsed_rdns(x.subject())
}

#[test]
fn key_generation_is_deterministic_per_label() {
    let again = rsa_key(SEED, "test/a", 1024).unwrap();
    assert_eq!(&again, key_a());
    assert_ne!(key_a(), key_b());
    let other_seed = rsa_key(SEED + 1, "test/a", 1024).unwrap();
    assert_ne!(&other_seed, key_a());
    assert_eq!(key_a().size() * 8, 1024);

    let e1 = ec_p256_key(SEED, "test/ec");
    let e2 = ec_p256_key(SEED, "test/ec");
    let e3 = ec_p256_key(SEED, "test/ec2");
    assert_eq!(e1.to_bytes(), e2.to_bytes());
    assert_ne!(e1.to_bytes(), e3.to_bytes());
}

#[test]
fn certificates_are_byte_identical() {
    let c1 = rsa_certificate(&spec("ucm-pub"), key_a()).unwrap();
    let k = rsa_key(SEED, "test/a", 1024).unwrap();
    let c2 = rsa_certificate(&spec("ucm-pub"), &k).unwrap();
    assert_eq!(c1.der(), c2.der());
    assert_eq!(c1.sha256(), c2.sha256());
    let c3 = rsa_certificate(&spec("ucm-pub"), key_b()).unwrap();
    assert_ne!(c1.der(), c3.der());

    let ek = ec_p256_key(SEED, "test/ec");
    let spec_ec = spec("ucm-pub-EC").with_profile(CertProfile::cucm_ecdsa_identity());
    let e1 = ec_p256_certificate(&spec_ec, &ek).unwrap();
    let e2 = ec_p256_certificate(&spec_ec, &ec_p256_key(SEED, "test/ec")).unwrap();
    assert_eq!(e1.der(), e2.der());
}

#[test]
fn rsa_certificate_fields_match_spec() {
    for (hash, oid) in [
        (SigHash::Sha1, "1.2.840.113549.1.1.5"),
        (SigHash::Sha256, "1.2.840.113549.1.1.11"),
        (SigHash::Sha512, "1.2.840.113549.1.1.13"),
    ] {
        let s = spec("ucm-pub").with_sig_hash(hash);
        let cert = rsa_certificate(&s, key_a()).unwrap();
        let (rest, x) = X509Certificate::from_der(cert.der()).unwrap();
        assert!(rest.is_empty());

        assert_eq!(x.version().0, 2, "v3");
        assert_eq!(x.signature_algorithm.algorithm.to_id_string(), oid);
        assert_eq!(x.tbs_certificate.signature.algorithm.to_id_string(), oid);
        assert_eq!(cert.signature_algorithm_oid(), oid);
        assert_eq!(cert.sig_hash(), Some(hash));
        assert_eq!(x.raw_serial(), &[1, 2, 3]);
        assert_eq!(cert.serial(), vec![1, 2, 3]);
        assert_eq!(cert.serial_hex(), "010203");
        assert_eq!(x.validity().not_before.timestamp(), NOT_BEFORE as i64);
        assert_eq!(x.validity().not_after.timestamp(), NOT_AFTER as i64);
        assert_eq!(cert.not_before(), NOT_BEFORE);
        assert_eq!(cert.not_after(), NOT_AFTER);

        let default_order = pairs(&[
            ("C", "US"),
            ("ST", "NC"),
            ("L", "RTP"),
            ("O", "Cisco"),
            ("OU", "VTG"),
            ("CN", "ucm-pub"),
        ]);
        assert_eq!(parsed_rdns(x.subject()), default_order);
        assert_eq!(parsed_rdns(x.issuer()), default_order);
        assert_eq!(
            cert.subject_cucm(),
            "CN=ucm-pub;OU=VTG;O=Cisco;L=RTP;ST=NC;C=US"
        );
        assert_eq!(cert.issuer_cucm(), cert.subject_cucm());
        assert!(cert.is_self_issued());

        // CUCM-style extensions.
        assert!(x.is_ca());
        let bc = x.basic_constraints().unwrap().unwrap();
        assert!(bc.critical && bc.value.ca);
        let ku = x.key_usage().unwrap().unwrap().value;
        assert!(ku.digital_signature() && ku.key_encipherment() && ku.key_cert_sign());
        assert!(!ku.data_encipherment() && !ku.key_agreement() && !ku.crl_sign());
        let eku = x.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.server_auth && eku.client_auth && !eku.code_signing);

        // Signature over the TBS bytes verifies with the key's public half.
        let tbs = x.tbs_certificate.as_ref();
        assert_eq!(cert.tbs_der().unwrap(), tbs);
        let sig = pkcs1v15::Signature::try_from(x.signature_value.data.as_ref()).unwrap();
        assert_eq!(cert.signature_value(), x.signature_value.data.as_ref());
        let public = key_a().to_public_key();
        match hash {
            SigHash::Sha1 => pkcs1v15::VerifyingKey::<sha1::Sha1>::new(public)
                .verify(tbs, &sig)
                .unwrap(),
            SigHash::Sha256 => pkcs1v15::VerifyingKey::<sha2::Sha256>::new(public)
                .verify(tbs, &sig)
                .unwrap(),
            SigHash::Sha512 => pkcs1v15::VerifyingKey::<sha2::Sha512>::new(public)
                .verify(tbs, &sig)
                .unwrap(),
        }
        cert.verify_self_signed().unwrap();

        // PKCS#1 RSAPublicKey DER matches the key.
        let pkcs1 = key_a().to_public_key().to_pkcs1_der().unwrap();
        assert_eq!(cert.public_key_pkcs1_der().unwrap(), pkcs1.as_bytes());
        assert_eq!(
            x.public_key().subject_public_key.data.as_ref(),
            pkcs1.as_bytes()
        );
        assert_eq!(cert.rsa_public_key().unwrap(), key_a().to_public_key());
        assert_eq!(cert.key_algorithm(), KeyAlgorithm::Rsa);
        assert!(matches!(
            cert.public_key_point(),
            Err(PkiError::WrongKeyType { .. })
        ));
    }
}

#[test]
fn explicit_rdn_order_is_encoded() {
    let order = [Attr::C, Attr::O, Attr::Ou, Attr::Cn, Attr::St, Attr::L];
    let s = CertSpec::self_signed(
        cucm_dn("ucm-sub1").with_rdn_order(order),
        vec![0x7f],
        NOT_BEFORE,
        NOT_AFTER,
    );
    let cert = rsa_certificate(&s, key_a()).unwrap();
    assert_eq!(
        subject_rdns(&cert),
        pairs(&[
            ("C", "US"),
            ("O", "Cisco"),
            ("OU", "VTG"),
            ("CN", "ucm-sub1"),
            ("ST", "NC"),
            ("L", "RTP"),
        ])
    );
    // The CUCM rendering keeps its fixed order.
    assert_eq!(
        cert.subject_cucm(),
        "CN=ucm-sub1;OU=VTG;O=Cisco;L=RTP;ST=NC;C=US"
    );
    assert_eq!(cert.subject().rdn_order.as_deref(), Some(&order[..]));
}

#[test]
fn partial_names_and_cucm_strings() {
    let dn = DistinguishedName::new("ITLRECOVERY_ucm-pub")
        .with_o("Acme Corp")
        .with_c("DE");
    assert_eq!(dn.cucm_string(), "CN=ITLRECOVERY_ucm-pub;O=Acme Corp;C=DE");
    let s = CertSpec::self_signed(dn.clone(), vec![9], NOT_BEFORE, NOT_AFTER);
    let cert = rsa_certificate(&s, key_a()).unwrap();
    assert_eq!(
        cert.subject_cucm(),
        "CN=ITLRECOVERY_ucm-pub;O=Acme Corp;C=DE"
    );
    assert_eq!(cert.subject(), &dn);
    assert_eq!(
        subject_rdns(&cert),
        pairs(&[
            ("C", "DE"),
            ("O", "Acme Corp"),
            ("CN", "ITLRECOVERY_ucm-pub")
        ])
    );
}

#[test]
fn ca_signed_certificate_verifies_with_issuer_key() {
    let ca_dn = DistinguishedName::new("Lab Root CA")
        .with_o("Lab")
        .with_c("US");
    let ca = rsa_certificate(
        &CertSpec::self_signed(ca_dn.clone(), vec![1], NOT_BEFORE, NOT_AFTER),
        key_b(),
    )
    .unwrap();
    let mut profile = CertProfile::cucm_identity();
    profile.basic_constraints_ca = Some(false);
    profile
        .key_usage
        .retain(|k| *k != itl_pki::KeyUsageBit::KeyCertSign);
    profile.subject_alt_dns = vec!["ucm-pub.lab.example".into()];
    let leaf_spec = spec("ucm-pub")
        .issued_by(Issuer::new(ca_dn, key_b()))
        .with_profile(profile);
    let leaf = rsa_certificate(&leaf_spec, key_a()).unwrap();

    assert_eq!(leaf.issuer_cucm(), "CN=Lab Root CA;O=Lab;C=US");
    assert!(!leaf.is_self_issued());
    assert_eq!(
        leaf.issuer_name_der().unwrap(),
        ca.subject_name_der().unwrap()
    );
    leaf.verify_signed_by(&ca).unwrap();
    assert!(matches!(
        leaf.verify_self_signed(),
        Err(PkiError::Signature(_))
    ));
    // Subject key is key_a, signature by key_b.
    assert_eq!(leaf.rsa_public_key().unwrap(), key_a().to_public_key());

    let (_, x) = X509Certificate::from_der(leaf.der()).unwrap();
    assert!(!x.is_ca());
    let san = x.subject_alternative_name().unwrap().unwrap().value;
    assert_eq!(san.general_names.len(), 1);
    // AKI of the leaf = SKI of the CA.
    let (_, xca) = X509Certificate::from_der(ca.der()).unwrap();
    let ski = xca
        .iter_extensions()
        .find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0),
            _ => None,
        })
        .unwrap();
    let aki = x
        .iter_extensions()
        .find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::AuthorityKeyIdentifier(a) => {
                a.key_identifier.as_ref().map(|k| k.0)
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(ski, aki);
}

#[test]
fn ec_certificate_self_signed_ecdsa() {
    let ek = ec_p256_key(SEED, "ucm-pub/CallManager-ECDSA/gen1");
    let s = spec("ucm-pub-EC").with_profile(CertProfile::cucm_ecdsa_identity());
    let cert = ec_p256_certificate(&s, &ek).unwrap();
    let point = cert.public_key_point().unwrap();
    assert_eq!(point.len(), 65);
    assert_eq!(point[0], 0x04);
    assert_eq!(
        point,
        ek.verifying_key().to_sec1_point(false).as_bytes().to_vec()
    );
    assert_eq!(cert.key_algorithm(), KeyAlgorithm::EcP256);
    assert!(matches!(
        cert.public_key_pkcs1_der(),
        Err(PkiError::WrongKeyType { .. })
    ));

    let (_, x) = X509Certificate::from_der(cert.der()).unwrap();
    assert_eq!(
        x.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.10045.4.3.2"
    );
    // ecdsa-with-SHA256 has absent parameters.
    assert!(x.signature_algorithm.parameters.is_none());
    assert_eq!(x.public_key().subject_public_key.data.as_ref(), &point[..]);
    let ku = x.key_usage().unwrap().unwrap().value;
    assert!(ku.digital_signature() && ku.key_agreement() && !ku.key_encipherment());

    // RFC 6979 signature over the TBS verifies with the point.
    let vk = itl_pki::p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).unwrap();
    let sig = itl_pki::p256::ecdsa::DerSignature::from_bytes(&cert.signature_value()).unwrap();
    vk.verify(x.tbs_certificate.as_ref(), &sig).unwrap();
    cert.verify_self_signed().unwrap();

    // ECDSA self-signing supports SHA-256 only.
    let bad = s.clone().with_sig_hash(SigHash::Sha1);
    assert!(matches!(
        ec_p256_certificate(&bad, &ek),
        Err(PkiError::UnsupportedSigHash(SigHash::Sha1))
    ));
}

#[test]
fn ec_certificate_signed_by_rsa_issuer() {
    let ca_dn = DistinguishedName::new("ucm-pub").with_o("Cisco");
    let ca = rsa_certificate(
        &CertSpec::self_signed(ca_dn.clone(), vec![1], NOT_BEFORE, NOT_AFTER),
        key_a(),
    )
    .unwrap();
    let ek = ec_p256_key(SEED, "test/ec-issued");
    let s = spec("ucm-pub-EC")
        .issued_by(Issuer::new(ca_dn, key_a()))
        .with_profile(CertProfile::cucm_ecdsa_identity());
    let cert = ec_p256_certificate(&s, &ek).unwrap();
    assert_eq!(cert.key_algorithm(), KeyAlgorithm::EcP256);
    assert_eq!(cert.signature_algorithm_oid(), "1.2.840.113549.1.1.11");
    assert_eq!(cert.issuer_cucm(), "CN=ucm-pub;O=Cisco");
    assert_eq!(cert.public_key_point().unwrap().len(), 65);
    cert.verify_signed_by(&ca).unwrap();
    let (_, x) = X509Certificate::from_der(cert.der()).unwrap();
    assert_eq!(x.issuer().as_raw(), ca.subject_name_der().unwrap());
}

#[test]
fn pem_round_trips() {
    let cert = rsa_certificate(&spec("ucm-pub"), key_a()).unwrap();
    let pem = cert.to_pem();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(pem.trim_end().ends_with("-----END CERTIFICATE-----"));
    assert_eq!(cert_from_pem_or_der(pem.as_bytes()).unwrap(), cert.der());
    assert_eq!(cert_from_pem_or_der(cert.der()).unwrap(), cert.der());
    // CRLF, surrounding text, 76-column lines.
    let crlf = format!("subject=...\r\n{}", pem.replace('\n', "\r\n"));
    assert_eq!(cert_from_pem_or_der(crlf.as_bytes()).unwrap(), cert.der());
    assert_eq!(Certificate::from_pem_or_der(pem.as_bytes()).unwrap(), cert);
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let wrapped: Vec<String> = body
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let pem76 = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        wrapped.join("\n")
    );
    assert_eq!(cert_from_pem_or_der(pem76.as_bytes()).unwrap(), cert.der());

    let pkcs8 = key_to_pkcs8_pem(key_a()).unwrap();
    assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(&key_from_pem(&pkcs8).unwrap(), key_a());
    let pkcs1 = key_to_pkcs1_pem(key_a()).unwrap();
    assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert_eq!(&key_from_pem(&pkcs1).unwrap(), key_a());

    let ek = ec_p256_key(SEED, "test/ec");
    let ec_pem = ec_key_to_pkcs8_pem(&ek).unwrap();
    assert_eq!(ec_key_from_pem(&ec_pem).unwrap().to_bytes(), ek.to_bytes());
}

#[test]
fn reject_cases() {
    for bits in [512, 1000, 8192, 0] {
        assert!(matches!(
            rsa_key(SEED, "x", bits),
            Err(PkiError::UnsupportedKeySize(b)) if b == bits
        ));
    }

    // Bad PEM.
    assert!(matches!(key_from_pem("not pem"), Err(PkiError::NoPemBlock)));
    assert!(matches!(
        key_from_pem("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"),
        Err(PkiError::Pem(_))
    ));
    let cert = rsa_certificate(&spec("ucm-pub"), key_a()).unwrap();
    assert!(matches!(
        key_from_pem(&cert.to_pem()),
        Err(PkiError::UnexpectedPemLabel { .. })
    ));
    let key_pem = key_to_pkcs8_pem(key_a()).unwrap();
    assert!(matches!(
        cert_from_pem_or_der(key_pem.as_bytes()),
        Err(PkiError::UnexpectedPemLabel { .. })
    ));
    assert!(matches!(
        cert_from_pem_or_der(b"\x30\x03\x02\x01\x01"),
        Err(PkiError::NotACertificate(_))
    ));
    assert!(matches!(
        cert_from_pem_or_der(&cert.der()[..cert.der().len() - 1]),
        Err(PkiError::NotACertificate(_))
    ));
    // An EC key is not an RSA key.
    let ec_pem = ec_key_to_pkcs8_pem(&ec_p256_key(SEED, "test/ec")).unwrap();
    assert!(matches!(key_from_pem(&ec_pem), Err(PkiError::Pkcs8(_))));

    // Bad specs.
    let mut s = spec("x");
    s.serial = vec![0, 0];
    assert!(matches!(
        rsa_certificate(&s, key_a()),
        Err(PkiError::InvalidSerial(_))
    ));
    s.serial = vec![];
    assert!(matches!(
        rsa_certificate(&s, key_a()),
        Err(PkiError::InvalidSerial(_))
    ));
    s.serial = vec![0xff; 21];
    assert!(matches!(
        rsa_certificate(&s, key_a()),
        Err(PkiError::InvalidSerial(_))
    ));
    let mut s = spec("x");
    s.not_before = s.not_after + 1;
    assert!(matches!(
        rsa_certificate(&s, key_a()),
        Err(PkiError::InvalidValidity(_))
    ));
    let mut s = spec("x");
    s.subject.rdn_order = Some(vec![Attr::Cn]);
    assert!(matches!(
        rsa_certificate(&s, key_a()),
        Err(PkiError::InvalidName(_))
    ));
}

#[test]
fn serial_edge_cases() {
    // Leading zero octets are stripped; a high first bit gets sign padding
    // in DER but serial() returns the magnitude.
    let mut s = spec("x");
    s.serial = vec![0x00, 0x00, 0x9a, 0xbc];
    let cert = rsa_certificate(&s, key_a()).unwrap();
    assert_eq!(cert.serial(), vec![0x9a, 0xbc]);
    let (_, x) = X509Certificate::from_der(cert.der()).unwrap();
    assert_eq!(x.raw_serial(), &[0x00, 0x9a, 0xbc]);

    // 16 random-looking octets, like CUCM's serials.
    s.serial = hex_bytes("5d0bd2b63b1fe0a2f1e36b1d3e5f7a91");
    let cert = rsa_certificate(&s, key_a()).unwrap();
    assert_eq!(cert.serial_hex(), "5d0bd2b63b1fe0a2f1e36b1d3e5f7a91");
}

#[test]
fn v1_certificate_without_extensions() {
    let s = spec("old-phone-ca").with_profile(CertProfile::none());
    let cert = rsa_certificate(&s, key_a()).unwrap();
    let (_, x) = X509Certificate::from_der(cert.der()).unwrap();
    assert_eq!(x.version().0, 0, "v1");
    assert!(x.extensions().is_empty());
    cert.verify_self_signed().unwrap();
}

#[test]
fn validity_after_2049_uses_generalized_time() {
    let mut s = spec("long-lived");
    s.not_after = 2_556_143_999; // 2050-12-31T23:59:59Z
    let cert = rsa_certificate(&s, key_a()).unwrap();
    let (_, x) = X509Certificate::from_der(cert.der()).unwrap();
    assert_eq!(x.validity().not_after.timestamp(), 2_556_143_999);
    assert_eq!(cert.not_after(), 2_556_143_999);
}

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Reports RSA key generation times. Run with
/// `cargo test -p itl-pki --test pki -- --ignored --nocapture keygen_timing`.
#[test]
#[ignore = "slow: measures 2048/4096-bit key generation"]
fn keygen_timing() {
    for bits in [1024, 2048, 3072, 4096] {
        let mut times = Vec::new();
        for i in 0..3 {
            let t = Instant::now();
            rsa_key(SEED, &format!("timing/{bits}/{i}"), bits).unwrap();
            times.push(t.elapsed().as_secs_f64());
        }
        println!("rsa {bits}: {times:.2?} s");
    }
}
