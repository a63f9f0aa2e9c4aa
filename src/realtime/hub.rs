//! Tenant hubs: one supervised actor per tenant with live sessions on this
//! node. The state logic ([`HubState`]) is plain Rust; the actor only adds the
//! mailbox, database reads and the idle timer.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use actix::prelude::*;
use actix_web::web::Bytes;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::events::{Audience, StoredEvent, Viewer};
pub use super::outbox::Outbox;
use super::outbox::text_frame;
use super::protocol::{CLOSE_RESUME, ServerMsg, VERSION};
use crate::auth::rbac::Role;
use crate::db::Db;
use crate::db::schema::{event_counters, events};

/// How long a hub with no sessions lingers before stopping.
const IDLE_STOP: Duration = Duration::from_secs(60);

/// A platform admin's socket.
pub struct PlatformSocket {
    pub auth_session: Uuid,
    pub user: Uuid,
    pub out: Arc<Outbox>,
}

impl Drop for PlatformSocket {
    fn drop(&mut self) {
        self.out.close(CLOSE_RESUME);
    }
}

/// A connected socket as the hub sees it.
pub struct SessionHandle {
    /// Socket id (one per connection).
    pub id: Uuid,
    /// The sign-in (auth session) behind it.
    pub auth_session: Uuid,
    pub name: String,
    pub viewer: Viewer,
    /// `None`: every topic.
    pub topics: Option<HashSet<String>>,
    pub out: Arc<Outbox>,
}

/// A session the hub forgets is closed: kicked, too slow, or the hub stopped
/// (the client resumes; a kick's own code comes first).
impl Drop for SessionHandle {
    fn drop(&mut self) {
        self.out.close(CLOSE_RESUME);
    }
}

/// Which sockets a control message closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    AuthSession(Uuid),
    User(Uuid),
    All,
}

/// Live state of one tenant on this node.
#[derive(Default)]
pub struct HubState {
    sessions: HashMap<Uuid, SessionHandle>,
    /// The sessions by user, store and role, kept with `sessions`.
    index: Index,
    /// Highest seq fanned out.
    pub last_seq: i64,
}

/// Session ids by user, store and role: a targeted event visits the sessions
/// that may want it rather than every session of the tenant, and presence
/// counts a user's sessions without a scan.
#[derive(Default)]
struct Index {
    users: HashMap<Uuid, HashSet<Uuid>>,
    stores: HashMap<Uuid, HashSet<Uuid>>,
    roles: HashMap<Role, HashSet<Uuid>>,
}

impl Index {
    fn add(&mut self, h: &SessionHandle) {
        self.users.entry(h.viewer.user_id).or_default().insert(h.id);
        for store in &h.viewer.stores {
            self.stores.entry(*store).or_default().insert(h.id);
        }
        self.roles.entry(h.viewer.role).or_default().insert(h.id);
    }

    fn remove(&mut self, h: &SessionHandle) {
        fn out<K: std::hash::Hash + Eq>(map: &mut HashMap<K, HashSet<Uuid>>, key: K, id: &Uuid) {
            if let Some(ids) = map.get_mut(&key) {
                ids.remove(id);
                if ids.is_empty() {
                    map.remove(&key);
                }
            }
        }
        out(&mut self.users, h.viewer.user_id, &h.id);
        for store in &h.viewer.stores {
            out(&mut self.stores, *store, &h.id);
        }
        out(&mut self.roles, h.viewer.role, &h.id);
    }

