//! Team chat: store channels (everyone of a store), custom channels (public or
//! private with members), direct messages, threads, mentions, edits and soft
//! deletes (audited), read state, search and attachments. Messages reach
//! people as `chat` events; typing goes through the hubs and is never stored.

pub mod routes;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::auth::Auth;
use crate::auth::rbac::Role;
use crate::db::Conn;
use crate::db::schema::{chat_channels, chat_members, chat_messages};
use crate::http::error::ApiError;
use crate::realtime::events::{self, Audience};
use crate::realtime::hub::ChatTyping;

/// Event topic of chat.
pub const TOPIC: &str = "chat";

/// A channel row with the caller's membership.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = chat_channels)]
pub struct ChannelRow {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub description: Option<String>,
    pub private: bool,
    pub store_id: Option<Uuid>,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What the caller may do in a channel they can see.
pub struct Access {
    pub channel: ChannelRow,
    /// Has a membership row.
    pub member: bool,
    /// Channel admin (creator or promoted), or a business admin.
    pub admin: bool,
}

impl Access {
    /// Who receives the channel's events.
    pub async fn audience(&self, c: &mut Conn) -> Result<Audience, ApiError> {
        Ok(match self.channel.store_id {
            Some(store) => Audience::Stores {
                stores: vec![store],
            },
            None => Audience::Users {
                users: member_ids(c, self.channel.id).await?,
            },
        })
    }
}

/// Members of a channel.
pub async fn member_ids(c: &mut Conn, channel: Uuid) -> Result<Vec<Uuid>, ApiError> {
    Ok(chat_members::table
        .filter(chat_members::channel_id.eq(channel))
        .select(chat_members::user_id)
        .load(c)
        .await?)
}

/// Whether `auth` may see a channel: the people of its store (and business
/// admins) for a store channel, anyone for a public one, members otherwise.
fn can_see(auth: &Auth, ch: &ChannelRow, member: bool) -> bool {
    match ch.kind.as_str() {
        "store" => {
            auth.role == Role::BusinessAdmin || ch.store_id.is_some_and(|s| auth.in_store(s))
        }
        "custom" if !ch.private => true,
        _ => member,
    }
}

/// The channel `id` if the caller may see it (404 otherwise).
pub async fn access(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<Access, ApiError> {
    let (channel, membership): (ChannelRow, Option<bool>) = chat_channels::table
        .left_join(
            chat_members::table.on(chat_members::channel_id
                .eq(chat_channels::id)
                .and(chat_members::user_id.eq(auth.user_id))),
        )
        .filter(chat_channels::id.eq(id))
        .select((ChannelRow::as_select(), chat_members::is_admin.nullable()))
        .first(c)
        .await?;
    let member = membership.is_some();
    if !can_see(auth, &channel, member) {
        return Err(ApiError::NotFound);
    }
    Ok(Access {
        admin: membership == Some(true) || auth.role == Role::BusinessAdmin,
        member,
        channel,
    })
}

/// Whether the caller may see the chat message `id` (for its attachments).
pub async fn message_visible(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<bool, ApiError> {
    let channel: Option<Uuid> = chat_messages::table
        .find(id)
        .filter(chat_messages::deleted_at.is_null())
        .select(chat_messages::channel_id)
        .first(c)
        .await
        .optional()?;
    match channel {
        Some(ch) => match access(c, auth, ch).await {
            Ok(_) => Ok(true),
            Err(ApiError::NotFound) => Ok(false),
            Err(e) => Err(e),
        },
        None => Ok(false),
    }
}

/// Relays "typing" in a chat channel to the people who can see it, on every
/// node (through NOTIFY; nothing is stored). Silently dropped when the typist
/// cannot see the channel or its member list is too long for one NOTIFY.
pub async fn typing(db: crate::db::Db, auth: Auth, channel: Uuid) {
    let Some(tenant) = auth.tenant_id else { return };
    let sent = db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let a = access(c, &auth, channel).await?;
            if a.channel.archived_at.is_some() {
                return Ok(());
            }
            let t = ChatTyping {
                tenant,
                user: auth.user_id,
                name: auth.name.clone(),
                topic: format!("chat:{channel}"),
                audience: a.audience(c).await?,
            };
            let payload = format!(
                "typing:{}",
                serde_json::to_string(&t).map_err(anyhow::Error::from)?
            );
            if payload.len() < 7900 {
                events::notify(c, events::CONTROL_CHANNEL, &payload).await?;
            }
            Ok(())
        })
        .await;
    if let Err(e) = sent
        && !matches!(e, ApiError::NotFound)
    {
        tracing::debug!(error = ?e, chat.channel = %channel, "typing not relayed");
    }
}

/// The key of the direct conversation between two people (order-free).
pub fn direct_key(a: Uuid, b: Uuid) -> String {
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    format!("{x}:{y}")
}

/// Mentioned user ids in the order given, without repeats or the author.
pub fn clean_mentions(author: Uuid, mentions: &[Uuid]) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = Vec::with_capacity(mentions.len());
    for m in mentions {
        if *m != author && !out.contains(m) {
            out.push(*m);
        }
    }
    out
}

/// The first `n` characters of a message, for notifications.
pub fn excerpt(body: &str, n: usize) -> String {
    let one_line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= n {
        one_line
    } else {
        format!("{}…", one_line.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_has_one_direct_key() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(direct_key(a, b), direct_key(b, a));
        assert_ne!(direct_key(a, b), direct_key(a, Uuid::now_v7()));
    }

    #[test]
    fn mentions_drop_repeats_and_the_author() {
        let (me, a, b) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(clean_mentions(me, &[a, me, b, a]), vec![a, b]);
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("hello\n  there", 20), "hello there");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }
}
