"""Every WHO danger sign the rules follow (WHO PCPNC 2015: quick check and pregnancy, labour, after birth, the
newborn), said in everyday words in English, Swahili and French, found at WHO's level. The mapping from each rule
to its WHO item is the table in apps/health/KNOWLEDGE.md; a row here is one item of that table.

The phrasings are how a health worker writes, typos included; none is a rule's pattern copied out."""

import pytest
from edgekit_health.triage import triage
from edgekit_health.triage.rules import load_rules

E, U = "emergency", "urgent"

# (WHO item, code, level, English, Swahili, French)
ITEMS = [
    # B2 quick check and C (pregnancy): go now / go the same day
    ("vaginal bleeding", "vaginal_bleeding", E,
     "she is bleeding from down below", "anatokwa na damu ukeni", "elle perd du sang"),
    ("convulsions", "convulsions", E, "she had a fit an hour ago", "amepata degedege", "elle a fait une crise"),
    ("severe headache", "severe_headache", E,
     "very bad headache since morning", "kichwa kinamuuma sana", "maux de tête très forts"),
    ("blurred vision", "blurred_vision", E, "she sees blurry", "anaona ukungu", "elle voit flou"),
    ("fever and too weak to get out of bed", "dangerous_fever", E,
     "fever and too weak to get out of bed", "ana homa na hawezi kuamka kitandani",
     "fièvre et trop faible pour se lever"),
    ("severe abdominal pain", "severe_abdominal_pain", E,
     "severe pain in her tummy", "maumivu makali ya tumbo", "douleur au ventre très forte"),
    ("fast or difficult breathing", "breathing_difficulty", E,
     "she is breathing fast and hard", "anapumua kwa shida", "elle respire mal"),
    ("unconscious", "unconscious", E, "she does not respond when called", "amepoteza fahamu",
     "elle a perdu connaissance"),
    ("looks very ill", "very_ill", E, "she looks very sick", "ni dhaifu sana", "elle est très faible"),
    ("fever", "fever", U, "she has a fever", "ana homa", "elle a de la fièvre"),
    ("abdominal pain", "abdominal_pain", U, "pain in the belly", "tumbo linamuuma", "mal au ventre"),
    ("feels ill", "unwell", U, "she is not feeling well", "hajisikii vizuri", "elle ne se sent pas bien"),
    ("swelling of fingers, face, legs", "swelling", U,
     "her face and fingers are swollen", "uso umevimba", "visage et mains gonflés"),
    ("diastolic blood pressure 90 or more", "blood_pressure_high", U, "BP 145/95", "presha 150/95", "TA 14/9"),
    ("severe hypertension", "blood_pressure_severe", E, "BP 170/115", "presha 165/112", "TA 17/11"),
    ("pre-eclampsia with headache or blurred vision", "severe_pre_eclampsia", E,
     "BP 150/100 and headache", "presha 150/100 na kichwa kinauma", "TA 15/10 et maux de tête"),
    ("waters broken (leaking fluid before labour)", "waters_broken", U,
     "her water broke this morning", "maji yamevunjika", "elle a perdu les eaux"),
    ("reduced fetal movement", "fetal_movement_reduced", U,
     "the baby is moving less", "mtoto anacheza kidogo", "le bébé bouge moins"),
    ("no fetal movement", "fetal_movement_absent", E,
     "baby stopped moving", "mtoto tumboni hachezi", "le bébé ne bouge plus"),
    ("labour before 8 months", "preterm_labour", E,
     "contractions at 7 months", "ana uchungu, mimba ya miezi saba", "contractions à 32 semaines"),
    # D: labour and delivery
    ("in labour", "labour", U, "she is in labour", "ana uchungu", "elle est en travail"),
    ("labour longer than 12 hours", "prolonged_labour", E,
     "labour pains for 15 hrs", "ana uchungu kwa masaa 14", "en travail depuis 13 heures"),
    ("waters broken more than 18 hours", "prolonged_rupture", E,
     "waters broke 20 hours ago", "maji yalivunjika saa 20 zilizopita", "perte des eaux il y a 2 jours"),
    ("obstructed labour, no progress", "obstructed_labour", E,
     "the baby is stuck", "mtoto amekwama", "le bébé ne descend pas"),
    ("hand or arm prolapse", "malpresentation", E, "the arm came out first", "mkono umetoka", "le bras sort"),
    ("breech or transverse lie in labour", "malpresentation", E,
     "in labour and the baby is breech", "ana uchungu na mtoto amekaa kitako",
     "en travail, présentation du siège"),
    ("cord prolapse", "cord_prolapse", E, "the cord is coming out", "kitovu kinatoka nje", "le cordon sort"),
    ("fetal heart rate below 100 or above 180", "fetal_distress", E,
     "FHR 92", "mapigo ya moyo wa mtoto 96", "BCF 190/min"),
    ("fetal heart not heard", "fetal_distress", E,
     "fetal heart not heard", "mapigo ya moyo wa mtoto hayasikiki", "BCF absents"),
    ("multiple pregnancy in labour", "high_risk_labour", E,
     "twins, in labour since morning", "ana mimba ya mapacha na ana uchungu", "jumeaux, en travail"),
    ("previous caesarean in labour", "high_risk_labour", E,
     "had a caesarean before, now contractions", "alishafanyiwa upasuaji, sasa ana uchungu",
     "utérus cicatriciel, contractions depuis 2h"),
    ("meconium-stained fluid", "meconium", U, "green water", "maji ya kijani", "liquide vert"),
    ("delivery imminent", "imminent_birth", E, "she wants to push", "anataka kusukuma", "elle a envie de pousser"),
    ("waters broken with fever or foul fluid", "waters_infection", E,
     "waters broke and she has fever", "maji yamevunjika na ana homa", "perte des eaux et fièvre"),
    # E and PNC 2022: after birth
    ("placenta not delivered 30 minutes after birth", "retained_placenta", E,
     "placenta not out after 1 hour", "kondo la nyuma halijatoka", "le placenta n'est pas sorti"),
    ("fever with foul-smelling lochia", "uterine_infection", E,
     "fever and smelly discharge after delivery", "ana homa na uchafu unanuka",
     "fièvre et pertes malodorantes"),
    ("foul-smelling lochia", "foul_discharge", U,
     "the discharge smells bad", "uchafu unanuka vibaya", "pertes qui sentent mauvais"),
    ("calf pain, redness or swelling", "leg_clot", E,
     "calf swollen and painfull", "shavu la mguu limevimba", "mollet gonflé et douloureux"),
    ("perineal pain or wound infection", "wound_problem", U,
     "stitches have pus", "mshono una usaha", "la cicatrice est rouge et douloureuse"),
    ("urine dribbling", "urine_leaking", U, "urine leaking all the time", "mkojo unavuja", "fuites d'urine"),
    ("depression", "depression", U, "she cries all the time", "analia kila siku", "elle pleure tout le temps"),
    ("thoughts of harming herself or the baby", "suicidal_thoughts", E,
     "she wants to kill herself", "anataka kujiua", "elle veut mourir"),
    ("breasts swollen, red or tender", "breast_problem", U,
     "breast red and painful", "titi limevimba na linauma", "sein rouge et douloureux"),
    ("chest pain or shortness of breath", "chest_pain", E,
     "pain in her chest", "kifua kinauma", "douleur à la poitrine"),
    # J2-J3: the newborn
    ("not feeding well", "newborn_not_feeding", E, "baby not sucking", "mtoto hanyonyi", "le bébé ne tète pas"),
    ("newborn convulsions", "convulsions", E,
     "baby is having fits", "mtoto ana degedege", "le bébé fait des convulsions"),
    ("fast breathing, 60 or more a minute", "breathing_difficulty", E,
     "baby breathing 64 per minute", "mtoto anapumua mara 65 kwa dakika", "bébé FR 70/min"),
    ("severe chest indrawing", "chest_indrawing", E,
     "baby's chest is pulling in", "kifua cha mtoto kinabonyea", "le bébé a un tirage"),
    ("no movement, or movement only when stimulated", "newborn_no_movement", E,
     "baby is floppy", "mtoto amelegea", "le bébé est tout mou"),
    ("temperature 37.5 or more", "newborn_fever", E,
     "baby temp 37.9", "mtoto ana joto 38", "bébé température 38,2"),
    ("temperature below 35.5", "newborn_hypothermia", E,
     "baby temp 35.1", "mtoto ana baridi sana", "bébé température 35"),
    ("yellow palms and soles", "newborn_jaundice", E,
     "baby's palms and soles are yellow", "mtoto ana njano kwenye viganja", "bébé paumes jaunes"),
    ("jaundice in the first 24 hours", "newborn_jaundice", E,
     "baby born this morning has yellow eyes", "mtoto amezaliwa leo, macho ya njano", "bébé né ce matin, yeux jaunes"),
    ("jaundice after the first day", "newborn_yellow", U,
     "baby 5 days old, yellow eyes", "mtoto wa siku 5 ana macho ya njano", "bébé de 5 jours, yeux jaunes"),
    ("umbilicus red or draining pus, cord bleeding", "cord_problem", E,
     "cord has pus", "kitovu kina usaha", "le nombril suinte"),
    ("many skin pustules", "newborn_pustules_many", E,
     "many pustules on the baby", "mtoto ana vipele vingi vya usaha", "bébé plein de pustules"),
    ("a few skin pustules", "newborn_skin_pustules", U,
     "a few pus spots on baby's neck", "mtoto ana vipele vya usaha shingoni", "le bébé a quelques pustules"),
    ("eyes swollen and draining pus", "newborn_eye_infection", U,
     "baby's eyes have pus", "macho ya mtoto yana usaha", "le bébé a du pus dans les yeux"),
    ("newborn bleeding", "newborn_bleeding", E,
     "baby bleeding from the nose", "mtoto anatokwa na damu puani", "le bébé saigne du nez"),
    ("not breathing or gasping", "not_breathing", E,
     "baby not breathing at birth", "mtoto hapumui", "le bébé ne respire pas"),
    ("very small baby, under 1500 g", "newborn_very_small", E,
     "baby weight 1.3kg", "mtoto uzito kilo 1.4", "bébé 1200 g"),
    ("low birth weight, 1500 to 2500 g", "low_birth_weight", U,
     "baby weighs 2.1 kg", "mtoto ana kilo 2.2", "bébé pèse 2100 g"),
    ("central cyanosis", "blue_skin", E, "baby's lips are blue", "midomo ya mtoto ni bluu", "lèvres bleues"),
]  # fmt: skip