    /// The sessions `audience` can reach, each once (more than it allows:
    /// the caller still asks [`Audience::allows`]); `None` means all of them.
    fn candidates(&self, audience: &Audience) -> Option<Vec<Uuid>> {
        fn from<K: std::hash::Hash + Eq>(
            ids: &mut Vec<Uuid>,
            map: &HashMap<K, HashSet<Uuid>>,
            keys: impl IntoIterator<Item = K>,
        ) {
            for key in keys {
                ids.extend(map.get(&key).into_iter().flatten());
            }
        }
        let mut ids = Vec::new();
        match audience {
            Audience::Tenant => return None,
            Audience::Roles { roles } => from(&mut ids, &self.roles, roles.iter().copied()),
            Audience::Users { users } => from(&mut ids, &self.users, users.iter().copied()),
            Audience::Stores { stores } | Audience::Staff { stores, .. } => {
                from(&mut ids, &self.roles, [Role::BusinessAdmin]);
                from(&mut ids, &self.stores, stores.iter().copied());
                if let Audience::Staff { users, .. } = audience {
                    from(&mut ids, &self.users, users.iter().copied());
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }
}

impl HubState {
    /// Number of live sessions.
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    /// Whether no session is connected.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// Sends `frame` to one session; a full outbox drops the session (it must resume).
    fn push(handle: &SessionHandle, frame: &Bytes) -> bool {
        handle.out.push(frame)
    }

    /// Whether `ev` goes to `h`.
    fn wants(h: &SessionHandle, topic: &str, audience: &Audience) -> bool {
        Self::follows(h, topic) && audience.allows(&h.viewer)
    }

    /// Whether `h` follows `topic` (a session that named no topics follows all).
    fn follows(h: &SessionHandle, topic: &str) -> bool {
        h.topics.as_ref().is_none_or(|t| t.contains(topic))
    }

    /// Adds a session after sending it `hello` and the events it missed (in order).
    pub fn join(&mut self, handle: SessionHandle, missed: &[StoredEvent]) {
        self.add(handle, Vec::new(), missed);
    }

    /// Adds a session after sending it `first`, `hello` and the events it
    /// missed, in one go.
    fn add(&mut self, handle: SessionHandle, mut frames: Vec<Bytes>, missed: &[StoredEvent]) {
        let hello = ServerMsg::Hello {
            v: VERSION,
            session: handle.id,
            last_seq: self.last_seq,
        }
        .frame();
        frames.push(hello);
        frames.extend(missed.iter().filter_map(|ev| Self::render_for(&handle, ev)));
        if !handle.out.replay(&frames) {
            return;
        }
        self.remove(&handle.id);
        self.index.add(&handle);
        self.sessions.insert(handle.id, handle);
    }

    fn remove(&mut self, id: &Uuid) -> Option<SessionHandle> {
        let h = self.sessions.remove(id)?;
        self.index.remove(&h);
        Some(h)
    }

    /// Calls `f` with each session `audience` allows.
    fn each_allowed(&self, audience: &Audience, mut f: impl FnMut(&SessionHandle)) {
        let visit = |h: &SessionHandle| {
            if audience.allows(&h.viewer) {
                f(h);
            }
        };
        match self.index.candidates(audience) {
            None => self.sessions.values().for_each(visit),
            Some(ids) => ids
                .iter()
                .filter_map(|id| self.sessions.get(id))
                .for_each(visit),
        }
    }

    /// Sends a `reset` and adds the session (its missed events are gone).
    pub fn join_after_reset(&mut self, handle: SessionHandle) {
        let reset = ServerMsg::Reset {
            last_seq: self.last_seq,
        }
        .frame();
        self.add(handle, vec![reset], &[]);
    }

    fn render_for(h: &SessionHandle, ev: &StoredEvent) -> Option<Bytes> {
        let audience: Audience = serde_json::from_value(ev.audience.clone()).ok()?;
        Self::wants(h, &ev.topic, &audience).then(|| render(ev))
    }

    /// Removes a session.
    pub fn leave(&mut self, id: Uuid) {
        self.remove(&id);
    }

    /// Sockets `user` has on this hub.
    pub fn user_sessions(&self, user: Uuid) -> usize {
        self.index.users.get(&user).map_or(0, HashSet::len)
    }

    /// Fans one event out to every session allowed to see it. Returns how many got it.
    pub fn deliver(&mut self, ev: &StoredEvent) -> usize {
        if ev.seq <= self.last_seq {
            return 0;
        }
        self.last_seq = ev.seq;
        let Ok(audience) = serde_json::from_value::<Audience>(ev.audience.clone()) else {
            tracing::warn!(
                event.seq = ev.seq,
                "event with an unreadable audience skipped"
            );
            return 0;
        };
        let mut frame: Option<Bytes> = None;
        let mut slow = vec![];
        let mut sent = 0;
        self.each_allowed(&audience, |h| {
            if !Self::follows(h, &ev.topic) {
                return;
            }
            let f = frame.get_or_insert_with(|| render(ev));
            if Self::push(h, f) {
                sent += 1;
            } else {
                slow.push(h.id);
            }
        });
        for id in slow {
            self.remove(&id);
        }
        sent
    }

    /// Changes a session's topics.
    pub fn set_topics(&mut self, id: Uuid, topics: &[String], subscribe: bool) {
        if let Some(h) = self.sessions.get_mut(&id) {
            let set = h.topics.get_or_insert_with(HashSet::new);
            for t in topics {
                if subscribe {
                    set.insert(t.clone());
                } else {
                    set.remove(t);
                }
            }
        }
    }

    /// Relays a typing indicator to the other sessions on `topic` (never stored).
    pub fn typing(&mut self, from: Uuid, topic: &str) {
        let Some(sender) = self.sessions.get(&from) else {
            return;
        };
        let frame = ServerMsg::Typing {
            topic,
            user_id: sender.viewer.user_id,
            name: &sender.name,
        }
        .frame();
        let user = sender.viewer.user_id;
        for h in self.sessions.values() {
            if h.viewer.user_id != user && h.topics.as_ref().is_some_and(|t| t.contains(topic)) {
                Self::push(h, &frame);
            }
        }
    }

    /// Relays a chat typing indicator to the sessions its audience allows,
    /// except the typist's own.
    pub fn typing_to(&mut self, t: &ChatTyping) {
        let frame = ServerMsg::Typing {
            topic: &t.topic,
            user_id: t.user,
            name: &t.name,
        }
        .frame();
        self.each_allowed(&t.audience, |h| {
            if h.viewer.user_id != t.user {
                Self::push(h, &frame);
            }
        });
    }

    /// Closes the matching sessions with `code`.
    pub fn kick(&mut self, target: &Target, code: u16) {
        let hits: Vec<Uuid> = self
            .sessions
            .values()
            .filter(|h| match target {
                Target::AuthSession(s) => h.auth_session == *s,
                Target::User(u) => h.viewer.user_id == *u,
                Target::All => true,
            })
            .map(|h| h.id)
            .collect();
        for id in hits {
            if let Some(h) = self.remove(&id) {
                h.out.close(code);
            }
        }
    }
}

fn render(ev: &StoredEvent) -> Bytes {
    ServerMsg::Event {
        seq: ev.seq,
        topic: &ev.topic,
        kind: &ev.kind,
        payload: &ev.payload,
        at: ev.created_at,
    }
    .frame()
}

/// Events of a tenant after `after`, in seq order (tenant-scoped read).
async fn fetch_after(
    db: &Db,
    tenant: Uuid,
    after: i64,
) -> Result<Vec<StoredEvent>, crate::http::error::ApiError> {
    db.tenant_tx(tenant, Uuid::nil(), async |c| {
        Ok(events::table
            .filter(events::tenant_id.eq(tenant))
            .filter(events::seq.gt(after))
            .order(events::seq)
            .limit(10_000)
            .select(StoredEvent::as_select())
            .load(c)
            .await?)
    })
    .await
}

/// The oldest kept seq and the counter of a tenant.
async fn bounds(db: &Db, tenant: Uuid) -> Result<(Option<i64>, i64), crate::http::error::ApiError> {
    db.tenant_tx(tenant, Uuid::nil(), async |c| {
        let oldest: Option<i64> = events::table
            .filter(events::tenant_id.eq(tenant))
            .select(diesel::dsl::min(events::seq))
            .first(c)
            .await?;
        let last: Option<i64> = event_counters::table
            .find(tenant)
            .select(event_counters::last_seq)
            .first(c)
            .await
            .optional()?;
        Ok((oldest, last.unwrap_or(0)))
    })
    .await
}

/// The actor shell around [`HubState`].
pub struct TenantHub {
    tenant: Uuid,
    db: Db,
    state: HubState,
    registry: Weak<Hubs>,
}

impl Actor for TenantHub {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        // Rebuild from the database before serving anyone: where the log stands.
        let (db, tenant) = (self.db.clone(), self.tenant);
        ctx.wait(
            async move { bounds(&db, tenant).await }
                .into_actor(self)
                .map(|res, act, _| match res {
                    Ok((_, last)) => act.state.last_seq = act.state.last_seq.max(last),
                    Err(e) => tracing::error!(tenant.id = %act.tenant, error = ?e, "hub could not read the event log"),
                }),
        );
    }
}

impl Supervised for TenantHub {
    fn restarting(&mut self, _: &mut Context<Self>) {
        tracing::warn!(tenant.id = %self.tenant, "tenant hub restarting");
    }
}

/// A socket joins; `resume_after` replays what it missed.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Join {
    pub handle: SessionHandle,
    pub resume_after: Option<i64>,
}

/// A socket (id) of a user left.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Leave {
    pub id: Uuid,
    pub user: Uuid,
}

