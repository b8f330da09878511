"""The review app's interface strings that are not literal in a template: statuses and
actions shown by their name. Listed here so that the catalogs in locale/ hold them."""

from __future__ import annotations


def _(text: str) -> str:
    return text


DYNAMIC = (
    # statuses
    _("missing"),
    _("draft"),
    _("approved"),
    _("stale"),
    # the actions of a form
    _("approve"),
    _("edit"),
    _("save"),
    _("send_back"),
    _("keep"),
    # the actions of the history
    _("machine draft"),
    _("drafted"),
    _("edited and approved"),
    _("saved for a second reviewer"),
    _("kept"),
    _("sent back"),
    _("conflict"),
    _("imported"),
    # pages.py
    _("Give your name first: it is recorded with every approval."),
)
