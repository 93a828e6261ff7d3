"""Workspaces on disk: one JSON file per draft under the store folder, written atomically after every change.

`<store>/drafts/<owner>/<id>.json` holds the whole workspace and `<id>.card.json` the few lines the list of
saved drafts shows. Each signed-in user has a folder of their own (named by a hash of the user name), so a
user reaches only their own drafts, whatever id a browser sends; without a login everyone shares one folder.
Changes to one workspace are made one at a time (`editing`), so two tabs on one draft lose nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from reportassist.app.workspace import ID_PATTERN, Workspace, new_id
from reportassist.errors import InputError
from reportassist.fileio import write_atomic

__all__ = ["Card", "DraftBook"]


class Card(BaseModel):
    """A saved draft as the list shows it."""

    id: str
    title: str
    updated: datetime


class DraftBook:
    def __init__(self, store: Path) -> None:
        self.root = store / "drafts"
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @staticmethod
    def blank(owner: str | None) -> Workspace:
        """A new workspace, not saved until it holds something."""
        now = datetime.now().astimezone()
        return Workspace(id=new_id(), owner=owner, created=now, updated=now)

    def exists(self, draft_id: str | None, owner: str | None) -> bool:
        return (
            draft_id is not None
            and ID_PATTERN.fullmatch(draft_id) is not None
            and self._path(draft_id, owner).exists()
        )

    def load(self, draft_id: str, owner: str | None) -> Workspace:
        """The workspace `draft_id` of `owner`; `InputError` where there is none or it is damaged."""
        if not self.exists(draft_id, owner):
            raise InputError("找不到这份草稿：可能已被删除，或属于其他用户。")
        try:
            return Workspace.model_validate_json(self._path(draft_id, owner).read_bytes())
        except (OSError, ValidationError, ValueError) as exc:
            raise InputError("这份草稿的文件已损坏或由其他版本的程序保存，无法打开；请新建草稿。") from exc

    def save(self, workspace: Workspace) -> None:
        workspace.updated = datetime.now().astimezone()
        folder = self._folder(workspace.owner)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{workspace.id}.json", workspace.model_dump_json().encode("utf-8"))
        card = Card(id=workspace.id, title=workspace.title(), updated=workspace.updated)
        write_atomic(folder / f"{workspace.id}.card.json", card.model_dump_json().encode("utf-8"))

    def copy(self, workspace: Workspace) -> Workspace:
        """A copy of `workspace` under a new id, saved: the draft as it was, kept before drafting anew."""
        copied = workspace.model_copy(update={"id": new_id()}, deep=True)
        self.save(copied)
        return copied

    def cards(self, owner: str | None) -> list[Card]:
        """The owner's saved drafts, the latest first; a card that cannot be read is left out."""
        cards = []
        for path in self._folder(owner).glob("*.card.json"):
            try:
                cards.append(Card.model_validate_json(path.read_bytes()))
            except (OSError, ValidationError, ValueError):
                continue
        return sorted(cards, key=lambda c: c.updated, reverse=True)

    @contextmanager
    def editing(self, draft_id: str | None, owner: str | None) -> Iterator[Workspace]:
        """The workspace `draft_id` of `owner` (a new one where there is none), held against other changes to
        it; saved when the block ends without an error, a new one only once it holds something."""
        if draft_id is None or not self.exists(draft_id, owner):
            workspace = self.blank(owner)
            yield workspace
            if not workspace.is_blank():
                self.save(workspace)
            return
        with self._lock(draft_id):
            workspace = self.load(draft_id, owner)
            yield workspace
            self.save(workspace)

    def _lock(self, draft_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(draft_id, threading.Lock())

    def _folder(self, owner: str | None) -> Path:
        if owner is None:
            return self.root / "shared"
        return self.root / ("user-" + hashlib.sha256(owner.encode("utf-8")).hexdigest()[:16])

    def _path(self, draft_id: str, owner: str | None) -> Path:
        return self._folder(owner) / f"{draft_id}.json"
