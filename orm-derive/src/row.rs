//! Generation of the driver's `DeserializeRow` impl, shared by the `Model`, `Pivot` and
//! `Projection` derives.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::runtime::Runtime;

/// A field read from (and maybe written to) one column.
pub struct RowField<'a> {
    pub field: &'a syn::Ident,
    pub ty: &'a syn::Type,
    /// An expression of type `&'static str` naming the column: a literal, or a const path.
    pub column: TokenStream,
}

impl<'a> RowField<'a> {
    /// A model column, named by its literal CQL name.
    pub fn of_column(column: &'a crate::model::Column) -> Self {
        let name = &column.name;
        RowField {
            field: &column.field,
            ty: &column.ty,
            column: quote!(#name),
        }
    }
}

/// The names the generated code gives each field: the const holding its column's name
/// (`__COLUMN_0`), and the local holding its value (`__title`).
struct Names<'a> {
    runtime: &'a Runtime,
    /// The hidden path to the runtime, `runtime.private()`.
    p: TokenStream,
    /// The struct's name, as errors about its rows name it.
    model_name: String,
    fields: &'a [RowField<'a>],
    skipped: &'a [syn::Ident],
    consts: Vec<syn::Ident>,
    slots: Vec<syn::Ident>,
    /// `const __COLUMN_0: &str = ...;` for each field.
    const_items: Vec<TokenStream>,
}

/// `DeserializeRow` matching columns by name; `skipped` fields get `Default::default()`.
pub fn deserialize(
    runtime: &Runtime,
    ident: &syn::Ident,
    fields: &[RowField],
    skipped: &[syn::Ident],
) -> TokenStream {
    let consts: Vec<syn::Ident> = (0..fields.len())
        .map(|i| format_ident!("__COLUMN_{}", i))
        .collect();
    let const_items = fields
        .iter()
        .zip(&consts)
        .map(|(f, name)| {
            let column = &f.column;
            quote!(const #name: &str = #column;)
        })
        .collect();
    let names = Names {
        runtime,
        p: runtime.private(),
        model_name: ident.to_string(),
        fields,
        skipped,
        slots: fields
            .iter()
            .map(|f| format_ident!("__{}", f.field))
            .collect(),
        consts,
        const_items,
    };
    let Names {
        p,
        model_name,
        const_items,
        ..
    } = &names;
    let checks = fields.iter().zip(&names.consts).map(|(f, name)| {
        let ty = f.ty;
        let p = runtime.private_at(ty.span());
        quote_spanned! {ty.span()=>
            (#name, #p::type_checker::<#ty>())
        }
    });
    let body = names.body();
    quote! {
        #[automatically_derived]
        impl<'__frame, '__meta> #p::DeserializeRow<'__frame, '__meta> for #ident {
            fn type_check(
                specs: &[#p::ColumnSpec<'_>],
            ) -> #p::Result<(), #p::TypeCheckError> {
                #(#const_items)*
                #p::check_columns(#model_name, specs, &[#(#checks),*])
            }

            fn deserialize(
                row: #p::ColumnIterator<'__frame, '__meta>,
            ) -> #p::Result<Self, #p::DeserializationError> {
                #(#const_items)*
                #body
            }
        }
    }
}

impl Names<'_> {
    /// Each field, with its const and its slot.
    fn each(&self) -> impl Iterator<Item = (&RowField<'_>, &syn::Ident, &syn::Ident)> {
        self.fields
            .iter()
            .zip(&self.consts)
            .zip(&self.slots)
            .map(|((field, name), slot)| (field, name, slot))
    }

    /// `field: Default::default(),` for each skipped field: no column is read into it.
    fn skipped_defaults(&self) -> TokenStream {
        let Names { p, skipped, .. } = self;
        quote!(#(#skipped: #p::Default::default(),)*)
    }

    /// The body of `deserialize`: one loop over the row's columns, each matched by name
    /// into its field's slot, so any column order reads (the ORM's own statements, a
    /// user's, an LWT result).
    ///
    /// A loop rather than one straight-line read per column in declaration order: that
    /// form runs fewer instructions per row but took 5 to 20% more CPU time per row on
    /// this project's machine (as does the driver's own tuple impl, which has that
    /// shape), the loop as little as the driver's derive (`bench/src/bin/row_decode.rs`,
    /// BENCHMARKS.md "Reading a row").
    fn body(&self) -> TokenStream {
        let Names {
            runtime,
            p,
            model_name,
            ..
        } = self;
        let skipped = self.skipped_defaults();
        let declare_slots = self.each().map(|(f, _, slot)| {
            let ty = f.ty;
            quote!(let mut #slot: #p::Option<#ty> = #p::Option::None;)
        });
        let arms = self.each().map(|(f, name, slot)| {
            let p = runtime.private_at(f.ty.span());
            quote_spanned! {f.ty.span()=>
                #name => {
                    #slot = #p::Option::Some(
                        #p::read_value(#model_name, #name, column)?,
                    );
                }
            }
        });
        let assign = self.each().map(|(f, name, slot)| {
            let field = f.field;
            quote! {
                #field: match #slot {
                    #p::Option::Some(value) => value,
                    #p::Option::None => {
                        return #p::Result::Err(
                            #p::missing_column(#model_name, #name),
                        );
                    }
                }
            }
        });
        quote! {
            #(#declare_slots)*
            for column in row {
                let column = column?;
                match column.spec.name() {
                    #(#arms)*
                    other => {
                        return #p::Result::Err(
                            #p::unexpected_column(#model_name, other),
                        );
                    }
                }
            }
            #p::Result::Ok(Self {
                #(#assign,)*
                #skipped
            })
        }
    }
}
