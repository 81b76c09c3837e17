"""Service lead · Priorities: change how much each aim counts and see, within seconds, what the
working plan would become.

A what-if starts from the working plan (``make_plan(warm=...)``): its slots are the first
answer, and its links are reused when no link weight (continuity, travel, balance) changed, so
a small change gives its answer in a few seconds. The what-if is not saved: the lead reads the
before and after (figures, children who would move, who would hear), then keeps it as a draft
or drops it. Pins hold in every what-if. Coordinators and service leads.
"""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from scheduler.config import Config, Priorities, ReviewConfig
from scheduler.domain import Authority
from scheduler.store.access import Action, can
from scheduler.store.compare import audience, compare_plans
from scheduler.wording import WEIGHTS, count, plural, review_kind
from scheduler.working import plan_options
from ui import auth, state
from ui.background import FIRST_ANSWER_WAIT
from ui.components import tables
from ui.components.kpis import plan_kpis, show_kpis
from ui.components.progress import solve_panel
from ui.markup import md

GROUPS: dict[str, tuple[str, ...]] = {
    "Who is booked first": (
        "funded_two",
        "urgency",
        "looked_after",
        "child_protection",
        "child_in_need",
        "deprivation",
        "was_not_brought",
        "send",
    ),
    "How reviews are arranged": (
        "earlier_in_window",
        "own_model",
        "continuity",
        "travel",
        "balance",
    ),
}


def weights_form(config: Config, base: Config | None) -> dict[str, float]:
    """Sliders for every weight, each saying what it means and its value in the data."""
    weights: dict[str, float] = {}
    for group, names in GROUPS.items():
        st.subheader(group)
        columns = st.columns(2)
        for i, name in enumerate(names):
            value = float(getattr(config.priorities, name))
            default = float(getattr(base.priorities, name)) if base is not None else value
            words = WEIGHTS[name]
            weights[name] = columns[i % 2].slider(
                words.label,
                min_value=0.0,
                max_value=max(10.0, value),
                value=value,
                step=0.5,
                format="%.1f",
                help=f"{words.help} In the data's config.toml: {default:g}.",
                key=f"ir_weight_{name}",
            )
    return weights


