//! AXL on the publisher's `/axl/`: `executeSQLQuery` (cucm-interfaces.md §1.2–§1.4) and
//! `getCCMVersion` (§1.1) here, `listPhone` in [`super::axl_list_phone`], the reset operations
//! in [`super::axl_reset`], the CAPF operation (`updatePhone`) in
//! [`super::axl_capf`]; any other operation gets the Axis2 "endpoint reference (EPR)" fault
//! CUCM sends.
//!
//! Schemas (§1.1): the simulated release ([`crate::model::version_string`] of the generation)
//! serves the schemas [`schemas_served`] lists; a request in another schema gets HTTP 599 and
//! the "Incorrect axl version" fault listing them (inferred wording). The version-less request
//! (namespace `…/AXL/API/1.0`) is answered in the oldest schema the release serves.
//!
//! The simulator has no database: it recognises the queries of the tool's catalogue
//! ([`itl_wire::soap::axl::sql`]) by their normalised text (case and whitespace outside string
//! literals ignored, a trailing `order by` optional) and answers them from the model, with the
//! Informix `SKIP n FIRST m` paging clause applied. Any other SQL gets the AXL fault CUCM sends
//! for SQL it cannot run (axlcode −201 "A syntax error has occurred."); a result over the
//! response limit gets "Query request too large" with the total and a suggested row count, so
//! the real client pages.

use itl_core::cucm::{ClusterSecurityMode, Generation};
use std::collections::BTreeMap;

use itl_wire::soap::axl::{
    DEFAULT_VERSION, EXECUTE_SQL_QUERY, fault_response, parse_paging, parse_soap_action,
    parse_sql_request_full, query_too_large_fault, sql, sql_response,
};

use itl_wire::soap::axl_version::{
    GET_CCM_VERSION, UNSUPPORTED_VERSION_STATUS, VERSIONLESS, ccm_version_response, schemas_served,
    unsupported_version_fault,
};
use itl_wire::soap::envelope::parse_request_envelope;
use itl_wire::soap::process_node::{ENTERPRISE_WIDE_DATA, ROLE_IM_AND_PRESENCE, ROLE_VOICE_VIDEO};

use crate::model::snapshot::PhoneSnapshot;
use crate::model::{Cluster, version_string};
use crate::server::axl_capf;
use crate::server::axl_list_phone::{self, LIST_PHONE};
use crate::server::axl_request::AxlRequest;
use crate::server::axl_reset;
use crate::server::soap::{SoapContext, SoapRequest, SoapResponse, SoapService};

/// CUCM's limit on one AXL response: 8 MB (cucm-interfaces.md §1.3).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Informix error code CUCM returns in `axlcode` for SQL it cannot run.
pub const SYNTAX_ERROR_CODE: i64 = -201;

/// The message that goes with [`SYNTAX_ERROR_CODE`].
pub const SYNTAX_ERROR_MESSAGE: &str = "A syntax error has occurred.";

/// One result row: column name and value, in column order.
type Row = Vec<(&'static str, String)>;

/// A query of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Query {
    Phones,
    PhoneNames,
    PhoneLastKnown,
    PhoneLsc,
    SecurityProfiles,
    CmGroupMembers,
    PerPoolAndCmGroup,
    PerPoolAndModel,
    ModelNames,
    ItlTables,
    ItlFileStatus,
    CertificateParams,
    ProcessNodes,
    SecureSipTrunks,
    Param(String),
}

/// The AXL `executeSQLQuery` service.
#[derive(Clone, Debug)]
pub struct AxlService {
    catalogue: Vec<(String, Query)>,
    max_rows: Option<usize>,
    max_bytes: usize,
}

impl Default for AxlService {
    fn default() -> Self {
        Self::new()
    }
}

