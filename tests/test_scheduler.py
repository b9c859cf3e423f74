import asyncio
import threading

import pytest

from edgekit.scheduler import FairQueue, QueueFull


def run(coroutine):
    return asyncio.run(coroutine)


def test_clients_are_served_in_turn_not_in_arrival_order():
    async def scenario():
        queue = FairQueue("chat", max_waiting=20)
        first = queue.enter("warmup")  # runs at once; the rest wait behind it
        tickets = [queue.enter("alice") for _ in range(3)] + [queue.enter("bob"), queue.enter("carol")]
        first.release()
        for _ in tickets:
            running = queue._running
            await running.turn()
            running.release()
        return queue.served

    assert run(scenario()) == ["warmup", "alice", "bob", "carol", "alice", "alice"]


def test_a_full_queue_refuses_at_once_with_retry_after():
    async def scenario():
        queue = FairQueue("chat", max_waiting=2, retry_after_s=7)
        queue.enter("a")
        queue.enter("b")
        queue.enter("c")
        with pytest.raises(QueueFull) as caught:
            queue.enter("d")
        return caught.value

    error = run(scenario())
    assert error.code == "queue_full" and error.http_status == 429 and error.retry_after_s == 7


def test_a_waiter_that_leaves_gives_up_its_place():
    async def scenario():
        queue = FairQueue("chat", max_waiting=5)
        running = queue.enter("a")
        leaving = queue.enter("b")
        staying = queue.enter("c")
        leaving.release()  # its client disconnected while waiting
        assert queue.waiting == 1
        running.release()
        await asyncio.wait_for(staying.turn(), 1)
        return queue.served

    assert run(scenario()) == ["a", "c"]


def test_release_from_a_worker_thread():
    async def scenario():
        queue = FairQueue("chat", max_waiting=5)
        running = queue.enter("a")
        waiting = queue.enter("b")
        threading.Thread(target=running.release).start()  # generation threads release when they stop
        await asyncio.wait_for(waiting.turn(), 2)
        return queue.served

    assert run(scenario()) == ["a", "b"]


def test_a_model_with_slots_runs_that_many_and_the_rest_wait_their_turn():
    async def scenario():
        queue = FairQueue("chat", max_waiting=4, slots=2)
        first, second = queue.enter("alice"), queue.enter("alice")  # both run at once: two slots
        waiting = [queue.enter("alice"), queue.enter("bob"), queue.enter("carol")]
        assert queue.running == 2 and queue.full and queue.waiting == 3
        await asyncio.wait_for(asyncio.gather(first.turn(), second.turn()), 1)
        first.release()  # one slot frees: bob, running nowhere, goes before alice, who still runs in one
        await asyncio.wait_for(waiting[1].turn(), 1)
        assert not waiting[0].granted.done() and queue.running == 2
        second.release()  # alice runs nowhere now: her turn comes again before carol's, in arrival order
        await asyncio.wait_for(waiting[0].turn(), 1)
        waiting[1].release()
        await asyncio.wait_for(waiting[2].turn(), 1)
        queue.enter("dan")
        with pytest.raises(QueueFull):  # a full queue still refuses at once, beside the running slots
            for _ in range(5):
                queue.enter("erin")
        return queue.served

    assert run(scenario()) == ["alice", "alice", "bob", "alice", "carol"]
