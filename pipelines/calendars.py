"""The publishers' release calendars, as plain code the tests can evaluate (no Dagster here).

Each calendar says on which days and at what local time a publisher is *expected* to release, the
cron string of the schedule that looks for the release, and how long a source may go without new
content before it counts as stale. The rules model the publishers' habits; they are not promises
from the publishers, so every schedule probes cheaply (one conditional request per file) and a
release a day late costs nothing but a second probe.

| calendar            | sources                                   | expected release (local time)                                   | schedule (cron, timezone)            | stale after |
|---------------------|-------------------------------------------|------------------------------------------------------------------|--------------------------------------|-------------|
| `tic`               | tic_mfh_history, tic_table5, tic_table3   | first US business day on/after the 15th, 16:00 America/New_York  | `5 16 15-19 * *` America/New_York    | 50 days     |
| `mof_reserves`      | mof_reserves                              | 5th Tokyo business day of the month, 14:00 Asia/Tokyo            | `30 14 5-12 * *` Asia/Tokyo          | 45 days     |
| `mof_interventions` | mof_interventions                         | last Tokyo business day of the month, 19:00 Asia/Tokyo           | `30 19 26-31 * *` Asia/Tokyo         | 100 days    |
| `mof_weekly_securities` | mof_weekly_securities               | Thursdays that are Tokyo business days, 08:50 Asia/Tokyo         | `55 8 * * 4,5` Asia/Tokyo            | 14 days     |
| `fred`              | fred                                      | every US business day, 17:00 America/New_York                    | `30 17 * * 1-5` America/New_York     | 10 days     |
| `debt_to_penny`     | debt_to_penny                             | every US business day, 16:00 America/New_York                    | `30 16 * * 1-5` America/New_York     | 5 days      |
| `mspd`              | mspd                                      | 4th US business day of the month, 15:00 America/New_York          | `30 15 4-10 * *` America/New_York    | 45 days     |
| `federal_register`  | federal_register                          | every US business day, 06:00 America/New_York                    | `0 7 * * 1-5` America/New_York       | 30 days     |

Why these rules:
- TIC: Treasury releases the monthly TIC data around the 15th-18th at 4 pm Eastern. Modelled as
  the first US business day on/after the 15th; the schedule looks on the 15th to the 19th, so a
  release on the 18th (as often happens) is still found the same afternoon. Stale when no new
  month has arrived within 50 days (a skipped month).
- MOF reserves: "International Reserves / Foreign Currency Liquidity" appears early in the month
  at 14:00 JST, in practice on the 5th Tokyo business day (e.g. 2024-08-07, 2024-09-06,
  2024-10-07). The 5th business day falls between the 5th and the 12th (New Year and Golden Week).
  Stale after 45 days (one monthly cycle, at most 35 days, plus slack).
- MOF interventions: the monthly intervention totals are published on the last Tokyo business day
  of the month at 19:00 JST. The daily detail in the CSV is refreshed per quarter and only when
  there was an intervention, so it is stale only after 100 days without a change (one quarter
  plus slack), not after a month.
- MOF weekly securities: "International Transactions in Securities (weekly)" appears on the
  Thursday after each Sunday-to-Saturday week at 08:50 JST. Probed on Thursday and Friday (a
  Thursday holiday moves it); stale after 14 days (two missed weeks).
- FRED: series are updated on business days (the daily JPY rate weekly, with the H.10 release).
  Looked at each business day at 17:30 Eastern; stale after 10 days without a change.
- Debt to the Penny: one record per business day, posted in the afternoon. Looked at 16:30
  Eastern; stale after 5 days (a long weekend plus a holiday is 4).
- MSPD: the Monthly Statement of the Public Debt for a month end appears on the 4th business day of
  the next month, in the afternoon. The 4th business day falls between the 4th and the 10th (a
  holiday week); stale after 45 days (one monthly cycle plus slack).
- Federal Register: published on federal business days at 06:00 Eastern. Tariff documents do not
  appear every day, so stale only after 30 days without a new matching document.

Newest observation expected (what `tlw status` judges freshness by: the data, not the fetch):
TIC the month before last once the mid-month release is out; MOF reserves last month once the
5th Tokyo business day is past; MSPD last month's end after its 4th US business day; MOF weekly
securities the week ending the Saturday before its Thursday release; Debt to the Penny the last
US business day; FRED's daily series the last US business day less a week (H.10 is posted weekly). MOF interventions and the Federal
Register are event data with no expected newest date: they are judged by `stale after`, counted
from the last fetch that brought new content.

Business days: US = Monday-Friday except US federal holidays (5 U.S.C. 6103, with the
Saturday -> Friday and Sunday -> Monday observance rules). Tokyo = Monday-Friday except the bank
holidays 31 Dec - 3 Jan and Japan's national holidays (substitute holidays, the "citizens'
holiday" between two holidays, and the one-off moves of 2019-2021 included). Both calendars come
from the `holidays` package.

Reference data (countries, country_labels, fred_series, tariff_register, policy_statements) is kept in the repository
and has no calendar: it changes with the code, and the release sensor picks the change up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

import holidays

NEW_YORK = "America/New_York"
TOKYO = "Asia/Tokyo"

REFERENCE_SOURCES: tuple[str, ...] = ("countries", "country_labels", "fred_series", "tariff_register", "policy_statements")
# Reference data is reviewed, not released: Dagster marks it stale a year after it last changed.
REFERENCE_STALE_AFTER = timedelta(days=365)


# ---------------------------------------------------------------- holidays and business days


# The `holidays` package keeps both calendars (and is right where a hand-written rule would not be:
# Japan's one-off moves of 2019-2021, the Happy Monday law from 2000-03). Both objects fill in a
# year the first time a date in it is asked about.
_US_FEDERAL = holidays.US(observed=True)  # 5 U.S.C. 6103, Saturday -> Friday, Sunday -> Monday
_JAPAN_BANKS = holidays.JP(categories=(holidays.PUBLIC, holidays.BANK))  # national holidays + 31 Dec - 3 Jan


def us_federal_holidays(year: int) -> frozenset[date]:
    """The US federal holidays of `year` as observed (and the actual dates of weekend ones)."""
    return frozenset(day for day in holidays.US(years=[year, year + 1], observed=True) if day.year == year)


def us_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _US_FEDERAL


def japan_holidays(year: int) -> frozenset[date]:
    """Japan's national holidays of `year`, with substitute and "citizens'" holidays."""
    return frozenset(holidays.JP(years=year))


