"""Resumable batches: a batch SIGKILLed at random points and resumed yields every record exactly once,
identical to an uninterrupted run; failed documents are kept with their codes and can be retried alone."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from conftest import odd_input_tree
from eventcoder.cli.main import main
from eventcoder.errors import ExitCode
from eventcoder.resume import FAILED, JOURNAL

PLACES = ["Lagos", "Nairobi", "Kabul", "Baku", "Lima", "Quito", "Dhaka", "Manila", "Gao", "Tovuz"]
TEMPLATES = [
    "Police arrested {n} protesters in {p} on Monday, officials said.",
    "Troops clashed with rebels near {p} on Tuesday, killing {n} people, the army said.",
    "The foreign minister of Kenya met his French counterpart in {p} on Friday.",
    "Protesters marched through {p} demanding higher wages; {n} were injured, police said.",
    "Rebels attacked a convoy outside {p}, and {n} soldiers were wounded.",
]


def write_corpus(root: Path, n: int = 500, seed: int = 11) -> list[str]:
    """``n`` short documents of our own: a JSONL file (with and without ids) and a directory of .txt."""
    rng = random.Random(seed)
    texts = [rng.choice(TEMPLATES).format(n=rng.randint(2, 90), p=rng.choice(PLACES)) + f" Bulletin {i}."
             for i in range(n)]
    n_txt = n // 5
    txt = root / "txt"
    txt.mkdir(parents=True)
    for i, text in enumerate(texts[:n_txt]):
        (txt / f"{i:04d}.txt").write_text(text + "\n", encoding="utf-8")
    with open(root / "docs.jsonl", "w", encoding="utf-8") as fh:
        for i, text in enumerate(texts[n_txt:], n_txt):
            rec = {"text": text, "published": f"2024-05-{1 + i % 28:02d}"}
            if i % 2:
                rec["id"] = f"wire-{i}"  # the others get a content hash id
            fh.write(json.dumps(rec) + "\n")
    return [str(root / "docs.jsonl"), str(txt)]


def _cmd(inputs: list[str], out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "eventcoder.cli.main", "code", *inputs, "--output-dir", str(out),
            "--part-size", "20", "--quiet", *extra]


def parts(out: Path) -> list[dict]:
    recs = []
    for part in sorted(out.glob("part-*.jsonl")):
        recs += [json.loads(line) for line in part.read_text(encoding="utf-8").splitlines()]
    return recs


def _journal_docs(out: Path) -> int:
    try:
        lines = (out / JOURNAL).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return 0
    done = 0
    for line in lines:
        with contextlib.suppress(ValueError, KeyError):  # a line being written right now
            done += len(json.loads(line)["ok"])
    return done


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_resume_batch_killed_at_random_points_yields_every_record_once(tmp_path: Path) -> None:
    inputs = write_corpus(tmp_path / "in")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    ref = tmp_path / "ref"
    subprocess.run(_cmd(inputs, ref, "--workers", "1"), check=True, env=env, timeout=600)
    expected = sorted(parts(ref), key=lambda r: r["id"])
    assert len(expected) == 500 and len({r["id"] for r in expected}) == 500

    out = tmp_path / "out"
    rng = random.Random(20261126)
    kills = 0
    for attempt in range(3):
        workers = "2" if attempt == 1 else "1"
        proc = subprocess.Popen(_cmd(inputs, out, "--resume", "--workers", workers), env=env,
                                start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        target = _journal_docs(out) + rng.randint(1, 120)
        deadline = time.monotonic() + 300
        while proc.poll() is None and _journal_docs(out) < target and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))  # land anywhere: mid-part, mid-rename, mid-append
        if proc.poll() is None:
            children = _children(proc.pid)
            if workers == "2":  # only the parent dies, as under the OOM killer: its workers must follow
                os.kill(proc.pid, signal.SIGKILL)
            else:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            if workers == "2":
                stop = time.monotonic() + 30
                while any(_alive(c) for c in children) and time.monotonic() < stop:
                    time.sleep(0.1)
                assert not any(_alive(c) for c in children), "workers outlived their killed parent"
                for c in children:  # reap nothing: they were reparented; just make sure they are gone
                    assert not _alive(c)
    assert kills >= 2  # the batch was really interrupted midway
    done = subprocess.run(_cmd(inputs, out, "--resume"), env=env, timeout=600, capture_output=True, text=True)
    assert done.returncode == ExitCode.OK, done.stderr

    got = parts(out)
    assert len(got) == 500
    assert len({r["id"] for r in got}) == 500  # no duplicates across parts
    assert sorted(got, key=lambda r: r["id"]) == expected  # identical content to the uninterrupted run
    assert (out / FAILED).read_text(encoding="utf-8") == ""
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]

    again = subprocess.run(_cmd(inputs, out, "--resume"), env=env, timeout=600)
    assert again.returncode == ExitCode.OK and len(parts(out)) == 500  # nothing left to code


def test_resume_repairs_a_torn_journal_line_and_orphan_parts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = write_corpus(tmp_path / "in", n=30)
    out = tmp_path / "out"
    argv = ["code", *inputs, "--output-dir", str(out), "--part-size", "10", "--workers", "1", "--quiet"]
    assert main(argv) == ExitCode.OK
    assert len(parts(out)) == 30
    journal = (out / JOURNAL).read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(journal) == 3
    # as if killed after the last part's rename, midway through its journal line, with a part being written
    (out / JOURNAL).write_text("".join(journal[:-1]) + journal[-1][:25], encoding="utf-8")
    (out / ".tmp-part-00009.jsonl").write_text("{half", encoding="utf-8")
    capsys.readouterr()
    assert main([a for a in argv if a != "--quiet"] + ["--resume"]) == ExitCode.OK
    assert "documents in: 10, ok: 10" in capsys.readouterr().err  # the orphan part's documents, again
    got = parts(out)
    assert len(got) == 30 and len({r["id"] for r in got}) == 30
    assert len(list(out.glob("part-*.jsonl"))) == 3
    assert len([json.loads(line) for line in (out / JOURNAL).read_text(encoding="utf-8").splitlines()]) == 3
    assert not (out / ".tmp-part-00009.jsonl").exists()


def test_resume_failed_documents_are_recorded_and_retried_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    good = [json.dumps({"id": f"g{i}", "text": f"Police arrested {i + 2} protesters in Lagos on Monday."})
            for i in range(4)]
    src.write_text("\n".join([good[0], good[1], "{not json", good[2], good[3]]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["code", str(src), "--output-dir", str(out), "--workers", "1"]) == ExitCode.OK
    failed = [json.loads(line) for line in (out / FAILED).read_text(encoding="utf-8").splitlines()]
    assert [(f["id"], f["error"]["code"]) for f in failed] == [(f"{src}#L3", "EC004")]
    assert len(parts(out)) == 4

    assert main(["code", str(src), "--output-dir", str(out), "--resume"]) == ExitCode.OK
    assert "failed before (use --retry-failed): 1" in capsys.readouterr().err  # not silently dropped

    fixed = json.dumps({"id": "g9", "text": "Troops clashed with rebels near Gao on Tuesday."})
    src.write_text("\n".join([good[0], good[1], fixed, good[2], good[3]]) + "\n", encoding="utf-8")
    assert main(["code", str(src), "--output-dir", str(out), "--retry-failed"]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "documents in: 1, ok: 1" in err and "already coded: 4" in err  # only the failed one
    assert (out / FAILED).read_text(encoding="utf-8") == ""
    ids = [r["id"] for r in parts(out)]
    assert sorted(ids) == ["g0", "g1", "g2", "g3", "g9"]


def test_resume_refuses_other_settings_and_foreign_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Police arrested 12 protesters in Lagos on Monday.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["code", str(src), "--output-dir", str(out), "--quiet"]) == ExitCode.OK
    assert main(["code", str(src), "--output-dir", str(out)]) == ExitCode.BAD_ARGUMENTS
    assert "[EC051]" in capsys.readouterr().err
    assert main(["code", str(src), "--output-dir", str(out), "--resume",
                 "--published", "2024-01-01"]) == ExitCode.BAD_ARGUMENTS
    err = capsys.readouterr().err
    assert "[EC052]" in err and "published: None then, '2024-01-01' now" in err
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["code", str(src), "--output-dir", str(foreign), "--resume"]) == ExitCode.BAD_ARGUMENTS
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert main(["code", str(src), "--resume"]) == ExitCode.BAD_ARGUMENTS  # needs --output-dir


def test_resume_rewrites_a_failed_view_left_stale_by_a_kill(tmp_path: Path) -> None:
    # killed after the journal line naming a failure was fsynced, before failed.jsonl was rewritten
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "g0", "text": "Police arrested 3 protesters in Lagos on Monday."})
                   + "\n{not json\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["code", str(src), "--output-dir", str(out), "--workers", "1", "--quiet"]) == ExitCode.OK
    (out / FAILED).write_text("", encoding="utf-8")  # the view as of the flush before
    assert main(["code", str(src), "--output-dir", str(out), "--resume", "--quiet"]) == ExitCode.OK
    failed = [json.loads(line) for line in (out / FAILED).read_text(encoding="utf-8").splitlines()]
    assert [(f["id"], f["error"]["code"]) for f in failed] == [(f"{src}#L2", "EC004")]


def test_resume_never_deletes_files_of_a_directory_that_is_not_a_batch(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Police arrested 12 protesters in Lagos on Monday.\n", encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / ".tmp-notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["code", str(src), "--output-dir", str(mine), "--quiet"]) == ExitCode.BAD_ARGUMENTS
    assert (mine / ".tmp-notes.txt").read_text(encoding="utf-8") == "keep me"


def test_resume_batch_accounts_for_every_directory_entry_it_does_not_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = odd_input_tree(tmp_path)
    out = tmp_path / "out"
    assert main(["code", str(src), "--output-dir", str(out), "--workers", "1"]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "documents in: 2, ok: 1, failed: 1 (EC008: 1)" in err  # the broken link is a coded failure
    assert "skipped: 2 (hidden entry: 1, symlinked directory (not followed): 1)" in err
    failed = [json.loads(line) for line in (out / FAILED).read_text(encoding="utf-8").splitlines()]
    assert [f["source"] for f in failed] == [str(src / "gone.txt")]


def test_resume_refuses_a_batch_another_process_is_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = write_corpus(tmp_path / "in", n=20)
    out = tmp_path / "out"
    argv = ["code", *inputs, "--output-dir", str(out), "--part-size", "10", "--workers", "1", "--quiet"]
    assert main(argv) == ExitCode.OK
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    hold = ("import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.lockf(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(120)")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(out / "batch.lock")],  # another process
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        # a part the other process has renamed but not yet journaled
        (out / "part-00002.jsonl").write_text('{"id": "being written"}\n', encoding="utf-8")
        capsys.readouterr()
        assert main([a for a in argv if a != "--quiet"] + ["--resume"]) == ExitCode.BAD_ARGUMENTS
        assert "[EC052]" in capsys.readouterr().err
        assert (out / "part-00002.jsonl").exists()  # the other process's part was left alone
    finally:
        holder.kill()
        holder.wait()
    (out / "part-00002.jsonl").unlink()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert main([*argv, "--resume"]) == ExitCode.OK  # the lock ends with its holder


def test_resume_failed_view_grows_by_appends_not_a_rewrite_per_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a multi-day batch with many failures must not rewrite all of them at every part
    from eventcoder import resume

    src = tmp_path / "in.jsonl"
    lines = []
    for i in range(12):
        lines.append(json.dumps({"id": f"g{i}", "text": f"Police arrested {i + 2} protesters in Lagos."}))
        lines.append(json.dumps({"id": f"e{i}", "text": " "}))  # EC001: empty
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rewrites: list[str] = []
    real = resume._atomic_write

    def counting(path: Path, content: Iterable[str]) -> None:
        rewrites.append(path.name)
        real(path, content)

    monkeypatch.setattr(resume, "_atomic_write", counting)
    out = tmp_path / "out"
    argv = ["code", str(src), "--output-dir", str(out), "--part-size", "2", "--workers", "1", "--quiet"]
    assert main(argv) == ExitCode.OK
    assert rewrites.count(FAILED) <= 1 and rewrites.count("batch.json") == 1
    failed = [json.loads(line) for line in (out / FAILED).read_text(encoding="utf-8").splitlines()]
    assert [(f["id"], f["error"]["code"]) for f in failed] == [(f"e{i}", "EC001") for i in range(12)]
    # a retry that settles some failures rewrites the view whole, with only what still fails
    src.write_text("\n".join([*lines[:-1], json.dumps({"id": "e11", "text": "Rebels attacked Gao."})]) + "\n",
                   encoding="utf-8")
    assert main([*argv[:-1], "--retry-failed", "--quiet"]) == ExitCode.OK
    failed = [json.loads(line) for line in (out / FAILED).read_text(encoding="utf-8").splitlines()]
    assert [f["id"] for f in failed] == [f"e{i}" for i in range(11)]
    assert len(parts(out)) == 13


def test_resume_counts_an_input_changed_since_it_was_coded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = write_corpus(tmp_path / "in", n=20)
    out = tmp_path / "out"
    assert main(["code", *inputs, "--output-dir", str(out), "--workers", "1", "--quiet"]) == ExitCode.OK
    before = parts(out)
    changed = tmp_path / "in" / "txt" / "0001.txt"  # a .txt input: its id is a hash of its text
    changed.write_text("Soldiers clashed with rebels near Gao on Sunday.\n", encoding="utf-8")
    assert main(["code", *inputs, "--output-dir", str(out), "--resume", "--workers", "1"]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "changed since it was coded (start a new batch to code it again): 1" in err
    assert "already coded: 19" in err
    assert parts(out) == before  # no second record for that source
