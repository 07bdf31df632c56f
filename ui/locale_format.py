"""Numbers, money, durations and dates as the window's locale writes them.

The core's `app.domain.formatting` writes them one way, for terminals and logs ("€0.10",
"4.2 s"); the window asks QLocale instead, so a German window says "0,10 €" and "4,2 s".
The locale is the default one `ui.i18n.install` set for the chosen language.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale

from ui.i18n import translate

EURO = "€"


def _locale() -> QLocale:
    """The default locale, with the bare "C" locale (a system with no LANG) read as English:
    "C" writes money as "0.10€" and dates as "3 12 2026", which nobody writes."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale("en_US")
    return locale


def money(credits: int) -> str:
    """Credits are euro cents (excluding VAT): '€0.10', '0,10 €', '-€1.20'."""
    locale = _locale()
    text = locale.toCurrencyString(abs(credits) / 100, EURO)
    # Some locales write a negative amount in accounting brackets: "(€1.20)". A balance that
    # would go below zero reads plainer with a minus sign.
    return locale.negativeSign() + text if credits < 0 else text


def number(value: int) -> str:
    return _locale().toString(value)


def percent(fraction: float) -> str:
    """'42 %' (a space before the sign in both languages, as the table always showed it)."""
    return f"{_locale().toString(round(fraction * 100))} %"


def duration(seconds: float) -> str:
    """'4.2 s', '2 min 05 s', '1 h 03 min'; '' for nothing measured yet."""
    if seconds <= 0:
        return ""
    if seconds < 60:
        return translate("Duration", "{seconds} s").format(
            seconds=_locale().toString(seconds, "f", 1)
        )
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return translate("Duration", "{minutes} min {seconds} s").format(
            minutes=minutes, seconds=f"{secs:02d}"
        )
    hours, minutes = divmod(minutes, 60)
    return translate("Duration", "{hours} h {minutes} min").format(
        hours=hours, minutes=f"{minutes:02d}"
    )


def timestamp(epoch_seconds: float) -> str:
    """A moment on this computer's clock, in the locale's short date and time; '—' for none."""
    if not epoch_seconds:
        return "—"
    moment = QDateTime.fromMSecsSinceEpoch(round(epoch_seconds * 1000))
    return _locale().toString(moment, QLocale.FormatType.ShortFormat)


def iso_date(iso: str | None) -> str:
    """The date part of a server's ISO 8601 time in the locale's short date format."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso[:10]
    local = QDateTime.fromMSecsSinceEpoch(round(moment.timestamp() * 1000)).date()
    return _locale().toString(local, QLocale.FormatType.ShortFormat)


def iso_timestamp(iso: str | None) -> str:
    """A server's ISO 8601 time ('2024-05-01T12:00:00.000Z') in local time and the locale's
    short format; the text itself when it does not parse (server text is never lost)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return timestamp(moment.timestamp())
