//! Code generation from a validated [`Projection`]. No rule is checked here.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Function, Projection, Read, ReadField};
use crate::names::handle;
use crate::row::{self, RowField};

/// What one read field contributes to the expansion.
struct Parts {
    /// Compile-time checks against the model.
    checks: Vec<TokenStream>,
    /// Its entry in `Projection::COMPUTED`, for a function.
    computed: Option<TokenStream>,
    /// The name of its result column.
    column: TokenStream,
}

/// The `Projection` and `DeserializeRow` impls, and the checks against the model.
pub fn projection(projection: &Projection) -> TokenStream {
    let Projection {
        ident,
        runtime,
        model,
        read,
        skipped,
    } = projection;
    let orm = runtime.root();
    let mut checks = Vec::new();
    let mut computed = Vec::new();
    let mut columns = Vec::new();
    let mut row_fields = Vec::new();
    for field in read {
        let parts = match &field.read {
            Read::Column => column(projection, field),
            Read::Function {
                function,
                of,
                target,
            } => function_of(projection, field, *function, of, target),
        };
        checks.extend(parts.checks);
        computed.extend(parts.computed);
        row_fields.push(RowField {
            field: &field.field,
            ty: &field.ty,
            column: parts.column.clone(),
        });
        columns.push(parts.column);
    }
    let deserialize = row::deserialize(runtime, ident, &row_fields, skipped);

    quote! {
        const _: () = {
            #(#checks)*

            #[automatically_derived]
            impl #orm::Projection<#model> for #ident {
                const COLUMNS: &'static [&'static str] = &[#(#columns),*];
                const COMPUTED: &'static [#orm::Computed] = &[#(#computed),*];
            }

            #deserialize
        };
    }
}

/// A field reading the model field of its name: its handle, of the same type.
fn column(projection: &Projection, field: &ReadField) -> Parts {
    let (model, orm) = (
        &projection.model,
        projection.runtime.root_at(field.ty.span()),
    );
    let (name, ty) = (&field.field, &field.ty);
    let handle = handle(name);
    let handle = quote_spanned!(name.span()=> <#model>::#handle);
    // A field whose type differs from the model's fails here, at the field.
    let check = quote_spanned! {ty.span()=>
        const _: #orm::Column<#model, #ty> = #handle;
    };
    Parts {
        checks: vec![check],
        computed: None,
        column: quote!(#handle.name()),
    }
}

/// A field reading `function` of the model field `target` (named by `of`).
fn function_of(
    projection: &Projection,
    field: &ReadField,
    function: Function,
    of: &syn::LitStr,
    target_ident: &syn::Ident,
) -> Parts {
    let runtime = &projection.runtime;
    let (model, ty) = (&projection.model, &field.ty);
    let target = of.value();
    let handle = syn::Ident::new(&handle(target_ident).to_string(), of.span());
    let handle = quote_spanned!(of.span()=> <#model>::#handle);
    // The result column's name: what the server would call it unaliased. No column of the
    // model can have it, so it never shadows one.
    let alias = format!(
        "{}({})",
        function.attribute(),
        crate::names::field_name(target_ident)
    );
    let type_check = match function {
        Function::Ttl => quote!(ttl_field),
        Function::WriteTime => quote!(writetime_field),
    };
    let (noun, attribute) = (function.noun(), function.attribute());
    let key = format!(
        "`{attribute} = \"{target}\"`: `{target}` is part of the primary key, and the server keeps no TTL or write time for key columns; name a regular or static column"
    );
    let collection = format!(
        "`{attribute} = \"{target}\"`: `{target}` is a collection that is not frozen, so each element has {noun} of its own; read {noun} of a regular or static column holding one value"
    );
    let at_ty = runtime.private_at(ty.span());
    let at_of = runtime.private_at(of.span());
    let checks = vec![
        quote_spanned! {ty.span()=>
            const _: () = #at_ty::#type_check::<#ty>();
        },
        quote_spanned! {of.span()=>
            const _: () = match #at_of::function_target(#handle.meta()) {
                #at_of::FunctionTarget::Value => {}
                #at_of::FunctionTarget::Key => ::core::panic!(#key),
                #at_of::FunctionTarget::Collection => {
                    ::core::panic!(#collection)
                }
            };
        },
    ];
    let orm = runtime.root();
    let variant = match function {
        Function::Ttl => quote!(#orm::Function::Ttl),
        Function::WriteTime => quote!(#orm::Function::WriteTime),
    };
    let computed = quote! {
        #orm::Computed {
            name: #alias,
            function: #variant,
            column: #handle.name(),
        }
    };
    Parts {
        checks,
        computed: Some(computed),
        column: quote!(#alias),
    }
}