/// A user sets their status.
#[derive(Message)]
#[rtype(result = "()")]
pub struct SetPresence {
    pub user: Uuid,
    pub status: &'static str,
}

/// New events were committed up to this seq.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Wake(pub i64);

/// Close sockets.
#[derive(Message)]
#[rtype(result = "()")]
pub struct KickSessions(pub Target, pub u16);

/// Topic (un)subscription.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Topics {
    pub id: Uuid,
    pub topics: Vec<String>,
    pub subscribe: bool,
}

/// A typing indicator: from a session on this node to the topic's subscribers,
/// or (with an audience, e.g. a chat channel's people) from any node.
#[derive(Message)]
#[rtype(result = "()")]
pub enum Typing {
    Topic { from: Uuid, topic: String },
    To(ChatTyping),
}

/// Someone typing in a chat channel, as relayed between nodes (never stored).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatTyping {
    pub tenant: Uuid,
    pub user: Uuid,
    pub name: String,
    pub topic: String,
    pub audience: Audience,
}

impl Handler<Join> for TenantHub {
    type Result = ();

    fn handle(&mut self, msg: Join, ctx: &mut Context<Self>) {
        let user = msg.handle.viewer.user_id;
        if self.state.user_sessions(user) == 0 {
            self.presence(ctx, user, Some("online"));
        }
        let Some(after) = msg.resume_after.filter(|a| *a < self.state.last_seq) else {
            self.state.join(msg.handle, &[]);
            return;
        };
        // Replay, then go live; the mailbox waits so nothing interleaves.
        let (db, tenant) = (self.db.clone(), self.tenant);
        ctx.wait(
            async move {
                let (oldest, _) = bounds(&db, tenant).await?;
                if oldest.is_none_or(|o| o > after + 1) {
                    return Ok(None);
                }
                fetch_after(&db, tenant, after).await.map(Some)
            }
            .into_actor(self)
            .map(move |res, act, _| match res {
                Ok(Some(missed)) => {
                    let upto = act.state.last_seq;
                    let missed: Vec<StoredEvent> =
                        missed.into_iter().filter(|e| e.seq <= upto).collect();
                    act.state.join(msg.handle, &missed);
                }
                Ok(None) => act.state.join_after_reset(msg.handle),
                Err(e) => {
                    tracing::error!(tenant.id = %act.tenant, error = ?e, "replay failed");
                    msg.handle.out.close(CLOSE_RESUME);
                }
            }),
        );
    }
}

