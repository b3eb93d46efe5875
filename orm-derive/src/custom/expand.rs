//! The code of one checked `#[relationship(...)]`: the relationship's type, its
//! `CustomRelationship` impl and the accessor with its compile-time access check.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;

use super::{Relationship, Results};
use crate::lenient::crate_path;
use crate::runtime::Runtime;

/// The relationship's type `<Model><Name>Relationship`, its impl and its accessor.
pub fn relationship(input: &DeriveInput, relationship: &Relationship) -> TokenStream {
    let runtime = Runtime::new(crate_path(&input.attrs, "orm").as_ref());
    let private = runtime.private();
    let model = &input.ident;
    let vis = &input.vis;
    let related = &relationship.related;
    let name = &relationship.name;
    let ty = format_ident!("{}{}Relationship", model, name.to_upper_camel_case());
    let accessor = format_ident!("{}_relation", name);
    let constraints = &relationship.constraints;
    let results = match relationship.results {
        Results::Many => quote!(Many),
        Results::Optional => quote!(Optional),
        Results::One => quote!(One),
    };
    let foreign_key = &relationship.foreign_key.0;
    let local_names = relationship.local_key.iter().map(|k| &k.name);
    let (key_ty, key) = key(relationship, &private);
    let opt_in = relationship
        .allow_filtering
        .then(|| quote!(.allow_filtering()));
    let check = access_check(&runtime, model, relationship);
    let doc = format!(
        "The custom relationship `{name}` of `{model}`: `{}` rows constrained by `{}` (see `orm_core::relation::CustomRelationship`).",
        related_name(relationship),
        quote!(#constraints)
    );
    let accessor_doc = format!("The `{name}` relationship from this row.");
    quote_spanned! {relationship.span=>
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #ty;

        #[automatically_derived]
        impl #private::CustomRelationship for #ty {
            type Parent = #model;
            type Related = #related;
            type Key = #key_ty;
            type Results = #private::#results;
            const NAME: &'static str = #name;
            const FOREIGN_KEY: &'static [&'static str] = &[#(#foreign_key),*];
            const LOCAL_KEY: &'static [&'static str] = &[#(#local_names),*];

            fn parent_key(&self, parent: &#model) -> ::core::option::Option<#key_ty> {
                ::core::option::Option::Some(#key)
            }

            fn add_constraints(
                &self,
                query: #private::Select<#related>,
                key: &#key_ty,
            ) -> #private::Select<#related> {
                #constraints(query, key) #opt_in
            }

            #[allow(clippy::needless_borrow)] // the borrow is what picks the impl
            fn explain_with() -> ::core::option::Option<(Self, #key_ty)> {
                #[allow(unused_imports)]
                use #private::{PlanKeyDefault as _, PlanKeyNone as _};
                (&#private::PlanKey::<#key_ty>(::core::marker::PhantomData))
                    .plan_key()
                    .map(|key| (#ty, key))
            }
        }

        #[allow(dead_code)]
        impl #model {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #private::Custom<#ty> {
                #check
                #private::Custom::new(#ty, self)
            }
        }
    }
}

/// The key's type, and the expression reading it from `parent` (`?` on a null part): the
/// part itself for one field, a tuple for several.
fn key(relationship: &Relationship, private: &TokenStream) -> (TokenStream, TokenStream) {
    let parts: Vec<TokenStream> = relationship
        .local_key
        .iter()
        .map(|key| {
            let (field, ty) = (&key.field, &key.ty);
            quote! {
                ::core::clone::Clone::clone(
                    #private::KeyOf::<#ty>::key(&parent.#field)?
                )
            }
        })
        .collect();
    let types: Vec<&syn::Type> = relationship.local_key.iter().map(|k| &k.ty).collect();
    match (types.as_slice(), parts.as_slice()) {
        ([ty], [part]) => (quote!(#ty), part.clone()),
        _ => (quote!((#(#types,)*)), quote!((#(#parts,)*))),
    }
}

/// The `const` refusing, at compile time, a `foreign_key` the related model lacks or
/// that would scan it (unless `allow_filtering`); spanned at `foreign_key`, so a refusal
/// is reported at the columns to change.
fn access_check(runtime: &Runtime, model: &syn::Ident, relationship: &Relationship) -> TokenStream {
    let (foreign_key, foreign_span) = &relationship.foreign_key;
    let (name, related) = (&relationship.name, &relationship.related);
    let related_name = related_name(relationship);
    let columns = foreign_key.join(", ");
    let missing = format!(
        "`{model}::{name}`: `foreign_key = \"{columns}\"` names a column that `{related_name}` does not have: list columns of `{related_name}`"
    );
    let scan = format!(
        "`{model}::{name}` reads `{related_name}` by `{columns}`, which is neither the whole partition key of `{related_name}` nor indexed, so each read would scan the table: constrain it by the partition key of `{related_name}` (and list those columns in `foreign_key`), add `#[orm(index)]` to the column, or accept the scan with `allow_filtering` in `#[relationship(...)]`"
    );
    let allow_filtering = relationship.allow_filtering;
    let checked = runtime.private_at(*foreign_span);
    quote_spanned! {*foreign_span=>
        const _: () = #checked::check_custom_access(
            <#related as #checked::Model>::TABLE,
            &[#(#foreign_key),*],
            #allow_filtering,
            #missing,
            #scan,
        );
    }
}

/// The related model's name, for messages.
fn related_name(relationship: &Relationship) -> String {
    relationship
        .related
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}
