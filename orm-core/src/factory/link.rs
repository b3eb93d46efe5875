//! Which relation a factory fills, and how: a relation looked up by name and checked
//! against its definition, and the [`Link`] it gives, the key columns carried from one
//! row to the other (with the polymorphic kinds' type tag).

use crate::factory::FactoryError;
use crate::factory::keys::{self, KeyValue};
use crate::model::Model;
use crate::relation::{RelationDef, RelationKind};

/// How one relation joins two rows: the key columns copied from the row holding the key
/// (`from`) to the row pointing at it (`to`), and, for the polymorphic kinds, the type
/// column of `to` with the tag naming `from`'s model.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    /// The relation's name, for messages and its part of the seed.
    pub(crate) name: &'static str,
    /// `(column of from, column of to)`, in key order.
    pub(crate) pairs: Vec<(&'static str, &'static str)>,
    /// `(type column of to, tag)`: `morph_many`, `morph_one`, `morph_to`.
    pub(crate) tag: Option<(&'static str, &'static str)>,
}

impl Link {
    /// The link a relation definition describes: its `local_key` to its `foreign_key`, and
    /// its type column and tag (the parent side of a polymorphic relation).
    pub(crate) fn of(def: &'static RelationDef) -> Self {
        Link {
            name: def.name,
            pairs: vec![(def.local_key, def.foreign_key)],
            tag: def.morph_type,
        }
    }

    /// An error unless every column the link names exists on its side, so a mistake is
    /// found before anything is written.
    pub(crate) fn check_columns<From: Model, To: Model>(&self) -> Result<(), FactoryError> {
        let missing = |model: &'static str, column: &str, side: &str| FactoryError::Relation {
            model: From::TABLE.model,
            relation: self.name,
            reason: format!("{model} has no column `{column}` ({side})"),
        };
        for (from, to) in &self.pairs {
            if From::TABLE.column(from).is_none() {
                return Err(missing(From::TABLE.model, from, "the key read"));
            }
            if To::TABLE.column(to).is_none() {
                return Err(missing(To::TABLE.model, to, "the key written"));
            }
        }
        if let Some((column, _)) = self.tag
            && To::TABLE.column(column).is_none()
        {
            return Err(missing(To::TABLE.model, column, "the type column"));
        }
        Ok(())
    }

    /// The key `from` holds.
    pub(crate) fn read<From: Model>(&self, from: &From) -> Result<Vec<KeyValue>, FactoryError> {
        self.pairs
            .iter()
            .map(|(column, _)| keys::read(from, column))
            .collect()
    }

    /// Points `to` at the row whose key is `key` (read by [`read`](Self::read)).
    pub(crate) fn write<To: Model>(
        &self,
        to: &mut To,
        key: &[KeyValue],
    ) -> Result<(), FactoryError> {
        for ((_, column), value) in self.pairs.iter().zip(key) {
            keys::write(to, column, value)?;
        }
        if let Some((column, tag)) = self.tag {
            keys::write_text(to, column, tag)?;
        }
        Ok(())
    }
}

/// The definition of `M`'s relation `name`, from `sample` (a row of `M`) when the
/// relation has none without a row (`morph_many`, `morph_one`, custom).
pub(crate) fn definition<M: Model>(
    name: &str,
    sample: impl FnOnce() -> M,
) -> Result<&'static RelationDef, FactoryError> {
    let unknown = || FactoryError::UnknownRelation {
        model: M::TABLE.model,
        relation: name.to_owned(),
        known: M::__RELATIONS.to_vec(),
    };
    if !M::__RELATIONS.contains(&name) {
        return Err(unknown());
    }
    let with = M::__eager(name).ok_or_else(unknown)?;
    Ok(match with.definition() {
        Some(def) => def,
        None => with.definition_for(&sample()),
    })
}

/// The definition of `M`'s relation `name`, which must be of one of `kinds` and lead to
/// `R` (for `morph_to`: list `R` among its types).
pub(crate) fn find_relation<M: Model, R: Model>(
    name: &str,
    kinds: &[RelationKind],
    use_instead: &str,
    sample: impl FnOnce() -> M,
) -> Result<&'static RelationDef, FactoryError> {
    let def = definition::<M>(name, sample)?;
    let mistake = |reason: String| FactoryError::Relation {
        model: M::TABLE.model,
        relation: def.name,
        reason,
    };
    if def.kind == RelationKind::Custom {
        return Err(mistake(format!(
            "is a custom relationship: a factory cannot tell from its name which columns hold \
             the key (the definition names only their first); use `has_custom` or \
             `for_custom` with its `CustomRelationship` type, whose FOREIGN_KEY and LOCAL_KEY \
             name them all ({use_instead})"
        )));
    }
    if !kinds.contains(&def.kind) {
        return Err(mistake(format!(
            "is a {} relation: use {use_instead}",
            kind_name(def.kind)
        )));
    }
    let leads_to_r = match def.kind {
        RelationKind::MorphTo => def.related.split(" | ").any(|t| t == R::TABLE.model),
        _ => def.related == R::TABLE.model,
    };
    if !leads_to_r {
        return Err(mistake(format!(
            "leads to {}, but the factory given makes {}",
            def.related,
            R::TABLE.model
        )));
    }
    Ok(def)
}

/// The link of the `morph_to` `def` of `M` to the owner model `O`: `O`'s key (the column
/// its `morph_many`/`morph_one` of `M` by the same id column reads) into `def`'s id
/// column, and `O`'s tag into the type column. `owner` is a row of `O`.
pub(crate) fn morph_to_link<M: Model, O: Model>(
    def: &'static RelationDef,
    owner: &O,
) -> Result<Link, FactoryError> {
    let parent = O::__RELATIONS
        .iter()
        .filter_map(|name| {
            let with = O::__eager(name)?;
            Some(
                with.definition()
                    .unwrap_or_else(|| with.definition_for(owner)),
            )
        })
        .find(|parent| {
            matches!(
                parent.kind,
                RelationKind::MorphMany | RelationKind::MorphOne
            ) && parent.related == M::TABLE.model
                && parent.foreign_key == def.foreign_key
                && parent.morph_type.is_some()
        });
    let Some(parent) = parent else {
        return Err(FactoryError::Relation {
            model: M::TABLE.model,
            relation: def.name,
            reason: format!(
                "{} has no morph_many or morph_one of {} by `{}` to take the type tag and key from",
                O::TABLE.model,
                M::TABLE.model,
                def.foreign_key
            ),
        });
    };
    Ok(Link {
        name: def.name,
        pairs: vec![(parent.local_key, def.foreign_key)],
        tag: parent.morph_type,
    })
}

/// A relation kind as its attribute is written (`has_one`, `morph_to`, ...).
pub(crate) fn kind_name(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::HasOne => "has_one",
        RelationKind::HasMany => "has_many",
        RelationKind::BelongsTo => "belongs_to",
        RelationKind::BelongsToMany => "belongs_to_many",
        RelationKind::MorphMany => "morph_many",
        RelationKind::MorphOne => "morph_one",
        RelationKind::MorphTo => "morph_to",
        RelationKind::Custom => "custom",
    }
}
