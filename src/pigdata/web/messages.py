"""The display centre's words in Chinese (the default) and English, one key per phrase.

Templates call `t(key)`; scripts read the same catalogue, embedded in each page for its
language. A key missing in a language is an error at render time, not a blank on screen.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
HTML_LANG: dict[Lang, str] = {"zh": "zh-CN", "en": "en"}

MESSAGES: dict[str, tuple[str, str]] = {
    "site.title": ("开放生猪大数据平台 · 展示中心", "Open pig data platform · Display centre"),
    "site.short": ("生猪大数据展示中心", "Pig data display centre"),
    "skip": ("跳到正文", "Skip to content"),
    "nav.label": ("主导航", "Main navigation"),
    "nav.overview": ("总览", "Overview"),
    "nav.region": ("区域", "Regions"),
    "nav.farm": ("我的养殖场", "My farm"),
    "nav.trace": ("追溯查询", "Trace"),
    "nav.data": ("数据上报", "Data upload"),
    "nav.signin": ("登录", "Sign in"),
    "lang.switch": ("English", "中文"),
    "lang.switch.label": ("切换到英文", "Switch to Chinese"),
    "who.public": ("公众（未登录）", "Public (not signed in)"),
    "who.signout": ("退出", "Sign out"),
    "role.admin": ("管理员", "Administrator"),
    "role.government": ("政府", "Government"),
    "role.farm": ("养殖场", "Farm"),
    "role.public": ("公众", "Public"),
    "loading": ("加载中……", "Loading…"),
    "error.load": ("数据加载失败", "Could not load the data"),
    "none": ("暂无数据", "No data"),
    "updated": ("更新于", "Updated at"),
    "overview.heading": ("总览", "Overview"),
    "overview.region": ("地区", "Region"),
    "fig.inventory": ("生猪存栏（头）", "Pigs on hand (head)"),
    "fig.sows": ("能繁母猪（头）", "Breeding sows (head)"),
    "fig.capacity": ("能繁母猪设计产能（头）", "Breeding-sow capacity (head)"),
    "fig.slaughter": ("当月屠宰（头）", "Slaughtered this month (head)"),
    "fig.farms": ("备案养殖场（家）", "Registered farms"),
    "fig.reporting": ("当月报送养殖场（家）", "Farms reporting this month"),
    "fig.moved": ("近30天调运（头）", "Moved in the last 30 days (head)"),
    "fig.ledger": ("账本条目", "Ledger entries"),
    "fig.month": ("统计月份", "Month"),
    "map.heading": ("各地区能繁母猪", "Breeding sows by region"),
    "map.hint": ("点击地区可下钻", "Click a region to drill down"),
    "history.heading": ("存栏与屠宰月度变化", "Herd and slaughter by month"),
    "history.sold": ("出栏（头）", "Sold for slaughter (head)"),
    "history.slaughtered": ("屠宰（头）", "Slaughtered (head)"),
    "parts.heading": ("下级地区", "Parts of the region"),
    "parts.name": ("地区", "Region"),
    "parts.code": ("区划代码", "Division code"),
    "parts.farms": ("养殖场", "Farms"),
    "sizes.heading": ("养殖场规模分布", "Farms by size"),
    "sizes.class": ("规模（按年出栏）", "Size (yearly output)"),
    "sizes.farms": ("养殖场数", "Farms"),
    "sizes.unreported": ("无报送的养殖场", "Farms without reports"),
    "sizes.window": ("统计期", "Period"),
    "region.heading": ("区域下钻", "Regional drill-down"),
    "region.path": ("位置", "You are here"),
    "region.nation": ("全国", "China"),
    "farm.heading": ("养殖场", "Farm"),
    "farm.details": ("基本信息", "Details"),
    "farm.name": ("名称", "Name"),
    "farm.code": ("备案编码", "Premises code"),
    "farm.township": ("乡镇", "Township"),
    "farm.capacity": ("设计能繁母猪", "Sow capacity"),
    "farm.finishing": ("设计育肥产能", "Finishing capacity"),
    "farm.herd": ("月度存栏", "Herd by month"),
    "farm.denied": (
        "您的令牌无权查看该养殖场。请使用该养殖场的令牌登录。",
        "Your token may not see this farm. Sign in with this farm's token.",
    ),
    "farm.need_token": ("请先用养殖场令牌登录。", "Sign in with a farm token first."),
    "trace.heading": ("生猪追溯查询", "Pig traceability"),
    "trace.intro": (
        "输入耳标号或扫描猪肉包装上的二维码，查看生猪的一生及其在账本中的证明。",
        "Enter an ear tag, or scan the QR code on a pack of pork, to see the pig's life "
        "and its proof in the ledger.",
    ),
    "trace.tag": ("耳标号（15位数字）", "Ear tag (15 digits)"),
    "trace.go": ("查询", "Look up"),
    "data.heading": ("数据上报", "Data upload"),
    "data.intro": (
        "上传 CSV、XLSX 或 JSON Lines 文件。每条记录被接受、拒绝（附原因）或识别为已存在。",
        "Upload a CSV, XLSX or JSON Lines file. Each record is accepted, rejected with its "
        "reasons, or recognised as already present.",
    ),
    "data.file": ("文件", "File"),
    "data.kind": ("记录类型（文件无 kind 列时）", "Record kind (when the file has no kind column)"),
    "data.kind.any": ("按文件中的 kind 列", "From the file's kind column"),
    "data.send": ("上传", "Upload"),
    "data.result": ("上传结果", "Result"),
    "data.accepted": ("已接受", "Accepted"),
    "data.rejected": ("已拒绝", "Rejected"),
    "data.duplicates": ("已存在", "Already present"),
    "data.rejects": ("被拒绝的行", "Rejected rows"),
    "data.download": ("下载被拒绝的行（CSV）", "Download the rejected rows (CSV)"),
    "data.need_token": (
        "上报数据需要登录（政府、养殖场或管理员令牌）。",
        "Sending data needs a government, farm or administrator token.",
    ),
    "data.sending": ("正在上传……", "Uploading…"),
    "signin.heading": ("令牌登录", "Sign in with a token"),
    "signin.intro": (
        "令牌由节点管理员发放（pigdata token create）。它只保存在本标签页中，关闭即失效。",
        "Tokens are issued by the node's administrator (pigdata token create). It is kept "
        "in this tab only and forgotten when the tab closes.",
    ),
    "signin.token": ("令牌", "Token"),
    "signin.go": ("登录", "Sign in"),
    "signin.bad": ("令牌无效或已撤销", "The token is unknown or revoked"),
    "signin.ok": ("已登录：", "Signed in as "),
    "signin.scope": ("范围", "Scope"),
    # Animal health, farm benchmark and breeding pages.
    "nav.health": ("动物疫病", "Animal health"),
    "health.heading": ("动物疫病防控", "Animal health"),
    "health.zones": ("疫区与受威胁区", "Outbreak zones"),
    "health.map.hint": (
        "地图已缩放到疫点；可拖动、缩放。",
        "The map is zoomed to the infected point; drag or zoom it.",
    ),
    "health.active": ("生效中的疫情", "Outbreaks with zones in force"),
    "health.restricted": ("受限场所（家）", "Premises under restriction"),
    "health.blocked": ("近7天拦截调运（批）", "Movements refused in the last 7 days"),
    "health.outbreaks": ("疫情及各区场所数", "Outbreaks and premises per zone"),
    "health.outbreak": ("疫情", "Outbreak"),
    "health.point": ("疫点", "Infected point"),
    "health.since": ("划区起始", "Zones since"),
    "health.lifting": ("最早解除", "Earliest lifting"),
    "health.premises": ("区内场所", "Premises inside the zones"),
    "health.premises.denied": (
        "区内场所名单仅向政府和管理员令牌提供；公众可见各区场所数。",
        "The premises inside the zones are shown to government and administrator tokens; "
        "the public sees the counts per zone.",
    ),
    "health.zone": ("所在区域", "Zone"),
    "health.distance": ("距疫点（公里）", "From the infected point (km)"),
    "disease.african_swine_fever": ("非洲猪瘟", "African swine fever"),
    "zone.infected_point": ("疫点", "Infected point"),
    "zone.infected_zone": ("疫区（3公里）", "Infected zone (3 km)"),
    "zone.threatened_zone": ("受威胁区", "Threatened zone"),
    "tracing.heading": ("流行病学追踪", "Contact tracing"),
    "tracing.denied": (
        "追踪需要政府（辖区内场所）或管理员令牌。",
        "Tracing needs a government token (for premises in its region) or an administrator's.",
    ),
    "tracing.premises": ("起点场所编码", "Index premises code"),
    "tracing.direction": ("方向", "Direction"),
    "tracing.forward": ("向前（可能传往）", "Forward (where it could have gone)"),
    "tracing.backward": ("向后（可能来源）", "Backward (where it could have come from)"),
    "tracing.until": ("截止日期", "Until"),
    "tracing.days": ("时间窗（天）", "Window (days)"),
    "tracing.go": ("追踪", "Trace"),
    "tracing.found": ("关联场所", "premises reached:"),
    "tracing.download": ("下载追踪结果（CSV）", "Download the result (CSV)"),
    "tracing.rank": ("风险排序", "Rank"),
    "tracing.depth": ("环节数", "Depth"),
    "tracing.earliest": ("最早接触", "Earliest contact"),
    "tracing.latest": ("最晚接触", "Latest contact"),
    "tracing.paths": ("路径数", "Paths"),
    "tracing.head": ("头数", "Head"),
    "plausibility.heading": ("调运与存栏核对", "Movements against herd reports"),
    "plausibility.denied": (
        "核对结果仅向政府和管理员令牌提供。",
        "The checks are shown to government and administrator tokens.",
    ),
    "plausibility.rule": ("规则", "Rule"),
    "plausibility.reported": ("报送数", "Reported"),
    "plausibility.expected": ("应为", "Expected"),
    "plausibility.difference": ("差额", "Difference"),
    "plausibility.none": ("本月未发现不符。", "No mismatch this month."),
    "benchmark.heading": ("生产成绩对标", "Performance against peers"),
    "benchmark.window": ("统计期（月）", "Window (months)"),
    "benchmark.peers": ("对标范围", "Peers"),
    "benchmark.figure": ("指标", "Figure"),
    "benchmark.own": ("本场", "This farm"),
    "benchmark.top": ("前10%", "Top 10 %"),
    "benchmark.median": ("中位数", "Median"),
    "benchmark.bottom": ("后10%", "Bottom 10 %"),
    "benchmark.farms": ("对标场数", "Peer farms"),
    "perf.litters_per_sow_year": ("年产胎次（胎/母猪/年）", "Litters/sow/year"),
    "perf.psy": ("PSY（头断奶仔猪/母猪/年）", "PSY (weaned/sow/year)"),
    "perf.msy": ("MSY（头出栏/母猪/年）", "MSY (marketed/sow/year)"),
    "perf.farrowing_rate_pct": ("分娩率（%）", "Farrowing rate (%)"),
    "perf.preweaning_mortality_pct": ("断奶前死亡率（%）", "Pre-weaning mortality (%)"),
    "perf.npd": ("非生产天数（天）", "Non-productive days"),
    "rule.plausibility.moves_in": ("调入不符", "Moves in"),
    "rule.plausibility.moves_out": ("调出不符", "Moves out"),
    "rule.plausibility.herd_balance": ("存栏不平衡", "Herd balance"),
    "rule.plausibility.no_report": ("有调运无报送", "Certificates without a report"),
}


def message(key: str, lang: Lang) -> str:
    """Give a phrase in a language; an unknown key raises KeyError."""
    zh, en = MESSAGES[key]
    return zh if lang == "zh" else en


def catalogue(lang: Lang) -> dict[str, str]:
    """Give every phrase in one language, for the page's scripts."""
    return {key: message(key, lang) for key in MESSAGES}
