//! Collecting errors in the order a user reads them, around checks that produce a value.

use darling::Error;
use darling::error::Accumulator;
use proc_macro2::TokenStream;

/// A derive's expansion: `expand` of the checked input, or, when checking failed, its
/// errors followed by `fallback()`, what still expands from the input so that only the
/// real errors are reported.
pub fn or_fallback<T>(
    checked: Result<T, Error>,
    expand: impl FnOnce(&T) -> TokenStream,
    fallback: impl FnOnce() -> TokenStream,
) -> TokenStream {
    match checked {
        Ok(checked) => expand(&checked),
        Err(errors) => {
            let errors = errors.write_errors();
            let fallback = fallback();
            quote::quote!(#errors #fallback)
        }
    }
}

/// An error at `attr` for each `(option, given)` of `options` that is given there, where it
/// does not apply: `message(option)` says so.
pub fn given_in_vain(
    options: &[(&str, bool)],
    attr: &syn::Attribute,
    errors: &mut Accumulator,
    message: impl Fn(&str) -> String,
) {
    for (option, given) in options {
        if *given {
            errors.push(Error::custom(message(option)).with_span(attr));
        }
    }
}

/// Where a check that resolves something (a column named in an attribute) reports its
/// other errors: `before` the value's own error, or `after` it. The relation and the morph
/// checks both resolve a column this way.
#[derive(Default)]
pub struct BeforeAndAfter {
    pub before: Accumulator,
    pub after: Accumulator,
}

impl BeforeAndAfter {
    /// `value` when neither it nor the accumulators hold an error; otherwise every error,
    /// in order: `before`'s, `value`'s, then `after`'s. A check that resolves something
    /// returns it as a `Result`, so the value reaches the typed ast only when it exists,
    /// and its error keeps its place among the others.
    pub fn finish<T>(self, value: Result<T, Error>) -> Result<T, Error> {
        let mut errors = self.before.into_inner();
        let value = match value {
            Ok(value) => Some(value),
            Err(error) => {
                errors.push(error);
                None
            }
        };
        errors.extend(self.after.into_inner());
        match value {
            Some(value) if errors.is_empty() => Ok(value),
            _ => Err(Error::multiple(errors)),
        }
    }
}
