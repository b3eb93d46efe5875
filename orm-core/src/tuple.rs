//! Typed tuple conditions on clustering columns: `(added_date, videoid) <= (?, ?)`.

use std::marker::PhantomData;
use std::sync::Arc;

use scylla::cluster::metadata::ColumnType;
use scylla::serialize::SerializationError;
use scylla::serialize::value::SerializeValue;
use scylla::serialize::writers::{CellWriter, WrittenCellProof};

use crate::column::Column;
use crate::condition::{BoundValue, Condition, Operator, TupleColumns};
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
/// CQL types before anything is sent; integer items widen losslessly to a wider integer
/// column, as single values given by name do.
pub trait TupleArg: SerializeValue + Send + Sync + 'static {
    /// The CQL types of the tuple's items.
    const ITEMS: &'static [CqlType];
    /// Whether the value is a list of tuples (the operand of `IN`).
    const IN_LIST: bool;

    /// How many tuples a list holds (`None` for one tuple).
    fn count(&self) -> Option<usize>;

    /// The value bound for columns of types `columns`: itself when the types match,
    /// its items widened when they only fit losslessly, `None` otherwise.
    #[doc(hidden)]
    fn bind_as(self, columns: &[CqlType]) -> Option<BoundValue>;
}

/// One tuple's items for columns of types `columns`, each as is or widened.
#[doc(hidden)]
pub trait TupleItems {
    /// `None` when an item neither has its column's type nor widens to it.
    fn items_as(self, columns: &[CqlType]) -> Option<Vec<BoundValue>>;
}

/// An item bound as is when it has its column's type, widened when it fits losslessly.
fn item_as<T>(item: T, column: Option<&CqlType>) -> Option<BoundValue>
where
    T: CqlTyped + SerializeValue + Send + Sync + 'static,
{
    let column = column?;
    if T::CQL_TYPE == *column {
        Some(Arc::new(item))
    } else {
        crate::query::widen(&item, column)
    }
}

/// A tuple whose items were bound one by one (some widened), serialized as the CQL tuple
/// the statement expects.
struct BoundTuple(Vec<BoundValue>);

/// A [`BoundTuple`] the statement cannot take.
#[derive(Debug, thiserror::Error)]
enum BoundTupleError {
    #[error("a tuple of {items} values cannot be bound where the statement expects {expected:?}")]
    Shape {
        items: usize,
        expected: ColumnType<'static>,
    },
    #[error("the tuple value is larger than a CQL value can be")]
    TooLarge,
}

impl SerializeValue for BoundTuple {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        let mismatch = || {
            SerializationError::new(BoundTupleError::Shape {
                items: self.0.len(),
                expected: typ.clone().into_owned(),
            })
        };
        let ColumnType::Tuple(types) = typ else {
            return Err(mismatch());
        };
        if types.len() != self.0.len() {
            return Err(mismatch());
        }
        let mut builder = writer.into_value_builder();
        for (item, item_type) in self.0.iter().zip(types) {
            item.serialize(item_type, builder.make_sub_writer())?;
        }
        builder
            .finish()
            .map_err(|_| SerializationError::new(BoundTupleError::TooLarge))
    }
}

macro_rules! tuple_arg {
    ($($item:ident : $var:ident),+) => {
        impl<$($item),+> TupleItems for ($($item,)+)
        where
            $($item: CqlTyped + SerializeValue + Send + Sync + 'static),+
        {
            fn items_as(self, columns: &[CqlType]) -> Option<Vec<BoundValue>> {
                if columns.len() != [$(stringify!($item)),+].len() {
                    return None;
                }
                let ($($var,)+) = self;
                let mut columns = columns.iter();
                Some(vec![$(item_as($var, columns.next())?),+])
            }
        }

        impl<$($item),+> TupleArg for ($($item,)+)
        where
            $($item: CqlTyped + SerializeValue + Send + Sync + 'static),+
        {
            const ITEMS: &'static [CqlType] = &[$($item::CQL_TYPE),+];
            const IN_LIST: bool = false;

            fn count(&self) -> Option<usize> {
                None
            }

            fn bind_as(self, columns: &[CqlType]) -> Option<BoundValue> {
                if Self::ITEMS == columns {
                    return Some(Arc::new(self));
                }
                Some(Arc::new(BoundTuple(self.items_as(columns)?)))
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

            fn bind_as(self, columns: &[CqlType]) -> Option<BoundValue> {
                if Self::ITEMS == columns {
                    return Some(Arc::new(self));
                }
                let tuples: Option<Vec<BoundTuple>> = self
                    .into_iter()
                    .map(|tuple| tuple.items_as(columns).map(BoundTuple))
                    .collect();
                Some(Arc::new(tuples?))
            }
        }
    };
}

tuple_arg!(A: a, B: b);
tuple_arg!(A: a, B: b, C: c);
tuple_arg!(A: a, B: b, C: c, D: d);
tuple_arg!(A: a, B: b, C: c, D: d, E: e);