def tokyo_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _JAPAN_BANKS


def _month_days(day: date) -> list[date]:
    first = day.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return [first + timedelta(days=i) for i in range((following - first).days)]


# ---------------------------------------------------------------- release day rules


def tic_release_day(day: date) -> bool:
    """The first US business day on or after the 15th."""
    if day.day < 15 or not us_business_day(day):
        return False
    return not any(us_business_day(day.replace(day=d)) for d in range(15, day.day))


def mspd_release_day(day: date) -> bool:
    """The 4th US business day of the month."""
    business = [d for d in _month_days(day) if us_business_day(d)]
    return len(business) >= 4 and business[3] == day


def mof_reserves_release_day(day: date) -> bool:
    """The 5th Tokyo business day of the month."""
    business = [d for d in _month_days(day) if tokyo_business_day(d)]
    return len(business) >= 5 and business[4] == day


def mof_weekly_securities_release_day(day: date) -> bool:
    """A Thursday that is a Tokyo business day (MOF's weekly release day for the previous week)."""
    return day.weekday() == 3 and tokyo_business_day(day)


def mof_interventions_release_day(day: date) -> bool:
    """The last Tokyo business day of the month."""
    business = [d for d in _month_days(day) if tokyo_business_day(d)]
    return bool(business) and business[-1] == day


# ---------------------------------------------------------------- newest observation expected
# Given the local day of the publisher's latest expected release, the newest observation that
# release carries: what `tlw status` compares the warehouse's newest observation with.


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def month_before_last(release_day: date) -> date:
    """TIC: the mid-month release carries the month before last (released 15 May: March)."""
    return _month_start(release_day, 2)


def last_month(release_day: date) -> date:
    """MOF reserves: the release on the 5th business day carries the end of last month."""
    return _month_start(release_day, 1)


