//! The options of the commands that judge phones from a sweep (`itl predict`,
//! `itl plan suggest`): `--sweep`, `--archive`, `--generation`, `--automatic-resets`,
//! `--assume-current`, and how they become the predictor's inputs.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use itl_core::cucm::Generation;
use itl_cucm::plan_input::{PlanInputOptions, PlanInputs, plan_inputs};
use itl_cucm::sweep::{Archive, SweepReport};
use itl_wire::cluster_file::ClusterFile;

/// `[--sweep SWEEP.json [--archive DIR] [--assume-current]] [--generation G]
/// [--automatic-resets]`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SweepPhonesArgs {
    /// A sweep report (`itl sweep --json`): each phone's TFTP server and TVS list, its trust
    /// lists read from the sweep's archive (nothing is fetched).
    #[arg(long, value_name = "SWEEP.json")]
    pub sweep: Option<PathBuf>,
    /// The trust-file archive of the sweep (default: `itl-archive` beside the report).
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// The cluster's generation when the lists cannot tell (`14+`); read from the ITL's
    /// signer otherwise.
    #[arg(long, value_name = "11.5|12+|14+")]
    pub generation: Option<Generation>,
    /// 14+: "Phone Interaction on Certificate Update" is automatic (phones reset by
    /// themselves after a TVS, CAPF, CallManager or ITLRecovery regeneration).
    #[arg(long)]
    pub automatic_resets: bool,
    /// With --sweep: assess phones whose trust lists the sweep could not read (`unread`
    /// states) as holding what their TFTP node serves now; they are marked assumed and
    /// counted. Without it they are not assessed (and counted).
    #[arg(long, requires = "sweep")]
    pub assume_current: bool,
}

impl SweepPhonesArgs {
    /// How the predictor's inputs are read.
    pub fn options(&self) -> PlanInputOptions {
        PlanInputOptions {
            generation: self.generation,
            automatic_phone_interaction: self.automatic_resets,
            assume_current: self.assume_current,
        }
    }

    /// The sweep report at `sweep` and the predictor's inputs from it and its archive
    /// (`--archive`, else `itl-archive` beside the report), for the cluster of `file`.
    pub fn inputs(&self, file: &ClusterFile, sweep: &Path) -> Result<(SweepReport, PlanInputs)> {
        let report = SweepReport::load(sweep)?;
        let dir = self
            .archive
            .clone()
            .unwrap_or_else(|| sweep.parent().unwrap_or(Path::new(".")).join("itl-archive"));
        let archive = Archive::open(&dir)
            .with_context(|| format!("cannot open the archive {}", dir.display()))?;
        let inputs = plan_inputs(file, &report, &archive, &self.options())?;
        Ok((report, inputs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        phones: SweepPhonesArgs,
    }

    #[test]
    fn options_follow_the_flags() {
        let cli = Cli::try_parse_from([
            "itl",
            "--sweep",
            "s.json",
            "--assume-current",
            "--generation",
            "14+",
            "--automatic-resets",
        ])
        .expect("parses");
        let options = cli.phones.options();
        assert_eq!(options.generation, Some(Generation::V14));
        assert!(options.automatic_phone_interaction);
        assert!(options.assume_current);

        let cli = Cli::try_parse_from(["itl"]).expect("parses");
        let options = cli.phones.options();
        assert_eq!(options.generation, None);
        assert!(!options.automatic_phone_interaction);
        assert!(!options.assume_current);
    }

    #[test]
    fn assume_current_needs_a_sweep() {
        let err = Cli::try_parse_from(["itl", "--assume-current"]).expect_err("refused");
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        assert!(err.to_string().contains("--sweep"), "{err}");
    }

    #[test]
    fn the_archive_defaults_to_the_folder_beside_the_report() {
        let dir = itl_testkit::TempDir::new("sweep-args");
        let sweep = dir.path().join("sweep.json");
        let file =
            ClusterFile::from_toml_str(itl_testkit::cluster_file::TWO_NODES).expect("cluster file");
        let cli = Cli::try_parse_from(["itl"]).expect("parses");
        let err = cli.phones.inputs(&file, &sweep).expect_err("no report");
        assert!(format!("{err:#}").contains("sweep.json"), "{err:#}");

        let report = itl_cucm::sweep::fixtures::report(Vec::new());
        std::fs::write(&sweep, serde_json::to_vec(&report).expect("json")).expect("write");
        let beside = dir.path().join("itl-archive");
        let not_archived = "the ITL of ucm-pub (SHA-1 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb) is not in the archive";

        // --archive: that folder is read (an empty one: created), not the one beside.
        let elsewhere = dir.path().join("elsewhere");
        let cli = Cli::try_parse_from(["itl", "--archive", &elsewhere.to_string_lossy()])
            .expect("parses");
        let err = cli.phones.inputs(&file, &sweep).expect_err("empty archive");
        assert_eq!(format!("{err:#}"), not_archived);
        assert!(elsewhere.is_dir() && !beside.exists());

        // A file where the archive should be: named.
        let cli =
            Cli::try_parse_from(["itl", "--archive", &sweep.to_string_lossy()]).expect("parses");
        let err = cli.phones.inputs(&file, &sweep).expect_err("not a folder");
        let want = format!("cannot open the archive {}", sweep.display());
        assert!(format!("{err:#}").starts_with(&want), "{err:#}");

        // Without --archive: the folder beside the report.
        let cli = Cli::try_parse_from(["itl"]).expect("parses");
        let err = cli.phones.inputs(&file, &sweep).expect_err("empty archive");
        assert_eq!(format!("{err:#}"), not_archived);
        assert!(beside.is_dir());
    }
}
