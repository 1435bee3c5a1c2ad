//! Property test: whatever the builder is given (any role, names, serials, keys, optional
//! fields, extra tags, digest, order), the parser reads back exactly the same fields, the
//! signature verifies, and re-serialisation is lossless.

use itl_core::{
    Digest, FieldOrder, Function, RecordSpec, SignerInfo, TrustList, TrustListBuilder, signature,
};
use proptest::prelude::*;
use std::sync::OnceLock;

fn key() -> &'static rsa::PrivateKey {
    static KEY: OnceLock<rsa::PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let pem = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/keys/ucm-pub-CallManager-1024.pem"
        ))
        .unwrap();
        <rsa::PrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_pem(&pem).unwrap()
    })
}

fn text() -> impl Strategy<Value = String> {
    "[ -~]{0,60}".prop_filter("no NUL", |s| !s.contains('\0'))
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

fn record() -> impl Strategy<Value = RecordSpec> {
    (
        proptest::option::of(any::<u16>()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(bytes(20)),
        proptest::option::of(bytes(300)),
        proptest::option::of(bytes(300)),
        proptest::option::of(bytes(1500)),
        proptest::option::of(any::<[u8; 4]>()),
        proptest::option::of(bytes(64)),
        proptest::collection::vec((40u8..=255, bytes(10)), 0..2),
    )
        .prop_map(
            |(function, dns, subject, issuer, serial, pk, sig, cert, ip, hash, extra)| RecordSpec {
                function: function.map(Function::from_code),
                dns_name: dns,
                subject,
                issuer,
                serial,
                public_key: pk,
                signature: sig,
                certificate: cert,
                ip: ip.map(Into::into),
                cert_hash: hash,
                hash_algorithm: None,
                extra,
            },
        )
}

fn text_of(t: Option<itl_core::Text<'_>>) -> Option<String> {
    t.map(|t| t.lossy().into_owned())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fields_survive(
        records in proptest::collection::vec(record(), 0..5),
        filename in "[A-Za-z0-9.]{1,30}",
        timestamp in any::<u32>(),
        digest in prop_oneof![Just(Digest::Sha1), Just(Digest::Sha256), Just(Digest::Sha512)],
        certutils in any::<bool>(),
        signer_version in proptest::option::of(any::<(u8, u8)>()),
        signer_name in text(),
        signer_serial in bytes(20),
    ) {
        let mut builder = TrustListBuilder::new(&filename, timestamp)
            .digest(digest)
            .order(if certutils { FieldOrder::Certutils } else { FieldOrder::Cucm });
        builder.signer_version = signer_version;
        builder.records = records.clone();
        let signer = SignerInfo { name: signer_name.clone(), serial: signer_serial.clone(), issuer: "CN=x".into() };
        let bytes = builder.sign(key(), &signer).unwrap();
        let list = TrustList::parse(&bytes).unwrap();
        let h = list.header();
        prop_assert_eq!(h.digest, Some(digest));
        prop_assert_eq!(h.timestamp, Some(timestamp));
        prop_assert_eq!(h.signer_version, signer_version);
        prop_assert_eq!(text_of(h.filename), Some(filename));
        prop_assert_eq!(text_of(h.signer_name), Some(signer_name));
        prop_assert_eq!(h.signer_serial.map(|s| s.0.to_vec()), Some(signer_serial));
        prop_assert_eq!(h.header_length % 4, 0);
        prop_assert_eq!(list.records().len(), records.len());
        for (spec, r) in records.iter().zip(list.records()) {
            prop_assert_eq!(r.function, spec.function);
            prop_assert_eq!(text_of(r.dns_name), spec.dns_name.clone());
            prop_assert_eq!(text_of(r.subject), spec.subject.clone());
            prop_assert_eq!(text_of(r.issuer), spec.issuer.clone());
            prop_assert_eq!(r.serial.map(|s| s.0.to_vec()), spec.serial.clone());
            prop_assert_eq!(r.public_key.map(<[u8]>::to_vec), spec.public_key.clone());
            prop_assert_eq!(r.signature.map(<[u8]>::to_vec), spec.signature.clone());
            prop_assert_eq!(r.certificate_der.map(<[u8]>::to_vec), spec.certificate.clone());
            prop_assert_eq!(r.ip, spec.ip);
            prop_assert_eq!(r.cert_hash.map(<[u8]>::to_vec), spec.cert_hash.clone());
        }
        let unknown = records.iter().map(|r| r.extra.len()).sum::<usize>();
        prop_assert_eq!(list.warnings().len(), unknown);
        prop_assert_eq!(&list.to_bytes(), &bytes);
        prop_assert!(signature::verify_with_key(&list, &rsa::PublicKey::from(key())));
    }
}
