//! One plan line to one [`Step`]: the words, the `@` target, the usual CUCM spellings.

use crate::cucm::{CertUnit, Service};

use super::step::{GateKind, Step, Target};

/// The longest `wait`: a longer one is a typo, not a plan.
pub const MAX_WAIT_SECONDS: u64 = 7 * 86_400;

/// Every step form, for the message about an unknown line.
const STEP_FORMS: &str = "regen <unit> @<node|all>, ctl update, restart|stop|start <service> @<node|all>, ipsec restart @<node|all>, reset phones [@<device pool>], wait <duration>, gate <services|files|registered|trust>, itl reset localkey, ctl reset localkey, delete old-trust @<node|all>, reissue lsc [@<device pool>], backup";

/// `<words> [@<device pool>|@all]`: `None` when the words are not `expected`; `@all` means
/// every phone, as no pool does.
fn pool_step(
    rest: &str,
    expected: &str,
    make: fn(Option<String>) -> Step,
) -> Option<Result<Step, String>> {
    let (words, pool) = match rest.split_once('@') {
        Some((w, p)) => (w.trim(), Some(p.trim())),
        None => (rest.trim(), None),
    };
    if !words.eq_ignore_ascii_case(expected) {
        return None;
    }
    Some(match pool {
        Some("") => Err("\"@\" needs a device pool name".into()),
        Some(p) if p.eq_ignore_ascii_case("all") => Ok(make(None)),
        Some(p) => Ok(make(Some(p.to_owned()))),
        None => Ok(make(None)),
    })
}

fn reset_phones(device_pool: Option<String>) -> Step {
    Step::ResetPhones { device_pool }
}

fn reissue_lsc(device_pool: Option<String>) -> Step {
    Step::ReissueLsc { device_pool }
}

/// Splits `words @target` (the `@` may touch the word before it) into the words and the
/// target.
fn split_target(rest: &str) -> Result<(String, Option<Target>), String> {
    match rest.split_once('@') {
        None => Ok((rest.trim().to_owned(), None)),
        Some((before, after)) => {
            let name = after.trim();
            if name.is_empty() {
                return Err("\"@\" needs a node name or \"all\"".into());
            }
            if name.contains('@') || name.chars().any(char::is_whitespace) {
                return Err(format!("{name:?} is not one node name"));
            }
            let target = if name.eq_ignore_ascii_case("all") {
                Target::All
            } else {
                Target::Node(name.to_owned())
            };
            Ok((before.trim().to_owned(), Some(target)))
        }
    }
}

/// `<service> [@target]` after `restart`, `stop` or `start`.
fn service_step(verb: &str, rest: &str, make: fn(Service, Target) -> Step) -> Result<Step, String> {
    let (words, target) = split_target(rest)?;
    if words.is_empty() {
        return Err(format!(
            "\"{verb}\" needs a service ({})",
            Service::plan_names()
        ));
    }
    let service = words.parse::<Service>().map_err(|e| e.to_string())?;
    Ok(make(service, target.unwrap_or(Target::All)))
}

/// `<words> [@target]` where the words must be exactly `expected` (case-insensitive, runs of
/// spaces as one).
fn targeted(rest: &str, expected: &[&str]) -> Option<Result<Target, String>> {
    let (words, target) = match split_target(rest) {
        Ok(v) => v,
        Err(e) => {
            // Only an error for this step when its words match.
            let before = rest.split('@').next().unwrap_or("");
            return words_are(before, expected).then_some(Err(e));
        }
    };
    words_are(&words, expected).then(|| Ok(target.unwrap_or(Target::All)))
}

fn words_are(text: &str, expected: &[&str]) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    words.len() == expected.len() && words.iter().zip(expected).all(|(a, b)| a == b)
}

/// `30m`, `90s`, `1h`, `1h30m`, `2 min`: seconds, positive and at most
/// [`MAX_WAIT_SECONDS`].
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let compact: String = text.split_whitespace().collect();
    let bad = || format!("{:?} is not a duration like 30m, 90s or 1h", text.trim());
    if compact.is_empty() {
        return Err(bad());
    }
    let lower = compact.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let multiplier = match &rest[..unit_len] {
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hour" | "hours" => 3600,
            "" => {
                return Err(format!(
                    "{:?} needs a unit: {number}s, {number}m or {number}h",
                    text.trim()
                ));
            }
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total = number
            .checked_mul(multiplier)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
        if total > MAX_WAIT_SECONDS {
            return Err(format!("a wait of {:?} is longer than 7 days", text.trim()));
        }
    }
    if total == 0 {
        return Err("a wait needs a duration longer than 0s".into());
    }
    Ok(total)
}

