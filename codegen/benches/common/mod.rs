//! What the codegen benches share.

use std::time::Instant;

/// The median wall time of `runs` calls of `run`, in milliseconds.
pub fn median_ms(runs: usize, mut run: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
