//! Exact values from the real CUCM CTL in `../shared/samples/real/` (facts in its SOURCES.md and
//! in the format document, §12).

use itl_core::{Digest, Function, ListKind, TrustList, signature};

fn sample() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv"
    );
    std::fs::read(path).expect("the real sample is beside the checkout in ../shared")
}

#[test]
fn header_facts() {
    let bytes = sample();
    let list = TrustList::parse(&bytes).unwrap();
    let h = list.header();
    assert_eq!(list.len(), 7166);
    assert_eq!(h.version, (1, 2));
    assert_eq!(h.header_length, 312);
    assert_eq!(h.padding, 1);
    assert_eq!(h.digest, Some(Digest::Sha1));
    assert_eq!(h.signature_algorithm, Some(0));
    assert_eq!(h.signature_modulus, Some(1));
    assert_eq!(h.signature_value().unwrap().len(), 128);
    assert_eq!(h.signature.unwrap().offset, 0x9E);
    assert_eq!(h.signer_serial.unwrap().to_hex(), "24491f10703fea9b");
    assert_eq!(
        h.signer_name.unwrap().lossy(),
        "CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US"
    );
    assert_eq!(h.signer_info.unwrap().value.len(), 127);
    assert_eq!(h.filename.unwrap().lossy(), "CTLFile.tlv");
    assert_eq!(h.timestamp, Some(1430968247));
    assert_eq!(list.kind(), Some(ListKind::Ctl));
    assert!(list.warnings().is_empty(), "{:?}", list.warnings());
    let sums = list.checksums();
    assert_eq!(hex::encode(sums.md5), "0c43d702a9bc273d1ba7e9512877ab6a");
    assert_eq!(
        hex::encode(sums.sha1),
        "7bc2b30ebc2c52dcb6af9389af7a32e4a65be824"
    );
}

#[test]
fn records() {
    let bytes = sample();
    let list = TrustList::parse(&bytes).unwrap();
    let functions: Vec<_> = list.records().iter().map(|r| r.function.unwrap()).collect();
    assert_eq!(
        functions,
        [
            Function::Sast,
            Function::CcmTftp,
            Function::CcmTftp,
            Function::Capf,
            Function::Sast,
            Function::CcmTftp
        ]
    );
    let offsets: Vec<_> = list.records().iter().map(|r| r.offset).collect();
    assert_eq!(offsets, [312, 1459, 2606, 3777, 4862, 6023]);
    let lengths: Vec<_> = list.records().iter().map(|r| r.length).collect();
    assert_eq!(lengths, [1147, 1147, 1171, 1085, 1161, 1143]);
    let sha1s: Vec<_> = list
        .records()
        .iter()
        .map(|r| hex::encode_upper(r.certificate_sha1().unwrap()))
        .collect();
    assert_eq!(
        sha1s,
        [
            "BD3AAFC7F3E21627B52B5BDD7FB4D07C5824A768",
            "BD3AAFC7F3E21627B52B5BDD7FB4D07C5824A768",
            "89F47F93527773BF8EB149D6B60AEC2068CED961",
            "1E24238486C888412A8B57BA95AECB604DEE5B30",
            "F2828A849337FD554E1A4B8A2D7EC2775B4B5613",
            "E0D915DA8FC6131F60EDD6C94D4825A7E8734B37"
        ]
    );
    let r3 = &list.records()[2];
    assert_eq!(r3.dns_name.unwrap().lossy(), "gigantic-7");
    assert_eq!(r3.serial.unwrap().to_cucm(), "63:30:98:1C:01:7C:47:43");
    assert_eq!(r3.ip.unwrap().to_string(), "10.35.150.151");
    let r5 = &list.records()[4];
    assert_eq!(
        r5.subject.unwrap().lossy(),
        "CN=ITLRECOVERY_gigantic-6.cisco.com;OU=CTG;O=Alpha;L=SJ;ST=CA;C=US"
    );
    assert_eq!(
        r5.serial.unwrap().to_hex(),
        "5b7328d0a02932d816d59eeef6ec9d18"
    );
    assert_eq!(list.signer_index(), Some(0));
    for record in list.records() {
        let cert = record.certificate().unwrap().unwrap();
        assert_eq!(
            cert.public_key().subject_public_key.data.as_ref(),
            record.public_key.unwrap()
        );
        assert_eq!(
            cert.signature_value.data.as_ref(),
            record.signature.unwrap()
        );
    }
}

#[test]
fn lossless_and_self_signed() {
    let bytes = sample();
    let list = TrustList::parse(&bytes).unwrap();
    assert_eq!(list.to_bytes(), bytes);
    assert!(signature::verify_self_signed(&list));
    // Record 5 (the other SAST) did not sign it.
    let other =
        signature::rsa_key_from_certificate(list.records()[4].certificate_der.unwrap()).unwrap();
    assert!(!signature::verify_with_key(&list, &other));
}

#[test]
fn one_flipped_byte_in_record_3_breaks_the_signature() {
    let mut bytes = sample();
    bytes[2606 + 40] ^= 0x01; // inside record 3's SUBJECTNAME
    let list = TrustList::parse(&bytes).unwrap();
    assert!(!signature::verify_self_signed(&list));
}
