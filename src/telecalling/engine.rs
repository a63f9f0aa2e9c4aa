//! The assignment engine and the lead state machine as plain Rust: no
//! database, no clock, so every rule is unit-tested. The callers take the
//! tenant's assignment lock and feed it the candidates they read under it.

use uuid::Uuid;

use crate::customers::model::words;

words!(
    /// How a store hands out new leads.
    AssignRule { Manual = "manual", RoundRobin = "round_robin", LeastLoaded = "least_loaded", Language = "language" }
);

words!(
    /// Where a lead is on its way (DOMAIN.md "Telecalling").
    LeadState { New = "new", Assigned = "assigned", Attempted = "attempted", Contacted = "contacted", FollowUp = "follow_up", Qualified = "qualified", AppointmentSet = "appointment_set", Converted = "converted", Lost = "lost", NotInterested = "not_interested", WrongNumber = "wrong_number", Dnd = "dnd" }
);

impl LeadState {
    /// Closed leads accept no further change.
    pub fn is_closed(self) -> bool {
        use LeadState::*;
        matches!(self, Converted | Lost | NotInterested | WrongNumber | Dnd)
    }

    /// Whether the state machine allows `self → to`.
    pub fn can_become(self, to: LeadState) -> bool {
        use LeadState::*;
        if self.is_closed() {
            return false;
        }
        // Any open lead may be closed as not interested, wrong number, DND or lost.
        if matches!(to, NotInterested | WrongNumber | Dnd | Lost) {
            return true;
        }
        match self {
            New => matches!(to, Assigned),
            Assigned => matches!(
                to,
                New | Attempted | Contacted | FollowUp | Qualified | AppointmentSet | Converted
            ),
            Attempted => matches!(
                to,
                Attempted | Contacted | FollowUp | Qualified | AppointmentSet | Converted
            ),
            Contacted => matches!(to, FollowUp | Qualified | AppointmentSet | Converted),
            FollowUp => matches!(
                to,
                FollowUp | Contacted | Qualified | AppointmentSet | Converted
            ),
            Qualified => matches!(to, FollowUp | AppointmentSet | Converted),
            AppointmentSet => matches!(to, FollowUp | Qualified | Converted),
            Converted | Lost | NotInterested | WrongNumber | Dnd => false,
        }
    }
}

/// A telecaller who could take a lead: online, not on break or leave, a
/// member of the lead's store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: Uuid,
    /// Open leads assigned to them now.
    pub open_leads: i64,
    pub languages: Vec<String>,
}

/// What to assign.
#[derive(Debug, Clone, Default)]
pub struct Ask<'a> {
    /// Who the store last gave a lead to (round-robin cursor).
    pub last_assigned_to: Option<Uuid>,
    /// Open leads a telecaller may hold.
    pub cap: i64,
    /// The customer's language, for the language rule.
    pub language: Option<&'a str>,
    /// The telecaller who handled this number recently (sticky ownership).
    pub sticky: Option<Uuid>,
    /// Never this person (reassignment after a missed SLA).
    pub exclude: Option<Uuid>,
}

/// Picks the telecaller for a lead, or `None` when nobody may take it (manual
/// rule, nobody online, everyone at their cap). Deterministic: the same
/// candidates and cursor always give the same answer.
pub fn choose(rule: AssignRule, candidates: &[Candidate], ask: &Ask) -> Option<Uuid> {
    if rule == AssignRule::Manual {
        return None;
    }
    let mut open: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.open_leads < ask.cap && Some(c.user_id) != ask.exclude)
        .collect();
    if open.is_empty() {
        return None;
    }
    if let Some(s) = ask.sticky
        && open.iter().any(|c| c.user_id == s)
    {
        return Some(s);
    }
    // Round-robin order: ids after the cursor first, then wrap around.
    open.sort_by_key(|c| {
        (
            ask.last_assigned_to.is_some_and(|l| c.user_id <= l),
            c.user_id,
        )
    });
    match rule {
        AssignRule::Manual => None,
        AssignRule::RoundRobin => open.first().map(|c| c.user_id),
        AssignRule::LeastLoaded => least_loaded(&open),
        AssignRule::Language => {
            let speakers: Vec<&Candidate> = match ask.language {
                Some(l) => open
                    .iter()
                    .copied()
                    .filter(|c| c.languages.iter().any(|x| x.eq_ignore_ascii_case(l)))
                    .collect(),
                None => vec![],
            };
            least_loaded(if speakers.is_empty() {
                &open
            } else {
                &speakers
            })
        }
    }
}

