//! Polymorphic relations: `#[morph_many(Child, name = "...")]` and `#[morph_one(...)]` on
//! each parent, `#[morph_to(name = "...", types(ParentA, ParentB))]` on the child.
//!
//! The child stores the parent's type name and key in `<name>_type` / `<name>_id`
//! (override with `type_column` / `id_column`). Each parent publishes
//! `MorphParent<Child, hash of name>`, which the child's `morph_to` requires of every
//! listed type, so a listed type without the matching `morph_many` is a compile error.

use darling::ast::NestedMeta;
use darling::error::Accumulator;
use darling::util::{Flag, PathList, SpannedValue};
use darling::{Error, FromMeta};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Column, Model};
use crate::names::snake_case;
use crate::relation::{
    DefStatics, Named, check_own_column, column_hash, column_lookup, def_statics,
    default_local_key, default_plural, is_snake_ident, lookup_trait,
};

/// Which polymorphic attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MorphKind {
    Many,
    One,
    To,
}

#[derive(FromMeta)]
struct Options {
    /// The morph name shared by both sides (`commentable`).
    name: Option<SpannedValue<String>>,
    type_column: Option<SpannedValue<String>>,
    id_column: Option<SpannedValue<String>>,
    /// `morph_many` / `morph_one`: this model's key column (default: its partition key).
    local_key: Option<SpannedValue<String>>,
    /// `morph_many` / `morph_one`: the accessor's base name (default: from the child).
    accessor: Option<SpannedValue<String>>,
    /// `morph_to`: the parent types.
    types: Option<PathList>,
    /// `morph_to`: derives for the generated enum (`derive(Debug, Clone)`).
    derive: Option<PathList>,
    allow_filtering: Flag,
}

/// A validated polymorphic relation.
pub struct Morph {
    pub kind: MorphKind,
    /// The morph name (`commentable`).
    pub name: String,
    /// The accessor's base name.
    pub accessor: String,
    /// `morph_many`/`morph_one`: the child model. Empty for `morph_to`.
    pub child: Option<syn::Path>,
    /// `morph_to`: the parent types.
    pub types: Vec<syn::Path>,
    /// `morph_to`: derives for the generated enum.
    pub derives: Vec<syn::Path>,
    pub type_column: Named,
    pub id_column: Named,
    /// `morph_many`/`morph_one`: this model's key column.
    pub local_key: Option<Named>,
    pub allow_filtering: bool,
    pub span: Span,
}

const ATTRIBUTES: [(&str, MorphKind); 3] = [
    ("morph_many", MorphKind::Many),
    ("morph_one", MorphKind::One),
    ("morph_to", MorphKind::To),
];

/// Parses every polymorphic attribute on the struct.
pub fn parse(
    attrs: &[syn::Attribute],
    model: &syn::Ident,
    columns: &[Column],
    errors: &mut Accumulator,
) -> Vec<Morph> {
    let mut morphs = Vec::new();
    for attr in attrs {
        let Some((_, kind)) = ATTRIBUTES
            .iter()
            .find(|(name, _)| attr.path().is_ident(name))
        else {
            continue;
        };
        if let Some(morph) = errors.handle(parse_one(attr, *kind, model, columns)) {
            morphs.push(morph);
        }
    }
    morphs
}

