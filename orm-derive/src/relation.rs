//! `#[has_one(...)]`, `#[has_many(...)]`, `#[belongs_to(...)]`: parsing, checks and
//! expansion of relation attributes.
//!
//! The related model's columns are not visible to this derive, so the expansion reaches
//! them through the `Field<hash of name>` impls every model publishes, and checks the
//! access path in a `const` evaluated against the related model's `TABLE`.

use darling::ast::NestedMeta;
use darling::error::Accumulator;
use darling::util::{Flag, SpannedValue};
use darling::{Error, FromMeta};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Column, Model, Role};
use crate::names::{NoPlural, snake_case};

/// The relation attributes a model may carry.
pub const ATTRIBUTES: [(&str, Kind); 4] = [
    ("has_one", Kind::HasOne),
    ("has_many", Kind::HasMany),
    ("belongs_to", Kind::BelongsTo),
    ("belongs_to_many", Kind::BelongsToMany),
];

/// A relation's kind.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    HasOne,
    HasMany,
    BelongsTo,
    BelongsToMany,
}

impl Kind {
    fn attribute(self) -> &'static str {
        match self {
            Kind::HasOne => "has_one",
            Kind::HasMany => "has_many",
            Kind::BelongsTo => "belongs_to",
            Kind::BelongsToMany => "belongs_to_many",
        }
    }
}

/// The options after the related type.
#[derive(FromMeta)]
struct Options {
    foreign_key: Option<SpannedValue<String>>,
    local_key: Option<SpannedValue<String>>,
    owner_key: Option<SpannedValue<String>>,
    name: Option<SpannedValue<String>>,
    allow_filtering: Flag,
    /// `belongs_to_many`: the pivot row type.
    pivot: Option<syn::Path>,
    /// `belongs_to_many`: this model is the pivot's right side.
    inverse: Flag,
}

/// A column name written in an attribute (or defaulted), with where to report it.
#[derive(Clone)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

/// A validated relation.
pub struct Relation {
    pub kind: Kind,
    pub related: syn::Path,
    /// The accessor's base name.
    pub name: String,
    /// has_*: the related model's column; belongs_to: this model's column.
    pub foreign_key: Named,
    /// has_*: this model's column; belongs_to: the owner's column (unused when
    /// `owner_partition_key`).
    pub local_key: Named,
    /// belongs_to without `owner_key`: the owner's key is its one-column partition key,
    /// which only the owner's derive knows (through `PartitionKeyColumn`).
    pub owner_partition_key: bool,
    pub allow_filtering: bool,
    pub span: Span,
    /// `belongs_to_many`: the pivot type, and whether this model is its right side.
    pub pivot: Option<(syn::Path, bool)>,
}

/// Parses every relation attribute on the struct, checking it against `columns`.
pub fn parse(
    attrs: &[syn::Attribute],
    model: &syn::Ident,
    columns: &[Column],
    errors: &mut Accumulator,
) -> Vec<Relation> {
    let mut relations: Vec<Relation> = Vec::new();
    for attr in attrs {
        let Some((_, kind)) = ATTRIBUTES
            .iter()
            .find(|(name, _)| attr.path().is_ident(name))
        else {
            continue;
        };
        if let Some(relation) = errors.handle(parse_one(attr, *kind, model, columns)) {
            if relations.iter().any(|r| r.name == relation.name) {
                errors.push(
                    Error::custom(format!(
                        "two relations are named `{}`: give one of them `name = \"...\"`",
                        relation.name
                    ))
                    .with_span(&relation.span),
                );
            }
            relations.push(relation);
        }
    }
    relations
}

