//! Code generation from validated relations: each relation's accessor (and for
//! `belongs_to`, `associate_*` / `dissociate_*`), and the model's table of relations by
//! name for eager loading. No rule is checked here.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Kind, Relation};
use crate::keys::Named;
use crate::model::{Column, Model, Role};
use crate::names::{accessor, def_fn, last_segment};
use crate::related::{DefStatics, column_lookup, def_statics, field, looked_up};

/// The accessors of every relation and polymorphic relation, and the items the
/// polymorphic ones need outside the model's `impl`.
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

/// What every kind of accessor needs.
struct Accessor<'a> {
    model: &'a Model,
    relation: &'a Relation,
    /// `<name>_relation`.
    ident: syn::Ident,
    /// The related model's name, for docs and messages.
    related_name: String,
    /// Whether the relation accepts reading the related table by a column that is neither
    /// its partition key nor indexed (`allow_filtering`; never for `belongs_to_many`).
    allow_filtering: bool,
}

fn expand_one(model: &Model, relation: &Relation) -> TokenStream {
    let allow_filtering = match &relation.kind {
        Kind::Has {
            allow_filtering, ..
        }
        | Kind::BelongsTo {
            allow_filtering, ..
        } => *allow_filtering,
        Kind::BelongsToMany { .. } => false,
    };
    let accessor = Accessor {
        model,
        relation,
        ident: accessor(&relation.name, Span::call_site()),
        related_name: last_segment(&relation.related),
        allow_filtering,
    };
    match &relation.kind {
        Kind::Has {
            many,
            foreign_key,
            local,
            ..
        } => accessor.has(*many, foreign_key, local),
        Kind::BelongsToMany {
            pivot,
            inverse,
            local_key,
        } => accessor.belongs_to_many(pivot, *inverse, local_key),
        Kind::BelongsTo {
            foreign,
            foreign_key,
            owner_key,
            ..
        } => {
            let owner = Owner::of(&accessor, owner_key.as_ref(), foreign);
            accessor.belongs_to(foreign, foreign_key, &owner)
        }
    }
}

impl Accessor<'_> {
    /// `static DEF` for this relation.
    fn def(&self, def: PartialDef) -> TokenStream {
        let PartialDef {
            kind,
            foreign_key,
            local_key,
            query_column,
            reads,
        } = def;
        def_statics(
            self.model,
            DefStatics {
                name: &self.relation.name,
                kind,
                related: &self.related_name,
                foreign_key,
                local_key,
                query_column,
                allow_filtering: self.allow_filtering,
                morph_type: quote!(::core::option::Option::None),
                reads,
            },
        )
    }

    /// `__<accessor>_def()`: the relation's definition (and its statements), which the
    /// accessor uses and `explain()` of an eager load reaches without a row; with the
    /// expression calling it.
    fn def_fn(&self, def: PartialDef) -> (TokenStream, TokenStream) {
        let p = self.model.runtime.private();
        let def = self.def(def);
        let name = def_fn(&self.ident);
        let item = quote! {
            #[doc(hidden)]
            pub fn #name() -> &'static #p::RelationDef {
                #def
                &DEF
            }
        };
        (item, quote!(Self::#name()))
    }
}

/// The parts of a relation's `RelationDef` that differ by kind.
struct PartialDef {
    kind: TokenStream,
    foreign_key: TokenStream,
    local_key: TokenStream,
    query_column: TokenStream,
    reads: Option<TokenStream>,
}

