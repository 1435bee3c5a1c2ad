//! SOAP 1.1 envelopes and faults: a small element tree parsed with quick-xml, matched by
//! **local name** only (prefixes vary between releases and CUCM 14+ moved `xmlns:xsi` to the
//! top-level response element), plus the string builders both sides use.
//!
//! Parsing never panics on input: malformed XML, a `DOCTYPE`, unknown entities, nesting deeper
//! than [`MAX_DEPTH`] and bytes that are not UTF-8 are all [`XmlError`]s.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Namespace of SOAP 1.1 envelopes.
pub const SOAP_ENV_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Deepest element nesting accepted by [`parse_xml`].
pub const MAX_DEPTH: usize = 64;

/// The XML declaration every builder in this module starts with.
pub const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// One XML element: local name, resolved namespace, direct text and child elements.
///
/// Attributes are not kept: no field the tool reads is carried in one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Local name (the part after any prefix).
    pub name: String,
    /// Namespace URI the element's prefix (or the default namespace) resolves to.
    pub namespace: Option<String>,
    /// Concatenated character data directly inside this element (text, CDATA and
    /// resolved references), not trimmed.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// The first child element with local name `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All child elements with local name `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`, trimmed.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// The text of the first child named `name`, trimmed, or `None` when the child is
    /// missing or empty.
    pub fn child_text_nonempty(&self, name: &str) -> Option<&str> {
        self.child_text(name).filter(|t| !t.is_empty())
    }

    /// The element reached by following child local names in order.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |el, name| el.child(name))
    }

    /// The first element named `name` in this subtree (depth first, `self` included).
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }

    /// Whether the element has child elements.
    pub fn has_children(&self) -> bool {
        !self.children.is_empty()
    }
}

/// Input that is not well-formed XML (or uses features refused here).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// The bytes are not UTF-8.
    #[error("not UTF-8 (valid up to byte {valid_up_to})")]
    NotUtf8 {
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },
    /// The XML parser rejected the input.
    #[error("XML syntax error at byte {position}: {message}")]
    Syntax {
        /// Byte offset of the error.
        position: u64,
        /// The parser's description.
        message: String,
    },
    /// A document type declaration; SOAP forbids them and they are never sent by CUCM.
    #[error("DOCTYPE is not allowed in SOAP messages")]
    Doctype,
    /// Elements nested deeper than the limit.
    #[error("elements nested deeper than {limit}")]
    TooDeep {
        /// The limit ([`MAX_DEPTH`]).
        limit: usize,
    },
    /// An entity reference other than the five predefined ones or a character reference.
    #[error("unknown or invalid entity reference &{0};")]
    UnknownEntity(String),
    /// No root element.
    #[error("no root element")]
    NoRoot,
    /// The document ended inside an element.
    #[error("document ends inside element <{0}>")]
    Unclosed(String),
    /// Content after the root element, or text outside any element.
    #[error("content outside the root element")]
    OutsideRoot,
}

/// Parses `input` into an element tree.
pub fn parse_xml(input: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(input).map_err(|e| XmlError::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (resolved(ns), event),
            Err(e) => {
                return Err(XmlError::Syntax {
                    position: reader.error_position(),
                    message: e.to_string(),
                });
            }
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(XmlError::OutsideRoot);
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep { limit: MAX_DEPTH });
                }
                stack.push(Element {
                    name: start.local_name().into_inner().to_owned(),
                    namespace,
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep { limit: MAX_DEPTH });
                }
                let element = Element {
                    name: start.local_name().into_inner().to_owned(),
                    namespace,
                    ..Element::default()
                };
                attach(&mut stack, &mut root, element);
            }
            Event::End(_) => match stack.pop() {
                Some(element) => attach(&mut stack, &mut root, element),
                None => return Err(XmlError::OutsideRoot),
            },
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(XmlError::OutsideRoot),
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(top) => top.text.push_str(&c.xml10_content()),
                None => return Err(XmlError::OutsideRoot),
            },
            Event::GeneralRef(r) => {
                let Some(top) = stack.last_mut() else {
                    return Err(XmlError::OutsideRoot);
                };
                let name: &str = &r;
                if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(ch)) if is_xml_char(ch) => top.text.push(ch),
                        _ => return Err(XmlError::UnknownEntity(name.to_owned())),
                    }
                } else {
                    match quick_xml::escape::resolve_predefined_entity(name) {
                        Some(s) => top.text.push_str(s),
                        None => return Err(XmlError::UnknownEntity(name.to_owned())),
                    }
                }
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => {
                if let Some(open) = stack.pop() {
                    return Err(XmlError::Unclosed(open.name));
                }
                return root.ok_or(XmlError::NoRoot);
            }
        }
    }
}

