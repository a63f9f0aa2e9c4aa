//! Prometheus metrics for HTTP traffic and WebSockets.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of one request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// Route pattern (not the raw path, to keep cardinality bounded).
    pub route: String,
    pub status: u16,
}

/// How a WebSocket writes its frames.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SocketLabels {
    /// `direct`: straight to the connection's socket; `connection`: through
    /// actix-http (no descriptor could be duplicated for it).
    pub writes: &'static str,
}

/// The registry and the series we record.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    sockets: Family<SocketLabels, Counter>,
}

impl Metrics {
    /// Registers the series.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("karat");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 14))
        });
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency",
            latency.clone(),
        );
        let sockets = Family::<SocketLabels, Counter>::default();
        registry.register(
            "websockets_opened",
            "WebSockets opened, by how they write",
            sockets.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            latency,
            sockets,
        }
    }

    /// Records one finished request.
    pub fn observe(&self, labels: RequestLabels, seconds: f64) {
        self.latency.get_or_create(&labels).observe(seconds);
        self.requests.get_or_create(&labels).inc();
    }

    /// Counts one WebSocket opened.
    pub fn socket_opened(&self, direct: bool) {
        let writes = if direct { "direct" } else { "connection" };
        self.sockets.get_or_create(&SocketLabels { writes }).inc();
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Ok(r) = self.registry.lock() {
            let _ = prometheus_client::encoding::text::encode(&mut out, &r);
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
