//! AXL `executeSQLQuery` (cucm-interfaces.md §1): request and response codecs for both sides,
//! fault builders, the SQL catalogue (§1.4, trust-and-procedure.md §4.1) and the Informix paging
//! grammar (`SELECT SKIP n FIRST m`).

use std::collections::{BTreeMap, BTreeSet};

use super::envelope::{
    SoapError, SoapFault, cdata, escape_text, fault_response_with_detail, parse_request_named,
    parse_response_named, request_envelope, response_envelope, soap_action_value, xml_name,
};

/// The AXL endpoint path on the publisher (the trailing `/` is required).
pub const AXL_PATH: &str = "/axl/";

/// The AXL schema version used when none is configured.
pub const DEFAULT_VERSION: &str = "14.0";

/// The operation name.
pub const EXECUTE_SQL_QUERY: &str = "executeSQLQuery";

/// `axlcode` of the "Query request too large" fault.
pub const QUERY_TOO_LARGE_CODE: i64 = -1;

/// One result row: column name (local element name) → text (empty elements give `""`).
pub type Row = BTreeMap<String, String>;

/// The AXL namespace for `version`: `http://www.cisco.com/AXL/API/<version>`.
pub fn namespace(version: &str) -> String {
    format!("http://www.cisco.com/AXL/API/{version}")
}

/// The quoted `SOAPAction` header value: `"CUCM:DB ver=<version> <operation>"`.
pub fn soap_action(version: &str, operation: &str) -> String {
    format!("\"CUCM:DB ver={version} {operation}\"")
}

/// Splits a `SOAPAction` header value into (version, operation).
pub fn parse_soap_action(header: &str) -> Option<(String, String)> {
    let value = soap_action_value(header);
    let rest = value.strip_prefix("CUCM:DB")?.trim_start();
    let rest = rest.strip_prefix("ver=")?;
    let (version, operation) = rest.split_once(char::is_whitespace)?;
    let operation = operation.trim();
    if version.is_empty() || operation.is_empty() {
        return None;
    }
    Some((version.to_owned(), operation.to_owned()))
}

/// The version in an AXL namespace URI (`…/AXL/API/<version>`).
pub fn version_of_namespace(ns: &str) -> Option<&str> {
    ns.trim_end_matches('/')
        .rsplit_once("/AXL/API/")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// The `executeSQLQuery` request envelope; the SQL goes into CDATA (any `]]>` is split).
pub fn sql_request(version: &str, sql: &str) -> String {
    request_envelope(
        "ns",
        &namespace(version),
        &format!(
            "<ns:executeSQLQuery><sql>{}</sql></ns:executeSQLQuery>",
            cdata(sql)
        ),
    )
}

/// Parses an `executeSQLQuery` response into rows. Zero rows may come as `<return/>`,
/// `<return></return>` or no `<return>` at all. Faults are classified
/// ([`SoapError::QueryTooLarge`], [`SoapError::AxlMemory`], [`SoapError::Fault`]).
pub fn parse_sql_response(body: &[u8]) -> Result<Vec<Row>, SoapError> {
    let payload = parse_response_named(body, &["executeSQLQueryResponse"])?;
    let Some(ret) = payload.child("return") else {
        return Ok(Vec::new());
    };
    Ok(ret
        .children
        .iter()
        .map(|row| {
            row.children
                .iter()
                .map(|col| (col.name.clone(), col.text.clone()))
                .collect()
        })
        .collect())
}

/// The `<return>` text of the response to `operation` (an object's UUID for the update and
/// reset operations); a response to another operation is an error, faults are classified.
pub fn parse_return_response(body: &[u8], operation: &str) -> Result<String, SoapError> {
    let payload = parse_response_named(body, &[&format!("{operation}Response")])?;
    Ok(payload
        .child("return")
        .map(|r| r.text.trim().to_owned())
        .unwrap_or_default())
}

/// The union of the column names of `rows` (a column can be missing from some rows).
pub fn columns(rows: &[Row]) -> BTreeSet<String> {
    rows.iter().flat_map(|r| r.keys().cloned()).collect()
}

/// A parsed `executeSQLQuery` request (server side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlRequest {
    /// The version from the operation element's namespace, if it is an AXL namespace.
    pub version: Option<String>,
    /// The SQL text, trimmed.
    pub sql: String,
}

