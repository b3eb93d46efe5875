//! `#[derive(Pivot)]`: the row joining two models in a many-to-many relation, stored in
//! one table per read direction.

use darling::util::{Flag, SpannedValue};
use darling::{Error, FromDeriveInput, FromField, ast};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::ast::{Column, Role};
use crate::attr::Order;
use crate::check::{column_name, is_plain_name};
use crate::expand::column_meta;
use crate::names::snake_case;
use crate::row::{self, RowField};

#[derive(FromDeriveInput)]
#[darling(attributes(pivot), supports(struct_named))]
struct PivotAttrs {
    ident: syn::Ident,
    generics: syn::Generics,
    data: ast::Data<(), PivotField>,
    /// `left = Post`.
    left: Option<syn::Path>,
    /// `right = Tag`.
    right: Option<syn::Path>,
    /// `table = "post_tags"`: the table partitioned by the left key.
    table: Option<SpannedValue<String>>,
    /// `inverse_table = "tag_posts"`: the table partitioned by the right key.
    inverse_table: Option<SpannedValue<String>>,
}

#[derive(FromField)]
#[darling(attributes(pivot))]
struct PivotField {
    ident: Option<syn::Ident>,
    ty: syn::Type,
    /// `left`: holds the left model's primary key.
    left: Flag,
    /// `right`: holds the right model's primary key.
    right: Flag,
    /// `rename = "column"`.
    rename: Option<SpannedValue<String>>,
}

/// Parses, checks and expands a `#[derive(Pivot)]` input.
pub fn derive(input: &syn::DeriveInput) -> Result<TokenStream, Error> {
    let attrs = PivotAttrs::from_derive_input(input)?;
    let mut errors = Error::accumulator();
    let ident = &attrs.ident;
    if !attrs.generics.params.is_empty() {
        errors.push(
            Error::custom("a Pivot cannot have generic parameters: it maps to two fixed tables")
                .with_span(&attrs.generics),
        );
    }
    let side = |path: &Option<syn::Path>, name: &str| {
        path.clone().ok_or_else(|| {
            Error::custom(format!(
                "`{ident}` needs `#[pivot({name} = Model)]` naming the {name} model it joins"
            ))
            .with_span(ident)
        })
    };
    let left_model = errors.handle(side(&attrs.left, "left"));
    let right_model = errors.handle(side(&attrs.right, "right"));

    let fields = attrs
        .data
        .take_struct()
        .expect("darling's `supports(struct_named)` admits named structs only")
        .fields;
    let mut columns = Vec::new();
    let mut left = None;
    let mut right = None;
    for field in fields {
        let field_ident = field
            .ident
            .clone()
            .expect("darling's `supports(struct_named)` admits named fields only");
        let name = column_name(&field_ident, field.rename.as_ref(), &mut errors);
        let index = columns.len();
        for (flag, slot, which) in [
            (&field.left, &mut left, "left"),
            (&field.right, &mut right, "right"),
        ] {
            if flag.is_present() {
                if slot.is_some() {
                    errors.push(
                        Error::custom(format!("only one field can be `{which}`: remove it here"))
                            .with_span(&flag.span()),
                    );
                }
                *slot = Some(index);
            }
        }
        if field.left.is_present() && field.right.is_present() {
            errors.push(
                Error::custom("a field is either `left` or `right`, not both")
                    .with_span(&field.right.span()),
            );
        }
        columns.push(Column {
            handle: syn::Ident::new(
                &field_ident.unraw().to_string().to_uppercase(),
                field_ident.span(),
            ),
            field: field_ident,
            ty: field.ty,
            name,
            role: Role::Regular,
            indexed: false,
            index_span: None,
            timestamp: None,
        });
    }
    for (slot, which) in [(left, "left"), (right, "right")] {
        if slot.is_none() {
            errors.push(
                Error::custom(format!(
                    "`{ident}` has no `#[pivot({which})]` field: mark the field holding the {which} model's primary key"
                ))
                .with_span(ident),
            );
        }
    }
    // `<first>_<plural of second>`, by the relation names' rule; where that rule would
    // guess, the table must be named.
    let mut table_name = |given: &Option<SpannedValue<String>>,
                          option: &str,
                          first: &Option<syn::Path>,
                          second: &Option<syn::Path>| {
        match given {
            Some(name) => name.as_str().to_owned(),
            None => {
                let many = model_snake(second);
                let plural = crate::names::plural(&many).unwrap_or_else(|_| {
                    errors.push(
                        Error::custom(format!(
                            "`{many}` has no default plural (it is irregular, ambiguous or ends in -s), so this pivot's `{option}` has no default name: name it with `{option} = \"...\"`"
                        ))
                        .with_span(ident),
                    );
                    many.clone()
                });
                format!("{}_{plural}", model_snake(first))
            }
        }
    };
    let forward_table = table_name(&attrs.table, "table", &attrs.left, &attrs.right);
    let inverse_table = table_name(
        &attrs.inverse_table,
        "inverse_table",
        &attrs.right,
        &attrs.left,
    );
    for (given, name) in [
        (&attrs.table, &forward_table),
        (&attrs.inverse_table, &inverse_table),
    ] {
        if !is_plain_name(name) || name.len() > 48 {
            let (span, fix) = match given {
                Some(given) => (given.span(), ""),
                None => (
                    ident.span(),
                    ": name the tables with `table` / `inverse_table`",
                ),
            };
            errors.push(
                Error::custom(format!(
                    "invalid table name {name:?}: use 1 to 48 ASCII letters, digits or underscores{fix}"
                ))
                .with_span(&span),
            );
        }
    }
    if forward_table == inverse_table {
        errors.push(
            Error::custom(format!(
                "both directions would use the table `{forward_table}`: give `table` and `inverse_table` different names"
            ))
            .with_span(ident),
        );
    }
    errors.finish()?;
    let (left, right) = (left.expect("checked"), right.expect("checked"));
    let (left_model, right_model) = (left_model.expect("checked"), right_model.expect("checked"));
    Ok(expand(
        ident,
        &columns,
        (left, &left_model),
        (right, &right_model),
        (&forward_table, &inverse_table),
    ))
}

