"""Proof, without a Raspberry Pi, that the Makefile's arm64 flags run on a Pi 4 (Cortex-A72) and a Pi 5 (Cortex-A76)
and that the x86 build runs on an AVX2 CPU without AVX-512 (Haswell), and that arm64 and x86 write the same greedy
tokens wherever the logits' arithmetic differences cannot decide them.

1. Builds, all of llama.cpp from the llama-cpp-python sdist the Makefile pins, run by llama-probe
   (benchmarks/llama_probe/probe.cpp) with one thread:
   - x86: linked against the installed wheel (the Makefile's portable flags, AVX2), with and without llama.cpp's
     weight repacking (`-x`: no extra buffer types; AVX2 repacks Q4_K and Q4_0 into interleaved 8x8 blocks);
   - scalar: the same wheel with its CPU backend rebuilt with every SIMD extension off (generic C kernels), a
     third order of addition to measure the other two against;
   - arm64: cross-compiled with Debian's aarch64 toolchain and LLAMA_FLAGS_aarch64 (NEON, no dotprod: nothing is
     repacked), checked to hold no dotprod/i8mm/SVE/fp16 instruction, run under qemu-aarch64 -cpu cortex-a72 and
     -cpu cortex-a76 (a control first shows qemu does refuse an A76 instruction, sdot, on the A72).
2. For each of PROMPTS, x86 writes TOKENS greedy tokens; every other build is fed those tokens one by one
   (teacher-forced) and every step's whole logit vector is kept. Up to the first step where a build's argmax
   leaves x86's token the two had the same context, so its argmaxes there are what its own greedy run writes.
3. The distance of two builds: at each step, how far the lead of x86's token over each rival within REACH logits
   of it moved between the two builds (|(x_t - x_c) - (y_t - y_c)|), the largest over the steps. A shift of all
   logits together cannot change a greedy choice and is not counted; a moved lead is exactly what can.
4. PASS needs: no illegal instruction on either core; the A72 and the A76 give identical logits; the distance of
   arm64 to x86, and of each build to the scalar reference, within TOLERANCE; arm64's argmax is x86's token at
   every step, or, where it is not, x86's own lead there is below TOLERANCE and arm64 took x86's second choice
   (a near-tie that the measured arithmetic can flip), never where x86 is sure.
5. The installed wheel itself runs under qemu-x86_64 -cpu Haswell: no illegal instruction, the same tokens as
   natively; and its CPU library holds no AVX-512 (zmm) or AMX (tile) instruction.
Prints each step and PASS or FAIL; exit status 0 only on PASS. Not run by `make test`: the cross-compile takes
10-40 minutes on 2 busy cores the first time (then it is cached in .build/), the emulated runs 2-4 minutes a prompt
and core. The runs are kept in .build/arm64-runs and reused when the program, model and arguments are the same
(--fresh runs them again).
    apt-get install -y gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user   # once
    .venv/bin/python tests/field/arm64_qemu.py [--tokens 16] [--jobs 2] [--skip-x86] [--fresh]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from llama_builds import (
    BUILD_ROOT,
    CROSS_AARCH64,
    SCALAR_X86,
    build_probe,
    default_chat_model,
    flags_for,
    probe_on_wheel,
    probe_on_wheel_with_cpu_backend,
)

# Four kinds of question the boxes answer, each short: under qemu every prompt token costs emulation time.
PROMPTS = (
    "The three most important things a farmer can do to keep maize healthy are",
    "A pregnant woman should go to the health centre at once if she has",
    "To help a child who is learning to read, a teacher can",
    "Water from a village well can be made safe to drink by",
)
# One thread, on both sides of every comparison: under qemu on a busy machine two threads spend most of their
# time waiting for each other at ggml's barriers.
THREADS = 1
# In logits: how far a correct build may move the lead of x86's token over a rival. Fixed at 1.0 from x86 alone,
# before arm64 was compared on more than one prompt: on these prompts (gemma-3-270m, whose top logits are 15-24)
# the same wheel with and without weight repacking, on one and the same CPU, moves those leads by up to 0.95
# (rivals within REACH), and it and the scalar build flip the argmax where x86's own margin is up to 0.42. Each
# matrix product first rounds its input to 8-bit blocks (q8_K); an input that differs in its last bits can round to
# the next step, so order-of-addition differences of a few thousandths grow to tenths. A wrong instruction or a
# miscompile moves logits by whole units.
TOLERANCE = 1.0
# The rivals that can take a greedy choice: the tokens within REACH logits of x86's token in either build. The
# further down the list, the more two correct builds' logits differ (on x86 alone, with and without repacking: the
# leads over the nearest 2 rivals moved up to 0.34 on prompt 1, over the nearest 10 up to 0.36, over the whole
# vocabulary up to 1.0), and a token several logits behind cannot be chosen. The first run counted the nearest 10
# rivals instead and failed arm64 / scalar at 1.21, on a token 4.4 to 5.6 logits behind (ranked 10th to 21st).
REACH = 3.0
SYSROOT = "/usr/aarch64-linux-gnu"
CPUS = ("cortex-a72", "cortex-a76")
# Instructions the A72 (ARMv8.0-A) does not have: dot product, int8 matrix multiply, SVE, half-precision arithmetic.
ARM_EXTENSION_MNEMONICS = ("sdot", "udot", "smmla", "ummla", "usmmla", "ptrue", "whilelo", "fmla\tv0.8h")
DOTPROD_CONTROL = """#include <arm_neon.h>
#include <stdio.h>
int main(void) {
    int8x16_t a = vdupq_n_s8(1), b = vdupq_n_s8(2);
    int32x4_t s = vdotq_s32(vdupq_n_s32(0), a, b);
    printf("%d\\n", vgetq_lane_s32(s, 0));
    return 0;
}
"""
AVX512_CONTROL = """int main(void) {
    __asm__ volatile("vpxord %%zmm1, %%zmm1, %%zmm1" ::: "xmm1");
    return 0;
}
"""
WHEEL_SCRIPT = """
import json, sys
from llama_cpp import Llama
llm = Llama(sys.argv[1], n_threads=int(sys.argv[2]), n_ctx=256, verbose=False)
prompt = llm.tokenize(sys.argv[3].encode(), add_bos=True, special=True)
out = []
for token in llm.generate(prompt, temp=0.0, top_k=1, repeat_penalty=1.0):
    out.append(token)
    if len(out) == int(sys.argv[4]) or llm.token_eos() == token:
        break
