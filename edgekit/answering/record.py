"""Step 7, record: the question and the answer given are kept (the exchange table), for the asker's past
conversations, with what the answer cost in energy. A guest's exchange is kept under no one's name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine as DbEngine

    from edgekit.power.energy import EnergyUse


def record_exchange(db: DbEngine, energy: EnergyUse | None = None, **fields: Any) -> None:
    """Keep one exchange. `fields` are the Exchange columns (question, answer, model, app, tokens, latency_ms,
    user_id); `energy` is what it cost, when it was measured."""
    from edgekit.store import session_for
    from edgekit.store.tables import Exchange

    if energy is not None:
        fields.update(energy_j=energy.joules, energy_method=energy.method, power_profile=energy.profile)

    with session_for(db) as session:
        session.add(Exchange(**fields))
        session.commit()
