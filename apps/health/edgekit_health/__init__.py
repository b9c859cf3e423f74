"""Health: an edgekit app. Its hooks are the whole contract with the box (see edgekit/hookspecs.py)."""

from edgekit.hookspecs import hookimpl

APP_ID = "health"


@hookimpl
def register_routes(router):
    @router.get(f"/apps/{APP_ID}/api/hello")
    def hello() -> dict:
        return {"app": APP_ID, "message": "Hello from Health."}


@hookimpl
def register_commands(cli):
    import typer

    commands = typer.Typer(help="Health: the app's own commands.", no_args_is_help=True)

    @commands.command("about")
    def about():
        """Say what this app is."""
        typer.echo("Health: an edgekit app.")

    cli.add_typer(commands, name=APP_ID)


@hookimpl
def before_answer(question, ctx):
    """A guard: return an answer to stop here (a safety rule no model may overrule), or None to let the box
    answer from this app's knowledge. Questions for other apps are not ours to answer."""
    if ctx.get("app") != APP_ID:
        return None
    return None