fn resolved(ns: ResolveResult<'_>) -> Option<String> {
    match ns {
        ResolveResult::Bound(ns) => Some(ns.into_inner().to_owned()),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A SOAP fault: `faultcode`, `faultstring` and the leaves of `detail`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SoapFault {
    /// `faultcode` as sent, e.g. `soapenv:Server` (SOAP 1.2: `Code/Value`).
    pub code: String,
    /// `faultstring`, trimmed (SOAP 1.2: `Reason/Text`).
    pub message: String,
    /// Leaf elements under `detail`, as (local name, trimmed text), in document order;
    /// for AXL e.g. `axlcode`, `axlmessage`, `request`.
    pub detail: Vec<(String, String)>,
}

impl SoapFault {
    /// A fault with code `soapenv:Client`: the request was at fault.
    pub fn client(message: impl Into<String>) -> Self {
        Self {
            code: "soapenv:Client".to_owned(),
            message: message.into(),
            detail: Vec::new(),
        }
    }

    /// A fault with code `soapenv:Server`.
    pub fn server(message: impl Into<String>) -> Self {
        Self {
            code: "soapenv:Server".to_owned(),
            message: message.into(),
            detail: Vec::new(),
        }
    }

    /// The text of the first detail leaf named `name`.
    pub fn detail_value(&self, name: &str) -> Option<&str> {
        self.detail
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// AXL's `detail/axlError/axlcode`, when present and numeric.
    pub fn axl_code(&self) -> Option<i64> {
        self.detail_value("axlcode")?.trim().parse().ok()
    }

    /// Reads a fault from its `Fault` element (SOAP 1.1 or 1.2 shape).
    pub fn from_element(fault: &Element) -> Self {
        let code = fault
            .child_text("faultcode")
            .or_else(|| fault.path(&["Code", "Value"]).map(|e| e.text.trim()))
            .unwrap_or_default()
            .to_owned();
        let message = fault
            .child_text("faultstring")
            .or_else(|| fault.path(&["Reason", "Text"]).map(|e| e.text.trim()))
            .unwrap_or_default()
            .to_owned();
        let mut detail = Vec::new();
        if let Some(d) = fault.child("detail").or_else(|| fault.child("Detail")) {
            collect_leaves(d, &mut detail);
        }
        Self {
            code,
            message,
            detail,
        }
    }

    /// This fault as a complete envelope (no `detail`).
    pub fn to_xml(&self) -> String {
        fault_response(&self.code, &self.message)
    }
}

fn collect_leaves(el: &Element, out: &mut Vec<(String, String)>) {
    for child in &el.children {
        if child.has_children() {
            collect_leaves(child, out);
        } else {
            out.push((child.name.clone(), child.text.trim().to_owned()));
        }
    }
}

impl fmt::Display for SoapFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault {}: {}", self.code, self.message)
    }
}

impl std::error::Error for SoapFault {}

/// A failed SOAP exchange at the message level (the HTTP layer is [`super::ClientError`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SoapError {
    /// The body is not well-formed XML.
    #[error("malformed XML: {0}")]
    Xml(#[from] XmlError),
    /// Well-formed XML, but not a SOAP envelope with a body.
    #[error("not a SOAP envelope: {0}")]
    NotSoap(String),
    /// A SOAP body, but not the expected response.
    #[error("unexpected SOAP response: {0}")]
    Unexpected(String),
    /// A request that cannot be built (e.g. too many items).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// AXL: the result exceeds the response size limit; page with `SKIP n FIRST m`.
    #[error("AXL query too large (total rows {}, suggested fetch below {}): {}",
        opt(.total_rows), opt(.suggested_rows), .fault.message)]
    QueryTooLarge {
        /// "Total rows matched", when the text carries it.
        total_rows: Option<u64>,
        /// The suggested row fetch ("less than N"), when the text carries it.
        suggested_rows: Option<u64>,
        /// The fault as received.
        fault: Box<SoapFault>,
    },
    /// AXL: "Maximum AXL Memory Allocation Consumed"; back off and retry one at a time.
    #[error("AXL memory exhausted: {}", .0.message)]
    AxlMemory(Box<SoapFault>),
    /// RisPort / Control Center / PerfMon: "Exceeded allowed rate …".
    #[error("rate limited (allowed {} requests per minute): {}", opt(.allowed_per_minute), .fault.message)]
    RateLimited {
        /// The allowed rate stated in the fault text.
        allowed_per_minute: Option<u32>,
        /// The fault as received.
        fault: Box<SoapFault>,
    },
    /// Any other fault.
    #[error("{0}")]
    Fault(Box<SoapFault>),
}

