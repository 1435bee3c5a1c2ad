//! Control Center Services codecs, both sides.

use itl_core::cucm::{Service, ServiceStatus};
use itl_wire::soap::SoapError;
use itl_wire::soap::control_center;
use itl_wire::soap::control_center::{
    ControlCenterRequest, ControlType, REASON_NOT_ACTIVATED, ServiceInfo, ServiceInformation,
    control_services_response, do_control_services_request, get_service_status_request,
    parse_control_services_response, parse_request, parse_service_status_response,
    service_status_response,
};

fn compact(xml: &str) -> String {
    xml.lines().map(str::trim).collect()
}

#[test]
fn restart_request_matches_the_document() {
    let doc = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://schemas.cisco.com/ast/soap"><soapenv:Header/><soapenv:Body><soap:soapDoControlServices><soap:ControlServiceRequest><soap:NodeName>cucm-pub</soap:NodeName><soap:ControlType>Restart</soap:ControlType><soap:ServiceList><soap:item>Cisco Tftp</soap:item></soap:ServiceList></soap:ControlServiceRequest></soap:soapDoControlServices></soapenv:Body></soapenv:Envelope>"#;
    let xml = do_control_services_request("cucm-pub", ControlType::Restart, &["Cisco Tftp"]);
    assert_eq!(
        xml,
        format!(r#"<?xml version="1.0" encoding="UTF-8"?>{doc}"#)
    );
    assert_eq!(
        parse_request(doc.as_bytes()),
        Ok(ControlCenterRequest::DoControlServices {
            node_name: "cucm-pub".to_owned(),
            control: ControlType::Restart,
            services: vec!["Cisco Tftp".to_owned()],
        })
    );
    for (control, text) in [
        (ControlType::Start, "Start"),
        (ControlType::Stop, "Stop"),
        (ControlType::Restart, "Restart"),
    ] {
        let xml = do_control_services_request("n", control, &["A", "B & C"]);
        assert!(xml.contains(&format!("<soap:ControlType>{text}</soap:ControlType>")));
        assert_eq!(
            parse_request(xml.as_bytes()),
            Ok(ControlCenterRequest::DoControlServices {
                node_name: "n".to_owned(),
                control,
                services: vec!["A".to_owned(), "B & C".to_owned()],
            })
        );
    }
}

#[test]
fn status_request_matches_the_document() {
    let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://schemas.cisco.com/ast/soap">
  <soapenv:Body>
    <soap:soapGetServiceStatus>
      <soap:ServiceStatus></soap:ServiceStatus>
    </soap:soapGetServiceStatus>
  </soapenv:Body>
</soapenv:Envelope>"#;
    // Ours adds the empty Header, as every request builder does.
    let all = get_service_status_request::<&str>(&[]);
    assert_eq!(
        all,
        compact(doc).replace("<soapenv:Body>", "<soapenv:Header/><soapenv:Body>")
    );
    assert_eq!(
        parse_request(doc.as_bytes()),
        Ok(ControlCenterRequest::GetServiceStatus { services: vec![] })
    );
    // Specific services: one ServiceStatus element each (WSDL maxOccurs unbounded).
    let some = get_service_status_request(&["Cisco Tftp", "Cisco CallManager"]);
    assert!(some.contains("<soap:soapGetServiceStatus><soap:ServiceStatus>Cisco Tftp</soap:ServiceStatus><soap:ServiceStatus>Cisco CallManager</soap:ServiceStatus></soap:soapGetServiceStatus>"), "{some}");
    assert_eq!(
        parse_request(some.as_bytes()),
        Ok(ControlCenterRequest::GetServiceStatus {
            services: vec!["Cisco Tftp".to_owned(), "Cisco CallManager".to_owned()]
        })
    );
}

#[test]
fn documented_response_parses() {
    let doc = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <ns:soapGetServiceStatusResponse xmlns:ns="http://schemas.cisco.com/ast/soap">
      <soapGetServiceStatusReturn>
        <ServiceInfoList>
          <item>
            <ServiceName>Cisco CallManager</ServiceName>
            <ServiceStatus>Started</ServiceStatus>
            <ReasonCode>0</ReasonCode>
            <ReasonCodeString>Service is running</ReasonCodeString>
            <StartTime>2024-01-01T12:00:00</StartTime>
            <UpTime>86400</UpTime>
            <UpTimeString>1 day</UpTimeString>
          </item>
        </ServiceInfoList>
      </soapGetServiceStatusReturn>
    </ns:soapGetServiceStatusResponse>
  </soapenv:Body>
</soapenv:Envelope>"#;
    let info = parse_service_status_response(doc.as_bytes()).expect("parses");
    assert_eq!(info.return_code, None);
    assert_eq!(
        info.services,
        vec![ServiceInfo {
            name: "Cisco CallManager".to_owned(),
            status_text: "Started".to_owned(),
            reason_code: Some(0),
            reason: Some("Service is running".to_owned()),
            start_time: Some("2024-01-01T12:00:00".to_owned()),
            up_time: Some(86400),
        }]
    );
    assert_eq!(info.services[0].status(), ServiceStatus::Started);
    assert_eq!(info.services[0].service(), Some(Service::CallManager));
    // Twin: the same body is not a soapDoControlServices response.
    assert!(matches!(
        parse_control_services_response(doc.as_bytes()),
        Err(SoapError::Unexpected(_))
    ));
}

#[test]
fn real_shape_with_negative_codes_and_other_prefixes() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapDoControlServicesResponse xmlns="http://schemas.cisco.com/ast/soap"><soapDoControlServicesReturn><ReturnCode>0</ReturnCode><ReasonCode xsi:nil="true"/><ReasonString xsi:nil="true"/><ServiceInfoList><item><ServiceName>Cisco Tftp</ServiceName><ServiceStatus>Starting</ServiceStatus><ReasonCode>-1</ReasonCode><ReasonCodeString> </ReasonCodeString><StartTime>Mon Jan  1 12:00:00 2024</StartTime><UpTime>-1</UpTime></item><item><ServiceName>Cisco CTL Provider</ServiceName><ServiceStatus>Stopped</ServiceStatus><ReasonCode>-1068</ReasonCode><ReasonCodeString>Service Not Activated</ReasonCodeString><StartTime xsi:nil="true"/><UpTime>-1</UpTime></item><item><ServiceName>Odd</ServiceName><ServiceStatus>Paused</ServiceStatus></item></ServiceInfoList></soapDoControlServicesReturn></soapDoControlServicesResponse></soapenv:Body></soapenv:Envelope>"#;
    let info = parse_control_services_response(xml.as_bytes()).expect("parses");
    assert_eq!(info.return_code.as_deref(), Some("0"));
    assert_eq!(info.reason_code, None);
    assert_eq!(info.services.len(), 3);
    let tftp = info.service("cisco TFTP").expect("case-insensitive lookup");
    assert_eq!(tftp.status(), ServiceStatus::Starting);
    assert_eq!(tftp.reason_code, Some(-1));
    assert_eq!(tftp.reason, None);
    assert!(!tftp.is_intentionally_stopped());
    let ctl = info.service("Cisco CTL Provider").expect("listed");
    assert_eq!(ctl.reason_code, Some(REASON_NOT_ACTIVATED));
    assert!(ctl.is_intentionally_stopped());
    assert_eq!(ctl.status(), ServiceStatus::NotActivated);
    assert_eq!(ctl.start_time, None);
    assert_eq!(info.services[2].status_text, "Paused");
    assert_eq!(info.services[2].status(), ServiceStatus::Unknown);
    assert_eq!(info.services[2].service(), None);
    assert!(info.service("Cisco Tomcat").is_none());
}

