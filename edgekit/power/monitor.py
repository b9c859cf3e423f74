"""The server's power watch: every few seconds it reads the battery and chooses the profile; every few minutes it
logs the battery and saves the time; and when the battery is nearly empty it shuts the box down cleanly:

1. new model work is refused (power_low), answers already begun finish (up to drain_wait_s);
2. the database's write-ahead log is copied into the file (WAL checkpoint), the time saved;
3. systemd powers the box off (`systemctl poweroff`, the [power] table's poweroff_command).

The box comes back by itself when the sun does: the board boots when power returns, and the edgekit service is
enabled at boot (edgekit provision).
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable, Sequence

from edgekit.kit import Kit
from edgekit.power.clock import save_time
from edgekit.power.records import checkpoint, record_sample

log = logging.getLogger("edgekit.power")


def run_poweroff(command: Sequence[str]) -> None:
    """systemd may refuse (no polkit rule for the service's account, provisioning/system/polkit-poweroff.rules):
    say so in the log, where a technician looks, instead of staying silent."""
    try:
        done = subprocess.run(list(command), check=False, timeout=60, capture_output=True, text=True)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.error("power off (%s) failed: %s", " ".join(command), exc)
        return
    if done.returncode != 0:
        log.error("power off (%s) refused, exit %s: %s", " ".join(command), done.returncode, done.stderr.strip())


def default_poweroff() -> Callable[[Sequence[str]], None]:
    """Power off only when the server runs as the systemd service (systemd sets INVOCATION_ID): a developer's
    `edgekit serve` or test run on a laptop with a flat battery must not switch the laptop off."""
    if os.environ.get("INVOCATION_ID"):
        return run_poweroff
    return lambda command: log.warning("not running under systemd: not powering off (%s)", " ".join(command))


class PowerMonitor:
    def __init__(
        self,
        kit: Kit,
        poweroff: Callable[[Sequence[str]], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.kit = kit
        self.poweroff = poweroff or default_poweroff()
        self.clock = clock
        self.sleep = sleep
        self.config = kit.power.config
        self._last_sample: float | None = None
        self._last_clock: float | None = None
        self.shut_down = False

    def tick(self) -> None:
        power = self.kit.power
        decision, changed = power.refresh()
        if changed:
            self.kit.manager.unload_idle()  # idle models loaded for the old profile go now; busy ones after use
        now = self.clock()
        if changed or self._last_sample is None or now - self._last_sample >= self.config.sample_every_s:
            if power.reading.has_battery:
                record_sample(self.kit.db, power.reading, decision.profile)
            self._last_sample = now
        if self._last_clock is None or now - self._last_clock >= self.config.clock_every_s:
            save_time(self.kit.settings.home)
            self._last_clock = now
        if decision.shutdown and not self.shut_down:
            self.shutdown()
        elif self.shut_down and not decision.shutdown:
            # Still running after the power-off (refused, or not under systemd) and the battery has recovered:
            # the box serves model work again instead of refusing it until someone restarts it.
            log.warning(
                "battery %s%%: the box did not power off and is charged again: serving as before",
                power.reading.battery_percent,
            )
            power.end_shutdown()
            self.shut_down = False

    def busy(self) -> bool:
        """An answer or other model work is still running or waiting its turn."""
        queues = self.kit.scheduler.status().values()
        return any(q["busy"] or q["waiting"] for q in queues) or any(m["in_use"] for m in self.kit.manager.status())

    def shutdown(self) -> None:
        self.shut_down = True
        power = self.kit.power
        log.warning("battery %s%%: finishing answers, then shutting down", power.reading.battery_percent)
        power.begin_shutdown()
        deadline = self.clock() + self.config.drain_wait_s
        while self.busy() and self.clock() < deadline:
            self.sleep(0.2)
        self.kit.manager.unload_all()
        busy, pages, copied = checkpoint(self.kit.db)
        log.warning("database flushed (%s of %s log pages copied%s)", copied, pages, ", busy" if busy else "")
        save_time(self.kit.settings.home)
        self.poweroff(self.config.poweroff_command)

    def start(self) -> threading.Event:
        """Tick in a daemon thread every check_every_s; set the returned event to stop."""
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():  # after a power-off that did not happen, it watches for the battery to recover
                try:
                    self.tick()
                except Exception:  # a bad reading must not end the watch
                    log.exception("power watch")
                stop.wait(self.config.check_every_s)

        threading.Thread(target=watch, name="edgekit-power-watch", daemon=True).start()
        return stop
