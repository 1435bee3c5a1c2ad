//! A tolerant HTML (and simple XML) tokenizer, and the two views of a page built on it:
//! [`table_rows`] (rows of cell texts) and [`text_lines`] (the page's text, one line per row,
//! break or block).
//!
//! Phone firmware writes HTML 3.2-era markup (`<TR><TD ALIGN=RIGHT><FONT SIZE=2><B>…`),
//! browsers save it lower-case with `<tbody>`, and nothing guarantees closed tags. So: tag
//! names and attribute names are compared lower-case; attribute values may be double-quoted,
//! single-quoted or bare; comments, `<!DOCTYPE>`, `<?xml?>` and the content of `<script>` and
//! `<style>` are skipped; a `<` that does not start a tag is text; a tag that never ends ends
//! the document. Every text goes through [`super::entities::plain_text`].
//!
//! Nothing here panics on any input, and every output is bounded: at most [`MAX_ROWS`] rows
//! (and lines), [`MAX_CELL_CHARS`] characters per cell, [`MAX_ATTRIBUTES`] attributes per tag.

use super::entities::{clean, decode_entities};

/// Most rows (or lines) kept from one page; phone pages have a few hundred.
pub const MAX_ROWS: usize = 10_000;
/// Most characters kept of one cell or line.
pub const MAX_CELL_CHARS: usize = 4_096;
/// Most attributes kept of one tag.
pub const MAX_ATTRIBUTES: usize = 32;

/// One piece of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// A start tag: lower-case name, attributes (lower-case names, decoded values), whether
    /// it ends with `/>`.
    Start {
        /// The tag name, lower-case (`td`).
        name: String,
        /// Attributes in document order.
        attributes: Vec<(String, String)>,
        /// `<br/>`.
        self_closing: bool,
    },
    /// An end tag, lower-case name.
    End(String),
    /// Text between tags, as written (references not decoded).
    Text(&'a str),
}

impl Token<'_> {
    /// The value of a start tag's attribute (`name` lower-case).
    pub fn attribute(&self, wanted: &str) -> Option<&str> {
        match self {
            Token::Start { attributes, .. } => attributes
                .iter()
                .find(|(n, _)| n == wanted)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// The tokens of a document, in order.
pub fn tokens(document: &str) -> Tokens<'_> {
    Tokens {
        rest: document,
        raw_until: None,
        unclosed: Unclosed {
            len: document.len(),
            double: usize::MAX,
            single: usize::MAX,
        },
    }
}

/// Iterator of [`Token`]s; see [`tokens`].
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    rest: &'a str,
    /// Inside `<script>` or `<style>`: the end tag that closes it.
    raw_until: Option<&'static str>,
    /// Where quotes were last looked for in vain.
    unclosed: Unclosed,
}

/// Offsets (from the document's start) from which no `"` / `'` follows, once a search found
/// none: a document of many tags that open a quote never closed is then read in linear time,
/// not each tag scanning to the end again.
#[derive(Clone, Copy, Debug)]
struct Unclosed {
    len: usize,
    double: usize,
    single: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            if let Some(end) = self.raw_until.take() {
                // Skip the content; the end tag itself is tokenized normally.
                let at = find_ascii_ci(self.rest, end).unwrap_or(self.rest.len());
                self.rest = &self.rest[at..];
                continue;
            }
            let bytes = self.rest.as_bytes();
            if bytes[0] != b'<' {
                let end = next_tag_start(self.rest);
                let (text, rest) = self.rest.split_at(end);
                self.rest = rest;
                return Some(Token::Text(text));
            }
            // `<` starts markup only before a letter, `/`, `!` or `?`.
            match bytes.get(1) {
                Some(b'!') => {
                    self.rest = if self.rest.starts_with("<!--") {
                        match self.rest[4..].find("-->") {
                            Some(end) => &self.rest[4 + end + 3..],
                            None => "",
                        }
                    } else {
                        after_gt(self.rest)
                    };
                    continue;
                }
                Some(b'?') => {
                    self.rest = after_gt(self.rest);
                    continue;
                }
                Some(b'/') => {
                    let Some(gt) = tag_end(self.rest, &mut self.unclosed) else {
                        self.rest = "";
                        return None;
                    };
                    let name = tag_name(&self.rest[2..gt]);
                    self.rest = &self.rest[gt + 1..];
                    if name.is_empty() {
                        continue;
                    }
                    return Some(Token::End(name));
                }
                Some(b) if b.is_ascii_alphabetic() => {
                    let Some(gt) = tag_end(self.rest, &mut self.unclosed) else {
                        self.rest = "";
                        return None;
                    };
                    let inner = &self.rest[1..gt];
                    self.rest = &self.rest[gt + 1..];
                    let name = tag_name(inner);
                    let self_closing = inner.trim_end().ends_with('/');
                    let attributes = attributes(inner.get(name.len()..).unwrap_or(""));
                    match name.as_str() {
                        "script" if !self_closing => self.raw_until = Some("</script"),
                        "style" if !self_closing => self.raw_until = Some("</style"),
                        _ => {}
                    }
                    return Some(Token::Start {
                        name,
                        attributes,
                        self_closing,
                    });
                }
                _ => {
                    // A lone `<`: text up to the next tag.
                    let end = 1 + next_tag_start(&self.rest[1..]);
                    let (text, rest) = self.rest.split_at(end);
                    self.rest = rest;
                    return Some(Token::Text(text));
                }
            }
        }
    }
}