impl Handler<Leave> for TenantHub {
    type Result = ();

    fn handle(&mut self, msg: Leave, ctx: &mut Context<Self>) {
        self.state.leave(msg.id);
        if self.state.user_sessions(msg.user) == 0 {
            self.presence(ctx, msg.user, None);
        }
        if self.state.is_empty() {
            ctx.run_later(IDLE_STOP, |act, ctx| {
                if act.state.is_empty()
                    && let Some(reg) = act.registry.upgrade()
                    && reg.remove_if_idle(act.tenant, &ctx.address())
                {
                    ctx.stop();
                }
            });
        }
    }
}

/// Events this node has just committed, handed over without waiting for their
/// NOTIFY or reading them back (DESIGN.md, the tenant transaction, step 4).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Committed(pub Vec<StoredEvent>);

impl Handler<Committed> for TenantHub {
    type Result = ();

    fn handle(&mut self, msg: Committed, ctx: &mut Context<Self>) {
        for ev in &msg.0 {
            if ev.seq <= self.state.last_seq {
                continue;
            }
            if ev.seq != self.state.last_seq + 1 {
                // An earlier commit's events have not reached this hub yet
                // (another node's, or a concurrent request's): read the log in
                // order from where the hub stands, these events included.
                return self.handle(Wake(ev.seq), ctx);
            }
            self.state.deliver(ev);
        }
    }
}

