"""Service lead · Priorities: change the weights and review model, re-plan, see what changed.

A re-plan keeps the current links (unless asked) and each child's slot where the rules still
allow, so a small change in priorities gives a small change in the rota. Pins always hold.
Coordinators and service leads; the re-plan is saved as a new version (changed weights are
audited with it) and each pin added or removed is audited.
"""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from scheduler.config import Priorities, ReviewConfig
from scheduler.domain import Authority
from scheduler.pipeline import PlanOptions
from scheduler.store.access import Action, can
from ui import auth, state
from ui.components import tables
from ui.components.kpis import comparison_frame, plan_kpis, show_kpis
from ui.components.pins import pins_editor
from ui.components.progress import solve_panel
from ui.markup import md

WEIGHTS: dict[str, tuple[str, str]] = {
    "funded_two": ("Funded two-year-olds", "Children with a funded two-year-old place."),
    "urgency": (
        "Close to ageing out",
        "Children nearest the end of their window, and overdue ones.",
    ),
    "send": ("SEND and prior concerns", "Children with SEND or known prior concerns."),
    "earlier_in_window": ("Earlier in the window", "Seeing children nearer 24 than 30 months."),
    "continuity": ("Keep link practitioners", "Keeping each setting's existing link practitioner."),
    "travel": ("Less travel", "Fewer kilometres; several reviews per visit."),
    "balance": ("Balanced workloads", "Spreading reviews fairly across practitioners."),
}


def main(authority: Authority) -> None:
    config = authority.config
    current = state.result()
    st.markdown(
        "Set how much each aim counts, then **re-plan**. The weights are relative: doubling one "
        "makes it count twice as much against the others."
    )

    with st.form("ir_priorities"):
        st.header("Weights")
        weight_columns = st.columns(2)
        weights: dict[str, float] = {}
        for i, (name, (label, help_text)) in enumerate(WEIGHTS.items()):
            value = float(getattr(config.priorities, name))
            weights[name] = weight_columns[i % 2].slider(
                label,
                min_value=0.0,
                max_value=max(10.0, value),
                value=value,
                step=0.5,
                help=help_text,
                key=f"ir_weight_{name}",
            )
        st.header("Review")
        review = config.review
        model = st.radio(
            "Review model",
            ["joint", "separate"],
            index=0 if review.model == "joint" else 1,
            horizontal=True,
            format_func=lambda m: (
                "Joint meeting at the setting"
                if m == "joint"
                else "Separate health appointment at the clinic"
            ),
            key="ir_model",
        )
        window = st.slider(
            "Target window (months of age)",
            min_value=18,
            max_value=36,
            value=(review.window_months[0], review.window_months[1]),
            key="ir_window",
        )
        overdue = st.slider(
            "Overdue children may be seen until (months)",
            min_value=24,
            max_value=48,
            value=review.overdue_until_months,
            key="ir_overdue",
        )
        minutes = st.columns(3)
        meeting = minutes[0].number_input(
            "Meeting (minutes)", 5, 480, review.meeting_minutes, step=5, key="ir_meeting"
        )
        pre = minutes[1].number_input(
            "Pre-meeting (minutes, joint model)",
            0,
            240,
            review.pre_meeting_minutes,
            step=5,
            key="ir_pre",
        )
        extra = minutes[2].number_input(
            "Extra for prior concerns (minutes)",
            0,
            240,
            review.prior_concerns_extra_minutes,
            step=5,
            key="ir_extra",
        )
        st.header("Re-plan")
        limits = st.columns(2)
        time_limit = limits[0].slider(
            "Time limit (seconds)", 5, 600, 30, step=5, key="ir_replan_limit"
        )
        relink = limits[1].checkbox(
            "Also choose link practitioners again",
            value=False,
            key="ir_relink",
            help="Off: every setting keeps its current link practitioner.",
        )
        submitted = st.form_submit_button(
            "Re-plan" if current is not None else "Plan with these priorities",
            type="primary",
            disabled=state.job() is not None,
        )

    if submitted:
        try:
            new_config = config.model_copy(
                update={
                    "priorities": Priorities(**weights),
                    "review": ReviewConfig(
                        model=model,
                        meeting_minutes=int(meeting),
                        pre_meeting_minutes=int(pre),
                        prior_concerns_extra_minutes=int(extra),
                        window_months=(int(window[0]), int(window[1])),
                        overdue_until_months=int(overdue),
                    ),
                }
            )
        except ValidationError as exc:
            for error in exc.errors():
                message = str(error["msg"]).removeprefix("Value error, ")
                st.error(md(message), icon=":material/error:")
        else:
            options = PlanOptions(
                time_limit=float(time_limit),
                link_time_limit=min(10.0, float(time_limit)),
                workers=1,
                relink=bool(relink),
            )
            state.start_job("replan", authority.with_config(new_config), options, replan=True)
            st.rerun()  # redraw with the button disabled and the live status showing

    solve_panel()

    base = state.base_config()
    if base is not None and base != config:
        st.info("These priorities differ from the data's config.toml.", icon=":material/tune:")
        if st.button("Go back to the data's settings", key="ir_reset_config"):
            state.start_job(
                "replan",
                authority.with_config(base),
                PlanOptions(time_limit=30.0, workers=1),
                replan=True,
            )
            st.rerun()

    after = state.result()
    previous = state.before()
    if after is not None and previous is not None:
        st.header("Before and after the re-plan")
        st.caption("Cards show the new plan; changes are against the plan it replaced.")
        show_kpis(plan_kpis(after.plan.summary, previous.plan.summary, against="vs previous plan"))
        left, right = st.columns([2, 3])
        with left:
            st.dataframe(
                comparison_frame(previous.plan.summary, after.plan.summary),
                hide_index=True,
                alt="Key figures before and after the re-plan",
            )
        with right:
            changed = tables.changed_frame(authority, previous.plan, after.plan)
            st.markdown(f"**{changed.height:,}** children's appointments changed.")
            st.dataframe(changed, hide_index=True, alt="Children whose appointment changed")
    elif after is not None:
        st.caption("Re-plan to compare a new plan with the current one.")

    if can(auth.current_identity(), Action.EDIT_PINS):
        st.header("Pins")
        pins_editor(authority, after.plan if after is not None else None)


auth.guard(Action.CHANGE_PRIORITIES, page="priorities")
state.prepare()
st.title("Priorities")
data = state.authority()
if data is None:
    st.error("There is no valid data to plan with yet.", icon=":material/error:")
    st.page_link("ui/pages/data.py", label="Go to the Data page", icon=":material/upload_file:")
else:
    main(data)
