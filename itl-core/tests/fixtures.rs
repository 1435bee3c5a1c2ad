//! The generated fixtures: exact structure of each, lossless round trips, the malformed corpus
//! with the specific error of each file, and builder → parser round trips.

use itl_core::{
    Digest, FieldOrder, Function, ListKind, Part, RecordSpec, TrustList, TrustListBuilder,
    WarningKind, signature,
};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"))
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

fn functions(list: &TrustList<'_>) -> Vec<Function> {
    list.records().iter().map(|r| r.function.unwrap()).collect()
}

const WELL_FORMED: [&str; 9] = [
    "itl-11.5-sha1-1024.tlv",
    "itl-11.5-sha1-2048.tlv",
    "itl-12-sha512.tlv",
    "ctl-mixed-sha256.tlv",
    "ctl-placeholders.tlv",
    "itl-certutils-tag28-ec.tlv",
    "itl-4096.tlv",
    "itl-40-certs.tlv",
    "itl-unknown-tags.tlv",
];

#[test]
fn every_fixture_round_trips_and_self_verifies() {
    for name in WELL_FORMED {
        let bytes = read(name);
        let list = TrustList::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(list.to_bytes(), bytes, "{name}");
        assert!(signature::verify_self_signed(&list), "{name}");
        assert_eq!(list.header().header_length % 4, 0, "{name}");
    }
}

#[test]
fn itl_115_shapes() {
    for (name, sig_len, modulus) in [
        ("itl-11.5-sha1-1024.tlv", 128, 1),
        ("itl-11.5-sha1-2048.tlv", 256, 2),
    ] {
        let bytes = read(name);
        let list = TrustList::parse(&bytes).unwrap();
        let h = list.header();
        assert_eq!(list.kind(), Some(ListKind::Itl));
        assert_eq!(h.digest, Some(Digest::Sha1));
        assert_eq!(h.signature_modulus, Some(modulus));
        assert_eq!(h.signature_value().unwrap().len(), sig_len);
        assert_eq!(h.timestamp, Some(1_748_779_200));
        assert_eq!(
            h.signer_name.unwrap().lossy(),
            "CN=ucm-pub.example.org;OU=UC;O=Example Health;L=Durham;ST=NC;C=US"
        );
        assert_eq!(
            functions(&list),
            [
                Function::Sast,
                Function::Sast,
                Function::Tftp,
                Function::Tvs,
                Function::Tvs,
                Function::Capf
            ]
        );
        assert_eq!(list.signer_index(), Some(0));
        assert_eq!(list.records()[3].dns_name.unwrap().lossy(), "ucm-pub");
        assert_eq!(list.records()[4].ip.unwrap().to_string(), "10.10.1.12");
        assert!(list.warnings().is_empty());
    }
}

#[test]
fn itl_12_signed_by_itlrecovery_sha512() {
    let bytes = read("itl-12-sha512.tlv");
    let list = TrustList::parse(&bytes).unwrap();
    assert_eq!(list.header().digest, Some(Digest::Sha512));
    let signer = &list.records()[list.signer_index().unwrap()];
    assert_eq!(
        signer.subject.unwrap().lossy(),
        "CN=ITLRECOVERY_ucm-pub.example.org;OU=UC;O=Example Health;L=Durham;ST=NC;C=US"
    );
    assert_eq!(
        list.header().signer_serial.unwrap().to_hex(),
        "7e55010203040506070809 0a0b0c0d0e".replace(' ', "")
    );
    let f = functions(&list);
    assert_eq!(f.iter().filter(|f| **f == Function::Tvs).count(), 2);
    assert_eq!(f.iter().filter(|f| **f == Function::Tftp).count(), 1);
    assert_eq!(f.iter().filter(|f| **f == Function::Capf).count(), 1);
}