/// Server side: the SQL of an `executeSQLQuery` request, or the fault to answer with.
pub fn parse_sql_request(body: &[u8]) -> Result<String, SoapFault> {
    parse_sql_request_full(body).map(|r| r.sql)
}

/// Server side: [`parse_sql_request`] plus the namespace version (to check against the
/// `SOAPAction` version).
pub fn parse_sql_request_full(body: &[u8]) -> Result<SqlRequest, SoapFault> {
    let payload = parse_request_named(body, &[EXECUTE_SQL_QUERY])?;
    let sql = payload
        .child("sql")
        .map(|s| s.text.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| SoapFault::client("executeSQLQuery without <sql>"))?;
    let version = payload
        .namespace
        .as_deref()
        .and_then(version_of_namespace)
        .map(str::to_owned);
    Ok(SqlRequest { version, sql })
}

/// Server side: an `executeSQLQuery` response in the documented shape. Columns are written in
/// each row's iteration order; empty values as `<col/>`; names not valid in XML are made valid
/// with [`xml_name`].
pub fn sql_response<R, K, V>(version: &str, rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut inner = String::new();
    for row in rows {
        inner.push_str("<row>");
        for (name, value) in row {
            let name = xml_name(name.as_ref());
            let value = value.as_ref();
            if value.is_empty() {
                inner.push_str(&format!("<{name}/>"));
            } else {
                inner.push_str(&format!("<{name}>{}</{name}>", escape_text(value)));
            }
        }
        inner.push_str("</row>");
    }
    response_envelope(&format!(
        r#"<ns:executeSQLQueryResponse xmlns:ns="{}"><return>{inner}</return></ns:executeSQLQueryResponse>"#,
        escape_text(&namespace(version))
    ))
}

/// Server side: an AXL fault (`soapenv:Server`, `detail/axlError{axlcode, axlmessage,
/// request}` with request `executeSQLQuery`), sent with HTTP 500.
pub fn fault_response(axl_code: i64, message: &str) -> String {
    fault_response_for(axl_code, message, EXECUTE_SQL_QUERY)
}

/// [`fault_response`] for another operation name.
pub fn fault_response_for(axl_code: i64, message: &str, request: &str) -> String {
    let detail = format!(
        "<axlError><axlcode>{axl_code}</axlcode><axlmessage>{}</axlmessage><request>{}</request></axlError>",
        escape_text(message),
        escape_text(request)
    );
    fault_response_with_detail("soapenv:Server", message, Some(&detail))
}

/// The fault text of a too-large result, as CUCM words it.
pub fn query_too_large_message(total_rows: u64, suggested_rows: u64) -> String {
    format!(
        "Query request too large. Total rows matched: {total_rows} rows. Suggestive Row Fetch: less than {suggested_rows} rows"
    )
}

/// Server side: the "Query request too large" fault envelope (axlcode −1, HTTP 500).
pub fn query_too_large_fault(total_rows: u64, suggested_rows: u64) -> String {
    fault_response(
        QUERY_TOO_LARGE_CODE,
        &query_too_large_message(total_rows, suggested_rows),
    )
}

/// The `SKIP`/`FIRST` clause of an Informix select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paging {
    /// Rows skipped (0 when absent).
    pub skip: u64,
    /// Rows returned at most (`None` when absent).
    pub first: Option<u64>,
}

