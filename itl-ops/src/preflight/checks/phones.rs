//! The phones, from the sweep: `phone-trust`, `registration`, `phone-classes`.

use itl_core::cucm::{ModelInfo, PhoneState};

use super::{Thresholds, finding, of_fact, pass_unless};
use crate::preflight::facts::Facts;
use crate::preflight::report::{CheckResult, Evidence, Status};

fn named(names: &[String], max: usize) -> String {
    let mut text = names
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > max {
        text.push_str(&format!(" and {} more", names.len() - max));
    }
    text
}

/// `phone-trust` (§4 item 5): every phone's state from the sweep.
///
/// | phones | status |
/// |---|---|
/// | any in a problem state ([`PhoneState::is_problem`]: stale, foreign or unknown ITL, update failed, CTL mismatch, no trust list) | fail, naming them |
/// | else any whose trust state could not be read ([`PhoneState::is_unread`]: no trust fields, web disabled, unreachable, unregistered…) | warn, naming them |
/// | every phone `ok` | pass |
pub fn phone_trust(facts: &Facts, thresholds: &Thresholds) -> CheckResult {
    const ID: &str = "phone-trust";
    const TITLE: &str = "No CTL/ITL problems on phones today";
    of_fact(ID, TITLE, &facts.sweep, |sweep, ev| {
        let mut problems = Vec::new();
        let mut unread = Vec::new();
        let mut lines = Vec::new();
        for p in &sweep.phones {
            if p.state.is_problem() {
                problems.push(format!("{} ({})", p.name, p.state.name()));
            } else if p.state.is_unread() {
                unread.push(format!("{} ({})", p.name, p.state.name()));
            } else {
                continue;
            }
            if lines.len() < thresholds.max_named_phones {
                lines.push(format!(
                    "{} {} {}",
                    p.name,
                    p.model.as_deref().unwrap_or("?"),
                    p.state.name()
                ));
            }
        }
        lines.insert(0, format!("states: {}", sweep.summary.states_line()));
        let evidence = vec![Evidence::new(ev.source.clone(), lines)];
        let max = thresholds.max_named_phones;
        // "n of all phone(s) <what>: the first names".
        let of_all = |names: &[String], what: &str| {
            format!(
                "{} of {} phone(s) {what}: {}",
                names.len(),
                sweep.phones.len(),
                named(names, max)
            )
        };
        let finding = finding(
            Status::Fail,
            &problems,
            |problems| of_all(problems, "in a problem state"),
            "Fix these phones (or accept them explicitly) before starting: they will not trust the new ITL",
        )
        .or_else(|| {
            finding(
                Status::Warn,
                &unread,
                |unread| of_all(unread, "whose trust state could not be read"),
                "Check these phones by hand (Settings > Security) or accept the risk",
            )
        });
        let pass = format!(
            "all {} phone(s) hold what their TFTP server serves",
            sweep.phones.len()
        );
        pass_unless(ID, TITLE, evidence, pass, finding)
    })
}

/// `registration` (§4 item 10): phones the sweep found not registered (RisPort70). `warn`
/// naming them (they will miss the new ITL and need an ITL delete afterwards); `pass` when
/// every phone is registered.
pub fn registration(facts: &Facts, thresholds: &Thresholds) -> CheckResult {
    const ID: &str = "registration";
    const TITLE: &str = "All phones registered";
    of_fact(ID, TITLE, &facts.sweep, |sweep, ev| {
        let names: Vec<String> = sweep
            .phones
            .iter()
            .filter(|p| p.state == PhoneState::Unregistered)
            .map(|p| p.name.clone())
            .collect();
        let lines = names
            .iter()
            .take(thresholds.max_named_phones)
            .map(|n| format!("{n} unregistered"))
            .collect();
        let evidence = vec![Evidence::new(ev.source.clone(), lines)];
        let finding = (!names.is_empty()).then(|| {
            (
                Status::Warn,
                format!(
                    "{} phone(s) not registered: {}",
                    names.len(),
                    named(&names, thresholds.max_named_phones)
                ),
                "Power them on and register them before the change, or plan an ITL delete on each afterwards",
            )
        });
        let pass = format!("all {} phone(s) registered", sweep.phones.len());
        pass_unless(ID, TITLE, evidence, pass, finding)
    })
}

/// `phone-classes`: the sweep's phones by what their model can do ([`ModelInfo`]), because
/// each class meets a certificate change differently.
///
/// | phones | status |
/// |---|---|
/// | any without Security By Default (7940/7960: no ITL; only a CTL signer change can lock them out) or whose pages show no trust list (7945, 6921, DX80: checked on the handset) | info, with the counts |
/// | every phone holds an ITL, asks TVS and shows its lists on its pages | pass |
///
/// Phones without a model in the sweep count as the common case.
pub fn phone_classes(facts: &Facts, thresholds: &Thresholds) -> CheckResult {
    const ID: &str = "phone-classes";
    const TITLE: &str = "Phone models and what a change means for them";
    of_fact(ID, TITLE, &facts.sweep, |sweep, ev| {
        let mut no_sbd = Vec::new();
        let mut not_on_web = Vec::new();
        let mut models: std::collections::BTreeMap<String, usize> =
            std::collections::BTreeMap::new();
        for p in &sweep.phones {
            let model = p.model.as_deref().unwrap_or("unknown model");
            *models.entry(model.to_owned()).or_default() += 1;
            let info = ModelInfo::from_name(model);
            if !info.holds_itl {
                no_sbd.push(p.name.clone());
            }
            if !info.trust_on_web {
                not_on_web.push(p.name.clone());
            }
        }
        let mut lines: Vec<String> = models.iter().map(|(m, n)| format!("{m}: {n}")).collect();
        lines.truncate(thresholds.max_named_phones);
        let evidence = vec![Evidence::new(ev.source.clone(), lines)];
        let counts = format!(
            "{} without Security By Default (no ITL; only a CTL signer change can lock them out), {} whose pages show no trust list",
            no_sbd.len(),
            not_on_web.len()
        );
        let finding = (!no_sbd.is_empty() || !not_on_web.is_empty()).then(|| {
            (
                Status::Info,
                format!("{} phone(s): {counts}", sweep.phones.len()),
                "Check the phones whose pages show no trust list on the handset after each phase",
            )
        });
        let pass = format!(
            "all {} phone(s) hold an ITL, ask TVS and show their lists on their pages",
            sweep.phones.len()
        );
        pass_unless(ID, TITLE, evidence, pass, finding)
    })
}
