"""The decode loop of the batching chat engine: many answers advance together, one llama_decode a step.

Each step puts into one llama.cpp batch the next token of every sequence that is answering and, in the room left,
a chunk of the prompts still being read (so a long prompt never stalls the others for more than a chunk); decodes;
and samples each answering sequence with its own sampler (its temperature, seed, penalties). A sequence joins at
the next step after it is submitted and leaves when its consumer closes it (stop string, max tokens, cancel) or
at the end of generation.

Every sequence submitted ends: with its tokens and END, or with an EngineError (engine_failed) its caller raises.
What fails for one sequence (placing it, copying its prefix, sampling it) fails that one only, its slot and cells
freed, and the others go on; a decode that fails fails the sequences in that batch. When the loop stops, whatever
it still held hears so too, so no caller waits for a token that will never come.

Prefixes are computed once: a slot keeps the tokens of its last answer in the KV cache when it is freed, and a new
prompt starts from the longest prefix any slot holds, copied with llama_memory_seq_cp (in a unified KV cache the
cells are shared, not copied). A prompt that shares a prefix with one still being read waits for it, so a class of
thirty sending the same app instruction at once reads it once.

The slots share a pool of KV cells smaller than a context per slot (chat_slots.py). A sequence is admitted only
when the pool has room for its `reserve` (its prompt and its longest answer) beside every admitted sequence's
reserve and the prefixes free slots still hold; to make room, held prefixes are dropped least recently used
first, else the sequence waits in turn. So a decode never finds the cache full. The count is cautious: a prefix
two sequences share is counted for each.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import llama_cpp
from llama_cpp import _internals

from edgekit.errors import EdgekitError, EngineError

log = logging.getLogger("edgekit.workers")

END = object()  # put on a sequence's queue after its last token
PREFILL_CHUNK = 64  # prompt tokens a step reads while other sequences answer: bounds their delay to one chunk
MIN_SHARED_PREFIX = 8  # shorter common prefixes are not worth waiting for
LIVENESS_CHECK_S = 1.0  # a consumer waiting for a token looks this often whether the loop still runs


@dataclass(eq=False)
class Sequence:
    prompt: list[int]
    sampler: _internals.LlamaSampler
    cancel: threading.Event | None = None
    reserve: int = 0  # KV cells it may fill (prompt and longest answer); 0: as many as the pool holds
    tokens: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)  # sampled tokens, then END or an error
    slot: int = -1
    kv: list[int] = field(default_factory=list)  # the tokens this sequence's KV cells hold, in position order
    pending: int | None = None  # sampled, not yet decoded
    follow: tuple[Sequence, int] | None = None  # (donor, length): wait until the donor has read this prefix
    closed: bool = False

    @property
    def reading(self) -> bool:
        return len(self.kv) < len(self.prompt)

    def done(self) -> bool:
        return self.closed or (self.cancel is not None and self.cancel.is_set())


def engine_failure(exc: BaseException) -> EdgekitError:
    """What the caller of a failed sequence raises: a stable code, and the cause for the log reader."""
    if isinstance(exc, EdgekitError):
        return exc
    return EngineError(
        f"The chat model could not go on with this answer ({type(exc).__name__}: {exc}). "
        "Other answers were not affected: ask again."
    )


def common_prefix(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class Batcher:
    def __init__(self, ctx: _internals.LlamaContext, vocab, slots: int, n_batch: int, cells: int | None = None):
        self.ctx = ctx
        self.memory = llama_cpp.llama_get_memory(ctx.ctx)
        self.vocab = vocab
        self.slots = slots
        self.cells = cells if cells is not None else ctx.n_ctx()  # the KV pool the slots share
        self.n_batch = n_batch
        self.batch = _internals.LlamaBatch(n_tokens=n_batch, embd=0, n_seq_max=1, verbose=False)
        self.held: list[list[int]] = [[] for _ in range(slots)]  # what each free slot's KV cells still hold
        self.free = deque(range(slots))  # least recently used first
        self.waiting: deque[Sequence] = deque()
        self.active: list[Sequence] = []
        self.steps = 0  # decode calls, for tests and status
        self.prefix_reused = 0  # prompt tokens not computed because a slot held them
        self.steps_short_of_cells = 0  # steps at which the next answer waited for room in the pool (tests)
        self.seconds = {"decode": 0.0, "sample": 0.0, "step": 0.0}  # where the loop's time goes (profile)
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="edgekit-batch", daemon=True)
        self._thread.start()

    # --- the consumers' side (any thread) ------------------------------------------------------------
    def submit(self, sequence: Sequence) -> None:
        with self._wake:
            if self._stopped or not self._thread.is_alive():
                raise EngineError("The chat engine has stopped: ask again and it starts afresh.")
            self.waiting.append(sequence)
            self._wake.notify()

    def next_token(self, sequence: Sequence):
        """The sequence's next token, END, or the error it ended with; never waits on a loop that is gone."""
        while True:
            try:
                return sequence.tokens.get(timeout=LIVENESS_CHECK_S)
            except queue.Empty:
                if not self._thread.is_alive():
                    return EngineError("The chat engine stopped while answering: ask again.")

    def close(self, sequence: Sequence) -> None:
        """The consumer is done with it: it leaves the batch at the next step."""
        with self._wake:
            sequence.closed = True
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        self._thread.join(timeout=10)
        self.batch.close()

    # --- the loop (its own thread) -------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                with self._wake:
                    while not self._stopped and not self.waiting and not self.active:
                        self._wake.wait()
                    if self._stopped:
                        return
                try:
                    with self._wake:
                        self._retire()
                        self._admit()
                    if self.active:
                        self._step()
                except Exception as exc:  # a decode failed: every sequence in it hears so, and the loop goes on
                    log.exception("batch step failed")
                    with self._wake:
                        for sequence in list(self.active):
                            self._fail(sequence, exc)
        finally:  # stopped (the engine unloads) or broken: nobody may wait for a token that will not come
            with self._wake:
                gone = EngineError("The chat engine stopped before this answer ended: ask again.")
                for sequence in list(self.active) + list(self.waiting):
                    if not sequence.closed:
                        sequence.tokens.put(gone)
                self.active.clear()
                self.waiting.clear()

    def _fail(self, sequence: Sequence, exc: BaseException) -> None:
        """End one sequence with an error its caller raises at once; its slot goes back with its cells cleared.
        Never raises: it runs on the error path, and the other sequences still need the loop."""
        sequence.tokens.put(engine_failure(exc))
        sequence.closed = True
        sequence.follow = None
        if sequence in self.active:
            self.active.remove(sequence)
        if sequence.slot >= 0:
            self._clear_slot(sequence.slot)
            self.free.append(sequence.slot)
            sequence.slot = -1
        sequence.kv = []

    def _clear_slot(self, slot: int) -> None:
        """Drop a slot's cells. If that fails too, the slot still goes back: it is marked as holding nothing,
        so whoever is placed there next clears its cells from position 0 before reading."""
        self.held[slot] = []
        try:
            if not llama_cpp.llama_memory_seq_rm(self.memory, slot, -1, -1):
                log.warning("could not clear the KV cells of slot %d", slot)
        except Exception:  # logged; the next placing clears them
            log.exception("could not clear the KV cells of slot %d", slot)

    def _retire(self) -> None:
        for sequence in [s for s in self.active if s.done()]:
            if not sequence.closed:  # cancelled: its consumer may be waiting for a token
                sequence.tokens.put(END)
            self.active.remove(sequence)
            self.held[sequence.slot] = sequence.kv
            self.free.append(sequence.slot)

    def _admit(self) -> None:
        for sequence in [s for s in self.waiting if s.done()]:
            self.waiting.remove(sequence)
            sequence.tokens.put(END)
        while self.waiting and self.free:
            sequence = self.waiting[0]
            if not self._make_room(sequence):
                self.steps_short_of_cells += 1
                break  # in turn: it goes first once an answer ends and gives its cells back
            self.waiting.popleft()
            try:
                self._place(sequence)
            except Exception as exc:  # this one cannot start; the others in the batch go on
                log.exception("placing a sequence failed")
                self._fail(sequence, exc)
                continue
            self.active.append(sequence)

    def _reserve_of(self, sequence: Sequence) -> int:
        return min(sequence.reserve or self.cells, self.cells)

    def _make_room(self, sequence: Sequence) -> bool:
        """Whether the pool has room for the sequence's reserve beside the admitted sequences' reserves and the free
        slots' held prefixes, dropping those prefixes least recently used first until it has; the prefix the
        sequence itself would start from (a class's shared instruction) goes last."""
        need = self._reserve_of(sequence)
        used = sum(self._reserve_of(s) for s in self.active) + sum(len(self.held[slot]) for slot in self.free)
        own = max(self.free, key=lambda slot: common_prefix(self.held[slot], sequence.prompt), default=None)
        for slot in sorted(self.free, key=lambda slot: slot == own):  # stable: least recently used first
            if self.cells - used >= need:
                break
            if self.held[slot]:
                used -= len(self.held[slot])
                self._clear_slot(slot)
        return self.cells - used >= need

    def _place(self, sequence: Sequence) -> None:
        """Give it the free slot whose cells hold the most of its prompt, or copy the prefix from the slot that
        holds most of it; at least the prompt's last token is always decoded again, for its logits."""
        limit = len(sequence.prompt) - 1
        own = max(self.free, key=lambda s: (common_prefix(self.held[s], sequence.prompt), -self.free.index(s)))
        own_len = min(common_prefix(self.held[own], sequence.prompt), limit)
        donor, donor_len = None, 0
        for other in self.active:
            length = min(common_prefix(other.prompt, sequence.prompt), limit)
            if length > donor_len and length >= MIN_SHARED_PREFIX:
                donor, donor_len = other, length
        if own_len >= donor_len:
            donor = None
        else:  # the least recently used free slot: another's prefix is better than what any free slot holds
            own, own_len = self.free[0], 0
        self.free.remove(own)
        sequence.slot = own
        if not llama_cpp.llama_memory_seq_rm(self.memory, own, own_len, -1):
            llama_cpp.llama_memory_seq_rm(self.memory, own, -1, -1)
            own_len = 0
        sequence.kv = self.held[own][:own_len]
        self.held[own] = []
        self.prefix_reused += own_len
        if donor is not None:
            sequence.follow = (donor, donor_len)

    def _take_prefix(self, sequence: Sequence, follow: tuple[Sequence, int]) -> bool:
        """A follower (`follow` is its sequence.follow) copies its donor's prefix once the donor has read it. False
        while it must still wait."""
        donor, length = follow
        if len(donor.kv) < length and not donor.done():
            return False
        sequence.follow = None
        if donor.done() or len(donor.kv) < length or len(sequence.kv) >= length:
            return True  # the donor left first: read the prompt itself
        llama_cpp.llama_memory_seq_rm(self.memory, sequence.slot, -1, -1)
        llama_cpp.llama_memory_seq_cp(self.memory, donor.slot, sequence.slot, 0, length)
        sequence.kv = list(sequence.prompt[:length])
        self.prefix_reused += length
        return True

    def _step(self) -> None:
        started = time.perf_counter()
        self._fill_decode_sample()
        self.seconds["step"] += time.perf_counter() - started

    def _fill_decode_sample(self) -> None:
        batch = self.batch.batch
        batch.n_tokens = 0
        sampled: list[tuple[Sequence, int]] = []

        def add(sequence: Sequence, token: int, logits: bool) -> None:
            i = batch.n_tokens
            batch.token[i] = token
            batch.pos[i] = len(sequence.kv)
            batch.seq_id[i][0] = sequence.slot
            batch.n_seq_id[i] = 1
            batch.logits[i] = logits
            batch.n_tokens = i + 1
            sequence.kv.append(token)
            if logits:
                sampled.append((sequence, i))

        # Followers copy their prefix before this step adds tokens: a donor's cells exist only once decoded.
        waiting = set()
        for sequence in list(self.active):
            if sequence.follow is None:
                continue
            try:
                if not self._take_prefix(sequence, sequence.follow):
                    waiting.add(sequence)
            except Exception as exc:  # this follower fails alone
                log.exception("copying a shared prefix failed")
                self._fail(sequence, exc)
        for sequence in self.active:
            if sequence.pending is not None:
                token, sequence.pending = sequence.pending, None
                if len(sequence.kv) >= self._reserve_of(sequence):  # its cells are all used: it ends here
                    sequence.tokens.put(END)
                    sequence.closed = True
                    continue
                add(sequence, token, True)
        room = self.n_batch - batch.n_tokens
        if sampled:  # others are answering: read prompts a chunk at a time
            room = min(room, PREFILL_CHUNK)
        for sequence in self.active:
            if room <= 0:
                break
            if not sequence.reading or sequence in waiting:
                continue
            start = len(sequence.kv)
            chunk = sequence.prompt[start : start + room]
            room -= len(chunk)
            for offset, token in enumerate(chunk):
                add(sequence, token, start + offset == len(sequence.prompt) - 1)
        if batch.n_tokens == 0:
            return
        decoding = time.perf_counter()
        self.ctx.decode(self.batch)
        sampling = time.perf_counter()
        self.seconds["decode"] += sampling - decoding
        self.steps += 1
        for sequence, index in sampled:
            try:
                token = sequence.sampler.sample(self.ctx, index)
            except Exception as exc:  # its own sampler: the others' tokens are good
                log.exception("sampling a sequence failed")
                self._fail(sequence, exc)
                continue
            sequence.tokens.put(token)
            if llama_cpp.llama_vocab_is_eog(self.vocab, token):
                sequence.tokens.put(END)
                sequence.closed = True
            else:
                sequence.pending = token
        self.seconds["sample"] += time.perf_counter() - sampling
