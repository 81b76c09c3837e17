"""Coordinator · Data: which authority the session works on, and uploading a new one.

Bad uploads are listed problem by problem and the data in use stays as it was: nothing is
planned on data that did not validate. Coordinators and service leads read it; only
coordinators upload.
"""

from __future__ import annotations

import streamlit as st

from scheduler.calendar import due_children
from scheduler.io.write_data import authority_frames
from scheduler.store.access import Action, can
from scheduler.wording import review_kind
from ui import auth, state
from ui.components.tables import as_read, problems_frame
from ui.markup import md

identity = auth.guard(Action.VIEW_ALL_SETTINGS, page="data")
state.prepare()
st.title("Data")

authority = state.data()
source = state.source()

problems = state.upload_problems()
if problems:
    st.error(
        f"The upload was not used: {len(problems)} problem(s) to fix. Nothing is planned on "
        "data with problems"
        + (" — the data already loaded is still in use." if authority is not None else "."),
        icon=":material/error:",
    )
    st.dataframe(
        problems_frame(problems),
        hide_index=True,
        alt="Problems found in the uploaded data",
        column_config={
            "file": st.column_config.TextColumn("File"),
            "line": st.column_config.TextColumn("Line", help="Header = line 1; sheet!row"),
            "column": st.column_config.TextColumn("Column"),
            "value": st.column_config.TextColumn("Value"),
            "problem": st.column_config.TextColumn("Problem", width="large"),
        },
    )

if authority is not None and source is not None:
    config = authority.config
    st.markdown(
        f"Working on **{md(source.label)}**: term **{md(config.term.name)}** "
        f"({config.term.start:%d %b %Y} to {config.term.end:%d %b %Y}); usual kind of review: "
        f"**{review_kind(config.review.model).lower()}**."
    )
    due = due_children(authority.children.values(), config)
    cards = st.columns(5)
    cards[0].metric("Practitioners", f"{len(authority.practitioners):,}", border=True)
    cards[1].metric("Settings", f"{len(authority.settings):,}", border=True)
    cards[2].metric("Key persons", f"{len(authority.key_persons):,}", border=True)
    cards[3].metric("Children", f"{len(authority.children):,}", border=True)
    cards[4].metric(
        "Due this term",
        f"{len(due):,}",
        border=True,
        help="Not yet reviewed, 24 months old by the end of term and under 36 months at its start.",
    )
    if state.warnings():
        with st.expander(f"{len(state.warnings())} note(s) about the files (nothing to fix)"):
            st.dataframe(problems_frame(state.warnings()), hide_index=True, alt="Notes on the data")
    if can(identity, Action.VIEW_RAW_DATA):
        with st.expander("Look at the data"):
            frames = authority_frames(authority)
            tabs = st.tabs([name.replace("_", " ").capitalize() for name in frames])
            for tab, (name, frame) in zip(tabs, frames.items(), strict=True):
                with tab:
                    st.caption(f"{frame.height:,} rows")
                    st.dataframe(as_read(frame), hide_index=True, alt=f"The {name} table")
    st.page_link(
        "ui/pages/plan.py",
        label="Next: the plan" if state.working() is not None else "Next: make the plan",
        icon=":material/arrow_forward:",
    )

if not can(identity, Action.UPLOAD_DATA):
    st.caption("Coordinators upload the authority's data.")
    st.stop()

st.header("Upload your authority's data")
st.markdown(
    "Either the CSV files (`practitioners.csv`, `settings.csv`, `key_persons.csv`, "
    "`children.csv`, optional `absences.csv`, `closures.csv` and `config.toml`), one `.zip` of "
    "them, or one `.xlsx` workbook with a sheet per table. See *docs/data-format.md*."
)
with st.form("ir_upload", clear_on_submit=False):
    uploads = st.file_uploader(
        "Data files",
        type=["csv", "zip", "xlsx", "toml"],
        accept_multiple_files=True,
        key="ir_data_files",
    )
    submitted = st.form_submit_button("Check and load", type="primary")
if submitted:
    if not uploads:
        st.warning("Choose the files to upload first.")
    else:
        auth.guard(Action.UPLOAD_DATA, page="data")
        files = {f.name: f.getvalue() for f in uploads}
        with st.spinner("Checking every row…"):
            state.load_upload(files)
        st.rerun()

if source is not None and not source.sample and st.button("Go back to the starting data"):
    state.load_start_data()
    st.rerun()
