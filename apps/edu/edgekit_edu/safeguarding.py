"""The tutor's guard, before any model: a message that discloses harm, abuse, hunger at home or thoughts of
self-harm gets a kind answer that names a trusted adult, and raises a flag for the teacher.

Patterns, not a model: a guard must never be slow, never be talked out of it, and be testable case by case. It
leans towards flagging: a teacher reading a flag that was not needed costs a minute; a missed one costs a child.
Text is folded (lower case, no accents) before matching, so "frappé" and "frappe" are one.
"""

from __future__ import annotations

import re
import unicodedata

# Each group is one kind of disclosure; a message matching any is flagged with that kind.
PATTERNS: dict[str, list[str]] = {
    "self_harm": [
        r"\b(kill|hurt|cut|harm)\w* (my ?self|myself)\b",
        r"\bsuicid\w*",
        r"\b(want|wish|going) to die\b",
        r"\bend (my|it all|my life)\b",
        r"\b(don'?t|do not|dont) want to (live|be alive|wake up)\b",
        r"\bbetter off (dead|without me)\b",
        r"\bno (reason|point) (to|in) (live|living)\b",
        r"\bwish i (was|were) (never born|not here|dead)\b",
        r"\bnobody would (miss|care)\b",
        r"\bdisappear for ever\b|\bdisappear forever\b",
        r"\b(happier|better|easier) (if|when) i (was|were|am) (not here|gone|dead)\b",
        r"\bnot (be )?here anymore\b",
        r"\bnimechoka kuishi\b|\bsitaki kuendelea kuishi\b|\bhakuna anayenijali\b",
        r"\bn'?existais plus\b|\bne plus exister\b|\bsi je n'?etais plus la\b|\bfatigue de vivre\b",
        r"\bnataka kufa\b",
        r"\bkujiua\b|\bnijiue\b|\bnitajiua\b",
        r"\b(na|ni)?jiumiza\b|\bkujiumiza\b",
        r"\bsitaki kuishi\b",
        r"\bbora (nife|ningekufa)\b",
        r"\bsina sababu ya kuishi\b",
        r"\bje veux mourir\b|\benvie de mourir\b",
        r"\bme (tuer|suicider|faire du mal)\b",
        r"\bje ne veux plus vivre\b",
        r"\bmettre fin a (ma vie|mes jours)\b",
        r"\bpersonne ne (me regretterait|remarquerait)\b",
        r"\bdispara[iî]tre pour toujours\b",
        r"\bmieux sans moi\b",
        r"\b(happier|better|easier) (if|when) i (was|were|am) (not here|gone|dead)\b",
        r"\bnot (be )?here anymore\b",
        r"\bcut (my|myself)\w*\b.*\b(again|feel)\b|\bcut my (arm|arms|wrist|wrists|leg|legs)\b",
        r"\bnimechoka kuishi\b|\bsitaki kuendelea kuishi\b|\bhakuna anayenijali\b",
        r"\bn'?existais plus\b|\bne plus exister\b|\bsi je n'?etais plus la\b|\bfatigue de vivre\b",
    ],
    "abuse": [
        r"\b(he|she|they|my \w+|uncle|father|mother|dad|mum|mom|teacher|stepfather|stepmother|brother|man)"
        r"( \w+)? (beats?|hits?|hurts?|burns?|kicks?|slaps?|whips?|touch(es)?|touched|beat|hit|burnt|burned) me\b",
        r"\b(beats?|beating|hits?|hitting|whips?|burns?|locks?) (me|us|my mother|my mum|my sister|my brother)\b",
        r"\btouch(es|ed)? me (where|there|at night|in)\b",
        r"\b(comes?|came) (to|into) my (bed|room) at night\b",
        r"\b(told|tells) me (not to|never to) tell\b",
        r"\b(our|a) secret\b.*\b(don'?t|not) tell\b",
        r"\bscared (to go|of going) home\b",
        r"\bafraid (to go|of going) home\b",
        r"\b(afraid|scared) of my (father|dad|stepfather|uncle|mother|mum|stepmother|brother|husband|teacher)\b",
        r"\b(domestic )?violence (at|in our) home\b|\bvurugu nyumbani\b|\bviolence a la maison\b",
        r"\b(raped?|abused?|molest\w*)\b",
        r"\bmarr(y|ied) me (off|to)\b|\bforced? to marry\b",
        r"\bthreaten\w* (me|to)\b",
        r"\bhurts? me when\b",
        r"\bmarks on my (body|back|arms?|legs?)\b",
        r"\bananipiga\b|\bwananipiga\b|\banitupiga\b|\bamenipiga\b|\bhunipiga\b|\banatupiga\b",
        r"\bananigusa\b|\bamenigusa\b|\bhunigusa\b",
        r"\bamenibaka\b|\bkubakwa\b|\bananibaka\b",
        r"\bnaogopa kwenda nyumbani\b|\bnaogopa kurudi nyumbani\b",
        r"\busimwambie mtu\b|\bnisimwambie mtu\b",
        r"\bsiri yetu\b",
        r"\bkuozwa\b|\bnitaozwa\b|\bwananioza\b|\blazimisha kuolewa\b",
        r"\bananitishia\b|\bwananitishia\b",
        r"\bananichoma\b|\bamenichoma\b",
        r"\bananiumiza\b|\bwananiumiza\b",
        r"\banampiga mama\b|\bbaba anampiga\b",
        r"\b(il|elle|ils|on) (me|nous) (frappe|frappent|bat|battent|brule|touche|touchent|menace|menacent)\b",
        r"\b(m'a|m'ont) (frappee?|battue?|touchee?|brulee?|violee?)\b",
        r"\bviol(e|ee|er)?\b",
        r"\bpeur de rentrer\b",
        r"\bne (le|la)? ?dis a personne\b|\bne rien dire a personne\b",
        r"\bmarier de force\b|\bme marier (a|avec) un\b",
        r"\bfrappe ma mere\b|\bbat ma mere\b",
        r"\b(not|don'?t|never) (to )?tell (my|your) (parents|mother|father|mum|mom|dad|family)\b",
        r"\b(come|go|visit) to (his|her) (house|home|room) alone\b",
        r"\bsend (him|her) (photos|pictures)\b",
        r"\b(will|going to|want to) (be )?marr(y|ied) (me )?(to )?(a|an|an old|the) man\b",
        r"\bi am 1[0-5] and\b.*\bmarr",
        r"\bmarried\b.*\bi am 1[0-5]\b",
        r"\b(beat|hit|kick|push)s? me (every|each|on the way)\b|\b(take|took|steal|stole) my (money|food|lunch)\b",
        r"\b(wa|ku|ana)?nioza\b",
        r"\b(usiwaambie|usimwambie) (wazazi|mama|baba)\b",
        r"\bnyumbani kwake peke yangu\b",
        r"\b(oncle|pere|beau-pere|frere|cousin|homme|voisin|maitre|professeur|prof) me (touche|frappe|bat|brule)\w*",
        r"\bme (frappent|battent)\b|\bprennent mon argent\b|\bpeur d'aller a l'ecole\b",
        r"\bme touche(nt)? quand\b|\bnotre secret\b",
        r"\bsans le dire a mes parents\b",
    ],
    "neglect": [
        r"\b(haven'?t|have not|did not|didn'?t) eaten\b",
        r"\bno food (at home|in the house|for)\b",
        r"\bnothing to eat\b",
        r"\b(always|so|very) hungry\b",
        r"\bsleep (outside|on the street)\b",
        r"\b(left|leave) (me|us) alone for days\b",
        r"\bno one (looks after|takes care of) (me|us)\b",
        r"\bhatujala\b|\bsijala\b|\bhakuna chakula\b|\bsina chakula\b|\bnina njaa (sana|kila siku)\b",
        r"\bnalala nje\b",
        r"\bhakuna anayenitunza\b",
        r"\bpas mange depuis\b|\bje n'ai (pas|rien) mange\b|\brien a manger\b|\bj'ai (tres |toujours )?faim\b",
        r"\bplus rien (a manger|a la maison)\b|\brien mange depuis\b",
        r"\bpersonne ne s'occupe de (moi|nous)\b",
        r"\bdors dehors\b",
        r"\bne mange(ons)? plus\b|\bje n'ai rien mange\b|\brien mange depuis\b|\bplus rien (a manger|a la maison)\b",
    ],
}
COMPILED = {kind: re.compile("|".join(patterns)) for kind, patterns in PATTERNS.items()}

