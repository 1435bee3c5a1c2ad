//! AXL `executeSQLQuery` codecs, both sides, the paging grammar and the SQL catalogue.

use std::collections::BTreeMap;

use itl_wire::soap::axl;
use itl_wire::soap::axl::{
    Paging, Row, columns, paged, parse_paging, parse_soap_action, parse_sql_request,
    parse_sql_request_full, parse_sql_response, sql, sql_request, sql_response,
};
use itl_wire::soap::{SoapError, SoapFault};

fn row(pairs: &[(&str, &str)]) -> Row {
    itl_testkit::owned_pairs(pairs)
}

#[test]
fn request_is_exact() {
    assert_eq!(
        sql_request("12.5", "Select name from device where tkclass = 1"),
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/12.5"><soapenv:Header/><soapenv:Body><ns:executeSQLQuery><sql><![CDATA[Select name from device where tkclass = 1]]></sql></ns:executeSQLQuery></soapenv:Body></soapenv:Envelope>"#
    );
    assert_eq!(
        axl::soap_action("14.0", "executeSQLQuery"),
        "\"CUCM:DB ver=14.0 executeSQLQuery\""
    );
    assert_eq!(axl::namespace("15.0"), "http://www.cisco.com/AXL/API/15.0");
    // SQL with markup characters and a CDATA terminator survives.
    let tricky = "select name from device where name like 'SEP%' and description <> ']]>' & 1=1";
    let req = sql_request("14.0", tricky);
    assert!(req.contains("]]]]><![CDATA[>"), "{req}");
    assert_eq!(parse_sql_request(req.as_bytes()).as_deref(), Ok(tricky));
}

#[test]
fn soap_action_parses_back() {
    assert_eq!(
        parse_soap_action("\"CUCM:DB ver=14.0 executeSQLQuery\""),
        Some(("14.0".to_owned(), "executeSQLQuery".to_owned()))
    );
    assert_eq!(
        parse_soap_action("CUCM:DB ver=12.5 getCCMVersion"),
        Some(("12.5".to_owned(), "getCCMVersion".to_owned()))
    );
    for bad in [
        "",
        "\"executeSQLQuery\"",
        "CUCM:DB ver=14.0",
        "CUCM:DB 14.0 executeSQLQuery",
    ] {
        assert_eq!(parse_soap_action(bad), None, "{bad}");
    }
}

const DOC_RESPONSE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <ns:executeSQLQueryResponse xmlns:ns="http://www.cisco.com/AXL/API/12.5">
      <return>
        <row><name>DS-CUC115</name><pkid>d90b6466-1721-3bf2-d2f4-ca8eaac8e6f7</pkid></row>
        <row><name>testLineGroup</name><pkid>a6ed4f3c-885f-971f-3c98-e20c2e1f4dc4</pkid></row>
      </return>
    </ns:executeSQLQueryResponse>
  </soapenv:Body>
</soapenv:Envelope>"#;

#[test]
fn documented_response_parses() {
    let rows = parse_sql_response(DOC_RESPONSE.as_bytes()).expect("parses");
    assert_eq!(
        rows,
        vec![
            row(&[
                ("name", "DS-CUC115"),
                ("pkid", "d90b6466-1721-3bf2-d2f4-ca8eaac8e6f7")
            ]),
            row(&[
                ("name", "testLineGroup"),
                ("pkid", "a6ed4f3c-885f-971f-3c98-e20c2e1f4dc4")
            ]),
        ]
    );
}

#[test]
fn other_prefixes_default_namespaces_and_xsi_on_top() {
    let variants = [
        // CUCM 14+: xmlns:xsi/xsd moved to the top element, other prefixes.
        r#"<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><axl:executeSQLQueryResponse xmlns:axl="http://www.cisco.com/AXL/API/14.0" sequence="1"><return><row><paramname>ClusterSecurityMode</paramname><paramvalue>1</paramvalue></row></return></axl:executeSQLQueryResponse></soapenv:Body></soapenv:Envelope>"#,
        // Default namespaces everywhere.
        r#"<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><executeSQLQueryResponse xmlns="http://www.cisco.com/AXL/API/14.0"><return><row><paramname>ClusterSecurityMode</paramname><paramvalue>1</paramvalue></row></return></executeSQLQueryResponse></Body></Envelope>"#,
        // Prefixed columns.
        r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:n="http://www.cisco.com/AXL/API/14.0"><e:Header/><e:Body><n:executeSQLQueryResponse><n:return><n:row><n:paramname>ClusterSecurityMode</n:paramname><n:paramvalue>1</n:paramvalue></n:row></n:return></n:executeSQLQueryResponse></e:Body></e:Envelope>"#,
    ];
    let expected = vec![row(&[
        ("paramname", "ClusterSecurityMode"),
        ("paramvalue", "1"),
    ])];
    for (i, xml) in variants.iter().enumerate() {
        assert_eq!(
            parse_sql_response(xml.as_bytes()).as_ref(),
            Ok(&expected),
            "variant {i}"
        );
    }
}

