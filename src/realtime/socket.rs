//! One WebSocket connection, driven as its HTTP response body.
//!
//! The upgrade response's body is this [`Socket`]: the HTTP connection task
//! polls it, and each poll reads the client's frames, runs the heartbeat and
//! writes what waits in the socket's [`Outbox`]. There is no task per socket
//! and no channel between the hub and the connection: a hub writes an encoded
//! frame through the outbox straight to the connection's socket, and the
//! connection only hears of it when the kernel could not take it all. An idle
//! socket costs its HTTP connection plus this struct.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use actix::dev::Request;
use actix::{Addr, MailboxError};
use actix_codec::Decoder;
use actix_http::ws::{CloseCode, CloseReason, Codec, Frame, OpCode, Parser, ProtocolError};
use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::Payload;
use actix_web::web::{Bytes, BytesMut};
use futures_util::Stream;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::time::Sleep;
use uuid::Uuid;

use super::hub::{
    Hubs, Join, Leave, Outbox, PlatformSocket, SessionHandle, SetPresence, TenantHub, Topics,
    Typing,
};
use super::outbox::{Dup, Flushed, Wire};
use super::protocol::{CLOSE_IDLE, CLOSE_NO_HELLO, CLOSE_REVOKED, ClientMsg, ServerMsg, VERSION};
use super::{HEARTBEAT, HELLO_TIMEOUT, Holder, IDLE_TIMEOUT, MAX_FRAME, OUT_BUFFER, TYPING_EVERY};
use crate::auth::Auth;

/// Where the socket is in its life.
enum Phase {
    /// Waiting for the client's `hello` (the timer is its deadline).
    Hello(Box<Holder>),
    /// The hub is adding the socket (and replaying what it missed).
    Joining(Pin<Box<Request<TenantHub, Join>>>),
    Live,
    /// A close frame is written; the body ends once it is sent.
    Closing,
    Done,
}

/// A live WebSocket: the response body of the upgrade.
pub struct Socket {
    hubs: Arc<Hubs>,
    payload: Payload,
    codec: Codec,
    /// Received bytes not yet decoded into a frame (released when empty).
    inbuf: BytesMut,
    /// Without a wire: frames written, not yet handed to the connection.
    out: BytesMut,
    outbox: Arc<Outbox>,
    /// With a wire: registered with the reactor once the kernel's buffer has
    /// been full, to hear when there is room again.
    room: Option<AsyncFd<Wire>>,
    /// Frames wait in the outbox for room in the kernel's buffer.
    blocked: bool,
    /// The connection has polled us before (and so has sent the upgrade
    /// response's head).
    started: bool,
    id: Uuid,
    /// The person behind the socket, as chat typing checks it.
    who: Auth,
    /// Their tenant's hub (None for platform staff, or before joining).
    hub: Option<Addr<TenantHub>>,
    phase: Phase,
    /// The hello deadline, then the next heartbeat.
    timer: Pin<Box<Sleep>>,
    /// The timer has our waker and will wake us when it fires; until then
    /// there is no need to poll it.
    timer_armed: bool,
    last_heard: Instant,
    last_typing: Option<Instant>,
}

impl Socket {
    /// A socket for `holder`; `wire` is the connection's socket, duplicated,
    /// for the outbox to write to.
    pub(super) fn new(
        hubs: Arc<Hubs>,
        payload: Payload,
        holder: Holder,
        wire: Option<Dup>,
    ) -> Socket {
        let who = Auth {
            user_id: holder.viewer.user_id,
            tenant_id: holder.tenant,
            role: holder.viewer.role,
            store_ids: holder.viewer.stores.clone(),
            session_id: holder.auth_session,
            name: holder.name.clone(),
            meta: Default::default(),
        };
        Socket {
            hubs,
            payload,
            codec: Codec::new().max_size(MAX_FRAME),
            inbuf: BytesMut::new(),
            out: BytesMut::new(),
            outbox: Outbox::new(OUT_BUFFER, wire),
            room: None,
            blocked: false,
            started: false,
            id: Uuid::now_v7(),
            who,
            hub: None,
            phase: Phase::Hello(Box::new(holder)),
            timer: Box::pin(tokio::time::sleep(HELLO_TIMEOUT)),
            timer_armed: false,
            last_heard: Instant::now(),
            last_typing: None,
        }
    }

    fn is_open(&self) -> bool {
        !matches!(self.phase, Phase::Closing | Phase::Done)
    }

