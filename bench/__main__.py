"""Run every benchmark: `python -m bench` (or `make bench`)."""

import os
import sys
import tempfile

os.environ.setdefault("GENBA_DATA_DIR", tempfile.mkdtemp(prefix="genba-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genba.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("GENBA_SSL_REDIRECT", "0")

# WhiteNoise warns when the static folder is missing; the benchmarks serve no static file.
os.makedirs(os.path.join(os.environ["GENBA_DATA_DIR"], "static"), exist_ok=True)

from bench import (  # noqa: E402
    api_requests,
    availability,
    completeness,
    intake_corpus,
    invoices,
    pages,
    plan,
    quotes,
)

if __name__ == "__main__":
    only = sys.argv[1:]
    for module in (
        completeness,
        intake_corpus,
        quotes,
        api_requests,
        pages,
        invoices,
        availability,
        plan,
    ):
        if not only or module.__name__.split(".")[-1] in only:
            module.main()