/// Splits the `SKIP n` / `FIRST m` (also `LIMIT m`) right after the leading `SELECT` off `sql`.
/// Returns `None` unless `sql` starts with `select` (any case). The returned SQL has the clause
/// removed and its whitespace kept otherwise.
pub fn parse_paging(sql: &str) -> Option<(Paging, String)> {
    let trimmed = sql.trim_start();
    let keyword = trimmed.get(..6)?;
    if !keyword.eq_ignore_ascii_case("select") {
        return None;
    }
    let mut rest = &trimmed[6..];
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut paging = Paging::default();
    loop {
        let after_ws = rest.trim_start();
        let word_end = after_ws.find(char::is_whitespace).unwrap_or(after_ws.len());
        let word = &after_ws[..word_end];
        let is_skip = word.eq_ignore_ascii_case("skip");
        let is_first = word.eq_ignore_ascii_case("first") || word.eq_ignore_ascii_case("limit");
        if !(is_skip || is_first) {
            break;
        }
        let after_word = after_ws[word_end..].trim_start();
        let num_end = after_word
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after_word.len());
        let Ok(n) = after_word[..num_end].parse::<u64>() else {
            break;
        };
        if !after_word[num_end..].is_empty()
            && !after_word[num_end..].starts_with(char::is_whitespace)
        {
            break;
        }
        if is_skip {
            paging.skip = n;
        } else {
            paging.first = Some(n);
        }
        rest = &after_word[num_end..];
    }
    Some((paging, format!("{keyword}{rest}")))
}

/// `sql` with `skip <skip> first <first>` after its leading `select` (an existing
/// `skip`/`first`/`limit` clause there is replaced). Paging is only stable with an `order by`.
pub fn paged(sql: &str, skip: u64, first: u64) -> Result<String, SoapError> {
    let (_, base) = parse_paging(sql)
        .ok_or_else(|| SoapError::InvalidRequest("only a SELECT can be paged".to_owned()))?;
    let (keyword, rest) = base.split_at(6);
    Ok(format!(
        "{keyword} skip {skip} first {first} {}",
        rest.trim_start()
    ))
}

/// The SQL the tool issues (cucm-interfaces.md §1.4, trust-and-procedure.md §4.1), on one line
/// each. Queries meant for paging carry an `order by` so `SKIP`/`FIRST` pages are stable.
pub mod sql {
    /// Q1: cluster security mode (`0` non-secure, `1` mixed).
    pub const CLUSTER_SECURITY_MODE: &str =
        "select paramname,paramvalue from processconfig where paramname='ClusterSecurityMode'";

    /// Q2: "Prepare Cluster for Rollback to pre 8.0" (`F` normal, `T` blank ITLs).
    pub const ROLLBACK_TO_PRE_GRAYBACK: &str =
        "select paramname,paramvalue from processconfig where paramname='RollBackToPreGrayback'";

    /// Q3 / §4.1 2a: CallManager groups and their members with priority
    /// (columns `cmgroup`, `cmgr`, `priority`).
    pub const CM_GROUP_MEMBERS: &str = "select cmg.name as cmgroup, cm.name as cmgr, cmgm.priority from callmanagergroupmember as cmgm inner join callmanagergroup as cmg on cmgm.fkcallmanagergroup = cmg.pkid inner join callmanager as cm on cmgm.fkcallmanager = cm.pkid order by cmg.name, cmgm.priority";

    /// Q4: non-standard phone security profiles with mode, transport and key sizes.
    pub const PHONE_SECURITY_PROFILES: &str = "select psp.name, psp.description, psp.noncepolicytime, tds.name as devicesecuritymode, t.name as transporttype, psp.digestauthall, psp.tftpencryptedflag, psp.sipoauthflag, tam.name as authenticationmode, tko.name as key_order, tks.name as rsa_key_size, tks1.name as ec_key_size from securityprofile as psp left join typedevicesecuritymode as tds on psp.tkdevicesecuritymode = tds.enum left join typetransport as t on psp.tktransport = t.enum left join typeauthenticationmode as tam on psp.tkauthenticationmode = tam.enum left join typekeyorder as tko on psp.tkkeyorder = tko.enum left join typekeysize as tks on psp.tkkeysize = tks.enum left join typekeysize as tks1 on psp.tkeckeysize = tks1.enum where (tksecuritypolicy = 4 or tksecuritypolicy = 99) and isstandard = 'f' order by psp.name";

