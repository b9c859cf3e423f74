import shutil
import threading

import pytest

from edgekit.errors import ChecksumMismatch, EdgekitError, ModelNotInstalled
from edgekit.kit import Kit
from edgekit.settings import Settings
from tests.conftest import CHAT_MODEL


def test_one_instance_per_model(chat_kit):
    with chat_kit.manager.acquire("chat") as first:
        pass
    with chat_kit.manager.acquire("chat") as second:
        pass
    assert first is second
    assert chat_kit.manager.loaded_ids() == [CHAT_MODEL]


def most_inside_at_once(kit: Kit, callers: int) -> int:
    inside = 0
    most_inside = 0
    guard = threading.Lock()

    def use():
        nonlocal inside, most_inside
        with kit.manager.acquire("chat") as llm:
            with guard:
                inside += 1
                most_inside = max(most_inside, inside)
            "".join(llm.stream_answer("Name a cereal.", max_tokens=3, seed=1))
            with guard:
                inside -= 1

    threads = [threading.Thread(target=use) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return most_inside


@pytest.fixture
def slots_kit(installed_models_dir, tmp_path, request):
    kit = Kit(Settings(home=tmp_path, models_dir_override=installed_models_dir, threads=2, chat_parallel=request.param))
    yield kit
    kit.close()


# The one-at-a-time engine (EDGEKIT_CHAT_PARALLEL=1): callers take turns. The batching engine: at most its slots.
@pytest.mark.parametrize("slots_kit", [1], indirect=True)
def test_callers_take_turns(slots_kit):
    assert most_inside_at_once(slots_kit, 3) == 1


@pytest.mark.parametrize("slots_kit", [2], indirect=True)
def test_callers_hold_at_most_the_slots(slots_kit):
    assert most_inside_at_once(slots_kit, 4) == 2


def test_no_chat_model_says_how_to_install_it(bare_settings):
    kit = Kit(bare_settings)
    with pytest.raises(ModelNotInstalled) as caught, kit.manager.acquire("chat"):
        pass
    assert caught.value.code == "model_not_installed"
    assert f"edgekit models pull {CHAT_MODEL}" in caught.value.message


def test_a_tampered_chat_model_is_never_loaded(bare_settings, installed_models_dir):
    # A private copy of the real model with one byte changed; the shared install is left alone.
    copy = bare_settings.models_dir / CHAT_MODEL
    shutil.copytree(installed_models_dir / CHAT_MODEL, copy)
    gguf = copy / "gemma-3-270m-q4_k_m.gguf"
    with gguf.open("r+b") as stream:
        stream.seek(123_456)
        byte = stream.read(1)
        stream.seek(123_456)
        stream.write(bytes([byte[0] ^ 0x01]))
    kit = Kit(bare_settings)
    with pytest.raises(ChecksumMismatch), kit.manager.acquire("chat"):
        pass
    assert kit.manager.loaded_ids() == []


def test_unknown_task(chat_kit):
    with pytest.raises(EdgekitError) as caught, chat_kit.manager.acquire("dance"):
        pass
    assert caught.value.code == "task_unavailable"
