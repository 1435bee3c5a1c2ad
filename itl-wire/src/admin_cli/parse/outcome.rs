//! The success lines of the commands that change a node (`cucm-interfaces.md` §6.2).
//!
//! | command | success anchor (case-insensitive) | also read |
//! |---|---|---|
//! | `set cert regen <unit>` | `Successfully Regenerated Certificate for <unit>.` | the restart advice (`You must restart (the) services related to <unit> …`) |
//! | `utils ctl update CTLFile` | `CTL file Updated` | `Updating CTL file`, the restart advice `Please Restart the TFTP and Cisco CallManager services …` |
//! | `utils itl reset localkey` | `The reset ITL file was generated successfully` | `Number of Active TFTP servers in the cluster : <n>`, each `Successfully transferred reset ITL to node <host>` |
//! | `utils ctl reset localkey` | `The reset CTL file was generated successfully` (inferred, by analogy with the ITL wording) | — |
//! | `utils ipsec restart` | `Successfully Restarted IPsec Service` | — |
//! | `set cli pagination off` | `Automatic pagination is turned off` | — |
//!
//! Without the anchor the parser fails, naming the line that most looks like the reason
//! (one mentioning an error, a failure or `unsuccessful`; else the last non-empty line).

use super::{Line, ParseError, body, has};

/// `set cert regen` succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegenOutcome {
    /// The unit named by the success line.
    pub unit: String,
    /// The restart advice, when printed.
    pub restart_advice: Option<String>,
}

/// `utils ctl update CTLFile` succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CtlUpdateOutcome {
    /// The restart advice, when printed.
    pub restart_advice: Option<String>,
}

/// `utils itl reset localkey` succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItlResetOutcome {
    /// `Number of Active TFTP servers in the cluster : <n>`, when printed.
    pub tftp_servers: Option<u32>,
    /// Hosts from `Successfully transferred reset ITL to node <host>`.
    pub transferred_to: Vec<String>,
}

impl ItlResetOutcome {
    /// Every announced TFTP server received the reset ITL.
    pub fn complete(&self) -> bool {
        self.tftp_servers
            .is_some_and(|n| n as usize == self.transferred_to.len())
    }
}

fn failure(what: &'static str, lines: &[Line<'_>], reason: &str) -> ParseError {
    let telling = lines.iter().find(|l| {
        let s = l.text.to_ascii_lowercase();
        s.contains("error") || s.contains("fail") || s.contains("unsuccessful")
    });
    let last = lines.iter().rev().find(|l| !l.text.trim().is_empty());
    match telling.or(last) {
        Some(line) => ParseError::at(what, line, reason),
        None => ParseError::missing(what, reason),
    }
}

/// Parses `set cert regen <unit>` output.
pub fn parse_regen(text: &str, unit: &str) -> Result<RegenOutcome, ParseError> {
    const WHAT: &str = "set cert regen";
    let lines = body(text);
    let anchor = "successfully regenerated certificate for";
    let mut found = None;
    let mut advice = None;
    for line in &lines {
        let t = line.text.trim();
        if has(t, anchor) {
            let lower = t.to_ascii_lowercase();
            let start = lower.find("for ").map_or(t.len(), |i| i + 4);
            let named = t
                .get(start..)
                .unwrap_or_default()
                .trim()
                .trim_end_matches('.')
                .to_owned();
            found = Some(named);
        } else if has(t, "restart") && has(t, "services related to") {
            advice = Some(t.to_owned());
        }
    }
    match found {
        Some(named) if named.eq_ignore_ascii_case(unit) => Ok(RegenOutcome {
            unit: named,
            restart_advice: advice,
        }),
        Some(named) => Err(failure(
            WHAT,
            &lines,
            &format!("regenerated {named}, not {unit}"),
        )),
        None => Err(failure(
            WHAT,
            &lines,
            &format!("no 'Successfully Regenerated Certificate for {unit}.' line"),
        )),
    }
}

/// Parses `utils ctl update CTLFile` output.
pub fn parse_ctl_update(text: &str) -> Result<CtlUpdateOutcome, ParseError> {
    const WHAT: &str = "utils ctl update CTLFile";
    let lines = body(text);
    let mut updated = false;
    let mut advice = None;
    for line in &lines {
        let t = line.text.trim();
        if has(t, "ctl file updated") {
            updated = true;
        } else if has(t, "please restart the tftp") {
            advice = Some(t.to_owned());
        }
    }
    if updated {
        Ok(CtlUpdateOutcome {
            restart_advice: advice,
        })
    } else {
        Err(failure(WHAT, &lines, "no 'CTL file Updated' line"))
    }
}

/// Parses `utils itl reset localkey` output.
pub fn parse_itl_reset(text: &str) -> Result<ItlResetOutcome, ParseError> {
    const WHAT: &str = "utils itl reset localkey";
    let lines = body(text);
    let mut generated = false;
    let mut out = ItlResetOutcome {
        tftp_servers: None,
        transferred_to: Vec::new(),
    };
    for line in &lines {
        let t = line.text.trim();
        if has(t, "reset itl file was generated successfully") {
            generated = true;
        } else if has(t, "number of active tftp servers") {
            out.tftp_servers = t.rsplit(':').next().and_then(|n| n.trim().parse().ok());
            if out.tftp_servers.is_none() {
                return Err(ParseError::at(WHAT, line, "unreadable server count"));
            }
        } else if has(t, "successfully transferred reset itl to node") {
            let host = t.split_whitespace().last().unwrap_or_default();
            out.transferred_to.push(host.to_owned());
        }
    }
    if generated {
        Ok(out)
    } else {
        Err(failure(
            WHAT,
            &lines,
            "no 'The reset ITL file was generated successfully' line",
        ))
    }
}

/// Parses `utils ctl reset localkey` output (inferred success line).
pub fn parse_ctl_reset(text: &str) -> Result<(), ParseError> {
    anchored(
        "utils ctl reset localkey",
        text,
        "The reset CTL file was generated successfully",
    )
}

/// Parses `utils ipsec restart` output.
pub fn parse_ipsec_restart(text: &str) -> Result<(), ParseError> {
    anchored(
        "utils ipsec restart",
        text,
        "Successfully Restarted IPsec Service",
    )
}

/// Output that says nothing more than its success line: `Ok` when a line contains `anchor`
/// (case-insensitive), else the failure of `what` for the missing line.
fn anchored(what: &'static str, text: &str, anchor: &str) -> Result<(), ParseError> {
    let lines = body(text);
    if lines.iter().any(|l| has(l.text, anchor)) {
        Ok(())
    } else {
        Err(failure(what, &lines, &format!("no '{anchor}' line")))
    }
}

/// Whether `set cli pagination off` answered `Automatic pagination is turned off`.
pub fn parse_pagination_off(text: &str) -> bool {
    body(text)
        .iter()
        .any(|l| super::super::recognise::pagination_off(l.text))
}
