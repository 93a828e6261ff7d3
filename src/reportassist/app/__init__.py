"""The web app for staff: a chat beside the draft, in the browser (Gradio).

`serve` starts it; importing this package starts nothing and does not import Gradio.
"""

from __future__ import annotations

from reportassist.app.serving import parse_users, serve

__all__ = ["parse_users", "serve"]
