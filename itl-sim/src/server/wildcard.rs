//! Wildcard patterns of the query interfaces: AXL `listPhone` criteria (`%`, SQL `LIKE`) and
//! RisPort70 selection items (`*`). One matcher serves both; each caller folds case its way.

/// Whether `text` matches `pattern`, where `any` stands for any run of characters (empty
/// included) and every other character for itself (case-sensitive).
pub fn matches(pattern: &str, text: &str, any: char) -> bool {
    let mut parts = pattern.split(any);
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, middle)) = middle.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::super::axl_list_phone::like;
    use super::super::soap_risport::matches_item;

    type Matcher = fn(&str, &str) -> bool;
    /// (pattern, text) pairs.
    type Pairs = &'static [(&'static str, &'static str)];

    /// Per matcher: (pattern, text) pairs that match, then pairs that do not.
    const CASES: [(Matcher, Pairs, Pairs); 2] = [
        (
            like,
            &[
                ("SEP%", "sep001122334455"),
                ("%8865%", "Cisco 8865 10001"),
                ("dp-1", "DP-1"),
                ("%", ""),
                ("a%b%c", "aXbYc"),
                ("%%", "x"),
            ],
            &[
                ("dp-1", "DP-10"),
                ("SEP%", "ATA001"),
                ("a%b%c", "aXcYb"),
                ("ab%ba", "aba"),
                ("", "x"),
            ],
        ),
        (
            matches_item,
            &[
                ("sep001122334455", "SEP001122334455"),
                ("SEP0011*", "SEP001122334455"),
                ("*4455", "SEP001122334455"),
                ("SEP*22*55", "SEP001122334455"),
            ],
            &[("SEP0011", "SEP001122334455"), ("X*", "SEP001122334455")],
        ),
    ];

    #[test]
    fn wildcards_match_runs_and_fold_case_in_both_interfaces() {
        for (matcher, hits, misses) in CASES {
            for (pattern, text) in hits {
                assert!(matcher(pattern, text), "{pattern:?} should match {text:?}");
            }
            for (pattern, text) in misses {
                assert!(
                    !matcher(pattern, text),
                    "{pattern:?} should not match {text:?}"
                );
            }
        }
    }
}
