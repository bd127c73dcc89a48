"""Page latency on the demo data: every page each demo user can reach by links from their home.

Logs in as each demo user (Django's test client, in-process: the figure is Django's own time,
template rendering included, without the network), follows the links found on the pages of the
user's own area (breadth first, up to `max_pages`), then times each page `runs` times and counts
its queries. The issue's target: no page over 300 ms.
"""

from __future__ import annotations

import re
import statistics
import time

import django

DEMO_USERS = [
    "alice@acme.example",
    "bob@globex.example",
    "coord@genba.example",
    "ken@genba.example",
    "billing@genba.example",
    "admin@genba.example",
]
AREAS = ("/portal/", "/console/", "/field/")
# Downloads (PDF, CSV, photos) are files, not pages; timed apart from pages.
DOWNLOAD = re.compile(r"\.(pdf|csv|png|jpe?g|ics)$|/download|/photo")
HREF = re.compile(r'href="(/[^"#?]*)(\?[^"#]*)?"')


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _crawl(client, start: str, max_pages: int) -> list[str]:
    seen, queue, pages = {start}, [start], []
    while queue and len(pages) < max_pages:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(url)
        for path, query in HREF.findall(response.content.decode()):
            link = path + (query or "").replace("&amp;", "&")
            if link in seen or not path.startswith(AREAS) or DOWNLOAD.search(path):
                continue
            seen.add(link)
            queue.append(link)
    return pages


def main(runs: int = 20, max_pages: int = 25) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from genba.accounts.models import User
    from genba.web.access import home_for

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static names from the manifest, as a deployment would.
    call_command("collectstatic", interactive=False, verbosity=0)
    # The demo refuses to run outside debug (known passwords); a benchmark database is throwaway.
    call_command("demo", allow_production=True, verbosity=0)
    print(f"== pages on the demo data ({connection.vendor}), {runs} runs each")
    print(f"{'user':24} {'page':58} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'queries':>7}")
    worst = 0.0
    for email in DEMO_USERS:
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        for url in _crawl(client, home_for(user), max_pages):
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            worst = max(worst, max(timings))
            print(
                f"{email:24} {url[:58]:58} {statistics.median(timings):7.1f} "
                f"{_percentile(timings, 95):7.1f} {max(timings):7.1f} {len(queries):7d}"
            )
    print(f"slowest single page load: {worst:.1f} ms (target: none over 300 ms)")


if __name__ == "__main__":
    main()