fn parse_one(
    attr: &syn::Attribute,
    kind: Kind,
    model: &syn::Ident,
    columns: &[Column],
) -> Result<Relation, Error> {
    let usage = format!(
        "write the related model first: `#[{}(Post, foreign_key = \"...\")]`",
        kind.attribute()
    );
    let list = attr
        .meta
        .require_list()
        .map_err(|_| Error::custom(&usage).with_span(attr))?;
    let items = NestedMeta::parse_meta_list(list.tokens.clone())?;
    let Some((first, rest)) = items.split_first() else {
        return Err(Error::custom(&usage).with_span(attr));
    };
    let related = match first {
        NestedMeta::Meta(syn::Meta::Path(path)) => path.clone(),
        other => return Err(Error::custom(&usage).with_span(other)),
    };
    let options = Options::from_list(rest)?;
    let mut errors = Error::accumulator();

    let related_name = related
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    // A defaulted key is reported at the related model, the closest thing to it written.
    let defaulted = |given: &Option<SpannedValue<String>>, default: String| match given {
        Some(value) => Named {
            name: value.as_str().to_owned(),
            span: value.span(),
        },
        None => Named {
            name: default,
            span: related.span(),
        },
    };

    let mut pivot = None;
    if kind != Kind::BelongsToMany {
        for (given, option) in [
            (options.pivot.is_some(), "pivot"),
            (options.inverse.is_present(), "inverse"),
        ] {
            if given {
                errors.push(
                    Error::custom(format!(
                        "`{option}` applies to `belongs_to_many` only; remove it"
                    ))
                    .with_span(attr),
                );
            }
        }
    }
    let (foreign_key, local_key) = match kind {
        Kind::HasOne | Kind::HasMany => {
            if let Some(owner) = &options.owner_key {
                errors.push(
                    Error::custom(format!(
                        "`owner_key` belongs to `belongs_to`; in `{}` the parent's column is `local_key`",
                        kind.attribute()
                    ))
                    .with_span(&owner.span()),
                );
            }
            let local = match &options.local_key {
                Some(local) => Named {
                    name: local.as_str().to_owned(),
                    span: local.span(),
                },
                None => default_local_key(model, columns, attr.span(), &mut errors),
            };
            check_own_column(model, &local, "local_key", columns, &mut errors);
            let foreign = defaulted(
                &options.foreign_key,
                format!("{}_id", snake_case(&model.to_string())),
            );
            (foreign, local)
        }
        Kind::BelongsTo => {
            if let Some(local) = &options.local_key {
                errors.push(
                    Error::custom(
                        "`local_key` belongs to `has_one`/`has_many`; in `belongs_to` the owner's column is `owner_key`",
                    )
                    .with_span(&local.span()),
                );
            }
            let foreign = defaulted(
                &options.foreign_key,
                format!("{}_id", snake_case(&related_name)),
            );
            check_own_column(model, &foreign, "foreign_key", columns, &mut errors);
            // Without `owner_key`, the name stays empty: the expansion reads the owner's
            // partition-key column through `PartitionKeyColumn` instead.
            let owner = defaulted(&options.owner_key, String::new());
            (foreign, owner)
        }
        Kind::BelongsToMany => {
            for (given, option) in [
                (
                    options.foreign_key.as_ref().map(|v| v.span()),
                    "foreign_key",
                ),
                (options.local_key.as_ref().map(|v| v.span()), "local_key"),
                (options.owner_key.as_ref().map(|v| v.span()), "owner_key"),
                (
                    options
                        .allow_filtering
                        .is_present()
                        .then(|| options.allow_filtering.span()),
                    "allow_filtering",
                ),
            ] {
                if let Some(span) = given {
                    errors.push(
                        Error::custom(format!(
                            "`{option}` does not apply to `belongs_to_many`: its keys are the pivot's `left`/`right` fields"
                        ))
                        .with_span(&span),
                    );
                }
            }
            match &options.pivot {
                Some(path) => pivot = Some((path.clone(), options.inverse.is_present())),
                None => errors.push(
                    Error::custom(
                        "`belongs_to_many` needs `pivot = PivotType`, a `#[derive(Pivot)]` struct",
                    )
                    .with_span(attr),
                ),
            }
            let local = default_local_key(model, columns, attr.span(), &mut errors);
            (local.clone(), local)
        }
    };

    let name = match &options.name {
        Some(name) => {
            if !is_snake_ident(name) {
                errors.push(
                    Error::custom(format!(
                        "invalid relation name {:?}: use lower-case letters, digits and underscores, starting with a letter",
                        name.as_str()
                    ))
                    .with_span(&name.span()),
                );
            }
            name.as_str().to_owned()
        }
        None => {
            let base = snake_case(&related_name);
            if matches!(kind, Kind::HasMany | Kind::BelongsToMany) {
                default_plural(&base, &related, "name", &mut errors)
            } else {
                base
            }
        }
    };

    errors.finish_with(Relation {
        kind,
        related,
        name,
        foreign_key,
        local_key,
        owner_partition_key: kind == Kind::BelongsTo && options.owner_key.is_none(),
        allow_filtering: options.allow_filtering.is_present(),
        span: attr.span(),
        pivot,
    })
}

