"""``scheduler store …``: the plan store on the command line; ``--db`` for ``plan``/``replan``.

    scheduler store [--db URL] init
    scheduler store versions | show N | compare A B | publish N | export N --out PLAN
    scheduler store identities list | set EMAIL ROLE [--setting ID] | remove EMAIL | unbind EMAIL
    scheduler store tokens list [--all] | issue KIND ID | rotate KIND ID | revoke KIND ID
    scheduler store audit [--limit N] [--action ACTION]
    scheduler store purge [--before DATE] (--dry-run | --yes)
    scheduler store outcomes export --out FILE

Without ``--db`` the store is ``$SCHEDULER_DB_URL``, else ``<data dir>/scheduler.db``. Only
``init`` creates a store: every other command (and ``plan --db``) refuses a store that is not
there, so a mistyped path is an error rather than a new, empty store. Changes are audited as
``cli:<operating-system user>``; ``--actor`` adds whom the user acts for, it does not replace
them. Anything wrong with the store is one line on stderr and exit status 2, never a traceback.
A new feed token is printed once, here, and never again: the store keeps only its hash.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from scheduler.io.plan_files import write_plan
from scheduler.store import repository as repo
from scheduler.store.access import Role
from scheduler.store.audit import audit_line, cli_actor, printable
from scheduler.store.db import Store, database_url, one_line, safe_url
from scheduler.store.migrations import current_revision
from scheduler.store.records import AuditAction, StoreError, VersionInfo

EXIT_REFUSED = 2


def default_actor() -> str:
    """``cli:<operating-system user>``."""
    return cli_actor()


def open_for_command(url: str | None, *, create: bool = False) -> Store:
    """The store for a command: ``StoreError`` (one line) when it is missing or unusable."""
    return repo.open_store(url or None, create=create)


def refused(exc: BaseException) -> int:
    """Say why on one line of stderr; the exit status for a refused request."""
    message = str(exc) if isinstance(exc, StoreError | ValueError) else one_line(exc)
    print(f"error: {message}", file=sys.stderr)
    return EXIT_REFUSED


# --------------------------------------------------------------------------- store …


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "store",
        help="plan store: versions, publishing, identities, feed tokens, audit, retention",
        description="Manage the plan store (SQLite by default; PostgreSQL via --db or "
        "SCHEDULER_DB_URL).",
    )
    parser.add_argument("--db", metavar="URL", help="database URL (default: see docs/store.md)")
    parser.add_argument(
        "--actor",
        help="whom you act for, recorded beside your operating-system user in the audit log "
        "(cli:<user> for <ACTOR>)",
    )
    actions = parser.add_subparsers(dest="store_command", metavar="ACTION", required=True)

    actions.add_parser("init", help="create or migrate the store").set_defaults(
        store=_init, create=True
    )

    versions = actions.add_parser("versions", help="list plan versions, newest first")
    versions.add_argument("--limit", type=int, default=None)
    versions.set_defaults(store=_versions)

    show = actions.add_parser("show", help="one version's key figures")
    show.add_argument("version", type=int)
    show.set_defaults(store=_show)

    compare = actions.add_parser("compare", help="KPI deltas and changed appointments")
    compare.add_argument("before", type=int)
    compare.add_argument("after", type=int)
    compare.set_defaults(store=_compare)

    publish = actions.add_parser("publish", help="make a version the published plan")
    publish.add_argument("version", type=int)
    publish.set_defaults(store=_publish)

    export = actions.add_parser("export", help="write a version as a plan folder")
    export.add_argument("version", type=int)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(store=_export)

    identities = actions.add_parser("identities", help="who may sign in, as what")
    who = identities.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    who.add_parser("list").set_defaults(store=_identities_list)
    set_identity = who.add_parser("set", help="add or change an identity")
    set_identity.add_argument("email")
    set_identity.add_argument("role", choices=[r.value for r in Role])
    set_identity.add_argument("--setting", help="the setting id (role setting only)")
    set_identity.add_argument("--name", default="", help="display name")
    set_identity.set_defaults(store=_identities_set)
    remove_identity = who.add_parser("remove")
    remove_identity.add_argument("email")
    remove_identity.set_defaults(store=_identities_remove)
    unbind = who.add_parser(
        "unbind", help="untie an identity from its provider account (the account was replaced)"
    )
    unbind.add_argument("email")
    unbind.set_defaults(store=_identities_unbind)

    tokens = actions.add_parser("tokens", help="calendar feed tokens")
    feeds = tokens.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    listing = feeds.add_parser("list")
    listing.add_argument("--all", action="store_true", help="include revoked tokens")
    listing.set_defaults(store=_tokens_list)
    for name, handler, text in (
        ("issue", _tokens_issue, "issue a new token (printed once)"),
        ("rotate", _tokens_rotate, "revoke the feed's tokens and issue a new one"),
        ("revoke", _tokens_revoke, "revoke every token of the feed"),
    ):
        command = feeds.add_parser(name, help=text)
        command.add_argument("kind", choices=["setting", "practitioner"])
        command.add_argument("target_id")
        if name != "revoke":
            command.add_argument(
                "--days",
                type=int,
                default=None,
                help="how many days the token works (default: $SCHEDULER_FEED_TOKEN_DAYS, "
                "else 365; 0: it does not expire)",
            )
        command.set_defaults(store=handler)

    audit = actions.add_parser("audit", help="the audit log, newest first")
    audit.add_argument("--limit", type=int, default=50)
    audit.add_argument("--action", choices=[a.value for a in AuditAction])
    audit.set_defaults(store=_audit)

    purge = actions.add_parser("purge", help="delete children's data of past terms")
    purge.add_argument(
        "--before",
        type=date.fromisoformat,
        default=None,
        help="terms that ended before this date (YYYY-MM-DD; default today)",
    )
    mode = purge.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="only say what would go")
    mode.add_argument("--yes", action="store_true", help="really delete")
    purge.set_defaults(store=_purge)

    outcomes = actions.add_parser("outcomes", help="outcomes recorded in the dashboard")
    recorded = outcomes.add_subparsers(dest="outcome_command", metavar="ACTION", required=True)
    export_outcomes = recorded.add_parser("export", help="write them as outcomes.csv")
    export_outcomes.add_argument("--out", type=Path, required=True, metavar="FILE")
    export_outcomes.set_defaults(store=_outcomes_export)

    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the store, run the action; a refused request or a store that cannot be used
    (bad URL, no store, unreachable server, read-only file) exits 2 with one line on stderr."""
    handler: Callable[[Store, argparse.Namespace], int] = args.store
    try:
        store = open_for_command(database_url(args.db), create=getattr(args, "create", False))
    except (StoreError, SQLAlchemyError, OSError) as exc:
        return refused(exc)
    try:
        return handler(store, args)
    except (StoreError, ValueError, SQLAlchemyError, OSError) as exc:
        return refused(exc)
    finally:
        store.dispose()