print(json.dumps({"tokens": out, "text": llm.detokenize(out).decode(errors="replace")}))
"""


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def step(self, ok: bool, what: str) -> bool:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}", flush=True)
        if not ok:
            self.failures.append(what)
        return ok


# --- the judging (unit-tested in test_arm64_judging.py) ---


def first_divergence(a: list[int], b: list[int]) -> int | None:
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return None if len(a) == len(b) else min(len(a), len(b))


def judge_free_run(reference: dict, other: dict, tolerance: float = TOLERANCE) -> tuple[bool, str]:
    """Free-running greedy tokens: the same as the reference's, or leaving them only at a near-tie of the
    reference's own logits, where the other build took the reference's second choice."""
    at = first_divergence(reference["tokens"], other["tokens"])
    if at is None:
        return True, f"the same {len(reference['tokens'])} tokens as x86"
    if at >= min(len(reference["tokens"]), len(other["tokens"])):
        return False, f"stopped after {at} tokens, x86 made {len(reference['tokens'])}"
    step = reference["steps"][at]
    margin = step["best_logit"] - step["second_logit"]
    took_second = other["tokens"][at] == step["second"]
    ok = took_second and margin < tolerance
    return ok, (
        f"the same first {at} tokens as x86, then {other['tokens'][at]} where x86 has {reference['tokens'][at]}: "
        f"x86's top two there are {step['best_logit']:.4f} ({step['best']}) and {step['second_logit']:.4f} "
        f"({step['second']}), a margin of {margin:.4f} "
        f"{'below' if margin < tolerance else 'NOT below'} the tolerance {tolerance}"
        f"{'' if took_second else ', and arm64 did NOT take x86s second choice'}"
    )


def judge_forced(reference: dict, forced: dict, tolerance: float = TOLERANCE) -> tuple[bool, str]:
    """Teacher-forced: fed x86's tokens, at every step the other build's argmax is x86's token, or x86's token is
    within the tolerance of the other build's top logit and x86's own margin there is below the tolerance, with
    the other build's argmax x86's second choice: a near-tie, never a step where x86 is sure."""
    wanted = reference["tokens"]
    if forced["tokens"] != wanted or len(forced["steps"]) != len(wanted):
        return False, f"was not fed x86's {len(wanted)} tokens (got {forced['tokens']})"
    same, worst_gap, drift, bad = 0, 0.0, 0.0, []
    for index, (token, mine, theirs) in enumerate(zip(wanted, forced["steps"], reference["steps"], strict=True)):
        gap = mine["best_logit"] - mine["fed_logit"]  # 0 when this build's argmax is x86's token
        same += mine["best"] == token
        worst_gap = max(worst_gap, gap)
        drift = max(drift, abs(mine["fed_logit"] - theirs["best_logit"]))  # the same token's logit on each build
        if mine["best"] == token:
            continue
        x86_margin = theirs["best_logit"] - theirs["second_logit"]
        if gap >= tolerance:
            bad.append(f"step {index}: argmax {mine['best']}, x86's {token} {gap:.4f} below it")
        elif x86_margin >= tolerance or mine["best"] != theirs["second"]:
            bad.append(
                f"step {index}: argmax {mine['best']} where x86 chose {token} by {x86_margin:.4f} "
                f"over its second choice {theirs['second']}"
            )
    return not bad, (
        f"fed x86's tokens: argmax = x86's token at {same}/{len(wanted)} steps, the largest gap to x86's token "
        f"{worst_gap:.4f} (tolerance {tolerance}), the chosen token's logit at most {drift:.4f} from x86's"
        + (f"; {'; '.join(bad)}" if bad else "")
    )


def lead_shifts(tokens: list[int], one_logits, other_logits, reach: float = REACH) -> list[float]:
    """At each step, how far the lead of the fed token (x86's) over each rival within REACH of it (in either
    build) moved from one build to the other: the largest |(a_t - a_c) - (b_t - b_c)|. Moving every logit by the
    same amount moves no lead (greedy choices stay), so it counts 0."""
    import numpy as np

    shifts = []
    for token, one_row, other_row in zip(tokens, one_logits, other_logits, strict=True):
        one, other = np.asarray(one_row, dtype=np.float64), np.asarray(other_row, dtype=np.float64)
        one_lead, other_lead = one[token] - one, other[token] - other
        rivals = (one_lead < reach) | (other_lead < reach)
        shifts.append(float(np.abs(one_lead[rivals] - other_lead[rivals]).max()))
    return shifts


def judge_distance(name: str, shifts: list[float], tolerance: float = TOLERANCE) -> tuple[bool, str]:
    worst = max(shifts) if shifts else float("inf")
    at = shifts.index(worst) if shifts else None
    return worst <= tolerance, (
        f"{name}: the leads of x86's tokens moved by at most {worst:.4f} (step {at}) "
        f"{'within' if worst <= tolerance else 'BEYOND'} the tolerance {tolerance}"
    )


# --- running the builds ---


def ended(done) -> str:
    return "illegal instruction (SIGILL)" if done.returncode in (-4, 132) else f"exit {done.returncode}"


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_kept(runs: Path, name: str, command: list[str], model: Path, prompt: str, tokens: int, fresh: bool):
    """One llama-probe run with every step's logits, kept in RUNS under a key of the program, the model and the
    arguments, so a second invocation reuses it instead of emulating again. Returns (result or None, process
    or None, seconds, reused)."""
    import numpy as np

    args = [*command, "-m", str(model), "-t", str(THREADS), "-n", str(tokens)]
    program = next(Path(part) for part in command if Path(part).name == "llama-probe")
    # The program by its content, everything else as given (emulated core, fed tokens, model, flags).
    key = hashlib.sha256(json.dumps([file_digest(program), [a for a in args if a != str(program)], prompt]).encode())
    stem = runs / f"{name}-{key.hexdigest()[:16]}"
    kept, logits_file = stem.with_suffix(".json"), stem.with_suffix(".f32")
    if kept.exists() and logits_file.exists() and not fresh:
        result = json.loads(kept.read_text())
        reused = True
    else:
        started = time.monotonic()
        done = subprocess.run(
            [*args, "-o", str(logits_file), prompt], capture_output=True, text=True, timeout=3600, check=False
        )
        took = time.monotonic() - started
        if done.returncode != 0:
            return None, done, took, False
        result = json.loads(done.stdout.strip().splitlines()[-1]) | {"seconds": round(took, 1)}
        kept.write_text(json.dumps(result))
        reused = False
    logits = np.fromfile(logits_file, dtype=np.float32).reshape(len(result["steps"]), -1)
    return result | {"logits": logits}, None, result["seconds"], reused


def wheel_tokens(model: Path, tokens: int, emulator: list[str] = ()) -> tuple[dict | None, str]:
    command = [*emulator, sys.executable, "-c", WHEEL_SCRIPT, str(model), str(THREADS), PROMPTS[0], str(tokens)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        return None, f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
    return json.loads(done.stdout.strip().splitlines()[-1]), ""


def dotprod_control(report: Report) -> None:
    """qemu must refuse an A76-only instruction on the A72, or passing on the A72 would prove nothing."""
    with tempfile.TemporaryDirectory() as directory:
        source, program = Path(directory, "dot.c"), Path(directory, "dot")
        source.write_text(DOTPROD_CONTROL)
        subprocess.run(
            ["aarch64-linux-gnu-gcc", "-O1", "-static", "-march=armv8.2-a+dotprod", str(source), "-o", str(program)],
            check=True,
        )
        a72 = subprocess.run(["qemu-aarch64", "-cpu", "cortex-a72", str(program)], capture_output=True, check=False)
        a76 = subprocess.run(["qemu-aarch64", "-cpu", "cortex-a76", str(program)], capture_output=True, check=False)
    report.step(
        a72.returncode != 0 and a76.returncode == 0,
        f"control: an sdot instruction stops on cortex-a72 ({ended(a72)}) and runs on cortex-a76 ({ended(a76)})",
    )


def avx512_control(report: Report) -> None:
    """qemu's Haswell must refuse an AVX-512 instruction, or the wheel running there would prove nothing."""
    with tempfile.TemporaryDirectory() as directory:
        source, program = Path(directory, "zmm.c"), Path(directory, "zmm")
        source.write_text(AVX512_CONTROL)
        subprocess.run(["gcc", "-O1", "-mavx512f", str(source), "-o", str(program)], check=True)
        haswell = subprocess.run(["qemu-x86_64", "-cpu", "Haswell", str(program)], capture_output=True, check=False)
    report.step(haswell.returncode != 0, f"control: an AVX-512 instruction stops on qemu's Haswell ({ended(haswell)})")


