"""Speed-ups that must not change results: numpy MinHash, LSH parameters, cached corpus summaries."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from copydesk.cache import _decode, _encode, _summaries_to_json
from copydesk.checks.boilerplate import _text
from copydesk.checks.boilerplate._summary import summarise
from copydesk.results import FileResult
from copydesk.lint import Selection, corpus_summaries
from copydesk.parsing import parse


def _random_sets(n: int, seed: int = 3) -> list[set[str]]:
    rnd = random.Random(seed)
    vocab = ["a", "bé", "the", "dog", "naïve", "x" * 9, "über", "1999", "co-op"]
    return [{" ".join(rnd.choice(vocab) for _ in range(3)) for _ in range(rnd.randint(0, 25))} for _ in range(n)]


@pytest.mark.parametrize("num_perm", [16, 64, 128])
def test_signatures_equal_datasketch(num_perm: int) -> None:
    datasketch = pytest.importorskip("datasketch")
    sets = _random_sets(120)
    for shingles, sig in zip(sets, _text.signatures(sets, num_perm)):
        ref = datasketch.MinHash(num_perm=num_perm, seed=1)
        ref.update_batch([s.encode("utf-8") for s in shingles])
        assert sig.dtype == np.uint32
        assert np.array_equal(ref.hashvalues.astype(np.uint32), sig)


def test_signatures_batches_do_not_change_values(monkeypatch: pytest.MonkeyPatch) -> None:
    sets = _random_sets(60, seed=5)
    whole = _text.signatures(sets, 64)
    monkeypatch.setattr(_text, "_BATCH", 5)
    for a, b in zip(whole, _text.signatures(sets, 64)):
        assert np.array_equal(a, b)
    assert np.array_equal(_text.signature(sets[0], 64), whole[0])


def test_lsh_params_equal_datasketch() -> None:
    lsh = pytest.importorskip("datasketch.lsh")
    for num_perm in (16, 64, 128):
        for threshold in (0.1, 0.3, 0.5, 0.66, 0.8, 0.9):
            assert _text.lsh_params(threshold, num_perm) == tuple(lsh._optimal_param(threshold, num_perm, 0.5, 0.5))


TEXT = """# Title

Share this page. The committee met on Tuesday to discuss the new budget for the library.
The committee met on Tuesday to discuss the new budget for the library!

Craig Childress, Psy.D.
"""


def test_summary_codec_round_trip() -> None:
    doc = parse("site/a.md", TEXT)
    s = summarise(doc, details=("block", "sentence"))
    back = _decode(_encode(s))
    assert type(back) is type(s) and back.path == s.path and back.group == s.group
    for mine, theirs in zip(s.blocks + s.sentences, back.blocks + back.sentences):
        assert mine == theirs  # dataclass equality skips the signature...
        assert (mine.sig is None and theirs.sig is None) or np.array_equal(mine.sig, theirs.sig)
        assert mine.pos == theirs.pos and type(mine.pos) is tuple and mine.bands == theirs.bands


def test_summary_codec_skips_what_it_cannot_store() -> None:
    out = _summaries_to_json({"ok": (1, "a", 2.5), "set": {1, 2}, "nan": float("nan"), "keys": {1: 2}})
    assert list(out) == ["ok"]
    with pytest.raises(ValueError):
        _decode({"c": "os:PathLike", "f": {}})  # only copydesk's own dataclasses are rebuilt


def test_warm_run_uses_cached_summaries(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached result carries the corpus checks' summaries, and the corpus stage uses them."""
    from copydesk.cache import Cache
    from copydesk.config import load_config
    from copydesk.runner import lint_paths

    for i in range(2):
        (tmp_path / "docs" / "site").mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / "site" / f"{i}.md").write_text(TEXT, encoding="utf-8")
    config = load_config(None, cwd=str(tmp_path))
    sel = Selection(select=("boilerplate",))
    files = [str(tmp_path / "docs")]
    cold = lint_paths(files, config, sel, cache=Cache.for_run(config, sel, str(tmp_path / "cache")))
    assert all(r.summaries for r in cold)
    expected = {r.path: corpus_summaries(r.document, config, sel, {}) for r in cold}

    from copydesk.checks.boilerplate import copied_passage, corpus_repeat

    calls = []
    for module in (copied_passage, corpus_repeat):  # must not be needed: the summaries come from the cache
        monkeypatch.setattr(module, "_summarise", lambda *a, **k: calls.append(a))
    warm = lint_paths(files, config, sel, cache=Cache.for_run(config, sel, str(tmp_path / "cache")))
    assert not calls
    for r in warm:
        assert isinstance(r, FileResult) and set(r.summaries) == set(expected[r.path])
        for check_id, s in r.summaries.items():
            ref = expected[r.path][check_id]
            assert [(p.start, p.end, p.key, p.bands) for p in s.sentences] == \
                [(p.start, p.end, p.key, p.bands) for p in ref.sentences]
            assert all(np.array_equal(a.sig, b.sig) for a, b in zip(s.sentences, ref.sentences))


