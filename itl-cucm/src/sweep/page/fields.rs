//! Table rows → label / value pairs.
//!
//! The row shapes phone firmware writes (`cucm-interfaces.md` §8.6):
//!
//! * three cells, an empty spacer between label and value (most firmware):
//!   `<TR><TD><B>ITL file</B></TD><TD WIDTH=20></TD><TD><B>Installed</B></TD></TR>`;
//! * two cells (7841, 79xx): `<TR><TD><B>TVS</B></TD><TD><B>ucm-pub</B></TD></TR>`;
//! * labels with a leading space (`<B> TVS</B>`) or a trailing colon (`TFTP Server 1:`).
//!
//! So the label is a row's first non-empty cell and the value the next non-empty cell after
//! it, or empty when every later cell is empty (an empty `TFTP server 2`). A row of one cell
//! is not a field. Repeated labels (one `TVS` row per server) are all kept, in page order.

use super::html::table_rows;

/// One row's label and value, as the page shows them (cleaned text; the label without a
/// trailing colon).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The label, e.g. `ITL signature`.
    pub label: String,
    /// The value, possibly empty.
    pub value: String,
}

impl Field {
    /// The label in comparable form (see [`label_key`]).
    pub fn key(&self) -> String {
        label_key(&self.label)
    }
}

/// Every field of a document, in page order (see the module documentation).
pub fn page_fields(document: &str) -> Vec<Field> {
    table_rows(document)
        .into_iter()
        .filter_map(|row| {
            let at = row.iter().position(|c| !c.is_empty())?;
            let label = row.get(at)?;
            let after = row.get(at + 1..)?;
            if after.is_empty() {
                return None;
            }
            let value = after
                .iter()
                .find(|c| !c.is_empty())
                .cloned()
                .unwrap_or_default();
            Some(Field {
                label: label.trim_end_matches(':').trim_end().to_owned(),
                value,
            })
        })
        .collect()
}

/// [`page_fields`] as (label, value) pairs.
pub fn fields(document: &str) -> Vec<(String, String)> {
    page_fields(document)
        .into_iter()
        .map(|f| (f.label, f.value))
        .collect()
}

/// A label in comparable form: lower case, without whitespace and a trailing colon
/// (`TFTP Server 1:` → `tftpserver1`).
pub fn label_key(label: &str) -> String {
    label
        .trim()
        .trim_end_matches(':')
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(document: &str) -> Vec<(String, String)> {
        fields(document)
    }

    fn p(label: &str, value: &str) -> (String, String) {
        (label.to_owned(), value.to_owned())
    }

    #[test]
    fn three_cell_two_cell_and_repeated_rows() {
        let page = "<TABLE>\
<TR><TD><B> TVS</B></TD><TD WIDTH=20></TD><TD><B>ucm-pub</B></TD></TR>\
<TR><TD><B> TVS</B></TD><TD WIDTH=20></TD><TD><B>ucm-pub</B></TD></TR>\
<TR><TD><B>TFTP server 2</B></TD><TD WIDTH=20></TD><TD><B></B></TD></TR>\
<TR><TD><B>TFTP Server 1:</B></TD><TD>10.1.1.1</TD></TR>\
<TR><TD COLSPAN=3><B>Heading only</B></TD></TR>\
<TR><TD></TD><TD>late label</TD><TD>v</TD></TR>\
</TABLE>";
        assert_eq!(
            pairs(page),
            vec![
                p("TVS", "ucm-pub"),
                p("TVS", "ucm-pub"),
                p("TFTP server 2", ""),
                p("TFTP Server 1", "10.1.1.1"),
                p("late label", "v"),
            ]
        );
    }

    #[test]
    fn reject_twin_a_row_of_one_cell_or_only_empty_cells_is_no_field() {
        assert_eq!(pairs("<tr><td>ITL file</td></tr>"), vec![]);
        assert_eq!(pairs("<tr><td></td><td></td></tr>"), vec![]);
        assert_eq!(
            pairs("<tr><td>ITL file</td><td></td></tr>"),
            vec![p("ITL file", "")]
        );
    }

    #[test]
    fn label_keys() {
        assert_eq!(label_key(" TFTP Server 1: "), "tftpserver1");
        assert_eq!(label_key("ITL Signature"), "itlsignature");
        assert_eq!(label_key("ITL signature"), "itlsignature");
        assert_ne!(label_key("ITL file"), label_key("ITL files"));
    }
}
