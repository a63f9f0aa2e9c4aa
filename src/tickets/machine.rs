//! The support ticket status machine and SLA rules (plain Rust, unit-tested).

use chrono::{DateTime, Duration, Utc};

crate::customers::model::words!(
    /// A ticket's status.
    TicketStatus {
        Open = "open",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
    }
);

crate::customers::model::words!(
    /// How urgent a ticket (or escalation) is.
    Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
);

/// Who asks for a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Platform staff.
    Platform,
    /// The tenant that raised the ticket (its creator or a business admin).
    Tenant,
}

/// Days after resolution in which the tenant may reopen a ticket.
pub const REOPEN_DAYS: i64 = 14;
/// Days after which a resolved ticket closes itself.
pub const AUTO_CLOSE_DAYS: i64 = 7;

/// Why a change is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a move of the machine (409).
    Illegal,
    /// A move the other side makes (403).
    NotYours,
    /// Reopening after the window (409).
    TooLate,
}

/// Checks `from → to` for `side`; `resolved_at` bounds reopening.
pub fn check(
    from: TicketStatus,
    to: TicketStatus,
    side: Side,
    resolved_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    use TicketStatus::*;
    let platform = match (from, to) {
        (Open, InProgress) | (Open, Resolved) | (InProgress, Resolved) => true,
        (Resolved, Closed) => return Ok(()),
        (Resolved, Open) | (Closed, Open) => false,
        _ => return Err(Refusal::Illegal),
    };
    match (platform, side) {
        (true, Side::Platform) => Ok(()),
        (true, Side::Tenant) => Err(Refusal::NotYours),
        (false, Side::Platform) => Err(Refusal::NotYours),
        (false, Side::Tenant) => match resolved_at {
            Some(at) if now - at <= Duration::days(REOPEN_DAYS) => Ok(()),
            _ => Err(Refusal::TooLate),
        },
    }
}

/// Time allowed to resolve a ticket of this priority.
pub fn sla(priority: Priority) -> Duration {
    match priority {
        Priority::Urgent => Duration::hours(4),
        Priority::High => Duration::hours(8),
        Priority::Normal => Duration::hours(24),
        Priority::Low => Duration::hours(72),
    }
}

#[cfg(test)]
mod tests {
    use super::TicketStatus::*;
    use super::*;

    const ALL: [TicketStatus; 4] = [Open, InProgress, Resolved, Closed];

    #[test]
    fn only_the_machine_moves_are_legal() {
        let now = Utc::now();
        let legal = [
            (Open, InProgress),
            (Open, Resolved),
            (InProgress, Resolved),
            (Resolved, Closed),
            (Resolved, Open),
            (Closed, Open),
        ];
        for from in ALL {
            for to in ALL {
                let r = [Side::Platform, Side::Tenant].map(|s| check(from, to, s, Some(now), now));
                if legal.contains(&(from, to)) {
                    assert!(r.iter().any(Result::is_ok), "{from:?} → {to:?}");
                } else {
                    assert!(
                        r.iter().all(|x| *x == Err(Refusal::Illegal)),
                        "{from:?} → {to:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn each_side_makes_its_own_moves() {
        let now = Utc::now();
        assert_eq!(
            check(Open, InProgress, Side::Tenant, None, now),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            check(Resolved, Open, Side::Platform, Some(now), now),
            Err(Refusal::NotYours)
        );
        assert!(check(Resolved, Closed, Side::Tenant, Some(now), now).is_ok());
        assert!(check(Resolved, Closed, Side::Platform, Some(now), now).is_ok());
    }

    #[test]
    fn reopening_has_a_window() {
        let now = Utc::now();
        let old = now - Duration::days(REOPEN_DAYS + 1);
        assert_eq!(
            check(Closed, Open, Side::Tenant, Some(old), now),
            Err(Refusal::TooLate)
        );
        assert!(
            check(
                Closed,
                Open,
                Side::Tenant,
                Some(now - Duration::days(3)),
                now
            )
            .is_ok()
        );
    }

    #[test]
    fn urgent_tickets_are_due_first() {
        assert!(sla(Priority::Urgent) < sla(Priority::High));
        assert!(sla(Priority::Normal) < sla(Priority::Low));
    }
}
