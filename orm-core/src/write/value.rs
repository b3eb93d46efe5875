//! The bound value of a `SET` item, held in place when it is of a common small type.

use std::any::Any;
use std::sync::Arc;

use scylla::serialize::value::SerializeValue;
use scylla::value::{Counter, CqlTimestamp};
use uuid::Uuid;

use crate::condition::BoundValue;
use crate::row::{Null, UnsetIfNull};

/// A `SET` item's value. The values updates set most (text, integers, uuids, timestamps,
/// counters, an explicit null) are held in place, so that setting one allocates nothing
/// beyond what the value owns itself (a `String`'s text); any other value is shared behind
/// an `Arc`. Measured with `bench/callgrind.sh update` (three passes each): holding the
/// value in place took about 500 client instructions off an update of one text column
/// (the `Arc`'s allocation, its atomic count, its free, and the copies around them).
pub(crate) enum Value {
    Text(UnsetIfNull<String>),
    OptionalText(UnsetIfNull<Option<String>>),
    BigInt(UnsetIfNull<i64>),
    Int(UnsetIfNull<i32>),
    Uuid(UnsetIfNull<Uuid>),
    Timestamp(CqlTimestamp),
    Counter(Counter),
    Null(Null),
    Shared(BoundValue),
}

impl Value {
    /// `value`, in place when its type is one of the variants above.
    ///
    /// The type is found by `Any` on the value's slot: each `take` compares two
    /// `TypeId`s known when the function is compiled for `V`, so what runs is the one
    /// branch that fits.
    pub(crate) fn new<V: SerializeValue + Send + Sync + 'static>(value: V) -> Value {
        let mut slot = Some(value);
        let any: &mut dyn Any = &mut slot;
        let held = take(any)
            .map(Value::Text)
            .or_else(|| take(any).map(Value::OptionalText))
            .or_else(|| take(any).map(Value::BigInt))
            .or_else(|| take(any).map(Value::Int))
            .or_else(|| take(any).map(Value::Uuid))
            .or_else(|| take(any).map(Value::Timestamp))
            .or_else(|| take(any).map(Value::Counter))
            .or_else(|| take(any).map(Value::Null));
        // Otherwise `slot` is still `Some`, and an `Option` serializes as its value.
        held.unwrap_or_else(|| Value::Shared(Arc::new(slot)))
    }

    /// The value, to serialize.
    #[inline]
    pub(crate) fn as_dyn(&self) -> &(dyn SerializeValue + Send + Sync) {
        match self {
            Value::Text(value) => value,
            Value::OptionalText(value) => value,
            Value::BigInt(value) => value,
            Value::Int(value) => value,
            Value::Uuid(value) => value,
            Value::Timestamp(value) => value,
            Value::Counter(value) => value,
            Value::Null(value) => value,
            Value::Shared(value) => value.as_ref(),
        }
    }
}

/// The value in `slot` (an `Option<V>`) when `V` is `T`, taken out; `None` otherwise.
fn take<T: 'static>(slot: &mut dyn Any) -> Option<T> {
    slot.downcast_mut::<Option<T>>()?.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_values_are_held_in_place_and_others_shared() {
        assert!(matches!(
            Value::new(UnsetIfNull("x".to_owned())),
            Value::Text(_)
        ));
        assert!(matches!(Value::new(UnsetIfNull(7_i64)), Value::BigInt(_)));
        assert!(matches!(Value::new(Counter(1)), Value::Counter(_)));
        assert!(matches!(Value::new(Null), Value::Null(_)));
        assert!(matches!(
            Value::new(UnsetIfNull(vec![1_i32])),
            Value::Shared(_)
        ));
    }
}