/// Byte offset of the next `<` (or the end).
fn next_tag_start(text: &str) -> usize {
    text.find('<').unwrap_or(text.len())
}

/// The rest after the next `>` (nothing when there is none).
fn after_gt(text: &str) -> &str {
    match text.find('>') {
        Some(gt) => &text[gt + 1..],
        None => "",
    }
}

/// Byte offset of the `>` that ends the tag starting at `text[0]`, skipping quoted attribute
/// values. A quote only opens after `=` (so `<td width=20">` still ends); a quote never closed
/// does not hide the `>`.
fn tag_end(text: &str, unclosed: &mut Unclosed) -> Option<usize> {
    let bytes = text.as_bytes();
    // Offset of `text` in the document.
    let base = unclosed.len.saturating_sub(text.len());
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return Some(i),
            b'=' => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if let Some(&q @ (b'"' | b'\'')) = bytes.get(i) {
                    let none_after = if q == b'"' {
                        &mut unclosed.double
                    } else {
                        &mut unclosed.single
                    };
                    let close = if base + i + 1 >= *none_after {
                        None
                    } else {
                        bytes[i + 1..].iter().position(|&b| b == q)
                    };
                    match close {
                        Some(close) => i += close + 2,
                        None => {
                            *none_after = (*none_after).min(base + i + 1);
                            return text.find('>');
                        }
                    }
                    continue;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The lower-case name at the start of a tag's inside (`TD ALIGN=RIGHT` → `td`).
fn tag_name(inner: &str) -> String {
    inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .take(64)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Attributes of a tag after its name: `a=1 b="2" c='3' d`.
fn attributes(mut rest: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() || out.len() >= MAX_ATTRIBUTES {
            return out;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len())
            .max(rest.chars().next().map_or(0, char::len_utf8));
        let name: String = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let value = match rest.strip_prefix('=') {
            Some(after) => {
                let after = after.trim_start();
                let (value, next) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let body = &after[1..];
                        match body.find(q) {
                            Some(close) => (&body[..close], &body[close + 1..]),
                            None => (body, ""),
                        }
                    }
                    _ => {
                        let end = after.find(char::is_whitespace).unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                rest = next;
                decode_entities(value)
            }
            None => String::new(),
        };
        out.push((name, value));
    }
}

/// Byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Tags after which text does not run on (`a<br>b` is two words, not `ab`).
fn is_break(name: &str) -> bool {
    matches!(
        name,
        "br" | "p"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "center"
            | "pre"
            | "dt"
            | "dd"
    )
}

/// Appends raw text to a cell, respecting [`MAX_CELL_CHARS`] (counted in bytes of the raw
/// text, a bound on what decoding can produce).
fn append(cell: &mut String, text: &str) {
    let room = (MAX_CELL_CHARS * 4).saturating_sub(cell.len());
    if room == 0 {
        return;
    }
    let mut end = text.len().min(room);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    cell.push_str(&text[..end]);
}

/// A cell's final text: decoded, cleaned, cut at [`MAX_CELL_CHARS`].
fn finish(raw: &str) -> String {
    let text = clean(&decode_entities(raw));
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => text[..at].to_owned(),
        None => text,
    }
}

#[derive(Default)]
struct Table {
    row: Vec<String>,
    cell: Option<String>,
}

impl Table {
    fn close_cell(&mut self) {
        if let Some(cell) = self.cell.take()
            && self.row.len() < MAX_ROWS
        {
            self.row.push(finish(&cell));
        }
    }

    fn close_row(&mut self, rows: &mut Vec<Vec<String>>) {
        self.close_cell();
        if !self.row.is_empty() && rows.len() < MAX_ROWS {
            rows.push(std::mem::take(&mut self.row));
        }
        self.row.clear();
    }
}

/// Appends `text` to the innermost table's open cell, if there is one.
fn append_to_cell(stack: &mut [Table], text: &str) {
    if let Some(cell) = stack.last_mut().and_then(|t| t.cell.as_mut()) {
        append(cell, text);
    }
}

/// Splits a document into table rows of cell texts, in the order the rows end.
///
/// Tags are stripped, references decoded, control characters dropped and whitespace
/// collapsed; `<br>`, `<p>`, `<div>`... separate words. A nested table's rows are rows of
/// their own and its text does not leak into the enclosing cell. Missing end tags (`<td>`
/// without `</td>`, `<tr>` without `</tr>`) close implicitly, and a cell outside any `<table>`
/// opens one. `<tbody>`, `<thead>`, `<font>`, `<b>`... are transparent. Text outside cells is
/// not kept.
pub fn table_rows(document: &str) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut stack: Vec<Table> = Vec::new();
    for token in tokens(document) {
        match token {
            Token::Text(text) => append_to_cell(&mut stack, text),
            Token::Start { name, .. } => match name.as_str() {
                "table" => {
                    if let Some(top) = stack.last_mut()
                        && top.cell.is_none()
                    {
                        top.close_row(&mut rows);
                    }
                    if stack.len() < 64 {
                        stack.push(Table::default());
                    }
                }
                "tr" => {
                    if stack.is_empty() {
                        stack.push(Table::default());
                    }
                    if let Some(top) = stack.last_mut() {
                        top.close_row(&mut rows);
                    }
                }
                "td" | "th" => {
                    if stack.is_empty() {
                        stack.push(Table::default());
                    }
                    if let Some(top) = stack.last_mut() {
                        top.close_cell();
                        top.cell = Some(String::new());
                    }
                }
                other if is_break(other) => append_to_cell(&mut stack, " "),
                _ => {}
            },
            Token::End(name) => match name.as_str() {
                "table" => {
                    if let Some(mut table) = stack.pop() {
                        table.close_row(&mut rows);
                    }
                }
                "tr" => {
                    if let Some(top) = stack.last_mut() {
                        top.close_row(&mut rows);
                    }
                }
                "td" | "th" => {
                    if let Some(top) = stack.last_mut() {
                        top.close_cell();
                    }
                }
                other if is_break(other) => append_to_cell(&mut stack, " "),
                _ => {}
            },
        }
    }
    while let Some(mut table) = stack.pop() {
        table.close_row(&mut rows);
    }
    rows
}

