//! Helpers shared by the app's wasm tests and benchmarks.

/// A small deterministic random-number generator (an LCG): the same book on every run.
pub struct Dice(pub u64);

impl Dice {
    /// A number in `0..n`.
    pub fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}
