//! `itl fetch` through the real binary against real servers on loopback: Debian's tftpd-hpa
//! (a missing one fails the test unless `ITL_SKIP_EXTERNAL=1`) and a small HTTP responder.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, UdpSocket};
use std::process::{Child, Command};
use std::time::Duration;

use common::{Itl, TempDir, assert_ok, root, stdout_json};

/// A running `in.tftpd` on 127.0.0.1, its port and the folder it serves; killed on drop.
struct Tftpd(Child, u16, TempDir);

impl Drop for Tftpd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tftpd(files: &[(&str, &str)]) -> Option<Tftpd> {
    let bin = itl_testkit::external_tool("in.tftpd")?;
    let dir = TempDir::new("fetch-cli-tftpd");
    for (name, fixture) in files {
        std::fs::copy(root().join(fixture), dir.join(name)).unwrap();
    }
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .args(["-L", "-s", "-a", &format!("127.0.0.1:{port}")])
        .arg(dir.path())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    Some(Tftpd(child, port, dir))
}

#[test]
fn server_summary_over_tftp() {
    let Some(server) = tftpd(&[
        ("ITLFile.tlv", "fixtures/itl-12-sha512.tlv"),
        ("ITLSEP001122334455.tlv", "fixtures/itl-11.5-sha1-2048.tlv"),
    ]) else {
        return;
    };
    let spec = format!("127.0.0.1:{}", server.1);
    let out = Itl::new()
        .args(&[
            "fetch",
            "--server",
            &spec,
            "--mac",
            "0011.2233.4455",
            "--json",
        ])
        .run();
    assert_ok(&out);
    let v = stdout_json(&out);
    assert_eq!(v["transport"], "tftp");
    assert_eq!(v["mac"], "001122334455");
    assert_eq!(v["reachable"], true);
    let files = v["files"].as_array().unwrap();
    let names: Vec<_> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "CTLSEP001122334455.tlv",
            "CTLFile.tlv",
            "ITLSEP001122334455.tlv"
        ]
    );
    assert_eq!(files[1]["status"], "not-found");
    assert_eq!(
        files[1]["note"],
        "not served (normal on a non-secure cluster)"
    );
    let itl_file = &files[2];
    assert_eq!(itl_file["status"], "fetched");
    assert_eq!(itl_file["size"], 10681);
    assert_eq!(itl_file["verdict"], "OK");
    assert_eq!(itl_file["records_by_function"]["TVS"], 2);
    assert_eq!(itl_file["records_by_function"]["SAST"], 2);
    assert_eq!(itl_file["list"]["digest"], "SHA-1");

    // Text form, without a MAC: the cluster-wide ITL.
    let out = Itl::new().args(&["fetch", "--server", &spec]).run();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  -     CTLFile.tlv: not served (normal on a non-secure cluster)\n"),
        "{text}"
    );
    assert!(
        text.contains("  OK    ITLFile.tlv  10713 bytes  md5 "),
        "{text}"
    );
    assert!(
        text.contains("        records CAPF×1 SAST×2 TFTP×1 TVS×2\n"),
        "{text}"
    );

    // A tampered ITL reads FAIL and exits 1.
    let mut bytes = std::fs::read(server.2.join("ITLFile.tlv")).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0xff;
    std::fs::write(server.2.join("ITLFile.tlv"), bytes).unwrap();
    let out = Itl::new().args(&["fetch", "--server", &spec]).run();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("  FAIL  ITLFile.tlv")
    );
}

#[test]
fn url_download_is_byte_identical() {
    let Some(server) = tftpd(&[("CTLFile.tlv", "fixtures/ctl-mixed-sha256.tlv")]) else {
        return;
    };
    let out_dir = TempDir::new("fetch-url");
    // Into a folder that does not exist yet.
    let target = out_dir.join("out").join("ctl.tlv");
    let url = format!("tftp://127.0.0.1:{}/CTLFile.tlv", server.1);
    let out = Itl::new()
        .args(&["fetch", &url, "-o", target.to_str().unwrap()])
        .run();
    assert_ok(&out);
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(root().join("fixtures/ctl-mixed-sha256.tlv")).unwrap()
    );
    let missing = format!("tftp://127.0.0.1:{}/ITLSEP001122334455.tlv", server.1);
    let out = Itl::new().args(&["fetch", &missing, "-o", "-"]).run();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        format!(
            "itl: TFTP error 1 (File not found) from 127.0.0.1:{} for ITLSEP001122334455.tlv\n",
            server.1
        )
    );
}

/// Answers every HTTP request with the fixture named by the path, or 404.
fn http_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/");
            let body = match path {
                "/ITLFile.tlv" => {
                    std::fs::read(root().join("fixtures/itl-11.5-sha1-1024.tlv")).ok()
                }
                _ => None,
            };
            let _ = match body {
                Some(body) => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|_| stream.write_all(&body)),
                None => stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    port
}

#[test]
fn server_summary_over_http() {
    let port = http_server();
    let spec = format!("127.0.0.1:{port}");
    let out = Itl::new()
        .args(&["fetch", "--server", &spec, "--http", "--json"])
        .run();
    assert_ok(&out);
    let v = stdout_json(&out);
    assert_eq!(v["transport"], "http");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files[0]["name"], "CTLFile.tlv");
    assert_eq!(files[0]["status"], "not-found");
    assert_eq!(files[1]["name"], "ITLFile.tlv");
    assert_eq!(files[1]["size"], 9483);
    assert_eq!(files[1]["verdict"], "OK");
}

#[test]
fn unreachable_server_exits_2() {
    // A UDP socket that never answers, and a closed TCP port.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let spec = format!("127.0.0.1:{}", silent.local_addr().unwrap().port());
    let out = Itl::new()
        .args(&["fetch", "--server", &spec, "--timeout", "1"])
        .run();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .ends_with("cannot be reached\n")
    );
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Itl::new()
        .args(&[
            "fetch",
            "--server",
            &format!("127.0.0.1:{closed}"),
            "--http",
            "--timeout",
            "2",
        ])
        .run();
    assert_eq!(out.status.code(), Some(2));
    let out = Itl::new()
        .args(&["fetch", "--server", "127.0.0.1:notaport"])
        .run();
    assert_eq!(out.status.code(), Some(2));
    let out = Itl::new()
        .args(&["fetch", "--server", "127.0.0.1", "--mac", "nope"])
        .run();
    assert_eq!(out.status.code(), Some(2));
}
