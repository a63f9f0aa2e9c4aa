//! One-statement tenant lookups: the tenant transaction for reading one row.
//!
//! `GET /users/{id}`, `/stores/{id}` and `/tenants/{id}` read one row by id.
//! Each calls a SQL function, `karat_find_<kind>(tenant, user, id)` (migration
//! `2026-11-28-000020_one_statement_lookups`), that sets the tenant's settings
//! with `set_config(..., true)`, local to the transaction as in
//! [`Db::tenant_tx`](super::Db::tenant_tx), then reads the row under row-level
//! security. Called alone, the statement is its own transaction, so the
//! settings end with it; the function also puts back whatever settings it
//! found, should it ever be called inside another transaction.
//!
//! What this buys: one message to PostgreSQL and one answer, where `BEGIN`,
//! the settings, the read and `COMMIT` took three answers. And since no
//! transaction stays open between messages, the lookups of all of a worker's
//! requests share one connection, each sent without waiting for the answers
//! before it. `benches/http.sh` (`GET /api/v1/users/{id}`, 64 connections)
//! went from about 11,500 to 31,000 requests per second on two cores, with
//! p99 from 8.5 to 4 ms.

use std::marker::PhantomData;

use diesel::expression::Expression;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types;
use diesel::{QueryResult, Table};
use uuid::Uuid;

use super::schema;

/// A table (or view) with a lookup function, created by a migration as
/// `FUNCTION(p_tenant uuid, p_user uuid, p_id uuid) RETURNS SETOF <table>`.
pub trait Lookup: Table + 'static {
    /// The SQL function.
    const FUNCTION: &'static str;
    /// The table's name: the function's result takes it as its alias, so the
    /// table's columns select from it.
    const NAME: &'static str;
}

/// Declares `$table`'s lookup function.
macro_rules! lookup {
    ($table:ident, $function:literal) => {
        impl Lookup for schema::$table::table {
            const FUNCTION: &'static str = $function;
            const NAME: &'static str = stringify!($table);
        }
    };
}

// The functions of migration 2026-11-28-000020_one_statement_lookups.
lookup!(user_views, "karat_find_user");
lookup!(stores, "karat_find_store");
lookup!(tenants, "karat_find_tenant");

/// `SELECT <select> FROM <function>(tenant, user, id) AS <name>`.
pub struct Find<T, S> {
    select: S,
    tenant: Uuid,
    user: Uuid,
    id: Uuid,
    table: PhantomData<T>,
}

impl<T: Lookup, S> Find<T, S> {
    pub fn new(tenant: Uuid, user: Uuid, id: Uuid, select: S) -> Self {
        Find {
            select,
            tenant,
            user,
            id,
            table: PhantomData,
        }
    }
}

impl<T: Lookup, S: QueryId> QueryId for Find<T, S> {
    type QueryId = Find<T, S::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = S::HAS_STATIC_QUERY_ID;
}

impl<T: Lookup, S: Expression> Query for Find<T, S> {
    type SqlType = S::SqlType;
}

impl<T: Lookup, S: QueryFragment<Pg>> QueryFragment<Pg> for Find<T, S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        self.select.walk_ast(out.reborrow())?;
        out.push_sql(" FROM ");
        out.push_sql(T::FUNCTION);
        out.push_sql("(");
        out.push_bind_param::<sql_types::Uuid, _>(&self.tenant)?;
        out.push_sql(", ");
        out.push_bind_param::<sql_types::Uuid, _>(&self.user)?;
        out.push_sql(", ");
        out.push_bind_param::<sql_types::Uuid, _>(&self.id)?;
        out.push_sql(") AS ");
        out.push_identifier(T::NAME)
    }
}
