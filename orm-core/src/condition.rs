//! Conditions (`WHERE` and `IF` clauses) and orderings, typed by the model they apply to.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;
use std::sync::Arc;

use scylla::serialize::value::SerializeValue;

use crate::meta::ClusteringOrder;
use crate::query::rule::{Restriction, Subject};

/// A value to bind to a `?` marker, of any type the driver serializes.
pub type BoundValue = Arc<dyn SerializeValue + Send + Sync>;

/// A comparison operator CQL accepts in a `WHERE` or `IF` clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=`
    Eq,
    /// `!=` (conditional writes only)
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `IN`
    In,
    /// `CONTAINS`
    Contains,
    /// `CONTAINS KEY`
    ContainsKey,
}

impl Operator {
    /// Every operator, in the spelling [`FromStr`] accepts.
    pub const ALL: [&'static str; 9] = [
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "IN",
        "CONTAINS",
        "CONTAINS KEY",
    ];

    /// The CQL spelling.
    pub const fn as_cql(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::In => "IN",
            Operator::Contains => "CONTAINS",
            Operator::ContainsKey => "CONTAINS KEY",
        }
    }

    /// Whether this is `<`, `<=`, `>` or `>=`.
    pub const fn is_range(self) -> bool {
        matches!(
            self,
            Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge
        )
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_cql())
    }
}

/// The text is not a CQL operator; lists the ones that are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a CQL operator; use one of: {ops}", ops = Operator::ALL.join(", "))]
pub struct UnknownOperator(pub String);

impl FromStr for Operator {
    type Err = UnknownOperator;

    /// Parses `=`, `<`, `IN`, `contains key`, ... (case and inner spacing ignored).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let normalized = text.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(match normalized.to_ascii_uppercase().as_str() {
            "=" | "==" => Operator::Eq,
            "!=" => Operator::Ne,
            "<" => Operator::Lt,
            "<=" => Operator::Le,
            ">" => Operator::Gt,
            ">=" => Operator::Ge,
            "IN" => Operator::In,
            "CONTAINS" => Operator::Contains,
            "CONTAINS KEY" => Operator::ContainsKey,
            _ => return Err(UnknownOperator(crate::user_input::shown(text))),
        })
    }
}

/// What a condition compares: a column, the partition key's token, or several clustering
/// columns as one tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A column, by CQL name (always a name from the model's metadata).
    Column(&'static str),
    /// `token(<partition key>)`.
    Token,
    /// `("c1", "c2")`: clustering columns compared together with one tuple value.
    Tuple(TupleColumns),
}

/// The columns of a tuple condition, such as `("added_date", "videoid")`, in the order
/// written (at most [`TupleColumns::MAX`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TupleColumns {
    names: [&'static str; TupleColumns::MAX],
    len: usize,
}

impl TupleColumns {
    /// The most columns one tuple condition names.
    pub const MAX: usize = 8;

    /// The columns, or `None` when there are more than [`MAX`](Self::MAX).
    pub(crate) fn new(columns: &[&'static str]) -> Option<Self> {
        if columns.len() > Self::MAX {
            return None;
        }
        let mut names = [""; Self::MAX];
        names[..columns.len()].copy_from_slice(columns);
        Some(TupleColumns {
            names,
            len: columns.len(),
        })
    }

    /// The column names, in the order written.
    pub fn names(&self) -> &[&'static str] {
        &self.names[..self.len]
    }
}

impl fmt::Debug for TupleColumns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl fmt::Display for TupleColumns {
    /// `(c1, c2)`, unquoted, for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({})", self.names().join(", "))
    }
}

/// One comparison on model `M`, with its bound value (shared, so a condition is cheap to
/// clone).
pub struct Condition<M> {
    pub(crate) target: Target,
    pub(crate) operator: Operator,
    pub(crate) value: BoundValue,
    /// For `IN`: how many values the list holds, when known.
    pub(crate) in_values: Option<usize>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Condition<M> {
    fn clone(&self) -> Self {
        Condition {
            target: self.target,
            operator: self.operator,
            value: Arc::clone(&self.value),
            in_values: self.in_values,
            _model: PhantomData,
        }
    }
}

impl<M> fmt::Debug for Condition<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("target", &self.target)
            .field("operator", &self.operator)
            .finish_non_exhaustive()
    }
}

impl<M> Condition<M> {
    pub(crate) fn column(name: &'static str, operator: Operator, value: BoundValue) -> Self {
        Condition {
            target: Target::Column(name),
            operator,
            value,
            in_values: None,
            _model: PhantomData,
        }
    }

    /// `column = value` on a key column; the derive's key helpers call this.
    #[doc(hidden)]
    pub fn __key(name: &'static str, value: BoundValue) -> Self {
        Condition::column(name, Operator::Eq, value)
    }

    /// Records how many values an `IN` list holds, so oversized lists are refused.
    pub(crate) fn with_in_values(mut self, count: Option<usize>) -> Self {
        self.in_values = count;
        self
    }

    pub(crate) fn tuple(columns: TupleColumns, operator: Operator, value: BoundValue) -> Self {
        Condition {
            target: Target::Tuple(columns),
            operator,
            value,
            in_values: None,
            _model: PhantomData,
        }
    }

    /// The condition as the access-path rule sees it.
    pub(crate) fn restriction(&self) -> Restriction<'_> {
        let subject = match &self.target {
            Target::Column(name) => Subject::Column(name),
            Target::Token => Subject::Token,
            Target::Tuple(columns) => Subject::Tuple(columns.names()),
        };
        Restriction {
            subject,
            operator: self.operator,
        }
    }

    pub(crate) fn token(operator: Operator, value: i64) -> Self {
        Condition {
            target: Target::Token,
            operator,
            value: Arc::new(value),
            in_values: None,
            _model: PhantomData,
        }
    }

    /// The column this condition compares, if it compares a single column.
    pub fn column_name(&self) -> Option<&'static str> {
        match self.target {
            Target::Column(name) => Some(name),
            Target::Token | Target::Tuple(_) => None,
        }
    }

    /// The comparison.
    pub fn operator(&self) -> Operator {
        self.operator
    }
}

/// `ORDER BY column ASC|DESC` on model `M`.
pub struct Ordering<M> {
    pub(crate) column: &'static str,
    pub(crate) order: ClusteringOrder,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Ordering<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Ordering<M> {}

impl<M> fmt::Debug for Ordering<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ordering({} {})", self.column, self.order.as_cql())
    }
}

impl<M> Ordering<M> {
    pub(crate) fn new(column: &'static str, order: ClusteringOrder) -> Self {
        Ordering {
            column,
            order,
            _model: PhantomData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Operator;

    #[test]
    fn operators_parse_in_any_case_and_spacing() {
        assert_eq!("=".parse(), Ok(Operator::Eq));
        assert_eq!("contains  key".parse(), Ok(Operator::ContainsKey));
        assert_eq!("In".parse(), Ok(Operator::In));
        for text in Operator::ALL {
            assert_eq!(text.parse::<Operator>().unwrap().as_cql(), text);
        }
    }

    #[test]
    fn an_unknown_operator_lists_the_valid_ones() {
        let err = "LIKE".parse::<Operator>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"LIKE\" is not a CQL operator; use one of: =, !=, <, <=, >, >=, IN, CONTAINS, CONTAINS KEY"
        );
    }
}
