//! Names the derive makes up or checks: table, UDT and foreign-key names from type names,
//! the default names of relations that read many rows, and the names of generated items
//! (column handles, relation accessors, lookup traits).
//!
//! Case conversion is `heck`'s. Pluralisation is a small rule set of our own rather than
//! a pluralisation crate's tables: the plural becomes a method name (`categories_relation()`)
//! that must not change when a dependency revises its word lists, and a guess the rules
//! cannot make safely is refused with the fix (`name = "..."`) instead of being made.

use std::collections::HashMap;

use darling::Error;
use darling::error::Accumulator;
use heck::ToSnakeCase;
use quote::format_ident;
use syn::ext::IdentExt;

/// `BlogPost` -> `blog_post`, `HTTPServer` -> `http_server`.
pub fn snake_case(name: &str) -> String {
    name.to_snake_case()
}

/// `commentable` -> `Commentable`, `image_owner` -> `ImageOwner`.
pub fn camel_case(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The name of a path's last segment: `Post` for `crate::blog::Post`.
pub fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The column handle of a field: its name in upper case (`user_id` -> `USER_ID`).
pub fn handle(field: &syn::Ident) -> syn::Ident {
    syn::Ident::new(&field.unraw().to_string().to_uppercase(), field.span())
}

/// A field's default CQL name: its own, without `r#`.
pub fn field_name(field: &syn::Ident) -> String {
    field.unraw().to_string()
}

/// `<name>_relation`, the accessor of a relation named `name`.
pub fn accessor(name: &str, span: proc_macro2::Span) -> syn::Ident {
    format_ident!("{}_relation", name, span = span)
}

/// `__<accessor>_def`, the fn returning a relation's `RelationDef`.
pub fn def_fn(accessor: &syn::Ident) -> syn::Ident {
    format_ident!("__{}_def", accessor)
}

/// The key of a column in the `Field<H>` impls: FNV-1a of its CQL name. Also keys a
/// morph name in `MorphParent<Child, H>`.
pub fn column_hash(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The name of a column lookup trait: the option, then the column's name
/// (`foreign_key_owner_id`), any character an identifier cannot hold made `_`.
pub fn lookup_trait(option: &str, column: &str, span: proc_macro2::Span) -> syn::Ident {
    let column: String = column
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format_ident!("{option}_{column}", span = span)
}

/// A field's CQL column name: its `rename`, checked, or the field's own name.
pub fn column_name(
    field: &syn::Ident,
    rename: Option<&darling::util::SpannedValue<String>>,
    errors: &mut Accumulator,
) -> String {
    match rename {
        Some(rename) => checked(rename, is_plain_name, errors, |rename| {
            format!("invalid column name {rename:?}: use ASCII letters, digits or underscores")
        }),
        None => field_name(field),
    }
}

/// A name given in an attribute, as written; when `valid` rejects it, also an error at it
/// saying `message(name)` (and the name all the same, so checking goes on).
pub fn checked(
    given: &darling::util::SpannedValue<String>,
    valid: fn(&str) -> bool,
    errors: &mut Accumulator,
    message: impl FnOnce(&str) -> String,
) -> String {
    if !valid(given) {
        errors.push(Error::custom(message(given)).with_span(&given.span()));
    }
    given.as_str().to_owned()
}

/// An error at each field whose CQL name an earlier field already has (naming the nearest
/// such one): `fields` as `(field, name)`, `target` what the names are (`column`, `the UDT
/// field`). Models and UDTs both map each field to a name of its own, so one place refuses
/// a clash, with one message.
pub fn check_unique_names<'a>(
    fields: impl IntoIterator<Item = (&'a syn::Ident, &'a str)>,
    target: &str,
    errors: &mut Accumulator,
) {
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for (field, name) in fields {
        if let Some(first) = seen.insert(name, field) {
            errors.push(
                Error::custom(format!(
                    "fields `{first}` and `{field}` both map to {target} `{name}`: give one of them `#[orm(rename = \"...\")]`"
                ))
                .with_span(field),
            );
        }
    }
}

/// Whether a name is a plain CQL identifier: ASCII letters, digits or underscores.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether a name can be a snake_case Rust identifier of ours: lower-case letters, digits
/// and underscores, starting with a letter.
pub fn is_snake_ident(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The plural of `base` for a default relation name, or an error at `related` asking to
/// name the relation with `option` (and `base` itself, so checking goes on).
pub fn default_plural(
    base: &str,
    related: &syn::Path,
    option: &str,
    errors: &mut Accumulator,
) -> String {
    match plural(base) {
        Ok(plural) => plural,
        Err(why) => {
            let reason = match why {
                NoPlural::Irregular => {
                    format!("the plural of `{base}` is irregular, ambiguous or the same word")
                }
                NoPlural::EndsInS => format!(
                    "`{base}` ends in -s and may be plural already (or have a Latin plural)"
                ),
            };
            errors.push(
                Error::custom(format!(
                    "{reason}: this relation has no default name; name it with `{option} = \"...\"`"
                ))
                .with_span(related),
            );
            base.to_owned()
        }
    }
}

/// Why a word has no default plural.
#[derive(Debug, PartialEq, Eq)]
pub enum NoPlural {
    /// Irregular (`person`), uncountable (`data`), or one of several plurals (`index`).
    Irregular,
    /// Ends in -s and may be plural already (`settings`, `news`) or Latin/Greek
    /// (`analysis`).
    EndsInS,
}

/// The plural of a snake_case name, by its last word:
///
/// 1. irregular, uncountable and ambiguous words (`person`, `child`, `data`, `index`,
///    `leaf`, `hero`, words ending in `-man`, ...) have none;
/// 2. a word ending in `-s` has none, unless it ends in `-ss`, `-us` or `-as`, which take
///    `-es` (`address` -> `addresses`, `status` -> `statuses`, `alias` -> `aliases`);
/// 3. a consonant then `-y` becomes `-ies` (`category` -> `categories`; `day` -> `days`);
/// 4. `-x`, `-z`, `-ch`, `-sh` take `-es` (`box` -> `boxes`, `match` -> `matches`);
/// 5. anything else takes `-s` (`post` -> `posts`, `video` -> `videos`, `roof` -> `roofs`).
pub fn plural(name: &str) -> Result<String, NoPlural> {
    let word = name.rsplit('_').next().unwrap_or(name);
    if IRREGULAR.contains(&word) || word.ends_with("man") {
        return Err(NoPlural::Irregular);
    }
    let ends_in_consonant_y = word.ends_with('y')
        && word
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| !"aeiou".contains(c));
    if ends_in_consonant_y {
        return Ok(format!("{}ies", &name[..name.len() - 1]));
    }
    if word.ends_with('s') {
        return if ["ss", "us", "as"].iter().any(|end| word.ends_with(end)) {
            Ok(format!("{name}es"))
        } else {
            Err(NoPlural::EndsInS)
        };
    }
    if ["x", "z", "ch", "sh"].iter().any(|end| word.ends_with(end)) {
        return Ok(format!("{name}es"));
    }
    Ok(format!("{name}s"))
}

/// Words whose plural the rules above would get wrong, or which have no single plural.
const IRREGULAR: &[&str] = &[
    // Changed vowels and old endings.
    "person",
    "child",
    "foot",
    "tooth",
    "goose",
    "mouse",
    "louse",
    "ox",
    "die",
    "quiz",
    // Latin and Greek.
    "datum",
    "medium",
    "criterion",
    "phenomenon",
    "curriculum",
    "memorandum",
    "bacterium",
    "stratum",
    "index",
    "matrix",
    "vertex",
    "appendix",
    "apex",
    "cortex",
    "cactus",
    "radius",
    "fungus",
    "nucleus",
    "stimulus",
    "syllabus",
    "alumnus",
    "focus",
    "corpus",
    "genus",
    "opus",
    "octopus",
    // -f and -fe that become -ves.
    "leaf",
    "loaf",
    "half",
    "calf",
    "knife",
    "life",
    "wife",
    "wolf",
    "shelf",
    "thief",
    "self",
    "elf",
    "scarf",
    // -o that takes -es.
    "hero",
    "potato",
    "tomato",
    "echo",
    "veto",
    "torpedo",
    "embargo",
    // -ch said as k, which takes -s.
    "epoch",
    "stomach",
    "monarch",
    "patriarch",
    "matriarch",
    "tech",
    // The same in both numbers.
    "data",
    "metadata",
    "info",
    "information",
    "news",
    "equipment",
    "feedback",
    "software",
    "hardware",
    "firmware",
    "media",
    "sheep",
    "fish",
    "deer",
    "series",
    "species",
    "moose",
    "aircraft",
    "staff",
    "money",
    "music",
    "traffic",
    "advice",
    "evidence",
    "furniture",
    "luggage",
    "knowledge",
    "research",
    "progress",
    "police",
    "offspring",
    "bison",
    "salmon",
    "trout",
    "swine",
];

#[cfg(test)]
mod tests {
    use super::{NoPlural, plural, snake_case};

    #[test]
    fn snake_case_splits_words_and_acronyms() {
        assert_eq!(snake_case("User"), "user");
        assert_eq!(snake_case("BlogPost"), "blog_post");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("UserID"), "user_id");
    }

    #[test]
    fn regular_plurals() {
        for (one, many) in [
            ("post", "posts"),
            ("blog_post", "blog_posts"),
            ("category", "categories"),
            ("product_category", "product_categories"),
            ("day", "days"),
            ("key", "keys"),
            ("address", "addresses"),
            ("status", "statuses"),
            ("alias", "aliases"),
            ("box", "boxes"),
            ("match", "matches"),
            ("wish", "wishes"),
            ("waltz", "waltzes"),
            ("video", "videos"),
            ("photo", "photos"),
            ("roof", "roofs"),
            ("like", "likes"),
        ] {
            assert_eq!(plural(one).as_deref(), Ok(many), "{one}");
        }
    }

    #[test]
    fn irregular_and_uncountable_words_have_no_default() {
        for word in [
            "person",
            "sales_person",
            "child",
            "data",
            "index",
            "leaf",
            "hero",
            "man",
            "chairman",
            "epoch",
            "news",
        ] {
            assert_eq!(plural(word), Err(NoPlural::Irregular), "{word}");
        }
    }

    #[test]
    fn words_ending_in_s_may_be_plural_already() {
        for word in ["settings", "user_stats", "analysis", "lens"] {
            assert_eq!(plural(word), Err(NoPlural::EndsInS), "{word}");
        }
    }
}
