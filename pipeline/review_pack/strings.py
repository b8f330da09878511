"""The review pack's interface strings: English msgids, translated by locale/<lang>.po."""

from __future__ import annotations

from pathlib import Path

from babel import Locale

from pipeline.i18n import text_direction, translations

LOCALE_DIR = Path(__file__).parent / "locale"

# Keys the template and the script use, and their English msgids. {name} placeholders are
# filled in by the script (or by `interface` for the page's fixed words).
STRINGS: dict[str, str] = {
    "page_title": "Review of the translation: {edition}",
    "intro": "{publication}: {count} segments to review. Your work is saved in this browser "
    "as you go. Nothing is sent anywhere: at the end you download a small review file and "
    "send it to the office.",
    "skip": "Skip to the segments",
    "noscript": "This page needs JavaScript. Open it in a current browser, such as Chrome, "
    "Firefox or Safari.",
    "name_heading": "Your name",
    "name_label": "Your name",
    "name_hint": "It is recorded with each of your decisions.",
    "name_button": "Save name",
    "name_first": "Enter your name first, then save it.",
    "segments": "Segments",
    "pages": "Pages",
    "showing": "Segments {from} to {to} of {total}",
    "progress": "Decided: {done} of {total}",
    "previous_page": "Previous page",
    "next_page": "Next page",
    "page_of": "Page {page} of {pages}",
    "segment_of": "Segment {n} of {total}",
    "status_draft": "draft",
    "status_stale": "German changed",
    "status_missing": "not translated",
    "status_approved": "approved",
    "section": "Section:",
    "german": "German",
    "term_is": "(glossary term):",
    "no_definition": "no definition in the glossary",
    "context": "Context: the German before and after",
    "before": "Before:",
    "after": "After:",
    "what_changed": "What changed in the German",
    "diff_legend": "Struck through: removed. Underlined: added.",
    "removed": "removed:",
    "added": "added:",
    "translation": "Translation",
    "no_translation": "There is no translation yet.",
    "by_machine": "Machine translation (DeepL), not yet checked by a person.",
    "by_person": "Written by {name}.",
    "by_unnamed": "Written by a person.",
    "approved_by": "Approved by {name}, {time}.",
    "kept_by": "Approval kept: {record}",
    "sent_back_by": "Sent back: {record}",
    "previous_translation": "The translation approved before",
    "suggestion": "Machine suggestion for the new German",
    "findings": "Automatic checks found",
    "notes": "Notes",
    "decision_for": "Your decision on segment {n}",
    "approve": "Approve",
    "edit": "Edit and approve",
    "edit_second": "Edit and save for a second reviewer",
    "keep": "Keep the approval",
    "send_back": "Send back",
    "four_eyes_own": "You wrote this draft. A second reviewer must approve it.",
    "your_translation": "Your translation",
    "direction": "Switch the writing direction",
    "comment_optional": "Comment (optional; needed if the terms differ from the glossary)",
    "reason_findings": "Why is the translation right despite the checks?",
    "reason_keep": "Why does the change of the German not affect the translation?",
    "reason_send_back": "What should change?",
    "submit_edit": "Save and approve",
    "submit_second": "Save for a second reviewer",
    "cancel": "Cancel",
    "text_required": "Write the translation.",
    "comment_required": "This field is required.",
    "your_decision": "Your decision:",
    "your_comment": "Your comment: {comment}",
    "done_approve": "approved.",
    "done_edit": "edited and approved.",
    "done_saved": "edited, for a second reviewer.",
    "done_keep": "approval kept.",
    "done_send_back": "sent back.",
    "undo": "Undo this decision",
    "saved": "Saved: segment {n}, {decision}",
    "saved_undo": "Saved: decision on segment {n} undone.",
    "saved_name": "Saved: your name, {name}.",
    "saved_page": "Page changed.",
    "not_saved": "This browser does not save your work. Download the review file before "
    "you close the page.",
    "finish_heading": "Finish",
    "finish_text": "When you are done, or want to stop for now, download the review file and "
    "send it to the office by e-mail or messenger. You can go on later: your work stays in "
    "this browser.",
    "finish_button": "Finish and download the review file",
    "nothing_yet": "You have not decided on any segment yet.",
    "downloaded": "Downloaded {file} with {count} decisions. Please send this file to the office.",
}


def interface_language(lang: str) -> str:
    """Return the pack's interface language: the reviewer's, if there is a catalog, else German."""
    language = Locale.parse(lang, sep="-").language
    if language == "en":
        return lang  # the msgids are English
    for name in (lang, language):
        if (LOCALE_DIR / f"{name}.po").is_file():
            return name
    return "de"


def interface(lang: str, values: dict[str, str | int]) -> tuple[dict[str, str], str]:
    """Return every string in the interface language, and the page's direction."""
    ui = interface_language(lang)
    gettext = translations(ui, LOCALE_DIR).gettext
    strings = {key: gettext(msgid) for key, msgid in STRINGS.items()}
    for key in ("page_title", "intro"):
        strings[key] = strings[key].format(**values)
    return strings, text_direction(ui)
