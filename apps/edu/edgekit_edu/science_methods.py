"""The method a science template hint names, one per skill: the idea to use or the question to ask yourself, in
the pupil's language. Written to hold for every item of the skill and never to name an item's answer (the leak
tests run over the whole bank)."""

from __future__ import annotations

SCIENCE = {
    "science.body.circulation": {
        "en": "Think of the heart as a pump: follow the blood as it leaves the heart, goes round the body and "
        "comes back. What job does each part of the blood do on the way?",
        "sw": "Fikiria moyo kama pampu: fuata damu inapotoka moyoni, inapozunguka mwilini na kurudi. Kila sehemu "
        "ya damu inafanya kazi gani njiani?",
        "fr": "Imagine le cœur comme une pompe : suis le sang quand il sort du cœur, fait le tour du corps et "
        "revient. Quel travail fait chaque partie du sang en chemin ?",
    },
    "science.body.deficiency": {
        "en": "Each sign of illness points to one missing nutrient. Ask yourself: which foods does this child "
        "not eat, and what does that food do for the body?",
        "sw": "Kila dalili ya ugonjwa inaonyesha kirutubisho kimoja kinachokosekana. Jiulize: mtoto huyu hali "
        "vyakula gani, na chakula hicho kinafanya nini mwilini?",
        "fr": "Chaque signe de maladie montre un nutriment qui manque. Demande-toi : quels aliments cet enfant ne "
        "mange-t-il pas, et à quoi sert cet aliment pour le corps ?",
    },
    "science.body.digestion": {
        "en": "Follow one mouthful of food on its journey through the body, from where it goes in to where it "
        "comes out. What happens to it at each stop?",
        "sw": "Fuata tonge moja la chakula katika safari yake mwilini, kutoka kinapoingia hadi kinapotoka. "
        "Kinatendewa nini katika kila kituo?",
        "fr": "Suis une bouchée de nourriture dans son voyage à travers le corps, de l'entrée à la sortie. Que "
        "lui arrive-t-il à chaque étape ?",
    },
    "science.body.nutrition": {
        "en": "Sort foods by what they do for the body: fuel it for work and play, build it, or protect it "
        "from illness. Which job does the food in the question do?",
        "sw": "Panga vyakula kwa kazi yake mwilini: kuupa mwili uwezo wa kufanya kazi, kujenga mwili, au "
        "kuukinga na magonjwa. Chakula "
        "kilicho katika swali kinafanya kazi gani?",
        "fr": "Classe les aliments selon leur rôle : faire tourner le corps comme un carburant, le construire "
        "ou le protéger des maladies. Quel rôle joue l'aliment de la question ?",
    },
    "science.body.teeth": {
        "en": "Look at the shape of each kind of tooth: the shape tells you its job. For a question about "
        "caring for teeth, ask: what do germs in the mouth feed on?",
        "sw": "Angalia umbo la kila aina ya jino: umbo linakuambia kazi yake. Kwa swali la kutunza meno, jiulize: "
        "vijidudu vya mdomoni hula nini?",
        "fr": "Regarde la forme de chaque sorte de dent : la forme te dit son travail. Pour une question sur le "
        "soin des dents, demande-toi : de quoi se nourrissent les microbes de la bouche ?",
    },
    "science.plants.erosion": {
        "en": "Think of rain running over bare ground: what carries the soil away, and what could slow the "
        "water down or hold the soil in place?",
        "sw": "Fikiria mvua ikitiririka juu ya ardhi tupu: nini kinachukua udongo, na nini kingeweza kupunguza "
        "kasi ya maji au kushika udongo mahali pake?",
        "fr": "Pense à la pluie qui coule sur un sol nu : qu'est-ce qui emporte la terre, et qu'est-ce qui "
        "pourrait ralentir l'eau ou retenir la terre ?",
    },
    "science.plants.germination": {
        "en": "Picture a bean seed opening as it starts to grow. What does it need from around it, and which "
        "part comes out first, going down, and which goes up?",
        "sw": "Fikiria mbegu ya haragwe ikifunguka inapoanza kuota. Inahitaji nini kutoka mazingira yake, na "
        "sehemu gani hutoka kwanza kwenda chini, na ipi huenda juu?",
        "fr": "Imagine une graine de haricot qui s'ouvre quand elle commence à pousser. De quoi a-t-elle besoin "
        "autour d'elle, et quelle partie sort d'abord vers le bas, laquelle vers le haut ?",
    },
    "science.plants.parts": {
        "en": "Each part of a plant has one main job: holding it in the ground, carrying water, making food, or "
        "making new plants. Which job does the question describe?",
        "sw": "Kila sehemu ya mmea ina kazi moja kuu: kuushika ardhini, kubeba maji, kutengeneza chakula, au "
        "kuzaa mimea mipya. Swali linaeleza kazi gani?",
        "fr": "Chaque partie d'une plante a un travail principal : la tenir dans le sol, transporter l'eau, "
        "fabriquer la nourriture ou faire de nouvelles plantes. Quel travail décrit la question ?",
    },
    "science.plants.photosynthesis": {
        "en": "A green plant makes its own food with sunlight. Ask yourself: what goes into the leaf, what "
        "comes out, and what happens when there is no light?",
        "sw": "Mmea wa kijani hutengeneza chakula chake kwa mwanga wa jua. Jiulize: nini kinaingia ndani ya "
        "jani, nini kinatoka, na nini kinatokea kukiwa hakuna mwanga?",
        "fr": "Une plante verte fabrique sa nourriture avec la lumière du soleil. Demande-toi : qu'est-ce qui "
        "entre dans la feuille, qu'est-ce qui en sort, et que se passe-t-il sans lumière ?",
    },
    "science.plants.soil": {
        "en": "Think of the size of the grains in each soil: big grains leave big gaps for water to run "
        "through, tiny grains stick together. What does that mean for the question?",
        "sw": "Fikiria ukubwa wa chembe katika kila udongo: chembe kubwa huacha nafasi kubwa maji yapite, "
        "chembe ndogo sana hushikamana. Hilo linamaanisha nini kwa swali?",
        "fr": "Pense à la taille des grains de chaque sol : de gros grains laissent de grands espaces où l'eau "
        "passe, de tout petits grains collent ensemble. Qu'est-ce que cela veut dire pour la question ?",
    },
    "science.water.diseases": {
        "en": "Ask two questions: how does the germ get into the body, and what does the illness take out of "
        "the body? The answer to the question follows from these.",
        "sw": "Uliza maswali mawili: kijidudu kinaingiaje mwilini, na ugonjwa unaondoa nini mwilini? Jibu la "
        "swali linafuata kutoka hapo.",
        "fr": "Pose-toi deux questions : comment le microbe entre-t-il dans le corps, et qu'est-ce que la "
        "maladie fait perdre au corps ? La réponse à la question en découle.",
    },
    "science.water.handwashing": {
        "en": "Germs on hands are too small to see. Ask yourself: when do hands pick up the most germs, and "
        "what removes them so they do not come back?",
        "sw": "Vijidudu mikononi ni vidogo mno kuonekana. Jiulize: mikono hubeba vijidudu vingi zaidi lini, na "
        "nini huviondoa visirudi?",
        "fr": "Les microbes sur les mains sont trop petits pour être vus. Demande-toi : quand les mains "
        "prennent-elles le plus de microbes, et qu'est-ce qui les enlève pour qu'ils ne reviennent pas ?",
    },
    "science.water.safe_water": {
        "en": "Ask yourself: where could germs get into the water, what kills them or keeps them out, and how "
        "long must it work before the water is safe?",
        "sw": "Jiulize: vijidudu vinaweza kuingia majini wapi, nini kinaviua au kuvizuia, na kinahitaji muda gani "
        "kabla maji hayajawa salama?",
        "fr": "Demande-toi : par où les microbes peuvent-ils entrer dans l'eau, qu'est-ce qui les tue ou les "
        "arrête, et combien de temps faut-il avant que l'eau soit sûre ?",
    },
    "science.water.sanitation": {
        "en": "Follow the germs from faeces: which way can they travel to our water and our mouths? Ask "
        "yourself what blocks that path.",
        "sw": "Fuata vijidudu kutoka kinyesi: vinaweza kusafiri kwa njia gani hadi kwenye maji na midomo yetu? "
        "Jiulize nini kinazuia njia hiyo.",
        "fr": "Suis les microbes des excréments : par quel chemin peuvent-ils arriver à notre eau et à notre "
        "bouche ? Demande-toi ce qui bloque ce chemin.",
    },
    "science.weather.climate": {
        "en": "Weather is what the sky does today; climate is the usual pattern over many years. Ask "
        "yourself which one the question is about, and what changes it.",
        "sw": "Hali ya hewa ni kinachotokea angani leo; tabianchi ni mpangilio wa kawaida kwa miaka mingi. "
        "Jiulize swali linahusu lipi, na nini kinalibadilisha.",
        "fr": "La météo, c'est le temps qu'il fait aujourd'hui ; le climat, c'est ce qui se passe d'habitude "
        "pendant de longues années. Demande-toi de quoi parle la question, et ce qui le change.",
    },
    "science.weather.elements": {
        "en": "Name the part of the weather the question is about (rain, heat, wind), then ask: what tool "
        "would you need to measure it, and how does it work?",
        "sw": "Taja sehemu ya hali ya hewa inayoulizwa (mvua, joto, upepo), kisha jiulize: ungehitaji kifaa "
        "gani kuipima, na kinafanyaje kazi?",
        "fr": "Nomme la partie de la météo dont parle la question (pluie, chaleur, vent), puis demande-toi : "
        "quel outil faut-il pour la mesurer, et comment marche-t-il ?",
    },
    "science.weather.water_cycle": {
        "en": "What happens to water when the sun heats it, and when it cools high up? Follow the water from "
        "the lake to the cloud and back to the ground.",
        "sw": "Maji yanakuwaje jua linapoyapasha joto, na yanapopoa juu angani? Fuata maji kutoka ziwani hadi "
        "kwenye wingu na kurudi ardhini.",
        "fr": "Que devient l'eau quand le soleil la chauffe, et quand elle se refroidit en hauteur ? Suis l'eau "
        "du lac jusqu'au nuage et son retour au sol.",
    },
}
