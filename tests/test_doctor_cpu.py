"""The doctor's check of llama.cpp's compiled instruction sets against the CPU's, on fake cpuinfo trees, and the
installed build itself: portable, with no AVX-512 and no AMX."""

import platform
import sys
from pathlib import Path

import pytest

from edgekit.doctor import cpu as doctor_cpu

# Shortened from real machines' /proc/cpuinfo.
ZEN3 = (
    "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse sse2 pni ssse3 fma sse4_1 avx f16c bmi1 avx2 bmi2\n"
)
SAPPHIRE_RAPIDS = ZEN3.replace("bmi2", "bmi2 avx512f avx512vbmi avx512_vnni avx512_bf16 amx_tile amx_int8 amx_bf16")
PI4_A72 = "processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU part\t: 0xd08\n"
PI5_A76 = (
    "processor\t: 0\nBogoMIPS\t: 108.00\n"
    "Features\t: fp asimd evtstrm crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\n"
)

PORTABLE_X86 = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | LLAMAFILE = 1 | REPACK = 1 | "
)
NATIVE_XEON = PORTABLE_X86.replace(
    "BMI2 = 1 |", "BMI2 = 1 | AVX512 = 1 | AVX512_VBMI = 1 | AVX512_VNNI = 1 | AMX_INT8 = 1 |"
)
PORTABLE_ARM = "CPU : NEON = 1 | ARM_FMA = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
NATIVE_A76 = "CPU : NEON = 1 | ARM_FMA = 1 | FP16_VA = 1 | DOTPROD = 1 | LLAMAFILE = 1 | REPACK = 1 | "
OLD_ATOM = "processor\t: 0\nflags\t\t: fpu sse sse2 pni ssse3 sse4_1 sse4_2\n"


def procfs(tmp_path: Path, cpuinfo: str) -> Path:
    root = tmp_path / "proc"
    root.mkdir()
    (root / "cpuinfo").write_text(cpuinfo)
    return root


def test_compiled_features_read_from_the_system_info_line():
    assert doctor_cpu.compiled_features(NATIVE_XEON) == {
        *("SSE3", "SSSE3", "AVX", "AVX2", "F16C", "FMA", "BMI2"),
        *("AVX512", "AVX512_VBMI", "AVX512_VNNI", "AMX_INT8"),
    }
    assert doctor_cpu.compiled_features("CPU : NEON = 1 | SVE = 0 | SVE_CNT = 16 | DOTPROD = 1 |") == {
        "NEON",
        "DOTPROD",
    }


@pytest.mark.parametrize(
    ("cpuinfo", "system_info", "machine"),
    [
        (ZEN3, PORTABLE_X86, "x86_64"),
        (SAPPHIRE_RAPIDS, PORTABLE_X86, "x86_64"),
        (SAPPHIRE_RAPIDS, NATIVE_XEON, "x86_64"),
        (PI4_A72, PORTABLE_ARM, "aarch64"),
        (PI5_A76, PORTABLE_ARM, "aarch64"),
        (PI5_A76, NATIVE_A76, "aarch64"),
    ],
)
def test_a_build_this_cpu_runs_is_ok(tmp_path, cpuinfo, system_info, machine):
    check = doctor_cpu.check_cpu_features(procfs(tmp_path, cpuinfo), system_info, machine)
    assert check.status == "ok", check.detail
    assert check.fix is None and "this CPU has them all" in check.detail


def test_a_xeon_build_on_another_cpu_fails_with_the_rebuild(tmp_path):
    check = doctor_cpu.check_cpu_features(procfs(tmp_path, ZEN3), NATIVE_XEON, "x86_64")
    assert check.status == "fail"
    assert "AMX_INT8, AVX512, AVX512_VBMI, AVX512_VNNI" in check.detail and "illegal instruction" in check.detail
    assert "make clean-venv run" in check.fix and "wheel pack made for x86_64" in check.fix


def test_a_pi5_build_on_a_pi4_fails(tmp_path):
    check = doctor_cpu.check_cpu_features(procfs(tmp_path, PI4_A72), NATIVE_A76, "aarch64")
    assert check.status == "fail"
    assert "DOTPROD, FP16_VA" in check.detail
    assert "make clean-venv run" in check.fix and "aarch64" in check.fix


def test_a_cpu_below_the_portable_baseline_needs_its_own_build(tmp_path):
    check = doctor_cpu.check_cpu_features(procfs(tmp_path, OLD_ATOM), PORTABLE_X86, "x86_64")
    assert check.status == "fail" and "AVX, AVX2, BMI2, F16C, FMA" in check.detail
    assert "GGML_NATIVE=ON" in check.fix


def test_a_cpu_that_lists_no_features_is_not_a_fault(tmp_path):
    check = doctor_cpu.check_cpu_features(procfs(tmp_path, "processor\t: 0\n"), PORTABLE_ARM, "aarch64")
    assert check.status == "ok" and "does not list" in check.detail
    assert doctor_cpu.cpu_flags(tmp_path / "nowhere") is None


def test_a_library_that_cannot_load_fails_with_the_fix(tmp_path):
    # An interpreter without llama_cpp stands in for a broken install; the doctor itself carries on.
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named llama_cpp' >&2\nexit 1\n")
    python.chmod(0o755)
    check = doctor_cpu.check_cpu_features(procfs(tmp_path, ZEN3), machine="x86_64", python=str(python))
    assert check.status == "fail" and "No module named llama_cpp" in check.detail
    assert "make clean-venv run" in check.fix


def test_an_illegal_instruction_is_named(tmp_path):
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\nkill -ILL $$\n")
    python.chmod(0o755)
    check = doctor_cpu.check_cpu_features(procfs(tmp_path, ZEN3), machine="x86_64", python=str(python))
    assert check.status == "fail" and "illegal instruction" in check.detail


def test_the_installed_llama_cpp_is_portable_and_runs_here():
    """The wheel the Makefile built: no AVX-512, no AMX (nor Arm's optional extensions), and this CPU has the rest."""
    info, why = doctor_cpu.read_system_info(sys.executable)
    assert info is not None, why
    built = doctor_cpu.compiled_features(info)
    machine = platform.machine()
    assert built >= doctor_cpu.PORTABLE_BASELINE[machine]
    assert not built & {"AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16", "AMX_INT8", "AVX_VNNI"}
    assert not built & {"FP16_VA", "DOTPROD", "MATMUL_INT8", "SVE", "SME"}
    assert doctor_cpu.check_cpu_features(Path("/proc"), info).status == "ok"
