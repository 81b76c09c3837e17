"""Where the key person's progress-summary deadlines fall, for a plan's clinic and home reviews.

    python bench/bench_deadlines.py DATA PLAN [--config TOML]

For each review of a child in a setting that is not joint, the deadline of the old rule (two
working days before, :func:`scheduler.deadlines.working_days_before`) and of
:func:`scheduler.deadlines.summary_due_date` are checked against the facts a deadline must
respect; the table counts the deadlines that break each one. Prints to stdout only.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date
from pathlib import Path

from scheduler.calendar import review_days
from scheduler.deadlines import SUMMARY_LEAD_WORKING_DAYS, SummaryDeadlines, working_days_before
from scheduler.domain import Authority
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.plan import Appointment

CHECKS = (
    "key person does not work that weekday",
    "key person absent",
    "setting not open that weekday",
    "setting closed",
    "not a review day (before term, half term, bank holiday)",
    "not before the review",
)


def problems(authority: Authority, appointment: Appointment, due: date) -> list[str]:
    """Which of :data:`CHECKS` a deadline breaks."""
    assert appointment.key_person_id is not None
    key_person = authority.key_persons[appointment.key_person_id]
    setting = authority.settings[key_person.setting_id]
    found = []
    if due.weekday() not in key_person.working_days:
        found.append(CHECKS[0])
    if any(a.person_id == key_person.key_person_id and a.covers(due) for a in authority.absences):
        found.append(CHECKS[1])
    if due.weekday() not in setting.open_days:
        found.append(CHECKS[2])
    if any(c.setting_id in (setting.setting_id, "*") and c.date == due for c in authority.closures):
        found.append(CHECKS[3])
    if due not in set(review_days(authority.config.term)):
        found.append(CHECKS[4])
    if due >= appointment.date:
        found.append(CHECKS[5])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("plan", type=Path)
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args()
    authority = load_authority(args.data, args.config).authority
    plan = read_plan(args.plan)
    deadlines = SummaryDeadlines(authority)
    nation = authority.config.term.bank_holidays
    counts: dict[str, Counter[str]] = {"old rule": Counter(), "summary_due_date": Counter()}
    total = 0
    for appointment in plan.appointments:
        child = authority.children.get(appointment.child_id)
        if appointment.location == "setting" or child is None or child.key_person_id is None:
            continue
        total += 1
        old = working_days_before(appointment.date, SUMMARY_LEAD_WORKING_DAYS, nation)
        new = deadlines.due_date(child, appointment.date)
        for name, due in (("old rule", old), ("summary_due_date", new)):
            if due is None:
                counts[name]["no day fits (None)"] += 1
                continue
            broken = problems(authority, appointment, due)
            counts[name].update(broken)
            counts[name]["any problem"] += bool(broken)
    print(f"{total} clinic and home reviews of children in a setting")
    rows = [*CHECKS, "any problem", "no day fits (None)"]
    print(f"{'':58} {'old rule':>9} {'new rule':>9}")
    for row in rows:
        print(f"{row:58} {counts['old rule'][row]:9d} {counts['summary_due_date'][row]:9d}")


if __name__ == "__main__":
    main()
