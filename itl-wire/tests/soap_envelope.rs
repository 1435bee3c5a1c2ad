//! The SOAP envelope layer: parsing by local name, faults and their classification, escaping,
//! fingerprints, and robustness against malformed input.

use itl_wire::Sha256Fingerprint;
use itl_wire::soap::envelope;
use itl_wire::soap::envelope::{
    MAX_DEPTH, SoapError, SoapFault, XmlError, cdata, escape_text, parse_envelope,
    parse_request_envelope, parse_request_named, parse_response_named, parse_xml,
    soap_action_value, xml_name,
};

#[test]
fn payload_found_by_local_name_whatever_the_prefixes() {
    let variants = [
        // The usual soapenv/ns prefixes.
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:pingResponse xmlns:ns="urn:x"><v>1</v></ns:pingResponse></soapenv:Body></soapenv:Envelope>"#,
        // Other prefixes, xmlns:xsi on the top element (CUCM 14+).
        r#"<?xml version="1.0"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><S:Header/><S:Body><axl:pingResponse xmlns:axl="urn:x"><v xsi:type="xsd:string">1</v></axl:pingResponse></S:Body></S:Envelope>"#,
        // Default namespaces only, whitespace and a comment.
        "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">\n  <!-- c -->\n  <Body>\n    <pingResponse xmlns=\"urn:x\">\n      <v>1</v>\n    </pingResponse>\n  </Body>\n</Envelope>\n",
        // A BOM and an undeclared prefix (kept by local name, namespace unknown).
        "\u{feff}<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><q:pingResponse><v>1</v></q:pingResponse></soap:Body></soap:Envelope>",
    ];
    for (i, xml) in variants.iter().enumerate() {
        let payload = parse_envelope(xml.as_bytes()).unwrap_or_else(|e| panic!("variant {i}: {e}"));
        assert_eq!(payload.name, "pingResponse", "variant {i}");
        assert_eq!(payload.child_text("v"), Some("1"), "variant {i}");
        if i < 3 {
            assert_eq!(payload.namespace.as_deref(), Some("urn:x"), "variant {i}");
        } else {
            assert_eq!(payload.namespace, None, "variant {i}");
        }
    }
}

#[test]
fn named_payloads_accept_any_listed_name_and_reject_the_others() {
    let envelope = |op: &str| {
        format!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:{op} xmlns:ns="urn:x"><v>1</v></ns:{op}></soapenv:Body></soapenv:Envelope>"#
        )
    };
    let names = ["pingResponse", "pingExtResponse"];
    for op in names {
        let payload = parse_response_named(envelope(op).as_bytes(), &names).expect(op);
        assert_eq!(payload.name, op);
        assert_eq!(payload.child_text("v"), Some("1"), "{op}");
    }
    match parse_response_named(envelope("pongResponse").as_bytes(), &names) {
        Err(SoapError::Unexpected(m)) => {
            assert_eq!(m, "expected <pingResponse>, found <pongResponse>");
        }
        other => panic!("{other:?}"),
    }
    let any = parse_response_named(envelope("pongResponse").as_bytes(), &[]).expect("any");
    assert_eq!(any.name, "pongResponse");

    for op in ["ping", "pingExt"] {
        let payload = parse_request_named(envelope(op).as_bytes(), &["ping", "pingExt"]).expect(op);
        assert_eq!(payload.name, op);
    }
    let fault = parse_request_named(envelope("pong").as_bytes(), &["ping", "pingExt"])
        .expect_err("pong is not served");
    assert_eq!(fault.code, "soapenv:Client");
    assert_eq!(fault.message, "expected ping, found pong");
    let fault = parse_request_named(b"<Envelope/>", &["ping"]).expect_err("no body");
    assert_eq!(
        fault.message,
        "not a SOAP envelope: no <Body> in the envelope"
    );
}