    /// Q5: one row per phone with model, device pool, CM group, security profile and mode,
    /// CAPF columns (`devicepool.fkcallmanagergroup` join: unverified). Ordered by name for
    /// paging.
    pub const PHONES: &str = "select d.name, d.description, tm.name as model, dp.name as devicepool, cmg.name as cmgroup, sp.name as secprofile, tdsm.name as secmode, d.tkcertificatestatus, d.tkcertificateoperation, d.tkauthenticationmode, d.upgradefinishtime from device d inner join typemodel tm on d.tkmodel = tm.enum inner join devicepool dp on d.fkdevicepool = dp.pkid left join callmanagergroup cmg on dp.fkcallmanagergroup = cmg.pkid left join securityprofile sp on d.fksecurityprofile = sp.pkid left join typedevicesecuritymode tdsm on sp.tkdevicesecuritymode = tdsm.enum where d.tkclass = 1 order by d.name";

    /// Q6: last known IP and node per phone, also for unregistered phones.
    pub const PHONE_LAST_KNOWN: &str = "select d.name, rd.lastknownipaddress, rd.lastknownucm, rd.lastseen, rd.lastactive from device as d left join registrationdynamic as rd on rd.fkdevice = d.pkid where d.tkclass = '1' order by name";

    /// Q7: every own and trust certificate on every node.
    pub const CERTIFICATES: &str = "select c.servername, tcs.name, dist.moniker, c.ipv4address, c.certificate from certificate as c inner join certificateservicecertificatemap as cscm on c.pkid = cscm.fkcertificate inner join typecertificateservice as tcs on cscm.tkcertificateservice = tcs.enum inner join typecertificatedistribution as dist on c.tkcertificatedistribution = dist.enum order by c.servername, tcs.name";

    /// Q8: phone names for RisPort chunking (page with [`super::paged`] or [`phone_names`]).
    pub const PHONE_NAMES: &str = "select name from device where tkclass = 1 order by name";

    /// Q9: phone count per device pool and model.
    pub const PHONES_PER_POOL_AND_MODEL: &str = "select count(Device.name) Device_count, DevicePool.name Device_Pool, typemodel.name Device_Type from Device inner join DevicePool on Device.fkDevicePool = DevicePool.pkid inner join typemodel on device.tkmodel = typemodel.enum group by DevicePool.name, typemodel.name order by DevicePool.name";

    /// Q10: model enum → name (RisPort's `Model` is the enum).
    pub const MODEL_NAMES: &str = "select enum, name from typemodel";

    /// Q11 (unverified): tables whose name contains `itl` (14+ ITL File Status).
    pub const ITL_TABLES: &str = "select tabname from systables where tabname like '%itl%'";

    /// The table CUCM 14+ keeps each phone's ITL File Status in, as [`ITL_FILE_STATUS`]
    /// reads it. **(inferred)**: no document names it (cucm-interfaces §9, question 2);
    /// [`ITL_TABLES`] lists a cluster's `%itl%` tables, so that a cluster without it is told
    /// apart before [`ITL_FILE_STATUS`] is sent.
    pub const ITL_FILE_STATUS_TABLE: &str = "deviceitlfilestatus";

    /// **(inferred)** The 14+ ITL File Status per phone (columns `name`, `itlfilestatus`:
    /// `Match`, `Mismatch`, `Not Installed`, `Unknown`), from [`ITL_FILE_STATUS_TABLE`] and
    /// its type table. Ordered by name for paging.
    pub const ITL_FILE_STATUS: &str = "select d.name, tifs.name as itlfilestatus from device d inner join deviceitlfilestatus difs on difs.fkdevice = d.pkid inner join typeitlfilestatus tifs on difs.tkitlfilestatus = tifs.enum where d.tkclass = 1 order by d.name";

