// Kept in step with migrations/ by hand (see diesel.toml).

diesel::table! {
    tenants (id) {
        id -> Uuid,
        name -> Text,
        slug -> Text,
        country -> Text,
        currency -> Text,
        time_zone -> Text,
        locale -> Text,
        plan -> Text,
        status -> Text,
        trash_retention_days -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    stores (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        name -> Text,
        code -> Text,
        address -> Nullable<Text>,
        city -> Nullable<Text>,
        time_zone -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        name -> Text,
        email -> Text,
        phone -> Nullable<Text>,
        role -> Text,
        manager_id -> Nullable<Uuid>,
        password_hash -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    user_stores (user_id, store_id) {
        tenant_id -> Uuid,
        user_id -> Uuid,
        store_id -> Uuid,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        device -> Nullable<Text>,
        ip -> Nullable<Text>,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Bytea,
        session_id -> Uuid,
        created_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Bytea,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    login_failures (email) {
        email -> Text,
        failures -> Int4,
        window_started_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Uuid,
        to_email -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        actor_id -> Nullable<Uuid>,
        actor_name -> Nullable<Text>,
        entity -> Text,
        entity_id -> Nullable<Text>,
        action -> Text,
        changes -> Nullable<Jsonb>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        request_id -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// View: users with `store_ids` (see the user_views migration).
    user_views (id) {
        id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        name -> Text,
        email -> Text,
        phone -> Nullable<Text>,
        role -> Text,
        manager_id -> Nullable<Uuid>,
        active -> Bool,
        created_at -> Timestamptz,
        store_ids -> Array<Uuid>,
    }
}

diesel::table! {
    event_counters (tenant_id) {
        tenant_id -> Uuid,
        last_seq -> Int8,
    }
}

diesel::table! {
    events (tenant_id, seq) {
        tenant_id -> Uuid,
        seq -> Int8,
        topic -> Text,
        kind -> Text,
        payload -> Jsonb,
        audience -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    realtime_tickets (ticket_hash) {
        ticket_hash -> Bytea,
        user_id -> Uuid,
        session_id -> Uuid,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        user_id -> Uuid,
        #[sql_name = "type"]
        kind -> Text,
        title -> Text,
        body -> Text,
        link -> Nullable<Text>,
        urgent -> Bool,
        read_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notification_prefs (user_id) {
        user_id -> Uuid,
        tenant_id -> Uuid,
        muted_in_app -> Array<Text>,
        muted_push -> Array<Text>,
        quiet_start -> Nullable<Time>,
        quiet_end -> Nullable<Time>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    nodes (id) {
        id -> Uuid,
        started_at -> Timestamptz,
        heartbeat_at -> Timestamptz,
    }
}

diesel::table! {
    presence (user_id, node_id) {
        user_id -> Uuid,
        node_id -> Uuid,
        tenant_id -> Uuid,
        status -> Text,
        since -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        kind -> Text,
        payload -> Jsonb,
        state -> Text,
        attempts -> Int4,
        max_attempts -> Int4,
        run_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    push_subscriptions (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        user_id -> Uuid,
        endpoint -> Text,
        p256dh -> Text,
        auth -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    customers (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        name -> Text,
        phones -> Array<Text>,
        email -> Nullable<Text>,
        gender -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        anniversary -> Nullable<Date>,
        address -> Nullable<Text>,
        city -> Nullable<Text>,
        area -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        language -> Nullable<Text>,
        community -> Nullable<Text>,
        customer_type -> Text,
        preferences -> Jsonb,
        budget_band -> Nullable<Text>,
        tier -> Text,
        tags -> Array<Text>,
        consent -> Jsonb,
        dnd -> Bool,
        home_store_id -> Uuid,
        lifetime_value -> Int8,
        last_purchase_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        deleted_by -> Nullable<Uuid>,
        merged_into -> Nullable<Uuid>,
        search_doc -> Text,
        auto_tags -> Array<Text>,
        // Also generated: birth_md, anniversary_md (smallint, month*100+day).
        // Only segment SQL reads them; left out to stay within diesel's 32 columns.
    }
}

diesel::table! {
    customer_phones (tenant_id, phone) {
        tenant_id -> Uuid,
        phone -> Text,
        customer_id -> Uuid,
    }
}

diesel::table! {
    customer_family (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        customer_id -> Uuid,
        name -> Text,
        relation -> Text,
        linked_customer_id -> Nullable<Uuid>,
        birth_date -> Nullable<Date>,
        anniversary -> Nullable<Date>,
        wedding_date -> Nullable<Date>,
    }
}

diesel::table! {
    customer_notes (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        customer_id -> Uuid,
        author_id -> Uuid,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    visits (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        customer_id -> Uuid,
        store_id -> Uuid,
        visited_at -> Timestamptz,
        attended_by -> Uuid,
        reason -> Text,
        lead_source -> Text,
        notes -> Nullable<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        lead_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    visit_interests (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        visit_id -> Uuid,
        category -> Text,
        design_number -> Nullable<Text>,
        expected_value -> Nullable<Int8>,
        outcome -> Text,
        note -> Nullable<Text>,
        position -> Int2,
        metal -> Nullable<Text>,
        stone -> Nullable<Text>,
    }
}

diesel::table! {
    leads (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        customer_id -> Uuid,
        store_id -> Uuid,
        source -> Text,
        visit_id -> Nullable<Uuid>,
        state -> Text,
        assigned_to -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        priority -> Int2,
        note -> Nullable<Text>,
        assigned_at -> Nullable<Timestamptz>,
        sla_due_at -> Nullable<Timestamptz>,
        sla_breached_at -> Nullable<Timestamptz>,
        follow_up_at -> Nullable<Timestamptz>,
        last_call_at -> Nullable<Timestamptz>,
        attempts_on -> Nullable<Date>,
        attempts_that_day -> Int2,
        sales_rep_id -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    appointments (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        customer_id -> Uuid,
        store_id -> Uuid,
        staff_id -> Nullable<Uuid>,
        scheduled_at -> Timestamptz,
        purpose -> Text,
        status -> Text,
        rescheduled_to -> Nullable<Uuid>,
        notes -> Nullable<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    customer_access_log (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        customer_id -> Uuid,
        user_id -> Uuid,
        ip -> Nullable<Text>,
        at -> Timestamptz,
    }
}

diesel::table! {
    segments (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        rule -> Jsonb,
        auto_tag -> Nullable<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    customer_imports (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        created_by -> Uuid,
        filename -> Text,
        format -> Text,
        file -> Bytea,
        status -> Text,
        headers -> Array<Text>,
        mapping -> Nullable<Jsonb>,
        home_store_id -> Nullable<Uuid>,
        date_order -> Nullable<Text>,
        total_rows -> Int4,
        valid_rows -> Int4,
        invalid_rows -> Int4,
        duplicate_rows -> Int4,
        imported_rows -> Int4,
        skipped_rows -> Int4,
        next_row -> Int4,
        report -> Nullable<Jsonb>,
        error -> Nullable<Text>,
        created_at -> Timestamptz,
        validated_at -> Nullable<Timestamptz>,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        create_leads -> Bool,
    }
}

diesel::table! {
    interest_photos (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        interest_id -> Uuid,
        storage_key -> Text,
        content_type -> Text,
        size -> Int4,
        created_by -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    telecalling_settings (store_id) {
        store_id -> Uuid,
        tenant_id -> Uuid,
        rule -> Text,
        max_open_leads -> Int4,
        sla_minutes -> Int4,
        sticky_days -> Int4,
        retry_minutes -> Int4,
        max_attempts_per_day -> Int4,
        calling_start -> Time,
        calling_end -> Time,
        wrap_up_seconds -> Int4,
        thresholds -> Jsonb,
        last_assigned_to -> Nullable<Uuid>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    agents (user_id) {
        user_id -> Uuid,
        tenant_id -> Uuid,
        status -> Text,
        since -> Timestamptz,
        lead_id -> Nullable<Uuid>,
        call_id -> Nullable<Uuid>,
        languages -> Array<Text>,
    }
}

diesel::table! {
    lead_history (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        lead_id -> Uuid,
        kind -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        assigned_to -> Nullable<Uuid>,
        actor_id -> Nullable<Uuid>,
        reason -> Nullable<Text>,
        at -> Timestamptz,
    }
}

diesel::table! {
    calls (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        lead_id -> Uuid,
        customer_id -> Uuid,
        store_id -> Uuid,
        telecaller_id -> Uuid,
        phone -> Text,
        started_at -> Timestamptz,
        ended_at -> Nullable<Timestamptz>,
        disposition -> Nullable<Text>,
        duration_seconds -> Nullable<Int4>,
        sentiment -> Nullable<Text>,
        notes -> Nullable<Text>,
        next_step -> Nullable<Text>,
        follow_up_at -> Nullable<Timestamptz>,
        appointment_id -> Nullable<Uuid>,
        disposed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    lead_transfers (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        lead_id -> Uuid,
        from_user -> Uuid,
        to_user -> Uuid,
        note -> Nullable<Text>,
        status -> Text,
        reason -> Nullable<Text>,
        appointment_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        decided_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    lead_forms (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        store_id -> Uuid,
        name -> Text,
        key -> Text,
        active -> Bool,
        created_by -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    attachments (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        storage_key -> Text,
        file_name -> Text,
        content_type -> Text,
        size -> Int4,
        uploaded_by -> Uuid,
        owner_kind -> Nullable<Text>,
        owner_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    chat_channels (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        kind -> Text,
        name -> Text,
        description -> Nullable<Text>,
        private -> Bool,
        store_id -> Nullable<Uuid>,
        direct_key -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        archived_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    chat_members (channel_id, user_id) {
        tenant_id -> Uuid,
        channel_id -> Uuid,
        user_id -> Uuid,
        is_admin -> Bool,
        joined_at -> Timestamptz,
        last_read_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    chat_messages (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        channel_id -> Uuid,
        author_id -> Uuid,
        parent_id -> Nullable<Uuid>,
        body -> Text,
        mentions -> Array<Uuid>,
        reply_count -> Int4,
        last_reply_at -> Nullable<Timestamptz>,
        edited_at -> Nullable<Timestamptz>,
        deleted_at -> Nullable<Timestamptz>,
        idempotency_key -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    announcements (id) {
        id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        title -> Text,
        body -> Text,
        priority -> Text,
        pinned -> Bool,
        store_ids -> Array<Uuid>,
        roles -> Array<Text>,
        requires_ack -> Bool,
        publish_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        published_at -> Nullable<Timestamptz>,
        withdrawn_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    announcement_acks (announcement_id, user_id) {
        announcement_id -> Uuid,
        user_id -> Uuid,
        tenant_id -> Uuid,
        acked_at -> Timestamptz,
    }
}

diesel::table! {
    tickets (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        number -> Text,
        subject -> Text,
        category -> Text,
        priority -> Text,
        status -> Text,
        created_by -> Uuid,
        assigned_to -> Nullable<Uuid>,
        assigned_name -> Nullable<Text>,
        sla_due_at -> Timestamptz,
        sla_breached_at -> Nullable<Timestamptz>,
        resolved_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    ticket_messages (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        ticket_id -> Uuid,
        author_id -> Nullable<Uuid>,
        author_name -> Nullable<Text>,
        from_platform -> Bool,
        kind -> Text,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    ticket_templates (id) {
        id -> Uuid,
        title -> Text,
        body -> Text,
        created_by -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    escalations (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        customer_id -> Uuid,
        store_id -> Uuid,
        call_id -> Nullable<Uuid>,
        subject -> Text,
        description -> Nullable<Text>,
        category -> Text,
        priority -> Text,
        status -> Text,
        assigned_to -> Nullable<Uuid>,
        level -> Int2,
        sla_due_at -> Timestamptz,
        resolution -> Nullable<Text>,
        resolved_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    escalation_notes (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        escalation_id -> Uuid,
        author_id -> Nullable<Uuid>,
        body -> Text,
        internal -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    feedback (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        kind -> Text,
        subject_id -> Nullable<Uuid>,
        customer_id -> Nullable<Uuid>,
        store_id -> Nullable<Uuid>,
        token -> Nullable<Text>,
        rating -> Nullable<Int2>,
        comment -> Nullable<Text>,
        sentiment -> Nullable<Text>,
        from_user -> Nullable<Uuid>,
        requested_at -> Timestamptz,
        responded_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(stores -> tenants (tenant_id));
diesel::joinable!(user_stores -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    stores,
    users,
    user_stores,
    sessions,
    refresh_tokens,
    password_resets,
    login_failures,
    mail_outbox,
    audit_log,
    user_views,
    event_counters,
    events,
    realtime_tickets,
    notifications,
    notification_prefs,
    nodes,
    presence,
    jobs,
    settings,
    push_subscriptions,
    customers,
    customer_phones,
    customer_family,
    customer_notes,
    visits,
    visit_interests,
    leads,
    appointments,
    customer_access_log,
    segments,
    customer_imports,
    interest_photos,
    telecalling_settings,
    agents,
    lead_history,
    calls,
    lead_transfers,
    lead_forms,
    attachments,
    chat_channels,
    chat_members,
    chat_messages,
    announcements,
    announcement_acks,
    tickets,
    ticket_messages,
    ticket_templates,
    escalations,
    escalation_notes,
    feedback,
);