#[test]
fn text_entities_cdata_and_char_refs_are_decoded() {
    let xml = r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><r><a>Tom &amp; Jerry &lt;3&gt; &quot;x&quot; &apos;y&apos;</a><b><![CDATA[<raw> & ]]></b><c>&#65;&#x42;&#x1F600;</c><d/><f></f><g>  spaced  </g></r></e:Body></e:Envelope>"#;
    let r = parse_envelope(xml.as_bytes()).expect("parses");
    assert_eq!(
        r.child("a").map(|e| e.text.as_str()),
        Some(r#"Tom & Jerry <3> "x" 'y'"#)
    );
    assert_eq!(r.child("b").map(|e| e.text.as_str()), Some("<raw> & "));
    assert_eq!(r.child("c").map(|e| e.text.as_str()), Some("AB\u{1F600}"));
    assert_eq!(r.child("d").map(|e| e.text.as_str()), Some(""));
    assert_eq!(r.child("f").map(|e| e.text.as_str()), Some(""));
    // Leaf text is kept as sent; child_text trims.
    assert_eq!(r.child("g").map(|e| e.text.as_str()), Some("  spaced  "));
    assert_eq!(r.child_text("g"), Some("spaced"));
    assert_eq!(r.child_text_nonempty("d"), None);
    assert!(r.child("missing").is_none());
}

#[test]
fn not_soap_and_empty_body_are_typed() {
    let cases: [(&str, &str); 4] = [
        ("<html><body>login</body></html>", "root element is <html>"),
        (
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/></s:Envelope>"#,
            "no <Body>",
        ),
        (
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>  </s:Body></s:Envelope>"#,
            "empty <Body>",
        ),
        (
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>"#,
            "empty <Body>",
        ),
    ];
    for (xml, text) in cases {
        match parse_envelope(xml.as_bytes()) {
            Err(SoapError::NotSoap(m)) => assert!(m.contains(text), "{m} vs {text}"),
            other => panic!("{xml}: expected NotSoap, got {other:?}"),
        }
    }
}

type Check = fn(&XmlError) -> bool;

#[test]
fn malformed_xml_is_a_typed_error() {
    let cases: Vec<(&[u8], Check)> = vec![
        (b"", |e| matches!(e, XmlError::NoRoot)),
        (b"   ", |e| matches!(e, XmlError::NoRoot)),
        (b"<a><b></a>", |e| matches!(e, XmlError::Syntax { .. })),
        (b"<a>", |e| matches!(e, XmlError::Unclosed(n) if n == "a")),
        (b"<a>x</a><b/>", |e| matches!(e, XmlError::OutsideRoot)),
        (b"text<a/>", |e| matches!(e, XmlError::OutsideRoot)),
        (
            b"<a>&nbsp;</a>",
            |e| matches!(e, XmlError::UnknownEntity(n) if n == "nbsp"),
        ),
        (b"<a>&#0;</a>", |e| matches!(e, XmlError::UnknownEntity(_))),
        (b"<a>&#xD800;</a>", |e| {
            matches!(e, XmlError::UnknownEntity(_))
        }),
        (b"<a>& b</a>", |e| matches!(e, XmlError::Syntax { .. })),
        (b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", |e| {
            matches!(e, XmlError::Doctype)
        }),
        (b"<a>\xff\xfe</a>", |e| {
            matches!(e, XmlError::NotUtf8 { valid_up_to: 3 })
        }),
        (b"<a attr=\"1></a>", |e| {
            matches!(e, XmlError::Syntax { .. })
        }),
    ];
    for (input, check) in cases {
        let err = parse_xml(input).expect_err("must fail");
        assert!(
            check(&err),
            "{:?}: unexpected {err:?}",
            String::from_utf8_lossy(input)
        );
        // Through the envelope layer it stays typed.
        assert!(matches!(parse_envelope(input), Err(SoapError::Xml(_))));
    }
    // Twin: the same shapes, well-formed, parse.
    for ok in [
        &b"<a><b></b></a>"[..],
        b"<a>&amp;</a>",
        b"<?xml version=\"1.0\"?><a/>",
    ] {
        parse_xml(ok).expect("well-formed");
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    assert!(matches!(
        parse_xml(deep(MAX_DEPTH + 1).as_bytes()),
        Err(XmlError::TooDeep { limit: MAX_DEPTH })
    ));
    parse_xml(deep(MAX_DEPTH).as_bytes()).expect("at the limit");
    let deep_empty = format!(
        "{}<a/>{}",
        "<a>".repeat(MAX_DEPTH),
        "</a>".repeat(MAX_DEPTH)
    );
    assert!(matches!(
        parse_xml(deep_empty.as_bytes()),
        Err(XmlError::TooDeep { .. })
    ));
}

/// xorshift64*: deterministic numbers for the fuzz loops.
fn rng(seed: u64) -> impl FnMut() -> u64 {
    let mut generator = itl_testkit::Xorshift::new(seed);
    move || generator.next_u64()
}

#[test]
fn random_bytes_never_panic() {
    let mut next = rng(0x5eed_50a9);
    let alphabet: &[u8] = b"<>/=\"'&;#x:!?[]- abcSoapenvBodyFault\n\xc3\xa9\xff\x00";
    for round in 0..3000 {
        let len = (next() % 200) as usize;
        let bytes: Vec<u8> = if round % 2 == 0 {
            (0..len).map(|_| next() as u8).collect()
        } else {
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        };
        let _ = parse_xml(&bytes);
        let _ = parse_envelope(&bytes);
        let _ = itl_wire::soap::axl::parse_sql_response(&bytes);
        let _ = itl_wire::soap::axl::parse_sql_request(&bytes);
        let _ = itl_wire::soap::risport::parse_select_response(&bytes);
        let _ = itl_wire::soap::risport::parse_select_request(&bytes);
        let _ = itl_wire::soap::control_center::parse_service_status_response(&bytes);
        let _ = itl_wire::soap::control_center::parse_request(&bytes);
    }
    // Mutations of a valid response: each either parses or fails typed.
    let valid = itl_wire::soap::axl::sql_response("14.0", [vec![("name", "SEP1 & <x>")]]);
    for _ in 0..2000 {
        let mut bytes = valid.clone().into_bytes();
        for _ in 0..(1 + next() % 4) {
            let i = (next() % bytes.len() as u64) as usize;
            bytes[i] = alphabet[(next() % alphabet.len() as u64) as usize];
        }
        let _ = itl_wire::soap::axl::parse_sql_response(&bytes);
    }
}

const FAULT_DOC: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>
  <faultcode>soapenv:Server</faultcode>
  <faultstring>Query request too large. Total rows matched: 2816 rows. Suggestive Row Fetch: less than 844 rows</faultstring>
  <detail><axlError><axlcode>-1</axlcode><axlmessage>Query request too large. Total rows matched: 2816 rows. Suggestive Row Fetch: less than 844 rows</axlmessage><request>executeSQLQuery</request></axlError></detail>
</soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;

#[test]
fn documented_too_large_fault_is_classified() {
    match parse_envelope(FAULT_DOC.as_bytes()) {
        Err(SoapError::QueryTooLarge {
            total_rows,
            suggested_rows,
            fault,
        }) => {
            assert_eq!(total_rows, Some(2816));
            assert_eq!(suggested_rows, Some(844));
            assert_eq!(fault.code, "soapenv:Server");
            assert_eq!(fault.axl_code(), Some(-1));
            assert_eq!(fault.detail_value("request"), Some("executeSQLQuery"));
            assert_eq!(
                fault.detail,
                vec![
                    ("axlcode".to_owned(), "-1".to_owned()),
                    ("axlmessage".to_owned(), fault.message.clone()),
                    ("request".to_owned(), "executeSQLQuery".to_owned()),
                ]
            );
        }
        other => panic!("expected QueryTooLarge, got {other:?}"),
    }
}

fn classify(message: &str) -> SoapError {
    SoapError::from_fault(SoapFault::server(message))
}

#[test]
fn fault_texts_are_matched_leniently() {
    // The guide's prose wording, other case and spacing.
    match classify(
        "query request too large.  total rows matched: 10 rows. SUGGESTED  row\tfetch: less than 3 rows",
    ) {
        SoapError::QueryTooLarge {
            total_rows: Some(10),
            suggested_rows: Some(3),
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    // Only the suggestion.
    match classify("Suggestive Row Fetch: less than 500 rows") {
        SoapError::QueryTooLarge {
            total_rows: None,
            suggested_rows: Some(500),
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    // Too large without numbers.
    match classify("Query request too large") {
        SoapError::QueryTooLarge {
            total_rows: None,
            suggested_rows: None,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        classify(
            "Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed"
        ),
        SoapError::AxlMemory(_)
    ));
    match classify(
        "AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is 15 requests per minute.",
    ) {
        SoapError::RateLimited {
            allowed_per_minute: Some(15),
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    match classify(
        "Exceeded allowed rate for Perfmon information. Current allowed rate for perfmon information is 80 requests per minute.",
    ) {
        SoapError::RateLimited {
            allowed_per_minute: Some(80),
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    // Twins: near misses stay plain faults.
    for text in [
        "Query request ok",
        "suggest a row",
        "suggestive rowfetch",
        "Exceeded quota",
        "Item not valid: The specified Device was not found",
    ] {
        match classify(text) {
            SoapError::Fault(f) => assert_eq!(f.message, text),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn soap12_fault_shape_is_read() {
    let xml = r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">bad</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"#;
    match parse_envelope(xml.as_bytes()) {
        Err(SoapError::Fault(f)) => {
            assert_eq!(f.code, "env:Sender");
            assert_eq!(f.message, "bad");
            assert!(f.detail.is_empty());
            assert_eq!(f.axl_code(), None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fault_builder_round_trips() {
    let xml = envelope::fault_response("soapenv:Client", "bad <input> & more");
    assert_eq!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>bad &lt;input&gt; &amp; more</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#
    );
    match parse_envelope(xml.as_bytes()) {
        Err(SoapError::Fault(f)) => {
            assert_eq!(*f, SoapFault::client("bad <input> & more"));
            assert_eq!(f.to_xml(), xml);
            assert_eq!(
                f.to_string(),
                "SOAP fault soapenv:Client: bad <input> & more"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn server_side_parse_errors_become_client_faults() {
    let f = parse_request_envelope(b"<a>").expect_err("malformed");
    assert_eq!(f.code, "soapenv:Client");
    assert!(f.message.starts_with("malformed XML"), "{}", f.message);
    let f = parse_request_envelope(b"<a/>").expect_err("not soap");
    assert!(f.message.contains("not a SOAP envelope"), "{}", f.message);
}

#[test]
fn escaping_helpers() {
    assert_eq!(escape_text("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    assert_eq!(escape_text("plain"), "plain");
    assert_eq!(escape_text("bell\u{7}"), "bell\u{FFFD}");
    assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
    assert_eq!(cdata(""), "<![CDATA[]]>");
    let doc = format!("<r>{}</r>", cdata("x]]>y]]>z & <"));
    assert_eq!(
        parse_xml(doc.as_bytes()).expect("valid").text,
        "x]]>y]]>z & <"
    );
    assert_eq!(xml_name("Device_count"), "Device_count");
    assert_eq!(xml_name("count(*)"), "count___");
    assert_eq!(xml_name("1x"), "_1x");
    assert_eq!(xml_name(""), "_");
    assert_eq!(
        soap_action_value(" \"CUCM:DB ver=14.0 executeSQLQuery\" "),
        "CUCM:DB ver=14.0 executeSQLQuery"
    );
    assert_eq!(soap_action_value("selectCmDeviceExt"), "selectCmDeviceExt");
}

#[test]
fn fingerprints_parse_and_print() {
    let der = b"not really a certificate";
    let fp = Sha256Fingerprint::of_der(der);
    let hex = fp.to_hex();
    assert_eq!(hex.len(), 64);
    let colon = fp.to_string();
    assert_eq!(colon.len(), 95);
    assert_eq!(colon, colon.to_ascii_uppercase());
    for form in [
        hex.clone(),
        colon.clone(),
        colon.to_ascii_lowercase(),
        format!("sha256:{hex}"),
        format!("SHA256={colon}"),
        format!("  {hex}  "),
    ] {
        assert_eq!(
            form.parse::<Sha256Fingerprint>().as_ref(),
            Ok(&fp),
            "{form}"
        );
    }
    for bad in [
        &hex[..62],
        &format!("{hex}00"),
        &format!("zz{}", &hex[2..]),
        "",
    ] {
        assert!(bad.parse::<Sha256Fingerprint>().is_err(), "{bad}");
    }
}

#[test]
fn a_rate_fault_with_a_multi_byte_character_before_the_number_does_not_panic() {
    // Found by fuzzing (`soap_response`): the number before "requests per minute" was looked
    // for by bytes, and a character of two bytes just before the digits split it.
    let fault = |message: &str| {
        itl_wire::soap::envelope::SoapError::from_fault(itl_wire::soap::envelope::SoapFault {
            code: "soapenv:Server".into(),
            message: message.into(),
            detail: Vec::new(),
        })
    };
    match fault(
        "Exceeded allowed rate for Reatime information. Current allowed \u{85}15 requests per minute",
    ) {
        itl_wire::soap::envelope::SoapError::RateLimited {
            allowed_per_minute, ..
        } => assert_eq!(allowed_per_minute, Some(15)),
        other => panic!("{other:?}"),
    }
    // Reject twin: no number before the words.
    match fault("Exceeded allowed rate: \u{85} requests per minute") {
        itl_wire::soap::envelope::SoapError::RateLimited {
            allowed_per_minute, ..
        } => assert_eq!(allowed_per_minute, None),
        other => panic!("{other:?}"),
    }
}
