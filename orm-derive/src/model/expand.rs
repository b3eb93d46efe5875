//! Code generation from a validated [`Model`]. No rule is checked here.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Column, Model, Order, Role, Timestamp};
use crate::row::{self, RowField};
use crate::runtime::Runtime;

/// The `impl`s of `Model`, `Hooks`, `SerializeRow`, `DeserializeRow` and the column
/// handles.
pub fn model(model: &Model) -> TokenStream {
    let p = model.runtime.private();
    let model_impl = model_trait(model);
    let handles = column_handles(model);
    let fields: Vec<RowField> = model.columns.iter().map(RowField::of_column).collect();
    let serialize = serialize_row(model);
    let deserialize = row::deserialize(&model.runtime, &model.ident, &fields, &model.skipped);
    let ident = &model.ident;
    let hooks = (!model.hooks).then(|| {
        quote! {
            #[automatically_derived]
            impl #p::Hooks for #ident { const __DEFAULT_HOOKS: bool = true; }
        }
    });
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
fn key_conditions(p: &TokenStream, columns: &[&Column], key: &Key) -> TokenStream {
    let conditions = columns.iter().zip(&key.parts).map(|(column, part)| {
        let name = &column.name;
        quote! {
            #p::Condition::__key(
                #name,
                #p::Arc::new(::core::clone::Clone::clone(#part)),
            )
        }
    });
    quote!(#p::Vec::from([#(#conditions),*]))
}

/// The `Model` impl: the table's metadata, its keys, and how rows give their values.
fn model_trait(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let p = model.runtime.private();
    let table = table_meta(model);
    let names = model.columns.iter().map(|c| &c.name);
    let (key_types, key_fns) = key_items(model);
    let eager_table = crate::relation::eager_table(model);
    let has_timestamps = model.columns.iter().any(|c| c.timestamp.is_some());
    let updated_at = option(model.timestamp(Timestamp::UpdatedAt).map(|c| {
        let name = &c.name;
        quote!(#name)
    }));
    let values = column_values(model);
    let set_cell = set_cell(model);

    quote! {
        #[automatically_derived]
        impl #p::Model for #ident {
            const TABLE: &'static #p::TableMeta = #table;

            #key_types

            const __COLUMN_NAMES: &'static [&'static str] = &[#(#names),*];
            const __HAS_TIMESTAMPS: bool = #has_timestamps;
            const __UPDATED_AT: ::core::option::Option<&'static str> = #updated_at;

            #eager_table

            fn __statements() -> &'static #p::ModelStatements {
                static STATEMENTS: #p::ModelStatements =
                    #p::ModelStatements::new::<#ident>();
                &STATEMENTS
            }

            fn __visit_values(
                &self,
                now: ::core::option::Option<&#p::CqlTimestamp>,
                visit: &mut dyn FnMut(
                    &#p::ColumnValues<'_>,
                ) -> #p::Result<(), #p::SerializationError>,
            ) -> #p::Result<(), #p::SerializationError> {
                visit(&[#(#values),*])
            }

            #set_cell

            #key_fns
        }
    }
}

/// `&TableMeta::new(...)` of a model.
fn table_meta(model: &Model) -> TokenStream {
    let p = model.runtime.private();
    let model_name = model.ident.to_string();
    let table = &model.table;
    let keyspace = option(model.keyspace.as_ref().map(|k| quote!(#k)));
    let default_ttl = option(model.default_ttl.map(|ttl| quote!(#ttl)));
    let options = option(model.table_options.as_ref().map(|o| quote!(#o)));
    let columns = model
        .columns
        .iter()
        .map(|column| column_meta(&model.runtime, column, column.role));
    quote! {
        &#p::TableMeta::new(#model_name, #table, &[#(#columns),*])
            .with_keyspace(#keyspace)
            .with_default_ttl(#default_ttl)
            .with_options(#options)
    }
}

/// The `Model` items about keys: the key types; then their values and conditions, and a
/// row's own primary key.
fn key_items(model: &Model) -> (TokenStream, TokenStream) {
    let p = model.runtime.private();
    let primary: Vec<&Column> = model.primary_key().collect();
    let partition: Vec<&Column> = model.partition_key().collect();
    let primary_key = key(&primary);
    let partition_key = key(&partition);
    let primary_type = &primary_key.ty;
    let partition_type = &partition_key.ty;
    let primary_conditions = key_conditions(&p, &primary, &primary_key);
    let partition_conditions = key_conditions(&p, &partition, &partition_key);
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
    let types = quote! {
        type PrimaryKey = #primary_type;
        type PartitionKey = #partition_type;
    };
    let fns = quote! {
        fn __primary_key_values(
            key: &Self::PrimaryKey,
        ) -> impl #p::SerializeRow + ::core::marker::Send + '_ {
            #key_values
        }

        fn __primary_key_conditions(
            key: &Self::PrimaryKey,
        ) -> #p::Vec<#p::Condition<Self>> {
            #primary_conditions
        }

        fn __partition_key_conditions(
            key: &Self::PartitionKey,
        ) -> #p::Vec<#p::Condition<Self>> {
            #partition_conditions
        }

        fn primary_key(&self) -> Self::PrimaryKey {
            #own_key
        }
    };
    (types, fns)
}

/// `__set_cell`: reads one CQL value into the field of a column named at run time (what
/// factories fill relation keys with).
fn set_cell(model: &Model) -> TokenStream {
    let p = model.runtime.private();
    let model_name = model.ident.to_string();
    let arms = model.columns.iter().map(|column| {
        let name = &column.name;
        let field = &column.field;
        let ty = &column.ty;
        // Spanned at the field's type and reading through `read_value` as the row
        // deserializer does, so a type that does not fit gets the same one error.
        let span = ty.span();
        let p = model.runtime.private_at(span);
        quote_spanned! {span=>
            #name => #p::Some(#p::with_cell(#name, typ, cell, |column| {
                let value: #ty = #p::read_value(#model_name, #name, column)?;
                self.#field = value;
                #p::Result::Ok(())
            })),
        }
    });
    quote! {
        fn __set_cell(
            &mut self,
            column: &str,
            typ: &#p::ColumnType<'_>,
            cell: #p::FrameSlice<'_>,
        ) -> #p::Option<#p::Result<(), #p::DeserializationError>> {
            match column {
                #(#arms)*
                _ => #p::None,
            }
        }
    }
}

/// `(name, value)` of each column of `self`, automatic timestamps filled with `now`.
fn column_values(model: &Model) -> impl Iterator<Item = TokenStream> + '_ {
    model.columns.iter().map(|column| {
        let name = &column.name;
        let field = &column.field;
        // Spanned at the field's type, so a type that does not fit is reported there.
        let span = column.ty.span();
        let p = model.runtime.private_at(span);
        let value = match column.timestamp {
            Some(Timestamp::CreatedAt) => quote_spanned!(span=> #p::created_at(&self.#field, now)),
            Some(Timestamp::UpdatedAt) => quote_spanned!(span=> #p::updated_at(&self.#field, now)),
            None => quote_spanned!(span=> #p::column_value(&self.#field)),
        };
        quote_spanned!(span=> (#name, #value))
    })
}

/// `SerializeRow` binding every column by name, `None` left unset.
fn serialize_row(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let model_name = ident.to_string();
    let p = model.runtime.private();
    let body = quote! {
        #p::Model::__visit_values(
            self,
            ::core::option::Option::None,
            &mut |values| {
                #p::serialize_by_name(#model_name, values, &[], ctx, writer)
            },
        )
    };
    serialize_row_impl(&model.runtime, ident, body)
}

/// `impl SerializeRow for #ident`, never empty, whose `serialize` is `body` (with `ctx`
/// and `writer` in scope).
pub fn serialize_row_impl(runtime: &Runtime, ident: &syn::Ident, body: TokenStream) -> TokenStream {
    let p = runtime.private();
    quote! {
        #[automatically_derived]
        impl #p::SerializeRow for #ident {
            fn serialize(
                &self,
                ctx: &#p::RowSerializationContext<'_>,
                writer: &mut #p::RowWriter<'_>,
            ) -> #p::Result<(), #p::SerializationError> {
                #body
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

/// `ColumnMeta::new(...)` of a column, in the role it has in the table described (a pivot's
/// columns have one per direction).
pub fn column_meta(runtime: &Runtime, column: &Column, role: Role) -> TokenStream {
    let p = runtime.private();
    let name = &column.name;
    let field = column.field.to_string();
    let ty = &column.ty;
    let indexed = column.index.is_some();
    // Spanned at the field's type, so an unsupported type is reported there.
    let typed = runtime.private_at(ty.span());
    let cql_type = quote_spanned! {ty.span()=>
        &<#ty as #typed::CqlTyped>::CQL_TYPE
    };
    let role = match role {
        Role::PartitionKey => quote!(PartitionKey),
        Role::ClusteringKey(Order::Asc) => {
            quote!(ClusteringKey(#p::ClusteringOrder::Asc))
        }
        Role::ClusteringKey(Order::Desc) => {
            quote!(ClusteringKey(#p::ClusteringOrder::Desc))
        }
        Role::Static => quote!(Static),
        Role::Regular => quote!(Regular),
    };
    quote! {
        #p::ColumnMeta::new(#name, #field, #cql_type, #p::KeyRole::#role, #indexed)
    }
}

/// `Model::FIELD_NAME` consts: typed handles for conditions, ordering, updates and
/// relations; and `Field<hash of the column name>` impls, through which other models'
/// relations find a column by its name.
fn column_handles(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let p = model.runtime.private();
    let orm = model.runtime.root();
    let handles = model.columns.iter().enumerate().map(|(index, column)| {
        let handle = &column.handle;
        let field = &column.field;
        let ty = &column.ty;
        let name = &column.name;
        let doc = format!("The `{name}` column, for typed conditions and updates.");
        quote! {
            #[doc = #doc]
            pub const #handle: #orm::Column<#ident, #ty> = #orm::Column::new(
                &<#ident as #p::Model>::TABLE.columns[#index],
                |row| &row.#field,
                |row| &mut row.#field,
            );
        }
    });
    let by_name = model.columns.iter().map(|column| {
        let handle = &column.handle;
        let ty = &column.ty;
        let hash = crate::names::column_hash(&column.name);
        quote! {
            #[automatically_derived]
            impl #p::Field<#hash> for #ident {
                type Type = #ty;
                const COLUMN: #orm::Column<Self, #ty> = #ident::#handle;
            }
        }
    });
    let partition: Vec<&Column> = model.partition_key().collect();
    let partition_key_column = match partition.as_slice() {
        [only] => {
            let handle = &only.handle;
            let ty = &only.ty;
            quote! {
                #[automatically_derived]
                impl #p::PartitionKeyColumn for #ident {
                    type Type = #ty;
                    const COLUMN: #orm::Column<Self, #ty> = #ident::#handle;
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
