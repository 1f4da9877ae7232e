"""The public holidays and make-up working days the State Council announces each year.

Read by the data migrations that seed ``core.CalendarDay`` and by the tests. Later years
are entered by an administrator in the admin (or by a new data migration with its own
constant here); never edit a year that a migration has already seeded.
"""

from datetime import date

HOLIDAY = "holiday"
WORKDAY = "workday"

# 国务院办公厅关于2026年部分节假日安排的通知 (General Office of the State Council, 4 November 2025).
# Rows are (date, kind, name); the weekday is in the comment so a reader can check it against the notice.
CALENDAR_2026: tuple[tuple[date, str, str], ...] = (
    # 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    (date(2026, 1, 1), HOLIDAY, "元旦"),  # Thu
    (date(2026, 1, 2), HOLIDAY, "元旦"),  # Fri
    (date(2026, 1, 3), HOLIDAY, "元旦"),  # Sat
    (date(2026, 1, 4), WORKDAY, "元旦"),  # Sun
    # 二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    #     2月14日（周六）、2月28日（周六）上班。
    (date(2026, 2, 14), WORKDAY, "春节"),  # Sat
    (date(2026, 2, 15), HOLIDAY, "春节"),  # Sun
    (date(2026, 2, 16), HOLIDAY, "春节"),  # Mon
    (date(2026, 2, 17), HOLIDAY, "春节"),  # Tue
    (date(2026, 2, 18), HOLIDAY, "春节"),  # Wed
    (date(2026, 2, 19), HOLIDAY, "春节"),  # Thu
    (date(2026, 2, 20), HOLIDAY, "春节"),  # Fri
    (date(2026, 2, 21), HOLIDAY, "春节"),  # Sat
    (date(2026, 2, 22), HOLIDAY, "春节"),  # Sun
    (date(2026, 2, 23), HOLIDAY, "春节"),  # Mon
    (date(2026, 2, 28), WORKDAY, "春节"),  # Sat
    # 三、清明节：4月4日（周六）至6日（周一）放假，共3天。
    (date(2026, 4, 4), HOLIDAY, "清明节"),  # Sat
    (date(2026, 4, 5), HOLIDAY, "清明节"),  # Sun
    (date(2026, 4, 6), HOLIDAY, "清明节"),  # Mon
    # 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
    (date(2026, 5, 1), HOLIDAY, "劳动节"),  # Fri
    (date(2026, 5, 2), HOLIDAY, "劳动节"),  # Sat
    (date(2026, 5, 3), HOLIDAY, "劳动节"),  # Sun
    (date(2026, 5, 4), HOLIDAY, "劳动节"),  # Mon
    (date(2026, 5, 5), HOLIDAY, "劳动节"),  # Tue
    (date(2026, 5, 9), WORKDAY, "劳动节"),  # Sat
    # 五、端午节：6月19日（周五）至21日（周日）放假，共3天。
    (date(2026, 6, 19), HOLIDAY, "端午节"),  # Fri
    (date(2026, 6, 20), HOLIDAY, "端午节"),  # Sat
    (date(2026, 6, 21), HOLIDAY, "端午节"),  # Sun
    # 六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
    (date(2026, 9, 25), HOLIDAY, "中秋节"),  # Fri
    (date(2026, 9, 26), HOLIDAY, "中秋节"),  # Sat
    (date(2026, 9, 27), HOLIDAY, "中秋节"),  # Sun
    # 七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
    (date(2026, 9, 20), WORKDAY, "国庆节"),  # Sun
    (date(2026, 10, 1), HOLIDAY, "国庆节"),  # Thu
    (date(2026, 10, 2), HOLIDAY, "国庆节"),  # Fri
    (date(2026, 10, 3), HOLIDAY, "国庆节"),  # Sat
    (date(2026, 10, 4), HOLIDAY, "国庆节"),  # Sun
    (date(2026, 10, 5), HOLIDAY, "国庆节"),  # Mon
    (date(2026, 10, 6), HOLIDAY, "国庆节"),  # Tue
    (date(2026, 10, 7), HOLIDAY, "国庆节"),  # Wed
    (date(2026, 10, 10), WORKDAY, "国庆节"),  # Sat
)
