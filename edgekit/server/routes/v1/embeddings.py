"""/v1/embeddings: texts to vectors with the box's embedding model, in its turn."""

from __future__ import annotations

import base64
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from edgekit.answering.turn import turn
from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.server.deps import get_kit, v1_client
from edgekit.server.openai_schemas import EmbeddingRequest
from edgekit.server.routes.v1.chat import check_text

MAX_EMBED_INPUTS = 256

router = APIRouter()


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str  # base64 of little-endian float32 when asked for


class EmbeddingUsage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: EmbeddingUsage


@router.post("/v1/embeddings")
async def embeddings(
    body: EmbeddingRequest, kit: Kit = Depends(get_kit), client: str = Depends(v1_client)
) -> EmbeddingList:
    import asyncio

    texts = body.texts()
    if len(texts) > MAX_EMBED_INPUTS:
        raise BadInput(
            f"At most {MAX_EMBED_INPUTS} texts a request; {len(texts)} were sent.",
            code="too_many_inputs",
            http_status=413,
        )
    check_text(kit, "".join(texts))
    model_id = kit.manager.model_for("embed")

    def embed() -> tuple[Any, int]:
        with kit.manager.acquire("embed") as engine:
            worker: Any = engine
            return worker.embed(texts), int(worker.count_tokens(texts))

    async with turn(kit, model_id, client):
        vectors, tokens = await asyncio.to_thread(embed)
    data = [
        Embedding(
            index=index,
            embedding=base64.b64encode(vector.astype("<f4").tobytes()).decode()
            if body.encoding_format == "base64"
            else [round(float(x), 7) for x in vector],
        )
        for index, vector in enumerate(vectors)
    ]
    return EmbeddingList(data=data, model=model_id, usage=EmbeddingUsage(prompt_tokens=tokens, total_tokens=tokens))
