//! Code generation from a validated [`Udt`]. No rule is checked here.
//!
//! The generated impls are thin: matching fields by name and every error message live in
//! `orm_core`'s `udt` module, reached through `::orm_core::__private`. Fields are passed
//! around by their index in `Udt::META.fields`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::Udt;

/// The `impl`s of `Udt`, `CqlTyped`, `SerializeValue` and `DeserializeValue`.
pub fn udt(udt: &Udt) -> TokenStream {
    let ident = &udt.ident;
    let rust = ident.to_string();
    let name = &udt.name;
    let meta = quote!(<Self as ::orm_core::__private::Udt>::META);

    // Each use of a field's type is spanned at it, so an unsupported type is reported there.
    let field_metas = udt.fields.iter().map(|f| {
        let name = &f.name;
        let ty = &f.ty;
        let cql_type = quote_spanned! {ty.span()=>
            &<#ty as ::orm_core::__private::CqlTyped>::CQL_TYPE
        };
        quote! {
            ::orm_core::__private::UdtField { name: #name, cql_type: #cql_type }
        }
    });
    let values = udt.fields.iter().map(|f| {
        let field = &f.ident;
        quote_spanned! {f.ty.span()=>
            ::orm_core::__private::udt_value(&self.#field)
        }
    });
    let checkers = udt.fields.iter().map(|f| {
        let ty = &f.ty;
        quote_spanned! {ty.span()=>
            ::orm_core::__private::type_checker::<#ty>()
        }
    });
    let indexes: Vec<Literal> = (0..udt.fields.len())
        .map(Literal::usize_unsuffixed)
        .collect();
    let slots: Vec<syn::Ident> = (0..udt.fields.len())
        .map(|i| format_ident!("__field_{}", i))
        .collect();
    let declare_slots = udt.fields.iter().zip(&slots).map(|(f, slot)| {
        let ty = &f.ty;
        quote! {
            let mut #slot: ::orm_core::__private::Option<#ty> = ::orm_core::__private::Option::None;
        }
    });
    let arms = udt
        .fields
        .iter()
        .zip(&indexes)
        .zip(&slots)
        .map(|((f, index), slot)| {
            quote_spanned! {f.ty.span()=>
                #index => {
                    #slot = ::orm_core::__private::Option::Some(
                        ::orm_core::__private::read_udt_field(#rust, #meta, #index, typ, value)?,
                    );
                }
            }
        });
    let skipped = &udt.skipped;
    let assign = udt
        .fields
        .iter()
        .zip(&indexes)
        .zip(&slots)
        .map(|((f, index), slot)| {
            let field = &f.ident;
            quote! {
                #field: ::orm_core::__private::filled_udt_field(#rust, #meta, #index, #slot)?
            }
        });

    quote! {
        const _: () = {
            impl ::orm_core::__private::Udt for #ident {
                const META: &'static ::orm_core::__private::UdtMeta =
                    &::orm_core::__private::UdtMeta {
                        name: #name,
                        fields: &[#(#field_metas),*],
                    };
            }

            impl ::orm_core::__private::CqlTyped for #ident {
                const CQL_TYPE: ::orm_core::__private::CqlType =
                    ::orm_core::__private::CqlType::Udt(#meta);
            }

            impl ::orm_core::__private::FieldType for #ident {}

            impl ::orm_core::__private::SerializeValue for #ident {
                fn serialize<'__b>(
                    &self,
                    typ: &::orm_core::__private::ColumnType<'_>,
                    writer: ::orm_core::__private::CellWriter<'__b>,
                ) -> ::orm_core::__private::Result<
                    ::orm_core::__private::WrittenCellProof<'__b>,
                    ::orm_core::__private::SerializationError,
                > {
                    ::orm_core::__private::serialize_udt(#rust, #meta, &[#(#values),*], typ, writer)
                }
            }

            impl<'__frame, '__meta> ::orm_core::__private::DeserializeValue<'__frame, '__meta>
                for #ident
            {
                fn type_check(
                    typ: &::orm_core::__private::ColumnType<'_>,
                ) -> ::orm_core::__private::Result<(), ::orm_core::__private::TypeCheckError> {
                    ::orm_core::__private::check_udt(#rust, #meta, &[#(#checkers),*], typ)
                }

                fn deserialize(
                    typ: &'__meta ::orm_core::__private::ColumnType<'__meta>,
                    value: ::orm_core::__private::Option<::orm_core::__private::FrameSlice<'__frame>>,
                ) -> ::orm_core::__private::Result<Self, ::orm_core::__private::DeserializationError> {
                    #(#declare_slots)*
                    for field in ::orm_core::__private::udt_fields(#rust, #meta, typ, value)? {
                        let (index, typ, value) = field?;
                        match index {
                            #(#arms)*
                            // `udt_fields` yields indexes of `META.fields` only.
                            _ => {}
                        }
                    }
                    ::orm_core::__private::Result::Ok(Self {
                        #(#assign,)*
                        #(#skipped: ::orm_core::__private::Default::default(),)*
                    })
                }
            }
        };
    }
}
