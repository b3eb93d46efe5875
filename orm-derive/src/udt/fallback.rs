//! What `#[derive(Udt)]` still generates when the struct has errors: the ordinary expansion
//! of the struct read leniently, so that one typo in an attribute is one error, not one
//! more at every model field of this type ("cannot be stored in a model column").

use proc_macro2::TokenStream;
use syn::ext::IdentExt;

use super::{Field, Udt, expand};
use crate::lenient::{crate_path, named_fields};
use crate::names::snake_case;
use crate::runtime::Runtime;

/// The expansion of `input` read leniently (`name`, `rename` and `skip` where they parse,
/// anything else ignored: its error is already reported), or nothing when it cannot be a
/// UDT at all (not a struct with named fields, or generic).
pub fn udt(input: &syn::DeriveInput) -> TokenStream {
    let Some(named) = named_fields(input) else {
        return TokenStream::new();
    };
    let mut name = snake_case(&input.ident.unraw().to_string());
    read_orm(&input.attrs, |key, value| {
        if let ("name", Some(value)) = (key, value) {
            name = value;
        }
    });
    let mut fields = Vec::new();
    let mut skipped = Vec::new();
    for field in &named.named {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let (mut skip, mut rename) = (false, None);
        read_orm(&field.attrs, |key, value| match key {
            "skip" => skip = true,
            "rename" => rename = value,
            _ => {}
        });
        if skip {
            skipped.push(ident);
        } else {
            fields.push(Field {
                name: rename.unwrap_or_else(|| ident.unraw().to_string()),
                ident,
                ty: field.ty.clone(),
            });
        }
    }
    expand::udt(&Udt {
        runtime: Runtime::new(crate_path(&input.attrs, "orm").as_ref()),
        ident: input.ident.clone(),
        name,
        fields,
        skipped,
    })
}

/// Calls `each` with every `key` or `key = "string"` of the `#[orm(...)]` attributes that
/// parses; anything else is skipped.
fn read_orm(attrs: &[syn::Attribute], mut each: impl FnMut(&str, Option<String>)) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("orm")) {
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string);
            let value = match meta.value() {
                Ok(value) => match value.parse::<syn::Expr>() {
                    Ok(syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    })) => Some(text.value()),
                    _ => None,
                },
                Err(_) => None,
            };
            if let Some(key) = key {
                each(&key, value);
            }
            Ok(())
        });
    }
}
