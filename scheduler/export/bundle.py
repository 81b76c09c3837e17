"""The ``ics/`` folder and its zips: what a coordinator sends out and settings download.

Layout (every name an id made file-safe by :func:`scheduler.export.uids.file_stem`)::

    settings/<setting_id>.ics        the setting's feed (PUBLISH)
    practitioners/<id>.ics           the practitioner's feed (PUBLISH)
    invites/<child_id>.ics           the emailed invitation (REQUEST)
    cancellations/<child_id>.ics     a cancellation to email (CANCEL)
    family/<child_id>.ics            the family's copy to download or print (PUBLISH)
    letters/<child_id>.html          the printable appointment letter
    letters/large-type/<child_id>.html   the same letter in large type
    zips/<setting_id>.zip            one setting's download: its feed, families' copies, letters
    README.txt                       what each folder is for
    all.zip                          everything above except the zips

The folder is written next to its final place and swapped in, so a reader never sees half of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from scheduler.domain import Authority
from scheduler.export.ics import CalendarSet, build_calendars, plan_for
from scheduler.export.uids import file_stem
from scheduler.export.zips import ZIP_TIME as ZIP_TIME  # where the dashboard looks for it
from scheduler.export.zips import Packed, archive, pack, pack_all
from scheduler.io.atomic import atomic_folder
from scheduler.io.folders import write_files
from scheduler.plan import Plan

MARKER = "all.zip"
"""Present in every folder this module writes; a folder without it is not replaced."""

README = """Calendar files for the integrated reviews of {term}

settings/        one feed per setting (subscribe to it, or import it)
practitioners/   one feed per practitioner
invites/         invitations emailed to practitioners, key persons and parents
cancellations/   cancellations emailed when a review is dropped or someone is taken off it
family/          each family's calendar entry, to download (opens as "add to calendar")
letters/         printable appointment letters for families (large-type/: in large type)
zips/            one download per setting: its feed, families' entries and letters

See docs/calendars.md for how to subscribe in Outlook and Google Calendar.
"""


def _setting_files(
    calendars: CalendarSet, setting_id: str, children: Iterable[str]
) -> dict[str, tuple[str, bytes]]:
    """A setting's download: name in its zip → (path of the same file in ``ics/``, bytes)."""
    feed = f"{file_stem(setting_id)}.ics"
    files = {feed: (f"settings/{feed}", calendars.settings[setting_id])}
    for child_id in children:
        stem = file_stem(child_id)
        if child_id in calendars.family:
            files[f"family/{stem}.ics"] = (f"family/{stem}.ics", calendars.family[child_id])
        if child_id in calendars.letters:
            for name, text in (
                (f"letters/{stem}.html", calendars.letters[child_id]),
                (f"letters/large-type/{stem}.html", calendars.large_letters[child_id]),
            ):
                files[name] = (name, text.encode("utf-8"))
    return files


def _children_by_setting(calendars: CalendarSet) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for child_id, setting_id in calendars.child_settings.items():
        children.setdefault(setting_id, []).append(child_id)
    return children


def _bundle(
    calendars: CalendarSet,
    setting_id: str,
    children: Iterable[str],
    packed: Mapping[str, Packed],
) -> bytes:
    """A setting's zip, reusing the files already packed for ``all.zip``."""
    members = {
        name: packed[path] if path in packed else pack(data)
        for name, (path, data) in _setting_files(calendars, setting_id, children).items()
    }
    return archive(members)


def setting_bundle(calendars: CalendarSet, setting_id: str) -> bytes:
    """One setting's zip: its feed, its families' calendar entries and letters (all PUBLISH)."""
    children = _children_by_setting(calendars).get(setting_id, [])
    return _bundle(calendars, setting_id, children, {})


def calendar_files(calendars: CalendarSet, *, only_changes: bool = False) -> dict[str, bytes]:
    """Every file of the ``ics/`` folder by relative path.

    ``only_changes`` (needs a set built against a previous plan) keeps what must go out again:
    changed feeds, new or changed invitations, and all cancellations; the zip of every setting
    touched is complete, so a setting can always replace what it downloaded before.
    """
    if only_changes and not calendars.incremental:
        raise ValueError("only_changes needs calendars built with a previous plan")
    invites = calendars.changed_invites if only_changes else dict(calendars.invites)
    settings = (
        sorted(
            calendars.changed_settings
            | {calendars.child_settings[c] for c in invites}
            | {i.setting_id for i in calendars.cancellations.values()}
        )
        if only_changes
        else list(calendars.settings)
    )
    settings = [s for s in settings if s in calendars.settings]
    practitioners = (
        sorted(calendars.changed_practitioners) if only_changes else list(calendars.practitioners)
    )
    files: dict[str, bytes] = {}
    for setting_id in settings:
        files[f"settings/{file_stem(setting_id)}.ics"] = calendars.settings[setting_id]
    for practitioner_id in practitioners:
        files[f"practitioners/{file_stem(practitioner_id)}.ics"] = calendars.practitioners[
            practitioner_id
        ]
    for child_id, invitation in invites.items():
        stem = file_stem(child_id)
        files[f"invites/{stem}.ics"] = invitation.ics
        files[f"family/{stem}.ics"] = calendars.family[child_id]
        files[f"letters/{stem}.html"] = calendars.letters[child_id].encode("utf-8")
        files[f"letters/large-type/{stem}.html"] = calendars.large_letters[child_id].encode("utf-8")
    for child_id, cancellation in calendars.cancellations.items():
        files[f"cancellations/{file_stem(child_id)}.ics"] = cancellation.ics
    files["README.txt"] = README.format(term=calendars.term_name).encode("utf-8")
    packed = pack_all(files)  # each file compressed once, for all.zip and its setting's zip
    children = _children_by_setting(calendars)
    for setting_id in settings:
        files[f"zips/{file_stem(setting_id)}.zip"] = _bundle(
            calendars, setting_id, children.get(setting_id, []), packed
        )
    files[MARKER] = archive(packed)
    return files


def write_calendars(calendars: CalendarSet, out_dir: Path, *, only_changes: bool = False) -> None:
    """Write the ``ics/`` folder atomically: built in a temporary sibling, then swapped in.

    Replaces a folder this function wrote before (it holds ``all.zip``) or an empty one;
    refuses (``ValueError``) anything else, so a mistyped ``--out`` cannot wipe other files.
    """
    out_dir = Path(out_dir)
    files = calendar_files(calendars, only_changes=only_changes)
    refuse_unless_replaceable(out_dir)
    with atomic_folder(out_dir) as staging:
        write_files(staging, files)


def refuse_unless_replaceable(out_dir: Path) -> None:
    """``ValueError`` unless ``out_dir`` is missing, empty, or an ``ics/`` folder written here."""
    if out_dir.exists() or out_dir.is_symlink():
        if not out_dir.is_dir() or out_dir.is_symlink():
            raise ValueError(f"{out_dir} exists and is not a folder; not replacing it")
        if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
            raise ValueError(
                f"{out_dir} is not empty and was not written by export-ics; not replacing it"
            )


def setting_zip(authority: Authority, plan: Plan, setting_id: str) -> bytes:
    """Everything a setting downloads: its feed, families' calendar entries and letters."""
    if setting_id not in authority.settings:
        raise KeyError(f"unknown setting {setting_id}")
    calendars = build_calendars(authority, plan_for(plan, setting_id, "setting_id"))
    return setting_bundle(calendars, setting_id)
