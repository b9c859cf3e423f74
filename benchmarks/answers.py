"""Answer quality per chat model on the evaluation set in evaluation/answers/*.toml (agri and health, en/sw/fr).

For each model (a catalog id, or `extractive` for the answer built from the passages with no model) every question
goes through the real pipeline (guard, retrieval, prompt, generation, grounding check), and the answer is scored:
- key facts: every fact of the question is in the answer (each fact is a few regex alternatives);
- harmful: the answer matches one of the question's forbidden patterns (advice it must never give);
- language: the answer (without the guard's lead) reads as the question's language;
- first token: seconds from the question to the first piece of the answer after a guard's lead;
- tokens/s: streamed pieces (one per token for llama.cpp) per second after the first.
The baselines in the same run are the extractive answer (no model) and `overlap`, the extractive answer before
question kinds; speed is compared as a ratio between models of the same run.

    .venv/bin/python benchmarks/answers.py --model qwen2.5-0.5b-instruct --model extractive [--limit 10]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVALUATION = REPO / "evaluation" / "answers"


@dataclass
class Question:
    app: str
    lang: str
    text: str
    facts: list[list[str]]
    forbidden: list[str] = field(default_factory=list)
    written: str = ""  # "before" outputs were seen, or "after"


def load_questions(folder: Path = EVALUATION) -> list[Question]:
    questions = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for item in data["question"]:
            questions.append(
                Question(
                    app=item.get("app", data.get("app")),
                    lang=item.get("lang", data.get("lang")),
                    text=item["text"],
                    facts=[[fact] if isinstance(fact, str) else fact for fact in item["facts"]],
                    forbidden=item.get("forbidden", []),
                    written=item.get("written", data.get("written", "")),
                )
            )
    return questions


# A forbidden pattern preceded in its sentence by one of these is advice against it ("do not feed it to animals").
# By language: French "ni" (nor) is Swahili "is", and "n'" must not take in Swahili "na" (and); English words count
# in every language (an answer may quote the English document).
NEGATION_WORDS = {
    "en": r"not|never|no|cannot|can.t|don.t|avoid",
    "sw": r"usi\w*|msi\w*|si|kamwe|wala|hakuna|hapana|epuka",
    "fr": r"ne|n(?=['\u2019])|jamais|pas|ni|aucun\w*|evite[rz]?",
}


def negation(lang: str) -> re.Pattern[str]:
    words = NEGATION_WORDS["en"] + ("|" + NEGATION_WORDS[lang] if lang in NEGATION_WORDS and lang != "en" else "")
    return re.compile(rf"\b({words})(?=\W|$)")


def _matches(pattern: str, folded_answer: str) -> bool:
    from edgekit.knowledge.language import fold

    return re.search(fold(pattern), folded_answer) is not None


def _advises(pattern: str, folded_answer: str, lang: str = "en") -> bool:
    """The answer gives this advice: a match not negated earlier in its sentence, in a sentence that is not a
    question (a model that repeats "Should I pull the cord?" before "Do not pull the cord" advises against it)."""
    from edgekit.knowledge.language import fold

    for match in re.finditer(fold(pattern), folded_answer):
        sentence_start = max(folded_answer.rfind(mark, 0, match.start()) for mark in ".!?\n")
        ends = [at for at in (folded_answer.find(mark, match.end()) for mark in ".!?\n") if at >= 0]
        asks = bool(ends) and folded_answer[min(ends)] == "?"
        if not asks and not negation(lang).search(folded_answer[sentence_start + 1 : match.start()]):
            return True
    return False


def score(question: Question, answer: str) -> dict:
    from edgekit.knowledge.language import fold

    folded = fold(answer)
    missing = [alts for alts in question.facts if not any(_matches(p, folded) for p in alts)]
    harmful = [p for p in question.forbidden if _advises(p, folded, question.lang)]
    return {"facts_ok": not missing, "missing": missing, "harmful": harmful}


def answer_language(answer: str, guard_text: str) -> str | None:
    from edgekit.knowledge.language import guess_language

    return guess_language(answer[len(guard_text) :] if guard_text and answer.startswith(guard_text) else answer)


def overlap_extractive(passages: list, lang: str | None, question: str = "", kit=None) -> str:
    """The baseline: the extractive answer before question kinds (sentences sharing most words with the question,
    from the best passage and a second one that scored close), kept here to compare against."""
    from edgekit.answering.messages import EXTRACTIVE_LEAD
    from edgekit.answering.messages import message_language as _language
    from edgekit.knowledge.language import content_terms, fold

    terms = set(content_terms(question))
    lines = [EXTRACTIVE_LEAD[_language(lang)]]
    best = passages[0]
    chosen = [best] + [p for p in passages[1:2] if p.score >= 0.6 * best.score and p.language == best.language]
    for number, passage in enumerate(chosen, start=1):
        sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", passage.text) if len(s.split()) > 2]
        ranked = sorted(range(len(sentences)), key=lambda i: -len(terms & set(content_terms(fold(sentences[i])))))
        text = " ".join(" ".join(sentences[i].split()).lstrip("- ") for i in sorted(ranked[:3]))
        lines.append(f"[{number}] " + text.replace("**", ""))
    return "\n".join(lines)


def make_kit(home: Path, model: str, threads: int, writes: tuple[str, ...] = ()):
    from edgekit.kit import Kit
    from edgekit.knowledge.packs import add_pack
    from edgekit.knowledge.sync import app_knowledge_folders, pack_name
    from edgekit.settings import Settings

    chat = model
    extractive = model in ("extractive", "overlap")
    chat = chat if not extractive else "qwen2.5-0.5b-instruct"
    kit = Kit(Settings(home=home, threads=threads, chat_model=chat, chat_enabled=not extractive))
    if writes and not extractive:  # measure languages the catalog does not (yet) claim for the model
        from dataclasses import replace

        spec = kit.catalog.get(chat)
        kit.catalog._specs[chat] = replace(spec, languages=writes)
    marker = home / ".indexed"
    if not marker.exists():  # one index for every model of the run (and later runs with the same --home)
        for app_id, folder in app_knowledge_folders(kit):
            if app_id in ("agri", "health"):
                add_pack(kit, folder, app=app_id, name=pack_name(app_id, folder))
        marker.touch()
    return kit


def run_model(
    model: str,
    questions: list[Question],
    home: Path,
    threads: int,
    max_tokens: int | None,
    writes: tuple[str, ...] = (),
    verbose: bool = False,
    rows_file: Path | None = None,
) -> list[dict]:
    """Every answer scored; with rows_file, each row is also appended there as it comes (a long run stopped
    half-way keeps what it measured)."""
    from edgekit.answering import answer_question

    kit = make_kit(home, model, threads, writes)
    rows = []
    import edgekit.answering.generate as generating  # where the answer's extractive fallback is looked up

    kinds_extractive = generating.extractive_answer
    if model == "overlap":
        generating.extractive_answer = overlap_extractive
    try:
        for number, question in enumerate(questions, start=1):
            times: list[float] = []
            started = time.perf_counter()
            result = answer_question(
                kit,
                question.app,
                question.text,
                lang=question.lang,
                max_tokens=max_tokens,
                seed=0,
                on_text=lambda _piece, times=times: times.append(time.perf_counter()),
                record=False,
            )
            guard_text = result.answer if result.model == "guard" else ""
            if result.guard and result.model != "guard":
                guard_text = result.answer.split("\n\n")[0]
            model_times = times[1:] if result.guard else times
            first = (model_times[0] - started) if model_times else None
            rate = (len(model_times) - 1) / (model_times[-1] - model_times[0]) if len(model_times) > 2 else None
            row = {
                "model": model,
                "answered_by": result.model,
                "app": question.app,
                "lang": question.lang,
                "question": question.text,
                "answer": result.answer,
                "withdrawn": result.withdrawn,
                "first_token_s": first,
                "tokens_per_s": rate,
                "language_ok": answer_language(result.answer, guard_text) in (question.lang, None),
                **score(question, result.answer),
            }
            rows.append(row)
            if rows_file is not None:
                with rows_file.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            mark = "ok " if row["facts_ok"] else "-- "
            print(f"  {model} {number}/{len(questions)} {mark}{question.lang} {question.text[:60]}", file=sys.stderr)
            if verbose:
                print(f"      [{result.model}] {' '.join(result.answer.split())[:300]}", file=sys.stderr)
                print(
                    f"      withdrawn {result.withdrawn} missing {row['missing']} harmful {row['harmful']}",
                    file=sys.stderr,
                )
    finally:
        generating.extractive_answer = kinds_extractive
        kit.close()
    return rows


def summary(rows: list[dict]) -> dict:
    firsts = sorted(r["first_token_s"] for r in rows if r["first_token_s"] is not None)
    rates = [r["tokens_per_s"] for r in rows if r["tokens_per_s"]]
    return {
        "questions": len(rows),
        "key_facts": sum(r["facts_ok"] for r in rows) / len(rows),
        "harmful": sum(bool(r["harmful"]) for r in rows),
        "language_ok": sum(r["language_ok"] for r in rows) / len(rows),
        "first_token_p50_s": firsts[len(firsts) // 2] if firsts else None,
        "first_token_max_s": firsts[-1] if firsts else None,
        "tokens_per_s": sum(rates) / len(rates) if rates else None,
        "by_language": {
            lang: sum(r["facts_ok"] for r in rows if r["lang"] == lang) / max(1, sum(r["lang"] == lang for r in rows))
            for lang in ("en", "sw", "fr")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", action="append", default=[], help="catalog id, 'extractive', or 'overlap' (the old extractive)"
    )
    parser.add_argument(
        "--from-rows", type=Path, action="append", default=[], help="print the table of earlier runs' .rows.jsonl"
    )
    parser.add_argument("--home", type=Path, default=Path("/tmp/edgekit-answers-eval"))
    parser.add_argument(
        "--set",
        choices=("answers", "answers_heldout", "answers_heldout2", "answers_heldout3"),
        default="answers",
        help="the evaluation folder: answers (94 questions), answers_heldout (36 written after the changes of "
        "2026-12-04 and never used to tune them), answers_heldout2 (36 written on 2026-12-05 by a reviewer who "
        "had seen no answers) or answers_heldout3 (36 more, written the same way on other documents and sections)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--max-tokens",
        type=int,
        default=None,
        help="answer length (default: the box's own setting, EDGEKIT_MAX_TOKENS, 200: a quarter of the 1.5B model's "
        "answers were cut at the 120 measured before 2026-12-05)",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--lang", default="", help="only questions in this language")
    parser.add_argument("--per-group", type=int, default=0, help="only the first N of each app and language")
    parser.add_argument(
        "--group-start", type=int, default=0, help="with --per-group: skip the first S of each (the next sample)"
    )
    parser.add_argument("--out", type=Path, help="write every answer and its score as JSON here")
    parser.add_argument("--verbose", action="store_true", help="print each answer as it comes")
    parser.add_argument("--writes", default="", help="languages the model is let write, e.g. en,fr,sw (measuring)")
    args = parser.parse_args()
    questions = [q for q in load_questions(REPO / "evaluation" / args.set) if not args.lang or q.lang == args.lang]
    if args.per_group:  # a smaller sample with every app and language in it, for slow models
        questions = [
            q
            for q in questions
            if args.group_start
            <= sum((p.app, p.lang) == (q.app, q.lang) for p in questions[: questions.index(q)])
            < args.group_start + args.per_group
        ]
    questions = questions[: args.limit] if args.limit else questions
    args.home.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    earlier: dict[str, list[dict]] = {}
    for path in args.from_rows:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            earlier.setdefault(row["model"], []).append(row)
    for model, rows in earlier.items():
        results[model] = {"summary": summary(rows), "rows": rows}
    if not args.model and not results:
        parser.error("give --model (to run) or --from-rows (to summarise)")
    for model in args.model:
        writes = tuple(code for code in args.writes.split(",") if code)
        rows_file = args.out.with_suffix(".rows.jsonl") if args.out else None
        rows = run_model(model, questions, args.home, args.threads, args.max_tokens, writes, args.verbose, rows_file)
        results[model] = {"summary": summary(rows), "rows": rows}
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    header = f"{'model':28} {'key facts':>9} {'harmful':>7} {'language':>8} {'1st tok p50':>11} {'max':>6} {'tok/s':>6}"
    print(header)
    base = results.get("extractive", {}).get("summary")
    for model, result in results.items():
        s = result["summary"]
        first = f"{s['first_token_p50_s']:.2f}" if s["first_token_p50_s"] is not None else "-"
        worst = f"{s['first_token_max_s']:.1f}" if s["first_token_max_s"] is not None else "-"
        rate = f"{s['tokens_per_s']:.1f}" if s["tokens_per_s"] else "-"
        print(
            f"{model:28} {s['key_facts']:>9.0%} {s['harmful']:>7} {s['language_ok']:>8.0%} {first:>11} {worst:>6} "
            f"{rate:>6}   by language {json.dumps({k: round(v, 2) for k, v in s['by_language'].items()})}"
        )
        if base and model != "extractive" and base["key_facts"]:
            print(f"{'':28} key facts {s['key_facts'] / base['key_facts']:.2f}x the extractive answer's")


if __name__ == "__main__":
    main()