def test_harper_debug_output_kept_off_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    """harper-core prints debugging lines on fd 1; while it lints, fd 1 is stderr (JSON on stdout)."""
    pytest.importorskip("harper")
    import os

    from copydesk.checks.grammar._engine import _stdout_to_stderr

    with _stdout_to_stderr():
        with _stdout_to_stderr():  # nested (and concurrent) uses share one redirection
            os.write(1, b"gerund_form: -x-\n")
        os.write(1, b"still redirected\n")
    os.write(1, b"report\n")
    out, err = capfd.readouterr()
    assert out == "report\n" and "gerund_form" in err and "still redirected" in err


def test_json_encoder_matches_json_dumps() -> None:
    """The report's own indenting encoder writes exactly what ``json.dumps(indent=2)`` writes."""
    import json

    from hypothesis import given, settings, strategies as st

    from copydesk.formatters.json_format import _dumps

    leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=30)

    @settings(max_examples=300, deadline=None)
    @given(values, st.integers(0, 3))
    def same(value, level):
        expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)
        assert _dumps(value, level) == expected

    same()
    assert _dumps({1: "non-string key"}, 1) == json.dumps({1: "non-string key"}, ensure_ascii=False, indent=2) \
        .replace("\n", "\n  ")



def _shipped_pack() -> list[tuple[str, str]]:
    import yaml

    import copydesk

    path = Path(copydesk.__file__).parent / "rules" / "boilerplate.yaml"
    options = yaml.safe_load(path.read_text(encoding="utf-8"))["checks"]["boilerplate.web-chrome"]["options"]
    return [(e["kind"], e["regex"]) for e in options["patterns"]]


TRICKY = [("alternation", r"^foo|bar$"), ("backref", r"^(\w+) \1$"), ("global flag", r"(?s)^a.b"),
          ("named ref", r"^(?P<n>zz)(?P=n)"), ("named", r"^(?P<m>qq)"), ("group", r"^(r)r"),
          ("set", r"^[|]pipe"), ("set", r"^[]|]x"), ("verbose", r"^(?x) s p a c e # comment"),
          ("scoped", r"^(?-i:Share)"), ("anywhere", r"\bcookies\b")]
LINES = ["Share this page", "share this page", "Leave a Reply", "By Jane Smith, BBC News", "foo x", "x bar",
         "abc abc", "a\nb", "zzzz", "qq", "rr", "|pipe", "]x", "|x", "space", "s p a c e", "We use cookies",
         "5 April 2013 Last updated at 08:43 GMT", "Home", "Continue reading the main story", "  Email  ",
         "Editors check every claim before a story goes out.", "Watch 2:31", "Posted on May 3, 2012 by admin"]