def count_mnemonics(objdump: str, binary: Path, mnemonics: tuple[str, ...]) -> dict[str, int]:
    listing = subprocess.run([objdump, "-d", str(binary)], capture_output=True, text=True, check=True).stdout
    counts = dict.fromkeys(mnemonics, 0)
    for line in listing.splitlines():
        instruction = line.split("\t", 2)[-1] if line.count("\t") >= 2 else ""
        for mnemonic in mnemonics:
            if instruction.startswith(mnemonic):
                counts[mnemonic] += 1
    return {m: n for m, n in counts.items() if n}


def margins(result: dict) -> list[float]:
    return [round(s["best_logit"] - s["second_logit"], 4) for s in result["steps"]]


def check_prompt(report: Report, number: int, prompt: str, builds: dict, model: Path, args, runs: Path) -> dict:
    """One prompt: x86's greedy tokens, then every other build fed them; the checks of the module's docstring.
    Returns each pair's lead shifts for the summary."""
    print(f"prompt {number}: {prompt!r}", flush=True)
    reference, done, took, reused = run_kept(
        runs, f"p{number}-x86", [builds["x86"]], model, prompt, args.tokens, args.fresh
    )
    if reference is None:
        report.step(False, f"prompt {number}: x86 cannot generate: {done.stderr.strip()[-300:]}")
        return {}
    tokens = reference["tokens"]
    print(f"  x86 greedy ({took:.0f} s{', kept' if reused else ''}): {tokens}")
    print(f"  x86's top-2 margin at each step: {margins(reference)}")
    forced = [*args.probe_args, "-f", ",".join(map(str, tokens))]
    others = {
        "x86 without repacking": ([builds["x86"], "-x"], "x86-norepack"),
        "scalar": ([builds["scalar"]], "scalar"),
    }
    for cpu in CPUS:
        others[f"arm64 {cpu}"] = (["qemu-aarch64", "-L", SYSROOT, "-cpu", cpu, builds["arm64"]], cpu)
    results = {}
    for name, (command, short) in others.items():
        result, done, took, reused = run_kept(
            runs, f"p{number}-{short}", [*command, *forced], model, prompt, args.tokens, args.fresh
        )
        if result is None:
            report.step(False, f"prompt {number}, {name}: {ended(done)} after {took:.0f} s: {done.stderr[-300:]}")
            continue
        results[name] = result
        if name.startswith("arm64"):
            argmaxes = [step["best"] for step in result["steps"]]
            ok, how = judge_free_run(reference, {"tokens": argmaxes})
            report.step(
                ok,
                f"prompt {number}, {name}: no illegal instruction, {len(argmaxes)} steps in {took:.0f} s"
                f"{' (kept from an earlier run)' if reused else ''}; greedy: {how}",
            )
            ok, how = judge_forced(reference, result)
            report.step(ok, f"prompt {number}, {name} teacher-forced: {how}")
        else:
            same = sum(step["best"] == token for step, token in zip(result["steps"], tokens, strict=True))
            print(f"  {name}: argmax = x86's token at {same}/{len(tokens)} steps; its top-2 margins {margins(result)}")
    a72, a76 = (results.get(f"arm64 {cpu}") for cpu in CPUS)
    if a72 and a76:
        report.step(
            a72["steps"] == a76["steps"] and (a72["logits"] == a76["logits"]).all(),
            f"prompt {number}: the A72 and the A76 give the same logits, bit for bit, at every step",
        )
    shifts = {}
    pairs = {
        "x86 / scalar": ("x86", "scalar"),
        "x86 without repacking / scalar": ("x86 without repacking", "scalar"),
        "x86 / x86 without repacking": ("x86", "x86 without repacking"),
        "arm64 / scalar": ("arm64 cortex-a72", "scalar"),
        "arm64 / x86": ("arm64 cortex-a72", "x86"),
        "arm64 / x86 without repacking": ("arm64 cortex-a72", "x86 without repacking"),
    }
    results["x86"] = reference
    for pair, (one, other) in pairs.items():
        if one in results and other in results:
            shifts[pair] = lead_shifts(tokens, results[one]["logits"], results[other]["logits"])
            by_step = [round(x, 3) for x in shifts[pair]]
            print(f"  {pair}: leads moved by at most {max(shifts[pair]):.4f}, by step {by_step}")
    arm = results.get("arm64 cortex-a72")
    if arm:
        for index, step in enumerate(arm["steps"]):
            if step["best"] != tokens[index] and "scalar" in results and "arm64 / x86" in shifts:
                scalar = results["scalar"]["steps"][index]
                print(
                    f"  step {index}: arm64 chose {step['best']}, x86 {tokens[index]} (x86's margin "
                    f"{margins(reference)[index]:.4f}, the leads there moved by {shifts['arm64 / x86'][index]:.4f}); "
                    f"the scalar reference chose {scalar['best']} with a margin of "
                    f"{scalar['best_logit'] - scalar['second_logit']:.4f}"
                )
    return shifts


