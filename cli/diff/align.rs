//! The alignment of two lists of texts without identities (steps, forbidden actions, detection
//! signals), and the word-level diff of two texts. Pure sequence work on strings; what an
//! alignment means is `classify`'s business.

use std::collections::HashSet;

use similar::{Algorithm, DiffOp};

use super::{Op, Words};

/// How two lists of texts line up: indices into the old and the new list.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Alignment {
    /// Old entries with no counterpart.
    pub deleted: Vec<usize>,
    /// New entries with no counterpart.
    pub inserted: Vec<usize>,
    /// Old and new entries that are mostly the same words (a rewording), in old order.
    pub reworded: Vec<(usize, usize)>,
    /// The same text removed at one place and added at another.
    pub moved: Vec<(usize, usize)>,
}

/// Aligns `old` with `new` by a sequence diff of the texts. In a replaced block the most similar
/// texts are paired first, each at most once (not by position: a removed step next to a reworded
/// one must not be read as its rewording); a pair shares at least half its words.
pub fn align(old: &[&str], new: &[&str]) -> Alignment {
    let mut a = Alignment::default();
    for op in similar::capture_diff_slices(Algorithm::Myers, old, new) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete { old_index, old_len, .. } => a.deleted.extend(old_index..old_index + old_len),
            DiffOp::Insert { new_index, new_len, .. } => a.inserted.extend(new_index..new_index + new_len),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                let (olds, news) = (old_index..old_index + old_len, new_index..new_index + new_len);
                let pairs = pair(old, new, olds.clone(), news.clone());
                let used_old: HashSet<usize> = pairs.iter().map(|p| p.0).collect();
                let used_new: HashSet<usize> = pairs.iter().map(|p| p.1).collect();
                a.reworded.extend(pairs);
                a.deleted.extend(olds.filter(|o| !used_old.contains(o)));
                a.inserted.extend(news.filter(|n| !used_new.contains(n)));
            }
        }
    }
    a.reworded.sort_unstable();
    let inserted = &mut a.inserted;
    let moved = &mut a.moved;
    a.deleted.retain(|&o| match inserted.iter().position(|&n| new[n] == old[o]) {
        Some(p) => {
            moved.push((o, inserted.remove(p)));
            false
        }
        None => true,
    });
    a
}

/// Pairs of texts compared in one replaced block of a list, at most.
const MAX_PAIRS: usize = 400;

/// The rewordings in one replaced block: the most similar pairs first, each text at most once.
/// All pairs are scored when the block is small, as every real edit is; else only those at the
/// same position, so a crafted list of thousands cannot make this quadratic.
fn pair(old: &[&str], new: &[&str], olds: std::ops::Range<usize>, news: std::ops::Range<usize>) -> Vec<(usize, usize)> {
    let candidates: Vec<(usize, usize)> = if olds.len() * news.len() <= MAX_PAIRS {
        olds.flat_map(|o| news.clone().map(move |n| (o, n))).collect()
    } else {
        olds.zip(news).collect()
    };
    let mut scored: Vec<(f64, usize, usize)> = candidates
        .into_iter()
        .map(|(o, n)| (similarity(old[o], new[n]), o, n))
        .filter(|(score, ..)| *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut used_old, mut used_new) = (HashSet::new(), HashSet::new());
    let mut pairs = Vec::new();
    for (_, o, n) in scored {
        if !used_old.contains(&o) && !used_new.contains(&n) {
            used_old.insert(o);
            used_new.insert(n);
            pairs.push((o, n));
        }
    }
    pairs
}

/// How much of two texts' words they share in order: 2 × (longest common subsequence of words)
/// / (words of both), whitespace not counted. At least 0.5: a replacement is a rewording.
fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split_whitespace().collect(), b.split_whitespace().collect());
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared: usize = similar::capture_diff_slices(Algorithm::Myers, &a, &b)
        .iter()
        .map(|op| match op {
            DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

/// The word-level diff of two texts, as runs of equal, deleted and inserted text.
pub fn words(old: &str, new: &str) -> Vec<Words> {
    let diff = similar::TextDiff::from_words(old, new);
    let mut out: Vec<Words> = Vec::new();
    for c in diff.iter_all_changes() {
        let op = match c.tag() {
            similar::ChangeTag::Equal => Op::Equal,
            similar::ChangeTag::Delete => Op::Delete,
            similar::ChangeTag::Insert => Op::Insert,
        };
        let text = c.value();
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => out.push(Words { op, text: text.to_string() }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_keeps_the_unchanged_words() {
        let w = words("call the duty desk at once", "call the duty desk immediately");
        let ops: Vec<(Op, &str)> = w.iter().map(|w| (w.op, w.text.as_str())).collect();
        assert_eq!(ops, [(Op::Equal, "call the duty desk "), (Op::Delete, "at once"), (Op::Insert, "immediately")]);
    }

    #[test]
    fn a_replaced_block_pairs_the_most_similar_texts() {
        // the removed step sits where the reworded one was: pairing by position would be wrong
        let old = ["stop the batch chain now", "call the duty desk"];
        let new = ["call the duty desk at once"];
        let a = align(&old, &new);
        assert_eq!(a, Alignment { deleted: vec![0], inserted: vec![], reworded: vec![(1, 0)], moved: vec![] });
    }

    #[test]
    fn the_same_text_elsewhere_moved() {
        let a = align(&["a", "b", "c"], &["b", "c", "a"]);
        assert_eq!(a, Alignment { moved: vec![(0, 2)], ..Alignment::default() });
    }
}
