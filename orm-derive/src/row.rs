//! Generation of the driver's `DeserializeRow` impl, shared by the `Model` and
//! `Projection` derives.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// A field read from (and maybe written to) one column.
pub struct RowField<'a> {
    pub field: &'a syn::Ident,
    pub ty: &'a syn::Type,
    /// An expression of type `&'static str` naming the column: a literal, or a const path.
    pub column: TokenStream,
}

impl<'a> RowField<'a> {
    /// A model column, named by its literal CQL name.
    pub fn of_column(column: &'a crate::ast::Column) -> Self {
        let name = &column.name;
        RowField {
            field: &column.field,
            ty: &column.ty,
            column: quote!(#name),
        }
    }
}

/// `DeserializeRow` matching columns by name; `skipped` fields get `Default::default()`.
pub fn deserialize(ident: &syn::Ident, fields: &[RowField], skipped: &[syn::Ident]) -> TokenStream {
    let model_name = ident.to_string();
    let consts: Vec<syn::Ident> = (0..fields.len())
        .map(|i| format_ident!("__COLUMN_{}", i))
        .collect();
    let const_items = fields.iter().zip(&consts).map(|(f, name)| {
        let column = &f.column;
        quote!(const #name: &str = #column;)
    });
    let checks = fields.iter().zip(&consts).map(|(f, name)| {
        let ty = f.ty;
        quote_spanned! {ty.span()=>
            (#name, ::orm_core::__private::type_checker::<#ty>())
        }
    });
    let slots: Vec<syn::Ident> = fields
        .iter()
        .map(|f| format_ident!("__{}", f.field))
        .collect();
    let declare_slots = fields.iter().zip(&slots).map(|(f, slot)| {
        let ty = f.ty;
        quote!(let mut #slot: ::orm_core::__private::Option<#ty> = ::orm_core::__private::Option::None;)
    });
    let arms = fields
        .iter()
        .zip(&consts)
        .zip(&slots)
        .map(|((f, name), slot)| {
            quote_spanned! {f.ty.span()=>
                #name => {
                    #slot = ::orm_core::__private::Option::Some(
                        ::orm_core::__private::read_value(#model_name, #name, column)?,
                    );
                }
            }
        });
    let assign = fields
        .iter()
        .zip(&consts)
        .zip(&slots)
        .map(|((f, name), slot)| {
            let field = f.field;
            quote! {
                #field: match #slot {
                    ::orm_core::__private::Option::Some(value) => value,
                    ::orm_core::__private::Option::None => {
                        return ::orm_core::__private::Result::Err(
                            ::orm_core::__private::missing_column(#model_name, #name),
                        );
                    }
                }
            }
        });
    let in_order = fields
        .iter()
        .zip(&consts)
        .zip(&slots)
        .map(|((f, name), slot)| {
            let ty = f.ty;
            quote_spanned! {ty.span()=>
                let ::orm_core::__private::Option::Some(::orm_core::__private::Result::Ok(column)) =
                    columns.next()
                else {
                    return by_name(row);
                };
                if column.spec.name() != #name {
                    return by_name(row);
                }
                let #slot: #ty = ::orm_core::__private::read_value(#model_name, #name, column)?;
            }
        });
    let fields_in_order = fields.iter().zip(&slots).map(|(f, slot)| {
        let field = f.field;
        quote!(#field: #slot)
    });
    let count = fields.len();
    let const_items: Vec<TokenStream> = const_items.collect();
    quote! {
        impl<'__frame, '__meta> ::orm_core::__private::DeserializeRow<'__frame, '__meta> for #ident {
            fn type_check(
                specs: &[::orm_core::__private::ColumnSpec<'_>],
            ) -> ::orm_core::__private::Result<(), ::orm_core::__private::TypeCheckError> {
                #(#const_items)*
                ::orm_core::__private::check_columns(#model_name, specs, &[#(#checks),*])
            }

            fn deserialize(
                row: ::orm_core::__private::ColumnIterator<'__frame, '__meta>,
            ) -> ::orm_core::__private::Result<Self, ::orm_core::__private::DeserializationError> {
                #(#const_items)*

                // Any other column order (a user's own statement, an LWT result).
                #[inline(never)]
                fn by_name(
                    row: ::orm_core::__private::ColumnIterator<'_, '_>,
                ) -> ::orm_core::__private::Result<#ident, ::orm_core::__private::DeserializationError> {
                    #(#const_items)*
                    #(#declare_slots)*
                    for column in row {
                        let column = column?;
                        match column.spec.name() {
                            #(#arms)*
                            other => {
                                return ::orm_core::__private::Result::Err(
                                    ::orm_core::__private::unexpected_column(#model_name, other),
                                );
                            }
                        }
                    }
                    ::orm_core::__private::Result::Ok(#ident {
                        #(#assign,)*
                        #(#skipped: ::orm_core::__private::Default::default(),)*
                    })
                }

                // The ORM's own statements list columns in declaration order: read them
                // straight into the fields, one name comparison each.
                let mut columns = ::orm_core::__private::Clone::clone(&row);
                if columns.columns_remaining() != #count {
                    return by_name(row);
                }
                #(#in_order)*
                ::orm_core::__private::Result::Ok(Self {
                    #(#fields_in_order,)*
                    #(#skipped: ::orm_core::__private::Default::default(),)*
                })
            }
        }
    }
}
