//! Code generation from a validated [`Model`]. No rule is checked here.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Column, Model, Role};
use crate::attr::Order;

/// The `impl`s of `Model`, `SerializeRow` and `DeserializeRow`.
pub fn model(model: &Model) -> TokenStream {
    let model_impl = model_trait(model);
    let serialize = serialize_row(model);
    let deserialize = deserialize_row(model);
    quote! {
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
    let columns = model.columns.iter().map(column_meta);

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
                    keyspace: ::core::option::Option::None,
                    columns: &[#(#columns),*],
                };

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

fn column_meta(column: &Column) -> TokenStream {
    let name = &column.name;
    let field = column.field.to_string();
    let ty = &column.ty;
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
        Role::Regular => quote!(Regular),
    };
    quote! {
        ::orm_core::__private::ColumnMeta {
            name: #name,
            field: #field,
            cql_type: #cql_type,
            role: ::orm_core::__private::KeyRole::#role,
        }
    }
}

fn serialize_row(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let model_name = ident.to_string();
    let values = model.columns.iter().map(|column| {
        let name = &column.name;
        let field = &column.field;
        quote_spanned! {column.ty.span()=>
            (#name, ::orm_core::__private::column_value(&self.#field))
        }
    });
    quote! {
        impl ::orm_core::__private::SerializeRow for #ident {
            fn serialize(
                &self,
                ctx: &::orm_core::__private::RowSerializationContext<'_>,
                writer: &mut ::orm_core::__private::RowWriter<'_>,
            ) -> ::orm_core::__private::Result<(), ::orm_core::__private::SerializationError> {
                ::orm_core::__private::serialize_by_name(#model_name, &[#(#values),*], ctx, writer)
            }

            fn is_empty(&self) -> bool {
                false
            }
        }
    }
}

fn deserialize_row(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let model_name = ident.to_string();
    let names = model.columns.iter().map(|c| &c.name);
    let type_checks = model.columns.iter().enumerate().map(|(index, column)| {
        let name = &column.name;
        let ty = &column.ty;
        quote_spanned! {ty.span()=>
            ::orm_core::__private::check_type::<#ty>(#model_name, #name, specs[#index].typ())?;
        }
    });
    let fields = model.columns.iter().map(|column| {
        let name = &column.name;
        let field = &column.field;
        quote_spanned! {column.ty.span()=>
            #field: ::orm_core::__private::next_value(#model_name, #name, &mut row)?
        }
    });
    let skipped = model.skipped.iter();
    quote! {
        impl<'__frame, '__meta> ::orm_core::__private::DeserializeRow<'__frame, '__meta> for #ident {
            fn type_check(
                specs: &[::orm_core::__private::ColumnSpec<'_>],
            ) -> ::orm_core::__private::Result<(), ::orm_core::__private::TypeCheckError> {
                ::orm_core::__private::check_columns(#model_name, specs, &[#(#names),*])?;
                #(#type_checks)*
                ::orm_core::__private::Result::Ok(())
            }

            fn deserialize(
                mut row: ::orm_core::__private::ColumnIterator<'__frame, '__meta>,
            ) -> ::orm_core::__private::Result<Self, ::orm_core::__private::DeserializationError> {
                ::orm_core::__private::Result::Ok(Self {
                    #(#fields,)*
                    #(#skipped: ::orm_core::__private::Default::default(),)*
                })
            }
        }
    }
}
