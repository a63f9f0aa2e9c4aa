//! SQL functions of the hot paths (migration `hot_path_functions`). Called
//! through these declarations, queries stay cacheable prepared statements.

use diesel::sql_types::{
    Array, Bool, Date, Integer, Jsonb, Nullable, SmallInt, Text, Timestamptz, Uuid,
};

diesel::define_sql_function! {
    /// Records a tenant's events (parallel arrays) with its next seqs and queues
    /// their NOTIFYs; returns the last seq.
    fn karat_emit_batch(
        tenant: Uuid,
        topics: Array<Text>,
        kinds: Array<Text>,
        payloads: Array<Jsonb>,
        audiences: Array<Jsonb>,
        channel: Text,
    ) -> BigInt;
}

diesel::define_sql_function! {
    /// Enqueues a job unless its dedupe key exists; true when added.
    #[allow(clippy::too_many_arguments)]
    fn karat_enqueue_job(
        id: Uuid,
        tenant: Nullable<Uuid>,
        kind: Text,
        payload: Jsonb,
        run_at: Timestamptz,
        max_attempts: Integer,
        dedupe_key: Nullable<Text>,
        channel: Text,
    ) -> Bool;
}

diesel::define_sql_function! {
    /// A customer's primary phone.
    fn karat_first_phone(phones: Array<Text>) -> Text;
}

diesel::define_sql_function! {
    /// DND, or consent to calls withdrawn.
    fn karat_do_not_call(dnd: Bool, consent: Jsonb) -> Bool;
}

diesel::define_sql_function! {
    /// Calls to a lead on the store's calendar day today.
    fn karat_attempts_today(attempts_on: Nullable<Date>, attempts: SmallInt, tz: Text) -> SmallInt;
}

diesel::define_sql_function! {
    /// The next support ticket number of today (UTC): `ST-YYYYMMDD-NNNN`.
    fn karat_ticket_number() -> Text;
}