    /// Sends a frame of our own, behind what the hubs sent before it.
    fn send(&mut self, op: OpCode, payload: &[u8]) {
        if self.outbox.wired() {
            let mut frame = BytesMut::with_capacity(payload.len() + 10);
            Parser::write_message(&mut frame, payload, op, true, false);
            self.outbox.own(frame.freeze());
        } else {
            Parser::write_message(&mut self.out, payload, op, true, false);
        }
    }

    fn text(&mut self, text: &str) {
        self.send(OpCode::Text, text.as_bytes());
    }

    /// Writes a close frame and ends the socket after it. Events still waiting
    /// are dropped (the client resumes).
    fn close(&mut self, code: Option<u16>, why: &str) {
        if !self.is_open() {
            return;
        }
        let reason = code.map(|code| CloseReason {
            code: CloseCode::from(code),
            description: Some(why.into()),
        });
        if self.outbox.wired() {
            let mut frame = BytesMut::new();
            Parser::write_close(&mut frame, reason, false);
            self.outbox.discard();
            self.outbox.own(frame.freeze());
            // A client that does not read its close in time is cut off.
            self.rearm(IDLE_TIMEOUT);
        } else {
            Parser::write_close(&mut self.out, reason, false);
        }
        self.phase = Phase::Closing;
    }

    /// Sets the timer to fire `after` from now; the next tick polls it.
    fn rearm(&mut self, after: std::time::Duration) {
        self.timer
            .as_mut()
            .reset(tokio::time::Instant::now() + after);
        self.timer_armed = false;
    }

    fn joining(&self) -> bool {
        matches!(self.phase, Phase::Joining(_))
    }

