"""The installed llama.cpp holds no instruction beyond the portable baseline, read from its disassembly.

A test machine with AVX-512 and AMX (where a native build crashed, issue 12) runs an AVX-512 path without complaint,
so running the model proves nothing there; the disassembly does, on any machine. Controls first: the scanner
finds each kind of instruction it looks for in a few assembled lines, and none in plain AVX2 / NEON code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.runtime.instruction_scan import arm64_findings, disassemble, x86_findings

REPO = Path(__file__).resolve().parents[2]

X86_CONTROL = {
    "vpaddd %zmm1,%zmm2,%zmm3": "AVX-512 (EVEX or zmm)",
    "vpternlogd $0x96,%ymm1,%ymm2,%ymm3": "AVX-512 (EVEX or zmm)",  # AVX-512VL: EVEX on ymm registers
    "vpaddd %xmm17,%xmm1,%xmm2": "AVX-512 (EVEX or zmm)",
    "vpaddd %ymm1,%ymm2,%ymm3{%k1}": "AVX-512 (EVEX or zmm)",
    "ldtilecfg (%rax)": "AMX",
    "tileloadd (%rax,%rbx,1),%tmm0": "AMX",
    "tdpbssd %tmm1,%tmm2,%tmm3": "AMX",
    "{vex} vpdpbusd %ymm1,%ymm2,%ymm3": "AVX-VNNI",
    "vpaddd %ymm1,%ymm2,%ymm3": None,  # AVX2, FMA, F16C: the baseline
    "vfmadd231ps %ymm1,%ymm2,%ymm3": None,
    "vcvtph2ps %xmm1,%ymm2": None,
}
ARM64_CONTROL = {
    "sdot v0.4s, v1.16b, v2.16b": "dotprod",
    "smmla v0.4s, v1.16b, v2.16b": "i8mm",
    "ptrue p0.s": "SVE",
    "ld1w {z0.s}, p0/z, [x0]": "SVE",
    "fmla v0.8h, v1.8h, v2.8h": "fp16 arithmetic",
    "fadd h0, h1, h2": "fp16 arithmetic",
    "fcvtl v0.4s, v1.4h": None,  # half-precision conversion is armv8-a
    "fmla v0.4s, v1.4s, v2.4s": None,
    "ld1 {v0.4s}, [x0]": None,
}


def assembled(tmp_path: Path, assembler: str, objdump: str, lines: list[str], header: str = "") -> str:
    source, obj = tmp_path / "control.s", tmp_path / "control.o"
    source.write_text(header + ".text\n" + "\n".join(lines) + "\n")
    subprocess.run([assembler, str(source), "-o", str(obj)], check=True, capture_output=True)
    return disassemble(objdump, obj)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (binutils; .ci/run installs it)")
    return path


@pytest.mark.parametrize(("line", "kind"), X86_CONTROL.items())
def test_x86_scanner_names_each_kind(tmp_path, line, kind):
    listing = assembled(tmp_path, tool("as"), tool("objdump"), [line])
    assert dict(x86_findings(listing)) == ({kind: 1} if kind else {})


@pytest.mark.parametrize(("line", "kind"), ARM64_CONTROL.items())
def test_arm64_scanner_names_each_kind(tmp_path, line, kind):
    header = ".arch armv8.6-a+sve+i8mm+dotprod+fp16\n"
    listing = assembled(tmp_path, tool("aarch64-linux-gnu-as"), tool("aarch64-linux-gnu-objdump"), [line], header)
    assert dict(arm64_findings(listing)) == ({kind: 1} if kind else {})


def installed_cpu_backends() -> list[Path]:
    """The CPU backend: the ggml flags (GGML_AVX2, GGML_AVX512 ...) compile it alone; libllama and libggml-base
    take the compiler's defaults. Its .so.0 and .so.0.25.3 are copies in the wheel: one is read."""
    import llama_cpp

    return sorted((Path(llama_cpp.__file__).parent / "lib").glob("libggml-cpu*.so"))


@pytest.mark.skipif(not shutil.which("objdump"), reason="objdump is not installed (binutils; .ci/run installs it)")
def test_installed_llama_cpp_has_no_avx512_amx_or_vnni():
    import platform

    if platform.machine() != "x86_64":
        pytest.skip("the x86-64 baseline; an arm64 box is checked by the cross build's test")
    libraries = installed_cpu_backends()
    assert libraries, "the CPU backend (libggml-cpu.so) is missing from the installed wheel"
    found = {path.name: dict(x86_findings(disassemble("objdump", path))) for path in libraries}
    assert all(not kinds for kinds in found.values()), f"beyond the AVX2 baseline: {found}"


def test_arm64_cross_build_stays_armv8a():
    """The cross build tests/field/arm64_qemu.py made with the Makefile's arm64 flags (when it exists here)."""
    import os

    builds = Path(os.environ.get("EDGEKIT_LLAMA_BUILDS", REPO / ".build"))
    archives = sorted((builds / "aarch64-portable").glob("llama.cpp/**/libggml-cpu.a"))
    if not archives:
        pytest.skip("no arm64 cross build here: run tests/field/arm64_qemu.py to make one")
    objdump = tool("aarch64-linux-gnu-objdump")
    found = {path.name: dict(arm64_findings(disassemble(objdump, path))) for path in archives}
    assert all(not kinds for kinds in found.values()), f"beyond armv8-a: {found}"