fn opt<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "unknown".to_owned(), T::to_string)
}

impl SoapError {
    /// Classifies a fault by its text: query too large, AXL memory, rate limit, or other.
    pub fn from_fault(fault: SoapFault) -> Self {
        let lower = fault.message.to_ascii_lowercase();
        if lower.contains("query request too large") || find_suggest_fetch(&lower).is_some() {
            let total_rows = lower
                .find("total rows matched")
                .and_then(|i| first_number(&lower[i..]));
            let suggested_rows = find_suggest_fetch(&lower).and_then(|i| first_number(&lower[i..]));
            return SoapError::QueryTooLarge {
                total_rows,
                suggested_rows,
                fault: Box::new(fault),
            };
        }
        if lower.contains("maximum axl memory allocation consumed") {
            return SoapError::AxlMemory(Box::new(fault));
        }
        if lower.contains("exceeded allowed rate") {
            let allowed_per_minute = lower
                .find("requests per minute")
                .and_then(|i| last_number(&lower[..i]))
                .and_then(|n| u32::try_from(n).ok());
            return SoapError::RateLimited {
                allowed_per_minute,
                fault: Box::new(fault),
            };
        }
        SoapError::Fault(Box::new(fault))
    }

    /// The fault behind this error, if it is one.
    pub fn fault(&self) -> Option<&SoapFault> {
        match self {
            SoapError::QueryTooLarge { fault, .. } | SoapError::RateLimited { fault, .. } => {
                Some(fault)
            }
            SoapError::AxlMemory(fault) | SoapError::Fault(fault) => Some(fault),
            _ => None,
        }
    }

    /// Whether this is the rate-limit fault.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, SoapError::RateLimited { .. })
    }
}

/// Byte offset just after a lenient `suggest\w*\s+row\s+fetch` match in lower-case `s`.
fn find_suggest_fetch(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("suggest") {
        let start = from + i + "suggest".len();
        let rest = &s[start..];
        let word = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let after = rest[word..].trim_start();
        if let Some(after) = after.strip_prefix("row")
            && after.starts_with(char::is_whitespace)
            && let Some(after) = after.trim_start().strip_prefix("fetch")
        {
            return Some(s.len() - after.len());
        }
        from = start;
    }
    None
}

fn first_number(s: &str) -> Option<u64> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let rest = &s[start..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn last_number(s: &str) -> Option<u64> {
    // ASCII digits are one byte each: `end` and `start` fall on character boundaries even when
    // a multi-byte character precedes the digits.
    let end = s.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = s[..end]
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .len();
    s[start..end].parse().ok()
}

/// Parses a SOAP envelope and returns the first element inside `Body` (the operation or its
/// response). A `Fault` there becomes [`SoapError::from_fault`].
pub fn parse_envelope(input: &[u8]) -> Result<Element, SoapError> {
    let root = parse_xml(input)?;
    body_payload(root)
}

/// [`parse_envelope`] on an already parsed document.
pub fn body_payload(root: Element) -> Result<Element, SoapError> {
    if root.name != "Envelope" {
        return Err(SoapError::NotSoap(format!(
            "root element is <{}>, not <Envelope>",
            root.name
        )));
    }
    let Some(body) = root.children.into_iter().find(|c| c.name == "Body") else {
        return Err(SoapError::NotSoap("no <Body> in the envelope".to_owned()));
    };
    let Some(payload) = body.children.into_iter().next() else {
        return Err(SoapError::NotSoap("empty <Body>".to_owned()));
    };
    if payload.name == "Fault" {
        return Err(SoapError::from_fault(SoapFault::from_element(&payload)));
    }
    Ok(payload)
}

/// [`parse_envelope`] for a server: any failure becomes a `soapenv:Client` fault to answer with.
pub fn parse_request_envelope(input: &[u8]) -> Result<Element, SoapFault> {
    parse_envelope(input).map_err(|e| match e {
        SoapError::Xml(x) => SoapFault::client(format!("malformed XML: {x}")),
        other => SoapFault::client(other.to_string()),
    })
}

/// [`parse_envelope`] for the answer to one operation: the payload must be one of `names`
/// (the response element's local name); another is [`SoapError::Unexpected`]
/// (`expected <first name>, found <payload>`). An empty `names` takes any payload.
pub fn parse_response_named(input: &[u8], names: &[&str]) -> Result<Element, SoapError> {
    one_of(parse_envelope(input), names, |expected, found| {
        SoapError::Unexpected(format!("expected <{expected}>, found <{found}>"))
    })
}

/// [`parse_request_envelope`] for a server that answers the operations `names`: another
/// operation is a client fault (`expected <first name>, found <payload>`, without brackets).
/// An empty `names` takes any payload.
pub fn parse_request_named(input: &[u8], names: &[&str]) -> Result<Element, SoapFault> {
    one_of(parse_request_envelope(input), names, |expected, found| {
        SoapFault::client(format!("expected {expected}, found {found}"))
    })
}

/// `payload` when its name is one of `names` (or `names` is empty), else the error
/// `unexpected` makes from the first name and the payload's.
fn one_of<E>(
    payload: Result<Element, E>,
    names: &[&str],
    unexpected: impl FnOnce(&str, &str) -> E,
) -> Result<Element, E> {
    let payload = payload?;
    match names.first() {
        Some(expected) if !names.contains(&payload.name.as_str()) => {
            Err(unexpected(expected, &payload.name))
        }
        _ => Ok(payload),
    }
}

/// Escapes character data for element content; characters not allowed in XML 1.0 become
/// U+FFFD.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    let cleaned: Cow<'_, str> = if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    };
    match cleaned {
        Cow::Borrowed(b) => quick_xml::escape::escape(b),
        Cow::Owned(o) => Cow::Owned(quick_xml::escape::escape(o.as_str()).into_owned()),
    }
}

