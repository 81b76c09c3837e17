"""The store's whole API in one import (scheduler/store/repository.py): every name it lists is
there, is the very object of the module that owns it, and the module holds nothing else."""

from __future__ import annotations

import ast
import inspect

from scheduler.store import repository


def test_every_listed_name_exists_and_comes_from_its_owner() -> None:
    """``__all__`` names only what the module imports from the store's modules."""
    for name in repository.__all__:
        obj = getattr(repository, name)
        owner = getattr(obj, "__module__", "")
        assert owner.startswith("scheduler.store."), (name, owner)
        assert owner != "scheduler.store.repository", name


def test_everything_imported_is_listed() -> None:
    """A function imported but left out of ``__all__`` would be missed by callers' linters."""
    tree = ast.parse(inspect.getsource(repository))
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scheduler.store")
        for alias in node.names
    }
    assert imported == set(repository.__all__)


def test_the_module_defines_no_logic_of_its_own() -> None:
    """One import for callers, no second place where a rule could live."""
    tree = ast.parse(inspect.getsource(repository))
    assert not [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
