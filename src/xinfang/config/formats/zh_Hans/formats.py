"""Date formats for zh-hans, over Django's own: ISO first.

An <input type="date"> holds its value as YYYY-MM-DD; Django renders a form's date with the first input format,
which for zh-hans is %Y/%m/%d — a value the browser discards, so every edit page showed its dates empty. The
other formats are Django's, still accepted when typed or imported.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403 — every other format as Django has it

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
