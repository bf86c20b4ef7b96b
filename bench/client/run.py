"""Client benchmark: the generated client against a bare httpx doing the same work.

A benchmark, not a test: it measures and prints, it never fails a build.

    .venv/bin/python bench/client/run.py                 # everything, 2,000 requests a side
    .venv/bin/python bench/client/run.py --requests 1000 --download-mib 256

Against one local fake Atlas (tests/servers/fake_atlas.py, in its own process so its threads
never share a GIL with the client being timed):

- per request: ``client.auditing.get_group_audit_log(...)`` (parameter checks, versioned
  Accept, bearer auth, parse into the pydantic model) against ``httpx.Client.get`` of the same
  URL with the same headers and ``response.json()``; the two interleaved in batches, median
  wall time of each over N requests, and their ratio (target <= 1.10);
- a 1 GiB gzip download (compresslevel 0, so the file is 1 GiB on the wire) through
  ``DownloadResponse.write_to_file``, against a bare ``httpx.stream`` written to a file: each
  in a fresh child process, whose peak RSS comes from ``resource.getrusage(RUSAGE_CHILDREN)``
  (target <= 64 MiB) and throughput from its own timing (target >= 0.9x the bare stream);
- pagination: every item of a paginated list (tests/client/specs/paginated.yaml, served by
  a second fake) through ``for item in client.clusters.list_group_clusters(...)`` (pydantic
  models, pages fetched lazily), against a bare httpx loop over ``pageNum`` iterating
  ``response.json()["results"]``, and the same loop parsing each page into the same models
  as a response is parsed (lenient: ``RESPONSE_CONTEXT``), which is what paging itself
  costs; interleaved, median wall time of each, items per second and the ratios (target
  >= 0.95x). The items have an enum and a pattern-checked field, as Atlas's have. Timed on
  loopback, then from a fake whose every response waits ``--list-latency-ms`` (as a page from
  a distant server does), with the page latency from which the loopback figures give 0.95x;
- ``python -c 'import atlas_admin'`` (and ``from atlas_admin import Client``): median wall
  time of fresh interpreters.

The generated package goes to bench/results/client/ (ignored by git).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WORK = ROOT / "bench" / "results" / "client"
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from servers.fake_atlas import DEFAULT_STATIC_TOKEN, EXAMPLE_GROUP_ID, serve_in_subprocess

from atlasgen import output
from atlasgen.config import load_settings
from atlasgen.pipeline import generate_files

MIB = 1 << 20
GIB_TENANT = "gib"
START, END = 1636466948, 1636481348


PAGED_SPEC = ROOT / "tests" / "client" / "specs" / "paginated.yaml"
PER_PAGE = 500


def generate(spec: Path | None = None, package: str = "atlas_admin") -> Path:
    settings = dataclasses.replace(
        load_settings(ROOT), out=WORK / package, targets=("python",), python_package=package
    )
    if spec is not None:
        settings = dataclasses.replace(settings, spec=spec)
    output.write_tree(settings.out, generate_files(settings).files)
    return settings.out / "python"


def pagination(package: Path, url: str, items: int, rounds: int) -> dict[str, float]:
    """Median seconds to list every item, generated pages and a bare httpx page loop."""
    code = textwrap.dedent(f"""
        import json, statistics, time
        import httpx
        from atlas_paged import BearerTokenAuth, Client
        from atlas_paged._models import RESPONSE_CONTEXT
        from atlas_paged.models import PaginatedClusterView

        url, token, group, items, rounds = {url!r}, {DEFAULT_STATIC_TOKEN!r}, {EXAMPLE_GROUP_ID!r}, {items}, {rounds}
        per_page = {PER_PAGE}
        client = Client(base_url=url, auth=BearerTokenAuth(token))
        bare = httpx.Client()
        headers = {{"Accept": "application/vnd.atlas.2024-08-05+json", "Authorization": "Bearer " + token}}
        target = url + "/api/atlas/v2/groups/" + group + "/clusters"

        def generated():
            pages = client.clusters.list_group_clusters(group_id=group, items_per_page=per_page)
            return sum(1 for _ in pages)

        def loop(parse):
            seen, page, total = 0, 1, None
            while True:
                params = {{"pageNum": page, "itemsPerPage": per_page}}
                if total is not None:
                    params["includeCount"] = "false"
                response = bare.get(target, headers=headers, params=params)
                response.raise_for_status()
                results, total = parse(response, total)
                for _ in results:  # every item reaches the caller, as the pages' do
                    seen += 1
                if len(results) < per_page or seen >= total:
                    return seen
                page += 1

        def as_json(response, total):
            body = response.json()
            return body["results"], body.get("totalCount", total)

        def as_models(response, total):
            body = PaginatedClusterView.model_validate_json(response.content, context=RESPONSE_CONTEXT)
            return body.results, body.total_count or total

        def plain():
            return loop(as_json)

        def typed():
            return loop(as_models)

        assert generated() == plain() == typed() == items  # warm up, and the same work
        timings = {{"generated": [], "bare": [], "typed": []}}
        for _ in range(rounds):
            for name, call in (("generated", generated), ("bare", plain), ("typed", typed)):
                t = time.perf_counter(); call(); timings[name].append(time.perf_counter() - t)
        print(json.dumps({{k: statistics.median(v) for k, v in timings.items()}}))
        """)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=package, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def listing_rows(
    listing: dict[str, float], items: int, where: str
) -> list[tuple[str, str, str, str]]:
    """The table rows of one pagination run: items per second against both bare loops."""
    generated = items / listing["generated"]
    rows = []
    for baseline, what in (("bare", "`response.json()`"), ("typed", "the same models")):
        bare = items / listing[baseline]
        measure = f"list of {items} items ({PER_PAGE} a page), {where}, items/s; bare loop with"
        rows.append(
            (
                f"{measure} {what}",
                f"{generated:,.0f}",
                f"{bare:,.0f}",
                f"{generated / bare:.2f}x (target >= 0.95x)",
            )
        )
    return rows


def per_request(package: Path, url: str, requests: int, batch: int = 50) -> dict[str, float]:
    """Median seconds per request, generated client and bare httpx, interleaved in batches."""
    code = textwrap.dedent(f"""
        import json, statistics, sys, time
        import httpx
        from atlas_admin import BearerTokenAuth, Client

        url, token, group, n, batch = {url!r}, {DEFAULT_STATIC_TOKEN!r}, {EXAMPLE_GROUP_ID!r}, {requests}, {batch}
        client = Client(base_url=url, auth=BearerTokenAuth(token))
        bare = httpx.Client()
        headers = {{"Accept": "application/vnd.atlas.2024-05-30+json", "Authorization": "Bearer " + token}}
        target = url + "/api/atlas/v2/groups/" + group + "/auditLog"

        def generated():
            return client.auditing.get_group_audit_log(group_id=group)

        def plain():
            response = bare.get(target, headers=headers)
            response.raise_for_status()
            return response.json()

        for _ in range(100):  # warm up: connections, pydantic schemas, caches
            generated(); plain()
        timings = {{"generated": [], "bare": []}}
        clock = time.perf_counter
        while len(timings["generated"]) < n:
            for name, call in (("generated", generated), ("bare", plain)):
                for _ in range(batch):
                    t = clock(); call(); timings[name].append(clock() - t)
        print(json.dumps({{k: statistics.median(v) for k, v in timings.items()}}))
        """)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=package, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


DOWNLOAD_CODE = {
    "generated": """
        from atlas_admin import BearerTokenAuth, Client
        with Client(base_url=url, auth=BearerTokenAuth(token), timeout=300) as client:
            t = time.perf_counter()
            client.streams.download_audit_logs(
                group_id=group, tenant_name=tenant, start_date=start, end_date=end
            ).write_to_file(path)
            elapsed = time.perf_counter() - t
    """,
    "bare": """
        import httpx
        headers = {"Accept": "application/vnd.atlas.2025-02-19+gzip", "Authorization": "Bearer " + token}
        target = f"{url}/api/atlas/v2/groups/{group}/streams/{tenant}/auditLogs"
        with httpx.Client(timeout=300) as client:
            t = time.perf_counter()
            with client.stream("GET", target, headers=headers, params={"startDate": start, "endDate": end}) as r:
                r.raise_for_status()
                with open(path, "wb") as file:
                    for chunk in r.iter_bytes(1 << 16):
                        file.write(chunk)
            elapsed = time.perf_counter() - t
    """,
}


def download(package: Path, url: str, kind: str, path: Path) -> dict[str, float]:
    """One download in a fresh child: seconds, bytes, and that child's peak RSS.

    The child runs under a small parent that waits for it and reads
    ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the peak of that one child, nothing else.
    """
    code = (
        "import json, os, time\n"
        + (
            f"url, token, group, tenant = {url!r}, {DEFAULT_STATIC_TOKEN!r}, {EXAMPLE_GROUP_ID!r}, {GIB_TENANT!r}\n"
            f"start, end, path = {START}, {END}, {str(path)!r}\n"
        )
        + textwrap.dedent(DOWNLOAD_CODE[kind])
        + ("print(json.dumps({'seconds': elapsed, 'bytes': os.path.getsize(path)}))\n")
    )
    parent = (
        "import json, resource, subprocess, sys\n"
        "out = subprocess.run([sys.executable, '-c', sys.argv[1]], capture_output=True, text=True, check=True).stdout\n"
        "measured = json.loads(out)\n"
        "measured['rss_mib'] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps(measured))\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", parent, code],
        cwd=package,
        capture_output=True,
        text=True,
        check=True,
    )
    path.unlink()
    measured: dict[str, float] = json.loads(process.stdout)
    return measured


def import_time(package: Path, statement: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], cwd=package, check=True)
        times.append(time.perf_counter() - started)
    baseline = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], cwd=package, check=True)
        baseline.append(time.perf_counter() - started)
    return statistics.median(times) - statistics.median(baseline)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per side (>= 1000)")
    parser.add_argument("--download-mib", type=int, default=1024, help="download size in MiB")
    parser.add_argument("--import-runs", type=int, default=15)
    parser.add_argument("--list-items", type=int, default=20_000, help="items of the listing")
    parser.add_argument("--list-rounds", type=int, default=15, help="listings per side")
    parser.add_argument(
        "--list-latency-ms",
        type=float,
        default=50.0,
        help="a second listing whose every page waits this long (0: none)",
    )
    parser.add_argument(
        "--latency-rounds", type=int, default=3, help="listings per side, with latency"
    )
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    package = generate()
    paged = generate(PAGED_SPEC, "atlas_paged")
    size = args.download_mib * MIB
    rows: list[tuple[str, str, str, str]] = []
    with serve_in_subprocess(
        "--tenant-size", f"{GIB_TENANT}={size}", "--compresslevel", "0"
    ) as url:
        timing = per_request(package, url, args.requests)
        ratio = timing["generated"] / timing["bare"]
        rows.append(
            (
                f"per request, median of {args.requests} (getGroupAuditLog)",
                f"{timing['generated'] * 1e6:.0f} µs",
                f"{timing['bare'] * 1e6:.0f} µs",
                f"{ratio:.2f}x (target <= 1.10x)",
            )
        )
        target = WORK / "download.gz"
        bare = download(package, url, "bare", target)
        generated = download(package, url, "generated", target)
    pages = -(-args.list_items // PER_PAGE)
    with serve_in_subprocess("--spec", str(PAGED_SPEC), "--list-size", str(args.list_items)) as url:
        listing = pagination(paged, url, args.list_items, args.list_rounds)
    rows += listing_rows(listing, args.list_items, "on loopback")
    # On loopback a page arrives in about a millisecond and the items' parsing is most of the
    # time; a page from Atlas takes longer, and that wait is the same for both loops, so:
    # (bare + L) / (generated + L) >= 0.95 from L = 20 * (generated - 0.95 * bare) a page.
    break_even = 20 * (listing["generated"] - 0.95 * listing["bare"]) / pages
    rows.append(
        (
            "page latency from which the ratio to `response.json()` is >= 0.95x",
            f"{break_even * 1e3:.0f} ms",
            "",
            "(from the loopback run)",
        )
    )
    if args.list_latency_ms:
        with serve_in_subprocess(
            "--spec",
            str(PAGED_SPEC),
            "--list-size",
            str(args.list_items),
            "--latency-ms",
            str(args.list_latency_ms),
        ) as url:
            slow = pagination(paged, url, args.list_items, args.latency_rounds)
        rows += listing_rows(slow, args.list_items, f"{args.list_latency_ms:g} ms a page")
    bare_rate = bare["bytes"] / MIB / bare["seconds"]
    generated_rate = generated["bytes"] / MIB / generated["seconds"]
    rows.append(
        (
            f"{generated['bytes'] / MIB:.0f} MiB gzip download to file, throughput",
            f"{generated_rate:.0f} MiB/s",
            f"{bare_rate:.0f} MiB/s",
            f"{generated_rate / bare_rate:.2f}x (target >= 0.9x)",
        )
    )
    rows.append(
        (
            "same download, peak RSS of the process",
            f"{generated['rss_mib']:.0f} MiB",
            f"{bare['rss_mib']:.0f} MiB",
            "target <= 64 MiB",
        )
    )
    plain = import_time(package, "import atlas_admin", args.import_runs)
    client = import_time(package, "from atlas_admin import Client", args.import_runs)
    rows.append(
        (
            "`python -c 'import atlas_admin'` (minus bare interpreter start)",
            f"{plain * 1e3:.0f} ms",
            "",
            "",
        )
    )
    rows.append(
        (
            "`from atlas_admin import Client` (loads httpx, pydantic)",
            f"{client * 1e3:.0f} ms",
            "",
            "",
        )
    )
    print(
        f"Client benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
    )
    print("| measure | generated client | bare httpx | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
