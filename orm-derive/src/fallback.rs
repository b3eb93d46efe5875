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

    // Relations that parse are kept, so their accessors exist; their errors are already
    // reported by the checked pass.
    let mut ignored = darling::Error::accumulator();
    let relations = crate::relation::parse(&input.attrs, &input.ident, &columns, &mut ignored);
    let morphs = crate::morph::parse(&input.attrs, &input.ident, &columns, &mut ignored);
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
                let flag = meta.path.get_ident().map(meant).unwrap_or_default();
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

/// The attribute a field's `#[orm(name)]` means: `name` itself, or for a misspelling, the
/// name darling suggested in its error (the same similarity test), so that, say,
/// `partition_kye` still makes a key and `User::find` still takes one.
fn meant(name: &syn::Ident) -> &'static str {
    let name = name.unraw().to_string();
    FIELD_FLAGS
        .iter()
        .map(|flag| (strsim::jaro_winkler(&name, flag), *flag))
        .filter(|(confidence, _)| *confidence > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or("", |(_, flag)| flag)
}

/// Consumes `= value` after a name, if there is one, so parsing goes on past it.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) {
    if let Ok(value) = meta.value() {
        let _ = value.parse::<syn::Expr>();
    }
}
