//! RisPort70 `selectCmDeviceExt` codecs, both sides.

use itl_wire::soap::risport::{
    CmDevice, CmNode, DeviceIp, Httpd, MAX_DEVICES, RegistrationStatus, SelectCmDeviceRequest,
    SelectCmDeviceResult, parse_select_request, parse_select_response, rate_limit_fault,
    select_response,
};
use itl_wire::soap::{SoapError, SoapFault};

/// Removes the whitespace between tags of the document's pretty-printed examples.
fn compact(xml: &str) -> String {
    xml.lines().map(str::trim).collect()
}

#[test]
fn request_matches_the_document() {
    let doc = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://schemas.cisco.com/ast/soap">
  <soapenv:Header/>
  <soapenv:Body>
    <soap:selectCmDeviceExt>
      <soap:StateInfo></soap:StateInfo>
      <soap:CmSelectionCriteria>
        <soap:MaxReturnedDevices>1000</soap:MaxReturnedDevices>
        <soap:DeviceClass>Phone</soap:DeviceClass>
        <soap:Model>255</soap:Model>
        <soap:Status>Any</soap:Status>
        <soap:NodeName></soap:NodeName>
        <soap:SelectBy>Name</soap:SelectBy>
        <soap:SelectItems>
          <soap:item><soap:Item>SEP001122334455</soap:Item></soap:item>
          <soap:item><soap:Item>SEP00112233AABB</soap:Item></soap:item>
        </soap:SelectItems>
        <soap:Protocol>Any</soap:Protocol>
        <soap:DownloadStatus>Any</soap:DownloadStatus>
      </soap:CmSelectionCriteria>
    </soap:selectCmDeviceExt>
  </soapenv:Body>
</soapenv:Envelope>"#;
    let req = SelectCmDeviceRequest::by_names(["SEP001122334455", "SEP00112233AABB"]);
    let xml = req.to_xml().expect("builds");
    assert_eq!(
        xml,
        format!(r#"<?xml version="1.0" encoding="UTF-8"?>{}"#, compact(doc))
    );
    // The server reads it back, and the document's pretty-printed form too.
    assert_eq!(parse_select_request(xml.as_bytes()), Ok(req.clone()));
    assert_eq!(parse_select_request(doc.as_bytes()), Ok(req));
}

#[test]
fn request_limits_are_enforced() {
    let names: Vec<String> = (0..MAX_DEVICES).map(|i| format!("SEP{i:012X}")).collect();
    SelectCmDeviceRequest::by_names(names.clone())
        .to_xml()
        .expect("1000 names fit");
    let mut too_many = names;
    too_many.push("SEP0000000003E8".to_owned());
    assert!(matches!(
        SelectCmDeviceRequest::by_names(too_many).to_xml(),
        Err(SoapError::InvalidRequest(m)) if m.contains("1001")
    ));
    let mut req = SelectCmDeviceRequest::by_names(["SEP1"]);
    req.max_returned_devices = 1001;
    assert!(req.to_xml().is_err());
    // Names are escaped.
    let odd = SelectCmDeviceRequest::by_names(["A&B<C>"])
        .to_xml()
        .expect("builds");
    assert!(
        odd.contains("<soap:Item>A&amp;B&lt;C&gt;</soap:Item>"),
        "{odd}"
    );
    assert_eq!(
        parse_select_request(odd.as_bytes()).map(|r| r.items),
        Ok(vec!["A&B<C>".to_owned()])
    );
}

const DOC_RESPONSE: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <ns:selectCmDeviceResponse xmlns:ns="http://schemas.cisco.com/ast/soap">
      <ns:selectCmDeviceReturn>
        <SelectCmDeviceResult>
          <TotalDevicesFound>3</TotalDevicesFound>
          <CmNodes>
            <item>
              <ReturnCode>Ok</ReturnCode>
              <Name>cucm15-pub</Name>
              <CmDevices>
                <item>
                  <Name>SEP001122334455</Name>
                  <IPAddress>
                    <item><IP>10.0.1.100</IP><IPAddrType>ipv4</IPAddrType></item>
                  </IPAddress>
                  <Description>Lobby Phone</Description>
                  <DirNumber>1000-Registered</DirNumber>
                  <Status>Registered</Status>
                  <StatusReason>0</StatusReason>
                  <Protocol>SIP</Protocol>
                  <ActiveLoadID>sip78xx.14-3-1-0001-60</ActiveLoadID>
                  <TimeStamp>1704067200</TimeStamp>
                </item>
              </CmDevices>
            </item>
          </CmNodes>
        </SelectCmDeviceResult>
      </ns:selectCmDeviceReturn>
    </ns:selectCmDeviceResponse>
  </soapenv:Body>
</soapenv:Envelope>"#;

fn lobby_phone() -> CmDevice {
    let mut d = CmDevice::new(
        "SEP001122334455",
        "cucm15-pub",
        RegistrationStatus::Registered,
    );
    d.ip_addresses = vec![DeviceIp {
        ip: "10.0.1.100".to_owned(),
        addr_type: Some("ipv4".to_owned()),
        attribute: None,
    }];
    d.description = Some("Lobby Phone".to_owned());
    d.dir_number = Some("1000-Registered".to_owned());
    d.status_reason = Some(0);
    d.protocol = Some("SIP".to_owned());
    d.active_load_id = Some("sip78xx.14-3-1-0001-60".to_owned());
    d.time_stamp = Some(1_704_067_200);
    d
}

#[test]
fn documented_response_parses() {
    let result = parse_select_response(DOC_RESPONSE.as_bytes()).expect("parses");
    assert_eq!(result.total_devices_found, Some(3));
    assert_eq!(result.state_info, None);
    assert_eq!(result.nodes.len(), 1);
    assert_eq!(result.nodes[0].name, "cucm15-pub");
    assert_eq!(result.nodes[0].return_code, "Ok");
    assert_eq!(result.nodes[0].devices, vec![lobby_phone()]);
    assert_eq!(
        result.devices().next().and_then(CmDevice::ipv4),
        Some("10.0.1.100")
    );
}

#[test]
fn full_device_other_prefixes_and_state_info() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><selectCmDeviceResponse xmlns="http://schemas.cisco.com/ast/soap"><selectCmDeviceReturn><SelectCmDeviceResult><TotalDevicesFound>2</TotalDevicesFound><CmNodes><item><ReturnCode>Ok</ReturnCode><Name>sub1</Name><NoChange>false</NoChange><CmDevices><item><Name>SEPAAAABBBBCCCC</Name><DirNumber xsi:nil="true"/><DeviceClass>Phone</DeviceClass><Model>36670</Model><Product>36664</Product><BoxProduct>0</BoxProduct><Httpd>No</Httpd><RegistrationAttempts>0</RegistrationAttempts><IsCtiControllable>true</IsCtiControllable><LoginUserId/><Status>UnRegistered</Status><StatusReason>13</StatusReason><PerfMonObject>2</PerfMonObject><DChannel>0</DChannel><Description>R&amp;D</Description><H323Trunk><ConfigName/></H323Trunk><TimeStamp>1704067999</TimeStamp><Protocol>SCCP</Protocol><NumOfLines>1</NumOfLines><LinesStatus><item><DirectoryNumber>2000</DirectoryNumber><Status>UnRegistered</Status></item></LinesStatus><ActiveLoadID/><DownloadStatus>Unknown</DownloadStatus><IPAddress><item><IP>10.0.2.7</IP><IPAddrType>ipv4</IPAddrType><Attribute>Unknown</Attribute></item><item><IP>2001:db8::7</IP><IPAddrType>ipv6</IPAddrType><Attribute>Unknown</Attribute></item></IPAddress></item></CmDevices></item><item><ReturnCode>NotFound</ReturnCode><Name>sub2</Name><NoChange>false</NoChange><CmDevices/></item></CmNodes></SelectCmDeviceResult><StateInfo>&lt;StateInfo&gt;&lt;Node Name="sub1" SubsystemStartTime="1" StateId="7"/&gt;&lt;/StateInfo&gt;</StateInfo></selectCmDeviceReturn></selectCmDeviceResponse></soapenv:Body></soapenv:Envelope>"#;
    let result = parse_select_response(xml.as_bytes()).expect("parses");
    assert_eq!(result.nodes.len(), 2);
    assert_eq!(result.nodes[0].no_change, Some(false));
    assert_eq!(result.nodes[1].return_code, "NotFound");
    assert!(result.nodes[1].devices.is_empty());
    assert_eq!(
        result.state_info.as_deref(),
        Some(r#"<StateInfo><Node Name="sub1" SubsystemStartTime="1" StateId="7"/></StateInfo>"#)
    );
    let d = &result.nodes[0].devices[0];
    assert_eq!(d.name, "SEPAAAABBBBCCCC");
    assert_eq!(d.node, "sub1");
    assert_eq!(d.status, RegistrationStatus::UnRegistered);
    assert_eq!(d.status_reason, Some(13));
    assert_eq!(d.httpd, Some(Httpd::No));
    assert_eq!(d.model, Some(36670));
    assert_eq!(d.product, Some(36664));
    assert_eq!(d.protocol.as_deref(), Some("SCCP"));
    assert_eq!(d.time_stamp, Some(1_704_067_999));
    assert_eq!(d.dir_number, None);
    assert_eq!(d.description.as_deref(), Some("R&D"));
    assert_eq!(d.active_load_id, None);
    assert_eq!(d.ip_addresses.len(), 2);
    assert_eq!(d.ipv4(), Some("10.0.2.7"));
    assert_eq!(d.ip_addresses[1].addr_type.as_deref(), Some("ipv6"));
}

#[test]
fn legacy_plain_ip_and_odd_values() {
    let xml = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><n:selectCmDeviceResponse xmlns:n="http://schemas.cisco.com/ast/soap"><n:selectCmDeviceReturn><n:SelectCmDeviceResult><n:TotalDevicesFound>x</n:TotalDevicesFound><n:CmNodes><n:item><n:ReturnCode>Ok</n:ReturnCode><n:Name>pub</n:Name><n:CmDevices><n:item><n:Name>SEP1</n:Name><n:IpAddress>10.9.9.9</n:IpAddress><n:Status>registered</n:Status><n:Httpd>YES</n:Httpd><n:TimeStamp>-5</n:TimeStamp></n:item><n:item><n:Name>SEP2</n:Name><n:Status>Quarantined</n:Status><n:Httpd>maybe</n:Httpd></n:item></n:CmDevices></n:item></n:CmNodes></n:SelectCmDeviceResult></n:selectCmDeviceReturn></n:selectCmDeviceResponse></s:Body></s:Envelope>"#;
    let result = parse_select_response(xml.as_bytes()).expect("parses");
    assert_eq!(result.total_devices_found, None);
    let devices: Vec<&CmDevice> = result.devices().collect();
    assert_eq!(devices[0].ipv4(), Some("10.9.9.9"));
    assert_eq!(devices[0].status, RegistrationStatus::Registered);
    assert_eq!(devices[0].httpd, Some(Httpd::Yes));
    assert_eq!(devices[0].time_stamp, None);
    assert_eq!(
        devices[1].status,
        RegistrationStatus::Other("Quarantined".to_owned())
    );
    assert_eq!(devices[1].status.to_string(), "Quarantined");
    assert_eq!(devices[1].httpd, Some(Httpd::Unknown));
    assert_eq!(devices[1].ipv4(), None);
}

#[test]
fn wrong_shapes_are_unexpected() {
    let no_return = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><n:selectCmDeviceResponse xmlns:n="http://schemas.cisco.com/ast/soap"/></s:Body></s:Envelope>"#;
    assert!(matches!(
        parse_select_response(no_return.as_bytes()),
        Err(SoapError::Unexpected(_))
    ));
    let other = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><n:selectCtiItemResponse xmlns:n="http://schemas.cisco.com/ast/soap"/></s:Body></s:Envelope>"#;
    assert!(matches!(
        parse_select_response(other.as_bytes()),
        Err(SoapError::Unexpected(m)) if m.contains("selectCtiItemResponse")
    ));
}

#[test]
fn rate_fault_is_typed() {
    let xml = rate_limit_fault(15);
    assert_eq!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is 15 requests per minute.</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#
    );
    match parse_select_response(xml.as_bytes()) {
        Err(e @ SoapError::RateLimited { .. }) => {
            assert!(e.is_rate_limited());
            assert!(matches!(
                e,
                SoapError::RateLimited {
                    allowed_per_minute: Some(15),
                    ..
                }
            ));
        }
        other => panic!("{other:?}"),
    }
    // Twin: another fault is not a rate limit.
    let other = itl_wire::soap::envelope::fault_response("soapenv:Server", "Invalid SelectBy");
    match parse_select_response(other.as_bytes()) {
        Err(e) => assert!(!e.is_rate_limited(), "{e:?}"),
        Ok(r) => panic!("{r:?}"),
    }
}

