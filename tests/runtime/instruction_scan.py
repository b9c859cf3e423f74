"""Which instructions a compiled library holds, from its disassembly: the machine-independent proof that a build
stays inside its baseline, whatever CPU runs the tests. A CPU with AVX-512 and AMX would run an AVX-512 path
happily, so only the disassembly shows that a box without them never meets one.

x86-64 baseline (the Makefile's LLAMA_FLAGS_x86_64): AVX2, FMA, F16C, BMI2. Found and named:
  AVX-512: any EVEX-encoded instruction (prefix byte 0x62, which is nothing else in 64-bit code), including the
           xmm/ymm ones AVX-512VL adds, and any zmm register; AMX: tile configuration, loads, stores and the tdp*
           dot products; AVX-VNNI: vpdpbusd and friends, which Haswell-class CPUs lack.
arm64 baseline (LLAMA_FLAGS_aarch64): armv8-a with NEON, what the Pi 4's Cortex-A72 runs. Found and named: SVE,
  dot product (sdot/udot, the A76's), int8 matrix multiply, half-precision arithmetic (ARMv8.2-A).
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

# "  1f:\t62 f1 6d 48 fe d9 \tvpaddd %zmm1,%zmm2,%zmm3" with --insn-width=15, so no instruction wraps a line.
INSTRUCTION = re.compile(r"^\s*[0-9a-f]+:\t([0-9a-f ]+?)\s*\t(.*)$")
X86_LEGACY_PREFIXES = {"f0", "f2", "f3", "2e", "36", "3e", "26", "64", "65", "66", "67"}
X86_PSEUDO_PREFIXES = {"{vex}", "{evex}", "{vex3}", "lock", "rep", "repz", "repnz", "data16", "notrack", "bnd"}
AMX_MNEMONIC = re.compile(r"^(ldtilecfg|sttilecfg|tileloadd\w*|tilestored|tilerelease|tilezero|tdp\w+|tcmmi?mfp16ps)$")
VNNI_MNEMONIC = re.compile(r"^vpdp(bu|bs|wu|ws)\w*$")
ARM_FP16_OPERAND = re.compile(r"\bv\d+\.[48]h\b|^h\d+\b")
ARM_SVE_OPERAND = re.compile(r"\bz\d+\.[bhsdq]\b|\{z\d+|\bp\d+(/[zm]|\.[bhsd])")
ARM_SVE_MNEMONIC = re.compile(r"^(ptrue|ptrues|pfalse|whilel[eot]|whilel[os]|cntp|incw|incd|rdvl|addvl|addpl)$")

# Every finding below holds one of these (an EVEX prefix shows as the byte 62).
X86_MARKERS = ("62", "zmm", "tmm", "tile", "tdp", "vpdp")
ARM64_MARKERS = ("",)  # arm64 listings are read whole: SVE, dotprod and fp16 share no cheap marker


def disassemble(objdump: str, binary: Path) -> str:
    done = subprocess.run(
        [objdump, "-d", "--insn-width=15", str(binary)], capture_output=True, text=True, check=True, timeout=300
    )
    return done.stdout


def _instructions(listing: str, markers: tuple[str, ...]):
    """(bytes, instruction text) of each line holding one of the markers: a library is a million lines, and
    almost none of them can be what is looked for."""
    for line in listing.splitlines():
        if not any(marker in line for marker in markers):
            continue
        match = INSTRUCTION.match(line)
        if match:
            text = match.group(2).split("#")[0].split("//")[0].split("<")[0].strip()
            yield match.group(1).split(), text


def x86_findings(listing: str) -> Counter:
    """Instructions beyond the AVX2 baseline, counted by kind."""
    found: Counter = Counter()
    for raw, text in _instructions(listing, X86_MARKERS):
        words = text.split()
        while words and words[0] in X86_PSEUDO_PREFIXES:
            words = words[1:]
        mnemonic = words[0] if words else ""
        opcode = next((byte for byte in raw if byte not in X86_LEGACY_PREFIXES), "")
        if opcode == "62" or "%zmm" in text:
            found["AVX-512 (EVEX or zmm)"] += 1
        elif AMX_MNEMONIC.match(mnemonic) or "%tmm" in text:
            found["AMX"] += 1
        elif VNNI_MNEMONIC.match(mnemonic):
            found["AVX-VNNI"] += 1
    return found


def arm64_findings(listing: str) -> Counter:
    """Instructions beyond armv8-a with NEON, counted by kind."""
    found: Counter = Counter()
    for _raw, text in _instructions(listing, ARM64_MARKERS):
        mnemonic, operands = [*text.split(None, 1), ""][:2]
        if ARM_SVE_MNEMONIC.match(mnemonic) or ARM_SVE_OPERAND.search(operands):
            found["SVE"] += 1
        elif mnemonic in ("sdot", "udot"):
            found["dotprod"] += 1
        elif mnemonic in ("smmla", "ummla", "usmmla", "usdot", "sudot"):
            found["i8mm"] += 1
        elif mnemonic.startswith("f") and not mnemonic.startswith("fcvt") and ARM_FP16_OPERAND.search(operands):
            found["fp16 arithmetic"] += 1
    return found
