//! Comparing a [`Schema`] with a [`LiveKeyspace`]: the plan of changes that brings the
//! server to the models, each change safe to run or refused with the way to do it by hand.

use crate::cql;
use crate::ident::quoted;
use crate::meta::{ClusteringOrder, ColumnMeta, KeyRole, TableMeta};
use crate::udt::UdtMeta;

use super::app::Schema;
use super::live::{LiveKeyspace, LiveTable, LiveUdt};
use super::plan::{Plan, Refusal, Step, StepKind};

impl Schema {
    /// The plan that brings `live` (the keyspace as [`LiveKeyspace::read`] found it, `None`
    /// when it does not exist) to this schema. Pure: see [`Schema::diff`] to read the
    /// server first.
    pub fn plan(&self, live: Option<&LiveKeyspace>) -> Plan {
        let mut planner = Planner {
            keyspace: self.keyspace(),
            plan: Plan {
                keyspace: self.keyspace().to_owned(),
                ..Plan::default()
            },
        };
        let empty = LiveKeyspace::default();
        let live = match live {
            Some(live) => live,
            None => {
                planner.step(
                    StepKind::CreateKeyspace,
                    super::create_keyspace_cql(self.keyspace(), self.replication()),
                );
                &empty
            }
        };
        for udt in self.udts() {
            match live.udts.get(udt.name) {
                None => planner.step(
                    StepKind::CreateType(udt.name.into()),
                    cql::ddl::create_type(Some(self.keyspace()), udt),
                ),
                Some(found) => planner.udt(udt, found),
            }
        }
        for (i, table) in self.tables().iter().enumerate() {
            if let Some(first) = self.tables()[..i].iter().find(|t| t.name == table.name) {
                planner.refuse(
                    table.name,
                    format!(
                        "models {} and {} both map this table, with different columns or options",
                        first.model, table.model
                    ),
                    "give both models the same fields and options, or list one of them in the schema",
                );
                continue;
            }
            if let Some(pinned) = table.keyspace.filter(|k| *k != self.keyspace()) {
                planner.refuse(
                    table.name,
                    format!(
                        "model {} pins keyspace {pinned}, not the schema's keyspace {}",
                        table.model,
                        self.keyspace()
                    ),
                    "remove `#[orm(keyspace = ...)]` from the model, or give it a schema of its own keyspace",
                );
                continue;
            }
            match live.tables.get(table.name) {
                None => {
                    planner.step(
                        StepKind::CreateTable(table.name.into()),
                        cql::ddl::create_table(Some(self.keyspace()), table),
                    );
                    planner.indexes(table, &LiveTable::default());
                }
                Some(found) => {
                    planner.table(table, found);
                    planner.indexes(table, found);
                }
            }
        }
        for name in live.tables.keys() {
            if !self.tables().iter().any(|t| t.name == name) && !self.is_external(name) {
                planner.refuse(
                    name,
                    "the table is in the keyspace but no model of the schema has it (dropped or renamed?); \
                     the ORM never drops a table",
                    format!("add its model to the schema, or `DROP TABLE {}.{}` once its data is not needed", quoted(self.keyspace()), quoted(name)),
                );
            }
        }
        planner.plan.steps.sort_by_key(|step| phase(&step.kind));
        planner.plan
    }
}

/// Steps run types first, then tables (with their columns and options), then indexes;
/// the sort is stable, so types keep their dependency order.
fn phase(kind: &StepKind) -> u8 {
    match kind {
        StepKind::CreateKeyspace => 0,
        StepKind::CreateType(_) | StepKind::AddTypeField { .. } => 1,
        StepKind::CreateTable(_) | StepKind::AddColumn { .. } | StepKind::SetOption { .. } => 2,
        StepKind::CreateIndex { .. } => 3,
    }
}

struct Planner<'a> {
    keyspace: &'a str,
    plan: Plan,
}

