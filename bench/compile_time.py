#!/usr/bin/env python3
"""Compile time of the derive against charybdis's, for the same models.

For each side (this ORM, charybdis) and each model count, generates a small binary crate
under target/compile-time/ declaring that many models: pairs of a `User{k}` and a
`Post{k}` (partition key, clustering key, four regular columns). The ORM's pairs are
related (`#[has_many]` on the user, `#[belongs_to]` on the post); charybdis has no
relations, so its models are the same structs without them.

Each crate is built once (dependencies included), then rebuilt `--runs` times after
touching its source: only the user crate recompiles. The two sides alternate within each
run (the first side flips every run). Reported per side and count: the median CPU time
(user + system of cargo and rustc, from getrusage of the children; CPU time moves much
less than wall time on a busy machine) and the median wall time; then the median of the
per-run ratios ORM/charybdis, with their range.

    bench/compile_time.py [--models 10,50] [--runs 5]

Debug profile, `--offline` (every dependency is in the workspace's Cargo.lock).
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "target" / "compile-time"


def orm_models(pairs):
    yield "use orm_core::prelude::*;\nuse uuid::Uuid;\n"
    for k in range(pairs):
        yield f"""
#[derive(Model, Debug, Clone)]
#[orm(table = "users_{k}")]
#[has_many(Post{k}, foreign_key = "user_id")]
pub struct User{k} {{
    #[orm(partition_key)]
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub score: i32,
    pub views: i64,
}}

#[derive(Model, Debug, Clone)]
#[orm(table = "posts_{k}")]
#[belongs_to(User{k}, foreign_key = "user_id")]
pub struct Post{k} {{
    #[orm(partition_key)]
    pub user_id: Uuid,
    #[orm(clustering_key)]
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub score: i32,
    pub views: i64,
}}
"""


def charybdis_attribute(table, partition_keys, clustering_keys=""):
    """The `#[charybdis_model]` attribute of one generated model: the pair's models have no
    indexes or static columns, so only the table and the keys differ."""
    return f"""#[charybdis_model(
    table_name = {table},
    partition_keys = [{partition_keys}],
    clustering_keys = [{clustering_keys}],
    global_secondary_indexes = [],
    local_secondary_indexes = [],
    static_columns = []
)]"""


def charybdis_models(pairs):
    yield "use charybdis::macros::charybdis_model;\n"
    yield "use charybdis::types::{BigInt, Int, Text, Uuid};\n"
    for k in range(pairs):
        yield f"""
{charybdis_attribute(f"users_{k}", "id")}
#[derive(Default, Debug, Clone)]
pub struct User{k} {{
    pub id: Uuid,
    pub name: Text,
    pub email: Text,
    pub score: Int,
    pub views: BigInt,
}}

{charybdis_attribute(f"posts_{k}", "user_id", "id")}
#[derive(Default, Debug, Clone)]
pub struct Post{k} {{
    pub user_id: Uuid,
    pub id: Uuid,
    pub title: Text,
    pub body: Text,
    pub score: Int,
    pub views: BigInt,
}}
"""


SIDES = {
    "orm": (
        orm_models,
        f'orm-core = {{ path = "{REPO / "orm-core"}" }}\nuuid = "1"\n',
    ),
    "charybdis": (
        charybdis_models,
        'charybdis = "1.1"\nscylla = "1.9"\n',
    ),
}


def generate(side, models):
    make, deps = SIDES[side]
    crate = OUT / f"{side}-{models}"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(
        f'[package]\nname = "compile-{side}-{models}"\nversion = "0.0.0"\nedition = "2024"\n'
        f"publish = false\n\n[dependencies]\n{deps}\n[workspace]\n"
    )
    shutil.copy(REPO / "Cargo.lock", crate / "Cargo.lock")
    source = "#![allow(dead_code)]\n" + "".join(make(models // 2)) + "\nfn main() {}\n"
    (crate / "src" / "main.rs").write_text(source)
    return crate


def build(crate):
    """Builds `crate`; returns (CPU seconds of cargo and rustc, wall seconds)."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(OUT / "target"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        ["cargo", "build", "--offline", "-q"], cwd=crate, env=env, capture_output=True, text=True
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"build of {crate} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="10,50")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    counts = [int(n) for n in args.models.split(",")]

    print("| models | side | CPU, median (s) | wall, median (s) | CPU per run (s) |")
    print("|---:|---|---:|---:|---|")
    for models in counts:
        crates = {side: generate(side, models) for side in SIDES}
        for crate in crates.values():
            build(crate)  # dependencies, and a first build of the crate
        # The sides alternate within each run (the first side flips every run), and the
        # ratio is paired per run: load that changes between runs cancels out.
        cpus = {side: [] for side in SIDES}
        walls = {side: [] for side in SIDES}
        for run in range(args.runs):
            order = list(SIDES) if run % 2 == 0 else list(reversed(SIDES))
            for side in order:
                (crates[side] / "src" / "main.rs").touch()
                cpu, wall = build(crates[side])
                cpus[side].append(cpu)
                walls[side].append(wall)
        for side in SIDES:
            runs = ", ".join(f"{c:.2f}" for c in cpus[side])
            print(
                f"| {models} | {side} | {statistics.median(cpus[side]):.2f} "
                f"| {statistics.median(walls[side]):.2f} | {runs} |",
                flush=True,
            )
        paired = sorted(o / c for o, c in zip(cpus["orm"], cpus["charybdis"]))
        print(
            f"| {models} | ORM/charybdis, paired per run | **{statistics.median(paired):.2f}x** "
            f"({paired[0]:.2f}-{paired[-1]:.2f}) | | |",
            flush=True,
        )


if __name__ == "__main__":
    main()
