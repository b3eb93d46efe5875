//! A `#[relationship(...)]` attribute as written: the related model first, then options
//! read by darling.

use darling::ast::NestedMeta;
use darling::util::{Flag, SpannedValue};
use darling::{Error, FromMeta};

/// The attribute's complete form, shown when a part is missing.
pub const FORM: &str = "#[relationship(Post, name = \"recent_posts\", local_key = \"id\", foreign_key = \"user_id\", constraints = recent_posts)]";

/// The options a custom relationship takes, for the unknown-option error.
const OPTIONS: [&str; 6] = [
    "name",
    "local_key",
    "foreign_key",
    "constraints",
    "results",
    "allow_filtering",
];

/// The options after the related type.
#[derive(FromMeta)]
pub struct Options {
    pub name: Option<SpannedValue<String>>,
    pub local_key: Option<SpannedValue<String>>,
    pub foreign_key: Option<SpannedValue<String>>,
    /// `fn(Select<Related>, &Key) -> Select<Related>`.
    pub constraints: Option<syn::Path>,
    /// `"many"` (default), `"optional"` or `"one"`.
    pub results: Option<SpannedValue<String>>,
    pub allow_filtering: Flag,
}

/// The related model (`None` when the attribute does not start with one) and the options
/// of `attr`.
pub fn parse(attr: &syn::Attribute) -> Result<(Option<syn::Path>, Options), Error> {
    let list = attr.meta.require_list()?;
    let items = NestedMeta::parse_meta_list(list.tokens.clone())?;
    let (related, rest) = match items.split_first() {
        Some((NestedMeta::Meta(syn::Meta::Path(path)), rest)) if !is_option(path) => {
            (Some(path.clone()), rest)
        }
        _ => (None, items.as_slice()),
    };
    known(rest)?;
    Ok((related, Options::from_list(rest)?))
}

/// Whether `path` is one of the options (so not the related model).
fn is_option(path: &syn::Path) -> bool {
    OPTIONS.iter().any(|option| path.is_ident(option))
}

/// Every item names an option, or the error at the first that does not.
fn known(items: &[NestedMeta]) -> Result<(), Error> {
    for item in items {
        let NestedMeta::Meta(meta) = item else {
            return Err(Error::custom("expected an option: `name = \"...\"`").with_span(item));
        };
        let path = meta.path();
        if is_option(path) {
            continue;
        }
        let message = match meta {
            syn::Meta::Path(_) => "unknown flag; the only flag is `allow_filtering`".to_owned(),
            _ => format!(
                "unknown option `{}`; a custom relationship takes `name`, `local_key`, `foreign_key`, `constraints`, `results` and `allow_filtering`",
                quote::quote!(#path)
            ),
        };
        return Err(Error::custom(message).with_span(path));
    }
    Ok(())
}