#[test]
fn ctls() {
    let bytes = read("ctl-mixed-sha256.tlv");
    let list = TrustList::parse(&bytes).unwrap();
    assert_eq!(list.kind(), Some(ListKind::Ctl));
    assert_eq!(list.header().digest, Some(Digest::Sha256));
    assert_eq!(
        functions(&list),
        [
            Function::Sast,
            Function::Sast,
            Function::CcmTftp,
            Function::CcmTftp,
            Function::Capf
        ]
    );
    let bytes = read("ctl-placeholders.tlv");
    let list = TrustList::parse(&bytes).unwrap();
    let ph: Vec<_> = list
        .records()
        .iter()
        .filter(|r| r.is_placeholder())
        .collect();
    assert_eq!(ph.len(), 2);
    assert_eq!(ph[0].length, 31); // 5 + (3+11: "10.10.1.11\0") + (3+2) + (3+4)
    assert_eq!(ph[0].dns_name.unwrap().lossy(), "10.10.1.11");
    assert_eq!(ph[0].function, Some(Function::CcmTftp));
    assert_eq!(ph[0].ip.unwrap().to_string(), "10.10.1.11");
    assert!(ph[0].subject.is_none() && ph[0].serial.is_none() && ph[0].public_key.is_none());
    assert_eq!(list.certificate_count(), 2);
}

#[test]
fn certutils_order_tag_28_and_ec_record() {
    let bytes = read("itl-certutils-tag28-ec.tlv");
    let list = TrustList::parse(&bytes).unwrap();
    let h = list.header();
    assert_eq!(h.signer_version, Some((1, 1)));
    let header_tags: Vec<u8> = list.header_elements().iter().map(|e| e.tag).collect();
    let no_pad: Vec<u8> = header_tags.iter().copied().filter(|t| *t != 13).collect();
    assert_eq!(no_pad, [1, 2, 28, 3, 4, 6, 5, 7, 8, 9, 10, 11, 12, 14, 15]);
    let rec_tags: Vec<u8> = list
        .record_elements(&list.records()[0])
        .iter()
        .map(|e| e.tag)
        .collect();
    assert_eq!(rec_tags, [1, 3, 5, 6, 4, 7, 8, 9]);
    let ec = &list.records()[2];
    assert_eq!(ec.function, Some(Function::AppServer));
    let point = ec.public_key.unwrap();
    assert_eq!((point.len(), point[0]), (65, 0x04));
    assert_eq!(
        list.records()[0].subject.unwrap().lossy(),
        "CN=SAST,O=SAST,OU=SAST"
    );
    assert!(list.warnings().is_empty());
}

#[test]
fn forty_certificates_over_64k() {
    let bytes = read("itl-40-certs.tlv");
    let list = TrustList::parse(&bytes).unwrap();
    assert_eq!(list.certificate_count(), 40);
    assert!(bytes.len() > 65_535);
}

#[test]
fn unknown_tags_are_kept_and_warned() {
    let bytes = read("itl-unknown-tags.tlv");
    let list = TrustList::parse(&bytes).unwrap();
    let w: Vec<_> = list
        .warnings()
        .iter()
        .map(|w| (w.part, w.tag, w.kind.clone()))
        .collect();
    assert_eq!(
        w,
        [
            (
                Part::Header,
                Some(40),
                WarningKind::UnknownTag { length: 3 }
            ),
            (
                Part::Record(1),
                Some(50),
                WarningKind::UnknownTag { length: 6 }
            ),
        ]
    );
    assert_eq!(list.to_bytes(), bytes);
}

#[test]
fn malformed_corpus_gives_the_specific_error() {
    let dir = fixtures().join("malformed");
    let table = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let mut count = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, code, offset, part, tag] = cols[..] else {
            panic!("bad line {line}")
        };
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let err = TrustList::parse(&bytes).expect_err(file);
        assert_eq!(err.code(), code, "{file}: {err}");
        assert_eq!(err.offset.to_string(), offset, "{file}: {err}");
        let found_part = match err.part {
            Part::Header => "header".to_string(),
            Part::Record(n) => format!("record {}", n + 1),
        };
        assert_eq!(found_part, part, "{file}: {err}");
        let found_tag = err.tag.map(|t| t.to_string()).unwrap_or("-".into());
        assert_eq!(found_tag, tag, "{file}: {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("byte {offset}: {part}"))
        );
        count += 1;
    }
    assert_eq!(count, 22);
    // Every file in the folder is in the table.
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(files, count + 1);
}