impl Handler<Wake> for TenantHub {
    type Result = ();

    fn handle(&mut self, msg: Wake, ctx: &mut Context<Self>) {
        if msg.0 <= self.state.last_seq {
            return;
        }
        let (db, tenant, after) = (self.db.clone(), self.tenant, self.state.last_seq);
        ctx.wait(async move { fetch_after(&db, tenant, after).await }.into_actor(self).map(|res, act, _| match res {
            Ok(evs) => {
                for ev in &evs {
                    act.state.deliver(ev);
                }
            }
            Err(e) => tracing::error!(tenant.id = %act.tenant, error = ?e, "reading new events failed"),
        }));
    }
}

impl Handler<SetPresence> for TenantHub {
    type Result = ();

    fn handle(&mut self, msg: SetPresence, ctx: &mut Context<Self>) {
        self.presence(ctx, msg.user, Some(msg.status));
    }
}

impl TenantHub {
    /// Records a status (`None`: this node no longer holds the user), in order.
    fn presence(&mut self, ctx: &mut Context<Self>, user: Uuid, status: Option<&'static str>) {
        let Some(node) = self.registry.upgrade().map(|r| r.node_id) else {
            return;
        };
        let (db, tenant) = (self.db.clone(), self.tenant);
        ctx.wait(
            async move {
                match status {
                    Some(s) => super::presence::set(&db, tenant, user, node, s).await,
                    None => super::presence::clear(&db, tenant, user, node).await,
                }
            }
            .into_actor(self)
            .map(|res, act, _| {
                if let Err(e) = res {
                    tracing::warn!(tenant.id = %act.tenant, error = ?e, "presence update failed");
                }
            }),
        );
    }
}

impl Handler<KickSessions> for TenantHub {
    type Result = ();

    fn handle(&mut self, msg: KickSessions, _: &mut Context<Self>) {
        self.state.kick(&msg.0, msg.1);
    }
}

impl Handler<Topics> for TenantHub {
    type Result = ();

    fn handle(&mut self, msg: Topics, _: &mut Context<Self>) {
        self.state.set_topics(msg.id, &msg.topics, msg.subscribe);
    }
}

impl Handler<Typing> for TenantHub {
    type Result = ();

    fn handle(&mut self, msg: Typing, _: &mut Context<Self>) {
        match msg {
            Typing::Topic { from, topic } => self.state.typing(from, &topic),
            Typing::To(t) => self.state.typing_to(&t),
        }
    }
}

/// This node's hubs, started on demand on one arbiter.
pub struct Hubs {
    /// This process's identity for presence (a new one every start).
    pub node_id: Uuid,
    db: Db,
    /// Platform staff's sockets on this node: they belong to no tenant, and
    /// get `notice`s (not stored, not replayed) about the support desk.
    platform: Mutex<HashMap<Uuid, PlatformSocket>>,
    arbiter: ArbiterHandle,
    map: Mutex<HashMap<Uuid, Addr<TenantHub>>>,
    me: Weak<Hubs>,
}

impl Hubs {
    /// Creates the registry and the arbiter (thread) its hubs run on.
    pub fn start(db: Db) -> Arc<Hubs> {
        let arbiter = Arbiter::new().handle();
        Arc::new_cyclic(|me| Hubs {
            node_id: Uuid::now_v7(),
            db,
            arbiter,
            platform: Mutex::new(HashMap::new()),
            map: Mutex::new(HashMap::new()),
            me: me.clone(),
        })
    }

