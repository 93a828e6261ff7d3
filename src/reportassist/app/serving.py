"""Starting the web app: Gradio made quiet and offline before it is imported, the shared services opened,
the page served on loopback unless told otherwise."""

from __future__ import annotations

import ipaddress
import os
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from reportassist.errors import InputError
from reportassist.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from reportassist.app.ui import Server

__all__ = ["exposure_warning", "parse_users", "serve"]


def parse_users(entries: list[str]) -> list[tuple[str, str]]:
    """USER:PASSWORD entries, each possibly several separated by commas, as (user, password) pairs."""
    users: list[tuple[str, str]] = []
    for entry in entries:
        for item in (part.strip() for part in entry.split(",")):
            if not item:
                continue
            user, colon, password = item.partition(":")
            if not colon or not user.strip() or not password:
                raise InputError(f"用户“{item}”的写法不对：应为“用户名:密码”，多个用户以逗号分隔。")
            users.append((user.strip(), password))
    return users


def exposure_warning(host: str, users: list[tuple[str, str]]) -> str | None:
    """What to say on start when the app is reachable from other machines without a password."""
    if users or host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"警告：应用在 {host} 上开放，且没有设置密码：同一网络中的任何人都能打开页面、查看和修改草稿。"
        "请用 --auth 用户名:密码（或 REPORTASSIST_AUTH）设置密码。"
    )


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 7860,
    users: list[tuple[str, str]] | None = None,
    model: BaseChatModel | None = None,
    block: bool = True,
) -> Server:
    """Serve the app; with `block`, until interrupted, else in the background (stop it with `.stop()`).
    `model` (optional) serves the chat's rewrites and, where staff leave them on, the rewrites in drafting."""
    # Before Gradio is first imported: no analytics, no version check, no telemetry.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    from reportassist.app import ui
    from reportassist.app.actions import Services
    from reportassist.app.book import DraftBook
    from reportassist.app.library import Library

    warning = exposure_warning(host, users or [])
    if warning is not None:
        print(warning, file=sys.stderr)
    store = settings.store.expanduser()
    store.mkdir(parents=True, exist_ok=True)
    exports = Path(tempfile.mkdtemp(prefix="reportassist-exports-"))
    services = Services(
        settings=settings, book=DraftBook(store), library=Library(settings), model=model, exports=exports
    )
    try:
        server = ui.launch(services, host, port, users or [])
    except OSError as exc:
        shutil.rmtree(exports, ignore_errors=True)
        raise InputError(
            f"无法在 {host}:{port} 上启动：{exc}。端口可能已被占用，请用 --port 换一个。"
        ) from exc

    def stop_all() -> None:
        server.stop()
        services.library.close()
        shutil.rmtree(exports, ignore_errors=True)

    running = replace(server, stop=stop_all)
    print(f"已启动：请在浏览器中打开 {running.url}（按 Ctrl+C 停止）", file=sys.stderr)
    if block:
        try:
            running.wait()
        except KeyboardInterrupt:
            pass
        finally:
            running.stop()
    return running
