"""Seeded fuzzing of the commands that read untrusted text: ``geonews geoparse`` (and
``geonews.batch.geoparse_jsonl``) on JSONL with mutated records among good ones, and
``geonews places`` on mutated article files. No input may raise: every record gets its
own output line, and a good record's line is the one it gets alone."""

from __future__ import annotations

import json
import random
import re

from click.testing import CliRunner

from geonews.batch import geoparse_jsonl
from geonews.cli import main

SEED = 20261206

TEXTS = [
    "On 28 April 2023, Russian forces shelled near Antonivka, Kherson. Casualties unknown.",
    "Des frappes aériennes près de Kherson ont fait des victimes civiles.",
    "Russian troops attacked Bakhmut and Avdiivka; two civilians were killed in Donetsk.",
    "Вночі росіяни обстріляли Харків і Одесу, загинули двоє людей.",
    "Drones struck an oil depot in Belgorod Oblast on Tuesday, the governor said.",
]

#: a record's output on its own has "line 1: " where it had its line number
_LINE = re.compile(r"^line \d+: ")


def _good(rng: random.Random, i: int) -> dict:
    rec = {"id": f"g{i}" if rng.random() < 0.5 else i, "text": rng.choice(TEXTS)}
    if rng.random() < 0.3:
        rec["lang"] = rng.choice(["en", "fr", "uk"])
    if rng.random() < 0.3:
        rec["published"] = "2024-05-01"
    return rec


