//! The schema of an application: one keyspace and everything its models need in it.

use crate::meta::TableMeta;
use crate::model::Model;
use crate::relation::Pivot;
use crate::render::collect_udts;
use crate::udt::{Udt, UdtMeta};

use super::Replication;

/// One keyspace (name and replication) and the tables, user-defined types and secondary
/// indexes of an application's models: what [`Schema::diff`] compares with the server
/// and [`Schema::sync`] brings it to.
///
/// # Why an explicit list
/// The models are listed by type, once, where the schema is built: the compiler checks
/// that each is a model (or a pivot), and the list is plain code a reader can follow. A
/// registry filled by the derive (the `inventory` crate) would find models without a list,
/// but it depends on linker support that some targets lack, it picks up every model linked
/// into the binary (test fixtures, other applications' models in a shared crate), and it
/// cannot say which keyspace a model belongs to. The rest is found from the models: the
/// UDTs their columns use (nested ones too, each before the types that use it) and the
/// indexes their `#[orm(index)]` columns declare, so nothing is listed twice.
///
/// Every table is created in the schema's keyspace; a model that pins another keyspace
/// with `#[orm(keyspace = "...")]` is refused by the diff.
///
/// # Example
/// ```
/// use orm_core::{Model, Udt};
/// use orm_core::schema::{Replication, Schema};
///
/// #[derive(Udt)]
/// struct Address {
///     street: String,
/// }
///
/// #[derive(Model)]
/// struct User {
///     #[orm(partition_key)]
///     id: i64,
///     #[orm(index)]
///     email: String,
///     home: Option<Address>,
/// }
///
/// let schema = Schema::new("app", Replication::Simple(1)).model::<User>();
/// assert_eq!(schema.keyspace(), "app");
/// assert_eq!(schema.tables().iter().map(|t| t.name).collect::<Vec<_>>(), ["user"]);
/// assert_eq!(schema.udts().iter().map(|u| u.name).collect::<Vec<_>>(), ["address"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    keyspace: String,
    replication: Replication,
    tables: Vec<&'static TableMeta>,
    udts: Vec<&'static UdtMeta>,
    /// Tables of the keyspace that belong to no model (a tool's own): the diff leaves them be.
    external: Vec<String>,
}

impl Schema {
    /// An empty schema of `keyspace`, created with `replication` when it does not exist.
    pub fn new(keyspace: impl Into<String>, replication: Replication) -> Schema {
        Schema {
            keyspace: keyspace.into(),
            replication,
            tables: Vec::new(),
            udts: Vec::new(),
            external: Vec::new(),
        }
    }

    /// Adds the model's table, the UDTs its columns use and its indexes.
    pub fn model<M: Model>(self) -> Schema {
        self.table(M::TABLE)
    }

    /// Adds both tables of a many-to-many pivot.
    pub fn pivot<P: Pivot>(self) -> Schema {
        self.table(P::FORWARD).table(P::INVERSE)
    }

    /// Adds a UDT no model column uses (yet), and the UDTs its fields use.
    pub fn udt<U: Udt>(mut self) -> Schema {
        for field in U::META.fields {
            collect_udts(field.cql_type, &mut self.udts);
        }
        if !self.udts.iter().any(|known| known.name == U::META.name) {
            self.udts.push(U::META);
        }
        self
    }

    /// Adds a table by its metadata. A table listed again with the same columns and
    /// options (two models of one table) is kept once; listed with others, the diff
    /// refuses it, naming both models.
    pub fn table(mut self, table: &'static TableMeta) -> Schema {
        if self.tables.iter().any(|known| same_table(known, table)) {
            return self;
        }
        for column in table.columns {
            collect_udts(column.cql_type, &mut self.udts);
        }
        self.tables.push(table);
        self
    }

    /// Declares a table of the keyspace that no model has and that the diff must leave
    /// alone: a tool's own table (`orm-migrate` declares its record and lease tables). The
    /// diff otherwise refuses such a table as dropped or renamed.
    ///
    /// # Example
    /// ```
    /// use orm_core::schema::{Replication, Schema};
    ///
    /// let schema = Schema::new("app", Replication::Simple(1)).external_table("audit_log");
    /// assert!(schema.is_external("audit_log"));
    /// assert!(!schema.is_external("users"));
    /// ```
    pub fn external_table(mut self, name: impl Into<String>) -> Schema {
        let name = name.into();
        if !self.is_external(&name) {
            self.external.push(name);
        }
        self
    }

    /// Whether `table` was declared with [`external_table`](Self::external_table).
    pub fn is_external(&self, table: &str) -> bool {
        self.external.iter().any(|name| name == table)
    }

    /// The same schema in another keyspace (a command-line `--keyspace`, a test's own).
    ///
    /// # Example
    /// ```
    /// use orm_core::schema::{Replication, Schema};
    ///
    /// let schema = Schema::new("app", Replication::Simple(1)).with_keyspace("app_staging");
    /// assert_eq!(schema.keyspace(), "app_staging");
    /// ```
    pub fn with_keyspace(mut self, keyspace: impl Into<String>) -> Schema {
        self.keyspace = keyspace.into();
        self
    }

    /// The keyspace.
    pub fn keyspace(&self) -> &str {
        &self.keyspace
    }

    /// The replication a missing keyspace is created with.
    pub fn replication(&self) -> &Replication {
        &self.replication
    }

    /// The tables, in the order they were added.
    pub fn tables(&self) -> &[&'static TableMeta] {
        &self.tables
    }

    /// The user-defined types, each after the types its fields use.
    pub fn udts(&self) -> &[&'static UdtMeta] {
        &self.udts
    }
}

/// Whether two models describe the same table: same name, columns and options.
fn same_table(a: &TableMeta, b: &TableMeta) -> bool {
    a.name == b.name
        && a.keyspace == b.keyspace
        && a.columns == b.columns
        && a.default_ttl == b.default_ttl
        && a.options == b.options
}
