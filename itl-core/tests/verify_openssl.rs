//! Interoperability with an independent implementation: the signed region, the signature and
//! the signer's public key are extracted with `itl-core` into files and checked with the
//! `openssl` command line. A missing `openssl` fails these tests, unless `ITL_SKIP_EXTERNAL=1`
//! (then they are skipped, saying so).

mod verify_support;

use itl_core::{Digest, TrustList};
use std::process::Command;
use verify_support::*;

fn openssl_ready() -> bool {
    itl_testkit::require_tool("openssl")
}

fn digest_flag(digest: Digest) -> &'static str {
    match digest {
        Digest::Sha1 => "-sha1",
        Digest::Sha256 => "-sha256",
        _ => "-sha512",
    }
}

/// Writes data.bin (the signed region), sig.bin and pubkey.pem for `bytes` into `dir`, runs
/// `openssl dgst -<digest> -verify pubkey.pem -signature sig.bin data.bin`, and returns
/// whether openssl printed `Verified OK`.
fn openssl_verifies(bytes: &[u8], dir: &Scratch) -> bool {
    let list = TrustList::parse(bytes).unwrap();
    let (before, after) = list.signed_parts().unwrap();
    let signature = list.header().signature_value().unwrap();
    let signer = &list.records()[list.signer_index().unwrap()];
    std::fs::write(dir.path("data.bin"), [before, after].concat()).unwrap();
    std::fs::write(dir.path("sig.bin"), signature).unwrap();
    std::fs::write(dir.path("cert.der"), signer.certificate_der.unwrap()).unwrap();
    let pubkey = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-in"])
        .arg(dir.path("cert.der"))
        .args(["-pubkey", "-noout", "-out"])
        .arg(dir.path("pubkey.pem"))
        .output()
        .unwrap();
    assert!(
        pubkey.status.success(),
        "{}",
        String::from_utf8_lossy(&pubkey.stderr)
    );
    let out = Command::new("openssl")
        .arg("dgst")
        .arg(digest_flag(list.header().digest.unwrap()))
        .arg("-verify")
        .arg(dir.path("pubkey.pem"))
        .arg("-signature")
        .arg(dir.path("sig.bin"))
        .arg(dir.path("data.bin"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let ok = out.status.success() && stdout.trim() == "Verified OK";
    if !ok {
        assert!(
            stdout.contains("Verification failure") || !out.status.success(),
            "unexpected openssl output: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ok
}

fn cases() -> Vec<(&'static str, Vec<u8>, i64)> {
    vec![
        ("real CTL (SHA-1, RSA-1024)", real_ctl(), 1_401_580_800),
        (
            "itl-11.5-sha1-2048 (SHA-1)",
            fixture("itl-11.5-sha1-2048.tlv"),
            STAMP,
        ),
        (
            "ctl-mixed-sha256 (SHA-256)",
            fixture("ctl-mixed-sha256.tlv"),
            STAMP,
        ),
        (
            "itl-4096 (SHA-256, RSA-4096)",
            fixture("itl-4096.tlv"),
            STAMP,
        ),
        (
            "itl-12-sha512 (SHA-512)",
            fixture("itl-12-sha512.tlv"),
            STAMP,
        ),
    ]
}

#[test]
fn openssl_accepts_what_itl_accepts() {
    if !openssl_ready() {
        return;
    }
    for (name, bytes, now) in cases() {
        let dir = Scratch::new("openssl-ok");
        assert!(openssl_verifies(&bytes, &dir), "{name}");
        assert!(check_at(&bytes, now).signature.valid, "{name}");
    }
}

#[test]
fn openssl_rejects_what_itl_rejects() {
    if !openssl_ready() {
        return;
    }
    for (name, mut bytes, now) in cases() {
        // The TIMESTAMP's last byte: inside the signed region, outside the signature.
        let at = header_element(&bytes, itl_core::tlv::header_tag::TIMESTAMP) + 6;
        bytes[at] ^= 0x01;
        let dir = Scratch::new("openssl-bad");
        assert!(!openssl_verifies(&bytes, &dir), "{name}");
        assert!(!check_at(&bytes, now).signature.valid, "{name}");
    }
}
