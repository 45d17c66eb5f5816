"""Harper on acronym possessives ("the N’s love", "the IN’s accommodation") reports nothing odd."""

from __future__ import annotations

from conftest import write


def test_acronym_possessives_are_not_grammar_errors(project, run_json):
    write(project / "a.txt", "You modify your behaviour in order to secure the N’s continuing love, not in order "
          "to be abandoned. I don’t think that the IN’s accommodation of the narcissist is a wish.\n"
          "She recieved an letter yesterday.\n")
    _, report, _ = run_json("a.txt", "--select", "grammar", "--no-cache")
    found = [(f["rule"], f["text"]) for f in report["files"][0]["findings"]]
    assert not [r for r, t in found if "MergeWords" in r or "Orthographic" in r]
    assert ("grammar.harper.SpellCheck", "recieved") in found  # real errors still reported


def test_unordered_alternatives_are_reported_in_a_stable_order():
    from copydesk.checks.grammar.harper import _canonical

    msg = "The word `absinthe`, `absinth` is a mass noun and should not be pluralized."
    assert _canonical(msg, ("absinthe", "absinth")) == (
        "The word `absinth`, `absinthe` is a mass noun and should not be pluralized.", ("absinth", "absinthe"))
    # ranked suggestions that are not the message's list keep Harper's order
    assert _canonical("Did you mean `they're`?", ("they're", "there")) == ("Did you mean `they're`?", ("they're", "there"))
