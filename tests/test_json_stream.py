"""The JSON formatter's piecewise encoding equals one ``json.dumps(report, indent=2)``."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from copydesk.formatters.json_format import JsonFormatter, iter_json

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                       max_leaves=20)


def _reference(report: object) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


@settings(max_examples=200, deadline=None)
@given(files=st.lists(st.dictionaries(st.text(max_size=8), _VALUES, max_size=5), max_size=4),
       extra=st.dictionaries(st.text(max_size=8), _VALUES, max_size=3))
def test_piecewise_json_is_byte_identical(files: list, extra: dict) -> None:
    report = {"version": 1, "files": files, **{k: v for k, v in extra.items() if k not in ("version", "files")}}
    assert "".join(iter_json(report)) == _reference(report)
    assert JsonFormatter().format(report, {}) == _reference(report)


def test_edge_shapes() -> None:
    for report in ({}, {"files": []}, {"files": [{}]}, {"files": [{"m": "a\nb", "x": [[], {}]}]}, []):
        assert "".join(iter_json(report)) == _reference(report)
