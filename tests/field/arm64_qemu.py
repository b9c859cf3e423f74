"""Proof, without a Raspberry Pi, that the Makefile's arm64 flags run on a Pi 4 (Cortex-A72) and a Pi 5 (Cortex-A76)
and that the x86 build runs on an AVX2 CPU without AVX-512 (Haswell), all giving the same greedy tokens.

1. Reference: llama-probe (llama_probe/probe.cpp) linked against the installed llama-cpp-python wheel's libraries
   (the portable x86 build `make` made) generates TOKENS greedy tokens of the default chat model (gemma3-270m-q4km)
   on this machine, with the two highest logits at each step.
2. llama.cpp from the same sdist is cross-compiled with Debian's aarch64 toolchain and the Makefile's
   LLAMA_FLAGS_aarch64 (the same llama-probe), and checked to hold no dotprod/i8mm/SVE instructions.
3. It runs under qemu-aarch64 user emulation with -cpu cortex-a72 and -cpu cortex-a76: no illegal instruction.
   A control first shows qemu does refuse an A76 instruction (sdot) on the A72. The tokens are compared
   honestly, since NEON and AVX2 add the quantized dot products in another order and the logits differ in the
   last digits. arm64 is fed x86's tokens one by one (teacher-forced, so one near-tie does not send the two down
   different texts): up to the first step where its argmax leaves x86's token, that argmax is what a free greedy
   run writes, and it may leave x86's tokens only where x86's own top two logits are closer than TOLERANCE and
   arm64 took x86's second choice; after it, at every step arm64's argmax is x86's token, or x86's token is
   within TOLERANCE of arm64's top logit. The A72 and the A76 give the same logits.
4. The installed wheel itself runs under qemu-x86_64 -cpu Haswell: no illegal instruction, the same tokens as
   natively; and its CPU library holds no AVX-512 (zmm) or AMX (tile) instruction.
Prints each step and PASS or FAIL; exit status 0 only on PASS. Not run by `make test`: the cross-compile takes
10-20 minutes on 2 busy cores the first time (then it is cached in .build/), the emulated runs a few minutes.
    apt-get install -y gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user   # once
    .venv/bin/python tests/field/arm64_qemu.py [--tokens 16] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from llama_builds import CROSS_AARCH64, build_probe, default_chat_model, flags_for, probe_on_wheel, run_probe

PROMPT = "The three most important things a farmer can do to keep maize healthy are"
# One thread, on both sides of every comparison: under qemu on a busy machine two threads spend most of their
# time waiting for each other at ggml's barriers.
THREADS = 1
# In logits (gemma's top logits here are about 15, so about 0.3% of one). Two builds that add in another order
# differ by a few thousandths (seen: 0.0014 at the one near-tie of this prompt); a real miscompile or a wrong
# instruction moves logits by whole units and changes the argmax where x86's margin is wide.
TOLERANCE = 0.05
SYSROOT = "/usr/aarch64-linux-gnu"
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


def wheel_tokens(model: Path, tokens: int, emulator: list[str] = ()) -> tuple[dict | None, str]:
    command = [*emulator, sys.executable, "-c", WHEEL_SCRIPT, str(model), str(THREADS), PROMPT, str(tokens)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        return None, f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
    return json.loads(done.stdout.strip().splitlines()[-1]), ""


def ended(done) -> str:
    return "illegal instruction (SIGILL)" if done.returncode in (-4, 132) else f"exit {done.returncode}"


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
    """Teacher-forced: fed x86's tokens, the other build's argmax is x86's token at every step, or x86's token is
    within the tolerance of the other build's top logit."""
    wanted = reference["tokens"]
    if forced["tokens"] != wanted or len(forced["steps"]) != len(wanted):
        return False, f"was not fed x86's {len(wanted)} tokens (got {forced['tokens']})"
    same, worst_gap, drift, bad = 0, 0.0, 0.0, []
    for index, (token, mine, theirs) in enumerate(zip(wanted, forced["steps"], reference["steps"], strict=True)):
        gap = mine["best_logit"] - mine["fed_logit"]  # 0 when arm64's argmax is x86's token
        same += mine["best"] == token
        worst_gap = max(worst_gap, gap)
        drift = max(drift, abs(mine["fed_logit"] - theirs["best_logit"]))  # the same token's logit on each build
        if mine["best"] != token and gap >= tolerance:
            bad.append(f"step {index}: argmax {mine['best']}, x86's {token} {gap:.4f} below it")
    return not bad, (
        f"fed x86's tokens: argmax = x86's token at {same}/{len(wanted)} steps, the largest gap to x86's token "
        f"{worst_gap:.4f} (tolerance {tolerance}), the chosen token's logit at most {drift:.4f} from x86's"
        + (f"; {'; '.join(bad)}" if bad else "")
    )


