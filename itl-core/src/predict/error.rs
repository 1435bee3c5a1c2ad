//! [`PredictError`]: why a prediction could not be made, with what was wrong and where.

use std::fmt;

use crate::cucm::{CertUnit, Service};
use crate::layout::LayoutError;
use crate::trust::CertError;
use crate::{BuildError, ParseError};

use super::PlaceholderError;

/// A trust list the predictor reads or rebuilds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ListName {
    /// The ITL a TFTP node serves.
    Itl {
        /// The node.
        node: String,
    },
    /// The cluster's CTL.
    Ctl,
}

impl fmt::Display for ListName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListName::Itl { node } => write!(f, "the ITL of {node}"),
            ListName::Ctl => f.write_str("the CTL"),
        }
    }
}

/// Why a plan step does not fit the cluster.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanProblem {
    /// `@node` names no node of the cluster.
    #[error("unknown node {name:?}")]
    UnknownNode {
        /// The name as the plan gives it.
        name: String,
    },
    /// `regen <unit> @node` on a node without that certificate.
    #[error("{node} has no {unit} certificate")]
    NoCertificate {
        /// The node.
        node: String,
        /// The unit.
        unit: CertUnit,
    },
    /// `restart <service> @node` on a node that does not run it.
    #[error("{node} has no {service} service")]
    NoService {
        /// The node.
        node: String,
        /// The service.
        service: Service,
    },
    /// `regen <unit> @all` and no node has the unit.
    #[error("no node has a {unit} certificate")]
    NoNodeWithCertificate {
        /// The unit.
        unit: CertUnit,
    },
    /// `ctl update` on a non-secure cluster.
    #[error("the cluster is not in mixed mode: there is no CTL to update")]
    NoCtlToUpdate,
    /// `ctl reset localkey` on a non-secure cluster.
    #[error("the cluster is not in mixed mode: there is no CTL to reset")]
    NoCtlToReset,
}

/// Why the cluster or phone inputs are inconsistent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The cluster model has no node.
    #[error("the cluster has no node")]
    NoNodes,
    /// A phone's TFTP node or CallManager group names a node index the cluster lacks.
    #[error("phone {phone} names a node the cluster does not have (#{index})")]
    PhoneNode {
        /// The phone.
        phone: String,
        /// The index it names.
        index: usize,
    },
    /// A node's certificate does not decode.
    #[error("the {unit} certificate of {node}: {source}")]
    Certificate {
        /// The node.
        node: String,
        /// The unit.
        unit: CertUnit,
        /// The decoder's error.
        #[source]
        source: CertError,
    },
    /// A list served now does not parse.
    #[error("{list} served now: {source}")]
    ServedList {
        /// Which list.
        list: ListName,
        /// The parser's error.
        #[source]
        source: ParseError,
    },
}

/// Why a rebuilt list could not be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildProblem {
    /// The cluster's certificates do not give the list's records.
    #[error(transparent)]
    Layout(#[from] LayoutError),
    /// The signer's certificate does not give SIGNER_INFO.
    #[error("its signer: {0}")]
    SignerInfo(#[source] BuildError),
    /// The signer's certificate has no RSA key.
    #[error("its signer has no RSA key")]
    SignerNotRsa,
    /// The writer refused the list.
    #[error(transparent)]
    Writer(BuildError),
    /// The written list does not parse back (a bug).
    #[error("the rebuilt list does not parse: {0}")]
    Reparse(#[source] ParseError),
}

/// Why a prediction could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PredictError {
    /// A step does not fit the cluster.
    #[error("line {line}: {problem}")]
    Plan {
        /// The plan line.
        line: usize,
        /// What is wrong.
        problem: PlanProblem,
    },
    /// The cluster or phone inputs are inconsistent.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A next list could not be built.
    #[error("cannot build {list}: {problem}")]
    Build {
        /// Which list.
        list: ListName,
        /// What went wrong.
        #[source]
        problem: BuildProblem,
    },
    /// A regenerated certificate's stand-in could not be derived.
    #[error(transparent)]
    StandIn(#[from] PlaceholderError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_and_where() {
        let plan = |problem| PredictError::Plan { line: 4, problem }.to_string();
        assert_eq!(
            plan(PlanProblem::UnknownNode {
                name: "ucm-sub9".into()
            }),
            "line 4: unknown node \"ucm-sub9\""
        );
        assert_eq!(
            plan(PlanProblem::NoService {
                node: "ucm-sub2".into(),
                service: Service::Tvs
            }),
            "line 4: ucm-sub2 has no TVS service"
        );
        assert_eq!(
            PredictError::from(InputError::PhoneNode {
                phone: "SEP001122334455".into(),
                index: 7
            })
            .to_string(),
            "phone SEP001122334455 names a node the cluster does not have (#7)"
        );
        assert_eq!(
            PredictError::Build {
                list: ListName::Itl {
                    node: "ucm-pub".into()
                },
                problem: BuildProblem::SignerNotRsa
            }
            .to_string(),
            "cannot build the ITL of ucm-pub: its signer has no RSA key"
        );
        assert_eq!(
            PredictError::Build {
                list: ListName::Ctl,
                problem: BuildProblem::Layout(LayoutError::NoNodes)
            }
            .to_string(),
            "cannot build the CTL: the cluster has no node"
        );
    }
}
