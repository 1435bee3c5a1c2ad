//! Presentation of the library's results for people and for other programs: terminal tables,
//! the progress bar, CSV files and the HTML report. The library (`itl-cucm`) hands over report
//! data and live notifications; everything about how they look, and whether a terminal is
//! attached, is decided here.
//!
//! * [`terminal`]: text that came from phones or servers made safe to print on a terminal;
//! * [`sweep_tables`]: the sweep's summary tables;
//! * [`progress`]: the sweep's progress bar (a [`itl_cucm::sweep::SweepObserver`]);
//! * [`csv`]: the sweep's CSV, one row per phone, neutralised against formula injection;
//! * [`html`]: the sweep's self-contained HTML report;
//! * [`preflight`]: the preflight's tables and HTML page;
//! * [`json_report`] and [`tables`]: where a report's JSON and tables go.

pub mod csv;
pub mod html;
pub mod preflight;
pub mod progress;
pub mod sweep_tables;
pub mod terminal;

use std::path::Path;

use crate::color::Colors;
use crate::output::write_file;

/// Writes a report's JSON (made by `json`, only when a path is given) to `path`, or to
/// standard output when `path` is `-`; returns whether standard output took it.
pub fn json_report(
    path: Option<&Path>,
    json: impl FnOnce() -> anyhow::Result<String>,
) -> anyhow::Result<bool> {
    let Some(path) = path else {
        return Ok(false);
    };
    let text = json()?;
    if path == Path::new("-") {
        println!("{text}");
        Ok(true)
    } else {
        write_file(path, text.as_bytes())?;
        Ok(false)
    }
}

/// Prints a report's tables on standard output, or on standard error when its JSON took
/// standard output.
pub fn tables(colors: Colors, text: &str, json_on_stdout: bool) {
    if json_on_stdout {
        eprint!("{}", colors.stderr_text(text));
    } else {
        print!("{}", colors.stdout_text(text));
    }
}

#[cfg(test)]
mod tests {
    use itl_core::cucm::PhoneState;

    /// The README's table of each state's class, what it means and what to do, as the code
    /// says it.
    fn table() -> String {
        let mut out =
            String::from("| state | class | what it means | what to do |\n|---|---|---|---|\n");
        for state in PhoneState::ALL {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                state.name(),
                state.class(),
                state.meaning(),
                state.what_to_do()
            ));
        }
        out
    }

    #[test]
    fn the_readme_shows_the_texts_the_reports_show() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
        let readme = std::fs::read_to_string(&path).expect("README.md");
        let expected = table();
        assert!(
            readme.contains(&expected),
            "README.md must hold this table (PhoneState::meaning / what_to_do):\n{expected}"
        );
    }
}
