"""Which language the window speaks, and the translators that make it speak it.

English is the source language: every visible string is written in English in the code and
marked for Qt's translation system: `translate("Context", "text")`, `Plural.tr("%Ln image(s)",
"", n)` for a count, or `QT_TRANSLATE_NOOP` in the Qt-free core. The German texts live in Qt
Linguist sources, `resources/translations/retouchdesk_de.ts`; `retouchdesk_en.ts` holds only
the English plural forms ("1 image", "2 images"). Both are compiled to `.qm` by the installer
or, in a source tree or pip install, at their first use (ui/translation_files.py).

The language follows the Settings choice, or the system's when that says "system": the GNU
`LANGUAGE` list first, then `LC_ALL`, `LC_MESSAGES` and `LANG`, the order gettext reads them.
It is chosen once at start-up, before any window is built; a change in Settings applies at
the next start (the dialog says so).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

from app.domain.choices import Language

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
TRANSLATED_LANGUAGES = ("de",)
SUPPORTED_LANGUAGES = (SOURCE_LANGUAGE, *TRANSLATED_LANGUAGES)
# Where the system names its language, in the order gettext reads them.
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`QCoreApplication.translate` under the name lupdate looks for: modules without a
    QObject of their own call `translate("Context", "text")` with literal arguments."""
    return QCoreApplication.translate(context, text, disambiguation, n)


class Plural:
    """Messages with a count, in the context "Plural": `Plural.tr("Added %Ln image(s)", "", n)`.

    lupdate marks a message as having plural forms only when it is written as a `tr()` call
    with a count (it does not for `translate()`), so counts go through this one class. Qt puts
    the number in for `%Ln` (in the locale's digits) and picks the form the language needs;
    English's forms come from retouchdesk_en.ts, the source's "(s)" is their fallback."""

    @staticmethod
    def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate("Plural", text, disambiguation, n)


def system_languages(environ: Mapping[str, str] | None = None) -> list[str]:
    """Language codes the environment asks for, most wanted first: 'de', 'en', ...

    `LANGUAGE` is a colon-separated list ("fr:de"); the others hold one locale name
    ("de_DE.UTF-8", "de_AT@euro"). "C" and "POSIX" name no language and are passed over.
    """
    env = os.environ if environ is None else environ
    wanted: list[str] = []
    for variable in LANGUAGE_VARIABLES:
        for name in env.get(variable, "").split(":"):
            code = language_code(name)
            if code and code not in wanted:
                wanted.append(code)
    return wanted


def language_code(locale_name: str) -> str:
    """'de_DE.UTF-8' -> 'de'; '' for no language ('', 'C', 'POSIX', 'C.UTF-8')."""
    code = locale_name.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0]
    code = code.lower()
    return "" if code in ("", "c", "posix") else code


def choose_language(choice: str, environ: Mapping[str, str] | None = None) -> str:
    """The language to show: the Settings choice, else the first supported system one, else
    English."""
    if choice in SUPPORTED_LANGUAGES:
        return choice
    if choice != Language.SYSTEM:
        logger.warning("unknown language choice %r; following the system", choice)
    for code in system_languages(environ):
        if code in SUPPORTED_LANGUAGES:
            return code
    return SOURCE_LANGUAGE


def formatting_locale(language: str, system: QLocale | None = None) -> QLocale:
    """How numbers, money and dates read: the system's locale when it speaks the window's
    language (so de_AT or en_GB keep their own conventions), else that language's main one
    (German: 0,10 €; English: €0.10)."""
    system = QLocale.system() if system is None else system
    if QLocale(language).language() == system.language():
        return system
    return QLocale(language)


@dataclass(frozen=True)
class LanguageSetup:
    language: str
    locale: QLocale
    translators: tuple[QTranslator, ...]


def install(
    choice: str,
    parent: QObject,
    environ: Mapping[str, str] | None = None,
    cache: Path | None = None,
) -> LanguageSetup:
    """Pick the language, make its locale the default and install its translators (the
    app's own and Qt's, for the standard buttons and dialogs). Call before building windows."""
    language = choose_language(choice, environ)
    locale = formatting_locale(language)
    QLocale.setDefault(locale)
    translators: list[QTranslator] = []
    # English too: its plural forms. (No English source at all is fine: "(s)" shows.)
    own = load_app_translator(language, parent, cache)
    if own is not None:
        translators.append(own)
    if language != SOURCE_LANGUAGE:
        qt = QTranslator(parent)
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{language}", qt_folder):
            translators.append(qt)
        else:
            logger.info("no Qt translation for %s in %s", language, qt_folder)
    for translator in translators:
        QCoreApplication.installTranslator(translator)
    logger.info("language %s (choice %s), locale %s", language, choice, locale.name())
    return LanguageSetup(language, locale, tuple(translators))


def uninstall(setup: LanguageSetup) -> None:
    """Take the translators off again (tests that switch language)."""
    for translator in setup.translators:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())


def load_app_translator(
    language: str, parent: QObject | None = None, cache: Path | None = None
) -> QTranslator | None:
    """The compiled `retouchdesk_<language>.qm`, or None (logged) when there is none: a tree
    where it cannot be compiled shows English rather than failing."""
    from ui.translation_files import compiled

    path = compiled(language, cache)
    translator = QTranslator(parent)
    if path is not None and translator.load(str(path)):
        return translator
    if language != SOURCE_LANGUAGE:
        logger.warning("no %s translation: the window stays in English", language)
    return None
