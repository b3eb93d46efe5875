//! Code generation from validated polymorphic relations: a parent's accessor and its
//! `MorphParent` impl; a child's enum of parents, its accessor and `associate_*`. No rule
//! is checked here.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{ChildSide, Morph, Parent, ParentSide, Side};
use crate::model::Model;
use crate::names::{accessor, camel_case, column_hash, def_fn, last_segment};
use crate::related::{DefStatics, column_lookup, def_statics, looked_up};

/// Methods for the model's `impl` block, and items outside it.
pub fn expand(model: &Model) -> (TokenStream, TokenStream) {
    let mut methods = TokenStream::new();
    let mut items = TokenStream::new();
    for morph in &model.morphs {
        let (m, i) = match &morph.side {
            Side::Parent(side) => {
                let parent = ParentExpansion { model, morph, side };
                (parent.accessor(), parent.morph_parent())
            }
            Side::Child(side) => {
                let child = ChildExpansion {
                    model,
                    morph,
                    side,
                    enum_ident: format_ident!("{}{}", model.ident, camel_case(&morph.name)),
                };
                (child.methods(), child.items())
            }
        };
        methods.extend(m);
        items.extend(i);
    }
    (methods, items)
}

/// A `morph_many` / `morph_one` on this model.
struct ParentExpansion<'a> {
    model: &'a Model,
    morph: &'a Morph,
    side: &'a ParentSide,
}