def previous_us_business_day(day: date) -> date:
    """Daily series: a release carries observations through the business day before it."""
    day -= timedelta(days=1)
    while not us_business_day(day):
        day -= timedelta(days=1)
    return day


def saturday_before(release_day: date) -> date:
    """MOF weekly securities: Thursday's release carries the Sunday-to-Saturday week before."""
    return release_day - timedelta(days=(release_day.weekday() - 5) % 7 or 7)


def h10_week_before(release_day: date) -> date:
    """FRED daily rates come from the Fed's H.10, posted weekly: a week's allowance before the
    last business day, so a Tuesday without the new week is not stale."""
    return previous_us_business_day(release_day) - timedelta(days=7)


# ---------------------------------------------------------------- calendars


@dataclass(frozen=True)
class ReleaseCalendar:
    name: str  # also the schedule's name stem: `<name>_release`
    sources: tuple[str, ...]
    publisher: str
    rule: str  # the expected release, in words
    timezone: str  # the publisher's own time zone: the cron and the release time are in it
    release_time: time  # local time of the expected release
    releases_on: Callable[[date], bool]
    cron: str  # when the schedule probes, in `timezone` (its execution_timezone)
    stale_after: timedelta  # no new content for this long after the last change: stale
    warn_after: timedelta  # the freshness policy's warning window, shorter than stale_after
    # The newest observation the latest release carries, from the release's local day; None for
    # event data (interventions, Federal Register documents), judged by the last change instead.
    newest_expected: Callable[[date], date] | None = None
    newest_rule: str = ""

    def expected_newest(self, at: datetime) -> date | None:
        """The newest observation the warehouse should hold at `at`, by this calendar."""
        if self.newest_expected is None:
            return None
        release = self.previous_release(at).astimezone(ZoneInfo(self.timezone)).date()
        return self.newest_expected(release)

    def release_at(self, day: date) -> datetime:
        return datetime.combine(day, self.release_time, tzinfo=ZoneInfo(self.timezone))

    def next_release(self, after: datetime) -> datetime:
        """The first expected release strictly after `after` (naive datetimes are UTC)."""
        after = _aware(after)
        day = after.astimezone(ZoneInfo(self.timezone)).date()
        for _ in range(400):
            if self.releases_on(day) and self.release_at(day) > after:
                return self.release_at(day)
            day += timedelta(days=1)
        raise ValueError(f"{self.name}: no release day found within 400 days after {after}")

    def previous_release(self, at: datetime) -> datetime:
        """The latest expected release at or before `at` (naive datetimes are UTC)."""
        at = _aware(at)
        day = at.astimezone(ZoneInfo(self.timezone)).date()
        for _ in range(400):
            if self.releases_on(day) and self.release_at(day) <= at:
                return self.release_at(day)
            day -= timedelta(days=1)
        raise ValueError(f"{self.name}: no release day found within 400 days before {at}")


