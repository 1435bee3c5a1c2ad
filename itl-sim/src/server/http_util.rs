//! Shared HTTP plumbing: response builders and serving one connection with hyper until it
//! closes or the simulator shuts down.

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;

/// The response type of every simulated server.
pub type HttpResponse = Response<Full<Bytes>>;

/// How long a client may take to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// A response with a status, a content type, extra headers and a body.
pub fn response(
    status: StatusCode,
    content_type: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> HttpResponse {
    let mut builder = Response::builder()
        .status(status)
        .header("Content-Type", content_type);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Full::new(body.into()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// `404 Not Found` with a small HTML body.
pub fn not_found() -> HttpResponse {
    response(
        StatusCode::NOT_FOUND,
        "text/html",
        &[],
        "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n",
    )
}

/// Serves HTTP/1.1 on one connection with `handler` until the client closes, the connection
/// fails, or `shutdown` fires.
pub async fn serve<IO, F, Fut>(
    io: IO,
    server: &'static str,
    mut shutdown: watch::Receiver<bool>,
    handler: F,
) where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HttpResponse> + Send + 'static,
{
    let handler = std::sync::Arc::new(handler);
    let service = hyper::service::service_fn(move |req| {
        let handler = handler.clone();
        async move {
            let mut resp = handler(req).await;
            if !server.is_empty()
                && let Ok(value) = hyper::header::HeaderValue::from_str(server)
            {
                resp.headers_mut().insert(hyper::header::SERVER, value);
            }
            Ok::<_, Infallible>(resp)
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::select! {
        _ = conn => {}
        _ = shutdown.changed() => {}
    }
}