/// The plural of `base` for a default relation name, or an error at `related` asking to
/// name the relation with `option` (and `base` itself, so checking goes on).
pub(crate) fn default_plural(
    base: &str,
    related: &syn::Path,
    option: &str,
    errors: &mut Accumulator,
) -> String {
    match crate::names::plural(base) {
        Ok(plural) => plural,
        Err(why) => {
            let reason = match why {
                NoPlural::Irregular => {
                    format!("the plural of `{base}` is irregular, ambiguous or the same word")
                }
                NoPlural::EndsInS => format!(
                    "`{base}` ends in -s and may be plural already (or have a Latin plural)"
                ),
            };
            errors.push(
                Error::custom(format!(
                    "{reason}: this relation has no default name; name it with `{option} = \"...\"`"
                ))
                .with_span(related),
            );
            base.to_owned()
        }
    }
}

/// `has_*` default: this model's partition key, when it is one column; otherwise an
/// error asking for `local_key` (and a placeholder, so checking goes on).
pub(crate) fn default_local_key(
    model: &syn::Ident,
    columns: &[Column],
    span: Span,
    errors: &mut Accumulator,
) -> Named {
    let partition: Vec<&Column> = columns
        .iter()
        .filter(|c| c.role == crate::ast::Role::PartitionKey)
        .collect();
    if let [only] = partition.as_slice() {
        return Named {
            name: only.name.clone(),
            span,
        };
    }
    errors.push(
        Error::custom(format!(
            "`{model}` has no single-column partition key to use as the local key: name the column with `local_key = \"...\"`"
        ))
        .with_span(&span),
    );
    Named {
        name: partition
            .first()
            .map_or_else(String::new, |c| c.name.clone()),
        span,
    }
}

pub(crate) fn check_own_column(
    model: &syn::Ident,
    named: &Named,
    option: &str,
    columns: &[Column],
    errors: &mut Accumulator,
) {
    if !columns.iter().any(|c| c.name == named.name) {
        let valid: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        errors.push(
            Error::custom(format!(
                "`{model}` has no column `{}` for `{option}`; its columns are: {}",
                named.name,
                valid.join(", ")
            ))
            .with_span(&named.span),
        );
    }
}