/// The accessors by kind of relation, each `<name>_relation()` with its `__<accessor>_def()`
/// (and for `belongs_to`, `associate_*` / `dissociate_*`): methods of the one [`Accessor`],
/// so each reads the model, relation and names from it rather than unpacking them again.
impl Accessor<'_> {
    /// The model the accessor is generated on.
    fn this(&self) -> &syn::Ident {
        &self.model.ident
    }

    /// The related model, as written in the attribute.
    fn related(&self) -> &syn::Path {
        &self.relation.related
    }

    /// `has_one` / `has_many`: the related rows whose `foreign_key` is this row's `local`.
    fn has(&self, many: bool, foreign_key: &Named, local: &Column) -> TokenStream {
        let (accessor_ident, related_name) = (&self.ident, &self.related_name);
        let runtime = &self.model.runtime;
        let p = runtime.private();
        let (this, related) = (self.this(), self.related());
        let (wrapper, doc_kind) = if many {
            (quote!(HasMany), "every")
        } else {
            (quote!(HasOne), "the")
        };
        let (local_handle, local_ty) = (&local.handle, &local.ty);
        let lookup = column_lookup(runtime, foreign_key, "foreign_key");
        let foreign = looked_up(related, foreign_key, "foreign_key");
        let check = self.access_check(&foreign_key.name, "foreign_key", &foreign);
        let (foreign_name, local_name) = (&foreign_key.name, &local.name);
        let doc = format!(
            "The relation to {doc_kind} `{related_name}` whose `{foreign_name}` is this row's `{local_name}`."
        );
        let set_key = runtime.private_at(foreign_key.span);
        let set_foreign_key = quote_spanned! {foreign_key.span=>
            |row, key| #set_key::set_key::<_, _, #local_ty>(#foreign, row, key)
        };
        let (def_fn, def_ref) = self.def_fn(PartialDef {
            kind: wrapper.clone(),
            foreign_key: quote!(#foreign_name),
            local_key: quote!(#local_name),
            query_column: quote!(#foreign_name),
            reads: Some(quote!(#related)),
        });
        quote! {
            #def_fn

            #[doc = #doc]
            pub fn #accessor_ident(&self) -> #p::#wrapper<#this, #related, #local_ty> {
                #lookup
                #check
                #p::#wrapper::new(
                    #def_ref,
                    ::core::clone::Clone::clone(Self::#local_handle.get(self)),
                    #set_foreign_key,
                )
            }
        }
    }

    /// `belongs_to_many`: the related rows joined to this one through `pivot`.
    fn belongs_to_many(&self, pivot: &syn::Path, inverse: bool, local_key: &str) -> TokenStream {
        let (accessor_ident, related_name) = (&self.ident, &self.related_name);
        let p = self.model.runtime.private();
        let (this, related) = (self.this(), self.related());
        let direction = if inverse {
            quote!(#p::Inverse)
        } else {
            quote!(#p::Forward)
        };
        let doc = format!(
            "The `{related_name}` rows joined to this row through `{}`.",
            quote!(#pivot)
        );
        let own_column = quote!(<#direction as #p::Side<#pivot, #this, #related>>::OWN_COLUMN);
        let (def_fn, def_ref) = self.def_fn(PartialDef {
            kind: quote!(BelongsToMany),
            foreign_key: own_column.clone(),
            local_key: quote!(#local_key),
            query_column: own_column,
            reads: None,
        });
        quote! {
            #def_fn

            #[doc = #doc]
            pub fn #accessor_ident(&self) -> #p::BelongsToMany<#this, #related, #pivot, #direction> {
                #p::BelongsToMany::new(
                    #def_ref,
                    #p::Model::primary_key(self),
                )
            }
        }
    }
    /// `belongs_to`: the owner whose key this row's `foreign` column holds; `associate_*`, and
    /// `dissociate_*` when the column can be cleared.
    fn belongs_to(&self, foreign: &Column, foreign_key: &Named, owner: &Owner) -> TokenStream {
        let (accessor_ident, related_name) = (&self.ident, &self.related_name);
        let runtime = &self.model.runtime;
        let (this, related) = (self.this(), self.related());
        let span = related.span();
        let p = runtime.private_at(span);
        let associate = format_ident!("associate_{}", self.relation.name);
        let fk_handle = &foreign.handle;
        let (foreign_name, owner_doc) = (&foreign.name, &owner.doc);
        let doc = format!(
            "The relation to the `{related_name}` whose {owner_doc} is this row's `{foreign_name}`."
        );
        let associate_doc = format!(
            "Points this row at `owner` (sets `{foreign_name}` to its {owner_doc}); insert the row to store it."
        );
        let dissociate = self.dissociate(foreign);
        // The foreign key's type through its `Field` impl, spanned where the foreign key is
        // named: both uses below are then one error when the types do not fit. The owner's key
        // is spanned at the owner's type, like every other use of it.
        let foreign_field = field(runtime, &quote!(#this), foreign_key);
        let key_ty = &owner.key_ty;
        let key_of_p = runtime.private_at(foreign_key.span);
        let key_of = quote_spanned! {foreign_key.span=>
            <#foreign_field::Type as #key_of_p::KeyOf<#key_ty>>
        };
        let (def_fn, def_ref) = self.def_fn(PartialDef {
            kind: quote!(BelongsTo),
            foreign_key: quote!(#foreign_name),
            local_key: owner.name.clone(),
            query_column: owner.name.clone(),
            reads: Some(quote!(#related)),
        });
        let new_relation = quote_spanned! {span=>
            #p::BelongsTo::new(
                #def_ref,
                ::core::option::Option::map(
                    #key_of::key(Self::#fk_handle.get(self)),
                    ::core::clone::Clone::clone,
                ),
            )
        };
        let relation_type = quote_spanned! {span=> #p::BelongsTo<#this, #related, #key_ty>};
        let (lookup, owner_column) = (&owner.lookup, &owner.column);
        let owner_key =
            quote_spanned! {span=> ::core::clone::Clone::clone(#owner_column.get(owner))};
        let store_key = quote_spanned! {foreign_key.span=>
            Self::#fk_handle.set(self, #key_of::from_key(key))
        };
        quote! {
            #def_fn

            #[doc = #doc]
            pub fn #accessor_ident(&self) -> #relation_type {
                #new_relation
            }

            #[doc = #associate_doc]
            pub fn #associate(&mut self, owner: &#related) {
                #lookup
                let key = #owner_key;
                #store_key;
            }

            #dissociate
        }
    }

    /// `dissociate_*`, for a foreign key that can be cleared: a key column cannot be null, so
    /// only a non-key optional one.
    fn dissociate(&self, foreign: &Column) -> Option<TokenStream> {
        let clearable =
            is_option(&foreign.ty) && matches!(foreign.role, Role::Regular | Role::Static);
        if !clearable {
            return None;
        }
        let runtime = &self.model.runtime;
        let (p, orm) = (runtime.private(), runtime.root());
        let dissociate = format_ident!("dissociate_{}", self.relation.name);
        let (fk_field, fk_handle, foreign_name) = (&foreign.field, &foreign.handle, &foreign.name);
        let related_name = &self.related_name;
        let doc = format!(
            "Clears this row's `{foreign_name}` in the database and in `self`: it then belongs to no `{related_name}`.\n\n\
         Writes at once (an `UPDATE` setting `{foreign_name}` to null by this row's primary key), because saving \
         the row would not: inserts leave `None` columns unset. On error, `self` is unchanged."
        );
        Some(quote! {
            #[doc = #doc]
            pub async fn #dissociate(
                &mut self,
                db: &#p::Db,
            ) -> #orm::Result<()> {
                let key = #p::Model::primary_key(self);
                <Self as #p::Model>::update(&key)
                    .set_null(Self::#fk_handle)
                    .execute(db)
                    .await?;
                self.#fk_field = ::core::option::Option::None;
                ::core::result::Result::Ok(())
            }
        })
    }

    /// The compile-time access-path rule, evaluated against the related model's metadata, for
    /// the body of a generated fn: reading the related model by `column` (named by `option`).
    /// `column_handle` is the related column's handle, through its lookup trait: when the
    /// column is missing, that is the one error, and the const is not evaluated.
    fn access_check(&self, column: &str, option: &str, column_handle: &TokenStream) -> TokenStream {
        let allow_filtering = self.allow_filtering;
        let (model, relation, related_name) = (self.model, self.relation, &self.related_name);
        let related = self.related();
        let message = format!(
            "`{}::{}` reads `{related_name}` by `{column}`, which is neither the whole partition key of `{related_name}` nor indexed, so each read would scan the table: make `{column}` the partition key of `{related_name}`, add `#[orm(index)]` to it, or accept the scan with `allow_filtering` in the relation attribute",
            model.ident, relation.name
        );
        let missing = format!(
            "`{}::{}`: `{related_name}` has no column `{column}`; set `{option}` to the CQL name of one of its columns",
            model.ident, relation.name
        );
        let p = model.runtime.private_at(relation.span);
        quote_spanned! {relation.span=>
            const _: () = #p::check_access(
                <#related as #p::Model>::TABLE,
                #column_handle.name(),
                #allow_filtering,
                #missing,
                #message,
            );
        }
    }
}

/// The owner's key column of a `belongs_to`, and its type.
struct Owner {
    /// How the relation's definition names the column.
    name: TokenStream,
    /// How docs name it.
    doc: String,
    /// Declarations `associate_*` needs to read the column (a lookup and the access
    /// check), when it is named with `owner_key`.
    lookup: TokenStream,
    /// The column's handle on the owner.
    column: TokenStream,
    /// The key type.
    key_ty: TokenStream,
}

impl Owner {
    /// The owner's column: its partition key through `PartitionKeyColumn`, or, with
    /// `owner_key`, the column of that name, looked up in `associate_*` (with the access
    /// check). Then the key type is the foreign key's own type without its `Option`, so
    /// this row's own signatures never name a column the owner may lack.
    fn of(accessor: &Accessor, owner_key: Option<&Named>, foreign: &Column) -> Self {
        let runtime = &accessor.model.runtime;
        let related = &accessor.relation.related;
        let span = related.span();
        match owner_key {
            None => {
                let p = runtime.private_at(span);
                let owner = quote_spanned!(span=> <#related as #p::PartitionKeyColumn>);
                Owner {
                    name: quote_spanned!(span=> #owner::COLUMN.name()),
                    doc: "partition key".to_owned(),
                    lookup: TokenStream::new(),
                    column: quote_spanned!(span=> #owner::COLUMN),
                    key_ty: quote_spanned!(span=> #owner::Type),
                }
            }
            Some(owner_key) => {
                let column = looked_up(related, owner_key, "owner_key");
                let lookup = column_lookup(runtime, owner_key, "owner_key");
                let check = accessor.access_check(&owner_key.name, "owner_key", &column);
                let key_ty = option_inner(&foreign.ty).unwrap_or(&foreign.ty);
                let name = &owner_key.name;
                Owner {
                    name: quote!(#name),
                    doc: format!("`{name}`"),
                    lookup: quote!(#lookup #check),
                    column,
                    key_ty: quote!(#key_ty),
                }
            }
        }
    }
}

/// The names of every relation (including polymorphic and custom ones) and their accessors, for
/// eager loading by name.
pub fn eager_table(model: &Model) -> TokenStream {
    let p = model.runtime.private();
    // Each accessor is spanned at its related model, so an error in the accessor's type
    // is reported there once, not again here.
    // With whether the accessor has a definition without a row (`__<accessor>_def`).
    let mut names = Vec::new();
    for relation in &model.relations {
        names.push((relation.name.clone(), relation.related.span(), true));
    }
    for morph in &model.morphs {
        let morph_to = matches!(morph.side, crate::morph::Side::Child(_));
        names.push((morph.accessor.clone(), morph.span, morph_to));
    }
    // Custom relationships (`#[relationship(...)]`), spanned at their attribute.
    names.extend(
        model
            .customs
            .iter()
            .map(|(name, span)| (name.clone(), *span, false)),
    );
    if names.is_empty() {
        return TokenStream::new();
    }
    let arms = names.iter().map(|(name, span, has_def)| {
        let accessor = accessor(name, *span);
        let p = model.runtime.private_at(*span);
        // Relations and `morph_to`s come with their definition, for `explain()`;
        // `morph_many`/`morph_one` and custom ones are not explained.
        if *has_def {
            let def_fn = def_fn(&accessor);
            quote_spanned! {*span=>
                #name => #p::Some(
                    #p::With::from_accessor_def(
                        |row: &Self| Self::#accessor(row),
                        Self::#def_fn,
                    ),
                ),
            }
        } else {
            quote_spanned! {*span=>
                #name => #p::Some(
                    #p::With::from_accessor(|row: &Self| Self::#accessor(row)),
                ),
            }
        }
    });
    // Only these have a `__<accessor>_def`.
    let defs = names
        .iter()
        .filter(|(_, _, has_def)| *has_def)
        .map(|(name, span, _)| {
            let span = *span;
            let accessor = accessor(name, span);
            let def_fn = def_fn(&accessor);
            let p = model.runtime.private_at(span);
            quote_spanned! {span=>
                if accessor == #p::type_id_of(&Self::#accessor) {
                    return #p::Some(Self::#def_fn());
                }
            }
        });
    let names = names.iter().map(|(name, _, _)| name);
    quote! {
        const __RELATIONS: &'static [&'static str] = &[#(#names),*];

        fn __relation_def(
            accessor: ::core::any::TypeId,
        ) -> ::core::option::Option<&'static #p::RelationDef> {
            #(#defs)*
            #p::None
        }

        fn __eager(name: &str) -> ::core::option::Option<#p::With<Self>> {
            match name {
                #(#arms)*
                _ => #p::None,
            }
        }
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