/// The document's text as lines: a table row is one line (its cells joined by a space), and
/// `<br>`, `<p>`, `<div>`, `<li>`, `<tr>`, `<table>`... end a line. Lines are cleaned like
/// cells (see [`table_rows`]); empty lines are dropped. Used for lists that firmware writes
/// either as rows or as `<BR>`-separated text (status messages).
pub fn text_lines(document: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let flush = |line: &mut String, lines: &mut Vec<String>| {
        let text = finish(line);
        line.clear();
        if !text.is_empty() && lines.len() < MAX_ROWS {
            lines.push(text);
        }
    };
    for token in tokens(document) {
        match token {
            Token::Text(text) => append(&mut line, text),
            Token::Start { name, .. } | Token::End(name) => match name.as_str() {
                "td" | "th" => append(&mut line, " "),
                "tr" | "table" | "tbody" | "thead" | "body" | "title" => {
                    flush(&mut line, &mut lines)
                }
                other if is_break(other) => flush(&mut line, &mut lines),
                _ => {}
            },
        }
    }
    flush(&mut line, &mut lines);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn tokens_of_both_cases_with_attributes() {
        let t: Vec<Token<'_>> = tokens(
            "<!DOCTYPE html><TD ALIGN=RIGHT width=\"20\" class='a b' nowrap>x&amp;y</Td><br/>",
        )
        .collect();
        assert_eq!(
            t,
            vec![
                Token::Start {
                    name: "td".into(),
                    attributes: vec![
                        ("align".into(), "RIGHT".into()),
                        ("width".into(), "20".into()),
                        ("class".into(), "a b".into()),
                        ("nowrap".into(), String::new()),
                    ],
                    self_closing: false,
                },
                Token::Text("x&amp;y"),
                Token::End("td".into()),
                Token::Start {
                    name: "br".into(),
                    attributes: vec![],
                    self_closing: true,
                },
            ]
        );
        assert_eq!(t[0].attribute("width"), Some("20"));
        assert_eq!(t[0].attribute("height"), None);
    }

    #[test]
    fn a_quoted_greater_than_does_not_end_the_tag() {
        let t: Vec<Token<'_>> = tokens("<a href=\"/x?a>b\" title='c>d'>t</a>").collect();
        assert_eq!(t[0].attribute("href"), Some("/x?a>b"));
        assert_eq!(t[0].attribute("title"), Some("c>d"));
        assert_eq!(t[1], Token::Text("t"));
    }

    #[test]
    fn lone_less_than_comments_and_unterminated_tags() {
        let t: Vec<Token<'_>> = tokens("a < b <!-- <td>x</td> --><?xml x?>c <td").collect();
        assert_eq!(
            t,
            vec![Token::Text("a "), Token::Text("< b "), Token::Text("c ")]
        );
        assert_eq!(tokens("<!-- never closed <td>x").count(), 0);
    }

    #[test]
    fn rows_of_firmware_and_browser_markup() {
        let firmware = "<TABLE><TR><TD><B> TVS</B></TD><TD WIDTH=20></TD><TD><B>ucm&#x2D;pub</B></TD></TR>\
<TR><TD>ITL file<TD>Installed</TABLE>";
        assert_eq!(
            table_rows(firmware),
            vec![
                row(&["TVS", "", "ucm-pub"]),
                row(&["ITL file", "Installed"])
            ]
        );
        let saved = "<table><tbody><tr><td><b>TFTP server 1</b></td><td width=\"20\"></td>\
<td><b>10.0.0.1</b></td></tr></tbody></table>";
        assert_eq!(
            table_rows(saved),
            vec![row(&["TFTP server 1", "", "10.0.0.1"])]
        );
    }

    #[test]
    fn nested_tables_do_not_leak_and_scripts_are_skipped() {
        let rows = table_rows(
            "<table><tr><td>outer<table><tr><td>ITL file</td><td>x</td></tr></table>tail</td><td>o2</td></tr></table>",
        );
        assert_eq!(
            rows,
            vec![row(&["ITL file", "x"]), row(&["outertail", "o2"])]
        );
        let rows = table_rows(
            "<TABLE><TR><TD>a<BR>b</TD><TD><script>var x='<td>';</script>c</TD></TR></TABLE>",
        );
        assert_eq!(rows, vec![row(&["a b", "c"])]);
    }

    #[test]
    fn lines_split_rows_and_breaks() {
        let lines = text_lines(
            "<HTML><BODY><H3>Status</H3>9:52:58p No Trust List Installed<BR>7:56:45a CTL update failed<BR>\
<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table></BODY></HTML>",
        );
        assert_eq!(
            lines,
            vec![
                "Status",
                "9:52:58p No Trust List Installed",
                "7:56:45a CTL update failed",
                "a b",
                "c"
            ]
        );
    }

    #[test]
    fn unclosed_quotes_take_linear_time() {
        // 1 MiB of tags opening a quote that never closes.
        let doc = "<td a='x>y".repeat(100_000);
        let started = std::time::Instant::now();
        let rows = table_rows(&doc);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].len(), 100_000.min(MAX_ROWS));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Twin: quotes that close are still honoured after an unclosed one of the other kind.
        let t: Vec<Token<'_>> = tokens("<a b='x><a href=\"/q>r\">t").collect();
        assert_eq!(t[1].attribute("href"), Some("/q>r"));
    }

    #[test]
    fn cells_are_bounded() {
        let long = format!("<td>{}</td>", "x".repeat(MAX_CELL_CHARS * 10));
        let rows = table_rows(&long);
        assert_eq!(rows[0][0].chars().count(), MAX_CELL_CHARS);
        let many = "<tr><td>a</td></tr>".repeat(MAX_ROWS + 50);
        assert_eq!(table_rows(&many).len(), MAX_ROWS);
        let tags = format!("<td {}>", "a=1 ".repeat(100));
        let t: Vec<Token<'_>> = tokens(&tags).collect();
        assert!(
            matches!(&t[0], Token::Start { attributes, .. } if attributes.len() == MAX_ATTRIBUTES)
        );
    }
}
