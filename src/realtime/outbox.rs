//! One socket's outbound frames, shared between the hubs that send to it and
//! the connection that serves it.
//!
//! A frame is encoded once ([`text_frame`]) and the same bytes go to every
//! socket that gets it. When the outbox has its connection's socket (a
//! duplicate of the HTTP connection's descriptor, see [`Wire`]) and nothing
//! waits before the frame, whoever sends it writes it to the kernel at once, on
//! their own thread: a hub fanning an event out to 10,000 sockets makes 10,000
//! `send` calls and wakes no connection. Only what the kernel does not take
//! waits here, in order; the connection then writes it as the socket drains.
//! Without a wire (the descriptor could not be duplicated, or in unit tests)
//! everything waits here and the connection hands it to actix-http.
//!
//! It is bounded: a client that lets `cap` frames pile up is closed with
//! [`CLOSE_RESUME`] and resumes from its last seq.

use std::collections::VecDeque;
use std::io::{ErrorKind, IoSlice, Write as _};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Waker};

use actix_http::ws::{OpCode, Parser};
use actix_web::web::{Buf as _, Bytes, BytesMut};

use super::protocol::CLOSE_RESUME;

/// Frames written in one `writev`.
const BATCH: usize = 64;

/// Duplicated descriptors held now, and how many may be ([`limit_dups`]).
static DUPS: AtomicUsize = AtomicUsize::new(0);
static MAX_DUPS: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Lets duplicates take at most `max` descriptors: past that, sockets write
/// through actix-http, so direct writes never cost the node connections.
pub fn limit_dups(max: usize) {
    MAX_DUPS.store(max, Ordering::Relaxed);
}

/// A duplicate of a connection's descriptor, counted against the limit.
pub struct Dup(TcpStream);