# Said kindly, first: the child is heard, it is not their fault, a named adult can help now.
ANSWERS = {
    "en": "Thank you for telling me. What you wrote matters, and it is not your fault. Please talk today to an "
    "adult you trust: your teacher, the head teacher, a parent or another family member. I have let your teacher "
    "know so they can help you. If you are in danger right now, go to an adult near you. In Kenya you can call "
    "116 (Childline, free); in Tanzania 116 (free).",
    "sw": "Asante kwa kuniambia. Ulichoandika ni muhimu, na si kosa lako. Tafadhali zungumza leo na mtu mzima "
    "unayemwamini: mwalimu wako, mwalimu mkuu, mzazi au ndugu mwingine. Nimemjulisha mwalimu wako ili akusaidie. "
    "Kama uko hatarini sasa hivi, nenda kwa mtu mzima aliye karibu nawe. Kenya na Tanzania unaweza kupiga 116 "
    "(bure).",
    "fr": "Merci de me l'avoir dit. Ce que tu as écrit est important, et ce n'est pas ta faute. Parle aujourd'hui "
    "à un adulte de confiance : ton enseignant, le directeur, un parent ou un autre membre de ta famille. J'ai "
    "prévenu ton enseignant pour qu'il puisse t'aider. Si tu es en danger maintenant, va vers un adulte près de "
    "toi.",
}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def disclosure(message: str) -> str | None:
    """The kind of disclosure a message makes (self_harm, abuse, neglect), or None."""
    text = fold(message)
    for kind, pattern in COMPILED.items():
        if pattern.search(text):
            return kind
    return None


def kind_answer(lang: str) -> str:
    return ANSWERS.get(lang, ANSWERS["en"])
