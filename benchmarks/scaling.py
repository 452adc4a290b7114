"""Worker scaling, peak memory per worker, and Spark local mode against the CLI, on one corpus.

    python benchmarks/scaling.py [--corpus DIR_OR_FILE] [--limit N] [--workers 1,2] [--spark] [--json]

Every run is a real ``eventcoder code`` (or ``eventcoder spark``) process on the same JSONL file
written from the corpus (``throughput.py``'s default: the bundled example, MEANTIME, GUM news and
GeoVirus under $EVENTCODER_DATA). For each run it reports wall seconds, docs/s and words/s (in
total and per worker), the start-up cost (the same command on a one-document input: interpreter,
imports, pipeline load in every worker) and the rate net of it, and the peak RSS of every process
of the run (VmHWM from /proc, sampled while it runs; the high-water mark only grows, so the last
sample is the peak). Scaling is docs/s with N workers over docs/s with one, both net of start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import default_corpus, machine, read_corpus  # a sibling script


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc (Linux)."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += [p for p, pp in parent.items() if pp == pid]
    return out


def _status(pid: int) -> tuple[str, int] | None:
    """(command line, VmHWM in MB) of a live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return cmd, int(line.split()[1]) // 1024
    return None


def run_measured(argv: list[str]) -> dict[str, Any]:
    """Run ``argv``; wall seconds and the peak RSS (MB) of each process in its tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, tuple[str, int]] = {}
    while proc.poll() is None:
        for pid in _tree(proc.pid):
            if (st := _status(pid)) is not None:
                peaks[pid] = (("[root] " if pid == proc.pid else "") + st[0], st[1])
        time.sleep(0.2)
    wall = time.perf_counter() - start
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err[-2000:]}")
    return {"seconds": wall, "peaks_mb": sorted(peaks.values(), key=lambda x: -x[1]),
            "stderr_tail": err.strip().splitlines()[-1:] if err.strip() else []}


def _cli(inputs: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "eventcoder.cli.main", "code", str(inputs), "-o", str(out),
            "--workers", str(workers), "--quiet"]


def _spark(inputs: Path, out: Path, workers: int) -> list[str]:
    if out.exists():
        shutil.rmtree(out)
    return [sys.executable, "-m", "eventcoder.cli.main", "spark", str(inputs), str(out),
            "--master", f"local[{workers}]", "--partitions", str(workers), "--driver-memory", "1g"]


def measure(kind: str, corpus: Path, one: Path, tmp: Path, workers: int, docs: int,
            words: int) -> dict[str, Any]:
    build = _cli if kind == "cli" else _spark
    startup = run_measured(build(one, tmp / f"{kind}-one-{workers}", workers))["seconds"]
    run = run_measured(build(corpus, tmp / f"{kind}-{workers}", workers))
    seconds = run["seconds"]
    net = seconds - startup if seconds > startup else None  # None: start-up hides the work; use more docs

    def rate(n: int, per: int = 1) -> float | None:
        return None if net is None else round(n / net / per, 2)
    # the worker processes: the CLI's pool children, or Spark's Python workers (not the JVM)
    if kind == "cli":
        procs = [p for p in run["peaks_mb"] if (workers == 1) == p[0].startswith("[root]")]
    else:
        procs = [p for p in run["peaks_mb"] if "pyspark" in p[0] and "java" not in p[0]][:workers]
    return {
        "kind": kind,
        "workers": workers,
        "seconds": round(seconds, 2),
        "startup_seconds": round(startup, 2),
        "docs_per_s": round(docs / seconds, 2),
        "docs_per_s_net": rate(docs),
        "docs_per_s_per_worker_net": rate(docs, workers),
        "words_per_s_net": rate(words),
        "words_per_s_per_worker_net": rate(words, workers),
        "peak_rss_mb_per_worker": [m for _, m in procs],
        "peak_rss_mb_all": [{"process": c[:80], "mb": m} for c, m in run["peaks_mb"][:6]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, help="a file (txt, jsonl, xml, conllu) or a directory of them")
    parser.add_argument("--limit", type=int, default=0, help="use N evenly spaced texts (0: all)")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument("--spark", action="store_true", help="also run eventcoder spark --master local[N]")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    corpus = read_corpus(args.corpus) if args.corpus is not None else default_corpus()
    if 0 < args.limit < len(corpus):
        corpus = [corpus[i * len(corpus) // args.limit] for i in range(args.limit)]
    if not corpus:
        print("no texts found (pass --corpus, or set EVENTCODER_DATA)", file=sys.stderr)
        return 3
    counts = [int(w) for w in args.workers.split(",")]
    docs, words = len(corpus), sum(len(t.split()) for _, t in corpus)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="ec-scaling-") as tmpdir:
        tmp = Path(tmpdir)
        inputs, one = tmp / "corpus.jsonl", tmp / "one.jsonl"
        with open(inputs, "w", encoding="utf-8") as fh:
            for i, (_, text) in enumerate(corpus):
                fh.write(json.dumps({"id": f"bench-{i}", "text": text}) + "\n")
        one.write_text(json.dumps({"id": "one", "text": corpus[0][1]}) + "\n", encoding="utf-8")
        kinds = ["cli", "spark"] if args.spark else ["cli"]
        for kind in kinds:
            for w in counts:
                results.append(measure(kind, inputs, one, tmp, w, docs, words))
    base = {r["kind"]: r["docs_per_s_net"] for r in results if r["workers"] == 1}
    for r in results:
        one_worker = base.get(r["kind"])
        net = r["docs_per_s_net"]
        r["scaling_vs_1_worker"] = round(net / one_worker, 3) if one_worker and net else None
    cli = {r["workers"]: r["docs_per_s_net"] for r in results if r["kind"] == "cli"}
    for r in results:
        same = cli.get(r["workers"])
        if r["kind"] == "spark" and same and r["docs_per_s_net"]:
            r["vs_cli_same_workers"] = round(r["docs_per_s_net"] / same, 3)
    report = {"machine": machine(), "docs": docs, "words": words, "runs": results}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    m = report["machine"]
    print(f"eventcoder scaling benchmark, {m['date']}; {m['cpu']} ({m['cores']} cores), Python {m['python']}")
    print(f"corpus: {docs} texts, {words:,} words\n")
    print(f"{'run':<10}{'wkrs':>5}{'wall s':>8}{'start s':>8}{'docs/s':>8}{'net':>8}{'net/wkr':>9}"
          f"{'words/s/wkr':>12}{'scale':>7}{'peak RSS MB per worker':>24}")
    def cell(value: float | None, width: int, fmt: str = ".2f") -> str:
        return f"{'-':>{width}}" if value is None else f"{value:>{width}{fmt}}"

    for r in results:
        print(f"{r['kind']:<10}{r['workers']:>5}{r['seconds']:>8.1f}{r['startup_seconds']:>8.1f}"
              f"{r['docs_per_s']:>8.2f}{cell(r['docs_per_s_net'], 8)}"
              f"{cell(r['docs_per_s_per_worker_net'], 9)}"
              f"{cell(r['words_per_s_per_worker_net'], 12, ',.0f')}{cell(r['scaling_vs_1_worker'], 7)}"
              f"{', '.join(map(str, r['peak_rss_mb_per_worker'])):>24}")
    print("\nnet: wall time minus the start-up run (same command on one document); scale: net docs/s "
          "over the same runner's one-worker net docs/s; Spark against the CLI: vs_cli_same_workers "
          "in --json.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
