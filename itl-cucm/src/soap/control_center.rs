//! [`ControlCenterClient`]: Control Center Services on one node (each node's own endpoint
//! with its own `NodeName`), one call at a time.

use itl_wire::soap::SoapError;
use itl_wire::soap::control_center::{self, ControlType, ServiceInformation};
use tokio::sync::Mutex;

use super::endpoint::SoapEndpoint;
use super::error::ClientError;

/// The Control Center service of one node.
#[derive(Debug)]
pub struct ControlCenterClient {
    endpoint: SoapEndpoint,
    lock: Mutex<()>,
}

impl ControlCenterClient {
    /// A client for the Control Center endpoint `endpoint`.
    pub fn new(endpoint: SoapEndpoint) -> Self {
        Self {
            endpoint,
            lock: Mutex::new(()),
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &SoapEndpoint {
        &self.endpoint
    }

    async fn call(
        &self,
        action: &str,
        xml: String,
        parse: fn(&[u8]) -> Result<ServiceInformation, SoapError>,
    ) -> Result<ServiceInformation, ClientError> {
        let _guard = self.lock.lock().await;
        let body = self.endpoint.post(&format!("\"{action}\""), &xml).await?;
        parse(&body).map_err(|e| self.endpoint.soap_error(e))
    }

    /// `soapGetServiceStatus`; empty `services` = every service.
    pub async fn service_status<S: AsRef<str>>(
        &self,
        services: &[S],
    ) -> Result<ServiceInformation, ClientError> {
        self.call(
            control_center::GET_SERVICE_STATUS,
            control_center::get_service_status_request(services),
            control_center::parse_service_status_response,
        )
        .await
    }

    /// `soapDoControlServices` on `node_name` (this client's node).
    pub async fn control_services<S: AsRef<str>>(
        &self,
        node_name: &str,
        control: ControlType,
        services: &[S],
    ) -> Result<ServiceInformation, ClientError> {
        self.call(
            control_center::DO_CONTROL_SERVICES,
            control_center::do_control_services_request(node_name, control, services),
            control_center::parse_control_services_response,
        )
        .await
    }
}
