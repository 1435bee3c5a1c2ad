//! The pieces of an HTTPS CUCM stand-in on 127.0.0.1: a self-signed ECDSA Tomcat
//! certificate made with itl-pki, a TLS acceptor presenting it (tokio-rustls), and a minimal
//! keep-alive HTTP/1.1 request reader.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use itl_pki::p256::pkcs8::EncodePrivateKey;
use itl_pki::{CertSpec, DistinguishedName, ec_p256_certificate, ec_p256_key};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// A certificate (DER) and its PKCS#8 private key.
#[derive(Clone, Debug)]
pub struct Tomcat {
    pub der: Vec<u8>,
    pub pkcs8: Vec<u8>,
}

impl Tomcat {
    /// A self-signed P-256 certificate for `subject` with serial `serial`, its key derived
    /// from `seed` and `label` (valid 2023-11-14 to 2096-10-02).
    pub fn self_signed(seed: u64, label: &str, subject: DistinguishedName, serial: u8) -> Self {
        let key = ec_p256_key(seed, label);
        let spec = CertSpec::self_signed(subject, vec![serial], 1_700_000_000, 4_000_000_000);
        let cert = ec_p256_certificate(&spec, &key).expect("certificate");
        let pkcs8 = key.to_pkcs8_der().expect("pkcs8").as_bytes().to_vec();
        Self {
            der: cert.der().to_vec(),
            pkcs8,
        }
    }

    /// A TLS acceptor presenting this certificate.
    pub fn acceptor(&self) -> TlsAcceptor {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocols")
            .with_no_client_auth()
            .with_single_cert(
                vec![rustls::pki_types::CertificateDer::from(self.der.clone())],
                rustls::pki_types::PrivateKeyDer::Pkcs8(self.pkcs8.clone().into()),
            )
            .expect("server config");
        TlsAcceptor::from(Arc::new(config))
    }
}

/// One HTTP/1.1 request.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// The next request on a keep-alive connection (a body of `Content-Length` bytes, none
/// without it); `None` when the connection ends or the head passes 64 KiB.
pub async fn read_request<S: AsyncReadExt + Unpin>(stream: &mut S) -> Option<Request> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).ok()?;
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = match headers.get("content-length") {
        Some(v) => v.parse().ok()?,
        None => 0,
    };
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    Some(Request {
        path,
        headers,
        body,
    })
}

/// A server task, stopped when dropped.
pub struct Running(JoinHandle<()>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A keep-alive HTTP/1.1-over-TLS server on 127.0.0.1 presenting `tomcat`: `answer` gives the
/// status and the `text/xml` body of the reply to each request. Its address and its task.
pub async fn serve_https<F, Fut>(tomcat: &Tomcat, answer: F) -> (SocketAddr, Running)
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (u16, Vec<u8>)> + Send,
{
    let acceptor = tomcat.acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let answer = Arc::new(answer);
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, answer) = (acceptor.clone(), answer.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                while let Some(request) = read_request(&mut tls).await {
                    let (status, body) = answer(request).await;
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    if tls.write_all(head.as_bytes()).await.is_err()
                        || tls.write_all(&body).await.is_err()
                        || tls.flush().await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (addr, Running(task))
}
