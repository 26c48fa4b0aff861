//! Placeholder parsing of hostile bodies against a normal one of the same size (`cargo bench -p
//! prompts`): `{` x 102,398 then `}}` once cost the square of its length (1.7 s for 100 KB).
//! Prints each body's time per parse and its ratio to the normal body's, measured in this run.

use std::{hint::black_box, time::Instant};

use prompts::placeholders::placeholders;

fn per_parse(body: &str) -> f64 {
    let rounds = 50;
    let started = Instant::now();
    for _ in 0..rounds {
        black_box(placeholders(black_box(body)));
    }
    started.elapsed().as_secs_f64() / f64::from(rounds)
}

fn main() {
    let size = 102_400;
    let line = "Answer the customer's question {{question}} in the tone {{tone}}.\n";
    let normal: String = line.repeat(size / line.len() + 1)[..size].to_owned();
    let hostile = [
        ("102,398 `{` then `}}`", format!("{}}}}}", "{".repeat(size - 2))),
        ("`{{` x 51,200, never closed", "{{".repeat(size / 2)),
        ("20,000 distinct placeholders", (0..20_000).map(|i| format!("{{{{p{i}}}}}")).collect()),
    ];
    let baseline = per_parse(&normal);
    println!("normal 100 KB body (baseline): {:.3} ms per parse", baseline * 1e3);
    for (name, body) in &hostile {
        let seconds = per_parse(body);
        println!(
            "{name} ({} bytes): {:.3} ms per parse = {:.1}x the baseline",
            body.len(),
            seconds * 1e3,
            seconds / baseline
        );
    }
}