    /// The database the hubs read from.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The hub of `tenant`, started if needed.
    pub fn get(&self, tenant: Uuid) -> Addr<TenantHub> {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(addr) = map.get(&tenant).filter(|a| a.connected()) {
            return addr.clone();
        }
        let (db, registry) = (self.db.clone(), self.me.clone());
        let addr = Supervisor::start_in_arbiter(&self.arbiter, move |_| TenantHub {
            tenant,
            db,
            state: HubState::default(),
            registry,
        });
        map.insert(tenant, addr.clone());
        addr
    }

    /// The hub of `tenant` if one runs here.
    pub fn existing(&self, tenant: Uuid) -> Option<Addr<TenantHub>> {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&tenant)
            .cloned()
    }

    /// Registers a platform admin's socket.
    pub fn join_platform(&self, id: Uuid, socket: PlatformSocket) {
        self.platform
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, socket);
    }

    /// Forgets a platform admin's socket.
    pub fn leave_platform(&self, id: Uuid) {
        self.platform
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    /// Sends `text` to every platform socket on this node; one that cannot
    /// keep up is closed (it refetches when it reconnects).
    pub fn to_platform(&self, text: &str) -> usize {
        let frame = text_frame(text);
        let mut sockets = self.platform.lock().unwrap_or_else(|p| p.into_inner());
        let mut sent = 0;
        sockets.retain(|_, s| {
            let ok = s.out.push(&frame);
            sent += usize::from(ok);
            ok
        });
        sent
    }

    /// Closes the matching platform sockets with `code`.
    pub fn kick_platform(&self, target: &Target, code: u16) {
        self.platform
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, s| {
                let hit = match target {
                    Target::AuthSession(a) => s.auth_session == *a,
                    Target::User(u) => s.user == *u,
                    Target::All => true,
                };
                if hit {
                    s.out.close(code);
                }
                !hit
            });
    }

    /// Every running hub.
    pub fn all(&self) -> Vec<Addr<TenantHub>> {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect()
    }

    fn remove_if_idle(&self, tenant: Uuid, addr: &Addr<TenantHub>) -> bool {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(&tenant).is_some_and(|a| a == addr) {
            map.remove(&tenant);
            true
        } else {
            false
        }
    }

    /// The arbiter hubs (and the listener) run on.
    pub fn arbiter(&self) -> &ArbiterHandle {
        &self.arbiter
    }
}

#[cfg(test)]
mod tests {
    use std::task::Context as TaskContext;

    use super::*;
    use crate::realtime::protocol::CLOSE_REVOKED;

    fn handle(role: Role, stores: &[Uuid], cap: usize) -> (SessionHandle, Arc<Outbox>) {
        let out = Outbox::new(cap, None);
        let h = SessionHandle {
            id: Uuid::now_v7(),
            auth_session: Uuid::now_v7(),
            name: "n".into(),
            viewer: Viewer {
                user_id: Uuid::now_v7(),
                role,
                stores: stores.to_vec(),
            },
            topics: None,
            out: out.clone(),
        };
        (h, out)
    }

    fn event(seq: i64, audience: Audience) -> StoredEvent {
        StoredEvent {
            seq,
            topic: "leads".into(),
            kind: "lead.assigned".into(),
            payload: serde_json::json!({"n": seq}),
            audience: serde_json::to_value(audience).unwrap(),
            created_at: chrono::Utc::now(),
        }
    }

    fn drain(out: &mut Arc<Outbox>) -> Vec<serde_json::Value> {
        let waker = futures_util::task::noop_waker();
        let (queued, _) = out.poll_take(&mut TaskContext::from_waker(&waker));
        queued
            .iter()
            .map(|f| serde_json::from_str(&super::super::outbox::text_of(f)).unwrap())
            .collect()
    }