impl AxlService {
    /// CUCM's limits: 8 MB per response ([`DEFAULT_MAX_RESPONSE_BYTES`]), no row cap.
    pub fn new() -> Self {
        let catalogue = [
            (sql::PHONES, Query::Phones),
            (sql::PHONE_NAMES, Query::PhoneNames),
            (sql::PHONE_LAST_KNOWN, Query::PhoneLastKnown),
            (sql::PHONE_LSC, Query::PhoneLsc),
            (sql::PHONE_SECURITY_PROFILES, Query::SecurityProfiles),
            (sql::CM_GROUP_MEMBERS, Query::CmGroupMembers),
            (sql::PHONES_PER_POOL_AND_CM_GROUP, Query::PerPoolAndCmGroup),
            (sql::PHONES_PER_POOL_AND_MODEL, Query::PerPoolAndModel),
            (sql::MODEL_NAMES, Query::ModelNames),
            (sql::ITL_TABLES, Query::ItlTables),
            (sql::ITL_FILE_STATUS, Query::ItlFileStatus),
            (sql::CERTIFICATE_PARAMS, Query::CertificateParams),
            (sql::PROCESS_NODES, Query::ProcessNodes),
            (sql::SECURE_SIP_TRUNKS, Query::SecureSipTrunks),
        ]
        .into_iter()
        .map(|(text, q)| (strip_order_by(&normalise(text)).to_owned(), q))
        .collect();
        Self {
            catalogue,
            max_rows: None,
            max_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Also refuses results of more than `max_rows` rows ("Query request too large",
    /// suggesting less than `max_rows + 1`), to exercise the client's paging on small clusters.
    pub fn with_row_limit(mut self, max_rows: usize) -> Self {
        self.max_rows = Some(max_rows);
        self
    }

    /// Sets the response size limit in bytes.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes.max(1);
        self
    }

    /// The catalogue query `sql` (without its paging clause) stands for, if any.
    fn recognise(&self, sql: &str) -> Option<Query> {
        let text = normalise(sql);
        let text = strip_order_by(&text);
        if let Some(q) = self
            .catalogue
            .iter()
            .find(|(k, _)| k == text)
            .map(|(_, q)| q.clone())
        {
            return Some(q);
        }
        // processconfig_param(name), with or without a space after the comma.
        let literal = text
            .strip_prefix("select paramname,paramvalue from processconfig where paramname='")?
            .strip_suffix('\'')?;
        if literal.replace("''", "").contains('\'') {
            return None;
        }
        Some(Query::Param(literal.replace("''", "'")))
    }

    fn answer(&self, version: &str, sql_text: &str, cluster: &Cluster) -> SoapResponse {
        let Some((paging, base)) = parse_paging(sql_text) else {
            return syntax_error();
        };
        let Some(query) = self.recognise(&base) else {
            return syntax_error();
        };
        // The ITL File Status table exists from 14 on.
        if query == Query::ItlFileStatus && !cluster.settings().generation.reports_itl_file_status()
        {
            return syntax_error();
        }
        let rows = rows_for(&query, cluster);
        let skip = usize::try_from(paging.skip).unwrap_or(usize::MAX);
        let first = paging
            .first
            .map_or(usize::MAX, |f| usize::try_from(f).unwrap_or(usize::MAX));
        let rows: Vec<Row> = rows.into_iter().skip(skip).take(first).collect();
        let total = rows.len() as u64;
        if let Some(max) = self.max_rows
            && rows.len() > max
        {
            return too_large(total, max as u64 + 1);
        }
        let body = sql_response(version, rows.iter().map(|r| r.iter().map(|(k, v)| (*k, v))));
        if body.len() > self.max_bytes {
            let fitting = (rows.len() as u128 * self.max_bytes as u128 / body.len() as u128) as u64;
            return too_large(total, fitting.max(1));
        }
        SoapResponse::ok(body)
    }
}

impl SoapService for AxlService {
    fn handle(&self, ctx: &SoapContext<'_>, request: &SoapRequest<'_>) -> SoapResponse {
        let release = ctx
            .sim
            .read(|c| version_string(c.settings().generation).to_owned());
        let served = schemas_served(&release).unwrap_or_default();
        let requested = match requested_schema(request.body, request.soap_action) {
            Some(v) if v == VERSIONLESS && request.soap_action.is_none() => {
                served.last().cloned().unwrap_or_else(|| v.clone())
            }
            Some(v) => v,
            None => DEFAULT_VERSION.to_owned(),
        };
        if !served.contains(&requested) {
            return SoapResponse {
                status: UNSUPPORTED_VERSION_STATUS,
                ..SoapResponse::ok(unsupported_version_fault(&served))
            };
        }
        // An object operation: its parsed request, or the fault when it does not parse.
        let object = |answer: &dyn Fn(&AxlRequest) -> SoapResponse| {
            AxlRequest::parse(request.body, request.soap_action)
                .map_or_else(|fault| fault, |req| answer(&req))
        };
        match request.operation().as_deref() {
            Some(EXECUTE_SQL_QUERY) => match parse_sql_request_full(request.body) {
                Ok(sql) => ctx
                    .sim
                    .read(|cluster| self.answer(&requested, &sql.sql, cluster)),
                Err(fault) => fault.into(),
            },
            Some(GET_CCM_VERSION) => SoapResponse::ok(ccm_version_response(&requested, &release)),
            Some(LIST_PHONE) => object(&|req| {
                ctx.sim
                    .read(|c| axl_list_phone::answer(req, c, self.max_bytes))
            }),
            Some(op) if axl_capf::handles(op) => object(&|req| axl_capf::answer(req, ctx.sim)),
            Some(op) if axl_reset::handles(op) => object(&|req| axl_reset::answer(req, ctx.sim)),
            _ => request.unknown(),
        }
    }
}

/// How many times each pair occurs, in the pairs' order (the per-pool counts of the inventory
/// queries).
fn count_pairs(pairs: impl Iterator<Item = (String, String)>) -> BTreeMap<(String, String), usize> {
    let mut counts = BTreeMap::new();
    for pair in pairs {
        *counts.entry(pair).or_default() += 1;
    }
    counts
}

/// The schema a request asks for: its operation element's AXL namespace, else the
/// `SOAPAction` version; `None` when neither names one (or the body is not a request).
fn requested_schema(body: &[u8], soap_action: Option<&str>) -> Option<String> {
    parse_request_envelope(body)
        .ok()
        .and_then(|payload| {
            payload
                .namespace
                .as_deref()
                .and_then(itl_wire::soap::axl::version_of_namespace)
                .map(str::to_owned)
        })
        .or_else(|| soap_action.and_then(parse_soap_action).map(|(v, _)| v))
}

fn syntax_error() -> SoapResponse {
    raw_fault(fault_response(SYNTAX_ERROR_CODE, SYNTAX_ERROR_MESSAGE))
}

fn too_large(total: u64, suggested: u64) -> SoapResponse {
    raw_fault(query_too_large_fault(total, suggested))
}

fn raw_fault(body: String) -> SoapResponse {
    SoapResponse {
        status: 500,
        ..SoapResponse::ok(body)
    }
}

/// Lower case outside `'…'` literals, whitespace collapsed and dropped around `,=()`, no
/// trailing `;`.
fn normalise(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_literal = false;
    let mut pending_space = false;
    for c in sql.trim().trim_end_matches(';').trim_end().chars() {
        if in_literal {
            out.push(c);
            if c == '\'' {
                in_literal = false;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let tight = |c: char| matches!(c, ',' | '=' | '(' | ')');
        if pending_space && !out.is_empty() && !tight(c) && !out.ends_with(tight) {
            out.push(' ');
        }
        pending_space = false;
        if c == '\'' {
            in_literal = true;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `text` without a trailing `order by …` (the simulator always orders its rows).
fn strip_order_by(text: &str) -> &str {
    match text.rfind(" order by ") {
        Some(at) if !text[at..].contains('\'') => &text[..at],
        _ => text,
    }
}

/// `tkcertificatestatus` of a phone: the simulator's own codes, 1 = None (no LSC), 2 =
/// Operation Pending (an `updatePhone` CAPF operation waits for the phone's reset), 3 =
/// Upgrade Success (LSC installed). Check the Data Dictionary of a real release.
fn certificate_status(p: &PhoneSnapshot, pending: bool) -> &'static str {
    if pending {
        "2"
    } else if p.lsc_issuer.is_some() {
        "3"
    } else {
        "1"
    }
}

/// `tkcertificateoperation`: 1 = No Pending Operation, 2 = Install/Upgrade (simulator codes).
fn certificate_operation(pending: bool) -> &'static str {
    if pending { "2" } else { "1" }
}

/// `tkauthenticationmode`: empty without an LSC, 1 (By Authentication String) with one.
fn authentication_mode(p: &PhoneSnapshot) -> &'static str {
    if p.lsc_issuer.is_some() { "1" } else { "" }
}

/// A phone's CAPF columns: `tkcertificatestatus`, `tkcertificateoperation`,
/// `tkauthenticationmode`.
fn capf_columns(c: &Cluster, p: &PhoneSnapshot) -> [(&'static str, String); 3] {
    let pending = c.phone_index(&p.name).is_some_and(|i| c.capf_pending(i));
    [
        (
            "tkcertificatestatus",
            certificate_status(p, pending).to_owned(),
        ),
        (
            "tkcertificateoperation",
            certificate_operation(pending).to_owned(),
        ),
        ("tkauthenticationmode", authentication_mode(p).to_owned()),
    ]
}

fn rows_for(query: &Query, c: &Cluster) -> Vec<Row> {
    let mut phones: Vec<_> = c.phones().iter().map(|p| c.phone_snapshot(p)).collect();
    phones.sort_by(|a, b| a.name.cmp(&b.name));
    match query {
        Query::Phones => phones
            .into_iter()
            .map(|p| {
                let capf = capf_columns(c, &p);
                let mut row = vec![
                    ("name", p.name),
                    ("description", p.description),
                    ("model", p.model),
                    ("devicepool", p.device_pool),
                    ("cmgroup", p.cm_group),
                    ("secprofile", p.security_profile),
                    ("secmode", p.security_mode.to_owned()),
                ];
                row.extend(capf);
                row.push(("upgradefinishtime", String::new()));
                row
            })
            .collect(),
        Query::PhoneNames => phones.into_iter().map(|p| vec![("name", p.name)]).collect(),
        Query::PhoneLastKnown => phones
            .into_iter()
            .map(|p| {
                let seen = p.timestamp.to_string();
                vec![
                    ("name", p.name),
                    ("lastknownipaddress", p.ip.to_string()),
                    ("lastknownucm", p.registered_node.unwrap_or_default()),
                    ("lastseen", seen.clone()),
                    ("lastactive", seen),
                ]
            })
            .collect(),
        Query::PhoneLsc => phones
            .into_iter()
            .map(|p| {
                let capf = capf_columns(c, &p);
                let mut row = vec![("name", p.name)];
                row.extend(capf);
                row.push(("secprofile", p.security_profile));
                row.push(("secmode", p.security_mode.to_owned()));
                row
            })
            .collect(),
        Query::SecurityProfiles => {
            // Non-standard (administrator-made) profiles in use: the TLS ones.
            let profiles: BTreeMap<String, &'static str> = phones
                .into_iter()
                .filter(|p| p.security_mode != "Non Secure")
                .map(|p| (p.security_profile, p.security_mode))
                .collect();
            profiles
                .into_iter()
                .map(|(name, mode)| {
                    let encrypted = if mode == "Encrypted" { "t" } else { "f" };
                    vec![
                        ("name", name),
                        ("description", format!("{mode} TLS profile")),
                        ("noncepolicytime", "600".to_owned()),
                        ("devicesecuritymode", mode.to_owned()),
                        ("transporttype", "TLS".to_owned()),
                        ("digestauthall", "f".to_owned()),
                        ("tftpencryptedflag", encrypted.to_owned()),
                        ("sipoauthflag", "f".to_owned()),
                        (
                            "authenticationmode",
                            "By Existing Certificate (Precedence to LSC)".to_owned(),
                        ),
                        ("key_order", "RSA Only".to_owned()),
                        ("rsa_key_size", "2048".to_owned()),
                        ("ec_key_size", String::new()),
                    ]
                })
                .collect()
        }
        Query::CmGroupMembers => {
            let mut groups: Vec<_> = c.cm_groups().iter().collect();
            groups.sort_by(|a, b| a.name.cmp(&b.name));
            groups
                .into_iter()
                .flat_map(|g| {
                    g.members.iter().enumerate().filter_map(|(i, &m)| {
                        let node = c.nodes().get(m)?;
                        Some(vec![
                            ("cmgroup", g.name.clone()),
                            ("cmgr", node.name.clone()),
                            ("priority", (i + 1).to_string()),
                        ])
                    })
                })
                .collect()
        }
        Query::PerPoolAndCmGroup => {
            count_pairs(phones.into_iter().map(|p| (p.device_pool, p.cm_group)))
                .into_iter()
                .map(|((pool, group), n)| {
                    vec![
                        ("devicepool", pool),
                        ("cmgroup", group),
                        ("phones", n.to_string()),
                    ]
                })
                .collect()
        }
        Query::PerPoolAndModel => count_pairs(phones.into_iter().map(|p| (p.device_pool, p.model)))
            .into_iter()
            .map(|((pool, model), n)| {
                vec![
                    ("device_count", n.to_string()),
                    ("device_pool", pool),
                    ("device_type", model),
                ]
            })
            .collect(),
        Query::ModelNames => {
            let models: BTreeMap<u32, String> = phones
                .into_iter()
                .map(|p| (p.model_code, p.model))
                .collect();
            models
                .into_iter()
                .map(|(code, name)| vec![("enum", code.to_string()), ("name", name)])
                .collect()
        }
        // Q11: on 14+ the (inferred) ITL File Status table and its type table.
        Query::ItlTables if c.settings().generation.reports_itl_file_status() => {
            [sql::ITL_FILE_STATUS_TABLE, "typeitlfilestatus"]
                .into_iter()
                .map(|t| vec![("tabname", t.to_owned())])
                .collect()
        }
        Query::ItlFileStatus => phones
            .iter()
            .filter_map(|p| {
                let index = c.phone_index(&p.name)?;
                Some(vec![
                    ("name", p.name.clone()),
                    ("itlfilestatus", c.itl_file_status(index).name().to_owned()),
                ])
            })
            .collect(),
        // Unverified discovery helpers: the simulator has no such parameters.
        Query::ItlTables | Query::CertificateParams => Vec::new(),
        // Servers are configured by IP address (no DNS on loopback); the description holds the
        // host name.
        Query::ProcessNodes => {
            let mut rows = vec![vec![
                ("name", ENTERPRISE_WIDE_DATA.to_owned()),
                ("description", String::new()),
                ("nodeid", "1".to_owned()),
                ("systemnode", "t".to_owned()),
                ("role", String::new()),
            ]];
            rows.extend(c.nodes().iter().enumerate().map(|(i, n)| {
                vec![
                    ("name", n.address.to_string()),
                    ("description", n.name.clone()),
                    ("nodeid", (i + 2).to_string()),
                    ("systemnode", "f".to_owned()),
                    ("role", ROLE_VOICE_VIDEO.to_owned()),
                ]
            }));
            // `imp=<name>`: IM and Presence nodes after the CUCM nodes.
            let imp = c.faults().checks.iter().filter_map(|f| match f {
                crate::faults::CheckFault::Imp { name } => Some(name.clone()),
                _ => None,
            });
            for (i, name) in imp.enumerate() {
                rows.push(vec![
                    ("name", name),
                    ("description", "IM and Presence".to_owned()),
                    ("nodeid", (c.nodes().len() + 2 + i).to_string()),
                    ("systemnode", "f".to_owned()),
                    ("role", ROLE_IM_AND_PRESENCE.to_owned()),
                ]);
            }
            rows
        }
        // `secure-trunk=<name>:<host>`: one TLS SIP trunk per fault (profile name ours).
        Query::SecureSipTrunks => c
            .faults()
            .checks
            .iter()
            .filter_map(|f| match f {
                crate::faults::CheckFault::SecureTrunk { name, host } => Some(vec![
                    ("name", name.clone()),
                    ("description", format!("SIP trunk to {host}")),
                    (
                        "secprofile",
                        "Encrypted SIP Trunk Security Profile".to_owned(),
                    ),
                    ("secmode", "Encrypted".to_owned()),
                    ("transport", "TLS".to_owned()),
                    ("address", host.clone()),
                    ("port", "5061".to_owned()),
                ]),
                _ => None,
            })
            .collect(),
        Query::Param(name) => {
            let value = match name.as_str() {
                "ClusterSecurityMode" => match c.settings().security_mode {
                    ClusterSecurityMode::Mixed => "1",
                    ClusterSecurityMode::NonSecure => "0",
                },
                "RollBackToPreGrayback" => {
                    if c.settings().rollback {
                        "T"
                    } else {
                        "F"
                    }
                }
                // (inferred) name and values; the parameter exists from 14 on.
                sql::PHONE_INTERACTION_PARAM if c.settings().generation == Generation::V14 => {
                    match c.settings().phone_interaction {
                        crate::model::PhoneInteraction::Automatic => "0",
                        crate::model::PhoneInteraction::Manual => "1",
                    }
                }
                _ => return Vec::new(),
            };
            vec![vec![
                ("paramname", name.clone()),
                ("paramvalue", value.to_owned()),
            ]]
        }
    }
}

/// Whether `sql` is a query of the catalogue this service answers (paging clause allowed).
pub fn is_supported(sql_text: &str) -> bool {
    parse_paging(sql_text).is_some_and(|(_, base)| AxlService::new().recognise(&base).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_whitespace_and_case_but_not_literals() {
        assert_eq!(
            normalise("  SELECT  a , b\n from  t where x = 'AbC'  ;"),
            "select a,b from t where x='AbC'"
        );
        assert!(is_supported(sql::PHONES));
        assert!(is_supported(sql::PHONE_SECURITY_PROFILES));
        assert!(is_supported(sql::PHONE_LSC));
        assert!(is_supported(&sql::phone_names(5, 10)));
        assert!(is_supported(&sql::PHONE_NAMES.replace(' ', "\n  ")));
        assert!(is_supported(
            "select cmg.name as cmgroup, cm.name as cmgr, cmgm.priority from callmanagergroupmember as cmgm inner join callmanagergroup as cmg on cmgm.fkcallmanagergroup = cmg.pkid inner join callmanager as cm on cmgm.fkcallmanager = cm.pkid order by cmg.name"
        ));
        assert!(is_supported(&sql::processconfig_param("O'Brien")));
        assert!(is_supported(sql::SECURE_SIP_TRUNKS));
        assert!(is_supported(sql::PROCESS_NODES));
        assert!(!is_supported("select name from device"));
        assert!(!is_supported("delete from device"));
        assert!(!is_supported(
            "select paramname,paramvalue from processconfig where paramname='a' or '1'='1'"
        ));
    }
}
