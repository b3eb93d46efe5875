//! `#[derive(Projection)]`: a struct reading some of a model's columns.
//!
//! Each field names a field of the model; the generated code refers to the model's column
//! handle (`Model::FIELD`), so a missing field or a different type is a compile error at
//! the projection's field.

use darling::util::Flag;
use darling::{Error, FromDeriveInput, FromField, ast};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::row::{self, RowField};

#[derive(FromDeriveInput)]
#[darling(attributes(orm), supports(struct_named))]
struct ProjectionAttrs {
    ident: syn::Ident,
    generics: syn::Generics,
    data: ast::Data<(), ProjectionField>,
    /// `model = Post`: the model whose columns this reads.
    model: Option<syn::Path>,
}

#[derive(FromField)]
#[darling(attributes(orm))]
struct ProjectionField {
    ident: Option<syn::Ident>,
    ty: syn::Type,
    /// `skip`: not read; filled with `Default::default()`.
    skip: Flag,
}

/// Parses, checks and expands a `#[derive(Projection)]` input.
pub fn derive(input: &syn::DeriveInput) -> Result<TokenStream, Error> {
    let attrs = ProjectionAttrs::from_derive_input(input)?;
    if !attrs.generics.params.is_empty() {
        return Err(Error::custom(
            "a Projection cannot have generic parameters: it reads fixed columns of one model",
        )
        .with_span(&attrs.generics));
    }
    let ident = &attrs.ident;
    let Some(model) = &attrs.model else {
        return Err(Error::custom(format!(
            "`{ident}` needs `#[orm(model = ModelType)]` naming the model whose columns it reads"
        ))
        .with_span(ident));
    };
    let fields = attrs
        .data
        .take_struct()
        .expect("darling's `supports(struct_named)` admits named structs only")
        .fields;

    let mut read = Vec::new();
    let mut skipped = Vec::new();
    for field in &fields {
        let name = field
            .ident
            .as_ref()
            .expect("darling's `supports(struct_named)` admits named fields only");
        if field.skip.is_present() {
            skipped.push(name.clone());
        } else {
            read.push((name, &field.ty));
        }
    }
    if read.is_empty() {
        return Err(Error::custom(format!(
            "`{ident}` reads no column: give it at least one field named like a field of the model"
        ))
        .with_span(ident));
    }

    let handles: Vec<TokenStream> = read
        .iter()
        .map(|(name, _)| {
            let handle = syn::Ident::new(&name.unraw().to_string().to_uppercase(), name.span());
            quote_spanned!(name.span()=> <#model>::#handle)
        })
        .collect();
    // A field whose type differs from the model's fails here, at the field.
    let type_checks = read.iter().zip(&handles).map(|((_, ty), handle)| {
        quote_spanned! {ty.span()=>
            const _: ::orm_core::Column<#model, #ty> = #handle;
        }
    });
    let row_fields: Vec<RowField> = read
        .iter()
        .zip(&handles)
        .map(|((name, ty), handle)| RowField {
            field: name,
            ty,
            column: quote!(#handle.name()),
        })
        .collect();
    let deserialize = row::deserialize(ident, &row_fields, &skipped);
    let columns = handles.iter().map(|handle| quote!(#handle.name()));

    Ok(quote! {
        const _: () = {
            #(#type_checks)*

            impl ::orm_core::Projection<#model> for #ident {
                const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            }

            #deserialize
        };
    })
}
