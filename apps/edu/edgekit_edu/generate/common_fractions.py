# ruff: noqa: RUF001  (the multiplication and minus signs are the ones pupils read in their books)
"""Fractions: equivalent fractions, simplest form, adding, and a fraction of an amount."""

from __future__ import annotations

from fractions import Fraction
from math import gcd

from edgekit_edu.generate.common import Made, say, show, template


def _proper(rng, max_den=12):
    den = rng.randrange(2, max_den + 1)
    num = rng.randrange(1, den)
    return Fraction(num, den), num, den


@template(
    "math.fractions.equivalent",
    {
        "en": "Compare the two bottom numbers: what did you multiply by to get from one to the other? "
        "Multiply the top number by the same amount.",
        "sw": "Linganisha namba mbili za chini: ulizidisha kwa ngapi kutoka moja hadi nyingine? Zidisha namba ya "
        "juu kwa kiasi hicho hicho.",
        "fr": "Compare les deux dénominateurs : par combien as-tu multiplié pour passer de l'un à l'autre ? "
        "Multiplie le numérateur par le même nombre.",
    },
)
def equivalent(rng, lang):
    den = rng.randrange(2, 10)
    num = rng.randrange(1, den)
    while gcd(num, den) != 1:
        num = rng.randrange(1, den)
    factor = rng.randrange(2, 7)
    return Made(
        say(
            lang,
            f"Fill in the missing number: {num}/{den} = ?/{den * factor}",
            f"Jaza namba inayokosekana: {num}/{den} = ?/{den * factor}",
            f"Complète : {num}/{den} = ?/{den * factor}",
        ),
        Fraction(num * factor),
        f"{den} × {factor} = {den * factor}, "
        + say(lang, "so", "kwa hiyo", "donc")
        + f" {num} × {factor} = {num * factor}: {num}/{den} = {num * factor}/{den * factor}",
    )


@template(
    "math.fractions.equivalent",
    {
        "en": "Find a number that divides both the top and the bottom exactly. Divide both by it, and repeat "
        "until no number bigger than 1 divides both.",
        "sw": "Tafuta namba inayogawanya juu na chini bila baki. Gawanya zote mbili, na urudie hadi isibaki namba "
        "kubwa kuliko 1 inayogawanya zote.",
        "fr": "Trouve un nombre qui divise exactement le numérateur et le dénominateur. Divise les deux, et "
        "recommence jusqu'à ce qu'aucun nombre plus grand que 1 ne divise les deux.",
    },
)
def simplify(rng, lang):
    value, num, den = _proper(rng, 10)
    value = Fraction(num, den)
    factor = rng.randrange(2, 7)
    big_num, big_den = value.numerator * factor, value.denominator * factor
    return Made(
        say(
            lang,
            f"Write {big_num}/{big_den} in its simplest form.",
            f"Andika {big_num}/{big_den} katika hali yake rahisi kabisa.",
            f"Écris {big_num}/{big_den} sous sa forme la plus simple.",
        ),
        value,
        f"{big_num} ÷ {factor} = {value.numerator}, {big_den} ÷ {factor} = {value.denominator}: "
        f"{big_num}/{big_den} = {value.numerator}/{value.denominator}",
        simplest=True,
        form="fraction",
        answer_form="fraction",
    )


@template(
    "math.fractions.add_subtract",
    {
        "en": "Make the bottom numbers the same first (find a common denominator), then add only the top numbers.",
        "sw": "Kwanza fanya namba za chini ziwe sawa (tafuta kigawanyo cha pamoja), kisha jumlisha namba za juu tu.",
        "fr": "Mets d'abord les fractions au même dénominateur, puis additionne seulement les numérateurs.",
    },
)
def add(rng, lang):
    a, an, ad = _proper(rng, 8)
    b, bn, bd = _proper(rng, 8)
    common = ad * bd // gcd(ad, bd)
    total = a + b
    result = show(total, lang, "mixed") if total > 1 else show(total, lang, "fraction")
    same = f"{an}/{ad} + {bn}/{ad} = {an + bn}/{ad}" + (f" = {result}" if f"{an + bn}/{ad}" != result else "")
    return Made(
        say(
            lang,
            f"Work out {an}/{ad} + {bn}/{bd}.",
            f"Hesabu {an}/{ad} + {bn}/{bd}.",
            f"Calcule {an}/{ad} + {bn}/{bd}.",
        ),
        total,
        same
        if ad == bd
        else f"{an}/{ad} = {an * common // ad}/{common}, {bn}/{bd} = {bn * common // bd}/{common}; "
        f"{an * common // ad + bn * common // bd}/{common} = {result}",
        form="",
        answer_form="fraction",
    )


