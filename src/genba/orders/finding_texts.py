"""The sentences of the completeness findings, in English and Japanese (orders.completeness).

The limits the rules use live here too, beside the sentences that state them.
"""

from __future__ import annotations

import re

MIN_DESCRIPTION_CHARS = 30
MAX_ENGINEERS = 10
MAPS_URL_PREFIXES = (
    "https://maps.app.goo.gl/",
    "https://goo.gl/maps/",
    "https://www.google.com/maps/",
)


# --- messages ----------------------------------------------------------------------------------------
# (English, Japanese) per code, or per "code:variant". Polite and actionable: what is missing, what to
# do. Visits, lines and contacts are numbered from 1 for people; `field` keeps the API's 0-based index.

LEVELS_JA = {"entry": "エントリー", "senior": "シニア", "specialist": "スペシャリスト"}
_MAPS_EN = ", ".join(MAPS_URL_PREFIXES[:-1]) + " or " + MAPS_URL_PREFIXES[-1]
_MAPS_JA = "、".join(MAPS_URL_PREFIXES[:-1]) + "または" + MAPS_URL_PREFIXES[-1]
_REMOTE_EN = "No remote engineer is named. {} the engineer on your side who will guide the work, with a phone number and an e-mail address or messenger handle."
_REMOTE_JA = "リモートエンジニア（貴社側で作業を指示するエンジニア）が登録されていません。電話番号と、メールアドレスまたはメッセンジャーIDとあわせて{}"
_CHANNEL_EN = "We have no {} for {{who_en}}. Please add {} so that our engineer can reach them during the visit."
_CHANNEL_JA = "{{who_ja}}の{}が登録されていません。訪問中に連絡が取れるよう、ご入力ください。"
_PHONE_EN, _PHONE_JA = "valid phone number with a country code", "国番号付きの有効な電話番号"
_WRITTEN_EN = "e-mail address or messenger handle (Skype, WhatsApp, LINE)"
_WRITTEN_JA = "メールアドレスまたはメッセンジャーID（Skype・WhatsApp・LINE）"

