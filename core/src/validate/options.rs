//! Validator options: which profile, partner rule severities, accepted authorities, limits.

use crate::json::Limits;
use crate::profile::{Rule, RuleSeverity, DEFAULT_AUTHORITIES};

/// Which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// STU3 only: structure, cardinality, formats, bindings, invariants.
    Base,
    /// STU3 plus the partner profile rules.
    #[default]
    Partner,
}

/// A configuration the validator refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionsError {
    /// `max_bytes` is zero or above 4 GiB.
    #[error("the size limit must be between 1 byte and 4 GiB - 1 (4294967295 bytes)")]
    Size,
    /// `max_depth` is zero or above the cap.
    #[error("the depth limit must be between 1 and {cap}")]
    Depth {
        /// The largest accepted depth limit.
        cap: usize,
    },
    /// `max_issues` is above 4 GiB - 1.
    #[error("the issue limit must be between 0 (no limit) and 4294967295")]
    MaxIssues,
    /// A rule id that does not exist.
    #[error("unknown partner rule {0:?}")]
    UnknownRule(String),
    /// A severity name that does not exist.
    #[error("unknown rule severity {0:?} (expected error, warning or off)")]
    UnknownSeverity(String),
    /// An assigning authority that is not a URI.
    #[error("an assigning authority must be a non-empty URI without whitespace")]
    BadAuthority,
}

/// Options of a [`super::Validator`]. `Default` gives the partner profile with its default
/// rule severities, the Meteda and CIP authorities, a 1 MiB size limit, a depth limit of 64
/// and at most 1 000 issues listed per document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorOptions {
    /// Base (STU3) or partner validation.
    pub profile: Profile,
    /// Size and nesting limits.
    pub limits: Limits,
    /// Put the offending values in messages (off by default: they are patient data).
    pub include_values: bool,
    /// Identifier systems accepted as the Patient's assigning authority.
    pub authorities: Vec<String>,
    /// The most issues listed per document ([`ValidatorOptions::DEFAULT_MAX_ISSUES`] by
    /// default; 0: no limit). Past it, validation counts the rest and ends with one
    /// `too-costly` issue (`PFHIR-V0108`) saying how many were left out.
    pub max_issues: usize,
    severities: Vec<RuleSeverity>,
}

impl Default for ValidatorOptions {
    fn default() -> Self {
        ValidatorOptions {
            profile: Profile::Partner,
            limits: Limits::default(),
            include_values: false,
            authorities: DEFAULT_AUTHORITIES.iter().map(|s| s.to_string()).collect(),
            max_issues: Self::DEFAULT_MAX_ISSUES,
            severities: Rule::ALL.iter().map(|r| r.default_severity()).collect(),
        }
    }
}

impl ValidatorOptions {
    /// The default limit of issues listed per document.
    pub const DEFAULT_MAX_ISSUES: usize = 1000;

    /// Partner validation with the defaults.
    pub fn partner() -> Self {
        Self::default()
    }

    /// Base (STU3-only) validation with the defaults: the size limit is
    /// [`ValidatorOptions::BASE_MAX_BYTES`], which real STU3 resources fit (the official
    /// 3.0.x examples reach 2.3 MB).
    pub fn base() -> Self {
        let mut o = Self::default();
        o.set_profile(Profile::Base);
        o
    }

    /// The default size limit of base (STU3-only) validation: 64 MiB. The partner profile
    /// keeps [`Limits::DEFAULT_MAX_BYTES`] (1 MiB), its message size.
    pub const BASE_MAX_BYTES: usize = 64 * 1024 * 1024;

    /// The default size limit of a profile.
    pub const fn default_max_bytes(profile: Profile) -> usize {
        match profile {
            Profile::Base => Self::BASE_MAX_BYTES,
            Profile::Partner => Limits::DEFAULT_MAX_BYTES,
        }
    }

    /// Switches the profile. A size limit still at the old profile's default follows to the
    /// new one's; a limit the caller set stays.
    pub fn set_profile(&mut self, profile: Profile) -> &mut Self {
        if self.limits.max_bytes == Self::default_max_bytes(self.profile) {
            self.limits.max_bytes = Self::default_max_bytes(profile);
        }
        self.profile = profile;
        self
    }

    /// The severity of a partner rule.
    pub fn severity(&self, rule: Rule) -> RuleSeverity {
        self.severities
            .get(rule as usize)
            .copied()
            .unwrap_or(rule.default_severity())
    }

    /// Sets the severity of a partner rule.
    pub fn set_severity(&mut self, rule: Rule, severity: RuleSeverity) -> &mut Self {
        if let Some(s) = self.severities.get_mut(rule as usize) {
            *s = severity;
        }
        self
    }

    /// Sets a rule's severity by id and severity name (`"partner-meta-profile"`, `"off"`).
    pub fn set_severity_by_name(
        &mut self,
        rule: &str,
        severity: &str,
    ) -> Result<&mut Self, OptionsError> {
        let r = Rule::from_id(rule).ok_or_else(|| OptionsError::UnknownRule(rule.to_string()))?;
        let s = RuleSeverity::from_name(severity)
            .ok_or_else(|| OptionsError::UnknownSeverity(severity.to_string()))?;
        Ok(self.set_severity(r, s))
    }

    /// Checks that `system` can be an assigning authority: a non-empty URI without
    /// whitespace. The one rule for every place that takes an authority.
    pub fn check_authority(system: &str) -> Result<(), OptionsError> {
        if system.is_empty() || system.chars().any(char::is_whitespace) {
            return Err(OptionsError::BadAuthority);
        }
        Ok(())
    }

    /// Accepts one more identifier system as an assigning authority.
    pub fn add_authority(&mut self, system: &str) -> Result<&mut Self, OptionsError> {
        Self::check_authority(system)?;
        if !self.authorities.iter().any(|a| a == system) {
            self.authorities.push(system.to_string());
        }
        Ok(self)
    }

    /// Checks the limits.
    pub fn check(&self) -> Result<(), OptionsError> {
        if self.limits.max_bytes == 0 || self.limits.max_bytes > u32::MAX as usize {
            return Err(OptionsError::Size);
        }
        if self.limits.max_depth == 0 || self.limits.max_depth > Limits::MAX_DEPTH_CAP {
            return Err(OptionsError::Depth {
                cap: Limits::MAX_DEPTH_CAP,
            });
        }
        if self.max_issues > u32::MAX as usize {
            return Err(OptionsError::MaxIssues);
        }
        self.authorities
            .iter()
            .try_for_each(|a| Self::check_authority(a))
    }
}
