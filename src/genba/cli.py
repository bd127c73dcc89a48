"""The `genba` command: Django's management commands and Genba's own (`genba help` lists them).

Genba's commands are spelled with hyphens on the command line (`genba create-token`) and live in
modules with underscores (create_token.py); both spellings work.

Settings: `genba quote` and `genba plan --instance FILE` are pure computations (no database, no
session, nothing signed), and so is reading the help; they run without SECRET_KEY, with a throwaway
key made for this process alone. Every other command needs the real settings: a missing or bad
one ends the command with one line on standard error naming it, and exit status 2 (no traceback).
"""

from __future__ import annotations

import os
import secrets
import sys

# Exit status for "the environment is wrong" (as the commands use 2 for "your input is wrong").
BAD_SETTINGS = 2
MISSING_SECRET_KEY = "SECRET_KEY is not set (set it in the environment; see docs/deploy.md)"
_HELP = {"help", "--help", "-h", "version", "--version"}


def needs_no_secrets(argv: list[str]) -> bool:
    """Whether the command line is one of those that sign nothing and open no database."""
    if len(argv) < 2 or argv[1] in _HELP:
        return True
    if argv[1] == "quote":
        return True
    if argv[1] == "plan":
        options = argv[2:]
        # --date reads the open requests from the database (and --accept writes proposals).
        given = {o.split("=", 1)[0] for o in options if o.startswith("--")}
        return "--instance" in given and "--date" not in given
    return False


def _fail(message: str) -> None:
    # The first line only: some messages carry a hint on a second line, a traceback helps nobody.
    first = (message.strip().splitlines() or ["the settings could not be read"])[0]
    sys.stderr.write(f"genba: {first}\n")
    sys.stderr.flush()
    raise SystemExit(BAD_SETTINGS)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genba.settings")
    argv = list(sys.argv if argv is None else argv)
    # The command name, or the name after `help`: `genba help import-mail` works too.
    position = 2 if len(argv) > 2 and argv[1] == "help" else 1
    if len(argv) > position and "-" in argv[position] and not argv[position].startswith("-"):
        argv[position] = argv[position].replace("-", "_")

    from django.core.exceptions import ImproperlyConfigured

    from genba.env import env_bool

    if not os.environ.get("SECRET_KEY", "").strip() and needs_no_secrets(argv):
        # Only this process (and it starts none): nothing it makes outlives it.
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    try:
        if not os.environ.get("SECRET_KEY", "").strip() and not env_bool("GENBA_DEBUG", False):
            _fail(MISSING_SECRET_KEY)
        from django.conf import settings
        from django.core.management import execute_from_command_line

        settings.INSTALLED_APPS  # noqa: B018 - read the settings now, to report what is wrong
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        _fail(str(exc))


if __name__ == "__main__":
    main()