#[test]
fn builder_round_trip_preserves_every_field() {
    let key_pem =
        std::fs::read_to_string(fixtures().join("keys/ucm-pub-CallManager-1024.pem")).unwrap();
    let key = <rsa::PrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_pem(&key_pem).unwrap();
    let cert = itl_core::names::parse_dn_text("x"); // exercise: no '=' → nothing
    assert!(cert.is_empty());
    for order in [FieldOrder::Cucm, FieldOrder::Certutils] {
        for digest in [Digest::Sha1, Digest::Sha256, Digest::Sha512] {
            let spec = RecordSpec {
                function: Some(Function::Tvs),
                dns_name: Some("node-α".into()),
                subject: Some("CN=a;OU=b".into()),
                issuer: Some("CN=c".into()),
                serial: Some(vec![0, 0x80, 1]),
                public_key: Some(vec![9; 140]),
                signature: Some(vec![7; 128]),
                certificate: Some(vec![0x30, 0x03, 1, 2, 3]),
                ip: Some([192, 0, 2, 7].into()),
                cert_hash: Some(vec![1; 20]),
                hash_algorithm: Some(vec![1]),
                extra: vec![(99, vec![4, 5])],
            };
            let bytes = TrustListBuilder::new("CTLSEP001122334455.tlv", 4_000_000_000)
                .digest(digest)
                .order(order)
                .signer_version(1, 0)
                .record(spec.clone())
                .record(RecordSpec::placeholder(Function::Unknown(300), "", None))
                .sign(
                    &key,
                    &itl_core::SignerInfo {
                        name: "CN=s".into(),
                        serial: vec![0x0a],
                        issuer: "CN=i".into(),
                    },
                )
                .unwrap();
            let list = TrustList::parse(&bytes).unwrap();
            let h = list.header();
            assert_eq!(list.kind(), Some(ListKind::Ctl));
            assert_eq!(h.digest, Some(digest));
            assert_eq!(h.timestamp, Some(4_000_000_000));
            assert_eq!(h.signer_version, Some((1, 0)));
            assert_eq!(h.signer_name.unwrap().lossy(), "CN=s");
            assert_eq!(h.signer_serial.unwrap().0, [0x0a]);
            assert_eq!(h.signer_issuer.unwrap().lossy(), "CN=i");
            assert_eq!(h.filename.unwrap().lossy(), "CTLSEP001122334455.tlv");
            let r = &list.records()[0];
            assert_eq!(r.function, spec.function);
            assert_eq!(r.dns_name.unwrap().lossy(), "node-α");
            assert_eq!(r.subject.unwrap().lossy(), "CN=a;OU=b");
            assert_eq!(r.issuer.unwrap().lossy(), "CN=c");
            assert_eq!(r.serial.unwrap().0, [0, 0x80, 1]);
            assert_eq!(r.public_key.unwrap(), [9; 140]);
            assert_eq!(r.signature.unwrap(), [7; 128]);
            assert_eq!(r.certificate_der.unwrap(), [0x30, 0x03, 1, 2, 3]);
            assert_eq!(r.ip, spec.ip);
            assert_eq!(r.cert_hash.unwrap(), [1; 20]);
            assert_eq!(r.hash_algorithm.unwrap(), [1]);
            let p = &list.records()[1];
            assert_eq!(p.function, Some(Function::Unknown(300)));
            assert_eq!(p.dns_name.unwrap().0, [0]);
            assert_eq!(list.warnings().len(), 1); // the extra tag 99
            assert_eq!(list.to_bytes(), bytes);
            let public = rsa::PublicKey::from(&key);
            assert!(signature::verify_with_key(&list, &public));
        }
    }
}

#[test]
fn builder_refuses_what_cannot_be_written() {
    let key_pem =
        std::fs::read_to_string(fixtures().join("keys/ucm-pub-CallManager-1024.pem")).unwrap();
    let key = <rsa::PrivateKey as rsa::pkcs8::DecodePrivateKey>::from_pkcs8_pem(&key_pem).unwrap();
    let signer = itl_core::SignerInfo {
        name: "CN=s".into(),
        serial: vec![1],
        issuer: "CN=s".into(),
    };
    let too_long = RecordSpec {
        certificate: Some(vec![0; 70_000]),
        ..RecordSpec::default()
    };
    let e = TrustListBuilder::new("ITLFile.tlv", 0)
        .record(too_long)
        .sign(&key, &signer)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "record 1 tag 9 is 70000 bytes, over the 65535-byte limit of a length field"
    );
    let e = TrustListBuilder::new("ITLFile.tlv", 0)
        .digest(Digest::Unknown(9))
        .sign(&key, &signer)
        .unwrap_err();
    assert_eq!(e.to_string(), "unsupported digest unknown(9)");
    let e = RecordSpec::from_certificate(Function::Sast, b"not a certificate").unwrap_err();
    assert!(
        e.to_string().starts_with("certificate for a SAST record:"),
        "{e}"
    );
}
