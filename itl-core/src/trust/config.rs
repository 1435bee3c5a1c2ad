//! Config files and TLS registration: whether a phone accepts a signed config file
//! (`SEP<MAC>.cnf.xml.sgn`; R2/R3/R4/R5 with the TFTP-role certificate, §2.2) and, as a
//! modelled minimum, whether a phone with a TLS profile can register with the CTL it holds.

use super::context::{DownloadContext, RegistrationTarget};
use super::decide::{Anchor, Claim, Found, Tvs, accept, find_in, resolve, tvs_path, unknown};
use super::file::{CertInfo, SignerId};
use super::outcome::{Outcome, OutcomeKind, Reason};
use super::phone::{Capabilities, Held, PhoneTrust};
use crate::{Function, ListKind};

/// Roles of the CTL that may sign a config file.
const CTL_ROLES_FOR_CONFIG: [Function; 3] = [Function::CcmTftp, Function::Tftp, Function::Ccm];
/// Roles of the ITL that may sign a config file.
const ITL_ROLES_FOR_CONFIG: [Function; 2] = [Function::Tftp, Function::CcmTftp];
/// Roles of the CTL a CallManager TLS certificate is trusted under.
const CTL_ROLES_FOR_CALLMANAGER: [Function; 3] = [Function::Ccm, Function::CcmTftp, Function::Tftp];

/// Whether the phone accepts a config file (`SEP<MAC>.cnf.xml.sgn`) signed by this
/// certificate: R2 (blank ITL: anything), the TFTP-role certificate of its CTL or ITL, else
/// TVS (R5/R7). A phone holding no trust list accepts it too (`ACCEPT_LOF`). A refused config
/// keeps the phone unregistered. The phone's state is not changed (a TVS answer for a config
/// would also be cached; the caller may model that with [`PhoneTrust::tvs_cache`]).
pub fn accepts_config_signer(
    phone: &PhoneTrust,
    signer_cert_der: &[u8],
    ctx: &DownloadContext<'_>,
) -> Outcome {
    match CertInfo::parse(signer_cert_der) {
        Ok(cert) => accepts_config_cert(phone, &cert, ctx),
        Err(e) => Outcome::new(
            OutcomeKind::Reject,
            vec![Reason::BadCertificate { error: e.0.into() }],
        ),
    }
}

/// As [`accepts_config_signer`], with the certificate already decoded.
pub fn accepts_config_cert(
    phone: &PhoneTrust,
    signer: &CertInfo,
    ctx: &DownloadContext<'_>,
) -> Outcome {
    let state = resolve(phone, ctx);
    let id = SignerId::of_certificate(signer);
    let claim = Claim::Config {
        cert: signer,
        id: &id,
    };
    if let Held::Hash(hash) = &state.itl {
        return unknown(ListKind::Itl, *hash, Vec::new());
    }
    if state.holds_blank_itl() {
        return Outcome::new(OutcomeKind::AcceptAny, vec![Reason::BlankItlHeld]);
    }
    if state.holds_nothing() {
        return Outcome::new(OutcomeKind::AcceptLof, vec![Reason::LeapOfFaith]);
    }
    let mut reasons = Vec::new();
    if let Held::Hash(hash) = &state.ctl {
        return unknown(ListKind::Ctl, *hash, reasons);
    }
    for (held, anchor, roles) in [
        (&state.ctl, Anchor::Ctl, &CTL_ROLES_FOR_CONFIG[..]),
        (&state.itl, Anchor::Itl, &ITL_ROLES_FOR_CONFIG[..]),
    ] {
        if let Held::File(list) = held {
            match find_in(list, roles, &claim, ctx.cache) {
                Found::Valid(role) => return accept(anchor.signer_in(claim.name(), role)),
                Found::Invalid | Found::Missing => reasons.push(anchor.signer_not_in(claim.name())),
            }
        }
    }
    match tvs_path(&state, &claim, ctx, &mut reasons) {
        Tvs::Accepted(ok) => Outcome::new(OutcomeKind::AcceptTvs { via: ok.node }, reasons),
        Tvs::UnknownItl(hash) => unknown(ListKind::Itl, hash, reasons),
        Tvs::Failed => Outcome::new(OutcomeKind::Reject, reasons),
    }
}

/// Whether a phone with a TLS security profile can register to `target` with the CTL it
/// holds: the node's current CallManager certificate must be in the CTL (inferred, §3
/// "mixed, 12.0+"), and for an LSC phone the current CAPF certificate too (§3 "mixed, any",
/// S18). `None` for a phone without a TLS profile. A CTL known only by hash gives `UNKNOWN`.
pub fn check_tls_registration(
    phone: &PhoneTrust,
    target: &RegistrationTarget,
    capabilities: &Capabilities,
) -> Option<Outcome> {
    if !capabilities.tls_profile {
        return None;
    }
    let ctl = match &phone.ctl {
        Held::File(ctl) => ctl,
        Held::Hash(hash) => return Some(unknown(ListKind::Ctl, *hash, Vec::new())),
        Held::Absent | Held::NotInstalled => {
            return Some(Outcome::new(
                OutcomeKind::Blocked,
                vec![Reason::NoCtlForTls],
            ));
        }
    };
    let holds = |roles: &[Function], cert: &CertInfo| {
        ctl.certs_with_roles(roles)
            .any(|(_, c)| c.sha256() == cert.sha256())
    };
    let mut reasons = Vec::new();
    if !holds(&CTL_ROLES_FOR_CALLMANAGER, &target.callmanager) {
        reasons.push(Reason::CallManagerNotInCtl {
            node: target.node.clone(),
            subject: target.callmanager.subject().into(),
        });
    }
    if capabilities.lsc
        && let Some(capf) = &target.capf
        && !holds(&[Function::Capf], capf)
    {
        reasons.push(Reason::CapfNotInCtl {
            subject: capf.subject().into(),
        });
    }
    Some(if reasons.is_empty() {
        Outcome::new(OutcomeKind::Accept, vec![Reason::TlsPeersInCtl])
    } else {
        Outcome::new(OutcomeKind::Blocked, reasons)
    })
}
