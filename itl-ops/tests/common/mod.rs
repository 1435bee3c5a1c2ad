//! What the simulator tests of `itl-ops` share: a time bound, a simulated cluster served in
//! this process, and the credentials and session a test uses against it.

#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use itl_cucm::secrets::Credentials;
use itl_cucm::session::{ClusterSession, SessionOptions};
use itl_ops::preflight::OsCredentials;
use itl_sim::server::ssh::SshServe;
use itl_sim::{Cluster, ServeOptions, SimOptions, SimServer};
use itl_wire::cluster_file::ClusterFile;

/// Runs `fut`, failing the test when it takes more than `secs` seconds.
pub async fn within<T>(secs: u64, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), fut)
        .await
        .expect("test took too long")
}

/// Builds the cluster of `options` and serves it on loopback, the application user and the
/// platform administrator both `admin` with `password`; `adjust` changes the servers'
/// options first (the admin CLI's privilege, the time scale…).
pub async fn serve_sim(
    options: &SimOptions,
    password: &str,
    adjust: impl FnOnce(&mut ServeOptions),
) -> SimServer {
    let cluster = Cluster::build(options).expect("cluster builds");
    let mut serve = ServeOptions::ephemeral("admin", password);
    serve.ssh = SshServe::new(password);
    adjust(&mut serve);
    SimServer::start(cluster, serve)
        .await
        .expect("servers start")
}

/// The platform administrator of a cluster served by [`serve_sim`].
pub fn os_credentials(password: &str) -> OsCredentials {
    OsCredentials {
        user: "admin".into(),
        password: password.into(),
    }
}

/// A session to the cluster of `file` as `admin` with `password`, RisPort70 requests not
/// paced.
pub fn unpaced_session(file: ClusterFile, password: &str) -> ClusterSession {
    let mut options = SessionOptions::default();
    options.ris.per_minute = u32::MAX;
    ClusterSession::new(file, Credentials::new("admin", password), options)
}
