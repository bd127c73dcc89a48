"""What each message says, in English and Japanese. `{placeholders}` are filled by notify.py."""

from __future__ import annotations

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "received": {
        "en": (
            "[{ref}] We received your request: {title}",
            "Thank you. Your request {ref} ({title}) has reached our coordinators.\n\n{findings}\n\nFollow it at {url}",
        ),
        "ja": (
            "[{ref}] ご依頼を受け付けました：{title}",
            "ご依頼 {ref}（{title}）を受け付けました。担当コーディネーターが確認いたします。\n\n{findings}\n\n状況はこちら：{url}",
        ),
    },
    "info_requested": {
        "en": (
            "[{ref}] Information needed for {title}",
            "To send an engineer we need a few more details.\n\n{message}\n\n{findings}\n\nPlease complete the request at {url}",
        ),
        "ja": (
            "[{ref}] 追加情報のお願い：{title}",
            "エンジニアを手配するために、以下の情報をお知らせください。\n\n{message}\n\n{findings}\n\nこちらからご入力ください：{url}",
        ),
    },
    "proposed": {
        "en": (
            "[{ref}] Engineer proposed for {title}",
            "We propose:\n{engineers}\n\nEstimate: {estimate}\n\nPlease approve or decline at {url}",
        ),
        "ja": (
            "[{ref}] エンジニアのご提案：{title}",
            "以下のエンジニアをご提案いたします。\n{engineers}\n\nお見積り：{estimate}\n\n承認またはお断りはこちら：{url}",
        ),
    },
    "approved": {
        "en": (
            "[{ref}] Confirmed: {title}",
            "Thank you for your approval. The visit is confirmed.\n{visits}\n\nSLA target: {sla}\n\nA calendar invitation is attached.",
        ),
        "ja": (
            "[{ref}] 手配確定：{title}",
            "ご承認ありがとうございます。訪問が確定しました。\n{visits}\n\nSLA目標：{sla}\n\nカレンダーの招待を添付しています。",
        ),
    },
    "assigned": {
        "en": (
            "[{ref}] You are assigned: {title}",
            "You are booked for this visit.\n{visits}\n\nSite: {site}\nDetails: {url}\n\nA calendar invitation is attached.",
        ),
        "ja": (
            "[{ref}] 訪問のアサイン：{title}",
            "以下の訪問にアサインされました。\n{visits}\n\n訪問先：{site}\n詳細：{url}\n\nカレンダーの招待を添付しています。",
        ),
    },
    # A visit changed without changing its status (genba.core.transitions.announce). What goes to
    # an engineer (ENGINEER_KINDS below) never names a rate, an estimate or an amount
    # (tests/messaging/test_engineers_see_no_money.py).
    "reassigned": {
        "en": (
            "[{ref}] Engineer changed for your visit: {title}",
            "The engineer for your visit has changed.\n\nWho comes: {engineers}\nWhen: {time}\nSite: {site}\n\nDetails: {url}{calendar}",
        ),
        "ja": (
            "[{ref}] 訪問エンジニアの変更：{title}",
            "訪問するエンジニアが変更になりました。\n\n訪問者：{engineers}\n日時：{time}\n訪問先：{site}\n\n詳細：{url}{calendar}",
        ),
    },
    "unassigned": {
        "en": (
            "[{ref}] You are no longer on this visit: {title}",
            "The visit on {time} at {site} was given to another engineer: you are not booked for it any more.\n\n{url}{calendar}",
        ),
        "ja": (
            "[{ref}] 訪問アサインの解除：{title}",
            "{time} の {site} への訪問は別のエンジニアが担当することになりました。この訪問のアサインは解除されました。\n\n{url}{calendar}",
        ),
    },
    "rescheduled": {
        "en": (
            "[{ref}] Visit rescheduled: {title}",
            "The visit is moved.\n\nNow: {time}\nWas: {was}\nWho comes: {engineers}\nSite: {site}\n\nDetails: {url}{calendar}",
        ),
        "ja": (
            "[{ref}] 訪問日時の変更：{title}",
            "訪問日時が変更になりました。\n\n新しい日時：{time}\n変更前：{was}\n訪問者：{engineers}\n訪問先：{site}\n\n詳細：{url}{calendar}",
        ),
    },
    "visit_cancelled": {
        "en": (
            "[{ref}] Visit cancelled: {title}",
            "The visit on {time} at {site} is cancelled.{reason}\n\nDetails: {url}{calendar}",
        ),
        "ja": (
            "[{ref}] 訪問の取消：{title}",
            "{time} の {site} への訪問は取り消されました。{reason}\n\n詳細：{url}{calendar}",
        ),
    },
    "en_route": {
        "en": ("[{ref}] The engineer is on the way", "{engineer} is on the way to {site}."),
        "ja": ("[{ref}] エンジニアが移動中です", "{engineer} が {site} へ向かっています。"),
    },
    "arrived": {
        "en": ("[{ref}] The engineer has arrived", "{engineer} arrived at {site} at {time}."),
        "ja": (
            "[{ref}] エンジニアが到着しました",
            "{engineer} が {time} に {site} に到着しました。",
        ),
    },
    "signed_off": {
        "en": (
            "[{ref}] Work signed off",
            "The visit was signed off by {signer} at {time}. Thank you.",
        ),
        "ja": (
            "[{ref}] 作業完了の承認",
            "{signer} 様により {time} に作業完了が承認されました。ありがとうございました。",
        ),
    },
    "invoiced": {
        "en": (
            "[{ref}] Invoice {number}",
            "Please find invoice {number} attached: ¥{total}, due {due}.",
        ),
        "ja": (
            "[{ref}] 請求書 {number}",
            "請求書 {number} を添付いたします。ご請求金額 {total} 円、お支払期日 {due}。",
        ),
    },
    "urgent": {
        "en": (
            "[{ref}] CLASS 4 — visit immediately: {title}",
            "{customer} asks for an immediate visit. Call them now and record the call.\n{url}",
        ),
        "ja": (
            "[{ref}] 【緊急クラス4】至急訪問：{title}",
            "{customer} から至急の訪問依頼です。すぐにお電話し、通話を記録してください。\n{url}",
        ),
    },
    "arrival_at_risk": {
        "en": (
            "[{ref}] SLA at risk: arrival due {due}",
            "No arrival recorded yet for {title}. Target: {due}.\n{url}",
        ),
        "ja": (
            "[{ref}] SLA注意：到着期限 {due}",
            "{title} の到着がまだ記録されていません。期限：{due}\n{url}",
        ),
    },
    "arrival_breached": {
        "en": (
            "[{ref}] SLA breached: arrival was due {due}",
            "The arrival target for {title} was {due}.\n{url}",
        ),
        "ja": (
            "[{ref}] SLA違反：到着期限 {due} 超過",
            "{title} の到着期限（{due}）を過ぎました。\n{url}",
        ),
    },
    "invoice_at_risk": {
        "en": (
            "[{ref}] Invoice due by {due}",
            "The invoice for {title} must be issued by {due}.\n{url}",
        ),
        "ja": (
            "[{ref}] 請求書発行期限 {due}",
            "{title} の請求書を {due} までに発行してください。\n{url}",
        ),
    },
    "invoice_late": {
        "en": (
            "[{ref}] Invoice late (was due {due})",
            "The invoice for {title} was due by {due}.\n{url}",
        ),
        "ja": (
            "[{ref}] 請求書発行期限超過（{due}）",
            "{title} の請求書の発行期限（{due}）を過ぎました。\n{url}",
        ),
    },
}

# The messages an engineer can receive: none may carry a rate, an estimate or an amount
# (rulebook §7: engineers never see rates or invoices).
ENGINEER_KINDS = frozenset(
    {"assigned", "unassigned", "rescheduled", "visit_cancelled", "signed_off"}
)

NO_FINDINGS = {"en": "Nothing is missing.", "ja": "不足している情報はありません。"}
MISSING = {"en": "Still missing or to check:", "ja": "不足・要確認の項目："}
REASON = {"en": "\nReason: {reason}", "ja": "\n理由：{reason}"}
# The `{calendar}` line, by the method of the calendar attachment the recipient gets (none: empty).
CALENDAR_NOTE = {
    "REQUEST": {
        "en": "\n\nAn updated calendar invitation is attached.",
        "ja": "\n\n更新したカレンダーの招待を添付しています。",
    },
    "CANCEL": {
        "en": "\n\nThe cancellation of the calendar entry is attached.",
        "ja": "\n\nカレンダーの予定の取消を添付しています。",
    },
}