#[test]
fn server_response_round_trips() {
    let mut second = CmDevice::new(
        "SEP00112233AABB",
        "cucm15-sub",
        RegistrationStatus::UnRegistered,
    );
    second.httpd = Some(Httpd::No);
    second.model = Some(621);
    second.status_reason = Some(13);
    second.description = Some("<Back> & office".to_owned());
    let mut first = lobby_phone();
    first.httpd = Some(Httpd::Yes);
    first.model = Some(36670);
    let mut result = SelectCmDeviceResult::from_devices(vec![first.clone(), second.clone()]);
    assert_eq!(result.total_devices_found, Some(2));
    assert_eq!(result.nodes.len(), 2);
    result.state_info = Some("<StateInfo/>".to_owned());
    let xml = select_response(&result);
    assert!(xml.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:selectCmDeviceResponse xmlns:ns="http://schemas.cisco.com/ast/soap"><ns:selectCmDeviceReturn><SelectCmDeviceResult><TotalDevicesFound>2</TotalDevicesFound><CmNodes><item><ReturnCode>Ok</ReturnCode><Name>cucm15-pub</Name><CmDevices><item><Name>SEP001122334455</Name><DirNumber>1000-Registered</DirNumber><Model>36670</Model><Httpd>Yes</Httpd><Status>Registered</Status>"#), "{xml}");
    let parsed = parse_select_response(xml.as_bytes()).expect("round trip");
    assert_eq!(parsed, result);
    assert_eq!(
        parsed.devices().cloned().collect::<Vec<_>>(),
        vec![first, second]
    );
}

#[test]
fn listed_nodes_come_first_and_answer_also_without_devices() {
    let on = |name: &str, node: &str| CmDevice::new(name, node, RegistrationStatus::Registered);
    let result = SelectCmDeviceResult::from_nodes_and_devices(
        ["pub".to_owned(), "sub1".to_owned()],
        [on("SEP1", "sub2"), on("SEP2", "sub1"), on("SEP3", "sub2")],
    );
    assert_eq!(result.total_devices_found, Some(3));
    assert_eq!(result.state_info, None);
    assert_eq!(
        result.nodes,
        [
            CmNode::ok("pub", Vec::new()),
            CmNode::ok("sub1", vec![on("SEP2", "sub1")]),
            CmNode::ok("sub2", vec![on("SEP1", "sub2"), on("SEP3", "sub2")]),
        ]
    );
    assert_eq!(result.nodes[0].return_code, "Ok");
    assert_eq!(result.nodes[0].no_change, None);
    let none = SelectCmDeviceResult::from_nodes_and_devices(Vec::<String>::new(), []);
    assert_eq!(none.total_devices_found, Some(0));
    assert!(none.nodes.is_empty());
}

#[test]
fn server_request_parse_rejects_bad_input() {
    let good = SelectCmDeviceRequest::by_names(["SEP1"])
        .to_xml()
        .expect("builds");
    let bad_max = good.replace(
        "<soap:MaxReturnedDevices>1000<",
        "<soap:MaxReturnedDevices>lots<",
    );
    let f = parse_select_request(bad_max.as_bytes()).expect_err("bad max");
    assert_eq!(f.code, "soapenv:Client");
    assert!(f.message.contains("MaxReturnedDevices"), "{}", f.message);
    let wrong_op = good.replace("selectCmDeviceExt", "selectCtiItem");
    assert!(parse_select_request(wrong_op.as_bytes()).is_err());
    let no_criteria = SelectCmDeviceRequest::by_names(["SEP1"])
        .to_xml()
        .expect("builds")
        .replace("CmSelectionCriteria", "Other");
    assert_eq!(
        parse_select_request(no_criteria.as_bytes()),
        Err(SoapFault::client("no CmSelectionCriteria"))
    );
    // selectCmDevice (non-Ext) is accepted by the server side as well.
    let plain = good.replace("selectCmDeviceExt", "selectCmDevice");
    assert_eq!(
        parse_select_request(plain.as_bytes()).map(|r| r.items),
        Ok(vec!["SEP1".to_owned()])
    );
}