#[test]
fn server_responses_round_trip() {
    let mut tvs = ServiceInfo::new("Cisco Trust Verification Service", ServiceStatus::Started);
    tvs.reason_code = Some(-1);
    tvs.reason = Some("Successful".to_owned());
    tvs.start_time = Some("Mon Jan  1 12:00:00 2024".to_owned());
    tvs.up_time = Some(3600);
    let info = ServiceInformation {
        return_code: Some("0".to_owned()),
        reason_code: Some(-1),
        reason: Some("Success & more".to_owned()),
        services: vec![tvs, ServiceInfo::new("Cisco Tftp", ServiceStatus::Stopped)],
    };
    let status = service_status_response(&info);
    assert_eq!(
        status,
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:soapGetServiceStatusResponse xmlns:ns="http://schemas.cisco.com/ast/soap"><soapGetServiceStatusReturn><ReturnCode>0</ReturnCode><ReasonCode>-1</ReasonCode><ReasonString>Success &amp; more</ReasonString><ServiceInfoList><item><ServiceName>Cisco Trust Verification Service</ServiceName><ServiceStatus>Started</ServiceStatus><ReasonCode>-1</ReasonCode><ReasonCodeString>Successful</ReasonCodeString><StartTime>Mon Jan  1 12:00:00 2024</StartTime><UpTime>3600</UpTime></item><item><ServiceName>Cisco Tftp</ServiceName><ServiceStatus>Stopped</ServiceStatus><ReasonCode>-1019</ReasonCode><ReasonCodeString>Component is not running</ReasonCodeString></item></ServiceInfoList></soapGetServiceStatusReturn></ns:soapGetServiceStatusResponse></soapenv:Body></soapenv:Envelope>"#
    );
    assert_eq!(
        parse_service_status_response(status.as_bytes()),
        Ok(info.clone())
    );
    let control = control_services_response(&info);
    assert_eq!(
        parse_control_services_response(control.as_bytes()),
        Ok(info.clone())
    );
    assert!(parse_service_status_response(control.as_bytes()).is_err());
    let empty = ServiceInformation::with_services(vec![]);
    assert_eq!(
        parse_service_status_response(service_status_response(&empty).as_bytes()),
        Ok(empty)
    );
}

#[test]
fn server_rejects_bad_requests() {
    let bad_type =
        do_control_services_request("n", ControlType::Stop, &["X"]).replace(">Stop<", ">Reboot<");
    let f = parse_request(bad_type.as_bytes()).expect_err("bad control type");
    assert_eq!(f.code, "soapenv:Client");
    assert!(f.message.contains("Reboot"), "{}", f.message);
    let other = get_service_status_request(&["X"])
        .replace("soapGetServiceStatus", "soapGetStaticServiceList");
    assert!(parse_request(other.as_bytes()).is_err());
    let no_req = do_control_services_request("n", ControlType::Stop, &["X"])
        .replace("ControlServiceRequest", "Other");
    assert!(parse_request(no_req.as_bytes()).is_err());
    assert!("restart".parse::<ControlType>().is_ok());
    assert!("".parse::<ControlType>().is_err());
    assert_eq!(ControlType::Restart.to_string(), "Restart");
    assert_eq!(
        control_center::CONTROL_CENTER_PATH,
        "/controlcenterservice2/services/ControlCenterServices"
    );
}

#[test]
fn rate_fault_on_control_center_is_typed() {
    let xml = itl_wire::soap::envelope::fault_response(
        "soapenv:Server",
        "Exceeded allowed rate for Control Center. Current allowed rate is 10 requests per minute.",
    );
    assert!(matches!(
        parse_service_status_response(xml.as_bytes()),
        Err(SoapError::RateLimited {
            allowed_per_minute: Some(10),
            ..
        })
    ));
}
