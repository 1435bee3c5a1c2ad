//! [`RisPortClient`]: RisPort70 `selectCmDeviceExt`, paced to the cluster-wide budget
//! ([`RisPacer`]): one request in flight, back to back while the rolling minute has room.

use itl_wire::soap::risport::{self, CmDevice, SelectCmDeviceRequest, SelectCmDeviceResult};
use tokio::sync::Mutex;

use super::endpoint::SoapEndpoint;
use super::error::ClientError;
use super::pacer::{PacerConfig, RisPacer};

/// The RisPort70 service of a node.
#[derive(Debug)]
pub struct RisPortClient {
    endpoint: SoapEndpoint,
    pacer: Mutex<RisPacer>,
    chunk_size: usize,
}

impl RisPortClient {
    /// A client for the RisPort70 endpoint `endpoint`, paced as `pacing` says.
    pub fn new(endpoint: SoapEndpoint, pacing: PacerConfig) -> Self {
        let pacer = RisPacer::new(pacing);
        Self {
            endpoint,
            chunk_size: pacer.config().chunk_size,
            pacer: Mutex::new(pacer),
        }
    }

    /// Names per request (the pacing's chunk size, 1..=1000).
    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &SoapEndpoint {
        &self.endpoint
    }

    async fn call(
        &self,
        request: &SelectCmDeviceRequest,
    ) -> Result<SelectCmDeviceResult, ClientError> {
        let xml = request.to_xml().map_err(|e| self.endpoint.soap_error(e))?;
        let body = self
            .endpoint
            .post(&format!("\"{}\"", risport::SELECT_CM_DEVICE_EXT), &xml)
            .await?;
        risport::parse_select_response(&body).map_err(|e| self.endpoint.soap_error(e))
    }

    /// One paced `selectCmDeviceExt` (backs off and retries on the rate fault).
    pub async fn select_cm_device_ext(
        &self,
        request: &SelectCmDeviceRequest,
    ) -> Result<SelectCmDeviceResult, ClientError> {
        let mut pacer = self.pacer.lock().await;
        pacer.run(|| self.call(request)).await
    }

    /// Registration state of the phones `names`: chunks of ≤ 1000 names, paced to the
    /// configured requests per minute, backing off on the rate fault.
    pub async fn registration(&self, names: &[String]) -> Result<Vec<CmDevice>, ClientError> {
        let mut pacer = self.pacer.lock().await;
        pacer
            .select_all(names, |request| async move { self.call(&request).await })
            .await
    }
}
