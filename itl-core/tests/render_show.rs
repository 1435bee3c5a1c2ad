//! `show ctl` rendering of the real CUCM CTL, checked against the layout of the format
//! document §11 (the CUCM 10.5 transcript): tab stops of 8, label column at least 8 wide,
//! signature bytes in lower-case hex without leading zeros, 8 per line.

use itl_core::TrustList;
use itl_core::UnixTime;
use itl_core::render::{RenderOptions, render};

fn sample() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/samples/real/CTLFile-cucm-tokenless-2015.tlv"
    ))
    .unwrap()
}

const EXPECTED_HEAD: &str = "\
The checksum value of the CTL file:
0c43d702a9bc273d1ba7e9512877ab6a(MD5)
7bc2b30ebc2c52dcb6af9389af7a32e4a65be824(SHA1)

Length of CTL file: 7166
The CTL File was last modified on Thu May 07 03:10:47 UTC 2015

Parse CTL File
----------------

Version:        1.2
HeaderLength:   312 (BYTES)

BYTEPOS TAG             LENGTH  VALUE
------- ---             ------  -----
3       SIGNERID        2       127
4       SIGNERNAME      55      CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US
5       SERIALNUMBER    8       24:49:1F:10:70:3F:EA:9B
6       CANAME          55      CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US
7       SIGNATUREINFO   2       15
8       DIGESTALGORTITHM        1
9       SIGNATUREALGOINFO       2       8
10      SIGNATUREALGORTITHM     1
11      SIGNATUREMODULUS        1
12      SIGNATURE       128
35  6d  f0  f8  aa  f1  5   6e
f7  ab  1b  5d  3e  df  84  5e
";

const EXPECTED_RECORD_1: &str = "\
CTL Record #:1
----
BYTEPOS TAG             LENGTH  VALUE
------- ---             ------  -----
1       RECORDLENGTH    2       1147
2       DNSNAME         11      gigantic-6
3       SUBJECTNAME     55      CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US
4       FUNCTION        2       System Administrator Security Token
5       ISSUERNAME      55      CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US
6       SERIALNUMBER    8       24:49:1F:10:70:3F:EA:9B
7       PUBLICKEY       140
8       SIGNATURE       128
9       CERTIFICATE     712     BD 3A AF C7 F3 E2 16 27 B5 2B 5B DD 7F B4 D0 7C 58 24 A7 68 (SHA1 Hash HEX)
10      IPADDRESS       4
This etoken was used to sign the CTL file.
";

/// `show ctl` of the sample, with its `modified` line and verification result.
fn rendered(modified: Option<String>, verified: Option<bool>) -> String {
    let bytes = sample();
    let list = TrustList::parse(&bytes).unwrap();
    render(&list, &RenderOptions { modified, verified })
}

#[test]
fn show_ctl_layout() {
    let text = rendered(
        Some(UnixTime::from_secs(1430968247).to_cli_date()),
        Some(true),
    );
    assert!(text.starts_with(EXPECTED_HEAD), "{text}");
    assert!(text.contains(EXPECTED_RECORD_1), "{text}");
    assert!(text.contains("c3  be  5c  e9  2d  72  50  bc\n14      FILENAME        12\n15      TIMESTAMP       4\n\nCTL Record #:1\n"));
    // Record 5 is the other SAST: it did not sign.
    let r5 = text.split("CTL Record #:5").nth(1).unwrap();
    assert!(r5.contains("CN=ITLRECOVERY_gigantic-6.cisco.com;OU=CTG;O=Alpha;L=SJ;ST=CA;C=US"));
    assert!(r5.contains("This etoken was not used to sign the CTL file.\n\nCTL Record #:6"));
    assert_eq!(text.matches("This etoken was used to sign").count(), 1);
    assert!(text.ends_with("10      IPADDRESS       4\nThe CTL file was verified successfully.\n"));
    assert_eq!(text.matches("CTL Record #:").count(), 6);
}

#[test]
fn failed_verification_says_so_and_no_modified_line_when_unknown() {
    let text = rendered(None, Some(false));
    assert!(!text.contains("last modified"));
    assert!(text.ends_with("The CTL file could not be verified.\n"));
    assert!(!text.contains("verified successfully"));
}

#[test]
fn dates() {
    for (secs, want) in [
        (0, "Thu Jan 01 00:00:00 UTC 1970"),
        (1430968247, "Thu May 07 03:10:47 UTC 2015"),
        (951782400, "Tue Feb 29 00:00:00 UTC 2000"),
    ] {
        assert_eq!(UnixTime::from_secs(secs).to_cli_date(), want, "{secs}");
    }
    assert_eq!(
        UnixTime::from_secs(4294967295).to_rfc3339(),
        "2106-02-07T06:28:15Z"
    );
}
