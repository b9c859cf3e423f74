"""Who a person on the box can be: the roles, and what an account name looks like. Apart from auth.py so that
reading an app's manifest or a site file (which name roles and accounts) does not import the database layer:
the CLI starts in half the time."""

import re

ROLES = ("admin", "health_worker", "teacher", "student", "guest")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