def review_form(review: ReviewConfig) -> dict[str, object]:
    """How reviews run (what-if values for the review settings)."""
    with st.expander("Review settings (also part of the what-if)"):
        model = st.radio(
            "Usual kind of review",
            ["joint", "separate", "home"],
            index=["joint", "separate", "home"].index(review.model),
            horizontal=True,
            format_func=review_kind,
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
            "Children past the window may be seen until (months)",
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
            "Pre-meeting (minutes, joint reviews)",
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
    return {
        "model": model,
        "meeting_minutes": int(meeting),
        "pre_meeting_minutes": int(pre),
        "prior_concerns_extra_minutes": int(extra),
        "window_months": (int(window[0]), int(window[1])),
        "overdue_until_months": int(overdue),
    }


def try_it(authority: Authority, working: state.Working) -> None:
    config = authority.config
    base = state.base_config()
    with st.form("ir_priorities"):
        weights = weights_form(config, base)
        review = review_form(config.review)
        limit = st.slider(
            "Answer within (seconds)",
            2,
            120,
            6,
            key="ir_whatif_limit",
            help="The first answer is the plan you have; the search improves on it until "
            "this time is up.",
        )
        submitted = st.form_submit_button(
            "Try these priorities",
            type="primary",
            icon=":material/science:",
            disabled=state.job() is not None,
        )
    if not submitted:
        return
    try:
        new_config = config.model_copy(
            update={
                "priorities": Priorities(**weights),
                "review": config.review.model_copy(update=review),
            }
        )
        ReviewConfig.model_validate(new_config.review.model_dump())
    except ValidationError as exc:
        for error in exc.errors():
            st.error(md(str(error["msg"]).removeprefix("Value error, ")), icon=":material/error:")
        return
    started = state.start_job(
        "what_if",
        authority.with_config(new_config),
        plan_options(limit, link_time_limit=min(10.0, 0.4 * limit), shown=True),
        warm=working.result,
        note="what-if",
    )
    # No rerun: the status below the form is drawn in this run, with the first answer once it
    # has come, so it is on screen one redraw sooner (the button greys out from the next one).
    started.wait_for_answer(FIRST_ANSWER_WAIT)


def before_and_after(what: state.WhatIf) -> None:
    """The what-if against the plan it started from: figures, who moves, who would hear."""
    before, after = what.before.plan, what.result.plan
    comparison = compare_plans(before, after)
    who = audience(comparison)
    st.header("Before and after")
    changed = ", ".join(
        f"{WEIGHTS[name].label if name in WEIGHTS else name} {old:g} → {new:g}"
        for name, (old, new) in what.changed.items()
    )
    seconds = max(1, round(after.summary.solve_seconds or 0))
    st.markdown(
        f"Against {what.before.describe()}"
        + (f", with **{md(changed)}**" if changed else ", with the same weights")
        + f". Found in {plural(seconds, 'second')}."
    )
    show_kpis(plan_kpis(after.summary, before.summary, against="vs the plan you have"))
    st.markdown(
        f"**{plural(comparison.count('moved'), 'child', 'children')}** would move, "
        f"**{count(comparison.count('added'))}** would be newly booked and "
        f"**{count(comparison.count('removed'))}** would lose their review; "
        f"{count(comparison.unchanged_appointments)} keep theirs. "
        f"{plural(len(who.settings), 'setting')} and {plural(who.families, 'family', 'families')} "
        "would hear about it if it were published."
    )
    # One under the other: side by side, each hid its After and Change columns at 1280 px.
    st.dataframe(
        tables.figures_frame(comparison),
        hide_index=True,
        alt="Key figures before and after",
    )
    st.dataframe(
        tables.changes_frame(what.authority, comparison),
        hide_index=True,
        alt="Children whose review would change",
    )
    if not can(auth.current_identity(), Action.GENERATE_PLAN):
        return
    keep, drop = st.columns(2)
    if keep.button(
        "Keep as a new draft",
        type="primary",
        icon=":material/save:",
        key="ir_whatif_keep",
        help="Saved as the next draft version; it becomes the plan on the Plan page. Settings "
        "see it only once a coordinator publishes it.",
    ):
        kept = state.keep_what_if()
        if kept is not None:
            st.success(f"Kept as {kept.describe()}.", icon=":material/check:")
        st.rerun()
    if drop.button("Drop this what-if", key="ir_whatif_drop"):
        state.drop_what_if()
        st.rerun()


def main() -> None:
    auth.guard(Action.CHANGE_PRIORITIES, page="priorities")
    state.prepare()
    st.title("Priorities")
    working = state.working()
    if working is None:
        st.info(
            "Priorities are tried against a plan: make one on the Plan page first.",
            icon=":material/info:",
        )
        st.page_link("ui/pages/plan.py", label="Go to the Plan page", icon=":material/event_note:")
        return
    authority = working.authority
    st.markdown(
        "Set how much each aim counts and press **Try these priorities**: within seconds you "
        f"see what {working.describe()} would become. Weights are relative: an ordinary child "
        "counts 1, and doubling a weight makes it count twice as much against the others. "
        "Nothing changes for anyone until you keep the result and a coordinator publishes it."
    )
    base = state.base_config()
    if base is not None and base.priorities != authority.config.priorities:
        st.caption("The plan you have was made with weights other than the data's config.toml.")
    try_it(authority, working)
    # The status and the answer right under the button: where the lead is looking at 1280x800
    # (the weights fill the screen above it).
    solve_panel()
    what = state.what_if()
    if what is not None:
        before_and_after(what)


main()