def _actor(args: argparse.Namespace) -> str:
    return cli_actor(args.actor)


def _init(store: Store, args: argparse.Namespace) -> int:

    print(f"{safe_url(store.url)}: schema {current_revision(store.engine)}")
    return 0


def _version_line(v: VersionInfo) -> str:
    k = v.kpis
    flags = ("published " if v.published else "") + ("purged " if v.purged else "")
    return (
        f"{v.version:>4}  {v.saved_at:%Y-%m-%d %H:%M}Z  {printable(v.saved_by):<28} "
        f"{k.get('scheduled', '?')}/{k.get('children_due', '?')} seen  "
        f"{k.get('status', '?'):<8} {printable(v.term_name)}  {flags}{printable(v.note)}"
    ).rstrip()


def _versions(store: Store, args: argparse.Namespace) -> int:
    versions = repo.list_versions(store, limit=args.limit)
    if not versions:
        print("no plan versions yet")
    for v in versions:
        print(_version_line(v))
    return 0


def _show(store: Store, args: argparse.Namespace) -> int:
    info = repo.version_info(store, args.version)
    print(_version_line(info))
    print(f"  data {info.dataset_hash[:12]} (dataset {info.dataset_id}), config {info.config_id}")
    for key, value in info.kpis.items():
        print(f"  {key:<22} {value}")
    return 0


def _compare(store: Store, args: argparse.Namespace) -> int:
    comparison = repo.compare_versions(store, args.before, args.after)
    for k in comparison.changed_kpis:
        delta = f" ({k.delta:+g})" if k.delta is not None else ""
        print(f"  {k.key:<22} {k.before} -> {k.after}{delta}")
    for link in comparison.links:
        print(f"  link {link.setting_id}: {link.before or '-'} -> {link.after or '-'}")
    for change in comparison.appointments:
        what = ", ".join(change.fields) if change.fields else ""
        print(f"  {change.kind:<8} {change.child_id} at {change.setting_id} {what}".rstrip())
    print(
        f"{len(comparison.appointments)} appointment(s) changed, "
        f"{comparison.unchanged_appointments} unchanged"
    )
    return 0


def _publish(store: Store, args: argparse.Namespace) -> int:
    info = repo.publish(store, args.version, actor=_actor(args))
    print(f"version {info.version} is now the published plan")
    return 0


