"""The batch geoparser: ``geonews.batch`` and ``geonews geoparse``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from geonews.batch import EVENT_FIELDS, PLACE_FIELDS, geoparse, geoparse_jsonl, geoparse_record
from geonews.cli import main

NOTE = "On 28 April 2023, Russian forces shelled near Antonivka, Kherson. Casualties unknown."
FR = "Des frappes aériennes près de Kherson ont fait des victimes civiles."

RECORDS = [
    {"id": "n1", "text": NOTE, "lang": "en"},
    "this is not json",
    {"id": 7, "text": FR, "lang": "fr-FR", "title": "Kherson", "published": "2024-05-01"},
    {"id": "bad-text", "text": None},
    {"id": "bad-lang", "text": "Hola", "lang": "xx"},
    {"text": "no id"},
]


def _lines(records):
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]


def test_schema_of_a_result():
    out = geoparse_record(RECORDS[0])
    # demonyms ("Russian") come apart from the places, with the same fields
    assert list(out) == ["id", "lang", "places", "events", "demonyms", "dateline"]
    assert out["dateline"] is None  # the note has no "KHARKIV (AP) —"
    assert out["id"] == "n1" and out["lang"] == "en"
    for d in out["demonyms"]:
        assert tuple(d) == PLACE_FIELDS and d["kind"] == "demonym"
    for p in out["places"]:
        assert tuple(p) == PLACE_FIELDS
        assert NOTE[p["start"] : p["end"]] == p["text"]
    antonivka = next(p for p in out["places"] if p["text"] == "Antonivka")
    assert antonivka["country"] == "UA" and antonivka["admin1"] == "UA.08"
    assert antonivka["kind"] == "city" and antonivka["admin1_name"] == "Kherson Oblast"
    # "Casualties unknown." reports no casualties: no event of its own
    (event,) = out["events"]
    assert event["place_from"] == "sentence"
    assert tuple(event) == EVENT_FIELDS
    assert event["acled_event_type"] == "Explosions/Remote violence"
    assert event["place"] == "Antonivka" and event["date_start"] == "2023-04-28"
    assert NOTE[event["start"] : event["end"]] == event["sentence"]


def test_output_builders_agree_with_to_dict_and_replace():
    """place_dict, event_dict and assign_regions build their results field by field, for
    speed: they must say what Mention.to_dict, Event.to_dict and dataclasses.replace say."""
    import dataclasses

    from geonews.batch import event_dict, place_dict
    from geonews.model import Article, Quantity
    from geonews.pipeline import _with_region, analyse

    a = analyse(Article(text=NOTE, lang="en", id="n1"), "en", join="gazetteer")
    assert a.mentions and a.events
    for m in a.mentions:
        d = m.to_dict()
        assert place_dict(m) == {k: d[k] for k in PLACE_FIELDS}
        assert _with_region(m, None) == dataclasses.replace(m, region=None)
        assert _with_region(m, m.region) == m
    counted = dataclasses.replace(a.events[0], quantities=(Quantity(3, "troops", "3 troops"),))
    for e in [*a.events, counted]:
        d = e.to_dict()
        assert event_dict(e) == {k: d[k] for k in EVENT_FIELDS}


def test_json_lines_are_the_records_dumped():
    """geoparse_jsonl writes each place from a memo of its place-only part: the lines must
    be what json.dumps says of geoparse_record's objects, errors included, and a place met
    again in another region must not reuse the first one's."""
    import dataclasses

    from geonews.batch import _place_json
    from geonews.model import Region
    from geonews.pipeline import analyse

    lines = _lines([*RECORDS, {"id": "n2", "text": NOTE + " " + FR, "lang": "en"}])
    got = [line for line, _ in geoparse_jsonl(lines)]
    want = [geoparse_record(x, line=n) for n, x in enumerate(lines, 1)]
    assert got == [json.dumps(d, ensure_ascii=False) for d in want]

    m = analyse(NOTE, "en", join="gazetteer").mentions[0]
    elsewhere = dataclasses.replace(
        m, region=Region("XX.01", "Elsewhere", "XX"), confidence=float("nan")
    )
    for x in (m, elsewhere, m):
        assert _place_json(x) == json.dumps(x.place_fields(), ensure_ascii=False)


def test_errors_keep_the_run_going_and_the_order():
    out = geoparse(_lines(RECORDS))
    assert [o.get("id") for o in out] == ["n1", None, 7, "bad-text", "bad-lang", None]
    assert "invalid JSON" in out[1]["error"] and out[1].keys() == {"id", "error"}
    assert out[2]["lang"] == "fr" and out[2]["events"][0]["casualties"] == "civilian"
    assert '"text" must be a string' in out[3]["error"]
    assert "no lexicon for language 'xx'" in out[4]["error"]
    assert 'no "id"' in out[5]["error"]