    #[test]
    fn events_reach_only_their_audience_in_order_once() {
        let mut hub = HubState::default();
        let (a, mut ra) = handle(Role::Telecaller, &[], 16);
        let (b, mut rb) = handle(Role::Telecaller, &[], 16);
        let a_user = a.viewer.user_id;
        hub.join(a, &[]);
        hub.join(b, &[]);
        assert_eq!(
            hub.deliver(&event(
                1,
                Audience::Users {
                    users: vec![a_user]
                }
            )),
            1
        );
        assert_eq!(hub.deliver(&event(2, Audience::Tenant)), 2);
        assert_eq!(
            hub.deliver(&event(2, Audience::Tenant)),
            0,
            "a seq is delivered once"
        );
        let got_a: Vec<i64> = drain(&mut ra)
            .iter()
            .filter_map(|m| m["seq"].as_i64())
            .collect();
        let got_b: Vec<i64> = drain(&mut rb)
            .iter()
            .filter_map(|m| m["seq"].as_i64())
            .collect();
        assert_eq!(got_a, vec![1, 2]);
        assert_eq!(got_b, vec![2]);
    }

    #[test]
    fn the_index_finds_exactly_the_sessions_a_scan_would() {
        let stores: Vec<Uuid> = (0..4).map(|_| Uuid::now_v7()).collect();
        let users: Vec<Uuid> = (0..6).map(|_| Uuid::now_v7()).collect();
        let roles = [
            Role::BusinessAdmin,
            Role::Manager,
            Role::SalesRep,
            Role::Telecaller,
            Role::Marketing,
        ];
        let mut hub = HubState::default();
        let mut ids = vec![];
        // Every user, role and store combination, some users twice.
        for (i, user) in users.iter().enumerate() {
            for copy in 0..1 + i % 2 {
                let member: Vec<Uuid> = stores
                    .iter()
                    .skip(i % 3)
                    .step_by(2 + copy)
                    .copied()
                    .collect();
                let (mut h, _out) = handle(roles[i % roles.len()], &member, 1024);
                h.viewer.user_id = *user;
                ids.push(h.id);
                hub.join(h, &[]);
            }
        }
        hub.leave(ids[3]);
        let audiences = [
            Audience::Tenant,
            Audience::Roles {
                roles: vec![Role::Manager, Role::Telecaller],
            },
            Audience::Stores {
                stores: vec![stores[1], stores[2]],
            },
            Audience::Users {
                users: vec![users[0], users[4], Uuid::now_v7()],
            },
            Audience::Staff {
                stores: vec![stores[0]],
                roles: vec![Role::SalesRep],
                users: vec![users[3]],
            },
            Audience::Staff {
                stores: vec![],
                roles: vec![],
                users: vec![],
            },
        ];
        for audience in &audiences {
            let mut found = vec![];
            hub.each_allowed(audience, |h| found.push(h.id));
            found.sort_unstable();
            let mut scanned: Vec<Uuid> = hub
                .sessions
                .values()
                .filter(|h| audience.allows(&h.viewer))
                .map(|h| h.id)
                .collect();
            scanned.sort_unstable();
            assert_eq!(found, scanned, "{audience:?}");
        }
    }

    #[test]
    fn a_users_sessions_are_counted_through_every_way_out() {
        let mut hub = HubState::default();
        let (a1, _o1) = handle(Role::SalesRep, &[], 16);
        let (mut a2, _o2) = handle(Role::SalesRep, &[], 16);
        let (mut a3, _o3) = handle(Role::SalesRep, &[], 1);
        let user = a1.viewer.user_id;
        a2.viewer.user_id = user;
        a3.viewer.user_id = user;
        let (ids, session) = ([a1.id, a2.id, a3.id], a2.auth_session);
        let (b, _ob) = handle(Role::Manager, &[], 16);
        let other = b.viewer.user_id;
        for h in [a1, a2, a3, b] {
            hub.join(h, &[]);
        }
        assert_eq!((hub.user_sessions(user), hub.user_sessions(other)), (3, 1));
        // a3's outbox holds its hello (a replay) and one event: the next drops it.
        assert_eq!(hub.deliver(&event(1, Audience::Tenant)), 4);
        assert_eq!(hub.deliver(&event(2, Audience::Tenant)), 3);
        assert_eq!(hub.user_sessions(user), 2);
        hub.kick(&Target::AuthSession(session), CLOSE_REVOKED);
        assert_eq!(hub.user_sessions(user), 1);
        hub.leave(ids[1]);
        hub.leave(ids[0]);
        hub.leave(ids[0]);
        assert_eq!((hub.user_sessions(user), hub.user_sessions(other)), (0, 1));
        hub.kick(&Target::User(other), CLOSE_REVOKED);
        assert_eq!(hub.user_sessions(other), 0);
        assert!(hub.is_empty());
        let Index {
            users,
            stores,
            roles,
        } = &hub.index;
        assert!(users.is_empty() && stores.is_empty() && roles.is_empty());
    }

