"""Pins the chat model for every test (tests/ and apps/*/tests/): the box's own rule (settings.default_chat_model)
would pick the 1.5B model on a machine with this much memory, and the suite must stay fast. Tests that need
another model name it."""

import os

TEST_CHAT_MODEL = "gemma3-270m-q4km"
os.environ["EDGEKIT_CHAT_MODEL"] = TEST_CHAT_MODEL
