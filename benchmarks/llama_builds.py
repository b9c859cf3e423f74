"""Builds of llama.cpp from the source inside the llama-cpp-python sdist the Makefile pins, with given ggml flags.

Used by benchmarks/portable_build.py (the installed portable wheel against a native build) and tests/field/arm64_qemu.py
(the arm64 flags cross-compiled, run under qemu). What is built is llama-probe (llama_probe/probe.cpp): the llama
library, its CPU backend and one small program, nothing else, one compile at a time on all the cores given.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROBE_SOURCE = Path(__file__).resolve().parent / "llama_probe"
BUILD_ROOT = Path(os.environ.get("EDGEKIT_LLAMA_BUILDS", REPO / ".build"))
CROSS_AARCH64 = [
    "-DCMAKE_SYSTEM_NAME=Linux",
    "-DCMAKE_SYSTEM_PROCESSOR=aarch64",
    "-DCMAKE_C_COMPILER=aarch64-linux-gnu-gcc",
    "-DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++",
]  # linked against Debian's arm64 libc, libstdc++ and libgomp: run with qemu-aarch64 -L /usr/aarch64-linux-gnu


def makefile_var(name: str) -> str:
    """A variable as the Makefile has it (make print-NAME): the flags are read, never copied."""
    done = subprocess.run(["make", "-s", "-C", str(REPO), f"print-{name}"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def flags_for(arch: str) -> list[str]:
    flags = makefile_var(f"LLAMA_FLAGS_{arch}").split()
    if not flags:
        raise SystemExit(f"the Makefile has no LLAMA_FLAGS_{arch}")
    return flags


def llama_source() -> Path:
    """vendor/llama.cpp of the pinned llama-cpp-python sdist, downloaded once (pip download) and unpacked."""
    version = makefile_var("LLAMA_CPP_VERSION")
    root = BUILD_ROOT / f"llama_cpp_python-{version}"
    source = root / "vendor" / "llama.cpp"
    if source.is_dir():
        return source
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    sdist = BUILD_ROOT / f"llama_cpp_python-{version}.tar.gz"
    if not sdist.exists():
        pip = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", "-d", str(BUILD_ROOT)]
        subprocess.run([*pip, f"llama-cpp-python=={version}"], check=True)
    with tarfile.open(sdist) as archive:
        archive.extractall(BUILD_ROOT, filter="data")
    return source


def build_probe(name: str, flags: list[str], extra: list[str] = (), jobs: int = 2) -> Path:
    """Configure (if the flags changed) and build llama-probe in BUILD_ROOT/name; returns the program's path."""
    build = BUILD_ROOT / name
    wanted = json.dumps([*flags, *extra])
    stamp = build / "edgekit-flags.json"
    if build.exists() and (not stamp.exists() or stamp.read_text() != wanted):
        shutil.rmtree(build)  # another flag set: never reuse objects compiled with other instructions
    if not stamp.exists():
        configure = ["cmake", "-S", str(PROBE_SOURCE), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release"]
        configure += [f"-DLLAMA_SRC={llama_source()}", "-DGGML_CCACHE=OFF", *extra, *flags]
        subprocess.run(configure, check=True, stdout=subprocess.DEVNULL)
        stamp.write_text(wanted)
    subprocess.run(["cmake", "--build", str(build), "--target", "llama-probe", f"-j{jobs}"], check=True)
    return build / "llama-probe"


def probe_on_wheel(name: str = "wheel-probe") -> Path:
    """llama-probe linked against the installed llama-cpp-python wheel's own libraries: the very build that ships
    (its flags are the Makefile's), with the headers of the same vendored llama.cpp. One file to compile."""
    import llama_cpp

    build = BUILD_ROOT / name
    build.mkdir(parents=True, exist_ok=True)
    return _compile_probe(build / "llama-probe", Path(llama_cpp.__file__).parent / "lib")


def _compile_probe(program: Path, libs: Path) -> Path:
    source = llama_source()
    command = ["c++", "-O2", "-std=c++17", str(PROBE_SOURCE / "probe.cpp"), "-o", str(program)]
    command += [f"-I{source / 'include'}", f"-I{source / 'ggml' / 'include'}", f"-L{libs}", f"-Wl,-rpath,{libs}"]
    subprocess.run([*command, "-lllama", "-lggml", "-lggml-base"], check=True)
    return program


NOTHING_BUT_THE_LIBRARIES = [
    f"-DLLAMA_{part}=OFF"
    for part in ("BUILD_COMMON", "BUILD_TESTS", "BUILD_TOOLS", "BUILD_EXAMPLES", "BUILD_SERVER", "BUILD_APP", "OPENSSL")
]

# A scalar reference for x86: ggml's CPU backend with every SIMD extension off, so its quantized dot products are the
# generic C loops (plain x86-64: SSE2 only, which ggml's kernels do not use) and no weights are repacked. It is no
# more "right" than AVX2 or NEON; it adds in a third order, so each SIMD build's distance to it shows how far two
# correct builds' logits can be apart.
SCALAR_X86 = [
    "-DGGML_NATIVE=OFF", "-DGGML_SSE42=OFF", "-DGGML_AVX=OFF", "-DGGML_AVX2=OFF", "-DGGML_FMA=OFF", "-DGGML_F16C=OFF",
    "-DGGML_BMI2=OFF", "-DGGML_AVX512=OFF", "-DGGML_AVX_VNNI=OFF", "-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF",
    "-DGGML_AMX_BF16=OFF",
]  # fmt: skip


def probe_on_wheel_with_cpu_backend(name: str, flags: list[str], jobs: int = 2) -> Path:
    """llama-probe on the installed wheel's libllama, libggml and libggml-base, with only the CPU backend
    (libggml-cpu.so) rebuilt from the same source with other flags: the two then differ in the CPU kernels alone.
    Builds about 20 files, not llama.cpp whole."""
    import llama_cpp

    wheel_libs = Path(llama_cpp.__file__).parent / "lib"
    build = BUILD_ROOT / name
    wanted = json.dumps(flags)
    stamp = build / "edgekit-flags.json"
    if build.exists() and (not stamp.exists() or stamp.read_text() != wanted):
        shutil.rmtree(build)
    if not stamp.exists():
        configure = ["cmake", "-S", str(llama_source()), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release"]
        configure += ["-DBUILD_SHARED_LIBS=ON", "-DGGML_CCACHE=OFF", *NOTHING_BUT_THE_LIBRARIES, *flags]
        subprocess.run(configure, check=True, stdout=subprocess.DEVNULL)
        stamp.write_text(wanted)
    subprocess.run(["cmake", "--build", str(build), "--target", "ggml-cpu", f"-j{jobs}"], check=True)
    libs = build / "probe-libs"
    libs.mkdir(exist_ok=True)
    for library in ("libllama.so.0", "libggml.so.0", "libggml-base.so.0"):
        shutil.copy2(wheel_libs / library, libs / library)
    shutil.copy2(build / "bin" / "libggml-cpu.so.0", libs / "libggml-cpu.so.0")  # cmake puts libraries in bin/
    for library in ("libllama", "libggml", "libggml-base"):
        (libs / f"{library}.so").unlink(missing_ok=True)
        (libs / f"{library}.so").symlink_to(f"{library}.so.0")
    return _compile_probe(build / "llama-probe", libs)


def run_probe(command: list[str], model: Path, prompt: str, tokens: int, threads: int, timeout_s: float = 1800):
    """One greedy generation: (the probe's JSON result, or None, and how the process ended)."""
    args = [*command, "-m", str(model), "-t", str(threads), "-n", str(tokens), prompt]
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
    if done.returncode != 0:
        return None, done
    return json.loads(done.stdout.strip().splitlines()[-1]), done


def default_chat_model(model_id: str = "gemma3-270m-q4km") -> Path:
    """The GGUF file of a chat model (by default the catalog's default, gemma3-270m-q4km) as `make models` installed
    it."""
    models = Path(os.environ.get("EDGEKIT_MODELS_DIR") or "")
    if not models.parts:
        home = os.environ.get("EDGEKIT_HOME") or makefile_var("EDGEKIT_HOME")
        models = Path(home) / "models"
    found = sorted((models / model_id).glob("*.gguf"))
    if not found:
        raise SystemExit(f"no {model_id} model in {models}: run make models (or set EDGEKIT_MODELS_DIR)")
    return found[0]