CALENDARS: tuple[ReleaseCalendar, ...] = (
    ReleaseCalendar(
        name="tic",
        sources=("tic_mfh_history", "tic_table5", "tic_table3"),
        publisher="U.S. Treasury (TIC)",
        rule="monthly, first US business day on/after the 15th, 4 pm Eastern",
        timezone=NEW_YORK,
        release_time=time(16, 0),
        releases_on=tic_release_day,
        cron="5 16 15-19 * *",
        stale_after=timedelta(days=50),
        warn_after=timedelta(days=35),
        newest_expected=month_before_last,
        newest_rule="the month before last, after the mid-month release",
    ),
    ReleaseCalendar(
        name="mof_reserves",
        sources=("mof_reserves",),
        publisher="Japan Ministry of Finance",
        rule="monthly, 5th Tokyo business day, 14:00 JST",
        timezone=TOKYO,
        release_time=time(14, 0),
        releases_on=mof_reserves_release_day,
        cron="30 14 5-12 * *",
        stale_after=timedelta(days=45),
        warn_after=timedelta(days=36),
        newest_expected=last_month,
        newest_rule="last month, after the 5th Tokyo business day",
    ),
    ReleaseCalendar(
        name="mof_interventions",
        sources=("mof_interventions",),
        publisher="Japan Ministry of Finance",
        rule="monthly, last Tokyo business day, 19:00 JST (daily detail per quarter)",
        timezone=TOKYO,
        release_time=time(19, 0),
        releases_on=mof_interventions_release_day,
        cron="30 19 26-31 * *",
        stale_after=timedelta(days=100),
        warn_after=timedelta(days=70),
    ),
    ReleaseCalendar(
        name="mof_weekly_securities",
        sources=("mof_weekly_securities",),
        publisher="Japan Ministry of Finance",
        rule="weekly, Thursday 08:50 JST, for the Sunday-to-Saturday week before",
        timezone=TOKYO,
        release_time=time(8, 50),
        releases_on=mof_weekly_securities_release_day,
        cron="55 8 * * 4,5",
        stale_after=timedelta(days=14),
        warn_after=timedelta(days=10),
        newest_expected=saturday_before,
        newest_rule="the week ending the Saturday before the Thursday release",
    ),
    ReleaseCalendar(
        name="fred",
        sources=("fred",),
        publisher="Federal Reserve Bank of St. Louis (FRED)",
        rule="US business days, 5 pm Eastern",
        timezone=NEW_YORK,
        release_time=time(17, 0),
        releases_on=us_business_day,
        cron="30 17 * * 1-5",
        stale_after=timedelta(days=10),
        warn_after=timedelta(days=7),
        newest_expected=h10_week_before,
        newest_rule="the daily series: the last business day, less a week (H.10 is posted weekly)",
    ),
    ReleaseCalendar(
        name="debt_to_penny",
        sources=("debt_to_penny",),
        publisher="U.S. Treasury Fiscal Data",
        rule="US business days, 4 pm Eastern",
        timezone=NEW_YORK,
        release_time=time(16, 0),
        releases_on=us_business_day,
        cron="30 16 * * 1-5",
        stale_after=timedelta(days=5),
        warn_after=timedelta(days=3),
        newest_expected=previous_us_business_day,
        newest_rule="the last business day",
    ),
    ReleaseCalendar(
        name="mspd",
        sources=("mspd",),
        publisher="U.S. Treasury Fiscal Data (Monthly Statement of the Public Debt)",
        rule="monthly, 4th US business day, 3 pm Eastern",
        timezone=NEW_YORK,
        release_time=time(15, 0),
        releases_on=mspd_release_day,
        cron="30 15 4-10 * *",
        stale_after=timedelta(days=45),
        warn_after=timedelta(days=36),
        newest_expected=last_month,
        newest_rule="last month's end, after the 4th US business day",
    ),
    ReleaseCalendar(
        name="federal_register",
        sources=("federal_register",),
        publisher="Office of the Federal Register",
        rule="US business days, 6 am Eastern",
        timezone=NEW_YORK,
        release_time=time(6, 0),
        releases_on=us_business_day,
        cron="0 7 * * 1-5",
        stale_after=timedelta(days=30),
        warn_after=timedelta(days=14),
    ),
)

_BY_SOURCE: dict[str, ReleaseCalendar] = {s: c for c in CALENDARS for s in c.sources}


def calendar_for(source: str) -> ReleaseCalendar | None:
    """The calendar a source follows; None for reference data (and unknown names)."""
    return _BY_SOURCE.get(source)


def _calendar(source: str) -> ReleaseCalendar:
    calendar = calendar_for(source)
    if calendar is None:
        raise KeyError(f"{source!r} has no release calendar (reference data or unknown source)")
    return calendar


def next_expected_release(source: str, after: datetime) -> datetime:
    """When the publisher of `source` is next expected to release, strictly after `after`."""
    return _calendar(source).next_release(after)


def previous_expected_release(source: str, at: datetime) -> datetime:
    """The publisher's latest expected release of `source` at or before `at`."""
    return _calendar(source).previous_release(at)


def stale_after(source: str) -> timedelta:
    """How long `source` may go without new content; reference data: a yearly review."""
    calendar = calendar_for(source)
    return calendar.stale_after if calendar else REFERENCE_STALE_AFTER


def warn_after(source: str) -> timedelta:
    calendar = calendar_for(source)
    return calendar.warn_after if calendar else timedelta(days=300)


def cron_for(source: str) -> tuple[str, str]:
    """The schedule's cron string and its execution timezone."""
    calendar = _calendar(source)
    return calendar.cron, calendar.timezone


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
