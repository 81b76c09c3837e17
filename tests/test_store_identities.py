"""Who may sign in, as what (scheduler/store/identities.py): plain e-mail addresses, a setting
user only for a setting in the data, never without a coordinator, and an identity tied to the
provider account that first signed in with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_builders import fresh_store
from test_store import COORDINATOR, authority

from scheduler.store.access import Role
from scheduler.store.db import Store
from scheduler.store.identities import (
    LastCoordinator,
    bound_identities,
    check_email,
    get_identity,
    list_identities,
    remove_identity,
    set_identity,
    sign_in,
    unbind_identity,
)
from scheduler.store.records import UnknownTarget
from scheduler.store.stored_data import save_dataset


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


def claims(email: str, subject: str = "sub-1", verified: object = True) -> dict[str, object]:
    return {
        "email": email,
        "email_verified": verified,
        "iss": "https://id.example.org",
        "sub": subject,
    }


def test_addresses_are_lower_cased_and_must_be_plain(store: Store) -> None:
    """One address, any case, is one identity; anything else is refused."""
    set_identity(store, "Boss@Example.ORG", Role.COORDINATOR, actor="cli:sam")
    identity = get_identity(store, "boss@example.org")
    assert identity is not None and identity.role is Role.COORDINATOR
    for bad in ("boss", "a@b@c", "two words@example.org"):
        with pytest.raises(ValueError):
            check_email(bad)


def test_a_setting_user_needs_a_setting_in_the_data(store: Store) -> None:
    """An id the stored data do not hold would open nothing today and maybe the wrong
    setting tomorrow."""
    with pytest.raises(UnknownTarget):
        set_identity(store, "n@example.org", Role.SETTING, setting_id="S001", actor="cli:sam")
    save_dataset(store, authority(), actor=COORDINATOR)
    set_identity(store, "n@example.org", Role.SETTING, setting_id="S001", actor="cli:sam")
    assert [i.setting_id for i in list_identities(store)] == ["S001"]


def test_the_last_coordinator_can_be_neither_removed_nor_demoted(store: Store) -> None:
    """The store always keeps someone able to manage it."""
    set_identity(store, "a@example.org", Role.COORDINATOR, actor="cli:sam")
    with pytest.raises(LastCoordinator):
        remove_identity(store, "a@example.org", actor="cli:sam")
    with pytest.raises(LastCoordinator):
        set_identity(store, "a@example.org", Role.SERVICE_LEAD, actor="cli:sam")
    set_identity(store, "b@example.org", Role.COORDINATOR, actor="cli:sam")
    assert remove_identity(store, "a@example.org", actor="cli:sam")
    assert not remove_identity(store, "a@example.org", actor="cli:sam")


def test_sign_in_binds_the_first_account_and_refuses_another(store: Store) -> None:
    """Unverified, unknown or a second provider account: refused with a reason; the first
    verified sign-in ties the identity, and unbinding frees it for a new account."""
    set_identity(store, "a@example.org", Role.COORDINATOR, actor="cli:sam")
    assert sign_in(store, claims("a@example.org", verified="true")).refusal == "unverified"
    assert sign_in(store, claims("x@example.org")).refusal == "unknown"
    assert sign_in(store, {"email_verified": True}).refusal == "no_email"
    first = sign_in(store, claims("A@example.org"))
    assert first.identity is not None and bound_identities(store) == {"a@example.org"}
    assert sign_in(store, claims("a@example.org", subject="sub-2")).refusal == "other_account"
    assert unbind_identity(store, "a@example.org", actor="cli:sam")
    assert sign_in(store, claims("a@example.org", subject="sub-2")).identity is not None
