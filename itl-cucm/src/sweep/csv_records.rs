//! The records of a CSV text (RFC 4180 as spreadsheets write it), for the inventory file.
//!
//! Records end at `\n`, `\r\n` or `\r`; fields are separated by `,`. A field whose first
//! character other than spaces and tabs is `"` is quoted: it ends at the next lone `"`, `""`
//! inside it is one `"`, and it may span lines; only spaces and tabs may follow its closing
//! quote. Other fields are taken as written (the caller trims them). A line that starts with
//! `#` is a comment, an empty line is skipped. Every record knows the line it starts on.

/// At most this many fields in one record.
pub const MAX_FIELDS: usize = 1024;

/// One record: its fields as written (quotes removed) and the line it starts on (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvRecord {
    /// The line the record starts on, counted from 1.
    pub line: u64,
    /// The fields, in order.
    pub fields: Vec<String>,
}

/// Why a record could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct CsvError {
    /// The line (1-based) the problem is on.
    pub line: u64,
    /// What is wrong.
    pub kind: CsvErrorKind,
}

/// What is wrong in a [`CsvError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsvErrorKind {
    /// A quoted field has no closing quote (the line is where the field starts).
    #[error("the quoted field is not closed")]
    Unterminated,
    /// Something other than a separator follows a closing quote.
    #[error("{0:?} after a closing quote (expected `,` or the end of the line)")]
    AfterQuote(char),
    /// A record with more than [`MAX_FIELDS`] fields.
    #[error("more than {MAX_FIELDS} fields")]
    TooManyFields,
}

/// The records of `text`, in order; the iteration stops after the first error.
pub fn records(text: &str) -> Records<'_> {
    Records {
        rest: text.strip_prefix('\u{FEFF}').unwrap_or(text),
        line: 1,
        failed: false,
    }
}

/// An iterator over the records of a CSV text (see [`records`]).
#[derive(Clone, Debug)]
pub struct Records<'a> {
    rest: &'a str,
    line: u64,
    failed: bool,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn newlines(text: &str) -> u64 {
    // A `\r\n` pair counts once, a lone `\r` or `\n` once each.
    let bytes = text.as_bytes();
    let mut n = 0;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\n' => n += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
    }
    n
}

