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

use crate::lenient::{crate_path, meant, named_fields, respelled, skip_value};
use crate::model::{Column, Model, Order, Role};
use crate::runtime::Runtime;

/// The expansion of `input` read leniently, or nothing when it cannot be a model at all
/// (not a struct with named fields, or generic).
pub fn model(input: &syn::DeriveInput) -> TokenStream {
    let Some(fields) = named_fields(input) else {
        return TokenStream::new();
    };

    let mut hooks = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("orm")) {
        let _ = attr.parse_nested_meta(|meta| {
            hooks |= meta.path.is_ident("hooks");
            skip_value(&meta);
            Ok(())
        });
    }

    let (columns, skipped) = columns(fields);

    // Relations that parse, once misspelled options are corrected, are kept, so their
    // accessors exist; their errors are already reported by the checked pass.
    let attrs = corrected_relation_attrs(&input.attrs);
    let mut ignored = darling::Error::accumulator();
    let relations = crate::relation::check(&attrs, &input.ident, &columns, &mut ignored);
    let morphs = crate::morph::check(&attrs, &input.ident, &columns, &mut ignored);
    let _ = ignored.finish();

    let model = Model {
        runtime: Runtime::new(crate_path(&input.attrs, "orm").as_ref()),
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
        customs: crate::custom::eager_names(input),
    };
    super::expand::model(&model)
}

/// The columns read leniently, and the skipped fields.
fn columns(fields: &syn::FieldsNamed) -> (Vec<Column>, Vec<syn::Ident>) {
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
        let mut handle = crate::names::handle(&ident).to_string();
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
            index: None,
            timestamp: None,
        });
    }
    (columns, skipped)
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
                    read.rename = Some(name.value()).filter(|n| crate::names::is_plain_name(n));
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
            let items = items.into_iter().enumerate().filter_map(|(index, item)| {
                // The related model, written first.
                if index == 0 && matches!(item, syn::Meta::Path(_)) {
                    return Some(item);
                }
                respelled(item, known)
            });
            let path = attr.path();
            syn::parse_quote!(#[#path(#(#items),*)])
        })
        .collect()
}
