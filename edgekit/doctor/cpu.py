"""The doctor's check that the installed llama.cpp was built for instruction sets this CPU has.

A llama.cpp built on another machine (GGML_NATIVE=ON on a Xeon with AVX-512 and AMX, say) dies with an illegal
instruction on a CPU without them. The compiled features come from llama.cpp's own system info, read in a child
process: loading a library built for other instructions can itself crash, and the doctor must survive to say so.
The CPU's features come from /proc/cpuinfo (the injectable procfs root): `flags` on x86, `Features` on arm64.
"""

from __future__ import annotations

import platform
import signal
import subprocess
import sys
from pathlib import Path

from edgekit.doctor.check import Check

# llama.cpp's name for a compiled feature -> the /proc/cpuinfo flags of which the CPU must have at least one.
CPUINFO_FLAGS: dict[str, tuple[str, ...]] = {
    "SSE3": ("pni", "sse3"),
    "SSSE3": ("ssse3",),
    "AVX": ("avx",),
    "AVX_VNNI": ("avx_vnni",),
    "AVX2": ("avx2",),
    "F16C": ("f16c",),
    "FMA": ("fma",),
    "BMI2": ("bmi2",),
    "AVX512": ("avx512f",),
    "AVX512_VBMI": ("avx512vbmi",),
    "AVX512_VNNI": ("avx512_vnni",),
    "AVX512_BF16": ("avx512_bf16",),
    "AMX_INT8": ("amx_int8",),
    "NEON": ("asimd",),
    "ARM_FMA": ("asimd",),  # the fused multiply-add of Advanced SIMD
    "FP16_VA": ("asimdhp",),  # half-precision vector arithmetic (ARMv8.2-A: A76 yes, A72 no)
    "DOTPROD": ("asimddp",),
    "MATMUL_INT8": ("i8mm",),
    "SVE": ("sve",),
    "SME": ("sme",),
}
# What the Makefile's portable flags compile in: a CPU without one of these needs a build of its own.
PORTABLE_BASELINE = {
    "x86_64": {"SSE3", "SSSE3", "AVX", "AVX2", "F16C", "FMA", "BMI2"},
    "aarch64": {"NEON", "ARM_FMA"},
}
SYSTEM_INFO_SCRIPT = "import llama_cpp, sys; sys.stdout.write(llama_cpp.llama_print_system_info().decode())"
# A wheel imported from a pack ($EDGEKIT_HOME/wheels) would be reinstalled by the Makefile as it is: remove it first.
REBUILD_FIX = (
    "rebuild llama-cpp-python on this box: rm -f $EDGEKIT_HOME/wheels/llama_cpp_python-*.whl && make clean-venv run"
)


def read_system_info(python: str = sys.executable, timeout_s: float = 120) -> tuple[str | None, str]:
    """llama.cpp's system info line from a child process, or (None, why it could not be read)."""
    try:
        done = subprocess.run(
            [python, "-c", SYSTEM_INFO_SCRIPT], capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"could not ask llama.cpp ({exc})"
    if done.returncode == -signal.SIGILL:
        return None, "loading llama.cpp stops with an illegal instruction: it was built for another CPU"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return None, f"llama-cpp-python cannot be loaded ({last})"
    return done.stdout, ""


def compiled_features(system_info: str) -> set[str]:
    """The features a `CPU : SSE3 = 1 | AVX = 1 | ... |` line says are compiled in."""
    features = set()
    for item in system_info.replace("\n", "|").split("|"):
        name, _, value = item.rpartition("=")
        name = name.split(":")[-1].strip()
        if name in CPUINFO_FLAGS and value.strip() not in ("", "0"):
            features.add(name)
    return features


def cpu_flags(procfs: Path) -> set[str] | None:
    """The first CPU's flags (x86 `flags`, arm64 `Features`), or None when cpuinfo does not list them."""
    try:
        text = (procfs / "cpuinfo").read_text(errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in ("flags", "features"):
            return set(value.split())
    return None


def check_cpu_features(
    procfs: Path, system_info: str | None = None, machine: str | None = None, python: str = sys.executable
) -> Check:
    machine = machine or platform.machine()
    if system_info is None:
        system_info, why = read_system_info(python)
        if system_info is None:
            fix = f"{REBUILD_FIX} (or import the llama-cpp-python wheel pack made for {machine})"
            return Check("cpu_features", "fail", why, fix)
    built = compiled_features(system_info)
    names = ", ".join(sorted(built)) or "no SIMD"
    flags = cpu_flags(procfs)
    if flags is None:
        return Check("cpu_features", "ok", f"llama.cpp built for {names}; this CPU does not list its features")
    missing = sorted(f for f in built if not set(CPUINFO_FLAGS[f]) & flags)
    if not missing:
        return Check("cpu_features", "ok", f"llama.cpp built for {names}; this CPU has them all")
    detail = f"llama.cpp is built for {', '.join(missing)}, which this CPU lacks: it stops with an illegal instruction"
    baseline = PORTABLE_BASELINE.get(machine, set())
    if baseline and not set(missing) & baseline:
        fix = f"{REBUILD_FIX} (the portable build), or import the llama-cpp-python wheel pack made for {machine}"
    else:
        fix = "this CPU lacks the portable baseline too; build for it: CMAKE_ARGS=-DGGML_NATIVE=ON make clean-venv run"
    return Check("cpu_features", "fail", detail, fix)
