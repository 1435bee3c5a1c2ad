//! The sweep's CSV: a header of [`COLUMNS`], then one row per phone.
//!
//! Phone-supplied text (status messages, page excerpts, TFTP server names) reaches these cells,
//! and spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula
//! (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Such a cell is written with a leading `'`
//! ([`neutralise`]), as are cells starting with a tab or a carriage return, which some
//! spreadsheets skip before looking for the formula sign.

use std::borrow::Cow;
use std::io::Write;

use itl_cucm::sweep::SweepReport;

/// The CSV columns, in order.
pub const COLUMNS: [&str; 14] = [
    "name",
    "address",
    "model",
    "device_pool",
    "tftp_server",
    "state",
    "itl_hash",
    "expected_itl",
    "ctl_hash",
    "expected_ctl",
    "message",
    "message_time",
    "http_status",
    "error",
];

/// `cell`, prefixed with `'` when a spreadsheet would take it for a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Writes the CSV of `report` to `out`.
pub fn write_csv<W: Write>(report: &SweepReport, out: W) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for p in &report.phones {
        let e = &p.evidence;
        let o = |v: &Option<String>| v.as_deref().unwrap_or("").to_owned();
        let row = [
            p.name.clone(),
            o(&p.address),
            o(&p.model),
            o(&p.device_pool),
            o(&p.tftp_server),
            p.state.name().to_owned(),
            o(&e.itl_hash.clone().or_else(|| e.itl_text.clone())),
            o(&e.expected_itl),
            o(&e.ctl_hash),
            o(&e.expected_ctl),
            o(&e.message),
            o(&e.message_time),
            e.http_status.map(|s| s.to_string()).unwrap_or_default(),
            o(&e.error),
        ];
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

/// The CSV of `report` as a string.
pub fn to_csv(report: &SweepReport) -> Result<String, csv::Error> {
    let mut buf = Vec::new();
    write_csv(report, &mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use itl_core::cucm::PhoneState;
    use itl_cucm::sweep::fixtures::{record, report};

    #[test]
    fn csv_shape_is_exact() {
        let mut failed = record("SEP000000000002", PhoneState::UpdateFailed);
        failed.evidence.itl_hash = Some("1".repeat(32));
        failed.evidence.message = Some("Trust List update failed, verification failure".into());
        failed.evidence.message_time = Some("2025-06-01T15:00:07".into());
        let mut none = record("SEP000000000003", PhoneState::NoTrustList);
        none.evidence.itl_text = Some("Not Installed".into());
        let mut bad = record("SEP000000000004", PhoneState::Unparseable);
        bad.address = None;
        bad.evidence.http_status = Some(404);
        bad.evidence.error = Some("HTTP 404 Not Found from http://x/".into());
        let r = report(vec![
            record("SEP000000000001", PhoneState::Ok),
            failed,
            none,
            bad,
        ]);
        let ones = "1".repeat(32);
        assert_eq!(
            to_csv(&r).expect("csv"),
            format!(
                "name,address,model,device_pool,tftp_server,state,itl_hash,expected_itl,ctl_hash,expected_ctl,message,message_time,http_status,error\n\
SEP000000000001,127.1.0.1,Cisco 8841,DP-HQ,127.0.1.1,ok,,,,,,,,\n\
SEP000000000002,127.1.0.1,Cisco 8841,DP-HQ,127.0.1.1,update-failed,{ones},,,,\"Trust List update failed, verification failure\",2025-06-01T15:00:07,,\n\
SEP000000000003,127.1.0.1,Cisco 8841,DP-HQ,127.0.1.1,no-trust-list,Not Installed,,,,,,,\n\
SEP000000000004,,Cisco 8841,DP-HQ,127.0.1.1,unparseable,,,,,,,404,HTTP 404 Not Found from http://x/\n"
            )
        );
    }

    #[test]
    fn formulas_from_phones_are_neutralised() {
        // What a hostile phone page or inventory could put in front of a spreadsheet.
        let mut evil = record("SEP000000000002", PhoneState::Unparseable);
        evil.model = Some("=HYPERLINK(\"http://evil.example/\",\"click\")".into());
        evil.device_pool = Some("+1+cmd|' /C calc'!A0".into());
        evil.tftp_server = Some("-2+3".into());
        evil.evidence.message = Some("@SUM(A1:A9)".into());
        evil.evidence.error = Some("\t=1+1".into());
        evil.evidence.itl_text = Some("\r=2".into());
        let r = report(vec![evil]);
        let text = to_csv(&r).expect("csv");
        let row = text.lines().nth(1).expect("row");
        assert_eq!(
            row,
            "SEP000000000002,127.1.0.1,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\",\
'+1+cmd|' /C calc'!A0,'-2+3,unparseable,\"'\r=2\",,,,'@SUM(A1:A9),,,'\t=1+1"
        );
        // Read back as a spreadsheet would: no cell starts with a formula sign.
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        for record in rdr.records() {
            for cell in record.expect("row").iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell:?}"
                );
            }
        }
    }

    #[test]
    fn harmless_cells_are_left_alone() {
        for cell in [
            "",
            "SEP001122334455",
            "Trust List updated",
            "10.0.0.1",
            "a=b",
            "x-y",
            "'quoted",
        ] {
            assert!(
                matches!(neutralise(cell), Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
        assert_eq!(neutralise("=1"), "'=1");
        assert_eq!(neutralise("-"), "'-");
    }
}