def check_arm64(report: Report, model: Path, reference: dict, tokens: int, jobs: int) -> None:
    flags = flags_for("aarch64")
    print(f"arm64: cross-compiling llama-probe with {' '.join(flags)}", flush=True)
    started = time.monotonic()
    probe = build_probe("aarch64-portable", flags, CROSS_AARCH64, jobs=jobs)
    print(f"  built in {time.monotonic() - started:.0f} s (cached after the first time)")
    found = count_mnemonics("aarch64-linux-gnu-objdump", probe, ARM_EXTENSION_MNEMONICS)
    report.step(not found, f"no dotprod, i8mm, SVE or fp16 vector instructions in the binary {found or ''}")
    dotprod_control(report)
    forced = ",".join(str(t) for t in reference["tokens"])
    runs = {}
    for cpu in ("cortex-a72", "cortex-a76"):
        # One teacher-forced run a core: up to the first step where arm64's argmax leaves x86's token the two
        # had the same context, so those argmaxes are exactly what a free run would write; after it, each step
        # is still compared on x86's context. (A free run as well would double the emulation time for nothing.)
        started = time.monotonic()
        result, done = run_probe(
            ["qemu-aarch64", "-L", SYSROOT, "-cpu", cpu, str(probe), "-f", forced], model, PROMPT, tokens, THREADS
        )
        took = time.monotonic() - started
        if result is None:
            report.step(False, f"{cpu}: {ended(done)} after {took:.0f} s: {done.stderr.strip()[-300:]}")
            continue
        runs[cpu] = result
        argmaxes = [step["best"] for step in result["steps"]]
        ok, how = judge_free_run(reference, {"tokens": argmaxes})
        report.step(ok, f"{cpu}: no illegal instruction, {len(argmaxes)} steps in {took:.0f} s; greedy: {how}")
        print(f"    arm64 argmax at each step: {argmaxes}")
        ok, how = judge_forced(reference, result)
        report.step(ok, f"{cpu} teacher-forced: {how}")
    if len(runs) == 2:
        a72, a76 = runs["cortex-a72"]["steps"], runs["cortex-a76"]["steps"]
        report.step(a72 == a76, "the A72 and the A76 give the same argmax and the same logits at every step")


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
    parser.add_argument("--jobs", type=int, default=2, help="compile jobs")
    parser.add_argument("--skip-x86", action="store_true", help="only the arm64 part")
    args = parser.parse_args()
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
    model = default_chat_model()
    reference, done = run_probe([str(probe_on_wheel())], model, PROMPT, args.tokens, THREADS)
    if reference is None:
        print(f"FAIL: llama-probe on the installed llama-cpp-python wheel cannot generate: {done.stderr[-300:]}")
        return 1
    print(f"reference (llama-probe on the installed wheel, x86 portable, {THREADS} threads, greedy):")
    print(f"  {reference['tokens']}")
    margins = [round(s["best_logit"] - s["second_logit"], 4) for s in reference["steps"]]
    print(f"  x86's top-2 logit margin at each step: {margins}")
    check_arm64(report, model, reference, args.tokens, args.jobs)
    if not args.skip_x86:
        wheel, why = wheel_tokens(model, args.tokens)
        if wheel is None:
            report.step(False, f"the installed llama-cpp-python wheel cannot generate: {why}")
        else:
            print(f"the wheel through Python: {wheel['tokens']}  {PROMPT!r} -> {wheel['text']!r}")
            check_x86(report, model, wheel["tokens"], args.tokens)
    verdict = "PASS" if not report.failures else f"FAIL ({len(report.failures)} failed)"
    print(f"{verdict} in {time.monotonic() - started:.0f} s")
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
