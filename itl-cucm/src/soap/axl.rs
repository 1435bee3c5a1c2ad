//! [`AxlClient`]: AXL `executeSQLQuery` on the publisher, one query at a time (Cisco's
//! guidance), with paging after "Query request too large", in the schema the cluster file
//! records or — discovered once — the highest schema the release serves
//! ([`AxlClient::discover_version`], cucm-interfaces.md §1.1).

use std::sync::Arc;

use itl_wire::soap::SoapError;
use itl_wire::soap::axl::{self, Row};
use itl_wire::soap::axl_capf::{
    CapfOperation, UPDATE_PHONE, certificate_operation_request, parse_update_phone_response,
};
use itl_wire::soap::axl_reset::{PhoneReset, parse_phone_reset_response, phone_reset_request};
use itl_wire::soap::axl_version;
use tokio::sync::{Mutex, OnceCell};

use super::endpoint::SoapEndpoint;
use super::error::ClientError;
use super::paging::{PagingOptions, query_all};

/// The AXL service of a cluster (the publisher's `https://<publisher>:8443/axl/`).
#[derive(Debug)]
pub struct AxlClient {
    endpoint: SoapEndpoint,
    version: Arc<OnceCell<String>>,
    paging: PagingOptions,
    lock: Mutex<()>,
}

/// What [`AxlClient::discover_version`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxlVersion {
    /// The release (`14.0.1.13900-155`), from the version-less `getCCMVersion`.
    pub release: String,
    /// The schema in use: the highest the release serves and answers (`14.0`).
    pub schema: String,
}

impl AxlClient {
    /// A client for the AXL endpoint `endpoint`, speaking schema `version` (`14.0`).
    pub fn new(endpoint: SoapEndpoint, version: &str) -> Self {
        let known = Arc::new(OnceCell::new_with(Some(version.to_owned())));
        Self::discovering(endpoint, known)
    }