    #[test]
    fn joining_replays_missed_events_after_hello() {
        let mut hub = HubState {
            last_seq: 3,
            ..Default::default()
        };
        let (a, mut ra) = handle(Role::Manager, &[], 16);
        let missed = [
            event(2, Audience::Tenant),
            event(
                3,
                Audience::Roles {
                    roles: vec![Role::SalesRep],
                },
            ),
        ];
        hub.join(a, &missed);
        let msgs = drain(&mut ra);
        assert_eq!(msgs[0]["type"], "hello");
        assert_eq!(msgs[0]["last_seq"], 3);
        assert_eq!(msgs.len(), 2, "the sales-only event is filtered: {msgs:?}");
        assert_eq!(msgs[1]["seq"], 2);
    }

    #[test]
    fn a_long_replay_is_not_taken_for_a_slow_client() {
        let mut hub = HubState {
            last_seq: 300,
            ..Default::default()
        };
        let (a, mut ra) = handle(Role::Manager, &[], 4);
        let missed: Vec<_> = (1..=300).map(|seq| event(seq, Audience::Tenant)).collect();
        hub.join(a, &missed);
        // The replay waits whole, and the bound still counts what comes after it.
        for seq in 301..=304 {
            assert_eq!(hub.deliver(&event(seq, Audience::Tenant)), 1);
        }
        assert_eq!(ra.closing(), None);
        let msgs = drain(&mut ra);
        assert_eq!(msgs.len(), 1 + 304);
        assert!(msgs[1..].iter().zip(1..).all(|(m, seq)| m["seq"] == seq));
        for seq in 305..=308 {
            assert_eq!(hub.deliver(&event(seq, Audience::Tenant)), 1);
        }
        assert_eq!(hub.deliver(&event(309, Audience::Tenant)), 0);
        assert_eq!(ra.closing(), Some(CLOSE_RESUME));
    }

    #[test]
    fn a_slow_consumer_is_dropped_without_blocking_others() {
        let mut hub = HubState::default();
        let (slow, slow_out) = handle(Role::Manager, &[], 2);
        let (fast, mut rf) = handle(Role::Manager, &[], 64);
        hub.join(slow, &[]);
        hub.join(fast, &[]);
        for seq in 1..=5 {
            hub.deliver(&event(seq, Audience::Tenant));
        }
        assert_eq!(hub.len(), 1, "the slow one is gone");
        assert_eq!(slow_out.closing(), Some(CLOSE_RESUME));
        assert_eq!(drain(&mut rf).len(), 6, "hello + 5 events");
    }

    #[test]
    fn topics_typing_and_kicks() {
        let mut hub = HubState::default();
        let (a, mut ra) = handle(Role::SalesRep, &[], 16);
        let (b, mut rb) = handle(Role::SalesRep, &[], 16);
        let (a_id, b_id, b_user) = (a.id, b.id, b.viewer.user_id);
        hub.join(a, &[]);
        hub.join(b, &[]);
        drain(&mut ra);
        drain(&mut rb);
        hub.set_topics(a_id, &["chat:1".into()], true);
        hub.set_topics(b_id, &["chat:1".into()], true);
        hub.deliver(&event(1, Audience::Tenant));
        assert!(drain(&mut ra).is_empty(), "topic filter: only chat:1");
        hub.typing(b_id, "chat:1");
        assert_eq!(drain(&mut ra)[0]["type"], "typing");
        assert!(drain(&mut rb).is_empty(), "no echo to the typist");
        hub.kick(&Target::User(b_user), 4001);
        assert_eq!(hub.len(), 1);
        assert_eq!(rb.closing(), Some(4001));
        assert_eq!(ra.closing(), None);
    }
}
