//! The codes of the repository configuration the loader checks (`CFG001`, `CFG006`,
//! `CFG007`); the configuration codes of rule settings and waivers are in `rules/settings.rs`.

rules! {
    CONFIG;
    /// ## What it does
    /// Checks that `contingent.kdl` names exactly one party with `role=client` and exactly one with `role=provider` (any number of sub-providers and carriers may follow).
    ///
    /// ## Why
    /// M 6.83 divides emergency preparedness between the client and the outsourcing service provider; every responsibility and sign-off check needs to know which party is which.
    ///
    /// ## Example
    /// ```kdl
    /// party bank role=client name="Hanseatische Privatbank AG"
    /// party rzn role=provider name="Rechenzentrum Nord GmbH"
    /// ```
    CFG_PARTIES = "CFG001" "missing-party-role" Config Error
        "the configuration does not name exactly one client and one provider";
    /// ## What it does
    /// Reports a folder in `paths` in `contingent.kdl` that is absolute or leads above the repository (`signoffs="/etc"`, `contacts=".."`). The folder is not read.
    ///
    /// ## Why
    /// A check must judge what is in the repository. A folder outside it would be read from whatever the machine holds there, or silently yield nothing (no sign-offs, no contacts).
    ///
    /// ## Example
    /// ```kdl
    /// paths signoffs="/etc"
    /// ```
    /// ```kdl
    /// paths signoffs="approvals"
    /// ```
    CFG_PATHS_OUTSIDE = "CFG006" "paths-outside-repository" Config Error
        "a `paths` folder lies outside the repository";
    /// ## What it does
    /// Warns about a folder set in `paths` in `contingent.kdl` (other than its default) that does not exist or holds no `.kdl` file.
    ///
    /// ## Why
    /// A misspelt folder name silently checks nothing of that kind: no contacts, no sign-offs.
    ///
    /// ## Example
    /// ```kdl
    /// paths contacts="contcts"
    /// ```
    CFG_PATHS_EMPTY = "CFG007" "paths-folder-empty" Config Warning
        "a configured `paths` folder does not exist or holds no plan files";
}