/// Wraps `s` in CDATA, splitting any `]]>`; invalid XML characters become U+FFFD.
pub fn cdata(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
        .collect();
    format!("<![CDATA[{}]]>", cleaned.replace("]]>", "]]]]><![CDATA[>"))
}

/// `s` made into a valid XML element name: invalid characters become `_`, and a name that
/// would start with something other than a letter or `_` gets a leading `_`.
pub fn xml_name(s: &str) -> Cow<'_, str> {
    let valid_start = s
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    let valid_rest = s
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if valid_start && valid_rest {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 1);
    if !valid_start {
        out.push('_');
    }
    out.extend(s.chars().map(|c| {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
            c
        } else {
            '_'
        }
    }));
    Cow::Owned(out)
}

/// A request envelope: declaration, `soapenv` plus one operation prefix, an empty `Header`
/// and `body` (already serialised) inside `Body`.
pub fn request_envelope(prefix: &str, namespace: &str, body: &str) -> String {
    format!(
        r#"{XML_DECL}<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NS}" xmlns:{prefix}="{}"><soapenv:Header/><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"#,
        escape_text(namespace)
    )
}

/// A response envelope: declaration, `soapenv` and `body` (already serialised, declaring its
/// own namespace) inside `Body`.
pub fn response_envelope(body: &str) -> String {
    format!(
        r#"{XML_DECL}<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NS}"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"#
    )
}

/// A fault envelope with `faultcode` and `faultstring` and no detail.
pub fn fault_response(code: &str, message: &str) -> String {
    fault_response_with_detail(code, message, None)
}

/// A fault envelope; `detail_inner` is serialised XML placed inside `<detail>`.
pub fn fault_response_with_detail(code: &str, message: &str, detail_inner: Option<&str>) -> String {
    let detail = detail_inner.map_or_else(String::new, |d| format!("<detail>{d}</detail>"));
    response_envelope(&format!(
        "<soapenv:Fault><faultcode>{}</faultcode><faultstring>{}</faultstring>{detail}</soapenv:Fault>",
        escape_text(code),
        escape_text(message)
    ))
}

/// The value of a `SOAPAction` header without surrounding whitespace and quotes.
pub fn soap_action_value(header: &str) -> &str {
    let trimmed = header.trim();
    trimmed
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(trimmed)
        .trim()
}

/// Serialises a leaf element `<prefix:name>text</prefix:name>` (`<name/>` form when empty and
/// `prefix` is empty).
pub(crate) fn leaf(prefix: &str, name: &str, text: &str) -> String {
    let qname = if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}:{name}")
    };
    if text.is_empty() && prefix.is_empty() {
        format!("<{qname}/>")
    } else {
        format!("<{qname}>{}</{qname}>", escape_text(text))
    }
}
