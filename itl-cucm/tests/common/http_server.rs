//! A tiny HTTP/1.1 responder on 127.0.0.1 for tests: one request per connection, canned
//! replies by path, every requested path recorded.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server answers for a path.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A status and a body with a correct `Content-Length`.
    Body(u16, Vec<u8>),
    /// 200 with a body delimited by closing the connection (no `Content-Length`).
    CloseDelimited(Vec<u8>),
    /// 200 with a chunked body of `total` bytes in chunks of 16 KiB.
    Chunked(usize),
    /// 200 announcing `Content-Length: announced` but sending only a few bytes.
    Announce(u64),
    /// 200 with `Content-Length: len`: sends `first` bytes, then stalls for `pause`.
    Slow {
        /// Declared length.
        len: usize,
        /// Bytes sent before the stall.
        first: usize,
        /// How long it stalls.
        pause: Duration,
    },
    /// A redirect with a `Location` header.
    Redirect(u16, String),
}

/// A running responder; aborted on drop.
pub struct HttpServer {
    pub addr: SocketAddr,
    hits: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl HttpServer {
    /// Serves `routes` (path -> reply); any other path gets 404.
    pub async fn start(routes: Vec<(&str, Reply)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind HTTP");
        let addr = listener.local_addr().expect("HTTP address");
        let routes: Arc<HashMap<String, Reply>> = Arc::new(
            routes
                .into_iter()
                .map(|(path, reply)| (path.to_owned(), reply))
                .collect(),
        );
        let hits = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn({
            let hits = Arc::clone(&hits);
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let routes = Arc::clone(&routes);
                    let hits = Arc::clone(&hits);
                    tokio::spawn(async move {
                        let _ = serve(stream, &routes, &hits).await;
                    });
                }
            }
        });
        Self { addr, hits, task }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Paths requested so far, in order.
    pub fn hits(&self) -> Vec<String> {
        self.hits.lock().map(|h| h.clone()).unwrap_or_default()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Other",
    }
}

/// Reads the head of the request on `stream` and gives its path (`/` when the request line
/// has none); `None` when the connection fails or ends first, or the head passes 16 KiB.
pub async fn request_path(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() > 16 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let path = text
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or("/");
    Some(path.to_owned())
}

async fn serve(
    mut stream: TcpStream,
    routes: &HashMap<String, Reply>,
    hits: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let Some(path) = request_path(&mut stream).await else {
        return Ok(());
    };
    if let Ok(mut hits) = hits.lock() {
        hits.push(path.clone());
    }
    let reply = routes
        .get(&path)
        .cloned()
        .unwrap_or(Reply::Body(404, b"not found".to_vec()));
    match reply {
        Reply::Body(status, body) => {
            let head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reason(status),
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
        }
        Reply::CloseDelimited(body) => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
                .await?;
            stream.write_all(&body).await?;
        }
        Reply::Chunked(total) => {
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                )
                .await?;
            let chunk = vec![b'c'; 16 * 1024];
            let mut sent = 0;
            while sent < total {
                let len = chunk.len().min(total - sent);
                stream.write_all(format!("{len:x}\r\n").as_bytes()).await?;
                stream.write_all(&chunk[..len]).await?;
                stream.write_all(b"\r\n").await?;
                sent += len;
            }
            stream.write_all(b"0\r\n\r\n").await?;
        }
        Reply::Announce(announced) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {announced}\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(b"partial").await?;
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        Reply::Slow { len, first, pause } => {
            let head =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&vec![b's'; first]).await?;
            stream.flush().await?;
            tokio::time::sleep(pause).await;
            stream.write_all(&vec![b's'; len - first]).await?;
        }
        Reply::Redirect(status, location) => {
            let head = format!(
                "HTTP/1.1 {status} {}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                reason(status)
            );
            stream.write_all(head.as_bytes()).await?;
        }
    }
    stream.shutdown().await
}
