//! Typed tuple conditions on clustering columns: `(added_date, videoid) <= (?, ?)`.

use std::marker::PhantomData;
use std::sync::Arc;

use scylla::serialize::value::SerializeValue;

use crate::column::Column;
use crate::condition::{Condition, Operator, TupleColumns};
use crate::cql_type::{CqlType, CqlTyped};

/// Several clustering columns of model `M` compared together with one tuple value of type
/// `V`: the standard way to read a partition from a start point (paging by the last row
/// seen), which two separate ranges cannot express.
///
/// Built with [`Tuple::of`] from column handles; the value's type is the tuple of the
/// columns' types. The columns must be consecutive clustering columns in key order, and
/// a range must start at the first clustering column not compared with `=` or `IN`:
/// otherwise the query fails before anything is sent. [`Select::where_tuple`] is the
/// by-name twin.
///
/// [`Select::where_tuple`]: crate::Select::where_tuple
///
/// # Example
/// ```
/// use orm_core::{Model, Tuple};
///
/// #[derive(Model)]
/// struct Video {
///     #[orm(partition_key)]
///     user_id: i64,
///     #[orm(clustering_key, order = "desc")]
///     added_date: i64,
///     #[orm(clustering_key)]
///     videoid: i64,
///     title: String,
/// }
///
/// // The next page after the row (1_700_000_000, 42), newest first.
/// let next = Video::query()
///     .filter(Video::USER_ID.eq(7))
///     .filter(Tuple::of((Video::ADDED_DATE, Video::VIDEOID)).lt((1_700_000_000, 42)))
///     .limit(20);
/// assert_eq!(
///     next.cql().unwrap(),
///     r#"SELECT "user_id", "added_date", "videoid", "title" FROM "video" WHERE "user_id" = ? AND ("added_date", "videoid") < ? LIMIT ?"#
/// );
///
/// let wrong_order = Video::query()
///     .filter(Video::USER_ID.eq(7))
///     .filter(Tuple::of((Video::VIDEOID, Video::ADDED_DATE)).lt((42, 1_700_000_000)));
/// assert!(wrong_order.cql().unwrap_err().to_string().contains("in key order"));
/// ```
pub struct Tuple<M, V> {
    columns: TupleColumns,
    _types: PhantomData<fn() -> (M, V)>,
}

impl<M, V> std::fmt::Debug for Tuple<M, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tuple{}", self.columns)
    }
}

/// A Rust tuple of column handles of one model, such as `(Video::ADDED_DATE,
/// Video::VIDEOID)`, with the tuple of their value types.
pub trait TupleOf<M> {
    /// The value a tuple condition on these columns compares with.
    type Value;

    /// The columns' CQL names, in the order written.
    fn names(&self) -> TupleColumns;
}

macro_rules! tuple_of {
    ($($column:ident : $value:ident),+) => {
        impl<M, $($value),+> TupleOf<M> for ($(Column<M, $value>,)+) {
            type Value = ($($value,)+);

            fn names(&self) -> TupleColumns {
                let ($($column,)+) = self;
                TupleColumns::new(&[$($column.name()),+])
                    .expect("at most TupleColumns::MAX columns")
            }
        }
    };
}

tuple_of!(a: A, b: B);
tuple_of!(a: A, b: B, c: C);
tuple_of!(a: A, b: B, c: C, d: D);
tuple_of!(a: A, b: B, c: C, d: D, e: E);

impl<M, V: SerializeValue + Send + Sync + 'static> Tuple<M, V> {
    /// The columns `columns`, compared together.
    pub fn of<C: TupleOf<M, Value = V>>(columns: C) -> Self {
        Tuple {
            columns: columns.names(),
            _types: PhantomData,
        }
    }

    fn condition(self, operator: Operator, value: V) -> Condition<M> {
        Condition::tuple(self.columns, operator, Arc::new(value))
    }

    /// `(a, b) = (?, ?)`.
    pub fn eq(self, value: V) -> Condition<M> {
        self.condition(Operator::Eq, value)
    }

    /// `(a, b) < (?, ?)`.
    pub fn lt(self, value: V) -> Condition<M> {
        self.condition(Operator::Lt, value)
    }

    /// `(a, b) <= (?, ?)`.
    pub fn le(self, value: V) -> Condition<M> {
        self.condition(Operator::Le, value)
    }

    /// `(a, b) > (?, ?)`.
    pub fn gt(self, value: V) -> Condition<M> {
        self.condition(Operator::Gt, value)
    }

    /// `(a, b) >= (?, ?)`.
    pub fn ge(self, value: V) -> Condition<M> {
        self.condition(Operator::Ge, value)
    }

    /// `(a, b) IN ?`, bound as one list of tuples (at most
    /// [`MAX_IN_VALUES`](crate::query::MAX_IN_VALUES)).
    pub fn in_(self, values: impl IntoIterator<Item = V>) -> Condition<M> {
        let values: Vec<V> = values.into_iter().collect();
        let count = values.len();
        Condition::tuple(self.columns, Operator::In, Arc::new(values)).with_in_values(Some(count))
    }
}

/// A value a tuple condition given by name compares with: a Rust tuple such as
/// `(added_date, videoid)`, or for `IN` a `Vec` of them. Checked against the columns'
/// CQL types before anything is sent.
pub trait TupleArg: SerializeValue + Send + Sync + 'static {
    /// The CQL types of the tuple's items.
    const ITEMS: &'static [CqlType];
    /// Whether the value is a list of tuples (the operand of `IN`).
    const IN_LIST: bool;

    /// How many tuples a list holds (`None` for one tuple).
    fn count(&self) -> Option<usize>;
}

macro_rules! tuple_arg {
    ($($item:ident),+) => {
        impl<$($item),+> TupleArg for ($($item,)+)
        where
            $($item: CqlTyped + SerializeValue + Send + Sync + 'static),+
        {
            const ITEMS: &'static [CqlType] = &[$($item::CQL_TYPE),+];
            const IN_LIST: bool = false;

            fn count(&self) -> Option<usize> {
                None
            }
        }

        impl<$($item),+> TupleArg for Vec<($($item,)+)>
        where
            $($item: CqlTyped + SerializeValue + Send + Sync + 'static),+
        {
            const ITEMS: &'static [CqlType] = &[$($item::CQL_TYPE),+];
            const IN_LIST: bool = true;

            fn count(&self) -> Option<usize> {
                Some(self.len())
            }
        }
    };
}

tuple_arg!(A, B);
tuple_arg!(A, B, C);
tuple_arg!(A, B, C, D);
tuple_arg!(A, B, C, D, E);
