//! How eager loading tells parents with the same key apart: [`GroupKey`].

use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hash;
use std::net::IpAddr;

use scylla::value::{
    CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlTimeuuid, CqlVarint,
};

/// A relation key that eager loading groups parents by, so that parents with equal keys
/// share one query.
///
/// Implemented for the native CQL types, including those without `Hash` (`CqlDate`,
/// `CqlTime`, `CqlDuration`, `CqlDecimal`, `f32`, `f64`), which group by a hashable form
/// of their stored value, and for `Option`s, lists, ordered sets and maps, and tuples of
/// them (frozen collections can be keys). Grouping may split equal CQL values into two
/// groups (one query more), never merge different ones, so it never mixes the rows of
/// different parents. For a key of your own type (a UDT, a newtype), implement it: the
/// hashable form is usually the value itself.
///
/// # Example
/// ```
/// use orm_core::eager::GroupKey;
/// use orm_core::scylla::value::CqlDate;
///
/// assert_eq!(CqlDate(19_000).group(), CqlDate(19_000).group());
/// assert_ne!(0.0_f64.group(), (-0.0_f64).group());
/// assert_eq!((7_i32, CqlDate(3)).group(), (7, 3));
/// assert_eq!(vec![CqlDate(1), CqlDate(2)].group(), vec![1, 2]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a relation key",
    label = "relations join on CQL key columns",
    note = "use a native CQL type (text, int, bigint, uuid, timeuuid, timestamp, date, ...) or an `Option` of one"
)]
pub trait GroupKey: Clone + Send + Sync + 'static {
    /// The hashable form.
    type Grouped: Eq + Hash + Clone + Send + Sync + 'static;

    /// This key's hashable form.
    fn group(&self) -> Self::Grouped;
}

macro_rules! hashable {
    ($($ty:ty),* $(,)?) => {
        $(impl GroupKey for $ty {
            type Grouped = Self;

            fn group(&self) -> Self {
                self.clone()
            }
        })*
    };
}

hashable!(
    bool,
    u8,
    i8,
    i16,
    i32,
    i64,
    String,
    IpAddr,
    uuid::Uuid,
    CqlTimeuuid,
    CqlTimestamp,
    CqlVarint,
);

macro_rules! grouped_as {
    ($($ty:ty => $grouped:ty, |$key:ident| $form:expr;)*) => {
        $(impl GroupKey for $ty {
            type Grouped = $grouped;

            fn group(&self) -> $grouped {
                let $key = self;
                $form
            }
        })*
    };
}

grouped_as! {
    CqlDate => u32, |date| date.0;
    CqlTime => i64, |time| time.0;
    // Bit patterns: `0.0` and `-0.0` are different CQL values, and a NaN equals itself.
    f32 => u32, |float| float.to_bits();
    f64 => u64, |float| float.to_bits();
    CqlDuration => (i32, i32, i64), |duration| (duration.months, duration.days, duration.nanoseconds);
    CqlDecimal => (Vec<u8>, i32), |decimal| {
        let (digits, scale) = decimal.as_signed_be_bytes_slice_and_exponent();
        (digits.to_vec(), scale)
    };
}

impl<T: GroupKey> GroupKey for Option<T> {
    type Grouped = Option<T::Grouped>;

    fn group(&self) -> Self::Grouped {
        self.as_ref().map(GroupKey::group)
    }
}

impl<T: GroupKey> GroupKey for Vec<T> {
    type Grouped = Vec<T::Grouped>;

    fn group(&self) -> Self::Grouped {
        self.iter().map(GroupKey::group).collect()
    }
}

impl<T: GroupKey + Ord> GroupKey for BTreeSet<T> {
    type Grouped = Vec<T::Grouped>;

    fn group(&self) -> Self::Grouped {
        self.iter().map(GroupKey::group).collect()
    }
}

impl<K: GroupKey + Ord, V: GroupKey> GroupKey for BTreeMap<K, V> {
    type Grouped = Vec<(K::Grouped, V::Grouped)>;

    fn group(&self) -> Self::Grouped {
        self.iter().map(|(k, v)| (k.group(), v.group())).collect()
    }
}

macro_rules! tuples {
    ($(($($name:ident $index:tt),+)),* $(,)?) => {
        $(impl<$($name: GroupKey),+> GroupKey for ($($name,)+) {
            type Grouped = ($($name::Grouped,)+);

            fn group(&self) -> Self::Grouped {
                ($(self.$index.group(),)+)
            }
        })*
    };
}

tuples!((A 0, B 1), (A 0, B 1, C 2), (A 0, B 1, C 2, D 3));
