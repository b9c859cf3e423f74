"""Speech out, then speech in: what the Piper voice says, tiny.en hears (the two real models end to end)."""

from edgekit.speech.stt import transcribe
from edgekit.speech.tts import synthesize_speech
from tests.speech_clips import word_error_rate

SENTENCE = "Dry the maize well in the sun before you store it in clean bags."


def test_the_box_understands_its_own_voice(speech_kit):
    speech = synthesize_speech(speech_kit.manager, SENTENCE, "en")
    assert speech.voice == "piper-en-us-joe-medium"
    heard = transcribe(speech_kit.manager, speech.wav, "en")
    assert heard.model == "whisper-tiny-en"
    assert word_error_rate(SENTENCE, heard.text) <= 0.3, heard.text