TEXT: dict[str, tuple[str, str]] = {
    # Not rows of the §2 table: a stored value that cannot be read (completeness.READ_CODES).
    "request.unreadable": (
        "This request holds a value Genba cannot read ({part_en}). Please correct it: until then the request cannot be fully checked or priced.",
        "この依頼には処理できない値が保存されています（{part_ja}）。修正をお願いします。修正されるまで、内容の確認と料金の計算ができません。",
    ),
    "request.start.out_of_range": (
        "Visit {n} is planned to start at {start}, which is not a date Genba can work with (years {first} to {last}). Please enter the real date and time of the visit.",
        "訪問{n}の開始日時（{start}）は処理できる範囲（{first}年〜{last}年）外の日時です。正しい訪問日時をご入力ください。",
    ),
    "request.reference.missing:required": (
        "No purchase order, case or ticket number is given. Please add it: we cannot release an engineer without it.",
        "発注番号（PO・ケース・チケット番号）が入力されていません。番号がないとエンジニアを手配できませんので、ご入力ください。",
    ),
    "request.reference.missing:optional": (
        "No purchase order, case or ticket number is given. If you have one, please add it so that it appears on the invoice.",
        "発注番号（PO・ケース・チケット番号）が入力されていません。請求書に記載いたしますので、お持ちの場合はご入力ください。",
    ),
    "request.start.missing:none": (
        "The request has no visit. Please add at least one visit with its planned start date and time.",
        "訪問予定が登録されていません。訪問開始の日時を1件以上ご入力ください。",
    ),
    "request.start.missing": (
        "Visit {n} has no planned start. Please enter the date and time the engineer should arrive.",
        "訪問{n}の開始日時が入力されていません。エンジニアの到着希望日時をご入力ください。",
    ),
    "request.start.past": (
        "Visit {n} is planned to start at {start}, which is in the past. Please choose a future date and time.",
        "訪問{n}の開始日時（{start}）は過去の日時です。今後の日時をご指定ください。",
    ),
    "request.start.short_notice": (
        "Visit {n} starts at {start}, less than {lead_en} from now. Please call us to confirm the visit; this is cleared once the call is recorded.",
        "訪問{n}の開始日時（{start}）まで{lead}時間を切っています。お電話で手配内容をご確認ください。通話が記録されると解消されます。",
    ),
    # With the provider's numbers (core.provider.ProviderContact.call): which number, and when.
    "request.start.short_notice:call": (
        "Visit {n} starts at {start}, less than {lead_en} from now. Please call us to confirm the visit: {call_en}. This is cleared once the call is recorded.",
        "訪問{n}の開始日時（{start}）まで{lead}時間を切っています。お電話（{call_ja}）で手配内容をご確認ください。通話が記録されると解消されます。",
    ),
    "request.start.after_hours": (
        "Part of visit {n}'s reserved time ({start} to {end}) is outside business hours ({business_en}); the after-hours rate applies to that part.",
        "訪問{n}の予約時間（{start}〜{end}）の一部が営業時間外です（営業時間：{business_ja}）。営業時間外の部分には時間外料金が適用されます。",
    ),
    "request.reserved_hours.defaulted": (
        "No reserved hours were given for visit {n}, so the policy default of {hours_en} applies, plus the policy's grace period. Please enter the hours you need if they differ.",
        "訪問{n}の予約時間が指定されていないため、規定の{hours}時間（および規定の猶予時間）が適用されます。必要な時間が異なる場合はご入力ください。",
    ),
    "request.reserved_hours.below_minimum": (
        "Visit {n} reserves {hours_en}, less than the minimum of {minimum_en}; the minimum of {minimum_en} is charged.",
        "訪問{n}の予約時間（{hours}時間）は最低料金時間（{minimum}時間）未満のため、{minimum}時間分をご請求します。",
    ),
    "request.reserved_hours.invalid": (
        "Visit {n} reserves {hours_en}. Reserved hours must be more than 0 and at most 24; please correct them.",
        "訪問{n}の予約時間（{hours}時間）が正しくありません。0時間を超え24時間以下でご指定ください。",
    ),
    "request.skill_level.defaulted": (
        "No skill level was given, so an engineer at the '{level}' level will be sent. If the work needs more experience, please choose a higher skill level.",
        "スキルレベルが指定されていないため、「{level_ja}」レベルのエンジニアを手配します。より高いスキルが必要な場合は、スキルレベルをご指定ください。",
    ),
    "request.engineers.invalid": (
        f"{{count}} engineers were requested; the number must be between 1 and {MAX_ENGINEERS}. Please correct it.",
        f"エンジニアの人数（{{count}}名）が正しくありません。1〜{MAX_ENGINEERS}名でご指定ください。",
    ),
    "request.language.missing": (
        "No working language is given. Please choose English, Japanese or both.",
        "作業言語が指定されていません。英語・日本語のいずれか、または両方をご指定ください。",
    ),
    "request.work_description.missing": (
        f"No work description is given. Please describe the work in at least {MIN_DESCRIPTION_CHARS} characters.",
        f"作業内容が入力されていません。{MIN_DESCRIPTION_CHARS}文字以上で作業内容をご記入ください。",
    ),
    "request.work_description.missing:short": (
        f"The work description is too short ({{length}} characters). Please describe the work in at least {MIN_DESCRIPTION_CHARS} characters so that the engineer can prepare.",
        f"作業内容が短すぎます（{{length}}文字）。エンジニアが準備できるよう、{MIN_DESCRIPTION_CHARS}文字以上でご記入ください。",
    ),
    "request.equipment.missing": (
        "No equipment is listed. Please add each device to be worked on with its make, model and serial number.",
        "対象機器が登録されていません。作業対象の機器ごとに、メーカー・型番・シリアル番号をご入力ください。",
    ),
    "request.equipment.serial_missing": (
        "Equipment line {n} ({label}) has no serial number. Please add it so that the engineer can identify the device.",
        "機器{n}（{label}）のシリアル番号が入力されていません。機器を特定できるよう、ご入力ください。",
    ),
    "request.items.non_standard": (
        "'{item}' is not part of the equipment our engineers bring. Please make sure it is available on site.",
        "「{item}」はエンジニアの標準携行品に含まれていません。現地でのご用意をお願いします。",
    ),
    "request.paperwork.pending": (
        "The paperwork '{what}' is not done yet. Please complete it: the request cannot be approved until then.",
        "書類「{what}」の手続きが完了していません。承認の前に完了をお願いします。",
    ),
    "request.paperwork.pending:unnamed": (
        "Paperwork item {n} is not done yet. Please complete it: the request cannot be approved until then.",
        "書類{n}の手続きが完了していません。承認の前に完了をお願いします。",
    ),
    "request.assistance.required": (
        "An entry-level engineer needs guidance. Please name a remote engineer who will guide the work, attach a work-instructions document, or choose a higher skill level.",
        "エントリーレベルのエンジニアには作業の指示が必要です。作業を指示するリモートエンジニアをご登録いただくか、作業手順書を添付いただくか、より高いスキルレベルをご指定ください。",
    ),
    "request.urgent.call_required": (
        "An immediate visit (urgency 4) must be confirmed by phone. Please call us; this is cleared once the call is recorded.",
        "緊急訪問（緊急度4）はお電話での確認が必要です。お電話ください。通話が記録されると解消されます。",
    ),
    "request.urgent.call_required:call": (
        "An immediate visit (urgency 4) must be confirmed by phone. Please call us: {call_en}. This is cleared once the call is recorded.",
        "緊急訪問（緊急度4）はお電話での確認が必要です。お電話ください（{call_ja}）。通話が記録されると解消されます。",
    ),
    "request.sla.no_retainer": (
        "An SLA was requested, but there is no active retainer contract, so the SLA is not guaranteed (we still track the visit against its targets). Please contact us about a retainer contract.",
        "SLAが指定されていますが、有効な保守契約（リテイナー契約）がないため、SLAは保証されません（目標時間に対する実績は記録します）。保守契約についてはお問い合わせください。",
    ),
    "site.missing": (
        "The request has no site. Please add the address where the work takes place.",
        "作業場所が登録されていません。作業先の住所をご入力ください。",
    ),
    "site.address.incomplete:prefecture": (
        "The site address has no prefecture. Please add it (for example 東京都 or Tokyo).",
        "作業場所の都道府県が入力されていません。ご入力ください（例：東京都）。",
    ),
    "site.address.incomplete:unknown": (
        "'{given}' is not a prefecture of Japan that we recognise. Please enter one of the 47 prefectures (for example 東京都 or Tokyo).",
        "「{given}」は都道府県として認識できません。47都道府県のいずれかをご入力ください（例：東京都）。",
    ),
    "site.address.incomplete:city": (
        "The site address has no city, ward, town or village. Please add it.",
        "作業場所の市区町村が入力されていません。ご入力ください。",
    ),
    "site.address.incomplete:street": (
        "The site address has no street address (district, block and building number). Please add it.",
        "作業場所の町名・番地が入力されていません。ご入力ください。",
    ),
    "site.postal_code.invalid:blank": (
        "The site has no postal code. Please add its 7-digit postal code (for example 100-0005).",
        "作業場所の郵便番号が入力されていません。7桁の郵便番号をご入力ください（例：100-0005）。",
    ),
    "site.postal_code.invalid:malformed": (
        "The postal code '{given}' is not 7 digits. Please enter the site's 7-digit postal code (for example 100-0005).",
        "郵便番号「{given}」が7桁ではありません。作業場所の7桁の郵便番号をご入力ください（例：100-0005）。",
    ),
    "site.postal_code.invalid": (
        "The postal code '{given}' is not a known Japanese postal code. Please check it.",
        "郵便番号「{given}」は登録されていない郵便番号です。ご確認ください。",
    ),
    "site.postal_code.mismatch": (
        "The postal code {code} belongs to {found_en}, but the prefecture given is {given_en}. Please check the address.",
        "郵便番号{code}は{found_ja}の番号ですが、都道府県は{given_ja}と入力されています。住所をご確認ください。",
    ),
    "site.not_covered": (
        "The site ({place}) is outside our service area. Please contact us to discuss whether we can arrange a visit.",
        "作業場所（{place}）はサービス対象地域外です。手配の可否についてお問い合わせください。",
    ),
    "site.travel_required": (
        "The site is in the '{zone}' zone, which needs travel and accommodation; these are charged at cost.",
        "作業場所は出張が必要な地域（{zone}）です。交通費・宿泊費は実費にてご請求します。",
    ),
    "site.floor.missing": (
        "No floor is given for the site. Please add the floor (and the room, if known).",
        "作業場所の階数が入力されていません。階数（わかれば部屋番号も）をご入力ください。",
    ),
    "site.entry_instructions.missing": (
        "No entry procedure is given. Please tell us how the engineer gets into the building (reception, security desk, identification needed).",
        "入館手順が入力されていません。受付や警備窓口、必要な身分証明書など、入館の方法をご記入ください。",
    ),
    "site.maps_url.missing": (
        "No map link is given for the site. Please add a Google Maps link so that the engineer finds the entrance.",
        "作業場所の地図リンクが入力されていません。エンジニアが入口を見つけられるよう、Googleマップのリンクをご入力ください。",
    ),
    "site.maps_url.invalid": (
        f"The map link '{{url}}' is not a Google Maps link. Please paste a link that starts with {_MAPS_EN}.",
        f"地図リンク「{{url}}」はGoogleマップのリンクではありません。{_MAPS_JA}で始まるリンクをご入力ください。",
    ),
    "site.datacenter_reference.missing:required": (
        "The site is a data center and no visit reference number is given. Please add the data center's visit reference: the engineer cannot enter without it.",
        "作業場所はデータセンターですが、入館申請番号が入力されていません。番号がないと入館できませんので、ご入力ください。",
    ),
    "site.datacenter_reference.missing:optional": (
        "The site is a data center and no visit reference number is given. If the data center issued one, please add it.",
        "作業場所はデータセンターですが、入館申請番号が入力されていません。発行されている場合はご入力ください。",
    ),
    "site.local_contact.missing:none": (
        "No local contact is given. Please name a person at the site with a phone number the engineer can call, or tell us to dispatch without a local contact.",
        "現地連絡先が登録されていません。エンジニアが連絡できる現地のご担当者のお名前と電話番号をご入力いただくか、現地連絡先なしでの手配をご指示ください。",
    ),
    "site.local_contact.missing:phone": (
        "There is no valid phone number for {who_en}. Please add a number the engineer can call, or tell us to dispatch without a local contact.",
        "{who_ja}の電話番号が未入力か、正しくありません。エンジニアが連絡できる電話番号をご入力いただくか、現地連絡先なしでの手配をご指示ください。",
    ),
    "contact.phone.invalid": (
        "The phone number '{value}' of {who_en} is not valid. Please enter it with its country code (for example +1 415 555 0132), or as a Japanese number (for example 03-1234-5678).",
        "{who_ja}の電話番号「{value}」が正しくありません。国番号付き（例：+1 415 555 0132）、または日本国内の番号（例：03-1234-5678）でご入力ください。",
    ),
    "contact.email.invalid": (
        "The e-mail address '{value}' of {who_en} is not valid. Please check it.",
        "{who_ja}のメールアドレス「{value}」が正しくありません。ご確認ください。",
    ),
    "contact.remote_engineer.missing:required": (
        _REMOTE_EN.format("Please add"),
        _REMOTE_JA.format("ご登録ください。"),
    ),
    "contact.remote_engineer.missing:optional": (
        _REMOTE_EN.format("We recommend adding"),
        _REMOTE_JA.format("ご登録をお勧めします。"),
    ),
    "contact.remote_engineer.channel_missing:phone": (
        _CHANNEL_EN.format(_PHONE_EN, "it"),
        _CHANNEL_JA.format(_PHONE_JA),
    ),
    "contact.remote_engineer.channel_missing:written": (
        _CHANNEL_EN.format(_WRITTEN_EN, "it"),
        _CHANNEL_JA.format(_WRITTEN_JA),
    ),
    "contact.remote_engineer.channel_missing:both": (
        _CHANNEL_EN.format(f"{_PHONE_EN} and no {_WRITTEN_EN}", "both"),
        _CHANNEL_JA.format(f"{_PHONE_JA}、および{_WRITTEN_JA}"),
    ),
}


