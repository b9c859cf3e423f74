"""What the box says itself, in English, Swahili and French, when no model writes the answer."""

from __future__ import annotations

NOTHING_FOUND = {
    "en": "I could not find this in the {app} documents on this box, so I will not guess. Please ask {whom}.",
    "sw": "Sikupata jibu la swali hili katika nyaraka za {app} kwenye kifaa hiki, kwa hiyo sitakisia. "
    "Tafadhali muulize {whom}.",
    "fr": "Je n'ai pas trouvé la réponse dans les documents {app} de cet appareil, alors je ne devine pas. "
    "Demandez à {whom}.",
}
STILL_INDEXING = {
    "en": "The {app} documents on this box are still being prepared (after a start or an update). "
    "Please ask again in a minute.",
    "sw": "Nyaraka za {app} kwenye kifaa hiki bado zinaandaliwa (baada ya kuwasha au kusasisha). "
    "Tafadhali uliza tena baada ya dakika moja.",
    "fr": "Les documents {app} de cet appareil sont encore en préparation (après un démarrage ou une mise à jour). "
    "Reposez la question dans une minute.",
}
BUSY_AFTER_GUARD = {
    "en": "The box is busy with other questions, so the rest of the answer was not written. Ask again later.",
    "sw": "Kifaa kina maswali mengine mengi, kwa hiyo jibu lililobaki halikuandikwa. Uliza tena baadaye.",
    "fr": "L'appareil traite d'autres questions, la suite de la réponse n'a pas été écrite. Reposez-la plus tard.",
}
EXTRACTIVE_LEAD = {
    "en": "From the documents on this box:",
    "sw": "Kutoka kwenye nyaraka za kifaa hiki:",
    "fr": "D'après les documents de cet appareil :",
}


def message_language(lang: str | None) -> str:
    """The language of the box's own messages: the asker's when they are written in it, else English."""
    code = (lang or "en").strip().lower().split("-")[0]
    return code if code in NOTHING_FOUND else "en"
