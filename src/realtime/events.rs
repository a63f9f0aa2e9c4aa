//! Recording events in the mutation's transaction.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::rbac::Role;
use crate::db::Conn;
use crate::db::schema::events;
use crate::http::error::ApiError;

/// NOTIFY channel carrying `<tenant>:<seq>` after each commit that recorded an event.
pub const CHANNEL: &str = "karat_events";
/// NOTIFY channel for socket control: `session:<id>`, `user:<id>`, `tenant:<id>`.
pub const CONTROL_CHANNEL: &str = "karat_control";

/// Who may receive an event (within its tenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// Everyone in the tenant.
    Tenant,
    /// People with one of these roles.
    Roles { roles: Vec<Role> },
    /// Business admins, and people belonging to one of these stores.
    Stores { stores: Vec<Uuid> },
    /// Exactly these people.
    Users { users: Vec<Uuid> },
    /// These people, business admins, and people with one of `roles` in one
    /// of `stores` (a lead goes to its store's managers and its telecaller).
    Staff {
        stores: Vec<Uuid>,
        roles: Vec<Role>,
        users: Vec<Uuid>,
    },
}

/// The receiving side of an audience check.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: Uuid,
    pub role: Role,
    pub stores: Vec<Uuid>,
}

impl Audience {
    /// Whether `v` may receive the event.
    pub fn allows(&self, v: &Viewer) -> bool {
        match self {
            Audience::Tenant => true,
            Audience::Roles { roles } => roles.contains(&v.role),
            Audience::Stores { stores } => {
                v.role == Role::BusinessAdmin || stores.iter().any(|s| v.stores.contains(s))
            }
            Audience::Users { users } => users.contains(&v.user_id),
            Audience::Staff {
                stores,
                roles,
                users,
            } => {
                users.contains(&v.user_id)
                    || v.role == Role::BusinessAdmin
                    || (roles.contains(&v.role) && stores.iter().any(|s| v.stores.contains(s)))
            }
        }
    }
}

/// An event as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct StoredEvent {
    pub seq: i64,
    pub topic: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub audience: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// An event waiting for its transaction to finish.
struct Pending {
    tenant_id: Uuid,
    topic: String,
    kind: String,
    payload: serde_json::Value,
    audience: serde_json::Value,
}

tokio::task_local! {
    /// Events recorded in the transaction this task is running (see [`recording`]).
    static PENDING: RefCell<Vec<Pending>>;
}

/// Records an event in the current transaction. Delivery starts when the
/// transaction commits (NOTIFY is transactional).
///
/// Inside [`recording`] (every `Db` transaction) the event is written with the
/// transaction's others just before COMMIT, so the tenant's seq counter is
/// locked for one statement and the commit, not for the rest of the work; seq
/// order stays commit order. Elsewhere it is written at once.
pub async fn emit(
    conn: &mut Conn,
    tenant_id: Uuid,
    topic: &str,
    kind: &str,
    payload: serde_json::Value,
    audience: &Audience,
) -> Result<(), ApiError> {
    let event = Pending {
        tenant_id,
        topic: topic.to_string(),
        kind: kind.to_string(),
        payload,
        audience: serde_json::to_value(audience).map_err(anyhow::Error::from)?,
    };
    if PENDING.try_with(|_| ()).is_err() {
        // Outside a `Db` transaction nothing hands it to the hubs: its NOTIFY does.
        return write(conn, vec![event]).await.map(drop);
    }
    PENDING.with(|p| p.borrow_mut().push(event));
    Ok(())
}

/// Events a transaction wrote for one tenant, as stored, in seq order.
pub type Written = (Uuid, Vec<StoredEvent>);

/// Runs `f` (the body of a transaction) collecting the events it emits, then
/// writes them, one statement per tenant. An error writes nothing: the
/// transaction is rolled back. Returns the events as written, for this node's
/// hubs once the transaction has committed.
pub async fn recording<R>(
    conn: &mut Conn,
    f: impl AsyncFnOnce(&mut Conn) -> Result<R, ApiError>,
) -> Result<(R, Vec<Written>), ApiError> {
    PENDING
        .scope(RefCell::new(Vec::new()), async {
            let value = f(conn).await?;
            let events = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
            let written = write(conn, events).await?;
            Ok((value, written))
        })
        .await
}

