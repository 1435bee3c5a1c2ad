//! [`AxlClient`]: AXL `executeSQLQuery` on the publisher, one query at a time (Cisco's
//! guidance), with paging after "Query request too large".

use itl_wire::soap::axl::{self, Row};
use tokio::sync::Mutex;

use super::endpoint::{SoapEndpoint, SoapOptions};
use super::error::ClientError;
use super::paging::{PagingOptions, query_all};
use crate::secrets::Credentials;
use crate::transport::TlsTrust;

/// The AXL service of a cluster (the publisher's `https://<publisher>:8443/axl/`).
#[derive(Debug)]
pub struct AxlClient {
    endpoint: SoapEndpoint,
    version: String,
    paging: PagingOptions,
    lock: Mutex<()>,
}

impl AxlClient {
    /// A client for the AXL endpoint `url`, speaking schema `version` (`14.0`).
    pub fn new(
        url: &str,
        version: &str,
        credentials: Credentials,
        trust: TlsTrust,
        opts: &SoapOptions,
    ) -> Result<Self, ClientError> {
        Ok(Self {
            endpoint: SoapEndpoint::new(url, credentials, trust, opts)?,
            version: version.to_owned(),
            paging: PagingOptions::default(),
            lock: Mutex::new(()),
        })
    }

    /// With other paging settings.
    pub fn with_paging(mut self, paging: PagingOptions) -> Self {
        self.paging = paging;
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &SoapEndpoint {
        &self.endpoint
    }

    /// The schema version in use.
    pub fn version(&self) -> &str {
        &self.version
    }

    async fn call(&self, sql: String) -> Result<Vec<Row>, ClientError> {
        let body = self
            .endpoint
            .post(
                &axl::soap_action(&self.version, axl::EXECUTE_SQL_QUERY),
                &axl::sql_request(&self.version, &sql),
            )
            .await?;
        axl::parse_sql_response(&body).map_err(|source| self.endpoint.soap_error(source))
    }

    /// `executeSQLQuery`, one request. A too-large result is
    /// [`SoapError::QueryTooLarge`](itl_wire::soap::SoapError::QueryTooLarge) inside
    /// [`ClientError::Soap`].
    pub async fn execute_sql(&self, sql: &str) -> Result<Vec<Row>, ClientError> {
        let _guard = self.lock.lock().await;
        self.call(sql.to_owned()).await
    }

    /// `executeSQLQuery` with paging: on "Query request too large" the query is re-run as
    /// `SKIP n FIRST m` pages ([`query_all`]) while holding the AXL lock.
    pub async fn execute_sql_all(&self, sql: &str) -> Result<Vec<Row>, ClientError> {
        let _guard = self.lock.lock().await;
        query_all(sql, self.paging, |q| self.call(q)).await
    }
}
