//! `utils sso status`: whether SAML single sign-on is enabled. (inferred) The documents give
//! no transcript; they say only that with SSO the IdP trusts the node's tomcat certificate
//! (`trust-and-procedure.md` §5.1 step 7: "SSO: re-exchange metadata with the IdP") and that
//! `Cisco SSOSP Tomcat` needs a restart after a tomcat regeneration (`cucm-interfaces.md`
//! §6.5). The format below is what we expect and test; the parser is tolerant.
//!
//! ```text
//! SSO Status: SAML SSO Enabled
//! IdP Metadata Imported Date = Mon Jun 02 10:00:00 UTC 2025
//! SP Metadata Exported Date = Mon Jun 02 10:05:00 UTC 2025
//! SSO Test Result Date = Mon Jun 02 10:10:00 UTC 2025
//! SSO Test Result = passed
//! ```
//! or `SSO Status: Disabled`.
//!
//! | the first line naming SSO says (case-insensitive) | [`SsoStatus::enabled`] |
//! |---|---|
//! | `disabled`, `not enabled`, `not configured` | false |
//! | `enabled` | true |
//! | neither | (keep looking; none at all is an error) |

use super::{ParseError, status_and_details};

/// `utils sso status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoStatus {
    /// SAML SSO is enabled.
    pub enabled: bool,
    /// The line that says so.
    pub line: String,
    /// The other non-empty lines (metadata dates, test result).
    pub details: Vec<String>,
}

/// Parses `utils sso status` (inferred).
pub fn parse(text: &str) -> Result<SsoStatus, ParseError> {
    let (enabled, line, details) = status_and_details(
        text,
        "utils sso status",
        "no line saying SSO is enabled or disabled",
        |_, t| {
            let lower = t.to_ascii_lowercase();
            let off = lower.contains("disabled")
                || lower.contains("not enabled")
                || lower.contains("not configured");
            Ok((lower.contains("sso") && (off || lower.contains("enabled"))).then_some(!off))
        },
        |_| true,
    )?;
    Ok(SsoStatus {
        enabled,
        line,
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enabled_with_details_and_disabled() {
        let s = parse(
            "admin:utils sso status\nSSO Status: SAML SSO Enabled\nIdP Metadata Imported Date = Mon Jun 02 10:00:00 UTC 2025\nSSO Test Result = passed\n\nadmin:",
        )
        .expect("parses");
        assert!(s.enabled);
        assert_eq!(s.line, "SSO Status: SAML SSO Enabled");
        assert_eq!(
            s.details,
            [
                "IdP Metadata Imported Date = Mon Jun 02 10:00:00 UTC 2025",
                "SSO Test Result = passed"
            ]
        );
        for (text, enabled) in [
            ("SSO Status: Disabled", false),
            ("sso status :   SAML SSO not enabled", false),
            ("SAML SSO is not configured on this cluster", false),
            ("SSO status: enabled", true),
        ] {
            assert_eq!(parse(text).map(|s| s.enabled), Ok(enabled), "{text}");
        }
        assert!(parse("No valid command entered\n").is_err());
        assert!(parse("SSO Status:\n").is_err());
        assert!(parse("").is_err());
    }
}
