"""Power: what the box runs on, how much it may spend, and what each answer cost.

- sources.py   batteries, mains and energy counters (RAPL, the Pi 5 PMIC), read through the injectable sysfs root;
               a plugin adds a source through the register_power_sources hook
- profiles.py  normal / eco / critical, and the rule that chooses one from the battery, charging and the hour
- state.py     PowerState, the small runtime object the kit holds (kit.power) that the answering code and the model
               manager consult; Settings are never changed
- energy.py    energy per answer, measured from a counter or estimated from CPU time and a per-box calibration
- monitor.py   the server's power watch: profile changes, the battery log, the saved clock, a clean shutdown
- report.py    Wh per day, per app, per answer kind; sizing a battery and a panel
"""
