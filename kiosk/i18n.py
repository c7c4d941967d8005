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
    # service guide (事项查询)
    "请按拼音首字母输入，如“身份证”按 S F Z": "Type pinyin initials: S F Z finds 身份证 (ID card)",
    "按部门找": "By Department",
    "一件事": "Life Events",
    "常办事项": "Popular",
    "开店": "Shop",
    "生孩子": "Baby",
    "结婚": "Marry",
    "退休": "Retire",
    "社保": "Welfare",
    "身份证": "ID card",
    "买房": "Home",
    "公积金": "Housing",
    "常办事项（共 {n} 项）": "Popular services ({n})",
    "正在加载事项目录，请稍候…": "Loading the service catalog, please wait…",
    "请输入拼音首字母，或点选常用词": "Type pinyin initials or touch a common word",
    "没有找到，请换个说法，或咨询服务台": "Nothing found. Try other words or ask at the service desk",
    "显示前 {n} 项，继续输入可缩小范围": "First {n} shown; keep typing to narrow down",
    "找到 {n} 项": "{n} found",
    "按部门查找": "Services by Department",
    "共 {n} 个部门": "{n} departments",
    "{n} 项事项": "{n} services",
    "共 {n} 项事项": "{n} services",
    "共 {n} 项": "{n} in total",
    "多个部门的事项一次提交、材料只交一次": "Several departments in one application: hand in each document once",
    "包含 {n} 项事项，一次办好": "{n} services done in one go",
    "个人一件事": "Personal life event",
    "企业一件事": "Business event",
    "{dept} · {n} 个工作日": "{dept} · {n} working days",
    "{dept} · 当场办结": "{dept} · done on the spot",
    "没有找到相关事项，请咨询大厅服务台。": "No services found. Please ask at the service desk.",
    "上下滑动查看更多": "Swipe up or down to see more",
    "打印一次性告知单": "Print Checklist",
    "把材料清单带回家，备齐后再来，只跑一次": "Take the checklist home, bring everything, and come only once",
    "现在取号办理": "Take a Number Now",
    "查看现行办事指南": "See the Current Guide",
    "{dept} · 办事指南第 {v} 版": "{dept} · guide version {v}",
    "这是您告知单上的第 {v} 版，现行为第 {c} 版，要求可能已有变化。": (
        "Your checklist shows version {v}; the current guide is version {c}. Requirements may have changed."
    ),
    "您的告知单打印后，本一件事的要求已更新，以下为最新要求。": (
        "The requirements changed after your checklist was printed. These are the current ones."
    ),
    "{kind} · 涉及 {n} 个部门，一次提交": "{kind} · {n} departments, one application",
    "即办件": "Done on the spot",
    "承诺件": "Done within a promised time",
    "最多跑一次": "At most one visit",
    "告知承诺": "Approval on commitment",
    "可网上办理": "Available online",
    "支持容缺受理": "Minor documents may follow later",
    "承诺 {p} 个工作日办结": "Done within {p} working days",
    "（法定 {s} 个工作日）": " (legal limit {s} working days)",
    "当场办结": "Done on the spot",
    "{n} 个工作日": "{n} working days",
    "请咨询服务台": "Please ask at the service desk",
    "（取号业务：{q}）": " (queue: {q})",
    "办理时间": "Time",
    "办理地点": "Where",
    "收费": "Fee",
    "不收费": "Free of charge",
    "网上办理": "Online",
    "可以，也可登录政务服务网办理": "Yes, also on the government service website",
    "需到窗口办理": "No, please come to a window",
    "需要带的材料（共 {n} 项）": "Documents to bring ({n})",
    "需要带的材料（合并后共 {n} 项，只需提交一次）": "Documents to bring ({n}, each handed in only once)",
    "包含以下 {n} 项事项（点击查看各项指南）": "Includes these {n} services (touch one for its guide)",
    "无需提交纸质材料，请携带本人有效身份证件。": "No paper documents needed; bring your valid ID.",
    "原件 {n} 份": "{n} original(s)",
    "复印件 {n} 份": "{n} copy/copies",
    "按需提供": "As needed",
    "必须提供": "Required",
    "视情况提供": "If applicable",
    "可容缺：可先受理，后补交": "May be handed in later",
    "用于：{items}": "For: {items}",
    "说明：{notes}": "Note: {notes}",
    "办理条件": "Conditions",
    "办理流程": "Procedure",
    "收费依据": "Fee basis",
    "设定依据": "Legal basis",
    "最长办理时限": "Longest time limit",
    "涉及部门": "Departments",
    "正在打印告知单…": "Printing the checklist…",
    "已打印，请取走告知单": "Printed. Please take your checklist.",
    "本机未连接打印机，请拍照保存材料清单": "No printer here. Please take a photo of the document list.",
    "该事项暂未设置取号业务，请到服务台咨询。": "This service has no queue here. Please ask at the service desk.",
    "办理时间、地点和费用": "Time, place and fee",
    "手指按住左边内容上下滑动，查看全部": "Swipe the text on the left up or down to see all of it",
    # progress lookup (进度查询)
    "请扫描受理通知书上的二维码，或输入案件编号和查询码": "Scan the QR code on your notice, or enter the case number and check code",
    "有通知书的，把通知书上的二维码对准扫描口即可查询；没有的，请在下面输入": (
        "Hold the QR code on your notice under the scanner, or type the numbers below"
    ),
    "综合窗口": "General window",
    "出件窗口": "Collection window",
    "部门窗口": "Department window",
    "案件编号": "Case number",
    "查询码": "Check code",
    "请输入编号中的数字": "Enter the digits of the number",
    "6 位字母或数字": "6 letters or digits",
    "编号印在通知书上方，如 COUNTY-20261123-00001，只需输入后面的数字；先点选要输入的一栏": (
        "The number is at the top of your notice, e.g. COUNTY-20261123-00001; the digits are enough. "
        "Touch a box first, then type."
    ),
    "查询进度": "Check Progress",
    "请输入案件编号": "Please enter the case number",
    "请输入查询码": "Please enter the check code",
    "请稍后再试（{n} 秒）": "Please try again later ({n} s)",
    "案件编号或查询码不正确，请核对通知书后重新输入": "Wrong case number or check code. Please check your notice and try again.",
    "案件编号或查询码不正确": "Wrong case number or check code",
    "请输入案件编号和查询码。": "Please enter the case number and check code.",
    "这是排队取号凭证的二维码，请扫描受理通知书上的办件二维码。": (
        "This is a queue ticket. Please scan the QR code on your case notice."
    ),
    "无法识别的二维码：请扫描受理通知书（或告知书）上的办件二维码，或手动输入案件编号和查询码。": (
        "Unknown QR code. Please scan the code on your case notice, or type the case number and check code."
    ),
    "无法识别的二维码：请扫描一次性告知单上的二维码。": "Unknown QR code. Please scan the code on the document checklist.",
    "办件进度": "Case Progress",
    "重新查询": "New Search",
    "申请人": "Applicant",
    "办理部门": "Department",
    "办件类型": "Case type",
    "受理日期": "Accepted on",
    "办结期限": "Due by",
    "办结日期": "Finished on",
    "办理进度": "Progress",
    "进行中": "in progress",
    "还需补交的材料（共 {n} 项）": "Documents still to hand in ({n})",
    "请于 {d} 前补交": "Hand in by {d}",
    "领取方式": "How you receive the result",
    "邮寄送达": "By mail",
    "邮件单号 {no}": "tracking no. {no}",
    "到窗口领取：{place}": "Collect at: {place}",
    "为保护个人信息，本页只显示姓名的部分字。如有疑问请咨询服务台或拨打 12345。": (
        "To protect your privacy only part of the name is shown. Questions: service desk or 12345."
    ),
    "收件": "Received",
    "一次性告知补正": "Asked for missing documents",
    "受理": "Accepted",
    "审批": "Review",
    "上报审批": "Review by higher authority",
    "联合审批": "Joint review",
    "办结": "Decided",
    "领取": "Collected",
    "不予受理": "Not accepted",
    "录入中": "Being entered",
    "待补正": "Waiting for documents",
    "已受理": "Accepted",
    "审批中": "Under review",
    "暂停计时": "Clock stopped",
    "已上报": "Sent to higher authority",
    "已批准": "Approved",
    "不予批准": "Not approved",
    "待领取": "Ready for collection",
    "已邮寄": "Mailed",
    "已办结": "Completed",
    "撤回": "Withdrawn",
    "退办件": "Not accepted",
    "补办件": "Waiting for documents",
    "联办件": "Joint case",
    "上报件": "Higher-authority case",
    "特办件": "Urgent case",
    # complaints (投诉与建议)
    "您要反映什么问题？": "What is it about?",
    "请选择一类": "Please choose one",
    "发生在哪个窗口？": "At which window?",
    "不确定或与窗口无关，请选“整个大厅”": "Not sure, or not about a window? Choose “Whole hall”",
    "具体是什么情况？": "What happened?",
    "可以选多条，不需要打字": "Choose one or more; no typing needed",
    "留下手机号，方便我们回复（可选）": "Mobile number for our reply (optional)",
    "只用于回复您，不会公开；不留也可以提交": "Used only to reply to you, never published; you may leave it out",
    "第 {n} 步，共 {total} 步": "Step {n} of {total}",
    "上一步": "Previous",
    "整个大厅 / 不确定是哪个窗口": "Whole hall / not sure which window",
    "{n} 号": "Window {n}",
    "下一步": "Next",
    "请至少选择一条内容": "Please choose at least one",
    "点选上面的内容，可以多选": "Touch the phrases above; several are fine",
    "您选择的内容：{text}": "You chose: {text}",
    "提交": "Submit",
    "不留电话，直接提交": "Submit without a number",
    "已收到您的意见，谢谢！": "Thank you, we have received it!",
    "受理编号（请拍照或保存回执）": "Reference number (keep the slip or take a photo)",
    "{n} 号窗口": "Window {n}",
    "整个大厅": "Whole hall",
    "我们将在 {n} 个工作日内核实处理，并电话告知结果。": "We will look into it within {n} working days and call you back.",
    "您未留联系电话，我们会认真核实并改进工作。": "You left no number; we will look into it carefully and improve.",
    "正在打印回执…": "Printing the slip…",
    "已打印，请取走回执": "Printed. Please take your slip.",
    "本机未连接打印机，请拍照保存受理编号": "No printer here. Please take a photo of the reference number.",
    "服务态度": "Staff attitude",
    "办事效率": "Efficiency",
    "材料要求不一致": "Inconsistent document requirements",
    "环境设施": "Facilities",
    "廉洁自律": "Integrity",
    "意见建议": "Suggestion",
    "其他": "Other",
    "工作人员态度生硬": "Staff were curt",
    "不耐烦，不愿解释": "Impatient, would not explain",
    "工作时间玩手机、聊天": "On the phone or chatting at work",
    "窗口无人": "Nobody at the window",
    "推诿，让我找别的窗口": "Sent me to another window",
    "等候时间太长": "Waited too long",
    "办理速度慢": "Slow service",
    "跑了多次仍未办成": "Came several times, still not done",
    "超过承诺时限未办结": "Not done within the promised time",
    "开放的窗口太少": "Too few windows open",
    "不同窗口要求的材料不一样": "Windows asked for different documents",
    "现场要求与办事指南不一致": "Asked for more than the guide says",
    "没有一次性告知所需材料": "Not told all the documents at once",
    "要求提供指南以外的证明": "Asked for certificates not in the guide",
    "座位不够": "Not enough seats",
    "自助设备故障": "Self-service machine broken",
    "指引标识不清楚": "Signs are unclear",
    "卫生需要改进": "Cleanliness needs improving",
    "缺少无障碍设施": "No barrier-free access",
    "索要或暗示好处": "Asked for favours",
    "违规收费": "Charged illegal fees",
    "吃拿卡要": "Abuse of power",
    "希望增加窗口": "More windows, please",
    "希望延长服务时间": "Longer opening hours, please",
    "希望更多事项网上可办": "More services online, please",
    "希望增加周末服务": "Weekend service, please",
    "其他问题，请电话联系我": "Something else, please call me",
    "希望尽快处理": "Please deal with it soon",
    "请回电话联系我": "Please call me back",
    "希望改进": "Please improve",
    # appointment check-in (预约签到)
    "请输入预约短信中的预约码，或扫描预约二维码": "Enter the code from your booking SMS, or scan the booking QR code",
    "请输入预约短信中的预约码；有预约二维码的，对准扫描口即可签到": (
        "Enter the code from your booking SMS, or hold the booking QR code under the scanner"
    ),
    "预约码": "Booking code",
    "请输入预约码。": "Please enter the booking code.",
    "签到并取号": "Check In",
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
