//! Names the derive makes up: table, UDT and foreign-key names from type names, and the
//! default names of relations that read many rows.
//!
//! Case conversion is `heck`'s. Pluralisation is a small rule set of our own rather than
//! a pluralisation crate's tables: the plural becomes a method name (`categories_relation()`)
//! that must not change when a dependency revises its word lists, and a guess the rules
//! cannot make safely is refused with the fix (`name = "..."`) instead of being made.

use heck::ToSnakeCase;

/// `BlogPost` -> `blog_post`, `HTTPServer` -> `http_server`.
pub fn snake_case(name: &str) -> String {
    name.to_snake_case()
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
