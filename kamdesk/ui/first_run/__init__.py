"""The first-run wizard: language, branch admin, HQ or local, then key accounts."""

from kamdesk.ui.first_run.wizard import FirstRunWizard, PageId

__all__ = ["FirstRunWizard", "PageId"]