def _mutant(rng: random.Random, i: int) -> bytes:
    """One hostile JSONL line (never blank, never with a line break)."""
    rec = _good(rng, i)
    line = json.dumps(rec, ensure_ascii=rng.random() < 0.5)
    kind = rng.randrange(12)
    if kind == 0:  # characters replaced, inserted or deleted
        chars = list(line)
        for _ in range(rng.randint(1, 5)):
            pos = rng.randrange(len(chars))
            op = rng.randrange(3)
            ch = chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x3000)]))
            if op == 0:
                chars[pos] = ch
            elif op == 1:
                chars.insert(pos, ch)
            else:
                del chars[pos]
        line = "".join(chars)
    elif kind == 1:  # bytes flipped: often not UTF-8
        data = bytearray(line.encode("utf-8"))
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return _one_line(bytes(data), i)
    elif kind == 2:  # truncated
        line = line[: rng.randrange(1, len(line))]
    elif kind == 3:  # NULs and other controls, escaped and raw
        rec["text"] = _sprinkle(rng, rec["text"], ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
        line = json.dumps(rec)
        if rng.random() < 0.5:
            line = line.replace("\\u0000", "\x00")  # a raw NUL: invalid JSON
    elif kind == 4:  # a lone surrogate, in the text, the id or the title
        field = rng.choice(["text", "id", "title"])
        rec[field] = _sprinkle(rng, str(rec.get(field, "")), ["\ud800", "\udfff"])
        line = json.dumps(rec)
    elif kind == 5:  # deeply nested
        depth = rng.choice([50, 5_000, 100_000])
        line = "[" * depth + "]" * rng.choice([0, depth])
        if rng.random() < 0.5:
            line = '{"id": 1, "text": ' + "[" * depth + "]" * depth + "}"
    elif kind == 6:  # a huge integer
        digits = "9" * rng.choice([5_000, 10_000])
        line = rng.choice(
            [f'{{"id": {digits}, "text": "x"}}', digits, f'{{"id": 1, "x": {digits}}}']
        )
    elif kind == 7:  # wrong types
        field, value = rng.choice(
            [("text", 5), ("id", {}), ("id", []), ("id", True), ("id", 1.5), ("text", None),
             ("text", ["x"]), ("lang", 5), ("lang", {}), ("published", "x"), ("published", 5),
             ("title", {}), ("url", 7)]
        )  # fmt: skip
        rec[field] = value
        line = json.dumps(rec)
    elif kind == 8:  # not an object
        line = rng.choice(["5", '"x"', "null", "true", "[]", "[1, 2]", "NaN", "-Infinity"])
    elif kind == 9:  # a long text
        rec["text"] = " ".join(rng.choice(TEXTS) for _ in range(50))
        line = json.dumps(rec)
    elif kind == 10:  # odd characters in the text: marks, joiners, private use, RTL
        odd = ["\u0301", "\u200d", "\ufeff", "\ue000", "\u202e", "\U0001f4a5", "\u00a0", "\t"]
        rec["text"] = _sprinkle(rng, rec["text"], odd)
        line = json.dumps(rec, ensure_ascii=False)
    else:  # an empty text, or no text
        rec["text"] = rng.choice(["", " ", "."])
        line = json.dumps(rec)
    return _one_line(line.encode("utf-8", "surrogatepass"), i)


def _sprinkle(rng: random.Random, text: str, chars: list[str]) -> str:
    out = list(text)
    for _ in range(rng.randint(1, 6)):
        out.insert(rng.randrange(len(out) + 1), rng.choice(chars))
    return "".join(out)


def _one_line(data: bytes, i: int) -> bytes:
    data = data.replace(b"\n", b" ")
    return data if data.strip() else f"junk {i}".encode()


def _corpus(n_bad: int = 500, n_good: int = 150) -> tuple[list[bytes], set[int]]:
    """Lines (without their line break) and the indices of the good ones among them."""
    rng = random.Random(SEED)
    kinds = [True] * n_good + [False] * n_bad
    rng.shuffle(kinds)
    lines, good = [], set()
    for i, is_good in enumerate(kinds):
        if is_good:
            good.add(i)
            lines.append(json.dumps(_good(rng, i), ensure_ascii=False).encode())
        else:
            lines.append(_mutant(rng, i))
    return lines, good


def _alone(line: bytes) -> str:
    ((out, _),) = geoparse_jsonl([line])
    return out


def _check(outs: list[str], lines: list[bytes], good: set[int]) -> None:
    assert len(outs) == len(lines)
    for i, (out, line) in enumerate(zip(outs, lines, strict=True)):
        obj = json.loads(out)  # valid JSON, and UTF-8 since it was written as such
        if "error" in obj:
            assert i not in good, obj
            assert obj.keys() == {"id", "error"} and "\n" not in obj["error"]
            assert obj["error"].startswith(f"line {i + 1}: ")
            assert "Traceback" not in obj["error"]
        alone = _alone(line)
        if i in good or "error" not in obj:
            assert out == alone, i
        else:
            assert _LINE.sub("", obj["error"]) == _LINE.sub("", json.loads(alone)["error"])


def test_fuzzed_jsonl_through_the_library_and_the_cli(tmp_path):
    lines, good = _corpus()
    outs = [out for out, _ in geoparse_jsonl(lines)]
    _check(outs, lines, good)
    assert sum("error" in json.loads(o) for o in outs) >= 300  # the mutants mostly fail

    src = tmp_path / "fuzz.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    dst = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["geoparse", str(src), "-o", str(dst), "--no-progress"])
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    (summary,) = result.stderr.splitlines()
    assert summary.startswith(f"Geoparsed {len(lines)} records, ")
    cli_outs = dst.read_bytes().decode("utf-8").split("\n")
    assert cli_outs.pop() == ""
    assert cli_outs == outs

    stdout = CliRunner().invoke(main, ["geoparse", "-"], input=src.read_bytes())
    assert stdout.exception is None and stdout.exit_code == 0
    assert stdout.stdout.split("\n") == [*outs, ""]  # not splitlines: "\u2028" is no line break


def test_fuzzed_articles_through_places(tmp_path):
    rng = random.Random(SEED + 1)
    runner = CliRunner()
    controls = ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\u0301"]
    entities = ["&#0;", "&#xD800;", "&#1114112;", "&#99999999999;", "&amp", "<b>", "</p><p>"]
    for i in range(60):
        suffix = rng.choice(["txt", "md", "html"])
        text = " ".join(rng.choice(TEXTS) for _ in range(rng.randint(1, 4)))
        if suffix == "html" and rng.random() < 0.7:
            text = f"<title>{rng.choice(TEXTS)}</title><p>{_sprinkle(rng, text, entities)}</p>"
        data = _sprinkle(rng, text, controls).encode("utf-8")
        if i % 3 == 1:  # bytes flipped
            data = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data)
        elif i % 3 == 2:  # truncated, maybe inside a character
            data = data[: rng.randrange(1, len(data) + 1)]
        path = tmp_path / f"a{i}.{suffix}"
        path.write_bytes(data)
        for args in (["places", str(path)], ["places", "--json", str(path)]):
            result = runner.invoke(main, args)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                i,
                result.exception,
            )
            assert result.exit_code in (0, 1), (i, result.output)
            assert "Traceback" not in result.output
            if result.exit_code == 1:
                (error,) = result.stderr.splitlines()
                assert error.startswith("Error: ")
            elif "--json" in args:
                json.loads(result.stdout)
