//! The random source a factory's definition draws from: seeded per row, so the same seed
//! gives the same rows whatever order they are made or written in.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// What a factory's definition and states get: a random generator for the row being
/// made, and its sequence number.
///
/// Use it with the `fake` crate (re-exported as [`orm_core::factory::fake`](crate::factory::fake)):
/// `Name().fake_with_rng(f.rng())`.
///
/// ```
/// use orm_core::factory::Faker;
/// use orm_core::factory::fake::{Fake, faker::name::en::Name};
///
/// let mut a = Faker::new(7, 1);
/// let mut b = Faker::new(7, 1);
/// let name: String = Name().fake_with_rng(a.rng());
/// assert_eq!(name, Name().fake_with_rng::<String, _>(b.rng()));
/// assert_eq!(a.sequence(), 1);
/// ```
#[derive(Debug)]
pub struct Faker {
    rng: StdRng,
    sequence: u64,
}

impl Faker {
    /// The faker of row `sequence` of a factory seeded with `seed`.
    pub fn new(seed: u64, sequence: u64) -> Faker {
        Faker {
            rng: StdRng::seed_from_u64(mix(seed, sequence)),
            sequence,
        }
    }

    /// The random generator, for `fake`'s `fake_with_rng` and `rand`'s methods.
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// The row's sequence number: 1 for the first row a factory makes, then 2, 3, ...
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// A random (version 4) UUID drawn from the seeded generator.
    pub fn uuid(&mut self) -> uuid::Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }

    /// A number in `range`, drawn from the seeded generator.
    pub fn number(&mut self, range: std::ops::Range<i64>) -> i64 {
        self.rng.random_range(range)
    }
}

/// One 64-bit value from two (SplitMix64's finaliser), so nearby seeds and sequence
/// numbers give unrelated generators.
pub(crate) fn mix(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed for a part of a graph: the parent's seed mixed with the part's name.
pub(crate) fn derive_seed(seed: u64, part: &str) -> u64 {
    part.bytes()
        .fold(mix(seed, 0x5EED), |acc, b| mix(acc, u64::from(b)))
}