def _export(store: Store, args: argparse.Namespace) -> int:

    write_plan(repo.load_plan(store, args.version), args.out)
    print(f"version {args.version} written to {args.out}")
    return 0


def _identities_list(store: Store, args: argparse.Namespace) -> int:
    bound = repo.bound_identities(store)
    for identity in repo.list_identities(store):
        scope = f" {identity.setting_id}" if identity.setting_id else ""
        account = "signed in" if identity.subject in bound else "not yet signed in"
        print(
            f"{printable(identity.subject):<40} {identity.role.value}{printable(scope)}  "
            f"({account})  {printable(identity.display_name)}".rstrip()
        )
    return 0


def _identities_unbind(store: Store, args: argparse.Namespace) -> int:
    unbound = repo.unbind_identity(store, args.email, actor=_actor(args))
    print(
        "untied: the next sign-in with a verified address ties it again" if unbound else "not tied"
    )
    return 0


def _identities_set(store: Store, args: argparse.Namespace) -> int:
    identity = repo.set_identity(
        store,
        args.email,
        args.role,
        setting_id=args.setting,
        display_name=args.name,
        actor=_actor(args),
    )
    print(f"{identity.subject} is a {identity.role.value}")
    return 0


def _identities_remove(store: Store, args: argparse.Namespace) -> int:
    removed = repo.remove_identity(store, args.email, actor=_actor(args))
    print("removed" if removed else "no such identity")
    return 0 if removed else 1


def _tokens_list(store: Store, args: argparse.Namespace) -> int:
    for t in repo.list_feed_tokens(store, include_revoked=args.all):
        if t.revoked_at is not None:
            state = f"revoked {t.revoked_at:%Y-%m-%d}"
        elif t.expires_at is None:
            state = "active, no expiry"
        else:
            state = f"{'expired' if t.expired else 'active, expires'} {t.expires_at:%Y-%m-%d}"
        print(f"{t.token_id:>4}  {t.kind:<12} {t.target_id:<12} {t.created_at:%Y-%m-%d}  {state}")
    return 0


def _print_token(issued: repo.IssuedToken) -> None:
    print(f"New feed token for {issued.kind} {issued.target_id} (shown once; keep it secret):")
    print(issued.token)
    until = f"until {issued.expires_at:%Y-%m-%d}" if issued.expires_at else "with no expiry"
    print(f"It works {until}. Subscribe to <dashboard address>/feeds/<token>.ics.")


def _tokens_issue(store: Store, args: argparse.Namespace) -> int:
    issued = repo.issue_feed_token(
        store, args.kind, args.target_id, actor=_actor(args), lifetime_days=args.days
    )
    _print_token(issued)
    return 0


def _tokens_rotate(store: Store, args: argparse.Namespace) -> int:
    issued = repo.rotate_feed_token(
        store, args.kind, args.target_id, actor=_actor(args), lifetime_days=args.days
    )
    _print_token(issued)
    return 0


def _tokens_revoke(store: Store, args: argparse.Namespace) -> int:
    count = repo.revoke_feed_tokens(store, args.kind, args.target_id, actor=_actor(args))
    print(f"{count} token(s) revoked")
    return 0


def _audit(store: Store, args: argparse.Namespace) -> int:
    action = AuditAction(args.action) if args.action else None
    for entry in repo.list_audit(store, limit=args.limit, action=action):
        print(audit_line(entry))
    return 0


def _purge(store: Store, args: argparse.Namespace) -> int:
    before = args.before or date.today()
    report = repo.purge_past_terms(store, before=before, actor=_actor(args), dry_run=args.dry_run)
    verb = "would delete" if report.dry_run else "deleted"
    print(
        f"{verb} the children's data of terms ending before {before}: "
        f"{len(report.datasets)} dataset(s), version(s) {list(report.versions)}, "
        f"{report.appointment_pins} appointment pin(s), {report.outcomes} outcome(s)"
    )
    if not report.reclaimed:
        print(f"warning: {report.reclaim_note}", file=sys.stderr)
        return 1
    return 0


def _outcomes_export(store: Store, args: argparse.Namespace) -> int:
    """Every stored outcome as ``outcomes.csv`` (written whole, then audited)."""
    import os

    from scheduler.io.write_data import outcomes_csv

    outcomes = repo.stored_outcomes(store)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(outcomes_csv(outcomes), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    repo.append_audit(
        store,
        _actor(args),
        AuditAction.OUTCOMES_EXPORTED,
        target="outcomes.csv",
        details={"outcomes": len(outcomes)},
    )
    print(f"{len(outcomes)} outcome(s) written to {out}")
    return 0
