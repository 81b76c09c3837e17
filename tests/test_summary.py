"""The typed summary (scheduler/summary.py): summary.json read and written back byte for byte,
today's plans and older ones, malformed values reported, the key lists derived from the type."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scheduler.errors import InputError
from scheduler.io.plan_files import SUMMARY, plan_file_bytes, read_plan, render_plan
from scheduler.store.access import SUMMARY_FOR_SETTING
from scheduler.store.records import KPI_KEYS
from scheduler.summary import (
    Baseline,
    LinkStage,
    PlanSummary,
    PractitionerUse,
    SummaryError,
    UnhonouredPin,
)

GOLDEN = Path(__file__).parent / "data" / "export_golden"
PLAN_FOLDERS = [GOLDEN / "plan0", GOLDEN / "plan1"]

ADDED_SINCE_V1 = (
    "objective_terms",
    "best_bound_any_links",
    "gap_any_links",
    "children_bound_any_links",
    "plan_digest",
    "pins_unhonoured",
    "today",
    "model",
)
"""Keys the first planner (42350fe) did not write: an older folder lacks them."""


def document_of(folder: Path) -> dict[str, Any]:
    loaded = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def older(document: dict[str, Any]) -> dict[str, Any]:
    """The document as an older planner wrote it: later keys missing, one key it had that
    this version does not know, a null gap (an infinite one, written by the strict writer)."""
    kept = {k: v for k, v in document.items() if k not in ADDED_SINCE_V1}
    return kept | {"check_violations": 0, "retired_figure": {"kept": [1, 2.5, None]}, "gap": None}


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=lambda p: p.name)
def test_a_plan_folders_summary_reads_and_writes_back_byte_for_byte(folder: Path) -> None:
    """read_plan then the writer gives summary.json's exact bytes (keys, order, values)."""
    plan = read_plan(folder)
    assert render_plan(plan)[SUMMARY] == (folder / SUMMARY).read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", PLAN_FOLDERS, ids=lambda p: p.name)
def test_the_document_round_trips_exactly(folder: Path) -> None:
    """from_document then as_document gives the same object (created_at is the plan's)."""
    document = document_of(folder)
    summary = PlanSummary.from_document(document)
    assert summary.extra == {}  # today's plans have no key the type does not know
    assert summary.as_document() == {k: v for k, v in document.items() if k != "created_at"}
    assert [type(v) for v in summary.as_document().values()] == [
        type(document[k]) for k in summary.as_document()
    ]


def test_an_older_plan_folder_opens_and_is_written_back_unchanged(tmp_path: Path) -> None:
    """Keys an older planner did not write stay absent, a null stays null and a key this
    version does not know is kept: the older summary.json comes back byte for byte."""
    folder = tmp_path / "old"
    shutil.copytree(PLAN_FOLDERS[0], folder)
    text = json.dumps(older(document_of(folder)), indent=2, sort_keys=True) + "\n"
    (folder / SUMMARY).write_text(text, encoding="utf-8")
    plan = read_plan(folder)
    s = plan.summary
    assert s.pins_unhonoured is None and s.objective_terms is None and s.model is None
    assert s.gap is None and "gap" in s.present() and "model" not in s.present()
    assert s.extra == {"retired_figure": {"kept": [1, 2.5, None]}}
    assert s.more_children() is None  # no any-links bound recorded, so no claim
    assert plan_file_bytes(plan)[SUMMARY] == text.encode("utf-8")


def test_a_plan_from_the_pipeline_writes_what_the_dict_wrote() -> None:
    """The pipeline's nested figures are written as the objects the old dict held."""
    s = PlanSummary(
        practitioners={"P001": PractitionerUse(3, 180, 600, 240, 0.3)},
        link_stage=LinkStage("OPTIMAL", 1.5, 1.5, 0.0, 0.01),
        baseline=Baseline(2, 1, 0, 0.5, 10.25),
        pins_unhonoured=(UnhonouredPin("C1", "S1", "appointment", "full"),),
        data_path=None,
        nulls=frozenset({"data_path"}),
    )
    assert s.as_document() == {
        "practitioners": {
            "P001": {
                "reviews": 3,
                "review_minutes": 180,
                "capacity_minutes": 600,
                "link_load_minutes": 240,
                "utilisation": 0.3,
            }
        },
        "link_stage": {
            "status": "OPTIMAL",
            "objective": 1.5,
            "best_bound": 1.5,
            "gap": 0.0,
            "seconds": 0.01,
        },
        "pins_unhonoured": [
            {"child_id": "C1", "setting_id": "S1", "kind": "appointment", "reason": "full"}
        ],
        "baseline": {
            "scheduled": 2,
            "funded_two_scheduled": 1,
            "overdue_scheduled": 0,
            "priority_coverage": 0.5,
            "objective": 10.25,
        },
        "data_path": None,
    }
    assert PlanSummary.from_document(s.as_document()) == s


def test_an_int_stays_an_int_and_a_float_a_float() -> None:
    """``5`` is not written back as ``5.0`` (nor ``1.0`` as ``1``): the bytes would change."""
    s = PlanSummary.from_document({"travel_km": 5, "objective": 1.0})
    assert json.dumps(s.as_document()) == '{"travel_km": 5, "objective": 1.0}'


# --------------------------------------------------------------------------- malformed values


