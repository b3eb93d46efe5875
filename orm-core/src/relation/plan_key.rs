//! A key to plan a derived relationship's statement with (`explain`), for a key type that
//! has a default. The CQL text does not depend on the key's value, which is bound, so any
//! value does; a key type without a default leaves the relationship unexplained.

use std::marker::PhantomData;

/// Chooses by method resolution on the derive's concrete key type: `(&PlanKey::<K>(..))
/// .plan_key()` finds [`PlanKeyDefault`] without a further borrow when `K: Default`, and
/// [`PlanKeyNone`] (one borrow more) otherwise.
#[doc(hidden)]
#[derive(Debug)]
pub struct PlanKey<K>(pub PhantomData<K>);

/// `Some(K::default())`.
#[doc(hidden)]
pub trait PlanKeyDefault<K> {
    fn plan_key(&self) -> Option<K>;
}

impl<K: Default> PlanKeyDefault<K> for PlanKey<K> {
    fn plan_key(&self) -> Option<K> {
        Some(K::default())
    }
}

/// `None`: no value of `K` to plan with.
#[doc(hidden)]
pub trait PlanKeyNone<K> {
    fn plan_key(&self) -> Option<K>;
}

impl<K> PlanKeyNone<K> for &PlanKey<K> {
    fn plan_key(&self) -> Option<K> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoDefault;

    #[test]
    #[allow(clippy::needless_borrow)] // the borrow is what picks the impl
    fn a_key_type_with_a_default_plans_and_one_without_does_not() {
        assert_eq!(
            (&PlanKey::<(i64, String)>(PhantomData)).plan_key(),
            Some((0, String::new()))
        );
        assert!((&PlanKey::<NoDefault>(PhantomData)).plan_key().is_none());
    }
}
