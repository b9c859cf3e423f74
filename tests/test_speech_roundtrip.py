"""Speech out, then speech in: what the Piper voice says, tiny.en hears (the two real models end to end).

Piper adds random noise to every synthesis, so one sentence heard once is a coin toss near any bound: "Dry the
maize well" came back with 14-36% of its words wrong across runs ("maze", "mace wool"). The bound is on the words
of several sentences together, with a looser one per sentence that only a broken voice or ear would cross.
"""

from edgekit.speech.stt import transcribe
from edgekit.speech.tts import synthesize_speech
from tests.speech_clips import word_error_rate

SENTENCES = (
    "Dry the maize well in the sun before you store it in clean bags.",
    "Give the child clean water and keep her warm.",
    "Plant the beans when the rains begin.",
    "Take the pregnant woman to the clinic today.",
)


def test_the_box_understands_its_own_voice(speech_kit):
    wrong_words, all_words, heard_texts = 0.0, 0, []
    for sentence in SENTENCES:
        speech = synthesize_speech(speech_kit.manager, sentence, "en")
        assert speech.voice == "piper-en-us-joe-medium"
        heard = transcribe(speech_kit.manager, speech.wav, "en")
        assert heard.model == "whisper-tiny-en"
        heard_texts.append(heard.text)
        error_rate = word_error_rate(sentence, heard.text)
        assert error_rate <= 0.5, heard.text
        words = len(sentence.split())
        wrong_words, all_words = wrong_words + error_rate * words, all_words + words
    assert wrong_words / all_words <= 0.2, heard_texts
