//! The TFTP client against a real server: Debian's tftpd-hpa (`in.tftpd`) on 127.0.0.1.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{Tftpd, assert_bytes, pattern, real_ctl, within};
use itl_cucm::tftp::{TftpErrorKind, TftpOptions, tftp_get};

const LIMIT: Duration = Duration::from_secs(40);

/// Default options (blksize 1428, tsize) and a plain RFC 1350 request.
fn both_modes() -> [(&'static str, TftpOptions); 2] {
    [
        ("blksize 1428 + tsize", TftpOptions::default()),
        ("no options", TftpOptions::default().without_negotiation()),
    ]
}

/// Runs `test` with the real CTL's bytes and the address of tftpd-hpa serving them as
/// `CTLFile.tlv`, within [`LIMIT`]; skipped when tftpd-hpa is missing (see [`Tftpd::start`]).
async fn on_real_ctl(test: impl AsyncFnOnce(&[u8], SocketAddr)) {
    let ctl = real_ctl();
    let Some(server) = Tftpd::start(&[("CTLFile.tlv", &ctl)]) else {
        return;
    };
    within(LIMIT, test(&ctl, server.addr)).await;
}

#[tokio::test]
async fn real_ctl_is_byte_identical() {
    on_real_ctl(async |ctl, addr| {
        for (label, opts) in both_modes() {
            assert_bytes(label, tftp_get(addr, "CTLFile.tlv", &opts).await, ctl);
        }
    })
    .await;
}

#[tokio::test]
async fn file_of_100_kb_is_byte_identical() {
    let body = pattern(100 * 1024, 100);
    let exact = pattern(2 * 512, 7); // an exact multiple of 512: ends with an empty block
    let Some(server) = Tftpd::start(&[("100k.bin", &body), ("1024.bin", &exact)]) else {
        return;
    };
    within(LIMIT, async {
        for (label, opts) in both_modes() {
            assert_bytes(label, tftp_get(server.addr, "100k.bin", &opts).await, &body);
            assert_bytes(
                label,
                tftp_get(server.addr, "1024.bin", &opts).await,
                &exact,
            );
        }
        let small_blocks = TftpOptions {
            blksize: Some(512),
            ..TftpOptions::default()
        };
        let got = tftp_get(server.addr, "1024.bin", &small_blocks).await;
        assert_bytes("blksize 512", got, &exact);
    })
    .await;
}

#[tokio::test]
async fn file_past_65535_blocks_wraps_block_numbers() {
    // 65 536 full 512-byte blocks and a short one: block numbers wrap 65535 -> 0 -> 1.
    let len = 65_536 * 512 + 1000;
    let body = pattern(len, 65_535);
    let Some(server) = Tftpd::start(&[("big.bin", &body)]) else {
        return;
    };
    let cap = 64 * 1024 * 1024;
    within(LIMIT, async {
        let cases = [
            (
                "no options (512, wraps)",
                TftpOptions {
                    max_size: cap,
                    deadline: Duration::from_secs(30),
                    ..TftpOptions::default().without_negotiation()
                },
            ),
            (
                "blksize 512 via OACK (wraps)",
                TftpOptions {
                    blksize: Some(512),
                    max_size: cap,
                    deadline: Duration::from_secs(30),
                    ..TftpOptions::default()
                },
            ),
            (
                "blksize 1428",
                TftpOptions {
                    max_size: cap,
                    deadline: Duration::from_secs(30),
                    ..TftpOptions::default()
                },
            ),
        ];
        for (label, opts) in cases {
            assert_bytes(label, tftp_get(server.addr, "big.bin", &opts).await, &body);
        }
        // The reject twin: the default 16 MiB cap refuses it from tsize, before any data.
        let e = match tftp_get(server.addr, "big.bin", &TftpOptions::default()).await {
            Ok(_) => panic!("a 32 MiB file passed the 16 MiB cap"),
            Err(e) => e,
        };
        assert!(matches!(
            e.kind(),
            TftpErrorKind::TooLarge {
                announced: Some(33_555_432),
                cap: 16_777_216
            }
        ));
    })
    .await;
}

#[tokio::test]
async fn missing_file_is_typed_file_not_found() {
    on_real_ctl(async |_, addr| {
        for (label, opts) in both_modes() {
            let e = match tftp_get(addr, "ITLSEP001122334455.tlv", &opts).await {
                Ok(_) => panic!("{label}: a missing file was served"),
                Err(e) => e,
            };
            assert!(e.is_not_found(), "{label}: {e}");
            assert!(!e.is_unreachable());
            assert_eq!(
                e.to_string(),
                format!("TFTP error 1 (File not found) from {addr} for ITLSEP001122334455.tlv"),
                "{label}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn size_cap_against_tftpd() {
    on_real_ctl(async |ctl, addr| {
        // (case, options, size announced): with tsize the size is refused up front; without
        // it, while receiving.
        let over = [
            ("tsize announced", TftpOptions::default(), Some(7166)),
            (
                "no options",
                TftpOptions::default().without_negotiation(),
                None,
            ),
        ];
        for (case, opts, announced) in over {
            let opts = TftpOptions {
                max_size: 7165,
                ..opts
            };
            let e = tftp_get(addr, "CTLFile.tlv", &opts).await.err();
            assert!(
                matches!(
                    e.as_ref().map(|e| e.kind()),
                    Some(TftpErrorKind::TooLarge {
                        announced: a,
                        cap: 7165
                    }) if *a == announced
                ),
                "{case}: {e:?}"
            );
        }
        // Exactly at the cap: accepted, both ways.
        for tsize in [true, false] {
            let opts = TftpOptions {
                max_size: 7166,
                tsize,
                ..TftpOptions::default()
            };
            let got = tftp_get(addr, "CTLFile.tlv", &opts).await;
            assert_bytes(&format!("tsize {tsize}"), got, ctl);
        }
    })
    .await;
}

#[tokio::test]
async fn options_tftpd_ignores_or_honours() {
    on_real_ctl(async |ctl, addr| {
        // tftpd-hpa 5.2 does not know windowsize: it leaves it out of the OACK.
        let cases = [
            TftpOptions {
                windowsize: Some(8),
                ..TftpOptions::default()
            },
            TftpOptions {
                timeout_secs: Some(2),
                ..TftpOptions::default()
            },
            TftpOptions {
                blksize: Some(65464),
                ..TftpOptions::default()
            },
            TftpOptions {
                blksize: Some(8),
                tsize: false,
                ..TftpOptions::default()
            },
        ];
        for opts in cases {
            let got = tftp_get(addr, "CTLFile.tlv", &opts).await;
            assert_bytes(&format!("{opts:?}"), got, ctl);
        }
    })
    .await;
}

#[tokio::test]
async fn concurrent_fetches_are_independent() {
    let ctl = real_ctl();
    let other = pattern(50_000, 3);
    let Some(server) = Tftpd::start(&[("CTLFile.tlv", &ctl), ("other.bin", &other)]) else {
        return;
    };
    within(LIMIT, async {
        let opts = TftpOptions::default();
        let fetches = (0..32).map(|i| {
            let name = if i % 2 == 0 {
                "CTLFile.tlv"
            } else {
                "other.bin"
            };
            let opts = &opts;
            async move { (name, tftp_get(server.addr, name, opts).await) }
        });
        for (name, got) in futures::future::join_all(fetches).await {
            let expected: &[u8] = if name == "CTLFile.tlv" { &ctl } else { &other };
            assert_bytes(name, got, expected);
        }
    })
    .await;
}
