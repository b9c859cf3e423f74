"""OpenAI-compatible /v1 routes, for the clients people already have.

chat.py        /v1/models, /v1/chat/completions (plain chat: the answering service's guard, turn and record)
               and /v1/completions (a raw prompt: turn only)
generation.py  one generation in its turn, streamed or whole, in OpenAI's shapes (shapes.py)
embeddings.py  /v1/embeddings
audio.py       /v1/audio/transcriptions and /v1/audio/speech

Every request takes a place in its model's fair queue before it runs (edgekit/answering/turn.py): a full queue
answers 429 with Retry-After, waiting clients are served in turn, and a request once running is served to its end.
A client that disconnects stops its generation within a token. Errors come in OpenAI's shape
(edgekit.server.errors).
"""

from fastapi import APIRouter

from edgekit.server.routes.v1 import audio, chat, embeddings

router = APIRouter()
for _module in (chat, embeddings, audio):
    router.include_router(_module.router)
