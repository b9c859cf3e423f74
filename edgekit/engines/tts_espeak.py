"""Speech through the espeak-ng program (the Debian package): a robotic but intelligible voice for every
language it knows, Swahili and French among them, with no model file to install.

It is not a catalog model, so the model manager does not hold it: each call runs the program once, and
separate processes need no lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import cached_property
from pathlib import Path

from edgekit.errors import BadInput, EdgekitError, EngineError

ESPEAK_PROGRAM = "espeak-ng"
# Far above what MAX_SPEECH_CHARS of text takes (a few seconds); only a hung process reaches it.
TIMEOUT_S = 120


class EspeakUnavailable(EdgekitError):
    code = "tts_unavailable"
    http_status = 503

    def __init__(self, program: str):
        super().__init__(
            f"The speech program '{program}' is not installed, so this language cannot be spoken. "
            f"Install it with: sudo apt-get install espeak-ng"
        )


def parse_voice_languages(listing: str) -> set[str]:
    """Language codes from `espeak-ng --voices`: each voice's own and its "Other Languages" ("(fr 5)")."""
    languages: set[str] = set()
    for line in listing.splitlines()[1:]:  # the first line is the column header
        fields = line.split()
        if len(fields) < 5:
            continue
        languages.add(fields[1].lower())
        # After Pty, Language, Age/Gender, VoiceName, File come "(code priority)" pairs.
        others = fields[5:]
        languages.update(code.lstrip("(").lower() for code in others[::2] if code.startswith("("))
    return languages


def normalize_language(lang: str) -> str:
    return lang.strip().replace("_", "-").lower()


class EspeakSpeaker:
    """Runs espeak-ng; voices are looked up once per instance."""

    def __init__(self, program: str = ESPEAK_PROGRAM):
        self.program = program

    @cached_property
    def executable(self) -> str:
        found = shutil.which(self.program)
        if found is None:
            raise EspeakUnavailable(self.program)
        return found

    @property
    def available(self) -> bool:
        try:
            return bool(self.executable)
        except EspeakUnavailable:
            return False

    @cached_property
    def languages(self) -> frozenset[str]:
        listing = self._run(["--voices"]).stdout.decode("utf-8", errors="replace")
        return frozenset(parse_voice_languages(listing))

    def voice_for(self, lang: str) -> str:
        """The espeak-ng voice name for a language code, or unsupported_language."""
        code = normalize_language(lang)
        if code not in self.languages:
            raise BadInput(
                f"espeak-ng has no voice for the language '{lang}'. "
                f"Languages it has: {', '.join(sorted(self.languages))}.",
                code="unsupported_language",
            )
        return code

    def synthesize(self, text: str, lang: str) -> bytes:
        """Speak `text` in `lang`: WAV bytes, mono 16-bit PCM (espeak-ng's own rate, 22050 Hz)."""
        voice = self.voice_for(lang)
        # -w writes a WAV whose header has the true length (--stdout cannot seek back to fill it in).
        # The text goes in on stdin as UTF-8 (-b 1), so text that starts with "-" is never taken for an option.
        with tempfile.TemporaryDirectory(prefix="edgekit-espeak-") as directory:
            out = Path(directory) / "speech.wav"
            self._run(["-v", voice, "-b", "1", "-w", str(out), "--stdin"], stdin=text.encode("utf-8"))
            return out.read_bytes()

    def _run(self, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        try:
            result = subprocess.run(
                [self.executable, *args], input=stdin, capture_output=True, timeout=TIMEOUT_S, check=False
            )
        except FileNotFoundError as exc:  # removed after we found it
            raise EspeakUnavailable(self.program) from exc
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"espeak-ng did not finish within {TIMEOUT_S} s.") from exc
        if result.returncode != 0:
            detail = result.stderr.decode("utf-8", errors="replace").strip()
            raise EngineError(f"espeak-ng failed (exit {result.returncode}): {detail}")
        return result
