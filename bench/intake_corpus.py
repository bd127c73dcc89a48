"""The e-mail corpus score (issue 12): `python -m bench intake_corpus`.

Imports every case of tests/messaging/corpus/ through the intake (`process_message`, what the SMTP
listener, `genba fetchmail` and `genba import-mail` all call) into a fresh database, with the clock
at the corpus's Monday 2026-11-30 09:00 JST, and prints the share of fields read right, the orders
that created nothing, the requests corrupted by a reply, and every miss. The test
(tests/messaging/test_corpus.py) asserts the targets; this prints the figures and the time per mail.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import django

CORPUS_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def main(show_misses: bool = True) -> None:
    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    from genba.core import clock
    from genba.messaging.intake.process import process_message
    from tests.messaging.corpus import runner

    call_command("migrate", verbosity=0)
    clock.set_now(CORPUS_NOW)
    timings: list[float] = []

    def deliver(raw: bytes) -> None:
        started = time.perf_counter()
        process_message(raw)
        timings.append(time.perf_counter() - started)

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        from django.core import mail

        mail.outbox = []
        runner.ensure_customers()
        score = runner.run(deliver)
    clock.set_now(None)

    print("\n== intake corpus (tests/messaging/corpus/) ==")
    report = score.report().splitlines()
    print(report[0])
    for name, (right, total) in score.by_case.items():
        print(f"  {name:<48} {right:>3}/{total:<3}")
    if show_misses:
        for line in report[1:]:
            print(line)
    print(
        f"time per mail: median {statistics.median(timings) * 1000:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms ({len(timings)} mails, in-process)"
    )


if __name__ == "__main__":
    main()
