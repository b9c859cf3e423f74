"""Speech in and out: phone audio decoded (audio), WAV bytes (wav), speech to text (stt), text to speech (tts)."""