fn parse_one(
    attr: &syn::Attribute,
    kind: MorphKind,
    model: &syn::Ident,
    columns: &[Column],
) -> Result<Morph, Error> {
    let list = attr.meta.require_list().map_err(|_| usage(attr, kind))?;
    let items = NestedMeta::parse_meta_list(list.tokens.clone())?;
    let (child, rest) = match kind {
        MorphKind::To => (None, items.as_slice()),
        MorphKind::Many | MorphKind::One => match items.split_first() {
            Some((NestedMeta::Meta(syn::Meta::Path(path)), rest)) => (Some(path.clone()), rest),
            _ => return Err(usage(attr, kind)),
        },
    };
    let options = Options::from_list(rest)?;
    let Some(given_name) = &options.name else {
        return Err(usage(attr, kind));
    };
    let mut errors = Error::accumulator();
    if !is_snake_ident(given_name) {
        errors.push(
            Error::custom(format!(
                "invalid morph name {:?}: use lower-case letters, digits and underscores, starting with a letter",
                given_name.as_str()
            ))
            .with_span(&given_name.span()),
        );
    }
    let name = given_name.as_str().to_owned();
    let column = |given: &Option<SpannedValue<String>>, suffix: &str| match given {
        Some(value) => Named {
            name: value.as_str().to_owned(),
            span: value.span(),
        },
        None => Named {
            name: format!("{name}_{suffix}"),
            span: attr.span(),
        },
    };
    let type_column = column(&options.type_column, "type");
    let id_column = column(&options.id_column, "id");

    let mut types = Vec::new();
    let mut local_key = None;
    let accessor;
    match kind {
        MorphKind::To => {
            check_own_column(model, &type_column, "type_column", columns, &mut errors);
            check_own_column(model, &id_column, "id_column", columns, &mut errors);
            types = options
                .types
                .as_ref()
                .map(|t| t.to_vec())
                .unwrap_or_default();
            if types.is_empty() {
                errors.push(
                    Error::custom("`morph_to` needs the possible parents: `types(Post, Video)`")
                        .with_span(attr),
                );
            }
            for (option, given) in [
                ("local_key", options.local_key.is_some()),
                ("accessor", options.accessor.is_some()),
            ] {
                if given {
                    errors.push(
                        Error::custom(format!(
                            "`{option}` applies to `morph_many`/`morph_one`; remove it"
                        ))
                        .with_span(attr),
                    );
                }
            }
            accessor = name.clone();
        }
        MorphKind::Many | MorphKind::One => {
            for (option, given) in [
                ("types(...)", options.types.is_some()),
                ("derive(...)", options.derive.is_some()),
            ] {
                if given {
                    errors.push(
                        Error::custom(format!(
                            "`{option}` belongs to the child's `morph_to`; remove it here"
                        ))
                        .with_span(attr),
                    );
                }
            }
            let local = match &options.local_key {
                Some(local) => Named {
                    name: local.as_str().to_owned(),
                    span: local.span(),
                },
                None => default_local_key(model, columns, attr.span(), &mut errors),
            };
            check_own_column(model, &local, "local_key", columns, &mut errors);
            local_key = Some(local);
            let child_name = child
                .as_ref()
                .and_then(|c| c.segments.last())
                .map(|s| snake_case(&s.ident.to_string()))
                .unwrap_or_default();
            accessor = match &options.accessor {
                Some(given) => {
                    if !is_snake_ident(given) {
                        errors.push(Error::custom("invalid accessor name: use lower-case letters, digits and underscores").with_span(&given.span()));
                    }
                    given.as_str().to_owned()
                }
                None if kind == MorphKind::Many => match child.as_ref() {
                    Some(child) => default_plural(&child_name, child, "accessor", &mut errors),
                    None => child_name,
                },
                None => child_name,
            };
        }
    }

    errors.finish_with(Morph {
        kind,
        name,
        accessor,
        child,
        types,
        type_column,
        id_column,
        local_key,
        derives: options
            .derive
            .as_ref()
            .map(|d| d.to_vec())
            .unwrap_or_default(),
        allow_filtering: options.allow_filtering.is_present(),
        span: attr.span(),
    })
}

fn usage(attr: &syn::Attribute, kind: MorphKind) -> Error {
    let example = match kind {
        MorphKind::Many => "#[morph_many(Comment, name = \"commentable\")]",
        MorphKind::One => "#[morph_one(Image, name = \"imageable\")]",
        MorphKind::To => "#[morph_to(name = \"commentable\", types(Post, Video))]",
    };
    Error::custom(format!("write it as `{example}`")).with_span(attr)
}

/// Methods for the model's `impl` block, and items outside it.
pub fn expand(model: &Model) -> (TokenStream, TokenStream) {
    let mut methods = TokenStream::new();
    let mut items = TokenStream::new();
    for morph in &model.morphs {
        let (m, i) = match morph.kind {
            MorphKind::Many | MorphKind::One => expand_parent(model, morph),
            MorphKind::To => expand_child(model, morph),
        };
        methods.extend(m);
        items.extend(i);
    }
    (methods, items)
}