impl Dup {
    /// Duplicates `fd`; None when the limit is reached.
    pub fn of(fd: BorrowedFd<'_>) -> std::io::Result<Option<Dup>> {
        if DUPS.fetch_add(1, Ordering::Relaxed) >= MAX_DUPS.load(Ordering::Relaxed) {
            DUPS.fetch_sub(1, Ordering::Relaxed);
            return Ok(None);
        }
        match fd.try_clone_to_owned() {
            Ok(dup) => Ok(Some(Dup(dup.into()))),
            Err(e) => {
                DUPS.fetch_sub(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }
}

impl Drop for Dup {
    fn drop(&mut self) {
        DUPS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Encodes `json` as one unmasked text frame (what a server sends).
pub fn text_frame(json: &str) -> Bytes {
    let mut buf = BytesMut::with_capacity(json.len() + 10);
    Parser::write_message(&mut buf, json, OpCode::Text, true, false);
    buf.freeze()
}

pub struct Outbox {
    cap: usize,
    /// Something was queued, or a close asked for, since the socket last
    /// took: most of the socket's polls find nothing and skip the lock.
    dirty: AtomicBool,
    inner: Mutex<Inner>,
    /// The connection's socket, written under `inner`'s lock.
    wire: Option<Dup>,
}

#[derive(Default)]
struct Inner {
    /// Frames not yet written, in order.
    queue: VecDeque<Bytes>,
    /// The front frame is partly written: the rest of it must go first.
    partial: bool,
    /// Frames of a replay still waiting, at the front (not held against the
    /// bound).
    replaying: usize,
    /// The close code the socket must send; the first request wins.
    close: Option<u16>,
    /// The socket's connection task, registered by its first poll. It stays:
    /// the connection polls its body from that one task for its whole life.
    waker: Option<Waker>,
}

/// What a write left behind.
#[derive(Debug, PartialEq, Eq)]
pub enum Flushed {
    /// Everything is written.
    All,
    /// The kernel's buffer is full; the rest waits.
    Blocked,
    /// The connection is gone.
    Gone,
}

/// Writes as much of `frames` as the kernel takes: one `send` for one frame
/// (most writes), one `writev` for several. The bytes written, or None when
/// the connection is gone.
fn write(wire: &TcpStream, frames: &[Bytes]) -> Option<usize> {
    let wrote = loop {
        let wrote = match frames {
            [frame] => (&*wire).write(frame),
            _ => {
                let slices: Vec<IoSlice<'_>> =
                    frames.iter().take(BATCH).map(|f| IoSlice::new(f)).collect();
                (&*wire).write_vectored(&slices)
            }
        };
        match wrote {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            wrote => break wrote,
        }
    };
    match wrote {
        Ok(n) => Some(n),
        Err(e) if e.kind() == ErrorKind::WouldBlock => Some(0),
        Err(_) => None,
    }
}

impl Inner {
    /// Queues what of `frames` is left after `written` bytes of them.
    fn keep_after(&mut self, frames: &[Bytes], mut written: usize) {
        for frame in frames {
            if written >= frame.len() {
                written -= frame.len();
            } else {
                self.partial = written > 0;
                self.queue.push_back(frame.slice(written..));
                written = 0;
            }
        }
    }

    /// Writes queued frames to `wire` until they are gone or it blocks.
    fn flush(&mut self, wire: &TcpStream) -> Flushed {
        while !self.queue.is_empty() {
            let (front, _) = self.queue.as_slices();
            let front = &front[..front.len().min(BATCH)];
            let wanted: usize = front.iter().map(Bytes::len).sum();
            let Some(mut written) = write(wire, front) else {
                return Flushed::Gone;
            };
            let done = written == wanted;
            while written > 0 {
                let first = self.queue.front_mut().expect("written frames are queued");
                if written < first.len() {
                    first.advance(written);
                    self.partial = true;
                    break;
                }
                written -= first.len();
                self.queue.pop_front();
                self.partial = false;
                self.replaying = self.replaying.saturating_sub(1);
            }
            if !done {
                return Flushed::Blocked;
            }
        }
        // A socket that fell behind does not keep the queue it needed.
        self.queue = VecDeque::new();
        Flushed::All
    }
}

impl Outbox {
    /// An empty outbox holding at most `cap` frames, writing to `wire` when given.
    pub fn new(cap: usize, wire: Option<Dup>) -> Arc<Outbox> {
        Arc::new(Outbox {
            cap,
            dirty: AtomicBool::new(true),
            inner: Mutex::default(),
            wire,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wakes the socket, unless an earlier change has already woken it and it
    /// has not taken yet (that take sees this change).
    fn wake(&self, inner: &Inner) {
        if !self.dirty.swap(true, Ordering::AcqRel)
            && let Some(w) = &inner.waker
        {
            w.wake_by_ref();
        }
    }

    /// Queues `frames` behind what waits, writing them at once when nothing
    /// does. Ignores the bound and a requested close: the socket's own frames
    /// (replies, pings, its close frame) use this.
    fn send(&self, inner: &mut Inner, frames: &[Bytes]) -> bool {
        match &self.wire {
            Some(Dup(wire)) if inner.queue.is_empty() => {
                let Some(written) = write(wire, frames) else {
                    inner.close.get_or_insert(CLOSE_RESUME);
                    self.wake(inner);
                    return false;
                };
                inner.keep_after(frames, written);
                if inner.queue.is_empty() {
                    return true;
                }
            }
            _ => inner.queue.extend(frames.iter().cloned()),
        }
        // Frames wait: the socket writes them (once the kernel has room).
        self.wake(inner);
        true
    }

    /// Sends a joining socket's first frames (its hello and the events it
    /// missed, up to the replay's limit), however many must wait: the bound
    /// counts only frames queued after them.
    pub fn replay(&self, frames: &[Bytes]) -> bool {
        let mut inner = self.lock();
        if inner.close.is_some() || !self.send(&mut inner, frames) {
            return false;
        }
        inner.replaying = inner.queue.len();
        true
    }

    /// Sends `frame` after what waits; when more than `cap` frames would wait
    /// (besides a replay's), the socket is closed instead. False when the
    /// socket is closing (the caller forgets it).
    pub fn push(&self, frame: &Bytes) -> bool {
        let mut inner = self.lock();
        if inner.close.is_some() || !self.send(&mut inner, std::slice::from_ref(frame)) {
            return false;
        }
        if inner.queue.len() > self.cap + inner.replaying {
            inner.close = Some(CLOSE_RESUME);
            self.wake(&inner);
            return false;
        }
        true
    }

    /// Sends a frame of the socket's own, whatever the bound.
    pub(super) fn own(&self, frame: Bytes) {
        let mut inner = self.lock();
        self.send(&mut inner, &[frame]);
    }

    /// Asks the socket to close with `code`.
    pub fn close(&self, code: u16) {
        let mut inner = self.lock();
        inner.close.get_or_insert(code);
        self.wake(&inner);
    }

    /// The close code asked for, if any.
    #[cfg(test)]
    pub fn closing(&self) -> Option<u16> {
        self.lock().close
    }

    /// Whether something changed since the socket last flushed.
    pub(super) fn dirty(&self) -> bool {
        self.dirty.load(Ordering::Acquire)
    }

    /// Whether frames go straight to the connection's socket.
    pub(super) fn wired(&self) -> bool {
        self.wire.is_some()
    }

    /// Registers `cx` to be woken by the next change.
    fn register(&self, inner: &mut Inner, cx: &mut Context<'_>) {
        match &inner.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => inner.waker = Some(cx.waker().clone()),
        }
    }

    /// Without a wire: takes everything queued and the close asked for, if
    /// any; when there is neither, `cx` is woken by the next push or close.
    pub fn poll_take(&self, cx: &mut Context<'_>) -> (VecDeque<Bytes>, Option<u16>) {
        if !self.dirty.swap(false, Ordering::AcqRel) {
            return (VecDeque::new(), None);
        }
        let mut inner = self.lock();
        self.register(&mut inner, cx);
        inner.replaying = 0;
        (std::mem::take(&mut inner.queue), inner.close)
    }

    /// With a wire: writes what waits, as far as the kernel takes it, and
    /// returns that with the close asked for; `cx` is woken by the next change.
    pub(super) fn poll_flush(&self, cx: &mut Context<'_>) -> (Flushed, Option<u16>) {
        let Some(Dup(wire)) = &self.wire else {
            return (Flushed::All, None);
        };
        self.dirty.store(false, Ordering::Release);
        let mut inner = self.lock();
        self.register(&mut inner, cx);
        (inner.flush(wire), inner.close)
    }

    /// Drops the whole frames still waiting (a closing socket sends no more
    /// events); a partly written one is finished first.
    pub(super) fn discard(&self) {
        let mut inner = self.lock();
        let keep = usize::from(inner.partial);
        inner.queue.truncate(keep);
        inner.replaying = 0;
    }
}

/// The connection's descriptor as tokio's reactor sees it: registered while
/// the socket waits for room to write. It holds the outbox, so the descriptor
/// stays open, and the same, until the registration is gone.
pub(super) struct Wire(Arc<Outbox>);

impl Wire {
    /// The wire of `outbox`, if it has one.
    pub(super) fn of(outbox: &Arc<Outbox>) -> Option<Wire> {
        outbox.wire.is_some().then(|| Wire(outbox.clone()))
    }
}

impl AsRawFd for Wire {
    fn as_raw_fd(&self) -> RawFd {
        self.0
            .wire
            .as_ref()
            .expect("a wire is made only for an outbox with one")
            .0
            .as_raw_fd()
    }
}

/// The text of one frame made by [`text_frame`].
#[cfg(test)]
pub fn text_of(frame: &Bytes) -> String {
    let mut buf = BytesMut::from(&frame[..]);
    let (fin, op, payload) = Parser::parse(&mut buf, false, usize::MAX)
        .expect("a frame")
        .expect("a whole frame");
    assert!(fin && op == OpCode::Text && buf.is_empty());
    String::from_utf8(payload.map(|p| p.to_vec()).unwrap_or_default()).expect("UTF-8")
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsFd as _;
    use std::time::Duration;

    use futures_util::task::noop_waker;

    use super::*;

    /// A wired outbox and the client's end of its connection.
    fn wired(cap: usize) -> (Arc<Outbox>, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        server.set_nonblocking(true).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let dup = Dup::of(server.as_fd()).unwrap().unwrap();
        (Outbox::new(cap, Some(dup)), client)
    }

    fn flush(out: &Outbox) -> (Flushed, Option<u16>) {
        let waker = noop_waker();
        out.poll_flush(&mut Context::from_waker(&waker))
    }

    /// Reads whole frames until `n` have come; returns their texts.
    fn read_frames(client: &mut TcpStream, n: usize) -> Vec<String> {
        let mut buf = BytesMut::new();
        let mut texts = Vec::new();
        let mut chunk = vec![0; 1 << 16];
        while texts.len() < n {
            while let Some((_, _, payload)) = Parser::parse(&mut buf, false, usize::MAX).unwrap() {
                texts.push(String::from_utf8(payload.unwrap_or_default().to_vec()).unwrap());
            }
            if texts.len() < n {
                let got = client.read(&mut chunk).unwrap();
                assert!(got > 0, "the connection ended");
                buf.extend_from_slice(&chunk[..got]);
            }
        }
        texts
    }

    #[test]
    fn a_frame_is_written_by_whoever_sends_it() {
        let (out, mut client) = wired(4);
        assert!(out.push(&text_frame("one")));
        assert!(out.replay(&[text_frame("two"), text_frame("three")]));
        // Nothing waits: the frames are in the kernel.
        assert!(out.lock().queue.is_empty());
        assert_eq!(read_frames(&mut client, 3), ["one", "two", "three"]);
    }

    #[test]
    fn what_the_kernel_cannot_take_waits_in_order_and_within_the_bound() {
        let (out, mut client) = wired(8);
        let big = "x".repeat(60_000);
        // Fill the kernel's buffers until frames wait.
        let mut sent = 0;
        while out.lock().queue.is_empty() {
            assert!(out.push(&text_frame(&format!("{sent:06}{big}"))));
            sent += 1;
            assert!(sent < 10_000, "the kernel never filled up");
        }
        assert!(out.dirty(), "the socket is woken to wait for room");
        for _ in 0..8 {
            out.push(&text_frame(&format!("{sent:06}{big}")));
            sent += 1;
        }
        // The ninth frame waiting is one too many.
        assert_eq!(out.closing(), Some(CLOSE_RESUME));
        assert!(!out.push(&text_frame("late")));

        // The client reads; the socket writes the rest as room appears. A
        // closing socket drops whole frames but finishes a partial one.
        let partial = out.lock().partial;
        out.discard();
        assert_eq!(out.lock().queue.len(), usize::from(partial));
        out.own(text_frame("bye"));
        let reader = std::thread::spawn(move || {
            let kept = sent - 9 + usize::from(partial);
            let texts = read_frames(&mut client, kept + 1);
            (texts, kept)
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while flush(&out).0 != Flushed::All {
            assert!(std::time::Instant::now() < deadline, "never drained");
            std::thread::sleep(Duration::from_millis(1));
        }
        let (texts, kept) = reader.join().unwrap();
        for (i, t) in texts[..kept].iter().enumerate() {
            assert_eq!(
                &t[..6],
                format!("{i:06}"),
                "frames arrive whole and in order"
            );
        }
        assert_eq!(texts[kept], "bye");
    }

    #[test]
    fn a_gone_client_is_noticed() {
        let (out, client) = wired(4);
        drop(client);
        // The first write may still be taken (the peer's reset comes back after it).
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while out.push(&text_frame("anyone?")) {
            assert!(std::time::Instant::now() < deadline, "never noticed");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(out.closing(), Some(CLOSE_RESUME));
    }

    #[test]
    fn frames_round_trip() {
        for n in [0, 1, 125, 126, 65_535, 65_536, 100_000] {
            let text = "₹".repeat(n / 3);
            assert_eq!(text_of(&text_frame(&text)), text);
        }
    }
}
