//! A polymorphic attribute as written: for `morph_many`/`morph_one`, the child model
//! first; then options read by darling.

use darling::ast::NestedMeta;
use darling::util::{Flag, PathList, SpannedValue};
use darling::{Error, FromMeta};

/// Which polymorphic attribute was written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Many,
    One,
    To,
}

/// The polymorphic attributes a model may carry.
pub const ATTRIBUTES: [(&str, Written); 3] = [
    ("morph_many", Written::Many),
    ("morph_one", Written::One),
    ("morph_to", Written::To),
];

#[derive(FromMeta)]
pub struct Options {
    /// The morph name shared by both sides (`commentable`).
    pub name: Option<SpannedValue<String>>,
    pub type_column: Option<SpannedValue<String>>,
    pub id_column: Option<SpannedValue<String>>,
    /// `morph_many` / `morph_one`: this model's key column (default: its partition key).
    pub local_key: Option<SpannedValue<String>>,
    /// `morph_many` / `morph_one`: the accessor's base name (default: from the child).
    pub accessor: Option<SpannedValue<String>>,
    /// `morph_to`: the parent types.
    pub types: Option<PathList>,
    /// `morph_to`: derives for the generated enum (`derive(Debug, Clone)`).
    pub derive: Option<PathList>,
    pub allow_filtering: Flag,
}

/// An attribute's side (with the child model, on a parent), options, and morph name.
pub struct Parsed {
    pub side: WrittenSide,
    pub options: Options,
    pub name: SpannedValue<String>,
}

/// Which side an attribute declares.
pub enum WrittenSide {
    /// `morph_many` (`many`) or `morph_one`, naming the child model.
    Parent { many: bool, child: syn::Path },
    /// `morph_to`.
    Child,
}

/// Reads `attr`, a `written` attribute.
pub fn parse(attr: &syn::Attribute, written: Written) -> Result<Parsed, Error> {
    let list = attr.meta.require_list().map_err(|_| usage(attr, written))?;
    let items = NestedMeta::parse_meta_list(list.tokens.clone())?;
    let (side, rest) = match written {
        Written::To => (WrittenSide::Child, items.as_slice()),
        Written::Many | Written::One => match items.split_first() {
            Some((NestedMeta::Meta(syn::Meta::Path(path)), rest)) => (
                WrittenSide::Parent {
                    many: written == Written::Many,
                    child: path.clone(),
                },
                rest,
            ),
            _ => return Err(usage(attr, written)),
        },
    };
    let options = Options::from_list(rest)?;
    let Some(name) = options.name.clone() else {
        return Err(usage(attr, written));
    };
    Ok(Parsed {
        side,
        options,
        name,
    })
}

fn usage(attr: &syn::Attribute, written: Written) -> Error {
    let example = match written {
        Written::Many => "#[morph_many(Comment, name = \"commentable\")]",
        Written::One => "#[morph_one(Image, name = \"imageable\")]",
        Written::To => "#[morph_to(name = \"commentable\", types(Post, Video))]",
    };
    Error::custom(format!("write it as `{example}`")).with_span(attr)
}
