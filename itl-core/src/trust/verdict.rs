//! [`Verdict`]: one word for what a phone did with one download (CTL, ITL, signed config and,
//! for TLS-profile phones, registration), shared by the predictor and the simulator's replay
//! so that their answers compare phone by phone.

use super::outcome::{Outcome, OutcomeKind};

/// What one download did to one phone, in one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// A new file was installed with a signer the phone already trusted (or by leap of
    /// faith, or over a blank ITL).
    Accept,
    /// A new file was installed because a TVS vouched for its signer.
    AcceptViaTvs,
    /// A file was refused, the ITL became "Not Installed", the config was refused (the phone
    /// stays unregistered) or TLS registration is blocked.
    Reject,
    /// Nothing changed: the served files are the ones the phone holds.
    Unaffected,
    /// The outcome cannot be known (the phone's current list is unknown).
    Unknown,
    /// The phone did not download (powered off, TFTP unreachable).
    Missed,
}

impl Verdict {
    /// Every verdict, in report order.
    pub const ALL: [Verdict; 6] = [
        Verdict::Accept,
        Verdict::AcceptViaTvs,
        Verdict::Reject,
        Verdict::Unaffected,
        Verdict::Unknown,
        Verdict::Missed,
    ];

    /// The report name: `accept`, `accept-via-tvs`, `reject`, `unaffected`, `unknown`,
    /// `missed`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::AcceptViaTvs => "accept-via-tvs",
            Verdict::Reject => "reject",
            Verdict::Unaffected => "unaffected",
            Verdict::Unknown => "unknown",
            Verdict::Missed => "missed",
        }
    }

    /// Parses a report name.
    pub fn parse(name: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The verdict of one download: the worst of the CTL's and the ITL's outcomes and of the
    /// config's and the registration's failures (reject > unknown > accept-via-tvs > accept >
    /// unaffected); `missed` when the ITL was not downloaded.
    pub fn of(
        ctl: &Outcome,
        itl: &Outcome,
        config: Option<&Outcome>,
        registration: Option<&Outcome>,
    ) -> Verdict {
        if itl.kind == OutcomeKind::Missed {
            return Verdict::Missed;
        }
        // The config and the registration only count when they fail (or cannot be known):
        // a config accepted as usual is not a trust-list change.
        let side = [config, registration]
            .into_iter()
            .flatten()
            .filter(|o| o.is_failure() || o.kind == OutcomeKind::Unknown);
        let mut verdict = Verdict::Unaffected;
        for o in [ctl, itl].into_iter().chain(side) {
            let v = match o.kind {
                OutcomeKind::Reject | OutcomeKind::RejectNoItl | OutcomeKind::Blocked => {
                    Verdict::Reject
                }
                OutcomeKind::Unknown => Verdict::Unknown,
                OutcomeKind::AcceptTvs { .. } => Verdict::AcceptViaTvs,
                OutcomeKind::Accept | OutcomeKind::AcceptLof | OutcomeKind::AcceptAny => {
                    Verdict::Accept
                }
                OutcomeKind::NoChange | OutcomeKind::Missed => Verdict::Unaffected,
            };
            if v.severity() > verdict.severity() {
                verdict = v;
            }
        }
        verdict
    }

    /// How bad the verdict is, for keeping the worst of several downloads in one step:
    /// reject > unknown > missed > accept-via-tvs > accept > unaffected.
    pub fn severity(self) -> u8 {
        match self {
            Verdict::Unaffected => 0,
            Verdict::Accept => 1,
            Verdict::AcceptViaTvs => 2,
            Verdict::Missed => 3,
            Verdict::Unknown => 4,
            Verdict::Reject => 5,
        }
    }

    /// Whether the phone ends this download in trouble.
    pub fn is_reject(self) -> bool {
        self == Verdict::Reject
    }
}

named!(Verdict, name, serde, parse: UnknownVerdict, |s| UnknownVerdict(s.to_owned()));

unknown_word! {
    /// A word that is not a [`Verdict`]'s report name.
    UnknownVerdict: "unknown verdict {0:?}"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::Reason;

    fn o(kind: OutcomeKind) -> Outcome {
        Outcome::new(kind, Vec::<Reason>::new())
    }

    #[test]
    fn the_worst_outcome_decides() {
        let tvs = || OutcomeKind::AcceptTvs {
            via: "ucm-pub".into(),
        };
        use OutcomeKind::*;
        let cases = [
            (NoChange, NoChange, None, Verdict::Unaffected),
            (NoChange, Accept, None, Verdict::Accept),
            (NoChange, AcceptLof, None, Verdict::Accept),
            (Accept, tvs(), None, Verdict::AcceptViaTvs),
            (tvs(), Accept, None, Verdict::AcceptViaTvs),
            (NoChange, Reject, None, Verdict::Reject),
            (Accept, RejectNoItl, None, Verdict::Reject),
            (NoChange, Unknown, None, Verdict::Unknown),
            (NoChange, Missed, None, Verdict::Missed),
            (NoChange, Accept, Some(Reject), Verdict::Reject),
            (NoChange, NoChange, Some(tvs()), Verdict::Unaffected),
            (NoChange, NoChange, Some(Accept), Verdict::Unaffected),
            (NoChange, NoChange, Some(Unknown), Verdict::Unknown),
        ];
        for (ctl, itl, config, want) in cases {
            let config = config.map(o);
            assert_eq!(
                Verdict::of(&o(ctl.clone()), &o(itl.clone()), config.as_ref(), None),
                want,
                "{ctl:?} {itl:?} {config:?}"
            );
        }
        assert_eq!(
            Verdict::of(&o(NoChange), &o(Accept), None, Some(&o(Blocked))),
            Verdict::Reject
        );
    }

    #[test]
    fn names_round_trip() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.name()), Some(v));
            assert_eq!(
                serde_json::to_string(&v).unwrap(),
                format!("\"{}\"", v.name())
            );
        }
        assert_eq!(Verdict::parse("accepted"), None);
        assert_eq!(
            "accepted".parse::<Verdict>(),
            Err(UnknownVerdict("accepted".into()))
        );
        assert_eq!(
            serde_json::from_str::<Verdict>("\"accept-via-tvs\"").unwrap(),
            Verdict::AcceptViaTvs
        );
        assert_eq!(
            serde_json::from_str::<Verdict>("\"Accept\"")
                .unwrap_err()
                .to_string(),
            "unknown verdict \"Accept\""
        );
    }
}