CASES = [
    pytest.param(text, lang, code, level, id=f"{code}-{lang}-{item[:24]}")
    for item, code, level, en, sw, fr in ITEMS
    for lang, text in (("en", en), ("sw", sw), ("fr", fr))
]


@pytest.mark.parametrize(("text", "lang", "code", "level"), CASES)
def test_each_who_item_is_found_at_whos_level_in_each_language(text, lang, code, level):
    result = triage(text, lang)
    codes = {sign.code for sign in result.signs}
    assert code in codes, f"{text!r}: {code} not found, got {sorted(codes)}"
    assert load_rules().rules[code].level == level
    assert result.level == level, f"{text!r}: {result.level} with {sorted(codes)}"


# Near misses: what is said but is not the danger sign (a short labour, a normal heart rate, a big baby).
NEAR_MISSES = [
    ("in labour for 5 hours", {"prolonged_labour"}),
    ("ana uchungu kwa saa 4", {"prolonged_labour"}),
    ("en travail depuis 3 heures", {"prolonged_labour"}),
    ("waters broke 6 hours ago, no pains", {"prolonged_rupture"}),
    ("maji yalivunjika saa 5 zilizopita", {"prolonged_rupture"}),
    ("perte des eaux il y a 4 heures", {"prolonged_rupture"}),
    ("waters broke 20 hours ago, in labour for 3 hours", {"prolonged_labour"}),
    ("FHR 140, contractions every 4 min", {"fetal_distress"}),
    ("mapigo ya moyo wa mtoto 136", {"fetal_distress"}),
    ("BCF 150/min", {"fetal_distress"}),
    ("baby weighs 3.2 kg", {"newborn_very_small", "low_birth_weight"}),
    ("mtoto ana kilo 3.1", {"newborn_very_small", "low_birth_weight"}),
    ("bébé 3400 g", {"newborn_very_small", "low_birth_weight"}),
    ("she gained 1.5 kg this month", {"newborn_very_small", "low_birth_weight"}),
    ("baby 3 days old with yellow eyes", {"newborn_jaundice"}),
    ("baby kicking well", {"fetal_movement_reduced", "fetal_movement_absent"}),
    ("mtoto anacheza vizuri", {"fetal_movement_reduced", "fetal_movement_absent"}),
    ("le bébé bouge bien", {"fetal_movement_reduced", "fetal_movement_absent"}),
    ("Mtoto hachezi kama zamani", {"fetal_movement_absent"}),
    ("clear fluid, no bad smell", {"meconium", "foul_discharge"}),
    ("a few spots on the face, no pus", {"newborn_skin_pustules", "newborn_pustules_many"}),
    ("baby's eyes clean", {"newborn_eye_infection"}),
    ("baby 2 days old, feeding well", {"prolonged_labour", "prolonged_rupture"}),
    ("Kitovu kinatoa damu", {"cord_prolapse"}),
    ("no fever, discharge smells bad", {"uterine_infection"}),
    ("breech at 30 weeks, no pains", {"malpresentation"}),
    ("pain in her legs coming and going", {"malpresentation"}),
    ("la fièvre ne descend pas", {"obstructed_labour"}),
]


