//! A relation attribute as written: the related model first, then options read by darling.

use darling::ast::NestedMeta;
use darling::util::{Flag, SpannedValue};
use darling::{Error, FromMeta};

/// The relation attributes a model may carry.
pub const ATTRIBUTES: [(&str, Written); 4] = [
    ("has_one", Written::HasOne),
    ("has_many", Written::HasMany),
    ("belongs_to", Written::BelongsTo),
    ("belongs_to_many", Written::BelongsToMany),
];

/// Which relation attribute was written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Written {
    HasOne,
    HasMany,
    BelongsTo,
    BelongsToMany,
}

impl Written {
    /// The attribute's name.
    pub fn attribute(self) -> &'static str {
        match self {
            Written::HasOne => "has_one",
            Written::HasMany => "has_many",
            Written::BelongsTo => "belongs_to",
            Written::BelongsToMany => "belongs_to_many",
        }
    }
}

/// The options after the related type.
#[derive(FromMeta)]
pub struct Options {
    pub foreign_key: Option<SpannedValue<String>>,
    pub local_key: Option<SpannedValue<String>>,
    pub owner_key: Option<SpannedValue<String>>,
    pub name: Option<SpannedValue<String>>,
    pub allow_filtering: Flag,
    /// `belongs_to_many`: the pivot row type.
    pub pivot: Option<syn::Path>,
    /// `belongs_to_many`: this model is the pivot's right side.
    pub inverse: Flag,
}

/// The related model and the options of `attr`, a `written` attribute.
pub fn parse(attr: &syn::Attribute, written: Written) -> Result<(syn::Path, Options), Error> {
    let usage = format!(
        "write the related model first: `#[{}(Post, foreign_key = \"...\")]`",
        written.attribute()
    );
    let list = attr
        .meta
        .require_list()
        .map_err(|_| Error::custom(&usage).with_span(attr))?;
    let items = NestedMeta::parse_meta_list(list.tokens.clone())?;
    let Some((first, rest)) = items.split_first() else {
        return Err(Error::custom(&usage).with_span(attr));
    };
    let related = match first {
        NestedMeta::Meta(syn::Meta::Path(path)) => path.clone(),
        other => return Err(Error::custom(&usage).with_span(other)),
    };
    Ok((related, Options::from_list(rest)?))
}