/// The least-loaded candidate; ties go in round-robin order.
fn least_loaded(ordered: &[&Candidate]) -> Option<Uuid> {
    ordered
        .iter()
        .enumerate()
        .min_by_key(|(i, c)| (c.open_leads, *i))
        .map(|(_, c)| c.user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn cand(n: u8, load: i64, langs: &[&str]) -> Candidate {
        Candidate {
            user_id: id(n),
            open_leads: load,
            languages: langs.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn ask(last: Option<u8>) -> Ask<'static> {
        Ask {
            last_assigned_to: last.map(id),
            cap: 10,
            ..Ask::default()
        }
    }

    #[test]
    fn round_robin_cycles_in_id_order_and_wraps() {
        let cs = [cand(3, 0, &[]), cand(1, 0, &[]), cand(2, 0, &[])];
        let mut last = None;
        let mut seen = vec![];
        for _ in 0..6 {
            let a = ask(last);
            let next = choose(AssignRule::RoundRobin, &cs, &a).unwrap();
            seen.push(next);
            last = Some(next.as_bytes()[0]);
        }
        assert_eq!(seen, vec![id(1), id(2), id(3), id(1), id(2), id(3)]);
    }

    #[test]
    fn round_robin_survives_the_cursor_leaving() {
        let cs = [cand(1, 0, &[]), cand(3, 0, &[])];
        assert_eq!(
            choose(AssignRule::RoundRobin, &cs, &ask(Some(2))),
            Some(id(3))
        );
        assert_eq!(
            choose(AssignRule::RoundRobin, &cs, &ask(Some(9))),
            Some(id(1))
        );
    }

    #[test]
    fn the_cap_is_never_exceeded() {
        let cs = [cand(1, 10, &[]), cand(2, 9, &[])];
        assert_eq!(choose(AssignRule::RoundRobin, &cs, &ask(None)), Some(id(2)));
        let full = [cand(1, 10, &[]), cand(2, 10, &[])];
        assert_eq!(choose(AssignRule::RoundRobin, &full, &ask(None)), None);
        assert_eq!(choose(AssignRule::LeastLoaded, &full, &ask(None)), None);
    }

    #[test]
    fn least_loaded_prefers_the_lightest_then_rotates() {
        let cs = [cand(1, 4, &[]), cand(2, 1, &[]), cand(3, 1, &[])];
        assert_eq!(
            choose(AssignRule::LeastLoaded, &cs, &ask(None)),
            Some(id(2))
        );
        assert_eq!(
            choose(AssignRule::LeastLoaded, &cs, &ask(Some(2))),
            Some(id(3))
        );
    }

    #[test]
    fn language_prefers_speakers_and_falls_back_to_everyone() {
        let cs = [cand(1, 0, &["hi"]), cand(2, 3, &["ta", "en"])];
        let mut a = ask(None);
        a.language = Some("TA");
        assert_eq!(choose(AssignRule::Language, &cs, &a), Some(id(2)));
        a.language = Some("bn");
        assert_eq!(choose(AssignRule::Language, &cs, &a), Some(id(1)));
    }

    #[test]
    fn sticky_owner_wins_when_available_but_not_over_cap() {
        let cs = [cand(1, 0, &[]), cand(2, 5, &[])];
        let mut a = ask(None);
        a.sticky = Some(id(2));
        assert_eq!(choose(AssignRule::RoundRobin, &cs, &a), Some(id(2)));
        a.cap = 5;
        assert_eq!(choose(AssignRule::RoundRobin, &cs, &a), Some(id(1)));
        a.sticky = Some(id(7));
        assert_eq!(choose(AssignRule::RoundRobin, &cs, &a), Some(id(1)));
    }

    #[test]
    fn manual_stores_and_excluded_people_get_nothing() {
        let cs = [cand(1, 0, &[])];
        assert_eq!(choose(AssignRule::Manual, &cs, &ask(None)), None);
        let mut a = ask(None);
        a.exclude = Some(id(1));
        assert_eq!(choose(AssignRule::RoundRobin, &cs, &a), None);
        assert_eq!(choose(AssignRule::RoundRobin, &[], &ask(None)), None);
    }

    #[test]
    fn state_machine_is_strict() {
        use LeadState::*;
        assert!(New.can_become(Assigned));
        assert!(!New.can_become(Contacted));
        assert!(Assigned.can_become(Attempted));
        assert!(Attempted.can_become(Attempted));
        assert!(Contacted.can_become(Converted));
        assert!(!New.can_become(Converted));
        assert!(Qualified.can_become(AppointmentSet));
        for closed in [Converted, Lost, NotInterested, WrongNumber, Dnd] {
            for to in LeadState::ALL {
                assert!(!closed.can_become(*to), "{closed:?} -> {to:?}");
            }
        }
        for open in [
            New,
            Assigned,
            Attempted,
            Contacted,
            FollowUp,
            Qualified,
            AppointmentSet,
        ] {
            assert!(open.can_become(Lost));
            assert!(open.can_become(Dnd));
        }
    }
}