impl Planner<'_> {
    fn step(&mut self, kind: StepKind, cql: String) {
        self.plan.steps.push(Step { kind, cql });
    }

    fn refuse(
        &mut self,
        subject: impl Into<String>,
        reason: impl Into<String>,
        way_out: impl Into<String>,
    ) {
        self.plan.refused.push(Refusal {
            subject: subject.into(),
            reason: reason.into(),
            way_out: way_out.into(),
        });
    }

    fn udt(&mut self, udt: &UdtMeta, live: &LiveUdt) {
        let way_out = "create a type with a new name and a new column of it, copy the values, then switch the model";
        for field in udt.fields {
            let subject = format!("{}.{}", udt.name, field.name);
            let wanted = field.cql_type.nested().to_string();
            match live.fields.iter().find(|(name, _)| name == field.name) {
                None => self.step(
                    StepKind::AddTypeField {
                        udt: udt.name.into(),
                        field: field.name.into(),
                    },
                    cql::ddl::alter_type_add(self.keyspace, udt.name, field.name, &wanted),
                ),
                Some((_, found)) if !same_type(found, &wanted) => self.refuse(
                    subject,
                    format!("the field's type is {found} on the server and {wanted} in the model; CQL cannot change a UDT field's type"),
                    way_out,
                ),
                Some(_) => {}
            }
        }
        for (name, _) in &live.fields {
            if !udt.fields.iter().any(|f| f.name == name) {
                self.refuse(
                    format!("{}.{name}", udt.name),
                    "the field is in the type on the server but not in the model (dropped or renamed?); \
                     reading the type needs every field on both sides",
                    format!("add the field back to the struct (or mark a rename with `#[orm(rename = \"{name}\")]`), or {way_out}"),
                );
            }
        }
    }

    fn table(&mut self, table: &TableMeta, live: &LiveTable) {
        let target = format!("{}.{}", quoted(self.keyspace), quoted(table.name));
        let key_way_out = format!(
            "create a table with the new key under a new name, copy the rows of {target} into it, then point the model at it"
        );
        let counter_table = live
            .columns
            .values()
            .any(|c| c.kind == "regular" || c.kind == "static")
            && live
                .columns
                .values()
                .filter(|c| c.kind == "regular" || c.kind == "static")
                .all(|c| c.cql_type == "counter");
        let partition_positions = key_positions(table.partition_key());
        let clustering_positions = key_positions(table.clustering_key());
        for column in table.columns {
            let subject = format!("{}.{}", table.name, column.name);
            let wanted_type = column.cql_type.to_string();
            let Some(found) = live.columns.get(column.name) else {
                if column.is_partition_key() || column.is_clustering_key() {
                    self.refuse(
                        subject,
                        "the column is part of the model's primary key but not of the table's; CQL cannot change a primary key",
                        key_way_out.clone(),
                    );
                } else if (wanted_type == "counter") != counter_table {
                    self.refuse(
                        subject,
                        if counter_table {
                            "the table holds counters and the new column is not a counter; CQL does not mix counter and other columns"
                        } else {
                            "the new column is a counter and the table holds other columns; CQL does not mix counter and other columns"
                        },
                        "keep counters in a table of their own, with the same primary key",
                    );
                } else {
                    let stat = if column.role == KeyRole::Static {
                        " STATIC"
                    } else {
                        ""
                    };
                    self.step(
                        StepKind::AddColumn {
                            table: table.name.into(),
                            column: column.name.into(),
                        },
                        cql::ddl::alter_table_add(&target, column.name, &wanted_type, stat),
                    );
                }
                continue;
            };
            let (wanted_kind, wanted_position, wanted_order) = match column.role {
                KeyRole::PartitionKey => ("partition_key", partition_positions(column), "none"),
                KeyRole::ClusteringKey(order) => (
                    "clustering",
                    clustering_positions(column),
                    match order {
                        ClusteringOrder::Asc => "asc",
                        ClusteringOrder::Desc => "desc",
                    },
                ),
                KeyRole::Static => ("static", -1, "none"),
                KeyRole::Regular => ("regular", -1, "none"),
            };
            if found.kind != wanted_kind
                || (wanted_position >= 0 && found.position != wanted_position)
            {
                self.refuse(
                    subject,
                    format!(
                        "the column is {} on the server and {} in the model; CQL cannot change a primary key or a column's kind",
                        describe(&found.kind, found.position),
                        describe(wanted_kind, wanted_position)
                    ),
                    key_way_out.clone(),
                );
            } else if found.clustering_order != wanted_order {
                self.refuse(
                    subject,
                    format!(
                        "the clustering order is {} on the server and {wanted_order} in the model; CQL cannot change a clustering order",
                        found.clustering_order
                    ),
                    key_way_out.clone(),
                );
            } else if !same_type(&found.cql_type, &wanted_type) {
                self.refuse(
                    subject,
                    format!(
                        "the column's type is {} on the server and {wanted_type} in the model; CQL cannot change a column's type",
                        found.cql_type
                    ),
                    "add a column of the new type under a new name, copy the values into it, then map the field to it with `#[orm(rename = \"new_name\")]` (or keep the old type)",
                );
            }
        }
        for name in live.columns.keys() {
            if table.column(name).is_none() {
                self.refuse(
                    format!("{}.{name}", table.name),
                    "the column is in the table but not in the model (dropped or renamed?); the ORM never drops a column",
                    format!("add the field back (a rename is `#[orm(rename = \"{name}\")]`), or `ALTER TABLE {target} DROP {}` once its data is not needed", quoted(name)),
                );
            }
        }
        if let Some(ttl) = table.default_ttl
            && i64::from(live.default_ttl) != i64::from(ttl)
        {
            self.step(
                StepKind::SetOption {
                    table: table.name.into(),
                    option: cql::ddl::default_ttl_option(ttl),
                },
                cql::ddl::alter_table_with(&target, &cql::ddl::default_ttl_option(ttl)),
            );
        }
    }

    fn indexes(&mut self, table: &TableMeta, live: &LiveTable) {
        for column in table.columns.iter().filter(|c| c.indexed) {
            if !live.indexes.values().any(|indexed| indexed == column.name) {
                self.step(
                    StepKind::CreateIndex {
                        table: table.name.into(),
                        column: column.name.into(),
                    },
                    cql::ddl::create_index(Some(self.keyspace), table, column),
                );
            }
        }
    }
}

