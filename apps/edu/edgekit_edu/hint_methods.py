"""The method a template hint names for a skill that has no math template: how to find the answer to a reading
or science item, in the pupil's language, never the answer itself. Math skills name their template's strategy and
work a similar problem (tutor.template_hint). `{lesson}` is « the lesson's title » or nothing."""

from __future__ import annotations

from edgekit_edu.science_methods import SCIENCE

READING = {
    "reading.detail": {
        "en": "The text says it in words. Find the sentence that talks about what the question asks, read it "
        "again slowly, and answer with the words of the text.",
        "sw": "Habari inalisema kwa maneno. Tafuta sentensi inayozungumzia kile swali linachouliza, isome tena "
        "polepole, kisha jibu kwa maneno ya habari.",
        "fr": "Le texte le dit avec des mots. Cherche la phrase qui parle de ce que demande la question, relis-la "
        "lentement et réponds avec les mots du texte.",
    },
    "reading.vocabulary": {
        "en": "Find the word in the text and read the sentences around it: what clues do they give? Put the "
        "meaning you think of in place of the word: does the sentence still make sense?",
        "sw": "Tafuta neno hilo katika habari na usome sentensi zinazolizunguka: zinakupa dalili gani? Weka maana "
        "unayofikiri mahali pa neno: je, sentensi bado ina maana?",
        "fr": "Trouve le mot dans le texte et lis les phrases autour : quels indices te donnent-elles ? Mets le "
        "sens que tu penses à la place du mot : la phrase a-t-elle encore du sens ?",
    },
    "reading.main_idea": {
        "en": "The main idea is what the whole paragraph is about, not one detail. Ask yourself: what do all the "
        "sentences talk about together? Say it in one short sentence.",
        "sw": "Wazo kuu ni kile aya nzima inachozungumzia, si jambo moja dogo. Jiulize: sentensi zote "
        "zinazungumzia nini kwa pamoja? Sema kwa sentensi moja fupi.",
        "fr": "L'idée principale, c'est ce dont parle tout le paragraphe, pas un seul détail. Demande-toi : de "
        "quoi parlent toutes les phrases ensemble ? Dis-le en une courte phrase.",
    },
    "reading.inference": {
        "en": "The text does not say it in words: look for clues. What do the people do, feel or carry? What do "
        "those clues tell you?",
        "sw": "Habari haisemi hilo moja kwa moja: tafuta dalili. Watu wanafanya nini, wanajisikiaje au wamebeba "
        "nini? Dalili hizo zinakuambia nini?",
        "fr": "Le texte ne le dit pas avec des mots : cherche des indices. Que font les personnages, que "
        "ressentent-ils, que portent-ils ? Que te disent ces indices ?",
    },
    "reading.sequence": {
        "en": "Look for the order words: first, then, before, after, finally. Careful: with 'before' and 'after' "
        "the events can happen in a different order from the words of the sentence. Put the events in order, "
        "then answer.",
        "sw": "Tafuta maneno ya mpangilio: kwanza, kisha, kabla, baada ya, mwishowe. Angalia: kwa 'kabla' na "
        "'baada ya' matukio yanaweza kutokea kwa mpangilio tofauti na maneno ya sentensi. Panga matukio, kisha "
        "ujibu.",
        "fr": "Cherche les mots d'ordre : d'abord, puis, avant, après, enfin. Attention : avec « avant » et "
        "« après », les événements peuvent se passer dans un autre ordre que les mots de la phrase. Range les "
        "événements, puis réponds.",
    },
    "reading.stories": {
        "en": "Find the part of the story where this character or thing is named, and read those sentences "
        "again. What does the story say happened there?",
        "sw": "Tafuta sehemu ya hadithi inayomtaja mhusika au kitu hicho, na usome sentensi hizo tena. Hadithi "
        "inasema nini kilitokea hapo?",
        "fr": "Cherche le passage de l'histoire qui parle de ce personnage ou de cette chose, et relis ces "
        "phrases. Que dit l'histoire de ce qui s'est passé ?",
    },
}
SUBJECTS = {
    "reading": {
        "en": "Read the text again, one sentence at a time. Which sentence talks about what the question asks?",
        "sw": "Soma habari tena, sentensi moja baada ya nyingine. Ni sentensi gani inayozungumzia kile swali "
        "linachouliza?",
        "fr": "Relis le texte, une phrase à la fois. Quelle phrase parle de ce que demande la question ?",
    },
    "science": {
        "en": "Find the key word of the question and look for it in the lesson{lesson}. Read what the lesson says "
        "about it, then check your answer against that sentence: does it fit?",
        "sw": "Tafuta neno kuu la swali na ulitafute katika somo{lesson}. Soma somo linasema nini kulihusu, kisha "
        "linganisha jibu lako na sentensi hiyo: je, linafaa?",
        "fr": "Trouve le mot clé de la question et cherche-le dans la leçon{lesson}. Lis ce que la leçon en dit, "
        "puis compare ta réponse à cette phrase : est-ce qu'elle convient ?",
    },
}


def method(skill: str, lang: str, lesson_title: str = "") -> str:
    """The skill's method in the pupil's language (READING here, SCIENCE in science_methods.py), else its
    subject's, else ""."""
    table = READING.get(skill) or SCIENCE.get(skill) or SUBJECTS.get(skill.split(".")[0])
    if not table:
        return ""
    lesson = f" «{lesson_title}»" if lesson_title else ""
    return table.get(lang, table["en"]).format(lesson=lesson)
