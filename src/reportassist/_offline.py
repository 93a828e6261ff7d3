"""Offline by promise: LangChain never sends traces anywhere, whatever the environment says.

Imported first by the package, before any module imports LangChain.
"""

import os

os.environ["LANGSMITH_TRACING"] = "false"
os.environ["LANGCHAIN_TRACING_V2"] = "false"