#[test]
fn zero_rows_in_all_three_forms() {
    for ret in [
        "<return></return>",
        "<return/>",
        "",
        "<return>\n   </return>",
    ] {
        let xml = format!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:executeSQLQueryResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0">{ret}</ns:executeSQLQueryResponse></soapenv:Body></soapenv:Envelope>"#
        );
        assert_eq!(parse_sql_response(xml.as_bytes()), Ok(vec![]), "{ret:?}");
    }
}

#[test]
fn empty_and_missing_columns_and_entities() {
    let xml = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:executeSQLQueryResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><row><name>SEP001122334455</name><description/><cmgroup></cmgroup></row><row><name>SEP00112233AABB</name><description>R&amp;D &lt;lab&gt; &#233;</description></row></return></ns:executeSQLQueryResponse></soapenv:Body></soapenv:Envelope>"#;
    let rows = parse_sql_response(xml.as_bytes()).expect("parses");
    assert_eq!(
        rows,
        vec![
            row(&[
                ("name", "SEP001122334455"),
                ("description", ""),
                ("cmgroup", "")
            ]),
            row(&[("name", "SEP00112233AABB"), ("description", "R&D <lab> é")]),
        ]
    );
    assert_eq!(
        columns(&rows).into_iter().collect::<Vec<_>>(),
        ["cmgroup", "description", "name"]
    );
}

#[test]
fn wrong_response_element_is_unexpected() {
    let xml = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><ns:getPhoneResponse xmlns:ns="urn:x"/></s:Body></s:Envelope>"#;
    assert!(matches!(
        parse_sql_response(xml.as_bytes()),
        Err(SoapError::Unexpected(m)) if m.contains("getPhoneResponse")
    ));
}

#[test]
fn faults_are_typed() {
    let too_large = axl::query_too_large_fault(2816, 844);
    assert_eq!(
        too_large,
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Query request too large. Total rows matched: 2816 rows. Suggestive Row Fetch: less than 844 rows</faultstring><detail><axlError><axlcode>-1</axlcode><axlmessage>Query request too large. Total rows matched: 2816 rows. Suggestive Row Fetch: less than 844 rows</axlmessage><request>executeSQLQuery</request></axlError></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#
    );
    match parse_sql_response(too_large.as_bytes()) {
        Err(SoapError::QueryTooLarge {
            total_rows: Some(2816),
            suggested_rows: Some(844),
            fault,
        }) => assert_eq!(fault.axl_code(), Some(-1)),
        other => panic!("{other:?}"),
    }
    let other = axl::fault_response(
        -239,
        "Could not insert new row - duplicate value in a UNIQUE INDEX column",
    );
    match parse_sql_response(other.as_bytes()) {
        Err(SoapError::Fault(f)) => {
            assert_eq!(f.code, "soapenv:Server");
            assert_eq!(f.axl_code(), Some(-239));
            assert_eq!(
                f.message,
                "Could not insert new row - duplicate value in a UNIQUE INDEX column"
            );
        }
        other => panic!("{other:?}"),
    }
    let memory = axl::fault_response(
        -1,
        "Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed",
    );
    assert!(matches!(
        parse_sql_response(memory.as_bytes()),
        Err(SoapError::AxlMemory(_))
    ));
}

#[test]
fn server_parses_requests() {
    // The document's request, pretty-printed, without CDATA.
    let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/12.5">
  <soapenv:Header/>
  <soapenv:Body>
    <ns:executeSQLQuery>
      <sql>Select name from device where tkclass = 1</sql>
    </ns:executeSQLQuery>
  </soapenv:Body>
</soapenv:Envelope>"#;
    let parsed = parse_sql_request_full(doc.as_bytes()).expect("parses");
    assert_eq!(parsed.sql, "Select name from device where tkclass = 1");
    assert_eq!(parsed.version.as_deref(), Some("12.5"));
    // Our own request: same SQL, version from the namespace.
    let ours = sql_request("14.0", "select 1 from dual where a < b");
    let parsed = parse_sql_request_full(ours.as_bytes()).expect("parses");
    assert_eq!(parsed.sql, "select 1 from dual where a < b");
    assert_eq!(parsed.version.as_deref(), Some("14.0"));

    // Reject twins: wrong operation, no SQL, empty SQL, malformed.
    let wrong = doc.replace("executeSQLQuery", "executeSQLUpdate");
    let f = parse_sql_request(wrong.as_bytes()).expect_err("wrong op");
    assert_eq!(f.code, "soapenv:Client");
    assert!(f.message.contains("executeSQLUpdate"), "{}", f.message);
    let no_sql = doc.replace("<sql>Select name from device where tkclass = 1</sql>", "");
    assert_eq!(
        parse_sql_request(no_sql.as_bytes()),
        Err(SoapFault::client("executeSQLQuery without <sql>"))
    );
    let empty = doc.replace("Select name from device where tkclass = 1", "  ");
    assert!(parse_sql_request(empty.as_bytes()).is_err());
    assert!(parse_sql_request(&doc.as_bytes()[..doc.len() - 5]).is_err());
}