/// Writes events: next seqs, rows and NOTIFYs in one call per tenant, in the
/// order they were emitted.
async fn write(conn: &mut Conn, mut events: Vec<Pending>) -> Result<Vec<Written>, ApiError> {
    let mut written = Vec::new();
    while let Some(first) = events.as_slice().first() {
        let tenant = first.tenant_id;
        let (batch, rest): (Vec<Pending>, Vec<Pending>) =
            events.into_iter().partition(|e| e.tenant_id == tenant);
        events = rest;
        let (mut topics, mut kinds, mut payloads, mut audiences) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for e in &batch {
            topics.push(e.topic.as_str());
            kinds.push(e.kind.as_str());
            payloads.push(&e.payload);
            audiences.push(&e.audience);
        }
        // `now()` is the transaction's timestamp: the rows' `created_at`. (Typed:
        // an SQL literal would keep diesel from caching the statement.)
        let (last, created_at) = diesel::select((
            crate::db::functions::karat_emit_batch(
                tenant, topics, kinds, payloads, audiences, CHANNEL,
            ),
            diesel::dsl::now.into_sql::<diesel::sql_types::Timestamptz>(),
        ))
        .get_result::<(i64, DateTime<Utc>)>(conn)
        .await?;
        let first_seq = last - batch.len() as i64 + 1;
        let stored = (first_seq..)
            .zip(batch)
            .map(|(seq, e)| StoredEvent {
                seq,
                topic: e.topic,
                kind: e.kind,
                payload: e.payload,
                audience: e.audience,
                created_at,
            })
            .collect();
        written.push((tenant, stored));
    }
    Ok(written)
}

/// `pg_notify` inside the current transaction (sent on commit).
pub async fn notify(conn: &mut Conn, channel: &str, message: &str) -> Result<(), ApiError> {
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<diesel::sql_types::Text, _>(channel)
        .bind::<diesel::sql_types::Text, _>(message)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, stores: &[Uuid]) -> Viewer {
        Viewer {
            user_id: Uuid::now_v7(),
            role,
            stores: stores.to_vec(),
        }
    }

    #[test]
    fn audience_rules() {
        let s1 = Uuid::now_v7();
        let s2 = Uuid::now_v7();
        let tele = viewer(Role::Telecaller, &[s1]);
        assert!(Audience::Tenant.allows(&tele));
        assert!(
            Audience::Roles {
                roles: vec![Role::Telecaller]
            }
            .allows(&tele)
        );
        assert!(
            !Audience::Roles {
                roles: vec![Role::Manager]
            }
            .allows(&tele)
        );
        assert!(Audience::Stores { stores: vec![s1] }.allows(&tele));
        assert!(!Audience::Stores { stores: vec![s2] }.allows(&tele));
        assert!(Audience::Stores { stores: vec![s2] }.allows(&viewer(Role::BusinessAdmin, &[])));
        assert!(
            !Audience::Users {
                users: vec![Uuid::now_v7()]
            }
            .allows(&tele)
        );
        assert!(
            Audience::Users {
                users: vec![tele.user_id]
            }
            .allows(&tele)
        );
        let lead = Audience::Staff {
            stores: vec![s1],
            roles: vec![Role::Manager],
            users: vec![],
        };
        assert!(!lead.allows(&tele));
        assert!(lead.allows(&viewer(Role::Manager, &[s1])));
        assert!(!lead.allows(&viewer(Role::Manager, &[s2])));
        assert!(lead.allows(&viewer(Role::BusinessAdmin, &[])));
        let json = serde_json::to_value(Audience::Roles {
            roles: vec![Role::SalesRep],
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "roles", "roles": ["sales_rep"]})
        );
    }
}
