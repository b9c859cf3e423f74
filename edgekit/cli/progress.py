"""Progress bars for long work, drawn with rich on stderr so stdout stays clean for --json and pipes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from edgekit.progress import StartTask

err_console = Console(stderr=True)


@contextmanager
def progress_bars(enabled: bool = True) -> Iterator[StartTask]:
    if not enabled:
        yield lambda _d, _t: lambda _a: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    ) as progress:

        def start(description: str, total: int):
            task = progress.add_task(description, total=total)
            return lambda amount: progress.advance(task, amount)

        yield start


__all__ = ["err_console", "progress_bars"]