pub(crate) fn is_snake_ident(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The key of a column in the `Field<H>` impls: FNV-1a of its CQL name.
pub fn column_hash(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The accessor (and for `belongs_to`, `associate_*` / `dissociate_*`) of every relation.
pub fn expand(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let methods = model
        .relations
        .iter()
        .map(|relation| expand_one(model, relation));
    // The access checks are in the accessors' bodies. A many-to-many read is a pivot
    // partition, then primary-key reads, and a `belongs_to` that defaults to the owner's
    // partition key reads one partition: they have none.
    let (morph_methods, morph_items) = crate::morph::expand(model);
    quote! {
        #[allow(dead_code)]
        impl #ident {
            #(#methods)*
            #morph_methods
        }
        #morph_items
    }
}

/// `<Model as Field<hash>>`, spanned at where the column was named.
pub(crate) fn field(model: &TokenStream, named: &Named) -> TokenStream {
    let hash = column_hash(&named.name);
    quote_spanned!(named.span=> <#model as ::orm_core::__private::Field<#hash>>)
}

fn expand_one(model: &Model, relation: &Relation) -> TokenStream {
    let ident = &model.ident;
    let this = quote!(#ident);
    let related = &relation.related;
    let related_tokens = quote!(#related);
    let related_name = related
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let name = &relation.name;
    let accessor = format_ident!("{}_relation", name);
    let model_name = ident.to_string();
    let foreign_key = &relation.foreign_key.name;
    let local_key = &relation.local_key.name;
    // The related model's partition-key column, for a `belongs_to` without `owner_key`.
    let owner_partition_key = relation.owner_partition_key.then(|| {
        let span = related.span();
        quote_spanned!(span=> <#related as ::orm_core::__private::PartitionKeyColumn>)
    });
    let local_key_name = match &owner_partition_key {
        Some(owner) => quote_spanned!(related.span()=> #owner::COLUMN.name()),
        None => quote!(#local_key),
    };
    // How docs name the owner's column.
    let local_key_doc = match &owner_partition_key {
        Some(_) => "partition key".to_owned(),
        None => format!("`{local_key}`"),
    };
    let allow_filtering = relation.allow_filtering;
    // Every kind's `DEF` shares these; the rest is per kind.
    let def_of = |kind: TokenStream, query_column: TokenStream, reads: Option<TokenStream>| {
        let foreign_key = match relation.kind {
            Kind::BelongsToMany => query_column.clone(),
            _ => quote!(#foreign_key),
        };
        def_statics(DefStatics {
            name: quote!(#name),
            kind,
            model: quote!(#model_name),
            related: quote!(#related_name),
            foreign_key,
            local_key: local_key_name.clone(),
            query_column,
            allow_filtering: quote!(#allow_filtering),
            morph_type: quote!(::core::option::Option::None),
            reads,
        })
    };

    match relation.kind {
        Kind::HasOne | Kind::HasMany => {
            let (kind, wrapper, doc_kind) = match relation.kind {
                Kind::HasOne => (quote!(HasOne), quote!(HasOne), "the"),
                _ => (quote!(HasMany), quote!(HasMany), "every"),
            };
            let local = own_column(model, &relation.local_key);
            let local_handle = &local.handle;
            let local_ty = &local.ty;
            let lookup = column_lookup(&relation.foreign_key, "foreign_key");
            let lookup_trait = lookup_trait(&relation.foreign_key, "foreign_key");
            let foreign =
                quote_spanned!(relation.foreign_key.span=> <#related as #lookup_trait>::COLUMN);
            let check = access_check(model, relation, &foreign);
            let doc = format!(
                "The relation to {doc_kind} `{related_name}` whose `{foreign_key}` is this row's `{local_key}`."
            );
            let set_foreign_key = quote_spanned! {relation.foreign_key.span=>
                |row, key| ::orm_core::__private::set_key::<_, _, #local_ty>(#foreign, row, key)
            };
            let def = def_of(kind, quote!(#foreign_key), Some(related_tokens.clone()));
            let (def_fn, def_ref) = def_fn(&accessor, &def);
            quote! {
                #def_fn

                #[doc = #doc]
                pub fn #accessor(&self) -> ::orm_core::__private::#wrapper<#this, #related, #local_ty> {
                    #lookup
                    #check
                    ::orm_core::__private::#wrapper::new(
                        #def_ref,
                        ::core::clone::Clone::clone(Self::#local_handle.get(self)),
                        #set_foreign_key,
                    )
                }
            }
        }
        Kind::BelongsToMany => {
            let (pivot, inverse) = relation
                .pivot
                .as_ref()
                .expect("checked: belongs_to_many has a pivot");
            let direction = if *inverse {
                quote!(::orm_core::__private::Inverse)
            } else {
                quote!(::orm_core::__private::Forward)
            };
            let doc = format!(
                "The `{related_name}` rows joined to this row through `{}`.",
                quote!(#pivot)
            );
            let own_column = quote!(<#direction as ::orm_core::__private::Side<#pivot, #this, #related>>::OWN_COLUMN);
            let def = def_of(quote!(BelongsToMany), own_column, None);
            let (def_fn, def_ref) = def_fn(&accessor, &def);
            quote! {
                #def_fn

                #[doc = #doc]
                pub fn #accessor(&self) -> ::orm_core::__private::BelongsToMany<#this, #related, #pivot, #direction> {
                    ::orm_core::__private::BelongsToMany::new(
                        #def_ref,
                        ::orm_core::__private::Model::primary_key(self),
                    )
                }
            }
        }
        Kind::BelongsTo => {
            let associate = format_ident!("associate_{}", name);
            let dissociate = format_ident!("dissociate_{}", name);
            let own_field = own_column(model, &relation.foreign_key);
            let fk_field = &own_field.field;
            let fk_handle = &own_field.handle;
            let fk_ty = &own_field.ty;
            let doc = format!(
                "The relation to the `{related_name}` whose {local_key_doc} is this row's `{foreign_key}`."
            );
            let associate_doc = format!(
                "Points this row at `owner` (sets `{foreign_key}` to its {local_key_doc}); insert the row to store it."
            );
            // The owner's key column and its type. With `owner_key`, the column is looked up
            // by name in `associate_*` (with the access check), and the key type is the
            // foreign key's own type without its `Option`, so this row's own signatures never
            // name a column the owner may lack.
            let (lookup, check, owner_column, key_ty) = match &owner_partition_key {
                Some(owner) => (
                    TokenStream::new(),
                    TokenStream::new(),
                    quote_spanned!(related.span()=> #owner::COLUMN),
                    quote_spanned!(related.span()=> #owner::Type),
                ),
                None => {
                    let lookup_trait = lookup_trait(&relation.local_key, "owner_key");
                    let owner_column = quote_spanned!(relation.local_key.span=> <#related as #lookup_trait>::COLUMN);
                    let key_ty = option_inner(fk_ty).unwrap_or(fk_ty);
                    (
                        column_lookup(&relation.local_key, "owner_key"),
                        access_check(model, relation, &owner_column),
                        owner_column,
                        quote!(#key_ty),
                    )
                }
            };
            // A key column cannot be null, so only a non-key optional foreign key can be
            // cleared.
            let clearable =
                is_option(&own_field.ty) && matches!(own_field.role, Role::Regular | Role::Static);
            let dissociate = clearable.then(|| {
                let doc = format!(
                    "Clears this row's `{foreign_key}` in the database and in `self`: it then belongs to no `{related_name}`.\n\n\
                     Writes at once (an `UPDATE` setting `{foreign_key}` to null by this row's primary key), because saving \
                     the row would not: inserts leave `None` columns unset. On error, `self` is unchanged."
                );
                quote! {
                    #[doc = #doc]
                    pub async fn #dissociate(
                        &mut self,
                        db: &::orm_core::__private::Db,
                    ) -> ::orm_core::Result<()> {
                        let key = ::orm_core::__private::Model::primary_key(self);
                        <Self as ::orm_core::__private::Model>::update(&key)
                            .set_null(Self::#fk_handle)
                            .execute(db)
                            .await?;
                        self.#fk_field = ::core::option::Option::None;
                        ::core::result::Result::Ok(())
                    }
                }
            });
            // The foreign key's type through its `Field` impl, spanned where the foreign key
            // is named: both uses below are then one error when the types do not fit. The
            // owner's key is spanned at the owner's type, like every other use of it.
            let foreign = field(&this, &relation.foreign_key);
            let key_of = quote_spanned! {relation.foreign_key.span=>
                <#foreign::Type as ::orm_core::__private::KeyOf<#key_ty>>
            };
            let def = def_of(
                quote!(BelongsTo),
                local_key_name.clone(),
                Some(related_tokens.clone()),
            );
            let (def_fn, def_ref) = def_fn(&accessor, &def);
            let new_relation = quote_spanned! {related.span()=>
                ::orm_core::__private::BelongsTo::new(
                    #def_ref,
                    ::core::option::Option::map(
                        #key_of::key(Self::#fk_handle.get(self)),
                        ::core::clone::Clone::clone,
                    ),
                )
            };
            let relation_type = quote_spanned! {related.span()=>
                ::orm_core::__private::BelongsTo<#this, #related, #key_ty>
            };
            let owner_key = quote_spanned! {related.span()=>
                ::core::clone::Clone::clone(#owner_column.get(owner))
            };
            let store_key = quote_spanned! {relation.foreign_key.span=>
                Self::#fk_handle.set(self, #key_of::from_key(key))
            };
            quote! {
                #def_fn

                #[doc = #doc]
                pub fn #accessor(&self) -> #relation_type {
                    #new_relation
                }

                #[doc = #associate_doc]
                pub fn #associate(&mut self, owner: &#related) {
                    #lookup
                    #check
                    let key = #owner_key;
                    #store_key;
                }

                #dissociate
            }
        }
    }
}

/// This model's column named by a relation attribute (checked to exist).
fn own_column<'m>(model: &'m Model, named: &Named) -> &'m Column {
    model
        .columns
        .iter()
        .find(|c| c.name == named.name)
        .expect("checked: the relation's own key is a column of this model")
}

/// A trait through which a generated body reads the related model's column `named`
/// (`<Related as #lookup_trait>::COLUMN`, see [`lookup_trait`]).
///
/// The related model's columns are its `Field<hash of name>` impls. Going through this
/// trait, declared in the body with `do_not_recommend` on its one impl, a missing column is
/// reported with `Field`'s message at the name, and a help line naming this trait, so the
/// option and the column ("the trait `foreign_key_owner_id` is not implemented for
/// `Post`"), rather than a list of the model's other `Field<hash>` impls.
pub(crate) fn column_lookup(named: &Named, option: &str) -> TokenStream {
    let hash = column_hash(&named.name);
    let trait_name = lookup_trait(named, option);
    quote_spanned! {named.span=>
        #[allow(non_camel_case_types)]
        trait #trait_name: ::core::marker::Sized {
            type Type;
            const COLUMN: ::orm_core::Column<Self, Self::Type>;
        }
        #[diagnostic::do_not_recommend]
        impl<M: ::orm_core::__private::Field<#hash>> #trait_name for M {
            type Type = <M as ::orm_core::__private::Field<#hash>>::Type;
            const COLUMN: ::orm_core::Column<M, Self::Type> =
                <M as ::orm_core::__private::Field<#hash>>::COLUMN;
        }
    }
}

/// The name of [`column_lookup`]'s trait: the option, then the column's name
/// (`foreign_key_owner_id`), any character an identifier cannot hold made `_`.
pub(crate) fn lookup_trait(named: &Named, option: &str) -> syn::Ident {
    let column: String = named
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format_ident!("{option}_{column}", span = named.span)
}

/// The compile-time access-path rule, evaluated against the related model's metadata, for
/// the body of a generated fn. `column` is the related column's handle, through its lookup
/// trait: when the column is missing, that is the one error, and the const is not
/// evaluated.
fn access_check(model: &Model, relation: &Relation, column_handle: &TokenStream) -> TokenStream {
    let related = &relation.related;
    let related_name = related
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let column = match relation.kind {
        Kind::BelongsTo => &relation.local_key.name,
        Kind::HasOne | Kind::HasMany | Kind::BelongsToMany => &relation.foreign_key.name,
    };
    let message = format!(
        "`{}::{}` reads `{related_name}` by `{column}`, which is neither the whole partition key of `{related_name}` nor indexed, so each read would scan the table: make `{column}` the partition key of `{related_name}`, add `#[orm(index)]` to it, or accept the scan with `allow_filtering` in the relation attribute",
        model.ident, relation.name
    );
    let option = match relation.kind {
        Kind::BelongsTo => "owner_key",
        Kind::HasOne | Kind::HasMany | Kind::BelongsToMany => "foreign_key",
    };
    let missing = format!(
        "`{}::{}`: `{related_name}` has no column `{column}`; set `{option}` to the CQL name of one of its columns",
        model.ident, relation.name
    );
    let allow_filtering = relation.allow_filtering;
    quote_spanned! {relation.span=>
        const _: () = ::orm_core::__private::check_access(
            <#related as ::orm_core::__private::Model>::TABLE,
            #column_handle.name(),
            #allow_filtering,
            #missing,
            #message,
        );
    }
}

/// `T`, for a type written `Option<T>`.
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a type is written `Option<...>`.
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The names of every relation (including polymorphic ones) and their accessors, for
/// eager loading by name.
pub fn eager_table(model: &Model) -> TokenStream {
    // Each accessor is spanned at its related model, so an error in the accessor's type
    // is reported there once, not again here.
    let mut names = Vec::new();
    for relation in &model.relations {
        names.push((relation.name.clone(), relation.related.span()));
    }
    for morph in &model.morphs {
        names.push((morph.accessor.clone(), morph.span));
    }
    if names.is_empty() {
        return TokenStream::new();
    }
    let arms = names.iter().enumerate().map(|(i, (name, span))| {
        let accessor = format_ident!("{}_relation", name, span = *span);
        // Relations (listed first) come with their definition, for `explain()`;
        // polymorphic ones are not explained yet.
        if i < model.relations.len() {
            let def_fn = format_ident!("__{}_def", accessor);
            quote_spanned! {*span=>
                #name => ::orm_core::__private::Some(
                    ::orm_core::__private::With::from_accessor_def(
                        |row: &Self| Self::#accessor(row),
                        Self::#def_fn,
                    ),
                ),
            }
        } else {
            quote_spanned! {*span=>
                #name => ::orm_core::__private::Some(
                    ::orm_core::__private::With::from_accessor(|row: &Self| Self::#accessor(row)),
                ),
            }
        }
    });
    // Polymorphic relations are not explained yet: they have no `__..._def`.
    let defs = model.relations.iter().map(|relation| {
        let span = relation.related.span();
        let accessor = format_ident!("{}_relation", relation.name, span = span);
        let def_fn = format_ident!("__{}_def", accessor);
        quote_spanned! {span=>
            if accessor == ::orm_core::__private::type_id_of(&Self::#accessor) {
                return ::orm_core::__private::Some(Self::#def_fn());
            }
        }
    });
    let names = names.iter().map(|(name, _)| name);
    quote! {
        const __RELATIONS: &'static [&'static str] = &[#(#names),*];

        fn __relation_def(
            accessor: ::core::any::TypeId,
        ) -> ::core::option::Option<&'static ::orm_core::__private::RelationDef> {
            #(#defs)*
            ::orm_core::__private::None
        }

        fn __eager(name: &str) -> ::core::option::Option<::orm_core::__private::With<Self>> {
            match name {
                #(#arms)*
                _ => ::orm_core::__private::None,
            }
        }
    }
}

/// `__<accessor>_def()`: the relation's definition (and its statements), which the
/// accessor uses and `explain()` of an eager load reaches without a row; with the
/// expression calling it.
fn def_fn(accessor: &syn::Ident, def: &TokenStream) -> (TokenStream, TokenStream) {
    let name = format_ident!("__{}_def", accessor);
    let item = quote! {
        #[doc(hidden)]
        pub fn #name() -> &'static ::orm_core::__private::RelationDef {
            #def
            &DEF
        }
    };
    (item, quote!(Self::#name()))
}

/// The pieces of a relation accessor's `static DEF: RelationDef`.
pub(crate) struct DefStatics {
    pub name: TokenStream,
    pub kind: TokenStream,
    pub model: TokenStream,
    pub related: TokenStream,
    pub foreign_key: TokenStream,
    pub local_key: TokenStream,
    pub query_column: TokenStream,
    pub allow_filtering: TokenStream,
    pub morph_type: TokenStream,
    /// The related model, for the kinds whose `get`/`first` read its table directly:
    /// they also get a `static STATEMENTS` rendered from `DEF`.
    pub reads: Option<TokenStream>,
}

/// `static DEF` (and `STATEMENTS` when the relation reads the related table itself), for
/// the body of a relation accessor.
pub(crate) fn def_statics(def: DefStatics) -> TokenStream {
    let DefStatics {
        name,
        kind,
        model,
        related,
        foreign_key,
        local_key,
        query_column,
        allow_filtering,
        morph_type,
        reads,
    } = def;
    let (statements, statements_static) = match reads {
        Some(read_model) => (
            quote!(::core::option::Option::Some(&STATEMENTS)),
            quote! {
                static STATEMENTS: ::orm_core::__private::RelationStatements =
                    ::orm_core::__private::RelationStatements::new(|first| {
                        ::orm_core::__private::relation_cql::<#read_model>(&DEF, first)
                    });
            },
        ),
        None => (quote!(::core::option::Option::None), TokenStream::new()),
    };
    quote! {
        static DEF: ::orm_core::__private::RelationDef = ::orm_core::__private::RelationDef {
            name: #name,
            kind: ::orm_core::__private::RelationKind::#kind,
            model: #model,
            related: #related,
            foreign_key: #foreign_key,
            local_key: #local_key,
            query_column: #query_column,
            allow_filtering: #allow_filtering,
            morph_type: #morph_type,
            statements: #statements,
        };
        #statements_static
    }
}
