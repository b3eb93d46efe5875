//! How the two ends of a relation's key relate: the same type, or an optional one.

/// A column type that holds a key of type `K`: `K` itself, or `Option<K>` (a foreign key
/// that may be unset).
///
/// Relations require the foreign key and the key it refers to to agree this way; any
/// other pair of types is a compile error naming both.
#[diagnostic::on_unimplemented(
    message = "a relation's keys must have the same type, but `{Self}` cannot hold a `{K}`",
    label = "the foreign key is `{Self}`, the key it refers to is `{K}`",
    note = "give both columns the same type (the foreign key may be `Option<{K}>`)"
)]
pub trait KeyOf<K> {
    /// The key, if set.
    fn key(&self) -> Option<&K>;

    /// A column value holding `key`.
    fn from_key(key: K) -> Self;
}

impl<K> KeyOf<K> for K {
    fn key(&self) -> Option<&K> {
        Some(self)
    }

    fn from_key(key: K) -> Self {
        key
    }
}

impl<K> KeyOf<K> for Option<K> {
    fn key(&self) -> Option<&K> {
        self.as_ref()
    }

    fn from_key(key: K) -> Self {
        Some(key)
    }
}

/// A pivot field holding a model's primary key: exactly the key's type.
#[diagnostic::on_unimplemented(
    message = "this pivot field is `{Self}`, but the model it joins has the primary key type `{K}`",
    label = "make this field's type `{K}`"
)]
pub trait SameKey<K> {
    /// The field as the key.
    fn as_key(&self) -> &K;

    /// A field holding `key`.
    fn from_key(key: K) -> Self;
}

impl<K> SameKey<K> for K {
    fn as_key(&self) -> &K {
        self
    }

    fn from_key(key: K) -> Self {
        key
    }
}

/// Sets `column` of `row` to hold `key`; the relation expansions call it, so a foreign key
/// whose type cannot hold the key is reported by [`KeyOf`]'s message.
#[doc(hidden)]
pub fn set_key<R, F: KeyOf<K>, K>(column: crate::Column<R, F>, row: &mut R, key: K) {
    column.set(row, F::from_key(key));
}
