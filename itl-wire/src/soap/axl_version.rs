//! AXL schema versions (cucm-interfaces.md §1.1): `getCCMVersion` in both directions, the
//! version-less request that every release answers, and which schemas a release serves.
//!
//! | rule | detail |
//! |---|---|
//! | version-less request | namespace `http://www.cisco.com/AXL/API/1.0` and no `SOAPAction`: the release answers with its oldest schema |
//! | answer | `getCCMVersionResponse/return/componentVersion/version`, e.g. `14.0.1.13900-155` |
//! | schemas served | the release's own major (its minors up to the release's), and the two majors before it; there is no 13.x, so 14 serves 14.0, 12.x, 11.x; 12.x also serves 9.x (the document's example: "12.5 serves 12.x/11.x/10.x/9.x") |
//! | a schema not served | refused: HTTP 599 "Incorrect axl version" listing the supported ones (wording from a third-party description: inferred) |

use super::axl::namespace;
use super::envelope::{
    SoapError, SoapFault, escape_text, fault_response, parse_request_named, parse_response_named,
    request_envelope, response_envelope,
};

/// The operation name.
pub const GET_CCM_VERSION: &str = "getCCMVersion";

/// The schema of the version-less namespace (`…/AXL/API/1.0`).
pub const VERSIONLESS: &str = "1.0";

/// The HTTP status CUCM answers a schema it does not serve with (inferred).
pub const UNSUPPORTED_VERSION_STATUS: u16 = 599;

/// Every AXL schema a release of the majors 9 to 15 can serve, oldest first.
pub const KNOWN_SCHEMAS: [&str; 10] = [
    "9.0", "9.1", "10.0", "10.5", "11.0", "11.5", "12.0", "12.5", "14.0", "15.0",
];

/// The longest version text accepted from a server.
const MAX_VERSION_LEN: usize = 64;

/// The `getCCMVersion` request in schema `version`; `None` gives the version-less request
/// (namespace `…/AXL/API/1.0`, to be sent without `SOAPAction`).
pub fn ccm_version_request(version: Option<&str>) -> String {
    request_envelope(
        "ns",
        &namespace(version.unwrap_or(VERSIONLESS)),
        "<ns:getCCMVersion><processNodeName></processNodeName></ns:getCCMVersion>",
    )
}

/// Parses a `getCCMVersion` response: the text of `return/componentVersion/version`
/// (trimmed; at most 64 printable characters).
pub fn parse_ccm_version_response(body: &[u8]) -> Result<String, SoapError> {
    let payload = parse_response_named(body, &["getCCMVersionResponse"])?;
    let version = payload
        .path(&["return", "componentVersion", "version"])
        .map(|e| e.text.trim())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            SoapError::Unexpected(
                "getCCMVersionResponse without return/componentVersion/version".to_owned(),
            )
        })?;
    if version.len() > MAX_VERSION_LEN || version.chars().any(char::is_control) {
        return Err(SoapError::Unexpected(format!(
            "getCCMVersion: not a version: {:?}",
            version.chars().take(MAX_VERSION_LEN).collect::<String>()
        )));
    }
    Ok(version.to_owned())
}

/// Server side: the `getCCMVersion` response in schema `schema` reporting `version`.
pub fn ccm_version_response(schema: &str, version: &str) -> String {
    response_envelope(&format!(
        r#"<ns:getCCMVersionResponse xmlns:ns="{}"><return><componentVersion><version>{}</version></componentVersion></return></ns:getCCMVersionResponse>"#,
        escape_text(&namespace(schema)),
        escape_text(version)
    ))
}

/// Server side: whether `body` is a `getCCMVersion` request (the fault to answer otherwise).
pub fn parse_ccm_version_request(body: &[u8]) -> Result<(), SoapFault> {
    parse_request_named(body, &[GET_CCM_VERSION]).map(|_| ())
}

