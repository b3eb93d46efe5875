//! Code generation from a validated [`Udt`]. No rule is checked here.
//!
//! The generated impls are thin: matching fields by name and every error message live in
//! `orm_core`'s `udt` module, reached through the runtime's hidden module. Fields are passed
//! around by their index in `Udt::META.fields`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Field, Udt};

/// The `impl`s of `Udt`, `CqlTyped`, `SerializeValue` and `DeserializeValue`.
pub fn udt(udt: &Udt) -> TokenStream {
    let ident = &udt.ident;
    let rust = ident.to_string();
    let name = &udt.name;
    let runtime = &udt.runtime;
    let p = runtime.private();
    let meta = quote!(<Self as #p::Udt>::META);

    // Each use of a field's type is spanned at it, so an unsupported type is reported there.
    let field_metas = udt.fields.iter().map(|f| {
        let name = &f.name;
        let ty = &f.ty;
        let at = runtime.private_at(ty.span());
        let cql_type = quote_spanned! {ty.span()=>
            &<#ty as #at::CqlTyped>::CQL_TYPE
        };
        quote! {
            #p::UdtField::new(#name, #cql_type)
        }
    });
    let values = udt.fields.iter().map(|f| {
        let field = &f.ident;
        let at = runtime.private_at(f.ty.span());
        quote_spanned! {f.ty.span()=>
            #at::udt_value(&self.#field)
        }
    });
    let deserialize = deserialize_value(udt);

    quote! {
        const _: () = {
            #[automatically_derived]
            impl #p::Udt for #ident {
                const META: &'static #p::UdtMeta =
                    &#p::UdtMeta::new(#name, &[#(#field_metas),*]);
            }

            #[automatically_derived]
            impl #p::CqlTyped for #ident {
                const CQL_TYPE: #p::CqlType =
                    #p::CqlType::Udt(#meta);
            }

            #[automatically_derived]
            impl #p::FieldType for #ident {}

            #[automatically_derived]
            impl #p::SerializeValue for #ident {
                fn serialize<'__b>(
                    &self,
                    typ: &#p::ColumnType<'_>,
                    writer: #p::CellWriter<'__b>,
                ) -> #p::Result<
                    #p::WrittenCellProof<'__b>,
                    #p::SerializationError,
                > {
                    #p::serialize_udt(#rust, #meta, &[#(#values),*], typ, writer)
                }
            }

            #deserialize
        };
    }
}

/// `DeserializeValue`: each field read by its index in `META.fields`.
fn deserialize_value(udt: &Udt) -> TokenStream {
    let ident = &udt.ident;
    let rust = ident.to_string();
    let runtime = &udt.runtime;
    let p = runtime.private();
    let meta = quote!(<Self as #p::Udt>::META);
    let checkers = udt.fields.iter().map(|f| {
        let ty = &f.ty;
        let at = runtime.private_at(ty.span());
        quote_spanned! {ty.span()=>
            #at::type_checker::<#ty>()
        }
    });
    let (declare_slots, arms, assign) = fields_read(udt);
    let skipped = &udt.skipped;
    quote! {
        #[automatically_derived]
        impl<'__frame, '__meta> #p::DeserializeValue<'__frame, '__meta>
            for #ident
        {
            fn type_check(
                typ: &#p::ColumnType<'_>,
            ) -> #p::Result<(), #p::TypeCheckError> {
                #p::check_udt(#rust, #meta, &[#(#checkers),*], typ)
            }

            fn deserialize(
                typ: &'__meta #p::ColumnType<'__meta>,
                value: #p::Option<#p::FrameSlice<'__frame>>,
            ) -> #p::Result<Self, #p::DeserializationError> {
                #declare_slots
                for field in #p::udt_fields(#rust, #meta, typ, value)? {
                    let (index, typ, value) = field?;
                    match index {
                        #arms
                        // `udt_fields` yields indexes of `META.fields` only.
                        _ => {}
                    }
                }
                #p::Result::Ok(Self {
                    #assign
                    #(#skipped: #p::Default::default(),)*
                })
            }
        }
    }
}

/// For `deserialize`: each field's slot, its arm in the match on the field index, and its
/// assignment from the filled slot.
fn fields_read(udt: &Udt) -> (TokenStream, TokenStream, TokenStream) {
    let ident = &udt.ident;
    let rust = ident.to_string();
    let runtime = &udt.runtime;
    let p = runtime.private();
    let meta = quote!(<Self as #p::Udt>::META);
    // Each field with its index in `META.fields` and the local its value is read into.
    let each: Vec<(&Field, Literal, syn::Ident)> = udt
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (
                f,
                Literal::usize_unsuffixed(i),
                format_ident!("__field_{}", i),
            )
        })
        .collect();
    let declare_slots = each.iter().map(|(f, _, slot)| {
        let ty = &f.ty;
        quote! {
            let mut #slot: #p::Option<#ty> = #p::Option::None;
        }
    });
    let arms = each.iter().map(|(f, index, slot)| {
        let at = runtime.private_at(f.ty.span());
        quote_spanned! {f.ty.span()=>
            #index => {
                #slot = #at::Option::Some(
                    #at::read_udt_field(#rust, #meta, #index, typ, value)?,
                );
            }
        }
    });
    let assign = each.iter().map(|(f, index, slot)| {
        let field = &f.ident;
        quote! {
            #field: #p::filled_udt_field(#rust, #meta, #index, #slot)?
        }
    });
    (
        quote!(#(#declare_slots)*),
        quote!(#(#arms)*),
        quote!(#(#assign,)*),
    )
}
