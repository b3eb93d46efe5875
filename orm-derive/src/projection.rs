//! `#[derive(Projection)]`: a struct reading some of a model's columns.
//!
//! Each field names a field of the model; the generated code refers to the model's column
//! handle (`Model::FIELD`), so a missing field or a different type is a compile error at
//! the projection's field. A field marked `#[orm(ttl = "field")]` or
//! `#[orm(writetime = "field")]` reads that function of the model field's column; the
//! column must hold one value (not a key or unfrozen collection), checked at
//! compile time.

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
    /// `ttl = "field"`: reads `TTL(column)` of the model's field, as `Option<i32>`.
    ttl: Option<syn::LitStr>,
    /// `writetime = "field"`: reads `WRITETIME(column)` of the model's field, as
    /// `Option<i64>`.
    writetime: Option<syn::LitStr>,
}

/// What a projection field reads.
enum Read<'a> {
    /// The model field of the same name.
    Column,
    /// A function of the model field named in the attribute.
    Function {
        function: Function,
        /// The attribute's value, for spans.
        of: &'a syn::LitStr,
        /// The model field it names.
        target: syn::Ident,
    },
}

#[derive(Clone, Copy)]
enum Function {
    Ttl,
    WriteTime,
}

impl Function {
    fn attribute(self) -> &'static str {
        match self {
            Function::Ttl => "ttl",
            Function::WriteTime => "writetime",
        }
    }

    fn variant(self) -> TokenStream {
        match self {
            Function::Ttl => quote!(::orm_core::Function::Ttl),
            Function::WriteTime => quote!(::orm_core::Function::WriteTime),
        }
    }

    /// What the server keeps: "a TTL" / "a write time".
    fn noun(self) -> &'static str {
        match self {
            Function::Ttl => "a TTL",
            Function::WriteTime => "a write time",
        }
    }
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
    let mut errors = Error::accumulator();
    for field in &fields {
        let name = field
            .ident
            .as_ref()
            .expect("darling's `supports(struct_named)` admits named fields only");
        let Some(what) = errors.handle(what_it_reads(field)) else {
            continue;
        };
        if field.skip.is_present() {
            if let Read::Function { of, .. } = what {
                errors.push(
                    Error::custom("a `skip` field reads nothing: remove `skip` or the function")
                        .with_span(of),
                );
            }
            skipped.push(name.clone());
        } else {
            read.push((name, &field.ty, what));
        }
    }
    errors.finish()?;
    if read.is_empty() {
        return Err(Error::custom(format!(
            "`{ident}` reads no column: give it at least one field named like a field of the model"
        ))
        .with_span(ident));
    }

    let mut checks = Vec::new();
    let mut computed = Vec::new();
    let mut columns = Vec::new();
    let mut row_fields = Vec::new();
    for (name, ty, what) in &read {
        match what {
            Read::Column => {
                let handle = syn::Ident::new(&name.unraw().to_string().to_uppercase(), name.span());
                let handle = quote_spanned!(name.span()=> <#model>::#handle);
                // A field whose type differs from the model's fails here, at the field.
                checks.push(quote_spanned! {ty.span()=>
                    const _: ::orm_core::Column<#model, #ty> = #handle;
                });
                columns.push(quote!(#handle.name()));
                row_fields.push(RowField {
                    field: name,
                    ty,
                    column: quote!(#handle.name()),
                });
            }
            Read::Function {
                function,
                of,
                target: target_ident,
            } => {
                let target = of.value();
                let handle =
                    syn::Ident::new(&target_ident.unraw().to_string().to_uppercase(), of.span());
                let handle = quote_spanned!(of.span()=> <#model>::#handle);
                // The result column's name: what the server would call it unaliased. No
                // column of the model can have it, so it never shadows one.
                let alias = format!("{}({})", function.attribute(), target_ident.unraw());
                let type_check = match function {
                    Function::Ttl => quote!(ttl_field),
                    Function::WriteTime => quote!(writetime_field),
                };
                let noun = function.noun();
                let attribute = function.attribute();
                let key = format!(
                    "`{attribute} = \"{target}\"`: `{target}` is part of the primary key, and the server keeps no TTL or write time for key columns; name a regular or static column"
                );
                let collection = format!(
                    "`{attribute} = \"{target}\"`: `{target}` is a collection that is not frozen, so each element has {noun} of its own; read {noun} of a regular or static column holding one value"
                );
                checks.push(quote_spanned! {ty.span()=>
                    const _: () = ::orm_core::__private::#type_check::<#ty>();
                });
                checks.push(quote_spanned! {of.span()=>
                    const _: () = match ::orm_core::__private::function_target(#handle.meta()) {
                        ::orm_core::__private::FunctionTarget::Value => {}
                        ::orm_core::__private::FunctionTarget::Key => ::core::panic!(#key),
                        ::orm_core::__private::FunctionTarget::Collection => {
                            ::core::panic!(#collection)
                        }
                    };
                });
                let variant = function.variant();
                computed.push(quote! {
                    ::orm_core::Computed {
                        name: #alias,
                        function: #variant,
                        column: #handle.name(),
                    }
                });
                columns.push(quote!(#alias));
                row_fields.push(RowField {
                    field: name,
                    ty,
                    column: quote!(#alias),
                });
            }
        }
    }
    let deserialize = row::deserialize(ident, &row_fields, &skipped);

    Ok(quote! {
        const _: () = {
            #(#checks)*

            impl ::orm_core::Projection<#model> for #ident {
                const COLUMNS: &'static [&'static str] = &[#(#columns),*];
                const COMPUTED: &'static [::orm_core::Computed] = &[#(#computed),*];
            }

            #deserialize
        };
    })
}

/// What a field reads, from its `ttl` / `writetime` attribute.
fn what_it_reads(field: &ProjectionField) -> Result<Read<'_>, Error> {
    let (function, of) = match (&field.ttl, &field.writetime) {
        (Some(_), Some(writetime)) => {
            return Err(Error::custom(
                "a field reads either `ttl` or `writetime`, not both: give each its own field",
            )
            .with_span(writetime));
        }
        (Some(of), None) => (Function::Ttl, of),
        (None, Some(of)) => (Function::WriteTime, of),
        (None, None) => return Ok(Read::Column),
    };
    let attribute = function.attribute();
    let target = syn::parse_str::<syn::Ident>(&of.value()).map_err(|_| {
        Error::custom(format!(
            "`{attribute}` names a field of the model, such as `{attribute} = \"title\"`"
        ))
        .with_span(of)
    })?;
    Ok(Read::Function {
        function,
        of,
        target,
    })
}
