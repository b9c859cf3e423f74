"""edgekit edu ...: skills, practice items, a tutor's hint, classes and progress, from the box's shell.

Whoever has the box's shell is its technician, so commands act as admin (`shell:<login>` in the audit log);
`--as NAME` acts as one teacher instead (their classes only).
"""

from __future__ import annotations

import asyncio
import getpass
import json

import typer

from edgekit.sdk import AppContext, EdgekitError, find_account, now

JSON_OPTION = typer.Option(False, "--json", help="Print JSON for scripts.")
LANG_OPTION = typer.Option("en", "--lang", help="en, sw or fr.")
AS_OPTION = typer.Option(None, "--as", help="Act as this teacher's account (default: the technician, as admin).")


def build_cli(app: AppContext) -> typer.Typer:
    # The kit of the command being run, from its typer context (ctx.obj): the data directory --home chose.
    cli = typer.Typer(
        help="The school assistant: skills, practice, the tutor, classes, progress.", no_args_is_help=True
    )

    def session_of(ctx: typer.Context):
        from sqlmodel import Session

        return Session(ctx.obj.db)

    def viewer(ctx: typer.Context, name: str | None):
        from edgekit_edu.school import Viewer

        if name is None:
            return Viewer(f"shell:{getpass.getuser()}", "admin")
        with session_of(ctx) as session:
            account = find_account(session, name)
        if account is None or account.role not in ("teacher", "admin"):
            raise EdgekitError(f"'{name}' is not a teacher's or admin's account on this box.", code="not_a_teacher")
        return Viewer(account.name, account.role)

    def lang_of(lang: str) -> str:
        if lang not in ("en", "sw", "fr"):
            raise EdgekitError("--lang is en, sw or fr.", code="bad_language")
        return lang

    @cli.command("skills")
    def skills(lang: str = LANG_OPTION, as_json: bool = JSON_OPTION) -> None:
        """The skills pupils practise, with their subject and grade."""
        from edgekit_edu.skills import all_skills

        listed = [s.as_dict(lang_of(lang)) for s in all_skills().values()]
        if as_json:
            typer.echo(json.dumps({"skills": listed}, ensure_ascii=False))
            return
        for s in listed:
            typer.echo(f"{s['id']:<34} {s['subject']:<8} grade {s['grade'] or '-':<4} {s['title']}")

    @cli.command("practice")
    def practice_items(
        skill: str, n: int = typer.Option(5, "--n", min=1, max=50), lang: str = LANG_OPTION, as_json: bool = JSON_OPTION
    ) -> None:
        """Practice items of a skill, without their answers."""
        from edgekit_edu.practice import next_item
        from edgekit_edu.skills import skill as find_skill

        if find_skill(skill) is None:
            raise EdgekitError(f"Unknown skill {skill!r}. See: edgekit edu skills", code="unknown_skill")
        items = [next_item(None, None, skill, lang_of(lang)).public() for _ in range(n)]
        if as_json:
            typer.echo(json.dumps({"skill": skill, "items": items}, ensure_ascii=False))
            return
        for number, item in enumerate(items, 1):
            choices = f"  ({' / '.join(item['choices'])})" if item["choices"] else ""
            typer.echo(f"{number}. {item['prompt']}{choices}")

    @cli.command("hint")
    def hint(
        ctx: typer.Context,
        problem: str,
        attempt: str = typer.Option("", "--attempt", help="The pupil's wrong answer."),
        item: str = typer.Option(
            None, "--item", help="A practice item's id (its answer is then known and never given)."
        ),
        lang: str = LANG_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """A tutor's hint for a problem (never its answer)."""
        from edgekit_edu.practice import item_by_id
        from edgekit_edu.tutor import reply

        lang = lang_of(lang)
        found = item_by_id(item, lang) if item else None
        answer = asyncio.run(
            reply(ctx.obj, message=problem if not found else "", lang=lang, item=found, attempt=attempt, client="cli")
        )
        if found is None and problem and answer.kind == "lesson":
            answer.kind = "hint"
        if as_json:
            typer.echo(json.dumps(answer.as_dict(), ensure_ascii=False))
            return
        typer.echo(answer.text)
        for citation in answer.citations:
            typer.echo(f"  - {citation['title']} ({citation['source']})")

    @cli.command("classes")
    def classes(ctx: typer.Context, as_teacher: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
        """Classes, their teacher, code and mastery rule."""
        from edgekit_edu.school import pupils_of, visible_classes

        with session_of(ctx) as session:
            rows = [
                {
                    "code": c.code,
                    "name": c.name,
                    "teacher": c.teacher,
                    "rule": c.rule,
                    "pupils": len(pupils_of(session, c)),
                }
                for c in visible_classes(session, viewer(ctx, as_teacher))
            ]
        if as_json:
            typer.echo(json.dumps({"classes": rows}, ensure_ascii=False))
            return
        for row in rows:
            typer.echo(
                f"{row['code']}  {row['name']:<24} {row['teacher']:<16} {row['rule']:<12} {row['pupils']} pupils"
            )

    @cli.command("progress")
    def progress(
        ctx: typer.Context,
        class_code: str = typer.Option(..., "--class", help="The class code."),
        as_teacher: str = AS_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """The mastery grid of a class: each pupil's state on each assigned skill."""
        from edgekit_edu.progress import grid
        from edgekit_edu.school import class_by_code

        with session_of(ctx) as session:
            school_class = class_by_code(session, viewer(ctx, as_teacher), class_code)
            pupils, skills, cells = grid(session, school_class, now())
            rows = [
                {"name": p.display_name, "skills": {s: vars(cells[(p.id, s)]) for s in skills if (p.id, s) in cells}}
                for p in pupils
            ]
        if as_json:
            typer.echo(json.dumps({"class": class_code.upper(), "skills": skills, "pupils": rows}, ensure_ascii=False))
            return
        typer.echo("pupil".ljust(20) + " ".join(s.split(".")[-1][:12].ljust(12) for s in skills))
        for row in rows:
            typer.echo(
                row["name"][:19].ljust(20)
                + " ".join(row["skills"].get(s, {}).get("state", "-")[:12].ljust(12) for s in skills)
            )

    return cli
