//! The WebSocket protocol, version 1 (documented in docs/realtime.md).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Protocol version spoken by this server.
pub const VERSION: u32 = 1;

/// Close code: the server dropped a client that fell behind; resume with `resume_after`.
pub const CLOSE_RESUME: u16 = 4000;
/// Close code: the sign-in behind this socket was revoked or the user deactivated.
pub const CLOSE_REVOKED: u16 = 4001;
/// Close code: the first message was not a valid `hello` in time.
pub const CLOSE_NO_HELLO: u16 = 4002;
/// Close code: the client sent nothing (not even pongs) for too long.
pub const CLOSE_IDLE: u16 = 4003;

/// Messages from the client.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// First message. `resume_after`: the last seq the client has seen.
    Hello {
        v: u32,
        #[serde(default)]
        resume_after: Option<i64>,
        /// Topics to receive; absent means all topics the user may see.
        #[serde(default)]
        topics: Option<Vec<String>>,
    },
    Subscribe {
        topics: Vec<String>,
    },
    Unsubscribe {
        topics: Vec<String>,
    },
    /// "I am typing in `topic`" — relayed to others, never stored.
    Typing {
        topic: String,
    },
    /// My status: `online`, `away`, `busy` or `on_call`.
    Presence {
        status: String,
    },
}

/// Messages to the client.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg<'a> {
    Hello {
        v: u32,
        session: Uuid,
        last_seq: i64,
    },
    Event {
        seq: i64,
        topic: &'a str,
        kind: &'a str,
        payload: &'a serde_json::Value,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// Events after `resume_after` are no longer kept: refetch state, then continue from `last_seq`.
    Reset {
        last_seq: i64,
    },
    Typing {
        topic: &'a str,
        user_id: Uuid,
        name: &'a str,
    },
    Ack {
        of: &'a str,
        topics: &'a [String],
    },
    /// Platform staff only: something changed (not stored, not replayed:
    /// refetch what you show after reconnecting).
    Notice {
        topic: &'a str,
        kind: &'a str,
        payload: &'a serde_json::Value,
    },
    Error {
        code: &'a str,
        message: &'a str,
    },
}

impl ServerMsg<'_> {
    /// Serialises for the wire.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Serialises as one text frame, ready for any number of sockets.
    pub fn frame(&self) -> actix_web::web::Bytes {
        super::outbox::text_frame(&self.json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_client_messages() {
        let m: ClientMsg =
            serde_json::from_str(r#"{"type":"hello","v":1,"resume_after":7}"#).unwrap();
        assert_eq!(
            m,
            ClientMsg::Hello {
                v: 1,
                resume_after: Some(7),
                topics: None
            }
        );
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"hello"}"#).is_err());
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"nope"}"#).is_err());
        let s: ClientMsg =
            serde_json::from_str(r#"{"type":"subscribe","topics":["stores"]}"#).unwrap();
        assert_eq!(
            s,
            ClientMsg::Subscribe {
                topics: vec!["stores".into()]
            }
        );
    }
}
