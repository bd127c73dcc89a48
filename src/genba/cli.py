"""The `genba` command: Django's management commands and Genba's own (`genba help` lists them).

Genba's commands are spelled with hyphens on the command line (`genba create-token`) and live in
modules with underscores (create_token.py); both spellings work.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genba.settings")
    argv = list(sys.argv if argv is None else argv)
    # The command name, or the name after `help`: `genba help import-mail` works too.
    position = 2 if len(argv) > 2 and argv[1] == "help" else 1
    if len(argv) > position and "-" in argv[position] and not argv[position].startswith("-"):
        argv[position] = argv[position].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