    /// A client that discovers its schema before the first query
    /// ([`AxlClient::discover_version`]) and keeps it in `slot`: clients sharing one slot
    /// discover once.
    pub fn discovering(endpoint: SoapEndpoint, slot: Arc<OnceCell<String>>) -> Self {
        Self {
            endpoint,
            version: slot,
            paging: PagingOptions::default(),
            lock: Mutex::new(()),
        }
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

    /// The schema version in use, once known.
    pub fn version(&self) -> Option<&str> {
        self.version.get().map(String::as_str)
    }

    /// The release's version from `getCCMVersion` in the version-less namespace
    /// (`…/AXL/API/1.0`, no `SOAPAction`), which every release answers with its oldest schema.
    pub async fn release_version(&self) -> Result<String, ClientError> {
        let body = self
            .endpoint
            .post_with(None, &axl_version::ccm_version_request(None))
            .await?;
        axl_version::parse_ccm_version_response(&body)
            .map_err(|source| self.endpoint.soap_error(source))
    }

    /// `getCCMVersion` in schema `schema` (namespace and `SOAPAction` of that schema).
    pub async fn release_version_in(&self, schema: &str) -> Result<String, ClientError> {
        self.operation_in(
            schema,
            axl_version::GET_CCM_VERSION,
            |schema| axl_version::ccm_version_request(Some(schema)),
            axl_version::parse_ccm_version_response,
        )
        .await
    }

    /// Finds the schema to speak: the release from the version-less `getCCMVersion`, then
    /// the schemas that release serves, newest first, until one answers `getCCMVersion` (a
    /// refused schema — "Incorrect axl version" — moves to the next; at most three tries).
    /// Does not change the schema this client uses.
    pub async fn discover_version(&self) -> Result<AxlVersion, ClientError> {
        let release = self.release_version().await?;
        let candidates = axl_version::schemas_served(&release).ok_or_else(|| {
            self.endpoint
                .soap_error(itl_wire::soap::SoapError::Unexpected(format!(
                    "getCCMVersion: {release:?} has no major version number"
                )))
        })?;
        let mut last = None;
        for schema in candidates.into_iter().take(3) {
            match self.release_version_in(&schema).await {
                Ok(_) => return Ok(AxlVersion { release, schema }),
                Err(e)
                    if e.soap_error_ref()
                        .and_then(itl_wire::soap::SoapError::fault)
                        .is_some_and(axl_version::is_unsupported_version) =>
                {
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            self.endpoint
                .soap_error(itl_wire::soap::SoapError::Unexpected(format!(
                    "no AXL schema known for release {release}"
                )))
        }))
    }

    /// The schema in use, discovering it first when the client was built without one.
    pub async fn schema(&self) -> Result<String, ClientError> {
        self.version
            .get_or_try_init(|| async {
                let found = self.discover_version().await?;
                tracing::info!(
                    release = found.release,
                    schema = found.schema,
                    "AXL schema discovered"
                );
                Ok::<_, ClientError>(found.schema)
            })
            .await
            .cloned()
    }

    /// The AXL operation `operation` in schema `schema`: `request` writes the request in that
    /// schema, `parse` reads the answer.
    async fn operation_in<T>(
        &self,
        schema: &str,
        operation: &str,
        request: impl FnOnce(&str) -> String,
        parse: impl FnOnce(&[u8]) -> Result<T, SoapError>,
    ) -> Result<T, ClientError> {
        let body = self
            .endpoint
            .post(&axl::soap_action(schema, operation), &request(schema))
            .await?;
        parse(&body).map_err(|source| self.endpoint.soap_error(source))
    }

    /// [`AxlClient::operation_in`] the schema in use.
    async fn operation<T>(
        &self,
        operation: &str,
        request: impl FnOnce(&str) -> String,
        parse: impl FnOnce(&[u8]) -> Result<T, SoapError>,
    ) -> Result<T, ClientError> {
        let schema = self.schema().await?;
        self.operation_in(&schema, operation, request, parse).await
    }

    async fn call(&self, sql: String) -> Result<Vec<Row>, ClientError> {
        self.operation(
            axl::EXECUTE_SQL_QUERY,
            |schema| axl::sql_request(schema, &sql),
            axl::parse_sql_response,
        )
        .await
    }

    /// `executeSQLQuery`, one request. A too-large result is
    /// [`SoapError::QueryTooLarge`](itl_wire::soap::SoapError::QueryTooLarge) inside
    /// [`ClientError::Soap`].
    pub async fn execute_sql(&self, sql: &str) -> Result<Vec<Row>, ClientError> {
        let _guard = self.lock.lock().await;
        self.call(sql.to_owned()).await
    }

    /// `resetPhone` or `restartPhone` of one phone by name: it downloads its trust lists.
    /// Returns the phone's UUID as AXL sent it.
    pub async fn reset_phone(&self, kind: PhoneReset, name: &str) -> Result<String, ClientError> {
        let _guard = self.lock.lock().await;
        self.operation(
            kind.operation(),
            |schema| phone_reset_request(schema, kind, name),
            |body| parse_phone_reset_response(kind, body),
        )
        .await
    }

    /// `updatePhone` with a CAPF `certificateOperation` (inferred request shape): with
    /// `Install/Upgrade` CAPF issues the phone a new LSC at its next reset.
    pub async fn certificate_operation(
        &self,
        name: &str,
        op: CapfOperation,
    ) -> Result<String, ClientError> {
        let _guard = self.lock.lock().await;
        self.operation(
            UPDATE_PHONE,
            |schema| certificate_operation_request(schema, name, op),
            parse_update_phone_response,
        )
        .await
    }

    /// `executeSQLQuery` with paging: on "Query request too large" the query is re-run as
    /// `SKIP n FIRST m` pages ([`query_all`]) while holding the AXL lock.
    pub async fn execute_sql_all(&self, sql: &str) -> Result<Vec<Row>, ClientError> {
        let _guard = self.lock.lock().await;
        query_all(sql, self.paging, |q| self.call(q)).await
    }
}
