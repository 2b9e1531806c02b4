//! The audit matrix, `docs/audit-matrix.md`, read when the program is built: for every field of
//! the format, the questions an auditor asks of it and the rules that answer them. `explain`
//! names the cells a rule answers, so the matrix and the rule point at each other;
//! `tests/audit_matrix.rs` keeps the matrix in step with the schemas and the rules.

const MATRIX: &str = include_str!("../../docs/audit-matrix.md");

/// The question of each column after the field, in order.
pub const QUESTIONS: [&str; 7] = ["value", "refs", "parties", "time", "lists", "reach", "text"];

/// The `(field, question)` of every cell of the matrix that names `code`.
pub fn answers(code: &str) -> Vec<(&'static str, &'static str)> {
    let link = format!("[{code}](");
    let mut out = Vec::new();
    for line in MATRIX.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| field | seven cells |` splits into an empty first and last part
        let Some(field) = cells.get(1).map(|f| f.trim_matches('`')) else { continue };
        for (question, cell) in QUESTIONS.iter().zip(cells.iter().skip(2)) {
            if cell.contains(&link) {
                out.push((field, *question));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rule_finds_its_cells() {
        assert!(super::answers("ESC002").iter().any(|(f, q)| *f == "plan.escalation.level.within" && *q == "value"));
        assert!(super::answers("XYZ999").is_empty());
    }
}