@pytest.mark.parametrize(
    ("document", "key"),
    [
        ({"scheduled": "12"}, "scheduled"),  # a count as text
        ({"scheduled": True}, "scheduled"),  # a boolean is not a count
        ({"scheduled": 12.5}, "scheduled"),  # nor is a fraction
        ({"status": 3}, "status"),  # status is text
        ({"pins_unhonoured": {"C1": "x"}}, "pins_unhonoured"),  # not a list
        ({"pins_unhonoured": ["C1"]}, "pins_unhonoured[0]"),  # an entry not an object
        ({"pins_unhonoured": [{"child_id": "C1"}]}, "pins_unhonoured[0]"),  # no reason
    ],
)
def test_a_malformed_contract_value_names_its_key(document: dict[str, Any], key: str) -> None:
    """A contract key of the wrong shape is refused, naming the key (never read as 0)."""
    with pytest.raises(SummaryError) as caught:
        PlanSummary.from_document(document)
    assert caught.value.key == key


@pytest.mark.parametrize(
    "document",
    [
        {"link_stage": {"status": "OPTIMAL"}},
        {"practitioners": [{"id": "P1", "reviews": 1}]},
        {"unscheduled_by_reason": {"CAPACITY": "2"}},
        {"stopped_early": "no"},
    ],
)
def test_another_tools_shape_of_our_own_keys_is_kept_not_refused(
    document: dict[str, Any],
) -> None:
    """Beyond the contract, a key this product also uses may mean something else to another
    tool: it is kept as written (and written back), never read as a figure or refused."""
    summary = PlanSummary.from_document(document)
    (key,) = document
    assert getattr(summary, key) is None and summary.extra == document
    assert summary.as_document() == document


def test_another_tools_summary_in_the_contracts_words_is_read() -> None:
    """Counts written as 1500.0 are counts; a pins_unhonoured entry of the contract's two
    keys is an appointment pin's (a link pin's when it names no child)."""
    summary = PlanSummary.from_document(
        {
            "children_due": 1500.0,
            "scheduled": 1200.0,
            "pins_unhonoured": [
                {"child_id": "C1", "reason": "the key person is away"},
                {"child_id": "", "reason": "the practitioner left"},
            ],
        }
    )
    assert summary.children_due == 1500 and isinstance(summary.children_due, int)
    assert summary.scheduled == 1200
    pins = summary.pins_unhonoured or ()
    assert [(p.kind, p.child_id, p.setting_id) for p in pins] == [
        ("appointment", "C1", ""),
        ("link", "", ""),
    ]


def test_read_plan_reports_a_malformed_summary_as_a_problem(tmp_path: Path) -> None:
    """In a plan folder, a malformed value is a file:line: column: problem (value) line."""
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_FOLDERS[0], folder)
    document = document_of(folder) | {"scheduled": "sixty"}
    (folder / SUMMARY).write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_plan(folder)
    (problem,) = caught.value.problems
    assert (problem.column, problem.message, problem.value) == (
        "scheduled",
        "not a whole number",
        '"sixty"',
    )


# --------------------------------------------------------------------------- the one list of keys


def test_the_key_lists_come_from_the_type() -> None:
    """The contract's keys, the version list's and a setting's are the type's, and every
    contract key is a field (a renamed field would break this, not show 0)."""
    assert KPI_KEYS == PlanSummary.CONTRACT_KEYS
    assert SUMMARY_FOR_SETTING == PlanSummary.PLAN_WIDE_KEYS
    known = PlanSummary.known_keys()
    assert set(PlanSummary.CONTRACT_KEYS + PlanSummary.V2_KEYS + SUMMARY_FOR_SETTING) <= set(known)
    assert "created_at" not in known  # the plan's own, never held twice


def test_plan_wide_keeps_nothing_about_children() -> None:
    """A setting's view of the summary has the term, model and status only."""
    s = PlanSummary.from_document(document_of(PLAN_FOLDERS[0]))
    assert s.plan_wide().as_document() == {
        "term_name": "Spring 2027",
        "model": "joint",
        "status": "OPTIMAL",
    }


# --------------------------------------------------------------------------- for people


def test_summary_says_seen_funded_status_bound_and_gap() -> None:
    """A few lines: children seen of due, funded two-year-olds, status, bound and gap."""
    s = PlanSummary.from_document(document_of(PLAN_FOLDERS[0]))
    text = s.summary()
    assert str(s) == text
    assert text.splitlines() == [
        "children seen        61 of 80 (76%)",
        "funded two-year-olds 29 of 31 (94%)",
        "status               OPTIMAL",
        f"objective            {s.objective:,.3f}, bound {s.best_bound:,.3f}",
        "gap                  0.00%",
    ]


def test_summary_of_a_partial_summary_says_what_is_missing() -> None:
    """Figures a summary lacks read "not recorded", and a null gap "not finite"."""
    s = PlanSummary(scheduled=3, nulls=frozenset({"gap"}))
    assert s.summary().splitlines() == [
        "children seen        not recorded",
        "funded two-year-olds not recorded",
        "gap                  not finite",
    ]


def test_headline_is_all_or_nothing() -> None:
    """The cards' figures are there together, or not at all (no zeros made up)."""
    full = PlanSummary.from_document(document_of(PLAN_FOLDERS[0]))
    assert full.headline() is not None
    assert replace(full, travel_km=None).headline() is None
