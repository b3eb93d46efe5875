//! What `#[derive(Model)]` still generates when the model has errors.
//!
//! Without it, one typo in an attribute would leave the struct with no `Model` impl and no
//! column handles, and every use of them (`User::query()`, `User::ID`, reading rows)
//! would be reported too, burying the real error. So, like `thiserror`'s derive, on error
//! the derive also emits the ordinary expansion of a model read leniently from the
//! struct: attributes it understands are used, anything else is ignored (the real errors
//! are already reported), and nothing that could add an error of its own is generated.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use syn::ext::IdentExt;

use crate::ast::{Column, Model, Role};
use crate::attr::Order;

/// The expansion of `input` read leniently, or nothing when it cannot be a model at all
/// (not a struct with named fields, or generic).
pub fn model(input: &syn::DeriveInput) -> TokenStream {
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(fields),
        ..
    }) = &input.data
    else {
        return TokenStream::new();
    };
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }

    let mut hooks = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("orm")) {
        let _ = attr.parse_nested_meta(|meta| {
            hooks |= meta.path.is_ident("hooks");
            skip_value(&meta);
            Ok(())
        });
    }

    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    let mut handles = HashSet::new();
    let mut names = HashSet::new();
    for (index, field) in fields.named.iter().enumerate() {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let read = FieldRead::of(field);
        if read.skip {
            skipped.push(ident);
            continue;
        }
        // A handle or column name that would collide is replaced: the collision is one
        // of the errors already reported.
        let mut handle = ident.unraw().to_string().to_uppercase();
        if handle == "TABLE" || !handles.insert(handle.clone()) {
            handle = format!("__FALLBACK_HANDLE_{index}");
        }
        let mut name = read.rename.unwrap_or_else(|| ident.unraw().to_string());
        if !names.insert(name.clone()) {
            name = format!("__fallback_column_{index}");
        }
        columns.push(Column {
            handle: syn::Ident::new(&handle, ident.span()),
            name,
            field: ident,
            ty: field.ty.clone(),
            role: read.role,
            indexed: false,
            index_span: None,
            timestamp: None,
        });
    }

    // Relations that parse, once misspelled options are corrected, are kept, so their
    // accessors exist; their errors are already reported by the checked pass.
    let attrs = corrected_relation_attrs(&input.attrs);
    let mut ignored = darling::Error::accumulator();
    let relations = crate::relation::parse(&attrs, &input.ident, &columns, &mut ignored);
    let morphs = crate::morph::parse(&attrs, &input.ident, &columns, &mut ignored);
    let _ = ignored.finish();

    let model = Model {
        ident: input.ident.clone(),
        vis: input.vis.clone(),
        table: crate::names::snake_case(&input.ident.to_string()),
        keyspace: None,
        default_ttl: None,
        table_options: None,
        hooks,
        columns,
        skipped,
        relations,
        morphs,
    };
    crate::expand::model(&model)
}

/// The parts of a field's `#[orm(...)]` the fallback uses.
struct FieldRead {
    role: Role,
    skip: bool,
    rename: Option<String>,
}

impl FieldRead {
    fn of(field: &syn::Field) -> Self {
        let mut read = FieldRead {
            role: Role::Regular,
            skip: false,
            rename: None,
        };
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("orm")) {
            let _ = attr.parse_nested_meta(|meta| {
                let flag = meta
                    .path
                    .get_ident()
                    .and_then(|name| meant(name, &FIELD_FLAGS))
                    .unwrap_or_default();
                if read.role == Role::Regular {
                    match flag {
                        "partition_key" => read.role = Role::PartitionKey,
                        "clustering_key" => read.role = Role::ClusteringKey(Order::Asc),
                        "static" => read.role = Role::Static,
                        _ => {}
                    }
                }
                if flag == "skip" {
                    read.skip = true;
                }
                if flag == "rename"
                    && let Ok(value) = meta.value()
                    && let Ok(name) = value.parse::<syn::LitStr>()
                {
                    read.rename = Some(name.value()).filter(|n| crate::check::is_plain_name(n));
                    return Ok(());
                }
                skip_value(&meta);
                Ok(())
            });
        }
        read
    }
}

/// The role and column attributes the fallback reads.
const FIELD_FLAGS: [&str; 5] = [
    "partition_key",
    "clustering_key",
    "static",
    "skip",
    "rename",
];

