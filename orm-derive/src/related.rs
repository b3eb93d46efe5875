//! Generated code that reaches the related model, shared by the relation and morph
//! expansions: its columns by name (through the `Field<hash of name>` impls every model
//! publishes) and the relation's `static DEF: RelationDef`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use crate::keys::Named;
use crate::model::Model;
use crate::names::{column_hash, lookup_trait};
use crate::runtime::Runtime;

/// `<Model as Field<hash>>`, spanned at where the column was named.
pub fn field(runtime: &Runtime, model: &TokenStream, named: &Named) -> TokenStream {
    let hash = column_hash(&named.name);
    let p = runtime.private_at(named.span);
    quote_spanned!(named.span=> <#model as #p::Field<#hash>>)
}

/// The column `named` of `related` by `option`, through [`column_lookup`]'s trait:
/// `<Related as foreign_key_owner_id>::COLUMN`.
pub fn looked_up(related: &impl quote::ToTokens, named: &Named, option: &str) -> TokenStream {
    let lookup_trait = lookup_trait(option, &named.name, named.span);
    quote_spanned!(named.span=> <#related as #lookup_trait>::COLUMN)
}

/// A trait through which a generated body reads the related model's column `named`
/// (see [`looked_up`]).
///
/// The related model's columns are its `Field<hash of name>` impls. Going through this
/// trait, declared in the body with `do_not_recommend` on its one impl, a missing column is
/// reported with `Field`'s message at the name, and a help line naming this trait, so the
/// option and the column ("the trait `foreign_key_owner_id` is not implemented for
/// `Post`"), rather than a list of the model's other `Field<hash>` impls.
pub fn column_lookup(runtime: &Runtime, named: &Named, option: &str) -> TokenStream {
    let hash = column_hash(&named.name);
    let trait_name = lookup_trait(option, &named.name, named.span);
    let orm = runtime.root_at(named.span);
    let p = runtime.private_at(named.span);
    quote_spanned! {named.span=>
        #[allow(non_camel_case_types)]
        trait #trait_name: ::core::marker::Sized {
            type Type;
            const COLUMN: #orm::Column<Self, Self::Type>;
        }
        #[diagnostic::do_not_recommend]
        impl<M: #p::Field<#hash>> #trait_name for M {
            type Type = <M as #p::Field<#hash>>::Type;
            const COLUMN: #orm::Column<M, Self::Type> =
                <M as #p::Field<#hash>>::COLUMN;
        }
    }
}

/// The pieces of a relation accessor's `static DEF: RelationDef`, besides the model it is
/// on, which [`def_statics`] takes as it is.
pub struct DefStatics<'a> {
    /// The accessor's base name.
    pub name: &'a str,
    pub kind: TokenStream,
    /// The related model's name (`Post`; `Post | Video` for a `morph_to`).
    pub related: &'a str,
    pub foreign_key: TokenStream,
    pub local_key: TokenStream,
    pub query_column: TokenStream,
    pub allow_filtering: bool,
    pub morph_type: TokenStream,
    /// The related model, for the kinds whose `get`/`first` read its table directly:
    /// they also get a `static STATEMENTS` rendered from `DEF`.
    pub reads: Option<TokenStream>,
}

/// `static DEF` (and `STATEMENTS` when the relation reads the related table itself), for
/// the body of a relation accessor of `model`.
pub fn def_statics(model: &Model, def: DefStatics) -> TokenStream {
    let p = model.runtime.private();
    let model_name = model.ident.to_string();
    let DefStatics {
        name,
        kind,
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
                static STATEMENTS: #p::RelationStatements =
                    #p::RelationStatements::new(|first| {
                        #p::relation_cql::<#read_model>(&DEF, first)
                    });
            },
        ),
        None => (quote!(::core::option::Option::None), TokenStream::new()),
    };
    quote! {
        static DEF: #p::RelationDef = #p::RelationDef::new(
            #name,
            #p::RelationKind::#kind,
            #model_name,
            #related,
            #foreign_key,
            #local_key,
        )
        .with_query_column(#query_column)
        .with_allow_filtering(#allow_filtering)
        .with_morph_type(#morph_type)
        .with_statements(#statements);
        #statements_static
    }
}
