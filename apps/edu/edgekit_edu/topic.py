"""Is a message about school work? The tutor answers questions about the item in front of the pupil and the
lessons; anything else (football, films, a friend's phone number) is steered back kindly, without a model.

A message is on topic when it carries a school signal: a number or a sum, a word from the lessons, a word of
asking for help ("I don't understand", "sielewi", "je ne comprends pas"), or, when the pupil is stuck on an
item, anything short that reads as about it. It is off topic when it names a subject that is not school work
and carries no such signal, or carries no signal at all.
"""

from __future__ import annotations

import re
from functools import cache

from edgekit_edu.lessons import all_lessons
from edgekit_edu.safeguarding import fold

HELP = re.compile(
    r"\b(help|hint|stuck|understand|explain|how|why|what|which|when|where|mean|meaning|answer|question|lesson|"
    r"example|step|wrong|right|correct|check|again|show|teach|saidia|sielewi|nisaidie|elewa|jinsi|kwa nini|"
    r"nini|vipi|maana|swali|jibu|somo|mfano|hatua|aide|comprends|comment|pourquoi|quoi|explique|exemple|"
    r"reponse|question|lecon|etape|faux|juste)\b"
)
MATH = re.compile(
    r"\d|[+\u00d7\u00f7=%/*\u2212-]\s*\d|\b(plus|minus|times|divided|fraction|decimal|percent|sehemu|desimali|"
    r"asilimia|jumlisha|toa|zidisha|gawanya|fois|moins|divise|pourcentage|virgule)\b"
)
NOT_SCHOOL = re.compile(
    r"\b(football|soccer|match|goal|team|arsenal|chelsea|barcelona|madrid|song|songs|music|singer|dance|film|"
    r"movie|cartoon|video|tiktok|instagram|facebook|whatsapp|youtube|game|games|fortnite|minecraft|girlfriend|"
    r"boyfriend|crush|kiss|date|dating|celebrity|famous|rich|money|bet|betting|lottery|phone number|password|"
    r"joke|jokes|president|election|politics|party|hack|cheat|wifi|sweets|birthday|love letter|ghost|ghosts|"
    r"namba ya simu|barua ya mapenzi|mzimu|mizimu|numero de telephone|lettre d'amour|foot|fantome|fantomes|"
    r"pas pour l'ecole|not for school|si ya shule|"
    r"mpira|timu|wimbo|nyimbo|muziki|filamu|mchezo|michezo|mpenzi|pesa|utani|rais|uchaguzi|"
    r"chanson|musique|jeu|jeux|copine|copain|amoureux|argent|blague|president|elections)\b"
)
STOP = set(
    [
        "about",
        "above",
        "after",
        "again",
        "also",
        "always",
        "another",
        "because",
        "before",
        "being",
        "below",
        "between",
        "both",
        "could",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "every",
        "from",
        "have",
        "having",
        "here",
        "into",
        "just",
        "like",
        "make",
        "many",
        "more",
        "most",
        "much",
        "must",
        "never",
        "only",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "yours",
        "ambayo",
        "hiyo",
        "hizo",
        "kama",
        "kwamba",
        "lakini",
        "pamoja",
        "sana",
        "tena",
        "wakati",
        "yako",
        "yake",
        "zaidi",
        "alors",
        "aussi",
        "avec",
        "avoir",
        "comme",
        "dans",
        "donc",
        "elle",
        "elles",
        "encore",
        "etre",
        "leur",
        "leurs",
        "mais",
        "meme",
        "nous",
        "pour",
        "plus",
        "quand",
        "sans",
        "sont",
        "sous",
        "tout",
        "tous",
        "tres",
        "votre",
    ]
)


@cache
def lesson_words() -> frozenset[str]:
    """Content words of every lesson (5+ letters, folded): what school talk sounds like on this box."""
    words: set[str] = set()
    for lesson in all_lessons():
        words |= {w for w in re.findall(r"[a-z]{5,}", fold(f"{lesson.title} {lesson.body}")) if w not in STOP}
    return frozenset(words)


def school_signal(message: str, item_prompt: str = "") -> bool:
    text = fold(message)
    if MATH.search(text) or HELP.search(text):
        return True
    words = {w for w in re.findall(r"[a-z]{5,}", text) if w not in STOP}
    if item_prompt:
        words_of_item = set(re.findall(r"[a-z]{4,}", fold(item_prompt)))
        if words & words_of_item:
            return True
    return bool(words & lesson_words())


def is_off_topic(message: str, item_prompt: str = "") -> bool:
    text = fold(message)
    if NOT_SCHOOL.search(text):
        # "a football pitch is 100 m long: what is its perimeter?" is school work; "who won the match?" is not
        return not (
            MATH.search(text)
            or (item_prompt and set(re.findall(r"[a-z]{4,}", text)) & set(re.findall(r"[a-z]{4,}", fold(item_prompt))))
        )
    if item_prompt and len(text.split()) <= 6:
        return False  # a stuck pupil's "I don't get it" / "sijui" is about the item in front of them
    return not school_signal(message, item_prompt)


STEER = {
    "en": "Let's keep to school work. Ask me about the question you are working on or about a lesson, and I "
    "will give you a hint.",
    "sw": "Tubaki kwenye kazi za shule. Niulize kuhusu swali unalofanya au kuhusu somo, nami nitakupa dokezo.",
    "fr": "Restons sur le travail de l'école. Pose-moi une question sur l'exercice que tu fais ou sur une leçon, "
    "et je te donnerai un indice.",
}


def steer_back(lang: str) -> str:
    return STEER.get(lang, STEER["en"])


ASK_THE_TUTOR = {
    "en": "Ask the tutor on your practice page: it gives you a hint so you can find the answer yourself.",
    "sw": "Muulize mwalimu msaidizi kwenye ukurasa wako wa mazoezi: atakupa dokezo ili upate jibu mwenyewe.",
    "fr": "Demande au tuteur sur ta page d'exercices : il te donne un indice pour trouver la réponse toi-même.",
}


def ask_the_tutor(lang: str) -> str:
    """What a pupil reads on the box's plain ask page: the tutor is where school questions go."""
    return ASK_THE_TUTOR.get(lang, ASK_THE_TUTOR["en"])
