"""The portable llama.cpp build against a native build (GGML_NATIVE=ON, every instruction set of this CPU): same
source, model, prompt, threads and greedy tokens, alternating runs.

Both run llama-probe (llama_probe/probe.cpp, the C API, no Python in the way). "portable" is linked against the
installed llama-cpp-python wheel's own libraries, the build that ships (the Makefile's flags); "native" against
llama.cpp from the same sdist built with GGML_NATIVE=ON into .build/ (static; about 20-40 minutes on 2 busy cores,
once). --portable-from-source builds the portable side from source too (static, the Makefile's flags), for a
like-for-like link. Prints the medians and the ratios portable / native of prompt tokens/s, generation tokens/s
and time to the first token, and whether both produced the same tokens. Not a test: it never fails a build.
    .venv/bin/python benchmarks/portable_build.py [--rounds 7] [--threads 2] [--tokens 32]
"""

from __future__ import annotations

import argparse
import platform
import statistics

from llama_builds import build_probe, default_chat_model, flags_for, probe_on_wheel, run_probe

# About 80 prompt tokens: a realistic question with its instructions, long enough to time the prompt.
PROMPT = (
    "You are a helpful assistant for farmers in East Africa. Answer briefly and clearly, in simple words, and say "
    "when a farmer should ask the local extension officer instead. Question: my maize leaves have long grey "
    "streaks and the lower leaves are drying early, after two weeks of rain. What is it, and what should I do "
    "this week to save the rest of the field? Answer:"
)
METRICS = ("prompt_tps", "gen_tps", "first_token_ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--jobs", type=int, default=2, help="compile jobs")
    parser.add_argument("--portable-from-source", action="store_true", help="build the portable side, not the wheel")
    args = parser.parse_args()

    machine = platform.machine()
    short = "x86" if machine == "x86_64" else machine
    model = default_chat_model()
    builds = {
        "native": build_probe(f"{short}-native", ["-DGGML_NATIVE=ON"], jobs=args.jobs),
        "portable": build_probe(f"{short}-portable", flags_for(machine), jobs=args.jobs)
        if args.portable_from_source
        else probe_on_wheel(),
    }
    print(f"model {model.name}, {args.threads} threads, {args.tokens} tokens, {args.rounds} rounds alternating")
    print(
        f"portable: {'built from source with' if args.portable_from_source else 'the installed wheel, built with'} "
        f"{' '.join(flags_for(machine))}"
    )
    results: dict[str, list[dict]] = {name: [] for name in builds}
    for round_index in range(args.rounds + 1):  # round 0 warms the page cache and is not counted
        order = list(builds) if round_index % 2 else list(reversed(builds))
        for name in order:
            result, done = run_probe([str(builds[name])], model, PROMPT, args.tokens, args.threads)
            if result is None:
                raise SystemExit(f"{name} failed ({done.returncode}): {done.stderr[-500:]}")
            if round_index:
                results[name].append(result)
    medians = {name: {m: statistics.median(r[m] for r in runs) for m in METRICS} for name, runs in results.items()}
    print(f"prompt tokens: {results['native'][0]['prompt_tokens']}")
    print(f"{'':10} {'prompt tok/s':>13} {'gen tok/s':>10} {'first token':>12}")
    for name, values in medians.items():
        print(f"{name:10} {values['prompt_tps']:13.1f} {values['gen_tps']:10.1f} {values['first_token_ms']:10.1f}ms")
    ratio = {m: medians["portable"][m] / medians["native"][m] for m in METRICS}
    print(
        f"ratio portable/native: prompt tok/s {ratio['prompt_tps']:.3f}, generation tok/s {ratio['gen_tps']:.3f}, "
        f"first-token time {ratio['first_token_ms']:.3f} (lower is better for time)"
    )
    same = all(r["tokens"] == results["native"][0]["tokens"] for runs in results.values() for r in runs)
    print(f"same greedy tokens in every run: {'yes' if same else 'NO'}")
    within = ratio["prompt_tps"] >= 0.9 and ratio["gen_tps"] >= 0.9 and ratio["first_token_ms"] <= 1 / 0.9
    print(f"goal (within 10% of native): {'met' if within else 'NOT met'}")


if __name__ == "__main__":
    main()
