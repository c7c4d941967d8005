"""Kiosk strings: Chinese source text, English translations for the 中文/English switch.

Source strings are Chinese (what most citizens read); `tr("取号")` returns the text in the current
language. Placeholders use str.format: `tr("前面还有 {n} 人").format(n=3)`.

Follow-up: move to Qt Linguist (`pyside6-lupdate` → resources/translations/kiosk_en.ts →
`pyside6-lrelease`), keeping these Chinese strings as the source text. Until then this dict is the
catalogue; a missing English entry falls back to the Chinese text (tests check there are none).
"""

from __future__ import annotations

ZH = "zh_CN"
EN = "en"
LANGUAGES = (ZH, EN)

_language = ZH

# Chinese source → English.
EN_STRINGS: dict[str, str] = {
    # header
    "中文": "中文",
    "English": "English",
    "长者模式": "Large Text",
    "退出长者模式": "Normal Text",
    "政务服务中心": "Government Service Center",
    # home
    "取号": "Take a Number",
    "选择业务，领取排队号": "Choose a service and get a queue number",
    "事项查询": "Service Guide",
    "办事指南与所需材料": "How to apply and what to bring",
    "预约签到": "Appointment Check-in",
    "已预约的群众在此签到": "Check in for a booked appointment",
    "进度查询": "Case Progress",
    "查询办件进度": "Track the progress of your case",
    "评价与投诉": "Feedback & Complaints",
    "对服务进行评价或投诉": "Rate our service or make a complaint",
    "即将开放": "Coming Soon",
    "欢迎办事，请点击下方按钮": "Welcome. Please touch a button below",
    # navigation
    "返回": "Back",
    "首页": "Home",
    "完成": "Done",
    "取消": "Cancel",
    "确定": "OK",
    # queues
    "请选择要办理的业务": "Please choose a service",
    "正在加载业务列表，请稍候…": "Loading services, please wait…",
    "当前没有可取号的业务，请咨询大厅工作人员。": "No service is taking numbers now. Please ask the hall staff.",
    "等候 {n} 人": "{n} waiting",
    "约 {a}–{b} 分钟": "About {a}–{b} min",
    "约 {a} 分钟": "About {a} min",
    "无需等待": "No wait",
    "暂无窗口办理": "No window open yet",
    "暂停取号": "Not available",
    "仅限预约": "Appointment only",
    "本业务仅限预约办理，请使用“预约签到”": "Appointment only. Please use Appointment Check-in",
    "滑动查看更多业务": "Swipe to see more services",
    # priority
    "您是否属于优先服务对象？": "Do you qualify for priority service?",
    "不属于请选“普通”。优先办理时工作人员可能核验相关证件。": (
        "If not, choose “Regular”. Staff may check your documents."
    ),
    "普通": "Regular",
    "老年人": "Senior citizen",
    "残疾人": "Person with disability",
    "孕妇": "Pregnant woman",
    "军人/消防救援": "Military / fire & rescue",
    "绿色通道": "Green channel (key project)",
    # phone
    "留下手机号（可选）": "Mobile number (optional)",
    "用于必要时联系您，不需要可直接跳过": "Used only to contact you if needed. You may skip this.",
    "请输入 11 位手机号": "Enter an 11-digit mobile number",
    "跳过，直接取号": "Skip and take a number",
    "确认取号": "Take My Number",
    "删除": "Delete",
    "清空": "Clear",
    # ticket
    "您的号码": "Your number",
    "前面还有 {n} 人": "{n} people ahead of you",
    "预计等待": "Estimated wait",
    "取号时间": "Issued at",
    "请拍照保存此二维码，凭码查看排队进度": "Take a photo of this QR code to check your place in line",
    "正在打印号票…": "Printing your ticket…",
    "已打印，请取走号票": "Printed. Please take your ticket.",
    "本机未连接打印机，请拍照保存号码和二维码": "No printer here. Please take a photo of the number and QR code.",
    "打印失败：{msg}": "Printing failed: {msg}",
    "您的号码已经取好，不会丢失。可拍照保存，或点“重新打印”。": (
        "Your number is saved and will not be lost. Take a photo or touch “Print Again”."
    ),
    "重新打印": "Print Again",
    "{n} 秒后自动返回首页": "Returning to the home screen in {n} s",
    "优先：{p}": "Priority: {p}",
    # placeholder
    "该功能正在建设中，敬请期待。如需办理，请咨询大厅工作人员。": (
        "This service is being built. Please ask the hall staff for help."
    ),
    "返回首页": "Back to Home",
    # admin
    "管理员退出": "Administrator Exit",
    "请输入管理员密码": "Enter the administrator PIN",
    "密码错误，请重新输入": "Wrong PIN. Please try again.",
    "本机未设置管理员密码，不能在取号机上退出": "No administrator PIN is configured; exit is disabled here.",
    "退出程序": "Exit",
    # busy / errors
    "正在处理，请稍候…": "Working on it, please wait…",
    "系统暂时无法取号：{msg}": "Cannot issue a number right now: {msg}",
    "数据库暂时无法使用，请稍后再试或联系工作人员。": "The system is temporarily unavailable. Please try again later or ask the staff.",
    "发生意外错误，请联系工作人员。": "Something went wrong. Please ask the staff for help.",
}

# Names of screens for English-only phrases that have no Chinese key in the UI.
_missing: set[str] = set()


def language() -> str:
    return _language


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _language = lang


def is_english() -> bool:
    return _language == EN


def tr(source: str) -> str:
    """The text for `source` (a Chinese string) in the current language."""
    if _language == ZH:
        return source
    try:
        return EN_STRINGS[source]
    except KeyError:
        _missing.add(source)
        return source


def pick(zh: str, en: str | None) -> str:
    """Data that carries both names (e.g. a queue's name / name_en): the current language's one."""
    if _language == EN and en:
        return en
    return zh


def missing_translations() -> set[str]:
    """Source strings asked for in English that have no translation (for tests)."""
    return set(_missing)