    /// Reads and handles what the client sent. While the hub adds the socket
    /// the client's frames wait, so nothing is answered before the `hello`.
    fn read(&mut self, cx: &mut Context<'_>) {
        // Frames that came with the hello.
        self.decode();
        while self.is_open() && !self.joining() {
            match Pin::new(&mut self.payload).poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => {
                    if self.inbuf.is_empty() {
                        self.inbuf = BytesMut::from(bytes);
                    } else {
                        self.inbuf.extend_from_slice(&bytes);
                    }
                    self.decode();
                }
                Poll::Ready(Some(Err(_)) | None) => {
                    self.phase = Phase::Done;
                    return;
                }
                Poll::Pending => return,
            }
        }
    }

    fn decode(&mut self) {
        // Empty, and already released by the decode that emptied it.
        if self.inbuf.is_empty() {
            return;
        }
        while self.is_open() && !self.joining() {
            match self.codec.decode(&mut self.inbuf) {
                Ok(Some(frame)) => self.frame(frame),
                Ok(None) => break,
                Err(ProtocolError::Overflow) => {
                    self.close(Some(CloseCode::Size.into()), "frame too large");
                }
                Err(_) => self.close(None, ""),
            }
        }
        // Do not keep the connection's read buffer alive between frames.
        if self.inbuf.is_empty() {
            self.inbuf = BytesMut::new();
        }
    }

    fn frame(&mut self, frame: Frame) {
        if matches!(self.phase, Phase::Live) {
            self.last_heard = Instant::now();
        }
        match frame {
            Frame::Text(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => {
                    let msg = serde_json::from_str::<ClientMsg>(text);
                    if matches!(self.phase, Phase::Hello(_)) {
                        self.hello(msg.ok());
                    } else {
                        self.message(msg.ok());
                    }
                }
                Err(_) => self.close(None, ""),
            },
            Frame::Ping(bytes) => self.send(OpCode::Pong, &bytes),
            Frame::Pong(_) => {}
            Frame::Close(_) => self.close(None, ""),
            Frame::Binary(_) | Frame::Continuation(_) => {
                if matches!(self.phase, Phase::Live) {
                    self.error("text_only", "send JSON text frames");
                }
            }
        }
    }

    fn error(&mut self, code: &str, message: &str) {
        let json = ServerMsg::Error { code, message }.json();
        self.text(&json);
    }

    /// The first message: joins the tenant's hub (or the platform registry).
    fn hello(&mut self, msg: Option<ClientMsg>) {
        let Some(ClientMsg::Hello {
            v,
            resume_after,
            topics,
        }) = msg
        else {
            return self.close(Some(CLOSE_NO_HELLO), "expected a hello message");
        };
        if v != VERSION {
            return self.close(Some(CLOSE_NO_HELLO), "unsupported protocol version");
        }
        let Phase::Hello(holder) = std::mem::replace(&mut self.phase, Phase::Live) else {
            return;
        };
        let Holder {
            tenant,
            auth_session,
            name,
            viewer,
        } = *holder;
        let user = viewer.user_id;
        self.last_heard = Instant::now();
        self.rearm(HEARTBEAT);
        match tenant {
            // A tenant's people join its hub, which sends the hello.
            Some(tenant) => {
                let hub = self.hubs.get(tenant);
                let join = hub.send(Join {
                    handle: SessionHandle {
                        id: self.id,
                        auth_session,
                        name,
                        viewer,
                        topics: topics.map(|t| t.into_iter().collect()),
                        out: self.outbox.clone(),
                    },
                    resume_after,
                });
                self.hub = Some(hub);
                self.phase = Phase::Joining(Box::pin(join));
            }
            // Platform staff sit in the node's registry and receive notices only.
            None => {
                let hello = ServerMsg::Hello {
                    v: VERSION,
                    session: self.id,
                    last_seq: 0,
                }
                .json();
                self.text(&hello);
                self.hubs.join_platform(
                    self.id,
                    PlatformSocket {
                        auth_session,
                        user,
                        out: self.outbox.clone(),
                    },
                );
            }
        }
    }

    fn message(&mut self, msg: Option<ClientMsg>) {
        let hub = self.hub.clone();
        match msg {
            Some(ClientMsg::Subscribe { topics } | ClientMsg::Unsubscribe { topics })
                if topics.len() > 100 =>
            {
                self.error("too_many_topics", "at most 100 topics");
            }
            Some(ClientMsg::Subscribe { topics }) => self.topics(hub, topics, true),
            Some(ClientMsg::Unsubscribe { topics }) => self.topics(hub, topics, false),
            // Platform staff have no colleagues to show typing or presence to.
            Some(ClientMsg::Typing { .. } | ClientMsg::Presence { .. }) if hub.is_none() => {}
            Some(ClientMsg::Typing { topic }) if topic.len() <= 200 => {
                // Typing is advisory: at most one signal per second per socket.
                if self.last_typing.is_some_and(|t| t.elapsed() < TYPING_EVERY) {
                    return;
                }
                self.last_typing = Some(Instant::now());
                match topic.strip_prefix("chat:").map(str::parse::<Uuid>) {
                    Some(Ok(channel)) => {
                        let db = self.hubs.db().clone();
                        actix_web::rt::spawn(crate::chat::typing(db, self.who.clone(), channel));
                    }
                    Some(Err(_)) => {}
                    None => {
                        if let Some(hub) = hub {
                            hub.do_send(Typing::Topic {
                                from: self.id,
                                topic,
                            });
                        }
                    }
                }
            }
            Some(ClientMsg::Presence { status }) => {
                match super::presence::STATUSES.iter().find(|s| **s == status) {
                    Some(status) => {
                        if let Some(hub) = hub {
                            hub.do_send(SetPresence {
                                user: self.who.user_id,
                                status,
                            });
                        }
                    }
                    None => {
                        self.error("bad_status", "status must be online, away, busy or on_call")
                    }
                }
            }
            Some(_) => self.error("unexpected", "message not allowed here"),
            None => self.error("bad_message", "not a protocol message"),
        }
    }

    /// (Un)subscribes topics and acknowledges.
    fn topics(&mut self, hub: Option<Addr<TenantHub>>, topics: Vec<String>, subscribe: bool) {
        let ack = ServerMsg::Ack {
            of: if subscribe {
                "subscribe"
            } else {
                "unsubscribe"
            },
            topics: &topics,
        }
        .json();
        if let Some(hub) = hub {
            hub.do_send(Topics {
                id: self.id,
                topics,
                subscribe,
            });
        }
        self.text(&ack);
    }

    /// The hello deadline, then pings and the idle check. Most polls are for
    /// frames to send; they skip the timer unless it has fired.
    fn tick(&mut self, cx: &mut Context<'_>) {
        if self.timer_armed && !self.timer.is_elapsed() {
            return;
        }
        self.timer_armed = true;
        if matches!(self.phase, Phase::Closing) && self.timer.as_mut().poll(cx).is_ready() {
            self.phase = Phase::Done;
        }
        while self.is_open() && self.timer.as_mut().poll(cx).is_ready() {
            match self.phase {
                Phase::Hello(_) => self.close(Some(CLOSE_NO_HELLO), "expected a hello message"),
                _ if self.last_heard.elapsed() > IDLE_TIMEOUT => {
                    self.close(Some(CLOSE_IDLE), "idle");
                }
                _ => {
                    self.send(OpCode::Ping, b"");
                    self.timer
                        .as_mut()
                        .reset(tokio::time::Instant::now() + HEARTBEAT);
                }
            }
        }
    }

    fn join(&mut self, cx: &mut Context<'_>) {
        let Phase::Joining(join) = &mut self.phase else {
            return;
        };
        match join.as_mut().poll(cx) {
            Poll::Ready(Ok(())) => self.phase = Phase::Live,
            // The hub was stopping as we joined; the client resumes into a fresh one.
            Poll::Ready(Err(MailboxError::Closed | MailboxError::Timeout)) => {
                self.close(Some(super::protocol::CLOSE_RESUME), "please resume");
            }
            Poll::Pending => {}
        }
    }

    /// Without a wire: hands what the hubs queued to the connection; closes
    /// when a hub asks.
    fn drain(&mut self, cx: &mut Context<'_>) {
        if !self.is_open() {
            return;
        }
        let (queued, close) = self.outbox.poll_take(cx);
        for frame in &queued {
            self.out.extend_from_slice(frame);
        }
        if let Some(code) = close {
            self.close(Some(code), why(code));
        }
    }

    /// With a wire: writes what waits as the kernel makes room; closes when a
    /// hub asks, and ends once the close frame is written.
    fn flush(&mut self, cx: &mut Context<'_>) {
        if !self.blocked && self.is_open() && !self.outbox.dirty() {
            return;
        }
        loop {
            let (flushed, close) = self.outbox.poll_flush(cx);
            if let Some(code) = close
                && self.is_open()
            {
                self.close(Some(code), why(code));
                continue;
            }
            match flushed {
                Flushed::All => {
                    self.blocked = false;
                    if matches!(self.phase, Phase::Closing) {
                        self.phase = Phase::Done;
                    }
                }
                Flushed::Gone => self.phase = Phase::Done,
                Flushed::Blocked => {
                    self.blocked = true;
                    if self.room.is_none() {
                        let wire = Wire::of(&self.outbox).expect("flushing a wired outbox");
                        // SAFETY: the wire holds the outbox, which owns the
                        // descriptor and never replaces it, so it stays open
                        // and the same for as long as the registration lives.
                        match unsafe { AsyncFd::register_with_interest(wire, Interest::WRITABLE) } {
                            Ok(room) => self.room = Some(room),
                            Err(e) => {
                                tracing::warn!(error = %e, "cannot wait for a socket to drain");
                                self.phase = Phase::Done;
                                return;
                            }
                        }
                    }
                    let room = self.room.as_ref().expect("registered above");
                    match room.poll_write_ready(cx) {
                        Poll::Ready(Ok(mut ready)) => {
                            ready.clear_ready();
                            continue;
                        }
                        Poll::Ready(Err(_)) => self.phase = Phase::Done,
                        Poll::Pending => {}
                    }
                }
            }
            return;
        }
    }
}

