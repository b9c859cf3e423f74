"""python -m edgekit.sync push [HUB_URL]: a push without the CLI's plugins, for a timer (and the kill tests)."""

from __future__ import annotations

import sys

from edgekit.errors import EdgekitError
from edgekit.settings import load_settings
from edgekit.sync.service import BoxSync


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "push":
        print("usage: python -m edgekit.sync push [HUB_URL]", file=sys.stderr)
        return 2
    box: BoxSync | None = None
    try:
        box = BoxSync(load_settings())  # a bad setting or data directory is one line too, not a traceback
        result = box.push(argv[1] if len(argv) > 1 else None, force=True, report=False)
        print(f"sent {result.sent_batches} batches; hub holds up to {result.acked_seq}; received {result.received}")
        for outcome in box.receive_packs(argv[1] if len(argv) > 1 else None):
            print(f"pack {outcome.name}: {outcome.status} {outcome.code}".rstrip())
    except EdgekitError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 1
    finally:
        if box is not None:
            box.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
