"""The command line: output, exit codes, one-line errors, and nothing runs from an article."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from geonews.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_map_writes_the_map_and_says_what_it_found(runner, tmp_path):
    out = tmp_path / "maps" / "kursk.html"
    result = runner.invoke(main, ["map", str(EXAMPLES / "kursk-troops.en.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"Wrote {re.escape(str(out))}: \d+ events at 7 places from 1 article.\n", result.output
    )
    html = out.read_text(encoding="utf-8")
    for layer in (
        "Deployment",
        "Strike",
        "Ground fighting",
        "Fortification",
        "Reconstruction",
        "Demining",
        "Deployment flows",
    ):
        assert layer in html
    assert "GeoNames" in html and "Natural Earth" in html


def test_map_reads_several_files_and_stdin(runner, tmp_path):
    out = tmp_path / "two.html"
    fr = (EXAMPLES / "frontline-roundup.fr.txt").read_text(encoding="utf-8")
    result = runner.invoke(
        main, ["map", str(EXAMPLES / "kursk-troops.en.txt"), "-", "-o", str(out)], input=fr
    )
    assert result.exit_code == 0, result.output
    assert result.output.endswith("from 2 articles.\n")
    assert "Pokrovsk" in out.read_text(encoding="utf-8")


def test_places_json_gives_places_and_events_with_offsets(runner):
    text = "Des frappes aériennes près de Kherson ont fait des victimes civiles."
    result = runner.invoke(main, ["places", "--json", "-"], input=text)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["lang"] == "fr"
    (place,) = doc["places"]
    assert text[place["start"] : place["end"]] == "Kherson"
    assert (place["kind"], place["country"], place["admin1"]) == ("city", "UA", "UA.08")
    (event,) = doc["events"]
    assert (event["type"], event["casualties"], event["acled_event_type"]) == (
        "strike",
        "civilian",
        "Explosions/Remote violence",
    )


def test_places_lists_people_as_nothing(runner):
    result = runner.invoke(main, ["places", "-"], input="Kim Jong-un met Vladimir Putin.\n")
    assert result.exit_code == 0
    assert "place" not in result.output.replace("places", "")


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: None, "no such file"),
        (lambda d: (d / "a.txt").write_text("   \n\n"), "empty"),
        (lambda d: (d / "a.txt").write_bytes(b"%PDF-1.7\x00\x01\x02binary"), "binary"),
        (lambda d: (d / "a.txt").write_bytes(b"Frappes pr\xe8s de Kherson \xff\xfe"), "UTF-8"),
    ],
)
def test_bad_input_is_one_line_error_exit_1_and_no_map(runner, tmp_path, setup, message):
    setup(tmp_path)
    out = tmp_path / "map.html"
    result = runner.invoke(main, ["map", str(tmp_path / "a.txt"), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert result.output.count("\n") == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_what_the_system_refuses_is_one_line_error(runner, tmp_path, monkeypatch):
    # root reads everything, so the refusal is made where geoparse opens its input
    import geonews.cli.batch

    def refuse(path):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(geonews.cli.batch, "_open_input", refuse)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": 1, "text": "Strikes near Kherson."}\n')
    result = runner.invoke(main, ["geoparse", str(corpus), "--no-progress"])
    assert result.exit_code == 1
    assert result.output == f"Error: Permission denied: {corpus}\n"


def test_a_closed_pipe_ends_quietly(tmp_path):
    # click ends quietly when the reader goes away; the OSError line must not claim it
    import subprocess
    import sys

    towns = ("Kherson", "Sumy", "Odesa", "Kharkiv", "Izium", "Kupiansk")
    text = " ".join(f"Russian drones struck {towns[i % 6]} on day {i}." for i in range(3000))
    (tmp_path / "a.txt").write_text(text)
    reader = "import sys; sys.stdin.readline()"  # reads one line, then goes away
    cmd = f"{sys.executable} -m geonews.cli places a.txt | {sys.executable} -c '{reader}'"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and done.stderr == ""  # no "Error: Broken pipe" either


def test_unknown_language_is_a_clear_error(runner, tmp_path):
    (tmp_path / "a.txt").write_text("Shelling near Sumy.")
    result = runner.invoke(main, ["places", "--lang", "xx", str(tmp_path / "a.txt")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no lexicon for language 'xx'")


def test_usage_errors_exit_2(runner):
    assert runner.invoke(main, ["map"]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_every_command_has_help(runner):
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help, f"{name} has no help text"


PAYLOADS = [
    "<script>alert(1)</script>",
    "${alert(document.domain)}",
    "`alert(2)`",
    "</script><img src=x onerror=alert(3)>",
]


def test_article_text_title_and_url_cannot_run_script(runner, tmp_path):
    text = (
        "Des frappes aériennes près de Kherson ont fait des victimes civiles "
        + " ".join(PAYLOADS)
        + ".\nLe déploiement de troupes russes dans la région de Koursk se poursuit ${x} `y`."
    )
    src = tmp_path / "evil.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "evil.html"
    result = runner.invoke(
        main,
        [
            "map",
            str(src),
            "-o",
            str(out),
            "--title",
            "<script>alert('t')</script> ${t} `t`",
            "--url",
            "javascript:alert(4)",
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for raw in [*PAYLOADS, "alert('t')</script>", "${t}", "`t`", "${x}", "`y`", "javascript:alert"]:
        assert raw not in html, raw
    # the text is there, escaped (inside GeoJSON, as JSON-escaped entities)
    assert r"\u0026lt;script\u0026gt;alert(1)\u0026lt;/script\u0026gt;" in html


def test_the_front_line_example_draws_its_villages_as_points(runner, tmp_path):
    # the README's front-line map: every event at its village, none at an oblast
    result = runner.invoke(main, ["places", "--json", str(EXAMPLES / "frontline-villages.en.txt")])
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)["events"]
    assert {(e["place"], e["precision"]) for e in events} == {
        ("Zapadne", "town"), ("Robotyne", "town"), ("Klishchiivka", "town"),
        ("Novomykhailivka", "town"), ("Orikhovo-Vasylivka", "town"), ("Stepove", "town"),
        ("Ivanivka", "town"),
    }  # fmt: skip