@pytest.mark.parametrize(("text", "absent"), NEAR_MISSES)
def test_near_misses_are_not_read_as_the_danger_sign(text, absent):
    codes = {sign.code for sign in triage(text).signs}
    assert not codes & absent, f"{text!r} gave {sorted(codes & absent)}"


@pytest.mark.parametrize(
    "text",
    [
        "breech at 38 weeks",
        "mtoto amelala kwa ubavu, wiki 38",
        "présentation transverse à 38 SA",
        "twins at 34 weeks, all well",
        "mimba ya mapacha, anaendelea vizuri",
        "grossesse gémellaire, pas de plainte",
        "previous caesarean, 30 weeks, no complaints",
    ],
)
def test_breech_twins_and_a_previous_caesarean_before_labour_are_context_not_danger_signs(text):
    """WHO plans a hospital birth for them (PCPNC C); only in labour do they call for urgent referral."""
    result = triage(text)
    assert result.level == "routine" and not result.signs


def test_labour_and_rupture_times_go_to_the_sign_they_are_written_beside():
    codes = {sign.code for sign in triage("waters broke 20 hours ago, contractions for 2 hours").signs}
    assert "prolonged_rupture" in codes and "prolonged_labour" not in codes
    codes = {sign.code for sign in triage("waters broke 2 hours ago, labour pains for 14 hours").signs}
    assert "prolonged_labour" in codes and "prolonged_rupture" not in codes
