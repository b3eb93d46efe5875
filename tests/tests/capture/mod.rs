// Shared by several test binaries, each using part of it.
#![allow(dead_code)]

//! A tracing subscriber that keeps every span and event of the ORM, for tests of spans
//! and of the CQL actually sent.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// A span as recorded: its name, fields (as text) and parent's index.
#[derive(Debug, Clone)]
pub struct CapturedSpan {
    pub target: String,
    pub name: String,
    pub fields: BTreeMap<String, String>,
    pub parent: Option<usize>,
}

impl CapturedSpan {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// An event: its fields and the index of the span it happened in.
#[derive(Debug, Clone)]
pub struct CapturedEvent {
    pub target: String,
    pub fields: BTreeMap<String, String>,
    pub span: Option<usize>,
}

#[derive(Default)]
pub struct Captured {
    pub spans: Vec<CapturedSpan>,
    pub events: Vec<CapturedEvent>,
}

impl Captured {
    /// The CQL of every statement sent, in order.
    pub fn sent(&self) -> Vec<String> {
        self.orm_events_saying("sending")
            .into_iter()
            .filter_map(|e| e.fields.get("cql").cloned())
            .collect()
    }

    /// The ORM's spans (`orm` and `orm.level`), with their indexes.
    pub fn orm_spans(&self) -> Vec<(usize, &CapturedSpan)> {
        self.spans
            .iter()
            .enumerate()
            .filter(|(_, s)| s.target.starts_with("orm_core"))
            .collect()
    }

    /// The ORM's events.
    pub fn orm_events(&self) -> Vec<&CapturedEvent> {
        self.events
            .iter()
            .filter(|e| e.target.starts_with("orm_core"))
            .collect()
    }

    /// The ORM's events whose message is `message` (`"sending"` for each statement
    /// sent, `"slow operation"` for the slow-operation warning), in order.
    pub fn orm_events_saying(&self, message: &str) -> Vec<&CapturedEvent> {
        self.orm_events()
            .into_iter()
            .filter(|e| e.fields.get("message").map(String::as_str) == Some(message))
            .collect()
    }

    /// The ORM's spans, as [`Captured::orm_spans`], asserting there are `count` of them:
    /// most tests check the number first, and the message of the failure lists them.
    #[track_caller]
    pub fn orm_spans_counted(&self, count: usize) -> Vec<(usize, &CapturedSpan)> {
        let spans = self.orm_spans();
        assert_eq!(spans.len(), count, "{spans:#?}");
        spans
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

/// Index of a span in [`Captured::spans`], kept in the registry's extensions.
struct Index(usize);

struct Capture(Arc<Mutex<Captured>>);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let span = ctx.span(id).expect("a new span is registered");
        let parent = span
            .parent()
            .and_then(|p| p.extensions().get::<Index>().map(|i| i.0));
        let mut captured = self.0.lock().unwrap();
        captured.spans.push(CapturedSpan {
            target: attrs.metadata().target().to_owned(),
            name: attrs.metadata().name().to_owned(),
            fields,
            parent,
        });
        span.extensions_mut()
            .insert(Index(captured.spans.len() - 1));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).expect("a recorded span is registered");
        let Some(index) = span.extensions().get::<Index>().map(|i| i.0) else {
            return;
        };
        let mut captured = self.0.lock().unwrap();
        values.record(&mut Fields(&mut captured.spans[index].fields));
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let span = ctx
            .event_span(event)
            .and_then(|s| s.extensions().get::<Index>().map(|i| i.0));
        self.0.lock().unwrap().events.push(CapturedEvent {
            target: event.metadata().target().to_owned(),
            fields,
            span,
        });
    }
}

/// Captures what the current thread traces until the guard drops (tests run on a
/// current-thread runtime, so the whole test is on this thread).
pub fn capture() -> (Arc<Mutex<Captured>>, tracing::subscriber::DefaultGuard) {
    let captured = Arc::new(Mutex::new(Captured::default()));
    let subscriber = tracing_subscriber::registry().with(Capture(Arc::clone(&captured)));
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

/// Forgets what was captured so far.
pub fn clear(captured: &Arc<Mutex<Captured>>) {
    let mut captured = captured.lock().unwrap();
    captured.spans.clear();
    captured.events.clear();
}
