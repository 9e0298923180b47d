//! Which spelling of a determination a write sends. Defender's two pages disagree: the incident resource page
//! (what a GET returns) names `CompromisedUser`, `ConfirmedUserActivity`, `InsufficientData`; the update page
//! names `CompromisedAccount`, `ConfirmedActivity`, `NoEnoughDataToValidate` (and both say the public names may
//! change). A write sends the resource page's names, and a 400 that names the value it sent is answered once
//! with the other page's: a 400 applied nothing, so sending again cannot do anything twice. Graph documents one
//! camelCase spelling (its `alertDetermination` member table), so a Graph write has no second try.

use super::rules::canonical;
use super::Action;
use crate::incidents::model::Determination;
use crate::incidents::source::{api, Dialect, Source};
use crate::request::error::ApiError;

/// Which of Defender's two documented name sets a write spells its determination in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spelling {
    /// The incident resource page's names: what a GET returns.
    #[default]
    Resource,
    /// The update page's names.
    Update,
}

impl Spelling {
    fn other(self) -> Spelling {
        match self {
            Spelling::Resource => Spelling::Update,
            Spelling::Update => Spelling::Resource,
        }
    }
}

/// A determination as each API writes it, in `spelling` where Defender's pages disagree. Graph: the
/// `alertDetermination` member table (`compromisedAccount`, `confirmedActivity`, `notMalicious`,
/// `notEnoughDataToValidate`; its incident pages still show older names, which reading accepts).
pub fn determination_spelled(source: Source, d: &Determination, spelling: Spelling) -> Option<&'static str> {
    let update = spelling == Spelling::Update;
    let (defender, graph) = match canonical(d) {
        Determination::MultiStagedAttack => ("MultiStagedAttack", "multiStagedAttack"),
        Determination::MaliciousUserActivity => ("MaliciousUserActivity", "maliciousUserActivity"),
        Determination::CompromisedUser if update => ("CompromisedAccount", "compromisedAccount"),
        Determination::CompromisedUser => ("CompromisedUser", "compromisedAccount"),
        Determination::Malware => ("Malware", "malware"),
        Determination::Phishing => ("Phishing", "phishing"),
        Determination::UnwantedSoftware => ("UnwantedSoftware", "unwantedSoftware"),
        Determination::SecurityTesting => ("SecurityTesting", "securityTesting"),
        Determination::LineOfBusinessApplication => ("LineOfBusinessApplication", "lineOfBusinessApplication"),
        Determination::ConfirmedUserActivity if update => ("ConfirmedActivity", "confirmedActivity"),
        Determination::ConfirmedUserActivity => ("ConfirmedUserActivity", "confirmedActivity"),
        Determination::NotMalicious => ("Clean", "notMalicious"),
        Determination::InsufficientData if update => ("NoEnoughDataToValidate", "notEnoughDataToValidate"),
        Determination::InsufficientData => ("InsufficientData", "notEnoughDataToValidate"),
        Determination::Other(s) if s == "Other" => ("Other", "other"),
        _ => return None,
    };
    Some(if api(source).dialect == Dialect::Defender { defender } else { graph })
}

/// The determination `action` writes, if it writes one.
fn determination_of(action: &Action) -> Option<&Determination> {
    match action {
        Action::Classify { determination, .. } | Action::Resolve { determination, .. } => Some(determination),
        _ => None,
    }
}

/// The alternative write for this refusal: when `action`, sent with `sent`, was refused with a 400 whose message
/// names the determination value it carried, and the other spelling of that value differs, the spelling to send
/// it once more in. `None` for anything else (the refusal stands).
pub fn alternative_write(source: Source, action: &Action, sent: Spelling, refusal: &ApiError) -> Option<Spelling> {
    let ApiError::BadRequest { message, .. } = refusal else { return None };
    let d = determination_of(action)?;
    let value = determination_spelled(source, d, sent)?;
    let other = determination_spelled(source, d, sent.other())?;
    (other != value && message.contains(value)).then_some(sent.other())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::Classification;

    fn classify(d: Determination) -> Action {
        Action::Classify { classification: Classification::TruePositive, determination: d }
    }

    fn refused(value: &str) -> ApiError {
        ApiError::BadRequest {
            code: "InvalidRequestBody".into(),
            message: format!("Invalid value '{value}' for property 'determination'."),
        }
    }

    #[test]
    fn defender_writes_what_a_get_returns() {
        let d = Source::Defender;
        let r = Spelling::Resource;
        assert_eq!(determination_spelled(d, &Determination::CompromisedUser, r), Some("CompromisedUser"));
        assert_eq!(determination_spelled(d, &Determination::ConfirmedUserActivity, r), Some("ConfirmedUserActivity"));
        assert_eq!(determination_spelled(d, &Determination::InsufficientData, r), Some("InsufficientData"));
        let u = Spelling::Update;
        assert_eq!(determination_spelled(d, &Determination::CompromisedUser, u), Some("CompromisedAccount"));
        assert_eq!(determination_spelled(d, &Determination::ConfirmedUserActivity, u), Some("ConfirmedActivity"));
        assert_eq!(determination_spelled(d, &Determination::InsufficientData, u), Some("NoEnoughDataToValidate"));
        // Graph has one spelling whichever is asked.
        for s in [r, u] {
            let g = |x: &Determination| determination_spelled(Source::Graph, x, s);
            assert_eq!(g(&Determination::CompromisedUser), Some("compromisedAccount"));
            assert_eq!(g(&Determination::InsufficientData), Some("notEnoughDataToValidate"));
        }
    }

    #[test]
    fn a_400_naming_the_value_sent_is_answered_once_with_the_other_spelling() {
        let a = classify(Determination::CompromisedUser);
        let d = Source::Defender;
        assert_eq!(alternative_write(d, &a, Spelling::Resource, &refused("CompromisedUser")), Some(Spelling::Update));
        assert_eq!(
            alternative_write(d, &a, Spelling::Update, &refused("CompromisedAccount")),
            Some(Spelling::Resource)
        );
        // A refusal about something else, another error, a value both pages spell alike, Graph: no second try.
        assert_eq!(alternative_write(d, &a, Spelling::Resource, &refused("TruePositive")), None);
        assert_eq!(alternative_write(d, &a, Spelling::Resource, &ApiError::NotFound), None);
        let same = classify(Determination::Malware);
        assert_eq!(alternative_write(d, &same, Spelling::Resource, &refused("Malware")), None);
        assert_eq!(alternative_write(Source::Graph, &a, Spelling::Resource, &refused("compromisedAccount")), None);
        let resolve = Action::Resolve {
            classification: Classification::FalsePositive,
            determination: Determination::InsufficientData,
            comment: None,
        };
        assert_eq!(
            alternative_write(d, &resolve, Spelling::Resource, &refused("InsufficientData")),
            Some(Spelling::Update)
        );
        assert_eq!(alternative_write(d, &Action::Comment("x".into()), Spelling::Resource, &refused("x")), None);
    }

    #[test]
    fn every_spelling_written_reads_back_as_the_same_determination() {
        for d in [Determination::CompromisedUser, Determination::ConfirmedUserActivity, Determination::InsufficientData]
        {
            for source in [Source::Defender, Source::Graph] {
                for s in [Spelling::Resource, Spelling::Update] {
                    let wire = determination_spelled(source, &d, s).unwrap_or_default();
                    assert_eq!(Determination::parse(Some(wire)), d, "{wire}");
                    assert_eq!(Determination::parse(Some(&wire.to_uppercase())), d, "any case: {wire}");
                }
            }
        }
    }
}