/// Each key column's position in its key, as `system_schema.columns` numbers them.
fn key_positions(key: impl Iterator<Item = &'static ColumnMeta>) -> impl Fn(&ColumnMeta) -> i32 {
    let names: Vec<&'static str> = key.map(|c| c.name).collect();
    move |column| {
        names
            .iter()
            .position(|name| *name == column.name)
            .map_or(-1, |p| i32::try_from(p).unwrap_or(i32::MAX))
    }
}

fn describe(kind: &str, position: i32) -> String {
    match kind {
        "partition_key" => format!("partition key column {}", position + 1),
        "clustering" => format!("clustering column {}", position + 1),
        other => format!("a {other} column"),
    }
}

/// Whether two CQL types are the same, compared as the server prints them: without
/// quotes or spaces, in lower case (the ORM quotes names; the server prints plain ones
/// bare).
fn same_type(found: &str, wanted: &str) -> bool {
    let normal = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace() && *c != '"')
            .flat_map(char::to_lowercase)
            .collect()
    };
    normal(found) == normal(wanted)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::schema::{LiveColumn, Replication};
    use crate::scylla::value::Counter;
    use crate::{Model, Udt};

    #[derive(Udt)]
    struct Point {
        lat: f64,
    }

    #[derive(Udt)]
    struct Place {
        at: Point,
    }

    #[derive(Model)]
    #[orm(table = "trips", default_ttl = 60)]
    struct Trip {
        #[orm(partition_key)]
        id: i64,
        #[orm(clustering_key)]
        seq: i32,
        #[orm(index)]
        stop: Place,
        note: String,
    }

    #[derive(Model)]
    #[orm(table = "hits")]
    struct Hits {
        #[orm(partition_key)]
        id: i64,
        count: Counter,
    }

    #[derive(Model)]
    #[orm(table = "audit", keyspace = "elsewhere")]
    struct Audit {
        #[orm(partition_key)]
        id: i64,
    }

    fn schema() -> Schema {
        Schema::new("app", Replication::Simple(1)).model::<Trip>()
    }

    fn column(kind: &str, position: i32, order: &str, cql_type: &str) -> LiveColumn {
        LiveColumn {
            kind: kind.into(),
            position,
            clustering_order: order.into(),
            cql_type: cql_type.into(),
        }
    }

    /// The keyspace as `schema()`'s sync leaves it.
    fn in_sync() -> LiveKeyspace {
        let columns = BTreeMap::from([
            ("id".into(), column("partition_key", 0, "none", "bigint")),
            ("seq".into(), column("clustering", 0, "asc", "int")),
            (
                "stop".into(),
                column("regular", -1, "none", "frozen<place>"),
            ),
            ("note".into(), column("regular", -1, "none", "text")),
        ]);
        let trips = LiveTable {
            columns,
            default_ttl: 60,
            indexes: BTreeMap::from([("trips_stop_idx".into(), "stop".into())]),
        };
        LiveKeyspace {
            name: "app".into(),
            tables: BTreeMap::from([("trips".into(), trips)]),
            udts: BTreeMap::from([
                (
                    "point".into(),
                    LiveUdt {
                        fields: vec![("lat".into(), "double".into())],
                    },
                ),
                (
                    "place".into(),
                    LiveUdt {
                        fields: vec![("at".into(), "frozen<point>".into())],
                    },
                ),
            ]),
        }
    }

    fn kinds(plan: &Plan) -> Vec<StepKind> {
        plan.steps.iter().map(|s| s.kind.clone()).collect()
    }

    #[test]
    fn a_missing_keyspace_is_created_types_first_indexes_last() {
        let plan = schema().plan(None);
        assert_eq!(
            kinds(&plan),
            [
                StepKind::CreateKeyspace,
                StepKind::CreateType("point".into()),
                StepKind::CreateType("place".into()),
                StepKind::CreateTable("trips".into()),
                StepKind::CreateIndex {
                    table: "trips".into(),
                    column: "stop".into()
                },
            ]
        );
        assert!(
            plan.steps[4]
                .cql
                .contains("ON \"app\".\"trips\" (\"stop\")"),
            "{plan}"
        );
        assert!(plan.refused.is_empty());
    }

    #[test]
    fn a_keyspace_in_sync_plans_nothing() {
        let plan = schema().plan(Some(&in_sync()));
        assert!(plan.is_empty(), "{plan}");
    }

    #[test]
    fn a_changed_ttl_is_set_and_a_missing_udt_field_added() {
        let mut live = in_sync();
        live.tables.get_mut("trips").unwrap().default_ttl = 0;
        live.udts.get_mut("point").unwrap().fields.clear();
        let plan = schema().plan(Some(&live));
        assert_eq!(
            plan.steps
                .iter()
                .map(|s| s.cql.as_str())
                .collect::<Vec<_>>(),
            [
                r#"ALTER TYPE "app"."point" ADD "lat" double"#,
                r#"ALTER TABLE "app"."trips" WITH default_time_to_live = 60"#,
            ]
        );
    }

    #[test]
    fn dropped_columns_tables_and_fields_are_refused_never_dropped() {
        let mut live = in_sync();
        let trips = live.tables.get_mut("trips").unwrap();
        trips
            .columns
            .insert("old".into(), column("regular", -1, "none", "text"));
        live.tables.insert("gone".into(), LiveTable::default());
        live.udts
            .get_mut("point")
            .unwrap()
            .fields
            .push(("lon".into(), "double".into()));
        let plan = schema().plan(Some(&live));
        assert!(plan.steps.is_empty(), "{plan}");
        let subjects: Vec<&str> = plan.refused.iter().map(|r| r.subject.as_str()).collect();
        assert_eq!(subjects, ["point.lon", "trips.old", "gone"]);
        assert!(plan.refused[1].way_out.contains("DROP \"old\""), "{plan}");
    }

    #[test]
    fn clustering_order_and_udt_field_type_changes_are_refused() {
        let mut live = in_sync();
        live.tables
            .get_mut("trips")
            .unwrap()
            .columns
            .get_mut("seq")
            .unwrap()
            .clustering_order = "desc".into();
        live.udts.get_mut("point").unwrap().fields[0].1 = "float".into();
        let plan = schema().plan(Some(&live));
        let refused: Vec<String> = plan.refused.iter().map(ToString::to_string).collect();
        assert!(
            refused[0].starts_with("point.lat: the field's type is float"),
            "{refused:?}"
        );
        assert!(
            refused[1].starts_with("trips.seq: the clustering order is desc"),
            "{refused:?}"
        );
    }

    #[test]
    fn counters_and_other_columns_do_not_mix() {
        let mut live = in_sync();
        live.tables.insert(
            "hits".into(),
            LiveTable {
                columns: BTreeMap::from([
                    ("id".into(), column("partition_key", 0, "none", "bigint")),
                    ("views".into(), column("regular", -1, "none", "counter")),
                ]),
                ..LiveTable::default()
            },
        );
        let plan = schema().model::<Hits>().plan(Some(&live));
        let subjects: Vec<&str> = plan.refused.iter().map(|r| r.subject.as_str()).collect();
        // `count` is a counter and may be added; `views` is on the server only.
        assert_eq!(subjects, ["hits.views"], "{plan}");
        assert_eq!(
            kinds(&plan),
            [StepKind::AddColumn {
                table: "hits".into(),
                column: "count".into()
            }]
        );

        live.tables.get_mut("hits").unwrap().columns.remove("views");
        live.tables
            .get_mut("hits")
            .unwrap()
            .columns
            .insert("label".into(), column("regular", -1, "none", "text"));
        let plan = schema().model::<Hits>().plan(Some(&live));
        assert!(
            plan.refused
                .iter()
                .any(|r| r.subject == "hits.count" && r.reason.contains("does not mix")),
            "{plan}"
        );
    }

    #[test]
    fn a_model_pinned_to_another_keyspace_is_refused() {
        let plan = schema().model::<Audit>().plan(Some(&in_sync()));
        assert!(plan.steps.is_empty(), "{plan}");
        assert_eq!(plan.refused.len(), 1, "{plan}");
        assert_eq!(plan.refused[0].subject, "audit");
        assert!(
            plan.refused[0].reason.contains("pins keyspace elsewhere"),
            "{plan}"
        );
    }

    #[test]
    fn a_listed_udt_comes_after_the_types_it_uses_and_once() {
        let schema = Schema::new("app", Replication::Simple(1))
            .udt::<Place>()
            .model::<Trip>();
        let names: Vec<&str> = schema.udts().iter().map(|u| u.name).collect();
        assert_eq!(names, ["point", "place"]);
    }

    /// `Trip` under another struct name and with one column less.
    #[derive(Model)]
    #[orm(table = "trips", default_ttl = 60)]
    struct TripSummary {
        #[orm(partition_key)]
        id: i64,
        #[orm(clustering_key)]
        seq: i32,
        #[orm(index)]
        stop: Place,
    }

    #[test]
    fn two_models_of_one_table_with_different_columns_are_refused() {
        let plan = schema().model::<TripSummary>().plan(Some(&in_sync()));
        assert!(plan.steps.is_empty(), "{plan}");
        assert_eq!(plan.refused.len(), 1, "{plan}");
        assert!(
            plan.refused[0]
                .reason
                .contains("models Trip and TripSummary"),
            "{plan}"
        );
        // The same model listed twice is one table.
        assert!(schema().model::<Trip>().plan(Some(&in_sync())).is_empty());
    }
}