fn expand_parent(model: &Model, morph: &Morph) -> (TokenStream, TokenStream) {
    let ident = &model.ident;
    let this = quote!(#ident);
    let child = morph
        .child
        .as_ref()
        .expect("checked: a parent side names its child");
    let child_name = child
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let hash = column_hash(&morph.name);
    let model_name = ident.to_string();
    let morph_type = model_name.clone();
    let local = morph
        .local_key
        .as_ref()
        .expect("checked: a parent side has a local key");
    let local_column = model
        .columns
        .iter()
        .find(|c| c.name == local.name)
        .expect("checked: the local key is a column of this model");
    let (local_handle, local_ty) = (&local_column.handle, &local_column.ty);
    // The child's columns, through lookups that report a missing one at its name.
    let lookups = [
        column_lookup(&morph.id_column, "id_column"),
        column_lookup(&morph.type_column, "type_column"),
    ];
    let (id_trait, type_trait) = (
        lookup_trait(&morph.id_column, "id_column"),
        lookup_trait(&morph.type_column, "type_column"),
    );
    let id_field = quote_spanned!(morph.id_column.span=> <#child as #id_trait>::COLUMN);
    let type_field = quote_spanned!(morph.type_column.span=> <#child as #type_trait>::COLUMN);
    let (wrapper, kind) = match morph.kind {
        MorphKind::Many => (quote!(HasMany), quote!(MorphMany)),
        _ => (quote!(HasOne), quote!(MorphOne)),
    };
    let accessor = format_ident!("{}_relation", morph.accessor);
    let (name, local_name, type_column, id_column) = (
        &morph.accessor,
        &local.name,
        &morph.type_column.name,
        &morph.id_column.name,
    );
    let allow_filtering = morph.allow_filtering;
    let doc = format!(
        "The `{child_name}` rows whose `{type_column}` is `{morph_type}` and `{id_column}` is this row's `{local_name}`."
    );
    let set_keys = quote_spanned! {morph.id_column.span=>
        |row, key| {
            ::orm_core::__private::set_key::<_, _, #local_ty>(#id_field, row, key);
            ::orm_core::__private::set_key::<_, _, ::std::string::String>(
                #type_field,
                row,
                ::std::string::String::from(#morph_type),
            );
        }
    };
    let def = def_statics(DefStatics {
        name: quote!(#name),
        kind: quote!(#kind),
        model: quote!(#model_name),
        related: quote!(#child_name),
        foreign_key: quote!(#id_column),
        local_key: quote!(#local_name),
        query_column: quote!(#id_column),
        allow_filtering: quote!(#allow_filtering),
        morph_type: quote!(::core::option::Option::Some((#type_column, #morph_type))),
        reads: Some(quote!(#child)),
    });
    let missing = format!(
        "`{model_name}::{name}`: `{child_name}` has no column `{type_column}` or `{id_column}`; add them (or set `type_column` / `id_column`)"
    );
    let scan = format!(
        "`{model_name}::{name}` reads `{child_name}` by `{type_column}` and `{id_column}`, which are not together its partition key, so each read would scan the table: make (`{type_column}`, `{id_column}`) the partition key of `{child_name}`, or accept the scan with `allow_filtering`"
    );
    // In the accessor's body, with the columns' names from their lookups: a missing column
    // is that one error, and the const is not evaluated.
    let check = quote_spanned! {morph.span=>
        const _: () = ::orm_core::__private::check_morph_access(
            <#child as ::orm_core::__private::Model>::TABLE,
            #type_field.name(),
            #id_field.name(),
            #allow_filtering,
            #missing,
            #scan,
        );
    };
    let methods = quote! {
        #[doc = #doc]
        pub fn #accessor(&self) -> ::orm_core::__private::#wrapper<#this, #child, #local_ty> {
            #(#lookups)*
            #check
            #def
            ::orm_core::__private::#wrapper::new(
                &DEF,
                ::core::clone::Clone::clone(Self::#local_handle.get(self)),
                #set_keys,
            )
        }
    };
    let items = quote_spanned! {morph.span=>
        impl ::orm_core::__private::MorphParent<#child, #hash> for #ident {
            const MORPH_TYPE: &'static str = #morph_type;
        }
    };
    (methods, items)
}

fn expand_child(model: &Model, morph: &Morph) -> (TokenStream, TokenStream) {
    let ident = &model.ident;
    let hash = column_hash(&morph.name);
    let model_name = ident.to_string();
    let own = |named: &Named| {
        model
            .columns
            .iter()
            .find(|c| c.name == named.name)
            .expect("checked: the morph columns are columns of this model")
    };
    let (type_col, id_col) = (own(&morph.type_column), own(&morph.id_column));
    let (type_field, id_field, type_ty, id_ty) =
        (&type_col.field, &id_col.field, &type_col.ty, &id_col.ty);
    let enum_ident = format_ident!("{}{}", ident, camel_case(&morph.name));
    let first = &morph.types[0];
    let key = quote!(<#first as ::orm_core::__private::Model>::PrimaryKey);
    let variants: Vec<syn::Ident> = morph
        .types
        .iter()
        .map(|t| {
            t.segments
                .last()
                .expect("a type path has a segment")
                .ident
                .clone()
        })
        .collect();
    let types = &morph.types;
    let parent_checks = types.iter().map(|ty| {
        quote_spanned! {ty.span()=>
            const _: fn() = || {
                fn parent<T: ::orm_core::__private::MorphParent<#ident, #hash>>() {}
                parent::<#ty>();
            };
        }
    });
    let loads = types.iter().zip(&variants).map(|(ty, variant)| {
        let as_key = quote_spanned! {ty.span()=>
            <#key as ::orm_core::__private::SameKey<<#ty as ::orm_core::__private::Model>::PrimaryKey>>::as_key(key)
        };
        quote! {
            if type_name == <#ty as ::orm_core::__private::MorphParent<#ident, #hash>>::MORPH_TYPE {
                let found = <#ty as ::orm_core::__private::Model>::find(db, #as_key).await?;
                return ::orm_core::__private::Result::Ok(found.map(Self::#variant));
            }
        }
    });
    let type_names = types
        .iter()
        .map(|ty| quote!(<#ty as ::orm_core::__private::MorphParent<#ident, #hash>>::MORPH_TYPE));
    let name = &morph.name;
    let accessor = format_ident!("{}_relation", morph.accessor);
    let associate = format_ident!("associate_{}", morph.name);
    let id_column = &morph.id_column.name;
    let related = variants
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(" | ");
    let vis = &model.vis;
    let enum_doc = format!("The possible owners of a `{model_name}` through `{name}`.");
    let accessor_doc = format!("This row's owner through `{name}`: one of {related}.");
    let type_key = quote_spanned!(type_ty.span()=> <#type_ty as ::orm_core::__private::KeyOf<::std::string::String>>);
    let id_key = quote_spanned!(id_ty.span()=> <#id_ty as ::orm_core::__private::KeyOf<#key>>);

    let derives = &morph.derives;
    let derive = (!derives.is_empty()).then(|| quote!(#[derive(#(#derives),*)]));
    let items = quote! {
        #[doc = #enum_doc]
        #derive
        #vis enum #enum_ident {
            #(
                #[allow(missing_docs)]
                #variants(#types),
            )*
        }

        #(#parent_checks)*

        impl ::orm_core::__private::MorphTargets<#key> for #enum_ident {
            const TYPES: &'static [&'static str] = &[#(#type_names),*];

            fn load<'a>(
                db: &'a ::orm_core::__private::Db,
                def: &'static ::orm_core::__private::RelationDef,
                type_name: &'a str,
                key: &'a #key,
            ) -> impl ::core::future::Future<
                Output = ::orm_core::__private::Result<::core::option::Option<Self>, ::orm_core::__private::Error>,
            > + ::core::marker::Send + 'a {
                async move {
                    #(#loads)*
                    ::orm_core::__private::Result::Err(::orm_core::__private::unknown_morph_type::<#key, Self>(def, type_name))
                }
            }
        }
    };
    let def = def_statics(DefStatics {
        name: quote!(#name),
        kind: quote!(MorphTo),
        model: quote!(#model_name),
        related: quote!(#related),
        foreign_key: quote!(#id_column),
        local_key: quote!(#id_column),
        query_column: quote!(#id_column),
        allow_filtering: quote!(false),
        morph_type: quote!(::core::option::Option::None),
        reads: None,
    });
    let methods = quote! {
        #[doc = #accessor_doc]
        pub fn #accessor(&self) -> ::orm_core::__private::MorphTo<#ident, #enum_ident, #key> {
            #def
            ::orm_core::__private::MorphTo::new(
                &DEF,
                ::core::option::Option::map(#type_key::key(&self.#type_field), ::core::clone::Clone::clone),
                ::core::option::Option::map(#id_key::key(&self.#id_field), ::core::clone::Clone::clone),
            )
        }

        /// Points this row at `owner` (sets its type and key columns); save the row to persist it.
        pub fn #associate<P>(&mut self, owner: &P)
        where
            P: ::orm_core::__private::MorphParent<#ident, #hash>,
            #id_ty: ::orm_core::__private::KeyOf<<P as ::orm_core::__private::Model>::PrimaryKey>,
        {
            self.#type_field = #type_key::from_key(::std::string::String::from(P::MORPH_TYPE));
            self.#id_field = <#id_ty as ::orm_core::__private::KeyOf<<P as ::orm_core::__private::Model>::PrimaryKey>>::from_key(
                ::orm_core::__private::Model::primary_key(owner),
            );
        }
    };
    (methods, items)
}

/// `commentable` -> `Commentable`, `image_owner` -> `ImageOwner`.
fn camel_case(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