/// The reason sent with a close a hub asked for.
fn why(code: u16) -> &'static str {
    if code == CLOSE_REVOKED {
        "signed out"
    } else {
        "resume"
    }
}

impl MessageBody for Socket {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Infallible>>> {
        let this = self.get_mut();
        if matches!(this.phase, Phase::Done) {
            return Poll::Ready(None);
        }
        let wired = this.outbox.wired();
        // The connection writes the upgrade response's head to the kernel
        // after this first poll, and nothing may reach the wire before it: the
        // client's hello waits for the next poll. (Only a client that sent
        // requests ahead of the upgrade without reading the answers could
        // leave the kernel no room for those few bytes, and it would garble
        // only its own stream.)
        if !this.started {
            this.started = true;
            if wired {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
        }
        // Read until the payload is pending, or until a hello starts a join
        // and the join is pending; a finished join reads what waited.
        loop {
            this.join(cx);
            if this.joining() {
                break;
            }
            this.read(cx);
            if !this.joining() {
                break;
            }
        }
        this.tick(cx);
        if wired {
            this.flush(cx);
        } else {
            this.drain(cx);
            if !this.out.is_empty() {
                return Poll::Ready(Some(Ok(std::mem::take(&mut this.out).freeze())));
            }
            if matches!(this.phase, Phase::Closing) {
                this.phase = Phase::Done;
            }
        }
        if matches!(this.phase, Phase::Done) {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }
}

/// However the connection ends, the hub (or the platform registry) forgets the socket.
impl Drop for Socket {
    fn drop(&mut self) {
        match &self.hub {
            Some(hub) => hub.do_send(Leave {
                id: self.id,
                user: self.who.user_id,
            }),
            None => self.hubs.leave_platform(self.id),
        }
    }
}