/// The options of relation attributes, by attribute.
const RELATION_OPTIONS: [(&str, &[&str]); 7] = [
    ("has_one", &HAS_OPTIONS),
    ("has_many", &HAS_OPTIONS),
    ("belongs_to", &HAS_OPTIONS),
    ("belongs_to_many", &HAS_OPTIONS),
    ("morph_many", &MORPH_OPTIONS),
    ("morph_one", &MORPH_OPTIONS),
    ("morph_to", &MORPH_OPTIONS),
];
const HAS_OPTIONS: [&str; 7] = [
    "foreign_key",
    "local_key",
    "owner_key",
    "name",
    "allow_filtering",
    "pivot",
    "inverse",
];
const MORPH_OPTIONS: [&str; 8] = [
    "name",
    "type_column",
    "id_column",
    "local_key",
    "accessor",
    "types",
    "derive",
    "allow_filtering",
];

/// What a written attribute name means among `known`: itself, or for a misspelling, the
/// name darling suggested in its error (the same similarity test), so that, say,
/// `partition_kye` still makes a key and `User::find` still takes one.
fn meant(name: &syn::Ident, known: &[&'static str]) -> Option<&'static str> {
    let name = name.unraw().to_string();
    known
        .iter()
        .map(|known| (strsim::jaro_winkler(&name, known), *known))
        .filter(|(confidence, _)| *confidence > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| known)
}

/// The struct's attributes with each relation attribute's misspelled options renamed to
/// what darling suggested, and options it suggested nothing for dropped.
fn corrected_relation_attrs(attrs: &[syn::Attribute]) -> Vec<syn::Attribute> {
    attrs
        .iter()
        .map(|attr| {
            let Some((_, known)) = RELATION_OPTIONS
                .iter()
                .find(|(name, _)| attr.path().is_ident(name))
            else {
                return attr.clone();
            };
            let Ok(items) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            ) else {
                return attr.clone();
            };
            let items = items
                .into_iter()
                .enumerate()
                .filter_map(|(index, mut item)| {
                    // The related model, written first.
                    if index == 0 && matches!(item, syn::Meta::Path(_)) {
                        return Some(item);
                    }
                    let written = item.path().get_ident()?.clone();
                    let name = meant(&written, known)?;
                    let path = match &mut item {
                        syn::Meta::Path(path) => path,
                        syn::Meta::List(list) => &mut list.path,
                        syn::Meta::NameValue(pair) => &mut pair.path,
                    };
                    *path = syn::Ident::new(name, written.span()).into();
                    Some(item)
                });
            let path = attr.path();
            syn::parse_quote!(#[#path(#(#items),*)])
        })
        .collect()
}

/// Consumes `= value` after a name, if there is one, so parsing goes on past it.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) {
    if let Ok(value) = meta.value() {
        let _ = value.parse::<syn::Expr>();
    }
}

/// What `#[derive(Pivot)]` still generates when the pivot has errors: the pivot derived
/// again with each misspelled `#[pivot(...)]` option read as darling's suggestion (and
/// options it suggests nothing for dropped), so that the models joined through it report
/// nothing more. Nothing when that still fails: its errors are already reported.
pub fn pivot(input: &syn::DeriveInput) -> TokenStream {
    const STRUCT_OPTIONS: &[&str] = &["left", "right", "table", "inverse_table"];
    const FIELD_OPTIONS: &[&str] = &["left", "right", "rename"];
    let mut corrected = input.clone();
    correct_attrs(&mut corrected.attrs, "pivot", STRUCT_OPTIONS);
    if let syn::Data::Struct(data) = &mut corrected.data {
        for field in data.fields.iter_mut() {
            correct_attrs(&mut field.attrs, "pivot", FIELD_OPTIONS);
        }
    }
    crate::pivot::derive(&corrected).unwrap_or_default()
}

/// `attrs` with the options of each `#[name(...)]` renamed to the known option they
/// misspell, and unknown ones dropped.
fn correct_attrs(attrs: &mut [syn::Attribute], name: &str, known: &[&'static str]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident(name)) {
        let Ok(items) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let items = items.into_iter().filter_map(|mut item| {
            let written = item.path().get_ident()?.clone();
            let option = meant(&written, known)?;
            let path = match &mut item {
                syn::Meta::Path(path) => path,
                syn::Meta::List(list) => &mut list.path,
                syn::Meta::NameValue(pair) => &mut pair.path,
            };
            *path = syn::Ident::new(option, written.span()).into();
            Some(item)
        });
        let path = attr.path().clone();
        *attr = syn::parse_quote!(#[#path(#(#items),*)]);
    }
}
