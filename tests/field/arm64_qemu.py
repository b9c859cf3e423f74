"""Proof, without a Raspberry Pi, that the Makefile's arm64 flags run on a Pi 4 (Cortex-A72) and a Pi 5 (Cortex-A76)
and that the x86 build runs on an AVX2 CPU without AVX-512 (Haswell), all giving the same greedy tokens.

1. Reference: the installed llama-cpp-python wheel (the portable x86 build `make` made) generates TOKENS greedy
   tokens of the default chat model (gemma3-270m-q4km) on this machine.
2. llama.cpp from the same sdist is cross-compiled with Debian's aarch64 toolchain and the Makefile's
   LLAMA_FLAGS_aarch64 (llama-probe), and checked to hold no dotprod/i8mm/SVE instructions.
3. It runs under qemu-aarch64 user emulation with -cpu cortex-a72 and -cpu cortex-a76: no illegal instruction,
   the reference's tokens. A control first shows qemu does refuse an A76 instruction (sdot) on the A72.
4. The installed wheel itself runs under qemu-x86_64 -cpu Haswell: no illegal instruction, the same tokens; and
   its CPU library holds no AVX-512 (zmm) or AMX (tile) instruction.
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
from llama_builds import CROSS_AARCH64, build_probe, default_chat_model, flags_for, run_probe

PROMPT = "The three most important things a farmer can do to keep maize healthy are"
THREADS = 2
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


def check_arm64(report: Report, model: Path, reference: list[int], tokens: int, jobs: int) -> None:
    flags = flags_for("aarch64")
    print(f"arm64: cross-compiling llama-probe with {' '.join(flags)}", flush=True)
    started = time.monotonic()
    probe = build_probe("aarch64-portable", flags, CROSS_AARCH64, jobs=jobs)
    print(f"  built in {time.monotonic() - started:.0f} s (cached after the first time)")
    found = count_mnemonics("aarch64-linux-gnu-objdump", probe, ARM_EXTENSION_MNEMONICS)
    report.step(not found, f"no dotprod, i8mm, SVE or fp16 vector instructions in the binary {found or ''}")
    dotprod_control(report)
    for cpu in ("cortex-a72", "cortex-a76"):
        started = time.monotonic()
        result, done = run_probe(
            ["qemu-aarch64", "-L", SYSROOT, "-cpu", cpu, str(probe)], model, PROMPT, tokens, THREADS
        )
        took = time.monotonic() - started
        if result is None:
            report.step(False, f"{cpu}: {ended(done)} after {took:.0f} s: {done.stderr.strip()[-300:]}")
            continue
        report.step(
            result["tokens"] == reference,
            f"{cpu}: ran in {took:.0f} s, {len(result['tokens'])} tokens "
            f"{'the same as' if result['tokens'] == reference else 'DIFFERENT from'} x86 {result['tokens']}",
        )


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
    reference, why = wheel_tokens(model, args.tokens)
    if reference is None:
        print(f"FAIL: the installed llama-cpp-python wheel cannot generate: {why}")
        return 1
    print(f"reference (installed wheel, x86 portable, {THREADS} threads, greedy): {reference['tokens']}")
    print(f"  {PROMPT!r} -> {reference['text']!r}")
    check_arm64(report, model, reference["tokens"], args.tokens, args.jobs)
    if not args.skip_x86:
        check_x86(report, model, reference["tokens"], args.tokens)
    verdict = "PASS" if not report.failures else f"FAIL ({len(report.failures)} failed)"
    print(f"{verdict} in {time.monotonic() - started:.0f} s")
    return 0 if not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
