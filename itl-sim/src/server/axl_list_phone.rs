//! AXL `listPhone` (cucm-interfaces.md §1.5), answered from the model.
//!
//! ```xml
//! <ns:listPhone>
//!   <searchCriteria><name>SEP%</name><devicePoolName>DP-1</devicePoolName></searchCriteria>
//!   <returnedTags><name/><securityProfileName/></returnedTags>
//!   <skip>0</skip><first>100</first>
//! </ns:listPhone>
//! → <ns:listPhoneResponse><return><phone uuid="{…}"><name>SEP…</name>…</phone>…</return>
//! ```
//!
//! * `searchCriteria` (required, at least one of `name`, `description`, `protocol`,
//!   `callingSearchSpaceName`, `devicePoolName`, `securityProfileName`): every criterion must
//!   match; `%` matches any run of characters; comparison ignores case, as CUCM's does.
//! * `returnedTags` (required): only the tags named come back, in schema order (an empty
//!   `returnedTags` gives phones with only their `uuid` attribute); an unknown tag is a schema
//!   fault.
//! * `skip` is honoured only together with `first`. Phones come sorted by name.
//! * A response over the size limit gets "Query request too large", as `executeSQLQuery`.

use itl_wire::soap::Element;
use itl_wire::soap::axl::{QUERY_TOO_LARGE_CODE, query_too_large_message};
use itl_wire::soap::envelope::escape_text;

use crate::model::Cluster;
use crate::model::snapshot::PhoneSnapshot;
use crate::server::axl_request::{AxlRequest, axl_fault, bad_value};
use crate::server::soap::SoapResponse;
use crate::server::wildcard;

/// The operation name.
pub const LIST_PHONE: &str = "listPhone";

/// The search criteria `listPhone` takes.
pub const CRITERIA: [&str; 6] = [
    "name",
    "description",
    "protocol",
    "callingSearchSpaceName",
    "devicePoolName",
    "securityProfileName",
];

/// The tags `returnedTags` may name, in the order they are returned.
pub const TAGS: [&str; 13] = [
    "name",
    "description",
    "product",
    "model",
    "class",
    "protocol",
    "protocolSide",
    "callingSearchSpaceName",
    "devicePoolName",
    "commonPhoneConfigName",
    "locationName",
    "securityProfileName",
    "sipProfileName",
];

/// The value of a criterion or tag for a phone.
fn value<'a>(p: &'a PhoneSnapshot, tag: &str) -> &'a str {
    match tag {
        "name" => &p.name,
        "description" => &p.description,
        "product" | "model" => &p.model,
        "class" => "Phone",
        "protocol" => p.protocol,
        "protocolSide" => "User",
        "devicePoolName" => &p.device_pool,
        "commonPhoneConfigName" => "Standard Common Phone Profile",
        "locationName" => "Hub_None",
        "securityProfileName" => &p.security_profile,
        "sipProfileName" if p.protocol == "SIP" => "Standard SIP Profile",
        // No calling search space in the model; SCCP phones have no SIP profile.
        _ => "",
    }
}

/// Whether `text` matches `pattern` (`%` = any run of characters), ignoring case.
pub fn like(pattern: &str, text: &str) -> bool {
    wildcard::matches(&pattern.to_lowercase(), &text.to_lowercase(), '%')
}

/// A parsed `listPhone` request.
struct ListRequest {
    criteria: Vec<(String, String)>,
    tags: Vec<&'static str>,
    skip: usize,
    first: Option<usize>,
}

fn number(el: Option<&Element>) -> Result<Option<usize>, SoapResponse> {
    let Some(el) = el else { return Ok(None) };
    let text = el.text.trim();
    text.parse::<usize>()
        .map(Some)
        .map_err(|_| bad_value(text, "integer"))
}

fn parse(req: &AxlRequest) -> Result<ListRequest, SoapResponse> {
    let p = &req.payload;
    req.only_children(p, |n| {
        ["searchCriteria", "returnedTags", "skip", "first"].contains(&n)
    })?;
    let Some(search) = p.child("searchCriteria") else {
        return Err(req.missing("searchCriteria"));
    };
    req.only_children(search, |n| CRITERIA.contains(&n))?;
    let criteria: Vec<(String, String)> = search
        .children
        .iter()
        .map(|c| (c.name.clone(), c.text.trim().to_owned()))
        .collect();
    if criteria.is_empty() {
        return Err(req.missing(&CRITERIA.join(", ")));
    }
    let Some(returned) = p.child("returnedTags") else {
        return Err(req.missing("returnedTags"));
    };
    req.only_children(returned, |n| TAGS.contains(&n))?;
    let wanted: Vec<&str> = returned.children.iter().map(|t| t.name.as_str()).collect();
    let tags = TAGS.into_iter().filter(|t| wanted.contains(t)).collect();
    let skip = number(p.child("skip"))?.unwrap_or(0);
    let first = number(p.child("first"))?;
    Ok(ListRequest {
        criteria,
        tags,
        skip: if first.is_some() { skip } else { 0 },
        first,
    })
}

fn phone_xml(p: &PhoneSnapshot, tags: &[&str]) -> String {
    let mut out = format!("<phone uuid=\"{}\">", escape_text(&p.uuid));
    for tag in tags {
        let v = value(p, tag);
        let attr = if *tag == "devicePoolName" {
            format!(" uuid=\"{}\"", escape_text(&p.device_pool_uuid))
        } else {
            String::new()
        };
        if v.is_empty() {
            out.push_str(&format!("<{tag}{attr}/>"));
        } else {
            out.push_str(&format!("<{tag}{attr}>{}</{tag}>", escape_text(v)));
        }
    }
    out.push_str("</phone>");
    out
}

/// Answers a `listPhone` request; `max_bytes` is the response size limit.
pub fn answer(req: &AxlRequest, cluster: &Cluster, max_bytes: usize) -> SoapResponse {
    let list = match parse(req) {
        Ok(l) => l,
        Err(fault) => return fault,
    };
    let mut phones: Vec<PhoneSnapshot> = cluster
        .phones()
        .iter()
        .map(|p| cluster.phone_snapshot(p))
        .filter(|p| list.criteria.iter().all(|(k, pat)| like(pat, value(p, k))))
        .collect();
    phones.sort_by(|a, b| a.name.cmp(&b.name));
    let total = phones.len();
    let page: Vec<String> = phones
        .iter()
        .skip(list.skip)
        .take(list.first.unwrap_or(usize::MAX))
        .map(|p| phone_xml(p, &list.tags))
        .collect();
    let inner: String = page.concat();
    if inner.len() > max_bytes {
        let fitting = (page.len() as u128 * max_bytes as u128 / inner.len() as u128) as u64;
        return axl_fault(
            QUERY_TOO_LARGE_CODE,
            &query_too_large_message(total as u64, fitting.max(1)),
            LIST_PHONE,
        );
    }
    if inner.is_empty() {
        req.respond("<return/>")
    } else {
        req.respond(&format!("<return>{inner}</return>"))
    }
}
