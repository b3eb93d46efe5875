//! Code generation from a validated [`Model`]. No rule is checked here.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Column, Model, Role, Timestamp};
use crate::attr::Order;
use crate::row::{self, RowField};

/// The `impl`s of `Model`, `Hooks`, `SerializeRow`, `DeserializeRow` and the column
/// handles.
pub fn model(model: &Model) -> TokenStream {
    let model_impl = model_trait(model);
    let handles = column_handles(model);
    let fields: Vec<RowField> = model.columns.iter().map(RowField::of_column).collect();
    let serialize = serialize_row(model);
    let deserialize = row::deserialize(&model.ident, &fields, &model.skipped);
    let ident = &model.ident;
    let hooks = (!model.hooks).then(|| quote!(impl ::orm_core::__private::Hooks for #ident {}));
    let relations = crate::relation::expand(model);
    quote! {
        #handles
        #relations
        const _: () = {
            #model_impl
            #hooks
            #serialize
            #deserialize
        };
    }
}

/// The key type (the column's type, or a tuple) and its values' expressions.
struct Key {
    ty: TokenStream,
    /// `key.clone()` or `key.0.clone()`, ... for each column of a key value named `key`.
    parts: Vec<TokenStream>,
}

fn key(columns: &[&Column]) -> Key {
    match columns {
        [single] => {
            let ty = &single.ty;
            Key {
                ty: quote!(#ty),
                parts: vec![quote!(key)],
            }
        }
        many => {
            let types = many.iter().map(|c| &c.ty);
            Key {
                ty: quote!((#(#types,)*)),
                parts: (0..many.len())
                    .map(|i| {
                        let index = syn::Index::from(i);
                        quote!(&key.#index)
                    })
                    .collect(),
            }
        }
    }
}

/// `vec![Condition::__key("a", Box::new(a.clone())), ...]` for a key value named `key`.
fn key_conditions(columns: &[&Column], key: &Key) -> TokenStream {
    let conditions = columns.iter().zip(&key.parts).map(|(column, part)| {
        let name = &column.name;
        quote! {
            ::orm_core::__private::Condition::__key(
                #name,
                ::orm_core::__private::Arc::new(::core::clone::Clone::clone(#part)),
            )
        }
    });
    quote!(::orm_core::__private::Vec::from([#(#conditions),*]))
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

    let primary: Vec<&Column> = model.primary_key().collect();
    let partition: Vec<&Column> = model.partition_key().collect();
    let primary_key = key(&primary);
    let partition_key = key(&partition);
    let primary_type = &primary_key.ty;
    let partition_type = &partition_key.ty;
    let primary_conditions = key_conditions(&primary, &primary_key);
    let partition_conditions = key_conditions(&partition, &partition_key);
    let key_values = if primary.len() == 1 {
        quote!((key,))
    } else {
        quote!(key)
    };
    let own_key = {
        let fields = primary.iter().map(|c| {
            let field = &c.field;
            quote!(::core::clone::Clone::clone(&self.#field))
        });
        if primary.len() == 1 {
            quote!(#(#fields)*)
        } else {
            quote!((#(#fields,)*))
        }
    };

    let eager_table = crate::relation::eager_table(model);
    let has_timestamps = model.columns.iter().any(|c| c.timestamp.is_some());
    let updated_at = option(model.timestamp(Timestamp::UpdatedAt).map(|c| {
        let name = &c.name;
        quote!(#name)
    }));
    let values = model.columns.iter().map(|column| {
        let name = &column.name;
        let field = &column.field;
        // Spanned at the field's type, so a type that does not fit is reported there.
        let span = column.ty.span();
        let value = match column.timestamp {
            Some(Timestamp::CreatedAt) => {
                quote_spanned!(span=> ::orm_core::__private::created_at(&self.#field, now))
            }
            Some(Timestamp::UpdatedAt) => {
                quote_spanned!(span=> ::orm_core::__private::updated_at(&self.#field, now))
            }
            None => quote_spanned!(span=> ::orm_core::__private::column_value(&self.#field)),
        };
        quote_spanned!(span=> (#name, #value))
    });

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

            type PrimaryKey = #primary_type;
            type PartitionKey = #partition_type;

            const __COLUMN_NAMES: &'static [&'static str] = &[#(#names),*];
            const __HAS_TIMESTAMPS: bool = #has_timestamps;
            const __UPDATED_AT: ::core::option::Option<&'static str> = #updated_at;

            #eager_table

            fn __statements() -> &'static ::orm_core::__private::ModelStatements {
                static STATEMENTS: ::orm_core::__private::ModelStatements =
                    ::orm_core::__private::ModelStatements::new::<#ident>();
                &STATEMENTS
            }

            fn __visit_values(
                &self,
                now: ::core::option::Option<&::orm_core::__private::CqlTimestamp>,
                visit: &mut dyn FnMut(
                    &::orm_core::__private::ColumnValues<'_>,
                ) -> ::orm_core::__private::Result<(), ::orm_core::__private::SerializationError>,
            ) -> ::orm_core::__private::Result<(), ::orm_core::__private::SerializationError> {
                visit(&[#(#values),*])
            }

            fn __primary_key_values(
                key: &Self::PrimaryKey,
            ) -> impl ::orm_core::__private::SerializeRow + ::core::marker::Send + '_ {
                #key_values
            }

            fn __primary_key_conditions(
                key: &Self::PrimaryKey,
            ) -> ::orm_core::__private::Vec<::orm_core::__private::Condition<Self>> {
                #primary_conditions
            }

            fn __partition_key_conditions(
                key: &Self::PartitionKey,
            ) -> ::orm_core::__private::Vec<::orm_core::__private::Condition<Self>> {
                #partition_conditions
            }

            fn primary_key(&self) -> Self::PrimaryKey {
                #own_key
            }
        }
    }
}

/// `SerializeRow` binding every column by name, `None` left unset.
fn serialize_row(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let model_name = ident.to_string();
    quote! {
        impl ::orm_core::__private::SerializeRow for #ident {
            fn serialize(
                &self,
                ctx: &::orm_core::__private::RowSerializationContext<'_>,
                writer: &mut ::orm_core::__private::RowWriter<'_>,
            ) -> ::orm_core::__private::Result<(), ::orm_core::__private::SerializationError> {
                ::orm_core::__private::Model::__visit_values(
                    self,
                    ::core::option::Option::None,
                    &mut |values| {
                        ::orm_core::__private::serialize_by_name(#model_name, values, &[], ctx, writer)
                    },
                )
            }

            fn is_empty(&self) -> bool {
                false
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

pub(crate) fn column_meta(column: &Column) -> TokenStream {
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

/// `Model::FIELD_NAME` consts: typed handles for conditions, ordering, updates and
/// relations; and `Field<hash of the column name>` impls, through which other models'
/// relations find a column by its name.
fn column_handles(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let handles = model.columns.iter().enumerate().map(|(index, column)| {
        let handle = &column.handle;
        let field = &column.field;
        let ty = &column.ty;
        let name = &column.name;
        let doc = format!("The `{name}` column, for typed conditions and updates.");
        quote! {
            #[doc = #doc]
            pub const #handle: ::orm_core::Column<#ident, #ty> = ::orm_core::Column::new(
                &<#ident as ::orm_core::__private::Model>::TABLE.columns[#index],
                |row| &row.#field,
                |row| &mut row.#field,
            );
        }
    });
    let by_name = model.columns.iter().map(|column| {
        let handle = &column.handle;
        let ty = &column.ty;
        let hash = crate::relation::column_hash(&column.name);
        quote! {
            impl ::orm_core::__private::Field<#hash> for #ident {
                type Type = #ty;
                const COLUMN: ::orm_core::Column<Self, #ty> = #ident::#handle;
            }
        }
    });
    let partition: Vec<&Column> = model.partition_key().collect();
    let partition_key_column = match partition.as_slice() {
        [only] => {
            let handle = &only.handle;
            let ty = &only.ty;
            quote! {
                impl ::orm_core::__private::PartitionKeyColumn for #ident {
                    type Type = #ty;
                    const COLUMN: ::orm_core::Column<Self, #ty> = #ident::#handle;
                }
            }
        }
        _ => TokenStream::new(),
    };
    quote! {
        #[allow(dead_code)]
        impl #ident {
            #(#handles)*
        }

        #(#by_name)*
        #partition_key_column
    }
}