# --- the parts of a request a stored value may be unreadable in (request.unreadable) -------------
# Keyed by the last name of a field path as the price (pricing.engine.PricingError.field) or the
# reader names it; "{n}" is the visit's number, counted from 1.
_VISIT_PARTS = {
    "scheduled_start": ("visit {n}'s start", "訪問{n}の開始日時"),
    "reserved_hours": ("visit {n}'s reserved hours", "訪問{n}の予約時間"),
    "completed_at": ("visit {n}'s sign-off time", "訪問{n}の完了日時"),
    "engineers": ("the number of engineers", "エンジニアの人数"),
    "expenses": ("visit {n}'s expenses", "訪問{n}の経費"),
}
_REQUEST_PARTS = {
    "engineers": ("the number of engineers", "エンジニアの人数"),
    "rates": ("the contract's rates", "契約の料金単価"),
    "tax_treatment": ("the contract's tax treatment", "契約の税区分"),
    "contract": ("the contract", "契約"),
    "policy": ("the policy's settings", "ポリシーの設定"),
}
_ANY_PART = ("a stored value", "保存されている値")


def stored_part(field: str) -> tuple[str, str]:
    """A field path ("visits[0].scheduled_start", "rates.senior", "policy") in words, EN and JA."""
    visit = re.match(r"visits\[(\d+)\](?:\.(\w+))?", field or "")
    if visit:
        n = int(visit.group(1)) + 1
        en, ja = _VISIT_PARTS.get(visit.group(2) or "", ("visit {n}", "訪問{n}"))
        return en.format(n=n), ja.format(n=n)
    return _REQUEST_PARTS.get((field or "").split(".")[0], _ANY_PART)