@pytest.mark.parametrize("order", ["shipped", "shipped+tricky", "tricky+shipped", "tricky", "tricky+twice"])
def test_pattern_pack_finds_the_first_pattern_in_order(order: str) -> None:
    """The pack's combined search gives the kind of the first pattern that a line matches."""
    from copydesk.checks.boilerplate._layout import PatternPack

    entries = {"shipped": _shipped_pack(), "tricky": TRICKY, "twice": [("same name", r"^(?P<m>rr)")]}
    pack = PatternPack([e for part in order.split("+") for e in entries[part]])
    # the start-only patterns are searched together, unless a group name is used twice
    assert (pack._at_start is None) == ("twice" in order)

    def in_order(line: str) -> str | None:
        return next((kind for kind, rx in pack.patterns if rx.search(line.strip())), None)

    assert [pack.match(line) for line in LINES] == [in_order(line) for line in LINES]
    if "tricky" in order:
        assert pack.match("rr") == "group" and pack.match("abc abc") == "backref"


def test_start_only_patterns() -> None:
    """Only patterns that match at the start alone, and mean the same inside an alternation, are combined."""
    import regex

    from copydesk.checks.boilerplate._layout import PatternPack, _at_start_only

    base = regex.compile("", PatternPack.FLAGS).flags
    combined = {p for _, p in TRICKY if _at_start_only(regex.compile(p, PatternPack.FLAGS), base)}
    assert combined == {r"^(?P<m>qq)", r"^(r)r", r"^[|]pipe", r"^[]|]x", r"^(?-i:Share)"}


def test_band_keys_and_estimate_keep_their_values() -> None:
    """Band keys: blake2b of each band's bytes, personalised with the band's index; estimate: the
    share of equal values, as a float."""
    import hashlib

    rnd = np.random.RandomState(7)
    for num_perm, threshold in ((64, 0.5), (64, 0.8), (128, 0.3), (100, 0.66)):
        sig = rnd.randint(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32)
        bands, rows = _text.lsh_params(threshold, num_perm)
        ref = tuple(int.from_bytes(hashlib.blake2b(sig[b * rows:(b + 1) * rows].tobytes(), digest_size=8,
                                                   person=b.to_bytes(2, "big") + b"bp").digest(), "big")
                    for b in range(bands))
        assert _text.band_keys(sig, threshold) == ref
        other = np.where(rnd.rand(num_perm) < 0.4, sig, sig + np.uint32(1))
        assert _text.estimate(sig, other) == float(np.mean(sig == other))
        assert type(_text.estimate(sig, other)) is float


def test_checks_share_a_document_s_facts() -> None:
    """Summaries made from a document's shared facts equal those made from fresh ones, in any order."""
    from copydesk.checks.boilerplate import _facts

    doc = parse("site/a.md", TEXT * 3)
    assert _facts.facts(doc) is _facts.facts(doc)
    kinds = [dict(min_words=4, threshold=0.8), dict(min_words=10**9, details=("block",)),
             dict(min_words=8, details=("sentence",))]

    def made(order: list[dict]) -> list:
        fresh = parse("site/a.md", TEXT * 3)
        return [summarise(fresh, **kw) for kw in order]

    forward, backward = made(kinds), made(kinds[::-1])[::-1]
    for a, b in zip(forward, backward):
        assert a == b  # dataclass equality skips the signatures
        assert all(np.array_equal(x.sig, y.sig) for x, y in zip(a.sentences, b.sentences))


def test_quoted_phrase_is_found_where_its_words_are() -> None:
    from hypothesis import given, settings, strategies as st

    from copydesk.checks.boilerplate.repeated_in_document import _find

    def in_order(tokens: list[str], phrase: list[str]) -> int | None:
        n = len(phrase)
        return next((k for k in range(len(tokens) - n + 1) if tokens[k:k + n] == phrase), None)

    vocab = st.sampled_from(["a", "ab", "b", "ba", "the", "it's", "co-op"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(vocab, max_size=12), st.lists(vocab, min_size=1, max_size=3))
    def same(tokens: list[str], phrase: list[str]) -> None:
        assert _find(tokens, phrase) == in_order(tokens, phrase)

    same()