def test_dicts_bytes_and_blank_lines():
    recs = [RECORDS[0], b"", "  ", json.dumps(RECORDS[2]).encode()]
    assert [o["id"] for o in geoparse(recs)] == ["n1", 7]


def test_parallel_workers_give_the_same_lines():
    lines = _lines(RECORDS) * 3
    serial = list(geoparse_jsonl(lines, jobs=1, chunk=2))
    parallel = list(geoparse_jsonl(lines, jobs=2, chunk=2))
    assert serial == parallel
    assert [failed for _, failed in serial[:6]] == [False, True, False, True, True, True]


def test_cli_file_to_file(tmp_path):
    src = tmp_path / "corpus.jsonl"
    src.write_text("\n".join(_lines(RECORDS)) + "\n", encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["geoparse", str(src), "-o", str(dst), "--no-progress"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert len(out) == len(RECORDS)
    assert out[0]["events"][0]["place"] == "Antonivka"
    assert "Geoparsed 6 records, 4 with errors" in result.stderr


def test_cli_stdin_to_stdout():
    stdin = "\n".join(_lines(RECORDS[:1])) + "\n"
    result = CliRunner().invoke(main, ["geoparse", "-", "--lang", "en"], input=stdin)
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["id"] == "n1"


def test_cli_help_and_usage_errors(tmp_path):
    runner = CliRunner()
    assert "JSONL" in runner.invoke(main, ["geoparse", "--help"]).output
    assert runner.invoke(main, ["geoparse", str(tmp_path / "missing.jsonl")]).exit_code == 2
    src = tmp_path / "c.jsonl"
    src.write_text("{}\n")
    assert runner.invoke(main, ["geoparse", str(src), "--join", "nope"]).exit_code == 2


def test_dask_bag_over_jsonl_shards(tmp_path):
    db = pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("distributed")
    for i in range(3):
        (tmp_path / f"shard-{i}.jsonl").write_text(
            "\n".join(_lines(RECORDS[:3])) + "\n", encoding="utf-8"
        )
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        bag = db.read_text(str(tmp_path / "shard-*.jsonl")).map_partitions(geoparse)
        bag.map(json.dumps).to_textfiles(str(tmp_path / "out" / "*.jsonl"))
    out = [
        json.loads(line)
        for p in sorted((tmp_path / "out").glob("*.jsonl"))
        for line in p.read_text(encoding="utf-8").splitlines()
    ]
    assert [o["id"] for o in out] == ["n1", None, 7] * 3
    assert out[0]["places"][0]["text"] == "Antonivka"


def test_a_nul_or_a_control_character_in_a_text_is_a_space_to_the_geoparser():
    import geonews

    for text in ["Strikes near Kherson\x00 x", "Strikes near Kherson\x01\x7f x"]:
        (m,) = geonews.find_places(text, "en")
        assert m.text == "Kherson" and text[m.start : m.end] == "Kherson"
        assert [p.text for p in geonews.analyse(text, "en").mentions] == ["Kherson"]
    (m,) = geonews.find_places("Strikes near Kherson\ud800 x", "en")
    assert m.text == "Kherson"
    assert geonews.analyse("Odesa\ud800 Kherson").article.id  # hashed all the same


#: lines that once crashed `geonews geoparse` (and lost every good line): a NUL in a text
#: (a NUL ended a key of the gazetteer's trie), a lone surrogate (not UTF-8), JSON nested
#: deeper than Python recurses, an integer of more digits than Python converts
HOSTILE = [
    '{"id": 1, "text": "Strikes near Kherson\\u0000 x"}',
    '{"id": 2, "text": "Strikes near Kherson\\ud800 x"}',
    '{"id": "\\udfff", "text": "Kherson"}',
    '{"id": 4, "text": "Kherson", "title": "\\ud800"}',
    "[" * 100_000,
    '{"id": 6, "text": "x", "n": ' + "9" * 10_000 + "}",
    '{"id": ' + "9" * 10_000 + ', "text": "x"}',
]


def test_hostile_lines_are_errors_in_their_place():
    lines = [_lines(RECORDS[:1])[0], *HOSTILE, _lines(RECORDS[2:3])[0]]
    out = [json.loads(line) for line, _ in geoparse_jsonl(lines)]
    assert len(out) == len(lines)
    assert out[0]["id"] == "n1" and out[-1]["id"] == 7 and "error" not in out[-1]
    assert out[1]["id"] == 1 and [p["text"] for p in out[1]["places"]] == ["Kherson"]
    errors = out[2:-1]
    assert all(o.keys() == {"id", "error"} for o in errors)
    assert [o["id"] for o in errors] == [2, None, 4, None, None, None]
    assert "line 3: " in errors[0]["error"] and "lone surrogate" in errors[0]["error"]
    assert '"title"' in errors[2]["error"]
    assert "nested too deeply" in errors[3]["error"]
    assert all("number too long" in o["error"] for o in errors[4:])


def test_an_error_keeps_an_id_of_0_and_a_truncated_line_its_column():
    assert geoparse_record('{"id": 0, "text": 5}')["id"] == 0
    truncated = '{"id": 1, "text": "Kherson"'
    for line in [truncated, truncated + "\n", (truncated + "\r\n").encode()]:
        assert "delimiter at column 28" in geoparse_record(line)["error"]


def test_cli_keeps_every_good_line_around_hostile_ones(tmp_path):
    good = _lines([RECORDS[0], RECORDS[2]])
    src = tmp_path / "c.jsonl"
    src.write_text("\n".join([good[0], *HOSTILE, good[1]]) + "\n", encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["geoparse", str(src), "-o", str(dst), "--no-progress"])
    assert result.exit_code == 0 and result.exception is None, result.output
    out = dst.read_bytes().decode("utf-8").splitlines()  # valid UTF-8
    assert len(out) == len(HOSTILE) + 2
    assert out[0] == geoparse_jsonl(good[:1]).__next__()[0]
    assert json.loads(out[-1])["id"] == 7
    assert result.stderr == (
        f"Geoparsed 9 records, 6 with errors (lines 3, 4, 5, 6, 7, 8) into {dst}.\n"
    )
    # to standard output too
    result = CliRunner().invoke(main, ["geoparse", "-"], input=src.read_bytes())
    assert result.exit_code == 0 and len(result.stdout.split("\n")) == len(HOSTILE) + 3


def test_cli_exit_status_when_no_record_succeeds(tmp_path):
    runner = CliRunner()
    src = tmp_path / "bad.jsonl"
    src.write_text("\n".join(HOSTILE[1:] * 2) + "\n\n", encoding="utf-8")
    result = runner.invoke(main, ["geoparse", str(src)])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 12
    (summary,) = result.stderr.splitlines()  # one line, however many errors
    assert summary == (
        "Geoparsed 12 records, 12 with errors (lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ...)."
    )
    # no records: nothing failed
    src.write_text("\n \n", encoding="utf-8")
    result = runner.invoke(main, ["geoparse", str(src)])
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == "Geoparsed 0 records.\n"
    # one good record among them is a success
    src.write_text("\n".join([*HOSTILE[1:], _lines(RECORDS[:1])[0]]), encoding="utf-8")
    assert runner.invoke(main, ["geoparse", str(src)]).exit_code == 0


def _cli(*args: str, **kwargs):
    """``geonews`` with this tree's code, in a process of its own."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import geonews

    env = {**os.environ, "PYTHONPATH": str(Path(geonews.__file__).parents[1])}
    code = "from geonews.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        check=False,
        env=env,
        capture_output=True,
        timeout=60,
        **kwargs,
    )


CORPUS = "\n".join(_lines(RECORDS)) + "\n"


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs")
def test_cli_reads_a_fifo_as_a_stream(tmp_path):
    """A FIFO can be read once: counting its lines first left nothing to geoparse (and
    then waited for a writer that never came)."""
    import os
    import threading

    fifo = tmp_path / "corpus.fifo"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write(CORPUS)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    dst = tmp_path / "out.jsonl"
    result = _cli("geoparse", str(fifo), "-o", str(dst), "--progress")
    writer.join(5)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [o.get("id") for o in out] == ["n1", None, 7, "bad-text", "bad-lang", None]
    assert b"Traceback" not in result.stderr


@pytest.mark.skipif(not __import__("os").path.isdir("/dev/fd"), reason="no /dev/fd")
def test_cli_reads_a_pipe_as_a_stream(tmp_path):
    """`geonews geoparse <(cat corpus.jsonl)`: the shell passes /dev/fd/N, a pipe."""
    import os
    import threading

    read, write = os.pipe()

    def feed():
        with os.fdopen(write, "w", encoding="utf-8") as fh:
            fh.write(CORPUS)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        result = _cli("geoparse", f"/dev/fd/{read}", "--lang", "en", pass_fds=(read,))
    finally:
        os.close(read)
    feeder.join(5)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [o.get("id") for o in out] == ["n1", None, 7, "bad-text", "bad-lang", None]
    assert result.stderr.decode().startswith(
        "Geoparsed 6 records, 4 with errors (lines 2, 4, 5, 6)"
    )


def test_a_batch_collects_garbage_less_often_and_restores_the_thresholds():
    import gc
    import json

    from geonews.batch import geoparse_jsonl
    from geonews.pipeline import BATCH_GC_THRESHOLDS, batch_collections

    before = gc.get_threshold()
    with batch_collections():
        assert gc.get_threshold() == BATCH_GC_THRESHOLDS
    assert gc.get_threshold() == before
    line = json.dumps({"id": 1, "text": "Shelling hit Kharkiv overnight.", "lang": "en"})
    assert len(list(geoparse_jsonl([line]))) == 1
    assert gc.get_threshold() == before
