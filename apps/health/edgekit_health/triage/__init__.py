"""Danger-sign triage for pregnancy, birth, after birth and the newborn, from WHO guidance.

Deterministic rules (rules.toml) that run before any model; no model may soften them. The app's registry, routes,
CLI and guard call exactly this interface:

    triage(text, lang=None, *, systolic=None, diastolic=None, temperature_c=None) -> Triage
    referral_text(level, lang) -> str
"""

from .engine import Sign, Triage, referral_text, triage
from .rules import LEVELS

__all__ = ["LEVELS", "Sign", "Triage", "referral_text", "triage"]
