import json


def test_add_list_token_disable(edgekit):
    assert edgekit("users", "add", "amina", "--role", "admin", "--password", "a long password").exit_code == 0
    assert edgekit("users", "add", "baraka", "--role", "student", "--pin", "1357").exit_code == 0
    listed = json.loads(edgekit("users", "list", "--json").stdout)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [
        ("amina", "admin", False),
        ("baraka", "student", False),
    ]
    token = edgekit("users", "token", "baraka")
    assert token.exit_code == 0
    assert token.stdout.strip().startswith("ek_") and len(token.stdout.strip().splitlines()) == 1
    assert edgekit("users", "disable", "baraka").exit_code == 0
    assert json.loads(edgekit("users", "list", "--json").stdout)[1]["disabled"] is True


def test_never_a_default_password(edgekit):
    result = edgekit("users", "add", "amina", "--role", "admin", "--pin", "12")
    assert result.exit_code == 1 and "weak_secret" in result.stderr
    listed = edgekit("users", "list")
    assert "No users yet" in listed.stdout


def test_unknown_user_and_role(edgekit):
    assert "unknown_user" in edgekit("users", "token", "ghost").stderr
    assert "unknown_role" in edgekit("users", "add", "x1", "--role", "king", "--pin", "1234").stderr
