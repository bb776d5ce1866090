"""The counterfactual year of inspections: findings follow the joint draw and the covert ground truth."""

from __future__ import annotations

from fractions import Fraction

from moratorium.regime import selection
from moratorium.scenario import load_scenario
from moratorium.scenario.run import result_json, run_scenario


def test_covert_9m729_is_caught_by_the_draw_and_the_odds_are_exact() -> None:
    scenario = load_scenario("inspections-2021")
    [covert] = scenario.covert
    # one NATO visit (May) falls in the April-October window; 3 of 8 canisters drawn, 1 holds the 9M729
    assert [v[0] for v in covert.visits] == ["nato-2021-1"]
    assert covert.detection_probability == float(1 - Fraction(7, 8) * Fraction(6, 7) * Fraction(5, 6))
    drawn = covert.visits[0][1]
    assert len(drawn) == 3 and ("canister-3" in drawn) is (covert.caught_by == "nato-2021-1")


def test_the_draw_is_rederivable_from_the_log() -> None:
    result = run_scenario(load_scenario("inspections-2021"))
    reveals = {e.entry.author: bytes.fromhex(e.entry.body["nonce"]) for e in result.entries
               if e.entry.kind == "nonce-reveal" and e.entry.body["inspection"] == "nato-2021-1"}
    request_seq = next(i for i, e in enumerate(result.entries) if e.entry.body.get("id") == "nato-2021-1")
    from moratorium.ledger import rfc6962

    root = rfc6962.root_hash([e.leaf_data() for e in result.entries[:request_seq]])
    seed = selection.seed(nonces=reveals, checkpoint_root=root, checkpoint_size=request_seq, context="nato-2021-1")
    units = [f"canister-{i}" for i in range(1, 9)]
    drawn = tuple(units[i] for i in selection.draw_indices(seed, 3, 8))
    assert result.scenario.covert[0].visits[0][1] == drawn


def test_findings_change_the_verdicts() -> None:
    doc = result_json(run_scenario(load_scenario("inspections-2021")))
    changes = [(s["seq"], c["obligation"], c["from"], c["to"]) for s in doc["timeline"] for c in s["changes"]]
    report_seq = next(s["seq"] for s in doc["timeline"] if s["action"].startswith("NATO reports on nato-2021-1"))
    caught = doc["covert"][0]["caught"]
    if caught:
        assert (report_seq, "ru-no-9m729-european-russia", "compliant", "violation") in changes
        # the 9M729's range is contested: an INF-range missile by NATO's claims, not by Russia's (480 km)
        assert (report_seq, "ru-moratorium-europe", "compliant", "disputed") in changes
    else:
        assert not [c for c in changes if c[0] == report_seq]
    assert doc["covert"][0]["detection_probability"] == 0.375