    /// Q11 / §4.1 13 (unverified): processconfig parameters with `Certificate` in the name.
    pub const CERTIFICATE_PARAMS: &str =
        "select paramname, paramvalue from processconfig where paramname like '%Certificate%'";

    /// §4.1 2b: phones per device pool and CM group (columns `devicepool`, `cmgroup`, `phones`).
    pub const PHONES_PER_POOL_AND_CM_GROUP: &str = "select dp.name as devicepool, cmg.name as cmgroup, count(d.pkid) as phones from device d inner join devicepool dp on d.fkdevicepool = dp.pkid left join callmanagergroup cmg on dp.fkcallmanagergroup = cmg.pkid where d.tkclass = 1 group by dp.name, cmg.name";

    /// §4.1 3: LSC / security profile per phone.
    pub const PHONE_LSC: &str = "select d.name, d.tkcertificatestatus, d.tkcertificateoperation, d.tkauthenticationmode, sp.name as secprofile, tdsm.name as secmode from device d left join securityprofile sp on d.fksecurityprofile = sp.pkid left join typedevicesecuritymode tdsm on sp.tkdevicesecuritymode = tdsm.enum where d.tkclass = 1 order by d.name";

    /// The cluster's servers (System › Server) with their role: one row per node plus the
    /// `EnterpriseWideData` row (columns `name`, `description`, `nodeid`, `systemnode`,
    /// `role`; the role names are inferred, see [`crate::soap::process_node`]).
    pub const PROCESS_NODES: &str = "select pn.name, pn.description, pn.nodeid, pn.systemnode, tpr.name as role from processnode as pn left join typeprocessnoderole as tpr on pn.tkprocessnoderole = tpr.enum order by pn.nodeid";

    /// (inferred) SIP trunks whose security profile uses TLS transport, with each trunk's
    /// destinations (columns `name`, `description`, `secprofile`, `secmode`, `transport`,
    /// `address`, `port`): the far ends (Expressway, Unity Connection, another cluster) that
    /// hold this cluster's CallManager certificate. The documents give no such query: the
    /// `typeclass` name `Trunk`, the `typetransport` name `TLS` and the `sipdevice` /
    /// `siptrunkdestination` joins are unverified against a Data Dictionary.
    pub const SECURE_SIP_TRUNKS: &str = "select d.name, d.description, sp.name as secprofile, tdsm.name as secmode, tt.name as transport, std.address, std.port from device as d inner join typeclass as tc on d.tkclass = tc.enum inner join securityprofile as sp on d.fksecurityprofile = sp.pkid inner join typedevicesecuritymode as tdsm on sp.tkdevicesecuritymode = tdsm.enum inner join typetransport as tt on sp.tktransport = tt.enum left join sipdevice as sd on sd.fkdevice = d.pkid left join siptrunkdestination as std on std.fksipdevice = sd.pkid where tc.name = 'Trunk' and tt.name = 'TLS' order by d.name";

    /// (inferred) The processconfig name of the enterprise parameter "Phone Interaction on
    /// Certificate Update" (14+): the documents do not give it (`cucm-interfaces.md` §9 item
    /// 2); read with [`processconfig_param`]. Values (inferred): `0` automatic, `1` manual.
    pub const PHONE_INTERACTION_PARAM: &str = "PhoneInteractionOnCertificateUpdate";

    /// A processconfig parameter by exact name (single quotes in `name` are doubled).
    pub fn processconfig_param(name: &str) -> String {
        format!(
            "select paramname,paramvalue from processconfig where paramname='{}'",
            name.replace('\'', "''")
        )
    }

    /// One page of [`PHONE_NAMES`] (Q8 as written in the document, `skip 0 first 5000`).
    pub fn phone_names(skip: u64, first: u64) -> String {
        format!("select skip {skip} first {first} name from device where tkclass = 1 order by name")
    }
}