impl Records<'_> {
    /// Skips the line ending at `i` (if any) and moves past it.
    fn finish_line(&mut self, mut i: usize) {
        let bytes = self.rest.as_bytes();
        if bytes.get(i) == Some(&b'\r') {
            i += 1;
        }
        if bytes.get(i) == Some(&b'\n') {
            i += 1;
        }
        self.rest = self.rest.get(i..).unwrap_or("");
        self.line += 1;
    }

    fn record(&mut self) -> Result<CsvRecord, CsvError> {
        let start = self.line;
        let text = self.rest;
        let bytes = text.as_bytes();
        let mut fields = Vec::new();
        let mut i = 0;
        loop {
            if fields.len() >= MAX_FIELDS {
                return Err(CsvError {
                    line: start,
                    kind: CsvErrorKind::TooManyFields,
                });
            }
            let mut j = i;
            while bytes.get(j).copied().is_some_and(is_blank) {
                j += 1;
            }
            let end = if bytes.get(j) == Some(&b'"') {
                let field_line = start + newlines(text.get(..j).unwrap_or(""));
                let mut value = String::new();
                let mut k = j + 1;
                loop {
                    let Some(q) = text.get(k..).and_then(|t| t.find('"')).map(|q| q + k) else {
                        return Err(CsvError {
                            line: field_line,
                            kind: CsvErrorKind::Unterminated,
                        });
                    };
                    value.push_str(text.get(k..q).unwrap_or(""));
                    if bytes.get(q + 1) == Some(&b'"') {
                        value.push('"');
                        k = q + 2;
                    } else {
                        k = q + 1;
                        break;
                    }
                }
                while bytes.get(k).copied().is_some_and(is_blank) {
                    k += 1;
                }
                match text.get(k..).and_then(|t| t.chars().next()) {
                    None | Some(',' | '\n' | '\r') => {}
                    Some(found) => {
                        return Err(CsvError {
                            line: start + newlines(text.get(..k).unwrap_or("")),
                            kind: CsvErrorKind::AfterQuote(found),
                        });
                    }
                }
                fields.push(value);
                k
            } else {
                let end = text
                    .get(i..)
                    .and_then(|t| t.find([',', '\n', '\r']))
                    .map_or(text.len(), |e| e + i);
                fields.push(text.get(i..end).unwrap_or("").to_owned());
                end
            };
            if bytes.get(end) == Some(&b',') {
                i = end + 1;
                continue;
            }
            self.line = start + newlines(text.get(..end).unwrap_or(""));
            self.finish_line(end);
            return Ok(CsvRecord {
                line: start,
                fields,
            });
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Result<CsvRecord, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.failed || self.rest.is_empty() {
                return None;
            }
            let bytes = self.rest.as_bytes();
            if matches!(bytes.first(), Some(b'#' | b'\n' | b'\r')) {
                let end = self.rest.find(['\n', '\r']).unwrap_or(self.rest.len());
                self.finish_line(end);
                continue;
            }
            let record = self.record();
            self.failed = record.is_err();
            return Some(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record as its line and its fields joined by `|`.
    fn all(text: &str) -> Vec<(u64, String)> {
        records(text)
            .map(|r| r.map(|r| (r.line, r.fields.join("|"))))
            .collect::<Result<_, _>>()
            .expect("reads")
    }

    #[test]
    fn fields_quotes_comments_and_line_numbers() {
        let text = "\u{FEFF}name,address,tftp_server\r\n\
# a comment, with \"quotes\"\n\
\n\
SEP1, 10.0.0.1 ,\"ucm-pub\"\n\
\"SEP2\",\"a, b\",\"say \"\"hi\"\"\"\n\
SEP3,\"two\nlines\",x\r\
SEP4,,\n\
last,\"\"  ,";
        assert_eq!(
            all(text),
            vec![
                (1, "name|address|tftp_server".into()),
                (4, "SEP1| 10.0.0.1 |ucm-pub".into()),
                (5, "SEP2|a, b|say \"hi\"".into()),
                (6, "SEP3|two\nlines|x".into()),
                (8, "SEP4||".into()),
                (9, "last||".into()),
            ]
        );
        assert_eq!(all(""), vec![]);
        assert_eq!(all("a"), vec![(1, "a".into())]);
        // A quote inside an unquoted field is kept.
        assert_eq!(all("a\"b,c\n"), vec![(1, "a\"b|c".into())]);
    }

    #[test]
    fn rejects_broken_quoting_and_huge_records() {
        let first_error = |text: &str| records(text).find_map(Result::err);
        assert_eq!(
            first_error("name\n\"SEP1,a,b\nSEP2\n"),
            Some(CsvError {
                line: 2,
                kind: CsvErrorKind::Unterminated
            })
        );
        assert_eq!(
            first_error("a,b\nc,\"d\"e\n"),
            Some(CsvError {
                line: 2,
                kind: CsvErrorKind::AfterQuote('e')
            })
        );
        assert_eq!(
            first_error(&",".repeat(MAX_FIELDS)),
            Some(CsvError {
                line: 1,
                kind: CsvErrorKind::TooManyFields
            })
        );
        // The iteration stops at the error.
        assert_eq!(records("\"x\ny").count(), 1);
        // Twins that read.
        assert!(first_error("name\n\"SEP1\",a,b\nSEP2\n").is_none());
        assert!(first_error("a,b\nc,\"d\" \n").is_none());
        assert!(first_error(&",".repeat(MAX_FIELDS - 1)).is_none());
        assert_eq!(
            first_error("\"x").map(|e| e.to_string()).as_deref(),
            Some("line 1: the quoted field is not closed")
        );
    }
}
