//! The links a phone's page offers, so a runner can find the pages of layouts whose paths
//! differ from the usual `/CGI/Java/Serviceability?adapter=…` (`cucm-interfaces.md` §8.2,
//! §8.6): DX-series phones link `/?adapter=device.statistics.configuration` and keep security
//! data on a separate page (`/?adapter=device.statistics.security`); 7940/7960 pages link
//! `/NetworkConfiguration` and `/DeviceLog?0`.
//!
//! Only links to the same phone are listed: paths that start with one `/` (no scheme, no
//! `//host`), with the fragment removed.

use super::entities::plain_text;
use super::html::{Token, tokens};

/// Most links kept from one page.
pub const MAX_LINKS: usize = 256;
/// Longest link path kept, in bytes.
pub const MAX_LINK_BYTES: usize = 512;

/// What a linked page holds, from its path or its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// Network Setup / Network Configuration (`device.statistics.configuration`,
    /// `/NetworkConfiguration`).
    NetworkSetup,
    /// Status messages (`device.settings.status.messages`; a link titled `Status messages`).
    StatusMessages,
    /// Security information (`device.statistics.security`; a link titled `Security…`).
    Security,
    /// Device information (`device.statistics.device`, `/DeviceInformation`).
    DeviceInformation,
    /// Anything else.
    Other,
}

impl PageKind {
    /// The kind of a link by its path, then by its text (case-insensitive).
    pub fn of(path: &str, text: &str) -> Self {
        let p = path.to_ascii_lowercase();
        let adapter = p
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or("")
            .split('&')
            .find_map(|kv| {
                kv.strip_prefix("adapter=")
                    .or_else(|| kv.strip_prefix("adapterx="))
            })
            .unwrap_or("");
        let route = p.split('?').next().unwrap_or("");
        match adapter {
            "device.statistics.configuration" => return PageKind::NetworkSetup,
            "device.settings.status.messages" => return PageKind::StatusMessages,
            "device.statistics.security" => return PageKind::Security,
            "device.statistics.device" => return PageKind::DeviceInformation,
            "" => {}
            _ => return PageKind::Other,
        }
        match route {
            "/networkconfiguration" => return PageKind::NetworkSetup,
            "/deviceinformation" => return PageKind::DeviceInformation,
            _ => {}
        }
        let t = text.to_ascii_lowercase();
        if t.starts_with("status messages") {
            PageKind::StatusMessages
        } else if t.starts_with("security information") || t == "security" {
            PageKind::Security
        } else if t.starts_with("network setup") || t.starts_with("network configuration") {
            PageKind::NetworkSetup
        } else {
            PageKind::Other
        }
    }
}

/// One link of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageLink {
    /// The path and query (`/?adapter=device.statistics.security`), references decoded.
    pub path: String,
    /// The link text, cleaned.
    pub text: String,
    /// What it leads to.
    pub kind: PageKind,
}

/// The links of a page to the same phone, in page order, without repeats (same path).
pub fn page_links(document: &str) -> Vec<PageLink> {
    let mut out: Vec<PageLink> = Vec::new();
    let mut open: Option<(String, String)> = None;
    let close = |open: &mut Option<(String, String)>, out: &mut Vec<PageLink>| {
        if let Some((path, raw)) = open.take()
            && out.len() < MAX_LINKS
            && !out.iter().any(|l| l.path == path)
        {
            let text = plain_text(&raw);
            let kind = PageKind::of(&path, &text);
            out.push(PageLink { path, text, kind });
        }
    };
    for token in tokens(document) {
        match &token {
            Token::Start { name, .. } if name == "a" => {
                close(&mut open, &mut out);
                open = token
                    .attribute("href")
                    .and_then(local_path)
                    .map(|p| (p, String::new()));
            }
            Token::End(name) if name == "a" => close(&mut open, &mut out),
            Token::Text(text) => {
                if let Some((_, raw)) = open.as_mut()
                    && raw.len() < 1024
                {
                    raw.push_str(text);
                }
            }
            _ => {}
        }
    }
    close(&mut open, &mut out);
    out
}

/// The first link of a kind.
pub fn link_of(links: &[PageLink], kind: PageKind) -> Option<&PageLink> {
    links.iter().find(|l| l.kind == kind)
}

/// A link target as a path on the same phone, or `None` (another host, a scheme, a
/// fragment-only link, control characters, too long).
fn local_path(href: &str) -> Option<String> {
    let href = href.trim();
    let path = href.split('#').next().unwrap_or("");
    if !path.starts_with('/')
        || path.starts_with("//")
        || path.starts_with("/\\")
        || path.len() > MAX_LINK_BYTES
        || path.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return None;
    }
    Some(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dx_links_by_path() {
        let page = "<a href=\"/?adapter=device.statistics.device\">Device information</a>\
<A HREF=\"/?adapter=device.statistics.configuration\">Network setup</A>\
<a href='/?adapter=device.statistics.security'>Security information</a>\
<a href=\"/?adapter=device.settings.status.messages\">Status messages</a>\
<a href=\"/?adapter=device.statistics.port.network\">Network</a>";
        let links = page_links(page);
        let kinds: Vec<(&str, PageKind)> =
            links.iter().map(|l| (l.path.as_str(), l.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (
                    "/?adapter=device.statistics.device",
                    PageKind::DeviceInformation
                ),
                (
                    "/?adapter=device.statistics.configuration",
                    PageKind::NetworkSetup
                ),
                ("/?adapter=device.statistics.security", PageKind::Security),
                (
                    "/?adapter=device.settings.status.messages",
                    PageKind::StatusMessages
                ),
                ("/?adapter=device.statistics.port.network", PageKind::Other),
            ]
        );
        assert_eq!(links[2].text, "Security information");
        assert_eq!(
            link_of(&links, PageKind::Security).map(|l| l.path.as_str()),
            Some("/?adapter=device.statistics.security")
        );
    }

    #[test]
    fn classic_links_by_path_and_text() {
        let page = "<A HREF=\"/DeviceInformation\">Device Information</A> | \
<A HREF=\"/NetworkConfiguration\">Network Configuration</A> | \
<A HREF=\"/DeviceLog?0\"><FONT SIZE=2>Status Messages</FONT></A>\
<A HREF=\"/DeviceLog?1\">Debug Display</A>";
        let links = page_links(page);
        assert_eq!(
            links.iter().map(|l| l.kind).collect::<Vec<_>>(),
            vec![
                PageKind::DeviceInformation,
                PageKind::NetworkSetup,
                PageKind::StatusMessages,
                PageKind::Other
            ]
        );
        assert_eq!(links[2].path, "/DeviceLog?0");
    }

    #[test]
    fn reject_twin_links_elsewhere_are_not_listed() {
        let page = "<a href=\"http://evil.example/x\">Network setup</a>\
<a href=\"//evil.example/x\">Status messages</a><a href=\"#top\">top</a>\
<a href=\"javascript:alert(1)\">x</a><a href=\"/a b\">space</a><a>no href</a>\
<a href=\"/ok#frag\">ok</a><a href=\"/ok\">again</a>";
        let links = page_links(page);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].path, "/ok");
        assert_eq!(links[0].text, "ok");
    }
}
