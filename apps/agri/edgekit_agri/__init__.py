"""Farm advice: crop, livestock and storage questions answered from extension documents, with their sources.

Its guard handles the one farm question no document should answer slowly: pesticide poisoning.
"""

import re

from edgekit.sdk import AppContext, hookimpl

APP_ID = "agri"

# Someone swallowed, drank or was splashed by a farm chemical: first aid and a clinic come before any document.
POISONING = re.compile(
    r"\b(swallow\w*|drank|drunk|poison\w*|sumu|amekunywa|empoisonn\w*|avalé)\b.*\b(pesticide|chemical|dawa|"
    r"insecticide|herbicide|acaricide|produit)s?\b|\b(pesticide|chemical|dawa|insecticide|herbicide)s?\b.*"
    r"\b(swallow\w*|drank|drunk|poison\w*|sumu|amekunywa|avalé)\b",
    re.IGNORECASE,
)
POISONING_ANSWER = {
    "en": "This is an emergency. Take the person to the nearest health facility now, with the pesticide label "
    "or container. Do not make them vomit. If the chemical is on the skin or in the eyes, wash with plenty of "
    "clean water for 15 minutes and remove soaked clothes.",
    "sw": "Hii ni dharura. Mpeleke mtu huyo kwenye kituo cha afya kilicho karibu sasa hivi, pamoja na lebo au "
    "chombo cha dawa. Usimtapishe. Kama dawa imegusa ngozi au macho, osha kwa maji safi mengi kwa dakika 15 na "
    "uvue nguo zilizolowa.",
    "fr": "C'est une urgence. Emmenez la personne au centre de santé le plus proche tout de suite, avec "
    "l'étiquette ou l'emballage du produit. Ne la faites pas vomir. Si le produit est sur la peau ou dans les "
    "yeux, rincez à l'eau propre pendant 15 minutes et retirez les vêtements imbibés.",
}


@hookimpl
def before_answer(app: AppContext, question: str, lang: str | None):
    """Pesticide poisoning gets first aid and a referral at once; every other question goes to the documents.
    The box calls this guard only for questions asked of this app."""
    if not POISONING.search(question):
        return None
    language = (lang or "en").split("-")[0]
    return POISONING_ANSWER.get(language, POISONING_ANSWER["en"])
