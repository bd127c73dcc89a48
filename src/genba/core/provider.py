"""The provider's numbers: office phone, urgent line and office hours, as plain values and words.

Pure Python, no Django: the completeness check (orders.completeness) says them in its findings,
and the e-mails and pages say them with the same sentences. `genba.billing.selectors.
provider_contact()` reads them from the provider's profile; everything that shows them goes
through it.

Office hours are weekdays with one opening and one closing time in Asia/Tokyo (the provider and
its engineers are in Japan), plus a short free note ("closed on national holidays"). A profile
without numbers gives a `ProviderContact()` whose sentences are empty: every caller then says
what it said before ("please call us"), never "None".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import phonenumbers

OFFICE_ZONE = "Asia/Tokyo"
NOTE_MAX = 200
DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAYS_JA = ("月", "火", "水", "木", "金", "土", "日")


def display_phone(value: str) -> str:
    """A stored number as people read it: "+81 3-1234-5000"; as given when it does not parse."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else "JP")
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def day_ranges(days: tuple[int, ...], names: tuple[str, ...], dash: str, sep: str) -> str:
    """Weekdays as people write them: (0, 1, 2, 3, 4) is "Mon–Fri", (0, 2) is "Mon, Wed"."""
    runs: list[list[int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return sep.join(
        names[r[0]] if len(r) == 1 else f"{names[r[0]]}{dash}{names[r[-1]]}" for r in runs
    )


@dataclass(frozen=True)
class ProviderContact:
    name_en: str = ""
    name_ja: str = ""
    office_phone: str = ""  # as stored (E.164 when saved through the settings page)
    urgent_phone: str = ""
    office_days: tuple[int, ...] = ()  # 0 = Monday
    office_opens: time | None = None  # Asia/Tokyo
    office_closes: time | None = None
    office_note: str = ""

    # --- parts -----------------------------------------------------------------------------------

    @property
    def office(self) -> str:
        return display_phone(self.office_phone)

    @property
    def urgent(self) -> str:
        return display_phone(self.urgent_phone)

    @property
    def has_hours(self) -> bool:
        return (
            bool(self.office_days)
            and self.office_opens is not None
            and self.office_closes is not None
        )

    @property
    def is_blank(self) -> bool:
        return not (self.office or self.urgent)

    def hours(self, language: str) -> str:
        """ "Mon–Fri 09:00–18:00 JST" / "月〜金 9:00〜18:00（日本時間）", with the note; "" if unset."""
        if not self.has_hours:
            return ""
        opens, closes = f"{self.office_opens:%H:%M}", f"{self.office_closes:%H:%M}"
        note = self.office_note.strip()
        if language == "ja":
            text = (
                f"{day_ranges(self.office_days, DAYS_JA, '〜', '・')} {opens}〜{closes}（日本時間）"
            )
            return f"{text}、{note}" if note else text
        text = f"{day_ranges(self.office_days, DAYS_EN, '–', ', ')} {opens}–{closes} JST"
        return f"{text}; {note}" if note else text

    def is_open(self, moment: datetime) -> bool:
        """Whether the office answers at `moment` (aware); False when no hours are set."""
        if not self.has_hours:
            return False
        local = moment.astimezone(ZoneInfo(OFFICE_ZONE))
        assert self.office_opens is not None and self.office_closes is not None
        return (
            local.weekday() in self.office_days
            and self.office_opens <= local.time() < self.office_closes
        )

    # --- sentences -------------------------------------------------------------------------------

    def call(self, language: str) -> str:
        """Which number to call, and when: the office in its hours, the urgent line outside them.
        "" when no number is set (the caller then keeps its sentence without a number)."""
        office, urgent, hours = self.office, self.urgent, self.hours(language)
        if language == "ja":
            parts = []
            if office:
                parts.append(f"代表電話 {office}" + (f"（受付時間：{hours}）" if hours else ""))
            if urgent:
                parts.append(f"受付時間外は緊急窓口 {urgent}" if office else f"緊急窓口 {urgent}")
            return "、".join(parts)
        parts = []
        if office:
            parts.append(f"our office on {office}" + (f" ({hours})" if hours else ""))
        if urgent:
            parts.append(
                f"outside office hours, our urgent line on {urgent}"
                if office
                else f"our urgent line on {urgent}"
            )
        return "; ".join(parts)

    def lines(self, language: str) -> list[str]:
        """The numbers as lines for a signature or a page's footer ([] when none is set)."""
        out = []
        hours = self.hours(language)
        if language == "ja":
            if self.office:
                out.append(f"電話：{self.office}" + (f"（受付時間：{hours}）" if hours else ""))
            if self.urgent:
                out.append(f"緊急窓口（受付時間外）：{self.urgent}")
        else:
            if self.office:
                out.append(f"Phone: {self.office}" + (f" ({hours})" if hours else ""))
            if self.urgent:
                out.append(f"Urgent line (outside office hours): {self.urgent}")
        return out

    def signature(self, language: str) -> str:
        """The e-mail signature: the provider's name and numbers, "" when nothing is set."""
        name = (
            (self.name_ja or self.name_en) if language == "ja" else (self.name_en or self.name_ja)
        )
        lines = [line for line in (name, *self.lines(language)) if line]
        if not self.lines(language):
            return ""
        return "\n\n-- \n" + "\n".join(lines)
