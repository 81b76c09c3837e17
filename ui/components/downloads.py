"""Files a user downloads, built in memory from the plan (nothing touches the disk).

The builders are pure; the big ones are handed to ``st.download_button`` as callables, so the
work happens only when someone clicks (and off the page's thread).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable, Sequence

from scheduler.domain import Authority
from scheduler.export.bundle import ZIP_TIME, calendar_files
from scheduler.export.ics import build_calendars
from scheduler.export.uids import term_slug as _term_slug
from scheduler.export.workbook import rota_workbook
from scheduler.io import plan_files
from scheduler.plan import Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS = "text/calendar"
ZIP = "application/zip"
HTML = "text/html"


def plan_csv_zip(plan: Plan) -> bytes:
    """The plan folder's files (links, appointments, unscheduled, summary) as one zip."""
    files = plan_files.render_plan(plan)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"plan/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name].encode("utf-8"))
    return buffer.getvalue()


def all_calendars_zip(authority: Authority, plan: Plan) -> bytes:
    """Every calendar file of the plan (settings, practitioners, invitations, letters)."""
    return calendar_files(build_calendars(authority, plan))["all.zip"]


def deferred(
    build: Callable[[Authority, Plan], bytes], authority: Authority, plan: Plan
) -> Callable[[], bytes]:
    """A no-argument callable for a deferred download (it must not touch session state)."""
    return lambda: build(authority, plan)


def rota_xlsx(authority: Authority, plan: Plan) -> bytes:
    """The rota workbook coordinators share."""
    return rota_workbook(authority, plan)


def term_slug(authority: Authority) -> str:
    """A file-name-safe term name, e.g. ``spring-2027``."""
    return _term_slug(authority.config.term.name)


_BODY = re.compile(r"<body>(.*)</body>", re.DOTALL)
_HEAD = re.compile(r"^(.*?<body>)", re.DOTALL)


def letters_document(letters: Sequence[str], title: str) -> str:
    """Several complete letter pages as one printable page, one letter per printed sheet."""
    if not letters:
        return ""
    head_match = _HEAD.match(letters[0])
    head = head_match.group(1) if head_match else "<!DOCTYPE html><html><body>"
    head = re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", head, count=1)
    parts = []
    for letter in letters:
        body = _BODY.search(letter)
        parts.append(
            '<section style="break-after: page; page-break-after: always">'
            f"{body.group(1) if body else ''}</section>"
        )
    return head + "\n".join(parts) + "\n</body>\n</html>\n"