@template(
    "math.fractions.of_amount",
    {
        "en": "Divide the amount by the bottom number to find one part, then multiply by the top number.",
        "sw": "Gawanya kiasi kwa namba ya chini kupata sehemu moja, kisha zidisha kwa namba ya juu.",
        "fr": "Divise la quantité par le dénominateur pour trouver une part, puis multiplie par le numérateur.",
    },
)
def of_amount(rng, lang):
    _, num, den = _proper(rng, 10)
    amount = den * rng.randrange(2, 15)
    result = amount // den * num
    return Made(
        say(
            lang,
            f"What is {num}/{den} of {amount}?",
            f"{num}/{den} ya {amount} ni ngapi?",
            f"Combien font {num}/{den} de {amount} ?",
        ),
        Fraction(result),
        f"{amount} ÷ {den} = {amount // den}; {amount // den} × {num} = {result}",
    )


@template(
    "math.fractions.add_subtract",
    {
        "en": "Make the bottom numbers the same first (find a common denominator), then subtract only the top numbers.",
        "sw": "Kwanza fanya namba za chini ziwe sawa (tafuta kigawanyo cha pamoja), kisha toa namba za juu tu.",
        "fr": "Mets d'abord les fractions au même dénominateur, puis soustrais seulement les numérateurs.",
    },
)
def subtract(rng, lang):
    a, an, ad = _proper(rng, 8)
    b, bn, bd = _proper(rng, 8)
    while a == b:  # 3/4 - 3/4 is no exercise
        b, bn, bd = _proper(rng, 8)
    if a < b:
        (a, an, ad), (b, bn, bd) = (b, bn, bd), (a, an, ad)
    common = ad * bd // gcd(ad, bd)
    difference = a - b
    return Made(
        say(
            lang,
            f"Work out {an}/{ad} − {bn}/{bd}.",
            f"Hesabu {an}/{ad} − {bn}/{bd}.",
            f"Calcule {an}/{ad} − {bn}/{bd}.",
        ),
        difference,
        f"{an}/{ad} = {an * common // ad}/{common}, {bn}/{bd} = {bn * common // bd}/{common}; "
        f"{an * common // ad - bn * common // bd}/{common} = {show(difference, lang, 'fraction')}",
        answer_form="fraction",
    )


@template(
    "math.fractions.compare",
    {
        "en": "Give both fractions the same bottom number; then the one with the bigger top number is bigger.",
        "sw": "Zipe sehemu zote mbili namba ya chini sawa; kisha yenye namba kubwa ya juu ndiyo kubwa zaidi.",
        "fr": "Donne aux deux fractions le même dénominateur ; celle qui a le plus grand numérateur est la plus "
        "grande.",
    },
)
def compare(rng, lang):
    a, an, ad = _proper(rng, 10)
    b, bn, bd = _proper(rng, 10)
    while a == b:
        b, bn, bd = _proper(rng, 10)
    bigger = max(a, b)
    common = ad * bd // gcd(ad, bd)
    return Made(
        say(
            lang,
            f"Which is bigger, {an}/{ad} or {bn}/{bd}? Write the bigger fraction.",
            f"Ipi ni kubwa zaidi, {an}/{ad} au {bn}/{bd}? Andika sehemu iliyo kubwa.",
            f"Laquelle est la plus grande, {an}/{ad} ou {bn}/{bd} ? Écris la plus grande fraction.",
        ),
        bigger,
        f"{an}/{ad} = {an * common // ad}/{common}, {bn}/{bd} = {bn * common // bd}/{common}",
        answer_form="fraction",
    )


@template(
    "math.fractions.multiply",
    {
        "en": "Multiply the top numbers together and the bottom numbers together, then simplify if you can.",
        "sw": "Zidisha namba za juu pamoja na namba za chini pamoja, kisha rahisisha kama unaweza.",
        "fr": "Multiplie les numérateurs entre eux et les dénominateurs entre eux, puis simplifie si tu peux.",
    },
)
def multiply(rng, lang):
    a, an, ad = _proper(rng, 9)
    b, bn, bd = _proper(rng, 9)
    product = a * b
    return Made(
        say(
            lang,
            f"Work out {an}/{ad} × {bn}/{bd}.",
            f"Hesabu {an}/{ad} × {bn}/{bd}.",
            f"Calcule {an}/{ad} × {bn}/{bd}.",
        ),
        product,
        f"{an} × {bn} = {an * bn}, {ad} × {bd} = {ad * bd}: {an * bn}/{ad * bd} = {show(product, lang, 'fraction')}",
        answer_form="fraction",
    )