def check_arm64_binary(report: Report, args) -> Path:
    flags = flags_for("aarch64")
    print(f"arm64: cross-compiling llama-probe with {' '.join(flags)}", flush=True)
    started = time.monotonic()
    probe = build_probe("aarch64-portable", flags, CROSS_AARCH64, jobs=args.jobs)
    print(f"  built in {time.monotonic() - started:.0f} s (cached after the first time)")
    found = count_mnemonics("aarch64-linux-gnu-objdump", probe, ARM_EXTENSION_MNEMONICS)
    report.step(not found, f"no dotprod, i8mm, SVE or fp16 vector instructions in the binary {found or ''}")
    dotprod_control(report)
    return probe


def check_x86(report: Report, model: Path, reference: list[int], tokens: int) -> None:
    import llama_cpp

    libraries = sorted(Path(llama_cpp.__file__).parent.glob("lib/libggml-cpu*.so"))
    wide = {}
    for library in libraries:
        wide |= count_mnemonics("objdump", library, ("vpdpbusd", "tdpb", "tileloadd", "ldtilecfg"))
        listing = subprocess.run(["objdump", "-d", str(library)], capture_output=True, text=True, check=True).stdout
        if "%zmm" in listing:
            wide["zmm registers"] = listing.count("%zmm")
    report.step(
        bool(libraries) and not wide, f"no AVX-512 or AMX instruction in {[p.name for p in libraries]} {wide or ''}"
    )
    avx512_control(report)
    started = time.monotonic()
    result, why = wheel_tokens(model, tokens, ["qemu-x86_64", "-cpu", "Haswell"])
    took = time.monotonic() - started
    if result is None:
        report.step(False, f"the wheel under qemu-x86_64 -cpu Haswell: {why}")
        return
    report.step(
        result["tokens"] == reference,
        f"the wheel under qemu-x86_64 -cpu Haswell: ran in {took:.0f} s, "
        f"{'the same' if result['tokens'] == reference else 'DIFFERENT'} tokens",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=16)
    parser.add_argument("--prompts", type=int, default=len(PROMPTS), help="how many of the prompts")
    parser.add_argument("--jobs", type=int, default=2, help="compile jobs")
    parser.add_argument("--skip-x86", action="store_true", help="not the Haswell part (a slow emulated Python)")
    parser.add_argument("--fresh", action="store_true", help="run again what .build/arm64-runs holds")
    parser.add_argument(
        "--model",
        default="gemma3-270m-q4km",
        help="an installed chat model (the catalog's default; a box's RAM may choose a larger one, see docs)",
    )
    args = parser.parse_args()
    args.probe_args = []
    missing = [
        tool for tool in ("aarch64-linux-gnu-g++", "qemu-aarch64", "qemu-x86_64", "objdump") if not shutil.which(tool)
    ]
    if missing:
        print(
            f"FAIL: missing {', '.join(missing)}; "
            "apt-get install -y gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user"
        )
        return 1
    started = time.monotonic()
    report = Report()
    model = default_chat_model(args.model)
    print(f"model {model.name}, {args.tokens} tokens a prompt, {THREADS} thread, tolerance {TOLERANCE} logits")
    builds = {
        "x86": str(probe_on_wheel()),
        "scalar": str(probe_on_wheel_with_cpu_backend("x86-scalar-cpu", SCALAR_X86, jobs=args.jobs)),
        "arm64": str(check_arm64_binary(report, args)),
    }
    runs = BUILD_ROOT / "arm64-runs"
    runs.mkdir(parents=True, exist_ok=True)
    shifts: dict[str, list[float]] = {}
    for number, prompt in enumerate(PROMPTS[: args.prompts], start=1):
        for pair, values in check_prompt(report, number, prompt, builds, model, args, runs).items():
            shifts.setdefault(pair, []).extend(values)
    print(f"over {args.prompts} prompts x {args.tokens} tokens (x86's tokens fed to every build):")
    for pair, values in shifts.items():
        ok, how = judge_distance(pair, values)
        if pair in ("arm64 / x86", "arm64 / scalar", "x86 / scalar"):
            report.step(ok, how)
        else:
            print(f"  {how}")
    if not args.skip_x86:
        wheel, why = wheel_tokens(model, args.tokens)
        if wheel is None:
            report.step(False, f"the installed llama-cpp-python wheel cannot generate: {why}")
        else:
            print(f"the wheel through Python: {wheel['tokens']}  {PROMPTS[0]!r} -> {wheel['text']!r}")
            check_x86(report, model, wheel["tokens"], args.tokens)
    verdict = "PASS" if not report.failures else f"FAIL ({len(report.failures)} failed)"
    print(f"{verdict} in {time.monotonic() - started:.0f} s")
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