/// Parses the content of one line (comment and surrounding blanks removed).
pub(super) fn parse_step(content: &str) -> Result<Step, String> {
    let lower = content.to_ascii_lowercase();
    let (verb, rest) = match content.split_once(char::is_whitespace) {
        Some((v, r)) => (v.to_ascii_lowercase(), r.trim()),
        None => (lower.clone(), ""),
    };
    match verb.as_str() {
        "regen" | "regenerate" => {
            let (words, target) = split_target(rest)?;
            if words.is_empty() {
                return Err(format!("\"regen\" needs a unit ({})", CertUnit::names()));
            }
            let unit = words.parse::<CertUnit>().map_err(|e| e.to_string())?;
            Ok(Step::Regen {
                unit,
                target: target.unwrap_or(Target::All),
            })
        }
        "restart" => {
            if let Some(step) = pool_step(rest, "phones", reset_phones) {
                return step;
            }
            service_step("restart", rest, |service, target| Step::Restart {
                service,
                target,
            })
            .map_err(|e| {
                if e.starts_with("\"restart\" needs") {
                    format!("{e} or \"phones\"")
                } else {
                    e
                }
            })
        }
        "stop" => service_step("stop", rest, |service, target| Step::Stop {
            service,
            target,
        }),
        "start" => service_step("start", rest, |service, target| Step::Start {
            service,
            target,
        }),
        "reset" => pool_step(rest, "phones", reset_phones).unwrap_or_else(|| {
            Err(format!(
                "unknown step {content:?}: did you mean \"reset phones [@<device pool>]\"?"
            ))
        }),
        "reissue" => pool_step(rest, "lsc", reissue_lsc).unwrap_or_else(|| {
            Err(format!(
                "unknown step {content:?}: did you mean \"reissue lsc [@<device pool>]\"?"
            ))
        }),
        "gate" => {
            if rest.is_empty() {
                return Err(format!("\"gate\" needs a gate ({})", GateKind::names()));
            }
            GateKind::parse(rest)
                .map(Step::Gate)
                .ok_or_else(|| format!("unknown gate {rest:?} ({})", GateKind::names()))
        }
        "wait" => {
            if rest.is_empty() {
                return Err("\"wait\" needs a duration (30m, 90s, 1h) or \"registered\"".into());
            }
            if let Some(kind) = GateKind::parse(rest) {
                return Ok(Step::Gate(kind));
            }
            parse_duration(rest).map(|seconds| Step::Wait { seconds })
        }
        "wait-registration" | "wait-registered" if rest.is_empty() => {
            Ok(Step::Gate(GateKind::Registered))
        }
        "ipsec" => match targeted(rest, &["restart"]) {
            Some(t) => t.map(|target| Step::IpsecRestart { target }),
            None => Err(format!(
                "unknown step {content:?}: did you mean \"ipsec restart @<node|all>\"?"
            )),
        },
        "utils" => {
            // `utils ipsec restart [@target]`; the other `utils` forms are fixed words.
            if let Some((word, after)) = rest.split_once(char::is_whitespace)
                && word.eq_ignore_ascii_case("ipsec")
                && let Some(t) = targeted(after.trim(), &["restart"])
            {
                return t.map(|target| Step::IpsecRestart { target });
            }
            other(content, &lower)
        }
        "delete" => {
            match targeted(rest, &["old-trust"]).or_else(|| targeted(rest, &["old", "trust"])) {
                Some(t) => t.map(|target| Step::DeleteOldTrust { target }),
                None => Err(format!(
                    "unknown step {content:?}: did you mean \"delete old-trust @<node|all>\"?"
                )),
            }
        }
        _ => other(content, &lower),
    }
}

/// The steps written as fixed words.
fn other(content: &str, lower: &str) -> Result<Step, String> {
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        ["ctl", "update"]
        | ["ctl", "update", "ctlfile"]
        | ["utils", "ctl", "update", "ctlfile"] => Ok(Step::CtlUpdate),
        ["itl", "reset", "localkey"] | ["utils", "itl", "reset", "localkey"] => {
            Ok(Step::ItlResetLocalkey)
        }
        ["ctl", "reset", "localkey"] | ["utils", "ctl", "reset", "localkey"] => {
            Ok(Step::CtlResetLocalkey)
        }
        ["backup"] | ["drs", "backup"] => Ok(Step::Backup),
        _ => Err(format!("unknown step {content:?} (steps: {STEP_FORMS})")),
    }
}
