//! Code generation from a validated [`Pivot`]. No rule is checked here.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{End, Pivot};
use crate::model::expand::{column_meta, serialize_row_impl};
use crate::model::{Column, Order, Role};
use crate::row::{self, RowField};

/// The impls of `Pivot`, `SerializeRow`, `DeserializeRow` and both directions' `Side`.
pub fn pivot(pivot: &Pivot) -> TokenStream {
    let pivot_impl = pivot_impl(pivot);
    let serialize = serialize_row(pivot);
    let row_fields: Vec<RowField> = pivot.columns.iter().map(RowField::of_column).collect();
    let deserialize = row::deserialize(&pivot.runtime, &pivot.ident, &row_fields, &[]);
    let forward = side(pivot, (&pivot.left, &pivot.right), false);
    let inverse = side(pivot, (&pivot.right, &pivot.left), true);
    quote! {
        const _: () = {
            #pivot_impl
            #serialize
            #deserialize
            #forward
            #inverse
        };
    }
}

/// The `Pivot` impl: both tables, the key columns, and reading and setting the keys.
fn pivot_impl(pivot: &Pivot) -> TokenStream {
    let Pivot {
        ident,
        runtime,
        left,
        right,
        ..
    } = pivot;
    let p = runtime.private();
    let forward = table_meta(pivot, &pivot.table, (left, right));
    let inverse = table_meta(pivot, &pivot.inverse_table, (right, left));
    let names = pivot.columns.iter().map(|c| &c.name);
    let (left_model, right_model) = (&left.model, &right.model);
    let (left_field, right_field) = (&left.column.field, &right.column.field);
    let (left_name, right_name) = (&left.column.name, &right.column.name);
    // Through `SameKey`, spanned at the field: a field whose type is not the model's
    // primary key type gets one error saying so.
    let [as_left_key, as_right_key] = [left, right].map(|end| {
        let (ty, field, model) = (&end.column.ty, &end.column.field, &end.model);
        let p = runtime.private_at(ty.span());
        quote_spanned! {ty.span()=>
            <#ty as #p::SameKey<<#model as #p::Model>::PrimaryKey>>::as_key(&self.#field)
        }
    });
    let [from_left_key, from_right_key] =
        [(left, quote!(left)), (right, quote!(right))].map(|(end, value)| {
            let (ty, model) = (&end.column.ty, &end.model);
            let p = runtime.private_at(ty.span());
            quote_spanned! {ty.span()=>
                <#ty as #p::SameKey<<#model as #p::Model>::PrimaryKey>>::from_key(#value)
            }
        });
    quote! {
        #[automatically_derived]
        impl #p::Pivot for #ident {
            type Left = #left_model;
            type Right = #right_model;
            const FORWARD: &'static #p::TableMeta = #forward;
            const INVERSE: &'static #p::TableMeta = #inverse;
            const LEFT_COLUMN: &'static str = #left_name;
            const RIGHT_COLUMN: &'static str = #right_name;
            const __COLUMN_NAMES: &'static [&'static str] = &[#(#names),*];

            fn left_key(&self) -> &<#left_model as #p::Model>::PrimaryKey {
                #as_left_key
            }

            fn right_key(&self) -> &<#right_model as #p::Model>::PrimaryKey {
                #as_right_key
            }

            fn set_keys(
                &mut self,
                left: <#left_model as #p::Model>::PrimaryKey,
                right: <#right_model as #p::Model>::PrimaryKey,
            ) {
                self.#left_field = #from_left_key;
                self.#right_field = #from_right_key;
            }
        }
    }
}

/// The table metadata of one direction: partitioned by `first`, clustered by `second`.
fn table_meta(pivot: &Pivot, name: &str, (first, second): (&End, &End)) -> TokenStream {
    let p = pivot.runtime.private();
    let model_name = pivot.ident.to_string();
    let metas = pivot.columns.iter().map(|column| {
        let role = if column.field == first.column.field {
            Role::PartitionKey
        } else if column.field == second.column.field {
            Role::ClusteringKey(Order::Asc)
        } else {
            Role::Regular
        };
        column_meta(&pivot.runtime, column, role)
    });
    quote! {
        &#p::TableMeta::new(#model_name, #name, &[#(#metas),*])
    }
}

/// `SerializeRow` binding every column by name.
fn serialize_row(pivot: &Pivot) -> TokenStream {
    let ident = &pivot.ident;
    let p = pivot.runtime.private();
    let model_name = ident.to_string();
    let values = pivot.columns.iter().map(|column: &Column| {
        let name = &column.name;
        let field = &column.field;
        let span = column.ty.span();
        let p = pivot.runtime.private_at(span);
        quote_spanned!(span=> (#name, #p::column_value(&self.#field)))
    });
    let body = quote!(#p::serialize_by_name(#model_name, &[#(#values),*], &[], ctx, writer));
    serialize_row_impl(&pivot.runtime, ident, body)
}

/// `Side<Pivot, Own, Other>` of one direction: `Forward` reads from the left model,
/// `Inverse` from the right one.
fn side(pivot: &Pivot, (own, other): (&End, &End), inverse: bool) -> TokenStream {
    let ident = &pivot.ident;
    let p = pivot.runtime.private();
    let (own_model, other_model) = (&own.model, &other.model);
    let (own_name, other_name) = (&own.column.name, &other.column.name);
    let (direction, table, opposite, own_key, other_key, set_keys) = if inverse {
        (
            quote!(Inverse),
            quote!(INVERSE),
            quote!(FORWARD),
            quote!(right_key),
            quote!(left_key),
            quote!(#p::Pivot::set_keys(pivot, other, own)),
        )
    } else {
        (
            quote!(Forward),
            quote!(FORWARD),
            quote!(INVERSE),
            quote!(left_key),
            quote!(right_key),
            quote!(#p::Pivot::set_keys(pivot, own, other)),
        )
    };
    quote! {
        #[automatically_derived]
        impl #p::Side<#ident, #own_model, #other_model> for #p::#direction {
            const TABLE: &'static #p::TableMeta = <#ident as #p::Pivot>::#table;
            const OPPOSITE: &'static #p::TableMeta = <#ident as #p::Pivot>::#opposite;
            const OWN_COLUMN: &'static str = #own_name;
            const OTHER_COLUMN: &'static str = #other_name;

            fn own_key(pivot: &#ident) -> &<#own_model as #p::Model>::PrimaryKey {
                #p::Pivot::#own_key(pivot)
            }

            fn other_key(pivot: &#ident) -> &<#other_model as #p::Model>::PrimaryKey {
                #p::Pivot::#other_key(pivot)
            }

            fn set_keys(
                pivot: &mut #ident,
                own: <#own_model as #p::Model>::PrimaryKey,
                other: <#other_model as #p::Model>::PrimaryKey,
            ) {
                #set_keys;
            }
        }
    }
}