fn model_snake(path: &Option<syn::Path>) -> String {
    path.as_ref()
        .and_then(|p| p.segments.last())
        .map(|s| snake_case(&s.ident.to_string()))
        .unwrap_or_default()
}

/// The table metadata of one direction: partitioned by `first`, clustered by `second`.
fn table_meta(
    ident: &syn::Ident,
    name: &str,
    columns: &[Column],
    first: usize,
    second: usize,
) -> TokenStream {
    let model_name = ident.to_string();
    let metas = columns.iter().enumerate().map(|(i, column)| {
        let role = if i == first {
            Role::PartitionKey
        } else if i == second {
            Role::ClusteringKey(Order::Asc)
        } else {
            Role::Regular
        };
        column_meta(&Column {
            role,
            handle: column.handle.clone(),
            field: column.field.clone(),
            ty: column.ty.clone(),
            name: column.name.clone(),
            indexed: false,
            index_span: None,
            timestamp: None,
        })
    });
    quote! {
        &::orm_core::__private::TableMeta {
            model: #model_name,
            name: #name,
            keyspace: ::core::option::Option::None,
            columns: &[#(#metas),*],
            default_ttl: ::core::option::Option::None,
            options: ::core::option::Option::None,
        }
    }
}

fn expand(
    ident: &syn::Ident,
    columns: &[Column],
    (left, left_model): (usize, &syn::Path),
    (right, right_model): (usize, &syn::Path),
    (forward_table, inverse_table): (&str, &str),
) -> TokenStream {
    let model_name = ident.to_string();
    let forward = table_meta(ident, forward_table, columns, left, right);
    let inverse = table_meta(ident, inverse_table, columns, right, left);
    let names = columns.iter().map(|c| &c.name);
    let (left_field, right_field) = (&columns[left].field, &columns[right].field);
    let (left_name, right_name) = (&columns[left].name, &columns[right].name);
    // Through `SameKey`, spanned at the field: a field whose type is not the model's
    // primary key type gets one error saying so.
    let [as_left_key, as_right_key] = [(left, left_model), (right, right_model)].map(|(index, model)| {
        let column = &columns[index];
        let (ty, field) = (&column.ty, &column.field);
        quote_spanned! {ty.span()=>
            <#ty as ::orm_core::__private::SameKey<<#model as ::orm_core::__private::Model>::PrimaryKey>>::as_key(&self.#field)
        }
    });
    let [from_left_key, from_right_key] = [(left, left_model, quote!(left)), (right, right_model, quote!(right))].map(|(index, model, value)| {
        let ty = &columns[index].ty;
        quote_spanned! {ty.span()=>
            <#ty as ::orm_core::__private::SameKey<<#model as ::orm_core::__private::Model>::PrimaryKey>>::from_key(#value)
        }
    });
    let values = columns.iter().map(|column| {
        let name = &column.name;
        let field = &column.field;
        quote_spanned!(column.ty.span()=> (#name, ::orm_core::__private::column_value(&self.#field)))
    });
    let row_fields: Vec<RowField> = columns.iter().map(RowField::of_column).collect();
    let deserialize = row::deserialize(ident, &row_fields, &[]);

    quote! {
        const _: () = {
            impl ::orm_core::__private::Pivot for #ident {
                type Left = #left_model;
                type Right = #right_model;
                const FORWARD: &'static ::orm_core::__private::TableMeta = #forward;
                const INVERSE: &'static ::orm_core::__private::TableMeta = #inverse;
                const LEFT_COLUMN: &'static str = #left_name;
                const RIGHT_COLUMN: &'static str = #right_name;
                const __COLUMN_NAMES: &'static [&'static str] = &[#(#names),*];

                fn left_key(&self) -> &<#left_model as ::orm_core::__private::Model>::PrimaryKey {
                    #as_left_key
                }

                fn right_key(&self) -> &<#right_model as ::orm_core::__private::Model>::PrimaryKey {
                    #as_right_key
                }

                fn set_keys(
                    &mut self,
                    left: <#left_model as ::orm_core::__private::Model>::PrimaryKey,
                    right: <#right_model as ::orm_core::__private::Model>::PrimaryKey,
                ) {
                    self.#left_field = #from_left_key;
                    self.#right_field = #from_right_key;
                }
            }

            impl ::orm_core::__private::SerializeRow for #ident {
                fn serialize(
                    &self,
                    ctx: &::orm_core::__private::RowSerializationContext<'_>,
                    writer: &mut ::orm_core::__private::RowWriter<'_>,
                ) -> ::orm_core::__private::Result<(), ::orm_core::__private::SerializationError> {
                    ::orm_core::__private::serialize_by_name(#model_name, &[#(#values),*], &[], ctx, writer)
                }

                fn is_empty(&self) -> bool {
                    false
                }
            }

            #deserialize

            impl ::orm_core::__private::Side<#ident, #left_model, #right_model> for ::orm_core::__private::Forward {
                const TABLE: &'static ::orm_core::__private::TableMeta = <#ident as ::orm_core::__private::Pivot>::FORWARD;
                const OPPOSITE: &'static ::orm_core::__private::TableMeta = <#ident as ::orm_core::__private::Pivot>::INVERSE;
                const OWN_COLUMN: &'static str = #left_name;
                const OTHER_COLUMN: &'static str = #right_name;

                fn own_key(pivot: &#ident) -> &<#left_model as ::orm_core::__private::Model>::PrimaryKey {
                    ::orm_core::__private::Pivot::left_key(pivot)
                }

                fn other_key(pivot: &#ident) -> &<#right_model as ::orm_core::__private::Model>::PrimaryKey {
                    ::orm_core::__private::Pivot::right_key(pivot)
                }

                fn set_keys(
                    pivot: &mut #ident,
                    own: <#left_model as ::orm_core::__private::Model>::PrimaryKey,
                    other: <#right_model as ::orm_core::__private::Model>::PrimaryKey,
                ) {
                    ::orm_core::__private::Pivot::set_keys(pivot, own, other);
                }
            }

            impl ::orm_core::__private::Side<#ident, #right_model, #left_model> for ::orm_core::__private::Inverse {
                const TABLE: &'static ::orm_core::__private::TableMeta = <#ident as ::orm_core::__private::Pivot>::INVERSE;
                const OPPOSITE: &'static ::orm_core::__private::TableMeta = <#ident as ::orm_core::__private::Pivot>::FORWARD;
                const OWN_COLUMN: &'static str = #right_name;
                const OTHER_COLUMN: &'static str = #left_name;

                fn own_key(pivot: &#ident) -> &<#right_model as ::orm_core::__private::Model>::PrimaryKey {
                    ::orm_core::__private::Pivot::right_key(pivot)
                }

                fn other_key(pivot: &#ident) -> &<#left_model as ::orm_core::__private::Model>::PrimaryKey {
                    ::orm_core::__private::Pivot::left_key(pivot)
                }

                fn set_keys(
                    pivot: &mut #ident,
                    own: <#right_model as ::orm_core::__private::Model>::PrimaryKey,
                    other: <#left_model as ::orm_core::__private::Model>::PrimaryKey,
                ) {
                    ::orm_core::__private::Pivot::set_keys(pivot, other, own);
                }
            }
        };
    }
}
