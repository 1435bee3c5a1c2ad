//! One parser for a TFTP server's address, however it is written: on the command line
//! (`itl fetch --server`), in an inventory CSV (`tftp_server`) or in a cluster file (`tftp`,
//! `tftp_http`).
//!
//! | written | scheme | host | port |
//! |---|---|---|---|
//! | `ucm-pub`, `10.0.0.5` | none | as written | none |
//! | `10.0.0.5:1069` | none | `10.0.0.5` | 1069 |
//! | `tftp://ucm-pub[:port]` | TFTP | `ucm-pub` | as written, else none |
//! | `http://ucm-pub[:port]` | HTTP (6970) | `ucm-pub` | as written, else none |
//! | `[2001:db8::5]:69`, `tftp://[::1]` | as written | the IPv6 address | as written |
//! | `2001:db8::5` (bare IPv6) | none | the IPv6 address | none |
//!
//! Surrounding spaces and trailing `/` are ignored; schemes are case-insensitive. Host names
//! are letters, digits, `-`, `.` and `_`; a host with `:` must be an IPv6 address; ports are
//! 1 to 65535. A path (`tftp://host/ITLFile.tlv`), user information (`user@host`), a query
//! or any other scheme is refused with an [`AddressError`] saying why.
//!
//! `itl_cucm::TrustServer::from_address` turns the address into a server to fetch from: a scheme decides
//! the transport; without one, the reader's transport applies, and a port without scheme is
//! the port of the transport the reader names for bare ports (an inventory's `host:port` is a
//! TFTP address, as CUCM writes it; `itl fetch --server host:port --http` means HTTP on that
//! port).

use std::fmt;
use std::net::Ipv6Addr;

/// How trust files are fetched from a TFTP node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// TFTP over UDP (port 69), as phones do by default.
    Tftp,
    /// Plain HTTP on the TFTP service's port 6970.
    Http,
}

impl Transport {
    /// The service's well-known port: 69 (TFTP) or 6970 (HTTP).
    pub fn default_port(self) -> u16 {
        match self {
            Transport::Tftp => 69,
            Transport::Http => 6970,
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Tftp => "tftp",
            Transport::Http => "http",
        })
    }
}

/// At most this many characters of a rejected input are kept in the error.
const MAX_ECHO: usize = 100;

/// A parsed server address (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAddress {
    /// The scheme written (`tftp://`, `http://`), if any.
    pub scheme: Option<Transport>,
    /// Host name, IPv4 address or IPv6 address (without brackets).
    pub host: String,
    /// The port written, if any.
    pub port: Option<u16>,
}

/// Why a text is not a server address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a server address: {reason}")]
pub struct AddressError {
    input: String,
    reason: AddressErrorReason,
}

/// The reason inside an [`AddressError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressErrorReason {
    /// Nothing but spaces.
    #[error("it is empty")]
    Empty,
    /// A scheme other than `tftp://` and `http://`.
    #[error("the scheme {0:?} is not tftp:// or http://")]
    UnknownScheme(String),
    /// A scheme the reader does not take here (a `tftp` key holding `http://…`).
    #[error("expected a {expected} address, found {found}://")]
    WrongScheme {
        /// What the reader takes.
        expected: Transport,
        /// What was written.
        found: Transport,
    },
    /// No host before the port or after the scheme.
    #[error("there is no host")]
    NoHost,
    /// The port is not a number from 1 to 65535.
    #[error("the port {0:?} is not a number from 1 to 65535")]
    BadPort(String),
    /// `[` without `]`, or text between `]` and the port.
    #[error("the IPv6 brackets are not closed as [address]:port")]
    Brackets,
    /// A host with `:` that is not an IPv6 address.
    #[error("{0:?} is not an IPv6 address (a port follows a host after one `:`)")]
    NotIpv6(String),
    /// A character no host name has.
    #[error("the host has the character {0:?}")]
    BadCharacter(char),
    /// Something after the host and port (a file path, a query).
    #[error("a server address has no path ({0:?})")]
    Path(String),
}

impl AddressError {
    fn new(input: &str, reason: AddressErrorReason) -> Self {
        Self {
            input: input.chars().take(MAX_ECHO).collect(),
            reason,
        }
    }

