//! Code generation from a validated [`Model`]. No rule is checked here.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Column, Model, Role};
use crate::attr::Order;
use crate::row::{self, RowField};

/// The `impl`s of `Model`, `SerializeRow`, `DeserializeRow` and the column handles.
pub fn model(model: &Model) -> TokenStream {
    let model_impl = model_trait(model);
    let handles = column_handles(model);
    let fields: Vec<RowField> = model
        .columns
        .iter()
        .map(|c| {
            let name = &c.name;
            RowField {
                field: &c.field,
                ty: &c.ty,
                column: quote!(#name),
            }
        })
        .collect();
    let serialize = row::serialize(&model.ident, &fields);
    let deserialize = row::deserialize(&model.ident, &fields, &model.skipped);
    quote! {
        #handles
        const _: () = {
            #model_impl
            #serialize
            #deserialize
        };
    }
}

fn model_trait(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let model_name = ident.to_string();
    let table = &model.table;
    let keyspace = option(model.keyspace.as_ref().map(|k| quote!(#k)));
    let default_ttl = option(model.default_ttl.map(|ttl| quote!(#ttl)));
    let options = option(model.table_options.as_ref().map(|o| quote!(#o)));
    let columns = model.columns.iter().map(column_meta);
    let names = model.columns.iter().map(|c| &c.name);

    let key: Vec<&Column> = model.primary_key().collect();
    let key_fields = key.iter().map(|c| &c.field);
    let (key_type, key_values) = match key.as_slice() {
        [single] => {
            let ty = &single.ty;
            (quote!(#ty), quote!((key,)))
        }
        many => {
            let types = many.iter().map(|c| &c.ty);
            (quote!((#(#types,)*)), quote!(key))
        }
    };

    quote! {
        impl ::orm_core::__private::Model for #ident {
            const TABLE: &'static ::orm_core::__private::TableMeta =
                &::orm_core::__private::TableMeta {
                    model: #model_name,
                    name: #table,
                    keyspace: #keyspace,
                    columns: &[#(#columns),*],
                    default_ttl: #default_ttl,
                    options: #options,
                };

            #[doc(hidden)]
            const __COLUMN_NAMES: &'static [&'static str] = &[#(#names),*];

            type PrimaryKey = #key_type;

            fn __statements() -> &'static ::orm_core::__private::ModelStatements {
                static STATEMENTS: ::orm_core::__private::ModelStatements =
                    ::orm_core::__private::ModelStatements::new::<#ident>();
                &STATEMENTS
            }

            fn __primary_key_values(
                key: &Self::PrimaryKey,
            ) -> impl ::orm_core::__private::SerializeRow + ::core::marker::Send + '_ {
                #key_values
            }

            fn __own_primary_key_values(
                &self,
            ) -> impl ::orm_core::__private::SerializeRow + ::core::marker::Send + '_ {
                (#(&self.#key_fields,)*)
            }
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn column_meta(column: &Column) -> TokenStream {
    let name = &column.name;
    let field = column.field.to_string();
    let ty = &column.ty;
    let indexed = column.indexed;
    // Spanned at the field's type, so an unsupported type is reported there.
    let cql_type = quote_spanned! {ty.span()=>
        &<#ty as ::orm_core::__private::CqlTyped>::CQL_TYPE
    };
    let role = match column.role {
        Role::PartitionKey => quote!(PartitionKey),
        Role::ClusteringKey(Order::Asc) => {
            quote!(ClusteringKey(::orm_core::__private::ClusteringOrder::Asc))
        }
        Role::ClusteringKey(Order::Desc) => {
            quote!(ClusteringKey(::orm_core::__private::ClusteringOrder::Desc))
        }
        Role::Static => quote!(Static),
        Role::Regular => quote!(Regular),
    };
    quote! {
        ::orm_core::__private::ColumnMeta {
            name: #name,
            field: #field,
            cql_type: #cql_type,
            role: ::orm_core::__private::KeyRole::#role,
            indexed: #indexed,
        }
    }
}

/// `Model::FIELD_NAME` consts: typed handles for conditions, ordering and updates.
fn column_handles(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let handles = model.columns.iter().map(|column| {
        let handle = &column.handle;
        let ty = &column.ty;
        let name = &column.name;
        let doc = format!("The `{name}` column, for typed conditions and updates.");
        quote! {
            #[doc = #doc]
            pub const #handle: ::orm_core::Column<#ident, #ty> = ::orm_core::Column::new(#name);
        }
    });
    quote! {
        #[allow(dead_code)]
        impl #ident {
            #(#handles)*
        }
    }
}
