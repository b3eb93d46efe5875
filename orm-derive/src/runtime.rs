//! Where generated code finds the runtime: `::orm_core`, or the path given with
//! `#[orm(crate = path)]` (`#[pivot(crate = path)]`) when the program depends on it under
//! another name or re-exports it.
//!
//! Every path the generated code names starts here, so a rename is one line.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};

/// The runtime's hidden module of items for generated code, versioned with the crates:
/// a derive of another version cannot reach it by accident. `orm-core` declares the module
/// under this name.
pub const PRIVATE_MODULE: &str = "__private_v0_1";

/// The runtime crate's path, as generated code writes it.
#[derive(Clone)]
pub struct Runtime {
    root: TokenStream,
    /// Where the path was written with `crate = ...`: a path that does not lead to the
    /// runtime is then reported there, at the path to fix.
    given: Option<Span>,
}

impl Runtime {
    /// The runtime at `path`, or at `::orm_core` without one.
    pub fn new(path: Option<&syn::Path>) -> Self {
        match path {
            Some(path) => Runtime {
                root: path.to_token_stream(),
                given: path.segments.last().map(|last| last.ident.span()),
            },
            None => Runtime {
                root: quote!(::orm_core),
                given: None,
            },
        }
    }

    /// The crate root (for its public items: `Column`, `Result`, ...), spanned at `span`,
    /// or where it was written when it was given.
    pub fn root_at(&self, span: Span) -> TokenStream {
        respan(self.root.clone(), self.given.unwrap_or(span))
    }

    /// The crate root at the call site.
    pub fn root(&self) -> TokenStream {
        self.root_at(Span::call_site())
    }

    /// The hidden module for generated code, spanned at `span` (so errors in an expression
    /// naming it are reported where the rest of the expression is spanned).
    pub fn private_at(&self, span: Span) -> TokenStream {
        let span = self.given.unwrap_or(span);
        let module = syn::Ident::new(PRIVATE_MODULE, span);
        let root = self.root_at(span);
        let colons = respan(quote!(::), span);
        quote!(#root #colons #module)
    }

    /// The hidden module at the call site.
    pub fn private(&self) -> TokenStream {
        self.private_at(Span::call_site())
    }
}

/// `tokens` with every token (and group) spanned at `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut spanned = Group::new(group.delimiter(), respan(group.stream(), span));
                spanned.set_span(span);
                token = TokenTree::Group(spanned);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{PRIVATE_MODULE, Runtime};

    #[test]
    fn the_private_module_is_versioned_with_the_crate() {
        let expected = format!(
            "__private_v{}_{}",
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(PRIVATE_MODULE, expected);
    }

    #[test]
    fn orm_core_pins_this_exact_version() {
        let manifest = include_str!("../../Cargo.toml");
        let pin = format!("version = \"={}\"", env!("CARGO_PKG_VERSION"));
        let line = manifest
            .lines()
            .find(|line| line.starts_with("orm-derive ="))
            .unwrap_or_default();
        assert!(line.contains(&pin), "{line:?} should contain {pin:?}");
    }

    #[test]
    fn paths_default_to_orm_core_and_follow_the_crate_option() {
        let default = Runtime::new(None);
        assert_eq!(default.root().to_string(), ":: orm_core");
        assert_eq!(
            default.private().to_string(),
            format!(":: orm_core :: {PRIVATE_MODULE}")
        );
        let renamed: syn::Path = syn::parse_quote!(::renamed);
        let renamed = Runtime::new(Some(&renamed));
        assert_eq!(
            renamed.private().to_string(),
            format!(":: renamed :: {PRIVATE_MODULE}")
        );
    }
}