    /// The rejected input (its first 100 characters).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why it was rejected.
    pub fn reason(&self) -> &AddressErrorReason {
        &self.reason
    }
}

fn scheme_of(name: &str) -> Result<Transport, AddressErrorReason> {
    if name.eq_ignore_ascii_case("tftp") {
        Ok(Transport::Tftp)
    } else if name.eq_ignore_ascii_case("http") {
        Ok(Transport::Http)
    } else {
        Err(AddressErrorReason::UnknownScheme(
            name.chars().take(MAX_ECHO).collect(),
        ))
    }
}

fn port_of(text: &str) -> Result<u16, AddressErrorReason> {
    let bad = || AddressErrorReason::BadPort(text.chars().take(MAX_ECHO).collect());
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad()),
        Ok(port) => Ok(port),
    }
}

fn check_name(host: &str) -> Result<(), AddressErrorReason> {
    if host.is_empty() {
        return Err(AddressErrorReason::NoHost);
    }
    match host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        Some(c) => Err(AddressErrorReason::BadCharacter(c)),
        None => Ok(()),
    }
}

fn ipv6(host: &str) -> Result<(), AddressErrorReason> {
    host.parse::<Ipv6Addr>()
        .map(|_| ())
        .map_err(|_| AddressErrorReason::NotIpv6(host.chars().take(MAX_ECHO).collect()))
}

impl ServerAddress {
    /// Parses an address as the module documentation describes.
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        Self::parse_inner(text).map_err(|reason| AddressError::new(text, reason))
    }

    fn parse_inner(text: &str) -> Result<Self, AddressErrorReason> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(AddressErrorReason::Empty);
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((name, rest)) => (Some(scheme_of(name)?), rest),
            None => (None, trimmed),
        };
        let rest = rest.trim_end_matches('/');
        if rest.is_empty() {
            return Err(AddressErrorReason::NoHost);
        }
        if let Some(at) = rest.find(['/', '?', '#']) {
            return Err(AddressErrorReason::Path(
                rest.get(at..)
                    .unwrap_or("")
                    .chars()
                    .take(MAX_ECHO)
                    .collect(),
            ));
        }
        let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
            let (host, after) = inner.split_once(']').ok_or(AddressErrorReason::Brackets)?;
            let port = match after {
                "" => None,
                _ => Some(port_of(
                    after
                        .strip_prefix(':')
                        .ok_or(AddressErrorReason::Brackets)?,
                )?),
            };
            if host.is_empty() {
                return Err(AddressErrorReason::NoHost);
            }
            ipv6(host)?;
            (host, port)
        } else if rest.contains(']') {
            return Err(AddressErrorReason::Brackets);
        } else {
            match rest.matches(':').count() {
                0 => {
                    check_name(rest)?;
                    (rest, None)
                }
                1 => {
                    let (host, port) = rest.split_once(':').unwrap_or((rest, ""));
                    check_name(host)?;
                    (host, Some(port_of(port)?))
                }
                _ => {
                    ipv6(rest)?;
                    (rest, None)
                }
            }
        };
        Ok(Self {
            scheme,
            host: host.to_owned(),
            port,
        })
    }

    /// Parses an address a reader takes for one transport only: `text` may name that
    /// scheme or none.
    pub fn parse_for(text: &str, expected: Transport) -> Result<Self, AddressError> {
        let address = Self::parse(text)?;
        match address.scheme {
            Some(found) if found != expected => Err(AddressError::new(
                text,
                AddressErrorReason::WrongScheme { expected, found },
            )),
            _ => Ok(address),
        }
    }
}

impl fmt::Display for ServerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scheme) = self.scheme {
            write!(f, "{scheme}://")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddressErrorReason as R;

    fn reason(text: &str) -> AddressErrorReason {
        ServerAddress::parse(text).expect_err(text).reason().clone()
    }

