//! Cluster files to test with.

/// A cluster file of two nodes, as `itl sim serve` writes it: cluster `sim`, the publisher
/// `ucm-pub` (127.0.1.1) with every service, its TLS and SSH host-key pins, and the subscriber
/// `ucm-sub1` (127.0.1.2) with the SOAP services only (no TFTP, no SSH).
pub const TWO_NODES: &str = r#"
[cluster]
name = "sim"
user = "admin"
password_env = "ITL_PASSWORD"
phone_http_port = 80

[[nodes]]
name = "ucm-pub"
publisher = true
address = "127.0.1.1"
axl = "https://127.0.1.1:8443/axl/"
risport = "https://127.0.1.1:8443/realtimeservice2/services/RISService70"
control_center = "https://127.0.1.1:8443/controlcenterservice2/services/ControlCenterServices"
tftp = "127.0.1.1:69"
tftp_http = "http://127.0.1.1:6970"
tls_sha256 = "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f"
ssh = "127.0.1.1:22"
ssh_host_key_sha256 = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"

[[nodes]]
name = "ucm-sub1"
address = "127.0.1.2"
axl = "https://127.0.1.2:8443/axl/"
risport = "https://127.0.1.2:8443/realtimeservice2/services/RISService70"
control_center = "https://127.0.1.2:8443/controlcenterservice2/services/ControlCenterServices"
"#;
