//! One comment per pull request, found again by its hidden marker and its author, edited in
//! place.

use super::{Client, Comment, Identity, RepoName};

/// What to do to the pull request's comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Create,
    Update(u64),
    Delete(u64),
}

/// Whether a comment is one of ours: it carries the marker on its first line and its author is
/// us (see [`Identity`]).
pub fn is_ours(c: &Comment, marker: &str, me: &Identity) -> bool {
    is_ours_by(&c.body, &c.login, marker, me)
}

/// Whether a text (a comment's or an issue's body) by an author is ours: the marker on its first
/// line, and the author exactly our login (GitHub's logins are case-insensitive).
pub fn is_ours_by(body: &str, login: &str, marker: &str, me: &Identity) -> bool {
    let marked = body.lines().next().is_some_and(|l| l.trim() == marker);
    marked && login.eq_ignore_ascii_case(&me.0)
}

fn same(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace("\r\n", "\n").trim_end().to_string();
    norm(a) == norm(b)
}

/// The writes that leave exactly one of our comments, with `body`: none when it is there
/// already; the oldest of several is kept (edited if need be) and the others deleted.
pub fn plan(existing: &[Comment], marker: &str, me: &Identity, body: &str) -> Vec<Action> {
    let mut ours: Vec<&Comment> = existing.iter().filter(|c| is_ours(c, marker, me)).collect();
    ours.sort_by(|a, b| (&a.created_at, a.id).cmp(&(&b.created_at, b.id)));
    let Some((keep, rest)) = ours.split_first() else { return vec![Action::Create] };
    let mut out = Vec::new();
    if !same(&keep.body, body) {
        out.push(Action::Update(keep.id));
    }
    out.extend(rest.iter().map(|c| Action::Delete(c.id)));
    out
}

/// What [`sync`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(u64),
    Updated(u64),
    Unchanged(u64),
}

/// Makes the pull request hold exactly one comment of ours with `body`; with `create` false, an
/// existing one is edited but none is made (a pull request with nothing to review).
pub fn sync(
    client: &Client,
    repo: &RepoName,
    pr: u64,
    (marker, me): (&str, &Identity),
    body: &str,
    create: bool,
) -> Result<(Option<Outcome>, usize), String> {
    let existing = client.comments(repo, pr)?;
    let mut actions = plan(&existing, marker, me, body);
    if !create && actions == [Action::Create] {
        actions.clear();
        return Ok((None, 0));
    }
    let mut outcome = None;
    let mut deleted = 0;
    for action in &actions {
        match action {
            Action::Create => outcome = Some(Outcome::Created(client.create_comment(repo, pr, body)?)),
            Action::Update(id) => {
                client.update_comment(repo, *id, body)?;
                outcome = Some(Outcome::Updated(*id));
            }
            Action::Delete(id) => {
                client.delete_comment(repo, *id)?;
                deleted += 1;
            }
        }
    }
    let outcome = outcome.unwrap_or_else(|| {
        let kept = existing.iter().filter(|c| is_ours(c, marker, me)).map(|c| (&c.created_at, c.id)).min();
        Outcome::Unchanged(kept.map(|k| k.1).unwrap_or_default())
    });
    Ok((Some(outcome), deleted))
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = "<!-- contingent:review v1 -->";

    fn c(id: u64, body: &str, login: &str, kind: &str, at: &str) -> Comment {
        Comment { id, body: body.into(), login: login.into(), user_type: kind.into(), created_at: at.into() }
    }

    #[test]
    fn one_comment_kept() {
        let me = Identity("bot".into());
        let body = format!("{M}\nhello");
        assert_eq!(plan(&[], M, &me, &body), [Action::Create]);
        let theirs = c(1, &body, "mallory", "User", "2026-01-01T00:00:00Z");
        assert_eq!(plan(std::slice::from_ref(&theirs), M, &me, &body), [Action::Create]);
        let mine = c(2, &body, "bot", "User", "2026-01-02T00:00:00Z");
        assert_eq!(plan(&[theirs.clone(), mine.clone()], M, &me, &body), []);
        assert_eq!(plan(std::slice::from_ref(&mine), M, &me, &format!("{M}\nchanged")), [Action::Update(2)]);
        let dup = c(3, &format!("{M}\nold"), "bot", "User", "2026-01-03T00:00:00Z");
        assert_eq!(plan(&[dup.clone(), mine.clone()], M, &me, &body), [Action::Delete(3)]);
        // the marker must open the comment: quoting it does not make a comment ours
        let quoted = c(4, &format!("> {M}\n"), "bot", "User", "2026-01-00T00:00:00Z");
        assert_eq!(plan(&[quoted, mine], M, &me, &body), []);
        // an Actions token is github-actions[bot], exactly: another app's bot is not us
        let actions = Identity(crate::github::ACTIONS_BOT.into());
        let bot = c(5, &body, "github-actions[bot]", "Bot", "2026-01-04T00:00:00Z");
        assert_eq!(plan(&[theirs.clone(), bot], M, &actions, &body), []);
        let other = c(6, &body, "renovate[bot]", "Bot", "2026-01-04T00:00:00Z");
        assert_eq!(plan(&[theirs, other], M, &actions, &body), [Action::Create]);
    }
}