#[test]
fn server_response_is_exact_and_round_trips() {
    let rows = vec![
        vec![
            ("name", "SEP001122334455"),
            ("description", ""),
            ("model", "Cisco 8845"),
        ],
        vec![
            ("name", "SEP0011223344AA"),
            ("description", "R&D <lab>"),
            ("model", "Cisco 7841"),
        ],
    ];
    let xml = sql_response("14.0", rows.clone());
    assert_eq!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:executeSQLQueryResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><row><name>SEP001122334455</name><description/><model>Cisco 8845</model></row><row><name>SEP0011223344AA</name><description>R&amp;D &lt;lab&gt;</description><model>Cisco 7841</model></row></return></ns:executeSQLQueryResponse></soapenv:Body></soapenv:Envelope>"#
    );
    let parsed = parse_sql_response(xml.as_bytes()).expect("round trip");
    let expected: Vec<Row> = rows.iter().map(|r| row(r)).collect();
    assert_eq!(parsed, expected);
    // BTreeMap rows work as input too; zero rows give `<return></return>`.
    let again = sql_response("14.0", parsed.iter().map(|r| r.iter()));
    assert_eq!(parse_sql_response(again.as_bytes()), Ok(expected));
    let empty = sql_response("14.0", Vec::<BTreeMap<String, String>>::new());
    assert!(empty.contains("<return></return>"));
    assert_eq!(parse_sql_response(empty.as_bytes()), Ok(vec![]));
}

#[test]
fn paging_clause() {
    assert_eq!(
        paged(sql::PHONE_NAMES, 0, 5000).as_deref(),
        Ok("select skip 0 first 5000 name from device where tkclass = 1 order by name")
    );
    assert_eq!(
        paged(sql::PHONE_NAMES, 0, 5000).ok(),
        Some(sql::phone_names(0, 5000))
    );
    // An existing clause is replaced; keyword case and the rest are kept.
    assert_eq!(
        paged(
            "  SELECT SKIP 10 FIRST 20 DISTINCT name FROM device",
            40,
            20
        )
        .as_deref(),
        Ok("SELECT skip 40 first 20 DISTINCT name FROM device")
    );
    assert_eq!(
        paged("select first 3 name from device", 3, 3).as_deref(),
        Ok("select skip 3 first 3 name from device")
    );
    // A column named like a keyword is not a clause.
    assert_eq!(
        paged("select first from t", 0, 1).as_deref(),
        Ok("select skip 0 first 1 first from t")
    );
    for bad in [
        "update device set x=1",
        "selectname from x",
        "",
        "with q as (select 1) select * from q",
    ] {
        assert!(
            matches!(paged(bad, 0, 1), Err(SoapError::InvalidRequest(_))),
            "{bad}"
        );
    }
    assert_eq!(
        parse_paging("select skip 5 first 7 name from d"),
        Some((
            Paging {
                skip: 5,
                first: Some(7)
            },
            "select name from d".to_owned()
        ))
    );
    assert_eq!(
        parse_paging("select name from d"),
        Some((Paging::default(), "select name from d".to_owned()))
    );
    assert_eq!(parse_paging("delete from d"), None);
}

#[test]
fn catalogue_queries_are_pageable_selects() {
    let all = [
        sql::CLUSTER_SECURITY_MODE,
        sql::ROLLBACK_TO_PRE_GRAYBACK,
        sql::CM_GROUP_MEMBERS,
        sql::PHONE_SECURITY_PROFILES,
        sql::PHONES,
        sql::PHONE_LAST_KNOWN,
        sql::CERTIFICATES,
        sql::PHONE_NAMES,
        sql::PHONES_PER_POOL_AND_MODEL,
        sql::MODEL_NAMES,
        sql::ITL_TABLES,
        sql::CERTIFICATE_PARAMS,
        sql::PHONES_PER_POOL_AND_CM_GROUP,
        sql::PHONE_LSC,
    ];
    for q in all {
        assert!(paged(q, 0, 10).is_ok(), "{q}");
        assert!(!q.contains('\n'), "{q}");
    }
    for q in [
        sql::PHONES,
        sql::PHONE_NAMES,
        sql::PHONE_LSC,
        sql::PHONE_LAST_KNOWN,
        sql::CM_GROUP_MEMBERS,
    ] {
        assert!(q.contains(" order by "), "paged queries need an order: {q}");
    }
    assert!(sql::PHONES.contains("as devicepool") && sql::PHONES.contains("as cmgroup"));
    assert!(sql::PHONES.contains("as model") && sql::PHONES.contains("as secprofile"));
    assert_eq!(
        sql::processconfig_param("ClusterSecurityMode"),
        sql::CLUSTER_SECURITY_MODE
    );
    assert_eq!(
        sql::processconfig_param("O'Brien"),
        "select paramname,paramvalue from processconfig where paramname='O''Brien'"
    );
}