/// `(major, minor)` of a version text (`14.0.1.13900-155`, `12.5`, `15`).
pub fn major_minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().split(['.', '(', '-', ' ']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// The AXL schemas release `version` serves, newest first (`14.0.1.13900-155` → `14.0`,
/// `12.5`, `12.0`, `11.5`, `11.0`). Majors after 15 are assumed to follow the rule with a
/// single `N.0` schema each. `None` when `version` has no major number.
pub fn schemas_served(version: &str) -> Option<Vec<String>> {
    let (major, minor) = major_minor(version)?;
    // The release's major and the two existing majors before it (13 never existed).
    let mut majors = vec![major];
    let mut m = major;
    while majors.len() < 3 && m > 0 {
        m -= 1;
        if m != 13 {
            majors.push(m);
        }
    }
    if major == 12 {
        majors.push(9);
    }
    let mut schemas: Vec<String> = Vec::new();
    for &maj in &majors {
        let known: Vec<&str> = KNOWN_SCHEMAS
            .iter()
            .copied()
            .filter(|s| major_minor(s).is_some_and(|(a, b)| a == maj && (a < major || b <= minor)))
            .collect();
        if known.is_empty() && maj == major && maj > 15 {
            schemas.push(format!("{maj}.0"));
        }
        schemas.extend(known.into_iter().rev().map(str::to_owned));
    }
    Some(schemas)
}

/// The fault text of a schema the release does not serve (inferred wording).
pub fn unsupported_version_message(served: &[String]) -> String {
    format!(
        "Incorrect axl version. Supported axl versions: {}",
        served.join(", ")
    )
}

/// Server side: the fault envelope refusing a schema, sent with
/// [`UNSUPPORTED_VERSION_STATUS`].
pub fn unsupported_version_fault(served: &[String]) -> String {
    fault_response("soapenv:Client", &unsupported_version_message(served))
}

/// Whether a fault is the refusal of a schema version.
pub fn is_unsupported_version(fault: &SoapFault) -> bool {
    fault
        .message
        .to_ascii_lowercase()
        .contains("incorrect axl version")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request of the AXL developer guide (cucm-interfaces.md §1.1), schema 14.0.
    const GUIDE_REQUEST: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/14.0">
  <soapenv:Header/>
  <soapenv:Body>
    <ns:getCCMVersion>
      <processNodeName></processNodeName>
    </ns:getCCMVersion>
  </soapenv:Body>
</soapenv:Envelope>"#;

    #[test]
    fn the_guide_request_is_recognised_and_ours_has_its_shape() {
        assert_eq!(parse_ccm_version_request(GUIDE_REQUEST.as_bytes()), Ok(()));
        let ours = ccm_version_request(Some("14.0"));
        assert!(ours.contains(r#"xmlns:ns="http://www.cisco.com/AXL/API/14.0""#));
        assert!(ours.contains("<ns:getCCMVersion><processNodeName></processNodeName>"));
        assert_eq!(parse_ccm_version_request(ours.as_bytes()), Ok(()));
        let versionless = ccm_version_request(None);
        assert!(versionless.contains(r#"xmlns:ns="http://www.cisco.com/AXL/API/1.0""#));
        let other = GUIDE_REQUEST.replace("getCCMVersion", "getPhone");
        let err = parse_ccm_version_request(other.as_bytes()).expect_err("not getCCMVersion");
        assert_eq!(err.message, "expected getCCMVersion, found getPhone");
    }

    #[test]
    fn reads_return_component_version_version() {
        // The documented path, with CUCM 14's top-level xsi declaration and another prefix.
        let body = r#"<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><axl:getCCMVersionResponse xmlns:axl="http://www.cisco.com/AXL/API/11.0"><return><componentVersion><version> 14.0.1.13900-155 </version></componentVersion></return></axl:getCCMVersionResponse></soapenv:Body></soapenv:Envelope>"#;
        assert_eq!(
            parse_ccm_version_response(body.as_bytes()).expect("parses"),
            "14.0.1.13900-155"
        );
        let ours = ccm_version_response("12.5", "12.5.1.17900-64");
        assert_eq!(
            parse_ccm_version_response(ours.as_bytes()).expect("parses"),
            "12.5.1.17900-64"
        );
        // Reject twins: no version element, an empty one, another response, a fault.
        for bad in [
            body.replace("<version> 14.0.1.13900-155 </version>", ""),
            body.replace(" 14.0.1.13900-155 ", ""),
            body.replace("getCCMVersionResponse", "getPhoneResponse"),
        ] {
            assert!(
                matches!(
                    parse_ccm_version_response(bad.as_bytes()),
                    Err(SoapError::Unexpected(_))
                ),
                "{bad}"
            );
        }
        let fault = unsupported_version_fault(&["14.0".to_owned()]);
        let err = parse_ccm_version_response(fault.as_bytes()).expect_err("fault");
        let fault = err.fault().expect("a fault");
        assert!(is_unsupported_version(fault));
        assert_eq!(
            fault.message,
            "Incorrect axl version. Supported axl versions: 14.0"
        );
    }

    #[test]
    fn schemas_follow_current_and_two_majors_before_without_13() {
        let s = |v: &str| schemas_served(v).expect("a version");
        assert_eq!(
            s("14.0.1.13900-155"),
            ["14.0", "12.5", "12.0", "11.5", "11.0"]
        );
        assert_eq!(
            s("12.5.1.17900-64"),
            ["12.5", "12.0", "11.5", "11.0", "10.5", "10.0", "9.1", "9.0"]
        );
        // A 12.0 release does not serve 12.5.
        assert_eq!(s("12.0.1")[..2], ["12.0", "11.5"]);
        assert_eq!(
            s("11.5.1.21900-40"),
            ["11.5", "11.0", "10.5", "10.0", "9.1", "9.0"]
        );
        assert_eq!(s("15.0.1.10000-1"), ["15.0", "14.0", "12.5", "12.0"]);
        assert_eq!(s("16"), ["16.0", "15.0", "14.0"]);
        // The oldest schema of CUCM 14 is 11.0 (the version-less answer, §1.1).
        assert_eq!(s("14.0.1").last().map(String::as_str), Some("11.0"));
        assert_eq!(schemas_served("latest"), None);
        assert_eq!(schemas_served(""), None);
    }
}
