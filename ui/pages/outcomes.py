"""Outcomes: record what happened at past reviews of the published plan.

A coordinator records any past review's outcome; a setting user only its own children's joint
reviews (the list offers no others, and the server checks again whatever the page sends).
Each outcome is kept in the plan store with who recorded it and when, audited, and can be
downloaded as ``outcomes.csv`` for the data folder.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from scheduler.domain import OUTCOME_KINDS, VENUES, Authority, Outcome, Venue
from scheduler.outcome_recording import OutcomeRefused, recordable, recording_date
from scheduler.plan import Appointment
from scheduler.store.access import AccessDenied, Action, Identity, can
from scheduler.store.outcomes import OutcomeRecord
from ui import auth, storage
from ui.components import tables
from ui.components.report_views import (
    OUTCOME_LABELS,
    VENUE_LABELS,
    outcomes_frame,
    past_reviews_frame,
    review_label,
)

UNKNOWN = "not recorded"
CHOICES: dict[str, bool | None] = {"yes": True, "no": False, UNKNOWN: None}


def clock() -> date:
    """The calendar's today (the data's ``[term] today`` wins: see ``recording_date``)."""
    return date.today()


def _choice(value: bool | None) -> int:
    return list(CHOICES.values()).index(value)


def form(
    identity: Identity,
    authority: Authority,
    appointment: Appointment,
    existing: OutcomeRecord | None,
) -> None:
    """The outcome of one review: what happened and, when attended, the details."""
    key = f"{appointment.child_id}_{appointment.date}"
    before = existing.outcome if existing is not None else None
    kind = st.radio(
        "What happened",
        OUTCOME_KINDS,
        index=OUTCOME_KINDS.index(before.outcome) if before else 0,
        format_func=lambda k: OUTCOME_LABELS[k],
        horizontal=True,
        key=f"ir_outcome_kind_{key}",
        help="'Was not brought' (not 'did not attend'): a child repeatedly not brought is a "
        "safeguarding signal the named practitioner follows up.",
    )
    consent = st.radio(
        "Parent consented to health and the setting sharing information",
        list(CHOICES),
        index=_choice(before.consent_to_share if before else None),
        horizontal=True,
        key=f"ir_outcome_consent_{key}",
    )
    asq3: bool | None = None
    venue: Venue | None = None
    practitioner_id: str | None = None
    if kind == "attended":
        asq3 = CHOICES[
            st.radio(
                "ASQ-3 completed",
                list(CHOICES),
                index=_choice(before.asq3 if before else None),
                horizontal=True,
                key=f"ir_outcome_asq3_{key}",
            )
        ]
        default_venue = (before.venue if before else None) or appointment.location
        venue = st.selectbox(
            "Where the review took place",
            VENUES,
            index=VENUES.index(default_venue),
            format_func=lambda v: VENUE_LABELS[v],
            key=f"ir_outcome_venue_{key}",
        )
        people = list(authority.practitioners)
        default_person = (before.practitioner_id if before else None) or appointment.practitioner_id
        practitioner_id = st.selectbox(
            "Who saw the child",
            people,
            index=people.index(default_person) if default_person in people else 0,
            format_func=lambda p: tables.practitioner_name(authority, p),
            key=f"ir_outcome_practitioner_{key}",
        )
    outcome = Outcome(
        child_id=appointment.child_id,
        date=appointment.date,
        outcome=kind,
        asq3=asq3,
        consent_to_share=CHOICES[consent],
        venue=venue,
        practitioner_id=practitioner_id,
    )
    left, right = st.columns(2)
    if left.button(
        "Save the outcome", type="primary", icon=":material/save:", key="ir_outcome_save"
    ):
        try:
            storage.record_outcome(identity, outcome, clock())
        except (AccessDenied, OutcomeRefused) as exc:
            st.error(f"Not recorded: {exc}", icon=":material/block:")
        else:
            st.success("Outcome recorded.", icon=":material/check_circle:")
            st.rerun()
    if existing is not None and right.button(
        "Remove this outcome", icon=":material/delete:", key="ir_outcome_remove"
    ):
        try:
            storage.remove_outcome(identity, existing.outcome_id, clock())
        except (AccessDenied, OutcomeRefused) as exc:
            st.error(f"Not removed: {exc}", icon=":material/block:")
        else:
            st.rerun()


def main() -> None:
    identity = auth.guard(Action.RECORD_OUTCOMES, page="outcomes")
    st.title("Outcomes")
    published = storage.published_for(identity)
    if published is None:
        st.info(
            "Outcomes are recorded against the published plan: none is published yet.",
            icon=":material/info:",
        )
        return
    authority, plan, version = published
    today = recording_date(authority.config, clock())
    reviews = recordable(identity, plan, today)
    records = storage.visible_outcomes(identity)
    recorded = {(r.outcome.child_id, r.outcome.date): r for r in records}
    in_file = {(o.child_id, o.date): o.outcome for o in authority.outcomes}
    st.caption(
        f"Reviews of the published plan (version {version}) up to {today:%a %d %b %Y}"
        + ("; your setting's joint reviews only." if identity.setting_id else ".")
    )
    if not reviews:
        st.info("No review of the published plan has taken place yet.", icon=":material/info:")
    else:
        st.header("Record an outcome")
        keys = [f"{a.child_id}|{a.date}" for a in reviews]
        by_key = dict(zip(keys, reviews, strict=True))
        pending = [k for k, a in by_key.items() if (a.child_id, a.date) not in recorded]
        chosen = st.selectbox(
            "Review",
            keys,
            index=keys.index(pending[0]) if pending else 0,
            format_func=lambda k: (
                review_label(authority, by_key[k])
                + (
                    ""
                    if (by_key[k].child_id, by_key[k].date) in recorded
                    else " · not recorded yet"
                )
            ),
            key="ir_outcome_review",
        )
        if chosen in by_key:
            appointment = by_key[chosen]
            form(
                identity,
                authority,
                appointment,
                recorded.get((appointment.child_id, appointment.date)),
            )
        st.header("Past reviews")
        st.dataframe(
            past_reviews_frame(authority, reviews, recorded, in_file),
            hide_index=True,
            column_config={"Date": st.column_config.DateColumn(format=tables.DATE_FORMAT)},
        )
    st.header("Recorded in the dashboard")
    if not records:
        st.caption("Nothing recorded yet.")
    else:
        st.dataframe(
            outcomes_frame(authority, records),
            hide_index=True,
            column_config={"Date": st.column_config.DateColumn(format=tables.DATE_FORMAT)},
        )
    if can(identity, Action.EXPORT_OUTCOMES):
        st.download_button(
            "Download outcomes.csv",
            storage.outcomes_download(identity),
            file_name="outcomes.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="ir_outcomes_csv",
            help="Every outcome recorded in the dashboard, in the data folder's format.",
        )


main()
