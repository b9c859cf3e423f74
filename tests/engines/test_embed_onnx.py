"""The onnx_embed engine on the built minilm-int8 model: meaning, shapes, normalisation, bad input, no torch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from edgekit.engines.embed_onnx import OnnxEmbedEngine
from edgekit.errors import BadInput
from edgekit.kit import Kit
from edgekit.models.catalog import Catalog
from edgekit.models.store import ModelStore
from edgekit.settings import Settings, bundled_catalog_dir
from tests.conftest import EMBED_MODEL

QUESTION = "How do I store maize after harvest?"
RELATED = "Keep dried grain in airtight bags"
UNRELATED = "Signs of pre-eclampsia in pregnancy"


@pytest.fixture(scope="session")
def embedder(embed_models_dir, tmp_path_factory) -> OnnxEmbedEngine:
    store = ModelStore(embed_models_dir, Catalog.from_dir(bundled_catalog_dir()))
    spec, directory = store.require_verified(EMBED_MODEL)
    engine = OnnxEmbedEngine(spec, directory, Settings(home=tmp_path_factory.mktemp("embed-home"), threads=2))
    engine.load()
    yield engine
    engine.unload()


def test_a_related_text_is_closer_than_an_unrelated_one(embedder):
    question, related, unrelated = embedder.embed([QUESTION, RELATED, UNRELATED])
    assert question @ related > question @ unrelated + 0.1


def test_one_unit_length_float32_vector_per_text(embedder):
    vectors = embedder.embed([QUESTION, RELATED, UNRELATED])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.dimensions == 384


def test_batching_keeps_the_callers_order_and_barely_moves_a_vector(embedder):
    texts = [QUESTION, "Maize", RELATED * 3, UNRELATED, "Water", "When should children get the measles vaccine?"]
    alone = np.stack([embedder.embed([t])[0] for t in texts])
    together = embedder.embed(texts, batch_size=4)
    similarity = together @ alone.T
    assert list(similarity.argmax(axis=1)) == list(range(len(texts)))  # length sorting is undone
    # Dynamic int8 scales each batch's activations together, so batch companions shift a vector a little.
    assert similarity.diagonal().min() > 0.98


def test_a_text_longer_than_the_model_takes_is_cut_not_refused(embedder):
    vector = embedder.embed(["maize and beans " * 400])
    assert vector.shape == (1, 384)


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        ([], "no_texts"),
        ([""], "empty_text"),
        ([QUESTION, "   "], "empty_text"),
        (QUESTION, "bad_input"),
        ([3], "bad_input"),
    ],
)
def test_bad_input_has_a_clear_code(embedder, texts, code):
    with pytest.raises(BadInput) as caught:
        embedder.embed(texts)
    assert caught.value.code == code


def test_the_manager_serves_the_embed_task(embed_models_dir, tmp_path):
    kit = Kit(Settings(home=tmp_path / "home", models_dir_override=embed_models_dir, threads=2))
    try:
        with kit.manager.acquire("embed") as engine:
            assert engine.spec.id == EMBED_MODEL
            assert engine.embed([QUESTION]).shape == (1, 384)
    finally:
        kit.close()


def test_embeddings_run_without_torch(embed_models_dir, tmp_path):
    """torch (the build tools) must never be needed to run the model: block it and embed in a fresh process."""
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.modules["torch"] = None  # any `import torch` now fails
        from edgekit.kit import Kit
        from edgekit.settings import Settings
        kit = Kit(Settings(home={str(tmp_path / "home")!r}, models_dir_override={str(embed_models_dir)!r}, threads=1))
        with kit.manager.acquire("embed") as engine:
            vectors = engine.embed(["{QUESTION}"])
        kit.close()
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers", "optimum"))
        print(json.dumps({{"shape": list(vectors.shape), "loaded": loaded}}))
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report == {"shape": [1, 384], "loaded": ["torch"]}  # only the blocking placeholder