    #[test]
    fn every_documented_form() {
        let parsed = |t: &str| ServerAddress::parse(t).expect(t);
        let a = |scheme, host: &str, port| ServerAddress {
            scheme,
            host: host.into(),
            port,
        };
        assert_eq!(parsed("ucm-pub"), a(None, "ucm-pub", None));
        assert_eq!(parsed(" 10.0.0.5 "), a(None, "10.0.0.5", None));
        assert_eq!(parsed("10.0.0.5:1069"), a(None, "10.0.0.5", Some(1069)));
        assert_eq!(
            parsed("TFTP://ucm-pub.example.com"),
            a(Some(Transport::Tftp), "ucm-pub.example.com", None)
        );
        assert_eq!(
            parsed("http://ucm_pub:16970/"),
            a(Some(Transport::Http), "ucm_pub", Some(16970))
        );
        assert_eq!(parsed("[2001:db8::5]:69"), a(None, "2001:db8::5", Some(69)));
        assert_eq!(
            parsed("tftp://[::1]"),
            a(Some(Transport::Tftp), "::1", None)
        );
        assert_eq!(parsed("2001:db8::5"), a(None, "2001:db8::5", None));
        assert_eq!(parsed("[::1]:69").to_string(), "[::1]:69");
        assert_eq!(
            parsed("http://ucm-pub:16970/").to_string(),
            "http://ucm-pub:16970"
        );
    }

    #[test]
    fn every_rejection_says_why() {
        assert_eq!(reason(""), R::Empty);
        assert_eq!(reason("   "), R::Empty);
        assert_eq!(reason("ftp://x"), R::UnknownScheme("ftp".into()));
        assert_eq!(reason("https://x"), R::UnknownScheme("https".into()));
        assert_eq!(reason("http://"), R::NoHost);
        assert_eq!(reason("http:///"), R::NoHost);
        assert_eq!(reason(":69"), R::NoHost);
        assert_eq!(reason("[]:69"), R::NoHost);
        assert_eq!(reason("x:y"), R::BadPort("y".into()));
        assert_eq!(reason("x:"), R::BadPort(String::new()));
        assert_eq!(reason("x:0"), R::BadPort("0".into()));
        assert_eq!(reason("x:65536"), R::BadPort("65536".into()));
        assert_eq!(reason("x:+69"), R::BadPort("+69".into()));
        assert_eq!(reason("[::1"), R::Brackets);
        assert_eq!(reason("[::1]69"), R::Brackets);
        assert_eq!(reason("::1]"), R::Brackets);
        assert_eq!(reason("a:b:c"), R::NotIpv6("a:b:c".into()));
        assert_eq!(reason("[10.0.0.1]:69"), R::NotIpv6("10.0.0.1".into()));
        assert_eq!(reason("a b"), R::BadCharacter(' '));
        assert_eq!(reason("admin@ucm-pub"), R::BadCharacter('@'));
        assert_eq!(reason("ucm\u{1b}[2J"), R::BadCharacter('\u{1b}'));
        assert_eq!(
            reason("tftp://ucm-pub/ITLFile.tlv"),
            R::Path("/ITLFile.tlv".into())
        );
        assert_eq!(reason("ucm-pub?x=1"), R::Path("?x=1".into()));
        let e = ServerAddress::parse("x:y").expect_err("port");
        assert_eq!(
            e.to_string(),
            "\"x:y\" is not a server address: the port \"y\" is not a number from 1 to 65535"
        );
        assert_eq!(e.input(), "x:y");
        assert_eq!(
            ServerAddress::parse(&"a".repeat(500))
                .map(|a| a.host.len())
                .expect("long names are names"),
            500
        );
        assert_eq!(
            ServerAddress::parse(&format!("{}:x", "a b".repeat(100)))
                .expect_err("bad")
                .input()
                .chars()
                .count(),
            MAX_ECHO
        );
    }

    #[test]
    fn one_transport_readers() {
        assert_eq!(
            ServerAddress::parse_for("http://10.0.0.5:6970", Transport::Tftp)
                .expect_err("http in a tftp key")
                .reason(),
            &R::WrongScheme {
                expected: Transport::Tftp,
                found: Transport::Http
            }
        );
        assert!(ServerAddress::parse_for("10.0.0.5:69", Transport::Tftp).is_ok());
        assert!(ServerAddress::parse_for("tftp://10.0.0.5", Transport::Tftp).is_ok());
    }
}