impl ParentExpansion<'_> {
    /// `<accessor>_relation()`: the children pointing at this row.
    fn accessor(&self) -> TokenStream {
        let (model, morph) = (self.model, self.morph);
        let ParentSide {
            child,
            local,
            type_column,
            id_column,
            ..
        } = self.side;
        let runtime = &model.runtime;
        let p = runtime.private();
        let this = &model.ident;
        let child_name = last_segment(child);
        let morph_type = model.ident.to_string();
        let (local_handle, local_ty) = (&local.handle, &local.ty);
        // The child's columns, through lookups that report a missing one at its name.
        let lookups = [
            column_lookup(runtime, id_column, "id_column"),
            column_lookup(runtime, type_column, "type_column"),
        ];
        let id_field = looked_up(child, id_column, "id_column");
        let type_field = looked_up(child, type_column, "type_column");
        let wrapper = if self.side.many {
            quote!(HasMany)
        } else {
            quote!(HasOne)
        };
        let accessor = accessor(&morph.accessor, Span::call_site());
        let (local_name, type_name, id_name) = (&local.name, &type_column.name, &id_column.name);
        let doc = format!(
            "The `{child_name}` rows whose `{type_name}` is `{morph_type}` and `{id_name}` is this row's `{local_name}`."
        );
        let set_key = runtime.private_at(id_column.span);
        let set_keys = quote_spanned! {id_column.span=>
            |row, key| {
                #set_key::set_key::<_, _, #local_ty>(#id_field, row, key);
                #set_key::set_key::<_, _, ::std::string::String>(
                    #type_field,
                    row,
                    ::std::string::String::from(#morph_type),
                );
            }
        };
        let def = self.def();
        let check = self.access_check(&type_field, &id_field);
        quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> #p::#wrapper<#this, #child, #local_ty> {
                #(#lookups)*
                #check
                #def
                #p::#wrapper::new(
                    &DEF,
                    ::core::clone::Clone::clone(Self::#local_handle.get(self)),
                    #set_keys,
                )
            }
        }
    }

    /// `static DEF` of the accessor.
    fn def(&self) -> TokenStream {
        let model_name = self.model.ident.to_string();
        let child = &self.side.child;
        let child_name = last_segment(child);
        let (local_name, type_name, id_name) = (
            &self.side.local.name,
            &self.side.type_column.name,
            &self.side.id_column.name,
        );
        let kind = if self.side.many {
            quote!(MorphMany)
        } else {
            quote!(MorphOne)
        };
        def_statics(
            self.model,
            DefStatics {
                name: &self.morph.accessor,
                kind,
                related: &child_name,
                foreign_key: quote!(#id_name),
                local_key: quote!(#local_name),
                query_column: quote!(#id_name),
                allow_filtering: self.side.allow_filtering,
                morph_type: quote!(::core::option::Option::Some((#type_name, #model_name))),
                reads: Some(quote!(#child)),
            },
        )
    }

    /// The access-path rule, in the accessor's body, with the columns' names from their
    /// lookups: a missing column is that one error, and the const is not evaluated.
    fn access_check(&self, type_field: &TokenStream, id_field: &TokenStream) -> TokenStream {
        let model_name = self.model.ident.to_string();
        let child = &self.side.child;
        let child_name = last_segment(child);
        let name = &self.morph.accessor;
        let (type_name, id_name) = (&self.side.type_column.name, &self.side.id_column.name);
        let missing = format!(
            "`{model_name}::{name}`: `{child_name}` has no column `{type_name}` or `{id_name}`; add them (or set `type_column` / `id_column`)"
        );
        let scan = format!(
            "`{model_name}::{name}` reads `{child_name}` by `{type_name}` and `{id_name}`, which are not together its partition key, so each read would scan the table: make (`{type_name}`, `{id_name}`) the partition key of `{child_name}`, or accept the scan with `allow_filtering`"
        );
        let allow_filtering = self.side.allow_filtering;
        let span = self.morph.span;
        let p = self.model.runtime.private_at(span);
        quote_spanned! {span=>
            const _: () = #p::check_morph_access(
                <#child as #p::Model>::TABLE,
                #type_field.name(),
                #id_field.name(),
                #allow_filtering,
                #missing,
                #scan,
            );
        }
    }

    /// `MorphParent<Child, hash of name>`, which the child's `morph_to` requires.
    fn morph_parent(&self) -> TokenStream {
        let (ident, child) = (&self.model.ident, &self.side.child);
        let hash = column_hash(&self.morph.name);
        let morph_type = ident.to_string();
        let span = self.morph.span;
        let p = self.model.runtime.private_at(span);
        quote_spanned! {span=>
            #[automatically_derived]
            impl #p::MorphParent<#child, #hash> for #ident {
                const MORPH_TYPE: &'static str = #morph_type;
            }
        }
    }
}

/// A `morph_to` on this model.
struct ChildExpansion<'a> {
    model: &'a Model,
    morph: &'a Morph,
    side: &'a ChildSide,
    /// The enum of the possible parents.
    enum_ident: syn::Ident,
}

impl ChildExpansion<'_> {
    /// The parent's key type: the first listed parent's primary key.
    fn key(&self) -> TokenStream {
        let p = self.model.runtime.private();
        let first = &self.side.key_of;
        quote!(<#first as #p::Model>::PrimaryKey)
    }

    /// `MorphParent<Model, hash>`, spanned at `span`: the trait each listed parent type
    /// implements for this `morph_to`, whose `MORPH_TYPE` is the type name a row stores.
    /// The parent checks, the loader and `associate_*` all name it.
    fn parent_trait(&self, span: Span) -> TokenStream {
        let p = self.model.runtime.private_at(span);
        let ident = &self.model.ident;
        let hash = column_hash(&self.morph.name);
        quote_spanned!(span=> #p::MorphParent<#ident, #hash>)
    }

    /// The enum of parents, a check per listed type that it is a parent, and the enum's
    /// `MorphTargets` impl.
    fn items(&self) -> TokenStream {
        let derives = &self.side.derives;
        let ident = &self.model.ident;
        let enum_ident = &self.enum_ident;
        let enum_doc = format!(
            "The possible owners of a `{ident}` through `{}`.",
            self.morph.name
        );
        let types = self.side.types.iter().map(|t| &t.path);
        let variants = self.side.types.iter().map(|t| &t.variant);
        let parent_checks = self.side.types.iter().map(|parent| {
            let ty = &parent.path;
            let parent_trait = self.parent_trait(ty.span());
            quote_spanned! {ty.span()=>
                const _: fn() = || {
                    fn parent<T: #parent_trait>() {}
                    parent::<#ty>();
                };
            }
        });
        let derive = (!derives.is_empty()).then(|| quote!(#[derive(#(#derives),*)]));
        let vis = &self.model.vis;
        let targets = self.morph_targets();
        quote! {
            #[doc = #enum_doc]
            #derive
            #vis enum #enum_ident {
                #(
                    #[allow(missing_docs)]
                    #variants(#types),
                )*
            }

            #(#parent_checks)*

            #targets
        }
    }

    /// `MorphTargets`: loading the parent a type name and key point at.
    fn morph_targets(&self) -> TokenStream {
        let enum_ident = &self.enum_ident;
        let p = self.model.runtime.private();
        let parent_trait = self.parent_trait(Span::call_site());
        let key = self.key();
        let loads = self.side.types.iter().map(|Parent { path: ty, variant }| {
            let at = self.model.runtime.private_at(ty.span());
            let as_key = quote_spanned! {ty.span()=>
                <#key as #at::SameKey<<#ty as #at::Model>::PrimaryKey>>::as_key(key)
            };
            quote! {
                if type_name == <#ty as #parent_trait>::MORPH_TYPE {
                    let found = <#ty as #p::Model>::find(db, #as_key).await?;
                    return #p::Result::Ok(found.map(Self::#variant));
                }
            }
        });
        let finds = self.side.types.iter().map(|Parent { path: ty, .. }| {
            quote! {
                (
                    <#ty as #parent_trait>::MORPH_TYPE,
                    <#ty as #p::Model>::__statements().find.cql(),
                )
            }
        });
        let type_names = self
            .side
            .types
            .iter()
            .map(|Parent { path: ty, .. }| quote!(<#ty as #parent_trait>::MORPH_TYPE));
        quote! {
            #[automatically_derived]
            impl #p::MorphTargets<#key> for #enum_ident {
                const TYPES: &'static [&'static str] = &[#(#type_names),*];

                fn load<'a>(
                    db: &'a #p::Db,
                    def: &'static #p::RelationDef,
                    type_name: &'a str,
                    key: &'a #key,
                ) -> impl ::core::future::Future<
                    Output = #p::Result<::core::option::Option<Self>, #p::Error>,
                > + ::core::marker::Send + 'a {
                    async move {
                        #(#loads)*
                        #p::Result::Err(#p::unknown_morph_type::<#key, Self>(def, type_name))
                    }
                }

                fn finds() -> ::std::vec::Vec<(&'static str, &'static str)> {
                    ::std::vec![#(#finds),*]
                }
            }
        }
    }

    /// The accessor, and `associate_*`.
    fn methods(&self) -> TokenStream {
        let ident = &self.model.ident;
        let enum_ident = &self.enum_ident;
        let p = self.model.runtime.private();
        let parent_trait = self.parent_trait(Span::call_site());
        let key = self.key();
        let name = &self.morph.name;
        let accessor = accessor(&self.morph.accessor, Span::call_site());
        let associate = format_ident!("associate_{}", name);
        let related = self.related();
        let accessor_doc = format!("This row's owner through `{name}`: one of {related}.");
        let (type_field, type_ty) = (&self.side.type_column.field, &self.side.type_column.ty);
        let (id_field, id_ty) = (&self.side.id_column.field, &self.side.id_column.ty);
        let type_p = self.model.runtime.private_at(type_ty.span());
        let type_key =
            quote_spanned!(type_ty.span()=> <#type_ty as #type_p::KeyOf<::std::string::String>>);
        let id_p = self.model.runtime.private_at(id_ty.span());
        let id_key = quote_spanned!(id_ty.span()=> <#id_ty as #id_p::KeyOf<#key>>);
        let def = self.def();
        let def_fn = def_fn(&accessor);
        quote! {
            // The definition without a row, for `explain()` of an eager load.
            #[doc(hidden)]
            pub fn #def_fn() -> &'static #p::RelationDef {
                #def
                &DEF
            }

            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #p::MorphTo<#ident, #enum_ident, #key> {
                #p::MorphTo::new(
                    Self::#def_fn(),
                    ::core::option::Option::map(#type_key::key(&self.#type_field), ::core::clone::Clone::clone),
                    ::core::option::Option::map(#id_key::key(&self.#id_field), ::core::clone::Clone::clone),
                )
            }

            /// Points this row at `owner` (sets its type and key columns); save the row to persist it.
            pub fn #associate<P>(&mut self, owner: &P)
            where
                P: #parent_trait,
                #id_ty: #p::KeyOf<<P as #p::Model>::PrimaryKey>,
            {
                self.#type_field = #type_key::from_key(::std::string::String::from(P::MORPH_TYPE));
                self.#id_field = <#id_ty as #p::KeyOf<<P as #p::Model>::PrimaryKey>>::from_key(
                    #p::Model::primary_key(owner),
                );
            }
        }
    }

    /// The parents' names, for docs and the relation's definition: `Post | Video`.
    fn related(&self) -> String {
        let names: Vec<String> = self
            .side
            .types
            .iter()
            .map(|t| t.variant.to_string())
            .collect();
        names.join(" | ")
    }

    /// `static DEF` of the accessor.
    fn def(&self) -> TokenStream {
        let id_name = &self.side.id_column.name;
        def_statics(
            self.model,
            DefStatics {
                name: &self.morph.name,
                kind: quote!(MorphTo),
                related: &self.related(),
                foreign_key: quote!(#id_name),
                local_key: quote!(#id_name),
                query_column: quote!(#id_name),
                allow_filtering: false,
                morph_type: quote!(::core::option::Option::None),
                reads: None,
            },
        )
    }
}
