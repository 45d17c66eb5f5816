"""discover() walks folders in the order sorting their full paths gives, and holds the list compactly."""

from __future__ import annotations

import os

from copydesk.inputs import Files, InputFile, discover

NAMES = ["a.md", "a-b.md", "a/x.md", "a/y.txt", "ab/q.md", "a b/c.md", ".hidden/h.md", "node_modules/n.md",
         "z/\u00e9/u.md", "z/E.md", "Z.md", "b.html", "c.py", "a.b/d.md"]


def _tree(root):
    for name in NAMES:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Hello.\n", encoding="utf-8")
    os.symlink(root / "a", root / "z" / "link")  # a symlinked folder: not followed


def test_walk_order_is_sorted_paths_and_overlaps_are_merged(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    expected = sorted(n for n in NAMES if not n.startswith((".hidden", "node_modules")) and not n.endswith(".py"))
    files, missing = discover(["."])
    assert isinstance(files, Files) and [f.path for f in files] == expected and not missing
    assert files[0] == InputFile("Z.md", "./Z.md") and files[-1].path == expected[-1]
    both, missing = discover(["z", "./a", ".", "gone"], exclude=["*/u.md"])  # overlapping folders, a missing one
    assert [f.path for f in both] == [n for n in expected if not n.endswith("u.md")]
    assert both[[f.path for f in both].index("a/x.md")].fs_path == "./a/x.md"  # the first folder given wins
    assert missing == [("gone", "gone: no such file or directory; check the path")]


def test_files_pack_a_stream_across_chunks(monkeypatch):
    """Files consumes its entries as a one-shot stream, packing them a chunk at a time (no list of
    paths is held while walking); every path comes back exactly, whatever the chunk boundaries."""
    import copydesk.inputs as inputs

    monkeypatch.setattr(inputs, "PACK_CHUNK", 3)
    roots = [("site/", "/srv/site/"), ("", "")]
    entries = [(0, f"d{k}/\u00e9t\u00e9-{k}.md") for k in range(7)] + [(1, "loose.md"), (0, "z.md")]
    files = Files(roots, iter(entries))
    assert len(files) == len(entries)
    assert [(f.path, f.fs_path) for f in files] == [
        (roots[r][0] + rel, roots[r][1] + rel) for r, rel in entries]
    assert files[-2] == InputFile("loose.md", "loose.md") and files[1:3] == [files[1], files[2]]
    assert list(Files(roots, iter(()))) == []
